/* SPDX-License-Identifier: MIT */
/*
 * hcert.c - CWT claims (RFC 8392 §3.1) and hcert v1.3 content ("Electronic Health Certificate
 * Specification" §2.6, DCC JSON schema 1.3) into struct cred.
 *
 * Two kinds of failure are told apart. Syntax: the CWT is not a bounded, well-formed CBOR map,
 * or a registered claim has the wrong type (iss not text, exp/iat not a number). Schema: the
 * CWT is fine but does not carry a DCC we understand; the checks follow the JSON schema where
 * the corpus and the normalized record need them, and the policy is in docs/credentials-dcc.md.
 * Every string is copied into the fixed fields of struct cred; a value longer than its field
 * is a schema error, never truncated, so a code cannot change meaning on the way.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cbor.h>

#include "credential/cbor_bounds.h"
#include "credential/hcert.h"
#include "credential/isotime.h"
#include "credential/sig.h"
#include "credential/vaccines.h"

#define CWT_ISS		1
#define CWT_EXP		4
#define CWT_IAT		6
#define CWT_HCERT	(-260)
#define HCERT_EU_DGC_V1 1

/* Codes of PROGRAMS.md, "Test kinds and result codes" (value sets 2.12.0). */
#define TT_NAAT "LP6464-4"
#define TT_RAT	"LP217198-3"
#define TR_NEG	"260415000"
#define TR_POS	"260373001"

/* Map a schema or syntax failure onto the status and stop. */
#define SCHEMA (-1)

static bool isa_int(const cbor_item_t *item)
{
	return cbor_isa_uint(item) || cbor_isa_negint(item);
}

static bool int_value(const cbor_item_t *item, int64_t *ret)
{
	uint64_t v;

	if (!isa_int(item))
		return false;
	v = cbor_get_int(item);
	if (v > INT64_MAX)
		return false;
	*ret = cbor_isa_uint(item) ? (int64_t)v : -1 - (int64_t)v;
	return true;
}

/* A NumericDate (RFC 8392 §2): an integer or a float, as whole seconds. */
static bool numeric_date(const cbor_item_t *item, int64_t *ret)
{
	double d;

	if (int_value(item, ret))
		return true;
	if (!cbor_isa_float_ctrl(item) || cbor_float_ctrl_is_ctrl(item))
		return false;
	d = cbor_float_get_float(item);
	if (!isfinite(d) || d < -9e15 || d > 9e15)
		return false;
	*ret = (int64_t)d;
	if ((double)*ret > d)
		(*ret)--; /* floor, without libm */
	return true;
}

/* libcbor 0.8's cbor_is_null() asserts on floats (cbor_ctrl_value() wants width 0): check the
 * width first. Found by fuzz_cose. */
static bool is_null(const cbor_item_t *v)
{
	return cbor_isa_float_ctrl(v) && cbor_float_get_width(v) == CBOR_FLOAT_0 &&
	       cbor_ctrl_value(v) == CBOR_CTRL_NULL;
}

/* @v without a date tag around it: 0 (date-time string, RFC 8949 §3.4.1) or 1004 (full-date,
 * RFC 8943), which some issuers put on sc and dt; NULL for null. */
static const cbor_item_t *untag(const cbor_item_t *v)
{
	if (cbor_isa_tag(v) && (cbor_tag_value(v) == 0 || cbor_tag_value(v) == 1004)) {
		cbor_item_t *inner = cbor_tag_item(v), *ref = inner;

		/* The tag keeps its item alive: drop the reference cbor_tag_item() added and
		 * borrow from the tree like every other lookup here. */
		cbor_decref(&ref);
		v = inner;
	}
	return is_null(v) ? NULL : v;
}

static const cbor_item_t *get(const cbor_item_t *map, const char *key);

/* Does map @map repeat a key (text or integer)? RFC 8949 §5.6 makes such a map invalid, and
 * accepting it would let this parser read a different value than the issuer's did. */
static bool duplicate_keys(const cbor_item_t *map)
{
	struct cbor_pair *pairs = cbor_map_handle(map);
	size_t n = cbor_map_size(map);

	for (size_t i = 0; i < n; i++) {
		const cbor_item_t *a = pairs[i].key;
		int64_t x, y;

		for (size_t j = i + 1; j < n; j++) {
			const cbor_item_t *b = pairs[j].key;

			if (cbor_isa_string(a) && cbor_isa_string(b) &&
			    cbor_string_is_definite(a) && cbor_string_is_definite(b) &&
			    cbor_string_length(a) == cbor_string_length(b) &&
			    !memcmp(cbor_string_handle(a), cbor_string_handle(b),
				    cbor_string_length(a)))
				return true;
			if (int_value(a, &x) && int_value(b, &y) && x == y)
				return true;
		}
	}
	return false;
}

/* The maps this file reads: the claims, the hcert claim, the DCC, its name and every entry of
 * v, t and r. */
static bool any_duplicate_keys(const cbor_item_t *claims, const cbor_item_t *hcert,
			       const cbor_item_t *eu)
{
	static const char *const groups[] = { "v", "t", "r" };
	const cbor_item_t *nam;

	if (duplicate_keys(claims) || (hcert && duplicate_keys(hcert)) ||
	    (eu && duplicate_keys(eu)))
		return true;
	if (!eu)
		return false;
	nam = get(eu, "nam");
	if (nam && cbor_isa_map(nam) && duplicate_keys(nam))
		return true;
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		const cbor_item_t *arr = get(eu, groups[g]);

		if (!arr || !cbor_isa_array(arr))
			continue;
		for (size_t i = 0; i < cbor_array_size(arr); i++) {
			const cbor_item_t *e = cbor_array_handle(arr)[i];

			if (cbor_isa_map(e) && duplicate_keys(e))
				return true;
		}
	}
	return false;
}

/* The value for text key @key in map @map, or NULL. A null value counts as absent: some
 * issuers write "t": null beside "v": [...] (quirk, docs/credentials-dcc.md). */
static const cbor_item_t *get(const cbor_item_t *map, const char *key)
{
	struct cbor_pair *pairs = cbor_map_handle(map);
	size_t n = cbor_map_size(map), klen = strlen(key);

	for (size_t i = 0; i < n; i++) {
		const cbor_item_t *k = pairs[i].key;

		if (cbor_isa_string(k) && cbor_string_is_definite(k) &&
		    cbor_string_length(k) == klen && !memcmp(cbor_string_handle(k), key, klen))
			return untag(pairs[i].value);
	}
	return NULL;
}

/* Copy text field @key into @out (@size bytes with NUL). Missing: "" and 0 unless @required
 * (SCHEMA). Not a definite text string, too long, or holding a NUL: SCHEMA. */
static int get_str(const cbor_item_t *map, const char *key, bool required, char *out, size_t size)
{
	const cbor_item_t *v = get(map, key);
	size_t n;

	if (out && size)
		out[0] = '\0';
	if (!v)
		return required ? SCHEMA : 0;
	if (!cbor_isa_string(v) || !cbor_string_is_definite(v))
		return SCHEMA;
	n = cbor_string_length(v);
	if (!out)
		return 0;
	if (n >= size || memchr(cbor_string_handle(v), '\0', n))
		return SCHEMA;
	memcpy(out, cbor_string_handle(v), n);
	out[n] = '\0';
	return 0;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* A full date YYYY-MM-DD, optionally followed by a time ("T..."), which is cut off (quirk:
 * some issuers write dates as date-times). */
static int check_date(char *s)
{
	if (strlen(s) < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || (s[10] && s[10] != 'T'))
		return SCHEMA;
	s[10] = '\0';
	return 0;
}

/* Birth date (schema 1.3 "dob"): empty, YYYY, YYYY-MM or YYYY-MM-DD, year 1900..2099; a
 * trailing time is cut off as in check_date(). */
static int check_dob(char *s)
{
	size_t n;

	if (!s[0])
		return 0;
	if (strlen(s) > 10 && s[10] == 'T')
		s[10] = '\0';
	n = strlen(s);
	if (n < 4 || !digits(s, 4) || (strncmp(s, "19", 2) && strncmp(s, "20", 2)))
		return SCHEMA;
	if (n == 4)
		return 0;
	if (s[4] != '-' || n < 7 || !digits(s + 5, 2))
		return SCHEMA;
	if (n == 7)
		return 0;
	if (n != 10 || s[7] != '-' || !digits(s + 8, 2))
		return SCHEMA;
	return 0;
}

int hcert_parse_datetime(const char *s, int64_t *ret)
{
	int64_t ms;
	int r = isotime_scan(s, 0, &ms);

	/*
	 * Unlike isotime_parse(): the schema's date-time has seconds, so a date or "Thh:mm" is
	 * refused; and a date-time without an offset is read as UTC, as issuers write "sc" that
	 * way (hcert.h).
	 */
	if (r < 0 || !(r & ISOTIME_SECONDS))
		return -EINVAL;
	*ret = isotime_floor_div(ms, 1000);
	return 0;
}

/*
 * The entry of group @key ("v", "t" or "r") that the record keeps, or NULL when the group is
 * absent. Schema 1.3 allows exactly one entry; earlier versions allowed more and some issuers
 * wrote a whole vaccination history (RO, SK): then the latest entry counts (the highest dn,
 * else the latest dt / sc / fr string, which compare in ISO 8601 order), as a DCC states
 * only its last event (cred.h).
 */
static const cbor_item_t *field(const cbor_item_t *e, const char *key)
{
	const cbor_item_t *v = get(e, key);

	return v && cbor_isa_string(v) && cbor_string_is_definite(v) ? v : NULL;
}

static int later(const cbor_item_t *a, const cbor_item_t *b)
{
	static const char *const keys[] = { "dt", "sc", "fr" };
	const cbor_item_t *x = get(a, "dn"), *y = get(b, "dn");

	if (x && y && cbor_isa_uint(x) && cbor_isa_uint(y) && cbor_get_int(x) != cbor_get_int(y))
		return cbor_get_int(x) > cbor_get_int(y);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const cbor_item_t *s = field(a, keys[i]), *t = field(b, keys[i]);
		size_t n;
		int c;

		if (!s || !t)
			continue;
		n = cbor_string_length(s) < cbor_string_length(t) ? cbor_string_length(s)
								  : cbor_string_length(t);
		c = memcmp(cbor_string_handle(s), cbor_string_handle(t), n);
		if (c)
			return c > 0;
	}
	return 0;
}

static int one_entry(const cbor_item_t *dgc, const char *key, const cbor_item_t **ret)
{
	const cbor_item_t *arr = get(dgc, key);
	cbor_item_t **items;
	size_t n;

	*ret = NULL;
	if (!arr)
		return 0;
	if (!cbor_isa_array(arr) || cbor_array_size(arr) < 1)
		return SCHEMA;
	items = cbor_array_handle(arr);
	n = cbor_array_size(arr);
	for (size_t i = 0; i < n; i++) {
		if (!cbor_isa_map(items[i]))
			return SCHEMA;
		if (!*ret || later(items[i], *ret))
			*ret = items[i];
	}
	return 0;
}

static int get_uint(const cbor_item_t *map, const char *key, unsigned min, unsigned *ret)
{
	const cbor_item_t *v = get(map, key);
	int64_t n;

	if (!v || !int_value(v, &n) || n < min || n > 1000)
		return SCHEMA;
	*ret = (unsigned)n;
	return 0;
}

/* Fields every entry has (schema 1.3): tg, co, is, ci. */
static int common_fields(const cbor_item_t *e, char *target, struct cred *c)
{
	char country[CRED_CODE_MAX];

	if (get_str(e, "tg", true, target, CRED_CODE_MAX) < 0 ||
	    get_str(e, "co", true, country, sizeof(country)) < 0 ||
	    get_str(e, "is", true, NULL, 0) < 0 ||
	    get_str(e, "ci", true, c->cert_id, sizeof(c->cert_id)) < 0)
		return SCHEMA;
	return 0;
}

/* A date field into @out: YYYY-MM-DD, or a date-time with an offset kept whole so that the
 * rules take its local date in the venue's zone; any other trailing time is cut off
 * (cred_date_copy()). */
static int get_date(const cbor_item_t *map, const char *key, char out[CRED_DATETIME_MAX])
{
	char buf[40], day[40];

	if (get_str(map, key, true, buf, sizeof(buf)) < 0)
		return SCHEMA;
	memcpy(day, buf, sizeof(day));
	if (check_date(day) < 0 || cred_date_copy(buf, out) < 0)
		return SCHEMA;
	return 0;
}

static int vaccination(const cbor_item_t *e, struct cred *c)
{
	struct cred_dose *d = &c->doses[0];
	char vp[CRED_CODE_MAX];

	if (common_fields(e, d->target, c) < 0 || get_str(e, "vp", true, vp, sizeof(vp)) < 0 ||
	    get_str(e, "mp", true, d->product, sizeof(d->product)) < 0 ||
	    get_str(e, "ma", true, NULL, 0) < 0 || get_uint(e, "dn", 0, &d->number) < 0 ||
	    get_uint(e, "sd", 0, &d->series_total) < 0 || get_date(e, "dt", d->date) < 0)
		return SCHEMA;
	d->covid19 = cred_vaccine_dcc_covid19(d->target, vp);
	c->n_doses = 1;
	return 0;
}

static int test(const cbor_item_t *e, struct cred *c)
{
	struct cred_test *t = &c->tests[0];
	char target[CRED_CODE_MAX], sc[64];

	if (common_fields(e, target, c) < 0 ||
	    get_str(e, "tt", true, t->type_code, sizeof(t->type_code)) < 0 ||
	    get_str(e, "tr", true, t->result_code, sizeof(t->result_code)) < 0 ||
	    get_str(e, "sc", true, sc, sizeof(sc)) < 0 ||
	    hcert_parse_datetime(sc, &t->collected) < 0 || get_str(e, "nm", false, NULL, 0) < 0 ||
	    get_str(e, "ma", false, NULL, 0) < 0 || get_str(e, "tc", false, NULL, 0) < 0)
		return SCHEMA;
	if (!strcmp(t->type_code, TT_NAAT))
		t->kind = CRED_TEST_PCR;
	else if (!strcmp(t->type_code, TT_RAT))
		t->kind = CRED_TEST_ANTIGEN_RAPID;
	else
		t->kind = CRED_TEST_UNKNOWN;
	if (!strcmp(t->result_code, TR_NEG))
		t->result = CRED_RESULT_NEGATIVE;
	else if (!strcmp(t->result_code, TR_POS))
		t->result = CRED_RESULT_POSITIVE;
	else
		t->result = CRED_RESULT_UNKNOWN;
	c->n_tests = 1;
	return 0;
}

static int recovery(const cbor_item_t *e, struct cred *c)
{
	struct cred_recovery *r = &c->recoveries[0];
	char target[CRED_CODE_MAX];

	if (common_fields(e, target, c) < 0 || get_date(e, "fr", r->first_positive) < 0 ||
	    get_date(e, "df", r->valid_from) < 0 || get_date(e, "du", r->valid_until) < 0)
		return SCHEMA;
	c->n_recoveries = 1;
	return 0;
}

/* The DCC map (hcert v1.3 content). */
static int dgc(const cbor_item_t *m, struct cred *c)
{
	const cbor_item_t *nam, *v, *t, *r;
	char dob[40];

	if (get_str(m, "ver", true, NULL, 0) < 0)
		return SCHEMA;
	nam = get(m, "nam");
	if (!nam || !cbor_isa_map(nam) ||
	    get_str(nam, "fn", false, c->family, sizeof(c->family)) < 0 ||
	    get_str(nam, "gn", false, c->given, sizeof(c->given)) < 0 ||
	    get_str(nam, "fnt", true, c->family_std, sizeof(c->family_std)) < 0 ||
	    get_str(nam, "gnt", false, c->given_std, sizeof(c->given_std)) < 0)
		return SCHEMA;
	/* A given name without its ICAO 9303 transliteration cannot be compared with a travel
	 * document (schema 1.3 makes fnt mandatory; the NL corpus extends it to gnt). */
	if (!c->family_std[0] || (c->given[0] && !c->given_std[0]))
		return SCHEMA;
	if (get_str(m, "dob", true, dob, sizeof(dob)) < 0 || check_dob(dob) < 0)
		return SCHEMA;
	memcpy(c->dob, dob, CRED_DATE_MAX);

	/* Exactly one of v, t, r (hcert §2.6.3: one certificate per DCC). */
	if (one_entry(m, "v", &v) < 0 || one_entry(m, "t", &t) < 0 || one_entry(m, "r", &r) < 0)
		return SCHEMA;
	if (!!v + !!t + !!r != 1)
		return SCHEMA;
	if (v)
		return vaccination(v, c);
	if (t)
		return test(t, c);
	return recovery(r, c);
}

/* A birth date after the day of issuance is not a person's (the NL corpus marks it invalid). */
static int dob_after_issuance(const struct cred *c)
{
	char day[16];
	time_t tt;
	struct tm tm;

	if (!c->dob[0] || c->issued_at <= 0)
		return 0;
	tt = (time_t)c->issued_at;
	if (!gmtime_r(&tt, &tm) || strftime(day, sizeof(day), "%Y-%m-%d", &tm) != 10)
		return 0;
	return strncmp(c->dob, day, strlen(c->dob)) > 0 ? SCHEMA : 0;
}

int hcert_parse(const uint8_t *cwt, size_t len, struct cred *c, unsigned *ret_usage,
		enum cred_status *ret_status)
{
	struct cbor_load_result res;
	cbor_item_t *root;
	const cbor_item_t *hcert = NULL, *eu = NULL;
	struct cbor_pair *pairs;
	size_t used, n;
	int r;

	cred_wipe(c);
	if (ret_usage)
		*ret_usage = 0;
	*ret_status = CRED_E_SYNTAX;
	if (cbor_bounds_check(cwt, len, &used) < 0 || used != len)
		return 0;
	root = cbor_load(cwt, len, &res);
	if (!root)
		return res.error.code == CBOR_ERR_MEMERROR ? -ENOMEM : 0;
	if (!cbor_isa_map(root))
		goto done_root;

	pairs = cbor_map_handle(root);
	n = cbor_map_size(root);
	for (size_t i = 0; i < n; i++) {
		const cbor_item_t *v = pairs[i].value;
		int64_t label;

		if (!int_value(pairs[i].key, &label))
			continue;
		switch (label) {
		case CWT_ISS:
			if (!cbor_isa_string(v) || !cbor_string_is_definite(v) ||
			    cbor_string_length(v) >= sizeof(c->issuer) ||
			    memchr(cbor_string_handle(v), '\0', cbor_string_length(v)))
				goto done_root;
			memcpy(c->issuer, cbor_string_handle(v), cbor_string_length(v));
			c->issuer[cbor_string_length(v)] = '\0';
			break;
		case CWT_EXP:
			if (!numeric_date(v, &c->expires_at))
				goto done_root;
			break;
		case CWT_IAT:
			if (!numeric_date(v, &c->issued_at))
				goto done_root;
			break;
		case CWT_HCERT:
			hcert = v;
			break;
		default:
			break;
		}
	}

	/* Present but not a map is a broken structure (syntax); absent is a CWT that is not a
	 * DCC (schema). */
	*ret_status = CRED_E_SCHEMA;
	if (!hcert)
		goto done_root;
	*ret_status = CRED_E_SYNTAX;
	if (!cbor_isa_map(hcert))
		goto done_root;
	pairs = cbor_map_handle(hcert);
	n = cbor_map_size(hcert);
	for (size_t i = 0; i < n; i++) {
		int64_t label;

		if (int_value(pairs[i].key, &label) && label == HCERT_EU_DGC_V1)
			eu = pairs[i].value;
	}
	*ret_status = CRED_E_SCHEMA;
	if (!eu)
		goto done_root;
	*ret_status = CRED_E_SYNTAX;
	if (!cbor_isa_map(eu) || any_duplicate_keys(root, hcert, eu))
		goto done_root;
	*ret_status = CRED_E_SCHEMA;
	if (ret_usage)
		*ret_usage = (get(eu, "v") ? SIG_USAGE_VACCINATION : 0u) |
			     (get(eu, "t") ? SIG_USAGE_TEST : 0u) |
			     (get(eu, "r") ? SIG_USAGE_RECOVERY : 0u);
	r = dgc(eu, c);
	if (r == 0)
		r = dob_after_issuance(c);
	if (r == 0)
		*ret_status = CRED_OK;

done_root:
	cbor_decref(&root);
	if (*ret_status != CRED_OK) {
		/* Keep the issuer and the validity period; nothing personal from a refused
		 * credential. */
		char issuer[CRED_ISSUER_MAX];
		int64_t iat = c->issued_at, exp = c->expires_at;

		memcpy(issuer, c->issuer, sizeof(issuer));
		cred_wipe(c);
		memcpy(c->issuer, issuer, sizeof(issuer));
		c->issued_at = iat;
		c->expires_at = exp;
	}
	return 0;
}
