/* SPDX-License-Identifier: MIT */
/*
 * store.c - the city store's one interface (store.h): picks the backend from the URL and hands
 * every call to it, so that the daemon, the commands and the tests never know which database
 * holds the events.
 */
#include "city/store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "city/store_internal.h"

struct store {
	const struct store_ops *ops;
	void *b;
};

int store_open(const char *url, struct store **ret)
{
	struct store *s;
	int r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (!strncmp(url, "sqlite:", 7))
		r = store_sqlite_open(url + 7, &s->ops, &s->b);
	else if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11))
		r = store_pg_open(url, &s->ops, &s->b);
	else
		r = -EINVAL;
	if (r < 0) {
		free(s);
		return r;
	}
	*ret = s;
	return 0;
}

void store_free(struct store *s)
{
	if (!s)
		return;
	s->ops->free(s->b);
	free(s);
}

const char *store_error(const struct store *s)
{
	return s->ops->error(s->b);
}

int store_begin(struct store *s)
{
	return s->ops->exec(s->b, "BEGIN");
}

int store_commit(struct store *s)
{
	return s->ops->exec(s->b, "COMMIT");
}

int store_rollback(struct store *s)
{
	return s->ops->exec(s->b, "ROLLBACK");
}

int store_event_add(struct store *s, const struct store_event *ev)
{
	return s->ops->event_add(s->b, ev);
}

int store_events_foreach(struct store *s, unsigned limit, int (*fn)(const char *, void *),
			 void *ud)
{
	return s->ops->events_foreach(s->b, limit, fn, ud);
}

int store_kday_get(struct store *s, const char *day, uint8_t k[STORE_KEY_LEN])
{
	return s->ops->kday_get(s->b, day, k);
}

int store_kday_ensure(struct store *s, const char *day, uint8_t k[STORE_KEY_LEN])
{
	int r = s->ops->kday_insert(s->b, day, k);

	return r < 0 ? r : s->ops->kday_get(s->b, day, k);
}

int store_shred_before(struct store *s, const char *day, unsigned *ret_days)
{
	return s->ops->shred_before(s->b, day, ret_days);
}

int store_day_shredded(struct store *s, const char *day)
{
	return s->ops->day_shredded(s->b, day);
}

int store_kiosk_add(struct store *s, const struct store_kiosk *k)
{
	return s->ops->kiosk_add(s->b, k);
}

int store_kiosk_remove(struct store *s, const char *kiosk)
{
	return s->ops->kiosk_remove(s->b, kiosk);
}

int store_kiosk_foreach(struct store *s, int (*fn)(const struct store_kiosk *, void *), void *ud)
{
	return s->ops->kiosk_foreach(s->b, fn, ud);
}

int store_kiosk_status(struct store *s, const char *kiosk, const char *state, int64_t seen,
		       int64_t backlog, int daykey, const char *faults_json)
{
	return s->ops->kiosk_status(s->b, kiosk, state, seen, backlog, daykey, faults_json);
}

int store_issued_next(struct store *s, const char *topic, int64_t now, int64_t *ret)
{
	return s->ops->issued_next(s->b, topic, now, ret);
}

int store_day_venues(struct store *s, const char *day, int (*fn)(const char *, void *), void *ud)
{
	return s->ops->day_venues(s->b, day, fn, ud);
}

int store_visits(struct store *s, const char *day, const char *venue, const char *tok,
		 int (*fn)(int64_t, bool, void *), void *ud)
{
	return s->ops->visits(s->b, day, venue, tok, fn, ud);
}

int store_copresent(struct store *s, const char *day, const char *venue, const char *tok,
		    int64_t from, int64_t to, uint64_t *ret)
{
	return s->ops->copresent(s->b, day, venue, tok, from, to, ret);
}

int store_day_counts(struct store *s, const char *day,
		     int (*fn)(const struct store_count *, void *), void *ud)
{
	return s->ops->day_counts(s->b, day, fn, ud);
}

int store_notice_add(struct store *s, const char *day, const char *h, int64_t from, int64_t to)
{
	return s->ops->notice_add(s->b, day, h, from, to);
}

int store_notices(struct store *s, const char *day,
		  int (*fn)(const char *, int64_t, int64_t, void *), void *ud)
{
	return s->ops->notices(s->b, day, fn, ud);
}

int store_counter_add(struct store *s, const char *name, int64_t delta)
{
	return s->ops->counter_add(s->b, name, delta);
}

int store_counters(struct store *s, int (*fn)(const char *, int64_t, void *), void *ud)
{
	return s->ops->counters(s->b, fn, ud);
}
