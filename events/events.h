/* SPDX-License-Identifier: MIT */
/*
 * events.h - the anonymized check event and its pseudonym (DESIGN.md "Events and MQTT",
 * docs/events.md).
 *
 * One decision becomes one JSON event. The event carries no name, birth date, certificate id or
 * exact time by construction: the only personal input, struct cred, is reduced here to `tok`, a
 * keyed pseudonym that only the holder of the day's key can test. Nothing here logs or stores.
 */
#ifndef PASSGATE_EVENTS_H
#define PASSGATE_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "credential/cred.h"

#define EVENTS_KEY_LEN	    32 /* K_day and K_venue_day */
#define EVENTS_TOK_BYTES    16 /* HMAC output kept */
#define EVENTS_TOK_LEN	    23 /* base64url of 16 bytes, no padding (22) + NUL */
#define EVENTS_SLOT_SECONDS 600
#define EVENTS_MAX_REASONS  16
#define EVENTS_CANON_MAX    (4 * 2 + 2 * CRED_NAME_MAX + CRED_DATE_MAX + CRED_ISSUER_MAX)

/* What the kiosk decided, as the event builder needs it. Every pointer is borrowed for the call. */
struct events_check {
	const char *venue;   /* [venue] id */
	const char *kiosk;   /* [mqtt] kiosk */
	const char *program; /* program id */
	int64_t now;	     /* Unix seconds of the decision; only now/600 is kept */
	bool admit;
	const char *const *reasons; /* reason codes (PROGRAMS.md) */
	size_t n_reasons;
	const char *kind;   /* "vaccination" | "test" | "recovery" | NULL */
	const char *format; /* "shc" | "dcc" | NULL */
	/* The credential (NULL when the person had none) and today's venue key (NULL when the city
	 * has not delivered one): both present gives a `tok`, otherwise `tok` is null. */
	const struct cred *cred;
	const uint8_t *venue_key; /* EVENTS_KEY_LEN bytes: K_venue_day */
};

/* K_venue_day = HKDF-SHA256(ikm = K_day, salt = none, info = "passgate/v1/venue/" + venue). */
int events_venue_key(const uint8_t k_day[EVENTS_KEY_LEN], const char *venue,
		     uint8_t out[EVENTS_KEY_LEN]);

/*
 * The visit code of a venue-day (receipts and the city's notices, docs/city.md "Notices"):
 * the first 16 bytes of HMAC-SHA256(K_venue_day, "passgate/v1/visit-code").
 */
#define EVENTS_VISIT_CODE_LEN 16
int events_visit_code(const uint8_t venue_key[EVENTS_KEY_LEN], uint8_t out[EVENTS_VISIT_CODE_LEN]);

/*
 * Fold one name the documented way (docs/events.md "Canonical name"): ASCII letters upper-case,
 * fullwidth ASCII (U+FF01..U+FF5E) to ASCII, U+3000 and ASCII white space and control characters
 * and the ICAO filler '<' to one space, runs of spaces collapsed, ends trimmed; every other
 * character (kanji, kana, accented letters) kept as its UTF-8 bytes. Returns the length written
 * (without NUL) or -ENOSPC when @size is too small.
 */
int events_fold_name(const char *in, char *out, size_t size);

/*
 * The canonical pseudonym input of @c: four fields, each as a 2-byte big-endian length followed
 * by its bytes, so that no two different inputs concatenate to the same string:
 *   family ‖ given ‖ dob ‖ issuer
 * family/given are the DCC ICAO transliteration (fnt/gnt) when fnt is present, else the printed
 * name (SHC, DCC without fnt), folded with events_fold_name(). Returns the length or -errno.
 * The buffer holds personal data: the caller wipes it.
 */
int events_canonical(const struct cred *c, uint8_t *out, size_t size);

/* tok = base64url(HMAC-SHA256(K_venue_day, canonical(c))[0..16]) into @out. */
int events_token(const uint8_t venue_key[EVENTS_KEY_LEN], const struct cred *c,
		 char out[EVENTS_TOK_LEN]);

/*
 * The event JSON for @ck with eid "<kiosk>:<seq>". *ret_json is NUL-terminated, compact, and
 * freed by the caller with free(). Returns its length, or -EINVAL for a missing venue, kiosk or
 * program, too many reasons, or a negative time.
 */
int events_build(const struct events_check *ck, uint64_t seq, char **ret_json);

/* The check topic "passgate/v1/<city>/venue/<venue>/kiosk/<kiosk>/check" into @out. */
int events_topic_check(const char *city, const char *venue, const char *kiosk, char *out,
		       size_t size);
/* The status topic ".../kiosk/<kiosk>/status". */
int events_topic_status(const char *city, const char *venue, const char *kiosk, char *out,
			size_t size);

/* True when @s is usable as one MQTT topic level (non-empty, no '/', '+', '#', NUL, <= 64). */
bool events_topic_level_ok(const char *s);

#endif
