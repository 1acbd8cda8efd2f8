/* SPDX-License-Identifier: MIT */
/*
 * qrcode.c - the one file that includes libqrencode: text to a QR module matrix, and to PNG.
 *
 * SMART Health Cards (spec, "Encoding Chunks as QR codes") asks for two segments: "shc:/" (and
 * for chunked cards "shc:/C/N/") in byte mode, then the numeric-encoded JWS in numeric mode,
 * which is about 40 % smaller than byte mode would be. libqrencode's automatic segmentation
 * would also find that split, but the spec names it, so it is built by hand with QRinput.
 */
#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "hal/png.h"
#include "hal/qrcode.h"

static QRecLevel to_level(enum hal_qr_ecc ecc)
{
	switch (ecc) {
	case HAL_QR_ECC_L:
		return QR_ECLEVEL_L;
	case HAL_QR_ECC_M:
		return QR_ECLEVEL_M;
	case HAL_QR_ECC_Q:
		return QR_ECLEVEL_Q;
	case HAL_QR_ECC_H:
		return QR_ECLEVEL_H;
	}
	return QR_ECLEVEL_M;
}

enum hal_qr_ecc hal_qr_default_ecc(const char *text)
{
	if (strncmp(text, "shc:/", 5) == 0)
		return HAL_QR_ECC_L;
	if (strncmp(text, "HC1:", 4) == 0)
		return HAL_QR_ECC_Q;
	return HAL_QR_ECC_M;
}

/* Length of the "shc:/" or "shc:/C/N/" prefix when the rest is all digits, else 0. */
static size_t shc_prefix(const char *text, size_t len)
{
	size_t p = 5, slashes = 0, i;

	if (len < 6 || strncmp(text, "shc:/", 5) != 0)
		return 0;
	/* A chunked card: "shc:/1/3/" then digits. */
	for (i = 5; i < len && slashes < 2; i++) {
		if (text[i] == '/')
			slashes++;
		else if (text[i] < '0' || text[i] > '9')
			break;
	}
	if (slashes == 2)
		p = i;
	for (i = p; i < len; i++)
		if (text[i] < '0' || text[i] > '9')
			return 0;
	return p < len ? p : 0;
}

static QRcode *encode(const char *text, size_t len, enum hal_qr_ecc ecc)
{
	size_t p = shc_prefix(text, len);
	QRinput *in;
	QRcode *qr;

	if (p == 0) {
		/* QRcode_encodeString needs a NUL-terminated string without inner NULs; 8-bit data
		 * takes QRcode_encodeData. */
		if (memchr(text, 0, len))
			return QRcode_encodeData((int)len, (const unsigned char *)text, 0,
						 to_level(ecc));
		char *copy = malloc(len + 1);
		if (!copy)
			return NULL;
		memcpy(copy, text, len);
		copy[len] = '\0';
		qr = QRcode_encodeString(copy, 0, to_level(ecc), QR_MODE_8, 1);
		free(copy);
		return qr;
	}
	in = QRinput_new2(0, to_level(ecc));
	if (!in)
		return NULL;
	qr = NULL;
	if (QRinput_append(in, QR_MODE_8, (int)p, (const unsigned char *)text) == 0 &&
	    QRinput_append(in, QR_MODE_NUM, (int)(len - p), (const unsigned char *)text + p) == 0)
		qr = QRcode_encodeInput(in);
	QRinput_free(in);
	return qr;
}

int hal_qr_encode(const char *text, size_t len, enum hal_qr_ecc ecc, uint8_t **ret_modules,
		  unsigned *ret_size)
{
	QRcode *qr;
	uint8_t *m;
	size_t n;

	if (!text || len == 0 || len > HAL_QR_ENCODE_MAX)
		return -EINVAL;
	errno = 0;
	qr = encode(text, len, ecc);
	if (!qr)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	n = (size_t)qr->width * (size_t)qr->width;
	m = malloc(n);
	if (!m) {
		QRcode_free(qr);
		return -ENOMEM;
	}
	/* libqrencode's bit 0 is "dark"; the other bits describe the module's role. */
	for (size_t i = 0; i < n; i++)
		m[i] = qr->data[i] & 1;
	*ret_modules = m;
	*ret_size = (unsigned)qr->width;
	QRcode_free(qr);
	return 0;
}

int hal_qr_write_png(const char *text, const char *path, unsigned scale)
{
	const unsigned quiet = 4;
	uint8_t *modules, *pixels;
	unsigned size, side;
	int r;

	if (!text || !path || scale == 0 || scale > 64)
		return -EINVAL;
	r = hal_qr_encode(text, strlen(text), hal_qr_default_ecc(text), &modules, &size);
	if (r < 0)
		return r;
	side = (size + 2 * quiet) * scale;
	pixels = malloc((size_t)side * side);
	if (!pixels) {
		r = -ENOMEM;
		goto free_modules;
	}
	memset(pixels, 255, (size_t)side * side);
	for (unsigned y = 0; y < size * scale; y++)
		for (unsigned x = 0; x < size * scale; x++)
			if (modules[(size_t)(y / scale) * size + x / scale])
				pixels[(size_t)(y + quiet * scale) * side + x + quiet * scale] = 0;
	r = hal_png_write_gray(path, pixels, side, side, side);
	free(pixels);
free_modules:
	free(modules);
	return r;
}
