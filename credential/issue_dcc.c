/* SPDX-License-Identifier: MIT */
/*
 * issue_dcc.c - minting EU DCCs for tests and `passgate issue-test`: struct cred -> hcert v1.3
 * CBOR (libcbor) -> CWT -> COSE_Sign1 tag 18, ES256, protected {1: -7, 4: kid} -> zlib ->
 * Base45 -> "HC1:" (hcert §3, the same steps dcc.c undoes).
 *
 * Never used on the verification path. Fields the record does not hold get fixed,
 * recognisable values (issuer "passgate test issuer", vaccine prophylaxis J07BX03). zlib's
 * compressor is used here only; the verification side inflates in inflate.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cbor.h>
#include <zlib.h>

#include "credential/base45.h"
#include "credential/cose.h"
#include "credential/issue.h"
#include "credential/sig.h"

#define TEST_ISSUER "passgate test issuer"
#define COVID_19    "840539006"

/* Add text pair @key: @value to @map; false on allocation failure. */
static bool put_str(cbor_item_t *map, const char *key, const char *value)
{
	return cbor_map_add(map,
			    (struct cbor_pair){ .key = cbor_move(cbor_build_string(key)),
						.value = cbor_move(cbor_build_string(value)) });
}

static bool put_uint(cbor_item_t *map, const char *key, unsigned value)
{
	return cbor_map_add(map,
			    (struct cbor_pair){ .key = cbor_move(cbor_build_string(key)),
						.value = cbor_move(cbor_build_uint32(value)) });
}

static bool put_item(cbor_item_t *map, cbor_item_t *key, cbor_item_t *value)
{
	return cbor_map_add(map,
			    (struct cbor_pair){ .key = cbor_move(key), .value = cbor_move(value) });
}

static cbor_item_t *build_int(int64_t v)
{
	return v >= 0 ? cbor_build_uint64((uint64_t)v) : cbor_build_negint64((uint64_t)(-1 - v));
}

/* The ICAO 9303 style transliteration of an ASCII name: upper case, others as '<'. Names with
 * other letters should come with their own fnt/gnt (struct cred family_std, given_std). */
static void icao(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < size; i++) {
		char ch = in[i];

		if (ch >= 'a' && ch <= 'z')
			out[i] = (char)(ch - 'a' + 'A');
		else if (ch >= 'A' && ch <= 'Z')
			out[i] = ch;
		else
			out[i] = '<';
	}
	out[i] = '\0';
}

static void iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		memset(&tm, 0, sizeof(tm));
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static cbor_item_t *entry(const struct cred *c, const char *country, const char **group)
{
	cbor_item_t *e = cbor_new_indefinite_map();
	char ci[CRED_ID_MAX], sc[32];
	bool ok = true;

	if (!e)
		return NULL;
	if (c->cert_id[0])
		snprintf(ci, sizeof(ci), "%s", c->cert_id);
	else
		snprintf(ci, sizeof(ci), "URN:UVCI:01:%s:PASSGATE-TEST", country);
	if (c->n_doses) {
		/* A DCC states only the latest dose, with its number (hcert v1.3 `dn`). */
		const struct cred_dose *d = &c->doses[c->n_doses - 1];

		*group = "v";
		ok = put_str(e, "tg", d->target[0] ? d->target : COVID_19) &&
		     put_str(e, "vp", "J07BX03") && put_str(e, "mp", d->product) &&
		     put_str(e, "ma", "") && put_uint(e, "dn", d->number ? d->number : 1) &&
		     put_uint(e, "sd",
			      d->series_total ? d->series_total : (d->number ? d->number : 1)) &&
		     put_str(e, "dt", d->date);
	} else if (c->n_tests) {
		const struct cred_test *t = &c->tests[0];
		const char *tt = t->type_code, *tr = t->result_code;

		if (!tt[0])
			tt = t->kind == CRED_TEST_ANTIGEN_RAPID ? "LP217198-3" : "LP6464-4";
		if (!tr[0])
			tr = t->result == CRED_RESULT_POSITIVE ? "260373001" : "260415000";
		iso_time(t->collected, sc);
		*group = "t";
		ok = put_str(e, "tg", COVID_19) && put_str(e, "tt", tt) && put_str(e, "sc", sc) &&
		     put_str(e, "tr", tr) && put_str(e, "tc", "passgate test centre");
	} else if (c->n_recoveries) {
		const struct cred_recovery *r = &c->recoveries[0];

		*group = "r";
		ok = put_str(e, "tg", COVID_19) && put_str(e, "fr", r->first_positive) &&
		     put_str(e, "df", r->valid_from) && put_str(e, "du", r->valid_until);
	} else {
		cbor_decref(&e);
		return NULL;
	}
	ok = ok && put_str(e, "co", country) && put_str(e, "is", TEST_ISSUER) &&
	     put_str(e, "ci", ci);
	if (!ok)
		cbor_decref(&e);
	return e;
}

/* The CWT claims: {1: iss, 4: exp, 6: iat, -260: {1: dgc}}, serialized. */
static int build_cwt(const char *country, const struct cred *c, int64_t iat, int64_t exp,
		     uint8_t **ret, size_t *ret_len)
{
	cbor_item_t *claims, *hcert, *dgc, *nam, *arr, *e;
	char fnt[CRED_NAME_MAX], gnt[CRED_NAME_MAX];
	const char *group = NULL;
	unsigned char *buf = NULL;
	size_t size = 0, n;
	bool ok;

	e = entry(c, country, &group);
	if (!e)
		return c->n_doses || c->n_tests || c->n_recoveries ? -ENOMEM : -EINVAL;
	claims = cbor_new_definite_map(4);
	hcert = cbor_new_definite_map(1);
	dgc = cbor_new_definite_map(4);
	nam = cbor_new_definite_map(4);
	arr = cbor_new_definite_array(1);
	if (c->family_std[0])
		snprintf(fnt, sizeof(fnt), "%s", c->family_std);
	else
		icao(c->family, fnt, sizeof(fnt));
	if (c->given_std[0])
		snprintf(gnt, sizeof(gnt), "%s", c->given_std);
	else
		icao(c->given, gnt, sizeof(gnt));
	ok = claims && hcert && dgc && nam && arr && cbor_array_push(arr, e) &&
	     put_str(nam, "fn", c->family) && put_str(nam, "fnt", fnt) &&
	     (!c->given[0] || (put_str(nam, "gn", c->given) && put_str(nam, "gnt", gnt))) &&
	     put_str(dgc, "ver", "1.3.0") &&
	     put_item(dgc, cbor_build_string("nam"), cbor_incref(nam)) &&
	     put_str(dgc, "dob", c->dob) &&
	     put_item(dgc, cbor_build_string(group), cbor_incref(arr)) &&
	     put_item(hcert, cbor_build_uint8(1), cbor_incref(dgc)) &&
	     put_item(claims, cbor_build_uint8(1), cbor_build_string(country)) &&
	     put_item(claims, cbor_build_uint8(4), build_int(exp)) &&
	     put_item(claims, cbor_build_uint8(6), build_int(iat)) &&
	     put_item(claims, cbor_build_negint16(259), cbor_incref(hcert));
	n = ok ? cbor_serialize_alloc(claims, &buf, &size) : 0;
	cbor_decref(&e);
	if (arr)
		cbor_decref(&arr);
	if (nam)
		cbor_decref(&nam);
	if (dgc)
		cbor_decref(&dgc);
	if (hcert)
		cbor_decref(&hcert);
	if (claims)
		cbor_decref(&claims);
	if (!n) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	*ret_len = n;
	return 0;
}

int issue_dcc(const struct sig_key *key, const uint8_t kid[8], const char *country,
	      const struct cred *c, int64_t iat, int64_t exp, char **ret_text)
{
	uint8_t protected_hdr[13] = { 0xa2, 0x01, 0x26, 0x04, 0x48 }; /* {1: -7, 4: h'kid'} */
	uint8_t *cwt = NULL, *tbs = NULL, *cose = NULL, *z = NULL, sig[64];
	size_t cwt_len, tbs_len, cose_len;
	uLongf z_len;
	char *b45 = NULL, *text;
	int r;

	if (!key || !kid || !country || strlen(country) != 2 || !c)
		return -EINVAL;
	memcpy(protected_hdr + 5, kid, 8);
	r = build_cwt(country, c, iat, exp, &cwt, &cwt_len);
	if (r < 0)
		return r;
	r = cose_sig_structure(protected_hdr, sizeof(protected_hdr), cwt, cwt_len, &tbs, &tbs_len);
	if (r < 0)
		goto done;
	r = sig_sign_es256(key, tbs, tbs_len, sig);
	if (r < 0)
		goto done;
	r = cose_sign1_encode(protected_hdr, sizeof(protected_hdr), cwt, cwt_len, sig, sizeof(sig),
			      &cose, &cose_len);
	if (r < 0)
		goto done;
	z_len = compressBound((uLong)cose_len);
	z = malloc(z_len);
	r = -ENOMEM;
	if (!z)
		goto done;
	r = -EIO;
	if (compress2(z, &z_len, cose, (uLong)cose_len, Z_BEST_COMPRESSION) != Z_OK)
		goto done;
	r = base45_encode(z, z_len, &b45);
	if (r < 0)
		goto done;
	text = malloc(strlen(b45) + 5);
	r = -ENOMEM;
	if (!text)
		goto done;
	memcpy(text, "HC1:", 4);
	strcpy(text + 4, b45);
	*ret_text = text;
	r = 0;
done:
	free(b45);
	free(z);
	free(cose);
	free(tbs);
	free(cwt);
	explicit_bzero(sig, sizeof(sig));
	return r;
}
