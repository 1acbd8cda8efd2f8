/* SPDX-License-Identifier: MIT */
/*
 * test_rules_program.c - program files: malformed files are refused at load with the file and
 * the reason; a new program is picked up from a directory with no rebuild; the real programs'
 * windows hold on their first and last local day, and checks whose UTC time is on another date
 * than in Japan are judged by the Japanese date.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rules/datetime.h"
#include "rules/judge.h"

/* A minimal valid program, with a hole "%s" for one more member or a replaced piece. */
#define RULE_OK	 "{\"id\":\"ok\",\"reason\":\"vaccinated\",\"when\":{\"var\":\"facts.doses\"}}"
#define RULE_END "{\"id\":\"end\",\"reason\":\"vaccination-incomplete\",\"when\":true}"
#define HEAD                                                                                  \
	"{\"passgate_program\":1,\"id\":\"%s\",\"name\":{\"ja\":\"試験\",\"en\":\"Test\"}," \
	"\"seed\":\"none\","

static char tmpdir[256];

static int mkd(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/rules-test-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int rmd(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void remove_file(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
}

/* Load @text as tmpdir/@id.json; expect failure whose message names the file and has @why. */
static void expect_rejected(const char *id, const char *text, const char *why)
{
	char name[128], path[512], err[1024] = "";
	struct rules_program *p = NULL;
	struct rules_catalog *c = NULL;

	snprintf(name, sizeof(name), "%s.json", id);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	write_file(name, text);
	assert_int_equal(rules_program_load(path, &p, err, sizeof(err)), -EINVAL);
	assert_null(p);
	if (!strstr(err, path) || !strstr(err, why))
		fail_msg("error \"%s\" lacks \"%s\" or the path", err, why);
	/* and the whole directory refuses to load, naming the same file */
	err[0] = '\0';
	assert_int_equal(rules_catalog_load(tmpdir, &c, err, sizeof(err)), -EINVAL);
	assert_null(c);
	assert_non_null(strstr(err, path));
	remove_file(name);
}

static void test_malformed(void **state)
{
	char buf[2048];

	(void)state;
	expect_rejected("bad-json", "{\"passgate_program\":1,\"id\":", "line 1");
	snprintf(buf, sizeof(buf),
		 HEAD "\"versions\":[{\"rules\":[{\"id\":\"x\",\"reason\":\"vaccinated\","
		      "\"when\":{\"some\":[1,2]}}," RULE_END "]}]}",
		 "unknown-op");
	expect_rejected("unknown-op", buf, "unrecognised operator: \"some\"");
	snprintf(buf, sizeof(buf),
		 HEAD "\"versions\":[{\"rules\":[{\"id\":\"x\",\"reason\":\"fully-jabbed\","
		      "\"when\":true}]}]}",
		 "unknown-reason");
	expect_rejected("unknown-reason", buf, "unknown reason code \"fully-jabbed\"");
	snprintf(buf, sizeof(buf),
		 HEAD "\"versions\":[{\"from\":\"2022-01-01\",\"until\":\"2022-03-01\",\"rules\":"
		      "[" RULE_END "]},{\"from\":\"2022-03-01\",\"rules\":[" RULE_END "]}]}",
		 "overlap");
	expect_rejected("overlap", buf, "versions 0 and 1 overlap");
	snprintf(buf, sizeof(buf),
		 HEAD "\"versions\":[{\"rules\":[{\"id\":\"t\",\"reason\":\"tested-negative\","
		      "\"when\":{\"var\":\"facts.test\"}}," RULE_END "]}]}",
		 "no-referral");
	expect_rejected("no-referral", buf, "accepts tests but has no \"referral\"");
	/* more ways to be wrong */
	snprintf(buf, sizeof(buf), HEAD "\"versions\":[{\"rules\":[" RULE_OK "]}]}",
		 "no-catch-all");
	expect_rejected("no-catch-all", buf, "must have \"when\": true");
	snprintf(buf, sizeof(buf), HEAD "\"versions\":[{\"rules\":[" RULE_END "]}],\"colour\":1}",
		 "unknown-member");
	expect_rejected("unknown-member", buf, "unknown member \"colour\"");
	snprintf(buf, sizeof(buf), HEAD "\"versions\":[{\"rules\":[" RULE_END "]}]}", "other-id");
	expect_rejected("file-name", buf, "does not match the id");
	snprintf(buf, sizeof(buf),
		 HEAD "\"active\":[{\"from\":\"2022-02-30\"}],\"versions\":[{\"rules\":[" RULE_END
		      "]}]}",
		 "bad-date");
	expect_rejected("bad-date", buf, "active window 0");
	snprintf(buf, sizeof(buf),
		 HEAD "\"context\":{\"alert_level\":9},\"versions\":[{\"rules\":[" RULE_END "]}]}",
		 "bad-context");
	expect_rejected("bad-context", buf, "context default \"alert_level\"");
	snprintf(buf, sizeof(buf),
		 HEAD "\"versions\":[{\"rules\":[{\"id\":\"x\",\"reason\":\"vaccinated\","
		      "\"when\":{\"plusTime\":[\"2022-01-01\",1.5,\"day\"]}}," RULE_END "]}]}",
		 "bad-plustime");
	expect_rejected("bad-plustime", buf, "amount must be an integer literal");
}

/* Nesting is bounded before jansson parses: one level past the limit is refused as too deep,
 * the limit itself gets as far as the schema check. */
static void test_nesting_limit(void **state)
{
	char buf[2048], deep[256];
	size_t n;

	(void)state;
	for (int levels = RULES_PROGRAM_MAX_JSON_DEPTH + 1; levels >= RULES_PROGRAM_MAX_JSON_DEPTH;
	     levels--) {
		n = 0;
		/* the root object is one level, "x" holds the rest */
		for (int i = 1; i < levels; i++)
			deep[n++] = '[';
		for (int i = 1; i < levels; i++)
			deep[n++] = ']';
		deep[n] = '\0';
		snprintf(buf, sizeof(buf),
			 HEAD "\"versions\":[{\"rules\":[" RULE_END "]}],\"x\":%s}", "deep", deep);
		if (levels > RULES_PROGRAM_MAX_JSON_DEPTH)
			expect_rejected("deep", buf, "JSON nested deeper than 48");
		else
			expect_rejected("deep", buf, "unknown member \"x\"");
	}
}

/* Issue 9, finding 8: nested reduce passed the checks and a judgment never ended. A program
 * whose rules may take more than RULES_LOGIC_MAX_STEPS steps in one judgment is refused. */
static void test_step_budget(void **state)
{
	/* A reduce over the credential's doses (up to 16) of a reduce of a reduce: 16^3 rounds. */
	static const char heavy[] =
		"{\"id\":\"heavy\",\"reason\":\"vaccinated\",\"when\":{\"reduce\":[{\"var\":"
		"\"credential.v\"},{\"reduce\":[{\"var\":\"data.v\"},{\"reduce\":[{\"var\":\"v\"},"
		"{\"+\":[{\"var\":\"accumulator\"},1]},0]},0]},0]}}";
	char buf[2048];

	(void)state;
	snprintf(buf, sizeof(buf), HEAD "\"versions\":[{\"rules\":[%s," RULE_END "]}]}", "heavy",
		 heavy);
	expect_rejected("heavy", buf, "over the budget of 10000 per judgment");
}

static void test_new_program_without_rebuild(void **state)
{
	struct rules_catalog *c;
	const struct rules_program *p;
	struct rules_decision d;
	char buf[2048], err[512];
	int64_t now;

	(void)state;
	assert_int_equal(rules_catalog_load(tmpdir, &c, err, sizeof(err)), 0);
	assert_int_equal(rules_catalog_count(c), 0);
	rules_catalog_free(c);
	/* A prefecture's new program: children under 12 exempt, others need 1 dose. */
	snprintf(buf, sizeof(buf),
		 HEAD
		 "\"active\":[{\"from\":\"2022-05-01\",\"until\":\"2022-05-31\"}],"
		 "\"versions\":[{\"rules\":["
		 "{\"id\":\"kids\",\"reason\":\"child-exempt\",\"when\":{\"var\":\"facts.child\"}},"
		 "{\"id\":\"one\",\"reason\":\"vaccinated\",\"when\":{\">=\":[{\"var\":\"facts."
		 "doses\"},1]}}," RULE_END "]}]}",
		 "new-pref");
	write_file("new-pref.json", buf);
	assert_int_equal(rules_catalog_load(tmpdir, &c, err, sizeof(err)), 0);
	p = rules_catalog_find(c, "new-pref");
	assert_non_null(p);
	assert_int_equal(rules_time_parse("2022-05-10T12:00:00+09:00", NULL, &now), 0);
	assert_int_equal(rules_judge(p, NULL, CRED_OK, now, "Asia/Tokyo", NULL, &d), 0);
	assert_false(d.admit);
	assert_string_equal(rules_reason_code(d.reasons[0]), "vaccination-incomplete");
	rules_catalog_free(c);
	remove_file("new-pref.json");
}

static struct rules_catalog *real_catalog(void)
{
	char dir[1024], err[512];
	struct rules_catalog *c;

	snprintf(dir, sizeof(dir), "%s/rules/programs", getenv("PASSGATE_SOURCE_DIR"));
	assert_int_equal(rules_catalog_load(dir, &c, err, sizeof(err)), 0);
	assert_int_equal(rules_catalog_count(c), 6);
	return c;
}

/* Judge a vaccinated adult (3 SHC doses in 2021) at @at; returns the first reason code. */
static const char *judge_at(const struct rules_program *p, const char *at, const char *residence)
{
	struct rules_context *ctx;
	struct rules_decision d;
	struct cred c;
	int64_t now;

	memset(&c, 0, sizeof(c));
	c.format = CRED_FORMAT_SHC;
	c.n_doses = 3;
	for (unsigned i = 0; i < 3; i++) {
		c.doses[i].number = i + 1;
		c.doses[i].covid19 = true;
		snprintf(c.doses[i].date, sizeof(c.doses[i].date), "2021-0%u-01", 6 + i);
	}
	assert_int_equal(rules_time_parse(at, NULL, &now), 0);
	assert_int_equal(rules_context_new(&ctx), 0);
	if (residence)
		assert_int_equal(rules_context_set(ctx, p, "residence", residence), 0);
	assert_int_equal(rules_context_set(ctx, p, "restrictions", "priority"), 0);
	assert_int_equal(rules_context_set(ctx, p, "group_size", "6"), 0);
	assert_int_equal(rules_judge(p, &c, CRED_OK, now, "Asia/Tokyo", ctx, &d), 0);
	rules_context_free(ctx);
	return rules_reason_code(d.reasons[0]);
}

static void test_windows_first_and_last_day(void **state)
{
	struct rules_catalog *c = real_catalog();
	static const struct {
		const char *id, *before, *first, *last, *after, *res;
	} w[] = {
		/* the last instant before the first local day, in UTC, is still the previous day */
		{ "sapporo-pass-code", "2021-12-05T14:59:59Z", "2021-12-05T15:00:00Z",
		  "2022-03-31T23:59:59+09:00", "2022-03-31T15:00:00Z", NULL },
		{ "hokkaido-doumin-wari", "2022-03-21T23:59:59+09:00", "2022-03-22T00:00:00+09:00",
		  "2022-09-01T14:59:59Z", "2022-09-02T00:00:00+09:00", "JP-01" },
		{ "nagano-shinshu-wari", "2021-12-09T23:59:59+09:00", "2021-12-10T00:00:00+09:00",
		  "2030-01-01T12:00:00+09:00", NULL, NULL },
		{ "aichi-restaurant", "2021-12-22T23:59:59+09:00", "2021-12-23T00:00:00+09:00",
		  "2022-01-18T23:59:59+09:00", NULL, NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		const struct rules_program *p = rules_catalog_find(c, w[i].id);

		assert_non_null(p);
		assert_string_equal(judge_at(p, w[i].before, w[i].res), "program-inactive");
		assert_string_equal(judge_at(p, w[i].first, w[i].res), "vaccinated");
		assert_string_equal(judge_at(p, w[i].last, w[i].res), "vaccinated");
		if (w[i].after)
			assert_string_equal(judge_at(p, w[i].after, w[i].res), "program-inactive");
	}
	/* Aichi: the first suspended local day begins at 15:00 UTC on the 18th */
	assert_string_equal(
		judge_at(rules_catalog_find(c, "aichi-restaurant"), "2022-01-18T14:59:59Z", NULL),
		"vaccinated");
	assert_string_equal(
		judge_at(rules_catalog_find(c, "aichi-restaurant"), "2022-01-18T15:00:00Z", NULL),
		"program-suspended");
	/* national-package and fukuoka-travel have no window */
	assert_string_equal(
		judge_at(rules_catalog_find(c, "national-package"), "2000-01-01T00:00:00Z", NULL),
		"vaccination-too-recent");
	rules_catalog_free(c);
}

/* A PCR collected at 15:30 UTC on 07-20 is collected on 07-21 in Japan. */
static void test_collection_time_in_utc(void **state)
{
	struct rules_catalog *c = real_catalog();
	const struct rules_program *p = rules_catalog_find(c, "fukuoka-travel");
	struct rules_decision d;
	struct cred cr;
	int64_t now;

	(void)state;
	memset(&cr, 0, sizeof(cr));
	cr.format = CRED_FORMAT_SHC;
	cr.n_tests = 1;
	cr.tests[0].kind = CRED_TEST_PCR;
	cr.tests[0].result = CRED_RESULT_NEGATIVE;
	assert_int_equal(rules_time_parse("2022-07-20T15:30:00Z", NULL, &cr.tests[0].collected), 0);
	/* 07-24 in Japan is day 3 after 07-21: valid (by UTC dates it would be day 4) */
	assert_int_equal(rules_time_parse("2022-07-24T20:00:00+09:00", NULL, &now), 0);
	assert_int_equal(rules_judge(p, &cr, CRED_OK, now, "Asia/Tokyo", NULL, &d), 0);
	assert_string_equal(rules_reason_code(d.reasons[0]), "tested-negative");
	assert_string_equal(d.kind, "test");
	/* 07-25 in Japan: expired */
	assert_int_equal(rules_time_parse("2022-07-24T15:00:00Z", NULL, &now), 0);
	assert_int_equal(rules_judge(p, &cr, CRED_OK, now, "Asia/Tokyo", NULL, &d), 0);
	assert_string_equal(rules_reason_code(d.reasons[0]), "test-expired");
	/* the same check in a venue on UTC counts UTC dates: 07-20 .. 07-24 is day 4 */
	assert_int_equal(rules_time_parse("2022-07-24T10:00:00Z", NULL, &now), 0);
	assert_int_equal(rules_judge(p, &cr, CRED_OK, now, "UTC", NULL, &d), 0);
	assert_string_equal(rules_reason_code(d.reasons[0]), "test-expired");
	assert_int_equal(rules_judge(p, &cr, CRED_OK, now, "Asia/Tokyo", NULL, &d), 0);
	assert_string_equal(rules_reason_code(d.reasons[0]), "tested-negative");
	rules_catalog_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nesting_limit, mkd, rmd),
		cmocka_unit_test_setup_teardown(test_step_budget, mkd, rmd),
		cmocka_unit_test_setup_teardown(test_malformed, mkd, rmd),
		cmocka_unit_test_setup_teardown(test_new_program_without_rebuild, mkd, rmd),
		cmocka_unit_test(test_windows_first_and_last_day),
		cmocka_unit_test(test_collection_time_in_utc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
