/* SPDX-License-Identifier: MIT */
/*
 * camera.c - the frame sources behind camera.h: a folder of images (decoded with image.c) and
 * libcamera (through the C++ shim camera_libcamera.cpp). The folder source is what tests and
 * demos use; the code above the boundary (the daemon's scan pipeline) is the same for both.
 *
 * The folder is listed once at start, sorted by name (strcmp: byte order, so "frame-010.png"
 * after "frame-009.png"); its eventfd stays readable until every file has been delivered. A file
 * that is not a readable image is skipped. With an interval (a camera's frame period) the files
 * are paced by the deadline instead: one per interval, so that tests can show a code again
 * after a time has passed (hold-off, pass-back) without depending on how fast the machine is.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "hal/camera.h"
#include "hal/camera_libcamera.h"
#include "hal/camera_module.h"
#include "hal/image.h"

#define BACKOFF_MIN 1000000u
#define BACKOFF_MAX 30000000u
#define MAX_FILES   100000u

struct hal_camera {
	struct hal_clock clock;
	enum hal_camera_state state;
	int error;
	/* dir: */
	char *dir;
	/* The image names, sorted: one NUL-separated arena and an offset per name, so that a
	 * folder of 100 000 files costs ~15 bytes a name, not a malloc'ed string each. */
	char *names;
	size_t names_len;
	uint32_t *files;
	size_t n_files, next;
	int efd;
	uint64_t interval, next_at; /* µs; interval 0: as fast as dispatched */
	/* libcamera: */
	bool is_lc;
	unsigned index, width, height;
	struct hal_lc *lc;
	void *module; /* camera-libcamera.so, loaded on the first open */
	const struct hal_lc_ops *ops;
	uint64_t reopen_at, backoff;
};

const char *hal_camera_state_name(enum hal_camera_state s)
{
	return s == HAL_CAMERA_RUNNING ? "running" : s == HAL_CAMERA_ABSENT ? "absent" : "idle";
}

static int by_name(const void *a, const void *b, void *arena)
{
	return strcmp((const char *)arena + *(const uint32_t *)a,
		      (const char *)arena + *(const uint32_t *)b);
}

static const char *file_name(const struct hal_camera *cam, size_t i)
{
	return cam->names + cam->files[i];
}

static bool is_image_name(const char *n)
{
	const char *dot = strrchr(n, '.');
	return dot && (strcasecmp(dot, ".png") == 0 || strcasecmp(dot, ".jpg") == 0 ||
		       strcasecmp(dot, ".jpeg") == 0);
}

static int list_dir(struct hal_camera *cam)
{
	struct dirent *de;
	size_t cap = 0, names_cap = 0;
	DIR *d;

	d = opendir(cam->dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !is_image_name(de->d_name))
			continue;
		if (cam->n_files == MAX_FILES)
			break;
		size_t len = strlen(de->d_name) + 1;

		if (cam->n_files == cap) {
			size_t nc = cap ? cap * 2 : 16;
			uint32_t *f = realloc(cam->files, nc * sizeof(*f));
			if (!f)
				goto nomem;
			cam->files = f;
			cap = nc;
		}
		if (cam->names_len + len > names_cap) {
			size_t nc = names_cap ? names_cap * 2 : 4096;
			char *n;

			if (nc > UINT32_MAX)
				goto nomem;
			n = realloc(cam->names, nc);
			if (!n)
				goto nomem;
			cam->names = n;
			names_cap = nc;
		}
		memcpy(cam->names + cam->names_len, de->d_name, len);
		cam->files[cam->n_files++] = (uint32_t)cam->names_len;
		cam->names_len += len;
	}
	closedir(d);
	if (cam->n_files)
		qsort_r(cam->files, cam->n_files, sizeof(*cam->files), by_name, cam->names);
	return 0;
nomem:
	closedir(d);
	return -ENOMEM;
}

static void lc_try_open(struct hal_camera *cam, uint64_t now)
{
	int r = cam->ops ? 0 : hal_camera_module_open(&cam->module, &cam->ops);

	if (r == 0)
		r = cam->ops->open(cam->index, cam->width, cam->height, &cam->lc);

	if (r == 0) {
		cam->state = HAL_CAMERA_RUNNING;
		cam->error = 0;
		cam->backoff = BACKOFF_MIN;
		return;
	}
	cam->lc = NULL;
	cam->state = HAL_CAMERA_ABSENT;
	cam->error = r;
	cam->reopen_at = now + cam->backoff;
	cam->backoff = cam->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : cam->backoff * 2;
}

static int parse_source(struct hal_camera *cam, const char *src)
{
	if (strncmp(src, "dir:", 4) == 0 && src[4]) {
		cam->dir = strdup(src + 4);
		return cam->dir ? 0 : -ENOMEM;
	}
	if (strcmp(src, "libcamera") == 0) {
		cam->is_lc = true;
		return 0;
	}
	if (strncmp(src, "libcamera:", 10) == 0 && src[10] >= '0' && src[10] <= '9') {
		char *end;
		unsigned long n = strtoul(src + 10, &end, 10);
		if (*end || n > 64)
			return -EINVAL;
		cam->is_lc = true;
		cam->index = (unsigned)n;
		return 0;
	}
	return -EINVAL;
}

int hal_camera_new(const struct hal_camera_config *cfg, struct hal_camera **ret)
{
	struct hal_camera *cam;
	int r;

	if (!cfg || !cfg->source)
		return -EINVAL;
	cam = calloc(1, sizeof(*cam));
	if (!cam)
		return -ENOMEM;
	cam->efd = -1;
	cam->clock = cfg->clock;
	cam->width = cfg->width ? cfg->width : 640;
	cam->height = cfg->height ? cfg->height : 480;
	cam->backoff = BACKOFF_MIN;
	cam->interval = (uint64_t)cfg->interval_ms * 1000u;
	r = parse_source(cam, cfg->source);
	if (r < 0)
		goto free_cam;
	if (cam->is_lc) {
		lc_try_open(cam, hal_clock_now(&cam->clock));
		*ret = cam;
		return 0;
	}
	r = list_dir(cam);
	if (r < 0)
		goto free_cam;
	cam->efd = eventfd(cam->n_files ? 1 : 0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (cam->efd < 0) {
		r = -errno;
		goto free_cam;
	}
	cam->state = cam->n_files ? HAL_CAMERA_RUNNING : HAL_CAMERA_IDLE;
	*ret = cam;
	return 0;

free_cam:
	hal_camera_free(cam);
	return r;
}

void hal_camera_free(struct hal_camera *cam)
{
	if (!cam)
		return;
	if (cam->lc)
		cam->ops->close(cam->lc);
	hal_camera_module_close(cam->module);
	free(cam->names);
	free(cam->files);
	free(cam->dir);
	if (cam->efd >= 0)
		close(cam->efd);
	free(cam);
}

int hal_camera_fd(const struct hal_camera *cam)
{
	if (cam->is_lc)
		return cam->lc ? cam->ops->fd(cam->lc) : -1;
	return cam->efd;
}

uint64_t hal_camera_deadline(const struct hal_camera *cam)
{
	if (cam->is_lc)
		return cam->lc ? HAL_NO_DEADLINE : cam->reopen_at;
	return cam->interval && cam->next < cam->n_files ? cam->next_at : HAL_NO_DEADLINE;
}

enum hal_camera_state hal_camera_get_state(const struct hal_camera *cam, int *ret_error)
{
	if (ret_error)
		*ret_error = cam->error;
	return cam->state;
}

static int dispatch_dir(struct hal_camera *cam, hal_camera_frame_fn fn, void *userdata)
{
	uint64_t v;

	if (cam->interval && cam->next < cam->n_files) {
		uint64_t now = hal_clock_now(&cam->clock);

		/* Paced: the deadline wakes us, the eventfd only for the first file. */
		(void)!read(cam->efd, &v, sizeof(v));
		if (now < cam->next_at)
			return 0;
		cam->next_at = now + cam->interval;
	}
	while (cam->next < cam->n_files) {
		const char *name = file_name(cam, cam->next);
		char *path;
		uint8_t *luma;
		unsigned w, h;
		int r;

		cam->next++;
		if (asprintf(&path, "%s/%s", cam->dir, name) < 0)
			return -ENOMEM;
		r = hal_image_load(path, &luma, &w, &h);
		free(path);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue; /* not an image after all: skip it */
		struct hal_frame f = { luma, w, h, w, cam->next - 1, name };
		fn(&f, userdata);
		free(luma);
		break;
	}
	if (cam->next >= cam->n_files) {
		cam->state = HAL_CAMERA_IDLE;
		(void)!read(cam->efd, &v, sizeof(v));
	}
	return 0;
}

static int dispatch_lc(struct hal_camera *cam, hal_camera_frame_fn fn, void *userdata)
{
	struct hal_frame f = { 0 };
	unsigned token, prev;
	bool have = false;
	int r;

	if (!cam->lc) {
		uint64_t now = hal_clock_now(&cam->clock);
		if (now >= cam->reopen_at)
			lc_try_open(cam, now);
		return 0;
	}
	/* Deliver only the newest frame; give the older ones straight back. */
	for (;;) {
		const uint8_t *luma;
		unsigned w, h;
		size_t stride;
		uint64_t seq;
		r = cam->ops->next(cam->lc, &luma, &w, &h, &stride, &seq, &token);
		if (r <= 0)
			break;
		if (have)
			(void)cam->ops->requeue(cam->lc, prev);
		f = (struct hal_frame){ luma, w, h, stride, seq, NULL };
		prev = token;
		have = true;
	}
	if (have) {
		fn(&f, userdata);
		int q = cam->ops->requeue(cam->lc,
					  prev); /* even after an error: never lose a buffer */
		if (r == 0)
			r = q;
	}
	if (r == -ENODEV) {
		/* Unplugged: close, and retry from the shortest backoff. */
		cam->ops->close(cam->lc);
		cam->lc = NULL;
		cam->backoff = BACKOFF_MIN;
		cam->state = HAL_CAMERA_ABSENT;
		cam->error = -ENODEV;
		cam->reopen_at = hal_clock_now(&cam->clock) + cam->backoff;
		return 0;
	}
	return r < 0 ? r : 0;
}

int hal_camera_dispatch(struct hal_camera *cam, hal_camera_frame_fn fn, void *userdata)
{
	return cam->is_lc ? dispatch_lc(cam, fn, userdata) : dispatch_dir(cam, fn, userdata);
}
