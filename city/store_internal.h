/* SPDX-License-Identifier: MIT */
/*
 * store_internal.h - what a store backend provides (store.h has the meaning of each call).
 * Only store.c and the backends include this.
 */
#ifndef PASSGATE_CITY_STORE_INTERNAL_H
#define PASSGATE_CITY_STORE_INTERNAL_H

#include "city/store.h"

struct store_ops {
	void (*free)(void *b);
	const char *(*error)(const void *b);
	int (*exec)(void *b, const char *sql); /* BEGIN, COMMIT, ROLLBACK */
	int (*event_add)(void *b, const struct store_event *ev);
	int (*events_foreach)(void *b, unsigned limit, int (*fn)(const char *, void *), void *ud);
	int (*kday_get)(void *b, const char *day, uint8_t k[STORE_KEY_LEN]);
	int (*kday_insert)(void *b, const char *day, const uint8_t k[STORE_KEY_LEN]);
	int (*shred_before)(void *b, const char *day, unsigned *ret_days);
	int (*day_shredded)(void *b, const char *day);
	int (*kiosk_add)(void *b, const struct store_kiosk *k);
	int (*kiosk_remove)(void *b, const char *kiosk);
	int (*kiosk_foreach)(void *b, int (*fn)(const struct store_kiosk *, void *), void *ud);
	int (*kiosk_status)(void *b, const char *kiosk, const char *state, int64_t seen,
			    int64_t backlog, int daykey, const char *faults);
	int (*issued_next)(void *b, const char *topic, int64_t now, int64_t *ret);
	int (*day_venues)(void *b, const char *day, int (*fn)(const char *, void *), void *ud);
	int (*visits)(void *b, const char *day, const char *venue, const char *tok,
		      int (*fn)(int64_t, bool, void *), void *ud);
	int (*copresent)(void *b, const char *day, const char *venue, const char *tok,
			 int64_t from, int64_t to, uint64_t *ret);
	int (*day_counts)(void *b, const char *day, int (*fn)(const struct store_count *, void *),
			  void *ud);
	int (*notice_add)(void *b, const char *day, const char *h, int64_t from, int64_t to);
	int (*notices)(void *b, const char *day,
		       int (*fn)(const char *, int64_t, int64_t, void *), void *ud);
	int (*counter_add)(void *b, const char *name, int64_t delta);
	int (*counters)(void *b, int (*fn)(const char *, int64_t, void *), void *ud);
};

/* Open the backend; *ret_ops and *ret_b are set on success only. */
int store_sqlite_open(const char *path, const struct store_ops **ret_ops, void **ret_b);
int store_pg_open(const char *conninfo, const struct store_ops **ret_ops, void **ret_b);

#endif
