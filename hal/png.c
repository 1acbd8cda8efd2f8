/* SPDX-License-Identifier: MIT */
/*
 * png.c - greyscale PNG reader and writer over libpng. Reading uses libpng's simplified API
 * (png_image), which handles every colour type, bit depth, palette and gamma, and reports errors
 * as return values. Writing uses the classic API: libpng reports errors by longjmp; everything that
 * must survive the jump is volatile or allocated before setjmp, and the temporary file is removed
 * on every failure so that a half-written preview never replaces a good one.
 */
#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hal/png.h"

static int write_rows(FILE *f, const uint8_t *pixels, unsigned width, unsigned height,
		      size_t stride)
{
	png_structp png;
	png_infop info;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (!png)
		return -ENOMEM;
	info = png_create_info_struct(png);
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return -ENOMEM;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -EIO;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (unsigned y = 0; y < height; y++)
		png_write_row(png, pixels + (size_t)y * stride);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return 0;
}

int hal_png_write_gray(const char *path, const uint8_t *pixels, unsigned width, unsigned height,
		       size_t stride)
{
	char *tmp;
	FILE *f;
	int fd, r;

	if (!path || !pixels || width == 0 || height == 0 || stride < width)
		return -EINVAL;
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto free_tmp;
	}
	f = fdopen(fd, "wb");
	if (!f) {
		r = -errno;
		close(fd);
		goto unlink_tmp;
	}
	r = write_rows(f, pixels, width, height, stride);
	if (fflush(f) != 0 && r == 0)
		r = -errno;
	if (fchmod(fileno(f), 0644) < 0 && r == 0)
		r = -errno;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r < 0)
		goto unlink_tmp;
	if (rename(tmp, path) < 0) {
		r = -errno;
		goto unlink_tmp;
	}
	free(tmp);
	return 0;

unlink_tmp:
	unlink(tmp);
free_tmp:
	free(tmp);
	return r;
}

int hal_png_decode_gray(const void *data, size_t len, unsigned max_dimension, uint64_t max_pixels,
			uint8_t **ret_gray, unsigned *ret_width, unsigned *ret_height)
{
	png_image img;
	uint8_t *ga, *gray;
	size_t n;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, data, len))
		return -EINVAL;
	if (img.width == 0 || img.height == 0 || img.width > max_dimension ||
	    img.height > max_dimension || (uint64_t)img.width * img.height > max_pixels) {
		png_image_free(&img);
		return -EINVAL;
	}
	img.format = PNG_FORMAT_GA;
	n = (size_t)img.width * img.height;
	ga = malloc(2 * n);
	if (!ga) {
		png_image_free(&img);
		return -ENOMEM;
	}
	if (!png_image_finish_read(&img, NULL, ga, 0, NULL)) {
		free(ga);
		png_image_free(&img);
		return -EINVAL;
	}
	/* Grey over white by its alpha, in place: output i never overtakes input 2i. */
	for (size_t i = 0; i < n; i++) {
		unsigned g = ga[2 * i], a = ga[2 * i + 1];
		ga[i] = (uint8_t)((g * a + 255u * (255u - a) + 127u) / 255u);
	}
	gray = realloc(ga, n);
	*ret_gray = gray ? gray : ga;
	*ret_width = img.width;
	*ret_height = img.height;
	return 0;
}
