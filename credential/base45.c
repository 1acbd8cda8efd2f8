/* SPDX-License-Identifier: MIT */
/*
 * base45.c - Base45 (RFC 9285) decoding and encoding.
 *
 * Written by hand because it is small and fully specified (DESIGN.md, dependencies). Every
 * two bytes become three characters c + 45 d + 45² e (least significant first, §4.2); a final
 * single byte becomes two characters. Decoding rejects what §4.3 calls invalid: characters
 * outside the 45-character alphabet, a lone trailing character, and groups that decode to a
 * value wider than the bytes they stand for (e.g. ":::" = 106 019 > 65 535).
 */
#include <errno.h>
#include <stdlib.h>

#include "credential/base45.h"

static const char alphabet[45] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* The value of character @c, or -1. */
static int value_of(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	switch (c) {
	case ' ':
		return 36;
	case '$':
		return 37;
	case '%':
		return 38;
	case '*':
		return 39;
	case '+':
		return 40;
	case '-':
		return 41;
	case '.':
		return 42;
	case '/':
		return 43;
	case ':':
		return 44;
	default:
		return -1;
	}
}

int base45_decode(const char *in, size_t len, uint8_t **ret, size_t *ret_len)
{
	uint8_t *out;
	size_t n = 0, i;

	if (len % 3 == 1)
		return -EINVAL;
	out = malloc(len / 3 * 2 + 2);
	if (!out)
		return -ENOMEM;
	for (i = 0; i < len; i += 3) {
		size_t group = len - i >= 3 ? 3 : 2;
		unsigned long v = 0, mul = 1;

		for (size_t j = 0; j < group; j++) {
			int d = value_of((unsigned char)in[i + j]);

			if (d < 0)
				goto fail_out;
			v += (unsigned long)d * mul;
			mul *= 45;
		}
		if (group == 3) {
			if (v > 0xffff)
				goto fail_out;
			out[n++] = (uint8_t)(v >> 8);
			out[n++] = (uint8_t)(v & 0xff);
		} else {
			if (v > 0xff)
				goto fail_out;
			out[n++] = (uint8_t)v;
		}
	}
	*ret = out;
	*ret_len = n;
	return 0;

fail_out:
	free(out);
	return -EINVAL;
}

int base45_encode(const uint8_t *in, size_t len, char **ret)
{
	char *out, *p;

	out = malloc(len / 2 * 3 + 3);
	if (!out)
		return -ENOMEM;
	p = out;
	for (size_t i = 0; i < len; i += 2) {
		unsigned v;

		if (len - i >= 2) {
			v = (unsigned)in[i] << 8 | in[i + 1];
			*p++ = alphabet[v % 45];
			*p++ = alphabet[v / 45 % 45];
			*p++ = alphabet[v / 2025];
		} else {
			v = in[i];
			*p++ = alphabet[v % 45];
			*p++ = alphabet[v / 45];
		}
	}
	*p = '\0';
	*ret = out;
	return 0;
}
