/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dcc_revocation.c - libFuzzer target: the DCC revocation list importer
 * (trust_import_dcc_revocation()) on arbitrary input, in a fresh in-memory store, then the
 * verifier's lookup and the listing. A refused list must leave the store empty.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "credential/trust.h"
#include "credential/trust_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(const char *line, void *userdata)
{
	(void)line;
	++*(unsigned *)userdata;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t hash[TRUST_DCC_HASH_LEN], kid[8];
	struct trust *t;
	unsigned lines = 0;
	size_t n = 0;
	bool revoked;
	int r;

	if (trust_open(NULL, &t) < 0)
		return 0;
	r = trust_import_dcc_revocation(t, (const char *)data, size, &n);
	for (int type = TRUST_DCC_HASH_UCI; type <= TRUST_DCC_HASH_COUNTRYCODEUCI; type++)
		(void)trust_dcc_revoked(t, (enum trust_dcc_hash)type, hash, kid, &revoked);
	(void)trust_list(t, count, &lines);
	if ((r < 0 && lines != 0) || (r == 0 && (n == 0 || lines == 0)))
		abort();
	trust_free(t);
	return 0;
}
