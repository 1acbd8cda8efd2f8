/* SPDX-License-Identifier: MIT */
/*
 * test_trustupdate.c - the city's trust update body (events/trustupdate.c): the city's builder
 * checks each input (DSC list, certificate, JWKS, SHC CRL found by its kid, DCC revocation
 * batch) and the kiosk imports the body it makes, with the same counts; an SHC card listed in
 * the CRL is then `revoked`; a bad member refuses the whole body and changes nothing; a CRL for
 * a key the kiosk lacks is skipped; bounds; and a trust body over 1 MiB passes the signed
 * envelope (cityupdate.c) on the trust topic only.
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
#include <sodium.h>

#include "credential/issue.h"
#include "credential/trust.h"
#include "credential/verify.h"
#include "events/cityupdate.h"
#include "events/trustupdate.h"
#include "shc_test_util.h"

#define ISS "https://issuer.passgate.test"
#define NOW 1700000000

static char *read_sample(size_t *len)
{
	char path[4096];
	FILE *fp;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/tests/golden/trust/dsc-list-sample.json",
		 getenv("PASSGATE_SOURCE_DIR") ? getenv("PASSGATE_SOURCE_DIR") : ".");
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void crl_version_1(json_t *jwk)
{
	json_object_set_new(jwk, "crlVersion", json_integer(1));
}

static int append(const char *line, void *userdata)
{
	char **s = userdata, *n;

	assert_true(asprintf(&n, "%s%s\n", *s, line) > 0);
	free(*s);
	*s = n;
	return 0;
}

static char *listing(const struct trust *t)
{
	char *s = strdup("");

	assert_int_equal(trust_list(t, append, &s), 0);
	return s;
}

static enum cred_status verify_shc(const struct trust *t, const struct test_issuer *ti,
				   const char *rid)
{
	struct cred out;
	enum cred_status st;
	char *payload, *jws;

	assert_true(
		asprintf(&payload,
			 "{\"iss\":\"" ISS "\",\"nbf\":%d,\"vc\":{\"type\":["
			 "\"https://smarthealth.cards#health-card\"],\"rid\":\"%s\","
			 "\"credentialSubject\":{\"fhirVersion\":\"4.0.1\",\"fhirBundle\":{"
			 "\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{"
			 "\"fullUrl\":\"resource:0\",\"resource\":{\"resourceType\":\"Patient\","
			 "\"name\":[{\"family\":\"Sato\",\"given\":[\"Hanako\"]}],"
			 "\"birthDate\":\"1990-04-01\"}}]}}}}",
			 NOW - 100, rid) > 0);
	assert_int_equal(issue_shc_jws(ti->key, ti->kid, payload, strlen(payload), &jws), 0);
	assert_int_equal(cred_verify(t, jws, strlen(jws), NOW, &out, &st), 0);
	cred_wipe(&out);
	free(jws);
	free(payload);
	return st;
}

static void test_build_and_import(void **state)
{
	struct trustupdate_counts c;
	struct test_issuer ti;
	struct trustupdate *u;
	struct trust *t;
	char *dsc, *jwks, *body, *crl, *list;
	size_t len, n = 0, entries = 0, index = 0;
	const char *why = NULL;
	static const char rev[] =
		"{\"country\":\"JP\",\"expires\":\"2030-01-01T00:00:00Z\",\"kid\":\"UNKNOWN_KID\","
		"\"hashType\":\"UCI\",\"entries\":[{\"hash\":\"AycJvB5xjMc8bD/E6pCrjQ==\"}]}";

	(void)state;
	test_issuer_new(&ti);
	test_issuer_jwks_with(ti.key, false, crl_version_1, &jwks);
	assert_true(asprintf(&crl,
			     "{\"kid\":\"%s\",\"method\":\"rid\",\"ctr\":1,"
			     "\"rids\":[\"cmV2b2tlZA\"]}",
			     ti.kid) > 0);
	dsc = read_sample(&len);

	assert_int_equal(trustupdate_new(&u), 0);
	assert_int_equal(trustupdate_add_dsc_list(u, dsc, len, &n, &index, &why), 0);
	assert_int_equal(n, 4);
	/* The CRL names its kid only; the builder finds the issuer among the added key sets. */
	assert_int_equal(trustupdate_add_crl(u, NULL, crl, strlen(crl)), -ENOENT);
	assert_int_equal(trustupdate_add_jwks(u, ISS, jwks, strlen(jwks)), 0);
	assert_int_equal(trustupdate_add_crl(u, NULL, crl, strlen(crl)), 0);
	assert_int_equal(trustupdate_add_dcc_revocation(u, rev, strlen(rev), &entries), 0);
	assert_int_equal(entries, 1);
	assert_int_equal(trustupdate_body(u, &body, &len), 0);
	trustupdate_free(u);

	assert_int_equal(trust_open(NULL, &t), 0);
	assert_int_equal(trustupdate_import(t, (const uint8_t *)body, len, &c), 0);
	assert_int_equal(c.jwks, 1);
	assert_int_equal(c.certs, 4);
	assert_int_equal(c.crls, 1);
	assert_int_equal(c.crls_skipped, 0);
	assert_int_equal(c.dcc_revocations, 1);
	list = listing(t);
	assert_non_null(strstr(list, "\"type\":\"dcc-revocation\""));
	assert_non_null(strstr(list, "\"country\":\"NL\""));
	free(list);
	/* The CRL took: the listed rid is revoked, another card of the issuer is not. */
	assert_int_equal(verify_shc(t, &ti, "cmV2b2tlZA"), CRED_E_REVOKED);
	assert_int_equal(verify_shc(t, &ti, "b3RoZXI"), CRED_OK);

	trust_free(t);
	free(body);
	free(dsc);
	free(crl);
	free(jwks);
	test_issuer_free(&ti);
}

static void test_all_or_nothing(void **state)
{
	struct trustupdate_counts c;
	struct trust *t;
	char *before, *after, *body;
	/* Each after a good DSC: a certificate that is not base64 DER, a revocation batch with a
	 * bad hash, a CRL without iss, a member of the wrong type. */
	static const char *const bad[] = {
		",\"!!\"]}",
		"],\"dcc_revocations\":[{\"country\":\"JP\",\"expires\":"
		"\"2030-01-01T00:00:00Z\",\"kid\":\"UNKNOWN_KID\",\"hashType\":\"UCI\","
		"\"entries\":[{\"hash\":\"AAAA\"}]}]}",
		"],\"crls\":[{\"kid\":\"x\"}]}",
		"],\"dcc_revocations\":{}}",
	};
	size_t len;
	char *dsc = read_sample(&len), *raw, *end;

	(void)state;
	raw = strstr(dsc, "\"rawData\": \"") + strlen("\"rawData\": \"");
	end = strchr(raw, '"');
	*end = '\0';
	assert_int_equal(trust_open(NULL, &t), 0);
	assert_int_equal(trust_add_default(t), 0);
	before = listing(t);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_true(asprintf(&body, "{\"certs\":[\"%s\"%s", raw, bad[i]) > 0);
		assert_true(trustupdate_import(t, (const uint8_t *)body, strlen(body), &c) < 0);
		free(body);
		after = listing(t);
		assert_string_equal(before, after);
		free(after);
	}
	/* The good DSC alone goes in, and a CRL for a key this store lacks is skipped. */
	assert_true(asprintf(&body,
			     "{\"certs\":[\"%s\"],\"crls\":[{\"iss\":\"" ISS "\",\"kid\":\"nokey\","
			     "\"method\":\"rid\",\"ctr\":1,\"rids\":[\"abc\"]}]}",
			     raw) > 0);
	assert_int_equal(trustupdate_import(t, (const uint8_t *)body, strlen(body), &c), 0);
	assert_int_equal(c.certs, 1);
	assert_int_equal(c.crls_skipped, 1);
	after = listing(t);
	assert_string_not_equal(before, after);
	free(after);
	free(body);
	free(before);
	free(dsc);
	trust_free(t);
}

static void test_bounds(void **state)
{
	struct trust *t;
	char *body, *p;
	size_t n = TRUSTUPDATE_MAX_CERTS + 1;

	(void)state;
	assert_int_equal(trust_open(NULL, &t), 0);
	body = malloc(32 + n * 5);
	p = body + sprintf(body, "{\"certs\":[");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s\"x\"", i ? "," : "");
	strcpy(p, "]}");
	assert_int_equal(trustupdate_import(t, (const uint8_t *)body, strlen(body), NULL),
			 -EBADMSG);
	free(body);
	assert_int_equal(
		trustupdate_import(t, (const uint8_t *)"{}", TRUSTUPDATE_BODY_MAX + 1, NULL),
		-EBADMSG);
	trust_free(t);
}

/* The trust topic takes bodies up to 8 MiB (the real EU list is ~1.3 MB); the others 1 MiB. */
static void test_envelope_body_max(void **state)
{
	uint8_t pk[32], sk[64], *payload;
	struct cityupdate *cu;
	size_t big = 2u * 1024u * 1024u, plen;
	char *body = malloc(big);

	(void)state;
	assert_int_equal(sodium_init() >= 0, 1);
	crypto_sign_keypair(pk, sk);
	memset(body, ' ', big);
	memcpy(body, "{}", 2);
	assert_int_equal(cityupdate_new(pk, "c", "v", "k", &cu), 0);
	assert_int_equal(cityupdate_sign(sk, "passgate/v1/c/trust", 5, (const uint8_t *)body, big,
					 &payload, &plen),
			 0);
	assert_int_equal(cityupdate_handle(cu, "passgate/v1/c/trust", payload, plen),
			 CITYUPDATE_TRUST);
	free(payload);
	assert_int_equal(cityupdate_sign(sk, "passgate/v1/c/programs", 5, (const uint8_t *)body,
					 big, &payload, &plen),
			 0);
	assert_int_equal(cityupdate_handle(cu, "passgate/v1/c/programs", payload, plen), -EBADMSG);
	free(payload);
	cityupdate_free(cu);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_import),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_envelope_body_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
