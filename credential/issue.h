/* SPDX-License-Identifier: MIT */
/*
 * issue.h - minting signed test credentials: `passgate issue-test`, the demo's sample QR codes
 * and the tests. The content comes from a struct cred (names, birth date, doses, tests); the
 * result is the QR text. Never used on the verification path.
 */
#ifndef PASSGATE_ISSUE_H
#define PASSGATE_ISSUE_H

#include <stdint.h>

#include "credential/cred.h"

struct sig_key;

/*
 * An SHC (spec v1: JWS, ES256, zip DEF, FHIR bundle of Patient + Immunization / Observation)
 * signed by private key @key with header kid @kid, claim iss @iss, nbf @nbf (and exp @exp
 * unless 0), as numeric "shc:/..." text; a non-empty c->cert_id becomes vc.rid (the SHC
 * revocation id). *ret_text is freed with free().
 */
int issue_shc(const struct sig_key *key, const char *kid, const char *iss, const struct cred *c,
	      int64_t nbf, int64_t exp, char **ret_text);

/*
 * The lower layers of issue_shc(), for tests that sign payloads of their own (conformance):
 * @payload JSON text, raw-DEFLATEd and signed with header {"zip":"DEF","alg":"ES256","kid"}
 * into a compact JWS; and a JWS as numeric "shc:/" text. Results freed with free().
 */
int issue_shc_jws(const struct sig_key *key, const char *kid, const char *payload, size_t len,
		  char **ret_jws);
int issue_shc_numeric(const char *jws, char **ret_text);

/*
 * An EU DCC (hcert v1.3: CWT in COSE_Sign1, ES256, protected kid) signed by @key with kid
 * @kid (8 bytes), issuer country @country, iat/exp, as "HC1:..." text. A DCC holds one
 * entry: the latest dose of @c (its number as dn, sd, dt), else its first test or recovery.
 */
int issue_dcc(const struct sig_key *key, const uint8_t kid[8], const char *country,
	      const struct cred *c, int64_t iat, int64_t exp, char **ret_text);

#endif
