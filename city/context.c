/* SPDX-License-Identifier: MIT */
/*
 * context.c - the city's shared frame (context.h): configuration, store, clock and local days,
 * K_day, the Ed25519 signing key file, and the trust store used by trace.
 *
 * The signing key is a 64-byte file (libsodium's secret key form) created with O_EXCL and mode
 * 0600 in state_dir; it is never printed, and only its public half leaves this file.
 */
#include "city/context.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "credential/sig.h"
#include "credential/trust.h"
#include "events/cityupdate.h"
#include "util/fileio.h"

int city_new(const char *config_path, int64_t clock_offset, struct city **ret,
	     char err[CITYCONF_ERROR_MAX])
{
	struct city *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	r = cityconf_load(config_path, &c->cfg, err);
	if (r < 0) {
		free(c);
		return r;
	}
	c->clock_offset = clock_offset;
	*ret = c;
	return 0;
}

void city_free(struct city *c)
{
	if (!c)
		return;
	store_free(c->store);
	cityconf_free(c->cfg);
	free(c);
}

int city_open_store(struct city *c)
{
	char url[CITYCONF_PATH_MAX + 16];
	int r;

	if (c->store)
		return 0; /* already open */
	r = cityconf_store_url(c->cfg, url, sizeof(url));
	if (r < 0)
		return r;
	if (!strncmp(url, "sqlite:", 7) && mkdir(c->cfg->state_dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	return store_open(url, &c->store);
}

int64_t city_now(const struct city *c)
{
	return (int64_t)time(NULL) + c->clock_offset;
}

int city_day(int64_t t, char out[STORE_DAY_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || strftime(out, STORE_DAY_LEN, "%Y-%m-%d", &tm) != 10)
		return -EINVAL;
	return 0;
}

static int parse_day(const char *day, struct tm *tm)
{
	int y, m, d;
	char tail;

	if (strlen(day) != 10 || sscanf(day, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return -EINVAL;
	*tm = (struct tm){ .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1 };
	return 0;
}

int city_day_add(const char *day, int n, char out[STORE_DAY_LEN])
{
	struct tm tm;
	time_t t;

	if (parse_day(day, &tm) < 0)
		return -EINVAL;
	tm.tm_mday += n;
	tm.tm_hour = 12; /* noon: no daylight-saving shift moves it to another day */
	t = mktime(&tm);
	if (t == (time_t)-1)
		return -EINVAL;
	return city_day((int64_t)t, out);
}

int city_day_start(const char *day, int64_t *ret)
{
	struct tm tm;
	time_t t;
	char check[STORE_DAY_LEN];

	if (parse_day(day, &tm) < 0)
		return -EINVAL;
	t = mktime(&tm);
	if (t == (time_t)-1 || city_day((int64_t)t, check) < 0 || strcmp(check, day))
		return -EINVAL; /* 2026-02-31 and friends */
	*ret = (int64_t)t;
	return 0;
}

int city_kday(struct city *c, const char *day, int create, uint8_t k[STORE_KEY_LEN])
{
	int r = store_kday_get(c->store, day, k);

	if (r != -ENOENT || !create)
		return r;
	if (store_day_shredded(c->store, day) == 1)
		return -ENOENT; /* never recreate a shredded day */
	r = sig_random(k, STORE_KEY_LEN);
	if (r < 0)
		return r;
	return store_kday_ensure(c->store, day, k);
}

static int key_path(const struct city *c, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%s", c->cfg->state_dir, CITY_SIGNKEY_FILE);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int city_key_load(const struct city *c, uint8_t sk[64])
{
	char path[CITYCONF_PATH_MAX + 32];
	uint8_t extra;
	int fd, r = key_path(c, path, sizeof(path));

	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	r = fileio_read_exact(fd, sk, 64);
	if (r >= 0 && read(fd, &extra, 1) != 0)
		r = -EBADMSG; /* not exactly a 64-byte key */
	close(fd);
	return r;
}

int city_key_init(struct city *c, uint8_t pk[32], int *ret_created)
{
	char path[CITYCONF_PATH_MAX + 32];
	uint8_t sk[64];
	int r = key_path(c, path, sizeof(path));

	if (r < 0)
		return r;
	if (mkdir(c->cfg->state_dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	r = city_key_load(c, sk);
	*ret_created = 0;
	if (r == -ENOENT) {
		r = cityupdate_keypair(pk, sk);
		if (r >= 0)
			r = fileio_create(path, sk, 64, 0600);
		*ret_created = r >= 0;
	} else if (r >= 0) {
		memcpy(pk, sk + 32, 32); /* libsodium: seed ‖ public key */
	}
	explicit_bzero(sk, sizeof(sk));
	return r;
}

static int trust_add_config(const struct city *c, struct trust *t, char *err, size_t errsize)
{
	const struct cityconf *cfg = c->cfg;
	char *text = NULL;
	size_t len = 0;
	int r = 0;

	for (size_t i = 0; r >= 0 && i < cfg->trust.n_jwks + cfg->trust.n_certs; i++) {
		bool jwks = i < cfg->trust.n_jwks;
		const char *path =
			jwks ? cfg->trust.jwks[i].file : cfg->trust.certs[i - cfg->trust.n_jwks];

		r = fileio_read(path, 4 * 1024 * 1024, FILEIO_REGULAR, &text, &len);
		if (r >= 0) {
			r = jwks ? trust_import_jwks(t, cfg->trust.jwks[i].iss, text, len)
				 : trust_import_cert(t, (const uint8_t *)text, len);
			free(text);
		}
		if (r < 0)
			snprintf(err, errsize, "[trust] %s: %s", path, strerror(-r));
	}
	return r;
}

int city_trust_open(const struct city *c, struct trust **ret, char *err, size_t errsize)
{
	char path[CITYCONF_PATH_MAX + 32];
	struct trust *t = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/%s", c->cfg->state_dir, CITY_TRUST_FILE);
	r = trust_open_snapshot(path, &t);
	if (r == -ENOENT)
		r = trust_open(NULL, &t);
	if (r < 0) {
		snprintf(err, errsize, "%s: %s", path, strerror(-r));
		return r;
	}
	if (c->cfg->trust.use_default)
		r = trust_add_default(t);
	if (r >= 0)
		r = trust_add_config(c, t, err, errsize);
	if (r < 0) {
		trust_free(t);
		return r;
	}
	*ret = t;
	return 0;
}
