/* SPDX-License-Identifier: MIT */
/*
 * camera_libcamera.h - the C face of the libcamera shim (internal to hal/; camera.c is its one
 * user). A viewfinder stream in YUV420 (or NV12/NV21): the luma plane of each completed request
 * is handed over by index through a locked queue and an eventfd, read in place from the mmap'd
 * dmabuf, and requeued by the C side when it is done.
 */
#ifndef PASSGATE_HAL_CAMERA_LIBCAMERA_H
#define PASSGATE_HAL_CAMERA_LIBCAMERA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct hal_lc;

/* Opens camera number index at about width x height. Returns 0, -ENODEV (no such camera),
 * -ENOTSUP (no 8-bit luma format), -EBUSY, -ENOMEM, -EIO. Caller closes with hal_lc_close(). */
int hal_lc_open(unsigned index, unsigned width, unsigned height, struct hal_lc **ret);
void hal_lc_close(struct hal_lc *lc);

/* The eventfd that becomes readable when a frame completed or the camera went away. */
int hal_lc_fd(const struct hal_lc *lc);

/*
 * Takes the next completed frame: 1 with its luma plane (valid until hal_lc_requeue(token)),
 * 0 when none is waiting, -ENODEV when the camera was unplugged.
 */
int hal_lc_next(struct hal_lc *lc, const uint8_t **ret_luma, unsigned *ret_width,
		unsigned *ret_height, size_t *ret_stride, uint64_t *ret_sequence,
		unsigned *ret_token);

/* Gives the frame's buffer back to the camera. */
int hal_lc_requeue(struct hal_lc *lc, unsigned token);

/* libcamera's version string, e.g. "0.0.3". Static storage. */
const char *hal_lc_version(void);

#ifdef __cplusplus
}
#endif

#endif
