/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cose.c - libFuzzer target: the CBOR stages of the DCC path on outsider bytes: the bounds
 * pre-check, COSE_Sign1 parsing (headers, kid, Sig_structure) and CWT/hcert parsing, both of
 * the COSE payload and of the input itself.
 */
#include <stdint.h>
#include <stdlib.h>

#include "credential/cbor_bounds.h"
#include "credential/cose.h"
#include "credential/hcert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cose_sign1 *m;
	struct cred c;
	enum cred_status st;
	unsigned kinds;
	size_t used;

	(void)cbor_bounds_check(data, size, &used);
	(void)hcert_parse(data, size, &c, &kinds, &st);
	if (cose_sign1_parse(data, size, &m) == 0) {
		const uint8_t *p, *kid;
		size_t n, kid_len;
		uint8_t *tbs;

		(void)cose_sign1_alg(m);
		(void)cose_sign1_kid(m, &kid, &kid_len);
		cose_sign1_payload(m, &p, &n);
		(void)hcert_parse(p, n, &c, &kinds, &st);
		if (cose_sign1_to_be_signed(m, &tbs, &n) == 0)
			free(tbs);
		cose_sign1_free(m);
	}
	return 0;
}
