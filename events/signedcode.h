/* SPDX-License-Identifier: MIT */
/*
 * signedcode.h - the envelope of the codes a kiosk prints and reads (docs/codes.md): a receipt
 * code (PGR1, signed by a kiosk) and a booking code (PGB1, signed by a venue's reservation
 * system or front desk).
 *
 *   text      = prefix ‖ base64url(body) ‖ "." ‖ base64url(signature)
 *   signature = Ed25519(secret key, domain ‖ 0x00 ‖ body)
 *
 * The body is compact JSON; its bytes are what is signed, so nobody re-serializes it. The
 * domain ("passgate/v1/receipt", "passgate/v1/booking") keeps a signature of one kind of code
 * from being accepted as the other. Everything an outsider controls is bounded before it is
 * decoded: SIGNEDCODE_TEXT_MAX characters of text, SIGNEDCODE_BODY_MAX bytes of body.
 * Nothing here logs or keeps anything.
 */
#ifndef PASSGATE_SIGNEDCODE_H
#define PASSGATE_SIGNEDCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIGNEDCODE_BODY_MAX 768
#define SIGNEDCODE_TEXT_MAX 1200 /* > 5 + 4/3 * SIGNEDCODE_BODY_MAX + 1 + 86 */
#define SIGNEDCODE_SIG_LEN  64
#define SIGNEDCODE_PK_LEN   32
#define SIGNEDCODE_SK_LEN   64 /* libsodium's Ed25519 secret key: seed ‖ public key */
#define SIGNEDCODE_SEED_LEN 32

/* True when @text (@len bytes) starts with @prefix (e.g. "PGR1:"), compared as the QR holds it
 * (upper case). Cheap: the scan path asks this of every QR text. */
bool signedcode_has_prefix(const char *prefix, const char *text, size_t len);

/*
 * Sign @body (@len bytes, at most SIGNEDCODE_BODY_MAX) under @domain with @sk and write the
 * code text. *ret is NUL-terminated and freed by the caller with free(). Returns its length,
 * -E2BIG for a body too long, -ENOMEM.
 */
int signedcode_sign(const char *prefix, const char *domain, const uint8_t sk[SIGNEDCODE_SK_LEN],
		    const uint8_t *body, size_t len, char **ret);

/*
 * Split a code text without checking its signature: the body into @body (at least
 * SIGNEDCODE_BODY_MAX + 1 bytes; NUL-terminated, length in *ret_len) and the signature into
 * @sig. Returns 0, -ENOMSG when the prefix is not @prefix, -E2BIG when the text or body is
 * too long, -EBADMSG for anything else malformed (no '.', bad base64url, a signature that is
 * not 64 bytes, an empty body).
 */
int signedcode_split(const char *prefix, const char *text, size_t len, uint8_t *body,
		     size_t *ret_len, uint8_t sig[SIGNEDCODE_SIG_LEN]);

/* 0 when @sig is @pk's signature of @body under @domain, -EKEYREJECTED otherwise. */
int signedcode_verify(const char *domain, const uint8_t *body, size_t len,
		      const uint8_t sig[SIGNEDCODE_SIG_LEN], const uint8_t pk[SIGNEDCODE_PK_LEN]);

/* A new key pair (for `passgate booking keygen`, tests). */
void signedcode_keypair(uint8_t pk[SIGNEDCODE_PK_LEN], uint8_t sk[SIGNEDCODE_SK_LEN]);
/* The key pair of a 32-byte seed (a key file holds the seed). */
int signedcode_keypair_from_seed(const uint8_t seed[SIGNEDCODE_SEED_LEN],
				 uint8_t pk[SIGNEDCODE_PK_LEN], uint8_t sk[SIGNEDCODE_SK_LEN]);

/*
 * Strict "YYYY-MM-DD" (an existing date, exactly 10 characters) as days since 1970-01-01,
 * shared by the bodies' parsers. -EINVAL otherwise.
 */
int signedcode_date(const char *s, int64_t *ret_days);
/* Days since 1970-01-01 as "YYYY-MM-DD" into @out (11 bytes). */
void signedcode_format_date(int64_t days, char out[11]);

/*
 * The bodies' JSON, read strictly: @body must be one object (no duplicate member, nesting at
 * most 3 deep, arrays of at most 16) whose members are all in the NULL-terminated @allowed and
 * whose "v" is 1. *ret is a new reference. 0 or -EBADMSG.
 */
struct json_t;
int signedcode_json_load(const uint8_t *body, size_t len, const char *const *allowed,
			 struct json_t **ret);
/* Member @key of @o as a string of 1..@size-1 bytes into @out; a JSON null (when @nullable)
 * gives "". 0 or -EBADMSG. */
int signedcode_json_str(const struct json_t *o, const char *key, bool nullable, char *out,
			size_t size);
/* Member @key as a date (signedcode_date()) into @out, null allowed when @nullable ("").
 * *ret_days (may be NULL) gets the day number, -1 for null. 0 or -EBADMSG. */
int signedcode_json_date(const struct json_t *o, const char *key, bool nullable, char out[11],
			 int64_t *ret_days);
/* Member @key as an integer in [@min, @max]; null allowed when @nullable (*ret = 0). */
int signedcode_json_int(const struct json_t *o, const char *key, bool nullable, int64_t min,
			int64_t max, int64_t *ret);
/* Member @key as base64url of exactly @n bytes into @out. 0 or -EBADMSG. */
int signedcode_json_bytes(const struct json_t *o, const char *key, uint8_t *out, size_t n);

#endif
