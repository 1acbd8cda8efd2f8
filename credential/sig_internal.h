/* SPDX-License-Identifier: MIT */
/*
 * sig_internal.h - what the two files of the signature module (sig.c: keys, signatures,
 * digests; sig_cert.c: certificates, PS256, PEM) share, and nothing else may include: the
 * layout of struct sig_key. OpenSSL stays inside these two files (DESIGN.md).
 *
 * A struct sig_key owns exactly one EVP_PKEY. It is allocated with calloc() and freed by
 * sig_key_free() (sig.c) with EVP_PKEY_free() + free(), whichever file created it.
 */
#ifndef PASSGATE_SIG_INTERNAL_H
#define PASSGATE_SIG_INTERNAL_H

#include <openssl/evp.h>

#include "credential/sig.h"

struct sig_key {
	EVP_PKEY *pkey;
};

/* A new sig_key owning @pkey (sig.c). On -ENOMEM @pkey is freed: either way the caller no longer
 * owns it. */
int sig_key_wrap(EVP_PKEY *pkey, struct sig_key **ret);

#endif
