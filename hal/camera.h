/* SPDX-License-Identifier: MIT */
/*
 * camera.h - frames of 8-bit luma for the decoder, from a camera or a folder of images.
 *
 * Sources (DESIGN.md [camera] source):
 *   libcamera[:N]  camera N (default 0), a low-resolution viewfinder stream; the luma plane is
 *                  read in place, without copies
 *   dir:PATH       every PNG/JPEG file in PATH once, in name order, then idle; with
 *                  interval_ms, one file per interval (woken by hal_camera_deadline())
 *
 * A camera that cannot be opened or vanishes is retried with backoff (1 s doubling to 30 s);
 * hal_camera_get_state() reports it. Poll hal_camera_fd() for POLLIN, wake at
 * hal_camera_deadline(), and call hal_camera_dispatch(): it calls back with at most one frame
 * (the newest; older ones are given back unseen, so the gate never lags behind the scene).
 */
#ifndef PASSGATE_HAL_CAMERA_H
#define PASSGATE_HAL_CAMERA_H

#include <stddef.h>
#include <stdint.h>

#include "hal/clock.h"

struct hal_frame {
	const uint8_t *luma; /* borrowed for the duration of the callback only */
	unsigned width, height;
	size_t stride;
	uint64_t sequence;
	const char *name; /* dir: the file name; libcamera: NULL */
};

enum hal_camera_state {
	HAL_CAMERA_RUNNING,
	HAL_CAMERA_ABSENT, /* not there (yet, or any more): retrying */
	HAL_CAMERA_IDLE,   /* dir: every file delivered */
};

struct hal_camera_config {
	const char *source;
	unsigned width, height; /* libcamera: 0 means 640 x 480 */
	unsigned interval_ms; /* dir: one file per interval (a frame period); 0: one per dispatch */
	struct hal_clock clock;
};

struct hal_camera;

typedef void (*hal_camera_frame_fn)(const struct hal_frame *frame, void *userdata);

/* Caller frees with hal_camera_free(). -EINVAL for a malformed source; -ENOENT/-ENOTDIR for a
 * dir: that is not a readable folder. A camera that is not there is not an error: the state is
 * ABSENT and the error it met is in hal_camera_get_state(). */
int hal_camera_new(const struct hal_camera_config *cfg, struct hal_camera **ret);
void hal_camera_free(struct hal_camera *cam);

int hal_camera_fd(const struct hal_camera *cam);
uint64_t hal_camera_deadline(const struct hal_camera *cam);
int hal_camera_dispatch(struct hal_camera *cam, hal_camera_frame_fn fn, void *userdata);

/* The state, and the -errno that made it ABSENT (-ENODEV: no camera) in *ret_error. */
enum hal_camera_state hal_camera_get_state(const struct hal_camera *cam, int *ret_error);
const char *hal_camera_state_name(enum hal_camera_state s);

#endif
