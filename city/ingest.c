/* SPDX-License-Identifier: MIT */
/*
 * ingest.c - parse and check the kiosks' events and status messages (ingest.h) with jansson.
 * Every bound is checked before anything is copied, so a message an outsider shaped can only
 * be refused, never overflow or stall the daemon (DESIGN.md failure rules).
 */
#include "city/ingest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "events/events.h"

#define MAX_REASON 64

static const char *const verdict_names[INGEST_VERDICT_COUNT_] = {
	[INGEST_OK] = "stored",
	[INGEST_BAD_TOPIC] = "malformed-topic",
	[INGEST_TOO_LARGE] = "too-large",
	[INGEST_BAD_JSON] = "bad-json",
	[INGEST_BAD_VERSION] = "unknown-version",
	[INGEST_BAD_FIELD] = "bad-field",
};

const char *ingest_verdict_name(enum ingest_verdict v)
{
	return (unsigned)v < INGEST_VERDICT_COUNT_ ? verdict_names[v] : "unknown";
}

/* Split "passgate/v1/<city>/venue/<venue>/kiosk/<kiosk>/<leaf>" into venue and kiosk. */
static int split_topic(const char *city, const char *topic, const char *leaf, char *venue,
		       char *kiosk)
{
	char buf[512], *lv[9];
	int n = 0;

	if (!topic || strlen(topic) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, topic, strlen(topic) + 1);
	/* strtok_r would merge empty levels: split by hand. */
	lv[n++] = buf;
	for (char *p = buf; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (n == 8)
				return -EINVAL;
			lv[n++] = p + 1;
		}
	if (n != 8 || strcmp(lv[0], "passgate") || strcmp(lv[1], "v1") || strcmp(lv[2], city) ||
	    strcmp(lv[3], "venue") || strcmp(lv[5], "kiosk") || strcmp(lv[7], leaf) ||
	    !events_topic_level_ok(lv[4]) || !events_topic_level_ok(lv[6]))
		return -EINVAL;
	snprintf(venue, INGEST_ID_MAX, "%s", lv[4]);
	snprintf(kiosk, INGEST_ID_MAX, "%s", lv[6]);
	return 0;
}

static bool str_member(json_t *o, const char *key, size_t max, bool nullable, char *out,
		       size_t size, bool *ret_present)
{
	json_t *v = json_object_get(o, key);
	size_t n;

	if (!v)
		return false;
	if (json_is_null(v)) {
		out[0] = '\0';
		if (ret_present)
			*ret_present = false;
		return nullable;
	}
	if (!json_is_string(v))
		return false;
	n = json_string_length(v);
	if (n == 0 || n > max || n >= size || memchr(json_string_value(v), '\0', n))
		return false;
	memcpy(out, json_string_value(v), n + 1);
	if (ret_present)
		*ret_present = true;
	return true;
}

static bool tok_ok(const char *t)
{
	if (strlen(t) != EVENTS_TOK_LEN - 1)
		return false;
	for (; *t; t++)
		if (!((*t >= 'A' && *t <= 'Z') || (*t >= 'a' && *t <= 'z') ||
		      (*t >= '0' && *t <= '9') || *t == '-' || *t == '_'))
			return false;
	return true;
}

static bool reasons_ok(json_t *a, char *out, size_t size)
{
	size_t i;
	json_t *r;
	char *text;
	bool ok;

	if (!json_is_array(a) || json_array_size(a) > EVENTS_MAX_REASONS)
		return false;
	json_array_foreach(a, i, r)
	{
		if (!json_is_string(r) || json_string_length(r) == 0 ||
		    json_string_length(r) > MAX_REASON)
			return false;
	}
	text = json_dumps(a, JSON_COMPACT);
	ok = text && strlen(text) < size;
	if (ok)
		memcpy(out, text, strlen(text) + 1);
	free(text);
	return ok;
}

/* "<kiosk>:<seq>" with the topic's kiosk and a decimal seq >= 1. */
static bool eid_ok(const char *eid, const char *kiosk, uint64_t *ret_seq)
{
	size_t k = strlen(kiosk);
	const char *p;
	char *end;
	uint64_t seq;

	if (strncmp(eid, kiosk, k) || eid[k] != ':')
		return false;
	p = eid + k + 1;
	if (*p < '1' || *p > '9' || strlen(p) > 19)
		return false;
	errno = 0;
	seq = strtoull(p, &end, 10);
	if (errno || *end)
		return false;
	*ret_seq = seq;
	return true;
}

static enum ingest_verdict check_members(json_t *o, struct ingest_event *e, const char *venue,
					 const char *kiosk)
{
	json_t *slot = json_object_get(o, "slot"), *dec = json_object_get(o, "decision");
	char v[INGEST_ID_MAX], k[INGEST_ID_MAX];

	if (!str_member(o, "eid", sizeof(e->eid) - 1, false, e->eid, sizeof(e->eid), NULL) ||
	    !eid_ok(e->eid, kiosk, &e->seq) ||
	    !str_member(o, "venue", 64, false, v, sizeof(v), NULL) || strcmp(v, venue) ||
	    !str_member(o, "kiosk", 64, false, k, sizeof(k), NULL) || strcmp(k, kiosk) ||
	    !json_is_integer(slot) || json_integer_value(slot) < 0 ||
	    json_integer_value(slot) > INT64_MAX / 1200 ||
	    !str_member(o, "program", 64, false, e->program, sizeof(e->program), NULL) ||
	    !json_is_string(dec) ||
	    (strcmp(json_string_value(dec), "admit") && strcmp(json_string_value(dec), "deny")) ||
	    !reasons_ok(json_object_get(o, "reasons"), e->reasons, sizeof(e->reasons)) ||
	    !str_member(o, "kind", 31, true, e->kind, sizeof(e->kind), &e->has_kind) ||
	    !str_member(o, "format", 15, true, e->format, sizeof(e->format), &e->has_format) ||
	    !str_member(o, "tok", 23, true, e->tok, sizeof(e->tok), &e->has_tok) ||
	    (e->has_tok && !tok_ok(e->tok)))
		return INGEST_BAD_FIELD;
	e->slot = json_integer_value(slot);
	e->admit = !strcmp(json_string_value(dec), "admit");
	memcpy(e->venue, venue, strlen(venue) + 1);
	memcpy(e->kiosk, kiosk, strlen(kiosk) + 1);
	return INGEST_OK;
}

enum ingest_verdict ingest_event_parse(const char *city, const char *topic, const void *payload,
				       size_t len, size_t max_bytes, struct ingest_event *ret)
{
	char venue[INGEST_ID_MAX], kiosk[INGEST_ID_MAX];
	struct ingest_event e;
	enum ingest_verdict v;
	json_t *o, *ver;

	if (split_topic(city, topic, "check", venue, kiosk) < 0)
		return INGEST_BAD_TOPIC;
	if (len > max_bytes)
		return INGEST_TOO_LARGE;
	o = json_loadb(payload, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return INGEST_BAD_JSON;
	}
	ver = json_object_get(o, "v");
	if (!json_is_integer(ver) || json_integer_value(ver) != 1) {
		json_decref(o);
		return INGEST_BAD_VERSION;
	}
	memset(&e, 0, sizeof(e));
	v = check_members(o, &e, venue, kiosk);
	json_decref(o);
	if (v == INGEST_OK)
		*ret = e;
	return v;
}

int ingest_status_parse(const char *city, const char *topic, const void *payload, size_t len,
			struct ingest_status *ret)
{
	struct ingest_status s = { .backlog = -1, .daykey = -1 };
	json_t *o, *st, *ob, *pend, *dk, *faults;
	char *text = NULL;
	int r = -EBADMSG;

	if (split_topic(city, topic, "status", s.venue, s.kiosk) < 0 || len > 8192)
		return -EBADMSG;
	o = json_loadb(payload, len, JSON_REJECT_DUPLICATES, NULL);
	st = json_object_get(o, "state");
	if (!json_is_object(o) || !json_is_string(st) ||
	    (strcmp(json_string_value(st), "online") && strcmp(json_string_value(st), "offline")))
		goto free_json;
	snprintf(s.state, sizeof(s.state), "%s", json_string_value(st));
	ob = json_object_get(o, "outbox");
	pend = json_object_get(ob, "pending");
	if (json_is_integer(pend) && json_integer_value(pend) >= 0)
		s.backlog = json_integer_value(pend);
	dk = json_object_get(o, "daykey");
	if (json_is_boolean(dk))
		s.daykey = json_is_true(dk);
	faults = json_object_get(o, "faults");
	text = json_is_array(faults) && json_array_size(faults) <= 16
		       ? json_dumps(faults, JSON_COMPACT)
		       : NULL;
	snprintf(s.faults, sizeof(s.faults), "%s",
		 text && strlen(text) < sizeof(s.faults) ? text : "[]");
	*ret = s;
	r = 0;
free_json:
	free(text);
	json_decref(o);
	return r;
}
