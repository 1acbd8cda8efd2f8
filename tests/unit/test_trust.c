/* SPDX-License-Identifier: MIT */
/* test_trust.c - the SHC side of the trust store: key sets, revocation lists, VCI names,
 * removal, listing, snapshots and the built-in keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>

#include "credential/trust.h"
#include "credential/trust_default.h"
#include "credential/trust_internal.h"
#include "shc_test_util.h"

#define ISS  "https://issuer.passgate.test"
#define ISS2 "https://other.passgate.test"

static int count_line(const char *line, void *ud)
{
	(void)line;
	(*(int *)ud)++;
	return 0;
}

static int list_count(struct trust *t)
{
	int n = 0;

	assert_int_equal(trust_list(t, count_line, &n), 0);
	return n;
}

static void edit_crv(json_t *j)
{
	json_object_set_new(j, "crv", json_string("P-384"));
}
static void edit_use(json_t *j)
{
	json_object_set_new(j, "use", json_string("enc"));
}
static void edit_alg(json_t *j)
{
	json_object_set_new(j, "alg", json_string("ES256K"));
}
static void edit_kty(json_t *j)
{
	json_object_set_new(j, "kty", json_string("RSA"));
}
static void edit_kid(json_t *j)
{
	json_object_set_new(j, "kid", json_string("ThisIsNotTheThumbprintOfTheKey"));
}
static void edit_x(json_t *j)
{
	/* A point off the curve: x of another key. */
	json_object_set_new(j, "x", json_string("11XvRWy1I2S0EyJlyf_bWfw_TQ5CJJNLw78bHXNxcgw"));
}
static void edit_crl2(json_t *j)
{
	json_object_set_new(j, "crlVersion", json_integer(2));
}

static void test_jwks_import(void **state)
{
	struct test_issuer a, b;
	struct trust *t;
	struct sig_key *k = NULL;
	void (*const bad[])(
		json_t *) = { edit_crv, edit_use, edit_alg, edit_kty, edit_kid, edit_x };
	char *text, dup[2048];

	(void)state;
	test_issuer_new(&a);
	test_issuer_new(&b);
	assert_int_equal(trust_open(NULL, &t), 0);

	assert_int_equal(trust_find_shc_key(t, ISS, a.kid, &k), -ENOENT);
	assert_int_equal(trust_import_jwks(t, ISS, a.jwks, strlen(a.jwks)), 0);
	assert_int_equal(trust_find_shc_key(t, ISS, a.kid, &k), 0);
	assert_int_equal(sig_key_type(k), SIG_KEY_EC_P256);
	sig_key_free(k);
	/* Another issuer's kid is not found under ISS, even when it is in the store. */
	assert_int_equal(trust_import_jwks(t, ISS2, b.jwks, strlen(b.jwks)), 0);
	assert_int_equal(trust_find_shc_key(t, ISS, b.kid, &k), -ENOKEY);
	assert_int_equal(list_count(t), 2);

	/* Every malformed key is refused, and a refused set changes nothing. */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		test_issuer_jwks_with(b.key, false, bad[i], &text);
		assert_int_equal(trust_import_jwks(t, ISS, text, strlen(text)), -EINVAL);
		free(text);
	}
	test_issuer_jwks_with(b.key, true, NULL, &text); /* a private key */
	assert_int_equal(trust_import_jwks(t, ISS, text, strlen(text)), -EINVAL);
	free(text);
	/* The same kid twice in a set. */
	snprintf(dup, sizeof(dup), "{\"keys\":[%.*s,%.*s]}", (int)(strlen(b.jwks) - 11), b.jwks + 9,
		 (int)(strlen(b.jwks) - 11), b.jwks + 9);
	assert_int_equal(trust_import_jwks(t, ISS, dup, strlen(dup)), -EINVAL);
	assert_int_equal(trust_import_jwks(t, ISS, "{\"keys\":[]}", 11), -EINVAL);
	assert_int_equal(trust_import_jwks(t, ISS, "not json", 8), -EINVAL);
	assert_int_equal(trust_find_shc_key(t, ISS, a.kid, &k), 0);
	sig_key_free(k);
	assert_int_equal(list_count(t), 2);

	/* Issuer names: https, no trailing slash. */
	assert_int_equal(
		trust_import_jwks(t, "http://issuer.passgate.test", a.jwks, strlen(a.jwks)),
		-EINVAL);
	assert_int_equal(trust_import_jwks(t, ISS "/", a.jwks, strlen(a.jwks)), -EINVAL);

	/* Re-import replaces the set: b's key becomes ISS's only key. */
	assert_int_equal(trust_import_jwks(t, ISS, b.jwks, strlen(b.jwks)), 0);
	assert_int_equal(trust_find_shc_key(t, ISS, a.kid, &k), -ENOKEY);

	assert_int_equal(trust_remove(t, ISS), 0);
	assert_int_equal(trust_remove(t, ISS), -ENOENT);
	assert_int_equal(trust_find_shc_key(t, ISS, b.kid, &k), -ENOENT);
	trust_free(t);
	test_issuer_free(&a);
	test_issuer_free(&b);
}

static void test_crl(void **state)
{
	struct test_issuer a;
	struct trust *t;
	char crl[512], *jwks2;

	(void)state;
	test_issuer_new(&a);
	assert_int_equal(trust_open(NULL, &t), 0);
	snprintf(crl, sizeof(crl),
		 "{\"kid\":\"%s\",\"method\":\"rid\",\"ctr\":1,\"rids\":[\"MKyCxh7p6uQ\","
		 "\"vwAjHdarZuc.1687450765\"]}",
		 a.kid);
	/* No such key yet. */
	assert_int_equal(trust_import_crl(t, ISS, crl, strlen(crl)), -ENOENT);
	test_issuer_jwks_with(a.key, false, edit_crl2, &jwks2);
	assert_int_equal(trust_import_jwks(t, ISS, jwks2, strlen(jwks2)), 0);
	/* ctr 1 but the key announces crlVersion 2. */
	assert_int_equal(trust_import_crl(t, ISS, crl, strlen(crl)), -EINVAL);
	assert_int_equal(trust_import_jwks(t, ISS, a.jwks, strlen(a.jwks)), 0);
	/* crlVersion absent = 0; the list says 1: still a mismatch. */
	assert_int_equal(trust_import_crl(t, ISS, crl, strlen(crl)), -EINVAL);

	free(jwks2);
	trust_free(t);
	test_issuer_free(&a);
}

static void crl_v1(json_t *j)
{
	json_object_set_new(j, "crlVersion", json_integer(1));
}

static void test_crl_checks(void **state)
{
	static const char *const bad_rids[] = {
		"[\"base64==\"]",
		"[\"$wrongrid!\"]",
		"[\"MKyCxh7p6uQ\",\"MKyCxh7p6uQ.123\"]",
		"[\"AAAAAAAAAAAAAAAAAAAAAAAAA\"]",
		"[\"MKyCxh7p6uQ.\"]",
		"[\"MKyCxh7p6uQ.12x\"]",
		"[7]",
	};
	struct test_issuer a;
	struct trust *t;
	char crl[512], *jwks;
	bool revoked = true;

	(void)state;
	test_issuer_new(&a);
	assert_int_equal(trust_open(NULL, &t), 0);
	test_issuer_jwks_with(a.key, false, crl_v1, &jwks);
	assert_int_equal(trust_import_jwks(t, ISS, jwks, strlen(jwks)), 0);
	free(jwks);

	/* No list held: nothing is revoked. */
	assert_int_equal(trust_shc_revoked(t, ISS, a.kid, "MKyCxh7p6uQ", 0, &revoked), 0);
	assert_false(revoked);

	for (size_t i = 0; i < sizeof(bad_rids) / sizeof(bad_rids[0]); i++) {
		snprintf(crl, sizeof(crl),
			 "{\"kid\":\"%s\",\"method\":\"rid\",\"ctr\":1,\"rids\":%s}", a.kid,
			 bad_rids[i]);
		assert_int_equal(trust_import_crl(t, ISS, crl, strlen(crl)), -EINVAL);
	}
	snprintf(crl, sizeof(crl),
		 "{\"kid\":\"%s\",\"method\":\"invalid-method\",\"ctr\":1,"
		 "\"rids\":[]}",
		 a.kid);
	assert_int_equal(trust_import_crl(t, ISS, crl, strlen(crl)), -EINVAL);

	snprintf(crl, sizeof(crl),
		 "{\"kid\":\"%s\",\"method\":\"rid\",\"ctr\":1,\"rids\":[\"MKyCxh7p6uQ\","
		 "\"vwAjHdarZuc.1687450765\"]}",
		 a.kid);
	assert_int_equal(trust_import_crl(t, ISS, crl, strlen(crl)), 0);
	assert_int_equal(trust_shc_revoked(t, ISS, a.kid, "MKyCxh7p6uQ", 0, &revoked), 0);
	assert_true(revoked);
	assert_int_equal(trust_shc_revoked(t, ISS, a.kid, "vwAjHdarZuc", 1687450764, &revoked), 0);
	assert_true(revoked);
	/* Issued at or after the timestamp: a re-issued card, not revoked. */
	assert_int_equal(trust_shc_revoked(t, ISS, a.kid, "vwAjHdarZuc", 1687450765, &revoked), 0);
	assert_false(revoked);
	assert_int_equal(trust_shc_revoked(t, ISS, a.kid, "other", 0, &revoked), 0);
	assert_false(revoked);
	/* Another issuer's list does not apply. */
	assert_int_equal(trust_shc_revoked(t, ISS2, a.kid, "MKyCxh7p6uQ", 0, &revoked), 0);
	assert_false(revoked);
	trust_free(t);
	test_issuer_free(&a);
}

static void test_vci_default_snapshot(void **state)
{
	static const char vci[] =
		"{\"participating_issuers\":[{\"iss\":\"https://issuer.passgate.test\","
		"\"name\":\"Test\"},{\"iss\":\"https://x.example\",\"name\":\"X\"}]}";
	struct test_issuer a;
	struct trust *t, *s;
	struct sig_key *k;
	char path[64] = "/tmp/passgate-trust-XXXXXX", side[80];
	int fd, n;

	(void)state;
	test_issuer_new(&a);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(trust_open_snapshot(path, &s), -ENOENT);
	assert_int_equal(trust_open(path, &t), 0);
	/* VCI names do not make an issuer trusted. */
	assert_int_equal(trust_import_vci(t, vci, strlen(vci)), 0);
	assert_int_equal(trust_find_shc_key(t, ISS, a.kid, &k), -ENOENT);
	assert_int_equal(
		trust_import_vci(t, "{\"participating_issuers\":[{\"iss\":\"http://x\"}]}", 45),
		-EINVAL);
	assert_int_equal(trust_add_default(t), 0);
	assert_int_equal(trust_add_default(t), 0); /* idempotent */
	n = list_count(t);
	assert_int_equal(n, 3); /* the Digital Agency publishes three keys */
	assert_int_equal(trust_find_shc_key(t, TRUST_DEFAULT_ISS,
					    "zAa3HKmmj-gAlTasE5Wc_7PAvY9hR_8La5XVr60E41w", &k),
			 0);
	sig_key_free(k);
	trust_free(t);

	/* A snapshot reads the file and never writes it. */
	assert_int_equal(trust_open_snapshot(path, &s), 0);
	assert_int_equal(trust_import_jwks(s, ISS, a.jwks, strlen(a.jwks)), 0);
	assert_int_equal(list_count(s), 4);
	trust_free(s);
	assert_int_equal(trust_open(path, &t), 0);
	assert_int_equal(list_count(t), 3);
	trust_free(t);
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	test_issuer_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jwks_import),
		cmocka_unit_test(test_crl),
		cmocka_unit_test(test_crl_checks),
		cmocka_unit_test(test_vci_default_snapshot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
