/* SPDX-License-Identifier: MIT */
/*
 * trust_revoke.c - DCC revocation lists in the trust store (table dcc_revoked, schema in
 * trust_internal.h): importing the EU gateway's revocation batches and the verifier's lookup.
 *
 * The format is the DCC gateway's revocation batch (eu-digital-green-certificates/dgc-gateway,
 * RevocationBatchDto): {"country": "XX", "expires": ISO 8601, "kid": base64 of the signer's
 * 8-byte kid or "UNKNOWN_KID", "hashType": "UCI" | "SIGNATURE" | "COUNTRYCODEUCI",
 * "entries": [{"hash": base64 of 16 bytes}, ...] (1..1000)}. A file holds one batch or a JSON
 * array of batches. Each entry is the first 16 bytes of a SHA-256 (dcc.c computes the three
 * kinds for a scanned DCC). A batch with a kid revokes only DCCs signed under that kid; one
 * with UNKNOWN_KID any DCC whose hash matches. "UVCI" and "COUNTRYCODEUVCI" are accepted as
 * other spellings of the hash types. Everything is checked before the store is touched, then
 * written in one transaction: a bad batch changes nothing.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "credential/b64url.h"
#include "credential/isotime.h"
#include "credential/json_bounds.h"
#include "credential/trust_internal.h"

#define REVOKE_MAX_DEPTH   8
#define REVOKE_MAX_BATCH   1000 /* entries per batch (the gateway's own limit) */
#define REVOKE_MAX_BATCHES 1000
#define UNKNOWN_KID	   "UNKNOWN_KID"

struct batch {
	json_t *obj; /* borrowed from the parsed document */
	enum trust_dcc_hash type;
	uint8_t kid[8];
	size_t kid_len; /* 0: any signer */
	const char *country;
	int64_t expires;
};

static const struct {
	const char *name;
	enum trust_dcc_hash type;
} hash_names[] = {
	{ "UCI", TRUST_DCC_HASH_UCI },
	{ "UVCI", TRUST_DCC_HASH_UCI },
	{ "SIGNATURE", TRUST_DCC_HASH_SIGNATURE },
	{ "COUNTRYCODEUCI", TRUST_DCC_HASH_COUNTRYCODEUCI },
	{ "COUNTRYCODEUVCI", TRUST_DCC_HASH_COUNTRYCODEUCI },
};

static const char *hash_type_name(enum trust_dcc_hash type)
{
	switch (type) {
	case TRUST_DCC_HASH_UCI:
		return "UCI";
	case TRUST_DCC_HASH_SIGNATURE:
		return "SIGNATURE";
	case TRUST_DCC_HASH_COUNTRYCODEUCI:
		return "COUNTRYCODEUCI";
	}
	return "unknown";
}

static bool country_valid(const char *s)
{
	return s && strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

/* "expires" is a Java ZonedDateTime: ISO 8601 with an offset, perhaps followed by "[Zone]". */
static int parse_expires(const char *s, int64_t *ret)
{
	char buf[64];
	const char *br;
	size_t n;

	if (!s)
		return -EINVAL;
	br = strchr(s, '[');
	n = br ? (size_t)(br - s) : strlen(s);
	if (n == 0 || n >= sizeof(buf) || (br && s[strlen(s) - 1] != ']'))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return isotime_parse(buf, ret) < 0 ? -EINVAL : 0;
}

static int entry_hash(json_t *e, uint8_t out[TRUST_DCC_HASH_LEN])
{
	const char *h = json_string_value(json_object_get(e, "hash"));
	size_t n;

	/* Exactly 16 bytes in padded standard base64 (the gateway's pattern [A-Za-z0-9+/]{22}==).
	 */
	if (!json_is_object(e) || !h || strlen(h) != 24 ||
	    b64std_decode_buf(h, 24, out, TRUST_DCC_HASH_LEN, &n) < 0 || n != TRUST_DCC_HASH_LEN)
		return -EINVAL;
	return 0;
}

static int parse_batch(json_t *obj, struct batch *b, size_t *total)
{
	const char *type = json_string_value(json_object_get(obj, "hashType"));
	const char *kid = json_string_value(json_object_get(obj, "kid"));
	json_t *entries = json_object_get(obj, "entries"), *e;
	uint8_t hash[TRUST_DCC_HASH_LEN];
	size_t i, n;

	if (!json_is_object(obj) || !type || !kid || !json_is_array(entries))
		return -EINVAL;
	b->obj = obj;
	b->type = 0;
	for (i = 0; i < sizeof(hash_names) / sizeof(hash_names[0]); i++)
		if (!strcmp(type, hash_names[i].name))
			b->type = hash_names[i].type;
	b->country = json_string_value(json_object_get(obj, "country"));
	if (!b->type || !country_valid(b->country) ||
	    parse_expires(json_string_value(json_object_get(obj, "expires")), &b->expires) < 0)
		return -EINVAL;
	b->kid_len = 0;
	if (strcmp(kid, UNKNOWN_KID) != 0) {
		n = strlen(kid);
		if ((n != 11 && n != 12) || b64std_decode_buf(kid, n, b->kid, 8, &b->kid_len) < 0 ||
		    b->kid_len != 8)
			return -EINVAL;
	}
	n = json_array_size(entries);
	if (n == 0 || n > REVOKE_MAX_BATCH || n > TRUST_DCC_REVOKED_MAX - *total)
		return -EINVAL;
	json_array_foreach(entries, i, e)
	{
		if (entry_hash(e, hash) < 0)
			return -EINVAL;
	}
	*total += n;
	return 0;
}

static int insert_batch(sqlite3_stmt *st, const struct batch *b)
{
	uint8_t hash[TRUST_DCC_HASH_LEN];
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(b->obj, "entries"), i, e)
	{
		(void)entry_hash(e, hash); /* checked by parse_batch() */
		sqlite3_reset(st);
		if (sqlite3_bind_int(st, 1, (int)b->type) != SQLITE_OK ||
		    sqlite3_bind_blob(st, 2, hash, TRUST_DCC_HASH_LEN, SQLITE_TRANSIENT) !=
			    SQLITE_OK ||
		    sqlite3_bind_blob(st, 3, b->kid, (int)b->kid_len, SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_bind_text(st, 4, b->country, -1, SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_bind_int64(st, 5, b->expires) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_DONE)
			return -EIO;
	}
	return 0;
}

static int store_batches(struct trust *t, const struct batch *b, size_t n)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = trust_begin(t);
	if (r < 0)
		return r;
	/* The same entry again keeps the later expiry. */
	if (sqlite3_prepare_v2(trust_db(t),
			       "INSERT INTO dcc_revoked(hash_type, hash, kid, country, expires)"
			       " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(hash_type, hash, kid)"
			       " DO UPDATE SET expires = max(expires, excluded.expires)",
			       -1, &st, NULL) != SQLITE_OK)
		r = -EIO;
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = insert_batch(st, &b[i]);
	sqlite3_finalize(st);
	return trust_end(t, r);
}

int trust_import_dcc_revocation(struct trust *t, const char *json, size_t len, size_t *ret_entries)
{
	struct batch *batches = NULL;
	json_t *root, *arr, *v;
	size_t n, i, total = 0;
	int r;

	if (json_bounds_check(json, len, REVOKE_MAX_DEPTH, REVOKE_MAX_BATCH) < 0)
		return -EINVAL;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	if (!root)
		return -EINVAL;
	/* One batch, or an array of them. */
	arr = json_is_array(root) ? root : NULL;
	n = arr ? json_array_size(arr) : 1;
	r = -EINVAL;
	if ((!arr && !json_is_object(root)) || n == 0 || n > REVOKE_MAX_BATCHES)
		goto out;
	batches = calloc(n, sizeof(*batches));
	if (!batches) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		v = arr ? json_array_get(arr, i) : root;
		r = parse_batch(v, &batches[i], &total);
		if (r < 0)
			goto out;
	}
	r = store_batches(t, batches, n);
	if (r >= 0 && ret_entries)
		*ret_entries = total;
out:
	free(batches);
	json_decref(root);
	return r < 0 ? r : 0;
}

int trust_dcc_revoked(const struct trust *t, enum trust_dcc_hash type,
		      const uint8_t hash[TRUST_DCC_HASH_LEN], const uint8_t kid[8], bool *ret)
{
	sqlite3_stmt *st = trust_revoked_stmt(t);
	int step;

	sqlite3_reset(st);
	if (sqlite3_bind_int(st, 1, (int)type) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 2, hash, TRUST_DCC_HASH_LEN, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 3, kid, 8, SQLITE_STATIC) != SQLITE_OK)
		return -EIO;
	step = sqlite3_step(st);
	sqlite3_reset(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return -EIO;
	*ret = step == SQLITE_ROW;
	return 0;
}

int trust_list_dcc_revocations(const struct trust *t,
			       int (*fn)(const char *json_line, void *userdata), void *userdata)
{
	sqlite3_stmt *st;
	int r = 0;

	if (sqlite3_prepare_v2(trust_db(t),
			       "SELECT country, kid, hash_type, count(*), max(expires)"
			       " FROM dcc_revoked GROUP BY country, kid, hash_type"
			       " ORDER BY country, kid, hash_type",
			       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	while (r >= 0 && sqlite3_step(st) == SQLITE_ROW) {
		char kid[13] = UNKNOWN_KID, expires[ISOTIME_MAX];
		json_t *o;
		char *line;

		if (sqlite3_column_bytes(st, 1) == 8)
			b64std_encode_buf(sqlite3_column_blob(st, 1), 8, kid, sizeof(kid));
		isotime_format(sqlite3_column_int64(st, 4), expires);
		o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "type", "dcc-revocation", "country",
			      (const char *)sqlite3_column_text(st, 0), "kid", kid, "hash_type",
			      hash_type_name((enum trust_dcc_hash)sqlite3_column_int(st, 2)),
			      "entries", (json_int_t)sqlite3_column_int64(st, 3), "expires",
			      expires);
		line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(o);
		r = line ? fn(line, userdata) : -ENOMEM;
		free(line);
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}
