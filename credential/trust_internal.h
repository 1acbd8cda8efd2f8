/* SPDX-License-Identifier: MIT */
/*
 * trust_internal.h - what the trust store's files (trust.c, trust_cert.c) and the verifiers
 * (shc.c, dcc.c) share, and nothing else may use. SQLite stays inside the trust store files.
 *
 * Schema (created by trust_open(), version in PRAGMA user_version):
 *   shc_issuer(iss TEXT PRIMARY KEY, name TEXT, source TEXT)        -- source: default|import|vci
 *   shc_key(iss TEXT, kid TEXT, spki BLOB, crl_version INTEGER,      -- kid = RFC 7638 thumbprint
 *           PRIMARY KEY(iss, kid))                                  -- crl_version: JWK crlVersion
 *   shc_crl(iss TEXT, kid TEXT, method TEXT, ctr INTEGER, PRIMARY KEY(iss, kid))
 *   shc_revoked(iss TEXT, kid TEXT, rid TEXT, before INTEGER,       -- before: 0 = always
 *               PRIMARY KEY(iss, kid, rid))
 *   dcc_cert(kid BLOB, der BLOB, not_before INTEGER, not_after INTEGER, usage INTEGER,
 *            country TEXT, PRIMARY KEY(kid, der))                   -- kid: 8 bytes
 *   dcc_revoked(hash_type INTEGER, hash BLOB, kid BLOB, country TEXT, expires INTEGER,
 *               PRIMARY KEY(hash_type, hash, kid))                  -- hash: 16 bytes; kid: 8
 *                                                                   -- bytes, x'' = any signer
 */
#ifndef PASSGATE_TRUST_INTERNAL_H
#define PASSGATE_TRUST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "credential/trust.h"

struct sig_key;

/*
 * SHC: the key @kid of issuer @iss. -ENOENT when the issuer is not trusted at all,
 * -ENOKEY when the issuer is trusted but has no key @kid (looked up only inside that issuer's
 * key set, never another's). The caller frees *ret with sig_key_free().
 */
int trust_find_shc_key(const struct trust *t, const char *iss, const char *kid,
		       struct sig_key **ret);

/* The same lookup, handing out a prepared ES256 verifier of that key, borrowed: valid until the
 * store changes (an import or removal) or is freed. The scan path uses this one. */
struct sig_verifier;
int trust_shc_verifier(const struct trust *t, const char *iss, const char *kid,
		       struct sig_verifier **ret);

/* SHC revocation (spec "Revocation"): is @rid (already "rid" or "rid.timestamp" split by the
 * caller into @rid and @iat-bound) revoked for (@iss, @kid)? *ret false when no CRL is held. */
int trust_shc_revoked(const struct trust *t, const char *iss, const char *kid, const char *rid,
		      int64_t issued_at, bool *ret);

/* Is @iss an acceptable SHC issuer name: https, no trailing slash, no spaces, bounded. */
bool trust_shc_iss_valid(const char *iss);

/* DCC, the verifier's hot path: call @fn for each stored signer certificate whose kid is @kid
 * (collisions are possible; the caller tries each), with the facts recorded at import
 * (validity, usage bits, country; kid = @kid), so that it need not parse the certificate again
 * Stops early when @fn returns non-zero and returns that value; returns 0 when
 * every call returned 0 (or there was none), -errno on a store failure. */
struct sig_cert_info;
int trust_for_each_dcc_signer(const struct trust *t, const uint8_t kid[8],
			      int (*fn)(const struct sig_cert_info *info, const uint8_t *der,
					size_t len, void *userdata),
			      void *userdata);

/*
 * The signer key of DCC certificate @der (as trust_for_each_dcc_signer() hands it out), parsed
 * once and kept while the store is unchanged; for a P-256 key also a prepared ES256 verifier
 * (else *ret_verifier is NULL). Both are borrowed until the next change of the store.
 */
struct sig_verifier;
int trust_dcc_signer(const struct trust *t, const uint8_t *der, size_t len,
		     struct sig_key **ret_key, struct sig_verifier **ret_verifier);

/* The store's database handle, for trust_cert.c. Typed void to keep sqlite3.h in the .c files. */
void *trust_db(const struct trust *t);

/* A transaction of the store's other files (trust_revoke.c): trust_begin() empties the key
 * cache and begins; trust_end() commits when @r >= 0, else rolls back, and returns @r or the
 * commit's failure. */
int trust_begin(struct trust *t);
int trust_end(struct trust *t, int r);

/* The prepared dcc_revoked lookup (trust_revoke.c), owned by the store. */
void *trust_revoked_stmt(const struct trust *t);

/*
 * DCC revocation (the EU gateway's DCC revocation lists, docs/credentials-dcc.md "Revocation"):
 * is the 16-byte @hash of type @type listed, for the signer @kid (8 bytes) or for any signer?
 * *ret is false when it is not. 0, or -EIO on a store failure.
 */
enum trust_dcc_hash {
	TRUST_DCC_HASH_UCI = 1,		   /* SHA-256(ci) */
	TRUST_DCC_HASH_SIGNATURE = 2,	   /* SHA-256(signature; ES256: r only) */
	TRUST_DCC_HASH_COUNTRYCODEUCI = 3, /* SHA-256(CWT iss ‖ ci) */
};
#define TRUST_DCC_HASH_LEN 16
int trust_dcc_revoked(const struct trust *t, enum trust_dcc_hash type,
		      const uint8_t hash[TRUST_DCC_HASH_LEN], const uint8_t kid[8], bool *ret);

/* trust_list()'s lines for DCC revocations, one per (country, kid, hash type). */
int trust_list_dcc_revocations(const struct trust *t,
			       int (*fn)(const char *json_line, void *userdata), void *userdata);

#endif
