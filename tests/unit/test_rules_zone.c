/* SPDX-License-Identifier: MIT */
/*
 * test_rules_zone.c - UTC offsets read from the system's zoneinfo as data (rules/zone.h):
 * transitions in the file, the POSIX TZ footer beyond them (northern and southern daylight
 * saving, Dublin's negative DST, Lord Howe's half hour), the time before the first
 * transition, and that the process's TZ is neither read nor changed. Expected values were
 * taken from Python's zoneinfo over the same system tzdata.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/datetime.h"
#include "rules/zone.h"

static int32_t offset(const char *tz, int64_t t)
{
	int32_t off = 12345;

	assert_int_equal(rules_zone_offset(tz, t, &off), 0);
	return off;
}

static void test_transitions_in_file(void **state)
{
	(void)state;
	assert_int_equal(offset("Asia/Tokyo", 1641139200), 9 * 3600);
	assert_int_equal(offset("America/New_York", 1772953199), -5 * 3600); /* 2026-03-08 */
	assert_int_equal(offset("America/New_York", 1772953200), -4 * 3600);
	assert_int_equal(offset("America/New_York", -5364662400), -17762); /* LMT, 1800 */
	assert_int_equal(offset("UTC", 1772953200), 0);
}

static void test_footer_rules(void **state)
{
	(void)state;
	/* 2040: past the transitions a zoneinfo file lists; the footer's rule decides. */
	assert_int_equal(offset("America/New_York", 2215061999), -5 * 3600);
	assert_int_equal(offset("America/New_York", 2215062000), -4 * 3600);
	assert_int_equal(offset("America/New_York", 2235621599), -4 * 3600);
	assert_int_equal(offset("America/New_York", 2235621600), -5 * 3600);
	assert_int_equal(offset("Australia/Sydney", 2210198400), 11 * 3600); /* January */
	assert_int_equal(offset("Australia/Sydney", 2224713600), 10 * 3600); /* July */
	assert_int_equal(offset("Europe/Dublin", 2210198400), 0);
	assert_int_equal(offset("Europe/Dublin", 2224713600), 3600);
	assert_int_equal(offset("Australia/Lord_Howe", 2210198400), 11 * 3600);
	assert_int_equal(offset("Australia/Lord_Howe", 2224713600), 10 * 3600 + 1800);
}

static void test_bad_zones_and_data(void **state)
{
	static const uint8_t junk[] = "TZif2 but nothing more";
	int32_t off;

	(void)state;
	assert_int_equal(rules_zone_offset("Asia/Nowhere", 0, &off), -EINVAL);
	assert_int_equal(rules_zone_offset("../../etc/passwd", 0, &off), -EINVAL);
	assert_int_equal(rules_zone_offset_tzif(junk, sizeof(junk), 0, &off), -EBADMSG);
}

/* main() owns TZ: the rules read their zone as data and leave the environment alone. */
static void test_tz_untouched(void **state)
{
	const char *before = getenv("TZ");
	char *copy = before ? strdup(before) : NULL;
	int64_t days;

	(void)state;
	assert_int_equal(rules_local_days(1641139200, "Asia/Tokyo", &days), 0);
	assert_int_equal(rules_time_parse("2022-01-03T01:00:00", "America/New_York", &days), 0);
	assert_int_equal(days, 1641189600);
	if (copy)
		assert_string_equal(getenv("TZ"), copy);
	else
		assert_null(getenv("TZ"));
	free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transitions_in_file),
		cmocka_unit_test(test_footer_rules),
		cmocka_unit_test(test_bad_zones_and_data),
		cmocka_unit_test(test_tz_untouched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
