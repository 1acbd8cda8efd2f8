/* SPDX-License-Identifier: MIT */
/*
 * publish_trust.c - `passgate-city publish trust`: the city's complete trust list for its
 * kiosks, signed and published retained on passgate/v1/<city>/trust (docs/trust-updates.md).
 *
 *   passgate-city publish trust [--jwks ISS=FILE]... [--cert FILE]... [--dsc-list FILE]...
 *                               [--crl [ISS=]FILE]... [--dcc-revocation FILE]...
 *
 * Each file is checked as a kiosk will check it (events/trustupdate.h builds the body into a
 * scratch trust store) before anything is signed, so that one bad file refuses the command
 * here with its name and reason instead of every kiosk refusing the update. A kiosk replaces
 * the city's previous update with this one: the command always publishes the whole list.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "city/context.h"
#include "city/publish.h"
#include "city/store.h"
#include "credential/dsclist.h"
#include "events/trustupdate.h"

/* Exit codes (DESIGN.md "The city side"): ok, a refused input file, usage or I/O. */
#define EXIT_OK	     0
#define EXIT_REFUSED 1
#define EXIT_USAGE   2

enum trust_opt { OPT_JWKS, OPT_CERT, OPT_DSC_LIST, OPT_CRL, OPT_DCC_REVOCATION };

static const char *const opt_names[] = {
	[OPT_JWKS] = "--jwks",
	[OPT_CERT] = "--cert",
	[OPT_DSC_LIST] = "--dsc-list",
	[OPT_CRL] = "--crl",
	[OPT_DCC_REVOCATION] = "--dcc-revocation",
};

struct counts {
	size_t jwks, certs, crls, revocations, receipt_keys;
};

static void usage(void)
{
	fprintf(stderr, "usage: passgate-city publish trust [--jwks ISS=FILE]... [--cert FILE]...\n"
			"           [--dsc-list FILE]... [--crl [ISS=]FILE]... "
			"[--dcc-revocation FILE]...\n");
}

/* The whole file, NUL-terminated, at most DSCLIST_MAX_BYTES (the largest input). */
static int read_file(const char *path, char **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "re");
	char *buf = malloc(DSCLIST_MAX_BYTES + 1);
	size_t n = f && buf ? fread(buf, 1, DSCLIST_MAX_BYTES + 1, f) : 0;
	int r = !f			? -errno
		: !buf			? -ENOMEM
		: ferror(f)		? -EIO
		: n > DSCLIST_MAX_BYTES ? -EFBIG
					: 0;

	if (f)
		fclose(f);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[n] = '\0';
	*ret = buf;
	*ret_len = n;
	return 0;
}

static const char *why_refused(int r)
{
	return r == -EINVAL   ? "malformed, or not what a kiosk accepts"
	       : r == -ENOENT ? "no --jwks key set (nor the built-in one) holds its kid"
	       : r == -ESTALE ? "older than a list given before"
	       : r == -E2BIG  ? "more than a trust update may carry"
			      : strerror(-r);
}

/* One option's file into the update. 0, or the exit status. */
static int add_one(struct trustupdate *u, enum trust_opt opt, const char *arg, struct counts *n)
{
	const char *file = arg, *eq = strchr(arg, '='), *why = NULL;
	char *iss = NULL, *data = NULL;
	size_t len = 0, k = 0, index = SIZE_MAX;
	int r;

	if ((opt == OPT_JWKS && !eq) || ((opt == OPT_JWKS || opt == OPT_CRL) && eq == arg)) {
		usage();
		return EXIT_USAGE;
	}
	if ((opt == OPT_JWKS || opt == OPT_CRL) && eq) {
		iss = strndup(arg, (size_t)(eq - arg));
		file = eq + 1;
	}
	r = read_file(file, &data, &len);
	if (r < 0) {
		fprintf(stderr, "passgate-city publish trust: %s: %s\n", file, strerror(-r));
		free(iss);
		return EXIT_USAGE;
	}
	if (opt == OPT_JWKS && (r = trustupdate_add_jwks(u, iss, data, len)) >= 0)
		n->jwks++;
	else if (opt == OPT_CERT && (r = trustupdate_add_cert(u, (uint8_t *)data, len)) >= 0)
		n->certs++;
	else if (opt == OPT_DSC_LIST &&
		 (r = trustupdate_add_dsc_list(u, data, len, &k, &index, &why)) >= 0)
		n->certs += k;
	else if (opt == OPT_CRL && (r = trustupdate_add_crl(u, iss, data, len)) >= 0)
		n->crls++;
	else if (opt == OPT_DCC_REVOCATION &&
		 (r = trustupdate_add_dcc_revocation(u, data, len, &k)) >= 0)
		n->revocations += k;
	free(data);
	free(iss);
	if (r >= 0)
		return 0;
	if (why && index != SIZE_MAX)
		fprintf(stderr, "passgate-city publish trust: %s %s: certificate %zu: %s\n",
			opt_names[opt], file, index, why);
	else
		fprintf(stderr, "passgate-city publish trust: %s %s: refused: %s\n", opt_names[opt],
			file, why ? why : why_refused(r));
	return r == -ENOMEM ? EXIT_USAGE : EXIT_REFUSED;
}

static int publish_body(struct city *c, const char *body, size_t len, const struct counts *n)
{
	char topic[256], *text;
	int64_t issued = 0;
	json_t *o;
	int r;

	r = publish_topic(c, topic, sizeof(topic), "trust");
	if (r >= 0)
		r = publish_signed_now(c, topic, (const uint8_t *)body, len, &issued);
	if (r < 0) {
		fprintf(stderr, "passgate-city publish trust: %s%s%s\n",
			r == -ENOTCONN ? "no [mqtt] host in the configuration" : strerror(-r),
			r == -ETIMEDOUT ? " (no PUBACK from the broker)" : "",
			r == -ENOENT ? " (run `passgate-city init` first)" : "");
		return EXIT_USAGE;
	}
	o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "topic", topic, "issued", (json_int_t)issued,
		      "bytes", (json_int_t)len, "jwks", (json_int_t)n->jwks, "certs",
		      (json_int_t)n->certs, "crls", (json_int_t)n->crls, "dcc_revocations",
		      (json_int_t)n->revocations, "receipt_keys", (json_int_t)n->receipt_keys);
	text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	r = text && printf("%s\n", text) > 0 ? EXIT_OK : EXIT_USAGE;
	free(text);
	return r;
}

/* Every registered kiosk's receipt key goes into the update, so that any kiosk of the city can
 * check a guest's receipt from another (consecutive stays). */
struct receipt_keys {
	struct trustupdate *u;
	struct counts *n;
};

static int add_receipt_key(const struct store_kiosk *k, void *userdata)
{
	struct receipt_keys *rk = userdata;
	int r;

	if (!k->receipt_key[0])
		return 0;
	r = trustupdate_add_receipt_key(rk->u, k->venue, k->kiosk, k->receipt_key);
	if (r >= 0)
		rk->n->receipt_keys++;
	return r;
}

static int add_receipt_keys(struct city *c, struct trustupdate *u, struct counts *n)
{
	struct receipt_keys rk = { u, n };
	int r;

	r = city_open_store(c);
	if (r >= 0)
		r = store_kiosk_foreach(c->store, add_receipt_key, &rk);
	if (r < 0) {
		fprintf(stderr, "passgate-city publish trust: the kiosks' receipt keys: %s\n",
			strerror(-r));
		return EXIT_USAGE;
	}
	return 0;
}

int publish_trust_command(struct city *c, int argc, char **argv)
{
	struct trustupdate *u = NULL;
	struct counts n = { 0 };
	char *body = NULL;
	size_t len = 0;
	int st = 0, r;

	r = trustupdate_new(&u);
	if (r < 0) {
		fprintf(stderr, "passgate-city publish trust: %s\n", strerror(-r));
		return EXIT_USAGE;
	}
	for (int i = 1; st == 0 && i < argc; i += 2) {
		int opt = -1;

		for (int k = 0; k < (int)(sizeof(opt_names) / sizeof(opt_names[0])); k++)
			if (!strcmp(argv[i], opt_names[k]))
				opt = k;
		if (opt < 0 || i + 1 >= argc) {
			usage();
			st = EXIT_USAGE;
			break;
		}
		st = add_one(u, (enum trust_opt)opt, argv[i + 1], &n);
	}
	if (st == 0)
		st = add_receipt_keys(c, u, &n);
	if (st == 0 && (r = trustupdate_body(u, &body, &len)) < 0) {
		fprintf(stderr, "passgate-city publish trust: %s\n", why_refused(r));
		st = EXIT_REFUSED;
	}
	trustupdate_free(u);
	if (st == 0)
		st = publish_body(c, body, len, &n);
	free(body);
	return st;
}
