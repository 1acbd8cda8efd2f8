/* SPDX-License-Identifier: MIT */
/*
 * judge.c - one decision: the data object of a check, the program's window and version, the
 * first matching rule, and the decision record; and sessions (a party judged together).
 *
 * The engine computes every fact that needs a calendar or a clock, in the venue's time zone,
 * so that rule files stay plain CertLogic over integers, booleans and date strings
 * (PROGRAMS.md "Conventions shared by every program"; docs/rules.md lists the facts):
 * the local check date, dose counts and days since each dose (SHC lists every dose; a DCC's
 * later dose proves an earlier one long past, "Dose counting"), the newest test's kind, result,
 * days from collection to the reference date and whether it was collected in the future, and
 * the person's age and child status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credential/cred_json.h"
#include "credential/isotime.h"
#include "rules/datetime.h"
#include "rules/judge.h"
#include "rules/logic.h"
#include "rules/program_internal.h"

#define DEFAULT_TZ "Asia/Tokyo"

enum rules_reason rules_reason_for_status(enum cred_status status)
{
	switch (status) {
	case CRED_E_ISSUER_UNKNOWN:
		return RULES_R_ISSUER_UNKNOWN;
	case CRED_E_SIGNATURE_INVALID:
	case CRED_E_KEY_USAGE: /* a signer not allowed for this type: its signature proves nothing
				*/
		return RULES_R_SIGNATURE_INVALID;
	case CRED_E_EXPIRED:
		return RULES_R_CREDENTIAL_EXPIRED;
	case CRED_E_NOT_YET_VALID:
		return RULES_R_CREDENTIAL_NOT_YET_VALID;
	case CRED_E_REVOKED:
		return RULES_R_REVOKED;
	case CRED_OK:
	case CRED_E_UNREADABLE:
	case CRED_E_ENCODING:
	case CRED_E_INFLATE:
	case CRED_E_SYNTAX:
	case CRED_E_SCHEMA:
	case CRED_STATUS_COUNT_:
		break;
	}
	return RULES_R_UNREADABLE;
}

/* The facts' names are cred_to_json()'s, except that the rules call a result they cannot
 * read "unknown" where the JSON output says "inconclusive". */
static const char *result_name(enum cred_test_result r)
{
	return r == CRED_RESULT_UNKNOWN ? "unknown" : cred_test_result_name(r);
}

/* PROGRAMS.md "Test validity": L = 3 for nucleic-acid and quantitative antigen, 1 for rapid. */
static json_t *validity_days(enum cred_test_kind k)
{
	switch (k) {
	case CRED_TEST_PCR:
	case CRED_TEST_LAMP:
	case CRED_TEST_ANTIGEN_QUANTITATIVE:
		return json_integer(3);
	case CRED_TEST_ANTIGEN_RAPID:
		return json_integer(1);
	case CRED_TEST_ANTIBODY:
	case CRED_TEST_UNKNOWN:
		break;
	}
	return json_null();
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/*
 * The local date in @tz (days since the epoch) of an event date as a credential writes it
 * (cred.h, CRED_DATETIME_MAX): a date is that local date; a date-time with an offset is an
 * instant, and its date is the venue's (PROGRAMS.md "Local dates": a dose at
 * 2021-07-01T16:00:00Z is 07-02 in Japan).
 */
static int local_date(const char *s, const char *tz, int64_t *ret_days)
{
	int64_t ms;
	int r = isotime_scan(s, 0, &ms);

	if (r < 0)
		return -EINVAL;
	if ((r & ISOTIME_TIME) && (r & ISOTIME_OFFSET))
		return rules_local_days(isotime_floor_div(ms, 1000), tz, ret_days);
	*ret_days = isotime_floor_div(ms, ISOTIME_MS_PER_DAY);
	return 0;
}

/* An event date as the local date "YYYY-MM-DD" for the rules' data, or null. */
static json_t *local_date_json(const char *s, const char *tz)
{
	char buf[16];
	int64_t day;

	if (!s || !*s || local_date(s, tz, &day) < 0)
		return json_null();
	rules_date_format(day, buf, sizeof(buf));
	return json_string(buf);
}

/* The credential in DCC shape (hcert schema names), without names: rules need no names. Event
 * dates are the venue's local dates. */
static json_t *cred_json(const struct cred *c, const char *tz)
{
	json_t *o, *v = json_array(), *t = json_array(), *r = json_array();
	char buf[40];

	for (unsigned i = 0; v && i < c->n_doses && i < CRED_MAX_DOSES; i++) {
		const struct cred_dose *d = &c->doses[i];

		json_array_append_new(
			v,
			json_pack("{s:o,s:o,s:I,s:I,s:o}", "tg", str_or_null(d->target), "mp",
				  str_or_null(d->product), "dn", (json_int_t)d->number, "sd",
				  (json_int_t)d->series_total, "dt", local_date_json(d->date, tz)));
	}
	for (unsigned i = 0; t && i < c->n_tests && i < CRED_MAX_TESTS; i++) {
		const struct cred_test *x = &c->tests[i];

		rules_dt_format(x->collected * 1000, buf, sizeof(buf));
		json_array_append_new(t, json_pack("{s:o,s:s,s:o,s:s,s:s}", "tt",
						   str_or_null(x->type_code), "sc", buf, "tr",
						   str_or_null(x->result_code), "kind",
						   cred_test_kind_name(x->kind), "result",
						   result_name(x->result)));
	}
	for (unsigned i = 0; r && i < c->n_recoveries && i < CRED_MAX_RECOVERIES; i++) {
		const struct cred_recovery *x = &c->recoveries[i];

		json_array_append_new(r, json_pack("{s:o,s:o,s:o}", "fr",
						   local_date_json(x->first_positive, tz), "df",
						   local_date_json(x->valid_from, tz), "du",
						   local_date_json(x->valid_until, tz)));
	}
	o = json_pack("{s:o,s:o,s:o,s:o*,s:o*,s:o*}", "format",
		      str_or_null(cred_format_name(c->format)), "issuer", str_or_null(c->issuer),
		      "dob", str_or_null(c->dob), "v", v, "t", t, "r", r);
	return o;
}

/* Whole years from a full birth date to the local check date. */
static json_t *age_from_dob(const char *dob, int64_t check_days)
{
	int64_t birth, by, bm, bd, y, m, d, age;

	if (rules_date_parse(dob, &birth) < 0 || birth > check_days)
		return json_null();
	isotime_civil_from_days(birth, &by, &bm, &bd);
	isotime_civil_from_days(check_days, &y, &m, &d);
	age = y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
	return json_integer(age);
}

static int dose_facts(const struct cred *c, const char *tz, int64_t check_days, json_t *facts)
{
	json_t *since = json_object();
	unsigned count = 0;
	int64_t last = INT64_MIN;

	if (!since)
		return -ENOMEM;
	/* Only COVID-19 vaccinations are doses (credential/vaccines.c). */
	for (unsigned i = 0; c && i < c->n_doses && i < CRED_MAX_DOSES; i++)
		if (c->doses[i].covid19 && c->doses[i].number > count && c->doses[i].number <= 1000)
			count = c->doses[i].number;
	for (unsigned k = 1; k <= count && k <= CRED_MAX_DOSES * 4; k++) {
		json_t *val = NULL;
		char key[16];

		for (unsigned i = 0; i < c->n_doses && i < CRED_MAX_DOSES; i++) {
			int64_t day;

			if (c->doses[i].covid19 && c->doses[i].number == k &&
			    local_date(c->doses[i].date, tz, &day) == 0) {
				json_decref(val);
				val = json_integer(check_days - day);
				if (day > last)
					last = day;
			}
		}
		/* DCC: dose k is not listed, but a later dose (dn > k) proves it long past. */
		if (!val)
			val = json_integer(RULES_DAYS_PROVEN);
		snprintf(key, sizeof(key), "%u", k);
		json_object_set_new(since, key, val);
	}
	json_object_set_new(facts, "doses", json_integer(count));
	json_object_set_new(facts, "days_since_dose", since);
	json_object_set_new(facts, "days_since_last_dose",
			    last == INT64_MIN ? json_null() : json_integer(check_days - last));
	return 0;
}

/* The newest test (by collection time): PROGRAMS.md "Test validity", "Reference date". */
static int test_facts(const struct cred *c, int64_t now, const char *tz, int64_t check_days,
		      int64_t ref_days, json_t *facts)
{
	const struct cred_test *t = NULL;
	json_t *o;
	int64_t coll;
	int r;

	for (unsigned i = 0; c && i < c->n_tests && i < CRED_MAX_TESTS; i++)
		if (!t || c->tests[i].collected > t->collected)
			t = &c->tests[i];
	if (!t)
		return json_object_set_new(facts, "test", json_null()) < 0 ? -ENOMEM : 0;
	r = rules_local_days(t->collected, tz, &coll);
	if (r < 0)
		return r;
	/* Built member by member: json_pack's format parsing costs more than the values. */
	o = json_object();
	if (!o || json_object_set_new(facts, "test", o) < 0)
		return -ENOMEM;
	if (json_object_set_new(o, "kind", json_string(cred_test_kind_name(t->kind))) < 0 ||
	    json_object_set_new(o, "result", json_string(result_name(t->result))) < 0 ||
	    json_object_set_new(o, "days", json_integer(ref_days - coll)) < 0 ||
	    json_object_set_new(o, "days_to_check", json_integer(check_days - coll)) < 0 ||
	    json_object_set_new(o, "in_future",
				json_boolean(t->collected > now + RULES_TEST_SKEW)) < 0 ||
	    json_object_set_new(o, "validity_days", validity_days(t->kind)) < 0)
		return -ENOMEM;
	return 0;
}

/*
 * Build the data object. @guardian_override, when non-NULL, replaces the effective guardian
 * (sessions). *ret_child tells whether the person counts as a child.
 */
static int build_data(const struct rules_program *p, const struct cred *c, int64_t now,
		      int64_t check_days, const char *tz, const struct rules_context *session,
		      const struct rules_context *person, const char *guardian_override, bool full,
		      json_t **ret, bool *ret_child)
{
	json_t *data = NULL, *facts = NULL, *ctx = NULL, *age;
	const json_t *ts;
	const char *g;
	int64_t ref_days;
	char date[16], nowbuf[40];
	bool child;
	int r;

	r = rules_context_build(p, session, person, check_days, &ctx);
	if (r < 0)
		return r;
	ts = json_object_get(ctx, "trip_start");
	if (!json_is_string(ts) || rules_date_parse(json_string_value(ts), &ref_days) < 0)
		ref_days = check_days;
	facts = json_object();
	if (!facts) {
		r = -ENOMEM;
		goto fail;
	}
	rules_date_format(check_days, date, sizeof(date));
	rules_dt_format(now * 1000, nowbuf, sizeof(nowbuf));
	json_object_set_new(facts, "now", json_string(nowbuf));
	json_object_set_new(facts, "check_date", json_string(date));
	rules_date_format(ref_days, date, sizeof(date));
	json_object_set_new(facts, "reference_date", json_string(date));
	json_object_set_new(facts, "has_credential", json_boolean(c != NULL));
	r = dose_facts(c, tz, check_days, facts);
	if (r >= 0)
		r = test_facts(c, now, tz, check_days, ref_days, facts);
	if (r < 0)
		goto fail;
	/* Age: declared (PROGRAMS.md "Children"), else from a full birth date on the credential. */
	age = json_object_get(ctx, "age");
	if (json_is_integer(age))
		age = json_incref(age);
	else
		age = c ? age_from_dob(c->dob, check_days) : json_null();
	child = json_is_integer(age) && json_integer_value(age) < RULES_CHILD_AGE;
	json_object_set_new(facts, "age", age);
	json_object_set_new(facts, "child", json_boolean(child));
	/* In a session, "cohabiting" counts only once an adult has been admitted (PROGRAMS.md). */
	g = json_string_value(json_object_get(ctx, "guardian"));
	if (guardian_override && g && strcmp(g, "cohabiting") == 0)
		json_object_set_new(facts, "guardian", json_string(guardian_override));
	else
		json_object_set(facts, "guardian", json_object_get(ctx, "guardian"));

	/* The credential in DCC shape only for programs whose rules read it (most use facts). */
	data = json_object();
	if (!data) {
		r = -ENOMEM;
		goto fail;
	}
	if (json_object_set_new(data, "facts", facts) < 0 ||
	    json_object_set_new(data, "context", ctx) < 0 ||
	    json_object_set_new(data, "credential",
				c && (full || p->needs_credential) ? cred_json(c, tz)
								   : json_null()) < 0) {
		json_decref(data);
		return -ENOMEM;
	}
	*ret = data;
	if (ret_child)
		*ret_child = child;
	return 0;
fail:
	json_decref(facts);
	json_decref(ctx);
	return r;
}

int rules_judge_data(const struct rules_program *p, const struct cred *c, int64_t now,
		     const char *tz, const struct rules_context *ctx, json_t **ret)
{
	int64_t day;
	int r;

	if (!tz)
		tz = DEFAULT_TZ;
	r = rules_local_days(now, tz, &day);
	if (r < 0)
		return r;
	return build_data(p, c, now, day, tz, NULL, ctx, NULL, true, ret, NULL);
}

static bool is_test_reason(enum rules_reason r)
{
	return r == RULES_R_TESTED_NEGATIVE || r == RULES_R_TEST_EXPIRED ||
	       r == RULES_R_TEST_IN_FUTURE || r == RULES_R_TEST_POSITIVE ||
	       r == RULES_R_TEST_INCONCLUSIVE || r == RULES_R_TEST_TYPE_NOT_ACCEPTED;
}

static const char *kind_of(const struct cred *c, enum rules_reason r)
{
	if (!c)
		return NULL;
	if (is_test_reason(r) && c->n_tests)
		return "test";
	if ((r == RULES_R_VACCINATED || r == RULES_R_VACCINATION_INCOMPLETE ||
	     r == RULES_R_VACCINATION_TOO_RECENT) &&
	    c->n_doses)
		return "vaccination";
	if (c->n_doses)
		return "vaccination";
	if (c->n_tests)
		return "test";
	if (c->n_recoveries)
		return "recovery";
	return NULL;
}

static void decide(const struct rules_program *p, struct rules_decision *d, enum rules_reason r,
		   const char *rule, const struct cred *c)
{
	memset(d, 0, sizeof(*d));
	d->n_reasons = 1;
	d->reasons[0] = r;
	d->admit = rules_reason_admits(r);
	if (!p)
		return;
	d->program = p->id;
	d->rule = rule;
	d->kind = kind_of(c, r);
	if (r == RULES_R_TEST_POSITIVE) {
		d->referral[RULES_LANG_JA] = p->referral[RULES_LANG_JA];
		d->referral[RULES_LANG_EN] = p->referral[RULES_LANG_EN];
	}
	if (d->admit) {
		d->benefit[RULES_LANG_JA] = p->receipt[RULES_LANG_JA];
		d->benefit[RULES_LANG_EN] = p->receipt[RULES_LANG_EN];
	}
}

void rules_decision_make(const struct rules_program *p, enum rules_reason reason,
			 struct rules_decision *ret)
{
	decide(p, ret, reason, NULL, NULL);
}

static bool in_span(const struct rules_span *s, int64_t day)
{
	return s->from <= day && day <= s->until;
}

static int judge(const struct rules_program *p, const struct cred *c, enum cred_status status,
		 int64_t now, const char *tz, const struct rules_context *session,
		 const struct rules_context *person, const char *guardian_override,
		 struct rules_decision *ret, bool *ret_child)
{
	unsigned long budget = RULES_LOGIC_MAX_STEPS;
	const struct rules_version *v = NULL;
	json_t *data;
	int64_t day;
	bool active = p->n_windows == 0;
	int r;

	if (!tz)
		tz = DEFAULT_TZ;
	if (ret_child)
		*ret_child = false;
	r = rules_local_days(now, tz, &day);
	if (r < 0)
		return r;
	for (size_t i = 0; i < p->n_windows; i++)
		active = active || in_span(&p->windows[i], day);
	for (size_t i = 0; active && i < p->n_versions; i++)
		if (in_span(&p->versions[i].span, day))
			v = &p->versions[i];
	if (!v) {
		decide(p, ret, RULES_R_PROGRAM_INACTIVE, NULL, NULL);
		return 0;
	}
	if (v->suspended) {
		decide(p, ret, RULES_R_PROGRAM_SUSPENDED, NULL, NULL);
		return 0;
	}
	if (status != CRED_OK) {
		decide(p, ret, rules_reason_for_status(status), NULL, NULL);
		return 0;
	}
	r = build_data(p, c, now, day, tz, session, person, guardian_override, false, &data,
		       ret_child);
	if (r < 0)
		return r;
	/* One step budget for the whole judgment (rules/logic.h); a program that could exceed
	 * it was refused at load, so running out means a fault: deny, fail closed. */
	for (size_t i = 0; i < v->n_rules; i++) {
		bool match;

		if (rules_logic_test_budget(v->rules[i].when, data, &budget, &match, NULL, 0) < 0) {
			decide(p, ret, RULES_R_INTERNAL_ERROR, v->rules[i].id, c);
			break;
		}
		if (match) {
			decide(p, ret, v->rules[i].reason, v->rules[i].id, c);
			break;
		}
	}
	json_decref(data);
	return 0;
}

int rules_judge(const struct rules_program *p, const struct cred *c, enum cred_status status,
		int64_t now, const char *tz, const struct rules_context *ctx,
		struct rules_decision *ret)
{
	return judge(p, c, status, now, tz, NULL, ctx, NULL, ret, NULL);
}

struct rules_session {
	const struct rules_program *program;
	char tz[128];
	struct rules_context *ctx;
	bool adult_admitted;
	bool closed;
	int64_t last_day; /* local date of the latest member's check, for the group policy */
	size_t n;
	struct rules_decision members[RULES_SESSION_MAX];
};

int rules_session_new(const struct rules_program *p, const char *tz,
		      const struct rules_context *ctx, struct rules_session **ret)
{
	struct rules_session *s;
	int r;

	if (!tz)
		tz = DEFAULT_TZ;
	if (!rules_tz_valid(tz))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	r = rules_context_copy(ctx, &s->ctx);
	if (r < 0) {
		free(s);
		return r;
	}
	s->program = p;
	snprintf(s->tz, sizeof(s->tz), "%s", tz);
	*ret = s;
	return 0;
}

void rules_session_free(struct rules_session *s)
{
	if (!s)
		return;
	rules_context_free(s->ctx);
	free(s);
}

/* Whether the party is already out: a member was denied and the program's group policy, over
 * the party's context, says all must pass. Fails closed when the policy cannot be evaluated:
 * *ret true and 1 returned. */
static int group_failed(const struct rules_session *s, bool *ret)
{
	bool any_denied = false, all_must_pass = false;
	json_t *ctx = NULL, *data;
	int r;

	for (size_t i = 0; i < s->n; i++)
		any_denied = any_denied || !s->members[i].admit;
	if (s->program->group_all && any_denied) {
		/* The group policy sees the party's context (per_person_price, group_size, ...). */
		r = rules_context_build(s->program, s->ctx, NULL, s->last_day, &ctx);
		if (r < 0)
			return r;
		data = json_pack("{s:o}", "context", ctx);
		if (!data)
			return -ENOMEM;
		r = rules_logic_test(s->program->group_all, data, &all_must_pass, NULL, 0);
		json_decref(data);
		if (r < 0) {
			*ret = true; /* fail closed */
			return 1;
		}
	}
	*ret = all_must_pass;
	return 0;
}

int rules_session_judge(struct rules_session *s, const struct cred *c, enum cred_status status,
			int64_t now, const struct rules_context *person, struct rules_decision *ret)
{
	const char *override = s->adult_admitted ? NULL : "none";
	bool child, failed = false;
	int r;

	if (s->n == RULES_SESSION_MAX || s->closed)
		return -ENOSPC;
	r = group_failed(s, &failed);
	if (r >= 0)
		r = judge(s->program, c, status, now, s->tz, s->ctx, person, override,
			  &s->members[s->n], &child);
	if (r < 0)
		return r;
	if (failed && s->members[s->n].admit) {
		/* The party will not be seated: nobody of it is admitted after that is known. */
		const char *kind = s->members[s->n].kind;

		decide(s->program, &s->members[s->n], RULES_R_GROUP_MEMBER_FAILED, NULL, NULL);
		s->members[s->n].kind = kind;
	}
	rules_local_days(now, s->tz, &s->last_day);
	if (s->members[s->n].admit && !child)
		s->adult_admitted = true;
	*ret = s->members[s->n++];
	return 0;
}

size_t rules_session_size(const struct rules_session *s)
{
	return s->n;
}

int rules_session_close(struct rules_session *s, bool *ret_all_admitted)
{
	bool any_denied = false, all_must_pass = false;
	int r;

	for (size_t i = 0; i < s->n; i++)
		any_denied = any_denied || !s->members[i].admit;
	r = group_failed(s, &all_must_pass);
	if (r < 0)
		return r;
	for (size_t i = 0; all_must_pass && i < s->n; i++) {
		if (s->members[i].admit) {
			const char *kind = s->members[i].kind;

			decide(s->program, &s->members[i], RULES_R_GROUP_MEMBER_FAILED, NULL, NULL);
			s->members[i].kind = kind;
		}
	}
	s->closed = true;
	*ret_all_admitted = !any_denied;
	return r == 1 ? -EINVAL : 0;
}

int rules_session_member(const struct rules_session *s, size_t i, struct rules_decision *ret)
{
	if (i >= s->n)
		return -ENOENT;
	*ret = s->members[i];
	return 0;
}
