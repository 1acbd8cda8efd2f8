/* SPDX-License-Identifier: MIT */
/*
 * base45.h - Base45 (RFC 9285), the text encoding of EU DCC QR codes (alphanumeric QR mode).
 */
#ifndef PASSGATE_BASE45_H
#define PASSGATE_BASE45_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode @len characters of @in. *ret (freed with free(); never NULL on success, even for
 * empty input) receives the bytes. -EINVAL on a character outside the alphabet, a dangling
 * single character, or a group whose value exceeds its byte width (RFC 9285 §4), -ENOMEM.
 */
int base45_decode(const char *in, size_t len, uint8_t **ret, size_t *ret_len);

/* Encode @len bytes; *ret is NUL-terminated text freed with free(). */
int base45_encode(const uint8_t *in, size_t len, char **ret);

#endif
