/* SPDX-License-Identifier: MIT */
/*
 * stats.c - compute and publish the dashboard's aggregates (stats.h) from the store's grouped
 * day counts: one accumulator for the city and one per ward, then k-suppression on output.
 */
#include "city/stats.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "city/context.h"
#include "city/link.h"
#include "city/publish.h"
#include "events/events.h"

#define WARDS_MAX 256

static const char *const kinds[] = { "vaccination",    "test",	       "recovery",
				     "staff-verified", "child-exempt", "none" };
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

struct acc {
	char ward[STORE_ID_MAX]; /* "" for the whole city */
	uint64_t admitted, denied;
	uint64_t hours[24][2];
	uint64_t kinds[N_KINDS];
	json_t *reasons; /* name -> integer */
};

struct day_acc {
	struct acc city, wards[WARDS_MAX];
	size_t n_wards;
	int err;
};

static struct acc *ward_acc(struct day_acc *d, const char *ward)
{
	for (size_t i = 0; i < d->n_wards; i++)
		if (!strcmp(d->wards[i].ward, ward))
			return &d->wards[i];
	if (d->n_wards == WARDS_MAX)
		return NULL;
	snprintf(d->wards[d->n_wards].ward, STORE_ID_MAX, "%s", ward);
	d->wards[d->n_wards].reasons = json_object();
	return &d->wards[d->n_wards++];
}

static size_t kind_index(const char *kind, json_t *reasons)
{
	size_t i;
	json_t *r;

	for (i = 0; kind && i < 3; i++)
		if (!strcmp(kind, kinds[i]))
			return i;
	json_array_foreach(reasons, i, r)
	{
		if (!strcmp(json_string_value(r), "staff-verified"))
			return 3;
		if (!strcmp(json_string_value(r), "child-exempt"))
			return 4;
	}
	return 5;
}

static void add(struct acc *a, const struct store_count *n, int hour, size_t kind,
		json_t *reasons)
{
	size_t i;
	json_t *r;

	if (n->admit)
		a->admitted += n->n;
	else
		a->denied += n->n;
	a->hours[hour][n->admit ? 0 : 1] += n->n;
	a->kinds[kind] += n->n;
	json_array_foreach(reasons, i, r)
	{
		const char *name = json_string_value(r);
		json_t *v = name ? json_object_get(a->reasons, name) : NULL;

		if (name)
			json_object_set_new(a->reasons, name,
					    json_integer((v ? json_integer_value(v) : 0) +
							 (json_int_t)n->n));
	}
}

static int on_count(const struct store_count *n, void *ud)
{
	struct day_acc *d = ud;
	time_t t = (time_t)(n->slot * EVENTS_SLOT_SECONDS);
	json_t *reasons = json_loads(n->reasons ? n->reasons : "[]", 0, NULL);
	struct tm tm;
	size_t kind;

	if (!localtime_r(&t, &tm) || !json_is_array(reasons)) {
		json_decref(reasons);
		return 0;
	}
	kind = kind_index(n->kind, reasons);
	add(&d->city, n, tm.tm_hour, kind, reasons);
	if (n->ward) {
		struct acc *w = ward_acc(d, n->ward);

		if (w)
			add(w, n, tm.tm_hour, kind, reasons);
	}
	json_decref(reasons);
	return 0;
}

/* A count as published: 0 or >= k as a number, 1..k-1 as "<k". */
static json_t *count(uint64_t n, unsigned k)
{
	char s[16];

	if (n == 0 || n >= k)
		return json_integer((json_int_t)n);
	snprintf(s, sizeof(s), "<%u", k);
	return json_string(s);
}

static json_t *acc_json(const struct acc *a, const char *city, const char *day, unsigned k,
			int64_t now)
{
	json_t *hours = json_array(), *reasons = json_object(), *kk = json_object(), *v;
	const char *name;

	for (int h = 0; h < 24; h++)
		json_array_append_new(hours, json_pack("{s:i,s:o,s:o}", "hour", h, "admitted",
						       count(a->hours[h][0], k), "denied",
						       count(a->hours[h][1], k)));
	json_object_foreach(a->reasons, name, v)
		json_object_set_new(reasons, name, count((uint64_t)json_integer_value(v), k));
	for (size_t i = 0; i < N_KINDS; i++)
		json_object_set_new(kk, kinds[i], count(a->kinds[i], k));
	return json_pack("{s:i,s:s,s:o,s:s,s:i,s:I,s:o,s:o,s:o,s:o,s:o}", "v", 1, "city", city,
			 "ward", a->ward[0] ? json_string(a->ward) : json_null(), "date", day,
			 "k", (int)k, "updated", (json_int_t)now, "admitted",
			 count(a->admitted, k), "denied", count(a->denied, k), "hours", hours,
			 "reasons", reasons, "kinds", kk);
}

static int publish_json(struct city *c, struct link *l, const char *rest, json_t *o)
{
	char topic[256], *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	int r = text ? publish_topic(c, topic, sizeof(topic), rest) : -ENOMEM;

	if (r >= 0)
		r = link_publish(l, topic, text, strlen(text));
	free(text);
	json_decref(o);
	return r;
}

int stats_publish_day(struct city *c, struct link *l, const char *day)
{
	struct day_acc *d = calloc(1, sizeof(*d));
	char rest[160];
	int r;

	if (!d)
		return -ENOMEM;
	d->city.reasons = json_object();
	r = store_day_counts(c->store, day, on_count, d);
	snprintf(rest, sizeof(rest), "stats/day/%s", day);
	if (r >= 0)
		r = publish_json(c, l, rest,
				 acc_json(&d->city, c->cfg->id, day, c->cfg->k, city_now(c)));
	for (size_t i = 0; r >= 0 && i < d->n_wards; i++) {
		snprintf(rest, sizeof(rest), "stats/ward/%s/day/%s", d->wards[i].ward, day);
		r = publish_json(c, l, rest,
				 acc_json(&d->wards[i], c->cfg->id, day, c->cfg->k, city_now(c)));
	}
	json_decref(d->city.reasons);
	for (size_t i = 0; i < d->n_wards; i++)
		json_decref(d->wards[i].reasons);
	free(d);
	return r;
}

static int fleet_row(const struct store_kiosk *k, void *ud)
{
	json_t *faults = json_loads(k->faults[0] ? k->faults : "[]", 0, NULL);
	uint64_t gaps = k->max_seq > k->seen ? k->max_seq - k->seen : 0;

	return json_array_append_new(
		       ud, json_pack("{s:s,s:s,s:o,s:s,s:o,s:o,s:o,s:o,s:I}", "venue", k->venue,
				     "kiosk", k->kiosk,
				     "ward", k->ward[0] ? json_string(k->ward) : json_null(),
				     "state", k->state[0] ? k->state : "unknown", "last_seen",
				     k->last_seen ? json_integer(k->last_seen) : json_null(),
				     "backlog", k->backlog >= 0 ? json_integer(k->backlog) : json_null(),
				     "faults", json_is_array(faults) ? faults : json_array(),
				     "daykey", k->daykey >= 0 ? json_boolean(k->daykey) : json_null(),
				     "eid_gaps", (json_int_t)gaps))
		       ? -ENOMEM
		       : 0;
}

int stats_publish_fleet(struct city *c, struct link *l)
{
	json_t *list = json_array();
	int r = list ? store_kiosk_foreach(c->store, fleet_row, list) : -ENOMEM;

	if (r < 0) {
		json_decref(list);
		return r;
	}
	return publish_json(c, l, "stats/fleet",
			    json_pack("{s:i,s:I,s:o}", "v", 1, "updated", (json_int_t)city_now(c),
				      "kiosks", list));
}
