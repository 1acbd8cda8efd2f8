/* SPDX-License-Identifier: MIT */
/*
 * jwk.h - P-256 JSON Web Keys (RFC 7517, RFC 7518 §6.2) as SMART Health Card issuers publish
 * them, with the RFC 7638 thumbprint that the SHC spec makes the kid ("Generating and resolving
 * cryptographic keys"). Used by the trust store (import) and by `passgate issue-test` (export).
 */
#ifndef PASSGATE_JWK_H
#define PASSGATE_JWK_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "credential/cred.h"

struct sig_key;

#define JWK_THUMBPRINT_LEN 43 /* base64url of SHA-256, no padding */

/*
 * Check one SHC issuer key @jwk and build its key: kty "EC", crv "P-256", alg "ES256",
 * use "sig" (when present), x/y 32 bytes in canonical base64url and on the curve, kid equal to
 * the RFC 7638 thumbprint, and no private part "d" unless @allow_private (then *ret has it).
 * *ret_kid receives the kid; *ret_crl_version the "crlVersion" member or 0.
 * -EINVAL when the key is not acceptable, -ENOMEM.
 */
int jwk_parse_p256(const json_t *jwk, bool allow_private, char ret_kid[CRED_KID_MAX],
		   int64_t *ret_crl_version, struct sig_key **ret);

/* The RFC 7638 thumbprint of the P-256 point (@x, @y), NUL-terminated. */
void jwk_thumbprint_p256(const uint8_t x[32], const uint8_t y[32],
			 char ret[JWK_THUMBPRINT_LEN + 1]);

/* @k as a JWK object {kty,kid,use,alg,crv,x,y[,d]}; "d" only when @with_private. */
int jwk_from_key(const struct sig_key *k, bool with_private, json_t **ret);

#endif
