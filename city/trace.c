/* SPDX-License-Identifier: MIT */
/*
 * trace.c - the tracing procedure of docs/events.md "How the city traces a confirmed case",
 * against the city store (trace.h). The case's tokens live only in this file's stack frames
 * and are wiped after each venue; the output holds venues, slots and counts.
 */
#include "city/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "city/context.h"
#include "credential/b64url.h"
#include "credential/sig.h"
#include "events/events.h"

struct day_ctx {
	struct city *c;
	const struct cred *cred;
	const char *day, *venue;
	const uint8_t *kday;
	unsigned window;
	bool notify, noticed;
	json_t *visits, *venues;
	size_t n_visits;
	/* the current venue's visits */
	int64_t first, last;
	size_t n;
};

static int on_visit(int64_t slot, bool admit, void *ud)
{
	struct day_ctx *d = ud;

	if (d->n == 0 || slot < d->first)
		d->first = slot;
	if (d->n == 0 || slot > d->last)
		d->last = slot;
	d->n++;
	return json_array_append_new(d->visits,
				     json_pack("{s:s,s:s,s:I,s:s}", "date", d->day, "venue",
					       d->venue, "slot", (json_int_t)slot, "decision",
					       admit ? "admit" : "deny"))
		       ? -ENOMEM
		       : 0;
}

/* SHA-256(visit_code) in base64url: what a notice carries for this venue-day. */
static int notice_hash(const uint8_t kv[EVENTS_KEY_LEN], char **ret)
{
	uint8_t vc[EVENTS_VISIT_CODE_LEN], h[32];
	int r = events_visit_code(kv, vc);

	if (r >= 0) {
		sig_sha256(vc, sizeof(vc), h);
		r = b64url_encode(h, sizeof(h), ret);
	}
	explicit_bzero(vc, sizeof(vc));
	return r;
}

/* The venue's found visits -> window, co-present count and, with notify, the notice. */
static int venue_answer(struct day_ctx *d, const char *tok, const uint8_t kv[EVENTS_KEY_LEN])
{
	int64_t from = d->first - (int64_t)d->window, to = d->last + (int64_t)d->window;
	uint64_t others = 0;
	char *h = NULL;
	int r;

	r = store_copresent(d->c->store, d->day, d->venue, tok, from, to, &others);
	if (r < 0)
		return r;
	if (json_array_append_new(d->venues,
				  json_pack("{s:s,s:s,s:{s:I,s:I},s:I}", "date", d->day, "venue",
					    d->venue, "window", "from", (json_int_t)from, "to",
					    (json_int_t)to, "copresent", (json_int_t)others)))
		return -ENOMEM;
	if (!d->notify)
		return 0;
	r = notice_hash(kv, &h);
	if (r >= 0)
		r = store_notice_add(d->c->store, d->day, h, from, to);
	free(h);
	d->noticed = r >= 0;
	return r;
}

static int on_venue(const char *venue, void *ud)
{
	struct day_ctx *d = ud;
	uint8_t kv[EVENTS_KEY_LEN];
	char tok[EVENTS_TOK_LEN];
	int r;

	d->venue = venue;
	d->n = 0;
	r = events_venue_key(d->kday, venue, kv);
	if (r >= 0)
		r = events_token(kv, d->cred, tok);
	if (r >= 0)
		r = store_visits(d->c->store, d->day, venue, tok, on_visit, d);
	if (r >= 0 && d->n > 0) {
		d->n_visits += d->n;
		r = venue_answer(d, tok, kv);
	}
	explicit_bzero(kv, sizeof(kv));
	explicit_bzero(tok, sizeof(tok));
	return r;
}

/* One day: its status, and the visits and venues it adds. */
static int trace_day(struct day_ctx *d, struct trace_result *res, json_t *days)
{
	uint8_t kday[STORE_KEY_LEN];
	const char *status = "searched";
	int r = store_day_shredded(d->c->store, d->day);

	if (r < 0)
		return r;
	if (r == 1) {
		status = "shredded";
		res->days_shredded++;
	} else {
		r = city_kday(d->c, d->day, 0, kday);
		if (r == -ENOENT) {
			status = "no-key";
		} else if (r < 0) {
			return r;
		} else {
			res->days_searched++;
			d->kday = kday;
			d->noticed = false;
			r = store_day_venues(d->c->store, d->day, on_venue, d);
			explicit_bzero(kday, sizeof(kday));
			if (r < 0)
				return r;
			if (d->noticed)
				memcpy(res->notice_days[res->n_notice_days++], d->day, 11);
		}
	}
	return json_array_append_new(days, json_pack("{s:s,s:s}", "date", d->day, "status",
						      status))
		       ? -ENOMEM
		       : 0;
}

int trace_run(struct city *c, const struct cred *case_cred, const char *from, const char *to,
	      unsigned window, bool notify, struct trace_result *ret)
{
	struct day_ctx d = { .c = c, .cred = case_cred, .window = window, .notify = notify };
	struct trace_result res = { 0 };
	char day[STORE_DAY_LEN], days_n[TRACE_DAYS_MAX][STORE_DAY_LEN];
	json_t *days = json_array(), *o = NULL;
	int64_t t0, t1;
	size_t n = 0;
	int r = -EINVAL;

	d.visits = json_array();
	d.venues = json_array();
	if (!days || !d.visits || !d.venues) {
		r = -ENOMEM;
		goto free_json;
	}
	if (city_day_start(from, &t0) < 0 || city_day_start(to, &t1) < 0 || t0 > t1)
		goto free_json;
	snprintf(day, sizeof(day), "%s", from);
	while (strcmp(day, to) <= 0) {
		if (n == TRACE_DAYS_MAX)
			goto free_json;
		memcpy(days_n[n++], day, sizeof(day));
		if (city_day_add(days_n[n - 1], 1, day) < 0)
			goto free_json;
	}
	for (size_t i = 0; i < n; i++) {
		d.day = days_n[i];
		r = trace_day(&d, &res, days);
		if (r < 0)
			goto free_json;
	}
	o = json_pack("{s:s,s:s,s:i,s:O,s:O,s:O}", "from", from, "to", to, "window", (int)window,
		      "days", days, "visits", d.visits, "venues", d.venues);
	res.json = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	r = res.json ? 0 : -ENOMEM;
	res.visits = d.n_visits;
	if (r >= 0)
		*ret = res;
free_json:
	json_decref(o);
	json_decref(days);
	json_decref(d.visits);
	json_decref(d.venues);
	return r;
}

int trace_audit(const struct city *c, const char *who, const char *from, const char *to,
		const struct trace_result *res, bool notify)
{
	char path[CITYCONF_PATH_MAX + 32], *text;
	json_t *o;
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/%s", c->cfg->state_dir, CITY_AUDIT_FILE);
	o = json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:b}", "time", (json_int_t)city_now(c), "who",
		      who, "from", from, "to", to, "days_searched", (json_int_t)res->days_searched,
		      "days_shredded", (json_int_t)res->days_shredded, "visits",
		      (json_int_t)res->visits, "notify", notify);
	text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!text)
		return -ENOMEM;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || dprintf(fd, "%s\n", text) < 0 || fsync(fd) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	free(text);
	return r;
}
