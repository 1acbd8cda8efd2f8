/* SPDX-License-Identifier: MIT */
/*
 * escpos.c - the ESC/POS byte builder (escpos.h). Command bytes follow Epson's "ESC/POS Command
 * Reference"; the QR function numbers are those of GS ( k <Function 165, 167, 169, 180, 181>.
 * Text in Kanji mode is wrapped in FS & … FS . per run of non-ASCII text, so that a printer left
 * in an unknown state after a power cycle still prints the ASCII lines right.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/escpos.h"
#include "hal/sjis.h"

#define ESC 0x1b
#define GS  0x1d
#define FS  0x1c
#define DLE 0x10
#define EOT 0x04

#define MAX_OUTPUT (1u << 20) /* a receipt is a few KB; this bounds a runaway caller */

struct hal_escpos {
	enum hal_escpos_kanji kanji;
	uint8_t *data;
	size_t len, cap;
	int error;
};

int hal_escpos_new(enum hal_escpos_kanji kanji, struct hal_escpos **ret)
{
	struct hal_escpos *e = calloc(1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	e->kanji = kanji;
	*ret = e;
	return 0;
}

void hal_escpos_free(struct hal_escpos *e)
{
	if (!e)
		return;
	free(e->data);
	free(e);
}

int hal_escpos_raw(struct hal_escpos *e, const void *data, size_t len)
{
	if (e->error)
		return e->error;
	if (len > MAX_OUTPUT - e->len)
		return e->error = -E2BIG;
	if (e->len + len > e->cap) {
		size_t cap = e->cap ? e->cap : 512;
		while (cap < e->len + len)
			cap *= 2;
		uint8_t *d = realloc(e->data, cap);
		if (!d)
			return e->error = -ENOMEM;
		e->data = d;
		e->cap = cap;
	}
	memcpy(e->data + e->len, data, len);
	e->len += len;
	return 0;
}

#define EMIT(e, ...)                                          \
	hal_escpos_raw((e), (const uint8_t[]){ __VA_ARGS__ }, \
		       sizeof((const uint8_t[]){ __VA_ARGS__ }))

int hal_escpos_init(struct hal_escpos *e)
{
	int r = EMIT(e, ESC, '@');
	if (r == 0 && e->kanji == HAL_KANJI_SHIFT_JIS)
		r = EMIT(e, FS, 'C', 1);
	return r;
}

int hal_escpos_align(struct hal_escpos *e, enum hal_escpos_align a)
{
	return EMIT(e, ESC, 'a', (uint8_t)a);
}

int hal_escpos_emphasis(struct hal_escpos *e, bool on)
{
	return EMIT(e, ESC, 'E', on ? 1 : 0);
}

int hal_escpos_size(struct hal_escpos *e, unsigned width, unsigned height)
{
	if (width < 1 || width > 8 || height < 1 || height > 8)
		return e->error ? e->error : -EINVAL;
	return EMIT(e, GS, '!', (uint8_t)((width - 1) << 4 | (height - 1)));
}

int hal_escpos_text(struct hal_escpos *e, const char *utf8)
{
	const char *p = utf8;
	int r = e->error;

	while (r == 0 && *p) {
		size_t n = 0;
		/* A run of ASCII, then a run of everything else. */
		while (p[n] && (unsigned char)p[n] < 0x80)
			n++;
		if (n) {
			for (size_t i = 0; i < n; i++)
				if ((unsigned char)p[i] < 0x20)
					return e->error = -EINVAL; /* no control bytes in text */
			r = hal_escpos_raw(e, p, n);
			p += n;
			continue;
		}
		while (p[n] && (unsigned char)p[n] >= 0x80)
			n++;
		if (e->kanji != HAL_KANJI_SHIFT_JIS)
			return -EILSEQ; /* not sticky: the caller may print the English line instead
					 */
		char *sj;
		size_t sl;
		r = hal_sjis_from_utf8(p, n, &sj, &sl);
		if (r < 0)
			return r;
		r = EMIT(e, FS, '&');
		if (r == 0)
			r = hal_escpos_raw(e, sj, sl);
		if (r == 0)
			r = EMIT(e, FS, '.');
		free(sj);
		p += n;
	}
	return r;
}

int hal_escpos_newline(struct hal_escpos *e)
{
	return EMIT(e, '\n');
}

int hal_escpos_feed(struct hal_escpos *e, unsigned lines)
{
	return EMIT(e, ESC, 'd', (uint8_t)(lines > 255 ? 255 : lines));
}

int hal_escpos_qr(struct hal_escpos *e, const char *text, unsigned module, enum hal_qr_ecc ecc)
{
	size_t len = strlen(text), k = len + 3;
	int r;

	if (len == 0 || len > HAL_QR_ENCODE_MAX || module < 1 || module > 16)
		return e->error ? e->error : -EINVAL;
	r = EMIT(e, GS, '(', 'k', 4, 0, '1', 'A', '2', 0); /* fn 165: model 2 */
	if (r == 0)
		r = EMIT(e, GS, '(', 'k', 3, 0, '1', 'C',
			 (uint8_t)module); /* fn 167: module size */
	if (r == 0)
		r = EMIT(e, GS, '(', 'k', 3, 0, '1', 'E', (uint8_t)('0' + ecc)); /* fn 169: L..H */
	if (r == 0)
		r = EMIT(e, GS, '(', 'k', (uint8_t)(k & 0xff), (uint8_t)(k >> 8), '1', 'P', '0');
	if (r == 0)
		r = hal_escpos_raw(e, text, len); /* fn 180: store */
	if (r == 0)
		r = EMIT(e, GS, '(', 'k', 3, 0, '1', 'Q', '0'); /* fn 181: print */
	return r;
}

int hal_escpos_qr_raster(struct hal_escpos *e, const char *text, unsigned module,
			 enum hal_qr_ecc ecc)
{
	uint8_t *modules, *row;
	unsigned size, dots, bytes;
	int r;

	if (module < 1 || module > 16)
		return e->error ? e->error : -EINVAL;
	r = hal_qr_encode(text, strlen(text), ecc, &modules, &size);
	if (r < 0)
		return r;
	dots = size * module;
	bytes = (dots + 7) / 8;
	row = calloc(bytes, 1);
	if (!row) {
		r = -ENOMEM;
		goto free_modules;
	}
	r = EMIT(e, GS, 'v', '0', 0, (uint8_t)(bytes & 0xff), (uint8_t)(bytes >> 8),
		 (uint8_t)(dots & 0xff), (uint8_t)(dots >> 8));
	for (unsigned y = 0; r == 0 && y < dots; y++) {
		memset(row, 0, bytes);
		for (unsigned x = 0; x < dots; x++)
			if (modules[(size_t)(y / module) * size + x / module])
				row[x / 8] |= (uint8_t)(0x80u >> (x % 8));
		r = hal_escpos_raw(e, row, bytes);
	}
	free(row);
free_modules:
	free(modules);
	return r;
}

int hal_escpos_cut(struct hal_escpos *e)
{
	return EMIT(e, GS, 'V', 66, 3); /* function B: feed 3 lines, then a partial cut */
}

int hal_escpos_finish(const struct hal_escpos *e, const uint8_t **ret_data, size_t *ret_len)
{
	if (e->error)
		return e->error;
	*ret_data = e->data;
	*ret_len = e->len;
	return 0;
}

int hal_escpos_parse_status(unsigned n, uint8_t b)
{
	int flags = 0;

	/* Every DLE EOT answer has bits 1 and 4 set, bits 0 and 7 clear. */
	if ((b & 0x93) != 0x12)
		return -EINVAL;
	switch (n) {
	case HAL_ESCPOS_STATUS_PRINTER:
		if (b & 0x08)
			flags |= HAL_ESCPOS_OFFLINE;
		break;
	case HAL_ESCPOS_STATUS_OFFLINE:
		if (b & 0x04)
			flags |= HAL_ESCPOS_COVER_OPEN;
		if (b & 0x20)
			flags |= HAL_ESCPOS_PAPER_OUT;
		break;
	case HAL_ESCPOS_STATUS_PAPER:
		if (b & 0x0c)
			flags |= HAL_ESCPOS_PAPER_NEAR;
		if (b & 0x60)
			flags |= HAL_ESCPOS_PAPER_OUT;
		break;
	default:
		return -EINVAL;
	}
	return flags;
}
