/* SPDX-License-Identifier: MIT */
/*
 * fuzz_shc_payload.c - libFuzzer target: the SHC payload parser (JSON bounds, claims, FHIR
 * bundle to struct cred) on arbitrary inflated payload text, and the normalized JSON output.
 */
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "credential/cred_json.h"
#include "credential/shc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum cred_status st;
	struct cred c;

	if (shc_parse_payload((const char *)data, size, &c, &st) < 0)
		return 0;
	if (st == CRED_OK) {
		json_t *j = cred_to_json(&c);

		if (c.n_doses > CRED_MAX_DOSES || c.n_tests > CRED_MAX_TESTS)
			__builtin_trap();
		json_decref(j);
	}
	return 0;
}
