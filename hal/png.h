/* SPDX-License-Identifier: MIT */
/*
 * png.h - writes 8-bit greyscale PNG files (QR cards, receipt previews). The only user of libpng.
 */
#ifndef PASSGATE_HAL_PNG_H
#define PASSGATE_HAL_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Writes width x height grey pixels, rows stride bytes apart, to path (replaced atomically: a
 * temporary file renamed into place). Returns 0 or -errno (-EIO when libpng failed). */
int hal_png_write_gray(const char *path, const uint8_t *pixels, unsigned width, unsigned height,
		       size_t stride);

#endif
