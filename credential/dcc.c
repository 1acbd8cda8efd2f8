/* SPDX-License-Identifier: MIT */
/*
 * dcc.c - the EU DCC verifier: "HC1:" text to a verified struct cred (hcert v1.3, §3).
 *
 * Stages, each mapped onto the first failing status of cred.h:
 *   prefix "HC1:"                          unreadable
 *   text length <= CRED_MAX_TEXT           syntax
 *   Base45 (RFC 9285)                      encoding
 *   zlib, <= CRED_MAX_INFLATED bytes       inflate
 *   COSE_Sign1 (RFC 9052), CBOR bounds     syntax
 *   CWT claims, hcert content (hcert.c)    syntax / schema
 *   signer by kid, ES256 / PS256           issuer-unknown / signature-invalid
 *   extended key usage vs v/t/r            key-usage
 *   iat, exp and the signer's validity     credential-not-yet-valid / credential-expired
 *   DCC revocation lists (trust_revoke.c)  revoked
 * The content is interpreted before the signature is checked only so that a malformed DCC is
 * reported as such; nothing of it leaves this file unless every stage passed (the record
 * then keeps only format, issuer and kid). The policies are in docs/credentials-dcc.md.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "credential/base45.h"
#include "credential/cose.h"
#include "credential/b64url.h"
#include "credential/dcc.h"
#include "credential/hcert.h"
#include "credential/inflate.h"
#include "credential/sig.h"
#include "credential/trust_internal.h"
#include "credential/verify.h"

#define DCC_PREFIX  "HC1:"
#define DCC_KID_LEN 8

struct signer_search {
	const struct trust *trust;
	const uint8_t *tbs;
	size_t tbs_len;
	const uint8_t *sig;
	size_t sig_len;
	int64_t alg;
	unsigned candidates;
	struct sig_cert_info info;
};

/* One certificate with the right kid: 1 when it verifies, 0 to try the next, <0 on error. */
static int try_signer(const struct sig_cert_info *info, const uint8_t *der, size_t len,
		      void *userdata)
{
	struct signer_search *s = userdata;
	struct sig_verifier *verifier;
	struct sig_key *key;
	int r;

	s->candidates++;
	/* Borrowed from the trust store's cache: parsed once per signer, not per scan. */
	r = trust_dcc_signer(s->trust, der, len, &key, &verifier);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	if (s->alg == COSE_ALG_ES256 && verifier)
		r = sig_verifier_es256(verifier, s->tbs, s->tbs_len, s->sig, s->sig_len);
	else if (s->alg == COSE_ALG_ES256)
		r = sig_verify_es256(key, s->tbs, s->tbs_len, s->sig, s->sig_len);
	else if (s->alg == COSE_ALG_PS256)
		r = sig_verify_ps256(key, s->tbs, s->tbs_len, s->sig, s->sig_len);
	else
		r = -EBADMSG;
	if (r == -ENOMEM)
		return r;
	if (r == 0)
		s->info = *info;
	return r == 0 ? 1 : 0;
}

int dcc_check_signature(const struct trust *t, const struct cose_sign1 *m,
			struct sig_cert_info *ret_info, enum cred_status *ret_status)
{
	struct signer_search s = { .trust = t, .alg = cose_sign1_alg(m) };
	const uint8_t *kid;
	size_t kid_len;
	uint8_t *tbs;
	int r;

	if (cose_sign1_kid(m, &kid, &kid_len) < 0 || kid_len != DCC_KID_LEN) {
		*ret_status = CRED_E_ISSUER_UNKNOWN;
		return 0;
	}
	r = cose_sign1_to_be_signed(m, &tbs, &s.tbs_len);
	if (r < 0)
		return r;
	s.tbs = tbs;
	cose_sign1_signature(m, &s.sig, &s.sig_len);
	r = trust_for_each_dcc_signer(t, kid, try_signer, &s);
	free(tbs);
	if (r < 0)
		return r;
	if (r > 0) {
		if (ret_info)
			*ret_info = s.info;
		*ret_status = CRED_OK;
	} else {
		*ret_status = s.candidates ? CRED_E_SIGNATURE_INVALID : CRED_E_ISSUER_UNKNOWN;
	}
	return 0;
}

enum cred_status dcc_check_usage(unsigned cert_usage, unsigned kinds)
{
	/* hcert §5.1.1: a signer restricted to some types may sign only those. */
	return kinds && (kinds & cert_usage) == kinds ? CRED_OK : CRED_E_KEY_USAGE;
}

enum cred_status dcc_check_validity(const struct sig_cert_info *info, int64_t iat, int64_t exp,
				    int64_t now)
{
	if (iat && now < iat - CRED_CLOCK_SKEW)
		return CRED_E_NOT_YET_VALID;
	if (exp && now > exp + CRED_CLOCK_SKEW)
		return CRED_E_EXPIRED;
	if (!info)
		return CRED_OK;
	/* The signer must have been valid when it signed, and still be now, and must not vouch
	 * for longer than itself (the official test harness's rule). */
	if (iat && iat < info->not_before)
		return CRED_E_NOT_YET_VALID;
	if (now < info->not_before)
		return CRED_E_NOT_YET_VALID;
	if (now > info->not_after)
		return CRED_E_EXPIRED;
	if (exp && exp > info->not_after)
		return CRED_E_EXPIRED;
	return CRED_OK;
}

/* The first 16 bytes of SHA-256 over @a ‖ @b (either may be empty). The inputs are bounded by
 * struct cred (issuer, ci) and by the COSE parser (signature), so a stack buffer holds them;
 * anything longer is hashed from the heap. */
static int hash16(const void *a, size_t a_len, const void *b, size_t b_len,
		  uint8_t out[TRUST_DCC_HASH_LEN])
{
	uint8_t stack[1024], *buf = stack, digest[32];

	if (a_len + b_len > sizeof(stack) && !(buf = malloc(a_len + b_len)))
		return -ENOMEM;
	if (a_len)
		memcpy(buf, a, a_len);
	if (b_len)
		memcpy(buf + a_len, b, b_len);
	sig_sha256(buf, a_len + b_len, digest);
	if (buf != stack)
		free(buf);
	memcpy(out, digest, TRUST_DCC_HASH_LEN);
	return 0;
}

int dcc_revocation_hashes(const struct cose_sign1 *m, const char *issuer, const char *ci,
			  uint8_t ret[3][TRUST_DCC_HASH_LEN])
{
	const uint8_t *sig;
	size_t sig_len;

	cose_sign1_signature(m, &sig, &sig_len);
	/* ES256 signatures are r ‖ s, and s can be negated without breaking the signature, so
	 * only r identifies one (the DCC revocation spec, hash type SIGNATURE). */
	if (cose_sign1_alg(m) == COSE_ALG_ES256)
		sig_len /= 2;
	if (hash16(ci, strlen(ci), NULL, 0, ret[DCC_REVOCATION_UCI]) < 0 ||
	    hash16(sig, sig_len, NULL, 0, ret[DCC_REVOCATION_SIGNATURE]) < 0 ||
	    hash16(issuer, strlen(issuer), ci, strlen(ci), ret[DCC_REVOCATION_COUNTRYCODEUCI]) < 0)
		return -ENOMEM;
	return ci[0] ? 0 : -ENODATA;
}

int dcc_check_revocation(const struct trust *t, const struct cose_sign1 *m, const char *issuer,
			 const char *ci, enum cred_status *ret_status)
{
	static const enum trust_dcc_hash types[3] = {
		[DCC_REVOCATION_UCI] = TRUST_DCC_HASH_UCI,
		[DCC_REVOCATION_SIGNATURE] = TRUST_DCC_HASH_SIGNATURE,
		[DCC_REVOCATION_COUNTRYCODEUCI] = TRUST_DCC_HASH_COUNTRYCODEUCI,
	};
	uint8_t hashes[3][TRUST_DCC_HASH_LEN];
	const uint8_t *kid;
	size_t kid_len;
	bool revoked = false, have_ci;
	int r = 0;

	*ret_status = CRED_OK;
	if (cose_sign1_kid(m, &kid, &kid_len) < 0 || kid_len != DCC_KID_LEN)
		return 0; /* dcc_check_signature() refuses it first */
	/* Without a ci (hcert.c requires one) only the signature can be looked up. */
	r = dcc_revocation_hashes(m, issuer, ci, hashes);
	if (r == -ENOMEM)
		return r;
	have_ci = r == 0;
	r = 0;
	for (int i = 0; r >= 0 && i < 3 && !revoked; i++)
		if (have_ci || i == DCC_REVOCATION_SIGNATURE)
			r = trust_dcc_revoked(t, types[i], hashes[i], kid, &revoked);
	if (r < 0)
		return r;
	if (revoked)
		*ret_status = CRED_E_REVOKED;
	return 0;
}

int dcc_verify(const struct trust *t, const char *text, size_t len, int64_t now, struct cred *ret,
	       enum cred_status *ret_status)
{
	struct cred *c;
	struct cose_sign1 *m = NULL;
	struct sig_cert_info info;
	enum cred_status st;
	uint8_t *zbuf = NULL, *cose = NULL;
	const uint8_t *payload, *kid;
	size_t zlen, cose_len, payload_len, kid_len;
	unsigned kinds;
	int r;

	memset(ret, 0, sizeof(*ret));
	if (len < sizeof(DCC_PREFIX) - 1 || memcmp(text, DCC_PREFIX, sizeof(DCC_PREFIX) - 1)) {
		*ret_status = CRED_E_UNREADABLE;
		return 0;
	}
	ret->format = CRED_FORMAT_DCC;
	if (len > CRED_MAX_TEXT) {
		*ret_status = CRED_E_SYNTAX;
		return 0;
	}
	r = base45_decode(text + 4, len - 4, &zbuf, &zlen);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		*ret_status = CRED_E_ENCODING;
		return 0;
	}
	r = cred_inflate(zbuf, zlen, 0, &cose, &cose_len);
	free(zbuf);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		*ret_status = CRED_E_INFLATE;
		return 0;
	}
	r = cose_sign1_parse(cose, cose_len, &m);
	if (r == -ENOMEM)
		goto done_cose;
	if (r < 0) {
		*ret_status = CRED_E_SYNTAX;
		r = 0;
		goto done_cose;
	}
	if (cose_sign1_kid(m, &kid, &kid_len) == 0)
		/* Standard base64, as DCC kids are written in trust lists; too long a kid is "". */
		b64std_encode_buf(kid, kid_len, ret->kid, sizeof(ret->kid));

	/* The record is filled in a heap copy so that personal data reaches *ret only when the
	 * whole credential verified. */
	c = malloc(sizeof(*c));
	if (!c) {
		r = -ENOMEM;
		goto done_m;
	}
	cose_sign1_payload(m, &payload, &payload_len);
	r = hcert_parse(payload, payload_len, c, &kinds, &st);
	if (r < 0)
		goto done_c;
	memcpy(ret->issuer, c->issuer, sizeof(ret->issuer));
	if (st == CRED_OK)
		r = dcc_check_signature(t, m, &info, &st);
	if (r < 0)
		goto done_c;
	if (st == CRED_OK)
		st = dcc_check_usage(info.usage, kinds);
	if (st == CRED_OK)
		st = dcc_check_validity(&info, c->issued_at, c->expires_at, now);
	if (st == CRED_OK)
		r = dcc_check_revocation(t, m, c->issuer, c->cert_id, &st);
	if (r < 0)
		goto done_c;
	if (st == CRED_OK) {
		memcpy(c->kid, ret->kid, sizeof(c->kid));
		c->format = CRED_FORMAT_DCC;
		*ret = *c;
	}
	*ret_status = st;
done_c:
	cred_wipe(c);
	free(c);
done_m:
	cose_sign1_free(m);
done_cose:
	free(cose);
	return r;
}
