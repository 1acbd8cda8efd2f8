/* SPDX-License-Identifier: MIT */
/*
 * trust_opts.c - the trust options of `passgate verify` and `passgate check` (trust_opts.h).
 *
 * Per-run trust never writes to the operator's store: --state-dir loads a private in-memory
 * copy of DIR/trust.db (trust_open_snapshot), so --trust-jwks on top of it changes nothing on
 * disk. The store of record is changed only by `passgate trust import|remove`.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/trust_opts.h"
#include "credential/trust.h"
#include "util/fileio.h"

#define TRUST_FILE_MAX (4u << 20) /* key sets and certificates are a few KiB */

struct trust_opts {
	const char *command;
	const char **jwks; /* "ISS=FILE" as given */
	size_t n_jwks;
	const char **certs;
	size_t n_certs;
	bool no_default;
	const char *state_dir;
};

const char trust_opts_help[] =
	"  --trust-jwks ISS=FILE  trust the SHC keys in JWKS FILE for issuer ISS (repeatable)\n"
	"  --trust-cert FILE      trust a DCC signer certificate, PEM or DER (repeatable)\n"
	"  --no-default-trust     leave out the built-in keys (Japan's Digital Agency)\n"
	"  --state-dir DIR        start from the trust store DIR/trust.db (not modified)\n";

int trust_opts_new(const char *command, struct trust_opts **ret)
{
	struct trust_opts *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->command = command;
	*ret = o;
	return 0;
}

void trust_opts_free(struct trust_opts *o)
{
	if (!o)
		return;
	free(o->jwks);
	free(o->certs);
	free(o);
}

const char *trust_opts_state_dir(const struct trust_opts *o)
{
	return o->state_dir;
}

/* The value of option @name at argv[*i]: "--name VALUE" or "--name=VALUE". NULL: not this. */
static int option_value(int argc, char **argv, int *i, const char *name, const char **ret)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*ret = a + n + 1;
		return 1;
	}
	if (a[n] != 0)
		return 0;
	if (*i + 1 >= argc)
		return -EINVAL;
	*ret = argv[++*i];
	return 1;
}

static int push(const char ***list, size_t *n, const char *v)
{
	const char **l = realloc(*list, (*n + 1) * sizeof(**list));

	if (!l)
		return -ENOMEM;
	l[(*n)++] = v;
	*list = l;
	return 0;
}

int trust_opts_parse(struct trust_opts *o, int argc, char **argv, int *i)
{
	const char *v;
	int r;

	if (strcmp(argv[*i], "--no-default-trust") == 0) {
		o->no_default = true;
		return 1;
	}
	if ((r = option_value(argc, argv, i, "--trust-jwks", &v)) != 0) {
		if (r < 0 || !strchr(v, '=') || v[0] == '=') {
			fprintf(stderr, "passgate %s: --trust-jwks needs ISS=FILE\n", o->command);
			return -EINVAL;
		}
		return push(&o->jwks, &o->n_jwks, v) < 0 ? -ENOMEM : 1;
	}
	if ((r = option_value(argc, argv, i, "--trust-cert", &v)) != 0) {
		if (r < 0 || !*v) {
			fprintf(stderr, "passgate %s: --trust-cert needs FILE\n", o->command);
			return -EINVAL;
		}
		return push(&o->certs, &o->n_certs, v) < 0 ? -ENOMEM : 1;
	}
	if ((r = option_value(argc, argv, i, "--state-dir", &v)) != 0) {
		if (r < 0 || !*v) {
			fprintf(stderr, "passgate %s: --state-dir needs DIR\n", o->command);
			return -EINVAL;
		}
		o->state_dir = v;
		return 1;
	}
	return 0;
}

int cli_split_assign(const char *arg, char **ret_buf, const char **iss, const char **file)
{
	char *buf = strdup(arg), *eq;

	if (!buf)
		return -ENOMEM;
	eq = strchr(buf, '=');
	if (!eq || eq == buf || !eq[1]) {
		free(buf);
		return -EINVAL;
	}
	*eq = 0;
	*iss = buf;
	*file = eq + 1;
	*ret_buf = buf;
	return 0;
}

int trust_opts_build(const struct trust_opts *o, struct trust **ret)
{
	struct trust *t = NULL;
	char *data = NULL, *buf = NULL, path[4096];
	const char *iss, *file;
	size_t len;
	int r;

	if (o->state_dir) {
		snprintf(path, sizeof(path), "%s/trust.db", o->state_dir);
		r = trust_open_snapshot(path, &t);
		if (r < 0) {
			fprintf(stderr, "passgate %s: cannot read the trust store %s: %s\n",
				o->command, path, strerror(-r));
			return r;
		}
	} else {
		r = trust_open(NULL, &t);
		if (r < 0) {
			fprintf(stderr, "passgate %s: cannot create a trust store: %s\n",
				o->command, strerror(-r));
			return r;
		}
	}
	if (!o->no_default) {
		r = trust_add_default(t);
		if (r < 0) {
			fprintf(stderr, "passgate %s: built-in trust refused: %s\n", o->command,
				strerror(-r));
			goto fail;
		}
	}
	for (size_t i = 0; i < o->n_jwks; i++) {
		r = cli_split_assign(o->jwks[i], &buf, &iss, &file);
		if (r < 0)
			goto fail;
		r = fileio_read(file, TRUST_FILE_MAX, 0, &data, &len);
		if (r < 0) {
			fprintf(stderr, "passgate %s: %s: %s\n", o->command, file, strerror(-r));
			goto fail;
		}
		r = trust_import_jwks(t, iss, data, len);
		if (r < 0) {
			fprintf(stderr, "passgate %s: %s: key set refused for issuer %s: %s\n",
				o->command, file, iss,
				r == -EINVAL ? "malformed or unacceptable key (or issuer URL)"
					     : strerror(-r));
			goto fail;
		}
		free(data);
		free(buf);
		data = buf = NULL;
	}
	for (size_t i = 0; i < o->n_certs; i++) {
		r = fileio_read(o->certs[i], TRUST_FILE_MAX, 0, &data, &len);
		if (r < 0) {
			fprintf(stderr, "passgate %s: %s: %s\n", o->command, o->certs[i],
				strerror(-r));
			goto fail;
		}
		r = trust_import_cert(t, (const uint8_t *)data, len);
		if (r < 0) {
			fprintf(stderr, "passgate %s: %s: certificate refused: %s\n", o->command,
				o->certs[i], strerror(-r));
			goto fail;
		}
		free(data);
		data = NULL;
	}
	*ret = t;
	return 0;

fail:
	free(data);
	free(buf);
	trust_free(t);
	return r;
}
