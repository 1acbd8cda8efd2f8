/* SPDX-License-Identifier: MIT */
/*
 * trust_default.h - the built-in trust: Japan's Digital Agency SHC issuer key set, embedded at
 * build time from credential/trust-default/ (the generated trust_default_data.c), so that the
 * CLI and the daemon need no data path to verify Japan's certificates.
 */
#ifndef PASSGATE_TRUST_DEFAULT_H
#define PASSGATE_TRUST_DEFAULT_H

#include <stddef.h>

#define TRUST_DEFAULT_ISS  "https://vc.vrs.digital.go.jp/issuer"
#define TRUST_DEFAULT_NAME "Digital Agency, Japan"

extern const char trust_default_jwks[];
extern const size_t trust_default_jwks_len;

#endif
