/* SPDX-License-Identifier: MIT */
/* test_inflate.c - raw DEFLATE and zlib inflation with the hard output limit (zip bombs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "credential/inflate.h"
#include "credential/verify.h"

static void test_raw_round_trip(void **state)
{
	const char *text = "{\"iss\":\"https://issuer.passgate.test\",\"nbf\":1}";
	uint8_t *z, *out;
	size_t zlen, n;

	(void)state;
	assert_int_equal(cred_deflate_raw((const uint8_t *)text, strlen(text), &z, &zlen), 0);
	assert_int_equal(cred_inflate(z, zlen, 1, &out, &n), 0);
	assert_int_equal(n, strlen(text));
	assert_string_equal((char *)out, text); /* NUL-terminated */
	free(out);
	/* The same bytes are not a zlib stream (no header). */
	assert_int_equal(cred_inflate(z, zlen, 0, &out, &n), -EBADMSG);
	free(z);
}

static void test_zlib(void **state)
{
	/* zlib.compress(b'{"a":[1,2,3]}') */
	static const uint8_t z[] = { 0x78, 0x9c, 0xab, 0x56, 0x4a, 0x54, 0xb2,
				     0x8a, 0x36, 0xd4, 0x31, 0xd2, 0x31, 0x8e,
				     0xad, 0x05, 0x00, 0x18, 0x1e, 0x03, 0x7e };
	uint8_t *out;
	size_t n;

	(void)state;
	assert_int_equal(cred_inflate(z, sizeof(z), 0, &out, &n), 0);
	assert_int_equal(n, 13);
	assert_memory_equal(out, "{\"a\":[1,2,3]}", 13);
	free(out);
	/* A zlib-wrapped stream is not raw DEFLATE (devtools "invalid_deflate"). */
	assert_int_equal(cred_inflate(z, sizeof(z), 1, &out, &n), -EBADMSG);
	/* Truncated, or with trailing bytes: corrupt. */
	assert_int_equal(cred_inflate(z, sizeof(z) - 3, 0, &out, &n), -EBADMSG);
}

static void test_limit(void **state)
{
	uint8_t *big, *z, *out;
	size_t zlen, n;

	(void)state;
	big = calloc(1, 1u << 20);
	assert_non_null(big);
	/* Exactly at the limit: accepted. */
	assert_int_equal(cred_deflate_raw(big, CRED_MAX_INFLATED, &z, &zlen), 0);
	assert_int_equal(cred_inflate(z, zlen, 1, &out, &n), 0);
	assert_int_equal(n, CRED_MAX_INFLATED);
	free(out);
	free(z);
	/* One byte over, and a 1 MiB bomb (about 1 KiB compressed): refused. */
	assert_int_equal(cred_deflate_raw(big, CRED_MAX_INFLATED + 1, &z, &zlen), 0);
	assert_int_equal(cred_inflate(z, zlen, 1, &out, &n), -EFBIG);
	free(z);
	assert_int_equal(cred_deflate_raw(big, 1u << 20, &z, &zlen), 0);
	assert_true(zlen < 4096);
	assert_int_equal(cred_inflate(z, zlen, 1, &out, &n), -EFBIG);
	free(z);
	free(big);
}

static void test_garbage(void **state)
{
	static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 0x00, 0x12 };
	uint8_t *out = NULL;
	size_t n;

	(void)state;
	assert_int_equal(cred_inflate(junk, sizeof(junk), 1, &out, &n), -EBADMSG);
	assert_int_equal(cred_inflate(junk, 0, 1, &out, &n), -EBADMSG);
	assert_null(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_round_trip),
		cmocka_unit_test(test_zlib),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
