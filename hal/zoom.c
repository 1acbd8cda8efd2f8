/* SPDX-License-Identifier: MIT */
/*
 * zoom.c - a region of a frame enlarged twice with bilinear weights (3:1 between neighbouring
 * pixel centres), for the camera path's second look at a code it found but could not read. A
 * code of 150 px carrying a DCC has modules of ~2 px: the sampling grid ZXing lays over the
 * bits then lands on module edges; at twice the size it lands inside them. This is what the
 * CLI's enlarged pass does for a whole image, at the cost of the code's region only.
 */
#include <errno.h>

#include "hal/zoom.h"

/* One row enlarged twice horizontally into out (2w values, scaled by 4). */
static void row2(const uint8_t *p, unsigned w, unsigned *out)
{
	for (unsigned x = 0; x < w; x++) {
		unsigned l = p[x ? x - 1 : 0], c = p[x], r = p[x + 1 < w ? x + 1 : x];
		out[2 * x] = 3 * c + l;
		out[2 * x + 1] = 3 * c + r;
	}
}

int hal_zoom2(const uint8_t *src, size_t stride, unsigned x, unsigned y, unsigned w, unsigned h,
	      uint8_t *dst)
{
	unsigned buf[3][2 * 1024];

	if (!src || !dst || w == 0 || h == 0 || w > 1024)
		return -EINVAL;
	src += (size_t)y * stride + x;
	/* Rows y-1, y, y+1 (clamped) enlarged horizontally, rotated through buf. */
	row2(src, w, buf[0]);
	row2(src, w, buf[1]);
	for (unsigned j = 0; j < h; j++) {
		const unsigned *up = buf[j % 3], *mid = buf[(j + 1) % 3];
		unsigned *down = buf[(j + 2) % 3];
		row2(src + (size_t)(j + 1 < h ? j + 1 : j) * stride, w, down);
		uint8_t *d0 = dst + (size_t)(2 * j) * 2 * w, *d1 = d0 + 2 * w;
		for (unsigned i = 0; i < 2 * w; i++) {
			d0[i] = (uint8_t)((3 * mid[i] + up[i] + 8) / 16);
			d1[i] = (uint8_t)((3 * mid[i] + down[i] + 8) / 16);
		}
	}
	return 0;
}
