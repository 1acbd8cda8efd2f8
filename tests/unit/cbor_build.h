/* SPDX-License-Identifier: MIT */
/*
 * cbor_build.h - a byte-level CBOR writer for the DCC tests, so that they can state malformed,
 * deep, wide or tagged inputs exactly (RFC 8949 §3). Header-only, test code only.
 */
#ifndef PASSGATE_TEST_CBOR_BUILD_H
#define PASSGATE_TEST_CBOR_BUILD_H

#include <stdint.h>
#include <string.h>

struct cb {
	uint8_t b[16384];
	size_t n;
};

static inline void cb_byte(struct cb *c, uint8_t v)
{
	if (c->n < sizeof(c->b))
		c->b[c->n++] = v;
}

static inline void cb_head(struct cb *c, uint8_t major, uint64_t v)
{
	uint8_t mt = (uint8_t)(major << 5);

	if (v < 24) {
		cb_byte(c, (uint8_t)(mt | v));
	} else if (v <= 0xff) {
		cb_byte(c, mt | 24);
		cb_byte(c, (uint8_t)v);
	} else if (v <= 0xffff) {
		cb_byte(c, mt | 25);
		cb_byte(c, (uint8_t)(v >> 8));
		cb_byte(c, (uint8_t)v);
	} else {
		cb_byte(c, mt | 26);
		for (int i = 3; i >= 0; i--)
			cb_byte(c, (uint8_t)(v >> (8 * i)));
	}
}

static inline void cb_uint(struct cb *c, uint64_t v)
{
	cb_head(c, 0, v);
}

static inline void cb_int(struct cb *c, int64_t v)
{
	if (v >= 0)
		cb_head(c, 0, (uint64_t)v);
	else
		cb_head(c, 1, (uint64_t)(-1 - v));
}

static inline void cb_bytes(struct cb *c, const void *p, size_t n)
{
	cb_head(c, 2, n);
	for (size_t i = 0; i < n; i++)
		cb_byte(c, ((const uint8_t *)p)[i]);
}

static inline void cb_text(struct cb *c, const char *s)
{
	size_t n = strlen(s);

	cb_head(c, 3, n);
	for (size_t i = 0; i < n; i++)
		cb_byte(c, (uint8_t)s[i]);
}

static inline void cb_array(struct cb *c, uint64_t n)
{
	cb_head(c, 4, n);
}

static inline void cb_map(struct cb *c, uint64_t n)
{
	cb_head(c, 5, n);
}

static inline void cb_tag(struct cb *c, uint64_t t)
{
	cb_head(c, 6, t);
}

/* A text pair "key": "value" in a map. */
static inline void cb_kv(struct cb *c, const char *k, const char *v)
{
	cb_text(c, k);
	cb_text(c, v);
}

#endif
