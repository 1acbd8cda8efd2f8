/* SPDX-License-Identifier: MIT */
/*
 * store.h - the city store: one interface, two backends (SQLite in store_sqlite.c, PostgreSQL
 * through libpq in store_pg.c), the same schema and behaviour (DESIGN.md "The city side";
 * docs/city.md "Store").
 *
 * What it holds: the check events (unique eid, indexed by local day so that retention is one
 * cheap delete by day), K_day per local day (the only copy), the days already shredded, the
 * kiosk registry with each kiosk's last status and eid bookkeeping, the last `issued` per
 * signed topic, the notices published, and ingest counters. Days are "YYYY-MM-DD" strings of
 * the city's local day, so that they compare as text.
 *
 * Errors are -errno; a backend's own message for the last failure is store_error(). struct
 * store is owned by the caller and freed with store_free(). Nothing here logs.
 */
#ifndef PASSGATE_CITY_STORE_H
#define PASSGATE_CITY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_DAY_LEN 11 /* "YYYY-MM-DD" + NUL */
#define STORE_ID_MAX  65
#define STORE_KEY_LEN 32

/* One check event as ingest parsed it (ingest.h); strings are borrowed for the call. */
struct store_event {
	const char *eid, *venue, *kiosk, *program;
	uint64_t seq; /* the number after "<kiosk>:" */
	int64_t slot;
	const char *day; /* local day of the slot */
	bool admit;
	const char *reasons; /* the JSON array text */
	const char *kind, *format, *tok; /* NULL for JSON null */
	const char *body;
};

struct store_kiosk {
	char venue[STORE_ID_MAX], kiosk[STORE_ID_MAX], ward[STORE_ID_MAX]; /* ward "" = none */
	char pubkey[64], receipt_key[64];				    /* receipt "" = none */
	int64_t added;
	/* Reported by ingest (0/"" until the kiosk is heard of). */
	char state[16]; /* "online", "offline", "" unknown */
	int64_t last_seen;
	int64_t backlog; /* -1 unknown */
	int daykey;	 /* 1 / 0, -1 unknown */
	char faults[512];
	uint64_t max_seq, seen; /* eid gaps = max_seq - seen */
};

/* One group of a day's events for the aggregates. */
struct store_count {
	int64_t slot;
	bool admit;
	const char *reasons; /* the JSON array text */
	const char *kind;   /* NULL for null */
	const char *ward;   /* NULL when the kiosk has none or is not registered */
	uint64_t n;
};

struct store;

/* @url: "sqlite:PATH" or "postgresql://..." (creates the schema when absent). */
int store_open(const char *url, struct store **ret);
void store_free(struct store *s);
const char *store_error(const struct store *s);

int store_begin(struct store *s);
int store_commit(struct store *s);
int store_rollback(struct store *s);

/* 1 when stored, 0 when the eid was there already (nothing changed). Updates eid bookkeeping. */
int store_event_add(struct store *s, const struct store_event *ev);
/* Events newest first, their JSON as received. */
int store_events_foreach(struct store *s, unsigned limit,
			 int (*fn)(const char *json, void *userdata), void *userdata);

int store_kday_get(struct store *s, const char *day, uint8_t k[STORE_KEY_LEN]); /* -ENOENT */
/* Keep @k for @day unless one is there already; then *k becomes the stored key. */
int store_kday_ensure(struct store *s, const char *day, uint8_t k[STORE_KEY_LEN]);
/* Delete K_day and the events of every day before @day, in one transaction; remember them as
 * shredded. *ret_days (may be NULL) gets the number of K_day deleted. */
int store_shred_before(struct store *s, const char *day, unsigned *ret_days);
int store_day_shredded(struct store *s, const char *day); /* 1 or 0 */

int store_kiosk_add(struct store *s, const struct store_kiosk *k); /* -EEXIST */
int store_kiosk_remove(struct store *s, const char *kiosk);	   /* -ENOENT */
int store_kiosk_foreach(struct store *s, int (*fn)(const struct store_kiosk *k, void *userdata),
			void *userdata);
/* The kiosk's status as its retained status topic says (only registered kiosks are kept). */
int store_kiosk_status(struct store *s, const char *kiosk, const char *state, int64_t seen,
		       int64_t backlog, int daykey, const char *faults_json);

/* The next `issued` for @topic: max(@now, last + 1), kept before it is returned. */
int store_issued_next(struct store *s, const char *topic, int64_t now, int64_t *ret);

/* The venues with events on @day. */
int store_day_venues(struct store *s, const char *day,
		     int (*fn)(const char *venue, void *userdata), void *userdata);
/* The events on @day at @venue with token @tok. */
int store_visits(struct store *s, const char *day, const char *venue, const char *tok,
		 int (*fn)(int64_t slot, bool admit, void *userdata), void *userdata);
/* Distinct other tokens admitted at @venue on @day in slots [from, to]. */
int store_copresent(struct store *s, const char *day, const char *venue, const char *tok,
		    int64_t from, int64_t to, uint64_t *ret);
/* The day's events grouped by slot, decision, first reason, kind and the kiosk's ward. */
int store_day_counts(struct store *s, const char *day,
		     int (*fn)(const struct store_count *c, void *userdata), void *userdata);

/* Notices: add one (venue-day), then all of @day. */
int store_notice_add(struct store *s, const char *day, const char *h, int64_t from, int64_t to);
int store_notices(struct store *s, const char *day,
		  int (*fn)(const char *h, int64_t from, int64_t to, void *userdata),
		  void *userdata);

/* Ingest counters by name ("stored", "duplicate", "malformed-json", ...). */
int store_counter_add(struct store *s, const char *name, int64_t delta);
int store_counters(struct store *s, int (*fn)(const char *name, int64_t value, void *userdata),
		   void *userdata);

#endif
