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

/*
 * The shim is built as a module (camera-libcamera.so) that camera_module.c loads with dlopen()
 * only when a libcamera source is configured: linking libcamera into the daemon made every start
 * load it and its liblttng-ust, whose start-up alone took ~15 ms of the 50 ms to READY, even with
 * a dir: camera. The module exports one symbol, HAL_LC_OPS_SYMBOL, this table:
 *
 * open: camera number index at about width x height. Returns 0, -ENODEV (no such camera),
 *   -ENOTSUP (no 8-bit luma format), -EBUSY, -ENOMEM, -EIO. Closed with close().
 * fd: the eventfd that becomes readable when a frame completed or the camera went away.
 * next: takes the next completed frame: 1 with its luma plane (valid until requeue(token)), 0
 *   when none is waiting, -ENODEV when the camera was unplugged.
 * requeue: gives the frame's buffer back to the camera.
 * version: libcamera's version string, e.g. "0.0.3". Static storage.
 */
struct hal_lc_ops {
	int (*open)(unsigned index, unsigned width, unsigned height, struct hal_lc **ret);
	void (*close)(struct hal_lc *lc);
	int (*fd)(const struct hal_lc *lc);
	int (*next)(struct hal_lc *lc, const uint8_t **ret_luma, unsigned *ret_width,
		    unsigned *ret_height, size_t *ret_stride, uint64_t *ret_sequence,
		    unsigned *ret_token);
	int (*requeue)(struct hal_lc *lc, unsigned token);
	const char *(*version)(void);
};

#define HAL_LC_OPS_SYMBOL "hal_lc_ops"
extern const struct hal_lc_ops hal_lc_ops;

#ifdef __cplusplus
}
#endif

#endif
