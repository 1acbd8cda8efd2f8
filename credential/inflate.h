/* SPDX-License-Identifier: MIT */
/*
 * inflate.h - DEFLATE decompression with a hard output limit (zlib is used only in inflate.c).
 *
 * SMART Health Cards carry raw DEFLATE (RFC 1951, JWS header "zip":"DEF"); EU DCC carries a
 * zlib stream (RFC 1950, hcert §3.2). Both are outsider-controlled, so the inflated size is
 * capped at CRED_MAX_INFLATED (verify.h): a zip bomb is refused as soon as it crosses the limit,
 * without inflating the rest.
 */
#ifndef PASSGATE_INFLATE_H
#define PASSGATE_INFLATE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Inflate @in (@len bytes): raw DEFLATE when @raw is 1, a zlib stream when @raw is 0.
 * On success returns 0 and *ret (freed with free()) holds *ret_len bytes plus a NUL terminator
 * not counted in *ret_len. Returns -EFBIG when the output would exceed CRED_MAX_INFLATED,
 * -EBADMSG on corrupt or truncated data (or trailing bytes after the stream), -ENOMEM.
 * *ret and *ret_len are untouched on failure.
 */
int cred_inflate(const uint8_t *in, size_t len, int raw, uint8_t **ret, size_t *ret_len);

/*
 * Minting only (issue_shc.c): compress @in as raw DEFLATE at the best level. *ret (freed with
 * free()) holds *ret_len bytes. -ENOMEM, -EIO.
 */
int cred_deflate_raw(const uint8_t *in, size_t len, uint8_t **ret, size_t *ret_len);

#endif
