/* SPDX-License-Identifier: MIT */
/*
 * test_rules_judge.c - decisions beyond the scenarios: failed verifications, the reason table,
 * dose counting with DCCs, tests collected in the future, the data object, a rule that fails
 * at run time, and sessions (guardians admitted in the same session, group outcomes).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules/datetime.h"
#include "rules/judge.h"

static struct rules_catalog *cat;

static int setup(void **state)
{
	char dir[1024], err[512];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/rules/programs", getenv("PASSGATE_SOURCE_DIR"));
	return rules_catalog_load(dir, &cat, err, sizeof(err));
}

static int teardown(void **state)
{
	(void)state;
	rules_catalog_free(cat);
	return 0;
}

static int64_t at(const char *s)
{
	int64_t t;

	assert_int_equal(rules_time_parse(s, NULL, &t), 0);
	return t;
}

static void vaccinated(struct cred *c, unsigned n, const char *const *dates)
{
	memset(c, 0, sizeof(*c));
	c->format = CRED_FORMAT_SHC;
	snprintf(c->dob, sizeof(c->dob), "1990-04-01");
	for (unsigned i = 0; i < n; i++) {
		c->doses[i].number = i + 1;
		c->doses[i].covid19 = true;
		snprintf(c->doses[i].date, sizeof(c->doses[i].date), "%s", dates[i]);
	}
	c->n_doses = n;
}

static const char *code(const struct rules_decision *d)
{
	return rules_reason_code(d->reasons[0]);
}

static void test_reason_table(void **state)
{
	static const char *const admit[] = { "vaccinated",	   "tested-negative",
					     "child-exempt",	   "school-activity",
					     "check-not-required", "staff-verified" };
	static const char *const deny[] = {
		"unreadable",
		"signature-invalid",
		"issuer-unknown",
		"revoked",
		"credential-expired",
		"credential-not-yet-valid",
		"vaccination-incomplete",
		"vaccination-too-recent",
		"test-expired",
		"test-in-future",
		"test-positive",
		"test-inconclusive",
		"test-type-not-accepted",
		"residence-not-eligible",
		"program-inactive",
		"program-suspended",
		"child-test-required",
		"group-member-failed",
		"clock-unsynchronized",
		"already-checked-in",
	};
	enum rules_reason r;

	(void)state;
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(rules_reason_lookup(admit[i], &r), 0);
		assert_true(rules_reason_admits(r));
		assert_string_equal(rules_reason_code(r), admit[i]);
		assert_non_null(rules_reason_message(r, RULES_LANG_JA));
		assert_non_null(rules_reason_message(r, RULES_LANG_EN));
	}
	for (size_t i = 0; i < sizeof(deny) / sizeof(deny[0]); i++) {
		assert_int_equal(rules_reason_lookup(deny[i], &r), 0);
		assert_false(rules_reason_admits(r));
		assert_non_null(rules_reason_message(r, RULES_LANG_JA));
	}
	assert_int_equal(rules_reason_lookup("nope", &r), -ENOENT);
	{
		struct rules_decision d;

		rules_decision_make(NULL, RULES_R_CLOCK_UNSYNCHRONIZED, &d);
		assert_false(d.admit);
		assert_null(d.program);
		assert_int_equal(d.n_reasons, 1);
		rules_decision_make(rules_catalog_find(cat, "sapporo-pass-code"),
				    RULES_R_STAFF_VERIFIED, &d);
		assert_true(d.admit);
		assert_string_equal(d.program, "sapporo-pass-code");
		assert_non_null(d.benefit[RULES_LANG_EN]);
	}
	assert_null(rules_reason_code(RULES_REASON_COUNT_));
}

static void test_failed_verification(void **state)
{
	const struct rules_program *p = rules_catalog_find(cat, "national-package");
	static const struct {
		enum cred_status s;
		const char *code;
	} map[] = {
		{ CRED_E_UNREADABLE, "unreadable" },
		{ CRED_E_ENCODING, "unreadable" },
		{ CRED_E_INFLATE, "unreadable" },
		{ CRED_E_SYNTAX, "unreadable" },
		{ CRED_E_SCHEMA, "unreadable" },
		{ CRED_E_ISSUER_UNKNOWN, "issuer-unknown" },
		{ CRED_E_SIGNATURE_INVALID, "signature-invalid" },
		{ CRED_E_KEY_USAGE, "signature-invalid" },
		{ CRED_E_EXPIRED, "credential-expired" },
		{ CRED_E_NOT_YET_VALID, "credential-not-yet-valid" },
		{ CRED_E_REVOKED, "revoked" },
	};
	struct rules_decision d;
	struct cred c;
	const char *const dates[] = { "2021-06-01", "2021-07-01" };

	(void)state;
	vaccinated(&c, 2, dates);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		assert_int_equal(rules_judge(p, &c, map[i].s, at("2022-01-10T12:00:00+09:00"), NULL,
					     NULL, &d),
				 0);
		assert_false(d.admit);
		assert_string_equal(code(&d), map[i].code);
		assert_null(d.kind);
	}
	assert_int_equal(
		rules_judge(p, &c, CRED_OK, at("2022-01-10T12:00:00+09:00"), "Mars/Base", NULL, &d),
		-EINVAL);
}

static void test_dcc_dose_counting(void **state)
{
	const struct rules_program *p = rules_catalog_find(cat, "national-package");
	struct rules_decision d;
	struct cred c;
	const char *const one[] = { "2022-01-05" };

	(void)state;
	/* DCC dn=2 dated 5 days ago: too recent. dn=3 dated 5 days ago proves dose 2 long past. */
	vaccinated(&c, 1, one);
	c.format = CRED_FORMAT_DCC;
	c.doses[0].number = 2;
	assert_int_equal(
		rules_judge(p, &c, CRED_OK, at("2022-01-10T12:00:00+09:00"), NULL, NULL, &d), 0);
	assert_string_equal(code(&d), "vaccination-too-recent");
	assert_string_equal(d.kind, "vaccination");
	c.doses[0].number = 3;
	assert_int_equal(
		rules_judge(p, &c, CRED_OK, at("2022-01-10T12:00:00+09:00"), NULL, NULL, &d), 0);
	assert_string_equal(code(&d), "vaccinated");
	assert_true(d.admit);
	assert_non_null(d.benefit[RULES_LANG_JA]);
	assert_null(d.referral[RULES_LANG_JA]);
	/* Issue 9, finding 2: a vaccination that is not against COVID-19 is no dose. */
	c.doses[0].covid19 = false;
	assert_int_equal(
		rules_judge(p, &c, CRED_OK, at("2022-01-10T12:00:00+09:00"), NULL, NULL, &d), 0);
	assert_string_equal(code(&d), "vaccination-incomplete");
	assert_false(d.admit);
}

static const char *event_date(const json_t *data, const char *group, size_t i, const char *key)
{
	const json_t *cred = json_object_get(data, "credential");

	return json_string_value(
		json_object_get(json_array_get(json_object_get(cred, group), i), key));
}

/* Issue 9, finding 3: a dose date with a time and an offset is counted from its local date in
 * the venue's zone. Dose 2 at 2021-07-01T16:00:00Z is 07-02 in Tokyo: on 07-15 only 13 days. */
static void test_local_dates(void **state)
{
	const struct rules_program *p = rules_catalog_find(cat, "national-package");
	const char *const dates[] = { "2021-06-01", "2021-07-01T16:00:00Z" };
	struct rules_decision d;
	json_t *data;
	struct cred c;

	(void)state;
	vaccinated(&c, 2, dates);
	assert_int_equal(
		rules_judge(p, &c, CRED_OK, at("2021-07-15T12:00:00+09:00"), NULL, NULL, &d), 0);
	assert_string_equal(code(&d), "vaccination-too-recent");
	assert_int_equal(
		rules_judge(p, &c, CRED_OK, at("2021-07-16T12:00:00+09:00"), NULL, NULL, &d), 0);
	assert_string_equal(code(&d), "vaccinated");
	/* In UTC the same dose is on 07-01: 14 days on 07-15. */
	assert_int_equal(rules_judge(p, &c, CRED_OK, at("2021-07-15T12:00:00Z"), "UTC", NULL, &d),
			 0);
	assert_string_equal(code(&d), "vaccinated");
	/* The rules' data shows local dates for every event date (dose, recovery). */
	snprintf(c.recoveries[0].first_positive, sizeof(c.recoveries[0].first_positive),
		 "2021-03-01T20:00:00-05:00");
	snprintf(c.recoveries[0].valid_from, sizeof(c.recoveries[0].valid_from), "2021-03-12");
	snprintf(c.recoveries[0].valid_until, sizeof(c.recoveries[0].valid_until),
		 "2021-08-31T15:30:00Z");
	c.n_recoveries = 1;
	assert_int_equal(
		rules_judge_data(p, &c, at("2021-07-15T12:00:00+09:00"), NULL, NULL, &data), 0);
	assert_string_equal(event_date(data, "v", 1, "dt"), "2021-07-02");
	assert_string_equal(event_date(data, "r", 0, "fr"), "2021-03-02");
	assert_string_equal(event_date(data, "r", 0, "df"), "2021-03-12");
	assert_string_equal(event_date(data, "r", 0, "du"), "2021-09-01");
	json_decref(data);
}

/* Issue 9, finding 4: the night follows from trip_start. A PCR test valid at a trip start six
 * days before the check is night 7, past どうみん割's limit of 5, without any declared night. */
static void test_night_from_trip_start(void **state)
{
	const struct rules_program *p = rules_catalog_find(cat, "hokkaido-doumin-wari");
	struct rules_context *ctx;
	struct rules_decision d;
	struct cred c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.format = CRED_FORMAT_SHC;
	c.n_tests = 1;
	c.tests[0].kind = CRED_TEST_PCR;
	c.tests[0].result = CRED_RESULT_NEGATIVE;
	c.tests[0].collected = at("2022-07-20T09:00:00+09:00");
	assert_int_equal(rules_context_new(&ctx), 0);
	assert_int_equal(rules_context_set(ctx, p, "residence", "JP-01"), 0);
	assert_int_equal(rules_context_set(ctx, p, "trip_start", "2022-07-22"), 0);
	assert_int_equal(
		rules_judge(p, &c, CRED_OK, at("2022-07-26T15:00:00+09:00"), NULL, ctx, &d), 0);
	assert_string_equal(code(&d), "tested-negative"); /* night 5 */
	assert_int_equal(
		rules_judge(p, &c, CRED_OK, at("2022-07-28T15:00:00+09:00"), NULL, ctx, &d), 0);
	assert_string_equal(code(&d), "test-expired"); /* night 7 */
	/* A declared night lower than the calendar's does not count; a higher one does. */
	assert_int_equal(rules_context_set(ctx, p, "night", "1"), 0);
	assert_int_equal(
		rules_judge(p, &c, CRED_OK, at("2022-07-28T15:00:00+09:00"), NULL, ctx, &d), 0);
	assert_string_equal(code(&d), "test-expired");
	assert_int_equal(rules_context_set(ctx, p, "night", "6"), 0);
	assert_int_equal(
		rules_judge(p, &c, CRED_OK, at("2022-07-23T15:00:00+09:00"), NULL, ctx, &d), 0);
	assert_string_equal(code(&d), "test-expired");
	rules_context_free(ctx);
}

static void test_test_in_future(void **state)
{
	const struct rules_program *p = rules_catalog_find(cat, "fukuoka-travel");
	struct rules_decision d;
	struct cred c;
	int64_t now = at("2022-07-20T10:00:00+09:00");

	(void)state;
	memset(&c, 0, sizeof(c));
	c.format = CRED_FORMAT_SHC;
	c.n_tests = 1;
	c.tests[0].kind = CRED_TEST_ANTIGEN_RAPID;
	c.tests[0].result = CRED_RESULT_NEGATIVE;
	c.tests[0].collected = now + RULES_TEST_SKEW; /* 10 minutes of skew: fine */
	assert_int_equal(rules_judge(p, &c, CRED_OK, now, NULL, NULL, &d), 0);
	assert_string_equal(code(&d), "tested-negative");
	c.tests[0].collected = now + RULES_TEST_SKEW + 1;
	assert_int_equal(rules_judge(p, &c, CRED_OK, now, NULL, NULL, &d), 0);
	assert_string_equal(code(&d), "test-in-future");
	c.tests[0].collected = now - 3600;
	c.tests[0].kind = CRED_TEST_ANTIBODY;
	assert_int_equal(rules_judge(p, &c, CRED_OK, now, NULL, NULL, &d), 0);
	assert_string_equal(code(&d), "test-type-not-accepted");
	c.tests[0].kind = CRED_TEST_PCR;
	c.tests[0].result = CRED_RESULT_POSITIVE;
	assert_int_equal(rules_judge(p, &c, CRED_OK, now, NULL, NULL, &d), 0);
	assert_string_equal(code(&d), "test-positive");
	assert_non_null(d.referral[RULES_LANG_JA]);
	assert_non_null(d.referral[RULES_LANG_EN]);
	assert_null(d.benefit[RULES_LANG_JA]);
}

static void test_data_object(void **state)
{
	const struct rules_program *p = rules_catalog_find(cat, "nagano-shinshu-wari");
	struct rules_context *ctx;
	struct cred c;
	json_t *data;
	char *text;
	const char *const dates[] = { "2021-08-01", "2021-09-01" };

	(void)state;
	vaccinated(&c, 2, dates);
	snprintf(c.family, sizeof(c.family), "Sato");
	assert_int_equal(rules_context_new(&ctx), 0);
	assert_int_equal(rules_context_set(ctx, p, "night", "3"), 0);
	assert_int_equal(rules_context_set(ctx, p, "night", "zero"), -EINVAL);
	assert_int_equal(rules_context_set(ctx, p, "alert_level", "5"), -EINVAL);
	assert_int_equal(rules_context_set(ctx, p, "trip_start", "2022-02-30"), -EINVAL);
	assert_int_equal(rules_context_set(ctx, p, "residence", "Hokkaido"), -EINVAL);
	assert_int_equal(rules_context_set(ctx, p, "mood", "good"), -ENOENT);
	/* 2022-01-02 16:00 UTC is 2022-01-03 in Japan */
	assert_int_equal(rules_judge_data(p, &c, at("2022-01-02T16:00:00Z"), NULL, ctx, &data), 0);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(data, "facts"), "check_date")),
		"2022-01-03");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(data, "context"), "reserved_on")),
		"2022-01-03");
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(data, "context"), "night")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(data, "facts"), "age")),
			 31);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(json_object_get(data, "facts"), "days_since_dose"), "2")),
		124);
	/* no names in the data object the rules see */
	text = json_dumps(data, 0);
	assert_non_null(text);
	assert_null(strstr(text, "Sato"));
	free(text);
	json_decref(data);
	rules_context_free(ctx);
}

static void test_rule_error_fails_closed(void **state)
{
	static const char text[] =
		"{\"passgate_program\":1,\"id\":\"broken\",\"name\":{\"ja\":\"壊\",\"en\":"
		"\"Broken\"},"
		"\"seed\":\"none\",\"versions\":[{\"rules\":["
		"{\"id\":\"typo\",\"reason\":\"vaccinated\",\"when\":{\">=\":[{\"var\":\"facts."
		"dose\"},2]}},"
		"{\"id\":\"end\",\"reason\":\"vaccination-incomplete\",\"when\":true}]}]}";
	struct rules_program *p;
	struct rules_decision d;
	char err[256];

	(void)state;
	assert_int_equal(
		rules_program_parse(text, sizeof(text) - 1, "broken", &p, err, sizeof(err)), 0);
	assert_int_equal(
		rules_judge(p, NULL, CRED_OK, at("2022-01-10T12:00:00+09:00"), NULL, NULL, &d), 0);
	assert_false(d.admit);
	assert_string_equal(code(&d), "internal-error");
	assert_string_equal(d.rule, "typo");
	rules_program_free(p);
}

static void test_session_guardian(void **state)
{
	const struct rules_program *p = rules_catalog_find(cat, "national-package");
	struct rules_session *s;
	struct rules_context *child;
	struct rules_decision d;
	struct cred adult;
	const char *const dates[] = { "2021-06-01", "2021-07-01" };
	int64_t now = at("2022-01-10T12:00:00+09:00");
	bool all;

	(void)state;
	vaccinated(&adult, 2, dates);
	assert_int_equal(rules_context_new(&child), 0);
	assert_int_equal(rules_context_set(child, p, "age", "7"), 0);
	assert_int_equal(rules_context_set(child, p, "guardian", "cohabiting"), 0);
	/* the child first: nobody admitted yet, so the declared guardian does not count */
	assert_int_equal(rules_session_new(p, NULL, NULL, &s), 0);
	assert_int_equal(rules_session_judge(s, NULL, CRED_OK, now, child, &d), 0);
	assert_string_equal(code(&d), "child-test-required");
	/* the guardian, then the next child */
	assert_int_equal(rules_session_judge(s, &adult, CRED_OK, now, NULL, &d), 0);
	assert_string_equal(code(&d), "vaccinated");
	assert_int_equal(rules_session_judge(s, NULL, CRED_OK, now, child, &d), 0);
	assert_string_equal(code(&d), "child-exempt");
	assert_int_equal(rules_session_size(s), 3);
	/* national-package has no group policy: one failure excludes only that child */
	assert_int_equal(rules_session_close(s, &all), 0);
	assert_false(all);
	assert_int_equal(rules_session_member(s, 1, &d), 0);
	assert_true(d.admit);
	assert_int_equal(rules_session_member(s, 3, &d), -ENOENT);
	assert_int_equal(rules_session_judge(s, NULL, CRED_OK, now, child, &d), -ENOSPC);
	rules_session_free(s);
	rules_context_free(child);
}

/* Nagano: per_person_price=false turns one failure into group-member-failed for everyone. */
static void test_session_group(void **state)
{
	const struct rules_program *p = rules_catalog_find(cat, "nagano-shinshu-wari");
	const struct rules_program *aichi = rules_catalog_find(cat, "aichi-restaurant");
	struct rules_context *party;
	struct rules_session *s;
	struct rules_decision d;
	struct cred ok, bad;
	const char *const dates[] = { "2021-06-01", "2021-07-01", "2022-01-01" };
	int64_t now = at("2022-05-01T15:00:00+09:00");
	bool all;

	(void)state;
	vaccinated(&ok, 3, dates);
	vaccinated(&bad, 1, dates);
	for (int split = 0; split < 2; split++) {
		assert_int_equal(rules_context_new(&party), 0);
		assert_int_equal(
			rules_context_set(party, p, "per_person_price", split ? "true" : "false"),
			0);
		assert_int_equal(rules_session_new(p, "Asia/Tokyo", party, &s), 0);
		assert_int_equal(rules_session_judge(s, &ok, CRED_OK, now, NULL, &d), 0);
		assert_true(d.admit);
		assert_int_equal(rules_session_judge(s, &bad, CRED_OK, now, NULL, &d), 0);
		assert_false(d.admit);
		assert_int_equal(rules_session_close(s, &all), 0);
		assert_false(all);
		assert_int_equal(rules_session_member(s, 0, &d), 0);
		if (split) {
			assert_true(d.admit);
			assert_string_equal(code(&d), "vaccinated");
		} else {
			assert_false(d.admit);
			assert_string_equal(code(&d), "group-member-failed");
			assert_string_equal(d.kind, "vaccination");
		}
		assert_int_equal(rules_session_member(s, 1, &d), 0);
		assert_string_equal(code(&d), "vaccination-incomplete");
		rules_session_free(s);
		rules_context_free(party);
	}
	/* Aichi: every member must pass, whatever the price */
	assert_int_equal(rules_context_new(&party), 0);
	assert_int_equal(rules_context_set(party, aichi, "restrictions", "priority"), 0);
	assert_int_equal(rules_context_set(party, aichi, "group_size", "5"), 0);
	assert_int_equal(rules_session_new(aichi, NULL, party, &s), 0);
	now = at("2022-01-10T19:00:00+09:00");
	assert_int_equal(rules_session_judge(s, &ok, CRED_OK, now, NULL, &d), 0);
	assert_true(d.admit);
	assert_int_equal(rules_session_judge(s, NULL, CRED_OK, now, NULL, &d), 0);
	assert_false(d.admit);
	/* After the failure is known, a member who qualifies is not admitted either. */
	assert_int_equal(rules_session_judge(s, &ok, CRED_OK, now, NULL, &d), 0);
	assert_false(d.admit);
	assert_string_equal(code(&d), "group-member-failed");
	assert_string_equal(d.kind, "vaccination");
	assert_int_equal(rules_session_close(s, &all), 0);
	assert_int_equal(rules_session_member(s, 0, &d), 0);
	assert_string_equal(code(&d), "group-member-failed");
	rules_session_free(s);
	rules_context_free(party);
	/* Per person (Nagano with a split price): a later member still qualifies on their own. */
	assert_int_equal(rules_context_new(&party), 0);
	assert_int_equal(rules_context_set(party, p, "per_person_price", "true"), 0);
	assert_int_equal(rules_session_new(p, "Asia/Tokyo", party, &s), 0);
	now = at("2022-05-01T15:00:00+09:00");
	assert_int_equal(rules_session_judge(s, &bad, CRED_OK, now, NULL, &d), 0);
	assert_false(d.admit);
	assert_int_equal(rules_session_judge(s, &ok, CRED_OK, now, NULL, &d), 0);
	assert_true(d.admit);
	rules_session_free(s);
	rules_context_free(party);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_table),
		cmocka_unit_test(test_failed_verification),
		cmocka_unit_test(test_dcc_dose_counting),
		cmocka_unit_test(test_test_in_future),
		cmocka_unit_test(test_local_dates),
		cmocka_unit_test(test_night_from_trip_start),
		cmocka_unit_test(test_data_object),
		cmocka_unit_test(test_rule_error_fails_closed),
		cmocka_unit_test(test_session_guardian),
		cmocka_unit_test(test_session_group),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
