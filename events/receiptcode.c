/* SPDX-License-Identifier: MIT */
/*
 * receiptcode.c - build, parse and check receipt codes (receiptcode.h, docs/codes.md): the body
 * JSON, the visit code, the holder binding and the short code. The envelope and signature are
 * signedcode.c's; the canonical holder is events_canonical()'s.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "credential/b64url.h"
#include "credential/sig.h"
#include "events/events.h"
#include "events/receiptcode.h"
#include "events/signedcode.h"

#define VISIT_CODE_INFO "passgate/v1/visit-code"
#define SLOTS_PER_DAY	144
#define CROCKFORD	"0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#define VC_CHARS	26 /* ceil(128 / 5) */

int receiptcode_visit_code(const uint8_t venue_key[32], uint8_t vc[RECEIPTCODE_VC_LEN])
{
	uint8_t mac[32];
	int r;

	r = sig_hmac_sha256(venue_key, 32, VISIT_CODE_INFO, strlen(VISIT_CODE_INFO), mac);
	if (r >= 0)
		memcpy(vc, mac, RECEIPTCODE_VC_LEN);
	sodium_memzero(mac, sizeof(mac));
	return r < 0 ? r : 0;
}

/* SHA-256(salt ‖ family ‖ given ‖ dob)[0..8], the fields as events_canonical() writes them. */
static int holder_hash(const uint8_t salt[RECEIPTCODE_SALT_LEN], const struct cred *c,
		       uint8_t out[RECEIPTCODE_HB_LEN])
{
	uint8_t canon[EVENTS_CANON_MAX], digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	size_t at = 0;
	int n, r = 0;

	n = events_canonical(c, canon, sizeof(canon));
	if (n < 0) {
		r = n;
		goto wipe;
	}
	/* Three length-prefixed fields; the fourth, the issuer, is left out. */
	for (int field = 0; field < 3; field++) {
		if (at + 2 > (size_t)n ||
		    at + 2 + ((size_t)canon[at] << 8 | canon[at + 1]) > (size_t)n) {
			r = -EINVAL;
			goto wipe;
		}
		at += 2 + ((size_t)canon[at] << 8 | canon[at + 1]);
	}
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, salt, RECEIPTCODE_SALT_LEN);
	crypto_hash_sha256_update(&st, canon, at);
	crypto_hash_sha256_final(&st, digest);
	memcpy(out, digest, RECEIPTCODE_HB_LEN);
wipe:
	sodium_memzero(canon, sizeof(canon));
	sodium_memzero(digest, sizeof(digest));
	sodium_memzero(&st, sizeof(st));
	return r;
}

int receiptcode_bind(struct receiptcode *rc, const struct cred *c)
{
	uint8_t salt[RECEIPTCODE_SALT_LEN], hb[RECEIPTCODE_HB_LEN];
	int r;

	randombytes_buf(salt, sizeof(salt));
	r = holder_hash(salt, c, hb);
	if (r < 0)
		return r;
	memcpy(rc->salt, salt, sizeof(salt));
	memcpy(rc->hb, hb, sizeof(hb));
	return 0;
}

void receiptcode_unbound(struct receiptcode *rc)
{
	randombytes_buf(rc->salt, sizeof(rc->salt));
	randombytes_buf(rc->hb, sizeof(rc->hb));
}

bool receiptcode_holder_matches(const struct receiptcode *rc, const struct cred *c)
{
	uint8_t hb[RECEIPTCODE_HB_LEN];
	bool same;

	if (holder_hash(rc->salt, c, hb) < 0)
		return false;
	same = sodium_memcmp(hb, rc->hb, sizeof(hb)) == 0;
	sodium_memzero(hb, sizeof(hb));
	return same;
}

static json_t *b64_json(const uint8_t *b, size_t n)
{
	char *s = NULL;
	json_t *v;

	if (b64url_encode(b, n, &s) < 0)
		return NULL;
	v = json_string(s);
	free(s);
	return v;
}

static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

static bool fields_ok(const struct receiptcode *rc)
{
	int64_t d;

	return rc->venue[0] && rc->kiosk[0] && rc->program[0] &&
	       signedcode_date(rc->date, &d) >= 0 && rc->slot >= 0 &&
	       (!rc->trip_start[0] || signedcode_date(rc->trip_start, &d) >= 0) &&
	       rc->night <= RECEIPTCODE_NIGHT_MAX && !rc->trip_start[0] == !rc->night;
}

int receiptcode_body(const struct receiptcode *rc, char **ret)
{
	json_t *o;
	char *s;

	if (!fields_ok(rc))
		return -EINVAL;
	o = json_pack("{s:i,s:s,s:s,s:s,s:I,s:s,s:o,s:s,s:o,s:o,s:o,s:{s:o,s:o}}", "v", 1, "venue",
		      rc->venue, "kiosk", rc->kiosk, "date", rc->date, "slot", (json_int_t)rc->slot,
		      "decision", "admit", "kind", str_or_null(rc->kind), "program", rc->program,
		      "trip_start", str_or_null(rc->trip_start), "night",
		      rc->night ? json_integer(rc->night) : json_null(), "vc",
		      b64_json(rc->vc, sizeof(rc->vc)), "hb", "s",
		      b64_json(rc->salt, sizeof(rc->salt)), "h", b64_json(rc->hb, sizeof(rc->hb)));
	if (!o)
		return -ENOMEM;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return (int)strlen(s);
}

int receiptcode_parse_body(const uint8_t *body, size_t len, struct receiptcode *ret)
{
	static const char *const allowed[] = { "v",	     "venue",	 "kiosk", "date",
					       "slot",	     "decision", "kind",  "program",
					       "trip_start", "night",	 "vc",	  "hb",
					       NULL };
	struct receiptcode rc;
	json_t *o = NULL, *hb;
	int64_t night, days;
	int r = -EBADMSG;

	memset(&rc, 0, sizeof(rc));
	if (signedcode_json_load(body, len, allowed, &o) < 0)
		return -EBADMSG;
	hb = json_object_get(o, "hb");
	if (signedcode_json_str(o, "venue", false, rc.venue, sizeof(rc.venue)) < 0 ||
	    signedcode_json_str(o, "kiosk", false, rc.kiosk, sizeof(rc.kiosk)) < 0 ||
	    signedcode_json_str(o, "program", false, rc.program, sizeof(rc.program)) < 0 ||
	    signedcode_json_str(o, "kind", true, rc.kind, sizeof(rc.kind)) < 0 ||
	    signedcode_json_date(o, "date", false, rc.date, &days) < 0 ||
	    signedcode_json_date(o, "trip_start", true, rc.trip_start, NULL) < 0 ||
	    signedcode_json_int(o, "slot", false, 0, INT64_C(1) << 40, &rc.slot) < 0 ||
	    signedcode_json_int(o, "night", true, 1, RECEIPTCODE_NIGHT_MAX, &night) < 0 ||
	    !json_is_string(json_object_get(o, "decision")) ||
	    strcmp(json_string_value(json_object_get(o, "decision")), "admit") != 0 ||
	    signedcode_json_bytes(o, "vc", rc.vc, sizeof(rc.vc)) < 0 || !json_is_object(hb) ||
	    json_object_size(hb) != 2 || !json_object_get(hb, "s") || !json_object_get(hb, "h") ||
	    signedcode_json_bytes(hb, "s", rc.salt, sizeof(rc.salt)) < 0 ||
	    signedcode_json_bytes(hb, "h", rc.hb, sizeof(rc.hb)) < 0)
		goto out;
	rc.night = (unsigned)night;
	if (!fields_ok(&rc))
		goto out;
	*ret = rc;
	r = 0;
out:
	json_decref(o);
	return r;
}

int receiptcode_parse(const char *text, size_t len, struct receiptcode *ret)
{
	uint8_t body[SIGNEDCODE_BODY_MAX + 1], sig[SIGNEDCODE_SIG_LEN];
	size_t body_len;
	int r;

	r = signedcode_split(RECEIPTCODE_PREFIX, text, len, body, &body_len, sig);
	if (r < 0)
		return r;
	return receiptcode_parse_body(body, body_len, ret);
}

int receiptcode_read(const char *text, size_t len, receiptcode_key_fn pk_of, void *ud,
		     struct receiptcode *ret)
{
	uint8_t body[SIGNEDCODE_BODY_MAX + 1], sig[SIGNEDCODE_SIG_LEN];
	struct receiptcode rc;
	const uint8_t *pk;
	size_t body_len;
	int r;

	r = signedcode_split(RECEIPTCODE_PREFIX, text, len, body, &body_len, sig);
	if (r >= 0)
		r = receiptcode_parse_body(body, body_len, &rc);
	if (r < 0)
		return r;
	pk = pk_of(rc.venue, rc.kiosk, ud);
	if (!pk)
		return -ENOKEY;
	r = signedcode_verify(RECEIPTCODE_DOMAIN, body, body_len, sig, pk);
	if (r < 0)
		return r;
	*ret = rc;
	return 0;
}

/* 128 bits, most significant first, as 26 Crockford digits (the last one padded with zeros). */
static void crockford(const uint8_t vc[RECEIPTCODE_VC_LEN], char out[VC_CHARS])
{
	for (unsigned i = 0; i < VC_CHARS; i++) {
		unsigned bit = i * 5, v = 0;

		for (unsigned b = 0; b < 5; b++, bit++) {
			unsigned set = bit < 128 ? (vc[bit / 8] >> (7 - bit % 8)) & 1u : 0u;

			v = v << 1 | set;
		}
		out[i] = CROCKFORD[v];
	}
}

int receiptcode_short(const struct receiptcode *rc, unsigned local_slot,
		      char out[RECEIPTCODE_SHORT_LEN])
{
	char digits[VC_CHARS];
	size_t at;
	int64_t d;

	if (local_slot >= SLOTS_PER_DAY || signedcode_date(rc->date, &d) < 0)
		return -EINVAL;
	crockford(rc->vc, digits);
	memcpy(out, rc->date, 4);
	memcpy(out + 4, rc->date + 5, 2);
	memcpy(out + 6, rc->date + 8, 2);
	out[8] = '-';
	out[9] = (char)('0' + local_slot / 100);
	out[10] = (char)('0' + local_slot / 10 % 10);
	out[11] = (char)('0' + local_slot % 10);
	at = 12;
	for (unsigned i = 0; i < VC_CHARS; i++) {
		if (i % 4 == 0)
			out[at++] = '-';
		out[at++] = digits[i];
	}
	out[at] = 0;
	return 0;
}

/* A typed character's value: digits and Crockford letters, I/L as 1, O as 0; -1 otherwise. */
static int crockford_value(char ch)
{
	const char *p;

	if (ch >= 'a' && ch <= 'z')
		ch = (char)(ch - 'a' + 'A');
	if (ch == 'I' || ch == 'L')
		ch = '1';
	else if (ch == 'O')
		ch = '0';
	p = ch ? strchr(CROCKFORD, ch) : NULL;
	return p ? (int)(p - CROCKFORD) : -1;
}

int receiptcode_short_parse(const char *text, char ret_date[11], unsigned *ret_local_slot,
			    uint8_t ret_vc[RECEIPTCODE_VC_LEN])
{
	char compact[8 + 3 + VC_CHARS + 1], date[11];
	uint8_t vc[RECEIPTCODE_VC_LEN] = { 0 };
	size_t n = 0;
	unsigned slot;
	int64_t d;

	for (const char *p = text; *p; p++) {
		if (*p == '-' || *p == ' ')
			continue;
		if (n + 1 >= sizeof(compact))
			return -EBADMSG;
		compact[n++] = *p;
	}
	compact[n] = 0;
	if (n != sizeof(compact) - 1 || strspn(compact, "0123456789") < 11)
		return -EBADMSG;
	memcpy(date, compact, 4);
	date[4] = '-';
	memcpy(date + 5, compact + 4, 2);
	date[7] = '-';
	memcpy(date + 8, compact + 6, 2);
	date[10] = 0;
	slot = (unsigned)((compact[8] - '0') * 100 + (compact[9] - '0') * 10 + compact[10] - '0');
	if (signedcode_date(date, &d) < 0 || slot >= SLOTS_PER_DAY)
		return -EBADMSG;
	for (unsigned i = 0; i < VC_CHARS; i++) {
		int v = crockford_value(compact[11 + i]);

		if (v < 0)
			return -EBADMSG;
		for (unsigned b = 0; b < 5; b++) {
			unsigned bit = i * 5 + b;

			if (!((unsigned)v >> (4 - b) & 1u))
				continue;
			if (bit >= 128)
				return -EBADMSG; /* padding bits must be zero */
			vc[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
		}
	}
	memcpy(ret_date, date, sizeof(date));
	*ret_local_slot = slot;
	memcpy(ret_vc, vc, sizeof(vc));
	return 0;
}
