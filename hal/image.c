/* SPDX-License-Identifier: MIT */
/*
 * image.c - the one file that compiles stb_image (Debian's libstb-dev, header only): PNG and JPEG
 * to 8-bit luma. stb_image converts colour to luma itself (req_comp = 1), so the decoder sees
 * the same grey a camera's Y plane would give. Only PNG and JPEG are compiled in: fewer parsers
 * of outside input. Dimensions are checked with stbi_info before any pixel is allocated.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hal/image.h"

#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_NO_FAILURE_STRINGS
#define STBI_MAX_DIMENSIONS HAL_IMAGE_MAX_DIMENSION
#define STB_IMAGE_IMPLEMENTATION
/* Third-party code: built with its own conventions, not the house warnings. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wcast-align"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wtype-limits"
#include <stb_image.h>
#pragma GCC diagnostic pop

int hal_image_decode(const void *data, size_t len, uint8_t **ret_luma, unsigned *ret_width,
		     unsigned *ret_height)
{
	int w, h, comp;
	unsigned char *pixels;
	size_t n;

	if (!data || len == 0 || len > HAL_IMAGE_MAX_FILE)
		return -EINVAL;
	if (!stbi_info_from_memory(data, (int)len, &w, &h, &comp))
		return -EINVAL;
	if (w <= 0 || h <= 0 || (unsigned)w > HAL_IMAGE_MAX_DIMENSION ||
	    (unsigned)h > HAL_IMAGE_MAX_DIMENSION ||
	    (uint64_t)w * (uint64_t)h > HAL_IMAGE_MAX_PIXELS)
		return -EINVAL;
	/* Grey + alpha: a transparent background must read as white paper, as a screen shows it,
	 * not as the black that dropping the alpha channel gives. */
	pixels = stbi_load_from_memory(data, (int)len, &w, &h, &comp, 2);
	if (!pixels)
		return -EINVAL;
	n = (size_t)w * (size_t)h;
	for (size_t i = 0; i < n; i++) {
		unsigned g = pixels[2 * i], a = pixels[2 * i + 1];
		pixels[i] = (uint8_t)((g * a + 255u * (255u - a) + 127u) / 255u);
	}
	/* stb allocates with malloc (STBI_MALLOC default), so the caller's free() is correct. */
	*ret_luma = pixels;
	*ret_width = (unsigned)w;
	*ret_height = (unsigned)h;
	return 0;
}

int hal_read_file(const char *path, size_t max, uint8_t **ret_data, size_t *ret_len)
{
	struct stat st;
	uint8_t *buf;
	size_t have = 0;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto close_fd;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto close_fd;
	}
	if ((uint64_t)st.st_size > max) {
		r = -EFBIG;
		goto close_fd;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		r = -ENOMEM;
		goto close_fd;
	}
	while (have < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + have, (size_t)st.st_size - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto free_buf;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	buf[have] = 0;
	*ret_data = buf;
	*ret_len = have;
	close(fd);
	return 0;

free_buf:
	free(buf);
close_fd:
	close(fd);
	return r;
}

int hal_image_load(const char *path, uint8_t **ret_luma, unsigned *ret_width, unsigned *ret_height)
{
	uint8_t *data;
	size_t len;
	int r;

	r = hal_read_file(path, HAL_IMAGE_MAX_FILE, &data, &len);
	if (r < 0)
		return r;
	r = hal_image_decode(data, len, ret_luma, ret_width, ret_height);
	free(data);
	return r;
}
