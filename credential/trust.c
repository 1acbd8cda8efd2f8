/* SPDX-License-Identifier: MIT */
/*
 * trust.c - the trust store's SQLite file: opening it, its schema, its transactions (the one
 * entry point every change goes through, so that no cached key outlives its row), the key
 * cache, removal, listing and the verifiers' lookups.
 *
 * The store is a small SQLite database so that imports are atomic (a transaction per import:
 * a bad key set changes nothing) and the daemon and the CLI can share it under [state] dir.
 * Each imported object has its own file: SHC key sets (trust_jwks.c), SHC revocation lists
 * (trust_crl.c), the VCI directory (trust_vci.c), DCC signer certificates (trust_cert.c) and
 * DCC revocations (trust_revoke.c). Schema: trust_internal.h. The database handle never
 * leaves this file: the others prepare their statements through trust_prepare().
 *
 * An SHC issuer is named by its exact https URL without a trailing slash (SMART Health Cards
 * spec, "Issuer Generates Results"): trust_shc_iss_valid().
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "credential/b64url.h"
#include "credential/cred.h"
#include "credential/json_bounds.h"
#include "credential/jwk.h"
#include "credential/sig.h"
#include "credential/trust_default.h"
#include "credential/trust_internal.h"

#define TRUST_SCHEMA_VERSION "2"

/* Operator files (key sets, revocation lists, the VCI directory) may be longer than a credential
 * but are still bounded before parsing. */
#define TRUST_MAX_DEPTH 16
#define TRUST_MAX_ARRAY 100000

/*
 * Keys parsed from the store, by (iss, kid): decoding an SPKI costs more than the ES256 check
 * itself, and a kiosk sees the same few issuer keys all day. Any import or removal empties it.
 */
#define KEY_CACHE_SIZE 16

struct key_cache {
	struct {
		char iss[CRED_ISSUER_MAX];
		char kid[CRED_KID_MAX];
		struct sig_key *key;
		struct sig_verifier *verifier; /* made on first use */
	} e[KEY_CACHE_SIZE];
	unsigned next;
	/* DCC signers by certificate (the DER, compared whole): building an OpenSSL key from the
	 * certificate's point costs a third of the signature check, for the same few signers. */
	struct {
		uint8_t *der;
		size_t len;
		struct sig_key *key;
		struct sig_verifier *verifier; /* ES256 keys only */
	} dcc[KEY_CACHE_SIZE];
	unsigned dcc_next;
};

struct trust {
	sqlite3 *db;
	struct key_cache *cache;
	/* Prepared once: the verification path runs them for every scan. */
	sqlite3_stmt *find_key;
	sqlite3_stmt *find_iss;
	sqlite3_stmt *find_crl;
	sqlite3_stmt *find_rid;
	sqlite3_stmt *find_dcc;
	sqlite3_stmt *find_revoked;
	unsigned txn_depth; /* begin() calls not yet ended: only the outermost one commits */
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS shc_issuer(iss TEXT PRIMARY KEY, name TEXT, source TEXT);"
	"CREATE TABLE IF NOT EXISTS shc_key(iss TEXT NOT NULL, kid TEXT NOT NULL, spki BLOB NOT "
	"NULL,"
	" crl_version INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(iss, kid));"
	"CREATE TABLE IF NOT EXISTS shc_crl(iss TEXT NOT NULL, kid TEXT NOT NULL,"
	" method TEXT NOT NULL, ctr INTEGER NOT NULL, PRIMARY KEY(iss, kid));"
	"CREATE TABLE IF NOT EXISTS shc_revoked(iss TEXT NOT NULL, kid TEXT NOT NULL,"
	" rid TEXT NOT NULL, before INTEGER NOT NULL, PRIMARY KEY(iss, kid, rid));"
	"CREATE TABLE IF NOT EXISTS dcc_cert(kid BLOB NOT NULL, der BLOB NOT NULL,"
	" not_before INTEGER NOT NULL, not_after INTEGER NOT NULL, usage INTEGER NOT NULL,"
	" country TEXT NOT NULL, PRIMARY KEY(kid, der));"
	"CREATE TABLE IF NOT EXISTS dcc_revoked(hash_type INTEGER NOT NULL, hash BLOB NOT NULL,"
	" kid BLOB NOT NULL, country TEXT NOT NULL, expires INTEGER NOT NULL,"
	" PRIMARY KEY(hash_type, hash, kid)) WITHOUT ROWID;";

static void dcc_entry_clear(struct key_cache *c, unsigned i)
{
	free(c->dcc[i].der);
	sig_key_free(c->dcc[i].key);
	sig_verifier_free(c->dcc[i].verifier);
	c->dcc[i].der = NULL;
	c->dcc[i].len = 0;
	c->dcc[i].key = NULL;
	c->dcc[i].verifier = NULL;
}

static void cache_clear(struct key_cache *c)
{
	for (unsigned i = 0; i < KEY_CACHE_SIZE; i++) {
		sig_key_free(c->e[i].key);
		sig_verifier_free(c->e[i].verifier);
		c->e[i].key = NULL;
		c->e[i].verifier = NULL;
		dcc_entry_clear(c, i);
	}
	c->next = 0;
	c->dcc_next = 0;
}

static void finalize_statements(struct trust *t)
{
	sqlite3_finalize(t->find_key);
	sqlite3_finalize(t->find_iss);
	sqlite3_finalize(t->find_crl);
	sqlite3_finalize(t->find_rid);
	sqlite3_finalize(t->find_dcc);
	sqlite3_finalize(t->find_revoked);
	t->find_key = t->find_iss = t->find_crl = t->find_rid = t->find_dcc = NULL;
	t->find_revoked = NULL;
}

static int prepare_statements(struct trust *t)
{
	if (sqlite3_prepare_v3(t->db, "SELECT spki FROM shc_key WHERE iss = ?1 AND kid = ?2", -1,
			       SQLITE_PREPARE_PERSISTENT, &t->find_key, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(t->db, "SELECT 1 FROM shc_key WHERE iss = ?1 LIMIT 1", -1,
			       SQLITE_PREPARE_PERSISTENT, &t->find_iss, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(t->db, "SELECT 1 FROM shc_crl WHERE iss = ?1 AND kid = ?2", -1,
			       SQLITE_PREPARE_PERSISTENT, &t->find_crl, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(
		    t->db,
		    "SELECT before FROM shc_revoked WHERE iss = ?1 AND kid = ?2 AND rid = ?3", -1,
		    SQLITE_PREPARE_PERSISTENT, &t->find_rid, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(t->db,
			       "SELECT der, not_before, not_after, usage, country FROM dcc_cert"
			       " WHERE kid = ?1",
			       -1, SQLITE_PREPARE_PERSISTENT, &t->find_dcc, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(t->db,
			       "SELECT 1 FROM dcc_revoked WHERE hash_type = ?1 AND hash = ?2"
			       " AND (kid = ?3 OR kid = x'') LIMIT 1",
			       -1, SQLITE_PREPARE_PERSISTENT, &t->find_revoked, NULL) != SQLITE_OK)
		return -EIO;
	return 0;
}

int trust_open(const char *path, struct trust **ret)
{
	struct trust *t;
	int r;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->cache = calloc(1, sizeof(*t->cache));
	if (!t->cache) {
		free(t);
		return -ENOMEM;
	}
	r = sqlite3_open_v2(path ? path : ":memory:", &t->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (r != SQLITE_OK)
		goto fail_db;
	/* The CLI and the daemon may open the same file; wait briefly rather than fail. */
	sqlite3_busy_timeout(t->db, 2000);
	if (sqlite3_exec(t->db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;", NULL, NULL,
			 NULL) != SQLITE_OK)
		goto fail_db;
	if (sqlite3_exec(t->db, schema, NULL, NULL, NULL) != SQLITE_OK)
		goto fail_db;
	if (sqlite3_exec(t->db, "PRAGMA user_version=" TRUST_SCHEMA_VERSION, NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto fail_db;
	if (prepare_statements(t) < 0)
		goto fail_db;
	*ret = t;
	return 0;

fail_db:
	r = sqlite3_errcode(t->db) == SQLITE_CANTOPEN ? -EACCES : -EIO;
	finalize_statements(t);
	sqlite3_close(t->db);
	free(t->cache);
	free(t);
	return r;
}

/* A new in-memory store holding a copy of the database @src (SQLite's online backup). */
static int copy_db(sqlite3 *src, struct trust **ret)
{
	struct trust *t = NULL;
	sqlite3_backup *b;
	int r;

	r = trust_open(NULL, &t);
	if (r < 0)
		return r;
	/* The statements refer to the schema of the destination; drop them around the copy. */
	finalize_statements(t);
	b = sqlite3_backup_init(t->db, "main", src, "main");
	if (!b) {
		r = -EIO;
		goto fail;
	}
	r = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (r != SQLITE_DONE) {
		r = r == SQLITE_NOTADB ? -EINVAL : -EIO;
		goto fail;
	}
	/* An empty or older file still gets today's schema. */
	if (sqlite3_exec(t->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    prepare_statements(t) < 0) {
		r = -EINVAL;
		goto fail;
	}
	*ret = t;
	return 0;

fail:
	trust_free(t);
	return r;
}

int trust_open_snapshot(const char *path, struct trust **ret)
{
	sqlite3 *src = NULL;
	int r;

	r = sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (r != SQLITE_OK) {
		r = sqlite3_errcode(src) == SQLITE_CANTOPEN ? -ENOENT : -EIO;
		sqlite3_close(src);
		return r;
	}
	sqlite3_busy_timeout(src, 2000);
	r = copy_db(src, ret);
	sqlite3_close(src);
	return r;
}

int trust_copy(const struct trust *t, struct trust **ret)
{
	return copy_db(t->db, ret);
}

void trust_replace(struct trust *t, struct trust *from)
{
	struct trust old = *t;

	*t = *from;
	*from = old;
	trust_free(from);
}

void trust_free(struct trust *t)
{
	if (!t)
		return;
	finalize_statements(t);
	cache_clear(t->cache);
	free(t->cache);
	sqlite3_close(t->db);
	free(t);
}

int trust_prepare(const struct trust *t, const char *sql, sqlite3_stmt **ret)
{
	return sqlite3_prepare_v2(t->db, sql, -1, ret, NULL) == SQLITE_OK ? 0 : -EIO;
}

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -EIO;
}

/* Every change of the store starts here, so that no cached key outlives its row. */
static int begin(struct trust *t)
{
	int r;

	cache_clear(t->cache);
	if (t->txn_depth > 0) {
		t->txn_depth++;
		return 0;
	}
	r = exec(t->db, "BEGIN IMMEDIATE");
	if (r >= 0)
		t->txn_depth = 1;
	return r;
}

/* Ends what begin() started: COMMIT when @r >= 0, ROLLBACK when @r < 0 or the COMMIT fails.
 * Nested pairs (an import made of imports) join the outermost transaction.
 * Returns @r, or the COMMIT's failure. */
static int end(struct trust *t, int r)
{
	/* An inner end() leaves the decision to the outermost one, which sees @r through its
	 * caller: a failure inside rolls the whole transaction back. */
	if (--t->txn_depth > 0)
		return r;
	if (r >= 0)
		r = exec(t->db, "COMMIT");
	if (r < 0)
		exec(t->db, "ROLLBACK");
	return r;
}

int trust_begin(struct trust *t)
{
	return begin(t);
}

int trust_end(struct trust *t, int r)
{
	return end(t, r);
}

void *trust_revoked_stmt(const struct trust *t)
{
	return t->find_revoked;
}

int trust_load_json(const char *json, size_t len, json_t **ret)
{
	json_error_t err;
	json_t *root;

	if (json_bounds_check(json, len, TRUST_MAX_DEPTH, TRUST_MAX_ARRAY) < 0)
		return -EINVAL;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return -EINVAL;
	*ret = root;
	return 0;
}

bool trust_shc_iss_valid(const char *iss)
{
	size_t n = strlen(iss);

	/* SHC spec: iss is an https URL with no trailing slash, compared byte for byte. */
	if (n <= strlen("https://") || n >= CRED_ISSUER_MAX || strncmp(iss, "https://", 8) != 0 ||
	    iss[n - 1] == '/' || iss[8] == '/')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)iss[i] <= ' ' || iss[i] == 0x7f)
			return false;
	return true;
}

/* Standard base64 (RFC 4648 §4) of the 8-byte DCC kid, as `trust list` prints it: 11
 * characters and one '='. */
static int kid_decode(const char *s, uint8_t out[8])
{
	size_t n;

	if (strlen(s) != 12 || s[11] != '=' || b64std_decode_buf(s, 12, out, 8, &n) < 0 || n != 8)
		return -EINVAL;
	return 0;
}

static int run_delete(sqlite3 *db, const char *sql, const void *key, int key_len, bool blob,
		      int *changes)
{
	sqlite3_stmt *st;
	int r = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	if (blob)
		sqlite3_bind_blob(st, 1, key, key_len, SQLITE_STATIC);
	else
		sqlite3_bind_text(st, 1, key, key_len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = -EIO;
	else
		*changes += sqlite3_changes(db);
	sqlite3_finalize(st);
	return r;
}

int trust_remove(struct trust *t, const char *id)
{
	static const char *const by_iss[] = {
		"DELETE FROM shc_revoked WHERE iss = ?1",
		"DELETE FROM shc_crl WHERE iss = ?1",
		"DELETE FROM shc_key WHERE iss = ?1",
		"DELETE FROM shc_issuer WHERE iss = ?1",
	};
	uint8_t kid[8];
	int changes = 0, r;

	r = begin(t);
	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(by_iss) / sizeof(by_iss[0]); i++) {
		r = run_delete(t->db, by_iss[i], id, -1, false, &changes);
		if (r < 0)
			goto end_transaction;
	}
	if (kid_decode(id, kid) == 0) {
		r = run_delete(t->db, "DELETE FROM dcc_cert WHERE kid = ?1", kid, 8, true,
			       &changes);
		if (r < 0)
			goto end_transaction;
	}
	r = 0;
end_transaction:
	r = end(t, r);
	return r < 0 ? r : changes > 0 ? 0 : -ENOENT;
}

static int list_line(json_t *o, int (*fn)(const char *json_line, void *userdata), void *userdata)
{
	char *line;
	int r;

	if (!o)
		return -ENOMEM;
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!line)
		return -ENOMEM;
	r = fn(line, userdata);
	free(line);
	return r;
}

int trust_list(const struct trust *t, int (*fn)(const char *json_line, void *userdata),
	       void *userdata)
{
	sqlite3_stmt *st;
	int r = 0, step;

	if (sqlite3_prepare_v2(t->db,
			       "SELECT k.iss, k.kid, i.name, i.source, c.ctr,"
			       " (SELECT count(*) FROM shc_revoked v WHERE v.iss = k.iss"
			       "  AND v.kid = k.kid)"
			       " FROM shc_key k LEFT JOIN shc_issuer i ON i.iss = k.iss"
			       " LEFT JOIN shc_crl c ON c.iss = k.iss AND c.kid = k.kid"
			       " ORDER BY k.iss, k.kid",
			       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	while (r >= 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "type", "shc", "iss",
				      (const char *)sqlite3_column_text(st, 0), "kid",
				      (const char *)sqlite3_column_text(st, 1));

		if (o) {
			const char *name = (const char *)sqlite3_column_text(st, 2);
			const char *source = (const char *)sqlite3_column_text(st, 3);

			json_object_set_new(o, "name", name ? json_string(name) : json_null());
			json_object_set_new(o, "source", json_string(source ? source : "import"));
			if (sqlite3_column_type(st, 4) == SQLITE_NULL) {
				json_object_set_new(o, "crl", json_null());
			} else {
				json_object_set_new(
					o, "crl",
					json_pack("{s:I, s:I}", "ctr",
						  (json_int_t)sqlite3_column_int64(st, 4),
						  "revoked",
						  (json_int_t)sqlite3_column_int64(st, 5)));
			}
		}
		r = list_line(o, fn, userdata);
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	if (sqlite3_prepare_v2(t->db,
			       "SELECT kid, not_before, not_after, usage, country FROM dcc_cert"
			       " ORDER BY kid",
			       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	while (r >= 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		char kid[13] = "";
		unsigned usage = (unsigned)sqlite3_column_int64(st, 3);
		json_t *o, *u;

		if (sqlite3_column_bytes(st, 0) == 8)
			b64std_encode_buf(sqlite3_column_blob(st, 0), 8, kid, sizeof(kid));
		u = json_array();
		if (usage & SIG_USAGE_TEST)
			json_array_append_new(u, json_string("test"));
		if (usage & SIG_USAGE_VACCINATION)
			json_array_append_new(u, json_string("vaccination"));
		if (usage & SIG_USAGE_RECOVERY)
			json_array_append_new(u, json_string("recovery"));
		o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "type", "dcc", "kid", kid,
			      "country", (const char *)sqlite3_column_text(st, 4), "not_before",
			      (json_int_t)sqlite3_column_int64(st, 1), "not_after",
			      (json_int_t)sqlite3_column_int64(st, 2), "usage", u);
		r = list_line(o, fn, userdata);
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	return trust_list_dcc_revocations(t, fn, userdata);
}

int trust_find_shc_key(const struct trust *t, const char *iss, const char *kid,
		       struct sig_key **ret)
{
	sqlite3_stmt *st = t->find_key;
	struct key_cache *c = t->cache;
	int r, step;

	for (unsigned i = 0; i < KEY_CACHE_SIZE; i++)
		if (c->e[i].key && strcmp(c->e[i].kid, kid) == 0 && strcmp(c->e[i].iss, iss) == 0)
			return sig_key_dup(c->e[i].key, ret);
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, iss, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kid, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		r = sig_key_from_spki(sqlite3_column_blob(st, 0),
				      (size_t)sqlite3_column_bytes(st, 0), ret);
		sqlite3_reset(st);
		if (r == 0 && strlen(iss) < CRED_ISSUER_MAX && strlen(kid) < CRED_KID_MAX) {
			unsigned i = c->next++ % KEY_CACHE_SIZE;

			sig_key_free(c->e[i].key);
			sig_verifier_free(c->e[i].verifier);
			c->e[i].key = NULL;
			c->e[i].verifier = NULL;
			if (sig_key_dup(*ret, &c->e[i].key) == 0) {
				memcpy(c->e[i].iss, iss, strlen(iss) + 1);
				memcpy(c->e[i].kid, kid, strlen(kid) + 1);
			}
		}
		return r;
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE)
		return -EIO;
	/* Not found: say whether the issuer is trusted at all (with another key). */
	st = t->find_iss;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, iss, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	sqlite3_reset(st);
	if (step == SQLITE_ROW)
		return -ENOKEY;
	return step == SQLITE_DONE ? -ENOENT : -EIO;
}

int trust_shc_verifier(const struct trust *t, const char *iss, const char *kid,
		       struct sig_verifier **ret)
{
	struct key_cache *c = t->cache;
	struct sig_key *k;
	int r;

	/* The lookup leaves the key in the cache (unless the names are too long for it). */
	r = trust_find_shc_key(t, iss, kid, &k);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < KEY_CACHE_SIZE; i++) {
		if (!c->e[i].key || strcmp(c->e[i].kid, kid) != 0 || strcmp(c->e[i].iss, iss) != 0)
			continue;
		if (!c->e[i].verifier) {
			r = sig_verifier_new(c->e[i].key, &c->e[i].verifier);
			if (r < 0)
				break;
		}
		sig_key_free(k);
		*ret = c->e[i].verifier;
		return 0;
	}
	sig_key_free(k);
	return r < 0 ? r : -ENOMEM;
}

int trust_shc_revoked(const struct trust *t, const char *iss, const char *kid, const char *rid,
		      int64_t issued_at, bool *ret)
{
	sqlite3_stmt *st = t->find_crl;
	int step;
	int64_t before;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, iss, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kid, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	sqlite3_reset(st);
	if (step == SQLITE_DONE) {
		*ret = false; /* no list held for this key */
		return 0;
	}
	if (step != SQLITE_ROW)
		return -EIO;
	st = t->find_rid;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, iss, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, rid, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		/* "rid.timestamp": revoked only when issued before that time (SHC "Revocation"). */
		before = sqlite3_column_int64(st, 0);
		*ret = before == 0 || issued_at < before;
	} else {
		*ret = false;
	}
	sqlite3_reset(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : -EIO;
}

int trust_for_each_dcc_signer(const struct trust *t, const uint8_t kid[8],
			      int (*fn)(const struct sig_cert_info *info, const uint8_t *der,
					size_t len, void *userdata),
			      void *userdata)
{
	sqlite3_stmt *st = t->find_dcc;
	int r = 0, step;

	sqlite3_reset(st);
	if (sqlite3_bind_blob(st, 1, kid, 8, SQLITE_STATIC) != SQLITE_OK)
		return -EIO;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct sig_cert_info info = { 0 };
		const uint8_t *der = sqlite3_column_blob(st, 0);
		const unsigned char *country = sqlite3_column_text(st, 4);
		int n = sqlite3_column_bytes(st, 0);

		if (!der || n <= 0)
			continue;
		info.not_before = sqlite3_column_int64(st, 1);
		info.not_after = sqlite3_column_int64(st, 2);
		info.usage = (unsigned)sqlite3_column_int64(st, 3);
		memcpy(info.kid, kid, sizeof(info.kid));
		if (country && strlen((const char *)country) < sizeof(info.country))
			memcpy(info.country, country, strlen((const char *)country) + 1);
		r = fn(&info, der, (size_t)n, userdata);
		if (r != 0)
			break;
	}
	if (r == 0 && step != SQLITE_DONE)
		r = -EIO;
	sqlite3_reset(st);
	return r;
}

int trust_dcc_signer(const struct trust *t, const uint8_t *der, size_t len,
		     struct sig_key **ret_key, struct sig_verifier **ret_verifier)
{
	struct key_cache *c = t->cache;
	struct sig_key *key;
	unsigned i;
	int r;

	for (i = 0; i < KEY_CACHE_SIZE; i++) {
		if (c->dcc[i].der && c->dcc[i].len == len && !memcmp(c->dcc[i].der, der, len)) {
			*ret_key = c->dcc[i].key;
			*ret_verifier = c->dcc[i].verifier;
			return 0;
		}
	}
	r = sig_cert_trusted_key(der, len, &key);
	if (r < 0)
		return r;
	i = c->dcc_next++ % KEY_CACHE_SIZE;
	dcc_entry_clear(c, i);
	c->dcc[i].der = malloc(len);
	if (!c->dcc[i].der) {
		sig_key_free(key);
		return -ENOMEM;
	}
	memcpy(c->dcc[i].der, der, len);
	c->dcc[i].len = len;
	c->dcc[i].key = key;
	/* A prepared ES256 verifier for P-256 signers; PS256 (RSA) signers use the key. */
	if (sig_key_type(key) == SIG_KEY_EC_P256 && sig_verifier_new(key, &c->dcc[i].verifier) < 0)
		c->dcc[i].verifier = NULL;
	*ret_key = key;
	*ret_verifier = c->dcc[i].verifier;
	return 0;
}
