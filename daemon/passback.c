/* SPDX-License-Identifier: MIT */
/*
 * passback.c - a bounded, keyed set of recently seen items with a time window: the repeat
 * hold-off and pass-back detection of the kiosk (see passback.h).
 *
 * The item is never stored: only its HMAC-SHA256 under a per-start random key (sig_random,
 * sig_hmac_sha256 from the signature module), cut to 16 bytes. The first 8 bytes of the MAC
 * pick the set, and a set holds 8 entries; a lookup compares at most 8 MACs, so the cost is
 * constant whatever the load.
 */
#include "daemon/passback.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "credential/sig.h"

#define WAYS	8
#define MAC_LEN 16
#define KEY_LEN 32

struct entry {
	uint8_t mac[MAC_LEN];
	uint64_t at; /* CLOCK_MONOTONIC µs of the last insert */
	bool used;
};

struct passback {
	uint8_t key[KEY_LEN];
	uint64_t window;
	size_t n_sets;	       /* a power of two */
	struct entry *entries; /* n_sets * WAYS */
};

int passback_new(uint64_t window_usec, size_t capacity, struct passback **ret)
{
	struct passback *p;
	size_t n = 64;
	int r;

	if (capacity > ((size_t)1 << 24))
		return -EINVAL;
	while (n < capacity)
		n <<= 1;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->window = window_usec;
	p->n_sets = n / WAYS;
	p->entries = calloc(n, sizeof(*p->entries));
	if (!p->entries) {
		r = -ENOMEM;
		goto free_p;
	}
	r = sig_random(p->key, sizeof(p->key));
	if (r < 0)
		goto free_entries;
	*ret = p;
	return 0;
free_entries:
	free(p->entries);
free_p:
	free(p);
	return r;
}

void passback_clear(struct passback *p)
{
	explicit_bzero(p->entries, p->n_sets * WAYS * sizeof(*p->entries));
}

void passback_free(struct passback *p)
{
	if (!p)
		return;
	passback_clear(p);
	explicit_bzero(p->key, sizeof(p->key));
	free(p->entries);
	free(p);
}

void passback_set_window(struct passback *p, uint64_t window_usec)
{
	p->window = window_usec;
}

static int mac_of(const struct passback *p, const void *data, size_t len, uint8_t mac[MAC_LEN],
		  struct entry **ret_set)
{
	uint8_t full[32];
	uint64_t h = 0;
	int r;

	r = sig_hmac_sha256(p->key, sizeof(p->key), data, len, full);
	if (r < 0)
		return r;
	memcpy(mac, full, MAC_LEN);
	for (size_t i = 0; i < 8; i++)
		h = (h << 8) | full[i];
	explicit_bzero(full, sizeof(full));
	*ret_set = &p->entries[(h & (p->n_sets - 1)) * WAYS];
	return 0;
}

static bool live(const struct passback *p, const struct entry *e, uint64_t now)
{
	/* A time in the future of @now (a caller mixing clocks) counts as live: fail closed. */
	return e->used && (now < e->at || now - e->at < p->window);
}

int passback_lookup(struct passback *p, const void *data, size_t len, uint64_t now_usec)
{
	uint8_t mac[MAC_LEN];
	struct entry *set;
	int r;

	if (!p->window)
		return 0;
	r = mac_of(p, data, len, mac, &set);
	if (r < 0)
		return r;
	for (size_t i = 0; i < WAYS; i++)
		if (live(p, &set[i], now_usec) && !memcmp(set[i].mac, mac, MAC_LEN))
			return 1;
	return 0;
}

int passback_insert(struct passback *p, const void *data, size_t len, uint64_t now_usec)
{
	uint8_t mac[MAC_LEN];
	struct entry *set, *slot = NULL;
	int r;

	if (!p->window)
		return 0;
	r = mac_of(p, data, len, mac, &set);
	if (r < 0)
		return r;
	for (size_t i = 0; i < WAYS && !slot; i++)
		if (set[i].used && !memcmp(set[i].mac, mac, MAC_LEN))
			slot = &set[i];
	for (size_t i = 0; i < WAYS && !slot; i++)
		if (!live(p, &set[i], now_usec))
			slot = &set[i];
	if (!slot) {
		slot = &set[0];
		for (size_t i = 1; i < WAYS; i++)
			if (set[i].at < slot->at)
				slot = &set[i];
	}
	memcpy(slot->mac, mac, MAC_LEN);
	slot->at = now_usec;
	slot->used = true;
	return 0;
}

int passback_seen(struct passback *p, const void *data, size_t len, uint64_t now_usec)
{
	int seen = passback_lookup(p, data, len, now_usec);
	int r;

	if (seen < 0)
		return seen;
	r = passback_insert(p, data, len, now_usec);
	if (r < 0)
		return r;
	return seen;
}
