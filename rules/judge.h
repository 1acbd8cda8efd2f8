/* SPDX-License-Identifier: MIT */
/*
 * judge.h - a decision on one person under one program: admit or deny, with reason codes.
 *
 * rules_judge() builds the data object the program's rules see (docs/rules.md: the credential
 * in DCC shape, facts the engine computes in the venue's time zone, and the typed context),
 * checks the program's window and dated version, and takes the first rule that matches.
 * A failed verification is a deny with its own reason and no rule is run. A rule that cannot
 * be evaluated is a deny `internal-error` (fail closed, DESIGN.md "Failure rules").
 *
 * Sessions judge the people who arrive together: a child's `guardian=cohabiting` counts only
 * once an adult has been admitted in the same session, and the program's group policy turns
 * one failure into `group-member-failed` for everyone when the price cannot be split.
 *
 * Time zones: dates are local to @tz (IANA name), via datetime.h; that sets the process's TZ and
 * is not thread-safe (passgate judges on one thread).
 */
#ifndef PASSGATE_RULES_JUDGE_H
#define PASSGATE_RULES_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "credential/cred.h"
#include "rules/context.h"
#include "rules/program.h"
#include "rules/reasons.h"

#define RULES_MAX_REASONS 4
/* Collection beyond this many seconds after the check time is `test-in-future` (PROGRAMS.md). */
#define RULES_TEST_SKEW 600
/* A child is under this age (PROGRAMS.md "Children", seeds 001-004). */
#define RULES_CHILD_AGE 12
/* days_since_dose.k when a DCC's later dose (dn > k) proves dose k long past (docs/rules.md). */
#define RULES_DAYS_PROVEN 100000
/* People in one session. */
#define RULES_SESSION_MAX 64

/*
 * The outcome of one check: a value record the caller owns. The strings are borrowed: `kind`
 * is static, the others point into the program and live as long as it does.
 */
struct rules_decision {
	bool admit;
	unsigned n_reasons;
	enum rules_reason reasons[RULES_MAX_REASONS];
	const char *program; /* the program id */
	const char *rule;    /* the id of the rule that decided, or NULL */
	const char *kind;    /* "vaccination", "test", "recovery" or NULL */
	const char
		*referral[2];	/* [RULES_LANG_JA/EN]: set when the reasons include test-positive */
	const char *benefit[2]; /* the program's receipt text, set on admit when it has one */
};

/*
 * A decision the caller takes itself, outside the program's rules: `clock-unsynchronized`,
 * `already-checked-in`, `staff-verified`, or `program-inactive` when the configured program is
 * missing (@p NULL: program id NULL). Class, kind (NULL), referral and benefit as rules_judge().
 */
void rules_decision_make(const struct rules_program *p, enum rules_reason reason,
			 struct rules_decision *ret);

/* The deny reason for a failed verification (docs/rules.md has the mapping). */
enum rules_reason rules_reason_for_status(enum cred_status status);

/*
 * Judge one person. @c is the verified credential, or NULL for a person without one; when
 * @status is not CRED_OK the verification failed and @c is ignored. @now is the check time
 * (Unix seconds), @tz the venue's zone (NULL = "Asia/Tokyo"), @ctx the context (NULL = all
 * defaults). Returns 0 with *ret filled, -EINVAL for an unknown zone, -ENOMEM.
 */
int rules_judge(const struct rules_program *p, const struct cred *c, enum cred_status status,
		int64_t now, const char *tz, const struct rules_context *ctx,
		struct rules_decision *ret);

/*
 * The data object rules_judge() would hand to the rules (for `passgate rules`, tests and rule
 * authors): {"credential": ..., "facts": ..., "context": ...}. New reference in *ret.
 * It holds personal data (name, birth date): never log or store it.
 */
int rules_judge_data(const struct rules_program *p, const struct cred *c, int64_t now,
		     const char *tz, const struct rules_context *ctx, json_t **ret);

struct rules_session;

/*
 * A session for a party arriving together under program @p, with the party's context @ctx
 * (trip_start, group_size, per_person_price, ...; copied, may be NULL). Free with
 * rules_session_free().
 */
int rules_session_new(const struct rules_program *p, const char *tz,
		      const struct rules_context *ctx, struct rules_session **ret);
void rules_session_free(struct rules_session *s);

/*
 * Judge the next member. @person holds the member's own keys (age, guardian, residence, ...)
 * over the session's context; NULL means none. A declared `guardian=cohabiting` is honoured
 * only when an adult has already been admitted in this session; otherwise the member is judged
 * with `guardian=none`. Once a member has been denied and the program's group.all_must_pass
 * holds for the session's context, a member who would be admitted is denied
 * `group-member-failed` at once: the party will not be seated, so nobody of it gets the green
 * light after the failure is known. *ret is the member's own decision; -ENOSPC after
 * RULES_SESSION_MAX.
 */
int rules_session_judge(struct rules_session *s, const struct cred *c, enum cred_status status,
			int64_t now, const struct rules_context *person,
			struct rules_decision *ret);

/* Members judged so far. */
size_t rules_session_size(const struct rules_session *s);

/*
 * The group outcome once everyone has been judged. When the program's group.all_must_pass
 * holds for the session's context and any member was denied, every admitted member becomes a
 * deny `group-member-failed`. *ret_all_admitted tells whether every member is admitted.
 * Returns -EINVAL when the group expression cannot be evaluated (then nobody is admitted).
 */
int rules_session_close(struct rules_session *s, bool *ret_all_admitted);

/* Member @i's decision (after rules_session_close(), the group outcome); -ENOENT past the end. */
int rules_session_member(const struct rules_session *s, size_t i, struct rules_decision *ret);

#endif
