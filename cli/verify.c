/* SPDX-License-Identifier: MIT */
/*
 * verify.c - `passgate verify`: verify one credential offline and print it normalized.
 *
 *   passgate verify [--at TIME] [trust options] (--payload TEXT | --payload-file FILE |
 *                   --image FILE)
 *
 * Prints one JSON object {"valid","format","error","issuer","kid","credential"} (DESIGN.md,
 * contract) on stdout; exit 0 valid, 1 not valid, 2 usage or I/O error. The credential (with
 * its personal data) goes to stdout only, by contract; stderr messages never carry it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "cli/commands.h"
#include "cli/qr_input.h"
#include "cli/trust_opts.h"
#include "credential/cred_json.h"
#include "credential/isotime.h"
#include "credential/shc.h"
#include "credential/trust.h"
#include "credential/verify.h"
#include "util/fileio.h"

#define PAYLOAD_FILE_MAX (1u << 20)

static void usage(FILE *f)
{
	fprintf(f,
		"usage: passgate verify [--at TIME] [trust options]\n"
		"                       (--payload TEXT | --payload-file FILE | --image FILE)\n"
		"  --at TIME              verify at TIME (ISO 8601 with offset, or a date; "
		"default now)\n"
		"  --payload TEXT         the QR text (shc:/..., a JWS, HC1:...)\n"
		"  --payload-file FILE    a file with the QR text, or a .smart-health-card file\n"
		"  --image FILE           an image with the QR code\n%s",
		trust_opts_help);
}

/* A .smart-health-card file is JSON; anything else in a payload file is the QR text itself. */
static int payload_from_file(const char *path, char **ret, size_t *ret_len)
{
	char *data, *jws;
	size_t len, i = 0;
	int r;

	r = fileio_read(path, PAYLOAD_FILE_MAX, 0, &data, &len);
	if (r < 0)
		return r;
	while (i < len && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t'))
		i++;
	if (i < len && data[i] == '{' && shc_file_first_jws(data, len, &jws) == 0) {
		free(data);
		*ret = jws;
		*ret_len = strlen(jws);
		return 0;
	}
	*ret = data;
	*ret_len = len;
	return 0;
}

static int print_result(const struct cred *c, enum cred_status st)
{
	json_t *o;
	const char *fmt = cred_format_name(c->format);
	char *text;

	o = json_pack("{s:b}", "valid", st == CRED_OK);
	if (!o)
		return -ENOMEM;
	json_object_set_new(o, "format", fmt ? json_string(fmt) : json_null());
	json_object_set_new(o, "error",
			    st == CRED_OK ? json_null() : json_string(cred_status_code(st)));
	json_object_set_new(o, "issuer", c->issuer[0] ? json_string(c->issuer) : json_null());
	json_object_set_new(o, "kid", c->kid[0] ? json_string(c->kid) : json_null());
	json_object_set_new(o, "credential", st == CRED_OK ? cred_to_json(c) : json_null());
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!text)
		return -ENOMEM;
	printf("%s\n", text);
	free(text);
	return fflush(stdout) == 0 ? 0 : -EIO;
}

int cmd_verify(int argc, char **argv)
{
	const char *at = NULL, *payload = NULL, *payload_file = NULL, *image = NULL;
	struct trust_opts *opts = NULL;
	struct trust *trust = NULL;
	char *text = NULL;
	size_t len = 0;
	struct cred c;
	enum cred_status st;
	int64_t now;
	int r, status = EXIT_USAGE;

	if (trust_opts_new("verify", &opts) < 0)
		return EXIT_USAGE;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		r = trust_opts_parse(opts, argc, argv, &i);
		if (r < 0)
			goto out;
		if (r > 0)
			continue;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			status = 0;
			goto out;
		}
		if (i + 1 < argc && strcmp(a, "--at") == 0) {
			at = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--payload") == 0) {
			payload = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--payload-file") == 0) {
			payload_file = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--image") == 0) {
			image = argv[++i];
		} else {
			fprintf(stderr, "passgate verify: unexpected argument '%s'\n", a);
			usage(stderr);
			goto out;
		}
	}
	if (!!payload + !!payload_file + !!image != 1) {
		fprintf(stderr, "passgate verify: give exactly one of --payload, --payload-file, "
				"--image\n");
		usage(stderr);
		goto out;
	}
	if (at) {
		if (isotime_parse(at, &now) < 0) {
			fprintf(stderr,
				"passgate verify: --at: not an ISO 8601 time with offset: %s\n",
				at);
			goto out;
		}
	} else {
		now = (int64_t)time(NULL);
	}
	if (image && cli_read_qr_image("verify", image, &text, &len) < 0)
		goto out;
	if (payload_file) {
		r = payload_from_file(payload_file, &text, &len);
		if (r < 0) {
			fprintf(stderr, "passgate verify: %s: %s\n", payload_file, strerror(-r));
			goto out;
		}
	}
	if (trust_opts_build(opts, &trust) < 0)
		goto out;
	r = payload ? cred_verify(trust, payload, strlen(payload), now, &c, &st)
		    : cred_verify(trust, text, len, now, &c, &st);
	if (r < 0) {
		fprintf(stderr, "passgate verify: internal error: %s\n", strerror(-r));
		goto out;
	}
	r = print_result(&c, st);
	cred_wipe(&c);
	if (r < 0) {
		fprintf(stderr, "passgate verify: cannot write the result: %s\n", strerror(-r));
		goto out;
	}
	status = st == CRED_OK ? 0 : 1;
out:
	if (text) {
		explicit_bzero(text, len);
		free(text);
	}
	trust_free(trust);
	trust_opts_free(opts);
	return status;
}
