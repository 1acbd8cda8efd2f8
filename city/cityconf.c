/* SPDX-License-Identifier: MIT */
/*
 * cityconf.c - read the city's INI file (cityconf.h) with libinih.
 *
 * One table lists every [section] key with its type, limits and where it goes in struct
 * cityconf; the reader feeds inih one line at a time and counts them, because Debian's libinih
 * is built without INI_HANDLER_LINENO, so that every error names the file and the line, like
 * passgated's configuration (daemon/config.c). Indented lines (which inih would join to the
 * previous value), over-long lines, unknown sections and keys, duplicates and values out of
 * range stop the load.
 */
#include "city/cityconf.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum kind { K_ID, K_TEXT, K_PATH, K_UINT, K_BOOL, K_JWKS, K_CERT, K_URL, K_TZ };

struct key {
	const char *section, *name;
	enum kind kind;
	size_t offset, size;
	unsigned long min, max;
};

#define STR(sec, nm, kd, field)                                                           \
	{                                                                                 \
		sec, nm, kd, offsetof(struct cityconf, field),                            \
			sizeof(((struct cityconf *)0)->field), 0, 0                       \
	}
#define NUM(sec, nm, field, lo, hi)                                                       \
	{                                                                                 \
		sec, nm, K_UINT, offsetof(struct cityconf, field), sizeof(unsigned), lo, hi \
	}

static const struct key keys[] = {
	STR("city", "id", K_ID, id),
	STR("city", "state_dir", K_PATH, state_dir),
	NUM("city", "retention_days", retention_days, 1, 366),
	NUM("city", "k", k, 2, 1000),
	STR("city", "timezone", K_TZ, timezone),
	NUM("city", "window", window, 0, 36),
	NUM("city", "max_event_bytes", max_event_bytes, 256, 65536),
	NUM("city", "stats_interval_s", stats_interval_s, 1, 3600),
	STR("mqtt", "host", K_TEXT, mqtt.host),
	NUM("mqtt", "port", mqtt.port, 1, 65535),
	STR("mqtt", "client_id", K_ID, mqtt.client_id),
	STR("mqtt", "username", K_TEXT, mqtt.username),
	STR("mqtt", "password", K_TEXT, mqtt.password),
	STR("mqtt", "tls_ca", K_PATH, mqtt.tls_ca),
	STR("mqtt", "tls_cert", K_PATH, mqtt.tls_cert),
	STR("mqtt", "tls_key", K_PATH, mqtt.tls_key),
	NUM("mqtt", "keepalive", mqtt.keepalive, 5, 3600),
	NUM("mqtt", "session_expiry_s", mqtt.session_expiry_s, 60, 4294967294u),
	STR("store", "url", K_URL, store_url),
	{ "trust", "jwks", K_JWKS, 0, 0, 0, 0 },
	{ "trust", "cert", K_CERT, 0, 0, 0, 0 },
	{ "trust", "default", K_BOOL, offsetof(struct cityconf, trust.use_default), 0, 0, 0 },
	STR("notice", "advice_ja", K_TEXT, advice_ja),
	STR("notice", "advice_en", K_TEXT, advice_en),
};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const sections[] = { "city", "mqtt", "store", "trust", "notice" };

struct parser {
	const char *path;
	char basedir[CITYCONF_PATH_MAX];
	FILE *f;
	unsigned lineno, seen[N_KEYS];
	bool indented, stop;
	struct cityconf *c;
	int err;
	char *err_buf;
};

__attribute__((format(printf, 3, 4))) static int fail(struct parser *p, unsigned line,
						      const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (p->err)
		return p->err;
	p->err = -EINVAL;
	if (!p->err_buf)
		return p->err;
	n = line ? snprintf(p->err_buf, CITYCONF_ERROR_MAX, "%s:%u: ", p->path, line)
		 : snprintf(p->err_buf, CITYCONF_ERROR_MAX, "%s: ", p->path);
	if (n < 0 || n >= CITYCONF_ERROR_MAX)
		return p->err;
	va_start(ap, fmt);
	vsnprintf(p->err_buf + n, CITYCONF_ERROR_MAX - (size_t)n, fmt, ap);
	va_end(ap);
	return p->err;
}

static bool id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CITYCONF_ID_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

static int copy(struct parser *p, const struct key *k, char *field, size_t size, const char *v)
{
	if (strlen(v) >= size)
		return fail(p, p->lineno, "[%s] %s: longer than %zu bytes", k->section, k->name,
			    size - 1);
	memcpy(field, v, strlen(v) + 1);
	return 0;
}

/* Relative paths are taken from the configuration file's directory. */
static int set_path(struct parser *p, const struct key *k, char *field, size_t size,
		    const char *v)
{
	char full[CITYCONF_PATH_MAX];
	int n;

	if (!v[0])
		return fail(p, p->lineno, "[%s] %s: expected a path", k->section, k->name);
	if (v[0] == '/' || !p->basedir[0])
		n = snprintf(full, sizeof(full), "%s", v);
	else
		n = snprintf(full, sizeof(full), "%s/%s", p->basedir, v);
	if (n < 0 || (size_t)n >= sizeof(full))
		return fail(p, p->lineno, "[%s] %s: path too long", k->section, k->name);
	return copy(p, k, field, size, full);
}

static int set_sqlite_url(struct parser *p, const struct key *k, char *field, const char *path)
{
	char full[CITYCONF_PATH_MAX];

	if (set_path(p, k, full, sizeof(full), path) < 0)
		return p->err;
	if (snprintf(field, k->size, "sqlite:%s", full) >= (int)k->size)
		return fail(p, p->lineno, "[store] url: path too long");
	return 0;
}

static int set_uint(struct parser *p, const struct key *k, unsigned *field, const char *v)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = isdigit((unsigned char)v[0]) ? strtoul(v, &end, 10) : 0;
	if (!isdigit((unsigned char)v[0]) || errno || *end || n < k->min || n > k->max)
		return fail(p, p->lineno, "[%s] %s: expected an integer in %lu..%lu, got '%s'",
			    k->section, k->name, k->min, k->max, v);
	*field = (unsigned)n;
	return 0;
}

static int set_jwks(struct parser *p, const struct key *k, const char *v)
{
	struct cityconf *c = p->c;
	const char *eq = strchr(v, '=');
	struct cityconf_jwks *j;

	if (c->trust.n_jwks >= CITYCONF_TRUST_MAX)
		return fail(p, p->lineno, "[trust] jwks: more than %d", CITYCONF_TRUST_MAX);
	if (!eq || eq == v || !eq[1])
		return fail(p, p->lineno, "[trust] jwks: expected ISSUER=FILE, got '%s'", v);
	j = &c->trust.jwks[c->trust.n_jwks];
	if ((size_t)(eq - v) >= sizeof(j->iss))
		return fail(p, p->lineno, "[trust] jwks: issuer too long");
	memcpy(j->iss, v, (size_t)(eq - v));
	j->iss[eq - v] = '\0';
	if (set_path(p, k, j->file, sizeof(j->file), eq + 1) < 0)
		return p->err;
	c->trust.n_jwks++;
	return 0;
}

static int set_value(struct parser *p, const struct key *k, const char *v)
{
	char *field = (char *)p->c + k->offset;

	switch (k->kind) {
	case K_ID:
		if (!id_ok(v))
			return fail(p, p->lineno,
				    "[%s] %s: expected 1..%d characters of A-Z a-z 0-9 . _ -, got "
				    "'%s'",
				    k->section, k->name, CITYCONF_ID_MAX, v);
		return copy(p, k, field, k->size, v);
	case K_TEXT:
		return copy(p, k, field, k->size, v);
	case K_TZ:
		if (!v[0] || v[0] == '/' || strstr(v, ".."))
			return fail(p, p->lineno, "[city] timezone: expected a zone name such as "
						  "Asia/Tokyo, got '%s'", v);
		return copy(p, k, field, k->size, v);
	case K_PATH:
		return set_path(p, k, field, k->size, v);
	case K_UINT:
		return set_uint(p, k, (unsigned *)(void *)field, v);
	case K_BOOL:
		if (!strcmp(v, "yes") || !strcmp(v, "no")) {
			*(bool *)(void *)field = !strcmp(v, "yes");
			return 0;
		}
		return fail(p, p->lineno, "[%s] %s: expected yes or no, got '%s'", k->section,
			    k->name, v);
	case K_URL:
		if (strncmp(v, "sqlite:", 7) && strncmp(v, "postgresql://", 13) &&
		    strncmp(v, "postgres://", 11))
			return fail(p, p->lineno,
				    "[store] url: expected sqlite:PATH or postgresql://..., got '%s'",
				    v);
		if (!strncmp(v, "sqlite:", 7))
			return set_sqlite_url(p, k, field, v + 7);
		return copy(p, k, field, k->size, v);
	case K_JWKS:
		return set_jwks(p, k, v);
	case K_CERT:
		if (p->c->trust.n_certs >= CITYCONF_TRUST_MAX)
			return fail(p, p->lineno, "[trust] cert: more than %d", CITYCONF_TRUST_MAX);
		if (set_path(p, k, p->c->trust.certs[p->c->trust.n_certs], CITYCONF_PATH_MAX, v) <
		    0)
			return p->err;
		p->c->trust.n_certs++;
		return 0;
	}
	return -EINVAL;
}

static bool known_section(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strlen(sections[i]) == len && !strncmp(sections[i], name, len))
			return true;
	return false;
}

/* ini_reader: fgets that counts lines and stops inih at a line it would misread. */
static char *reader(char *str, int num, void *stream)
{
	struct parser *p = stream;
	const char *s;
	size_t len;

	if (p->stop || p->err || !fgets(str, num, p->f))
		return NULL;
	p->lineno++;
	len = strlen(str);
	if (len > 0 && str[len - 1] != '\n' && !feof(p->f)) {
		fail(p, p->lineno, "line longer than %d characters or with a NUL byte", num - 2);
		return NULL;
	}
	p->indented = str[0] == ' ' || str[0] == '\t';
	for (s = str; *s == ' ' || *s == '\t'; s++)
		;
	if (*s == '[') {
		const char *end = strchr(s, ']');

		if (end && !known_section(s + 1, (size_t)(end - s - 1))) {
			fail(p, p->lineno, "unknown section [%.*s]", (int)(end - s - 1), s + 1);
			p->stop = true;
			return NULL;
		}
	}
	return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	size_t i;

	if (p->err)
		return 0;
	if (p->indented)
		return fail(p, p->lineno, "indented line: continuation lines are not supported"),
		       0;
	for (i = 0; i < N_KEYS; i++)
		if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
			break;
	if (!section[0])
		return fail(p, p->lineno, "key '%s' outside a [section]", name), 0;
	if (i == N_KEYS)
		return fail(p, p->lineno, "unknown key '%s' in [%s]", name, section), 0;
	if (keys[i].kind != K_JWKS && keys[i].kind != K_CERT && p->seen[i])
		return fail(p, p->lineno, "duplicate key '%s' in [%s] (first set on line %u)",
			    name, section, p->seen[i]),
		       0;
	p->seen[i] = p->lineno;
	return set_value(p, &keys[i], value) < 0 ? 0 : 1;
}

static unsigned seen_line(const struct parser *p, const char *section, const char *name)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
			return p->seen[i];
	return 0;
}

/* What no single key can check: required keys and keys that depend on each other. */
static int validate(struct parser *p)
{
	struct cityconf *c = p->c;

	if (!c->id[0])
		return fail(p, 0, "[city] id is required");
	if (!c->state_dir[0])
		return fail(p, 0, "[city] state_dir is required");
	if (!c->mqtt.tls_cert[0] != !c->mqtt.tls_key[0])
		return fail(p,
			    seen_line(p, "mqtt", c->mqtt.tls_cert[0] ? "tls_cert" : "tls_key"),
			    "[mqtt] tls_cert and tls_key go together");
	if (c->mqtt.tls_cert[0] && !c->mqtt.tls_ca[0])
		return fail(p, seen_line(p, "mqtt", "tls_cert"),
			    "[mqtt] tls_cert needs [mqtt] tls_ca");
	if (!seen_line(p, "mqtt", "port"))
		c->mqtt.port = c->mqtt.tls_ca[0] ? 8883 : 1883;
	if (!c->mqtt.client_id[0])
		snprintf(c->mqtt.client_id, sizeof(c->mqtt.client_id), "passgate-city-%.40s",
			 c->id);
	return 0;
}

static void defaults(struct cityconf *c, const char *path)
{
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->retention_days = 14;
	c->k = 10;
	c->window = 1;
	c->max_event_bytes = 4096;
	c->stats_interval_s = 60;
	snprintf(c->timezone, sizeof(c->timezone), "Asia/Tokyo");
	c->mqtt.keepalive = 30;
	c->mqtt.session_expiry_s = 7 * 86400;
	c->trust.use_default = true;
	snprintf(c->advice_ja, sizeof(c->advice_ja), "%s",
		 "この日時に同じ施設を利用した方の中に陽性の方がいました。体調に注意し、症状が"
		 "あれば受診前に相談窓口へ連絡してください。");
	snprintf(c->advice_en, sizeof(c->advice_en), "%s",
		 "Someone who later tested positive visited the same place at this time. Watch "
		 "your health and call the advice line before seeing a doctor if you feel ill.");
}

int cityconf_load(const char *path, struct cityconf **ret, char err[CITYCONF_ERROR_MAX])
{
	struct parser p = { .path = path, .err_buf = err };
	const char *slash = strrchr(path, '/');
	int r;

	if (err)
		err[0] = '\0';
	if (slash)
		snprintf(p.basedir, sizeof(p.basedir), "%.*s", slash == path ? 1 : (int)(slash - path),
			 path);
	p.c = calloc(1, sizeof(*p.c));
	if (!p.c)
		return -ENOMEM;
	defaults(p.c, path);
	p.f = fopen(path, "re");
	if (!p.f) {
		r = -errno;
		if (err)
			snprintf(err, CITYCONF_ERROR_MAX, "%s: %s", path, strerror(errno));
		goto free_conf;
	}
	r = ini_parse_stream(reader, &p, handler, &p);
	if (!p.err && ferror(p.f))
		fail(&p, p.lineno, "read error");
	fclose(p.f);
	if (r > 0 && !p.err)
		fail(&p, (unsigned)r, "syntax error: expected [section], key = value or a comment");
	else if (r < 0 && !p.err)
		p.err = -ENOMEM;
	if (!p.err)
		validate(&p);
	r = p.err;
	if (r < 0)
		goto free_conf;
	*ret = p.c;
	return 0;
free_conf:
	cityconf_free(p.c);
	return r;
}

void cityconf_free(struct cityconf *c)
{
	if (!c)
		return;
	explicit_bzero(c->mqtt.password, sizeof(c->mqtt.password));
	free(c);
}

int cityconf_store_url(const struct cityconf *c, char *out, size_t size)
{
	int n = c->store_url[0] ? snprintf(out, size, "%s", c->store_url)
				: snprintf(out, size, "sqlite:%s/city.db", c->state_dir);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
