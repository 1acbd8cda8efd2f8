/* SPDX-License-Identifier: MIT */
/*
 * trustupdate.h - the body of the city's signed trust list update (topic
 * passgate/v1/<city>/trust, docs/trust-updates.md): built by the city (`passgate-city publish
 * trust`), imported by the kiosk after events/cityupdate has checked the signature.
 *
 *   {"jwks": [{"iss": "https://...", "keys": [JWK, ...]}, ...],
 *    "certs": ["<PEM>" | "<base64 DER>", ...],                  DCC signer certificates
 *    "crls": [{"iss": "https://...", "kid": ..., "method": "rid", "ctr": N, "rids": [...]}, ...],
 *    "dcc_revocations": [<EU gateway revocation batch>, ...],
 *    "receipt_keys": [{"venue": ..., "kiosk": ..., "key": "<base64 Ed25519>"}, ...]}
 *                                                  the city's kiosks' receipt keys (receiptkeys.h)
 *
 * Every member is optional. The update is the city's complete list: the kiosk's trust is its
 * configured trust plus the last update, never the sum of all updates (the daemon rebuilds the
 * store for each update; trustupdate_import() itself is all or nothing).
 */
#ifndef PASSGATE_TRUSTUPDATE_H
#define PASSGATE_TRUSTUPDATE_H

#include <stddef.h>
#include <stdint.h>

#define TRUSTUPDATE_BODY_MAX	(8u * 1024u * 1024u) /* the EU DSC list alone is ~1.3 MB */
#define TRUSTUPDATE_MAX_JWKS	1000		     /* issuer key sets */
#define TRUSTUPDATE_MAX_CERTS	10000		     /* DCC signers (the EU list: a few thousand) */
#define TRUSTUPDATE_MAX_CRLS	1000		     /* SHC revocation lists */
#define TRUSTUPDATE_MAX_BATCHES 1000		     /* DCC revocation batches */

struct trust;

struct trustupdate_counts {
	size_t jwks, certs, crls, crls_skipped, dcc_revocations; /* dcc_revocations: entries */
};

/*
 * Import the update @body into @t, all or nothing: the whole update goes into a copy of @t,
 * which replaces @t only when everything was accepted (so keys borrowed from @t are gone after
 * a successful call). -EBADMSG for a malformed body or one beyond the bounds above, the trust
 * store's -EINVAL for a bad key set, certificate, CRL or revocation batch, -ENOMEM. A CRL for
 * a key that @t does not hold is skipped and counted (crls_skipped): it could revoke nothing.
 * *ret (may be NULL) gets the counts.
 */
int trustupdate_import(struct trust *t, const uint8_t *body, size_t len,
		       struct trustupdate_counts *ret);

/*
 * The city's side: a body being built. Each add checks its input as the kiosk will (into a
 * scratch store that starts with the built-in issuer keys), so that `publish trust` refuses
 * what a kiosk would refuse. Caller frees with trustupdate_free().
 */
struct trustupdate;
int trustupdate_new(struct trustupdate **ret);
void trustupdate_free(struct trustupdate *u);

/* An issuer's JWKS (replaces an earlier set of the same issuer). */
int trustupdate_add_jwks(struct trustupdate *u, const char *iss, const char *json, size_t len);
/* One DCC signer certificate, PEM or DER; carried as base64 DER. */
int trustupdate_add_cert(struct trustupdate *u, const uint8_t *data, size_t len);
/* Every DSC of an EU DSC list (dsclist.h); *ret_n gets how many. On -EINVAL, *ret_index and
 * *ret_why say which entry and why (dsclist_parse()). */
int trustupdate_add_dsc_list(struct trustupdate *u, const char *json, size_t len, size_t *ret_n,
			     size_t *ret_index, const char **ret_why);
/* An SHC CRL of issuer @iss; @iss NULL: the issuer whose key set (added, or built in) holds the
 * CRL's kid (-ENOENT when none does). */
int trustupdate_add_crl(struct trustupdate *u, const char *iss, const char *json, size_t len);
/* A DCC revocation list (trust_import_dcc_revocation()); *ret_entries gets its entries. */
int trustupdate_add_dcc_revocation(struct trustupdate *u, const char *json, size_t len,
				   size_t *ret_entries);
/*
 * The receipt key of one registered kiosk (`passgate events pubkey`, second line), so that
 * every kiosk of the city believes its receipt codes (docs/codes.md). Once one is added the
 * body carries "receipt_keys", the complete list: a kiosk not in it is no longer believed.
 * -EINVAL for a bad id or key, or a kiosk already listed; -ENOMEM.
 */
int trustupdate_add_receipt_key(struct trustupdate *u, const char *venue, const char *kiosk,
				const char *key_b64);

/* The body (compact JSON, malloc'ed, not NUL-terminated in *ret_len), at most
 * TRUSTUPDATE_BODY_MAX bytes (-E2BIG beyond). */
int trustupdate_body(const struct trustupdate *u, char **ret, size_t *ret_len);

#endif
