/* SPDX-License-Identifier: MIT */
/*
 * trust.h - the offline trust store: which keys may sign which credentials.
 *
 * It is kept in SQLite (a file under [state] dir, or in memory for one CLI run) and holds SHC
 * issuer key sets (JWKS per issuer), EU DCC signer certificates, SHC revocation lists, EU DCC
 * revocation lists, and the names of VCI-directory issuers. Imports validate first and change
 * nothing on error. Japan's Digital Agency issuer keys are built in (trust_add_default()).
 *
 * struct trust is opaque; the caller frees it with trust_free(). Lookups hand out keys the
 * caller frees with sig_key_free().
 */
#ifndef PASSGATE_TRUST_H
#define PASSGATE_TRUST_H

#include <stddef.h>
#include <stdint.h>

struct trust;
struct sig_key;

/* Open (creating if needed) the store at @path; NULL means a private in-memory store. */
int trust_open(const char *path, struct trust **ret);
/* A private in-memory copy of the store file at @path (read, never written), for one CLI run
 * that adds its own keys on top (`passgate verify --state-dir`). -ENOENT when there is no file. */
int trust_open_snapshot(const char *path, struct trust **ret);
void trust_free(struct trust *t);

/* A private in-memory copy of @t, for changes that must happen all or nothing: change the copy,
 * then trust_replace(). */
int trust_copy(const struct trust *t, struct trust **ret);
/* @t takes over the contents of @from, which is freed (invalid after the call); what @t held is
 * freed, so every key borrowed from it is gone. */
void trust_replace(struct trust *t, struct trust *from);

/* Add the built-in default issuers (Japan's Digital Agency). Idempotent. */
int trust_add_default(struct trust *t);

/* Import the JWKS @json for SHC issuer @iss. -EINVAL on a malformed key set or key
 * (wrong kty/crv/use/alg, kid not the RFC 7638 thumbprint, a private key). */
int trust_import_jwks(struct trust *t, const char *iss, const char *json, size_t len);

/* Import a DCC signer certificate, PEM or DER. Its kid is SHA-256(DER)[0..8]. */
int trust_import_cert(struct trust *t, const uint8_t *data, size_t len);

/* Import an SHC revocation list (CRL JSON, SHC spec "Revocation") for @iss. */
int trust_import_crl(struct trust *t, const char *iss, const char *json, size_t len);

/*
 * Import a DCC revocation list: one batch of the EU DCC gateway's revocation format, or a JSON
 * array of batches (trust_revoke.c; docs/credentials-dcc.md "Revocation"). Entries add to what
 * the store holds. -EINVAL on anything malformed (nothing changes): a hash type other than
 * UCI, SIGNATURE or COUNTRYCODEUCI, a hash that is not 16 bytes, a batch of 0 or more than 1000
 * entries, more than TRUST_DCC_REVOKED_MAX entries in all. *ret_entries (may be NULL) gets the
 * number of entries read.
 */
#define TRUST_DCC_REVOKED_MAX 100000
int trust_import_dcc_revocation(struct trust *t, const char *json, size_t len, size_t *ret_entries);

/* Import a VCI directory snapshot (participating_issuers: iss, name). */
int trust_import_vci(struct trust *t, const char *json, size_t len);

/* Remove everything the store holds for @id: an SHC issuer URL or a DCC kid (base64). */
int trust_remove(struct trust *t, const char *id);

/* Calls @fn once per stored key with a one-line JSON description; stops when @fn returns < 0. */
int trust_list(const struct trust *t, int (*fn)(const char *json_line, void *userdata),
	       void *userdata);

#endif
