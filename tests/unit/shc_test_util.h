/* SPDX-License-Identifier: MIT */
/*
 * shc_test_util.h - helpers of the SHC unit tests: a fresh issuer key, its JWKS text, and a
 * JWS over any payload (signed by the real minting code, issue_shc_jws()).
 */
#ifndef PASSGATE_TEST_SHC_UTIL_H
#define PASSGATE_TEST_SHC_UTIL_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "credential/cred.h"
#include "credential/jwk.h"
#include "credential/sig.h"

struct test_issuer {
	struct sig_key *key;
	char kid[CRED_KID_MAX];
	char *jwks; /* public JWKS text */
};

static inline void test_issuer_jwks_with(const struct sig_key *k, bool priv,
					 void (*edit)(json_t *jwk), char **ret)
{
	json_t *jwk = NULL, *set;

	if (jwk_from_key(k, priv, &jwk) < 0)
		abort();
	if (edit)
		edit(jwk);
	set = json_pack("{s:[o]}", "keys", jwk);
	*ret = json_dumps(set, JSON_COMPACT);
	json_decref(set);
}

static inline void test_issuer_new(struct test_issuer *ti)
{
	uint8_t x[32], y[32];

	if (sig_key_generate_p256(&ti->key) < 0 || sig_key_p256_coords(ti->key, x, y, NULL) < 0)
		abort();
	jwk_thumbprint_p256(x, y, ti->kid);
	test_issuer_jwks_with(ti->key, false, NULL, &ti->jwks);
}

static inline void test_issuer_free(struct test_issuer *ti)
{
	sig_key_free(ti->key);
	free(ti->jwks);
}

#endif
