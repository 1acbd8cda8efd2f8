/* SPDX-License-Identifier: MIT */
/*
 * test_rules_logic.c - the CertLogic evaluator beyond the official suite: passgate's strict
 * choices (docs/rules.md), limits, and the date arithmetic of plusTime/dccDateOfBirth.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "credential/isotime.h"
#include "rules/datetime.h"
#include "rules/logic.h"

/* Evaluate @expr_text on @data_text; returns the error code, the result as compact JSON. */
static int run(const char *expr_text, const char *data_text, char *out, size_t outlen)
{
	json_t *e = json_loads(expr_text, JSON_DECODE_ANY, NULL);
	json_t *d = json_loads(data_text, JSON_DECODE_ANY, NULL), *res = NULL;
	char err[256];
	int r;

	assert_non_null(e);
	assert_non_null(d);
	r = rules_logic_eval(e, d, &res, err, sizeof(err));
	if (r == 0) {
		char *s = json_dumps(res, JSON_ENCODE_ANY | JSON_COMPACT);

		snprintf(out, outlen, "%s", s);
		free(s);
	} else {
		snprintf(out, outlen, "error: %s", err);
	}
	json_decref(res);
	json_decref(e);
	json_decref(d);
	return r;
}

static void expect(const char *expr, const char *data, const char *want)
{
	char got[512];

	assert_int_equal(run(expr, data, got, sizeof(got)), 0);
	assert_string_equal(got, want);
}

static void expect_error(const char *expr, const char *data)
{
	char got[512];

	assert_int_equal(run(expr, data, got, sizeof(got)), -EINVAL);
}

static void test_plustime_leap_days(void **state)
{
	(void)state;
	/* The table of the spec, "Leap days". */
	expect("{\"plusTime\":[\"2020-02-29\",1,\"day\"]}", "null", "\"2020-03-01T00:00:00.000Z\"");
	expect("{\"plusTime\":[\"2020-02-29\",1,\"month\"]}", "null",
	       "\"2020-03-29T00:00:00.000Z\"");
	expect("{\"plusTime\":[\"2020-02-29\",1,\"year\"]}", "null",
	       "\"2021-03-01T00:00:00.000Z\"");
	/* JavaScript Date overflow: Jan 31 + 1 month is Mar 2 (2021) */
	expect("{\"plusTime\":[\"2021-01-31\",1,\"month\"]}", "null",
	       "\"2021-03-03T00:00:00.000Z\"");
	expect("{\"plusTime\":[\"2021-03-31\",-1,\"month\"]}", "null",
	       "\"2021-03-03T00:00:00.000Z\"");
	expect("{\"plusTime\":[\"2021-01-15\",-13,\"month\"]}", "null",
	       "\"2019-12-15T00:00:00.000Z\"");
	expect("{\"plusTime\":[\"2021-06-01T23:30:00+09:00\",2,\"hour\"]}", "null",
	       "\"2021-06-01T16:30:00.000Z\"");
	/* offsets of every allowed form, and fractions rounded down to the millisecond */
	expect("{\"plusTime\":[\"2021-06-01T00:00:00.123999-1\",0,\"day\"]}", "null",
	       "\"2021-06-01T01:00:00.123Z\"");
	expect("{\"plusTime\":[\"2021-06-01T00:00:00+530\",0,\"day\"]}", "null",
	       "\"2021-05-31T18:30:00.000Z\"");
	expect("{\"plusTime\":[\"2021-06-01T00:00:00+5:30\",0,\"day\"]}", "null",
	       "\"2021-05-31T18:30:00.000Z\"");
	expect("{\"plusTime\":[\"2021-06-01T00:00:00\",0,\"day\"]}", "null",
	       "\"2021-06-01T00:00:00.000Z\"");
	/* partial dates as dccDateOfBirth: the last consistent day */
	expect("{\"plusTime\":[\"2004-02\",0,\"day\"]}", "null", "\"2004-02-29T00:00:00.000Z\"");
	expect("{\"dccDateOfBirth\":[\"1990\"]}", "null", "\"1990-12-31T00:00:00.000Z\"");
}

static void test_strict_errors(void **state)
{
	(void)state;
	expect_error("{\"plusTime\":[\"2021-13-01\",0,\"day\"]}", "null");
	expect_error("{\"plusTime\":[\"2021-02-30\",0,\"day\"]}", "null");
	expect_error("{\"plusTime\":[{\"var\":\"x\"},0,\"day\"]}", "{}");
	expect_error("{\"plusTime\":[\"2021-01-01\",0,\"week\"]}", "null");
	expect_error("{\"plusTime\":[\"2021-01-01\",{\"var\":\"n\"},\"day\"]}", "{\"n\":1}");
	expect_error("{\"dccDateOfBirth\":[\"2021-01-01T00:00:00Z\"]}", "null");
	expect_error("{\"dccDateOfBirth\":[\"2021-01-01 00:00:00Z\"]}", "null");
	expect_error("{\"dccDateOfBirth\":[\"2021-01-01t00:00:00\"]}", "null");
	expect_error("{\"===\":[[1],[1]]}", "null");
	expect_error("{\"+\":[1,\"1\"]}", "null");
	expect_error("{\"+\":[9223372036854775807,1]}", "null");
	expect_error("{\"in\":[1,{\"var\":\"x\"}]}", "{\"x\":\"1\"}");
	expect_error("{\">\":[1,null]}", "null");
	expect_error("{\"after\":[1,2]}", "null");
	expect_error("{\"!\":[{\"plusTime\":[\"2021-01-01\",0,\"day\"]}]}", "null");
	expect_error("{\"if\":[1.5,1,2]}", "null");
	expect_error("{\"and\":[true]}", "null");
	expect_error("{\"var\":\"a..b\"}", "null");
	expect_error("{\"reduce\":[\"abc\",1,0]}", "null");
	expect_error("{\"extractFromUVCI\":[1,0]}", "null");
	expect_error("{\"all\":[]}", "null");
	expect_error("{\"a\":[],\"b\":[]}", "null");
	expect_error("null", "null");
}

static void test_datetime_not_forgeable(void **state)
{
	json_t *e, *d;
	bool ok;

	(void)state;
	/* Data shaped like the evaluator's internal date-time is still plain data. */
	e = json_loads("{\"after\":[{\"var\":\"x\"},{\"plusTime\":[\"1970-01-01\",0,\"day\"]}]}", 0,
		       NULL);
	d = json_loads("{\"x\":{\"#certlogic-date-time\":{},\"ms\":99999999}}", 0, NULL);
	assert_int_equal(rules_logic_test(e, d, &ok, NULL, 0), -EINVAL);
	json_decref(e);
	json_decref(d);
}

static void test_reduce_and_dates_in_values(void **state)
{
	(void)state;
	expect("{\"reduce\":[{\"var\":\"v\"},{\"+\":[{\"var\":\"accumulator\"},{\"var\":\"current."
	       "dn\"}]},0]}",
	       "{\"v\":[{\"dn\":1},{\"dn\":2}]}", "3");
	/* date-times may flow through reduce accumulators and arrays, rendered on the way out */
	expect("{\"reduce\":[[1,2],{\"plusTime\":[\"2021-01-01\",1,\"day\"]},0]}", "null",
	       "\"2021-01-02T00:00:00.000Z\"");
	expect("[{\"plusTime\":[\"2021-01-01\",0,\"day\"]}]", "null",
	       "[\"2021-01-01T00:00:00.000Z\"]");
	expect("{\"after\":[{\"reduce\":[[1],{\"var\":\"accumulator\"},{\"plusTime\":[\"2021-01-"
	       "02\",0,\"day\"]}]},"
	       "{\"plusTime\":[\"2021-01-01\",0,\"day\"]}]}",
	       "null", "true");
	expect("{\"extractFromUVCI\":[\"URN:UVCI:01:NL:187/37512422923#X\",3]}", "null",
	       "\"37512422923\"");
	expect("{\"extractFromUVCI\":[\"a::c/#/f\",5]}", "null", "\"f\"");
}

static void test_depth_limit(void **state)
{
	char buf[4096];
	size_t n = 0;
	json_t *e;
	bool ok;
	char err[128];

	(void)state;
	for (int i = 0; i < RULES_LOGIC_MAX_DEPTH + 5; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "{\"!\":[");
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "true");
	for (int i = 0; i < RULES_LOGIC_MAX_DEPTH + 5; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "]}");
	e = json_loads(buf, 0, NULL);
	assert_non_null(e);
	assert_int_equal(rules_logic_test(e, NULL, &ok, err, sizeof(err)), -ELOOP);
	assert_int_equal(rules_logic_validate(e, err, sizeof(err)), -ELOOP);
	json_decref(e);
}

/* Issue 9, finding 8: evaluation is bounded by a step budget, whatever the nesting: 16^4 rounds
 * of nested reduce, and [acc, acc] doubling a value each round (its copy is bounded too). */
static void test_step_budget(void **state)
{
	static const char arr[] = "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]";
	char buf[1024], err[128];
	unsigned long budget = 100;
	json_t *e, *r = NULL;
	bool ok;

	(void)state;
	snprintf(buf, sizeof(buf),
		 "{\"reduce\":[%s,{\"reduce\":[%s,{\"reduce\":[%s,{\"reduce\":[%s,"
		 "{\"+\":[{\"var\":\"accumulator\"},1]},0]},0]},0]},0]}",
		 arr, arr, arr, arr);
	e = json_loads(buf, 0, NULL);
	assert_non_null(e);
	assert_int_equal(rules_logic_validate(e, err, sizeof(err)), 0);
	assert_int_equal(rules_logic_eval(e, NULL, &r, err, sizeof(err)), -E2BIG);
	assert_string_equal(err, "evaluation exceeds the budget of 10000 steps");
	assert_int_equal(rules_logic_test(e, NULL, &ok, err, sizeof(err)), -E2BIG);
	assert_true(rules_logic_cost(e) > RULES_LOGIC_MAX_STEPS);
	json_decref(e);
	snprintf(buf, sizeof(buf),
		 "{\"reduce\":[%s,[{\"var\":\"accumulator\"},{\"var\":\"accumulator\"}],0]}", arr);
	e = json_loads(buf, 0, NULL);
	assert_int_equal(rules_logic_eval(e, NULL, &r, err, sizeof(err)), -E2BIG);
	assert_string_equal(err, "result has more than 10000 values");
	json_decref(e);
	/* A shared budget: steps taken by one test are gone for the next. */
	e = json_loads("{\"!\":[{\"!\":[true]}]}", 0, NULL);
	assert_int_equal(rules_logic_cost(e), 3);
	assert_int_equal(rules_logic_test_budget(e, NULL, &budget, &ok, err, sizeof(err)), 0);
	assert_int_equal(budget, 97);
	budget = 2;
	assert_int_equal(rules_logic_test_budget(e, NULL, &budget, &ok, err, sizeof(err)), -E2BIG);
	json_decref(e);
}

static void test_time_parse(void **state)
{
	int64_t t, days;

	(void)state;
	assert_int_equal(rules_time_parse("2022-01-02T16:00:00Z", NULL, &t), 0);
	assert_int_equal(t, 1641139200);
	assert_int_equal(rules_time_parse("2022-01-03T01:00:00+09:00", NULL, &t), 0);
	assert_int_equal(t, 1641139200);
	assert_int_equal(rules_time_parse("2022-01-03T01:00+0900", NULL, &t), 0);
	assert_int_equal(t, 1641139200);
	/* without an offset: local to the zone given */
	assert_int_equal(rules_time_parse("2022-01-03T01:00:00", "Asia/Tokyo", &t), 0);
	assert_int_equal(t, 1641139200);
	assert_int_equal(rules_time_parse("2022-01-03T01:00:00", NULL, &t), -EINVAL);
	assert_int_equal(rules_time_parse("2022-01-03", NULL, &t), -EINVAL);
	assert_int_equal(rules_time_parse("2022-01-03T25:00:00Z", NULL, &t), -EINVAL);
	/* the same instant is a different local date in Tokyo and UTC */
	assert_int_equal(rules_local_days(1641139200, "Asia/Tokyo", &days), 0);
	assert_int_equal(days, isotime_days_from_civil(2022, 1, 3));
	assert_int_equal(rules_local_days(1641139200, "UTC", &days), 0);
	assert_int_equal(days, isotime_days_from_civil(2022, 1, 2));
	assert_int_equal(rules_local_days(1641139200, "Asia/Nowhere", &days), -EINVAL);
	assert_int_equal(rules_local_days(1641139200, "../../etc/passwd", &days), -EINVAL);
	assert_int_equal(rules_date_parse("2022-02-29", &days), -EINVAL);
	assert_int_equal(rules_date_parse("2024-02-29", &days), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plustime_leap_days),
		cmocka_unit_test(test_strict_errors),
		cmocka_unit_test(test_datetime_not_forgeable),
		cmocka_unit_test(test_reduce_and_dates_in_values),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_step_budget),
		cmocka_unit_test(test_time_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
