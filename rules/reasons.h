/* SPDX-License-Identifier: MIT */
/*
 * reasons.h - the reason codes of PROGRAMS.md ("Reason codes"): one table, used by the CLI's
 * JSON output, receipts, events and dashboards. The code strings are a stable API.
 *
 * Every code has a class (admit or deny) and a short message in Japanese and English. The table
 * is static and read-only; every string returned here lives for the life of the process.
 */
#ifndef PASSGATE_RULES_REASONS_H
#define PASSGATE_RULES_REASONS_H

#include <stdbool.h>

enum rules_reason {
	/* admit */
	RULES_R_VACCINATED,
	RULES_R_TESTED_NEGATIVE,
	RULES_R_CHILD_EXEMPT,
	RULES_R_SCHOOL_ACTIVITY,
	RULES_R_CHECK_NOT_REQUIRED,
	RULES_R_STAFF_VERIFIED,
	/* deny */
	RULES_R_UNREADABLE,
	RULES_R_SIGNATURE_INVALID,
	RULES_R_ISSUER_UNKNOWN,
	RULES_R_REVOKED,
	RULES_R_CREDENTIAL_EXPIRED,
	RULES_R_CREDENTIAL_NOT_YET_VALID,
	RULES_R_VACCINATION_INCOMPLETE,
	RULES_R_VACCINATION_TOO_RECENT,
	RULES_R_TEST_EXPIRED,
	RULES_R_TEST_IN_FUTURE,
	RULES_R_TEST_POSITIVE,
	RULES_R_TEST_INCONCLUSIVE,
	RULES_R_TEST_TYPE_NOT_ACCEPTED,
	RULES_R_RESIDENCE_NOT_ELIGIBLE,
	RULES_R_PROGRAM_INACTIVE,
	RULES_R_PROGRAM_SUSPENDED,
	RULES_R_CHILD_TEST_REQUIRED,
	RULES_R_GROUP_MEMBER_FAILED,
	RULES_R_CLOCK_UNSYNCHRONIZED,
	RULES_R_ALREADY_CHECKED_IN,
	/* A booking code the gate cannot accept (docs/codes.md): forged, malformed or signed by a
	 * key the kiosk does not hold; for another venue; before its first day; after its last. */
	RULES_R_BOOKING_INVALID,
	RULES_R_BOOKING_OTHER_VENUE,
	RULES_R_BOOKING_NOT_YET_VALID,
	RULES_R_BOOKING_EXPIRED,
	/*
	 * Not in PROGRAMS.md: the engine's fail-closed code when a program's rule cannot be
	 * evaluated at run time (DESIGN.md, "an internal error is a deny with a reason").
	 */
	RULES_R_INTERNAL_ERROR,
	RULES_REASON_COUNT_,
};

enum rules_lang {
	RULES_LANG_JA = 0,
	RULES_LANG_EN,
};

/* The stable code string ("vaccinated", ...) of @r, or NULL when @r is out of range. */
const char *rules_reason_code(enum rules_reason r);

/* The reason whose code is @code; -ENOENT when there is none. */
int rules_reason_lookup(const char *code, enum rules_reason *ret);

/* True when @r is an admit reason, false for a deny reason (and for out-of-range values). */
bool rules_reason_admits(enum rules_reason r);

/* A short message for a screen or receipt, in @lang; NULL when @r is out of range. */
const char *rules_reason_message(enum rules_reason r, enum rules_lang lang);

#endif
