/* SPDX-License-Identifier: MIT */
/*
 * cose.h - COSE_Sign1 messages (RFC 9052 §4.2) as EU DCCs carry them: parsing, the
 * Sig_structure to verify (§4.4), and encoding for test issuers.
 *
 * A struct cose_sign1 is opaque and owns a copy of its input; the pointers its accessors hand
 * out are borrowed until cose_sign1_free().
 */
#ifndef PASSGATE_COSE_H
#define PASSGATE_COSE_H

#include <stddef.h>
#include <stdint.h>

struct cose_sign1;

/* COSE algorithm identifiers (RFC 9053 §2.1, RFC 8230 §2). */
#define COSE_ALG_ES256 (-7)
#define COSE_ALG_PS256 (-37)

/* Header labels (RFC 9052 §3.1). */
#define COSE_HEADER_ALG 1
#define COSE_HEADER_KID 4

/* The longest kid we accept; a DCC kid is 8 bytes. */
#define COSE_KID_MAX 64

/*
 * Parse the COSE_Sign1 message @data (@len bytes, the whole input): untagged, with tag 18
 * (COSE_Sign1), or tag 61 (CWT) around tag 18. The protected header must be a byte string
 * holding a map (or empty); alg (1) and kid (4) are taken from it, and from the unprotected
 * map only when the protected one lacks them ("protected wins"). The payload must be present
 * (not detached). -EBADMSG on any structural error or trailing bytes, -E2BIG when the CBOR
 * exceeds the bounds of verify.h, -ENOMEM. The caller frees *ret with cose_sign1_free().
 */
int cose_sign1_parse(const uint8_t *data, size_t len, struct cose_sign1 **ret);
void cose_sign1_free(struct cose_sign1 *m);

/* The alg header value, or 0 when neither header has one. */
int64_t cose_sign1_alg(const struct cose_sign1 *m);
/* The kid (borrowed); -ENOENT when neither header has one. */
int cose_sign1_kid(const struct cose_sign1 *m, const uint8_t **ret, size_t *ret_len);
/* The payload (the CWT) and the signature, borrowed. */
void cose_sign1_payload(const struct cose_sign1 *m, const uint8_t **ret, size_t *ret_len);
void cose_sign1_signature(const struct cose_sign1 *m, const uint8_t **ret, size_t *ret_len);

/*
 * The bytes that were signed: Sig_structure ["Signature1", protected, external_aad = h'',
 * payload] (RFC 9052 §4.4). *ret is freed with free().
 */
int cose_sign1_to_be_signed(const struct cose_sign1 *m, uint8_t **ret, size_t *ret_len);
int cose_sig_structure(const uint8_t *protected_hdr, size_t protected_len, const uint8_t *payload,
		       size_t payload_len, uint8_t **ret, size_t *ret_len);

/*
 * Encode COSE_Sign1 with tag 18: [protected, {} , payload, signature]. *ret freed with free().
 */
int cose_sign1_encode(const uint8_t *protected_hdr, size_t protected_len, const uint8_t *payload,
		      size_t payload_len, const uint8_t *sig, size_t sig_len, uint8_t **ret,
		      size_t *ret_len);

#endif
