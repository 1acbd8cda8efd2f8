/* SPDX-License-Identifier: MIT */
/*
 * shc_conformance.c - the SMART Health Card corpora of conformance/shc, run unchanged:
 *
 *  - the spec examples (examples/): JWS, .smart-health-card and numeric QR text of examples
 *    00-03 verify with the example issuer's JWKS at 2024-01-01; example 03 is revoked once its
 *    CRL (examples/issuer/.well-known/crl/) is in the store, and expired after 2024-06-21; the
 *    chunked QR texts of example 02 are refused;
 *  - every file of devtools-testdata/ that is not an image: the verdict of MANIFEST.tsv
 *    (REJECT -> the error code below, ACCEPT -> valid), with passgate's lenient/strict choices
 *    where the MANIFEST leaves one open (docs/credentials.md). JWS payloads (b-*) and FHIR
 *    bundles (a-*) are signed here with the example issuer's published private key. A file of
 *    the corpus missing from the table fails the test, so no row is skipped silently.
 *
 * Images (png/jpg/bmp/svg) go through the QR decoder: tests/conformance/shc-images.sh.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "credential/issue.h"
#include "credential/jwk.h"
#include "credential/shc.h"
#include "credential/sig.h"
#include "credential/trust.h"
#include "credential/verify.h"

#define EX_ISS	"https://spec.smarthealth.cards/examples/issuer"
#define EX_KID	"3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s"
#define AT_2024 1704067200 /* 2024-01-01T00:00:00Z: inside the examples' validity */
#define AT_2025 1735689600 /* 2025-01-01: after example 03's exp (2024-06-21) */
#define CRL_BASE                                                                                \
	"https://raw.githubusercontent.com/smart-on-fhir/health-cards-dev-tools/main/testdata/" \
	"badcrl/"

static char dir[4096];

static char *read_file(const char *rel, size_t *len)
{
	char path[8192];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct trust *example_trust(bool with_crl)
{
	struct trust *t;
	char *s;
	size_t n;

	assert_int_equal(trust_open(NULL, &t), 0);
	s = read_file("shc/examples/issuer/.well-known/jwks.json", &n);
	assert_int_equal(trust_import_jwks(t, EX_ISS, s, n), 0);
	free(s);
	if (with_crl) {
		s = read_file("shc/examples/issuer/.well-known/crl/" EX_KID ".json", &n);
		assert_int_equal(trust_import_crl(t, EX_ISS, s, n), 0);
		free(s);
	}
	return t;
}

/* The text of a card file: a .smart-health-card file gives its first JWS. */
static enum cred_status verify_file(struct trust *t, const char *rel, int64_t now, struct cred *c)
{
	enum cred_status st;
	char *s, *jws = NULL;
	size_t n;

	s = read_file(rel, &n);
	if (s[strspn(s, " \t\r\n")] == '{' && shc_file_first_jws(s, n, &jws) == 0) {
		free(s);
		s = jws;
		n = strlen(s);
	}
	assert_int_equal(cred_verify(t, s, n, now, c, &st), 0);
	free(s);
	return st;
}

static void test_spec_examples(void **state)
{
	static const char *const forms[] = { "d-jws.txt", "e-file.smart-health-card",
					     "f-qr-code-numeric-value-0.txt" };
	struct trust *t = example_trust(false), *tc = example_trust(true);
	struct cred c;
	char rel[256];

	(void)state;
	for (int ex = 0; ex <= 3; ex++) {
		for (size_t i = 0; i < 3; i++) {
			snprintf(rel, sizeof(rel), "shc/examples/example-%02d-%s", ex, forms[i]);
			if (ex == 2 && i == 2)
				continue; /* example 02 is chunked: below */
			assert_int_equal(verify_file(t, rel, AT_2024, &c), CRED_OK);
			assert_string_equal(c.issuer, EX_ISS);
			if (ex == 0) {
				assert_string_equal(c.family, "Anyperson");
				assert_string_equal(c.given, "John B.");
				assert_string_equal(c.dob, "1951-01-20");
				assert_int_equal(c.n_doses, 3);
				assert_string_equal(c.doses[0].date, "2021-01-01");
				assert_int_equal(c.doses[2].number, 3);
			}
			/* With the CRL held: only example 03 is revoked (rid vwAjHdarZuc, nbf
			 * before the list's timestamp 1687450765). */
			assert_int_equal(verify_file(tc, rel, AT_2024, &c),
					 ex == 3 ? CRED_E_REVOKED : CRED_OK);
			/* Example 03 alone has an exp. */
			assert_int_equal(verify_file(t, rel, AT_2025, &c),
					 ex == 3 ? CRED_E_EXPIRED : CRED_OK);
		}
	}
	for (int i = 0; i < 3; i++) {
		snprintf(rel, sizeof(rel), "shc/examples/example-02-f-qr-code-numeric-value-%d.txt",
			 i);
		assert_int_equal(verify_file(t, rel, AT_2024, &c), CRED_E_ENCODING);
	}
	/* Without the issuer's keys, nothing verifies. */
	trust_free(t);
	assert_int_equal(trust_open(NULL, &t), 0);
	assert_int_equal(verify_file(t, "shc/examples/example-00-d-jws.txt", AT_2024, &c),
			 CRED_E_ISSUER_UNKNOWN);
	trust_free(t);
	trust_free(tc);
}

enum kind {
	CARD,	 /* QR text, JWS or .smart-health-card: verify as is */
	PAYLOAD, /* JWS payload JSON: sign with the example key, then verify */
	BUNDLE,	 /* FHIR bundle: wrap in a payload, sign, verify */
	KEYSET,	 /* a JWKS: import (expect 0 = accepted or -EINVAL = refused) */
	OTHER,	 /* not a credential input of a kiosk (SMART Health Links, FHIR API files) */
};

struct row {
	const char *file;
	enum kind kind;
	int expect; /* enum cred_status for cards, import result for key sets */
};

/* MANIFEST.tsv, row by row (its "suggested kiosk verdict" in the comments). */
static const struct row rows[] = {
	/* jws rows */
	{ "test-example-00-d-jws-invalid-signature.txt", CARD, CRED_E_SIGNATURE_INVALID },
	{ "test-example-00-d-jws-der-signature.txt", CARD, CRED_E_SIGNATURE_INVALID },
	{ "test-example-00-d-jws-der-signature-r-neg.txt", CARD, CRED_E_SIGNATURE_INVALID },
	{ "test-example-00-d-jws-der-signature-s-neg.txt", CARD, CRED_E_SIGNATURE_INVALID },
	{ "test-example-00-d-jws-der-signature-rs-neg.txt", CARD, CRED_E_SIGNATURE_INVALID },
	{ "test-example-00-d-jws-no_jws_header_alg.txt", CARD, CRED_E_SYNTAX },
	{ "test-example-00-d-jws-no_jws_header_kid.txt", CARD, CRED_E_SYNTAX },
	{ "test-example-00-d-jws-no_jws_header_zip.txt", CARD, CRED_E_SYNTAX },
	{ "test-example-00-d-jws-wrong_jws_header_kid.txt", CARD, CRED_E_ISSUER_UNKNOWN },
	/* REJECT: kid looked up only in the claimed iss's set (the not.smart set is trusted
	 * too, under its own issuer URL, in this test). */
	{ "test-example-00-d-jws-issuer-kid-mismatch.txt", CARD, CRED_E_ISSUER_UNKNOWN },
	{ "test-example-00-d-jws-issuer-not-valid-with-smart-key.txt", CARD,
	  CRED_E_ISSUER_UNKNOWN },
	/* lenient: surrounding whitespace is trimmed */
	{ "test-example-00-d-jws-trailing_chars.txt", CARD, CRED_OK },
	/* strict: a BOM before the payload JSON is not JSON (RFC 8259 §8.1) */
	{ "test-example-00-d-jws-utf8_bom_prefix.txt", CARD, CRED_E_SYNTAX },
	{ "test-example-00-d-jws-no_deflate.txt", CARD, CRED_E_SYNTAX },
	/* REJECT: no nbf (old iat form), wrong VC type, untrusted old iss */
	{ "test-example-00-d-jws-jws_too_long.txt", CARD, CRED_E_SCHEMA },
	{ "test-example-00-d-jws-bad-fhir-metadata.txt", CARD, CRED_OK },
	/* healthcard rows */
	{ "test-example-00-e-file-invalid_deflate.smart-health-card", CARD, CRED_E_INFLATE },
	{ "test-example-00-e-file-no_deflate.smart-health-card", CARD, CRED_E_SYNTAX },
	{ "test-example-00-e-file-invalid_issuer_url.smart-health-card", CARD,
	  CRED_E_ISSUER_UNKNOWN },
	{ "test-example-00-e-file-invalid_issuer_url_http.smart-health-card", CARD,
	  CRED_E_ISSUER_UNKNOWN },
	{ "test-example-00-e-file-issuer_url_with_trailing_slash.smart-health-card", CARD,
	  CRED_E_ISSUER_UNKNOWN },
	{ "test-example-00-e-file-bad_jwks.smart-health-card", CARD, CRED_E_ISSUER_UNKNOWN },
	{ "test-example-00-e-file-trailing_chars.smart-health-card", CARD, CRED_OK },
	{ "test-example-00-e-file-multi-jws.smart-health-card", CARD, CRED_OK },
	/* n/a (file); the first JWS has a bad alg */
	{ "test-example-00-e-file-multi-jws-issues.smart-health-card", CARD, CRED_E_SYNTAX },
	{ "test-example-00-e-file.wrong-extension", CARD, CRED_OK },
	{ "test-example-00-e-file-jws_too_long.smart-health-card", CARD, CRED_E_SCHEMA },
	/* qrnumeric rows */
	{ "test-example-00-f-qr-code-numeric-value-0-wrong_qr_header.txt", CARD, CRED_E_ENCODING },
	/* "shc:/1/1/": a whole card in the deprecated single-chunk form is accepted */
	{ "test-example-00-f-qr-code-numeric-value-0-wrong-multi-chunk.txt", CARD, CRED_OK },
	{ "test-example-00-f-qr-code-numeric-value-0-odd-count.txt", CARD, CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-0-number-too-big.txt", CARD, CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-0-trailing_chars.txt", CARD, CRED_OK },
	{ "test-example-00-f-qr-code-numeric-value-0-index-out-of-range.txt", CARD,
	  CRED_E_ENCODING },
	/* chunked: refused (chunking is deprecated, SHC spec 1.3) */
	{ "test-example-00-f-qr-code-numeric-value-0-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-1-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-2-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-3-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-4-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-5-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-6-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-7-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-8-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-9-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-10-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-11-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-12-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-13-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-14-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-15-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-00-f-qr-code-numeric-value-16-qr_chunk_too_small.txt", CARD,
	  CRED_E_ENCODING },
	{ "test-example-02-f-qr-code-numeric-value-0-qr_chunk_too_big.txt", CARD, CRED_E_ENCODING },
	{ "test-example-02-f-qr-code-numeric-value-1-qr_chunk_too_big.txt", CARD, CRED_E_ENCODING },
	{ "test-example-1195-byte-qrnumeric.txt", CARD, CRED_OK }, /* boundary */
	/* jwspayload rows, signed here with the example key */
	{ "test-example-00-b-jws-payload-expanded-nbf_not_yet_valid.json", PAYLOAD,
	  CRED_E_NOT_YET_VALID },
	{ "test-example-00-b-jws-payload-expanded-nbf_milliseconds.json", PAYLOAD,
	  CRED_E_NOT_YET_VALID },
	{ "test-example-00-b-jws-payload-expanded-expired.json", PAYLOAD, CRED_E_EXPIRED },
	/* exp in milliseconds reads as a far-future exp (documented) */
	{ "test-example-00-b-jws-payload-expanded-exp_milliseconds.json", PAYLOAD, CRED_OK },
	{ "test-example-00-b-jws-payload-expanded-pre-expired.json", PAYLOAD, CRED_E_EXPIRED },
	{ "test-example-00-b-jws-payload-expanded-missing-shc-vc-type.json", PAYLOAD,
	  CRED_E_SCHEMA },
	{ "test-example-00-b-jws-payload-expanded-missing-imm-vc-type.json", PAYLOAD, CRED_OK },
	{ "test-example-00-b-jws-payload-expanded-missing-covid-vc-type.json", PAYLOAD, CRED_OK },
	{ "test-example-covid-lab-jwspayload-missing-lab-vc-type.json", PAYLOAD, CRED_OK },
	{ "test-example-00-b-jws-payload-expanded-optional-vc-type.json", PAYLOAD, CRED_OK },
	{ "test-example-00-b-jws-payload-expanded-unknown-vc-types.json", PAYLOAD, CRED_OK },
	{ "test-example-00-b-jws-payload-expanded-missing-coding.json", PAYLOAD, CRED_E_SCHEMA },
	/* n/a; the trailing characters are JSON whitespace */
	{ "test-example-00-b-jws-payload-expanded-trailing_chars.json", PAYLOAD, CRED_OK },
	/* fhirbundle rows, wrapped and signed here */
	{ "test-example-00-a-fhirBundle-status-not-completed.json", BUNDLE, CRED_OK },
	{ "test-example-00-a-fhirBundle-occurrence-issues.json", BUNDLE, CRED_E_SCHEMA },
	{ "test-example-00-a-fhirBundle-empty-values.json", BUNDLE, CRED_E_SCHEMA },
	{ "test-example-00-a-fhirBundle-profile-usa.json", BUNDLE, CRED_E_SCHEMA },
	{ "test-example-00-a-fhirBundle-bad_meta_extra_key.json", BUNDLE, CRED_OK },
	{ "test-example-00-a-fhirBundle-bad_meta_non_security.json", BUNDLE, CRED_OK },
	{ "test-example-00-a-fhirBundle-bad_meta_wrong_security.json", BUNDLE, CRED_OK },
	{ "test-example-00-a-non-dm-properties.json", BUNDLE, CRED_OK },
	{ "test-example-00-a-short-refs.json", BUNDLE, CRED_OK },
	{ "test-example-00-a-fhirBundle-trailing_chars.json", BUNDLE, CRED_OK }, /* whitespace */
	/* keyset rows */
	{ "valid_key.json", KEYSET, 0 },
	{ "valid_keys.json", KEYSET, 0 },
	{ "valid_key_with_x5c.json", KEYSET, 0 },
	{ "valid_2_chain.public.json", KEYSET, 0 },
	{ "wrong_kid_key.json", KEYSET, -EINVAL },
	{ "wrong_curve_key.json", KEYSET, -EINVAL },
	{ "wrong_use_key.json", KEYSET, -EINVAL },
	{ "wrong_alg_key.json", KEYSET, -EINVAL },
	{ "wrong_kty_key.json", KEYSET, -EINVAL },
	{ "private_key.json", KEYSET, -EINVAL },
	{ "badjwks/.well-known/jwks.json", KEYSET, -EINVAL },
	/* x5c problems: passgate does not use x5c (no X.509 trust for SHC): keys accepted */
	{ "cert_mismatch.public.json", KEYSET, 0 },
	{ "invalid_chain.public.json", KEYSET, 0 },
	{ "invalid_DNS_SAN.public.json", KEYSET, 0 },
	{ "invalid_no_SAN.public.json", KEYSET, 0 },
	{ "issuer.jwks.public.not.smart.json", KEYSET, 0 },
	/* not kiosk inputs */
	{ "test-issuers.json", OTHER, 0 },
	{ "test-example-00-fhirhealthcard.json", OTHER, 0 },
	{ "test-example-00-fhirhealthcard-multi-jws.json", OTHER, 0 },
	{ "test-example-00-fhirhealthcard-with-resource-link.json", OTHER, 0 },
	{ "shlink-link-direct.txt", CARD, CRED_E_UNREADABLE },
	{ "shlink-link-with-viewer.txt", CARD, CRED_E_UNREADABLE },
	{ "shlink-link.txt", CARD, CRED_E_UNREADABLE },
	{ "shlink-manifest-file.txt", OTHER, 0 },
	{ "shlink-manifest.txt", OTHER, 0 },
	{ "shlink-payload-direct.txt", OTHER, 0 },
	{ "shlink-payload.txt", OTHER, 0 },
};

static struct sig_key *example_private_key(void)
{
	json_t *root;
	json_error_t err;
	struct sig_key *k = NULL;
	char kid[CRED_KID_MAX], *s;
	int64_t crl;
	size_t n;

	s = read_file("shc/examples/generate-examples-src/src_config_issuer.jwks.private.json", &n);
	root = json_loadb(s, n, 0, &err);
	assert_non_null(root);
	assert_int_equal(jwk_parse_p256(json_array_get(json_object_get(root, "keys"), 0), true, kid,
					&crl, &k),
			 0);
	assert_string_equal(kid, EX_KID);
	json_decref(root);
	free(s);
	return k;
}

static enum cred_status sign_and_verify(struct trust *t, const struct sig_key *k,
					const char *payload, size_t len, struct cred *c)
{
	enum cred_status st;
	char *jws;

	assert_int_equal(issue_shc_jws(k, EX_KID, payload, len, &jws), 0);
	assert_int_equal(cred_verify(t, jws, strlen(jws), AT_2024, c, &st), 0);
	free(jws);
	return st;
}

static void test_devtools_manifest(void **state)
{
	static const char wrap_head[] =
		"{\"iss\":\"" EX_ISS "\",\"nbf\":1704067200,\"vc\":{\"type\":["
		"\"https://smarthealth.cards#health-card\"],\"credentialSubject\":{"
		"\"fhirVersion\":\"4.0.1\",\"fhirBundle\":";
	struct trust *t = example_trust(false);
	struct sig_key *k = example_private_key();
	char rel[512], *s;
	struct cred c;
	size_t n;
	int checked = 0;

	(void)state;
	/* The other key set of the kid-mismatch row is trusted, under its own URL. */
	s = read_file("shc/devtools-testdata/issuer.jwks.public.not.smart.json", &n);
	assert_int_equal(trust_import_jwks(t, "https://not.smart.passgate.test", s, n), 0);
	free(s);

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct trust *kt;
		enum cred_status st = CRED_OK;

		snprintf(rel, sizeof(rel), "shc/devtools-testdata/%s", r->file);
		switch (r->kind) {
		case CARD:
			st = verify_file(t, rel, AT_2024, &c);
			break;
		case PAYLOAD:
			s = read_file(rel, &n);
			st = sign_and_verify(t, k, s, n, &c);
			free(s);
			break;
		case BUNDLE: {
			char *p;

			s = read_file(rel, &n);
			p = malloc(sizeof(wrap_head) + n + 4);
			memcpy(p, wrap_head, sizeof(wrap_head) - 1);
			memcpy(p + sizeof(wrap_head) - 1, s, n);
			memcpy(p + sizeof(wrap_head) - 1 + n, "}}}", 4);
			st = sign_and_verify(t, k, p, strlen(p), &c);
			free(p);
			free(s);
			break;
		}
		case KEYSET:
			assert_int_equal(trust_open(NULL, &kt), 0);
			s = read_file(rel, &n);
			if (trust_import_jwks(kt, "https://keys.passgate.test", s, n) != r->expect)
				fail_msg("%s: import not %d", r->file, r->expect);
			free(s);
			trust_free(kt);
			checked++;
			continue;
		case OTHER:
			continue;
		}
		if ((int)st != r->expect)
			fail_msg("%s: got %s, expected %s", r->file,
				 st ? cred_status_code(st) : "valid",
				 r->expect ? cred_status_code((enum cred_status)r->expect)
					   : "valid");
		checked++;
	}
	/* Content of the rows whose classification matters. */
	s = read_file(
		"shc/devtools-testdata/test-example-covid-lab-jwspayload-missing-lab-vc-type.json",
		&n);
	assert_int_equal(sign_and_verify(t, k, s, n, &c), CRED_OK);
	assert_int_equal(c.n_tests, 1);
	assert_int_equal(c.tests[0].kind, CRED_TEST_ANTIGEN_RAPID);
	assert_int_equal(c.tests[0].result, CRED_RESULT_POSITIVE);
	free(s);
	s = read_file(
		"shc/devtools-testdata/test-example-00-a-fhirBundle-status-not-completed.json", &n);
	{
		char *p = malloc(sizeof(wrap_head) + n + 4);

		snprintf(p, sizeof(wrap_head) + n + 4, "%s%s}}}", wrap_head, s);
		assert_int_equal(sign_and_verify(t, k, p, strlen(p), &c), CRED_OK);
		assert_int_equal(c.n_doses, 0); /* "Completed" and "Partial" are not "completed" */
		free(p);
	}
	free(s);
	print_message("devtools-testdata: %d rows checked\n", checked);
	sig_key_free(k);
	trust_free(t);
}

/* Every non-image file of the corpus is in the table above. */
static void test_corpus_covered(void **state)
{
	char path[8192];
	struct dirent *e;
	DIR *d;
	int images = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/shc/devtools-testdata", dir);
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d))) {
		const char *dot = strrchr(e->d_name, '.');
		bool found = false;

		if (e->d_type == DT_DIR || !dot)
			continue;
		if (!strcmp(dot, ".png") || !strcmp(dot, ".jpg") || !strcmp(dot, ".bmp") ||
		    !strcmp(dot, ".svg")) {
			images++;
			continue;
		}
		if (!strcmp(e->d_name, "MANIFEST.tsv") || !strcmp(e->d_name, "README.md"))
			continue;
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
			found |= strcmp(rows[i].file, e->d_name) == 0;
		if (!found)
			fail_msg("corpus file %s is not classified", e->d_name);
	}
	closedir(d);
	print_message("devtools-testdata: %d images are checked by shc-images.sh\n",
		      images);
}

/* badcrl/: the cards verify with their issuer's key; each described bad list is refused. */
static void test_badcrl(void **state)
{
	static const struct {
		const char *name, *crl;
	} cases[] = {
		{ "invalid-method", "{\"kid\":\"%s\",\"method\":\"invalid-method\",\"ctr\":1,"
				    "\"rids\":[\"MKyCxh7p6uQ\"]}" },
		{ "non-base64url-rid", "{\"kid\":\"%s\",\"method\":\"rid\",\"ctr\":1,"
				       "\"rids\":[\"base64==\",\"$wrongrid!\"]}" },
		{ "duplicate-rid", "{\"kid\":\"%s\",\"method\":\"rid\",\"ctr\":1,"
				   "\"rids\":[\"MKyCxh7p6uQ\",\"MKyCxh7p6uQ\"]}" },
		{ "too-long-rid", "{\"kid\":\"%s\",\"method\":\"rid\",\"ctr\":1,"
				  "\"rids\":[\"MKyCxh7p6uQMKyCxh7p6uQMKyCxh7p6uQ\"]}" },
		{ "version-mismatch", "{\"kid\":\"%s\",\"method\":\"rid\",\"ctr\":2,"
				      "\"rids\":[\"MKyCxh7p6uQ\"]}" },
	};
	char rel[512], crl[512], iss[512], *key, *jwks;
	const char *kid = "hrvC0uzB16UXK83BnPo7Glg685b1D6iYOyJd5hpRaAA";
	struct cred c;
	size_t n;

	(void)state;
	key = read_file("shc/devtools-testdata/badcrl/public.json", &n);
	jwks = malloc(n + 16);
	snprintf(jwks, n + 16, "{\"keys\":[%s]}", key);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct trust *t;

		snprintf(iss, sizeof(iss), CRL_BASE "%s", cases[i].name);
		assert_int_equal(trust_open(NULL, &t), 0);
		assert_int_equal(trust_import_jwks(t, iss, jwks, strlen(jwks)), 0);
		snprintf(rel, sizeof(rel), "shc/devtools-testdata/badcrl/%s/jws-crl-%s.txt",
			 cases[i].name, cases[i].name);
		assert_int_equal(verify_file(t, rel, AT_2024, &c), CRED_OK);
		/* The crl strings are fixed formats with one %s: built with snprintf. */
		snprintf(crl, sizeof(crl), "%s", cases[i].crl);
		{
			char *at = strstr(crl, "%s");
			char built[512];

			assert_non_null(at);
			snprintf(built, sizeof(built), "%.*s%s%s", (int)(at - crl), crl, kid,
				 at + 2);
			assert_int_equal(trust_import_crl(t, iss, built, strlen(built)), -EINVAL);
		}
		trust_free(t);
	}
	free(jwks);
	free(key);
}

int main(void)
{
	const char *c = getenv("PASSGATE_CONFORMANCE_DIR");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_examples),
		cmocka_unit_test(test_devtools_manifest),
		cmocka_unit_test(test_corpus_covered),
		cmocka_unit_test(test_badcrl),
	};

	if (!c || !*c) {
		fprintf(stderr, "PASSGATE_CONFORMANCE_DIR is not set\n");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s", c);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
