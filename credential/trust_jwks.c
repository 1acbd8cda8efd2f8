/* SPDX-License-Identifier: MIT */
/*
 * trust_jwks.c - SHC issuer key sets in the trust store (tables shc_issuer and shc_key, schema
 * in trust_internal.h): an imported JWKS, and the built-in default set.
 *
 * A key set is replaced as a whole on import (SMART Health Cards spec, "Issuer Generates
 * Results"), and every key is checked before the store is touched: a bad set changes nothing.
 */
#include <errno.h>
#include <stdlib.h>

#include <jansson.h>
#include <sqlite3.h>

#include "credential/jwk.h"
#include "credential/sig.h"
#include "credential/trust_default.h"
#include "credential/trust_internal.h"

struct parsed_key {
	char kid[CRED_KID_MAX];
	int64_t crl_version;
	uint8_t *spki;
	size_t spki_len;
};

static void free_keys(struct parsed_key *keys, size_t n)
{
	for (size_t i = 0; keys && i < n; i++)
		free(keys[i].spki);
	free(keys);
}

/* Every key of @arr (a non-empty JSON array of P-256 JWKs), checked and as SPKI. */
static int parse_keys(json_t *arr, struct parsed_key **ret, size_t *ret_n)
{
	struct parsed_key *keys;
	json_t *jwk;
	size_t n = 0, i;
	int r = 0;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return -EINVAL;
	keys = calloc(json_array_size(arr), sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	json_array_foreach(arr, i, jwk)
	{
		struct sig_key *k;

		r = jwk_parse_p256(jwk, false, keys[n].kid, &keys[n].crl_version, &k);
		if (r < 0)
			break;
		r = sig_key_to_spki(k, &keys[n].spki, &keys[n].spki_len);
		sig_key_free(k);
		if (r < 0)
			break;
		n++;
	}
	if (r < 0) {
		free_keys(keys, n);
		return r;
	}
	*ret = keys;
	*ret_n = n;
	return 0;
}

/* One statement with @iss (and, when given, @name and @source) bound, run to completion. */
static int run_issuer(struct trust *t, const char *sql, const char *iss, const char *name,
		      const char *source)
{
	sqlite3_stmt *st;
	int r;

	r = trust_prepare(t, sql, &st);
	if (r < 0)
		return r;
	sqlite3_bind_text(st, 1, iss, -1, SQLITE_STATIC);
	if (name)
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (source)
		sqlite3_bind_text(st, 3, source, -1, SQLITE_STATIC);
	r = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	sqlite3_finalize(st);
	return r;
}

static int insert_keys(struct trust *t, const char *iss, const struct parsed_key *keys, size_t n)
{
	sqlite3_stmt *st;
	int r;

	r = trust_prepare(
		t, "INSERT INTO shc_key(iss, kid, spki, crl_version) VALUES(?1, ?2, ?3, ?4)", &st);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, iss, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, keys[i].kid, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, keys[i].spki, (int)keys[i].spki_len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, keys[i].crl_version);
		r = sqlite3_step(st);
		/* A constraint here is the same kid twice in one set. */
		r = r == SQLITE_DONE ? 0 : (r & 0xff) == SQLITE_CONSTRAINT ? -EINVAL : -EIO;
	}
	sqlite3_finalize(st);
	return r;
}

static int import_jwks(struct trust *t, const char *iss, const char *source, const char *name,
		       const char *json, size_t len)
{
	struct parsed_key *keys = NULL;
	json_t *root = NULL;
	size_t n = 0;
	int r;

	if (!trust_shc_iss_valid(iss))
		return -EINVAL;
	r = trust_load_json(json, len, &root);
	if (r < 0)
		return r;
	r = parse_keys(json_object_get(root, "keys"), &keys, &n);
	json_decref(root);
	if (r < 0)
		return r;
	r = trust_begin(t);
	if (r < 0)
		goto free_keys;
	r = run_issuer(t,
		       "INSERT INTO shc_issuer(iss, name, source) VALUES(?1, ?2, ?3)"
		       " ON CONFLICT(iss) DO UPDATE SET source = ?3, name = coalesce(?2, name)",
		       iss, name, source);
	if (r >= 0)
		r = run_issuer(t, "DELETE FROM shc_key WHERE iss = ?1", iss, NULL, NULL);
	if (r >= 0)
		r = insert_keys(t, iss, keys, n);
	r = trust_end(t, r);
free_keys:
	free_keys(keys, n);
	return r;
}

int trust_import_jwks(struct trust *t, const char *iss, const char *json, size_t len)
{
	return import_jwks(t, iss, "import", NULL, json, len);
}

int trust_add_default(struct trust *t)
{
	return import_jwks(t, TRUST_DEFAULT_ISS, "default", TRUST_DEFAULT_NAME, trust_default_jwks,
			   trust_default_jwks_len);
}
