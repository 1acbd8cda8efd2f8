/* SPDX-License-Identifier: MIT */
/*
 * jwk.c - P-256 JSON Web Keys for SMART Health Card issuers: check, thumbprint, export.
 *
 * The SHC spec ("Determining keys associated with an issuer") requires kty EC, crv P-256,
 * alg ES256, use sig, and kid = base64url(SHA-256 of the RFC 7638 canonical JWK). The trust
 * store refuses any key that breaks one of these, and any set that carries a private key "d":
 * a leaked private key must not sit in a kiosk's trust file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credential/b64url.h"
#include "credential/jwk.h"
#include "credential/sig.h"

static int coord(const json_t *jwk, const char *name, uint8_t out[32])
{
	const char *s = json_string_value(json_object_get(jwk, name));
	size_t n;

	/* 32 bytes encode to exactly 43 characters; the decoder refuses non-canonical text. */
	if (!s || strlen(s) != 43 || b64url_decode_buf(s, 43, out, 32, &n) < 0 || n != 32)
		return -EINVAL;
	return 0;
}

static bool member_is(const json_t *jwk, const char *name, const char *want)
{
	const char *s = json_string_value(json_object_get(jwk, name));

	return s && strcmp(s, want) == 0;
}

void jwk_thumbprint_p256(const uint8_t x[32], const uint8_t y[32], char ret[JWK_THUMBPRINT_LEN + 1])
{
	/* RFC 7638 §3.2: the required members only, sorted, no whitespace. */
	char canon[160], *enc;
	uint8_t digest[32];
	char *xs = NULL, *ys = NULL;

	ret[0] = 0;
	if (b64url_encode(x, 32, &xs) < 0 || b64url_encode(y, 32, &ys) < 0)
		goto out;
	snprintf(canon, sizeof(canon),
		 "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", xs, ys);
	sig_sha256(canon, strlen(canon), digest);
	if (b64url_encode(digest, sizeof(digest), &enc) < 0)
		goto out;
	memcpy(ret, enc, JWK_THUMBPRINT_LEN + 1);
	free(enc);
out:
	free(xs);
	free(ys);
}

int jwk_parse_p256(const json_t *jwk, bool allow_private, char ret_kid[CRED_KID_MAX],
		   int64_t *ret_crl_version, struct sig_key **ret)
{
	uint8_t x[32], y[32], d[32];
	char thumb[JWK_THUMBPRINT_LEN + 1];
	const json_t *use, *crl;
	const char *kid;
	bool has_d;
	int r;

	if (!json_is_object(jwk) || !member_is(jwk, "kty", "EC") ||
	    !member_is(jwk, "crv", "P-256") || !member_is(jwk, "alg", "ES256"))
		return -EINVAL;
	use = json_object_get(jwk, "use");
	if (use && !member_is(jwk, "use", "sig"))
		return -EINVAL;
	has_d = json_object_get(jwk, "d") != NULL;
	if (has_d && !allow_private)
		return -EINVAL;
	if (coord(jwk, "x", x) < 0 || coord(jwk, "y", y) < 0 || (has_d && coord(jwk, "d", d) < 0))
		return -EINVAL;
	kid = json_string_value(json_object_get(jwk, "kid"));
	jwk_thumbprint_p256(x, y, thumb);
	if (!kid || strcmp(kid, thumb) != 0)
		return -EINVAL;
	crl = json_object_get(jwk, "crlVersion");
	if (crl && (!json_is_integer(crl) || json_integer_value(crl) < 0))
		return -EINVAL;
	r = sig_key_from_p256(x, y, has_d ? d : NULL, ret);
	explicit_bzero(d, sizeof(d));
	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	memcpy(ret_kid, thumb, sizeof(thumb));
	*ret_crl_version = crl ? json_integer_value(crl) : 0;
	return 0;
}

int jwk_from_key(const struct sig_key *k, bool with_private, json_t **ret)
{
	uint8_t x[32], y[32], d[32];
	char thumb[JWK_THUMBPRINT_LEN + 1];
	char *xs = NULL, *ys = NULL, *ds = NULL;
	json_t *o = NULL;
	int r;

	r = sig_key_p256_coords(k, x, y, with_private ? d : NULL);
	if (r < 0)
		return r;
	jwk_thumbprint_p256(x, y, thumb);
	r = -ENOMEM;
	if (b64url_encode(x, 32, &xs) < 0 || b64url_encode(y, 32, &ys) < 0 ||
	    (with_private && b64url_encode(d, 32, &ds) < 0))
		goto out;
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "EC", "kid", thumb, "use",
		      "sig", "alg", "ES256", "crv", "P-256", "x", xs, "y", ys);
	if (!o)
		goto out;
	if (ds && json_object_set_new(o, "d", json_string(ds)) < 0) {
		json_decref(o);
		goto out;
	}
	*ret = o;
	r = 0;
out:
	explicit_bzero(d, sizeof(d));
	if (ds)
		explicit_bzero(ds, strlen(ds));
	free(xs);
	free(ys);
	free(ds);
	return r;
}
