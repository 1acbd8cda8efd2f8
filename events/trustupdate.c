/* SPDX-License-Identifier: MIT */
/*
 * trustupdate.c - the city's trust list update body (format in trustupdate.h): the kiosk's
 * all-or-nothing import, and the city's builder that checks each input as a kiosk will.
 *
 * The body arrives from the network after its signature was checked; it is still bounded
 * (size, nesting, member counts) before it is parsed, because a city key is not a licence to
 * exhaust a kiosk. The import order is fixed: issuer key sets, DCC signers, SHC CRLs (which
 * refer to the keys), DCC revocation batches.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "credential/b64url.h"
#include "credential/dsclist.h"
#include "credential/json_bounds.h"
#include "credential/sig.h"
#include "credential/trust.h"
#include "credential/trust_default.h"
#include "events/receiptkeys.h"
#include "events/trustupdate.h"

#define BODY_MAX_DEPTH 16
#define BODY_MAX_ARRAY 100000 /* the longest array is a CRL's rids */
#define PEM_BEGIN      "-----BEGIN"

struct trustupdate {
	struct trust *scratch; /* everything added so far, as a kiosk would hold it */
	json_t *jwks;	       /* iss -> key set object (with "iss") */
	json_t *certs, *crls, *revocations;
	json_t *receipt_keys; /* NULL until the first receipt key: then the complete list */
};

/* ---- the kiosk: import ---- */

static int import_cert(struct trust *t, const char *s)
{
	uint8_t *der;
	size_t n;
	int r;

	if (!strncmp(s, PEM_BEGIN, strlen(PEM_BEGIN)))
		return trust_import_cert(t, (const uint8_t *)s, strlen(s));
	if (strlen(s) > (DSCLIST_MAX_DER + 2) / 3 * 4)
		return -EINVAL;
	der = malloc(DSCLIST_MAX_DER);
	if (!der)
		return -ENOMEM;
	r = b64std_decode_buf(s, strlen(s), der, DSCLIST_MAX_DER, &n);
	r = r < 0 || n == 0 ? -EINVAL : trust_import_cert(t, der, n);
	free(der);
	return r;
}

/* One member's objects, dumped and handed to @fn with their "iss". */
static int import_each(struct trust *t, json_t *arr, bool is_crl, struct trustupdate_counts *c)
{
	json_t *v;
	size_t i;
	int r;

	json_array_foreach(arr, i, v)
	{
		const char *iss = json_string_value(json_object_get(v, "iss"));
		char *text = json_is_object(v) ? json_dumps(v, JSON_COMPACT) : NULL;

		if (!iss || !text)
			r = text || !json_is_object(v) ? -EBADMSG : -ENOMEM;
		else if (is_crl)
			r = trust_import_crl(t, iss, text, strlen(text));
		else
			r = trust_import_jwks(t, iss, text, strlen(text));
		free(text);
		if (is_crl && r == -ENOENT) {
			c->crls_skipped++; /* a key this kiosk does not trust: nothing to revoke */
			continue;
		}
		if (r < 0)
			return r;
		if (is_crl)
			c->crls++;
		else
			c->jwks++;
	}
	return 0;
}

static int import_all(struct trust *t, json_t *root, struct trustupdate_counts *c)
{
	json_t *certs = json_object_get(root, "certs"), *rev, *v;
	size_t i, n;
	int r;

	r = import_each(t, json_object_get(root, "jwks"), false, c);
	json_array_foreach(certs, i, v)
	{
		if (r < 0)
			break;
		r = json_is_string(v) ? import_cert(t, json_string_value(v)) : -EBADMSG;
		if (r >= 0)
			c->certs++;
	}
	if (r >= 0)
		r = import_each(t, json_object_get(root, "crls"), true, c);
	rev = json_object_get(root, "dcc_revocations");
	if (r >= 0 && json_array_size(rev) > 0) {
		char *text = json_dumps(rev, JSON_COMPACT);

		r = text ? trust_import_dcc_revocation(t, text, strlen(text), &n) : -ENOMEM;
		if (r >= 0)
			c->dcc_revocations = n;
		free(text);
	}
	return r;
}

static bool member_ok(json_t *root, const char *name, size_t max)
{
	json_t *v = json_object_get(root, name);

	return !v || (json_is_array(v) && json_array_size(v) <= max);
}

int trustupdate_import(struct trust *t, const uint8_t *body, size_t len,
		       struct trustupdate_counts *ret)
{
	struct trustupdate_counts c = { 0 };
	struct trust *copy = NULL;
	json_t *root;
	int r;

	if (len == 0 || len > TRUSTUPDATE_BODY_MAX ||
	    json_bounds_check((const char *)body, len, BODY_MAX_DEPTH, BODY_MAX_ARRAY) < 0)
		return -EBADMSG;
	root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root) || !member_ok(root, "jwks", TRUSTUPDATE_MAX_JWKS) ||
	    !member_ok(root, "certs", TRUSTUPDATE_MAX_CERTS) ||
	    !member_ok(root, "crls", TRUSTUPDATE_MAX_CRLS) ||
	    !member_ok(root, "dcc_revocations", TRUSTUPDATE_MAX_BATCHES)) {
		json_decref(root);
		return -EBADMSG;
	}
	r = trust_copy(t, &copy);
	if (r >= 0)
		r = import_all(copy, root, &c);
	json_decref(root);
	if (r < 0) {
		trust_free(copy);
		return r;
	}
	trust_replace(t, copy);
	if (ret)
		*ret = c;
	return 0;
}

/* ---- the city: build ---- */

int trustupdate_new(struct trustupdate **ret)
{
	struct trustupdate *u;
	int r;

	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->jwks = json_object();
	u->certs = json_array();
	u->crls = json_array();
	u->revocations = json_array();
	r = u->jwks && u->certs && u->crls && u->revocations ? 0 : -ENOMEM;
	if (r >= 0)
		r = trust_open(NULL, &u->scratch);
	/* CRLs may name the built-in issuer's keys, which every kiosk holds by default. */
	if (r >= 0)
		r = trust_add_default(u->scratch);
	if (r < 0) {
		trustupdate_free(u);
		return r;
	}
	*ret = u;
	return 0;
}

void trustupdate_free(struct trustupdate *u)
{
	if (!u)
		return;
	trust_free(u->scratch);
	json_decref(u->jwks);
	json_decref(u->certs);
	json_decref(u->crls);
	json_decref(u->revocations);
	json_decref(u->receipt_keys);
	free(u);
}

int trustupdate_add_jwks(struct trustupdate *u, const char *iss, const char *json, size_t len)
{
	json_t *set;
	int r;

	r = trust_import_jwks(u->scratch, iss, json, len);
	if (r < 0)
		return r;
	set = json_loadb(json, len, 0, NULL);
	if (!set || json_object_set_new(set, "iss", json_string(iss)) < 0 ||
	    json_object_set(u->jwks, iss, set) < 0) {
		json_decref(set);
		return -ENOMEM;
	}
	json_decref(set);
	return json_object_size(u->jwks) > TRUSTUPDATE_MAX_JWKS ? -E2BIG : 0;
}

static int add_der(struct trustupdate *u, const uint8_t *der, size_t len)
{
	char *b64;
	int r;

	if (json_array_size(u->certs) >= TRUSTUPDATE_MAX_CERTS)
		return -E2BIG;
	r = trust_import_cert(u->scratch, der, len);
	if (r < 0)
		return r;
	b64 = malloc((len + 2) / 3 * 4 + 1);
	if (!b64)
		return -ENOMEM;
	b64std_encode_buf(der, len, b64, (len + 2) / 3 * 4 + 1);
	r = json_array_append_new(u->certs, json_string(b64)) < 0 ? -ENOMEM : 0;
	free(b64);
	return r;
}

int trustupdate_add_cert(struct trustupdate *u, const uint8_t *data, size_t len)
{
	struct sig_cert_info info;
	uint8_t *der;
	size_t der_len;
	int r;

	r = sig_cert_parse(data, len, &info, NULL, &der, &der_len);
	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	r = der_len <= DSCLIST_MAX_DER ? add_der(u, der, der_len) : -EINVAL;
	free(der);
	return r;
}

static int add_dsc(const struct dsclist_entry *e, void *userdata)
{
	return add_der(userdata, e->der, e->der_len);
}

int trustupdate_add_dsc_list(struct trustupdate *u, const char *json, size_t len, size_t *ret_n,
			     size_t *ret_index, const char **ret_why)
{
	int r = dsclist_parse(json, len, add_dsc, u, ret_index, ret_why);

	if (r >= 0 && ret_n)
		*ret_n = (size_t)r;
	return r < 0 ? r : 0;
}

/* Does the key set @set hold a key @kid? */
static bool set_has_kid(json_t *set, const char *kid)
{
	json_t *k;
	size_t i;

	json_array_foreach(json_object_get(set, "keys"), i, k)
	{
		const char *s = json_string_value(json_object_get(k, "kid"));

		if (s && !strcmp(s, kid))
			return true;
	}
	return false;
}

static const char *find_issuer(const struct trustupdate *u, const char *kid)
{
	static const char *const default_iss = TRUST_DEFAULT_ISS;
	const char *iss, *found = NULL;
	json_t *set, *def;

	json_object_foreach(u->jwks, iss, set)
	{
		if (set_has_kid(set, kid))
			return iss;
	}
	def = json_loadb(trust_default_jwks, trust_default_jwks_len, 0, NULL);
	if (set_has_kid(def, kid))
		found = default_iss;
	json_decref(def);
	return found;
}

int trustupdate_add_crl(struct trustupdate *u, const char *iss, const char *json, size_t len)
{
	json_t *crl;
	int r;

	crl = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(crl) || !json_is_string(json_object_get(crl, "kid"))) {
		json_decref(crl);
		return -EINVAL;
	}
	if (!iss)
		iss = find_issuer(u, json_string_value(json_object_get(crl, "kid")));
	r = iss ? trust_import_crl(u->scratch, iss, json, len) : -ENOENT;
	if (r >= 0 && json_array_size(u->crls) >= TRUSTUPDATE_MAX_CRLS)
		r = -E2BIG;
	if (r >= 0 && (json_object_set_new(crl, "iss", json_string(iss)) < 0 ||
		       json_array_append(u->crls, crl) < 0))
		r = -ENOMEM;
	json_decref(crl);
	return r;
}

int trustupdate_add_dcc_revocation(struct trustupdate *u, const char *json, size_t len,
				   size_t *ret_entries)
{
	json_t *v;
	int r;

	r = trust_import_dcc_revocation(u->scratch, json, len, ret_entries);
	if (r < 0)
		return r;
	v = json_loadb(json, len, 0, NULL);
	if (!v)
		return -ENOMEM;
	r = json_is_array(v) ? json_array_extend(u->revocations, v)
			     : json_array_append(u->revocations, v);
	json_decref(v);
	if (r < 0)
		return -ENOMEM;
	return json_array_size(u->revocations) > TRUSTUPDATE_MAX_BATCHES ? -E2BIG : 0;
}

int trustupdate_body(const struct trustupdate *u, char **ret, size_t *ret_len)
{
	json_t *root = json_object(), *sets = json_array(), *set;
	const char *iss;
	char *text;

	if (!root || !sets) {
		json_decref(root);
		json_decref(sets);
		return -ENOMEM;
	}
	json_object_foreach(u->jwks, iss, set)
	{
		json_array_append(sets, set);
	}
	json_object_set_new(root, "jwks", sets);
	json_object_set(root, "certs", u->certs);
	json_object_set(root, "crls", u->crls);
	json_object_set(root, "dcc_revocations", u->revocations);
	if (u->receipt_keys)
		json_object_set(root, "receipt_keys", u->receipt_keys);
	text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return -ENOMEM;
	if (strlen(text) > TRUSTUPDATE_BODY_MAX) {
		free(text);
		return -E2BIG;
	}
	*ret_len = strlen(text);
	*ret = text;
	return 0;
}

int trustupdate_add_receipt_key(struct trustupdate *u, const char *venue, const char *kiosk,
				const char *key_b64)
{
	struct receiptkeys *check = NULL;
	json_t *entry, *one;
	char *text;
	int r;

	if (!u->receipt_keys && !(u->receipt_keys = json_array()))
		return -ENOMEM;
	entry = json_pack("{s:s,s:s,s:s}", "venue", venue, "kiosk", kiosk, "key", key_b64);
	if (!entry)
		return -EINVAL;
	/* Checked as a kiosk reads it (receiptkeys.h): ids, the key's length, no duplicate. */
	one = json_pack("{s:o}", "receipt_keys", json_deep_copy(u->receipt_keys));
	r = one && json_array_append(json_object_get(one, "receipt_keys"), entry) == 0 ? 0
										       : -ENOMEM;
	text = r >= 0 ? json_dumps(one, JSON_COMPACT) : NULL;
	if (r >= 0)
		r = text && receiptkeys_new(&check) >= 0 ? 0 : -ENOMEM;
	if (r >= 0 && receiptkeys_import(check, (const uint8_t *)text, strlen(text)) < 0)
		r = -EINVAL;
	if (r >= 0 && json_array_append(u->receipt_keys, entry) < 0)
		r = -ENOMEM;
	receiptkeys_free(check);
	free(text);
	json_decref(one);
	json_decref(entry);
	return r;
}
