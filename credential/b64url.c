/* SPDX-License-Identifier: MIT */
/*
 * b64url.c - base64url without padding, strict (RFC 4648 §5; JWS, RFC 7515 §2 and Appendix C),
 * and standard padded base64 (RFC 4648 §4) with the same codec.
 *
 * Every JWS part of an SHC and every JWK coordinate goes through here, and so do the DCC kids of
 * the trust store and the daemon's city key. The decoder refuses anything but the canonical
 * encoding so that the text that was signed is the only text that decodes to the signed bytes.
 * The two alphabets differ only in their last two characters.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "credential/b64url.h"

static const char url_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char std_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int value(char c, const char *alphabet)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == alphabet[62])
		return 62;
	if (c == alphabet[63])
		return 63;
	return -1;
}

size_t b64url_encoded_len(size_t len)
{
	return len / 3 * 4 + (len % 3 ? len % 3 + 1 : 0);
}

static int decode(const char *in, size_t len, const char *alphabet, uint8_t *out, size_t out_size,
		  size_t *ret_len)
{
	size_t n = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;

	if (len % 4 == 1)
		return -EBADMSG;
	if (n > out_size)
		return -ENOBUFS;
	for (size_t i = 0; i < len; i++) {
		int v = value(in[i], alphabet);

		if (v < 0)
			return -EBADMSG;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* Leftover bits must be zero: otherwise two texts decode to the same bytes. */
	if (acc != 0)
		return -EBADMSG;
	*ret_len = o;
	return 0;
}

/* The characters of @len bytes, padded with '=' to a multiple of 4 when @pad; no NUL. */
static size_t encode(const uint8_t *in, size_t len, const char *alphabet, bool pad, char *s)
{
	size_t o = 0, i = 0;

	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		s[o++] = alphabet[v >> 18];
		s[o++] = alphabet[(v >> 12) & 63];
		s[o++] = alphabet[(v >> 6) & 63];
		s[o++] = alphabet[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;

		s[o++] = alphabet[v >> 18];
		s[o++] = alphabet[(v >> 12) & 63];
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;

		s[o++] = alphabet[v >> 18];
		s[o++] = alphabet[(v >> 12) & 63];
		s[o++] = alphabet[(v >> 6) & 63];
	}
	while (pad && o % 4)
		s[o++] = '=';
	return o;
}

int b64url_decode_buf(const char *in, size_t len, uint8_t *out, size_t out_size, size_t *ret_len)
{
	return decode(in, len, url_alphabet, out, out_size, ret_len);
}

int b64url_decode(const char *in, size_t len, uint8_t **ret, size_t *ret_len)
{
	size_t cap = len / 4 * 3 + 3, n;
	uint8_t *buf;
	int r;

	buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	r = b64url_decode_buf(in, len, buf, cap, &n);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[n] = 0;
	*ret = buf;
	*ret_len = n;
	return 0;
}

int b64url_encode(const uint8_t *in, size_t len, char **ret)
{
	char *s;

	s = malloc(b64url_encoded_len(len) + 1);
	if (!s)
		return -ENOMEM;
	s[encode(in, len, url_alphabet, false, s)] = 0;
	*ret = s;
	return 0;
}

int b64std_decode_buf(const char *in, size_t len, uint8_t *out, size_t out_size, size_t *ret_len)
{
	/* Padding fills the last group to 4 characters: strip it, the rest is the plain codec. A
	 * lone or misplaced '=' stays in and is refused as outside the alphabet. */
	if (len % 4 == 0 && len > 0 && in[len - 1] == '=')
		len -= len > 1 && in[len - 2] == '=' ? 2 : 1;
	return decode(in, len, std_alphabet, out, out_size, ret_len);
}

int b64std_encode_buf(const uint8_t *in, size_t len, char *out, size_t size)
{
	if ((len + 2) / 3 * 4 + 1 > size) {
		if (size > 0)
			out[0] = '\0';
		return -ENOBUFS;
	}
	out[encode(in, len, std_alphabet, true, out)] = '\0';
	return 0;
}
