/* SPDX-License-Identifier: MIT */
/*
 * session.h - parties at the gate: people who arrive together and are judged as one session
 * (rules/judge.h rules_session_*), with the child button's guardian window.
 *
 * A session opens with the first member and stays open for SESSION_WINDOW_S after the last
 * one. It is closed by its own deadline, as a loop module, never from inside the next scan:
 * a scan that finds the open session expired or full sets it aside and opens a new one, and
 * the set-aside session is closed at the next loop iteration, after the current visitor has
 * been judged. Closing may turn admitted members into `group-member-failed` (the program's
 * group policy); each revision is handed to the `revised` callback, which records it.
 *
 * Ownership: struct sessions is created by sessions_new() and freed with sessions_free()
 * (before loop_free()); the loop is borrowed until then. Personal data (struct cred of the
 * members) is held only until the session closes and is wiped then. The programs a session
 * is judged under are borrowed: see sessions_retire() and sessions_close_all().
 */
#ifndef PASSGATE_DAEMON_SESSION_H
#define PASSGATE_DAEMON_SESSION_H

#include <stdint.h>

#include "credential/cred.h"
#include "events/bookingcode.h"
#include "events/receiptcode.h"
#include "rules/judge.h"

struct loop;
struct sessions;

/* One revised member: @c is NULL for a member judged without a credential (a child). */
typedef void (*sessions_revised_fn)(const struct rules_decision *d, const struct cred *c,
				    void *userdata);

/* What a new session is judged under: borrowed for the call (the session copies @ctx). */
struct sessions_venue {
	const struct rules_program *program; /* NULL: no session can open (-ENOENT) */
	const char *tz;
	const struct rules_context *ctx;
	int child_age; /* what the child button means without a booking code; -1: not known */
};

/*
 * The trip a member was judged with, for the receipt and its code: for lodging programs the
 * trip's first day (the previous night's receipt, else the booking, else today) and the night
 * it makes today; otherwise empty and 0. @receipt says what became of a receipt code offered
 * for this member: 1 applied, 0 none offered, -EPERM of another holder (ignored).
 */
struct sessions_trip {
	char trip_start[11];
	unsigned night;
	int receipt;
};

int sessions_new(struct loop *loop, sessions_revised_fn revised, void *userdata,
		 struct sessions **ret);
/* Frees every session without recording revisions (shutting down). NULL is a no-op. */
void sessions_free(struct sessions *ss);

/*
 * Judge one member with credential @c (NULL when none could be read) in the open session, or
 * in a new one under @v. @now is the scan's wall-clock time, @mono its CLOCK_MONOTONIC µs.
 * 0 and *ret filled, or -errno (the caller denies `internal-error`).
 */
int sessions_judge(struct sessions *ss, const struct sessions_venue *v, const struct cred *c,
		   enum cred_status status, int64_t now, uint64_t mono, struct rules_decision *ret,
		   struct sessions_trip *ret_trip);

/*
 * A booking code was read (daemon/party.h): the open session is set aside and the party's own
 * opens under @v with the booking's context (party.h party_booking_context()); its children's
 * ages are what the child button declares, in order. 0 or -errno (nothing changed).
 */
int sessions_open_booking(struct sessions *ss, const struct sessions_venue *v,
			  const struct bookingcode *b, int64_t now, uint64_t mono);

/*
 * A receipt code of the previous night was read and checked (party.h party_receipt_read()):
 * the next credential judged in the open session (or a new one) takes its trip when it is the
 * receipt's holder. 0 or -errno.
 */
int sessions_offer_receipt(struct sessions *ss, const struct sessions_venue *v,
			   const struct receiptcode *rc, uint64_t mono);

/*
 * Judge a child without a credential (the child button): with a cohabiting guardian when an
 * adult was admitted in the session within CHILD_WINDOW_S and it has fewer than
 * CHILD_MAX_PER_ADULT children per admitted adult, else without one. The child's age is the
 * next of the booking code's children, else @v's child_age; when neither is known the child is
 * denied `child-test-required` (no age is assumed).
 */
int sessions_judge_child(struct sessions *ss, const struct sessions_venue *v, int64_t now,
			 uint64_t mono, struct rules_decision *ret);

/*
 * The program changed (a city update): the open session is set aside and closed at the next
 * loop iteration under its old program. @old (may be NULL) is the replaced program: on
 * success it is owned here and freed once the set-aside sessions have closed; on failure
 * (-ENOMEM) it stays the caller's, and the caller keeps using it.
 */
int sessions_retire(struct sessions *ss, struct rules_program *old);

/* Close every session now, recording revisions (a reload, before the catalog goes). */
void sessions_close_all(struct sessions *ss);

#endif
