/* SPDX-License-Identifier: MIT */
/*
 * test_dcc.c - the whole DCC path on credentials the test mints itself: a fresh P-256 key, a
 * self-signed signer certificate (sig_cert_self_signed), issue_dcc(), an in-memory trust
 * store, dcc_verify() at fake clocks. Also the bounds of verify.h and every error code the
 * pipeline can reach, and the PEM writers that `passgate issue-test keygen` uses.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "credential/base45.h"
#include "credential/dcc.h"
#include "credential/inflate.h"
#include "credential/issue.h"
#include "credential/sig.h"
#include "credential/trust.h"
#include "credential/verify.h"

#define NOW 1700000000 /* 2023-11-14 */
#define DAY 86400
#define IAT (NOW - 10 * DAY)
#define EXP (NOW + 300 * DAY)

struct fixture {
	struct sig_key *key;
	uint8_t *der;
	size_t der_len;
	struct sig_cert_info info;
	struct trust *trust;
};

static void vaccinated(struct cred *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->family, "Yamada");
	strcpy(c->given, "Hanako");
	strcpy(c->dob, "1990-04-01");
	c->n_doses = 1;
	c->doses[0].number = 3;
	c->doses[0].series_total = 3;
	strcpy(c->doses[0].date, "2023-06-01");
	strcpy(c->doses[0].product, "EU/1/20/1528");
}

static int make_fixture(struct fixture *f, unsigned usage, int64_t nb, int64_t na)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(sig_key_generate_p256(&f->key), 0);
	assert_int_equal(sig_cert_self_signed(f->key, "passgate test DSC", "JP", nb, na, usage,
					      &f->der, &f->der_len),
			 0);
	assert_int_equal(sig_cert_parse(f->der, f->der_len, &f->info, NULL, NULL, NULL), 0);
	assert_int_equal(trust_open(NULL, &f->trust), 0);
	assert_int_equal(trust_import_cert(f->trust, f->der, f->der_len), 0);
	return 0;
}

static void free_fixture(struct fixture *f)
{
	trust_free(f->trust);
	free(f->der);
	sig_key_free(f->key);
}

static enum cred_status verify_at(const struct fixture *f, const char *text, int64_t now,
				  struct cred *out)
{
	enum cred_status st;

	assert_int_equal(dcc_verify(f->trust, text, strlen(text), now, out, &st), 0);
	return st;
}

static char *issue(const struct fixture *f, const struct cred *c, int64_t iat, int64_t exp)
{
	char *text;

	assert_int_equal(issue_dcc(f->key, f->info.kid, "JP", c, iat, exp, &text), 0);
	assert_memory_equal(text, "HC1:", 4);
	return text;
}

static void test_round_trip(void **state)
{
	struct fixture f;
	struct cred c, out;
	char *text, kid[16];

	(void)state;
	make_fixture(&f, SIG_USAGE_ANY, NOW - 100 * DAY, NOW + 400 * DAY);
	vaccinated(&c);
	text = issue(&f, &c, IAT, EXP);
	assert_int_equal(verify_at(&f, text, NOW, &out), CRED_OK);
	assert_int_equal(out.format, CRED_FORMAT_DCC);
	assert_string_equal(out.issuer, "JP");
	assert_string_equal(out.family, "Yamada");
	assert_string_equal(out.given, "Hanako");
	assert_string_equal(out.family_std, "YAMADA");
	assert_string_equal(out.given_std, "HANAKO");
	assert_string_equal(out.dob, "1990-04-01");
	assert_int_equal(out.n_doses, 1);
	assert_int_equal(out.doses[0].number, 3);
	assert_string_equal(out.doses[0].date, "2023-06-01");
	assert_string_equal(out.doses[0].product, "EU/1/20/1528");
	assert_string_equal(out.doses[0].target, "840539006");
	assert_int_equal(out.issued_at, IAT);
	assert_int_equal(out.expires_at, EXP);
	/* kid: standard base64 of SHA-256(DER)[0..8] */
	assert_int_equal(strlen(out.kid), 12);
	snprintf(kid, sizeof(kid), "%s", out.kid);
	assert_int_equal(kid[11], '=');
	cred_wipe(&out);
	/* The generic entry point dispatches HC1: here too. */
	{
		enum cred_status st;

		assert_int_equal(cred_verify(f.trust, text, strlen(text), NOW, &out, &st), 0);
		assert_int_equal(st, CRED_OK);
		assert_string_equal(out.family, "Yamada");
	}
	free(text);

	/* A test and a recovery. */
	memset(&c, 0, sizeof(c));
	strcpy(c.family, "Suzuki");
	c.n_tests = 1;
	c.tests[0].kind = CRED_TEST_PCR;
	c.tests[0].result = CRED_RESULT_NEGATIVE;
	c.tests[0].collected = NOW - 3600;
	text = issue(&f, &c, IAT, EXP);
	assert_int_equal(verify_at(&f, text, NOW, &out), CRED_OK);
	assert_int_equal(out.n_tests, 1);
	assert_int_equal(out.tests[0].kind, CRED_TEST_PCR);
	assert_int_equal(out.tests[0].result, CRED_RESULT_NEGATIVE);
	assert_int_equal(out.tests[0].collected, NOW - 3600);
	free(text);
	memset(&c, 0, sizeof(c));
	strcpy(c.family, "Sato");
	c.n_recoveries = 1;
	strcpy(c.recoveries[0].first_positive, "2023-10-01");
	strcpy(c.recoveries[0].valid_from, "2023-10-12");
	strcpy(c.recoveries[0].valid_until, "2024-03-30");
	text = issue(&f, &c, IAT, EXP);
	assert_int_equal(verify_at(&f, text, NOW, &out), CRED_OK);
	assert_int_equal(out.n_recoveries, 1);
	assert_string_equal(out.recoveries[0].valid_until, "2024-03-30");
	free(text);
	free_fixture(&f);
}

/* Re-encode @text with @fn applied to the COSE bytes. */
static char *mutate_cose(const char *text, void (*fn)(uint8_t *cose, size_t len))
{
	uint8_t *z, *cose, *z2;
	size_t zl, cl;
	uLongf z2l;
	char *b45, *out;

	assert_int_equal(base45_decode(text + 4, strlen(text) - 4, &z, &zl), 0);
	assert_int_equal(cred_inflate(z, zl, 0, &cose, &cl), 0);
	fn(cose, cl);
	z2l = compressBound((uLong)cl);
	z2 = malloc(z2l);
	assert_non_null(z2);
	assert_int_equal(compress2(z2, &z2l, cose, (uLong)cl, 9), Z_OK);
	assert_int_equal(base45_encode(z2, z2l, &b45), 0);
	out = malloc(strlen(b45) + 5);
	assert_non_null(out);
	sprintf(out, "HC1:%s", b45);
	free(b45);
	free(z2);
	free(cose);
	free(z);
	return out;
}

static void change_name(uint8_t *cose, size_t len)
{
	uint8_t *p = memmem(cose, len, "Yamada", 6);

	assert_non_null(p);
	p[0] = 'K'; /* one byte of the payload */
}

static void change_signature(uint8_t *cose, size_t len)
{
	cose[len - 1] ^= 1;
}

static void test_tampered(void **state)
{
	struct fixture f;
	struct cred c, out;
	char *text, *bad;

	(void)state;
	make_fixture(&f, SIG_USAGE_ANY, NOW - 100 * DAY, NOW + 400 * DAY);
	vaccinated(&c);
	text = issue(&f, &c, IAT, EXP);
	bad = mutate_cose(text, change_name);
	assert_int_equal(verify_at(&f, bad, NOW, &out), CRED_E_SIGNATURE_INVALID);
	/* Nothing personal leaks out of a refused credential; the kid and issuer do. */
	assert_string_equal(out.family, "");
	assert_int_equal(out.n_doses, 0);
	assert_int_equal(out.format, CRED_FORMAT_DCC);
	assert_string_equal(out.issuer, "JP");
	assert_int_equal(strlen(out.kid), 12);
	free(bad);
	bad = mutate_cose(text, change_signature);
	assert_int_equal(verify_at(&f, bad, NOW, &out), CRED_E_SIGNATURE_INVALID);
	free(bad);
	free(text);
	free_fixture(&f);
}

static void test_issuer_unknown(void **state)
{
	struct fixture f, other;
	struct cred c, out;
	char *text;

	(void)state;
	make_fixture(&f, SIG_USAGE_ANY, NOW - 100 * DAY, NOW + 400 * DAY);
	make_fixture(&other, SIG_USAGE_ANY, NOW - 100 * DAY, NOW + 400 * DAY);
	vaccinated(&c);
	text = issue(&f, &c, IAT, EXP);
	assert_int_equal(verify_at(&other, text, NOW, &out), CRED_E_ISSUER_UNKNOWN);
	free(text);
	/* Signed by another key under f's kid: a candidate exists, the signature fails. */
	assert_int_equal(issue_dcc(other.key, f.info.kid, "JP", &c, IAT, EXP, &text), 0);
	assert_int_equal(verify_at(&f, text, NOW, &out), CRED_E_SIGNATURE_INVALID);
	free(text);
	free_fixture(&other);
	free_fixture(&f);
}

static void test_key_usage(void **state)
{
	struct fixture f;
	struct cred c, out;
	char *text;

	(void)state;
	/* A test-only signer may not sign a vaccination... */
	make_fixture(&f, SIG_USAGE_TEST, NOW - 100 * DAY, NOW + 400 * DAY);
	assert_int_equal(f.info.usage, SIG_USAGE_TEST);
	vaccinated(&c);
	text = issue(&f, &c, IAT, EXP);
	assert_int_equal(verify_at(&f, text, NOW, &out), CRED_E_KEY_USAGE);
	free(text);
	/* ...but may sign a test. */
	memset(&c, 0, sizeof(c));
	strcpy(c.family, "Suzuki");
	c.n_tests = 1;
	c.tests[0].collected = NOW - 3600;
	text = issue(&f, &c, IAT, EXP);
	assert_int_equal(verify_at(&f, text, NOW, &out), CRED_OK);
	free(text);
	free_fixture(&f);

	/* Both OID spellings, and no EKU = any. */
	assert_int_equal(dcc_check_usage(SIG_USAGE_ANY, SIG_USAGE_RECOVERY), CRED_OK);
	assert_int_equal(dcc_check_usage(0, SIG_USAGE_RECOVERY), CRED_E_KEY_USAGE);
	assert_int_equal(
		dcc_check_usage(SIG_USAGE_VACCINATION, SIG_USAGE_VACCINATION | SIG_USAGE_TEST),
		CRED_E_KEY_USAGE);
}

static void test_validity(void **state)
{
	struct fixture f;
	struct cred c, out;
	char *text;

	(void)state;
	make_fixture(&f, SIG_USAGE_ANY, NOW - 100 * DAY, NOW + 400 * DAY);
	vaccinated(&c);
	text = issue(&f, &c, IAT, EXP);
	assert_int_equal(verify_at(&f, text, IAT - CRED_CLOCK_SKEW, &out), CRED_OK);
	assert_int_equal(verify_at(&f, text, IAT - CRED_CLOCK_SKEW - 1, &out),
			 CRED_E_NOT_YET_VALID);
	assert_int_equal(verify_at(&f, text, EXP + CRED_CLOCK_SKEW, &out), CRED_OK);
	assert_int_equal(verify_at(&f, text, EXP + CRED_CLOCK_SKEW + 1, &out), CRED_E_EXPIRED);
	free(text);
	/* The DCC may not outlive its signer, nor predate it. */
	text = issue(&f, &c, IAT, NOW + 401 * DAY);
	assert_int_equal(verify_at(&f, text, NOW, &out), CRED_E_EXPIRED);
	free(text);
	text = issue(&f, &c, NOW - 101 * DAY, EXP);
	assert_int_equal(verify_at(&f, text, NOW, &out), CRED_E_NOT_YET_VALID);
	free(text);
	free_fixture(&f);

	assert_int_equal(dcc_check_validity(NULL, 0, 0, NOW), CRED_OK);
}

static char *hc1_of_cose(const uint8_t *cose, size_t len)
{
	uLongf zl = compressBound((uLong)len);
	uint8_t *z = malloc(zl);
	char *b45, *out;

	assert_non_null(z);
	assert_int_equal(compress2(z, &zl, cose, (uLong)len, 9), Z_OK);
	assert_int_equal(base45_encode(z, zl, &b45), 0);
	out = malloc(strlen(b45) + 5);
	assert_non_null(out);
	sprintf(out, "HC1:%s", b45);
	free(b45);
	free(z);
	return out;
}

static void test_bounds(void **state)
{
	struct fixture f;
	struct cred out;
	uint8_t *buf;
	char *text;
	size_t n;

	(void)state;
	make_fixture(&f, SIG_USAGE_ANY, NOW - 100 * DAY, NOW + 400 * DAY);

	/* QR text over 8 KiB: syntax, before any decoding. */
	text = malloc(CRED_MAX_TEXT + 2);
	assert_non_null(text);
	memcpy(text, "HC1:", 4);
	memset(text + 4, '0', CRED_MAX_TEXT - 3);
	text[CRED_MAX_TEXT + 1] = '\0';
	assert_int_equal(strlen(text), CRED_MAX_TEXT + 1);
	assert_int_equal(verify_at(&f, text, NOW, &out), CRED_E_SYNTAX);
	free(text);

	/* A zlib bomb: 1 MiB of zeros in ~1 KiB. */
	n = 1 << 20;
	buf = calloc(1, n);
	assert_non_null(buf);
	text = hc1_of_cose(buf, n);
	assert_true(strlen(text) < CRED_MAX_TEXT);
	assert_int_equal(verify_at(&f, text, NOW, &out), CRED_E_INFLATE);
	free(text);
	/* Just over the limit is refused, at the limit it is not an inflate error. */
	text = hc1_of_cose(buf, CRED_MAX_INFLATED + 1);
	assert_int_equal(verify_at(&f, text, NOW, &out), CRED_E_INFLATE);
	free(text);
	text = hc1_of_cose(buf, CRED_MAX_INFLATED);
	assert_int_equal(verify_at(&f, text, NOW, &out), CRED_E_SYNTAX);
	free(text);

	/* CBOR nesting over 32: COSE tag 18 around 40 nested arrays. */
	buf[0] = 0xd2;
	memset(buf + 1, 0x81, 40);
	buf[41] = 0x00;
	text = hc1_of_cose(buf, 42);
	assert_int_equal(verify_at(&f, text, NOW, &out), CRED_E_SYNTAX);
	free(text);
	/* An array of 65 entries. */
	buf[0] = 0x98;
	buf[1] = CRED_MAX_ARRAY + 1;
	memset(buf + 2, 0, CRED_MAX_ARRAY + 1);
	text = hc1_of_cose(buf, CRED_MAX_ARRAY + 3);
	assert_int_equal(verify_at(&f, text, NOW, &out), CRED_E_SYNTAX);
	free(text);
	free(buf);
	free_fixture(&f);
}

static void test_early_errors(void **state)
{
	struct fixture f;
	struct cred out;
	static const uint8_t not_zlib[] = { 0xd2, 0x84, 0x40, 0xa0, 0x40, 0x40 };
	char *b45, text[64];

	(void)state;
	make_fixture(&f, SIG_USAGE_ANY, NOW - 100 * DAY, NOW + 400 * DAY);
	assert_int_equal(verify_at(&f, "HC2:BB8", NOW, &out), CRED_E_UNREADABLE);
	assert_int_equal(out.format, CRED_FORMAT_NONE);
	assert_int_equal(verify_at(&f, "HC1", NOW, &out), CRED_E_UNREADABLE);
	assert_int_equal(verify_at(&f, "HC1:bb8", NOW, &out), CRED_E_ENCODING);
	assert_int_equal(verify_at(&f, "HC1:GGW", NOW, &out), CRED_E_ENCODING);
	assert_int_equal(base45_encode(not_zlib, sizeof(not_zlib), &b45), 0);
	snprintf(text, sizeof(text), "HC1:%s", b45);
	free(b45);
	assert_int_equal(verify_at(&f, text, NOW, &out), CRED_E_INFLATE);
	free_fixture(&f);
}

static void test_pem(void **state)
{
	struct fixture f;
	struct sig_cert_info info;
	struct sig_key *k2;
	char *pem, *key_pem;
	uint8_t sig[64];

	(void)state;
	make_fixture(&f, SIG_USAGE_VACCINATION | SIG_USAGE_RECOVERY, NOW - DAY, NOW + DAY);
	assert_int_equal(f.info.usage, SIG_USAGE_VACCINATION | SIG_USAGE_RECOVERY);
	assert_int_equal(f.info.not_before, NOW - DAY);
	assert_int_equal(f.info.not_after, NOW + DAY);
	assert_string_equal(f.info.country, "JP");
	assert_int_equal(sig_cert_to_pem(f.der, f.der_len, &pem), 0);
	assert_non_null(strstr(pem, "-----BEGIN CERTIFICATE-----"));
	assert_int_equal(sig_cert_parse((const uint8_t *)pem, strlen(pem), &info, NULL, NULL, NULL),
			 0);
	assert_memory_equal(info.kid, f.info.kid, 8); /* same DER, same kid */
	free(pem);

	assert_int_equal(sig_key_to_pem(f.key, 1, &key_pem), 0);
	assert_non_null(strstr(key_pem, "PRIVATE KEY"));
	assert_int_equal(sig_key_from_pem(key_pem, strlen(key_pem), &k2), 0);
	assert_int_equal(sig_sign_es256(k2, (const uint8_t *)"m", 1, sig), 0);
	assert_int_equal(sig_verify_es256(f.key, (const uint8_t *)"m", 1, sig, 64), 0);
	assert_int_equal(sig_verify_ps256(f.key, (const uint8_t *)"m", 1, sig, 64), -EBADMSG);
	explicit_bzero(key_pem, strlen(key_pem));
	free(key_pem);
	sig_key_free(k2);
	assert_int_equal(sig_key_to_pem(f.key, 0, &key_pem), 0);
	assert_non_null(strstr(key_pem, "PUBLIC KEY"));
	free(key_pem);
	assert_int_equal(sig_cert_parse((const uint8_t *)"junk", 4, &info, NULL, NULL, NULL),
			 -EBADMSG);
	assert_int_equal(trust_import_cert(f.trust, (const uint8_t *)"junk", 4), -EINVAL);
	free_fixture(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),     cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_issuer_unknown), cmocka_unit_test(test_key_usage),
		cmocka_unit_test(test_validity),       cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_early_errors),   cmocka_unit_test(test_pem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
