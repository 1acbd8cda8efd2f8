/* SPDX-License-Identifier: MIT */
/*
 * preflight.c - the checks start-up and `--check-config` share (issue 9): a configuration that
 * parses is not yet one the daemon can use. A misspelt program denies every scan; an unknown
 * [context] key, an unreadable [trust] file or a state directory that is a file stops the
 * daemon, which under systemd is a restart loop behind a passing ExecStartPre. Each check
 * uses the library the daemon uses for the real thing (rules catalog and context, trust
 * imports) and reports the file and the key that fixes it. Devices are not opened: the check
 * runs on an installer's laptop as well as on the kiosk.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "credential/trust.h"
#include "daemon/preflight.h"
#include "rules/context.h"
#include "rules/program.h"

#define TRUST_FILE_MAX (1024 * 1024)

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt,
						      ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* The ids of @cat, comma-separated, into @buf. */
static void program_ids(const struct rules_catalog *cat, char *buf, size_t size)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < rules_catalog_count(cat) && at < size; i++) {
		int w = snprintf(buf + at, size - at, "%s%s", i ? ", " : "",
				 rules_program_id(rules_catalog_get(cat, i)));
		if (w < 0)
			break;
		at += (size_t)w;
	}
}

static int check_context(const struct config *cfg, const struct rules_program *p, char *err,
			 size_t errlen)
{
	struct rules_context *ctx;
	int r;

	r = rules_context_new(&ctx);
	if (r < 0)
		return r;
	for (size_t i = 0; i < cfg->n_context; i++) {
		const struct config_context *c = &cfg->context[i];

		r = rules_context_set(ctx, p, c->key, c->value);
		if (r < 0) {
			fail(err, errlen, "%s:%u: [context] %s: %s of program %s", cfg->path,
			     c->line, c->key,
			     r == -ENOENT ? "not a context key" : "a bad value for this key",
			     p ? rules_program_id(p) : cfg->venue.program);
			break;
		}
	}
	rules_context_free(ctx);
	return r < 0 ? r : 0;
}

static int check_programs(const struct config *cfg, bool strict, char *err, size_t errlen)
{
	struct rules_catalog *cat;
	const struct rules_program *p;
	char lerr[512], ids[256];
	int r;

	r = rules_catalog_load(cfg->venue.programs_dir, &cat, lerr, sizeof(lerr));
	if (r < 0) {
		fail(err, errlen, "%s: [venue] programs_dir: %s", cfg->path, lerr);
		return r;
	}
	p = rules_catalog_find(cat, cfg->venue.program);
	if (!p && strict) {
		program_ids(cat, ids, sizeof(ids));
		r = fail(err, errlen,
			 "%s: [venue] program '%s' is not in %s (there: %s); every scan would be "
			 "denied",
			 cfg->path, cfg->venue.program, cfg->venue.programs_dir, ids);
	}
	/* Without the program only the built-in keys are known, as in the daemon. */
	if (r >= 0)
		r = check_context(cfg, p, err, errlen);
	rules_catalog_free(cat);
	return r;
}

static int read_small(const char *path, uint8_t **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "re");
	uint8_t *buf;
	size_t n;

	if (!f)
		return -errno;
	buf = malloc(TRUST_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, TRUST_FILE_MAX + 1, f);
	if (ferror(f) || n > TRUST_FILE_MAX) {
		free(buf);
		fclose(f);
		return n > TRUST_FILE_MAX ? -EFBIG : -EIO;
	}
	fclose(f);
	buf[n] = 0;
	*ret = buf;
	*ret_len = n;
	return 0;
}

static int check_trust(const struct config *cfg, char *err, size_t errlen)
{
	struct trust *t;
	uint8_t *buf = NULL;
	size_t len = 0;
	int r;

	r = trust_open(NULL, &t);
	if (r < 0)
		return r;
	for (size_t i = 0; r >= 0 && i < cfg->trust.n_jwks + cfg->trust.n_certs; i++) {
		bool jwks = i < cfg->trust.n_jwks;
		const char *file =
			jwks ? cfg->trust.jwks[i].file : cfg->trust.certs[i - cfg->trust.n_jwks];

		r = read_small(file, &buf, &len);
		if (r >= 0) {
			r = jwks ? trust_import_jwks(t, cfg->trust.jwks[i].issuer,
						     (const char *)buf, len)
				 : trust_import_cert(t, buf, len);
			free(buf);
		}
		if (r < 0)
			fail(err, errlen, "%s: [trust] %s %s: %s", cfg->path,
			     jwks ? "jwks" : "cert", file,
			     r == -EINVAL ? "not a key set or certificate" : strerror(-r));
	}
	trust_free(t);
	return r;
}

/* The state directory and every file in it must be this user's to write: a key or an outbox
 * left by a tool run as root stops the daemon with EACCES (finding 16). */
static int check_state(const struct config *cfg, char *err, size_t errlen)
{
	const char *dir = cfg->state.dir;
	char path[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int r = 0;

	if (stat(dir, &st) < 0) {
		r = -errno;
		fail(err, errlen, "%s: [state] dir %s: %s", cfg->path, dir, strerror(-r));
		return r;
	}
	if (!S_ISDIR(st.st_mode))
		return fail(err, errlen, "%s: [state] dir %s: not a directory", cfg->path, dir);
	if (access(dir, R_OK | W_OK | X_OK) < 0)
		return fail(err, errlen,
			    "%s: [state] dir %s: not writable by uid %u (chown it to the service "
			    "user: chown passgate:passgate %s)",
			    cfg->path, dir, (unsigned)geteuid(), dir);
	d = opendir(dir);
	if (!d)
		return -errno;
	while (r >= 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK | W_OK) < 0)
			r = fail(
				err, errlen,
				"%s: [state] dir: %s is not writable by uid %u (left by a tool run "
				"as another user? chown passgate:passgate %s)",
				cfg->path, path, (unsigned)geteuid(), path);
	}
	closedir(d);
	return r;
}

int preflight_check(const struct config *cfg, bool strict, char *err, size_t errlen)
{
	int r;

	if (err && errlen)
		err[0] = '\0';
	r = check_programs(cfg, strict, err, errlen);
	if (r >= 0)
		r = check_trust(cfg, err, errlen);
	if (r >= 0)
		r = check_state(cfg, err, errlen);
	return r;
}
