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
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
