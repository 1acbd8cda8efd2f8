/* SPDX-License-Identifier: MIT */
/*
 * receiptcode.h - the receipt code a kiosk prints on every admit receipt, as a QR and as a short
 * code under it (docs/codes.md "Receipt code").
 *
 *   PGR1:<base64url(body)>.<base64url(Ed25519 signature)>   (events/signedcode.h, domain
 *   "passgate/v1/receipt", signed by the kiosk's receipt key, events/receiptkeys.h)
 *   body = {"v":1,"venue":…,"kiosk":…,"date":"YYYY-MM-DD","slot":N,"decision":"admit",
 *           "kind":…|null,"program":…,"trip_start":"YYYY-MM-DD"|null,"night":N|null,
 *           "vc":"<base64url 16 bytes>","hb":{"s":"<base64url 16 bytes>","h":"<base64url 8>"}}
 *
 * `slot` is floor(unix / 600); `vc` the visit code, the first 16 bytes of
 * HMAC-SHA256(K_venue_day, "passgate/v1/visit-code"), which the city's notices name by its
 * SHA-256; `hb` the holder binding: a random salt and the first 8 bytes of
 * SHA-256(salt ‖ canonical holder), where the canonical holder is the first three fields of
 * events_canonical() (family, given, birth date; not the issuer, so that the holder's other
 * card matches too). No name, birth date or certificate id is in a code.
 *
 * The short code: "YYYYMMDD-SSS-" and the visit code in Crockford base32 (26 characters in
 * groups of 4 joined by '-'), SSS the slot of the local day (000..143).
 */
#ifndef PASSGATE_RECEIPTCODE_H
#define PASSGATE_RECEIPTCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "credential/cred.h"

#define RECEIPTCODE_PREFIX    "PGR1:"
#define RECEIPTCODE_DOMAIN    "passgate/v1/receipt"
#define RECEIPTCODE_VC_LEN    16
#define RECEIPTCODE_SALT_LEN  16
#define RECEIPTCODE_HB_LEN    8
#define RECEIPTCODE_ID_MAX    65 /* venue, kiosk, program: up to 64 bytes + NUL */
#define RECEIPTCODE_KIND_MAX  24
#define RECEIPTCODE_SHORT_LEN 46 /* "YYYYMMDD-SSS-" + 26 + 6 hyphens + NUL */
#define RECEIPTCODE_NIGHT_MAX 366

struct receiptcode {
	char venue[RECEIPTCODE_ID_MAX];
	char kiosk[RECEIPTCODE_ID_MAX];
	char program[RECEIPTCODE_ID_MAX];
	char date[11];			 /* local date of the check */
	int64_t slot;			 /* floor(unix / 600) */
	char kind[RECEIPTCODE_KIND_MAX]; /* "vaccination", "test", ...; "" = null */
	char trip_start[11];		 /* "" = null (not a lodging program) */
	unsigned night;			 /* 1..RECEIPTCODE_NIGHT_MAX; 0 = null */
	uint8_t vc[RECEIPTCODE_VC_LEN];	 /* the visit code */
	uint8_t salt[RECEIPTCODE_SALT_LEN];
	uint8_t hb[RECEIPTCODE_HB_LEN];
};

/* vc = HMAC-SHA256(@venue_key, "passgate/v1/visit-code")[0..16]. */
int receiptcode_visit_code(const uint8_t venue_key[32], uint8_t vc[RECEIPTCODE_VC_LEN]);

/*
 * The holder binding of @c into @rc: a fresh random salt and its hash. -ENODATA when the
 * credential names nobody (then the receipt carries no binding a later kiosk could match, and
 * the caller does not print a code).
 */
int receiptcode_bind(struct receiptcode *rc, const struct cred *c);

/* A binding that no certificate matches: random salt and hash (an admission without a
 * credential, such as a child's). */
void receiptcode_unbound(struct receiptcode *rc);

/* True when @c is the holder @rc was issued to (constant-time comparison of the hash). */
bool receiptcode_holder_matches(const struct receiptcode *rc, const struct cred *c);

/* The body JSON of @rc, compact, NUL-terminated, freed with free(). Returns its length, or
 * -EINVAL for a field out of its bounds. */
int receiptcode_body(const struct receiptcode *rc, char **ret);

/* Parse and check a body (@len bytes): every member present with its type and bounds, nothing
 * else, decision "admit". 0 or -EBADMSG. */
int receiptcode_parse_body(const uint8_t *body, size_t len, struct receiptcode *ret);

/*
 * Parse a code text without checking its signature (tools, fuzzing). Returns 0, -ENOMSG when it
 * is not a receipt code, -E2BIG too long, -EBADMSG malformed. @ret untouched on failure.
 */
int receiptcode_parse(const char *text, size_t len, struct receiptcode *ret);

/*
 * Parse a code text and check its signature with @pk_of, which gives the receipt key of a
 * (venue, kiosk) or NULL when that kiosk is unknown. Returns 0, -ENOMSG (not a receipt code),
 * -E2BIG, -EBADMSG, -ENOKEY (unknown kiosk), -EKEYREJECTED (bad signature). @ret untouched on
 * failure.
 */
typedef const uint8_t *(*receiptcode_key_fn)(const char *venue, const char *kiosk, void *ud);
int receiptcode_read(const char *text, size_t len, receiptcode_key_fn pk_of, void *ud,
		     struct receiptcode *ret);

/* The short code of @rc; @local_slot is the slot of the local day (0..143). */
int receiptcode_short(const struct receiptcode *rc, unsigned local_slot,
		      char out[RECEIPTCODE_SHORT_LEN]);

/*
 * Read a short code as a visitor types it (case-insensitive, I and L as 1, O as 0, hyphens and
 * spaces ignored): *ret_date "YYYY-MM-DD", *ret_local_slot, and the visit code. 0 or -EBADMSG.
 */
int receiptcode_short_parse(const char *text, char ret_date[11], unsigned *ret_local_slot,
			    uint8_t ret_vc[RECEIPTCODE_VC_LEN]);

#endif
