/* SPDX-License-Identifier: MIT */
/*
 * trust_crl.c - SHC revocation lists in the trust store (tables shc_crl and shc_revoked,
 * schema in trust_internal.h).
 *
 * SMART Health Cards spec, "Revocation": a list is accepted only for a key the store holds,
 * with method "rid", a counter equal to that key's crlVersion and never going back, and
 * distinct base64url rids of at most 24 characters, optionally suffixed ".<unix time>".
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "credential/trust_internal.h"

#define CRL_RID_MAX 24

static bool rid_valid(const char *s, int64_t *ret_before, size_t *ret_rid_len)
{
	const char *dot = strchr(s, '.');
	size_t n = dot ? (size_t)(dot - s) : strlen(s);
	int64_t before = 0;

	if (n == 0 || n > CRL_RID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	if (dot) {
		const char *p = dot + 1;

		if (*p == 0 || strlen(p) > 12)
			return false;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return false;
			before = before * 10 + (*p - '0');
		}
		if (before == 0)
			return false;
	}
	*ret_before = before;
	*ret_rid_len = n;
	return true;
}

/* Every rid well-formed, and no rid listed twice (with or without a timestamp). */
static bool rids_valid(json_t *rids)
{
	json_t *v;
	size_t i;

	if (!json_is_array(rids))
		return false;
	json_array_foreach(rids, i, v)
	{
		const char *s = json_string_value(v);
		int64_t before;
		size_t n;

		if (!s || !rid_valid(s, &before, &n))
			return false;
		for (size_t j = 0; j < i; j++) {
			const char *o = json_string_value(json_array_get(rids, j));

			if (strncmp(o, s, n) == 0 && (o[n] == 0 || o[n] == '.'))
				return false;
		}
	}
	return true;
}

/* The key must be in the store, and the list must be the version its JWKS announces. */
static int check_counter(struct trust *t, const char *iss, const char *kid, int64_t ctr)
{
	sqlite3_stmt *st;
	int64_t version, stored = 0;
	int r;

	r = trust_prepare(t,
			  "SELECT k.crl_version, c.ctr FROM shc_key k LEFT JOIN shc_crl c"
			  " ON c.iss = k.iss AND c.kid = k.kid WHERE k.iss = ?1 AND k.kid = ?2",
			  &st);
	if (r < 0)
		return r;
	sqlite3_bind_text(st, 1, iss, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kid, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return -ENOENT;
	}
	version = sqlite3_column_int64(st, 0);
	if (sqlite3_column_type(st, 1) != SQLITE_NULL)
		stored = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	if (ctr != version)
		return -EINVAL;
	return ctr < stored ? -ESTALE : 0;
}

/* Run @sql with (@iss, @kid) and, when @text is given, (@text, @n bytes; @num) bound. */
static int run(sqlite3_stmt *st, const char *iss, const char *kid, const char *text, int n,
	       int64_t num)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, iss, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kid, -1, SQLITE_STATIC);
	if (text) {
		sqlite3_bind_text(st, 3, text, n, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, num);
	}
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
}

static int store_list(struct trust *t, const char *iss, const char *kid, const char *method,
		      int64_t ctr, json_t *rids)
{
	static const char *const sql[] = {
		"INSERT OR REPLACE INTO shc_crl(iss, kid, method, ctr) VALUES(?1, ?2, ?3, ?4)",
		"DELETE FROM shc_revoked WHERE iss = ?1 AND kid = ?2",
		"INSERT INTO shc_revoked(iss, kid, rid, before) VALUES(?1, ?2, ?3, ?4)",
	};
	sqlite3_stmt *st[3] = { NULL };
	json_t *v;
	size_t i;
	int r = 0;

	for (i = 0; r >= 0 && i < 3; i++)
		r = trust_prepare(t, sql[i], &st[i]);
	if (r >= 0)
		r = run(st[0], iss, kid, method, -1, ctr);
	if (r >= 0)
		r = run(st[1], iss, kid, NULL, 0, 0);
	json_array_foreach(rids, i, v)
	{
		int64_t before;
		size_t n;

		if (r < 0)
			break;
		rid_valid(json_string_value(v), &before, &n);
		r = run(st[2], iss, kid, json_string_value(v), (int)n, before);
	}
	for (i = 0; i < 3; i++)
		sqlite3_finalize(st[i]);
	return r;
}

int trust_import_crl(struct trust *t, const char *iss, const char *json, size_t len)
{
	json_t *root = NULL, *rids;
	const char *kid, *method;
	int64_t ctr;
	int r;

	if (!trust_shc_iss_valid(iss))
		return -EINVAL;
	r = trust_load_json(json, len, &root);
	if (r < 0)
		return r;
	r = -EINVAL;
	kid = json_string_value(json_object_get(root, "kid"));
	method = json_string_value(json_object_get(root, "method"));
	rids = json_object_get(root, "rids");
	if (!kid || !method || strcmp(method, "rid") != 0 ||
	    !json_is_integer(json_object_get(root, "ctr")) || !rids_valid(rids))
		goto out;
	ctr = json_integer_value(json_object_get(root, "ctr"));
	if (ctr < 1)
		goto out;
	r = check_counter(t, iss, kid, ctr);
	if (r < 0)
		goto out;
	r = trust_begin(t);
	if (r < 0)
		goto out;
	r = trust_end(t, store_list(t, iss, kid, method, ctr, rids));
out:
	json_decref(root);
	return r;
}
