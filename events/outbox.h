/* SPDX-License-Identifier: MIT */
/*
 * outbox.h - the durable queue of check events between the decision and the city (DESIGN.md
 * "Events and MQTT": committed before published, removed only on a successful PUBACK).
 *
 * One SQLite file in WAL mode with synchronous=FULL. Each event gets the next sequence number
 * of this kiosk (its eid), persisted in the same transaction, so numbers never repeat across
 * restarts and a gap in them is visible to the city. The size is bounded: when the outbox is
 * full (max rows, max bytes, or SQLITE_FULL) the OLDEST events are dropped to make room and
 * counted (docs/events.md "When the outbox is full"). An event that cannot be stored at all
 * (disk full with nothing left to drop) is counted as lost. The caller may ignore every status
 * outbox_add() returns: the counters say what happened, and the kiosk keeps judging scans.
 *
 * A struct outbox is owned by the caller, freed with outbox_free(). Not thread-safe.
 */
#ifndef PASSGATE_OUTBOX_H
#define PASSGATE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

struct outbox;

struct outbox_limits {
	uint64_t max_rows;  /* 0: default 100000 */
	uint64_t max_bytes; /* payload bytes; 0: default 64 MiB */
	uint64_t max_pages; /* SQLite max_page_count; 0: SQLite's default (no practical cap) */
};

enum outbox_flags {
	OUTBOX_READONLY = 1u << 0, /* `passgate events list|stats`: never writes */
};

struct outbox_stats {
	uint64_t rows;	    /* events waiting */
	uint64_t bytes;	    /* their payload bytes */
	uint64_t next_seq;  /* the seq the next event gets (first event: 1) */
	uint64_t oldest;    /* seq of the oldest waiting event, 0 when empty */
	uint64_t newest;    /* seq of the newest waiting event, 0 when empty */
	uint64_t dropped;   /* events removed unsent to make room (persisted) */
	uint64_t lost;	    /* events that could not be stored at all (persisted when possible) */
	uint64_t delivered; /* events removed after a successful PUBACK (persisted) */
	int last_error;	    /* -errno of the last failed write, 0 when the last write worked */
};

/* Open (creating if needed, unless OUTBOX_READONLY) the outbox at @path. @lim may be NULL. */
int outbox_open(const char *path, const struct outbox_limits *lim, unsigned flags,
		struct outbox **ret);
void outbox_free(struct outbox *ob);

/*
 * Build the payload for sequence number @seq: set *ret_payload (malloc'ed; the outbox frees it)
 * and return its length, or -errno.
 */
typedef int (*outbox_build_fn)(uint64_t seq, void *userdata, char **ret_payload);

/*
 * Append one event to @topic, durably (committed with fsync before this returns). @build is
 * called once inside the transaction with the new sequence number. Returns:
 *   0 stored; 1 stored after dropping older events (the outbox was full);
 *   -ENOSPC not stored (disk full, nothing left to drop: counted as lost);
 *   other -errno on errors (counted as lost too, unless @build failed).
 * *ret_seq (when non-NULL) gets the sequence number even when the event was lost, so that the
 * gap is visible.
 */
int outbox_add(struct outbox *ob, const char *topic, outbox_build_fn build, void *userdata,
	       uint64_t *ret_seq);

/* One waiting event, borrowed for the duration of the callback. Return < 0 to stop. */
typedef int (*outbox_row_fn)(uint64_t seq, const char *topic, const void *payload, size_t len,
			     void *userdata);

/* Call @fn for up to @max waiting events with seq > @after, in seq order. Returns the count. */
int outbox_foreach(struct outbox *ob, uint64_t after, size_t max, outbox_row_fn fn, void *userdata);

/*
 * Mark @seq delivered. Removals are batched: they reach the file at the next outbox_flush() or
 * in the transaction of the next outbox_add() (at most OUTBOX_ACK_BATCH marks are held; the
 * batch then flushes by itself). A removal that a
 * crash loses only makes the event be sent again, which subscribers deduplicate by eid.
 */
#define OUTBOX_ACK_BATCH 256
int outbox_ack(struct outbox *ob, uint64_t seq);
int outbox_flush(struct outbox *ob);

/* The counters, from memory (read-only handles re-read the file). Acknowledged rows count as
 * waiting until they are flushed (outbox_flush(), or the next outbox_add()). */
int outbox_stats(struct outbox *ob, struct outbox_stats *ret);

#endif
