/* SPDX-License-Identifier: MIT */
/*
 * check.c - `passgate check`: verify a credential (or none), then apply a program's rules once
 * and print the decision (DESIGN.md, "passgate check"):
 *
 *   passgate check --program ID [--at TIME] [--set KEY=VALUE]... [--tz ZONE]
 *                  [--programs-dir DIR] [--lang ja|en]
 *                  [--trust-jwks ISS=FILE]... [--trust-cert FILE]... [--no-default-trust]
 *                  [--state-dir DIR] [--payload TEXT | --payload-file FILE | --image FILE]
 *
 * Output: {"decision", "reasons", "program", "format", "kind", "referral"}; exit 0 admit,
 * 1 deny, 2 usage, configuration or I/O error. Without a credential the person is judged as
 * credential-less (children, school activities).
 *
 * The credential path (trust store + cred_verify) is isolated in check_verify_credential() and
 * check_read_image(), so that the rules side builds and is tested on its own.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/commands.h"
#include "credential/cred.h"
#include "rules/datetime.h"
#include "rules/judge.h"

#ifdef PASSGATE_HAVE_CRED_VERIFY
#include "credential/trust.h"
#include "credential/verify.h"
#endif

#define MAX_TRUST 32
#define MAX_SET	  64
#define MAX_TEXT  65536

struct check_trust_args {
	const char *jwks[MAX_TRUST]; /* "ISS=FILE" */
	size_t n_jwks;
	const char *certs[MAX_TRUST];
	size_t n_certs;
	bool no_default;
	const char *state_dir;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: passgate check --program ID [--at TIME] [--set KEY=VALUE]... [--tz ZONE]\n"
		"                      [--programs-dir DIR] [--lang ja|en]\n"
		"                      [--trust-jwks ISS=FILE]... [--trust-cert FILE]...\n"
		"                      [--no-default-trust] [--state-dir DIR]\n"
		"                      [--payload TEXT | --payload-file FILE | --image FILE]\n");
}

static int read_file(const char *path, char **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int bad;

	if (!f)
		return -errno;
	buf = malloc(MAX_TEXT + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, MAX_TEXT + 1, f);
	bad = ferror(f);
	fclose(f);
	if (bad || n > MAX_TEXT) {
		free(buf);
		return bad ? -EIO : -EFBIG;
	}
	buf[n] = '\0';
	*ret = buf;
	*ret_len = n;
	return 0;
}

/*
 * The QR text in an image. The decoder lives in hal/ (another issue); until the CLI is wired to
 * it at merge, images are refused as a usage error rather than misjudged.
 */
static int check_read_image(const char *path, char **ret, size_t *ret_len)
{
	(void)path;
	(void)ret;
	(void)ret_len;
	fprintf(stderr, "passgate check: --image is not available in this build (use --payload)\n");
	return -ENOTSUP;
}

#ifdef PASSGATE_HAVE_CRED_VERIFY
static int import_file(struct trust *t, const char *iss, const char *path)
{
	char *buf;
	size_t len;
	int r;

	r = read_file(path, &buf, &len);
	if (r < 0) {
		fprintf(stderr, "passgate check: %s: %s\n", path, strerror(-r));
		return r;
	}
	r = iss ? trust_import_jwks(t, iss, buf, len) : trust_import_cert(t, (uint8_t *)buf, len);
	if (r < 0)
		fprintf(stderr, "passgate check: %s: not a valid %s\n", path,
			iss ? "JWKS" : "certificate");
	free(buf);
	return r;
}
#endif

/*
 * Verify @text at @now against the trust the options describe. Returns 0 with *ret_status set
 * (CRED_OK and *ret filled, or the failed step), or a negative errno for a configuration or
 * I/O error (already reported on stderr).
 */
static int check_verify_credential(const struct check_trust_args *ta, const char *text, size_t len,
				   int64_t now, struct cred *ret, enum cred_status *ret_status)
{
#ifdef PASSGATE_HAVE_CRED_VERIFY
	char path[4096];
	struct trust *t;
	int r;

	if (ta->state_dir)
		snprintf(path, sizeof(path), "%s/trust.sqlite", ta->state_dir);
	r = trust_open(ta->state_dir ? path : NULL, &t);
	if (r < 0) {
		fprintf(stderr, "passgate check: trust store: %s\n", strerror(-r));
		return r;
	}
	if (!ta->no_default && (r = trust_add_default(t)) < 0)
		goto out;
	for (size_t i = 0; i < ta->n_jwks; i++) {
		const char *eq = strrchr(ta->jwks[i], '=');
		char iss[1024];

		if (!eq || eq == ta->jwks[i] || (size_t)(eq - ta->jwks[i]) >= sizeof(iss)) {
			fprintf(stderr, "passgate check: --trust-jwks wants ISS=FILE\n");
			r = -EINVAL;
			goto out;
		}
		snprintf(iss, sizeof(iss), "%.*s", (int)(eq - ta->jwks[i]), ta->jwks[i]);
		r = import_file(t, iss, eq + 1);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < ta->n_certs; i++) {
		r = import_file(t, NULL, ta->certs[i]);
		if (r < 0)
			goto out;
	}
	r = cred_verify(t, text, len, now, ret, ret_status);
	if (r < 0)
		fprintf(stderr, "passgate check: verification failed: %s\n", strerror(-r));
out:
	trust_free(t);
	return r;
#else
	(void)ta;
	(void)text;
	(void)len;
	(void)now;
	(void)ret;
	(void)ret_status;
	fprintf(stderr, "passgate check: credential verification is not built into this version; "
			"only credential-less checks are available\n");
	return -ENOTSUP;
#endif
}

static void print_decision(const struct rules_decision *d, const struct cred *c,
			   enum rules_lang lang)
{
	json_t *reasons = json_array(), *o;
	const char *fmt = c ? cred_format_name(c->format) : NULL;
	char *s;

	for (unsigned i = 0; i < d->n_reasons; i++)
		json_array_append_new(reasons, json_string(rules_reason_code(d->reasons[i])));
	o = json_pack("{s:s,s:o,s:s,s:s?,s:s?,s:s?}", "decision", d->admit ? "admit" : "deny",
		      "reasons", reasons, "program", d->program, "format", fmt, "kind", d->kind,
		      "referral", d->referral[lang]);
	s = o ? json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT) : NULL;
	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(o);
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "program", required_argument, NULL, 'p' },
		{ "at", required_argument, NULL, 'a' },
		{ "set", required_argument, NULL, 's' },
		{ "tz", required_argument, NULL, 'z' },
		{ "programs-dir", required_argument, NULL, 'd' },
		{ "lang", required_argument, NULL, 'l' },
		{ "trust-jwks", required_argument, NULL, 'j' },
		{ "trust-cert", required_argument, NULL, 'c' },
		{ "no-default-trust", no_argument, NULL, 'n' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "payload", required_argument, NULL, 'P' },
		{ "payload-file", required_argument, NULL, 'F' },
		{ "image", required_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct check_trust_args ta = { 0 };
	const char *program = NULL, *at = NULL, *tz = "Asia/Tokyo", *dir = NULL;
	const char *sets[MAX_SET], *payload = NULL, *payload_file = NULL, *image = NULL;
	enum rules_lang lang = RULES_LANG_JA;
	size_t n_sets = 0, len = 0;
	struct rules_catalog *catalog = NULL;
	const struct rules_program *p;
	struct rules_context *ctx = NULL;
	struct rules_decision d;
	enum cred_status status = CRED_OK;
	struct cred *cred = NULL;
	char err[1024], *text = NULL;
	int64_t now;
	int c, r, rc = EXIT_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			program = optarg;
			break;
		case 'a':
			at = optarg;
			break;
		case 's':
			if (n_sets == MAX_SET)
				goto usage;
			sets[n_sets++] = optarg;
			break;
		case 'z':
			tz = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'l':
			if (strcmp(optarg, "ja") == 0)
				lang = RULES_LANG_JA;
			else if (strcmp(optarg, "en") == 0)
				lang = RULES_LANG_EN;
			else
				goto usage;
			break;
		case 'j':
			if (ta.n_jwks == MAX_TRUST)
				goto usage;
			ta.jwks[ta.n_jwks++] = optarg;
			break;
		case 'c':
			if (ta.n_certs == MAX_TRUST)
				goto usage;
			ta.certs[ta.n_certs++] = optarg;
			break;
		case 'n':
			ta.no_default = true;
			break;
		case 'S':
			ta.state_dir = optarg;
			break;
		case 'P':
			payload = optarg;
			break;
		case 'F':
			payload_file = optarg;
			break;
		case 'I':
			image = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto usage;
		}
	}
	if (optind != argc || !program || (!!payload + !!payload_file + !!image) > 1)
		goto usage;
	if (!rules_tz_valid(tz)) {
		fprintf(stderr, "passgate check: unknown time zone '%s'\n", tz);
		return EXIT_USAGE;
	}
	if (at) {
		if (rules_time_parse(at, tz, &now) < 0) {
			fprintf(stderr, "passgate check: --at wants ISO 8601, e.g. "
					"2022-07-20T10:00:00+09:00\n");
			return EXIT_USAGE;
		}
	} else {
		now = (int64_t)time(NULL);
	}
	r = rules_catalog_load(rules_programs_dir(dir), &catalog, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "passgate check: %s\n", err);
		return EXIT_USAGE;
	}
	p = rules_catalog_find(catalog, program);
	if (!p) {
		fprintf(stderr, "passgate check: no program '%s' in %s\n", program,
			rules_programs_dir(dir));
		goto out;
	}
	if (rules_context_new(&ctx) < 0)
		goto out;
	for (size_t i = 0; i < n_sets; i++) {
		char key[128];
		const char *eq = strchr(sets[i], '=');

		if (!eq || eq == sets[i] || (size_t)(eq - sets[i]) >= sizeof(key)) {
			fprintf(stderr, "passgate check: --set wants KEY=VALUE\n");
			goto out;
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - sets[i]), sets[i]);
		r = rules_context_set(ctx, p, key, eq + 1);
		if (r < 0) {
			fprintf(stderr, "passgate check: --set %s: %s\n", sets[i],
				r == -ENOENT ? "unknown context key" : "bad value");
			goto out;
		}
	}
	if (payload) {
		text = strdup(payload);
		len = strlen(payload);
		if (!text)
			goto out;
	} else if (payload_file) {
		r = read_file(payload_file, &text, &len);
		if (r < 0) {
			fprintf(stderr, "passgate check: %s: %s\n", payload_file, strerror(-r));
			goto out;
		}
		/* A file written by a shell usually ends in a newline that is not part of the QR.
		 */
		while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
			text[--len] = '\0';
	} else if (image) {
		if (check_read_image(image, &text, &len) < 0)
			goto out;
	}
	if (text) {
		cred = calloc(1, sizeof(*cred));
		if (!cred)
			goto out;
		if (check_verify_credential(&ta, text, len, now, cred, &status) < 0)
			goto out;
	}
	r = rules_judge(p, cred, status, now, tz, ctx, &d);
	if (r < 0) {
		fprintf(stderr, "passgate check: %s\n", strerror(-r));
		goto out;
	}
	print_decision(&d, cred, lang);
	rc = d.admit ? 0 : 1;
out:
	if (cred) {
		cred_wipe(cred);
		free(cred);
	}
	free(text);
	rules_context_free(ctx);
	rules_catalog_free(catalog);
	return rc;
usage:
	usage(stderr);
	return EXIT_USAGE;
}
