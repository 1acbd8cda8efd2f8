/* SPDX-License-Identifier: MIT */
/*
 * daykeys.c - the kiosk's X25519 key pair and the venue day keys the city seals to it.
 *
 * libsodium sealed boxes (crypto_box_seal: an ephemeral X25519 sender, XSalsa20-Poly1305), so
 * only this kiosk can read its keys even though the topic is retained on a shared broker. Every
 * secret lives in sodium_malloc() memory: locked (no swap), guarded, wiped on free. The plaintext
 * is JSON from the network after authentication, still checked strictly and bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "events/daykeys.h"
#include "events/keyfile.h"

struct held {
	int64_t from, until;
	uint8_t key[DAYKEYS_KEY_LEN];
	bool used;
};

/* Lives in sodium_malloc() memory, whole. */
struct secrets {
	uint8_t sk[crypto_box_SECRETKEYBYTES];
	struct held keys[DAYKEYS_HELD];
};

struct daykeys {
	char venue[65];
	uint8_t pk[crypto_box_PUBLICKEYBYTES];
	struct secrets *s;
};

static int load_keypair(const char *state_dir, uint8_t *sk)
{
	return keyfile_load(state_dir, DAYKEYS_KEYPAIR_FILE, sk, crypto_box_SECRETKEYBYTES);
}

int daykeys_new(const char *state_dir, const char *venue, struct daykeys **ret)
{
	struct daykeys *dk;
	int r;

	if (!venue || strlen(venue) >= sizeof(dk->venue))
		return -EINVAL;
	if (sodium_init() < 0)
		return -EIO;
	dk = calloc(1, sizeof(*dk));
	if (!dk)
		return -ENOMEM;
	dk->s = sodium_malloc(sizeof(*dk->s));
	if (!dk->s) {
		r = -ENOMEM;
		goto free_dk;
	}
	sodium_memzero(dk->s, sizeof(*dk->s));
	r = load_keypair(state_dir, dk->s->sk);
	if (r < 0)
		goto free_secrets;
	crypto_scalarmult_base(dk->pk, dk->s->sk);
	snprintf(dk->venue, sizeof(dk->venue), "%s", venue);
	*ret = dk;
	return 0;
free_secrets:
	sodium_free(dk->s); /* wipes */
free_dk:
	free(dk);
	return r;
}

void daykeys_free(struct daykeys *dk)
{
	if (!dk)
		return;
	sodium_free(dk->s);
	free(dk);
}

void daykeys_public_key(const struct daykeys *dk, uint8_t pk[DAYKEYS_PUBKEY_LEN])
{
	memcpy(pk, dk->pk, DAYKEYS_PUBKEY_LEN);
}

void daykeys_public_key_base64(const struct daykeys *dk, char out[DAYKEYS_PUBKEY_B64])
{
	sodium_bin2base64(out, DAYKEYS_PUBKEY_B64, dk->pk, sizeof(dk->pk),
			  sodium_base64_VARIANT_ORIGINAL);
}

static void wipe(struct held *h)
{
	sodium_memzero(h, sizeof(*h));
}

int daykeys_expire(struct daykeys *dk, int64_t now)
{
	int n = 0;

	for (int i = 0; i < DAYKEYS_HELD; i++) {
		if (dk->s->keys[i].used && dk->s->keys[i].until <= now)
			wipe(&dk->s->keys[i]);
		n += dk->s->keys[i].used;
	}
	return n;
}

/* Keep @cand if it is among the DAYKEYS_HELD earliest-ending keys (current first, then next). */
static void offer(struct daykeys *dk, const struct held *cand)
{
	struct held *free_slot = NULL, *latest = NULL;

	for (int i = 0; i < DAYKEYS_HELD; i++) {
		struct held *h = &dk->s->keys[i];

		if (h->used && h->from == cand->from && h->until == cand->until) {
			*h = *cand; /* a resend or a replacement of the same day */
			return;
		}
		if (!h->used && !free_slot)
			free_slot = h;
		if (h->used && (!latest || h->until > latest->until))
			latest = h;
	}
	if (free_slot)
		*free_slot = *cand;
	else if (latest && latest->until > cand->until)
		*latest = *cand;
}

int daykeys_accept_plain(struct daykeys *dk, const char *json, size_t len, int64_t now)
{
	json_t *root, *keys, *k;
	json_error_t err;
	struct held *cand;
	size_t i;
	int r = -EBADMSG;

	if (len == 0 || len > DAYKEYS_PLAIN_MAX)
		return -EBADMSG;
	cand = sodium_malloc(sizeof(*cand) * 8);
	if (!cand)
		return -ENOMEM;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (!json_is_object(root) || json_integer_value(json_object_get(root, "v")) != 1 ||
	    !json_is_string(json_object_get(root, "venue")) ||
	    strcmp(json_string_value(json_object_get(root, "venue")), dk->venue) != 0)
		goto free_root;
	keys = json_object_get(root, "keys");
	if (!json_is_array(keys) || json_array_size(keys) > 8)
		goto free_root;
	json_array_foreach(keys, i, k)
	{
		json_t *from = json_object_get(k, "from"), *until = json_object_get(k, "until");
		const char *b64 = json_string_value(json_object_get(k, "k"));
		size_t bin_len = 0;

		if (!json_is_integer(from) || !json_is_integer(until) || !b64)
			goto wipe_cand;
		cand[i].from = json_integer_value(from);
		cand[i].until = json_integer_value(until);
		/* A "day" of at most 48 hours: a city error must not pin one key for weeks. */
		if (cand[i].from < 0 || cand[i].until <= cand[i].from ||
		    cand[i].until - cand[i].from > 48 * 3600)
			goto wipe_cand;
		if (sodium_base642bin(cand[i].key, DAYKEYS_KEY_LEN, b64, strlen(b64), NULL,
				      &bin_len, NULL,
				      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
		    bin_len != DAYKEYS_KEY_LEN)
			goto wipe_cand;
		cand[i].used = true;
	}
	daykeys_expire(dk, now);
	for (i = 0; i < json_array_size(keys); i++)
		if (cand[i].until > now)
			offer(dk, &cand[i]);
	r = daykeys_expire(dk, now);
wipe_cand:
	/* The base64 text of the keys stays in jansson's heap until freed; it is overwritten
	 * there as far as the API allows: each string is replaced before the decref. */
	json_array_foreach(keys, i, k)
	{
		json_t *s = json_object_get(k, "k");

		if (json_is_string(s)) {
			size_t n = json_string_length(s);

			sodium_memzero((void *)(uintptr_t)json_string_value(s), n);
		}
	}
free_root:
	json_decref(root);
	sodium_free(cand);
	return r;
}

int daykeys_accept_sealed(struct daykeys *dk, const uint8_t *box, size_t len, int64_t now)
{
	unsigned char *plain;
	size_t plain_len;
	int r;

	if (len <= crypto_box_SEALBYTES || len - crypto_box_SEALBYTES > DAYKEYS_PLAIN_MAX)
		return -EBADMSG;
	plain_len = len - crypto_box_SEALBYTES;
	plain = sodium_malloc(plain_len);
	if (!plain)
		return -ENOMEM;
	if (crypto_box_seal_open(plain, box, len, dk->pk, dk->s->sk) != 0)
		r = -EBADMSG;
	else
		r = daykeys_accept_plain(dk, (const char *)plain, plain_len, now);
	sodium_free(plain);
	return r;
}

const uint8_t *daykeys_current(struct daykeys *dk, int64_t now)
{
	daykeys_expire(dk, now);
	for (int i = 0; i < DAYKEYS_HELD; i++) {
		const struct held *h = &dk->s->keys[i];

		if (h->used && h->from <= now && now < h->until)
			return h->key;
	}
	return NULL;
}

int64_t daykeys_deadline(const struct daykeys *dk, int64_t now)
{
	int64_t next = INT64_MAX;

	for (int i = 0; i < DAYKEYS_HELD; i++) {
		const struct held *h = &dk->s->keys[i];

		if (!h->used)
			continue;
		if (h->until < next)
			next = h->until;
		if (h->from > now && h->from < next)
			next = h->from;
	}
	return next;
}

int daykeys_seal(const uint8_t pk[DAYKEYS_PUBKEY_LEN], const uint8_t *msg, size_t len,
		 uint8_t **ret, size_t *ret_len)
{
	uint8_t *out;

	if (sodium_init() < 0)
		return -EIO;
	out = malloc(len + crypto_box_SEALBYTES);
	if (!out)
		return -ENOMEM;
	if (crypto_box_seal(out, msg, len, pk) != 0) {
		free(out);
		return -EIO;
	}
	*ret = out;
	*ret_len = len + crypto_box_SEALBYTES;
	return 0;
}
