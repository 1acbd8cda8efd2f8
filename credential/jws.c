/* SPDX-License-Identifier: MIT */
/*
 * jws.c - compact JWS serialization (RFC 7515 §3.1, §7.1): split, decode, and for minting, join.
 *
 * The signature covers the ASCII text "header.payload" exactly as transmitted (RFC 7515 §5.2),
 * so the signing input is a slice of the input text, never a re-encoding.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "credential/b64url.h"
#include "credential/json_bounds.h"
#include "credential/jws.h"

#define JWS_HEADER_MAX 1024 /* an SHC header is {"zip":"DEF","alg":"ES256","kid":"<43>"} */

int jws_parse(const char *text, size_t len, struct jws *ret)
{
	const char *dot1, *dot2;
	uint8_t hdr[JWS_HEADER_MAX + 1];
	size_t hdr_len, plen, slen;
	struct jws j = { 0 };
	json_error_t err;
	int r;

	dot1 = memchr(text, '.', len);
	if (!dot1)
		return -EBADMSG;
	dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - text));
	if (!dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - text)))
		return -EBADMSG;
	plen = (size_t)(dot2 - dot1 - 1);
	slen = len - (size_t)(dot2 + 1 - text);

	r = b64url_decode_buf(text, (size_t)(dot1 - text), hdr, JWS_HEADER_MAX, &hdr_len);
	if (r == -ENOBUFS)
		return -EPROTO;
	if (r < 0)
		return -EBADMSG;
	r = b64url_decode_buf(dot2 + 1, slen, j.sig, sizeof(j.sig), &j.sig_len);
	if (r == -ENOBUFS)
		j.sig_len = slen * 3 / 4; /* too long for ES256: remembered as such */
	else if (r < 0)
		return -EBADMSG;
	r = b64url_decode(dot1 + 1, plen, &j.payload, &j.payload_len);
	if (r < 0)
		return r == -ENOMEM ? r : -EBADMSG;

	if (json_bounds_check_cred((const char *)hdr, hdr_len) < 0) {
		r = -EPROTO;
		goto fail;
	}
	j.header = json_loadb((const char *)hdr, hdr_len, JSON_REJECT_DUPLICATES, &err);
	if (!j.header || !json_is_object(j.header)) {
		r = -EPROTO;
		goto fail;
	}
	j.signing_input = text;
	j.signing_input_len = (size_t)(dot2 - text);
	*ret = j;
	return 0;

fail:
	json_decref(j.header);
	free(j.payload);
	return r;
}

void jws_done(struct jws *j)
{
	json_decref(j->header);
	free(j->payload);
	memset(j, 0, sizeof(*j));
}

int jws_compact(const char *header, const uint8_t *payload, size_t payload_len,
		int (*sign_fn)(const uint8_t *msg, size_t len, uint8_t sig[64], const void *ud),
		const void *userdata, char **ret_text)
{
	char *h = NULL, *p = NULL, *s = NULL, *out = NULL;
	uint8_t sig[64];
	size_t hl, pl, sl;
	int r;

	r = b64url_encode((const uint8_t *)header, strlen(header), &h);
	if (r < 0)
		return r;
	r = b64url_encode(payload, payload_len, &p);
	if (r < 0)
		goto out;
	hl = strlen(h);
	pl = strlen(p);
	out = malloc(hl + pl + 2 + b64url_encoded_len(64) + 1);
	if (!out) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(out, h, hl);
	out[hl] = '.';
	memcpy(out + hl + 1, p, pl);
	r = sign_fn((const uint8_t *)out, hl + 1 + pl, sig, userdata);
	if (r < 0)
		goto out;
	r = b64url_encode(sig, sizeof(sig), &s);
	if (r < 0)
		goto out;
	sl = strlen(s);
	out[hl + 1 + pl] = '.';
	memcpy(out + hl + 2 + pl, s, sl + 1);
	*ret_text = out;
	out = NULL;
out:
	free(out);
	free(h);
	free(p);
	free(s);
	return r;
}
