/* SPDX-License-Identifier: MIT */
/*
 * check.c - `passgate check`: verify a credential (or none), then apply a program's rules once
 * and print the decision (DESIGN.md, "passgate check"):
 *
 *   passgate check --program ID [--at TIME] [--set KEY=VALUE]... [--tz ZONE]
 *                  [--programs-dir DIR] [--lang ja|en]
 *                  [--trust-jwks ISS=FILE]... [--trust-cert FILE]... [--no-default-trust]
 *                  [--state-dir DIR] [--payload TEXT | --payload-file FILE | --image FILE]
 *                  [--booking-code TEXT ...] [--receipt-code TEXT ...]   (cli/check_codes.h)
 *
 * Output: {"decision", "reasons", "program", "format", "kind", "referral"}; exit 0 admit,
 * 1 deny, 2 usage, configuration or I/O error. Without a credential the person is judged as
 * credential-less (children, school activities).
 *
 * The trust options are those of `passgate verify` (cli/trust_opts.h); --image decodes with the
 * kiosk's own decoder (cli/qr_input.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/check_codes.h"
#include "cli/commands.h"
#include "cli/qr_input.h"
#include "credential/cred.h"
#include "rules/datetime.h"
#include "rules/judge.h"

#include "cli/trust_opts.h"
#include "credential/trust.h"
#include "credential/verify.h"
#include "util/fileio.h"

#define MAX_SET	 64
#define MAX_TEXT 65536

static void usage(FILE *f)
{
	fprintf(f,
		"usage: passgate check --program ID [--at TIME] [--set KEY=VALUE]... [--tz ZONE]\n"
		"                      [--programs-dir DIR] [--lang ja|en]\n"
		"                      [--trust-jwks ISS=FILE]... [--trust-cert FILE]...\n"
		"                      [--no-default-trust] [--state-dir DIR]\n"
		"                      [--payload TEXT | --payload-file FILE | --image FILE]\n"
		"                      [--booking-code TEXT [--booking-key B64]... [--venue ID]]\n"
		"                      [--receipt-code TEXT [--receipt-key VENUE/KIOSK=B64]...]\n");
}

/*
 * Verify @text at @now against the trust the options describe (cli/trust_opts.h, shared with
 * `passgate verify`). Returns 0 with *ret_status set (CRED_OK and *ret filled, or the failed
 * step), or a negative errno for a configuration or I/O error (already reported on stderr).
 */
static int check_verify_credential(const struct trust_opts *to, const char *text, size_t len,
				   int64_t now, struct cred *ret, enum cred_status *ret_status)
{
	struct trust *t;
	int r;

	r = trust_opts_build(to, &t);
	if (r < 0)
		return r;
	r = cred_verify(t, text, len, now, ret, ret_status);
	if (r < 0)
		fprintf(stderr, "passgate check: verification failed: %s\n", strerror(-r));
	trust_free(t);
	return r;
}

/* One trust option (parsed by trust_opts, shared with verify) for cli_take_options(), so that
 * getopt sees only check's own. */
static int take_trust_option(void *to, int argc, char **argv, int *i)
{
	return trust_opts_parse(to, argc, argv, i);
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
		{ "payload", required_argument, NULL, 'P' },
		{ "payload-file", required_argument, NULL, 'F' },
		{ "image", required_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct trust_opts *to = NULL;
	struct check_codes *cc = NULL;
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

	if (trust_opts_new("check", &to) < 0 || check_codes_new(&cc) < 0)
		goto out;
	argc = cli_take_options(argc, argv, take_trust_option, to);
	if (argc >= 0)
		argc = check_codes_take(cc, argc, argv);
	if (argc < 0)
		goto out;
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
			if (n_sets == MAX_SET) {
				usage(stderr);
				goto out;
			}
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
			else {
				usage(stderr);
				goto out;
			}
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
			rc = 0;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (optind != argc || !program || (!!payload + !!payload_file + !!image) > 1) {
		usage(stderr);
		goto out;
	}
	if (!rules_tz_valid(tz)) {
		fprintf(stderr, "passgate check: unknown time zone '%s'\n", tz);
		goto out;
	}
	if (at) {
		if (rules_time_parse(at, tz, &now) < 0) {
			fprintf(stderr, "passgate check: --at wants ISO 8601, e.g. "
					"2022-07-20T10:00:00+09:00\n");
			goto out;
		}
	} else {
		now = (int64_t)time(NULL);
	}
	r = rules_catalog_load(rules_programs_dir(dir), &catalog, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "passgate check: %s\n", err);
		goto out;
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
	r = check_codes_booking(cc, p, tz, now, ctx, &d);
	if (r < 0)
		goto out;
	if (r == 1) { /* the gate refuses the booking code: nobody is judged */
		print_decision(&d, NULL, lang);
		rc = 1;
		goto out;
	}
	if (payload) {
		text = strdup(payload);
		len = strlen(payload);
		if (!text)
			goto out;
	} else if (payload_file) {
		r = fileio_read(payload_file, MAX_TEXT, 0, &text, &len);
		if (r < 0) {
			fprintf(stderr, "passgate check: %s: %s\n", payload_file, strerror(-r));
			goto out;
		}
		/* A file written by a shell usually ends in a newline that is not part of the QR.
		 */
		while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
			text[--len] = '\0';
	} else if (image) {
		if (cli_read_qr_image("check", image, &text, &len) < 0)
			goto out;
	}
	if (text) {
		cred = calloc(1, sizeof(*cred));
		if (!cred)
			goto out;
		if (check_verify_credential(to, text, len, now, cred, &status) < 0)
			goto out;
	}
	if (check_codes_receipt(cc, p, tz, now, status == CRED_OK ? cred : NULL, ctx) < 0)
		goto out;
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
	check_codes_free(cc);
	trust_opts_free(to);
	return rc;
}
