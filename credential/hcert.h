/* SPDX-License-Identifier: MIT */
/*
 * hcert.h - the CWT payload of an EU DCC (RFC 8392 claims + hcert v1.3 "eu_dgc_v1" content)
 * into the normalized record of cred.h.
 */
#ifndef PASSGATE_HCERT_H
#define PASSGATE_HCERT_H

#include <stddef.h>
#include <stdint.h>

#include "credential/cred.h"

/*
 * Parse the CWT @cwt (the COSE payload). Claims: 1 iss -> c->issuer, 4 exp, 6 iat, and
 * -260 -> 1 -> the DCC (docs/credentials-dcc.md lists the fields and checks). Fills @c (all
 * but format and kid) and sets *ret_status: CRED_OK; CRED_E_SYNTAX when the CBOR is malformed,
 * over the bounds of verify.h, not a map, or a claim has the wrong type; CRED_E_SCHEMA when the
 * hcert content is missing or does not follow the schema (exactly one of v/t/r with exactly
 * one entry, required fields, date patterns, a birth date after issuance, ...). Returns 0 when
 * a status was reached, -ENOMEM otherwise. @c is wiped first; on failure it keeps only issuer,
 * issued_at and expires_at. *ret_usage (optional) receives the enum sig_usage bits of the
 * groups present (v, t, r), even when the content fails the schema checks.
 */
int hcert_parse(const uint8_t *cwt, size_t len, struct cred *c, unsigned *ret_usage,
		enum cred_status *ret_status);

/*
 * An ISO 8601 date-time with seconds ("2021-04-25T12:45:31Z"; fractions and offsets as
 * isotime_scan() reads them; no offset means UTC) as Unix seconds. -EINVAL when it is not one.
 */
int hcert_parse_datetime(const char *s, int64_t *ret);

#endif
