/* SPDX-License-Identifier: MIT */
/*
 * ingest.h - check the kiosks' messages before the city stores anything (docs/events.md for
 * the event; docs/city.md "Ingest").
 *
 * An event must arrive on "passgate/v1/<city>/venue/<venue>/kiosk/<kiosk>/check" of this city,
 * be at most max_event_bytes, parse as one JSON object with "v":1, and carry every member with
 * the right type and bounds: an eid "<kiosk>:<seq>" of the topic's kiosk, the topic's venue and
 * kiosk, a slot, a program, admit|deny, at most 16 reasons, kind/format/tok (tok null or 22
 * base64url characters). Anything else is refused with a reason the daemon counts. Nothing
 * here logs or allocates beyond the call.
 */
#ifndef PASSGATE_CITY_INGEST_H
#define PASSGATE_CITY_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INGEST_ID_MAX	   65
#define INGEST_REASONS_MAX 1100 /* the reasons array as compact JSON */

enum ingest_verdict {
	INGEST_OK = 0,
	INGEST_BAD_TOPIC,   /* not a check topic of this city, or a bad level */
	INGEST_TOO_LARGE,   /* more than max_event_bytes */
	INGEST_BAD_JSON,    /* not one JSON object */
	INGEST_BAD_VERSION, /* "v" is not 1 */
	INGEST_BAD_FIELD,   /* a member missing, of the wrong type, out of bounds or unlike the topic */
	INGEST_VERDICT_COUNT_,
};

struct ingest_event {
	char eid[2 * INGEST_ID_MAX + 24];
	char venue[INGEST_ID_MAX], kiosk[INGEST_ID_MAX], program[INGEST_ID_MAX];
	uint64_t seq;
	int64_t slot;
	bool admit;
	char reasons[INGEST_REASONS_MAX];
	char kind[32], format[16], tok[24]; /* "" for null */
	bool has_kind, has_format, has_tok;
};

/* The counter name of @v: "stored" for INGEST_OK, "malformed-topic", "too-large", ... */
const char *ingest_verdict_name(enum ingest_verdict v);

/* Check one message of @city's check topic. *ret is filled when the verdict is INGEST_OK. */
enum ingest_verdict ingest_event_parse(const char *city, const char *topic, const void *payload,
				       size_t len, size_t max_bytes, struct ingest_event *ret);

/* A kiosk's retained status (docs/events.md, "faults" per the city contract). */
struct ingest_status {
	char venue[INGEST_ID_MAX], kiosk[INGEST_ID_MAX];
	char state[16];	   /* "online" | "offline" */
	int64_t backlog;   /* outbox.pending, -1 when absent */
	int daykey;	   /* 1, 0, -1 when absent */
	char faults[512];  /* JSON array text, "[]" when absent */
};

/* Parse a status message on "passgate/v1/<city>/venue/<venue>/kiosk/<kiosk>/status".
 * Returns 0, or -EBADMSG. */
int ingest_status_parse(const char *city, const char *topic, const void *payload, size_t len,
			struct ingest_status *ret);

#endif
