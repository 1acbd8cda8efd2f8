/* SPDX-License-Identifier: MIT */
/*
 * dcc.h - the EU Digital COVID Certificate verifier (hcert v1.3): "HC1:" text in, one verified,
 * normalized credential out. The pipeline and the policy for each data quirk are in
 * docs/credentials-dcc.md.
 *
 * HC1: prefix -> Base45 (RFC 9285) -> zlib (bounded, CRED_MAX_INFLATED) -> CBOR bounds check
 * -> COSE_Sign1 (RFC 9052 §4.2; untagged, tag 18, or tag 61 around tag 18) -> CWT claims
 * (RFC 8392: 1 iss, 4 exp, 6 iat, -260/1 hcert) -> trust store lookup by kid -> ES256/PS256
 * -> key usage (EKU OIDs) -> validity (cert.notBefore <= iat <= now <= exp <= cert.notAfter).
 */
#ifndef PASSGATE_DCC_H
#define PASSGATE_DCC_H

#include <stddef.h>
#include <stdint.h>

#include "credential/cred.h"

struct trust;

/*
 * Verify the DCC @text (@len bytes, not necessarily NUL-terminated; it must start with "HC1:")
 * at Unix time @now against @t. Same contract as cred_verify() (verify.h): returns 0 when a
 * verdict was reached and *ret_status says which (CRED_OK or the first step that failed); *ret
 * is filled on CRED_OK and otherwise holds what was learned before the failure (format, issuer,
 * kid), the rest zero. -ENOMEM (or another -errno) on an internal failure. The caller owns *ret
 * and should cred_wipe() it.
 */
int dcc_verify(const struct trust *t, const char *text, size_t len, int64_t now, struct cred *ret,
	       enum cred_status *ret_status);

/*
 * The stages after decoding, exported for the conformance runner, the fuzzers and the bench;
 * dcc_verify() runs them in this order.
 */
struct cose_sign1;
struct sig_cert_info;

/*
 * The signature (hcert §3.3): find the signer certificates of @m's kid (8 bytes) in @t and
 * check the ES256 or PS256 signature over the Sig_structure with each. *ret_status:
 * CRED_OK (then *ret_info, if non-NULL, describes the certificate that verified),
 * CRED_E_ISSUER_UNKNOWN (no kid, a kid that is not 8 bytes, or no certificate for it), or
 * CRED_E_SIGNATURE_INVALID (an algorithm other than ES256/PS256, a key of the wrong type,
 * or a signature that does not verify). Returns 0, or -errno on an internal failure.
 */
int dcc_check_signature(const struct trust *t, const struct cose_sign1 *m,
			struct sig_cert_info *ret_info, enum cred_status *ret_status);

/* Key usage: CRED_OK when a certificate allowing @cert_usage may sign a DCC holding the groups
 * @kinds (enum sig_usage bits: v, t, r), else CRED_E_KEY_USAGE. */
enum cred_status dcc_check_usage(unsigned cert_usage, unsigned kinds);

/*
 * Validity at @now (docs/credentials-dcc.md): cert.notBefore <= iat <= now <= exp <=
 * cert.notAfter, with CRED_CLOCK_SKEW allowed between iat/exp and @now. CRED_E_NOT_YET_VALID
 * when iat is in the future or before the certificate's notBefore; CRED_E_EXPIRED when exp
 * has passed, the certificate has expired, or exp is after the certificate's notAfter.
 * @info may be NULL to check the claims alone; iat/exp 0 mean absent.
 */
enum cred_status dcc_check_validity(const struct sig_cert_info *info, int64_t iat, int64_t exp,
				    int64_t now);

/*
 * The DCC revocation hashes of a DCC (the EU gateway's DCC revocation lists): the first 16
 * bytes of SHA-256 over the ci (UCI), over the COSE signature (SIGNATURE; for ES256 only its
 * first half, r), and over the CWT issuer (country code) followed by the ci (COUNTRYCODEUCI),
 * into ret[DCC_REVOCATION_*]. -ENODATA (the signature hash still computed) when @ci is empty,
 * -ENOMEM when a very long signature could not be copied.
 */
enum { DCC_REVOCATION_UCI = 0, DCC_REVOCATION_SIGNATURE, DCC_REVOCATION_COUNTRYCODEUCI };
int dcc_revocation_hashes(const struct cose_sign1 *m, const char *issuer, const char *ci,
			  uint8_t ret[3][16]);

/*
 * Revocation: *ret_status CRED_E_REVOKED when one of @m's hashes (with @issuer, the CWT iss,
 * and @ci, the certificate identifier) is listed in @t for @m's kid or for any signer, else
 * CRED_OK. Returns 0, or -errno on a store failure.
 */
int dcc_check_revocation(const struct trust *t, const struct cose_sign1 *m, const char *issuer,
			 const char *ci, enum cred_status *ret_status);

#endif
