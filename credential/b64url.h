/* SPDX-License-Identifier: MIT */
/*
 * b64url.h - base64url without padding (RFC 4648 §5, as JWS uses it: RFC 7515 §2), and standard
 * base64 with padding (RFC 4648 §4, as DCC kids and the city key are written): one codec, two
 * alphabets.
 *
 * The decoders are strict: only their alphabet, no whitespace, and the unused low bits of the
 * last character must be zero, so that every byte string has exactly one encoding (a JWS cannot
 * be altered without breaking its signature input). base64url takes no padding; standard base64
 * takes it or not, but when present it must be complete.
 */
#ifndef PASSGATE_B64URL_H
#define PASSGATE_B64URL_H

#include <stddef.h>
#include <stdint.h>

/* Decode @len characters of @in. *ret (freed with free()) holds *ret_len bytes plus a NUL not
 * counted. -EBADMSG on a character outside the alphabet, a length of 1 mod 4 or non-zero
 * trailing bits; -ENOMEM. *ret untouched on failure. */
int b64url_decode(const char *in, size_t len, uint8_t **ret, size_t *ret_len);

/* Decode into @out of @out_size bytes; -ENOBUFS when it does not fit. *ret_len set on success. */
int b64url_decode_buf(const char *in, size_t len, uint8_t *out, size_t out_size, size_t *ret_len);

/* Encode @len bytes as a NUL-terminated string (freed with free()). */
int b64url_encode(const uint8_t *in, size_t len, char **ret);

/* The encoded length of @len bytes, not counting a NUL. */
size_t b64url_encoded_len(size_t len);

/* Standard base64 (alphabet "+/"), as b64url_decode_buf(); '=' padding is optional but, when
 * present, must make the length a multiple of 4 (-EBADMSG otherwise). */
int b64std_decode_buf(const char *in, size_t len, uint8_t *out, size_t out_size, size_t *ret_len);

/* Standard base64 of @len bytes with '=' padding, NUL-terminated, into @out of @size bytes;
 * -ENOBUFS (and @out the empty string when @size > 0) when it does not fit. */
int b64std_encode_buf(const uint8_t *in, size_t len, char *out, size_t size);

#endif
