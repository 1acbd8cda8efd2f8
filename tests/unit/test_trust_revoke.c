/* SPDX-License-Identifier: MIT */
/*
 * test_trust_revoke.c - DCC revocation (trust_revoke.c, dcc.c) and the EU DSC list importer
 * (dsclist.c): revocation batches of each hash type deny a DCC minted here as `revoked`, a
 * batch scoped to another signer does not, bad batches change nothing; the DSC list sample
 * (four real DSCs of the EU list, tests/golden/trust/) is read and checked, and a tampered kid,
 * thumbprint or country is refused with the entry's index.
 *
 * The expected hashes are computed independently of dcc.c: the UCI and COUNTRYCODEUCI values
 * below were computed with Python's hashlib (base64 of SHA-256(...)[0..16]).
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

#include "credential/b64url.h"
#include "credential/base45.h"
#include "credential/cose.h"
#include "credential/dcc.h"
#include "credential/dsclist.h"
#include "credential/inflate.h"
#include "credential/issue.h"
#include "credential/sig.h"
#include "credential/trust.h"

#define NOW 1700000000
#define DAY 86400

/* SHA-256("URN:UVCI:01:JP:PASSGATE-TEST")[0..16] and SHA-256("JP" ‖ same)[0..16]. */
#define UCI_HASH  "AycJvB5xjMc8bD/E6pCrjQ=="
#define CCUH_HASH "gPbPx1mklYdQc9sl5/mWpA=="

struct fx {
	struct sig_key *key;
	uint8_t *der;
	size_t der_len;
	struct sig_cert_info info;
	struct trust *trust;
	char *text;
};

static void setup_fx(struct fx *f)
{
	struct cred c;

	memset(f, 0, sizeof(*f));
	assert_int_equal(sig_key_generate_p256(&f->key), 0);
	assert_int_equal(sig_cert_self_signed(f->key, "revocation test DSC", "JP", NOW - 100 * DAY,
					      NOW + 100 * DAY, SIG_USAGE_ANY, &f->der, &f->der_len),
			 0);
	assert_int_equal(sig_cert_parse(f->der, f->der_len, &f->info, NULL, NULL, NULL), 0);
	assert_int_equal(trust_open(NULL, &f->trust), 0);
	assert_int_equal(trust_import_cert(f->trust, f->der, f->der_len), 0);
	memset(&c, 0, sizeof(c));
	strcpy(c.family, "Yamada");
	strcpy(c.given, "Hanako");
	strcpy(c.dob, "1990-04-01");
	c.n_doses = 1;
	c.doses[0].number = 2;
	c.doses[0].series_total = 2;
	strcpy(c.doses[0].date, "2023-06-01");
	strcpy(c.doses[0].product, "EU/1/20/1528");
	assert_int_equal(
		issue_dcc(f->key, f->info.kid, "JP", &c, NOW - DAY, NOW + 100 * DAY, &f->text), 0);
}

static void free_fx(struct fx *f)
{
	free(f->text);
	trust_free(f->trust);
	free(f->der);
	sig_key_free(f->key);
}

static enum cred_status verify(const struct fx *f)
{
	enum cred_status st;
	struct cred out;

	assert_int_equal(dcc_verify(f->trust, f->text, strlen(f->text), NOW, &out, &st), 0);
	cred_wipe(&out);
	return st;
}

static char *batch(const char *type, const char *kid, const char *hash)
{
	char *s;

	assert_true(asprintf(&s,
			     "{\"country\":\"JP\",\"expires\":\"2030-01-01T00:00:00Z\",\"kid\":"
			     "\"%s\",\"hashType\":\"%s\",\"entries\":[{\"hash\":\"%s\"}]}",
			     kid, type, hash) > 0);
	return s;
}

static int import(struct fx *f, const char *json)
{
	size_t n = 0;
	int r = trust_import_dcc_revocation(f->trust, json, strlen(json), &n);

	if (r == 0)
		assert_true(n > 0);
	return r;
}

/* The COSE signature's r (first half), hashed here without dcc.c. */
static void signature_hash(const struct fx *f, char out[32])
{
	uint8_t *z, *cose, digest[32];
	const uint8_t *sig;
	size_t zlen, clen, slen;
	struct cose_sign1 *m;

	assert_int_equal(base45_decode(f->text + 4, strlen(f->text) - 4, &z, &zlen), 0);
	assert_int_equal(cred_inflate(z, zlen, 0, &cose, &clen), 0);
	assert_int_equal(cose_sign1_parse(cose, clen, &m), 0);
	cose_sign1_signature(m, &sig, &slen);
	assert_int_equal(slen, 64);
	sig_sha256(sig, 32, digest);
	b64std_encode_buf(digest, 16, out, 32);
	cose_sign1_free(m);
	free(cose);
	free(z);
}

static void test_each_hash_type_revokes(void **state)
{
	static const char *const kinds[] = { "UCI", "UVCI", "COUNTRYCODEUCI", "COUNTRYCODEUVCI",
					     "SIGNATURE" };
	char sig_hash[32], kid[16];

	(void)state;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct fx f;
		char *b;

		setup_fx(&f);
		signature_hash(&f, sig_hash);
		b64std_encode_buf(f.info.kid, 8, kid, sizeof(kid));
		assert_int_equal(verify(&f), CRED_OK);
		b = batch(kinds[i], i % 2 ? kid : "UNKNOWN_KID",
			  !strncmp(kinds[i], "UCI", 3) || !strncmp(kinds[i], "UV", 2) ? UCI_HASH
			  : kinds[i][0] == 'C'					      ? CCUH_HASH
										      : sig_hash);
		assert_int_equal(import(&f, b), 0);
		assert_int_equal(verify(&f), CRED_E_REVOKED);
		free(b);
		free_fx(&f);
	}
}

static void test_scoped_to_signer(void **state)
{
	struct fx f;
	char *b;

	(void)state;
	setup_fx(&f);
	/* The right hash under another signer's kid revokes nothing here. */
	b = batch("UCI", "AAAAAAAAAAA=", UCI_HASH);
	assert_int_equal(import(&f, b), 0);
	free(b);
	/* Another UVCI's hash, and the country-code hash listed as a plain UCI, neither. */
	b = batch("UCI", "UNKNOWN_KID", CCUH_HASH);
	assert_int_equal(import(&f, b), 0);
	free(b);
	assert_int_equal(verify(&f), CRED_OK);
	free_fx(&f);
}

static int count_lines(const char *line, void *userdata)
{
	if (strstr(line, "dcc-revocation"))
		++*(int *)userdata;
	return 0;
}

static void test_bad_batches_change_nothing(void **state)
{
	static const char *const bad[] = {
		"{\"country\":\"JP\",\"expires\":\"2030-01-01T00:00:00Z\",\"kid\":\"UNKNOWN_KID\","
		"\"hashType\":\"MD5\",\"entries\":[{\"hash\":\"" UCI_HASH "\"}]}",
		"{\"country\":\"JP\",\"expires\":\"2030-01-01T00:00:00Z\",\"kid\":\"UNKNOWN_KID\","
		"\"hashType\":\"UCI\",\"entries\":[{\"hash\":\"AAAA\"}]}",
		"{\"country\":\"jp\",\"expires\":\"2030-01-01T00:00:00Z\",\"kid\":\"UNKNOWN_KID\","
		"\"hashType\":\"UCI\",\"entries\":[{\"hash\":\"" UCI_HASH "\"}]}",
		"{\"country\":\"JP\",\"expires\":\"soon\",\"kid\":\"UNKNOWN_KID\","
		"\"hashType\":\"UCI\",\"entries\":[{\"hash\":\"" UCI_HASH "\"}]}",
		"{\"country\":\"JP\",\"expires\":\"2030-01-01T00:00:00Z\",\"kid\":\"short\","
		"\"hashType\":\"UCI\",\"entries\":[{\"hash\":\"" UCI_HASH "\"}]}",
		"{\"country\":\"JP\",\"expires\":\"2030-01-01T00:00:00Z\",\"kid\":\"UNKNOWN_KID\","
		"\"hashType\":\"UCI\",\"entries\":[]}",
		"[]",
		"not json",
	};
	struct fx f;
	char *mixed;
	int lines = 0;

	(void)state;
	setup_fx(&f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(import(&f, bad[i]), -EINVAL);
	/* A good batch followed by a bad one in one file: neither is taken. */
	assert_true(asprintf(&mixed,
			     "[{\"country\":\"JP\",\"expires\":\"2030-01-01T00:00:00+09:00[Asia/"
			     "Tokyo]\",\"kid\":\"UNKNOWN_KID\",\"hashType\":\"UCI\",\"entries\":"
			     "[{\"hash\":\"" UCI_HASH "\"}]},%s]",
			     bad[1]) > 0);
	assert_int_equal(import(&f, mixed), -EINVAL);
	free(mixed);
	assert_int_equal(verify(&f), CRED_OK);
	assert_int_equal(trust_list(f.trust, count_lines, &lines), 0);
	assert_int_equal(lines, 0);
	free_fx(&f);
}

static void test_batch_bounds(void **state)
{
	struct fx f;
	char *s, *p;
	size_t n = 1001;

	(void)state;
	setup_fx(&f);
	/* 1001 entries in one batch: more than the gateway allows. */
	s = malloc(200 + n * 40);
	p = s + sprintf(s, "{\"country\":\"JP\",\"expires\":\"2030-01-01T00:00:00Z\",\"kid\":"
			   "\"UNKNOWN_KID\",\"hashType\":\"UCI\",\"entries\":[");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s{\"hash\":\"" UCI_HASH "\"}", i ? "," : "");
	strcpy(p, "]}");
	assert_int_equal(import(&f, s), -EINVAL);
	free(s);
	free_fx(&f);
}

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

static int into_store(const struct dsclist_entry *e, void *userdata)
{
	return trust_import_cert(userdata, e->der, e->der_len);
}

static int count_dcc(const char *line, void *userdata)
{
	if (strstr(line, "\"type\":\"dcc\""))
		++*(int *)userdata;
	return 0;
}

static void test_dsc_list_sample(void **state)
{
	struct trust *t;
	size_t len, index = 0;
	const char *why = NULL;
	char *json = read_sample(&len);
	int n = 0;

	(void)state;
	assert_int_equal(trust_open(NULL, &t), 0);
	assert_int_equal(dsclist_parse(json, len, into_store, t, &index, &why), 4);
	assert_int_equal(trust_list(t, count_dcc, &n), 0);
	assert_int_equal(n, 4);
	trust_free(t);
	free(json);
}

/* Change the first occurrence of @from after the @nth "rawData" into @to (same length). */
static void tamper(char *json, unsigned nth, const char *key, const char *to)
{
	char *p = json;

	for (unsigned i = 0; i <= nth; i++)
		p = strstr(p + 1, "\"certificateType\"");
	p = strstr(p, key);
	assert_non_null(p);
	p += strlen(key) + 3; /* past `: "` */
	memcpy(p, to, strlen(to));
}

static int never(const struct dsclist_entry *e, void *userdata)
{
	(void)e;
	(void)userdata;
	fail_msg("a refused list handed over an entry");
	return 0;
}

static void test_dsc_list_refusals(void **state)
{
	static const struct {
		const char *key, *to, *why;
	} cases[] = {
		{ "\"kid\"", "AAAA", "kid" },
		{ "\"thumbprint\"", "zz", "thumbprint" },
		{ "\"country\"", "FR", "country" },
		{ "\"certificateType\"", "CSC", "DSC" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len, index = 0;
		const char *why = NULL;
		char *json = read_sample(&len);

		tamper(json, 2, cases[i].key, cases[i].to);
		assert_int_equal(dsclist_parse(json, len, never, NULL, &index, &why), -EINVAL);
		assert_int_equal(index, 2);
		assert_non_null(strstr(why, cases[i].why));
		free(json);
	}
	assert_int_equal(dsclist_parse("{\"certificates\":[]}", 19, never, NULL, NULL, NULL),
			 -EINVAL);
	assert_int_equal(dsclist_parse("[1]", 3, never, NULL, NULL, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_hash_type_revokes),
		cmocka_unit_test(test_scoped_to_signer),
		cmocka_unit_test(test_bad_batches_change_nothing),
		cmocka_unit_test(test_batch_bounds),
		cmocka_unit_test(test_dsc_list_sample),
		cmocka_unit_test(test_dsc_list_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
