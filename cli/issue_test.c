/* SPDX-License-Identifier: MIT */
/*
 * issue_test.c - `passgate issue-test`: a local test issuer for tests, demos and other modules.
 *
 *   passgate issue-test keygen --dir DIR
 *   passgate issue-test shc (--dir DIR | --key PRIVATE_JWKS_FILE) [--issuer URL] [--family F]
 *        [--given G] [--birth-date D] [--vaccination DATE]... [--test KIND,COLLECTED,RESULT]
 *        [--nbf TIME] [--exp TIME]
 *   passgate issue-test dcc (--dir DIR | --key KEY.pem --cert CERT.pem) [same content options]
 *        [--country CC] [--iat TIME] [--exp TIME]
 *   either with [--png FILE]: also write the QR code as a PNG image (the demo's camera)
 *
 * keygen writes DIR/shc-issuer.private.jwks.json (0600), DIR/shc-issuer.jwks.json,
 * DIR/dcc-signer.key.pem (0600) and DIR/dcc-signer.cert.pem (self-signed). shc and dcc print
 * the QR text on stdout. These keys are for tests only: they sign whatever they are told.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/commands.h"
#include "hal/qrcode.h"
#include "cli/trust_opts.h"
#include "credential/isotime.h"
#include "credential/issue.h"
#include "credential/jwk.h"
#include "credential/shc.h"
#include "credential/sig.h"
#include "util/fileio.h"

#define KEY_FILE_MAX	(1u << 20)
#define DEFAULT_ISSUER	"https://issuer.passgate.test"
#define CERT_NOT_BEFORE 1577836800 /* 2020-01-01T00:00:00Z */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: passgate issue-test keygen --dir DIR\n"
		"       passgate issue-test shc (--dir DIR | --key PRIVATE_JWKS_FILE) [--issuer "
		"URL]\n"
		"            [--family F] [--given G] [--birth-date D] [--vaccination DATE]...\n"
		"            [--test KIND,COLLECTED,RESULT]... [--nbf TIME] [--exp TIME]\n"
		"       passgate issue-test dcc (--dir DIR | --key KEY.pem --cert CERT.pem)\n"
		"            [content options as shc] [--country CC] [--iat TIME] [--exp TIME]\n"
		"  --png FILE: also write the QR code as a PNG image\n"
		"  KIND: pcr | lamp | antigen-quantitative | antigen-rapid | antibody\n"
		"  RESULT: negative | positive | inconclusive\n"
		"  TIME: ISO 8601 with offset, or a date; default issuer %s\n",
		DEFAULT_ISSUER);
}

static int write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[4096];
	size_t n = strlen(text);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n || fsync(fd) < 0) {
		int e = errno;

		fprintf(stderr, "passgate issue-test: %s: %s\n", path, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	return close(fd) < 0 ? -errno : 0;
}

static int write_jwks(const char *dir, const char *name, const struct sig_key *k, bool priv)
{
	json_t *jwk, *set;
	char *text;
	int r;

	r = jwk_from_key(k, priv, &jwk);
	if (r < 0)
		return r;
	set = json_pack("{s:[o]}", "keys", jwk);
	if (!set)
		return -ENOMEM;
	text = json_dumps(set, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(set);
	if (!text)
		return -ENOMEM;
	r = write_file(dir, name, text, priv ? 0600 : 0644);
	explicit_bzero(text, strlen(text));
	free(text);
	return r;
}

static int keygen(const char *dir)
{
	struct sig_key *shc = NULL, *dcc = NULL;
	uint8_t *der = NULL;
	size_t der_len;
	char *pem = NULL;
	int64_t now = (int64_t)time(NULL);
	int r;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "passgate issue-test: %s: %s\n", dir, strerror(errno));
		return EXIT_USAGE;
	}
	r = sig_key_generate_p256(&shc);
	if (r < 0)
		goto fail;
	r = write_jwks(dir, "shc-issuer.private.jwks.json", shc, true);
	if (r < 0)
		goto fail;
	r = write_jwks(dir, "shc-issuer.jwks.json", shc, false);
	if (r < 0)
		goto fail;

	/* The DCC signer: its own key and a self-signed certificate valid from 2020-01-01 (so
	 * that tests may sign with past iat: hcert requires notBefore <= iat) to ten years from
	 * now, with no key-usage OIDs (valid for every certificate type). */
	r = sig_key_generate_p256(&dcc);
	if (r < 0)
		goto fail;
	r = sig_key_to_pem(dcc, 1, &pem);
	if (r < 0)
		goto fail;
	r = write_file(dir, "dcc-signer.key.pem", pem, 0600);
	explicit_bzero(pem, strlen(pem));
	free(pem);
	pem = NULL;
	if (r < 0)
		goto fail;
	r = sig_cert_self_signed(dcc, "passgate test DCC signer", "JP", CERT_NOT_BEFORE,
				 now + 10 * 366 * 86400, SIG_USAGE_ANY, &der, &der_len);
	if (r < 0)
		goto fail;
	r = sig_cert_to_pem(der, der_len, &pem);
	if (r < 0)
		goto fail;
	r = write_file(dir, "dcc-signer.cert.pem", pem, 0644);
fail:
	if (r < 0 && r != -EACCES && r != -ENOENT && r != -ENOSPC)
		fprintf(stderr, "passgate issue-test keygen: %s\n", strerror(-r));
	free(pem);
	free(der);
	sig_key_free(shc);
	sig_key_free(dcc);
	return r < 0 ? EXIT_USAGE : 0;
}

/* The first ES256 private key of a private JWKS file (others, e.g. "enc" keys, are skipped). */
static int load_shc_key(const char *path, struct sig_key **ret, char kid[CRED_KID_MAX])
{
	json_t *root, *jwk;
	json_error_t err;
	char *data;
	size_t len, i;
	int r;

	r = fileio_read(path, KEY_FILE_MAX, 0, &data, &len);
	if (r < 0) {
		fprintf(stderr, "passgate issue-test: %s: %s\n", path, strerror(-r));
		return r;
	}
	root = json_loadb(data, len, 0, &err);
	explicit_bzero(data, len);
	free(data);
	r = -EINVAL;
	json_array_foreach(json_object_get(root, "keys"), i, jwk)
	{
		int64_t crl;

		if (!json_object_get(jwk, "d"))
			continue;
		if (jwk_parse_p256(jwk, true, kid, &crl, ret) == 0) {
			r = 0;
			break;
		}
	}
	json_decref(root);
	if (r < 0)
		fprintf(stderr, "passgate issue-test: %s: no ES256 P-256 private key\n", path);
	return r;
}

static int parse_time(const char *opt, const char *s, int64_t *ret)
{
	if (isotime_parse(s, ret) == 0)
		return 0;
	fprintf(stderr, "passgate issue-test: %s: not an ISO 8601 time with offset: %s\n", opt, s);
	return -EINVAL;
}

static int parse_test(const char *arg, struct cred_test *t)
{
	static const enum cred_test_kind kinds[] = { CRED_TEST_PCR, CRED_TEST_LAMP,
						     CRED_TEST_ANTIGEN_QUANTITATIVE,
						     CRED_TEST_ANTIGEN_RAPID, CRED_TEST_ANTIBODY };
	char buf[128], *kind, *when, *result, *save = NULL;
	bool found = false;

	snprintf(buf, sizeof(buf), "%s", arg);
	kind = strtok_r(buf, ",", &save);
	when = strtok_r(NULL, ",", &save);
	result = strtok_r(NULL, ",", &save);
	if (!kind || !when || !result || strtok_r(NULL, ",", &save))
		goto bad;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(kind, cred_test_kind_name(kinds[i])) == 0) {
			t->kind = kinds[i];
			found = true;
		}
	}
	if (!found || isotime_parse(when, &t->collected) < 0)
		goto bad;
	if (strcmp(result, "negative") == 0)
		t->result = CRED_RESULT_NEGATIVE;
	else if (strcmp(result, "positive") == 0)
		t->result = CRED_RESULT_POSITIVE;
	else if (strcmp(result, "inconclusive") == 0)
		t->result = CRED_RESULT_UNKNOWN;
	else
		goto bad;
	return 0;
bad:
	fprintf(stderr, "passgate issue-test: --test needs KIND,COLLECTED,RESULT, got '%s'\n", arg);
	return -EINVAL;
}

static bool set_field(char *dst, size_t size, const char *opt, const char *v)
{
	if (strlen(v) >= size) {
		fprintf(stderr, "passgate issue-test: %s: too long\n", opt);
		return false;
	}
	memcpy(dst, v, strlen(v) + 1);
	return true;
}

static int mint(int argc, char **argv, bool dcc)
{
	const char *dir = NULL, *key_path = NULL, *cert_path = NULL, *issuer = DEFAULT_ISSUER;
	const char *country = "JP", *png = NULL;
	int64_t now = (int64_t)time(NULL), nbf = now, exp = 0, iat = now;
	bool have_exp = false;
	struct sig_key *key = NULL;
	char kid[CRED_KID_MAX], path[4096], *text = NULL;
	struct cred c = { 0 };
	int r = -EINVAL;

	snprintf(c.family, sizeof(c.family), "Sato");
	snprintf(c.given, sizeof(c.given), "Hanako");
	snprintf(c.dob, sizeof(c.dob), "1990-04-01");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			fprintf(stderr, "passgate issue-test: unexpected argument '%s'\n", a);
			goto out;
		}
		i++;
		if (strcmp(a, "--dir") == 0) {
			dir = v;
		} else if (strcmp(a, "--key") == 0) {
			key_path = v;
		} else if (strcmp(a, "--png") == 0) {
			png = v;
		} else if (dcc && strcmp(a, "--cert") == 0) {
			cert_path = v;
		} else if (!dcc && strcmp(a, "--issuer") == 0) {
			issuer = v;
		} else if (dcc && strcmp(a, "--country") == 0) {
			country = v;
		} else if (strcmp(a, "--family") == 0) {
			if (!set_field(c.family, sizeof(c.family), a, v))
				goto out;
		} else if (strcmp(a, "--given") == 0) {
			if (!set_field(c.given, sizeof(c.given), a, v))
				goto out;
		} else if (strcmp(a, "--birth-date") == 0) {
			if (!set_field(c.dob, sizeof(c.dob), a, v))
				goto out;
		} else if (strcmp(a, "--vaccination") == 0) {
			int64_t t;

			if (c.n_doses >= CRED_MAX_DOSES || strlen(v) != 10 ||
			    isotime_parse(v, &t) < 0) {
				fprintf(stderr,
					"passgate issue-test: --vaccination: bad date '%s'\n", v);
				goto out;
			}
			struct cred_dose *d = &c.doses[c.n_doses++];

			memcpy(d->date, v, 11);
			d->number = c.n_doses;
			snprintf(d->product, sizeof(d->product), "%s",
				 dcc ? "EU/1/20/1528" : "208");
			snprintf(d->target, sizeof(d->target), "840539006");
		} else if (strcmp(a, "--test") == 0) {
			if (c.n_tests >= CRED_MAX_TESTS || parse_test(v, &c.tests[c.n_tests]) < 0)
				goto out;
			c.n_tests++;
		} else if (!dcc && strcmp(a, "--nbf") == 0) {
			if (parse_time(a, v, &nbf) < 0)
				goto out;
		} else if (dcc && strcmp(a, "--iat") == 0) {
			if (parse_time(a, v, &iat) < 0)
				goto out;
		} else if (strcmp(a, "--exp") == 0) {
			if (parse_time(a, v, &exp) < 0)
				goto out;
			have_exp = true;
		} else {
			fprintf(stderr, "passgate issue-test: unexpected argument '%s'\n", a);
			goto out;
		}
	}
	if (!!dir + !!key_path != 1 || (dcc && key_path && !cert_path)) {
		fprintf(stderr, "passgate issue-test: give --dir DIR or --key FILE%s\n",
			dcc ? " with --cert FILE" : "");
		goto out;
	}
	for (unsigned k = 0; k < c.n_doses; k++)
		if (dcc)
			c.doses[k].series_total = c.n_doses;

	if (!dcc) {
		if (dir)
			snprintf(path, sizeof(path), "%s/shc-issuer.private.jwks.json", dir);
		r = load_shc_key(dir ? path : key_path, &key, kid);
		if (r < 0)
			goto out;
		r = issue_shc(key, kid, issuer, &c, nbf, have_exp ? exp : 0, &text);
	} else {
		char *pem = NULL, *cert = NULL;
		size_t pem_len, cert_len;
		struct sig_cert_info info;
		uint8_t *der = NULL;
		size_t der_len;

		if (dir)
			snprintf(path, sizeof(path), "%s/dcc-signer.key.pem", dir);
		r = fileio_read(dir ? path : key_path, KEY_FILE_MAX, 0, &pem, &pem_len);
		if (r == 0) {
			r = sig_key_from_pem(pem, pem_len, &key);
			explicit_bzero(pem, pem_len);
			free(pem);
		}
		if (r < 0) {
			fprintf(stderr, "passgate issue-test: cannot load the DCC signer key: %s\n",
				strerror(-r));
			goto out;
		}
		if (dir)
			snprintf(path, sizeof(path), "%s/dcc-signer.cert.pem", dir);
		r = fileio_read(dir ? path : cert_path, KEY_FILE_MAX, 0, &cert, &cert_len);
		if (r == 0) {
			r = sig_cert_parse((const uint8_t *)cert, cert_len, &info, NULL, &der,
					   &der_len);
			free(cert);
			free(der);
		}
		if (r < 0) {
			fprintf(stderr,
				"passgate issue-test: cannot load the DCC signer "
				"certificate: %s\n",
				strerror(-r));
			goto out;
		}
		if (!have_exp)
			exp = iat + 365 * 86400;
		r = issue_dcc(key, info.kid, country, &c, iat, exp, &text);
	}
	if (r < 0) {
		fprintf(stderr, "passgate issue-test: signing failed: %s\n", strerror(-r));
		goto out;
	}
	if (png) {
		/* 4 pixels a module: what a phone screen or a print shows a camera. */
		r = hal_qr_write_png(text, png, 4);
		if (r < 0) {
			fprintf(stderr, "passgate issue-test: %s: %s\n", png, strerror(-r));
			goto out;
		}
	}
	printf("%s\n", text);
	r = fflush(stdout) == 0 ? 0 : -EIO;
out:
	free(text);
	sig_key_free(key);
	cred_wipe(&c);
	return r < 0 ? EXIT_USAGE : 0;
}

int cmd_issue_test(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "keygen") == 0) {
		if (argc != 4 || strcmp(argv[2], "--dir") != 0) {
			usage(stderr);
			return EXIT_USAGE;
		}
		return keygen(argv[3]);
	}
	if (strcmp(argv[1], "shc") == 0)
		return mint(argc - 1, argv + 1, false);
	if (strcmp(argv[1], "dcc") == 0)
		return mint(argc - 1, argv + 1, true);
	fprintf(stderr, "passgate issue-test: unknown action '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
