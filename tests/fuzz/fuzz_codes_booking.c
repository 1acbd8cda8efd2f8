/* SPDX-License-Identifier: MIT */
/*
 * fuzz_codes_booking.c - libFuzzer target for booking codes as a visitor's QR brings them:
 * bookingcode_read() (envelope, bounds, body JSON, signature against two keys) and
 * bookingcode_parse_body() on the raw bytes as they would be after a valid signature, then the
 * validity check of whatever parsed.
 */
#include <stddef.h>
#include <stdint.h>

#include "events/bookingcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The second: the public key of the seed 00 01 .. 1f, which signed the corpus. */
	static const uint8_t keys[2][32] = {
		{ 0 }, { 0x03, 0xa1, 0x07, 0xbf, 0xf3, 0xce, 0x10, 0xbe, 0x1d, 0x70, 0xdd,
			 0x18, 0xe7, 0x4b, 0xc0, 0x99, 0x67, 0xe4, 0xd6, 0x30, 0x9b, 0xa5,
			 0x0d, 0x5f, 0x1d, 0xdc, 0x86, 0x64, 0x12, 0x55, 0x31, 0xb8 }
	};
	struct bookingcode b;

	if (bookingcode_read((const char *)data, size, keys, 2, &b) == 0)
		bookingcode_valid(&b, "venue", 19000);
	if (bookingcode_parse_body(data, size, &b) == 0)
		bookingcode_valid(&b, "venue", 19000);
	return 0;
}
