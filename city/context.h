/* SPDX-License-Identifier: MIT */
/*
 * context.h - what every city command and the daemon share: the configuration, the store, the
 * clock and the city's local days, K_day, the signing key and the trust store for tracing.
 *
 * The clock is time(2) plus an offset that only tests set (PASSGATE_CITY_TEST_TIME_OFFSET,
 * read by the mains; docs/city.md "Testing"), so that retention can be shown without waiting
 * two weeks. Local days are those of [city] timezone, which the mains put into TZ before
 * anything else runs. struct city is owned by the caller and freed with city_free().
 */
#ifndef PASSGATE_CITY_CONTEXT_H
#define PASSGATE_CITY_CONTEXT_H

#include <stdint.h>

#include "city/cityconf.h"
#include "city/store.h"

#define CITY_SIGNKEY_FILE "city-ed25519.key"
#define CITY_AUDIT_FILE	  "trace-audit.log"
#define CITY_TRUST_FILE	  "trust.db"

struct trust;

struct city {
	struct cityconf *cfg; /* owned */
	struct store *store;  /* owned; NULL until city_open_store() */
	int64_t clock_offset; /* seconds added to time(2); tests only */
};

/* Load @config_path into a new struct city (no store yet). @err gets "file:line: reason". */
int city_new(const char *config_path, int64_t clock_offset, struct city **ret,
	     char err[CITYCONF_ERROR_MAX]);
void city_free(struct city *c);
/* Open the store the configuration names (creating the schema); a no-op when it is open. */
int city_open_store(struct city *c);

int64_t city_now(const struct city *c);
/* The local day of Unix time @t, "YYYY-MM-DD". */
int city_day(int64_t t, char out[STORE_DAY_LEN]);
/* The local day @n days after @day. */
int city_day_add(const char *day, int n, char out[STORE_DAY_LEN]);
/* The Unix time of local midnight at the start of @day. -EINVAL for a malformed day. */
int city_day_start(const char *day, int64_t *ret);

/* K_day of @day: the stored one, or (with @create) a new random one that is stored first.
 * -ENOENT without @create when there is none. The caller wipes @k. */
int city_kday(struct city *c, const char *day, int create, uint8_t k[STORE_KEY_LEN]);

/* Create the city's Ed25519 key in state_dir (mode 0600) unless there is one; *ret_created.
 * @pk gets the public key. */
int city_key_init(struct city *c, uint8_t pk[32], int *ret_created);
/* Load the secret key (64 bytes, libsodium form); the caller wipes it. */
int city_key_load(const struct city *c, uint8_t sk[64]);

/* The trust store that trace verifies a case's certificate with: <state_dir>/trust.db (what
 * `publish trust` last imported), plus [trust] jwks/cert, plus the built-in keys unless
 * [trust] default = no. Problems are written to @err. */
int city_trust_open(const struct city *c, struct trust **ret, char *err, size_t errsize);

#endif
