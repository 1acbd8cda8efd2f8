/* SPDX-License-Identifier: MIT */
/*
 * receiptsigner.c - the kiosk's receipt key (receiptsigner.h): load or create the seed, derive
 * the key pair, sign receipt codes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "events/keyfile.h"
#include "events/receiptsigner.h"
#include "events/signedcode.h"

struct secret {
	uint8_t seed[SIGNEDCODE_SEED_LEN];
	uint8_t sk[SIGNEDCODE_SK_LEN];
};

struct receiptsigner {
	uint8_t pk[SIGNEDCODE_PK_LEN];
	struct secret *s; /* sodium_malloc() */
};

int receiptsigner_new(const char *state_dir, struct receiptsigner **ret)
{
	struct receiptsigner *rs;
	int r;

	if (sodium_init() < 0)
		return -EIO;
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	rs->s = sodium_malloc(sizeof(*rs->s));
	if (!rs->s) {
		r = -ENOMEM;
		goto free_rs;
	}
	r = keyfile_load(state_dir, RECEIPTSIGNER_FILE, rs->s->seed, sizeof(rs->s->seed));
	if (r >= 0)
		r = signedcode_keypair_from_seed(rs->s->seed, rs->pk, rs->s->sk);
	if (r < 0)
		goto free_secret;
	*ret = rs;
	return 0;
free_secret:
	sodium_free(rs->s); /* wipes */
free_rs:
	free(rs);
	return r;
}

void receiptsigner_free(struct receiptsigner *rs)
{
	if (!rs)
		return;
	sodium_free(rs->s);
	free(rs);
}

void receiptsigner_public_key(const struct receiptsigner *rs, uint8_t pk[32])
{
	memcpy(pk, rs->pk, sizeof(rs->pk));
}

void receiptsigner_public_key_base64(const struct receiptsigner *rs, char out[RECEIPTSIGNER_PK_B64])
{
	sodium_bin2base64(out, RECEIPTSIGNER_PK_B64, rs->pk, sizeof(rs->pk),
			  sodium_base64_VARIANT_ORIGINAL);
}

int receiptsigner_issue(const struct receiptsigner *rs, const struct receiptcode *rc, char **ret)
{
	char *body = NULL;
	int n, r;

	n = receiptcode_body(rc, &body);
	if (n < 0)
		return n;
	r = signedcode_sign(RECEIPTCODE_PREFIX, RECEIPTCODE_DOMAIN, rs->s->sk,
			    (const uint8_t *)body, (size_t)n, ret);
	free(body);
	return r;
}
