/* SPDX-License-Identifier: MIT */
/*
 * dsclist.c - read the EU DCC gateway's DSC trust list (format and checks in dsclist.h).
 *
 * The list comes from outside (a national backend, through the city operator), so it is
 * bounded before parsing (size, nesting, entries) and every entry is checked completely
 * before the first one is handed over: a list with one bad entry hands over nothing, and the
 * caller can say which entry and why.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "credential/b64url.h"
#include "credential/dsclist.h"
#include "credential/json_bounds.h"
#include "credential/sig.h"

#define DSCLIST_MAX_DEPTH 8

struct cert {
	struct dsclist_entry e;
	uint8_t *der;
};

static bool hex_equal(const char *hex, const uint8_t digest[32])
{
	static const char digits[] = "0123456789abcdef";

	if (strlen(hex) != 64)
		return false;
	for (size_t i = 0; i < 32; i++) {
		char hi = hex[2 * i], lo = hex[2 * i + 1];

		hi = (char)(hi >= 'A' && hi <= 'F' ? hi - 'A' + 'a' : hi);
		lo = (char)(lo >= 'A' && lo <= 'F' ? lo - 'A' + 'a' : lo);
		if (hi != digits[digest[i] >> 4] || lo != digits[digest[i] & 15])
			return false;
	}
	return true;
}

static bool country_valid(const char *s)
{
	return s && strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

/* The certificate itself: parses, has a usable key, and is what kid and thumbprint say. */
static int check_cert(json_t *o, struct cert *c, const char **why)
{
	const char *kid = json_string_value(json_object_get(o, "kid"));
	json_t *thumb = json_object_get(o, "thumbprint");
	struct sig_cert_info info;
	struct sig_key *key;
	uint8_t digest[32], *der;
	char kid_b64[16];
	size_t der_len;
	int r;

	r = sig_cert_parse(c->der, c->e.der_len, &info, NULL, &der, &der_len);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || der_len != c->e.der_len || memcmp(der, c->der, der_len) != 0) {
		if (r >= 0)
			free(der);
		*why = "rawData is not one DER certificate";
		return -EINVAL;
	}
	free(der);
	r = sig_cert_trusted_key(c->der, c->e.der_len, &key);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		*why = "the certificate's key is neither P-256 nor RSA";
		return -EINVAL;
	}
	sig_key_free(key);
	b64std_encode_buf(info.kid, sizeof(info.kid), kid_b64, sizeof(kid_b64));
	if (!kid || strcmp(kid, kid_b64) != 0) {
		*why = "kid is not the first 8 bytes of SHA-256 of the certificate";
		return -EINVAL;
	}
	sig_sha256(c->der, c->e.der_len, digest);
	if (thumb && (!json_is_string(thumb) || !hex_equal(json_string_value(thumb), digest))) {
		*why = "thumbprint is not the SHA-256 of the certificate";
		return -EINVAL;
	}
	if (info.country[0] && strcmp(info.country, c->e.country) != 0) {
		*why = "country differs from the certificate's subject country";
		return -EINVAL;
	}
	memcpy(c->e.kid, info.kid, sizeof(c->e.kid));
	c->e.usage = info.usage;
	c->e.not_before = info.not_before;
	c->e.not_after = info.not_after;
	return 0;
}

static int check_entry(json_t *o, struct cert *c, const char **why)
{
	const char *type = json_string_value(json_object_get(o, "certificateType"));
	const char *raw = json_string_value(json_object_get(o, "rawData"));
	size_t n;

	c->e.country = json_string_value(json_object_get(o, "country"));
	if (!json_is_object(o) || !type || strcmp(type, "DSC") != 0) {
		*why = "not an entry of certificateType DSC";
		return -EINVAL;
	}
	if (!country_valid(c->e.country)) {
		*why = "country is not two capital letters";
		return -EINVAL;
	}
	if (!raw || strlen(raw) > (DSCLIST_MAX_DER + 2) / 3 * 4) {
		*why = "rawData missing or longer than 8 KiB";
		return -EINVAL;
	}
	c->der = malloc(DSCLIST_MAX_DER);
	if (!c->der)
		return -ENOMEM;
	if (b64std_decode_buf(raw, strlen(raw), c->der, DSCLIST_MAX_DER, &n) < 0 || n == 0) {
		*why = "rawData is not base64";
		return -EINVAL;
	}
	c->e.der = c->der;
	c->e.der_len = n;
	return check_cert(o, c, why);
}

static bool seen_before(const struct cert *certs, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (certs[j].e.der_len == certs[i].e.der_len &&
		    memcmp(certs[j].e.kid, certs[i].e.kid, 8) == 0 &&
		    memcmp(certs[j].der, certs[i].der, certs[i].e.der_len) == 0)
			return true;
	return false;
}

int dsclist_parse(const char *json, size_t len,
		  int (*fn)(const struct dsclist_entry *e, void *userdata), void *userdata,
		  size_t *ret_index, const char **ret_why)
{
	struct cert *certs = NULL;
	const char *why = "not a DSC list";
	json_t *root = NULL, *arr;
	size_t n = 0, i, index = SIZE_MAX;
	int r, handed = 0;

	if (len > DSCLIST_MAX_BYTES)
		return -E2BIG;
	r = json_bounds_check(json, len, DSCLIST_MAX_DEPTH, DSCLIST_MAX_CERTS);
	if (r < 0) {
		r = r == -E2BIG ? r : -EINVAL;
		why = "nested too deep or more than 10000 entries";
		goto out;
	}
	r = -EINVAL;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	arr = json_object_get(root, "certificates");
	if (!json_is_object(root) || !json_is_array(arr) || json_array_size(arr) == 0)
		goto out;
	n = json_array_size(arr);
	certs = calloc(n, sizeof(*certs));
	if (!certs) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		r = check_entry(json_array_get(arr, i), &certs[i], &why);
		if (r < 0) {
			index = i;
			goto out;
		}
	}
	for (i = 0, r = 0; r >= 0 && i < n; i++) {
		if (seen_before(certs, i))
			continue;
		r = fn(&certs[i].e, userdata);
		handed++;
	}
out:
	if (r < 0 && ret_index)
		*ret_index = index;
	if (r < 0 && ret_why)
		*ret_why = why;
	for (i = 0; certs && i < n; i++)
		free(certs[i].der);
	free(certs);
	json_decref(root);
	return r < 0 ? r : handed;
}
