/* SPDX-License-Identifier: MIT */
/*
 * daykeys.h - the venue's day keys, delivered by the city sealed to this kiosk, held in locked
 * memory only (DESIGN.md "Events and MQTT"; docs/events.md "Day keys").
 *
 * The kiosk owns an X25519 key pair; the secret is a file under the state directory, created on
 * first start (mode 0600), and the public key is what the city seals to (`passgate events
 * pubkey`). The city sends, on the kiosk's retained daykeys topic and signed (cityupdate.h), a
 * libsodium sealed box (crypto_box_seal) whose plaintext is
 *
 *   {"v":1, "venue":"<venue id>",
 *    "keys":[{"from":<unix s>, "until":<unix s>, "k":"<base64url of K_venue_day, 32 bytes>"}, ...]}
 *
 * Each key is valid in [from, until) (the city defines its day, in the venue's time zone). At
 * most two keys are held, the current and the next; a key is wiped (sodium_memzero) as soon as
 * its `until` has passed. Keys never touch the disk. A struct daykeys is owned by the caller and
 * freed with daykeys_free(), which wipes everything.
 */
#ifndef PASSGATE_DAYKEYS_H
#define PASSGATE_DAYKEYS_H

#include <stddef.h>
#include <stdint.h>

#define DAYKEYS_HELD	     2
#define DAYKEYS_KEY_LEN	     32
#define DAYKEYS_PUBKEY_LEN   32
#define DAYKEYS_PUBKEY_B64   45 /* standard base64 of 32 bytes with padding, + NUL */
#define DAYKEYS_PLAIN_MAX    4096
#define DAYKEYS_KEYPAIR_FILE "kiosk-x25519.key"

struct daykeys;

/* Load the kiosk key pair from @state_dir (creating it when absent). @venue is copied. */
int daykeys_new(const char *state_dir, const char *venue, struct daykeys **ret);
void daykeys_free(struct daykeys *dk);

void daykeys_public_key(const struct daykeys *dk, uint8_t pk[DAYKEYS_PUBKEY_LEN]);
/* The public key in standard base64, for the city's registry. */
void daykeys_public_key_base64(const struct daykeys *dk, char out[DAYKEYS_PUBKEY_B64]);

/*
 * Open a sealed box and take its keys (daykeys_accept_plain()). Returns the number of keys held
 * afterwards, or -EBADMSG (not for this kiosk, malformed, wrong venue), other -errno.
 */
int daykeys_accept_sealed(struct daykeys *dk, const uint8_t *box, size_t len, int64_t now);
/* Take the keys of a plaintext key message (above). Keys already expired at @now are ignored. */
int daykeys_accept_plain(struct daykeys *dk, const char *json, size_t len, int64_t now);

/* Wipe the keys whose day has ended; returns the number still held. */
int daykeys_expire(struct daykeys *dk, int64_t now);
/* The venue key valid at @now (borrowed until the next call on @dk), or NULL. Expires first. */
const uint8_t *daykeys_current(struct daykeys *dk, int64_t now);
/* The next time after @now a key starts or ends (for the daemon's timer), or INT64_MAX. */
int64_t daykeys_deadline(const struct daykeys *dk, int64_t now);

/* The city side (tests, tools): seal @len bytes to @pk; *ret (malloc'ed) has crypto_box_SEALBYTES
 * more. */
int daykeys_seal(const uint8_t pk[DAYKEYS_PUBKEY_LEN], const uint8_t *msg, size_t len,
		 uint8_t **ret, size_t *ret_len);

#endif
