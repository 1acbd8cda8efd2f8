/* SPDX-License-Identifier: MIT */
/*
 * fuzz_shc_verify.c - libFuzzer target: the whole SHC path of cred_verify() (numeric QR text,
 * JWS, header, inflate, payload JSON, key lookup, signature) on arbitrary text, against a
 * store holding the SHC spec example issuer's public keys (so that the seeds, the examples,
 * reach the signature check and beyond).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "credential/trust.h"
#include "credential/verify.h"

/* examples/issuer/.well-known/jwks.json, first key (public). */
static const char jwks[] =
	"{\"keys\":[{\"kty\":\"EC\",\"kid\":\"3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s\","
	"\"use\":\"sig\",\"alg\":\"ES256\",\"crv\":\"P-256\","
	"\"x\":\"11XvRWy1I2S0EyJlyf_bWfw_TQ5CJJNLw78bHXNxcgw\","
	"\"y\":\"eZXwxvO1hvCY0KucrPfKo7yAyMT6Ajc3N7OkAB6VYy8\",\"crlVersion\":1}]}";
static const char crl[] = "{\"kid\":\"3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s\","
			  "\"method\":\"rid\",\"ctr\":1,\"rids\":[\"vwAjHdarZuc.1687450765\"]}";

static struct trust *trust;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum cred_status st;
	struct cred c;

	if (!trust) {
		if (trust_open(NULL, &trust) < 0 ||
		    trust_import_jwks(trust, "https://spec.smarthealth.cards/examples/issuer", jwks,
				      strlen(jwks)) < 0 ||
		    trust_import_crl(trust, "https://spec.smarthealth.cards/examples/issuer", crl,
				     strlen(crl)) < 0)
			__builtin_trap();
	}
	if (cred_verify(trust, (const char *)data, size, 1704067200, &c, &st) == 0 &&
	    st == CRED_OK && c.n_doses > 16)
		__builtin_trap();
	return 0;
}
