/* SPDX-License-Identifier: MIT */
/* test_b64url.c - base64url: round trips, and the strictness that keeps one encoding per value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "credential/b64url.h"

static void test_round_trip(void **state)
{
	uint8_t in[64], *out;
	size_t n;
	char *s;

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 37 + 11);
	for (size_t len = 0; len <= sizeof(in); len++) {
		assert_int_equal(b64url_encode(in, len, &s), 0);
		assert_int_equal(strlen(s), b64url_encoded_len(len));
		assert_null(strchr(s, '='));
		assert_int_equal(b64url_decode(s, strlen(s), &out, &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(out, in, len);
		free(out);
		free(s);
	}
}

static void test_known_vectors(void **state)
{
	uint8_t *out;
	size_t n;

	(void)state;
	/* RFC 7515 Appendix C: {"alg":"ES256"} style header and the URL-safe characters. */
	assert_int_equal(b64url_decode("eyJhbGciOiJFUzI1NiJ9", 20, &out, &n), 0);
	assert_int_equal(n, 15);
	assert_memory_equal(out, "{\"alg\":\"ES256\"}", 15);
	free(out);
	assert_int_equal(b64url_decode("-_8", 3, &out, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0], 0xfb);
	assert_int_equal(out[1], 0xff);
	free(out);
}

static void test_strict(void **state)
{
	uint8_t *out, buf[4];
	size_t n;

	(void)state;
	assert_int_equal(b64url_decode("eyJ=", 4, &out, &n), -EBADMSG);	 /* padding */
	assert_int_equal(b64url_decode("ab+/", 4, &out, &n), -EBADMSG);	 /* standard alphabet */
	assert_int_equal(b64url_decode("abcde", 5, &out, &n), -EBADMSG); /* 1 mod 4 */
	assert_int_equal(b64url_decode("ab c", 4, &out, &n), -EBADMSG);	 /* whitespace */
	assert_int_equal(b64url_decode("QR", 2, &out, &n), -EBADMSG);	 /* trailing bits set */
	assert_int_equal(b64url_decode("QQ", 2, &out, &n), 0);		 /* canonical "A" */
	free(out);
	assert_int_equal(b64url_decode_buf("QUJDREVG", 8, buf, sizeof(buf), &n), -ENOBUFS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_known_vectors),
		cmocka_unit_test(test_strict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
