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

#endif
