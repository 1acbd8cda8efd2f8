/* SPDX-License-Identifier: MIT */
/*
 * preview.h - renders the ESC/POS subset that escpos.c emits into the picture a thermal printer
 * would print: 1 dot = 1 pixel, 384 (58 mm) or 576 (80 mm) dots wide, black on white. For
 * `passgate receipt --preview`, the docs and the receipt tests.
 */
#ifndef PASSGATE_CLI_PREVIEW_H
#define PASSGATE_CLI_PREVIEW_H

#include <stddef.h>
#include <stdint.h>

/* The Japanese font: $PASSGATE_FONT, else the first of a fixed list (fonts-ipafont-gothic's
 * ipag.ttf first) that exists. NULL when none does. Static storage or the environment's. */
const char *preview_font(void);

/*
 * Renders len bytes of ESC/POS into a dots-wide greyscale image (0 ink, 255 paper). *ret_pixels
 * is malloc'd (caller frees), rows dots bytes long, *ret_height rows. Returns 0, -EINVAL for a
 * width other than 384/576, -EPROTO for bytes outside the subset (a truncated command, an
 * unknown one), -ENOENT when no font is found, -ENOMEM.
 */
int preview_render(const uint8_t *data, size_t len, unsigned dots, uint8_t **ret_pixels,
		   unsigned *ret_height);

/* preview_render() then a PNG file at path. */
int preview_write_png(const uint8_t *data, size_t len, unsigned dots, const char *path);

#endif
