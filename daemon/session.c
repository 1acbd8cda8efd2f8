/* SPDX-License-Identifier: MIT */
/*
 * session.c - party sessions: who arrived together, the child button's guardian, and the
 * group policy applied when the party has gone through (session.h).
 *
 * The child button judges a child (without a credential) against the guardian admitted in
 * the same session: within CHILD_WINDOW_S of that admission and for at most
 * CHILD_MAX_PER_ADULT children each, so that the button is no free pass. When a session
 * closes, the program's group policy may turn admitted members into `group-member-failed`:
 * those revised decisions are records for the city, never signalled or printed, since the
 * party has long gone through.
 *
 * Closing is this module's own work on the loop (its deadline), so that one visitor's scan
 * never publishes the previous party's revisions before the visitor is judged, and a city
 * update arriving on the uplink never records events from inside the uplink's dispatch.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/loop.h"
#include "daemon/party.h"
#include "daemon/session.h"
#include "events/signedcode.h"
#include "rules/datetime.h"
#include "rules/program.h"

#define USEC_PER_SEC	    1000000ull
#define SESSION_WINDOW_S    30 /* a party's members follow each other within this */
#define CHILD_WINDOW_S	    30 /* the child button counts this long after a guardian's admission */
#define CHILD_MAX_PER_ADULT 4

struct member {
	struct cred cred; /* personal data: wiped when the session closes */
	bool has_cred;
	bool admitted; /* admitted when judged: only such a member can be revised */
};

struct session {
	struct rules_session *rules;
	uint64_t until;		   /* CLOCK_MONOTONIC µs when it closes */
	uint64_t adult_admitted;   /* when an adult was last admitted in it, 0 = never */
	unsigned adults, children; /* admitted adults; children judged by the button */
	struct session *next;	   /* the set-aside list, oldest first */
	/* A booking code's party (booked), else the party is who has been scanned. */
	bool booked;
	char trip_start[11]; /* the booking's first day */
	unsigned ages[BOOKINGCODE_CHILDREN_MAX], n_ages, next_age;
	/* A receipt code offered for the next credential (consecutive stays). */
	bool has_receipt;
	struct receiptcode receipt;
	size_t n;
	struct member members[RULES_SESSION_MAX];
};

/* A program replaced by the city, kept until the sessions judged under it have closed. */
struct retired {
	struct rules_program *program;
	struct retired *next;
};

struct sessions {
	struct loop_module *mod;
	sessions_revised_fn revised;
	void *userdata;
	struct session *open;	 /* the party arriving now, or NULL */
	struct session *closing; /* set aside, closed at the next dispatch */
	struct retired *retired; /* freed once nothing is set aside */
};

/* Frees @s, wiping the members' personal data; the caller has taken it out of the lists. */
static void session_free(struct session *s)
{
	rules_session_free(s->rules);
	explicit_bzero(s, sizeof(*s));
	free(s);
}

static void session_close(struct sessions *ss, struct session *s)
{
	struct rules_decision d;
	bool all = true;

	/* Even when the group policy could not be evaluated the members are read: the session
	 * then fails closed and marks every admission revised. */
	(void)rules_session_close(s->rules, &all);
	for (size_t i = 0; i < s->n; i++) {
		const struct member *m = &s->members[i];

		/* A member denied group-member-failed when judged (the failure was known) has
		 * its event already. */
		if (!m->admitted || rules_session_member(s->rules, i, &d) < 0 || d.admit ||
		    d.reasons[0] != RULES_R_GROUP_MEMBER_FAILED)
			continue;
		ss->revised(&d, m->has_cred ? &m->cred : NULL, ss->userdata);
	}
	session_free(s);
}

/* Moves the open session to the end of the set-aside list. */
static void set_aside(struct sessions *ss)
{
	struct session **p = &ss->closing;

	if (!ss->open)
		return;
	while (*p)
		p = &(*p)->next;
	*p = ss->open;
	ss->open = NULL;
	(void)loop_module_update(ss->mod);
}

static void free_retired(struct sessions *ss)
{
	while (ss->retired) {
		struct retired *r = ss->retired;

		ss->retired = r->next;
		rules_program_free(r->program);
		free(r);
	}
}

static void close_set_aside(struct sessions *ss)
{
	while (ss->closing) {
		struct session *s = ss->closing;

		ss->closing = s->next;
		session_close(ss, s);
	}
	free_retired(ss);
}

static int sessions_dispatch(void *userdata, uint32_t revents, uint64_t now_usec)
{
	struct sessions *ss = userdata;

	(void)revents;
	if (ss->open && now_usec >= ss->open->until)
		set_aside(ss);
	close_set_aside(ss);
	return 0;
}

static uint64_t sessions_deadline(void *userdata)
{
	struct sessions *ss = userdata;

	if (ss->closing)
		return 0; /* now */
	return ss->open ? ss->open->until : LOOP_NO_DEADLINE;
}

static const struct loop_module_ops sessions_ops = {
	.name = "session",
	.dispatch = sessions_dispatch,
	.deadline = sessions_deadline,
	.accuracy_usec = 100 * 1000,
};

int sessions_new(struct loop *loop, sessions_revised_fn revised, void *userdata,
		 struct sessions **ret)
{
	struct sessions *ss;
	int e;

	ss = calloc(1, sizeof(*ss));
	if (!ss)
		return -ENOMEM;
	ss->revised = revised;
	ss->userdata = userdata;
	e = loop_add_module(loop, &sessions_ops, ss, &ss->mod);
	if (e < 0) {
		free(ss);
		return e;
	}
	*ret = ss;
	return 0;
}

void sessions_free(struct sessions *ss)
{
	if (!ss)
		return;
	loop_module_free(ss->mod);
	if (ss->open)
		session_free(ss->open);
	while (ss->closing) { /* shutting down: no revisions recorded */
		struct session *s = ss->closing;

		ss->closing = s->next;
		session_free(s);
	}
	free_retired(ss);
	free(ss);
}

/* A new open session under @v, its context @ctx (the venue's, or a booking's over it). */
static int session_start(struct sessions *ss, const struct sessions_venue *v,
			 const struct rules_context *ctx, struct session **ret)
{
	struct session *s;
	int e;

	set_aside(ss);
	if (!v->program)
		return -ENOENT;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	e = rules_session_new(v->program, v->tz, ctx, &s->rules);
	if (e < 0) {
		free(s);
		return e;
	}
	ss->open = s;
	*ret = s;
	return 0;
}

/* The open session, or a new one: an expired or full one is set aside, not closed here. */
static int session_get(struct sessions *ss, const struct sessions_venue *v, uint64_t mono,
		       struct session **ret)
{
	struct session *s = ss->open;

	if (s && mono < s->until && s->n < RULES_SESSION_MAX) {
		*ret = s;
		return 0;
	}
	return session_start(ss, v, v->ctx, ret);
}

/* Keeps the open session open for SESSION_WINDOW_S from @mono. */
static void touch(struct sessions *ss, struct session *s, uint64_t mono)
{
	s->until = mono + SESSION_WINDOW_S * USEC_PER_SEC;
	(void)loop_module_update(ss->mod);
}

/* Book-keeping after member @d of session @s was judged: @c (may be NULL) kept for the group
 * policy's revisions, the guardian window, the session's deadline. */
static int member_judged(struct sessions *ss, struct session *s, const struct cred *c,
			 enum cred_status status, bool child, uint64_t mono,
			 const struct rules_decision *d)
{
	if (child) {
		s->children++;
	} else if (d->admit) {
		s->adults++;
		s->adult_admitted = mono;
	}
	if (c && status == CRED_OK) {
		s->members[s->n].cred = *c;
		s->members[s->n].has_cred = true;
	}
	s->members[s->n].admitted = d->admit;
	s->n++;
	touch(ss, s, mono);
	return 0;
}

/*
 * The trip of the member about to be judged (sessions_trip) and the member's own keys in
 * @person: the offered receipt's trip when @c is its holder, else the booking's, else today's;
 * without a booking the party's size so far.
 */
static int member_terms(struct session *s, const struct sessions_venue *v, const struct cred *c,
			int64_t now, struct rules_context *person, struct sessions_trip *trip)
{
	char size[16];
	int64_t today, start;
	int e = 0;

	memset(trip, 0, sizeof(*trip));
	if (s->has_receipt && c) {
		s->has_receipt = false; /* offered for one credential, the next */
		trip->receipt =
			party_receipt_context(&s->receipt, c, v->program, v->tz, now, person);
		if (trip->receipt == 0) {
			trip->receipt = 1;
			snprintf(trip->trip_start, sizeof(trip->trip_start), "%s",
				 s->receipt.trip_start);
		} else if (trip->receipt != -EPERM) {
			return trip->receipt;
		}
	}
	if (!s->booked) {
		snprintf(size, sizeof(size), "%zu", s->n + 1);
		e = rules_context_set(person, v->program, "group_size", size);
	}
	if (e < 0 || !rules_program_lodging(v->program))
		return e;
	if (!trip->trip_start[0] && s->booked)
		snprintf(trip->trip_start, sizeof(trip->trip_start), "%s", s->trip_start);
	e = rules_local_days(now, v->tz, &today);
	if (e < 0)
		return e;
	if (!trip->trip_start[0])
		signedcode_format_date(today, trip->trip_start);
	if (signedcode_date(trip->trip_start, &start) < 0)
		return -EINVAL;
	trip->night = today >= start ? (unsigned)(today - start + 1) : 1;
	return 0;
}

int sessions_judge(struct sessions *ss, const struct sessions_venue *v, const struct cred *c,
		   enum cred_status status, int64_t now, uint64_t mono, struct rules_decision *ret,
		   struct sessions_trip *ret_trip)
{
	struct rules_context *person = NULL;
	struct sessions_trip trip;
	struct session *s;
	int e;

	e = session_get(ss, v, mono, &s);
	if (e >= 0)
		e = rules_context_new(&person);
	if (e >= 0)
		e = member_terms(s, v, status == CRED_OK ? c : NULL, now, person, &trip);
	/* Judged as an adult: the member's own keys are the trip and the party size only. */
	if (e >= 0)
		e = rules_session_judge(s->rules, c, status, now, person, ret);
	if (e >= 0)
		e = member_judged(ss, s, c, status, false, mono, ret);
	rules_context_free(person);
	if (e >= 0 && ret_trip)
		*ret_trip = trip;
	return e;
}

int sessions_open_booking(struct sessions *ss, const struct sessions_venue *v,
			  const struct bookingcode *b, int64_t now, uint64_t mono)
{
	struct rules_context *ctx = NULL;
	struct session *s;
	int e;

	if (!v->program)
		return -ENOENT;
	e = rules_context_copy(v->ctx, &ctx);
	if (e >= 0)
		e = party_booking_context(b, v->program, v->tz, now, ctx);
	if (e >= 0)
		e = session_start(ss, v, ctx, &s);
	rules_context_free(ctx);
	if (e < 0)
		return e;
	s->booked = true;
	snprintf(s->trip_start, sizeof(s->trip_start), "%s", b->trip_start);
	memcpy(s->ages, b->children, sizeof(s->ages));
	s->n_ages = b->n_children;
	touch(ss, s, mono);
	return 0;
}

int sessions_offer_receipt(struct sessions *ss, const struct sessions_venue *v,
			   const struct receiptcode *rc, uint64_t mono)
{
	struct session *s;
	int e;

	e = session_get(ss, v, mono, &s);
	if (e < 0)
		return e;
	s->receipt = *rc;
	s->has_receipt = true;
	touch(ss, s, mono);
	return 0;
}

int sessions_judge_child(struct sessions *ss, const struct sessions_venue *v, int64_t now,
			 uint64_t mono, struct rules_decision *ret)
{
	struct rules_context *person = NULL;
	struct session *s;
	char age[16];
	bool guardian;
	int e;

	e = session_get(ss, v, mono, &s);
	if (e < 0)
		return e;
	if (s->next_age < s->n_ages)
		snprintf(age, sizeof(age), "%u", s->ages[s->next_age++]);
	else if (v->child_age >= 0)
		snprintf(age, sizeof(age), "%d", v->child_age);
	else
		age[0] = 0;
	guardian = s->adult_admitted && mono - s->adult_admitted <= CHILD_WINDOW_S * USEC_PER_SEC &&
		   s->children < CHILD_MAX_PER_ADULT * s->adults;
	e = rules_context_new(&person);
	if (e >= 0 && age[0])
		e = rules_context_set(person, v->program, "age", age);
	if (e >= 0)
		e = rules_context_set(person, v->program, "guardian",
				      guardian ? "cohabiting" : "none");
	if (e >= 0 && age[0])
		e = rules_session_judge(s->rules, NULL, CRED_OK, now, person, ret);
	else if (e >= 0) /* no age known: the child needs a test, whatever the program */
		rules_decision_make(v->program, RULES_R_CHILD_TEST_REQUIRED, ret);
	if (e >= 0 && age[0])
		e = member_judged(ss, s, NULL, CRED_OK, true, mono, ret);
	rules_context_free(person);
	return e;
}

int sessions_retire(struct sessions *ss, struct rules_program *old)
{
	struct retired *r;

	set_aside(ss);
	if (!old)
		return 0;
	if (!ss->closing) {
		rules_program_free(old); /* no session was judged under it */
		return 0;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->program = old;
	r->next = ss->retired;
	ss->retired = r;
	return 0;
}

void sessions_close_all(struct sessions *ss)
{
	set_aside(ss);
	close_set_aside(ss);
}
