/* SPDX-License-Identifier: MIT */
/*
 * bookingcode.h - the booking code a venue's reservation system or front desk hands a party, to
 * be scanned at the gate before the party's certificates (docs/codes.md "Booking code"):
 *
 *   PGB1:<base64url(body)>.<base64url(Ed25519 signature)>   (events/signedcode.h, domain
 *   "passgate/v1/booking", signed by the venue's booking key; the kiosk's config holds the
 *   public keys it accepts)
 *   body = {"v":1,"venue":…,"residence":"JP-01"|null,"trip_start":"YYYY-MM-DD","nights":N,
 *           "reserved_on":"YYYY-MM-DD"|null,"party":N,"children":[age,…],
 *           "school_activity":bool,"issued":<unix s>,"expires":"YYYY-MM-DD"}
 *
 * `residence` is what the desk checked against an ID (the kiosk cannot see IDs); `nights` 0 is a
 * day visit (a restaurant, a day tour); `expires` the last local date the code opens a session
 * (the last night's date); `children` the ages of the party's children, at most party - 1 of
 * them and each under 18. No name is in a code.
 */
#ifndef PASSGATE_BOOKINGCODE_H
#define PASSGATE_BOOKINGCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOKINGCODE_PREFIX	  "PGB1:"
#define BOOKINGCODE_DOMAIN	  "passgate/v1/booking"
#define BOOKINGCODE_ID_MAX	  65
#define BOOKINGCODE_RESIDENCE_MAX 8 /* "JP-01": ISO 3166-2, at most "XX-YYY" + NUL */
#define BOOKINGCODE_PARTY_MAX	  64
#define BOOKINGCODE_CHILDREN_MAX  16
#define BOOKINGCODE_NIGHTS_MAX	  60

struct bookingcode {
	char venue[BOOKINGCODE_ID_MAX];
	char residence[BOOKINGCODE_RESIDENCE_MAX]; /* "" = not given */
	char trip_start[11];
	unsigned nights;      /* 0 = a day visit */
	char reserved_on[11]; /* "" = not given */
	unsigned party;	      /* 1..BOOKINGCODE_PARTY_MAX */
	unsigned n_children;
	unsigned children[BOOKINGCODE_CHILDREN_MAX]; /* ages, 0..17 */
	bool school_activity;
	int64_t issued; /* Unix seconds */
	char expires[11];
};

/* The body JSON of @b, compact, freed with free(). Returns its length or -EINVAL (a field out
 * of bounds or inconsistent: expires before trip_start, more children than party - 1 ...). */
int bookingcode_body(const struct bookingcode *b, char **ret);

/* Parse and check a body strictly. 0 or -EBADMSG. */
int bookingcode_parse_body(const uint8_t *body, size_t len, struct bookingcode *ret);

/* Sign @b with the venue's booking key @sk (64 bytes) into a code text (freed with free()).
 * Returns its length or -errno. */
int bookingcode_issue(const struct bookingcode *b, const uint8_t sk[64], char **ret);

/* Parse a code text without checking its signature (tools, fuzzing). 0, -ENOMSG (not a booking
 * code), -E2BIG, -EBADMSG. */
int bookingcode_parse(const char *text, size_t len, struct bookingcode *ret);

/*
 * Parse a code text and check its signature against each of the @n_keys public keys (32 bytes
 * each). 0, -ENOMSG, -E2BIG, -EBADMSG, -EKEYREJECTED (no key signed it). @ret untouched on
 * failure.
 */
int bookingcode_read(const char *text, size_t len, const uint8_t (*keys)[32], size_t n_keys,
		     struct bookingcode *ret);

/*
 * Whether a read code opens a session at @venue on local day @today (days since 1970-01-01):
 * 0, -EXDEV (another venue), -EAGAIN (before trip_start), -ETIME (after expires).
 */
int bookingcode_valid(const struct bookingcode *b, const char *venue, int64_t today);

#endif
