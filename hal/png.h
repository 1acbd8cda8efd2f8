/* SPDX-License-Identifier: MIT */
/*
 * png.h - reads PNG files as 8-bit grey (camera dir: source, --image) and writes greyscale PNG
 * files (QR cards, receipt previews). The only user of libpng.
 */
#ifndef PASSGATE_HAL_PNG_H
#define PASSGATE_HAL_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Writes width x height grey pixels, rows stride bytes apart, to path (replaced atomically: a
 * temporary file renamed into place). Returns 0 or -errno (-EIO when libpng failed). */
int hal_png_write_gray(const char *path, const uint8_t *pixels, unsigned width, unsigned height,
		       size_t stride);

/* Decodes a PNG to 8-bit grey; transparent pixels are composited on white (a screen shows a
 * transparent background as paper). Sizes beyond max_dimension or max_pixels are refused before
 * allocating. *ret_gray is malloc'd. Returns 0, -EINVAL, -ENOMEM. */
int hal_png_decode_gray(const void *data, size_t len, unsigned max_dimension, uint64_t max_pixels,
			uint8_t **ret_gray, unsigned *ret_width, unsigned *ret_height);

#endif
