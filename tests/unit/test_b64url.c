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

static void test_standard(void **state)
{
	uint8_t in[16], buf[16];
	char s[32];
	size_t n;

	(void)state;
	/* RFC 4648 §10 test vectors, padded, and back with or without the padding. */
	assert_int_equal(b64std_encode_buf((const uint8_t *)"fo", 2, s, sizeof(s)), 0);
	assert_string_equal(s, "Zm8=");
	assert_int_equal(b64std_encode_buf((const uint8_t *)"foobar", 6, s, sizeof(s)), 0);
	assert_string_equal(s, "Zm9vYmFy");
	assert_int_equal(b64std_decode_buf("Zg==", 4, buf, sizeof(buf), &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(buf[0], 'f');
	assert_int_equal(b64std_decode_buf("Zg", 2, buf, sizeof(buf), &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(b64std_decode_buf("+/8=", 4, buf, sizeof(buf), &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(buf[0], 0xfb);
	assert_int_equal(buf[1], 0xff);
	/* The URL-safe characters, incomplete or misplaced padding, non-zero trailing bits. */
	assert_int_equal(b64std_decode_buf("-_8=", 4, buf, sizeof(buf), &n), -EBADMSG);
	assert_int_equal(b64std_decode_buf("Zg=", 3, buf, sizeof(buf), &n), -EBADMSG);
	assert_int_equal(b64std_decode_buf("Z===", 4, buf, sizeof(buf), &n), -EBADMSG);
	assert_int_equal(b64std_decode_buf("Zg=A", 4, buf, sizeof(buf), &n), -EBADMSG);
	assert_int_equal(b64std_decode_buf("Zh==", 4, buf, sizeof(buf), &n), -EBADMSG);
	/* Round trips of every length; too small an output is refused and left empty. */
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 53 + 7);
	for (size_t len = 0; len <= sizeof(in); len++) {
		assert_int_equal(b64std_encode_buf(in, len, s, sizeof(s)), 0);
		assert_int_equal(strlen(s), (len + 2) / 3 * 4);
		assert_int_equal(b64std_decode_buf(s, strlen(s), buf, sizeof(buf), &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(buf, in, len);
	}
	assert_int_equal(b64std_encode_buf(in, 8, s, 12), -ENOBUFS);
	assert_string_equal(s, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_known_vectors),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_standard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
