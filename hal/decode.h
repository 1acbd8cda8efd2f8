/* SPDX-License-Identifier: MIT */
/*
 * decode.h - an image file's QR text in one call, for `passgate decode|verify|check --image`.
 */
#ifndef PASSGATE_HAL_DECODE_H
#define PASSGATE_HAL_DECODE_H

#include <stddef.h>

/*
 * Loads a PNG/JPEG file and reads one QR code from it, trying hard (HAL_QR_THOROUGH). Returns 1
 * with a malloc'd NUL-terminated *ret_text (caller frees; *ret_len its length, binary-safe), 0 when
 * the image has no readable QR code, -EINVAL when the file is not an image we read, or -errno of
 * the I/O.
 */
int hal_decode_image_file(const char *path, char **ret_text, size_t *ret_len);

#endif
