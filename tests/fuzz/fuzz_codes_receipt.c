/* SPDX-License-Identifier: MIT */
/*
 * fuzz_codes_receipt.c - libFuzzer target for receipt codes as a visitor's QR brings them:
 * receiptcode_read() (envelope, bounds, body JSON, key lookup, signature) with a key list that
 * knows one kiosk, receiptcode_parse_body() on the raw bytes as they would be after a valid
 * signature, and the short code reader on the text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events/receiptcode.h"
#include "events/receiptkeys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The public key of the seed 00 01 .. 1f, which signed the corpus. */
	static const uint8_t pk[32] = { 0x03, 0xa1, 0x07, 0xbf, 0xf3, 0xce, 0x10, 0xbe,
					0x1d, 0x70, 0xdd, 0x18, 0xe7, 0x4b, 0xc0, 0x99,
					0x67, 0xe4, 0xd6, 0x30, 0x9b, 0xa5, 0x0d, 0x5f,
					0x1d, 0xdc, 0x86, 0x64, 0x12, 0x55, 0x31, 0xb8 };
	struct receiptkeys *ring = NULL;
	struct receiptcode rc;
	char date[11], *text;
	uint8_t vc[RECEIPTCODE_VC_LEN];
	unsigned slot;

	if (receiptkeys_new(&ring) < 0)
		return 0;
	receiptkeys_add(ring, "venue", "kiosk", pk);
	receiptcode_read((const char *)data, size, receiptkeys_lookup, ring, &rc);
	receiptcode_parse_body(data, size, &rc);
	receiptkeys_import(ring, data, size);
	receiptkeys_free(ring);
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	receiptcode_short_parse(text, date, &slot, vc);
	free(text);
	return 0;
}
