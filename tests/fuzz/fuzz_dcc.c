/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dcc.c - libFuzzer target: the whole dcc_verify() path on arbitrary text, against a trust
 * store holding the fuzz signer certificate (dcc_fuzz_cert.h) whose DCCs seed the corpus, so
 * that mutations reach the signature, key usage and validity stages too.
 */
#include <stdint.h>
#include <stdlib.h>

#include "credential/dcc.h"
#include "credential/trust.h"

#include "dcc_fuzz_cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct trust *trust;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cred c;
	enum cred_status st;

	if (!trust) {
		if (trust_open(NULL, &trust) < 0 ||
		    trust_import_cert(trust, dcc_fuzz_cert, sizeof(dcc_fuzz_cert)) < 0)
			abort();
	}
	/* Inside the seeds' validity (2024-01-01). */
	(void)dcc_verify(trust, (const char *)data, size, 1704067200, &c, &st);
	cred_wipe(&c);
	return 0;
}
