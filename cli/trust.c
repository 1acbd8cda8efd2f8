/* SPDX-License-Identifier: MIT */
/*
 * trust.c - `passgate trust`: the operator's view of the trust store DIR/trust.db.
 *
 *   passgate trust [--state-dir DIR] list
 *   passgate trust [--state-dir DIR] import [--jwks ISS=FILE]... [--cert FILE]...
 *                                           [--crl ISS=FILE]... [--vci FILE]... [--default]
 *   passgate trust [--state-dir DIR] remove ID      (an SHC issuer URL or a DCC kid, base64)
 *
 * DIR defaults to the daemon's state directory (PASSGATE_STATEDIR, /var/lib/passgate). Each
 * import is validated before it changes anything; imports run in the order given and stop at
 * the first refusal. Exit 0 done, 1 refused (bad key set, unknown ID), 2 usage or I/O error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "cli/trust_opts.h"
#include "credential/trust.h"
#include "util/fileio.h"

#define IMPORT_FILE_MAX (16u << 20) /* the VCI directory is the largest, a few hundred KiB */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: passgate trust [--state-dir DIR] list\n"
		"       passgate trust [--state-dir DIR] import [--jwks ISS=FILE]... "
		"[--cert FILE]...\n"
		"                      [--crl ISS=FILE]... [--vci FILE]... [--default]\n"
		"       passgate trust [--state-dir DIR] remove ID\n"
		"  DIR defaults to %s; the store is DIR/trust.db\n",
		PASSGATE_STATEDIR);
}

static int print_line(const char *line, void *userdata)
{
	(void)userdata;
	return printf("%s\n", line) < 0 ? -EIO : 0;
}

enum import_kind { IMPORT_JWKS, IMPORT_CERT, IMPORT_CRL, IMPORT_VCI, IMPORT_DEFAULT };

static int import_one(struct trust *t, enum import_kind kind, const char *arg)
{
	const char *iss = NULL, *file = arg;
	char *buf = NULL, *data = NULL;
	size_t len = 0;
	int r;

	if (kind == IMPORT_DEFAULT) {
		r = trust_add_default(t);
		goto report;
	}
	if (kind == IMPORT_JWKS || kind == IMPORT_CRL) {
		if (cli_split_assign(arg, &buf, &iss, &file) < 0) {
			fprintf(stderr, "passgate trust: expected ISS=FILE, got '%s'\n", arg);
			return EXIT_USAGE;
		}
	}
	r = fileio_read(file, IMPORT_FILE_MAX, 0, &data, &len);
	if (r < 0) {
		fprintf(stderr, "passgate trust: %s: %s\n", file, strerror(-r));
		free(buf);
		return EXIT_USAGE;
	}
	switch (kind) {
	case IMPORT_JWKS:
		r = trust_import_jwks(t, iss, data, len);
		break;
	case IMPORT_CERT:
		r = trust_import_cert(t, (const uint8_t *)data, len);
		break;
	case IMPORT_CRL:
		r = trust_import_crl(t, iss, data, len);
		break;
	case IMPORT_VCI:
		r = trust_import_vci(t, data, len);
		break;
	case IMPORT_DEFAULT:
		break;
	}
	free(data);
report:
	if (r < 0) {
		const char *why = r == -EINVAL ? "malformed, or not acceptable"
				  : r == -ENOENT
					  ? "no such key in the store (import its JWKS first)"
				  : r == -ESTALE ? "older than the list already held"
						 : strerror(-r);

		fprintf(stderr, "passgate trust: %s%s%s: refused: %s\n", iss ? iss : "",
			iss ? " " : "", kind == IMPORT_DEFAULT ? "built-in keys" : file, why);
		free(buf);
		return r == -EIO || r == -ENOMEM ? EXIT_USAGE : 1;
	}
	free(buf);
	return 0;
}

int cmd_trust(int argc, char **argv)
{
	const char *dir = PASSGATE_STATEDIR, *verb = NULL;
	char path[4096];
	struct trust *t = NULL;
	int i, r, status = EXIT_USAGE;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--state-dir") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strncmp(argv[i], "--state-dir=", 12) == 0) {
			dir = argv[i] + 12;
		} else {
			verb = argv[i++];
			break;
		}
	}
	if (!verb) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(verb, "list") != 0 && strcmp(verb, "import") != 0 &&
	    strcmp(verb, "remove") != 0) {
		fprintf(stderr, "passgate trust: unknown action '%s'\n", verb);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(verb, "list") != 0 && mkdir(dir, 0750) < 0 && errno != EEXIST) {
		fprintf(stderr, "passgate trust: %s: %s\n", dir, strerror(errno));
		return EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/trust.db", dir);
	r = strcmp(verb, "list") == 0 ? trust_open_snapshot(path, &t) : trust_open(path, &t);
	if (r == -ENOENT && strcmp(verb, "list") == 0)
		return 0; /* no store yet: nothing to list */
	if (r < 0) {
		fprintf(stderr, "passgate trust: cannot open %s: %s\n", path, strerror(-r));
		return EXIT_USAGE;
	}

	if (strcmp(verb, "list") == 0) {
		if (i != argc) {
			usage(stderr);
			goto out;
		}
		r = trust_list(t, print_line, NULL);
		status = r < 0 ? EXIT_USAGE : 0;
	} else if (strcmp(verb, "remove") == 0) {
		if (i + 1 != argc) {
			usage(stderr);
			goto out;
		}
		r = trust_remove(t, argv[i]);
		if (r == -ENOENT)
			fprintf(stderr, "passgate trust: nothing stored for '%s'\n", argv[i]);
		else if (r < 0)
			fprintf(stderr, "passgate trust: remove failed: %s\n", strerror(-r));
		status = r == 0 ? 0 : r == -ENOENT ? 1 : EXIT_USAGE;
	} else {
		if (i == argc) {
			usage(stderr);
			goto out;
		}
		status = 0;
		for (; i < argc && status == 0; i++) {
			const char *a = argv[i];
			enum import_kind kind;

			if (strcmp(a, "--default") == 0) {
				status = import_one(t, IMPORT_DEFAULT, NULL);
				continue;
			}
			if (i + 1 < argc && strcmp(a, "--jwks") == 0) {
				kind = IMPORT_JWKS;
			} else if (i + 1 < argc && strcmp(a, "--cert") == 0) {
				kind = IMPORT_CERT;
			} else if (i + 1 < argc && strcmp(a, "--crl") == 0) {
				kind = IMPORT_CRL;
			} else if (i + 1 < argc && strcmp(a, "--vci") == 0) {
				kind = IMPORT_VCI;
			} else {
				fprintf(stderr, "passgate trust import: unexpected argument '%s'\n",
					a);
				usage(stderr);
				status = EXIT_USAGE;
				break;
			}
			status = import_one(t, kind, argv[++i]);
		}
	}
out:
	trust_free(t);
	return status;
}
