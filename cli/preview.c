/* SPDX-License-Identifier: MIT */
/*
 * preview.c - an ESC/POS interpreter for our own subset (escpos.h) drawing into a bitmap, and the
 * only file that includes FreeType.
 *
 * It models a typical 203 dpi thermal printer's font A: a 12 x 24 dot cell for ASCII, 24 x 24 for
 * Kanji, a 30-dot line pitch, characters enlarged by whole multiples for GS !, emphasis as a
 * one-dot double strike. Glyphs come from IPA Gothic through FreeType, thresholded to dots as a
 * thermal head prints them. Shift-JIS text (Kanji mode) goes back to UTF-8 through iconv. A line
 * wider than the paper wraps, as the printer wraps it.
 */
#include <errno.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hal/png.h"
#include "cli/preview.h"
#include "hal/qrcode.h"
#include "hal/sjis.h"

#define CELL_H	   24
#define CELL_W	   12
#define LINE_PITCH 30
#define MAX_HEIGHT 20000 /* dots: about 2.5 m of paper */
#define MAX_CELLS  256

struct cell {
	uint32_t cp;
	uint8_t w, h; /* size multipliers */
	bool bold;
};

struct render {
	FT_Library ft;
	FT_Face face;
	unsigned dots;
	uint8_t *pix;
	unsigned height, cap;
	unsigned y;
	/* printer state */
	unsigned align, mw, mh;
	bool bold, kanji_mode;
	/* the line being collected */
	struct cell cells[MAX_CELLS];
	unsigned n_cells, line_w;
	/* GS ( k state */
	unsigned qr_module, qr_ecc;
	char *qr_data;
	size_t qr_len;
};

const char *preview_font(void)
{
	static const char *const fonts[] = {
		PASSGATE_FONT_DIR "/ipag.ttf",
		"/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
		"/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
		"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	};
	const char *env = getenv("PASSGATE_FONT");

	if (env && *env)
		return env;
	for (unsigned i = 0; i < sizeof(fonts) / sizeof(fonts[0]); i++)
		if (access(fonts[i], R_OK) == 0)
			return fonts[i];
	return NULL;
}

/* Makes rows up to y + h exist (white). */
static int grow(struct render *rd, unsigned rows)
{
	if (rows > MAX_HEIGHT)
		return -EPROTO;
	if (rows > rd->cap) {
		unsigned cap = rd->cap ? rd->cap : 512;
		while (cap < rows)
			cap *= 2;
		uint8_t *p = realloc(rd->pix, (size_t)cap * rd->dots);
		if (!p)
			return -ENOMEM;
		memset(p + (size_t)rd->cap * rd->dots, 255, (size_t)(cap - rd->cap) * rd->dots);
		rd->pix = p;
		rd->cap = cap;
	}
	if (rows > rd->height)
		rd->height = rows;
	return 0;
}

static void dot(struct render *rd, unsigned x, unsigned y)
{
	if (x < rd->dots && y < rd->height)
		rd->pix[(size_t)y * rd->dots + x] = 0;
}

static bool wide(uint32_t cp)
{
	return cp >= 0x80 && !(cp >= 0xff61 && cp <= 0xff9f);
}

static unsigned cell_width(const struct cell *c)
{
	return (wide(c->cp) ? 2u * CELL_W : (unsigned)CELL_W) * c->w;
}

static unsigned x_start(const struct render *rd, unsigned width)
{
	if (width >= rd->dots)
		return 0;
	if (rd->align == 1)
		return (rd->dots - width) / 2;
	if (rd->align == 2)
		return rd->dots - width;
	return 0;
}

static void draw_cell(struct render *rd, const struct cell *c, unsigned x0, unsigned base_y)
{
	FT_GlyphSlot g;
	int asc;

	if (c->cp == ' ' || FT_Load_Char(rd->face, c->cp, FT_LOAD_RENDER) != 0)
		return;
	g = rd->face->glyph;
	asc = (int)(rd->face->size->metrics.ascender >> 6);
	/* Centre the glyph in its cell horizontally, on the font's baseline vertically. */
	int cw = (int)(wide(c->cp) ? 2 * CELL_W : CELL_W);
	int ox = (cw - (int)(g->advance.x >> 6)) / 2 + g->bitmap_left;
	int oy = asc - g->bitmap_top + (CELL_H - (int)(rd->face->size->metrics.height >> 6)) / 2;
	for (unsigned row = 0; row < g->bitmap.rows; row++)
		for (unsigned col = 0; col < g->bitmap.width; col++) {
			if (g->bitmap.buffer[(size_t)row * (unsigned)g->bitmap.pitch + col] < 128)
				continue;
			int gx = ox + (int)col, gy = oy + (int)row;
			if (gx < 0 || gy < 0)
				continue;
			for (unsigned sy = 0; sy < c->h; sy++)
				for (unsigned sx = 0; sx < c->w; sx++) {
					unsigned px = x0 + (unsigned)gx * c->w + sx;
					unsigned py = base_y + (unsigned)gy * c->h + sy;
					dot(rd, px, py);
					if (c->bold)
						dot(rd, px + 1, py);
				}
		}
}

/* Prints the collected line and advances the paper. */
static int flush_line(struct render *rd)
{
	unsigned h = 1, x;
	int r;

	for (unsigned i = 0; i < rd->n_cells; i++)
		if (rd->cells[i].h > h)
			h = rd->cells[i].h;
	r = grow(rd, rd->y + h * LINE_PITCH);
	if (r < 0)
		return r;
	x = x_start(rd, rd->line_w);
	for (unsigned i = 0; i < rd->n_cells; i++) {
		const struct cell *c = &rd->cells[i];
		/* Characters of one line share the baseline at the bottom of the tallest. */
		draw_cell(rd, c, x, rd->y + (h - c->h) * CELL_H);
		x += cell_width(c);
	}
	rd->y += h * LINE_PITCH - (h > 1 ? (LINE_PITCH - CELL_H) * (h - 1) : 0);
	rd->n_cells = 0;
	rd->line_w = 0;
	return 0;
}

static int put_char(struct render *rd, uint32_t cp)
{
	struct cell c = { cp, (uint8_t)rd->mw, (uint8_t)rd->mh, rd->bold };
	unsigned w = cell_width(&c);
	int r;

	if (rd->line_w + w > rd->dots || rd->n_cells == MAX_CELLS) {
		r = flush_line(rd);
		if (r < 0)
			return r;
	}
	rd->cells[rd->n_cells++] = c;
	rd->line_w += w;
	return 0;
}

/* Decodes one UTF-8 character of s (as iconv produced it). */
static uint32_t utf8_cp(const unsigned char *s)
{
	if (s[0] < 0x80)
		return s[0];
	if ((s[0] & 0xe0) == 0xc0)
		return (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	if ((s[0] & 0xf0) == 0xe0)
		return (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	return '?';
}

static int draw_modules(struct render *rd, const uint8_t *m, unsigned size, unsigned module)
{
	unsigned side = size * module, x0;
	int r;

	r = flush_line(rd); /* a pending partial line prints first */
	if (r < 0)
		return r;
	r = grow(rd, rd->y + side);
	if (r < 0)
		return r;
	x0 = x_start(rd, side);
	for (unsigned y = 0; y < side; y++)
		for (unsigned x = 0; x < side; x++)
			if (m[(size_t)(y / module) * size + x / module])
				dot(rd, x0 + x, rd->y + y);
	rd->y += side;
	return 0;
}

static int print_qr(struct render *rd)
{
	uint8_t *m;
	unsigned size;
	int r;

	if (!rd->qr_data)
		return 0; /* a printer prints nothing for an empty symbol store */
	r = hal_qr_encode(rd->qr_data, rd->qr_len, (enum hal_qr_ecc)rd->qr_ecc, &m, &size);
	if (r < 0)
		return -EPROTO;
	r = draw_modules(rd, m, size, rd->qr_module);
	free(m);
	return r;
}

static int raster(struct render *rd, const uint8_t *p, unsigned wbytes, unsigned rows)
{
	unsigned x0;
	int r;

	r = flush_line(rd);
	if (r < 0)
		return r;
	r = grow(rd, rd->y + rows);
	if (r < 0)
		return r;
	x0 = x_start(rd, wbytes * 8);
	for (unsigned y = 0; y < rows; y++)
		for (unsigned x = 0; x < wbytes * 8; x++)
			if (p[(size_t)y * wbytes + x / 8] & (0x80u >> (x % 8)))
				dot(rd, x0 + x, rd->y + y);
	rd->y += rows;
	return 0;
}

static void reset(struct render *rd)
{
	rd->align = 0;
	rd->mw = rd->mh = 1;
	rd->bold = false;
	rd->kanji_mode = false;
	rd->qr_module = 3;
	rd->qr_ecc = HAL_QR_ECC_L;
}

static int cut(struct render *rd)
{
	int r = grow(rd, rd->y + 3 * LINE_PITCH + 1);
	if (r < 0)
		return r;
	rd->y += 3 * LINE_PITCH;
	/* The cut line, dashed, so the preview shows where the paper ends. */
	for (unsigned x = 0; x < rd->dots; x += 8)
		for (unsigned k = 0; k < 4 && x + k < rd->dots; k++)
			rd->pix[(size_t)rd->y * rd->dots + x + k] = 128;
	rd->y += 1;
	rd->height = rd->y;
	return 0;
}

#define NEED(n)                            \
	do {                               \
		if (len - i < (size_t)(n)) \
			return -EPROTO;    \
	} while (0)

static int gs_k(struct render *rd, const uint8_t *p, size_t n)
{
	/* p: cn fn params…; n = pL + pH * 256 */
	if (n < 2 || p[0] != '1')
		return -EPROTO;
	switch (p[1]) {
	case 'A':
		return 0;
	case 'C':
		if (n != 3 || p[2] < 1 || p[2] > 16)
			return -EPROTO;
		rd->qr_module = p[2];
		return 0;
	case 'E':
		if (n != 3 || p[2] < '0' || p[2] > '3')
			return -EPROTO;
		rd->qr_ecc = p[2] - (unsigned)'0';
		return 0;
	case 'P':
		if (n < 4 || p[2] != '0')
			return -EPROTO;
		free(rd->qr_data);
		rd->qr_len = n - 3;
		rd->qr_data = malloc(rd->qr_len);
		if (!rd->qr_data)
			return -ENOMEM;
		memcpy(rd->qr_data, p + 3, rd->qr_len);
		return 0;
	case 'Q':
		return print_qr(rd);
	}
	return -EPROTO;
}

static int interpret(struct render *rd, const uint8_t *d, size_t len)
{
	size_t i = 0;
	int r = 0;

	while (r == 0 && i < len) {
		uint8_t b = d[i++];
		if (b == '\n') {
			r = flush_line(rd);
		} else if (b == 0x1b) {
			NEED(1);
			uint8_t c = d[i++];
			if (c == '@') {
				reset(rd);
			} else if (c == 'a' || c == 'E' || c == 'd') {
				NEED(1);
				uint8_t n = d[i++];
				if (c == 'a')
					rd->align = n % 3;
				else if (c == 'E')
					rd->bold = n & 1;
				else if ((r = flush_line(rd)) == 0 && n > 0)
					r = grow(rd, rd->y + n * LINE_PITCH),
					rd->y += n * LINE_PITCH;
			} else {
				return -EPROTO;
			}
		} else if (b == 0x1d) {
			NEED(1);
			uint8_t c = d[i++];
			if (c == '!') {
				NEED(1);
				rd->mw = (d[i] >> 4 & 7) + 1u;
				rd->mh = (d[i] & 7) + 1u;
				i++;
			} else if (c == '(') {
				NEED(3);
				if (d[i] != 'k')
					return -EPROTO;
				size_t n = d[i + 1] | (size_t)d[i + 2] << 8;
				i += 3;
				NEED(n);
				r = gs_k(rd, d + i, n);
				i += n;
			} else if (c == 'v') {
				NEED(6);
				if (d[i] != '0')
					return -EPROTO;
				unsigned wb = d[i + 2] | (unsigned)d[i + 3] << 8;
				unsigned rows = d[i + 4] | (unsigned)d[i + 5] << 8;
				i += 6;
				NEED((size_t)wb * rows);
				r = raster(rd, d + i, wb, rows);
				i += (size_t)wb * rows;
			} else if (c == 'V') {
				NEED(1);
				uint8_t m = d[i++];
				if (m == 65 || m == 66) {
					NEED(1);
					i++;
				}
				if ((r = flush_line(rd)) == 0)
					r = cut(rd);
			} else {
				return -EPROTO;
			}
		} else if (b == 0x1c) {
			NEED(1);
			uint8_t c = d[i++];
			if (c == '&')
				rd->kanji_mode = true;
			else if (c == '.')
				rd->kanji_mode = false;
			else if (c == 'C') {
				NEED(1);
				i++;
			} else
				return -EPROTO;
		} else if (b == 0x10) {
			NEED(2);
			i += 2; /* DLE EOT n: a status request prints nothing */
		} else if (rd->kanji_mode &&
			   ((b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc))) {
			NEED(1);
			char sj[2] = { (char)b, (char)d[i++] }, *u;
			size_t ul;
			uint32_t cp = 0x25a1; /* □ for a code the font or table lacks */
			if (hal_sjis_to_utf8(sj, 2, &u, &ul) == 0) {
				cp = utf8_cp((const unsigned char *)u);
				free(u);
			}
			r = put_char(rd, cp);
		} else if (b >= 0x20 && b < 0x7f) {
			r = put_char(rd, b);
		} else if (b >= 0x20) {
			r = put_char(rd, '?');
		} else {
			return -EPROTO;
		}
	}
	if (r == 0 && rd->n_cells)
		r = flush_line(rd);
	return r;
}

int preview_render(const uint8_t *data, size_t len, unsigned dots, uint8_t **ret_pixels,
		   unsigned *ret_height)
{
	struct render rd = { 0 };
	const char *font;
	int r;

	if (dots != 384 && dots != 576)
		return -EINVAL;
	font = preview_font();
	if (!font)
		return -ENOENT;
	rd.dots = dots;
	reset(&rd);
	if (FT_Init_FreeType(&rd.ft) != 0)
		return -ENOMEM;
	if (FT_New_Face(rd.ft, font, 0, &rd.face) != 0) {
		r = -ENOENT;
		goto done_ft;
	}
	if (FT_Set_Pixel_Sizes(rd.face, 0, CELL_H) != 0) {
		r = -EIO;
		goto done_face;
	}
	r = grow(&rd, 1);
	if (r == 0)
		r = interpret(&rd, data, len);
	if (r == 0) {
		*ret_pixels = rd.pix;
		*ret_height = rd.height;
		rd.pix = NULL;
	}
	free(rd.pix);
	free(rd.qr_data);
done_face:
	FT_Done_Face(rd.face);
done_ft:
	FT_Done_FreeType(rd.ft);
	return r;
}

int preview_write_png(const uint8_t *data, size_t len, unsigned dots, const char *path)
{
	uint8_t *pix;
	unsigned h;
	int r;

	r = preview_render(data, len, dots, &pix, &h);
	if (r < 0)
		return r;
	r = hal_png_write_gray(path, pix, dots, h, dots);
	free(pix);
	return r;
}
