/* SPDX-License-Identifier: MIT */
/*
 * escpos.h - builds the ESC/POS byte stream of a receipt: the subset of Epson's command set that
 * cheap 58/80 mm thermal printers implement and that preview.c renders back.
 *
 *   ESC @         initialise             ESC a n       align (0 left, 1 centre, 2 right)
 *   ESC E n       emphasis               GS ! n        character size (width, height 1..8)
 *   ESC d n       print and feed n lines LF            print and feed one line
 *   FS C 1        Kanji code: Shift-JIS  FS & / FS .   Kanji mode on / off
 *   GS ( k        QR code (model 2: size, error correction, store, print)
 *   GS v 0        raster bit image (the QR fallback for printers without GS ( k)
 *   GS V 66 n     feed n and cut         DLE EOT n     real-time status (printer.c)
 */
#ifndef PASSGATE_HAL_ESCPOS_H
#define PASSGATE_HAL_ESCPOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/qrcode.h"

enum hal_escpos_kanji {
	HAL_KANJI_NONE,	     /* the printer has no Kanji font: English lines only */
	HAL_KANJI_SHIFT_JIS, /* FS C 1 + FS &, text converted to CP932 */
};

enum hal_escpos_align {
	HAL_ALIGN_LEFT = 0,
	HAL_ALIGN_CENTER = 1,
	HAL_ALIGN_RIGHT = 2,
};

struct hal_escpos;

/* A builder; caller frees with hal_escpos_free(). Errors are sticky: after the first failure
 * every call returns it, and hal_escpos_finish() reports it. */
int hal_escpos_new(enum hal_escpos_kanji kanji, struct hal_escpos **ret);
void hal_escpos_free(struct hal_escpos *e);

int hal_escpos_init(struct hal_escpos *e);
int hal_escpos_align(struct hal_escpos *e, enum hal_escpos_align a);
int hal_escpos_emphasis(struct hal_escpos *e, bool on);
int hal_escpos_size(struct hal_escpos *e, unsigned width, unsigned height);
/* UTF-8 text, no newline. ASCII goes as is; other characters need Kanji mode (-EILSEQ when the
 * builder has HAL_KANJI_NONE, or for a character CP932 lacks). */
int hal_escpos_text(struct hal_escpos *e, const char *utf8);
int hal_escpos_newline(struct hal_escpos *e);
int hal_escpos_feed(struct hal_escpos *e, unsigned lines);
/* A QR code with GS ( k: module = dot size of a module (1..16). */
int hal_escpos_qr(struct hal_escpos *e, const char *text, unsigned module, enum hal_qr_ecc ecc);
/* The same QR code as a GS v 0 raster image, for printers without GS ( k. */
int hal_escpos_qr_raster(struct hal_escpos *e, const char *text, unsigned module,
			 enum hal_qr_ecc ecc);
int hal_escpos_cut(struct hal_escpos *e);
/* Appends raw bytes (tests, hw-test). */
int hal_escpos_raw(struct hal_escpos *e, const void *data, size_t len);

/* The bytes so far, borrowed until the next call on e; or the sticky error. */
int hal_escpos_finish(const struct hal_escpos *e, const uint8_t **ret_data, size_t *ret_len);

/* Real-time status (DLE EOT n, n = 1 printer, 2 offline cause, 4 paper sensor): the request. */
#define HAL_ESCPOS_STATUS_PRINTER 1
#define HAL_ESCPOS_STATUS_OFFLINE 2
#define HAL_ESCPOS_STATUS_PAPER	  4

/* Parses a status byte answering DLE EOT n. Returns -EINVAL when the byte cannot be a status
 * byte (fixed bits 0, 1, 4, 7 wrong), else a mask of the flags below. */
#define HAL_ESCPOS_OFFLINE    0x1
#define HAL_ESCPOS_PAPER_OUT  0x2
#define HAL_ESCPOS_PAPER_NEAR 0x4
#define HAL_ESCPOS_COVER_OPEN 0x8
int hal_escpos_parse_status(unsigned n, uint8_t byte);

#endif
