/* SPDX-License-Identifier: MIT */
/*
 * events.c - build the anonymized check event and its pseudonym `tok` (DESIGN.md "Events and
 * MQTT"; docs/events.md has the reasoning and the honest limits).
 *
 * The event keeps a 10-minute slot instead of the time, and instead of the person a token that
 * is an HMAC under the venue's key for the day. The token input is a canonical form of name,
 * birth date and issuer, chosen so that the same credential always gives the same bytes (the
 * city must recompute it from a confirmed case's certificate) without needing ICU: the folding
 * is the small part of NFKC that matters on Japanese and European cards.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "credential/sig.h"
#include "events/events.h"

#define VENUE_INFO_PREFIX "passgate/v1/venue/"

int events_venue_key(const uint8_t k_day[EVENTS_KEY_LEN], const char *venue,
		     uint8_t out[EVENTS_KEY_LEN])
{
	char info[sizeof(VENUE_INFO_PREFIX) + 64];
	int n;

	if (!venue || !*venue)
		return -EINVAL;
	n = snprintf(info, sizeof(info), "%s%s", VENUE_INFO_PREFIX, venue);
	if (n < 0 || (size_t)n >= sizeof(info))
		return -EINVAL;
	return sig_hkdf_sha256(k_day, EVENTS_KEY_LEN, NULL, 0, info, (size_t)n, out,
			       EVENTS_KEY_LEN);
}

int events_visit_code(const uint8_t venue_key[EVENTS_KEY_LEN], uint8_t out[EVENTS_VISIT_CODE_LEN])
{
	static const char label[] = "passgate/v1/visit-code";
	uint8_t mac[32];
	int r;

	r = sig_hmac_sha256(venue_key, EVENTS_KEY_LEN, label, sizeof(label) - 1, mac);
	if (r >= 0)
		memcpy(out, mac, EVENTS_VISIT_CODE_LEN);
	sodium_memzero(mac, sizeof(mac));
	return r < 0 ? r : 0;
}

static int put(char *out, size_t size, size_t *len, const void *bytes, size_t n)
{
	if (*len + n >= size)
		return -ENOSPC;
	memcpy(out + *len, bytes, n);
	*len += n;
	return 0;
}

int events_fold_name(const char *in, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t len = 0;
	bool space = false; /* a separator is pending: emitted before the next kept character */

	if (!size)
		return -ENOSPC;
	while (*p) {
		unsigned char c = p[0];
		char ascii;

		if (c == 0xE3 && p[1] == 0x80 && p[2] == 0x80) { /* U+3000 ideographic space */
			space = true;
			p += 3;
			continue;
		}
		if (c == 0xEF && (p[1] == 0xBC || p[1] == 0xBD) && p[2] >= 0x80 && p[2] <= 0xBF) {
			/* U+FF01..U+FF5E fullwidth ASCII: U+FF01 + k maps to 0x21 + k. */
			unsigned cp = 0xF000u | ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);

			if (cp >= 0xFF01 && cp <= 0xFF5E) {
				c = (unsigned char)(cp - 0xFF01 + 0x21);
				p += 2; /* the common step below consumes the third byte */
			}
		}
		if (c < 0x80) {
			if (c <= 0x20 || c == 0x7F || c == '<') {
				space = true;
				p++;
				continue;
			}
			ascii = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
			if (space && len > 0 && put(out, size, &len, " ", 1) < 0)
				return -ENOSPC;
			space = false;
			if (put(out, size, &len, &ascii, 1) < 0)
				return -ENOSPC;
			p++;
			continue;
		}
		/* Any other byte of UTF-8 (or a stray byte) is kept as it is: deterministic. */
		if (space && len > 0 && put(out, size, &len, " ", 1) < 0)
			return -ENOSPC;
		space = false;
		if (put(out, size, &len, p, 1) < 0)
			return -ENOSPC;
		p++;
	}
	out[len] = '\0';
	return (int)len;
}

static int put_field(uint8_t *out, size_t size, size_t *len, const char *s, size_t n)
{
	if (n > 0xFFFF || *len + 2 + n > size)
		return -ENOSPC;
	out[(*len)++] = (uint8_t)(n >> 8);
	out[(*len)++] = (uint8_t)(n & 0xFF);
	memcpy(out + *len, s, n);
	*len += n;
	return 0;
}

int events_canonical(const struct cred *c, uint8_t *out, size_t size)
{
	char family[CRED_NAME_MAX], given[CRED_NAME_MAX];
	bool std = c->family_std[0] != '\0';
	size_t len = 0;
	int nf, ng, r;

	nf = events_fold_name(std ? c->family_std : c->family, family, sizeof(family));
	ng = events_fold_name(std ? c->given_std : c->given, given, sizeof(given));
	if (nf < 0 || ng < 0) {
		r = -ENOSPC;
		goto wipe;
	}
	if (nf == 0 && ng == 0) {
		r = -ENODATA; /* no name: nothing a city could recompute */
		goto wipe;
	}
	r = put_field(out, size, &len, family, (size_t)nf);
	if (r >= 0)
		r = put_field(out, size, &len, given, (size_t)ng);
	if (r >= 0)
		r = put_field(out, size, &len, c->dob, strnlen(c->dob, sizeof(c->dob)));
	if (r >= 0)
		r = put_field(out, size, &len, c->issuer, strnlen(c->issuer, sizeof(c->issuer)));
	if (r >= 0)
		r = (int)len;
wipe:
	sodium_memzero(family, sizeof(family));
	sodium_memzero(given, sizeof(given));
	return r;
}

int events_token(const uint8_t venue_key[EVENTS_KEY_LEN], const struct cred *c,
		 char out[EVENTS_TOK_LEN])
{
	uint8_t canon[EVENTS_CANON_MAX];
	uint8_t mac[32];
	int n, r;

	n = events_canonical(c, canon, sizeof(canon));
	if (n < 0) {
		r = n;
		goto wipe;
	}
	r = sig_hmac_sha256(venue_key, EVENTS_KEY_LEN, canon, (size_t)n, mac);
	if (r < 0)
		goto wipe;
	sodium_bin2base64(out, EVENTS_TOK_LEN, mac, EVENTS_TOK_BYTES,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	r = 0;
wipe:
	sodium_memzero(canon, sizeof(canon));
	sodium_memzero(mac, sizeof(mac));
	return r;
}

static int set_str_or_null(json_t *o, const char *key, const char *v)
{
	return json_object_set_new(o, key, v ? json_string(v) : json_null());
}

int events_build(const struct events_check *ck, uint64_t seq, char **ret_json)
{
	char eid[128], tok[EVENTS_TOK_LEN];
	json_t *o, *reasons;
	bool have_tok = false;
	char *text;
	int r = -EINVAL;

	if (!ck->venue || !ck->kiosk || !ck->program || ck->now < 0 ||
	    ck->n_reasons > EVENTS_MAX_REASONS)
		return -EINVAL;
	if (snprintf(eid, sizeof(eid), "%s:%llu", ck->kiosk, (unsigned long long)seq) >=
	    (int)sizeof(eid))
		return -EINVAL;
	if (ck->cred && ck->venue_key && events_token(ck->venue_key, ck->cred, tok) == 0)
		have_tok = true;

	o = json_object();
	reasons = json_array();
	if (!o || !reasons) {
		json_decref(reasons);
		r = -ENOMEM;
		goto free_object;
	}
	for (size_t i = 0; i < ck->n_reasons; i++)
		if (!ck->reasons[i] || json_array_append_new(reasons, json_string(ck->reasons[i])))
			goto free_reasons;
	/* Key order is fixed (JSON_PRESERVE_ORDER) so that the bytes are stable for tests. */
	if (json_object_set_new(o, "v", json_integer(1)) ||
	    json_object_set_new(o, "eid", json_string(eid)) ||
	    json_object_set_new(o, "venue", json_string(ck->venue)) ||
	    json_object_set_new(o, "kiosk", json_string(ck->kiosk)) ||
	    json_object_set_new(o, "slot", json_integer(ck->now / EVENTS_SLOT_SECONDS)) ||
	    json_object_set_new(o, "program", json_string(ck->program)) ||
	    json_object_set_new(o, "decision", json_string(ck->admit ? "admit" : "deny")) ||
	    json_object_set(o, "reasons", reasons) || set_str_or_null(o, "kind", ck->kind) ||
	    set_str_or_null(o, "format", ck->format) ||
	    set_str_or_null(o, "tok", have_tok ? tok : NULL))
		goto free_reasons;
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text) {
		r = -ENOMEM;
		goto free_reasons;
	}
	*ret_json = text;
	r = (int)strlen(text);
free_reasons:
	json_decref(reasons);
free_object:
	json_decref(o);
	sodium_memzero(tok, sizeof(tok));
	return r;
}

bool events_topic_level_ok(const char *s)
{
	size_t n = s ? strnlen(s, 65) : 0;

	if (n == 0 || n > 64)
		return false;
	return strpbrk(s, "/+#") == NULL;
}

static int topic(const char *city, const char *venue, const char *kiosk, const char *leaf,
		 char *out, size_t size)
{
	int n;

	if (!events_topic_level_ok(city) || !events_topic_level_ok(venue) ||
	    !events_topic_level_ok(kiosk))
		return -EINVAL;
	n = snprintf(out, size, "passgate/v1/%s/venue/%s/kiosk/%s/%s", city, venue, kiosk, leaf);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	return n;
}

int events_topic_check(const char *city, const char *venue, const char *kiosk, char *out,
		       size_t size)
{
	return topic(city, venue, kiosk, "check", out, size);
}

int events_topic_status(const char *city, const char *venue, const char *kiosk, char *out,
			size_t size)
{
	return topic(city, venue, kiosk, "status", out, size);
}
