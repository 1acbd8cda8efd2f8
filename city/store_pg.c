/* SPDX-License-Identifier: MIT */
/*
 * store_pg.c - the city store on PostgreSQL through libpq (store.h), for a city or a region
 * that outgrows one SQLite file or runs several daemons on several machines; the only file
 * that includes <libpq-fe.h>.
 *
 * The same tables as store_sqlite.c, with the events indexed by local day first, so that
 * retention is "DELETE ... WHERE day < $1" on an index range. Every statement is sent with
 * PQexecParams and text parameters (no SQL is built from data). The schema is created under
 * an advisory lock so that daemons starting together do not race.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "city/store_internal.h"

static const char schema[] =
	"SELECT pg_advisory_lock(7316001);"
	"CREATE TABLE IF NOT EXISTS events(id BIGSERIAL PRIMARY KEY, eid TEXT NOT NULL UNIQUE,"
	" day TEXT NOT NULL, venue TEXT NOT NULL, kiosk TEXT NOT NULL, slot BIGINT NOT NULL,"
	" admit BOOLEAN NOT NULL, reasons TEXT NOT NULL, kind TEXT, tok TEXT, body TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS events_day_tok ON events(day, tok);"
	"CREATE INDEX IF NOT EXISTS events_day_venue_slot ON events(day, venue, slot);"
	"CREATE TABLE IF NOT EXISTS kday(day TEXT PRIMARY KEY, k BYTEA NOT NULL);"
	"CREATE TABLE IF NOT EXISTS shredded(day TEXT PRIMARY KEY);"
	"CREATE TABLE IF NOT EXISTS kiosks(kiosk TEXT PRIMARY KEY, venue TEXT NOT NULL, ward TEXT,"
	" pubkey TEXT NOT NULL, receipt_key TEXT, added BIGINT NOT NULL, state TEXT,"
	" last_seen BIGINT, backlog BIGINT, daykey BOOLEAN, faults TEXT);"
	"CREATE TABLE IF NOT EXISTS eidseq(kiosk TEXT PRIMARY KEY, max_seq BIGINT NOT NULL,"
	" seen BIGINT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS issued(topic TEXT PRIMARY KEY, issued BIGINT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS notices(day TEXT NOT NULL, h TEXT NOT NULL,"
	" slot_from BIGINT NOT NULL, slot_to BIGINT NOT NULL,"
	" PRIMARY KEY(day, h, slot_from, slot_to));"
	"CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value BIGINT NOT NULL);"
	"SELECT pg_advisory_unlock(7316001);";

struct pg {
	PGconn *conn;
	char err[256];
};

/* Run @sql with @n text parameters; NULL (and b->err set) on failure. */
static PGresult *q(struct pg *b, const char *sql, int n, const char *const *params)
{
	PGresult *res = PQexecParams(b->conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	snprintf(b->err, sizeof(b->err), "%s", PQerrorMessage(b->conn));
	b->err[strcspn(b->err, "\n")] = '\0';
	PQclear(res);
	return NULL;
}

static int fail(struct pg *b)
{
	return strstr(b->err, "duplicate key") ? -EEXIST : -EIO;
}

/* A statement without rows; *ret_changed (may be NULL) gets the rows it touched. */
static int run(struct pg *b, const char *sql, int n, const char *const *params,
	       long *ret_changed)
{
	PGresult *res = q(b, sql, n, params);

	if (!res)
		return fail(b);
	if (ret_changed)
		*ret_changed = strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

#define I64(buf, v) (snprintf(buf, sizeof(buf), "%" PRId64, (int64_t)(v)), buf)

static void pg_free(void *p)
{
	struct pg *b = p;

	if (!b)
		return;
	PQfinish(b->conn);
	free(b);
}

static const char *pg_error(const void *p)
{
	return ((const struct pg *)p)->err;
}

static int pg_exec(void *p, const char *sql)
{
	return run(p, sql, 0, NULL, NULL);
}

static int pg_event_add(void *p, const struct store_event *ev)
{
	char slot[24], seq[24];
	const char *a[] = { ev->eid,	 ev->day,  ev->venue, ev->kiosk, I64(slot, ev->slot),
			    ev->admit ? "t" : "f", ev->reasons, ev->kind, ev->tok, ev->body };
	const char *s[] = { ev->kiosk, I64(seq, ev->seq) };
	long changed = 0;
	int r;

	r = run(p,
		"INSERT INTO events(eid, day, venue, kiosk, slot, admit, reasons, kind, tok, body)"
		" VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT(eid) DO NOTHING",
		10, a, &changed);
	if (r < 0 || changed == 0)
		return r;
	r = run(p,
		"INSERT INTO eidseq VALUES($1, $2, 1) ON CONFLICT(kiosk) DO UPDATE SET"
		" max_seq = GREATEST(eidseq.max_seq, excluded.max_seq), seen = eidseq.seen + 1",
		2, s, NULL);
	return r < 0 ? r : 1;
}

/* Call @row for each row of @sql; @row's negative return stops with it. */
static int each(struct pg *b, const char *sql, int n, const char *const *params,
		int (*row)(PGresult *, int, void *), void *ud)
{
	PGresult *res = q(b, sql, n, params);
	int r = 0;

	if (!res)
		return fail(b);
	for (int i = 0; i < PQntuples(res) && r >= 0; i++)
		r = row(res, i, ud);
	PQclear(res);
	return r;
}

struct cb {
	void *fn, *ud;
};

static const char *val(PGresult *res, int i, int j)
{
	return PQgetisnull(res, i, j) ? NULL : PQgetvalue(res, i, j);
}

static int64_t num(PGresult *res, int i, int j)
{
	return PQgetisnull(res, i, j) ? 0 : strtoll(PQgetvalue(res, i, j), NULL, 10);
}

static int text_row(PGresult *res, int i, void *ud)
{
	struct cb *c = ud;

	return ((int (*)(const char *, void *))c->fn)(val(res, i, 0), c->ud);
}

static int pg_events_foreach(void *p, unsigned limit, int (*fn)(const char *, void *), void *ud)
{
	char lim[24];
	const char *a[] = { I64(lim, limit) };
	struct cb c = { (void *)fn, ud };

	return each(p, "SELECT body FROM events ORDER BY id DESC LIMIT $1", 1, a, text_row, &c);
}

static int hexval(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

static int pg_kday_get(void *p, const char *day, uint8_t k[STORE_KEY_LEN])
{
	struct pg *b = p;
	const char *a[] = { day };
	PGresult *res = q(b, "SELECT encode(k, 'hex') FROM kday WHERE day = $1", 1, a);
	const char *h;
	int r = -ENOENT;

	if (!res)
		return fail(b);
	h = PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : NULL;
	if (h && strlen(h) == 2 * STORE_KEY_LEN) {
		for (int i = 0; i < STORE_KEY_LEN; i++)
			k[i] = (uint8_t)(hexval(h[2 * i]) << 4 | hexval(h[2 * i + 1]));
		r = 0;
	}
	PQclear(res);
	return r;
}

static int pg_kday_insert(void *p, const char *day, const uint8_t k[STORE_KEY_LEN])
{
	char hex[2 * STORE_KEY_LEN + 1];
	const char *a[] = { day, hex };
	int r;

	for (int i = 0; i < STORE_KEY_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", k[i]);
	r = run(p, "INSERT INTO kday VALUES($1, decode($2, 'hex')) ON CONFLICT(day) DO NOTHING", 2,
		a, NULL);
	explicit_bzero(hex, sizeof(hex));
	return r;
}

static int pg_shred_before(void *p, const char *day, unsigned *ret_days)
{
	static const char *const steps[] = {
		"INSERT INTO shredded SELECT day FROM kday WHERE day < $1 ON CONFLICT DO NOTHING",
		"DELETE FROM events WHERE day < $1",
		"DELETE FROM notices WHERE day < $1",
		"DELETE FROM kday WHERE day < $1",
	};
	const char *a[] = { day };
	long changed = 0;
	int r = pg_exec(p, "BEGIN");

	for (size_t i = 0; r >= 0 && i < sizeof(steps) / sizeof(steps[0]); i++)
		r = run(p, steps[i], 1, a, &changed);
	if (r < 0) {
		pg_exec(p, "ROLLBACK");
		return r;
	}
	if (ret_days)
		*ret_days = (unsigned)changed;
	return pg_exec(p, "COMMIT");
}

static int pg_day_shredded(void *p, const char *day)
{
	struct pg *b = p;
	const char *a[] = { day };
	PGresult *res = q(b, "SELECT 1 FROM shredded WHERE day = $1", 1, a);
	int r;

	if (!res)
		return fail(b);
	r = PQntuples(res) > 0;
	PQclear(res);
	return r;
}

static const char *or_null(const char *s)
{
	return s && s[0] ? s : NULL;
}

static int pg_kiosk_add(void *p, const struct store_kiosk *k)
{
	char added[24];
	const char *a[] = { k->kiosk,		   k->venue,	      or_null(k->ward),
			    k->pubkey, or_null(k->receipt_key), I64(added, k->added) };

	return run(p,
		   "INSERT INTO kiosks(kiosk, venue, ward, pubkey, receipt_key, added)"
		   " VALUES($1,$2,$3,$4,$5,$6)",
		   6, a, NULL);
}

static int pg_kiosk_remove(void *p, const char *kiosk)
{
	const char *a[] = { kiosk };
	long changed = 0;
	int r = run(p, "DELETE FROM kiosks WHERE kiosk = $1", 1, a, &changed);

	return r < 0 ? r : changed ? 0 : -ENOENT;
}

static void copy_val(char *dst, size_t size, PGresult *res, int i, int j)
{
	snprintf(dst, size, "%s", val(res, i, j) ? val(res, i, j) : "");
}

static int kiosk_row(PGresult *res, int i, void *ud)
{
	struct cb *c = ud;
	struct store_kiosk k = { 0 };

	copy_val(k.kiosk, sizeof(k.kiosk), res, i, 0);
	copy_val(k.venue, sizeof(k.venue), res, i, 1);
	copy_val(k.ward, sizeof(k.ward), res, i, 2);
	copy_val(k.pubkey, sizeof(k.pubkey), res, i, 3);
	copy_val(k.receipt_key, sizeof(k.receipt_key), res, i, 4);
	k.added = num(res, i, 5);
	copy_val(k.state, sizeof(k.state), res, i, 6);
	k.last_seen = num(res, i, 7);
	k.backlog = PQgetisnull(res, i, 8) ? -1 : num(res, i, 8);
	k.daykey = PQgetisnull(res, i, 9) ? -1 : PQgetvalue(res, i, 9)[0] == 't';
	copy_val(k.faults, sizeof(k.faults), res, i, 10);
	k.max_seq = (uint64_t)num(res, i, 11);
	k.seen = (uint64_t)num(res, i, 12);
	return ((int (*)(const struct store_kiosk *, void *))c->fn)(&k, c->ud);
}

static int pg_kiosk_foreach(void *p, int (*fn)(const struct store_kiosk *, void *), void *ud)
{
	struct cb c = { (void *)fn, ud };

	return each(p,
		    "SELECT k.kiosk, venue, ward, pubkey, receipt_key, added, state, last_seen,"
		    " backlog, daykey, faults, max_seq, seen FROM kiosks k"
		    " LEFT JOIN eidseq e ON e.kiosk = k.kiosk ORDER BY venue, k.kiosk",
		    0, NULL, kiosk_row, &c);
}

static int pg_kiosk_status(void *p, const char *kiosk, const char *state, int64_t seen,
			   int64_t backlog, int daykey, const char *faults)
{
	char s[24], bl[24];
	const char *a[] = { state,
			    I64(s, seen),
			    backlog >= 0 ? I64(bl, backlog) : NULL,
			    daykey < 0 ? NULL : daykey ? "t" : "f",
			    faults,
			    kiosk };

	return run(p,
		   "UPDATE kiosks SET state = $1, last_seen = $2, backlog = $3, daykey = $4,"
		   " faults = $5 WHERE kiosk = $6",
		   6, a, NULL);
}

static int pg_issued_next(void *p, const char *topic, int64_t now, int64_t *ret)
{
	struct pg *b = p;
	char n[24];
	const char *a[] = { topic, I64(n, now) };
	PGresult *res = q(b,
			  "INSERT INTO issued VALUES($1, $2) ON CONFLICT(topic) DO UPDATE SET"
			  " issued = GREATEST(excluded.issued, issued.issued + 1) RETURNING issued",
			  2, a);

	if (!res)
		return fail(b);
	*ret = num(res, 0, 0);
	PQclear(res);
	return 0;
}

static int pg_day_venues(void *p, const char *day, int (*fn)(const char *, void *), void *ud)
{
	const char *a[] = { day };
	struct cb c = { (void *)fn, ud };

	return each(p, "SELECT DISTINCT venue FROM events WHERE day = $1", 1, a, text_row, &c);
}

static int visit_row(PGresult *res, int i, void *ud)
{
	struct cb *c = ud;

	return ((int (*)(int64_t, bool, void *))c->fn)(num(res, i, 0),
							PQgetvalue(res, i, 1)[0] == 't', c->ud);
}

static int pg_visits(void *p, const char *day, const char *venue, const char *tok,
		     int (*fn)(int64_t, bool, void *), void *ud)
{
	const char *a[] = { day, tok, venue };
	struct cb c = { (void *)fn, ud };

	return each(p,
		    "SELECT slot, admit FROM events WHERE day = $1 AND tok = $2 AND venue = $3"
		    " ORDER BY slot",
		    3, a, visit_row, &c);
}

static int pg_copresent(void *p, const char *day, const char *venue, const char *tok,
			int64_t from, int64_t to, uint64_t *ret)
{
	struct pg *b = p;
	char f[24], t[24];
	const char *a[] = { day, venue, I64(f, from), I64(t, to), tok };
	PGresult *res = q(b,
			  "SELECT count(DISTINCT tok) FROM events WHERE day = $1 AND venue = $2"
			  " AND slot BETWEEN $3 AND $4 AND admit AND tok IS NOT NULL AND tok <> $5",
			  5, a);

	if (!res)
		return fail(b);
	*ret = (uint64_t)num(res, 0, 0);
	PQclear(res);
	return 0;
}

static int count_row(PGresult *res, int i, void *ud)
{
	struct cb *c = ud;
	struct store_count n = {
		.slot = num(res, i, 0),
		.admit = PQgetvalue(res, i, 1)[0] == 't',
		.reasons = val(res, i, 2),
		.kind = val(res, i, 3),
		.ward = val(res, i, 4),
		.n = (uint64_t)num(res, i, 5),
	};

	return ((int (*)(const struct store_count *, void *))c->fn)(&n, c->ud);
}

static int pg_day_counts(void *p, const char *day, int (*fn)(const struct store_count *, void *),
			 void *ud)
{
	const char *a[] = { day };
	struct cb c = { (void *)fn, ud };

	return each(p,
		    "SELECT e.slot, e.admit, e.reasons, e.kind, k.ward, count(*) FROM events e"
		    " LEFT JOIN kiosks k ON k.kiosk = e.kiosk WHERE e.day = $1"
		    " GROUP BY e.slot, e.admit, e.reasons, e.kind, k.ward",
		    1, a, count_row, &c);
}

static int pg_notice_add(void *p, const char *day, const char *h, int64_t from, int64_t to)
{
	char f[24], t[24];
	const char *a[] = { day, h, I64(f, from), I64(t, to) };

	return run(p, "INSERT INTO notices VALUES($1,$2,$3,$4) ON CONFLICT DO NOTHING", 4, a,
		   NULL);
}

static int notice_row(PGresult *res, int i, void *ud)
{
	struct cb *c = ud;

	return ((int (*)(const char *, int64_t, int64_t, void *))c->fn)(
		val(res, i, 0), num(res, i, 1), num(res, i, 2), c->ud);
}

static int pg_notices(void *p, const char *day, int (*fn)(const char *, int64_t, int64_t, void *),
		      void *ud)
{
	const char *a[] = { day };
	struct cb c = { (void *)fn, ud };

	return each(p, "SELECT h, slot_from, slot_to FROM notices WHERE day = $1 ORDER BY h", 1, a,
		    notice_row, &c);
}

static int pg_counter_add(void *p, const char *name, int64_t delta)
{
	char d[24];
	const char *a[] = { name, I64(d, delta) };

	return run(p,
		   "INSERT INTO counters VALUES($1, $2) ON CONFLICT(name) DO UPDATE SET"
		   " value = counters.value + excluded.value",
		   2, a, NULL);
}

static int counter_row(PGresult *res, int i, void *ud)
{
	struct cb *c = ud;

	return ((int (*)(const char *, int64_t, void *))c->fn)(val(res, i, 0), num(res, i, 1),
								c->ud);
}

static int pg_counters(void *p, int (*fn)(const char *, int64_t, void *), void *ud)
{
	struct cb c = { (void *)fn, ud };

	return each(p, "SELECT name, value FROM counters ORDER BY name", 0, NULL, counter_row, &c);
}

static const struct store_ops ops = {
	.free = pg_free,
	.error = pg_error,
	.exec = pg_exec,
	.event_add = pg_event_add,
	.events_foreach = pg_events_foreach,
	.kday_get = pg_kday_get,
	.kday_insert = pg_kday_insert,
	.shred_before = pg_shred_before,
	.day_shredded = pg_day_shredded,
	.kiosk_add = pg_kiosk_add,
	.kiosk_remove = pg_kiosk_remove,
	.kiosk_foreach = pg_kiosk_foreach,
	.kiosk_status = pg_kiosk_status,
	.issued_next = pg_issued_next,
	.day_venues = pg_day_venues,
	.visits = pg_visits,
	.copresent = pg_copresent,
	.day_counts = pg_day_counts,
	.notice_add = pg_notice_add,
	.notices = pg_notices,
	.counter_add = pg_counter_add,
	.counters = pg_counters,
};

int store_pg_open(const char *conninfo, const struct store_ops **ret_ops, void **ret_b)
{
	struct pg *b = calloc(1, sizeof(*b));
	PGresult *res;

	if (!b)
		return -ENOMEM;
	b->conn = PQconnectdb(conninfo);
	if (!b->conn || PQstatus(b->conn) != CONNECTION_OK) {
		pg_free(b);
		return -ECONNREFUSED;
	}
	/* Durable commits whatever the server default (synchronous_commit may be off). */
	res = PQexec(b->conn, "SET synchronous_commit = on; SET client_min_messages = warning;");
	PQclear(res);
	res = PQexec(b->conn, schema);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		PQclear(res);
		pg_free(b);
		return -EIO;
	}
	PQclear(res);
	*ret_ops = &ops;
	*ret_b = b;
	return 0;
}
