/* SPDX-License-Identifier: MIT */
/* fuzz_base45.c - libFuzzer target: Base45 decoding, and encode(decode(x)) == x when valid. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "credential/base45.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out;
	size_t n;
	char *text;

	if (base45_decode((const char *)data, size, &out, &n) < 0)
		return 0;
	if (base45_encode(out, n, &text) == 0) {
		/* Decoding is injective on valid input: the re-encoding is the input. */
		if (strlen(text) != size || memcmp(text, data, size))
			abort();
		free(text);
	}
	free(out);
	return 0;
}
