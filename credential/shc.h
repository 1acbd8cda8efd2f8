/* SPDX-License-Identifier: MIT */
/*
 * shc.h - the SMART Health Card verifier (spec v1.4): "shc:/" numeric QR text or a compact JWS
 * in, one verified, normalized credential out. Policy choices: docs/credentials.md.
 *
 * shc:/ numeric -> JWS (ES256, zip DEF, kid) -> raw DEFLATE (bounded) -> JSON bounds -> claims
 * (iss https, exact) -> key by kid within iss only -> signature -> nbf/exp (CRED_CLOCK_SKEW)
 * -> revocation (rid, when a CRL is held) -> FHIR bundle -> struct cred.
 */
#ifndef PASSGATE_SHC_H
#define PASSGATE_SHC_H

#include <stddef.h>
#include <stdint.h>

#include "credential/cred.h"

struct trust;

#define SHC_ISSUER_VC_TYPE "https://smarthealth.cards#health-card"

/* Same contract as cred_verify() (verify.h), for text that starts with "shc:/" or is a compact
 * JWS (surrounding whitespace already removed by the caller). */
int shc_verify(const struct trust *t, const char *text, size_t len, int64_t now, struct cred *ret,
	       enum cred_status *ret_status);

/* Numeric QR text "shc:/<digits>" (or the single-chunk "shc:/1/1/<digits>") to JWS text
 * (SHC spec "Encoding Chunks as QR codes": each digit pair + 45 is one character).
 * *ret freed with free(). -EBADMSG on odd length, a pair above 77, a non-digit, or a chunked
 * header ("shc:/N/M/" with M > 1, chunking is deprecated); -ENOMEM. */
int shc_numeric_decode(const char *text, size_t len, char **ret, size_t *ret_len);

/* The inflated payload JSON @json (@len bytes) to a credential, without any signature or time
 * check: claims (iss, nbf, exp) and the FHIR bundle. *ret_status CRED_OK, CRED_E_SYNTAX or
 * CRED_E_SCHEMA. Returns 0 or -ENOMEM. Used by shc_verify() after the signature, and by the
 * fuzz target. */
int shc_parse_payload(const char *json, size_t len, struct cred *ret, enum cred_status *ret_status);

/* The first JWS of a ".smart-health-card" file ({"verifiableCredential": [jws, ...]}).
 * *ret freed with free(). -EINVAL when the file is not of that shape. */
int shc_file_first_jws(const char *json, size_t len, char **ret);

/* The passgate test kind of an SHC Observation LOINC code (PROGRAMS.md table). */
enum cred_test_kind shc_loinc_kind(const char *loinc);
/* A LOINC code that shc_loinc_kind() maps to @kind, for minting; NULL for UNKNOWN. */
const char *shc_kind_loinc(enum cred_test_kind kind);
/* The result of a SNOMED CT result code (PROGRAMS.md). */
enum cred_test_result shc_snomed_result(const char *code);

#endif
