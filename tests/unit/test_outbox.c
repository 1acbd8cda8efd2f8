/* SPDX-License-Identifier: MIT */
/*
 * test_outbox.c - the SQLite outbox: order, removal on acknowledgement, the sequence counter
 * across reopening, the "keep the newest" policy when full, and disk full (issue 5 acceptance
 * 2: SQLite's max_page_count stands in for a full disk; the caller keeps going and the counters
 * say what happened).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "events/outbox.h"

struct tmp {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	snprintf(t->dir, sizeof(t->dir), "/tmp/passgate-outbox-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/outbox.db", t->dir);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;
	char p[160];

	for (const char *suffix = ""; suffix; suffix = !*suffix			     ? "-wal"
						       : strcmp(suffix, "-wal") == 0 ? "-shm"
										     : NULL) {
		snprintf(p, sizeof(p), "%s%s", t->path, suffix);
		unlink(p);
	}
	rmdir(t->dir);
	free(t);
	return 0;
}

static size_t payload_size = 20;

static int build(uint64_t seq, void *ud, char **ret)
{
	char *p = malloc(payload_size + 32);

	(void)ud;
	if (!p)
		return -ENOMEM;
	snprintf(p, payload_size + 32, "{\"eid\":\"k:%llu\",\"pad\":\"%0*d\"}",
		 (unsigned long long)seq, (int)payload_size, 0);
	*ret = p;
	return (int)strlen(p);
}

static int build_fail(uint64_t seq, void *ud, char **ret)
{
	(void)seq;
	(void)ud;
	(void)ret;
	return -EINVAL;
}

struct seen {
	uint64_t seqs[64];
	size_t n;
};

static int collect(uint64_t seq, const char *topic, const void *payload, size_t len, void *ud)
{
	struct seen *s = ud;

	assert_string_equal(topic, "t/check");
	assert_non_null(memmem(payload, len, "\"eid\"", 5));
	if (s->n < 64)
		s->seqs[s->n++] = seq;
	return 0;
}

static void test_order_ack_reopen(void **state)
{
	struct tmp *t = *state;
	struct outbox *ob = NULL;
	struct outbox_stats st;
	struct seen s = { 0 };
	uint64_t seq;

	payload_size = 20;
	assert_int_equal(outbox_open(t->path, NULL, 0, &ob), 0);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(outbox_add(ob, "t/check", build, NULL, &seq), 0);
		assert_int_equal(seq, (uint64_t)i + 1);
	}
	assert_int_equal(outbox_foreach(ob, 0, 10, collect, &s), 5);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(s.seqs[i], i + 1);
	s.n = 0;
	assert_int_equal(outbox_foreach(ob, 3, 10, collect, &s), 2);
	assert_int_equal(s.seqs[0], 4);
	/* Acknowledge everything: the table is empty, but the counter must not go back. */
	for (uint64_t q = 1; q <= 5; q++)
		assert_int_equal(outbox_ack(ob, q), 0);
	assert_int_equal(outbox_flush(ob), 5);
	assert_int_equal(outbox_stats(ob, &st), 0);
	assert_int_equal(st.rows, 0);
	assert_int_equal(st.delivered, 5);
	/* A failed build consumes its number too: the gap is visible to the city. */
	assert_int_equal(outbox_add(ob, "t/check", build_fail, NULL, &seq), -EINVAL);
	assert_int_equal(seq, 6);
	outbox_free(ob);

	ob = NULL;
	assert_int_equal(outbox_open(t->path, NULL, 0, &ob), 0);
	assert_int_equal(outbox_add(ob, "t/check", build, NULL, &seq), 0);
	assert_int_equal(seq, 7);
	assert_int_equal(outbox_stats(ob, &st), 0);
	assert_int_equal(st.rows, 1);
	assert_int_equal(st.oldest, 7);
	assert_int_equal(st.newest, 7);
	assert_int_equal(st.delivered, 5);
	outbox_free(ob);

	/* Read-only (the CLI): sees the row, cannot write. */
	ob = NULL;
	assert_int_equal(outbox_open(t->path, NULL, OUTBOX_READONLY, &ob), 0);
	assert_int_equal(outbox_stats(ob, &st), 0);
	assert_int_equal(st.rows, 1);
	assert_int_equal(st.next_seq, 8);
	assert_int_equal(outbox_add(ob, "t/check", build, NULL, &seq), -EROFS);
	outbox_free(ob);
}

static void test_full_keeps_newest(void **state)
{
	struct tmp *t = *state;
	struct outbox *ob = NULL;
	struct outbox_stats st;
	struct seen s = { 0 };

	payload_size = 20;
	assert_int_equal(outbox_open(t->path, &(struct outbox_limits){ .max_rows = 10 }, 0, &ob),
			 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(outbox_add(ob, "t/check", build, NULL, NULL), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(outbox_add(ob, "t/check", build, NULL, NULL), 1);
	assert_int_equal(outbox_stats(ob, &st), 0);
	assert_int_equal(st.rows, 10);
	assert_int_equal(st.dropped, 5);
	assert_int_equal(st.oldest, 6);
	assert_int_equal(st.newest, 15);
	assert_int_equal(outbox_foreach(ob, 0, 64, collect, &s), 10);
	assert_int_equal(s.seqs[0], 6);
	assert_int_equal(s.seqs[9], 15);
	outbox_free(ob);
	/* The counter survives a restart. */
	ob = NULL;
	assert_int_equal(outbox_open(t->path, NULL, OUTBOX_READONLY, &ob), 0);
	assert_int_equal(outbox_stats(ob, &st), 0);
	assert_int_equal(st.dropped, 5);
	outbox_free(ob);
}

static void test_byte_limit(void **state)
{
	struct tmp *t = *state;
	struct outbox *ob = NULL;
	struct outbox_stats st;

	payload_size = 1000;
	assert_int_equal(
		outbox_open(t->path, &(struct outbox_limits){ .max_bytes = 10500 }, 0, &ob), 0);
	for (int i = 0; i < 30; i++)
		assert_true(outbox_add(ob, "t/check", build, NULL, NULL) >= 0);
	assert_int_equal(outbox_stats(ob, &st), 0);
	assert_true(st.bytes <= 10500);
	assert_true(st.rows >= 5);
	assert_int_equal(st.dropped + st.rows, 30);
	assert_int_equal(st.newest, 30);
	outbox_free(ob);
}

/* Disk full: a tiny max_page_count. Adding never blocks the caller; the oldest events make
 * room; when there is nothing left to drop the event is counted lost, and the counters and the
 * seq gap say so. */
static void test_disk_full(void **state)
{
	struct tmp *t = *state;
	struct outbox *ob = NULL;
	struct outbox_stats st;
	int ok = 0, dropped_room = 0, refused = 0;
	uint64_t seq = 0;

	payload_size = 600;
	assert_int_equal(outbox_open(t->path, &(struct outbox_limits){ .max_pages = 12 }, 0, &ob),
			 0);
	for (int i = 0; i < 200; i++) {
		int r = outbox_add(ob, "t/check", build, NULL, &seq);

		/* The kiosk ignores r and goes on judging; count what happened instead. */
		if (r == 0)
			ok++;
		else if (r == 1)
			dropped_room++;
		else if (r == -ENOSPC)
			refused++;
		else
			fail_msg("unexpected %d", r);
	}
	assert_int_equal(seq, 200);
	assert_int_equal(outbox_stats(ob, &st), 0);
	assert_true(ok > 0);
	assert_true(dropped_room > 0); /* SQLITE_FULL made room by dropping the oldest */
	assert_true(st.rows > 0);
	assert_int_equal(st.newest, 200); /* the newest is kept */
	assert_int_equal(st.rows + st.dropped + st.lost, 200);
	assert_int_equal(st.lost, (uint64_t)refused);
	outbox_free(ob);

	/* An event bigger than the whole file cannot be stored at all: it is lost, counted, and
	 * the outbox keeps working for the next normal event. */
	ob = NULL;
	assert_int_equal(outbox_open(t->path, &(struct outbox_limits){ .max_pages = 12 }, 0, &ob),
			 0);
	payload_size = 200000;
	assert_int_equal(outbox_add(ob, "t/check", build, NULL, &seq), -ENOSPC);
	assert_int_equal(seq, 201);
	assert_int_equal(outbox_stats(ob, &st), 0);
	assert_int_equal(st.lost, (uint64_t)refused + 1);
	assert_int_equal(st.last_error, -ENOSPC);
	payload_size = 20;
	assert_true(outbox_add(ob, "t/check", build, NULL, &seq) >= 0);
	assert_int_equal(seq, 202);
	assert_int_equal(outbox_stats(ob, &st), 0);
	assert_int_equal(st.last_error, 0);
	assert_int_equal(st.newest, 202);
	outbox_free(ob);
	/* The lost counter and the seq gap were persisted. */
	ob = NULL;
	assert_int_equal(outbox_open(t->path, NULL, OUTBOX_READONLY, &ob), 0);
	assert_int_equal(outbox_stats(ob, &st), 0);
	assert_int_equal(st.lost, (uint64_t)refused + 1);
	assert_int_equal(st.next_seq, 203);
	outbox_free(ob);
}

static void test_open_errors(void **state)
{
	struct outbox *ob = (struct outbox *)0x1;

	(void)state;
	assert_true(outbox_open("/nonexistent-dir/x/outbox.db", NULL, 0, &ob) < 0);
	assert_ptr_equal(ob, (struct outbox *)0x1); /* untouched on failure */
	assert_true(outbox_open("/nonexistent-dir/outbox.db", NULL, OUTBOX_READONLY, &ob) < 0);
	outbox_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_ack_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_keeps_newest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_byte_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
