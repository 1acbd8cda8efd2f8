/* SPDX-License-Identifier: MIT */
/*
 * fuzz_trust_jwks.c - libFuzzer target: the trust store's importers of operator files (JWKS,
 * then a CRL and a VCI directory of the same bytes) on arbitrary input, in a fresh in-memory
 * store each run, followed by a listing.
 */
#include <stddef.h>
#include <stdint.h>

#include "credential/trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ignore(const char *line, void *ud)
{
	(void)line;
	(void)ud;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char iss[] = "https://issuer.passgate.test";
	struct trust *t;

	if (trust_open(NULL, &t) < 0)
		return 0;
	trust_import_jwks(t, iss, (const char *)data, size);
	trust_import_crl(t, iss, (const char *)data, size);
	trust_import_vci(t, (const char *)data, size);
	trust_list(t, ignore, NULL);
	trust_free(t);
	return 0;
}
