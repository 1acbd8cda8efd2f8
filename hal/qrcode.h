/* SPDX-License-Identifier: MIT */
/*
 * qrcode.h - QR code encoder (libqrencode) for minted sample cards, receipts and the printer's
 * raster fallback. Text that starts with "shc:/" is encoded as the SMART Health Cards spec asks
 * (a byte-mode segment for the "shc:/…/" prefix, then one numeric-mode segment for the digits);
 * HC1: (base45, the QR alphanumeric set) lands in alphanumeric mode; other text as libqrencode
 * chooses.
 */
#ifndef PASSGATE_HAL_QRCODE_H
#define PASSGATE_HAL_QRCODE_H

#include <stddef.h>
#include <stdint.h>

/* Error-correction levels of ISO/IEC 18004 (§6.5.1). */
enum hal_qr_ecc {
	HAL_QR_ECC_L = 0,
	HAL_QR_ECC_M = 1,
	HAL_QR_ECC_Q = 2,
	HAL_QR_ECC_H = 3,
};

/* The longest text we encode: beyond version 40's capacity anyway. */
#define HAL_QR_ENCODE_MAX 7089

/*
 * Encodes text (len bytes) into a size x size module matrix, 1 = dark, row-major, without quiet
 * zone. *ret_modules is malloc'd (caller frees). Returns 0, -EINVAL (empty or too long for any
 * version), -ENOMEM.
 */
int hal_qr_encode(const char *text, size_t len, enum hal_qr_ecc ecc, uint8_t **ret_modules,
		  unsigned *ret_size);

/* The default level for a payload: L for shc:/ (SHC spec, "Creating a QR code"), Q for HC1:
 * (hcert spec §5 recommends Q), M otherwise. */
enum hal_qr_ecc hal_qr_default_ecc(const char *text);

/*
 * Writes text as a QR code PNG: each module scale x scale pixels (1..64), a 4-module quiet zone
 * (ISO/IEC 18004 §6.3.8). Returns 0 or -errno.
 */
int hal_qr_write_png(const char *text, const char *path, unsigned scale);

#endif
