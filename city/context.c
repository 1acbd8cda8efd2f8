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
	int r = cityconf_store_url(c->cfg, url, sizeof(url));

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

	if (strlen(day) != 10 || sscanf(day, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
	    y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
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
	ssize_t n;
	int fd, r = key_path(c, path, sizeof(path));

	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	n = read(fd, sk, 64);
	r = n < 0 ? -errno : n == 64 ? 0 : -EBADMSG;
	close(fd);
	return r;
}

static int key_write(const char *path, const uint8_t sk[64])
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, sk, 64) != 64 || fsync(fd) < 0)
		r = -EIO;
	close(fd);
	if (r < 0)
		unlink(path);
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
			r = key_write(path, sk);
		*ret_created = r >= 0;
	} else if (r >= 0) {
		memcpy(pk, sk + 32, 32); /* libsodium: seed ‖ public key */
	}
	explicit_bzero(sk, sizeof(sk));
	return r;
}

static int read_file(const char *path, char **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t n = 0;
	long size;
	int r = 0;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) < 0 || size > 4 * 1024 * 1024 ||
	    fseek(f, 0, SEEK_SET) < 0) {
		r = -EFBIG;
		goto close_file;
	}
	buf = malloc((size_t)size + 1);
	if (!buf) {
		r = -ENOMEM;
		goto close_file;
	}
	n = fread(buf, 1, (size_t)size, f);
	if (n != (size_t)size) {
		free(buf);
		r = -EIO;
		goto close_file;
	}
	buf[n] = '\0';
	*ret = buf;
	*ret_len = n;
close_file:
	fclose(f);
	return r;
}

static int trust_add_config(const struct city *c, struct trust *t, char *err, size_t errsize)
{
	const struct cityconf *cfg = c->cfg;
	char *text;
	size_t len;
	int r = 0;

	for (size_t i = 0; r >= 0 && i < cfg->trust.n_jwks + cfg->trust.n_certs; i++) {
		bool jwks = i < cfg->trust.n_jwks;
		const char *path = jwks ? cfg->trust.jwks[i].file
					: cfg->trust.certs[i - cfg->trust.n_jwks];

		r = read_file(path, &text, &len);
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
