/* SPDX-License-Identifier: MIT */
/*
 * store_sqlite.c - the city store in one SQLite file (WAL, synchronous=FULL): the default
 * backend, and the only file of city/ that includes <sqlite3.h>.
 *
 * Events carry their local day, and the indexes lead with it, so that trace, the aggregates
 * and retention ("DELETE ... WHERE day < ?") touch only the days they need. Several daemons
 * may share the file (busy_timeout); eids are unique by the primary key, so each event is
 * stored once whoever receives it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "city/store_internal.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS events(id INTEGER PRIMARY KEY, eid TEXT NOT NULL UNIQUE,"
	" day TEXT NOT NULL, venue TEXT NOT NULL, kiosk TEXT NOT NULL, slot INTEGER NOT NULL,"
	" admit INTEGER NOT NULL, reasons TEXT NOT NULL, kind TEXT, tok TEXT, body TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS events_day_tok ON events(day, tok);"
	"CREATE INDEX IF NOT EXISTS events_day_venue_slot ON events(day, venue, slot);"
	"CREATE TABLE IF NOT EXISTS kday(day TEXT PRIMARY KEY, k BLOB NOT NULL);"
	"CREATE TABLE IF NOT EXISTS shredded(day TEXT PRIMARY KEY);"
	"CREATE TABLE IF NOT EXISTS kiosks(kiosk TEXT PRIMARY KEY, venue TEXT NOT NULL, ward TEXT,"
	" pubkey TEXT NOT NULL, receipt_key TEXT, added INTEGER NOT NULL, state TEXT,"
	" last_seen INTEGER, backlog INTEGER, daykey INTEGER, faults TEXT);"
	"CREATE TABLE IF NOT EXISTS eidseq(kiosk TEXT PRIMARY KEY, max_seq INTEGER NOT NULL,"
	" seen INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS issued(topic TEXT PRIMARY KEY, issued INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS notices(day TEXT NOT NULL, h TEXT NOT NULL,"
	" slot_from INTEGER NOT NULL, slot_to INTEGER NOT NULL,"
	" PRIMARY KEY(day, h, slot_from, slot_to));"
	"CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);";

enum q {
	Q_EVENT,
	Q_EIDSEQ,
	Q_EVENTS,
	Q_KDAY_GET,
	Q_KDAY_PUT,
	Q_SHRED_MARK,
	Q_SHRED_EVENTS,
	Q_SHRED_KDAY,
	Q_SHRED_NOTICES,
	Q_SHREDDED,
	Q_KIOSK_ADD,
	Q_KIOSK_DEL,
	Q_KIOSKS,
	Q_KIOSK_STATUS,
	Q_ISSUED,
	Q_VENUES,
	Q_VISITS,
	Q_COPRESENT,
	Q_COUNTS,
	Q_NOTICE_ADD,
	Q_NOTICES,
	Q_COUNTER_ADD,
	Q_COUNTERS,
	Q_COUNT_,
};

static const char *const sql[Q_COUNT_] = {
	[Q_EVENT] = "INSERT INTO events(eid, day, venue, kiosk, slot, admit, reasons, kind, tok,"
		    " body) VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(eid) DO NOTHING",
	[Q_EIDSEQ] = "INSERT INTO eidseq VALUES(?, ?, 1) ON CONFLICT(kiosk) DO UPDATE SET"
		     " max_seq = max(max_seq, excluded.max_seq), seen = seen + 1",
	[Q_EVENTS] = "SELECT body FROM events ORDER BY id DESC LIMIT ?",
	[Q_KDAY_GET] = "SELECT k FROM kday WHERE day = ?",
	[Q_KDAY_PUT] = "INSERT INTO kday VALUES(?, ?) ON CONFLICT(day) DO NOTHING",
	[Q_SHRED_MARK] = "INSERT OR IGNORE INTO shredded SELECT day FROM kday WHERE day < ?",
	[Q_SHRED_EVENTS] = "DELETE FROM events WHERE day < ?",
	[Q_SHRED_KDAY] = "DELETE FROM kday WHERE day < ?",
	[Q_SHRED_NOTICES] = "DELETE FROM notices WHERE day < ?",
	[Q_SHREDDED] = "SELECT 1 FROM shredded WHERE day = ?",
	[Q_KIOSK_ADD] = "INSERT INTO kiosks(kiosk, venue, ward, pubkey, receipt_key, added)"
			" VALUES(?,?,?,?,?,?)",
	[Q_KIOSK_DEL] = "DELETE FROM kiosks WHERE kiosk = ?",
	[Q_KIOSKS] = "SELECT k.kiosk, venue, ward, pubkey, receipt_key, added, state, last_seen,"
		     " backlog, daykey, faults, max_seq, seen FROM kiosks k"
		     " LEFT JOIN eidseq e ON e.kiosk = k.kiosk ORDER BY venue, k.kiosk",
	[Q_KIOSK_STATUS] = "UPDATE kiosks SET state = ?, last_seen = ?, backlog = ?, daykey = ?,"
			   " faults = ? WHERE kiosk = ?",
	[Q_ISSUED] = "INSERT INTO issued VALUES(?1, ?2) ON CONFLICT(topic) DO UPDATE SET"
		     " issued = max(?2, issued + 1) RETURNING issued",
	[Q_VENUES] = "SELECT DISTINCT venue FROM events WHERE day = ?",
	[Q_VISITS] = "SELECT slot, admit FROM events WHERE day = ? AND tok = ? AND venue = ?"
		     " ORDER BY slot",
	[Q_COPRESENT] = "SELECT count(DISTINCT tok) FROM events WHERE day = ? AND venue = ?"
			" AND slot BETWEEN ? AND ? AND admit = 1 AND tok IS NOT NULL AND tok <> ?",
	[Q_COUNTS] = "SELECT e.slot, e.admit, e.reasons, e.kind, k.ward, count(*) FROM events e"
		     " LEFT JOIN kiosks k ON k.kiosk = e.kiosk WHERE e.day = ?"
		     " GROUP BY e.slot, e.admit, e.reasons, e.kind, k.ward",
	[Q_NOTICE_ADD] = "INSERT OR IGNORE INTO notices VALUES(?,?,?,?)",
	[Q_NOTICES] = "SELECT h, slot_from, slot_to FROM notices WHERE day = ? ORDER BY h",
	[Q_COUNTER_ADD] = "INSERT INTO counters VALUES(?1, ?2) ON CONFLICT(name) DO UPDATE SET"
			  " value = value + ?2",
	[Q_COUNTERS] = "SELECT name, value FROM counters ORDER BY name",
};

struct sq {
	sqlite3 *db;
	sqlite3_stmt *st[Q_COUNT_];
	char err[256];
};

static int fail(struct sq *b, int rc)
{
	snprintf(b->err, sizeof(b->err), "%s", sqlite3_errmsg(b->db));
	if (rc == SQLITE_FULL)
		return -ENOSPC;
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return -EBUSY;
	if (rc == SQLITE_CONSTRAINT)
		return -EEXIST;
	return rc == SQLITE_NOMEM ? -ENOMEM : -EIO;
}

/* The cached statement @q, reset and ready for binding. */
static sqlite3_stmt *stmt(struct sq *b, enum q q)
{
	if (!b->st[q] && sqlite3_prepare_v3(b->db, sql[q], -1, SQLITE_PREPARE_PERSISTENT,
					    &b->st[q], NULL) != SQLITE_OK)
		return NULL;
	sqlite3_reset(b->st[q]);
	sqlite3_clear_bindings(b->st[q]);
	return b->st[q];
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Step a statement that returns no rows. */
static int run(struct sq *b, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : fail(b, rc);
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : NULL;
}

static void sq_free(void *p)
{
	struct sq *b = p;

	if (!b)
		return;
	for (int i = 0; i < Q_COUNT_; i++)
		sqlite3_finalize(b->st[i]);
	sqlite3_close(b->db);
	free(b);
}

static const char *sq_error(const void *p)
{
	return ((const struct sq *)p)->err;
}

static int sq_exec(void *p, const char *text)
{
	struct sq *b = p;
	int rc;

	if (!strcmp(text, "BEGIN"))
		text = "BEGIN IMMEDIATE";
	rc = sqlite3_exec(b->db, text, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : fail(b, rc);
}

static int sq_event_add(void *p, const struct store_event *ev)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_EVENT);
	int r;

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, ev->eid);
	bind_text(st, 2, ev->day);
	bind_text(st, 3, ev->venue);
	bind_text(st, 4, ev->kiosk);
	sqlite3_bind_int64(st, 5, ev->slot);
	sqlite3_bind_int(st, 6, ev->admit);
	bind_text(st, 7, ev->reasons);
	bind_text(st, 8, ev->kind);
	bind_text(st, 9, ev->tok);
	bind_text(st, 10, ev->body);
	r = run(b, st);
	if (r < 0 || sqlite3_changes(b->db) == 0)
		return r;
	st = stmt(b, Q_EIDSEQ);
	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, ev->kiosk);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)ev->seq);
	r = run(b, st);
	return r < 0 ? r : 1;
}

/* Step @st, calling @row for each row; @row's negative return stops with it. */
static int each(struct sq *b, sqlite3_stmt *st, int (*row)(sqlite3_stmt *, void *), void *ud)
{
	int rc, r = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = row(st, ud);
		if (r < 0)
			break;
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	return rc == SQLITE_DONE ? 0 : fail(b, rc);
}

struct cb {
	void *fn, *ud;
};

static int events_row(sqlite3_stmt *st, void *ud)
{
	struct cb *c = ud;

	return ((int (*)(const char *, void *))c->fn)(col(st, 0), c->ud);
}

static int sq_events_foreach(void *p, unsigned limit, int (*fn)(const char *, void *), void *ud)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_EVENTS);
	struct cb c = { (void *)fn, ud };

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	sqlite3_bind_int64(st, 1, limit);
	return each(b, st, events_row, &c);
}

static int sq_kday_get(void *p, const char *day, uint8_t k[STORE_KEY_LEN])
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_KDAY_GET);
	int rc, r = -ENOENT;

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, day);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == STORE_KEY_LEN) {
		memcpy(k, sqlite3_column_blob(st, 0), STORE_KEY_LEN);
		r = 0;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		r = fail(b, rc);
	}
	sqlite3_reset(st);
	return r;
}

static int sq_kday_insert(void *p, const char *day, const uint8_t k[STORE_KEY_LEN])
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_KDAY_PUT);

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, day);
	sqlite3_bind_blob(st, 2, k, STORE_KEY_LEN, SQLITE_STATIC);
	return run(b, st);
}

static int sq_shred_before(void *p, const char *day, unsigned *ret_days)
{
	static const enum q steps[] = { Q_SHRED_MARK, Q_SHRED_EVENTS, Q_SHRED_NOTICES,
					Q_SHRED_KDAY };
	struct sq *b = p;
	int r = sq_exec(b, "BEGIN");

	for (size_t i = 0; r >= 0 && i < sizeof(steps) / sizeof(steps[0]); i++) {
		sqlite3_stmt *st = stmt(b, steps[i]);

		if (!st) {
			r = fail(b, sqlite3_errcode(b->db));
			break;
		}
		bind_text(st, 1, day);
		r = run(b, st);
		if (r >= 0 && steps[i] == Q_SHRED_KDAY && ret_days)
			*ret_days = (unsigned)sqlite3_changes(b->db);
	}
	if (r < 0) {
		sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
		return r;
	}
	return sq_exec(b, "COMMIT");
}

static int sq_day_shredded(void *p, const char *day)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_SHREDDED);
	int rc;

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, day);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(b, rc);
	return rc == SQLITE_ROW;
}

static const char *or_null(const char *s)
{
	return s && s[0] ? s : NULL;
}

static int sq_kiosk_add(void *p, const struct store_kiosk *k)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_KIOSK_ADD);

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, k->kiosk);
	bind_text(st, 2, k->venue);
	bind_text(st, 3, or_null(k->ward));
	bind_text(st, 4, k->pubkey);
	bind_text(st, 5, or_null(k->receipt_key));
	sqlite3_bind_int64(st, 6, k->added);
	return run(b, st);
}

static int sq_kiosk_remove(void *p, const char *kiosk)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_KIOSK_DEL);
	int r;

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, kiosk);
	r = run(b, st);
	return r < 0 ? r : sqlite3_changes(b->db) ? 0 : -ENOENT;
}

static void copy_col(char *dst, size_t size, sqlite3_stmt *st, int i)
{
	snprintf(dst, size, "%s", col(st, i) ? col(st, i) : "");
}

static int kiosk_row(sqlite3_stmt *st, void *ud)
{
	struct cb *c = ud;
	struct store_kiosk k = { 0 };

	copy_col(k.kiosk, sizeof(k.kiosk), st, 0);
	copy_col(k.venue, sizeof(k.venue), st, 1);
	copy_col(k.ward, sizeof(k.ward), st, 2);
	copy_col(k.pubkey, sizeof(k.pubkey), st, 3);
	copy_col(k.receipt_key, sizeof(k.receipt_key), st, 4);
	k.added = sqlite3_column_int64(st, 5);
	copy_col(k.state, sizeof(k.state), st, 6);
	k.last_seen = sqlite3_column_int64(st, 7);
	k.backlog = sqlite3_column_type(st, 8) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 8);
	k.daykey = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 9);
	copy_col(k.faults, sizeof(k.faults), st, 10);
	k.max_seq = (uint64_t)sqlite3_column_int64(st, 11);
	k.seen = (uint64_t)sqlite3_column_int64(st, 12);
	return ((int (*)(const struct store_kiosk *, void *))c->fn)(&k, c->ud);
}

static int sq_kiosk_foreach(void *p, int (*fn)(const struct store_kiosk *, void *), void *ud)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_KIOSKS);
	struct cb c = { (void *)fn, ud };

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	return each(b, st, kiosk_row, &c);
}

static int sq_kiosk_status(void *p, const char *kiosk, const char *state, int64_t seen,
			   int64_t backlog, int daykey, const char *faults)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_KIOSK_STATUS);

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, state);
	sqlite3_bind_int64(st, 2, seen);
	if (backlog >= 0)
		sqlite3_bind_int64(st, 3, backlog);
	if (daykey >= 0)
		sqlite3_bind_int(st, 4, daykey);
	bind_text(st, 5, faults);
	bind_text(st, 6, kiosk);
	return run(b, st);
}

static int sq_issued_next(void *p, const char *topic, int64_t now, int64_t *ret)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_ISSUED);
	int rc;

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, topic);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : fail(b, rc);
}

static int venue_row(sqlite3_stmt *st, void *ud)
{
	struct cb *c = ud;

	return ((int (*)(const char *, void *))c->fn)(col(st, 0), c->ud);
}

static int sq_day_venues(void *p, const char *day, int (*fn)(const char *, void *), void *ud)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_VENUES);
	struct cb c = { (void *)fn, ud };

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, day);
	return each(b, st, venue_row, &c);
}

static int visit_row(sqlite3_stmt *st, void *ud)
{
	struct cb *c = ud;

	return ((int (*)(int64_t, bool, void *))c->fn)(sqlite3_column_int64(st, 0),
							sqlite3_column_int(st, 1) != 0, c->ud);
}

static int sq_visits(void *p, const char *day, const char *venue, const char *tok,
		     int (*fn)(int64_t, bool, void *), void *ud)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_VISITS);
	struct cb c = { (void *)fn, ud };

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, day);
	bind_text(st, 2, tok);
	bind_text(st, 3, venue);
	return each(b, st, visit_row, &c);
}

static int sq_copresent(void *p, const char *day, const char *venue, const char *tok,
			int64_t from, int64_t to, uint64_t *ret)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_COPRESENT);
	int rc;

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, day);
	bind_text(st, 2, venue);
	sqlite3_bind_int64(st, 3, from);
	sqlite3_bind_int64(st, 4, to);
	bind_text(st, 5, tok);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : fail(b, rc);
}

static int count_row(sqlite3_stmt *st, void *ud)
{
	struct cb *c = ud;
	struct store_count n = {
		.slot = sqlite3_column_int64(st, 0),
		.admit = sqlite3_column_int(st, 1) != 0,
		.reasons = col(st, 2),
		.kind = col(st, 3),
		.ward = col(st, 4),
		.n = (uint64_t)sqlite3_column_int64(st, 5),
	};

	return ((int (*)(const struct store_count *, void *))c->fn)(&n, c->ud);
}

static int sq_day_counts(void *p, const char *day, int (*fn)(const struct store_count *, void *),
			 void *ud)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_COUNTS);
	struct cb c = { (void *)fn, ud };

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, day);
	return each(b, st, count_row, &c);
}

static int sq_notice_add(void *p, const char *day, const char *h, int64_t from, int64_t to)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_NOTICE_ADD);

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, day);
	bind_text(st, 2, h);
	sqlite3_bind_int64(st, 3, from);
	sqlite3_bind_int64(st, 4, to);
	return run(b, st);
}

static int notice_row(sqlite3_stmt *st, void *ud)
{
	struct cb *c = ud;

	return ((int (*)(const char *, int64_t, int64_t, void *))c->fn)(
		col(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2), c->ud);
}

static int sq_notices(void *p, const char *day, int (*fn)(const char *, int64_t, int64_t, void *),
		      void *ud)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_NOTICES);
	struct cb c = { (void *)fn, ud };

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, day);
	return each(b, st, notice_row, &c);
}

static int sq_counter_add(void *p, const char *name, int64_t delta)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_COUNTER_ADD);

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, delta);
	return run(b, st);
}

static int counter_row(sqlite3_stmt *st, void *ud)
{
	struct cb *c = ud;

	return ((int (*)(const char *, int64_t, void *))c->fn)(col(st, 0),
								sqlite3_column_int64(st, 1), c->ud);
}

static int sq_counters(void *p, int (*fn)(const char *, int64_t, void *), void *ud)
{
	struct sq *b = p;
	sqlite3_stmt *st = stmt(b, Q_COUNTERS);
	struct cb c = { (void *)fn, ud };

	if (!st)
		return fail(b, sqlite3_errcode(b->db));
	return each(b, st, counter_row, &c);
}

static const struct store_ops ops = {
	.free = sq_free,
	.error = sq_error,
	.exec = sq_exec,
	.event_add = sq_event_add,
	.events_foreach = sq_events_foreach,
	.kday_get = sq_kday_get,
	.kday_insert = sq_kday_insert,
	.shred_before = sq_shred_before,
	.day_shredded = sq_day_shredded,
	.kiosk_add = sq_kiosk_add,
	.kiosk_remove = sq_kiosk_remove,
	.kiosk_foreach = sq_kiosk_foreach,
	.kiosk_status = sq_kiosk_status,
	.issued_next = sq_issued_next,
	.day_venues = sq_day_venues,
	.visits = sq_visits,
	.copresent = sq_copresent,
	.day_counts = sq_day_counts,
	.notice_add = sq_notice_add,
	.notices = sq_notices,
	.counter_add = sq_counter_add,
	.counters = sq_counters,
};

int store_sqlite_open(const char *path, const struct store_ops **ret_ops, void **ret_b)
{
	struct sq *b = calloc(1, sizeof(*b));
	int rc;

	if (!b)
		return -ENOMEM;
	rc = sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(b->db, 10000);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(b->db,
				  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
				  " PRAGMA foreign_keys=ON;",
				  NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(b->db, schema, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int r = b->db ? fail(b, rc) : -ENOMEM;

		sq_free(b);
		return r;
	}
	*ret_ops = &ops;
	*ret_b = b;
	return 0;
}
