/* SPDX-License-Identifier: MIT */
/* test_cose.c - COSE_Sign1 (RFC 9052): tags, headers, kid precedence, Sig_structure bytes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cbor_build.h"
#include "credential/cose.h"

static const uint8_t kid_p[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t kid_u[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };

/* A COSE_Sign1 with the given tags, kid in the protected and/or unprotected header. */
static void build(struct cb *c, int tag61, int tag18, int kid_in_protected, int kid_in_unprot)
{
	struct cb hdr = { .n = 0 };

	cb_map(&hdr, kid_in_protected ? 2 : 1);
	cb_uint(&hdr, 1);
	cb_int(&hdr, -7);
	if (kid_in_protected) {
		cb_uint(&hdr, 4);
		cb_bytes(&hdr, kid_p, sizeof(kid_p));
	}
	c->n = 0;
	if (tag61)
		cb_tag(c, 61);
	if (tag18)
		cb_tag(c, 18);
	cb_array(c, 4);
	cb_bytes(c, hdr.b, hdr.n);
	cb_map(c, kid_in_unprot ? 1 : 0);
	if (kid_in_unprot) {
		cb_uint(c, 4);
		cb_bytes(c, kid_u, sizeof(kid_u));
	}
	cb_bytes(c, "payload", 7);
	cb_bytes(c, "signature", 9);
}

static void test_tags(void **state)
{
	struct cose_sign1 *m;
	struct cb c;

	(void)state;
	for (int t61 = 0; t61 <= 1; t61++)
		for (int t18 = 0; t18 <= 1; t18++) {
			int r;

			build(&c, t61, t18, 1, 0);
			r = cose_sign1_parse(c.b, c.n, &m);
			if (t61 && !t18) {
				assert_int_equal(r, -EBADMSG); /* 61 only around 18 */
				continue;
			}
			assert_int_equal(r, 0);
			assert_int_equal(cose_sign1_alg(m), COSE_ALG_ES256);
			cose_sign1_free(m);
		}
	/* Another tag (COSE_Mac0 = 17) is not a COSE_Sign1. */
	build(&c, 0, 0, 1, 0);
	memmove(c.b + 1, c.b, c.n);
	c.b[0] = 0xd1;
	c.n++;
	assert_int_equal(cose_sign1_parse(c.b, c.n, &m), -EBADMSG);
}

static void test_kid_precedence(void **state)
{
	struct cose_sign1 *m;
	const uint8_t *kid;
	size_t kid_len;
	struct cb c;

	(void)state;
	build(&c, 0, 1, 1, 1); /* both: protected wins */
	assert_int_equal(cose_sign1_parse(c.b, c.n, &m), 0);
	assert_int_equal(cose_sign1_kid(m, &kid, &kid_len), 0);
	assert_int_equal(kid_len, 8);
	assert_memory_equal(kid, kid_p, 8);
	cose_sign1_free(m);

	build(&c, 0, 1, 0, 1); /* unprotected only: fallback */
	assert_int_equal(cose_sign1_parse(c.b, c.n, &m), 0);
	assert_int_equal(cose_sign1_kid(m, &kid, &kid_len), 0);
	assert_memory_equal(kid, kid_u, 8);
	cose_sign1_free(m);

	build(&c, 0, 1, 0, 0); /* none */
	assert_int_equal(cose_sign1_parse(c.b, c.n, &m), 0);
	assert_int_equal(cose_sign1_kid(m, &kid, &kid_len), -ENOENT);
	cose_sign1_free(m);
}

static void test_structure(void **state)
{
	struct cose_sign1 *m = NULL;
	struct cb c = { .n = 0 };

	(void)state;
	/* three elements */
	cb_array(&c, 3);
	cb_bytes(&c, "", 0);
	cb_map(&c, 0);
	cb_bytes(&c, "p", 1);
	assert_int_equal(cose_sign1_parse(c.b, c.n, &m), -EBADMSG);
	/* detached payload (nil) */
	c.n = 0;
	cb_array(&c, 4);
	cb_bytes(&c, "", 0);
	cb_map(&c, 0);
	cb_byte(&c, 0xf6);
	cb_bytes(&c, "s", 1);
	assert_int_equal(cose_sign1_parse(c.b, c.n, &m), -EBADMSG);
	/* protected header that is not a map */
	c.n = 0;
	cb_array(&c, 4);
	cb_bytes(&c, "\x01", 1);
	cb_map(&c, 0);
	cb_bytes(&c, "p", 1);
	cb_bytes(&c, "s", 1);
	assert_int_equal(cose_sign1_parse(c.b, c.n, &m), -EBADMSG);
	/* trailing bytes */
	build(&c, 0, 1, 1, 0);
	cb_byte(&c, 0);
	assert_int_equal(cose_sign1_parse(c.b, c.n, &m), -EBADMSG);
	/* empty protected header = empty map: valid, no alg */
	c.n = 0;
	cb_array(&c, 4);
	cb_bytes(&c, "", 0);
	cb_map(&c, 0);
	cb_bytes(&c, "p", 1);
	cb_bytes(&c, "s", 1);
	assert_int_equal(cose_sign1_parse(c.b, c.n, &m), 0);
	assert_int_equal(cose_sign1_alg(m), 0);
	cose_sign1_free(m);
	cose_sign1_free(NULL);
}

static void test_sig_structure(void **state)
{
	/* ["Signature1", h'A10126', h'', h'7061796C6F6164'] (RFC 9052 §4.4), by hand. */
	static const uint8_t want[] = { 0x84, 0x6a, 'S', 'i',  'g',  'n',  'a',	 't',  'u',
					'r',  'e',  '1', 0x43, 0xa1, 0x01, 0x26, 0x40, 0x47,
					'p',  'a',  'y', 'l',  'o',  'a',  'd' };
	static const uint8_t hdr[] = { 0xa1, 0x01, 0x26 };
	uint8_t *tbs, *msg;
	size_t n, msg_len;
	struct cose_sign1 *m;
	const uint8_t *p;
	size_t pl;

	(void)state;
	assert_int_equal(
		cose_sig_structure(hdr, sizeof(hdr), (const uint8_t *)"payload", 7, &tbs, &n), 0);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(tbs, want, n);
	free(tbs);

	/* encode -> parse -> the same Sig_structure */
	assert_int_equal(cose_sign1_encode(hdr, sizeof(hdr), (const uint8_t *)"payload", 7,
					   (const uint8_t *)"sig", 3, &msg, &msg_len),
			 0);
	assert_int_equal(msg[0], 0xd2);
	assert_int_equal(cose_sign1_parse(msg, msg_len, &m), 0);
	assert_int_equal(cose_sign1_to_be_signed(m, &tbs, &n), 0);
	assert_memory_equal(tbs, want, sizeof(want));
	cose_sign1_signature(m, &p, &pl);
	assert_int_equal(pl, 3);
	assert_memory_equal(p, "sig", 3);
	free(tbs);
	cose_sign1_free(m);
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_kid_precedence),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_sig_structure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
