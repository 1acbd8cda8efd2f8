/* SPDX-License-Identifier: MIT */
/*
 * issue_shc.c - minting SMART Health Cards for tests, demos and `passgate issue-test shc`.
 *
 * The card follows the SHC spec's shape (vc.type "#health-card", fhirVersion 4.0.1, a
 * collection Bundle with resource:N references, minified JSON, raw DEFLATE, ES256 with the
 * key's thumbprint as kid, numeric QR text). Immunizations carry CVX codes, test results a
 * LOINC Observation with a SNOMED CT value, as in PROGRAMS.md. Never on the verification path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "credential/inflate.h"
#include "credential/isotime.h"
#include "credential/issue.h"
#include "credential/jws.h"
#include "credential/shc.h"
#include "credential/sig.h"

static int sign_cb(const uint8_t *msg, size_t len, uint8_t sig[64], const void *ud)
{
	return sig_sign_es256(ud, msg, len, sig);
}

int issue_shc_jws(const struct sig_key *key, const char *kid, const char *payload, size_t len,
		  char **ret_jws)
{
	json_t *hdr;
	char *hdr_text;
	uint8_t *z;
	size_t zlen;
	int r;

	hdr = json_pack("{s:s, s:s, s:s}", "zip", "DEF", "alg", "ES256", "kid", kid);
	if (!hdr)
		return -ENOMEM;
	hdr_text = json_dumps(hdr, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(hdr);
	if (!hdr_text)
		return -ENOMEM;
	r = cred_deflate_raw((const uint8_t *)payload, len, &z, &zlen);
	if (r == 0) {
		r = jws_compact(hdr_text, z, zlen, sign_cb, key, ret_jws);
		free(z);
	}
	free(hdr_text);
	return r;
}

int issue_shc_numeric(const char *jws, char **ret_text)
{
	size_t n = strlen(jws);
	char *s = malloc(5 + 2 * n + 1), *p;

	if (!s)
		return -ENOMEM;
	memcpy(s, "shc:/", 5);
	p = s + 5;
	for (size_t i = 0; i < n; i++) {
		int v = (unsigned char)jws[i] - 45;

		if (v < 0 || v > 77) {
			free(s);
			return -EINVAL;
		}
		*p++ = (char)('0' + v / 10);
		*p++ = (char)('0' + v % 10);
	}
	*p = 0;
	*ret_text = s;
	return 0;
}

static json_t *coding(const char *system, const char *code)
{
	return json_pack("{s:[{s:s, s:s}]}", "coding", "system", system, "code", code);
}

static json_t *patient(const struct cred *c)
{
	json_t *given = json_array(), *name;
	char buf[CRED_NAME_MAX], *tok, *save = NULL;

	memcpy(buf, c->given, sizeof(buf));
	buf[sizeof(buf) - 1] = 0;
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		json_array_append_new(given, json_string(tok));
	name = json_pack("{s:s, s:o}", "family", c->family, "given", given);
	return json_pack("{s:s, s:[o], s:s}", "resourceType", "Patient", "name", name, "birthDate",
			 c->dob);
}

static json_t *bundle(const struct cred *c)
{
	json_t *entries = json_array();
	char url[32];
	unsigned n = 0;

	snprintf(url, sizeof(url), "resource:%u", n++);
	json_array_append_new(entries,
			      json_pack("{s:s, s:o}", "fullUrl", url, "resource", patient(c)));
	for (unsigned i = 0; i < c->n_doses && i < CRED_MAX_DOSES; i++) {
		const struct cred_dose *d = &c->doses[i];

		snprintf(url, sizeof(url), "resource:%u", n++);
		json_array_append_new(entries,
				      json_pack("{s:s, s:{s:s, s:s, s:o, s:{s:s}, s:s}}", "fullUrl",
						url, "resource", "resourceType", "Immunization",
						"status", "completed", "vaccineCode",
						coding("http://hl7.org/fhir/sid/cvx",
						       d->product[0] ? d->product : "208"),
						"patient", "reference", "resource:0",
						"occurrenceDateTime", d->date));
	}
	for (unsigned i = 0; i < c->n_tests && i < CRED_MAX_TESTS; i++) {
		const struct cred_test *t = &c->tests[i];
		const char *loinc = t->type_code[0] ? t->type_code : shc_kind_loinc(t->kind);
		const char *result = t->result_code[0]			 ? t->result_code
				     : t->result == CRED_RESULT_NEGATIVE ? "260415000"
				     : t->result == CRED_RESULT_POSITIVE ? "260373001"
									 : "419984006";
		char when[ISOTIME_MAX];

		isotime_format(t->collected, when);
		snprintf(url, sizeof(url), "resource:%u", n++);
		json_array_append_new(
			entries,
			json_pack("{s:s, s:{s:s, s:s, s:o, s:{s:s}, s:s, s:o}}", "fullUrl", url,
				  "resource", "resourceType", "Observation", "status", "final",
				  "code", coding("http://loinc.org", loinc ? loinc : "94500-6"),
				  "subject", "reference", "resource:0", "effectiveDateTime", when,
				  "valueCodeableConcept",
				  coding("http://snomed.info/sct", result)));
	}
	return json_pack("{s:s, s:s, s:o}", "resourceType", "Bundle", "type", "collection", "entry",
			 entries);
}

int issue_shc(const struct sig_key *key, const char *kid, const char *iss, const struct cred *c,
	      int64_t nbf, int64_t exp, char **ret_text)
{
	json_t *payload;
	char *text, *jws = NULL;
	int r;

	payload = json_pack("{s:s, s:I, s:{s:[s], s:{s:s, s:o}}}", "iss", iss, "nbf",
			    (json_int_t)nbf, "vc", "type", SHC_ISSUER_VC_TYPE, "credentialSubject",
			    "fhirVersion", "4.0.1", "fhirBundle", bundle(c));
	if (!payload)
		return -ENOMEM;
	if (exp)
		json_object_set_new(payload, "exp", json_integer(exp));
	/* A revocation id (SHC "Revocation"), so that tests can list the card in a CRL. */
	if (c->cert_id[0])
		json_object_set_new(json_object_get(payload, "vc"), "rid", json_string(c->cert_id));
	text = json_dumps(payload, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(payload);
	if (!text)
		return -ENOMEM;
	r = issue_shc_jws(key, kid, text, strlen(text), &jws);
	explicit_bzero(text, strlen(text));
	free(text);
	if (r < 0)
		return r;
	r = issue_shc_numeric(jws, ret_text);
	free(jws);
	return r;
}
