/* SPDX-License-Identifier: MIT */
/*
 * fuzz_trustupdate.c - libFuzzer target: the kiosk's import of a city trust update body
 * (trustupdate_import(): issuer key sets, DCC signers, SHC CRLs against the keys of the same
 * update, DCC revocation batches) on arbitrary input, into a store that holds the built-in
 * keys. A refused update must leave the store exactly as it was.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "credential/trust.h"
#include "events/trustupdate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(const char *line, void *userdata)
{
	(void)line;
	++*(unsigned *)userdata;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trustupdate_counts c;
	struct trust *t;
	unsigned before = 0, after = 0;

	if (trust_open(NULL, &t) < 0)
		return 0;
	if (trust_add_default(t) < 0 || trust_list(t, count, &before) < 0) {
		trust_free(t);
		return 0;
	}
	if (trustupdate_import(t, data, size, &c) < 0) {
		if (trust_list(t, count, &after) < 0 || after != before)
			abort(); /* all or nothing */
	}
	trust_free(t);
	return 0;
}
