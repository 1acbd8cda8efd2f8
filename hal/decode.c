/* SPDX-License-Identifier: MIT */
/*
 * decode.c - image file to QR text: the glue of image.c and the ZXing shim for the CLI.
 *
 * A phone photo may be 4000 pixels wide with the code a small part of it, or the code may fill a
 * small screenshot; ZXing's own downscaling covers the first, and a second pass on a half-size
 * image catches codes whose modules are so large and noisy that the full-size pass fails. Images
 * cropped to the symbol with no quiet zone (ISO/IEC 18004 §6.3.8 asks for 4 modules) defeat the
 * finder pattern search; a last pass puts the image on a white margin, enlarged when it is small.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hal/decode.h"
#include "hal/image.h"
#include "hal/qr_decode.h"

/* Box-filters a w x h image to half size into dst. */
static void halve(const uint8_t *src, unsigned w, unsigned h, uint8_t *dst)
{
	unsigned hw = w / 2, hh = h / 2;

	for (unsigned y = 0; y < hh; y++) {
		const uint8_t *a = src + (size_t)(2 * y) * w, *b = a + w;
		for (unsigned x = 0; x < hw; x++)
			dst[(size_t)y * hw + x] =
				(uint8_t)((a[2 * x] + a[2 * x + 1] + b[2 * x] + b[2 * x + 1] + 2) /
					  4);
	}
}

/* Puts the w x h image, enlarged k times with bilinear interpolation, on a white canvas with a
 * margin of an eighth of its size on each side. Enlarging smooths the fractional module sizes of
 * codes resampled to an odd size, which otherwise alias in the binarizer. Returns the canvas
 * (malloc'd) and its size, or NULL. */
static uint8_t *pad(const uint8_t *src, unsigned w, unsigned h, unsigned *ret_w, unsigned *ret_h)
{
	unsigned k = (w < 300 && h < 300) ? 3 : (w <= 1200 && h <= 1200) ? 2 : 1;
	unsigned m = (w > h ? w : h) * k / 8 + 8;
	unsigned cw = w * k + 2 * m, ch = h * k + 2 * m;
	uint8_t *dst = malloc((size_t)cw * ch);

	if (!dst)
		return NULL;
	memset(dst, 255, (size_t)cw * ch);
	for (unsigned y = 0; y < h * k; y++) {
		/* Source coordinate of the pixel centre, in 1/256 units, clamped at the edges. */
		int fy = (int)(((2 * y + 1) * 128) / k) - 128;
		unsigned y0 = fy < 0 ? 0 : (unsigned)fy >> 8, ay = fy < 0 ? 0 : (unsigned)fy & 255;
		unsigned y1 = y0 + 1 < h ? y0 + 1 : y0;
		for (unsigned x = 0; x < w * k; x++) {
			int fx = (int)(((2 * x + 1) * 128) / k) - 128;
			unsigned x0 = fx < 0 ? 0 : (unsigned)fx >> 8;
			unsigned ax = fx < 0 ? 0 : (unsigned)fx & 255;
			unsigned x1 = x0 + 1 < w ? x0 + 1 : x0;
			unsigned top = src[(size_t)y0 * w + x0] * (256 - ax) +
				       src[(size_t)y0 * w + x1] * ax;
			unsigned bot = src[(size_t)y1 * w + x0] * (256 - ax) +
				       src[(size_t)y1 * w + x1] * ax;
			dst[(size_t)(y + m) * cw + x + m] =
				(uint8_t)((top * (256 - ay) + bot * ay + 32768) >> 16);
		}
	}
	*ret_w = cw;
	*ret_h = ch;
	return dst;
}

int hal_decode_image_file(const char *path, char **ret_text, size_t *ret_len)
{
	struct hal_qr *qr;
	uint8_t *luma, *half;
	unsigned w, h;
	int r;

	r = hal_image_load(path, &luma, &w, &h);
	if (r < 0)
		return r;
	r = hal_qr_new(HAL_QR_THOROUGH, &qr);
	if (r < 0)
		goto free_luma;
	r = hal_qr_decode(qr, luma, w, h, w, ret_text, ret_len);
	if (r != 0)
		goto free_qr;
	if (w >= 200 && h >= 200) {
		half = malloc((size_t)(w / 2) * (h / 2));
		if (!half) {
			r = -ENOMEM;
			goto free_qr;
		}
		halve(luma, w, h, half);
		r = hal_qr_decode(qr, half, w / 2, h / 2, w / 2, ret_text, ret_len);
		free(half);
		if (r != 0)
			goto free_qr;
	}
	if (w <= 4000 && h <= 4000) {
		unsigned pw, ph;
		uint8_t *padded = pad(luma, w, h, &pw, &ph);
		if (!padded) {
			r = -ENOMEM;
			goto free_qr;
		}
		r = hal_qr_decode(qr, padded, pw, ph, pw, ret_text, ret_len);
		free(padded);
	}
free_qr:
	hal_qr_free(qr);
free_luma:
	free(luma);
	return r;
}
