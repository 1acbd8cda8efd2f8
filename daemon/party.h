/* SPDX-License-Identifier: MIT */
/*
 * party.h - what the gate makes of the codes a party shows (docs/codes.md): a booking code
 * becomes the party's context (residence, trip_start, night, reserved_on, group_size,
 * school_activity) and the children's ages; a receipt code of the previous night, shown by its
 * holder, becomes that person's trip_start and night. passgated and `passgate check` use the
 * same functions, so the CLI judges exactly as the gate does.
 *
 * Everything here is pure: the caller reads the clock and owns every buffer. A code that cannot
 * be used says why as an errno (party_error() names it for logs) or, for a booking code, as the
 * deny reason the visitor is shown; nothing is logged here.
 */
#ifndef PASSGATE_DAEMON_PARTY_H
#define PASSGATE_DAEMON_PARTY_H

#include <stddef.h>
#include <stdint.h>

#include "credential/cred.h"
#include "events/bookingcode.h"
#include "events/receiptcode.h"
#include "rules/context.h"
#include "rules/reasons.h"

struct rules_program;

/* What code @text is: PARTY_BOOKING, PARTY_RECEIPT, or PARTY_NONE (a credential, or anything
 * else). */
enum party_code { PARTY_NONE, PARTY_BOOKING, PARTY_RECEIPT };
enum party_code party_code_kind(const char *text, size_t len);

/*
 * Read a booking code for this gate: signed by one of @keys, for @venue, valid on the local date
 * of @now in @tz. Returns 0 with *ret filled, or a negative errno with *ret_why the deny reason
 * (booking-invalid, booking-other-venue, booking-not-yet-valid, booking-expired).
 */
int party_booking_read(const char *text, size_t len, const uint8_t (*keys)[32], size_t n_keys,
		       const char *venue, const char *tz, int64_t now, struct bookingcode *ret,
		       enum rules_reason *ret_why);

/* Set the party's keys of @b into @ctx: residence, trip_start and the night it implies,
 * reserved_on, group_size, school_activity. 0 or -errno. */
int party_booking_context(const struct bookingcode *b, const struct rules_program *p,
			  const char *tz, int64_t now, struct rules_context *ctx);

/*
 * Read a receipt code shown for a consecutive stay: a known kiosk (@pk_of) signed it, for a
 * lodging program @p, dated the day before the local date of @now, with a trip_start. Returns
 * 0, or -ENOKEY (unknown kiosk), -EKEYREJECTED (forged), -EBADMSG/-E2BIG (malformed),
 * -EXDEV (another program, or no trip in it), -ESTALE (not from the previous night),
 * -EOPNOTSUPP (@p is not a lodging program).
 */
int party_receipt_read(const char *text, size_t len, receiptcode_key_fn pk_of, void *ud,
		       const struct rules_program *p, const char *tz, int64_t now,
		       struct receiptcode *ret);

/* When @c is the holder of @rc: set trip_start and the night it implies into @person and return
 * 0; -EPERM when the holder differs (nothing set). */
int party_receipt_context(const struct receiptcode *rc, const struct cred *c,
			  const struct rules_program *p, const char *tz, int64_t now,
			  struct rules_context *person);

/* A short English phrase for a party_* errno, for logs and the CLI. */
const char *party_error(int e);

#endif
