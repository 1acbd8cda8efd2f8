/* SPDX-License-Identifier: MIT */
/*
 * shc.c - SMART Health Cards: decode, check and normalize one card (SHC spec v1.4,
 * https://spec.smarthealth.cards/).
 *
 * The order of the checks follows the spec's verifier steps: numeric QR decoding ("Encoding
 * Chunks as QR codes"), the JWS header ("Health Cards are encoded as Compact Serialization
 * JSON Web Signatures": alg ES256, zip DEF, kid), raw DEFLATE with the hard output limit, the
 * payload claims, the key looked up by kid inside the key set of the claimed iss only (a key of
 * another issuer must not vouch for it), the signature, nbf/exp, revocation ("Revocation",
 * rid), and last the FHIR content. The card is classified by its FHIR resources, not by the
 * deprecated vc.type entries beyond the required "#health-card".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "credential/inflate.h"
#include "credential/isotime.h"
#include "credential/json_bounds.h"
#include "credential/jws.h"
#include "credential/shc.h"
#include "credential/sig.h"
#include "credential/trust_internal.h"
#include "credential/vaccines.h"
#include "credential/verify.h"

#define SHC_RID_MAX 32

/* PROGRAMS.md "Test kinds and result codes", with the LOINC facts of
 * conformance/shc/accepted-test-codes.json. LAMP has no LOINC code of its own: passgate reads
 * the nucleic-acid codes "by NAA with non-probe detection" (isothermal assays such as LAMP
 * report that way) as lamp, and every other molecular code as pcr; the rules treat both alike. */
static const struct {
	const char *loinc;
	enum cred_test_kind kind;
} loinc_kinds[] = {
	{ "50548-7", CRED_TEST_PCR },		{ "68993-5", CRED_TEST_PCR },
	{ "82159-5", CRED_TEST_LAMP },		{ "94306-8", CRED_TEST_PCR },
	{ "94307-6", CRED_TEST_PCR },		{ "94308-4", CRED_TEST_PCR },
	{ "94309-2", CRED_TEST_PCR },		{ "94500-6", CRED_TEST_PCR },
	{ "94502-2", CRED_TEST_PCR },		{ "94531-1", CRED_TEST_PCR },
	{ "94533-7", CRED_TEST_PCR },		{ "94534-5", CRED_TEST_PCR },
	{ "94559-2", CRED_TEST_PCR },		{ "94565-9", CRED_TEST_LAMP },
	{ "94640-0", CRED_TEST_PCR },		{ "94756-4", CRED_TEST_PCR },
	{ "94757-2", CRED_TEST_PCR },		{ "94758-0", CRED_TEST_PCR },
	{ "94759-8", CRED_TEST_PCR },		{ "94760-6", CRED_TEST_PCR },
	{ "94764-8", CRED_TEST_PCR },		{ "94845-5", CRED_TEST_PCR },
	{ "95406-5", CRED_TEST_PCR },		{ "95409-9", CRED_TEST_PCR },
	{ "95423-0", CRED_TEST_PCR },		{ "95424-8", CRED_TEST_PCR },
	{ "95425-5", CRED_TEST_PCR },		{ "95608-6", CRED_TEST_LAMP },
	{ "95609-4", CRED_TEST_PCR },		{ "96119-3", CRED_TEST_ANTIGEN_QUANTITATIVE },
	{ "94558-4", CRED_TEST_ANTIGEN_RAPID }, { "95209-3", CRED_TEST_ANTIGEN_RAPID },
	{ "97097-0", CRED_TEST_ANTIGEN_RAPID }, { "94503-0", CRED_TEST_ANTIBODY },
	{ "94504-8", CRED_TEST_ANTIBODY },	{ "94507-1", CRED_TEST_ANTIBODY },
	{ "94508-9", CRED_TEST_ANTIBODY },	{ "94547-7", CRED_TEST_ANTIBODY },
	{ "94562-6", CRED_TEST_ANTIBODY },	{ "94563-4", CRED_TEST_ANTIBODY },
	{ "94564-2", CRED_TEST_ANTIBODY },	{ "94661-6", CRED_TEST_ANTIBODY },
	{ "94761-4", CRED_TEST_ANTIBODY },	{ "94762-2", CRED_TEST_ANTIBODY },
	{ "95416-4", CRED_TEST_ANTIBODY },	{ "95542-7", CRED_TEST_ANTIBODY },
};

enum cred_test_kind shc_loinc_kind(const char *loinc)
{
	for (size_t i = 0; i < sizeof(loinc_kinds) / sizeof(loinc_kinds[0]); i++)
		if (strcmp(loinc, loinc_kinds[i].loinc) == 0)
			return loinc_kinds[i].kind;
	return CRED_TEST_UNKNOWN;
}

const char *shc_kind_loinc(enum cred_test_kind kind)
{
	switch (kind) {
	case CRED_TEST_PCR:
		return "94500-6";
	case CRED_TEST_LAMP:
		return "95608-6";
	case CRED_TEST_ANTIGEN_QUANTITATIVE:
		return "96119-3";
	case CRED_TEST_ANTIGEN_RAPID:
		return "94558-4";
	case CRED_TEST_ANTIBODY:
		return "94563-4";
	case CRED_TEST_UNKNOWN:
		break;
	}
	return NULL;
}

enum cred_test_result shc_snomed_result(const char *code)
{
	static const char *const negative[] = { "260385009", "260415000" };
	static const char *const positive[] = { "10828004", "260373001", "260408008", "720735008" };

	for (size_t i = 0; i < sizeof(negative) / sizeof(negative[0]); i++)
		if (strcmp(code, negative[i]) == 0)
			return CRED_RESULT_NEGATIVE;
	for (size_t i = 0; i < sizeof(positive) / sizeof(positive[0]); i++)
		if (strcmp(code, positive[i]) == 0)
			return CRED_RESULT_POSITIVE;
	return CRED_RESULT_UNKNOWN;
}

int shc_numeric_decode(const char *text, size_t len, char **ret, size_t *ret_len)
{
	const char *p = text + 5, *end = text + len;
	size_t n, i;
	char *out;

	if (len < 5 || strncmp(text, "shc:/", 5) != 0)
		return -EBADMSG;
	/* The deprecated chunk header "shc:/N/M/": only a whole card in one chunk is taken. */
	if (end - p >= 4 && p[0] == '1' && p[1] == '/' && p[2] == '1' && p[3] == '/')
		p += 4;
	n = (size_t)(end - p);
	if (n == 0 || n % 2)
		return -EBADMSG;
	out = malloc(n / 2 + 1);
	if (!out)
		return -ENOMEM;
	for (i = 0; i < n / 2; i++) {
		char a = p[2 * i], b = p[2 * i + 1];
		int v;

		if (a < '0' || a > '9' || b < '0' || b > '9')
			goto bad;
		v = (a - '0') * 10 + (b - '0');
		if (v > 'z' - 45)
			goto bad;
		out[i] = (char)(v + 45);
	}
	out[i] = 0;
	*ret = out;
	*ret_len = i;
	return 0;
bad:
	free(out);
	return -EBADMSG;
}

int shc_file_first_jws(const char *json, size_t len, char **ret)
{
	json_t *root, *arr;
	json_error_t err;
	const char *s;
	int r = -EINVAL;

	if (json_bounds_check(json, len, 8, 1024) < 0)
		return -EINVAL;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return -EINVAL;
	arr = json_object_get(root, "verifiableCredential");
	s = json_string_value(json_array_get(arr, 0));
	if (s) {
		*ret = strdup(s);
		r = *ret ? 0 : -ENOMEM;
	}
	json_decref(root);
	return r;
}

/* Copy a string member into a fixed field; false when it is absent, not a string, empty when
 * @required, or too long (truncating a name would change who it names). */
static bool copy_str(char *dst, size_t size, const json_t *v, bool required)
{
	const char *s = json_string_value(v);
	size_t n;

	if (!s)
		return !required && !v;
	n = strlen(s);
	if (n >= size || (required && n == 0))
		return false;
	memcpy(dst, s, n + 1);
	return true;
}

/* NumericDate (RFC 7519 §2): seconds, possibly with a fraction (the spec examples have one). */
static bool numeric_date(const json_t *v, int64_t *ret)
{
	double d;

	if (!json_is_number(v))
		return false;
	d = json_number_value(v);
	/* Negative and NaN fail this test; +inf and milliseconds by mistake land far in the
	 * future and are clamped to stay in int64 range. */
	if (!(d >= 0))
		return false;
	if (d > 1e15)
		d = 1e15;
	*ret = (int64_t)d; /* truncation is floor for d >= 0 */
	return true;
}

static const char *coding_code(const json_t *concept, const char *system)
{
	const json_t *codings = json_object_get(concept, "coding"), *c;
	size_t i;

	json_array_foreach(codings, i, c)
	{
		const char *sys = json_string_value(json_object_get(c, "system"));
		const char *code = json_string_value(json_object_get(c, "code"));

		if (code && (!system || (sys && strcmp(sys, system) == 0)))
			return code;
	}
	return NULL;
}

/* The first coding of @concept that names a COVID-19 vaccine (vaccines.c), or NULL. */
static const char *covid_vaccine_code(const json_t *concept)
{
	const json_t *codings = json_object_get(concept, "coding"), *c;
	size_t i;

	json_array_foreach(codings, i, c)
	{
		const char *sys = json_string_value(json_object_get(c, "system"));
		const char *code = json_string_value(json_object_get(c, "code"));

		if (cred_vaccine_shc_covid19(sys, code))
			return code;
	}
	return NULL;
}

static enum cred_status parse_patient(const json_t *res, struct cred *c)
{
	const json_t *name = json_array_get(json_object_get(res, "name"), 0);
	const json_t *given = json_object_get(name, "given"), *g;
	size_t i, off = 0;

	if (!copy_str(c->family, sizeof(c->family), json_object_get(name, "family"), false))
		return CRED_E_SCHEMA;
	if (given && !json_is_array(given))
		return CRED_E_SCHEMA;
	/* FHIR HumanName.given is a list; the record keeps it joined by single spaces. */
	json_array_foreach(given, i, g)
	{
		const char *s = json_string_value(g);
		size_t n;

		if (!s)
			return CRED_E_SCHEMA;
		n = strlen(s);
		if (off + (off ? 1 : 0) + n >= sizeof(c->given))
			return CRED_E_SCHEMA;
		if (off)
			c->given[off++] = ' ';
		memcpy(c->given + off, s, n + 1);
		off += n;
	}
	if (!copy_str(c->dob, sizeof(c->dob), json_object_get(res, "birthDate"), false))
		return CRED_E_SCHEMA;
	return CRED_OK;
}

static enum cred_status parse_immunization(const json_t *res, struct cred *c)
{
	const char *status = json_string_value(json_object_get(res, "status"));
	const char *date = json_string_value(json_object_get(res, "occurrenceDateTime"));
	char when[CRED_DATETIME_MAX];
	const char *code;
	struct cred_dose *d;

	/* Only a given dose counts: "entered-in-error" / "not-done" (or any other value) do not. */
	if (!status || strcmp(status, "completed") != 0)
		return CRED_OK;
	code = coding_code(json_object_get(res, "vaccineCode"), NULL);
	if (!code || !date || cred_date_copy(date, when) < 0)
		return CRED_E_SCHEMA;
	/* Only a COVID-19 vaccine is a dose (vaccines.c): an influenza shot is left out, as lab
	 * results that are not COVID-19 tests are. */
	code = covid_vaccine_code(json_object_get(res, "vaccineCode"));
	if (!code)
		return CRED_OK;
	if (c->n_doses >= CRED_MAX_DOSES || strlen(code) >= CRED_CODE_MAX)
		return CRED_E_SCHEMA;
	d = &c->doses[c->n_doses++];
	memcpy(d->date, when, sizeof(when));
	memcpy(d->product, code, strlen(code) + 1);
	memcpy(d->target, CRED_COVID19_TARGET, sizeof(CRED_COVID19_TARGET));
	d->covid19 = true;
	return CRED_OK;
}

static enum cred_status parse_observation(const json_t *res, struct cred *c)
{
	const char *loinc = coding_code(json_object_get(res, "code"), "http://loinc.org");
	const char *when = json_string_value(json_object_get(res, "effectiveDateTime"));
	const char *result = coding_code(json_object_get(res, "valueCodeableConcept"), NULL);
	struct cred_test *t;

	/* Only the tests of PROGRAMS.md count; other lab results (a blood count, ...) are part
	 * of many cards and say nothing about the programs. */
	if (!loinc || shc_loinc_kind(loinc) == CRED_TEST_UNKNOWN)
		return CRED_OK;
	if (!when || c->n_tests >= CRED_MAX_TESTS)
		return CRED_E_SCHEMA;
	t = &c->tests[c->n_tests];
	if (isotime_parse(when, &t->collected) < 0)
		return CRED_E_SCHEMA;
	memcpy(t->type_code, loinc, strlen(loinc) + 1);
	t->kind = shc_loinc_kind(loinc);
	if (result && strlen(result) < CRED_CODE_MAX) {
		memcpy(t->result_code, result, strlen(result) + 1);
		t->result = shc_snomed_result(result);
	}
	c->n_tests++;
	return CRED_OK;
}

/* Doses in the order they were given: by instant (a date alone is read as midnight UTC). */
static int dose_cmp(const void *a, const void *b)
{
	int64_t x = 0, y = 0;

	isotime_scan(((const struct cred_dose *)a)->date, 0, &x);
	isotime_scan(((const struct cred_dose *)b)->date, 0, &y);
	return x < y ? -1 : x > y;
}

static enum cred_status parse_bundle(const json_t *vc, struct cred *c)
{
	const json_t *types = json_object_get(vc, "type"), *t, *entries, *e;
	bool health_card = false;
	unsigned patients = 0;
	size_t i;

	json_array_foreach(types, i, t) if (json_is_string(t) &&
					    strcmp(json_string_value(t), SHC_ISSUER_VC_TYPE) == 0)
		health_card = true;
	if (!health_card)
		return CRED_E_SCHEMA;
	entries = json_object_get(
		json_object_get(json_object_get(vc, "credentialSubject"), "fhirBundle"), "entry");
	if (!json_is_array(entries))
		return CRED_E_SCHEMA;
	json_array_foreach(entries, i, e)
	{
		const json_t *res = json_object_get(e, "resource");
		const char *type = json_string_value(json_object_get(res, "resourceType"));
		enum cred_status s = CRED_OK;

		if (!type)
			return CRED_E_SCHEMA;
		if (strcmp(type, "Patient") == 0) {
			/* One holder per card: two Patients make "who" ambiguous. */
			if (++patients > 1)
				return CRED_E_SCHEMA;
			s = parse_patient(res, c);
		} else if (strcmp(type, "Immunization") == 0) {
			s = parse_immunization(res, c);
		} else if (strcmp(type, "Observation") == 0) {
			s = parse_observation(res, c);
		}
		if (s != CRED_OK)
			return s;
	}
	/* No Patient (a lab report card, spec example 02) is a valid card with no holder data;
	 * the rules cannot match it to a person. */
	/* Doses in date order, numbered 1..n (the issue's rule for SHC; DCC carries dn itself). */
	qsort(c->doses, c->n_doses, sizeof(c->doses[0]), dose_cmp);
	for (unsigned k = 0; k < c->n_doses; k++)
		c->doses[k].number = k + 1;
	return CRED_OK;
}

/* Parse the payload text; the claims the verifier needs before the FHIR content. */
struct claims {
	json_t *root;
	const char *iss;
	int64_t nbf, exp;
	bool has_exp;
	char rid[SHC_RID_MAX];
};

static enum cred_status load_claims(const char *json, size_t len, struct claims *cl)
{
	json_error_t err;
	const json_t *rid;

	if (json_bounds_check_cred(json, len) < 0)
		return CRED_E_SYNTAX;
	/* Trailing whitespace is allowed by JSON; a BOM or trailing data is not (RFC 8259 §8.1). */
	cl->root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (!cl->root || !json_is_object(cl->root))
		return CRED_E_SYNTAX;
	cl->iss = json_string_value(json_object_get(cl->root, "iss"));
	if (!cl->iss || !json_is_object(json_object_get(cl->root, "vc")))
		return CRED_E_SCHEMA;
	if (!numeric_date(json_object_get(cl->root, "nbf"), &cl->nbf))
		return CRED_E_SCHEMA;
	if (json_object_get(cl->root, "exp")) {
		if (!numeric_date(json_object_get(cl->root, "exp"), &cl->exp))
			return CRED_E_SCHEMA;
		cl->has_exp = true;
	}
	rid = json_object_get(json_object_get(cl->root, "vc"), "rid");
	if (rid && !copy_str(cl->rid, sizeof(cl->rid), rid, true))
		return CRED_E_SCHEMA;
	return CRED_OK;
}

static enum cred_status fill_from_claims(const struct claims *cl, struct cred *ret)
{
	ret->format = CRED_FORMAT_SHC;
	if (strlen(cl->iss) >= sizeof(ret->issuer))
		return CRED_E_SCHEMA;
	memcpy(ret->issuer, cl->iss, strlen(cl->iss) + 1);
	ret->issued_at = cl->nbf;
	ret->expires_at = cl->has_exp ? cl->exp : 0;
	return CRED_OK;
}

int shc_parse_payload(const char *json, size_t len, struct cred *ret, enum cred_status *ret_status)
{
	struct claims cl = { 0 };
	enum cred_status s;

	memset(ret, 0, sizeof(*ret));
	ret->format = CRED_FORMAT_SHC;
	s = load_claims(json, len, &cl);
	if (s == CRED_OK)
		s = fill_from_claims(&cl, ret);
	if (s == CRED_OK)
		s = parse_bundle(json_object_get(cl.root, "vc"), ret);
	json_decref(cl.root);
	if (s != CRED_OK) {
		cred_wipe(ret);
		ret->format = CRED_FORMAT_SHC;
	}
	*ret_status = s;
	return 0;
}

/* The JWS header an SHC must have: {"alg":"ES256","zip":"DEF","kid":...} (SHC spec). */
static enum cred_status check_header(const json_t *h, struct cred *ret)
{
	const char *alg = json_string_value(json_object_get(h, "alg"));
	const char *zip = json_string_value(json_object_get(h, "zip"));
	const char *kid = json_string_value(json_object_get(h, "kid"));

	if (!alg || strcmp(alg, "ES256") != 0 || !zip || strcmp(zip, "DEF") != 0 || !kid || !*kid ||
	    strlen(kid) >= sizeof(ret->kid))
		return CRED_E_SYNTAX;
	memcpy(ret->kid, kid, strlen(kid) + 1);
	return CRED_OK;
}

static int verify_jws(const struct trust *t, const char *jws_text, size_t jws_len, int64_t now,
		      struct cred *ret, enum cred_status *st)
{
	struct claims cl = { 0 };
	struct sig_verifier *verifier; /* borrowed from the store */
	uint8_t *payload = NULL;
	size_t payload_len;
	struct jws j;
	bool revoked;
	int r;

	r = jws_parse(jws_text, jws_len, &j);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		*st = r == -EPROTO ? CRED_E_SYNTAX : CRED_E_ENCODING;
		return 0;
	}
	*st = check_header(j.header, ret);
	if (*st != CRED_OK)
		goto out;
	r = cred_inflate(j.payload, j.payload_len, 1, &payload, &payload_len);
	if (r == -ENOMEM)
		goto out;
	if (r < 0) {
		*st = CRED_E_INFLATE;
		r = 0;
		goto out;
	}
	*st = load_claims((const char *)payload, payload_len, &cl);
	if (cl.iss && (*st == CRED_OK || *st == CRED_E_SCHEMA)) {
		/* Name the issuer even when a later claim is missing. */
		enum cred_status fs = fill_from_claims(&cl, ret);

		if (*st == CRED_OK)
			*st = fs;
	}
	if (*st != CRED_OK)
		goto out;

	/* The key comes from the claimed issuer's own set, and the issuer must be trusted. */
	if (!trust_shc_iss_valid(cl.iss)) {
		*st = CRED_E_ISSUER_UNKNOWN;
		goto out;
	}
	r = trust_shc_verifier(t, cl.iss, ret->kid, &verifier);
	if (r == -ENOENT || r == -ENOKEY) {
		*st = CRED_E_ISSUER_UNKNOWN;
		r = 0;
		goto out;
	}
	if (r < 0)
		goto out;
	r = sig_verifier_es256(verifier, (const uint8_t *)j.signing_input, j.signing_input_len,
			       j.sig, j.sig_len);
	if (r == -EBADMSG) {
		*st = CRED_E_SIGNATURE_INVALID;
		r = 0;
		goto out;
	}
	if (r < 0)
		goto out;

	/* Validity with CRED_CLOCK_SKEW either way; a card whose exp precedes its nbf never was
	 * valid and reads as expired. */
	if (cl.has_exp && (cl.exp < cl.nbf || now - CRED_CLOCK_SKEW >= cl.exp)) {
		*st = CRED_E_EXPIRED;
		goto out;
	}
	if (now + CRED_CLOCK_SKEW < cl.nbf) {
		*st = CRED_E_NOT_YET_VALID;
		goto out;
	}
	if (cl.rid[0]) {
		r = trust_shc_revoked(t, cl.iss, ret->kid, cl.rid, cl.nbf, &revoked);
		if (r < 0)
			goto out;
		if (revoked) {
			*st = CRED_E_REVOKED;
			goto out;
		}
	}
	*st = parse_bundle(json_object_get(cl.root, "vc"), ret);
out:
	json_decref(cl.root);
	free(payload);
	jws_done(&j);
	return r < 0 ? r : 0;
}

int shc_verify(const struct trust *t, const char *text, size_t len, int64_t now, struct cred *ret,
	       enum cred_status *ret_status)
{
	char *jws = NULL;
	size_t jws_len;
	enum cred_status st;
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->format = CRED_FORMAT_SHC;
	if (len >= 4 && strncmp(text, "shc:", 4) == 0) {
		r = shc_numeric_decode(text, len, &jws, &jws_len);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			*ret_status = CRED_E_ENCODING;
			return 0;
		}
		r = verify_jws(t, jws, jws_len, now, ret, &st);
		free(jws);
	} else {
		r = verify_jws(t, text, len, now, ret, &st);
	}
	if (r < 0)
		return r;
	if (st != CRED_OK) {
		/* Keep only what identifies the signer; no personal data outlives a failure. */
		struct cred keep = { .format = CRED_FORMAT_SHC };

		memcpy(keep.issuer, ret->issuer, sizeof(keep.issuer));
		memcpy(keep.kid, ret->kid, sizeof(keep.kid));
		cred_wipe(ret);
		*ret = keep;
	}
	*ret_status = st;
	return 0;
}
