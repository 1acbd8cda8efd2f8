/* SPDX-License-Identifier: MIT */
/*
 * receiptkeys.h - the receipt keys of the city's kiosks, as the city distributes them in its
 * signed trust update (cityupdate.h), so that a kiosk can check a receipt code printed by any
 * kiosk of its city (docs/codes.md "Receipt keys"):
 *
 *   {..., "receipt_keys":[{"venue":"<id>","kiosk":"<id>","key":"<base64 Ed25519 public key>"},
 *                         ...]}
 *
 * An update that carries the member replaces the whole list (a kiosk the city removed is no
 * longer trusted); one without it leaves the list as it was. All or nothing: one bad entry
 * refuses the update. The caller owns a struct receiptkeys and frees it with
 * receiptkeys_free(). Nothing here logs.
 */
#ifndef PASSGATE_RECEIPTKEYS_H
#define PASSGATE_RECEIPTKEYS_H

#include <stddef.h>
#include <stdint.h>

#define RECEIPTKEYS_MAX	   4096 /* kiosks of one city */
#define RECEIPTKEYS_PK_LEN 32

struct receiptkeys;

int receiptkeys_new(struct receiptkeys **ret);
void receiptkeys_free(struct receiptkeys *rk);

/*
 * Take the "receipt_keys" member of a verified trust update body. Returns the number of keys
 * held afterwards, -ENOENT when the body has no such member (nothing changed), -EBADMSG when
 * the body or an entry is malformed, a venue/kiosk pair is listed twice or there are more than
 * RECEIPTKEYS_MAX (nothing changed), -ENOMEM.
 */
int receiptkeys_import(struct receiptkeys *rk, const uint8_t *body, size_t len);

/* Add or replace one kiosk's key (tests, `passgate check --receipt-key`). -EINVAL, -ENOSPC. */
int receiptkeys_add(struct receiptkeys *rk, const char *venue, const char *kiosk,
		    const uint8_t pk[RECEIPTKEYS_PK_LEN]);

/* The key of (@venue, @kiosk), borrowed until @rk changes, or NULL. */
const uint8_t *receiptkeys_find(const struct receiptkeys *rk, const char *venue, const char *kiosk);

/* receiptkeys_find() in the shape receiptcode_read() asks for (@ud is the struct receiptkeys). */
const uint8_t *receiptkeys_lookup(const char *venue, const char *kiosk, void *ud);

size_t receiptkeys_count(const struct receiptkeys *rk);

#endif
