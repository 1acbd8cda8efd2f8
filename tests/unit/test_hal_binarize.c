/* SPDX-License-Identifier: MIT */
/*
 * test_hal_binarize.c - hal/binarize.c and hal/zoom.c: both polarities from one binarization,
 * uniform areas white in both, geometry refused; the twice-enlarged region's weights and edges.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hal/binarize.h"
#include "hal/zoom.h"

#define W 64
#define H 48

static void test_polarities(void **state)
{
	(void)state;
	static uint8_t img[H][W + 3];
	struct hal_bin *b;
	const uint8_t *dark, *light;
	/* A grey frame (rows W + 3 bytes apart) with a 16x16 dark square on a 32x32 light one. */
	memset(img, 128, sizeof(img));
	for (int y = 8; y < 40; y++)
		for (int x = 16; x < 48; x++)
			img[y][x] = (y >= 16 && y < 32 && x >= 24 && x < 40) ? 30 : 220;
	assert_int_equal(hal_bin_new(&b), 0);
	assert_int_equal(hal_bin_run(b, &img[0][0], W, H, W + 3, &dark, &light), 0);
	/* The dark square is black in the dark image, white in the light one; the light frame
	 * around it the other way round. */
	assert_int_equal(dark[20 * W + 30], 0);
	assert_int_equal(light[20 * W + 30], 255);
	assert_int_equal(dark[10 * W + 18], 255);
	assert_int_equal(light[10 * W + 18], 0);
	/* A uniform frame is white in both. */
	memset(img, 90, sizeof(img));
	assert_int_equal(hal_bin_run(b, &img[0][0], W, H, W + 3, &dark, &light), 0);
	for (int i = 0; i < W * H; i++) {
		assert_int_equal(dark[i], 255);
		assert_int_equal(light[i], 255);
	}
	/* Smaller than a block, and bad geometry. */
	assert_int_equal(hal_bin_run(b, &img[0][0], 3, 2, W + 3, &dark, &light), 0);
	assert_int_equal(hal_bin_run(b, &img[0][0], W, H, W - 1, &dark, &light), -EINVAL);
	assert_int_equal(hal_bin_run(b, &img[0][0], 0, H, W, &dark, &light), -EINVAL);
	hal_bin_free(b);
	hal_bin_free(NULL);
}

static void test_zoom(void **state)
{
	(void)state;
	/* A 3x2 region at (1, 1) of a 5-byte-stride image. */
	const uint8_t src[3][5] = { { 9, 9, 9, 9, 9 }, { 9, 0, 160, 0, 9 }, { 9, 80, 80, 80, 9 } };
	uint8_t out[4][6];
	assert_int_equal(hal_zoom2(&src[0][0], 5, 1, 1, 3, 2, &out[0][0]), 0);
	/* Centre pixels are 3:1 with the neighbour on each axis; edges repeat the region's own. */
	assert_int_equal(out[0][0], 0);			   /* 0 only, clamped */
	assert_int_equal(out[0][1], 40);		   /* (3*0 + 160) / 4 */
	assert_int_equal(out[0][2], 120);		   /* (3*160 + 0) / 4 */
	assert_int_equal(out[1][0], (3 * 0 + 80 + 2) / 4); /* towards the row below */
	assert_int_equal(out[3][5], 80);		   /* bottom right, clamped */
	assert_int_equal(hal_zoom2(&src[0][0], 5, 0, 0, 0, 2, &out[0][0]), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_polarities),
		cmocka_unit_test(test_zoom),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
