/* SPDX-License-Identifier: MIT */
/*
 * test_hal_camera.c - the dir: source (name order, non-images skipped, idle at the end) and the
 * libcamera source on a machine without a camera (reported absent, retried with backoff).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/camera.h"
#include "hal/qrcode.h"

struct seen {
	char names[8][32];
	unsigned widths[8];
	unsigned n;
};

static void on_frame(const struct hal_frame *f, void *u)
{
	struct seen *s = u;
	assert_true(s->n < 8);
	snprintf(s->names[s->n], sizeof(s->names[0]), "%s", f->name);
	s->widths[s->n] = f->width;
	assert_true(f->stride >= f->width);
	assert_non_null(f->luma);
	s->n++;
}

static void test_dir_source(void **state)
{
	(void)state;
	char dir[] = "/tmp/passgate-cam-XXXXXX", path[128];
	struct hal_camera *cam = NULL;
	struct seen s = { 0 };
	assert_non_null(mkdtemp(dir));
	/* Written out of order, with scales that tell them apart by width. */
	snprintf(path, sizeof(path), "%s/b.png", dir);
	assert_int_equal(hal_qr_write_png("second", path, 3), 0);
	snprintf(path, sizeof(path), "%s/a.PNG", dir);
	assert_int_equal(hal_qr_write_png("first", path, 2), 0);
	snprintf(path, sizeof(path), "%s/c.jpg", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("not a jpeg", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);

	char src[64];
	snprintf(src, sizeof(src), "dir:%s", dir);
	struct hal_camera_config cfg = { .source = src };
	assert_int_equal(hal_camera_new(&cfg, &cam), 0);
	assert_int_equal(hal_camera_get_state(cam, NULL), HAL_CAMERA_RUNNING);
	assert_true(hal_camera_fd(cam) >= 0);
	assert_int_equal(hal_camera_deadline(cam), HAL_NO_DEADLINE);
	for (int i = 0; i < 5; i++)
		assert_int_equal(hal_camera_dispatch(cam, on_frame, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.names[0], "a.PNG");
	assert_string_equal(s.names[1], "b.png");
	assert_int_equal(s.widths[0], (21 + 8) * 2);
	assert_int_equal(s.widths[1], (21 + 8) * 3);
	assert_int_equal(hal_camera_get_state(cam, NULL), HAL_CAMERA_IDLE);
	/* Idle: the fd is no longer readable. */
	uint64_t v;
	assert_true(read(hal_camera_fd(cam), &v, sizeof(v)) < 0 && errno == EAGAIN);
	hal_camera_free(cam);

	const char *names[] = { "a.PNG", "b.png", "c.jpg", "notes.txt" };
	for (unsigned i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void test_bad_sources(void **state)
{
	(void)state;
	struct hal_camera *cam = NULL;
	const char *bad[] = { "", "webcam", "dir:", "libcamera:x", "libcamera:1000" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hal_camera_config cfg = { .source = bad[i] };
		assert_int_equal(hal_camera_new(&cfg, &cam), -EINVAL);
	}
	struct hal_camera_config cfg = { .source = "dir:/nonexistent/passgate" };
	assert_int_equal(hal_camera_new(&cfg, &cam), -ENOENT);
	assert_null(cam);
}

static uint64_t fake_now(void *u)
{
	return *(uint64_t *)u;
}

/* dir: with an interval delivers one file per interval, woken by the deadline. */
static void test_dir_interval(void **state)
{
	(void)state;
	char dir[] = "/tmp/passgate-cam-XXXXXX", path[128], src[64];
	const char *names[] = { "a.png", "b.png", "c.png" };
	uint64_t now = 1000000, v;
	struct hal_camera *cam = NULL;
	struct seen s = { 0 };

	assert_non_null(mkdtemp(dir));
	for (unsigned i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		assert_int_equal(hal_qr_write_png(names[i], path, 2), 0);
	}
	snprintf(src, sizeof(src), "dir:%s", dir);
	struct hal_camera_config cfg = { .source = src,
					 .interval_ms = 250,
					 .clock = { fake_now, &now } };
	assert_int_equal(hal_camera_new(&cfg, &cam), 0);
	assert_int_equal(hal_camera_deadline(cam), 0); /* the first file at once */
	assert_int_equal(hal_camera_dispatch(cam, on_frame, &s), 0);
	assert_int_equal(s.n, 1);
	/* The fd is quiet now: the next file comes at the deadline, not before. */
	assert_true(read(hal_camera_fd(cam), &v, sizeof(v)) < 0 && errno == EAGAIN);
	assert_int_equal(hal_camera_deadline(cam), 1250000);
	now = 1249999;
	assert_int_equal(hal_camera_dispatch(cam, on_frame, &s), 0);
	assert_int_equal(s.n, 1);
	now = 1250000;
	assert_int_equal(hal_camera_dispatch(cam, on_frame, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(hal_camera_deadline(cam), 1500000);
	now = 1600000;
	assert_int_equal(hal_camera_dispatch(cam, on_frame, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.names[2], "c.png");
	assert_int_equal(hal_camera_get_state(cam, NULL), HAL_CAMERA_IDLE);
	assert_int_equal(hal_camera_deadline(cam), HAL_NO_DEADLINE);
	hal_camera_free(cam);
	for (unsigned i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void test_libcamera_absent(void **state)
{
	(void)state;
	uint64_t now = 5000000;
	struct hal_camera *cam = NULL;
	struct hal_camera_config cfg = { .source = "libcamera:7", .clock = { fake_now, &now } };
	int err;
	unsigned calls = 0;

	/* No machine running these tests has eight cameras: camera 7 is reliably absent. */
	assert_int_equal(hal_camera_new(&cfg, &cam), 0);
	assert_int_equal(hal_camera_get_state(cam, &err), HAL_CAMERA_ABSENT);
	assert_int_equal(err, -ENODEV);
	assert_int_equal(hal_camera_fd(cam), -1);
	assert_int_equal(hal_camera_deadline(cam), 5000000 + 1000000);
	/* Before the deadline nothing is retried; at it, a retry fails and the backoff doubles. */
	assert_int_equal(hal_camera_dispatch(cam, NULL, &calls), 0);
	assert_int_equal(hal_camera_deadline(cam), 6000000);
	now = 6000000;
	assert_int_equal(hal_camera_dispatch(cam, NULL, &calls), 0);
	assert_int_equal(hal_camera_get_state(cam, &err), HAL_CAMERA_ABSENT);
	assert_int_equal(hal_camera_deadline(cam), 6000000 + 2000000);
	hal_camera_free(cam);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir_source),
		cmocka_unit_test(test_bad_sources),
		cmocka_unit_test(test_dir_interval),
		cmocka_unit_test(test_libcamera_absent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
