/* SPDX-License-Identifier: MIT */
/*
 * test_hal_image.c - the limits of hal/image.c on hostile image files (issue 9, finding 9): a
 * tiny JPEG declaring 11000 x 5000, a progressive JPEG of many scans, a PNG wider than the
 * dimension cap, and a decode out of time. The JPEGs are built here byte by byte: a greyscale
 * progressive frame whose DC scans carry no data (libjpeg reads them as zeros), so a file of a
 * few hundred bytes asks for as many passes over the image as it has scans.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/image.h"
#include "hal/jpeg.h"
#include "hal/png.h"

struct buf {
	uint8_t b[4096];
	size_t n;
};

static void put(struct buf *o, const void *p, size_t n)
{
	assert_true(o->n + n <= sizeof(o->b));
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

/* SOI, a flat quantisation table, SOF2 (progressive, one component), a DC Huffman table of one
 * 1-bit code, @scans DC scans without entropy data, EOI. */
static void progressive_jpeg(struct buf *o, unsigned width, unsigned height, unsigned scans)
{
	static const uint8_t soi[] = { 0xff, 0xd8 }, eoi[] = { 0xff, 0xd9 };
	static const uint8_t dqt_head[] = { 0xff, 0xdb, 0x00, 0x43, 0x00 };
	/* DHT: class 0 id 0, counts per code length 1..16 (one code of length 1), symbol 0. */
	static const uint8_t dht_head[] = { 0xff, 0xc4, 0x00, 0x14, 0x00 };
	static const uint8_t counts[16] = { 1 }, symbol = 0;
	static const uint8_t sos[] = { 0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00 };
	const uint8_t sof[] = { 0xff,
				0xc2,
				0x00,
				0x0b,
				0x08,
				(uint8_t)(height >> 8),
				(uint8_t)height,
				(uint8_t)(width >> 8),
				(uint8_t)width,
				0x01,
				0x01,
				0x11,
				0x00 };
	uint8_t q[64];

	o->n = 0;
	memset(q, 1, sizeof(q));
	put(o, soi, sizeof(soi));
	put(o, dqt_head, sizeof(dqt_head));
	put(o, q, sizeof(q));
	put(o, sof, sizeof(sof));
	put(o, dht_head, sizeof(dht_head));
	put(o, counts, sizeof(counts));
	put(o, &symbol, 1);
	for (unsigned i = 0; i < scans; i++)
		put(o, sos, sizeof(sos));
	put(o, eoi, sizeof(eoi));
}

static void test_jpeg_declared_size(void **state)
{
	struct buf j;
	uint8_t *luma = NULL;
	unsigned w, h;

	(void)state;
	progressive_jpeg(&j, 11000, 5000, 1);
	assert_true(j.n < 256);
	assert_int_equal(hal_image_decode(j.b, j.n, &luma, &w, &h), -EINVAL);
	/* 8192 x 2048 = 16 Mpixel: at the limit on both counts, and decoded. */
	progressive_jpeg(&j, 8192, 2048, 1);
	assert_int_equal(hal_image_decode(j.b, j.n, &luma, &w, &h), 0);
	assert_int_equal(w, 8192);
	assert_int_equal(h, 2048);
	free(luma);
	progressive_jpeg(&j, 8193, 8, 1);
	assert_int_equal(hal_image_decode(j.b, j.n, &luma, &w, &h), -EINVAL);
}

static void test_jpeg_scans(void **state)
{
	struct buf j;
	uint8_t *luma = NULL;
	unsigned w, h;

	(void)state;
	progressive_jpeg(&j, 256, 256, HAL_IMAGE_MAX_SCANS);
	assert_int_equal(hal_image_decode(j.b, j.n, &luma, &w, &h), 0);
	free(luma);
	progressive_jpeg(&j, 256, 256, HAL_IMAGE_MAX_SCANS + 1);
	assert_int_equal(hal_image_decode(j.b, j.n, &luma, &w, &h), -E2BIG);
}

/* The time limit, without timing anything: a decode allowed no time at all stops at libjpeg's
 * first progress report. */
static void test_jpeg_deadline(void **state)
{
	struct buf j;
	uint8_t *luma = NULL;
	unsigned w, h;

	(void)state;
	progressive_jpeg(&j, 64, 64, 2);
	assert_int_equal(hal_jpeg_decode_gray(j.b, j.n, 100, 10000, 8, 0, &luma, &w, &h), -ETIME);
	assert_int_equal(
		hal_jpeg_decode_gray(j.b, j.n, 100, 10000, 8, HAL_IMAGE_MAX_MS, &luma, &w, &h), 0);
	free(luma);
}

static void test_png_width(void **state)
{
	char path[] = "/tmp/passgate-image-XXXXXX.png";
	uint8_t *pix = calloc(HAL_IMAGE_MAX_DIMENSION + 1, 1), *luma = NULL;
	unsigned w, h;
	int fd = mkstemps(path, 4);

	(void)state;
	assert_true(fd >= 0 && pix);
	close(fd);
	assert_int_equal(hal_png_write_gray(path, pix, HAL_IMAGE_MAX_DIMENSION + 1, 1,
					    HAL_IMAGE_MAX_DIMENSION + 1),
			 0);
	assert_int_equal(hal_image_load(path, &luma, &w, &h), -EINVAL);
	assert_int_equal(
		hal_png_write_gray(path, pix, HAL_IMAGE_MAX_DIMENSION, 1, HAL_IMAGE_MAX_DIMENSION),
		0);
	assert_int_equal(hal_image_load(path, &luma, &w, &h), 0);
	assert_int_equal(w, HAL_IMAGE_MAX_DIMENSION);
	free(luma);
	free(pix);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jpeg_declared_size),
		cmocka_unit_test(test_jpeg_scans),
		cmocka_unit_test(test_jpeg_deadline),
		cmocka_unit_test(test_png_width),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
