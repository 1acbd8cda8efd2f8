/* SPDX-License-Identifier: MIT */
/*
 * binarize.c - local-mean binarization into both polarities at once, for the camera path.
 *
 * ZXing 1.4 has no tryInvert: reading a light-on-dark code meant copying the frame inverted and
 * running ZXing's local-average binarizer (~86 % of a pass, callgrind: bench/decode.md) again.
 * This binarizer looks at the pixels once and writes both images, which ZXing then only casts
 * (BoolCast); its per-pixel loops run over whole rows so that the compiler vectorizes them.
 *
 * The method is the local-average one of ZXing's HybridBinarizer, applied to the frame and to
 * the inverted frame without making it: the frame is cut into 8x8 blocks; a pixel's threshold is
 * the mean of the block means in the 5x5 blocks around its block (40x40 pixels, several modules of
 * any code we can read); a block of almost one shade counts as half its darkest value (flat_rule),
 * so uniform areas stay white. Same rule, same bits as ZXing's own binarizer (checked frame by
 * frame on the hard-frame corpus): the camera path reads what ZXing would, in both polarities.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/binarize.h"

#define BLOCK	  8
#define RADIUS	  2 /* blocks on each side: a 5x5 neighbourhood */
#define MIN_RANGE 24

enum { DARK = 0, LIGHT = 1 }; /* dark-on-light codes; light-on-dark (the inverted frame) */

struct hal_bin {
	uint8_t *img[2];      /* the output images, w x h */
	uint8_t *mean[2];     /* per block, in each polarity's terms */
	uint8_t *thr[2];      /* per block, in the frame's terms */
	uint16_t *hsum;	      /* per block: sum of the means 5 blocks across */
	uint16_t *csum;	      /* per column of a block row */
	uint8_t *cmin, *cmax; /* per column of a block row */
	uint8_t *trow;	      /* per pixel of a block row: its block's threshold */
	size_t pixels, blocks, cols;
};

int hal_bin_new(struct hal_bin **ret)
{
	struct hal_bin *b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	*ret = b;
	return 0;
}

static void free_buffers(struct hal_bin *b)
{
	for (int i = 0; i < 2; i++) {
		free(b->img[i]);
		free(b->mean[i]);
		free(b->thr[i]);
	}
	free(b->hsum);
	free(b->csum);
	free(b->cmin);
	free(b->cmax);
	free(b->trow);
}

void hal_bin_free(struct hal_bin *b)
{
	if (!b)
		return;
	free_buffers(b);
	free(b);
}

/* Grows the buffers to a frame of this size; on failure everything is dropped (sizes 0). */
static int reserve(struct hal_bin *b, size_t pixels, size_t blocks, size_t cols)
{
	int ok = 1;
	if (pixels <= b->pixels && blocks <= b->blocks && cols <= b->cols)
		return 0;
	free_buffers(b);
	for (int i = 0; i < 2; i++) {
		ok &= (b->img[i] = malloc(pixels)) != NULL;
		ok &= (b->mean[i] = malloc(blocks)) != NULL;
		ok &= (b->thr[i] = malloc(blocks)) != NULL;
	}
	ok &= (b->hsum = malloc(blocks * sizeof(*b->hsum))) != NULL;
	ok &= (b->csum = malloc(cols * sizeof(*b->csum))) != NULL;
	ok &= (b->cmin = malloc(cols)) != NULL;
	ok &= (b->cmax = malloc(cols)) != NULL;
	ok &= (b->trow = malloc(cols)) != NULL;
	if (!ok) {
		free_buffers(b);
		memset(b, 0, sizeof(*b));
		return -ENOMEM;
	}
	b->pixels = pixels, b->blocks = blocks, b->cols = cols;
	return 0;
}

/* Adds one row to the column sums, minima and maxima of a block row. The buffers never overlap
 * (restrict), so the compiler vectorizes the loop. */
static void column_stats(const uint8_t *restrict p, uint16_t *restrict csum, uint8_t *restrict cmin,
			 uint8_t *restrict cmax, size_t w)
{
	for (size_t x = 0; x < w; x++) {
		csum[x] = (uint16_t)(csum[x] + p[x]);
		cmin[x] = p[x] < cmin[x] ? p[x] : cmin[x];
		cmax[x] = p[x] > cmax[x] ? p[x] : cmax[x];
	}
}

/* One row of the dark-on-light image: black where the pixel is at or below its threshold. */
static void row_dark(const uint8_t *restrict p, const uint8_t *restrict t, uint8_t *restrict out,
		     size_t w)
{
	for (size_t x = 0; x < w; x++)
		out[x] = p[x] <= t[x] ? 0 : 255;
}

/* One row of the light-on-dark image: black where the pixel is at or above its threshold. */
static void row_light(const uint8_t *restrict p, const uint8_t *restrict t, uint8_t *restrict out,
		      size_t w)
{
	for (size_t x = 0; x < w; x++)
		out[x] = p[x] >= t[x] ? 0 : 255;
}

/* The first of the 5 blocks around block i of n, shifted to stay inside the frame. */
static unsigned window(unsigned i, unsigned n)
{
	unsigned a = i < RADIUS ? 0 : i - RADIUS;
	return n >= 5 && a + 5 > n ? n - 5 : a;
}

/* A block's mean in one polarity's terms, given its mean, darkest pixel and range there. A
 * block of almost one shade (range <= MIN_RANGE) holds no edge to set a threshold by: it counts
 * as half its darkest value, so it stays white, unless the blocks above and to the left
 * (already computed, in means) say it lies in a darker area. */
static uint8_t flat_rule(const uint8_t *means, unsigned bw, unsigned bx, unsigned by, unsigned mean,
			 unsigned darkest, unsigned range)
{
	if (range > MIN_RANGE)
		return (uint8_t)mean;
	mean = darkest / 2;
	if (bx > 0 && by > 0) {
		const uint8_t *m = means + (size_t)by * bw + bx;
		unsigned around = (m[-(long)bw] + 2u * m[-1] + m[-(long)bw - 1]) / 4;
		if (darkest < around)
			mean = around;
	}
	return (uint8_t)mean;
}

/* First pixel of block i along a side of n pixels: the last block is moved back to end at the
 * edge, so that every block has 8 pixels (overlapping its neighbour) when the side allows. */
static unsigned edge_block(unsigned i, unsigned n)
{
	return n >= BLOCK && i * BLOCK + BLOCK > n ? n - BLOCK : i * BLOCK;
}

/* Mean of every block in both polarities: column sums over a block row first (a loop over
 * whole rows), then the block's columns. The inverted frame's mean is 255 - the frame's,
 * rounded the other way, and its darkest pixel 255 - the frame's lightest. */
static void block_stats(struct hal_bin *b, const uint8_t *luma, unsigned w, unsigned h,
			size_t stride, unsigned bw, unsigned bh)
{
	for (unsigned by = 0; by < bh; by++) {
		unsigned y0 = edge_block(by, h), ny = h < BLOCK ? h : BLOCK;
		memset(b->csum, 0, w * sizeof(*b->csum));
		memset(b->cmin, 255, w);
		memset(b->cmax, 0, w);
		for (unsigned y = 0; y < ny; y++)
			column_stats(luma + (size_t)(y0 + y) * stride, b->csum, b->cmin, b->cmax,
				     w);
		for (unsigned bx = 0; bx < bw; bx++) {
			unsigned x0 = edge_block(bx, w), n = (w < BLOCK ? w : BLOCK) * ny;
			unsigned sum = 0, lo = 255, hi = 0;
			for (unsigned x = x0; x < x0 + BLOCK && x < w; x++) {
				sum += b->csum[x];
				lo = b->cmin[x] < lo ? b->cmin[x] : lo;
				hi = b->cmax[x] > hi ? b->cmax[x] : hi;
			}
			b->mean[DARK][by * bw + bx] =
				flat_rule(b->mean[DARK], bw, bx, by, sum / n, lo, hi - lo);
			b->mean[LIGHT][by * bw + bx] =
				flat_rule(b->mean[LIGHT], bw, bx, by, 255 - (sum + n - 1) / n,
					  255 - hi, hi - lo);
		}
	}
}

/* Threshold of every block in one polarity: the mean of the 5x5 block means around it (the
 * window shifted to stay inside the frame), 5 blocks across, then 5 of those down. Stored in
 * the frame's terms: for LIGHT, a pixel at or above 255 - T is light in the frame. */
static void block_thresholds(struct hal_bin *b, int pol, unsigned bw, unsigned bh)
{
	const uint8_t *mean = b->mean[pol];
	for (unsigned by = 0; by < bh; by++) {
		for (unsigned bx = 0; bx < bw; bx++) {
			unsigned xa = window(bx, bw), sum = 0;
			for (unsigned x = xa; x < xa + 5 && x < bw; x++)
				sum += mean[(size_t)by * bw + x];
			b->hsum[by * bw + bx] = (uint16_t)sum;
		}
	}
	for (unsigned by = 0; by < bh; by++) {
		unsigned ya = window(by, bh);
		for (unsigned bx = 0; bx < bw; bx++) {
			unsigned xa = window(bx, bw), sum = 0;
			unsigned n = ((bw - xa < 5) ? bw - xa : 5) * ((bh - ya < 5) ? bh - ya : 5);
			for (unsigned y = ya; y < ya + 5 && y < bh; y++)
				sum += b->hsum[(size_t)y * bw + bx];
			b->thr[pol][by * bw + bx] =
				(uint8_t)(pol == DARK ? sum / n : 255 - sum / n);
		}
	}
}

/* Writes one polarity's image a row at a time against the block row's thresholds spread per
 * pixel. */
static void apply(struct hal_bin *b, int pol, const uint8_t *luma, unsigned w, unsigned h,
		  size_t stride, unsigned bw, unsigned bh)
{
	for (unsigned by = 0; by < bh; by++) {
		unsigned y0 = by * BLOCK, ny = h - y0 < BLOCK ? h - y0 : BLOCK;
		for (unsigned bx = 0; bx < bw; bx++)
			memset(b->trow + bx * BLOCK, b->thr[pol][by * bw + bx],
			       w - bx * BLOCK < BLOCK ? w - bx * BLOCK : BLOCK);
		for (unsigned y = y0; y < y0 + ny; y++)
			(pol == DARK ? row_dark : row_light)(luma + (size_t)y * stride, b->trow,
							     b->img[pol] + (size_t)y * w, w);
	}
}

int hal_bin_run(struct hal_bin *b, const uint8_t *luma, unsigned width, unsigned height,
		size_t stride, const uint8_t **ret_dark, const uint8_t **ret_light)
{
	unsigned bw, bh;
	int r;

	if (!b || !luma || !ret_dark || !ret_light || width == 0 || height == 0 || width > 65535 ||
	    height > 65535 || stride < width)
		return -EINVAL;
	bw = (width + BLOCK - 1) / BLOCK;
	bh = (height + BLOCK - 1) / BLOCK;
	r = reserve(b, (size_t)width * height, (size_t)bw * bh, width);
	if (r < 0)
		return r;
	block_stats(b, luma, width, height, stride, bw, bh);
	for (int pol = DARK; pol <= LIGHT; pol++) {
		block_thresholds(b, pol, bw, bh);
		apply(b, pol, luma, width, height, stride, bw, bh);
	}
	*ret_dark = b->img[DARK];
	*ret_light = b->img[LIGHT];
	return 0;
}
