/* SPDX-License-Identifier: MIT */
/*
 * cityconf.h - the city's INI file, read by both passgate-cityd and passgate-city (DESIGN.md
 * "The city side"; docs/city.md "Configuration").
 *
 *   [city]   id, state_dir, retention_days (14), k (10), timezone (Asia/Tokyo), window (1),
 *            max_event_bytes (4096), stats_interval_s (60)
 *   [mqtt]   host, port, client_id, username, password, tls_ca, tls_cert, tls_key, keepalive,
 *            session_expiry_s
 *   [store]  url = sqlite:PATH | postgresql://...   (default sqlite:<state_dir>/city.db)
 *   [trust]  jwks = ISS=FILE (repeatable), cert = FILE (repeatable), default = yes | no
 *   [notice] advice_ja, advice_en
 *
 * libinih reads the syntax; the first problem stops the load with "file:line: reason". A struct
 * cityconf is owned by the caller and freed with cityconf_free(), which wipes the password.
 */
#ifndef PASSGATE_CITYCONF_H
#define PASSGATE_CITYCONF_H

#include <stdbool.h>
#include <stddef.h>

#define CITYCONF_ERROR_MAX 512
#define CITYCONF_ID_MAX	   64
#define CITYCONF_TEXT_MAX  1024
#define CITYCONF_PATH_MAX  1024
#define CITYCONF_TRUST_MAX 64

struct cityconf_jwks {
	char iss[CITYCONF_TEXT_MAX];
	char file[CITYCONF_PATH_MAX];
};

struct cityconf {
	char path[CITYCONF_PATH_MAX];
	char id[CITYCONF_ID_MAX + 1];
	char state_dir[CITYCONF_PATH_MAX];
	char timezone[CITYCONF_TEXT_MAX];
	unsigned retention_days, k, window, max_event_bytes, stats_interval_s;
	struct {
		char host[CITYCONF_TEXT_MAX];
		unsigned port;
		char client_id[CITYCONF_ID_MAX + 1];
		char username[CITYCONF_TEXT_MAX], password[CITYCONF_TEXT_MAX];
		char tls_ca[CITYCONF_PATH_MAX], tls_cert[CITYCONF_PATH_MAX];
		char tls_key[CITYCONF_PATH_MAX];
		unsigned keepalive, session_expiry_s;
	} mqtt;
	char store_url[CITYCONF_PATH_MAX];
	struct {
		struct cityconf_jwks jwks[CITYCONF_TRUST_MAX];
		size_t n_jwks;
		char certs[CITYCONF_TRUST_MAX][CITYCONF_PATH_MAX];
		size_t n_certs;
		bool use_default;
	} trust;
	char advice_ja[CITYCONF_TEXT_MAX], advice_en[CITYCONF_TEXT_MAX];
};

/*
 * Read @path. On error *ret is untouched and @err (may be NULL) holds "file:line: reason" (or
 * "file: reason" for a whole-file problem). Returns 0 or -errno (-EINVAL for a bad file).
 */
int cityconf_load(const char *path, struct cityconf **ret, char err[CITYCONF_ERROR_MAX]);
void cityconf_free(struct cityconf *c);

/* The store URL in force: [store] url, or "sqlite:<state_dir>/city.db". */
int cityconf_store_url(const struct cityconf *c, char *out, size_t size);

#endif
