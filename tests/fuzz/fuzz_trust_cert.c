/* SPDX-License-Identifier: MIT */
/*
 * fuzz_trust_cert.c - libFuzzer target: DCC signer certificates from operator files (PEM or
 * DER): sig_cert_parse(), the hand-written SubjectPublicKeyInfo walk of
 * sig_cert_trusted_key(), and trust_import_cert() into an in-memory store followed by the
 * verifier's lookup of what was stored.
 */
#include <stdint.h>
#include <stdlib.h>

#include "credential/sig.h"
#include "credential/trust.h"
#include "credential/trust_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(const struct sig_cert_info *info, const uint8_t *der, size_t len, void *userdata)
{
	struct sig_key *k;

	(void)info;
	if (sig_cert_trusted_key(der, len, &k) == 0)
		sig_key_free(k);
	++*(unsigned *)userdata;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sig_cert_info info;
	struct sig_key *k;
	struct trust *t;
	uint8_t *der;
	size_t der_len;
	unsigned n = 0;

	if (sig_cert_trusted_key(data, size, &k) == 0)
		sig_key_free(k);
	if (sig_cert_parse(data, size, &info, &k, &der, &der_len) < 0)
		return 0;
	sig_key_free(k);
	if (trust_open(NULL, &t) == 0) {
		if (trust_import_cert(t, data, size) == 0) {
			if (trust_for_each_dcc_signer(t, info.kid, count, &n) < 0 || n != 1)
				abort(); /* what was imported must be found under its kid */
		}
		trust_free(t);
	}
	free(der);
	return 0;
}
