/* SPDX-License-Identifier: MIT */
/*
 * signedcode.c - the signed envelope of receipt and booking codes: prefix, base64url body, '.',
 * base64url Ed25519 signature (libsodium). Bounds come first: the text length is checked before
 * anything is decoded, the body length before it is copied.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "credential/b64url.h"
#include "credential/isotime.h"
#include "credential/json_bounds.h"
#include "events/signedcode.h"

#define DOMAIN_MAX 64

bool signedcode_has_prefix(const char *prefix, const char *text, size_t len)
{
	size_t n = strlen(prefix);

	return text && len >= n && memcmp(text, prefix, n) == 0;
}

/* domain ‖ 0x00 ‖ body into @out (DOMAIN_MAX + 1 + SIGNEDCODE_BODY_MAX bytes). */
static int message(const char *domain, const uint8_t *body, size_t len, uint8_t *out,
		   size_t *ret_len)
{
	size_t d = strlen(domain);

	if (d >= DOMAIN_MAX || len > SIGNEDCODE_BODY_MAX)
		return -E2BIG;
	memcpy(out, domain, d);
	out[d] = 0;
	memcpy(out + d + 1, body, len);
	*ret_len = d + 1 + len;
	return 0;
}

int signedcode_sign(const char *prefix, const char *domain, const uint8_t sk[SIGNEDCODE_SK_LEN],
		    const uint8_t *body, size_t len, char **ret)
{
	uint8_t msg[DOMAIN_MAX + 1 + SIGNEDCODE_BODY_MAX], sig[SIGNEDCODE_SIG_LEN];
	char *b = NULL, *s = NULL, *text;
	size_t msg_len, n;
	int r;

	if (len == 0)
		return -EINVAL;
	r = message(domain, body, len, msg, &msg_len);
	if (r < 0)
		return r;
	crypto_sign_detached(sig, NULL, msg, msg_len, sk);
	if (b64url_encode(body, len, &b) < 0 || b64url_encode(sig, sizeof(sig), &s) < 0) {
		r = -ENOMEM;
		goto out;
	}
	n = strlen(prefix) + strlen(b) + 1 + strlen(s);
	text = malloc(n + 1);
	if (!text) {
		r = -ENOMEM;
		goto out;
	}
	strcpy(text, prefix);
	strcat(text, b);
	strcat(text, ".");
	strcat(text, s);
	*ret = text;
	r = (int)n;
out:
	free(b);
	free(s);
	return r;
}

int signedcode_split(const char *prefix, const char *text, size_t len, uint8_t *body,
		     size_t *ret_len, uint8_t sig[SIGNEDCODE_SIG_LEN])
{
	size_t n = strlen(prefix), body_chars, sig_len, body_len;
	const char *dot;

	if (!signedcode_has_prefix(prefix, text, len))
		return -ENOMSG;
	if (len > SIGNEDCODE_TEXT_MAX)
		return -E2BIG;
	dot = memchr(text + n, '.', len - n);
	if (!dot)
		return -EBADMSG;
	body_chars = (size_t)(dot - (text + n));
	if (body_chars == 0)
		return -EBADMSG;
	if (body_chars > b64url_encoded_len(SIGNEDCODE_BODY_MAX))
		return -E2BIG;
	if (b64url_decode_buf(dot + 1, len - n - body_chars - 1, sig, SIGNEDCODE_SIG_LEN,
			      &sig_len) < 0 ||
	    sig_len != SIGNEDCODE_SIG_LEN)
		return -EBADMSG;
	if (b64url_decode_buf(text + n, body_chars, body, SIGNEDCODE_BODY_MAX, &body_len) < 0 ||
	    body_len == 0)
		return -EBADMSG;
	body[body_len] = 0;
	*ret_len = body_len;
	return 0;
}

int signedcode_verify(const char *domain, const uint8_t *body, size_t len,
		      const uint8_t sig[SIGNEDCODE_SIG_LEN], const uint8_t pk[SIGNEDCODE_PK_LEN])
{
	uint8_t msg[DOMAIN_MAX + 1 + SIGNEDCODE_BODY_MAX];
	size_t msg_len;

	if (message(domain, body, len, msg, &msg_len) < 0)
		return -EKEYREJECTED;
	return crypto_sign_verify_detached(sig, msg, msg_len, pk) == 0 ? 0 : -EKEYREJECTED;
}

void signedcode_keypair(uint8_t pk[SIGNEDCODE_PK_LEN], uint8_t sk[SIGNEDCODE_SK_LEN])
{
	crypto_sign_keypair(pk, sk);
}

int signedcode_keypair_from_seed(const uint8_t seed[SIGNEDCODE_SEED_LEN],
				 uint8_t pk[SIGNEDCODE_PK_LEN], uint8_t sk[SIGNEDCODE_SK_LEN])
{
	return crypto_sign_seed_keypair(pk, sk, seed) == 0 ? 0 : -EINVAL;
}

int signedcode_date(const char *s, int64_t *ret_days)
{
	int64_t ms;

	if (!s || strlen(s) != 10 || isotime_scan(s, 0, &ms) != 0)
		return -EINVAL;
	*ret_days = isotime_floor_div(ms, ISOTIME_MS_PER_DAY);
	return 0;
}

void signedcode_format_date(int64_t days, char out[11])
{
	int64_t y, m, d;

	isotime_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = 0;
}

int signedcode_json_load(const uint8_t *body, size_t len, const char *const *allowed,
			 struct json_t **ret)
{
	const char *key;
	json_t *o, *v;

	if (len == 0 || len > SIGNEDCODE_BODY_MAX ||
	    json_bounds_check((const char *)body, len, 3, 16) < 0)
		return -EBADMSG;
	o = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(o))
		goto bad;
	json_object_foreach(o, key, v)
	{
		size_t i = 0;

		while (allowed[i] && strcmp(allowed[i], key) != 0)
			i++;
		if (!allowed[i])
			goto bad;
	}
	v = json_object_get(o, "v");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		goto bad;
	*ret = o;
	return 0;
bad:
	json_decref(o);
	return -EBADMSG;
}

int signedcode_json_str(const struct json_t *o, const char *key, bool nullable, char *out,
			size_t size)
{
	const json_t *v = json_object_get(o, key);
	size_t n;

	if (nullable && json_is_null(v)) {
		out[0] = 0;
		return 0;
	}
	if (!json_is_string(v))
		return -EBADMSG;
	n = json_string_length(v);
	if (n == 0 || n >= size || memchr(json_string_value(v), 0, n))
		return -EBADMSG;
	memcpy(out, json_string_value(v), n + 1);
	return 0;
}

int signedcode_json_date(const struct json_t *o, const char *key, bool nullable, char out[11],
			 int64_t *ret_days)
{
	int64_t days = -1;

	if (signedcode_json_str(o, key, nullable, out, 11) < 0)
		return -EBADMSG;
	if (out[0] && signedcode_date(out, &days) < 0)
		return -EBADMSG;
	if (ret_days)
		*ret_days = days;
	return 0;
}

int signedcode_json_int(const struct json_t *o, const char *key, bool nullable, int64_t min,
			int64_t max, int64_t *ret)
{
	const json_t *v = json_object_get(o, key);

	if (nullable && json_is_null(v)) {
		*ret = 0;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return -EBADMSG;
	*ret = json_integer_value(v);
	return 0;
}

int signedcode_json_bytes(const struct json_t *o, const char *key, uint8_t *out, size_t n)
{
	const json_t *v = json_object_get(o, key);
	size_t got;

	if (!json_is_string(v) ||
	    b64url_decode_buf(json_string_value(v), json_string_length(v), out, n, &got) < 0 ||
	    got != n)
		return -EBADMSG;
	return 0;
}
