/* SPDX-License-Identifier: MIT */
/*
 * verify.h - one QR text in, one verified, normalized credential out, offline.
 *
 * cred_verify() is the whole credential pipeline of DESIGN.md: it recognises the prefix
 * (shc:/, a compact JWS, HC1:), decodes, inflates with a hard limit, parses, looks up the key
 * in the trust store, checks the signature and the validity period, and normalizes. It never
 * logs; the status names the first step that failed.
 */
#ifndef PASSGATE_VERIFY_H
#define PASSGATE_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "credential/cred.h"

struct trust;

/* Bounds on outsider-controlled input (DESIGN.md, failure rules; issue 2, acceptance 5). */
#define CRED_MAX_TEXT     8192  /* QR text bytes; more is CRED_E_SYNTAX */
#define CRED_MAX_INFLATED 65536 /* inflated payload bytes; more is CRED_E_INFLATE */
#define CRED_MAX_DEPTH    32    /* JSON/CBOR nesting; deeper is CRED_E_SYNTAX */
#define CRED_MAX_ARRAY    64    /* entries of any one array; more is CRED_E_SYNTAX */

/* Clock skew tolerated on nbf/iat (not yet valid) and exp, in seconds. Documented in docs/. */
#define CRED_CLOCK_SKEW 300

/*
 * Verify @text (@len bytes, not necessarily NUL-terminated) at Unix time @now against @trust.
 * On return *ret_status says what happened; *ret is filled when the status is CRED_OK, and
 * otherwise holds whatever was learned before the failure (format, issuer, kid), the rest zero.
 * Returns 0 when a verdict was reached (valid or not), or -errno on an internal failure
 * (-ENOMEM), in which case *ret_status is not meaningful. The caller owns *ret and should
 * cred_wipe() it when done.
 */
int cred_verify(const struct trust *trust, const char *text, size_t len, int64_t now,
		struct cred *ret, enum cred_status *ret_status);

#endif
