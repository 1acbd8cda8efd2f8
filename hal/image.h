/* SPDX-License-Identifier: MIT */
/*
 * image.h - PNG and JPEG files to 8-bit luma, for `passgate decode`, the camera's dir: source and
 * the tests. The pixels are tightly packed (stride = width).
 */
#ifndef PASSGATE_HAL_IMAGE_H
#define PASSGATE_HAL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Limits on what an outsider's file may make us allocate and compute (docs/hardware.md, "Image
 * files"). 16 Mpixel is a 4096 x 4096 image, above any phone screenshot and a 12 Mpixel photo;
 * a legitimate progressive JPEG has about ten scans. The time limit is checked while libjpeg
 * reports progress; PNG decoding is linear in its pixels, so the pixel cap bounds its time.
 */
#define HAL_IMAGE_MAX_FILE	(64u << 20)
#define HAL_IMAGE_MAX_DIMENSION 8192u
#define HAL_IMAGE_MAX_PIXELS	(16u << 20)
#define HAL_IMAGE_MAX_SCANS	64u
#define HAL_IMAGE_MAX_MS	2000u

/*
 * Decodes a PNG or JPEG held in memory. On success *ret_luma is a malloc'd width x height buffer
 * (caller frees with free()). Returns 0, -EINVAL for data that is no image we read or exceeds the
 * size limits, -E2BIG for a JPEG of too many scans, -ETIME for one that takes too long, -ENOMEM.
 */
int hal_image_decode(const void *data, size_t len, uint8_t **ret_luma, unsigned *ret_width,
		     unsigned *ret_height);

/* The same for a file; -errno of open/read on I/O failure. */
int hal_image_load(const char *path, uint8_t **ret_luma, unsigned *ret_width, unsigned *ret_height);

#endif
