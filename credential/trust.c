/* SPDX-License-Identifier: MIT */
/*
 * trust.c - the trust store's SQLite file: opening it, its schema, and SHC issuer key sets.
 *
 * The store is a small SQLite database so that imports are atomic (a transaction per import:
 * a bad key set changes nothing) and the daemon and the CLI can share it under [state] dir.
 * DCC signer certificates are in trust_cert.c. Schema: trust_internal.h.
 */
#include <errno.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "credential/trust_internal.h"

#define TRUST_SCHEMA_VERSION "1"

struct trust {
	sqlite3 *db;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS shc_issuer(iss TEXT PRIMARY KEY, name TEXT, source TEXT);"
	"CREATE TABLE IF NOT EXISTS shc_key(iss TEXT NOT NULL, kid TEXT NOT NULL, spki BLOB NOT NULL,"
	" PRIMARY KEY(iss, kid));"
	"CREATE TABLE IF NOT EXISTS shc_crl(iss TEXT NOT NULL, kid TEXT NOT NULL,"
	" method TEXT NOT NULL, ctr INTEGER NOT NULL, PRIMARY KEY(iss, kid));"
	"CREATE TABLE IF NOT EXISTS shc_revoked(iss TEXT NOT NULL, kid TEXT NOT NULL,"
	" rid TEXT NOT NULL, before INTEGER NOT NULL, PRIMARY KEY(iss, kid, rid));"
	"CREATE TABLE IF NOT EXISTS dcc_cert(kid BLOB NOT NULL, der BLOB NOT NULL,"
	" not_before INTEGER NOT NULL, not_after INTEGER NOT NULL, usage INTEGER NOT NULL,"
	" country TEXT NOT NULL, PRIMARY KEY(kid, der));";

int trust_open(const char *path, struct trust **ret)
{
	struct trust *t;
	int r;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
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
	if (sqlite3_exec(t->db, "PRAGMA user_version=" TRUST_SCHEMA_VERSION, NULL, NULL, NULL) != SQLITE_OK)
		goto fail_db;
	*ret = t;
	return 0;

fail_db:
	r = sqlite3_errcode(t->db) == SQLITE_CANTOPEN ? -EACCES : -EIO;
	sqlite3_close(t->db);
	free(t);
	return r;
}

void trust_free(struct trust *t)
{
	if (!t)
		return;
	sqlite3_close(t->db);
	free(t);
}

void *trust_db(const struct trust *t)
{
	return t->db;
}
