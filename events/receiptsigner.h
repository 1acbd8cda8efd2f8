/* SPDX-License-Identifier: MIT */
/*
 * receiptsigner.h - the kiosk's own Ed25519 receipt key, which signs the receipt codes it
 * prints (receiptcode.h). Created on first use like the day-key pair (keyfile.h:
 * "<state>/kiosk-receipt-ed25519.key", the 32-byte seed, mode 0600), shown by
 * `passgate events pubkey`, registered with the city, which lists it in its signed trust update
 * for every kiosk of the city (receiptkeys.h). The secret lives in sodium_malloc() memory. The
 * caller frees a struct receiptsigner with receiptsigner_free(), which wipes it.
 */
#ifndef PASSGATE_RECEIPTSIGNER_H
#define PASSGATE_RECEIPTSIGNER_H

#include <stdint.h>

#include "events/receiptcode.h"

#define RECEIPTSIGNER_FILE   "kiosk-receipt-ed25519.key"
#define RECEIPTSIGNER_PK_B64 45 /* standard base64 of 32 bytes with padding, + NUL */

struct receiptsigner;

int receiptsigner_new(const char *state_dir, struct receiptsigner **ret);
void receiptsigner_free(struct receiptsigner *rs);

void receiptsigner_public_key(const struct receiptsigner *rs, uint8_t pk[32]);
void receiptsigner_public_key_base64(const struct receiptsigner *rs,
				     char out[RECEIPTSIGNER_PK_B64]);

/* The code text of @rc, signed; *ret freed by the caller with free(). Returns its length or
 * -EINVAL (a field out of bounds), -ENOMEM. */
int receiptsigner_issue(const struct receiptsigner *rs, const struct receiptcode *rc, char **ret);

#endif
