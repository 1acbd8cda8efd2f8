/* SPDX-License-Identifier: MIT */
/*
 * test_shc.c - the SHC verifier end to end on cards minted here with fresh keys: content,
 * tampering, issuer and kid rules, header rules, validity with clock skew, revocation, the
 * numeric encoding, and the bounds (text length, zip bomb, nesting, array length).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "credential/b64url.h"
#include "credential/inflate.h"
#include "credential/issue.h"
#include "credential/jws.h"
#include "credential/shc.h"
#include "credential/trust.h"
#include "credential/vaccines.h"
#include "credential/verify.h"
#include "shc_test_util.h"

#define ISS "https://issuer.passgate.test"
#define NBF 1704067200 /* 2024-01-01T00:00:00Z */

struct fixture {
	struct test_issuer issuer, other;
	struct trust *trust;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	test_issuer_new(&f->issuer);
	test_issuer_new(&f->other);
	if (trust_open(NULL, &f->trust) < 0 ||
	    trust_import_jwks(f->trust, ISS, f->issuer.jwks, strlen(f->issuer.jwks)) < 0 ||
	    trust_import_jwks(f->trust, "https://other.passgate.test", f->other.jwks,
			      strlen(f->other.jwks)) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	trust_free(f->trust);
	test_issuer_free(&f->issuer);
	test_issuer_free(&f->other);
	free(f);
	return 0;
}

static enum cred_status verify_at(struct fixture *f, const char *text, int64_t now, struct cred *c)
{
	enum cred_status st;

	assert_int_equal(cred_verify(f->trust, text, strlen(text), now, c, &st), 0);
	return st;
}

/* A JWS over @payload with header @header, signed by @ti. */
static int sign_cb(const uint8_t *msg, size_t len, uint8_t sig[64], const void *ud)
{
	return sig_sign_es256(ud, msg, len, sig);
}

static char *jws_with(const struct test_issuer *ti, const char *header, const char *payload,
		      bool deflate)
{
	uint8_t *z;
	size_t zlen;
	char *out;

	if (deflate) {
		assert_int_equal(
			cred_deflate_raw((const uint8_t *)payload, strlen(payload), &z, &zlen), 0);
	} else {
		z = (uint8_t *)strdup(payload);
		zlen = strlen(payload);
	}
	assert_int_equal(jws_compact(header, z, zlen, sign_cb, ti->key, &out), 0);
	free(z);
	return out;
}

static char *signed_payload(const struct test_issuer *ti, const char *payload)
{
	char *jws;

	assert_int_equal(issue_shc_jws(ti->key, ti->kid, payload, strlen(payload), &jws), 0);
	return jws;
}

static const char card_fmt[] =
	"{\"iss\":\"%s\",\"nbf\":%s%s,\"vc\":{\"type\":[\"https://smarthealth.cards#health-card\"],"
	"\"credentialSubject\":{\"fhirVersion\":\"4.0.1\",\"fhirBundle\":{\"resourceType\":"
	"\"Bundle\",\"type\":\"collection\",\"entry\":[%s]}}%s}}";
static const char patient[] =
	"{\"fullUrl\":\"resource:0\",\"resource\":{\"resourceType\":\"Patient\",\"name\":[{"
	"\"family\":\"Sato\",\"given\":[\"Hanako\",\"B.\"]}],\"birthDate\":\"1990-04-01\"}}";

static char *payload(const char *iss, const char *nbf, const char *exp_member, const char *entries,
		     const char *vc_extra)
{
	size_t n = strlen(card_fmt) + strlen(iss) + strlen(nbf) + strlen(exp_member) +
		   strlen(entries) + strlen(vc_extra) + 1;
	char *s = malloc(n);

	snprintf(s, n, card_fmt, iss, nbf, exp_member, entries, vc_extra);
	return s;
}

static void test_minted_card(void **state)
{
	struct fixture *f = *state;
	struct cred in = { 0 }, out;
	char *text;

	strcpy(in.family, "Sato");
	strcpy(in.given, "Hanako B.");
	strcpy(in.dob, "1990-04-01");
	in.n_doses = 2;
	strcpy(in.doses[0].date, "2021-08-01");
	strcpy(in.doses[0].product, "207");
	strcpy(in.doses[1].date, "2021-07-01");
	strcpy(in.doses[1].product, "208");
	in.n_tests = 1;
	in.tests[0].kind = CRED_TEST_ANTIGEN_RAPID;
	in.tests[0].result = CRED_RESULT_POSITIVE;
	in.tests[0].collected = NBF - 3600;
	assert_int_equal(issue_shc(f->issuer.key, f->issuer.kid, ISS, &in, NBF, NBF + 86400, &text),
			 0);
	assert_int_equal(strncmp(text, "shc:/", 5), 0);

	assert_int_equal(verify_at(f, text, NBF + 10, &out), CRED_OK);
	assert_int_equal(out.format, CRED_FORMAT_SHC);
	assert_string_equal(out.issuer, ISS);
	assert_string_equal(out.kid, f->issuer.kid);
	assert_string_equal(out.family, "Sato");
	assert_string_equal(out.given, "Hanako B.");
	assert_string_equal(out.dob, "1990-04-01");
	assert_int_equal(out.issued_at, NBF);
	assert_int_equal(out.expires_at, NBF + 86400);
	/* Doses in date order, numbered 1..n. */
	assert_int_equal(out.n_doses, 2);
	assert_string_equal(out.doses[0].date, "2021-07-01");
	assert_string_equal(out.doses[0].product, "208");
	assert_int_equal(out.doses[0].number, 1);
	assert_string_equal(out.doses[1].date, "2021-08-01");
	assert_int_equal(out.doses[1].number, 2);
	assert_string_equal(out.doses[1].target, "840539006");
	assert_int_equal(out.n_tests, 1);
	assert_int_equal(out.tests[0].kind, CRED_TEST_ANTIGEN_RAPID);
	assert_int_equal(out.tests[0].result, CRED_RESULT_POSITIVE);
	assert_int_equal(out.tests[0].collected, NBF - 3600);
	assert_string_equal(out.tests[0].type_code, "94558-4");

	/* Surrounding whitespace is dropped (scanners add line ends). */
	{
		size_t n = strlen(text);
		char *padded = malloc(n + 4);

		snprintf(padded, n + 4, " %s\r\n", text);
		assert_int_equal(verify_at(f, padded, NBF + 10, &out), CRED_OK);
		free(padded);
	}
	/* Validity: skew tolerated either way, not more. */
	assert_int_equal(verify_at(f, text, NBF - CRED_CLOCK_SKEW, &out), CRED_OK);
	assert_int_equal(verify_at(f, text, NBF - CRED_CLOCK_SKEW - 1, &out), CRED_E_NOT_YET_VALID);
	assert_string_equal(out.issuer, ISS); /* what was learned stays */
	assert_string_equal(out.family, "");  /* personal data does not */
	assert_int_equal(verify_at(f, text, NBF + 86400 + CRED_CLOCK_SKEW - 1, &out), CRED_OK);
	assert_int_equal(verify_at(f, text, NBF + 86400 + CRED_CLOCK_SKEW, &out), CRED_E_EXPIRED);
	free(text);
}

static void test_tampered(void **state)
{
	struct fixture *f = *state;
	struct cred c = { 0 }, out;
	char *jws, *dot1, *dot2, *p64, *forged;
	uint8_t *z, *json, *z2;
	size_t zlen, jlen, z2len, n;

	strcpy(c.family, "Sato");
	assert_int_equal(issue_shc(f->issuer.key, f->issuer.kid, ISS, &c, NBF, 0, &jws), 0);
	free(jws);
	/* The JWS form, decoded by hand: change one byte of the payload JSON, re-deflate, keep
	 * the original header and signature. */
	{
		char *p = payload(ISS, "1704067200", "", patient, "");

		jws = signed_payload(&f->issuer, p);
		free(p);
	}
	assert_int_equal(verify_at(f, jws, NBF, &out), CRED_OK);
	dot1 = strchr(jws, '.');
	dot2 = strchr(dot1 + 1, '.');
	assert_int_equal(b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &z, &zlen), 0);
	assert_int_equal(cred_inflate(z, zlen, 1, &json, &jlen), 0);
	{
		char *s = strstr((char *)json, "Sato");

		assert_non_null(s);
		s[3] = 'p'; /* "Satp" */
	}
	assert_int_equal(cred_deflate_raw(json, jlen, &z2, &z2len), 0);
	assert_int_equal(b64url_encode(z2, z2len, &p64), 0);
	n = (size_t)(dot1 - jws) + 1 + strlen(p64) + strlen(dot2) + 1;
	forged = malloc(n);
	snprintf(forged, n, "%.*s.%s%s", (int)(dot1 - jws), jws, p64, dot2);
	assert_int_equal(verify_at(f, forged, NBF, &out), CRED_E_SIGNATURE_INVALID);
	/* A corrupted signature, same length. */
	forged[strlen(forged) - 5] = forged[strlen(forged) - 5] == 'A' ? 'B' : 'A';
	assert_int_equal(verify_at(f, forged, NBF, &out), CRED_E_SIGNATURE_INVALID);
	free(forged);
	free(p64);
	free(z2);
	free(json);
	free(z);
	free(jws);
}

static void test_issuer_rules(void **state)
{
	struct fixture *f = *state;
	struct cred out;
	char *p, *jws;

	/* Signed by "other" (trusted for its own URL), claiming ISS: the kid is not in ISS's set.
	 */
	p = payload(ISS, "1704067200", "", patient, "");
	jws = signed_payload(&f->other, p);
	assert_int_equal(verify_at(f, jws, NBF, &out), CRED_E_ISSUER_UNKNOWN);
	free(jws);
	free(p);
	/* An untrusted issuer, with a trailing slash, over http. */
	{
		static const char *const isss[] = { "https://unknown.passgate.test", ISS "/",
						    "http://issuer.passgate.test" };

		for (size_t i = 0; i < 3; i++) {
			p = payload(isss[i], "1704067200", "", patient, "");
			jws = signed_payload(&f->issuer, p);
			assert_int_equal(verify_at(f, jws, NBF, &out), CRED_E_ISSUER_UNKNOWN);
			free(jws);
			free(p);
		}
	}
}

static void test_header_rules(void **state)
{
	struct fixture *f = *state;
	struct cred out;
	char *p = payload(ISS, "1704067200", "", patient, ""), *jws, hdr[256];
	/* Each bad header is prefix + kid + suffix. */
	static const char *const bad[][2] = {
		{ "{\"zip\":\"DEF\",\"alg\":\"ES384\",\"kid\":\"", "\"}" },
		{ "{\"zip\":\"DEF\",\"kid\":\"", "\"}" },
		{ "{\"alg\":\"ES256\",\"kid\":\"", "\"}" },
		{ "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"x\":\"", "\"}" },
		{ "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"", "\",\"kid\":\"x\"}" },
		{ "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":[\"", "\"]}" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(hdr, sizeof(hdr), "%s%s%s", bad[i][0], f->issuer.kid, bad[i][1]);
		jws = jws_with(&f->issuer, hdr, p, true);
		assert_int_equal(verify_at(f, jws, NBF, &out), CRED_E_SYNTAX);
		free(jws);
	}
	/* zip:DEF announced, payload not deflated. */
	snprintf(hdr, sizeof(hdr), "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"%s\"}",
		 f->issuer.kid);
	jws = jws_with(&f->issuer, hdr, p, false);
	assert_int_equal(verify_at(f, jws, NBF, &out), CRED_E_INFLATE);
	free(jws);
	free(p);
}

static void test_content_rules(void **state)
{
	struct fixture *f = *state;
	struct cred out;
	char *p, *jws, entries[2048];
	static const char imm[] =
		",{\"fullUrl\":\"resource:%d\",\"resource\":{\"resourceType\":\"Immunization\","
		"\"status\":\"%s\",\"vaccineCode\":{\"coding\":[{\"system\":"
		"\"http://hl7.org/fhir/sid/cvx\",\"code\":\"208\"}]},\"patient\":{\"reference\":"
		"\"resource:0\"}%s}}";
	char one[512], two[512];

	/* A dose that is not "completed" is not counted. */
	snprintf(one, sizeof(one), imm, 1, "completed", ",\"occurrenceDateTime\":\"2021-01-01\"");
	snprintf(two, sizeof(two), imm, 2, "entered-in-error",
		 ",\"occurrenceDateTime\":\"2021-02-01\"");
	snprintf(entries, sizeof(entries), "%s%s%s", patient, one, two);
	p = payload(ISS, "1704067200.5", ",\"exp\":1704153600", entries, ",\"rid\":\"abc\"");
	jws = signed_payload(&f->issuer, p);
	assert_int_equal(verify_at(f, jws, NBF, &out), CRED_OK);
	assert_int_equal(out.n_doses, 1);
	assert_int_equal(out.issued_at, NBF); /* fractional NumericDate */
	free(jws);
	free(p);
	/* A completed dose without a date, two Patients, no #health-card type: schema. */
	snprintf(two, sizeof(two), imm, 2, "completed", "");
	snprintf(entries, sizeof(entries), "%s%s", patient, two);
	p = payload(ISS, "1704067200", "", entries, "");
	jws = signed_payload(&f->issuer, p);
	assert_int_equal(verify_at(f, jws, NBF, &out), CRED_E_SCHEMA);
	free(jws);
	free(p);
	snprintf(entries, sizeof(entries), "%s,%s", patient, patient);
	p = payload(ISS, "1704067200", "", entries, "");
	jws = signed_payload(&f->issuer, p);
	assert_int_equal(verify_at(f, jws, NBF, &out), CRED_E_SCHEMA);
	free(jws);
	free(p);
	jws = signed_payload(&f->issuer, "{\"iss\":\"" ISS "\",\"nbf\":1704067200,\"vc\":{\"type\":"
					 "[\"VerifiableCredential\"]}}");
	assert_int_equal(verify_at(f, jws, NBF, &out), CRED_E_SCHEMA);
	free(jws);
	jws = signed_payload(&f->issuer, "{\"iss\":\"" ISS "\",\"vc\":{}}"); /* no nbf */
	assert_int_equal(verify_at(f, jws, NBF, &out), CRED_E_SCHEMA);
	free(jws);
	/* A BOM before the JSON, and trailing data: syntax. */
	jws = signed_payload(&f->issuer, "\xef\xbb\xbf{\"iss\":\"" ISS "\"}");
	assert_int_equal(verify_at(f, jws, NBF, &out), CRED_E_SYNTAX);
	free(jws);
	jws = signed_payload(&f->issuer, "{\"iss\":\"" ISS "\"} {}");
	assert_int_equal(verify_at(f, jws, NBF, &out), CRED_E_SYNTAX);
	free(jws);
}

/* Issue 9, finding 2: only COVID-19 vaccines are doses. Two influenza shots (CVX 141) beside
 * one Comirnaty dose are one dose; a SNOMED CT coding of the value set counts too. */
static void test_covid_vaccines_only(void **state)
{
	static const char imm[] =
		",{\"fullUrl\":\"resource:%d\",\"resource\":{\"resourceType\":\"Immunization\","
		"\"status\":\"completed\",\"vaccineCode\":{\"coding\":[{\"system\":\"%s\","
		"\"code\":\"%s\"}]},\"patient\":{\"reference\":\"resource:0\"},"
		"\"occurrenceDateTime\":\"%s\"}}";
	static const char cvx[] = "http://hl7.org/fhir/sid/cvx";
	char a[512], b[512], c[512], d[512], entries[4096], *p;
	enum cred_status st;
	struct cred out;

	(void)state;
	snprintf(a, sizeof(a), imm, 1, cvx, "141", "2021-10-01");
	snprintf(b, sizeof(b), imm, 2, cvx, "141", "2022-10-01");
	snprintf(c, sizeof(c), imm, 3, cvx, "208", "2021-07-01T16:00:00Z");
	snprintf(d, sizeof(d), imm, 4, "http://snomed.info/sct", "28581000087106", "2021-08-01");
	snprintf(entries, sizeof(entries), "%s%s%s", patient, a, b);
	p = payload(ISS, "1704067200", "", entries, "");
	assert_int_equal(shc_parse_payload(p, strlen(p), &out, &st), 0);
	assert_int_equal(st, CRED_OK);
	assert_int_equal(out.n_doses, 0);
	free(p);
	snprintf(entries, sizeof(entries), "%s%s%s%s%s", patient, a, c, b, d);
	p = payload(ISS, "1704067200", "", entries, "");
	assert_int_equal(shc_parse_payload(p, strlen(p), &out, &st), 0);
	assert_int_equal(out.n_doses, 2);
	assert_string_equal(out.doses[0].product, "208");
	assert_string_equal(out.doses[0].date, "2021-07-01T16:00:00Z"); /* an instant (finding 3) */
	assert_int_equal(out.doses[0].number, 1);
	assert_true(out.doses[0].covid19);
	assert_string_equal(out.doses[1].product, "28581000087106");
	assert_int_equal(out.doses[1].number, 2);
	free(p);
	/* The table itself: CVX 213 (unspecified formulation) is not in the SHC value set. */
	assert_true(cred_vaccine_shc_covid19(cvx, "207"));
	assert_false(cred_vaccine_shc_covid19(cvx, "213"));
	assert_false(cred_vaccine_shc_covid19("http://snomed.info/sct", "208"));
	assert_true(cred_vaccine_shc_covid19("http://id.who.int/icd11/mms", "XM68M6"));
	assert_true(cred_vaccine_dcc_covid19("840539006", "J07BX03"));
	assert_true(cred_vaccine_dcc_covid19("840539006", ""));
	assert_false(cred_vaccine_dcc_covid19("840539006", "J07BB02"));
	assert_false(cred_vaccine_dcc_covid19("6142004", "J07BX03"));
}

static void test_revocation(void **state)
{
	struct fixture *f = *state;
	struct cred out;
	char *p, *jws, crl[256], *jwks;

	test_issuer_jwks_with(f->issuer.key, false, NULL, &jwks);
	{
		/* The key announces crlVersion 1 for this test. */
		char *v = strstr(jwks, "}]}");

		assert_non_null(v);
		*v = 0;
		size_t n = strlen(jwks) + 32;
		char *with = malloc(n);

		snprintf(with, n, "%s,\"crlVersion\":1}]}", jwks);
		assert_int_equal(trust_import_jwks(f->trust, ISS, with, strlen(with)), 0);
		free(with);
	}
	free(jwks);
	snprintf(crl, sizeof(crl),
		 "{\"kid\":\"%s\",\"method\":\"rid\",\"ctr\":1,\"rids\":[\"revoked1\","
		 "\"later.1704067300\"]}",
		 f->issuer.kid);
	assert_int_equal(trust_import_crl(f->trust, ISS, crl, strlen(crl)), 0);

	p = payload(ISS, "1704067200", "", patient, ",\"rid\":\"revoked1\"");
	jws = signed_payload(&f->issuer, p);
	assert_int_equal(verify_at(f, jws, NBF, &out), CRED_E_REVOKED);
	free(jws);
	free(p);
	p = payload(ISS, "1704067200", "", patient, ",\"rid\":\"later\"");
	jws = signed_payload(&f->issuer, p);
	assert_int_equal(verify_at(f, jws, NBF, &out), CRED_E_REVOKED);
	free(jws);
	free(p);
	/* Issued after the revocation time: a re-issued card with the same rid is fine. */
	p = payload(ISS, "1704067300", "", patient, ",\"rid\":\"later\"");
	jws = signed_payload(&f->issuer, p);
	assert_int_equal(verify_at(f, jws, NBF + 100, &out), CRED_OK);
	free(jws);
	free(p);
	p = payload(ISS, "1704067200", "", patient, ",\"rid\":\"fine\"");
	jws = signed_payload(&f->issuer, p);
	assert_int_equal(verify_at(f, jws, NBF, &out), CRED_OK);
	free(jws);
	free(p);
}

static void test_encoding(void **state)
{
	struct fixture *f = *state;
	struct cred out, c = { 0 };
	char *text, *chunked;
	size_t n;

	assert_int_equal(issue_shc(f->issuer.key, f->issuer.kid, ISS, &c, NBF, 0, &text), 0);
	/* The single-chunk header "shc:/1/1/" is taken (see docs/credentials.md). */
	n = strlen(text) + 5;
	chunked = malloc(n);
	snprintf(chunked, n, "shc:/1/1/%s", text + 5);
	assert_int_equal(verify_at(f, chunked, NBF, &out), CRED_OK);
	chunked[7] = '2'; /* shc:/1/2/: chunked, deprecated */
	assert_int_equal(verify_at(f, chunked, NBF, &out), CRED_E_ENCODING);
	free(chunked);
	text[strlen(text) - 1] = 0; /* odd digit count */
	assert_int_equal(verify_at(f, text, NBF, &out), CRED_E_ENCODING);
	text[5] = '7';
	text[6] = '8'; /* 78 > 77 */
	assert_int_equal(verify_at(f, text, NBF, &out), CRED_E_ENCODING);
	free(text);
	assert_int_equal(verify_at(f, "shc:5676", NBF, &out), CRED_E_ENCODING);
	assert_int_equal(verify_at(f, "shc:/56a6", NBF, &out), CRED_E_ENCODING);
	assert_int_equal(verify_at(f, "eyJhbGciOiJ.x$y.z", NBF, &out), CRED_E_ENCODING);
	assert_int_equal(verify_at(f, "shlink:/eyJ1cmwiOi", NBF, &out), CRED_E_UNREADABLE);
	assert_int_equal(verify_at(f, "", NBF, &out), CRED_E_UNREADABLE);
	assert_int_equal(verify_at(f, "hello world", NBF, &out), CRED_E_UNREADABLE);
}

/* Acceptance 4 of issue 2: every bound an outsider controls. */
static void test_bounds(void **state)
{
	struct fixture *f = *state;
	struct cred out;
	char *big, *p, *jws;
	size_t n;

	/* QR text over 8 KiB: syntax, before anything else. */
	big = malloc(CRED_MAX_TEXT + 2);
	memcpy(big, "shc:/", 5);
	memset(big + 5, '5', CRED_MAX_TEXT - 4);
	big[CRED_MAX_TEXT + 1] = 0;
	assert_int_equal(verify_at(f, big, NBF, &out), CRED_E_SYNTAX);
	free(big);

	/* A validly signed zip bomb: 1 MiB of JSON padding deflates to about 1 KiB. */
	n = 1u << 20;
	p = malloc(n + 128);
	n = (size_t)snprintf(p, 128, "{\"iss\":\"%s\",\"pad\":\"", ISS);
	memset(p + n, 'a', (1u << 20) - n - 2);
	strcpy(p + (1u << 20) - 2, "\"}");
	jws = signed_payload(&f->issuer, p);
	assert_true(strlen(jws) < CRED_MAX_TEXT);
	assert_int_equal(verify_at(f, jws, NBF, &out), CRED_E_INFLATE);
	free(jws);

	/* Nesting: 32 levels pass the bounds (and fail later, on content), 33 do not. */
	for (int depth = CRED_MAX_DEPTH; depth <= CRED_MAX_DEPTH + 1; depth++) {
		int inner = depth - 1, o = 0; /* the payload object is level 1 */

		o = sprintf(p, "{\"iss\":\"%s\",\"nbf\":1704067200,\"x\":", ISS);
		for (int i = 0; i < inner; i++)
			p[o++] = '[';
		for (int i = 0; i < inner; i++)
			p[o++] = ']';
		strcpy(p + o, ",\"vc\":{}}");
		jws = signed_payload(&f->issuer, p);
		assert_int_equal(verify_at(f, jws, NBF, &out),
				 depth <= CRED_MAX_DEPTH ? CRED_E_SCHEMA : CRED_E_SYNTAX);
		free(jws);
	}

	/* Arrays: 64 entries pass the bounds, 65 do not. */
	for (int entries = CRED_MAX_ARRAY; entries <= CRED_MAX_ARRAY + 1; entries++) {
		int o = sprintf(p, "{\"iss\":\"%s\",\"nbf\":1704067200,\"x\":[", ISS);

		for (int i = 0; i < entries; i++)
			o += sprintf(p + o, i ? ",%d" : "%d", i);
		strcpy(p + o, "],\"vc\":{}}");
		jws = signed_payload(&f->issuer, p);
		assert_int_equal(verify_at(f, jws, NBF, &out),
				 entries <= CRED_MAX_ARRAY ? CRED_E_SCHEMA : CRED_E_SYNTAX);
		free(jws);
	}
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_minted_card, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tampered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_issuer_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_content_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revocation, setup, teardown),
		cmocka_unit_test(test_covid_vaccines_only),
		cmocka_unit_test_setup_teardown(test_encoding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
