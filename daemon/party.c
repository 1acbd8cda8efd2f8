/* SPDX-License-Identifier: MIT */
/*
 * party.c - booking and receipt codes turned into the context a party is judged with
 * (party.h). The rules come from the seeds: the test of a consecutive stay is judged at the
 * trip's first day, proven by the previous night's receipt (seed 004 §2(2), seed 003 §5, seed
 * 001); the booking's residence is what the desk checked against an ID (seed 004 §2(1)); a
 * booking made on or after a date changes the dose count (seed 003); group and children rules
 * read group_size and age (seed 002).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "daemon/party.h"
#include "events/signedcode.h"
#include "rules/datetime.h"
#include "rules/program.h"

enum party_code party_code_kind(const char *text, size_t len)
{
	if (signedcode_has_prefix(BOOKINGCODE_PREFIX, text, len))
		return PARTY_BOOKING;
	if (signedcode_has_prefix(RECEIPTCODE_PREFIX, text, len))
		return PARTY_RECEIPT;
	return PARTY_NONE;
}

int party_booking_read(const char *text, size_t len, const uint8_t (*keys)[32], size_t n_keys,
		       const char *venue, const char *tz, int64_t now, struct bookingcode *ret,
		       enum rules_reason *ret_why)
{
	struct bookingcode b;
	int64_t today;
	int r;

	*ret_why = RULES_R_BOOKING_INVALID;
	r = bookingcode_read(text, len, keys, n_keys, &b);
	if (r < 0)
		return r;
	r = rules_local_days(now, tz, &today);
	if (r < 0)
		return r;
	r = bookingcode_valid(&b, venue, today);
	if (r == -EXDEV)
		*ret_why = RULES_R_BOOKING_OTHER_VENUE;
	else if (r == -EAGAIN)
		*ret_why = RULES_R_BOOKING_NOT_YET_VALID;
	else if (r == -ETIME)
		*ret_why = RULES_R_BOOKING_EXPIRED;
	if (r < 0)
		return r;
	*ret = b;
	return 0;
}

/* trip_start and the night it implies on the local date of @now (days since + 1). */
static int set_trip(struct rules_context *ctx, const struct rules_program *p,
		    const char *trip_start, const char *tz, int64_t now)
{
	int64_t start, today;
	char night[16];
	int r;

	r = signedcode_date(trip_start, &start);
	if (r >= 0)
		r = rules_local_days(now, tz, &today);
	if (r < 0)
		return r;
	if (today < start || today - start >= RECEIPTCODE_NIGHT_MAX)
		return -ERANGE;
	snprintf(night, sizeof(night), "%lld", (long long)(today - start + 1));
	r = rules_context_set(ctx, p, "trip_start", trip_start);
	if (r >= 0)
		r = rules_context_set(ctx, p, "night", night);
	return r;
}

int party_booking_context(const struct bookingcode *b, const struct rules_program *p,
			  const char *tz, int64_t now, struct rules_context *ctx)
{
	char party[16];
	int r;

	snprintf(party, sizeof(party), "%u", b->party);
	r = set_trip(ctx, p, b->trip_start, tz, now);
	if (r >= 0 && b->residence[0])
		r = rules_context_set(ctx, p, "residence", b->residence);
	if (r >= 0 && b->reserved_on[0])
		r = rules_context_set(ctx, p, "reserved_on", b->reserved_on);
	if (r >= 0)
		r = rules_context_set(ctx, p, "group_size", party);
	if (r >= 0)
		r = rules_context_set(ctx, p, "school_activity",
				      b->school_activity ? "true" : "false");
	return r;
}

int party_receipt_read(const char *text, size_t len, receiptcode_key_fn pk_of, void *ud,
		       const struct rules_program *p, const char *tz, int64_t now,
		       struct receiptcode *ret)
{
	struct receiptcode rc;
	int64_t today, date;
	int r;

	if (!rules_program_lodging(p))
		return -EOPNOTSUPP;
	r = receiptcode_read(text, len, pk_of, ud, &rc);
	if (r < 0)
		return r;
	if (strcmp(rc.program, rules_program_id(p)) != 0 || !rc.trip_start[0])
		return -EXDEV;
	r = signedcode_date(rc.date, &date);
	if (r >= 0)
		r = rules_local_days(now, tz, &today);
	if (r < 0)
		return r;
	if (date != today - 1)
		return -ESTALE; /* consecutive stays: the receipt of the night before */
	*ret = rc;
	return 0;
}

int party_receipt_context(const struct receiptcode *rc, const struct cred *c,
			  const struct rules_program *p, const char *tz, int64_t now,
			  struct rules_context *person)
{
	if (!receiptcode_holder_matches(rc, c))
		return -EPERM;
	return set_trip(person, p, rc->trip_start, tz, now);
}

const char *party_error(int e)
{
	switch (e) {
	case -ENOMSG:
		return "not a code";
	case -E2BIG:
		return "too long";
	case -EBADMSG:
		return "malformed";
	case -ENOKEY:
		return "kiosk not known to this city";
	case -EKEYREJECTED:
		return "signature not valid";
	case -EXDEV:
		return "for another program or venue";
	case -ESTALE:
		return "not from the previous night";
	case -EOPNOTSUPP:
		return "the program has no consecutive stays";
	case -EPERM:
		return "of another holder";
	case -EAGAIN:
		return "not valid yet";
	case -ETIME:
		return "expired";
	case -ERANGE:
		return "trip dates out of range";
	default:
		return strerror(-e);
	}
}
