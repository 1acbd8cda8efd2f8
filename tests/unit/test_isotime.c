/* SPDX-License-Identifier: MIT */
/* test_isotime.c - ISO 8601 parsing with offsets, and UTC formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>

#include "credential/isotime.h"

static void test_parse(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(isotime_parse("1970-01-01", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(isotime_parse("2024-01-01", &t), 0);
	assert_int_equal(t, 1704067200);
	assert_int_equal(isotime_parse("2024-01-01T09:00:00+09:00", &t), 0);
	assert_int_equal(t, 1704067200);
	assert_int_equal(isotime_parse("2024-01-01T00:00Z", &t), 0);
	assert_int_equal(t, 1704067200);
	assert_int_equal(isotime_parse("2023-12-31T19:30:00.123-0430", &t), 0);
	assert_int_equal(t, 1704067200);
	assert_int_equal(isotime_parse("2024-02-29", &t), 0);
	assert_int_equal(isotime_parse("2023-02-29", &t), -EINVAL);
	assert_int_equal(isotime_parse("2024-01-01T10:00:00", &t), -EINVAL); /* no offset */
	assert_int_equal(isotime_parse("2024-1-01", &t), -EINVAL);
	assert_int_equal(isotime_parse("2024-01-01T25:00:00Z", &t), -EINVAL);
	assert_int_equal(isotime_parse("2024-01-01Zjunk", &t), -EINVAL);
	assert_int_equal(isotime_parse("01-01-2021", &t), -EINVAL);
}

static void test_scan(void **state)
{
	int64_t ms;

	(void)state;
	/* The parts found, for the callers to require what they need. */
	assert_int_equal(isotime_scan("2024-01-01", 0, &ms), 0);
	assert_int_equal(ms, 1704067200000);
	assert_int_equal(isotime_scan("2024-01-01T00:00", 0, &ms), ISOTIME_TIME);
	assert_int_equal(isotime_scan("2024-01-01T00:00:00.0429", 0, &ms),
			 ISOTIME_TIME | ISOTIME_SECONDS);
	assert_int_equal(ms, 1704067200042);
	assert_int_equal(isotime_scan("2024-01-01t09:00:00,5+9", 0, &ms),
			 ISOTIME_TIME | ISOTIME_SECONDS | ISOTIME_OFFSET);
	assert_int_equal(ms, 1704067200500);
	assert_int_equal(isotime_scan("2024-01-01 05:30-5:30", 0, &ms),
			 ISOTIME_TIME | ISOTIME_OFFSET);
	assert_int_equal(ms, 1704106800000);
	/* Partial dates only on request, as their last day; never with a time. */
	assert_int_equal(isotime_scan("2024-02", 0, &ms), -EINVAL);
	assert_int_equal(isotime_scan("2024-02", ISOTIME_PARTIAL_DATE, &ms), 0);
	assert_int_equal(ms, 1709164800000);
	assert_int_equal(isotime_scan("2024", ISOTIME_PARTIAL_DATE, &ms), 0);
	assert_int_equal(ms, 1735603200000);
	assert_int_equal(isotime_scan("2024-02T00:00:00Z", ISOTIME_PARTIAL_DATE, &ms), -EINVAL);
	assert_int_equal(isotime_scan("2024-02-30T00:00:00Z", 0, &ms), -EINVAL);
	assert_int_equal(isotime_scan("2024-01-01T00:00:00+24", 0, &ms), -EINVAL);
	assert_int_equal(isotime_scan("2024-01-01T00:00:00+01:60", 0, &ms), -EINVAL);
	assert_int_equal(isotime_scan("2024-01-01T00:00:00+12345", 0, &ms), -EINVAL);
	assert_int_equal(isotime_scan(NULL, 0, &ms), -EINVAL);
	assert_int_equal(isotime_floor_div(-1, 1000), -1);
	assert_int_equal(isotime_floor_div(-1000, 1000), -1);
	assert_int_equal(isotime_floor_div(999, 1000), 0);
}

static void test_format(void **state)
{
	char buf[ISOTIME_MAX];
	int64_t t;

	(void)state;
	isotime_format(1704067200 + 3661, buf);
	assert_string_equal(buf, "2024-01-01T01:01:01Z");
	isotime_format(-1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	assert_int_equal(isotime_parse(buf, &t), 0);
	assert_int_equal(t, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
