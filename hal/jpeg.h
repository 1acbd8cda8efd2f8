/* SPDX-License-Identifier: MIT */
/* jpeg.h - JPEG to 8-bit luma (libjpeg-turbo), for image.c. */
#ifndef PASSGATE_HAL_JPEG_H
#define PASSGATE_HAL_JPEG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes a baseline/progressive JPEG (greyscale or YCbCr) to luma: *ret_luma malloc'd, rows
 * width bytes. Images larger than max_dimension per side or max_pixels in all are refused before
 * any pixel is allocated. A progressive image of more than max_scans scans, or a decode that
 * takes longer than max_ms milliseconds (CLOCK_MONOTONIC, checked as libjpeg reports progress;
 * 0 = no time at all), is abandoned. Returns 0, -EINVAL (not a JPEG we read, or too big), -E2BIG
 * (too many scans), -ETIME (out of time), -ENOMEM.
 */
int hal_jpeg_decode_gray(const void *data, size_t len, unsigned max_dimension, uint64_t max_pixels,
			 unsigned max_scans, unsigned max_ms, uint8_t **ret_luma,
			 unsigned *ret_width, unsigned *ret_height);

#endif
