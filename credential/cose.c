/* SPDX-License-Identifier: MIT */
/*
 * cose.c - COSE_Sign1 (RFC 9052 §4.2) parsing and encoding with libcbor.
 *
 * libcbor is used in the CBOR files of the library only (cose.c, hcert.c, issue_dcc.c), and
 * only on bytes that cbor_bounds_check() has accepted, because its loader and cbor_decref()
 * recurse once per nesting level. The leading tags (18 COSE_Sign1, 61 CWT, RFC 8392 §6) are
 * read here from the raw bytes, so that the tree libcbor builds is the bare 4-element array.
 *
 * The Sig_structure (§4.4) is written by hand: it is four fixed items whose encoding is
 * fully determined (definite lengths, shortest form, §9 deterministic encoding), which the
 * signer and verifier must agree on byte for byte.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "credential/cbor_bounds.h"
#include "credential/cose.h"

#define COSE_TAG_SIGN1 18
#define CWT_TAG	       61

struct cose_sign1 {
	cbor_item_t *root;	    /* the 4-element array */
	cbor_item_t *protected_map; /* decoded protected header, NULL when empty */
	const uint8_t *protected_hdr;
	size_t protected_len;
	const uint8_t *payload;
	size_t payload_len;
	const uint8_t *signature;
	size_t signature_len;
	const uint8_t *kid;
	size_t kid_len;
	int64_t alg;
};

/* Read a tag header at @*pos; 1 and the tag number when there is one, 0 when not. */
static int read_tag(const uint8_t *data, size_t len, size_t *pos, uint64_t *tag)
{
	size_t p = *pos, width;
	uint8_t ai;
	uint64_t v = 0;

	if (p >= len || data[p] >> 5 != 6)
		return 0;
	ai = data[p] & 0x1f;
	if (ai < 24) {
		*tag = ai;
		*pos = p + 1;
		return 1;
	}
	if (ai > 27)
		return -EBADMSG;
	width = (size_t)1 << (ai - 24);
	if (len - p - 1 < width)
		return -EBADMSG;
	for (size_t i = 0; i < width; i++)
		v = v << 8 | data[p + 1 + i];
	*tag = v;
	*pos = p + 1 + width;
	return 1;
}

/* Load exactly one bounded CBOR item from all of @data. */
static int load_bounded(const uint8_t *data, size_t len, cbor_item_t **ret)
{
	struct cbor_load_result res;
	cbor_item_t *item;
	size_t used;
	int r;

	r = cbor_bounds_check(data, len, &used);
	if (r < 0)
		return r;
	if (used != len)
		return -EBADMSG;
	item = cbor_load(data, len, &res);
	if (!item)
		return res.error.code == CBOR_ERR_MEMERROR ? -ENOMEM : -EBADMSG;
	*ret = item;
	return 0;
}

static int int_value(const cbor_item_t *item, int64_t *ret)
{
	uint64_t v;

	if (cbor_isa_uint(item)) {
		v = cbor_get_int(item);
		if (v > INT64_MAX)
			return -ERANGE;
		*ret = (int64_t)v;
		return 0;
	}
	if (cbor_isa_negint(item)) {
		v = cbor_get_int(item);
		if (v > INT64_MAX)
			return -ERANGE;
		*ret = -1 - (int64_t)v;
		return 0;
	}
	return -EINVAL;
}

/* Take alg and kid from header map @map unless already known. */
static int read_header(const cbor_item_t *map, struct cose_sign1 *m, int *have_alg, int *have_kid)
{
	struct cbor_pair *pairs = cbor_map_handle(map);
	size_t n = cbor_map_size(map);

	for (size_t i = 0; i < n; i++) {
		int64_t label;

		if (int_value(pairs[i].key, &label) < 0)
			continue; /* text labels are allowed (§3) and none of ours */
		if (label == COSE_HEADER_ALG && !*have_alg) {
			if (int_value(pairs[i].value, &m->alg) < 0)
				return -EBADMSG; /* a text alg names nothing we support */
			*have_alg = 1;
		} else if (label == COSE_HEADER_KID && !*have_kid) {
			const cbor_item_t *v = pairs[i].value;

			if (!cbor_isa_bytestring(v) || !cbor_bytestring_is_definite(v) ||
			    cbor_bytestring_length(v) > COSE_KID_MAX)
				return -EBADMSG;
			m->kid = cbor_bytestring_handle(v);
			m->kid_len = cbor_bytestring_length(v);
			*have_kid = 1;
		}
	}
	return 0;
}

static int definite_bstr(const cbor_item_t *item, const uint8_t **ret, size_t *ret_len)
{
	if (!cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item))
		return -EBADMSG;
	*ret = cbor_bytestring_handle(item);
	*ret_len = cbor_bytestring_length(item);
	return 0;
}

int cose_sign1_parse(const uint8_t *data, size_t len, struct cose_sign1 **ret)
{
	struct cose_sign1 *m;
	cbor_item_t **items;
	size_t pos = 0;
	uint64_t tag;
	int have_alg = 0, have_kid = 0, r;

	/* Tags: none, 18, or 61 then 18. */
	r = read_tag(data, len, &pos, &tag);
	if (r < 0)
		return r;
	if (r && tag == CWT_TAG) {
		r = read_tag(data, len, &pos, &tag);
		if (r <= 0)
			return -EBADMSG;
	}
	if (r && tag != COSE_TAG_SIGN1)
		return -EBADMSG;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	r = load_bounded(data + pos, len - pos, &m->root);
	if (r < 0)
		goto fail_m;
	r = -EBADMSG;
	if (!cbor_isa_array(m->root) || cbor_array_size(m->root) != 4)
		goto fail_m;
	items = cbor_array_handle(m->root);
	if (definite_bstr(items[0], &m->protected_hdr, &m->protected_len) < 0 ||
	    !cbor_isa_map(items[1]) || definite_bstr(items[2], &m->payload, &m->payload_len) < 0 ||
	    definite_bstr(items[3], &m->signature, &m->signature_len) < 0)
		goto fail_m;

	/* §3: a zero-length protected header stands for the empty map. */
	if (m->protected_len) {
		r = load_bounded(m->protected_hdr, m->protected_len, &m->protected_map);
		if (r < 0)
			goto fail_m;
		r = -EBADMSG;
		if (!cbor_isa_map(m->protected_map))
			goto fail_m;
		if (read_header(m->protected_map, m, &have_alg, &have_kid) < 0)
			goto fail_m;
	}
	if (read_header(items[1], m, &have_alg, &have_kid) < 0)
		goto fail_m;
	*ret = m;
	return 0;

fail_m:
	cose_sign1_free(m);
	return r;
}

void cose_sign1_free(struct cose_sign1 *m)
{
	if (!m)
		return;
	if (m->protected_map)
		cbor_decref(&m->protected_map);
	if (m->root)
		cbor_decref(&m->root);
	free(m);
}

int64_t cose_sign1_alg(const struct cose_sign1 *m)
{
	return m->alg;
}

int cose_sign1_kid(const struct cose_sign1 *m, const uint8_t **ret, size_t *ret_len)
{
	if (!m->kid)
		return -ENOENT;
	*ret = m->kid;
	*ret_len = m->kid_len;
	return 0;
}

void cose_sign1_payload(const struct cose_sign1 *m, const uint8_t **ret, size_t *ret_len)
{
	*ret = m->payload;
	*ret_len = m->payload_len;
}

void cose_sign1_signature(const struct cose_sign1 *m, const uint8_t **ret, size_t *ret_len)
{
	*ret = m->signature;
	*ret_len = m->signature_len;
}

/* Write the shortest-form head of major type @major with argument @v (RFC 8949 §4.2.1). */
static size_t put_head(uint8_t *p, uint8_t major, uint64_t v)
{
	uint8_t mt = (uint8_t)(major << 5);

	if (v < 24) {
		p[0] = (uint8_t)(mt | v);
		return 1;
	}
	if (v <= 0xff) {
		p[0] = mt | 24;
		p[1] = (uint8_t)v;
		return 2;
	}
	if (v <= 0xffff) {
		p[0] = mt | 25;
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)v;
		return 3;
	}
	if (v <= 0xffffffff) {
		p[0] = mt | 26;
		for (int i = 0; i < 4; i++)
			p[1 + i] = (uint8_t)(v >> (24 - 8 * i));
		return 5;
	}
	p[0] = mt | 27;
	for (int i = 0; i < 8; i++)
		p[1 + i] = (uint8_t)(v >> (56 - 8 * i));
	return 9;
}

static size_t put_bstr(uint8_t *p, const uint8_t *data, size_t len)
{
	size_t n = put_head(p, 2, len);

	if (len)
		memcpy(p + n, data, len);
	return n + len;
}

int cose_sig_structure(const uint8_t *protected_hdr, size_t protected_len, const uint8_t *payload,
		       size_t payload_len, uint8_t **ret, size_t *ret_len)
{
	static const char context[] = "Signature1";
	uint8_t *buf, *p;

	if (protected_len > SIZE_MAX / 2 || payload_len > SIZE_MAX / 2 - protected_len - 64)
		return -EINVAL;
	buf = malloc(protected_len + payload_len + 64);
	if (!buf)
		return -ENOMEM;
	p = buf;
	p += put_head(p, 4, 4);
	p += put_head(p, 3, sizeof(context) - 1);
	memcpy(p, context, sizeof(context) - 1);
	p += sizeof(context) - 1;
	p += put_bstr(p, protected_hdr, protected_len);
	p += put_bstr(p, NULL, 0); /* external_aad: none in hcert */
	p += put_bstr(p, payload, payload_len);
	*ret = buf;
	*ret_len = (size_t)(p - buf);
	return 0;
}

int cose_sign1_to_be_signed(const struct cose_sign1 *m, uint8_t **ret, size_t *ret_len)
{
	/* The protected header is signed as the bytes that were sent, never re-encoded. */
	return cose_sig_structure(m->protected_hdr, m->protected_len, m->payload, m->payload_len,
				  ret, ret_len);
}

int cose_sign1_encode(const uint8_t *protected_hdr, size_t protected_len, const uint8_t *payload,
		      size_t payload_len, const uint8_t *sig, size_t sig_len, uint8_t **ret,
		      size_t *ret_len)
{
	uint8_t *buf, *p;

	if (protected_len > SIZE_MAX / 4 || payload_len > SIZE_MAX / 4 || sig_len > SIZE_MAX / 4)
		return -EINVAL;
	buf = malloc(protected_len + payload_len + sig_len + 40);
	if (!buf)
		return -ENOMEM;
	p = buf;
	p += put_head(p, 6, COSE_TAG_SIGN1);
	p += put_head(p, 4, 4);
	p += put_bstr(p, protected_hdr, protected_len);
	p += put_head(p, 5, 0); /* unprotected: {} */
	p += put_bstr(p, payload, payload_len);
	p += put_bstr(p, sig, sig_len);
	*ret = buf;
	*ret_len = (size_t)(p - buf);
	return 0;
}
