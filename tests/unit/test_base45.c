/* SPDX-License-Identifier: MIT */
/* test_base45.c - Base45 (RFC 9285): the RFC's examples, invalid input, round trips. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "credential/base45.h"

static const struct {
	const char *bytes, *text;
} examples[] = {
	/* RFC 9285 §4.3 and §5 */
	{ "AB", "BB8" },
	{ "Hello!!", "%69 VD92EX0" },
	{ "base-45", "UJCLQE7W581" },
	{ "ietf!", "QED8WEX0" },
	{ "", "" },
};

static void test_rfc_examples(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		uint8_t *out;
		size_t n;
		char *text;

		assert_int_equal(base45_encode((const uint8_t *)examples[i].bytes,
					       strlen(examples[i].bytes), &text),
				 0);
		assert_string_equal(text, examples[i].text);
		free(text);
		assert_int_equal(
			base45_decode(examples[i].text, strlen(examples[i].text), &out, &n), 0);
		assert_int_equal(n, strlen(examples[i].bytes));
		assert_memory_equal(out, examples[i].bytes, n);
		free(out);
	}
}

static void test_invalid(void **state)
{
	static const char *const bad[] = {
		"GGW",	/* 65536: wider than two bytes (RFC 9285 §4.3) */
		"A",	/* a dangling single character */
		"BB8A", /* 3 + 1 */
		"bb8",	/* lower case is not in the alphabet */
		"::",	/* 2024: wider than one byte */
		"BB\n", "BB8=",
	};
	uint8_t *out = (uint8_t *)"untouched";
	size_t n = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(base45_decode(bad[i], strlen(bad[i]), &out, &n), -EINVAL);
	assert_string_equal((const char *)out, "untouched");
	assert_int_equal(n, 7);
	/* The largest valid groups. */
	assert_int_equal(base45_decode("FGW", 3, &out, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0], 0xff);
	assert_int_equal(out[1], 0xff);
	free(out);
	assert_int_equal(base45_decode("U5", 2, &out, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 0xff);
	free(out);
}

static void test_round_trip(void **state)
{
	uint8_t data[257];

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 151 + 7);
	for (size_t len = 0; len <= sizeof(data); len += 1 + len / 3) {
		char *text;
		uint8_t *out;
		size_t n;

		assert_int_equal(base45_encode(data, len, &text), 0);
		assert_int_equal(strlen(text), len / 2 * 3 + len % 2 * 2);
		assert_int_equal(base45_decode(text, strlen(text), &out, &n), 0);
		assert_int_equal(n, len);
		if (len)
			assert_memory_equal(out, data, len);
		free(out);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_examples),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
