/* SPDX-License-Identifier: MIT */
/*
 * outbox.c - the SQLite outbox: every decided event is committed here (WAL, synchronous=FULL)
 * before the uplink may publish it, and leaves only when the broker acknowledged it
 * (DESIGN.md "Events and MQTT"; the policy when full is in outbox.h and docs/events.md).
 *
 * This file and the trust store are the only ones that include sqlite3.h. Sizes and counters
 * are kept in memory and updated only after a transaction commits, so that a rolled-back
 * transaction (SQLITE_FULL, I/O error) never leaves them wrong. The sequence counter in memory
 * advances even when an event could not be stored, and the next commit persists it: an event
 * lost to a full disk leaves a gap in the eids that the city can see.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "events/outbox.h"

#define DEFAULT_MAX_ROWS  100000u
#define DEFAULT_MAX_BYTES (64u * 1024u * 1024u)
#define DROP_BATCH_MIN	  16u

struct outbox {
	sqlite3 *db;
	bool readonly;
	uint64_t max_rows, max_bytes;

	uint64_t rows, bytes, oldest, newest, next_seq;
	uint64_t dropped, lost, delivered;
	bool counters_dirty; /* lost/seq changed in memory without a commit */
	int last_error;

	uint64_t acks[OUTBOX_ACK_BATCH];
	size_t n_acks;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, topic TEXT NOT NULL,"
	" payload BLOB NOT NULL);";

static int sql_errno(int rc)
{
	switch (rc & 0xFF) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_CANTOPEN:
		return -ENOENT;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return -EBADMSG;
	default:
		return -EIO;
	}
}

/*
 * sql_errno() with the system's own error where SQLite only says "I/O error", "read-only" or
 * "cannot open": a state directory on a read-only file system is -EROFS, a full one -ENOSPC,
 * a file of another user -EACCES, so that the log and the status say what to fix.
 */
static int db_errno(sqlite3 *db, int rc)
{
	int base = rc & 0xFF, e;

	if (base != SQLITE_IOERR && base != SQLITE_READONLY && base != SQLITE_CANTOPEN &&
	    base != SQLITE_FULL)
		return sql_errno(rc);
	e = db ? sqlite3_system_errno(db) : 0;
	if (e == EROFS || e == ENOSPC || e == EDQUOT || e == EACCES || e == EPERM)
		return -e;
	return sql_errno(rc);
}

static int exec(sqlite3 *db, const char *sql)
{
	return db_errno(db, sqlite3_exec(db, sql, NULL, NULL, NULL));
}

static int meta_get(sqlite3 *db, const char *k, uint64_t *v)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db, "SELECT v FROM meta WHERE k = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_errno(db, rc);
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sqlite3_int64 x = sqlite3_column_int64(st, 0);

		*v = x > 0 ? (uint64_t)x : 0;
	} else if (rc == SQLITE_DONE) {
		*v = 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_errno(db, rc);
}

static int meta_put(sqlite3 *db, const char *k, uint64_t v)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(k, v) VALUES(?1, ?2)", -1, &st,
				NULL);
	if (rc != SQLITE_OK)
		return db_errno(db, rc);
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)v);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_errno(db, rc);
}

/* Sizes of the waiting events, from the file: at open only. */
static int load_sizes(struct outbox *ob)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(ob->db,
				"SELECT count(*), coalesce(sum(length(payload)), 0),"
				" coalesce(min(seq), 0), coalesce(max(seq), 0) FROM events",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_errno(ob->db, rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ob->rows = (uint64_t)sqlite3_column_int64(st, 0);
		ob->bytes = (uint64_t)sqlite3_column_int64(st, 1);
		ob->oldest = (uint64_t)sqlite3_column_int64(st, 2);
		ob->newest = (uint64_t)sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_errno(ob->db, rc);
}

static int load(struct outbox *ob)
{
	int r;

	r = meta_get(ob->db, "next_seq", &ob->next_seq);
	if (r >= 0)
		r = meta_get(ob->db, "dropped", &ob->dropped);
	if (r >= 0)
		r = meta_get(ob->db, "lost", &ob->lost);
	if (r >= 0)
		r = meta_get(ob->db, "delivered", &ob->delivered);
	if (r >= 0)
		r = load_sizes(ob);
	if (r < 0)
		return r;
	/* The counter is the authority, but never behind a row that exists. */
	if (ob->next_seq <= ob->newest)
		ob->next_seq = ob->newest + 1;
	if (ob->next_seq == 0)
		ob->next_seq = 1;
	return 0;
}

int outbox_open(const char *path, const struct outbox_limits *lim, unsigned flags,
		struct outbox **ret)
{
	struct outbox *ob;
	int oflags, r, rc;

	ob = calloc(1, sizeof(*ob));
	if (!ob)
		return -ENOMEM;
	ob->readonly = flags & OUTBOX_READONLY;
	ob->max_rows = lim && lim->max_rows ? lim->max_rows : DEFAULT_MAX_ROWS;
	ob->max_bytes = lim && lim->max_bytes ? lim->max_bytes : DEFAULT_MAX_BYTES;
	oflags = ob->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &ob->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	r = db_errno(ob->db, rc);
	if (r < 0 || !ob->db)
		goto close_db;
	sqlite3_busy_timeout(ob->db, 2000);
	if (!ob->readonly) {
		sqlite3_stmt *st;
		bool wal = false;

		/* WAL + FULL: a commit is on the disk when it returns, and survives SIGKILL and
		 * power loss (https://sqlite.org/pragma.html#pragma_synchronous). */
		if (sqlite3_prepare_v2(ob->db, "PRAGMA journal_mode=WAL", -1, &st, NULL) ==
		    SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW) {
				const char *m = (const char *)sqlite3_column_text(st, 0);

				wal = m && strcmp(m, "wal") == 0;
			}
			sqlite3_finalize(st);
		}
		r = wal ? 0 : -EIO;
		if (r >= 0)
			r = exec(ob->db, "PRAGMA synchronous=FULL");
		/* Rows are written once and read in order: a small page cache is enough, and a
		 * Pi Zero 2 W has 512 MB for everything (DESIGN.md: resident memory <= 25 MB). */
		if (r >= 0)
			r = exec(ob->db, "PRAGMA cache_size=-256");
		if (r >= 0 && lim && lim->max_pages) {
			char sql[64];

			snprintf(sql, sizeof(sql), "PRAGMA max_page_count=%llu",
				 (unsigned long long)lim->max_pages);
			r = exec(ob->db, sql);
		}
		if (r >= 0)
			r = exec(ob->db, schema);
		if (r < 0)
			goto close_db;
	}
	r = load(ob);
	if (r < 0)
		goto close_db;
	*ret = ob;
	return 0;
close_db:
	sqlite3_close(ob->db);
	free(ob);
	return r < 0 ? r : -EIO;
}

void outbox_free(struct outbox *ob)
{
	if (!ob)
		return;
	if (!ob->readonly)
		outbox_flush(ob);
	sqlite3_close(ob->db);
	free(ob);
}

struct change {
	uint64_t rows_removed, bytes_removed, oldest_after; /* dropped to make room */
	uint64_t acked_removed, acked_bytes;		    /* acknowledged, deleted */
};

static int delete_acks(struct outbox *ob, struct change *ch);
static void acks_done(struct outbox *ob, const struct change *ch);

/* Delete up to @n of the oldest events inside the open transaction. */
static int drop_oldest(struct outbox *ob, uint64_t n, struct change *ch)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(ob->db,
				"DELETE FROM events WHERE seq IN"
				" (SELECT seq FROM events ORDER BY seq LIMIT ?1)"
				" RETURNING length(payload)",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_errno(ob->db, rc);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)n);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ch->rows_removed++;
		ch->bytes_removed += (uint64_t)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_errno(ob->db, rc);
}

static int min_seq(struct outbox *ob, uint64_t *ret)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(ob->db, "SELECT coalesce(min(seq), 0) FROM events", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_errno(ob->db, rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_errno(ob->db, rc);
}

static int insert(struct outbox *ob, uint64_t seq, const char *topic, const char *payload,
		  size_t len)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(ob->db, "INSERT INTO events(seq, topic, payload) VALUES(?1,?2,?3)",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_errno(ob->db, rc);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
	sqlite3_bind_text(st, 2, topic, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 3, payload, len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_errno(ob->db, rc);
}

/* One attempt: drop @drop oldest events, insert, persist counters, commit. */
static int try_add(struct outbox *ob, uint64_t seq, const char *topic, const char *payload,
		   size_t len, uint64_t drop, struct change *ch)
{
	int r;

	memset(ch, 0, sizeof(*ch));
	r = exec(ob->db, "BEGIN IMMEDIATE");
	if (r < 0)
		return r;
	/* The acknowledged rows go in the same transaction: one fsync, and they free room. */
	r = delete_acks(ob, ch);
	if (r >= 0 && drop)
		r = drop_oldest(ob, drop, ch);
	if (r >= 0)
		r = insert(ob, seq, topic, payload, len);
	if (r >= 0)
		r = meta_put(ob->db, "next_seq", seq + 1);
	if (r >= 0 && ch->rows_removed)
		r = meta_put(ob->db, "dropped", ob->dropped + ch->rows_removed);
	if (r >= 0 && ob->counters_dirty)
		r = meta_put(ob->db, "lost", ob->lost);
	if (r >= 0 && (ch->rows_removed || ch->acked_removed))
		r = min_seq(ob, &ch->oldest_after);
	if (r >= 0)
		r = exec(ob->db, "COMMIT");
	if (r < 0)
		exec(ob->db, "ROLLBACK");
	return r;
}

int outbox_add(struct outbox *ob, const char *topic, outbox_build_fn build, void *userdata,
	       uint64_t *ret_seq)
{
	uint64_t seq, drop = 0;
	struct change ch;
	char *payload = NULL;
	size_t len;
	int n, r;

	if (ob->readonly)
		return -EROFS;
	seq = ob->next_seq++;
	if (ret_seq)
		*ret_seq = seq;
	n = build(seq, userdata, &payload);
	if (n < 0) {
		/* Nothing was decided about storage: the seq is still persisted by the next
		 * commit, so the city sees the gap; it is not counted as lost. */
		ob->counters_dirty = true;
		return n;
	}
	len = (size_t)n;
	/* The policy: keep the newest. Make room by the row and byte limits first (rows that
	 * are acknowledged but not yet deleted still count: a conservative estimate). */
	if (ob->rows + 1 > ob->max_rows + ob->n_acks)
		drop = ob->rows + 1 - ob->max_rows - ob->n_acks;
	if (ob->bytes + len > ob->max_bytes) {
		uint64_t avg = ob->rows ? ob->bytes / ob->rows + 1 : 1;
		uint64_t need = (ob->bytes + len - ob->max_bytes) / avg + 1;

		if (need > drop)
			drop = need;
	}
	for (;;) {
		r = try_add(ob, seq, topic, payload, len, drop, &ch);
		if (r != -ENOSPC || drop >= ob->rows)
			break;
		/* SQLITE_FULL: free pages by dropping the oldest, more each time. */
		drop = drop ? drop * 2
			    : (ob->rows / 64 > DROP_BATCH_MIN ? ob->rows / 64 : DROP_BATCH_MIN);
		if (drop > ob->rows)
			drop = ob->rows;
	}
	free(payload);
	if (r < 0) {
		ob->lost++;
		ob->counters_dirty = true;
		ob->last_error = r;
		return r;
	}
	ob->counters_dirty = false;
	ob->last_error = 0;
	acks_done(ob, &ch);
	ob->dropped += ch.rows_removed;
	ob->rows = ob->rows - ch.rows_removed + 1;
	ob->bytes = ob->bytes - ch.bytes_removed + len;
	ob->newest = seq;
	if (ch.rows_removed || ch.acked_removed)
		ob->oldest = ch.oldest_after;
	else if (ob->rows == 1)
		ob->oldest = seq;
	return ch.rows_removed ? 1 : 0;
}

int outbox_foreach(struct outbox *ob, uint64_t after, size_t max, outbox_row_fn fn, void *userdata)
{
	sqlite3_stmt *st;
	int rc, n = 0;

	if (!ob->readonly)
		outbox_flush(ob);
	rc = sqlite3_prepare_v2(ob->db,
				"SELECT seq, topic, payload FROM events WHERE seq > ?1"
				" ORDER BY seq LIMIT ?2",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_errno(ob->db, rc);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)after);
	sqlite3_bind_int64(st, 2, max > INT32_MAX ? INT32_MAX : (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *topic = (const char *)sqlite3_column_text(st, 1);
		const void *payload = sqlite3_column_blob(st, 2);
		int len = sqlite3_column_bytes(st, 2);

		n++;
		if (fn((uint64_t)sqlite3_column_int64(st, 0), topic ? topic : "", payload,
		       (size_t)len, userdata) < 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : db_errno(ob->db, rc);
}

int outbox_ack(struct outbox *ob, uint64_t seq)
{
	if (ob->readonly)
		return -EROFS;
	if (ob->n_acks == OUTBOX_ACK_BATCH) {
		int r = outbox_flush(ob);

		if (r < 0 && ob->n_acks == OUTBOX_ACK_BATCH)
			return r; /* the event stays and is sent again: a duplicate, not a loss */
	}
	ob->acks[ob->n_acks++] = seq;
	return 0;
}

/* Delete the acknowledged rows inside the open transaction; counts what was really there. */
static int delete_acks(struct outbox *ob, struct change *ch)
{
	sqlite3_stmt *st = NULL;
	int r, rc;

	if (ob->n_acks == 0)
		return 0;
	rc = sqlite3_prepare_v2(ob->db,
				"DELETE FROM events WHERE seq = ?1 RETURNING length(payload)", -1,
				&st, NULL);
	r = db_errno(ob->db, rc);
	for (size_t i = 0; r >= 0 && i < ob->n_acks; i++) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)ob->acks[i]);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			ch->acked_removed++;
			ch->acked_bytes += (uint64_t)sqlite3_column_int64(st, 0);
		}
		if (rc != SQLITE_DONE)
			r = db_errno(ob->db, rc);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (r >= 0 && ch->acked_removed)
		r = meta_put(ob->db, "delivered", ob->delivered + ch->acked_removed);
	return r;
}

/* After a commit that included delete_acks(). */
static void acks_done(struct outbox *ob, const struct change *ch)
{
	ob->n_acks = 0;
	ob->delivered += ch->acked_removed;
	ob->rows -= ch->acked_removed;
	ob->bytes -= ch->acked_bytes;
}

int outbox_flush(struct outbox *ob)
{
	struct change ch = { 0 };
	uint64_t oldest = 0;
	int r;

	if (ob->readonly || (ob->n_acks == 0 && !ob->counters_dirty))
		return 0;
	r = exec(ob->db, "BEGIN IMMEDIATE");
	if (r < 0)
		return r;
	r = delete_acks(ob, &ch);
	if (r >= 0 && ob->counters_dirty) {
		r = meta_put(ob->db, "lost", ob->lost);
		if (r >= 0)
			r = meta_put(ob->db, "next_seq", ob->next_seq);
	}
	if (r >= 0)
		r = min_seq(ob, &oldest);
	if (r >= 0)
		r = exec(ob->db, "COMMIT");
	if (r < 0) {
		exec(ob->db, "ROLLBACK");
		ob->last_error = r;
		return r;
	}
	ob->counters_dirty = false;
	acks_done(ob, &ch);
	ob->oldest = oldest;
	if (ob->rows == 0)
		ob->newest = 0;
	return (int)ch.acked_removed;
}

int outbox_stats(struct outbox *ob, struct outbox_stats *ret)
{
	if (ob->readonly) {
		int r = load(ob);

		if (r < 0)
			return r;
	}
	*ret = (struct outbox_stats){
		.rows = ob->rows,
		.bytes = ob->bytes,
		.next_seq = ob->next_seq,
		.oldest = ob->rows ? ob->oldest : 0,
		.newest = ob->rows ? ob->newest : 0,
		.dropped = ob->dropped,
		.lost = ob->lost,
		.delivered = ob->delivered,
		.last_error = ob->last_error,
	};
	return 0;
}
