/* SPDX-License-Identifier: MIT */
/*
 * image.c - PNG and JPEG files to 8-bit luma, chosen by the file's signature (not its name: the
 * DCC QA corpus has a JPEG called .png). Decoding is left to libpng (png.c) and libjpeg-turbo
 * (jpeg.c), both hardened against hostile input by years of fuzzing; the limits below are checked
 * from the headers before any pixel is allocated.
 *
 * stb_image was the first choice (header only), but fuzzing it found an out-of-bounds write in
 * its JPEG Huffman table builder (stbi__build_huffman, libstb-dev 0.0~git20220908), and its own
 * documentation does not claim safety on untrusted input.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hal/image.h"
#include "util/fileio.h"
#include "hal/jpeg.h"
#include "hal/png.h"

int hal_image_decode(const void *data, size_t len, uint8_t **ret_luma, unsigned *ret_width,
		     unsigned *ret_height)
{
	const uint8_t *d = data;

	if (!data || len < 4 || len > HAL_IMAGE_MAX_FILE)
		return -EINVAL;
	if (memcmp(d, "\x89PNG", 4) == 0)
		return hal_png_decode_gray(data, len, HAL_IMAGE_MAX_DIMENSION, HAL_IMAGE_MAX_PIXELS,
					   ret_luma, ret_width, ret_height);
	if (d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		return hal_jpeg_decode_gray(data, len, HAL_IMAGE_MAX_DIMENSION,
					    HAL_IMAGE_MAX_PIXELS, HAL_IMAGE_MAX_SCANS,
					    HAL_IMAGE_MAX_MS, ret_luma, ret_width, ret_height);
	return -EINVAL;
}

int hal_image_load(const char *path, uint8_t **ret_luma, unsigned *ret_width, unsigned *ret_height)
{
	char *data;
	size_t len;
	int r;

	r = fileio_read(path, HAL_IMAGE_MAX_FILE, FILEIO_REGULAR, &data, &len);
	if (r < 0)
		return r;
	r = hal_image_decode(data, len, ret_luma, ret_width, ret_height);
	free(data);
	return r;
}
