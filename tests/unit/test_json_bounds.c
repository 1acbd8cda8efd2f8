/* SPDX-License-Identifier: MIT */
/* test_json_bounds.c - nesting depth and array length, checked before parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "credential/json_bounds.h"
#include "credential/verify.h"

static char *nested(unsigned depth)
{
	char *s = malloc(2 * depth + 1);

	for (unsigned i = 0; i < depth; i++) {
		s[i] = '[';
		s[2 * depth - 1 - i] = ']';
	}
	s[2 * depth] = 0;
	return s;
}

static char *array_of(size_t n)
{
	char *s = malloc(4 * n + 3), *p = s;

	*p++ = '[';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, i ? ",%zu" : "%zu", i % 10);
	*p++ = ']';
	*p = 0;
	return s;
}

static void test_depth(void **state)
{
	char *s;

	(void)state;
	s = nested(CRED_MAX_DEPTH);
	assert_int_equal(json_bounds_check_cred(s, strlen(s)), 0);
	free(s);
	s = nested(CRED_MAX_DEPTH + 1);
	assert_int_equal(json_bounds_check_cred(s, strlen(s)), -E2BIG);
	free(s);
	/* Objects count too. */
	s = strdup("{\"a\":{\"b\":{\"c\":1}}}");
	assert_int_equal(json_bounds_check(s, strlen(s), 3, 64), 0);
	assert_int_equal(json_bounds_check(s, strlen(s), 2, 64), -E2BIG);
	free(s);
}

static void test_arrays(void **state)
{
	char *s;

	(void)state;
	s = array_of(CRED_MAX_ARRAY);
	assert_int_equal(json_bounds_check_cred(s, strlen(s)), 0);
	free(s);
	s = array_of(CRED_MAX_ARRAY + 1);
	assert_int_equal(json_bounds_check_cred(s, strlen(s)), -E2BIG);
	free(s);
	assert_int_equal(json_bounds_check_cred("[]", 2), 0);
	/* Entries that are strings, objects and arrays all count. */
	assert_int_equal(json_bounds_check("[\"a\",{},[]]", 11, 8, 3), 0);
	assert_int_equal(json_bounds_check("[\"a\",{},[]]", 11, 8, 2), -E2BIG);
	/* Commas inside an object or a string are not array entries. */
	assert_int_equal(json_bounds_check("[{\"a\":1,\"b\":2,\"c\":3}]", 21, 8, 1), 0);
	assert_int_equal(json_bounds_check("[\"a,b,c,[[[[\"]", 14, 2, 1), 0);
}

static void test_structure(void **state)
{
	(void)state;
	assert_int_equal(json_bounds_check_cred("[", 1), -EBADMSG);
	assert_int_equal(json_bounds_check_cred("]", 1), -EBADMSG);
	assert_int_equal(json_bounds_check_cred("[}", 2), -EBADMSG);
	assert_int_equal(json_bounds_check_cred("\"abc", 4), -EBADMSG);
	assert_int_equal(json_bounds_check_cred("\"a\\\"]\"", 6), 0); /* escaped quote */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_arrays),
		cmocka_unit_test(test_structure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
