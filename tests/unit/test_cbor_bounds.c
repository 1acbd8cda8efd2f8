/* SPDX-License-Identifier: MIT */
/* test_cbor_bounds.c - the CBOR pre-check: depth and width bounds (verify.h), malformations. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cbor_build.h"
#include "credential/cbor_bounds.h"
#include "credential/verify.h"

static int check(const struct cb *c)
{
	size_t used = 0;
	int r = cbor_bounds_check(c->b, c->n, &used);

	if (r == 0)
		assert_int_equal(used, c->n);
	return r;
}

static void test_depth(void **state)
{
	struct cb c = { .n = 0 };

	(void)state;
	for (int i = 0; i < CRED_MAX_DEPTH; i++)
		cb_array(&c, 1);
	cb_uint(&c, 0);
	assert_int_equal(check(&c), 0); /* 32 nested arrays */

	c.n = 0;
	for (int i = 0; i < CRED_MAX_DEPTH + 1; i++)
		cb_array(&c, 1);
	cb_uint(&c, 0);
	assert_int_equal(check(&c), -E2BIG);

	/* Maps, tags and indefinite arrays nest too. */
	c.n = 0;
	for (int i = 0; i < CRED_MAX_DEPTH + 1; i++) {
		if (i % 3 == 0) {
			cb_map(&c, 1);
			cb_uint(&c, 1);
		} else if (i % 3 == 1) {
			cb_tag(&c, 24);
		} else {
			cb_byte(&c, 0x9f);
		}
	}
	cb_uint(&c, 0);
	assert_int_equal(check(&c), -E2BIG);

	/* Deep garbage far beyond the bound stops at the bound, without recursion. */
	c.n = 0;
	for (int i = 0; i < 10000; i++)
		cb_byte(&c, 0x81);
	assert_int_equal(check(&c), -E2BIG);
}

static void test_width(void **state)
{
	struct cb c = { .n = 0 };

	(void)state;
	cb_array(&c, CRED_MAX_ARRAY);
	for (int i = 0; i < CRED_MAX_ARRAY; i++)
		cb_uint(&c, (uint64_t)i);
	assert_int_equal(check(&c), 0);

	c.n = 0;
	cb_array(&c, CRED_MAX_ARRAY + 1);
	for (int i = 0; i < CRED_MAX_ARRAY + 1; i++)
		cb_uint(&c, (uint64_t)i);
	assert_int_equal(check(&c), -E2BIG);

	c.n = 0;
	cb_byte(&c, 0x9f); /* indefinite array */
	for (int i = 0; i < CRED_MAX_ARRAY + 1; i++)
		cb_uint(&c, 1);
	cb_byte(&c, 0xff);
	assert_int_equal(check(&c), -E2BIG);

	c.n = 0;
	cb_map(&c, CRED_MAX_ARRAY + 1);
	for (int i = 0; i < CRED_MAX_ARRAY + 1; i++) {
		cb_uint(&c, (uint64_t)i);
		cb_uint(&c, 0);
	}
	assert_int_equal(check(&c), -E2BIG);

	c.n = 0;
	cb_byte(&c, 0xbf); /* indefinite map */
	for (int i = 0; i < CRED_MAX_ARRAY; i++) {
		cb_uint(&c, (uint64_t)i);
		cb_uint(&c, 0);
	}
	cb_byte(&c, 0xff);
	assert_int_equal(check(&c), 0);

	/* An announced size is refused before any element is read. */
	c.n = 0;
	cb_array(&c, 0xffffffffu);
	assert_int_equal(check(&c), -E2BIG);
}

static void test_malformed(void **state)
{
	static const struct {
		uint8_t b[8];
		size_t n;
	} bad[] = {
		{ { 0x1c }, 1 },		   /* reserved additional information 28 */
		{ { 0xff }, 1 },		   /* break outside an indefinite container */
		{ { 0x82, 0x01 }, 2 },		   /* truncated array */
		{ { 0x43, 0x01, 0x02 }, 3 },	   /* byte string longer than the input */
		{ { 0x5f, 0x61, 0x61, 0xff }, 4 }, /* text chunk in an indefinite byte string */
		{ { 0x5f, 0x5f, 0xff, 0xff }, 4 }, /* nested indefinite chunk */
		{ { 0xbf, 0x01, 0xff }, 3 },	   /* indefinite map with half a pair */
		{ { 0x19, 0x01 }, 2 },		   /* truncated argument */
		{ { 0xf8, 0x10 }, 2 },		   /* two-byte simple value below 32 */
		{ { 0x1f }, 1 },		   /* indefinite integer */
		{ { 0 }, 0 },			   /* nothing */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cbor_bounds_check(bad[i].b, bad[i].n, NULL), -EBADMSG);
}

static void test_used(void **state)
{
	static const uint8_t two[] = { 0x5f, 0x41, 0x01, 0x42, 0x02, 0x03, 0xff, 0x00 };
	size_t used = 0;

	(void)state;
	assert_int_equal(cbor_bounds_check(two, sizeof(two), &used), 0);
	assert_int_equal(used, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_used),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
