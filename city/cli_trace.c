/* SPDX-License-Identifier: MIT */
/*
 * cli_trace.c - `passgate-city trace`: the case's identity comes from its certificate QR
 * (verified with the city's trust store, exactly as a kiosk would: cred_verify()) or from
 * --name 'FAMILY,GIVEN' --birth-date --issuer as written on the certificate; it lives in this
 * process's memory only and is wiped before exit. The answer is trace.h's JSON; the audit log
 * gets who, when and which days. Exit 0 when visits were found, 1 when none.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "city/cli.h"
#include "city/context.h"
#include "city/publish.h"
#include "city/trace.h"
#include "credential/cred.h"
#include "credential/trust.h"
#include "credential/verify.h"

struct trace_args {
	const char *payload_file, *name, *dob, *issuer, *from, *to;
	long window;
	bool notify;
};

static int parse_args(int argc, char **argv, struct trace_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!strcmp(o, "--notify")) {
			a->notify = true;
			continue;
		}
		if (!v)
			return -EINVAL;
		i++;
		if (!strcmp(o, "--payload-file"))
			a->payload_file = v;
		else if (!strcmp(o, "--name"))
			a->name = v;
		else if (!strcmp(o, "--birth-date"))
			a->dob = v;
		else if (!strcmp(o, "--issuer"))
			a->issuer = v;
		else if (!strcmp(o, "--from"))
			a->from = v;
		else if (!strcmp(o, "--to"))
			a->to = v;
		else if (!strcmp(o, "--window") && (a->window = strtol(v, &end, 10)) >= 0 &&
			 a->window <= 36 && !*end)
			continue;
		else
			return -EINVAL;
	}
	if (!a->from || !a->to || !!a->payload_file == !!(a->name || a->dob || a->issuer) ||
	    (!a->payload_file && (!a->name || !a->dob || !a->issuer)))
		return -EINVAL;
	return 0;
}

/* The QR text of @path (trailing white space dropped), at most CRED_MAX_TEXT bytes. */
static int read_payload(const char *path, char *buf, size_t size, size_t *ret_len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, size, f);
	if (ferror(f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	if (n == size)
		return -EFBIG;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		n--;
	if (n == 0)
		return -ENODATA;
	*ret_len = n;
	return 0;
}

static int case_from_payload(struct city *c, const char *path, struct cred *ret)
{
	char text[CRED_MAX_TEXT + 2], err[CITYCONF_ERROR_MAX + 64];
	struct trust *t = NULL;
	enum cred_status st;
	size_t len = 0;
	int r = read_payload(path, text, sizeof(text), &len);

	if (r < 0) {
		fprintf(stderr, "passgate-city trace: %s: %s\n", path,
			r == -EFBIG ? "longer than a certificate QR can be" : strerror(-r));
		return r;
	}
	r = city_trust_open(c, &t, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "passgate-city trace: trust store: %s\n", err);
		goto wipe;
	}
	r = cred_verify(t, text, len, city_now(c), ret, &st);
	trust_free(t);
	if (r >= 0 && st != CRED_OK) {
		fprintf(stderr,
			"passgate-city trace: the certificate in %s does not verify: %s "
			"(a signer outside the city's trust, or an unreadable or altered QR)\n",
			path, cred_status_code(st));
		r = -EBADMSG;
	}
wipe:
	explicit_bzero(text, sizeof(text));
	return r;
}

static int copy_field(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* --name 'FAMILY,GIVEN' (as on the certificate; a DCC's fnt,gnt when it has them). */
static int case_from_name(const struct trace_args *a, struct cred *ret)
{
	const char *comma = strchr(a->name, ',');
	const char *given = comma ? comma + 1 : "";
	size_t nf = comma ? (size_t)(comma - a->name) : strlen(a->name);

	memset(ret, 0, sizeof(*ret));
	if (copy_field(ret->family, sizeof(ret->family), a->name, nf) < 0 ||
	    copy_field(ret->given, sizeof(ret->given), given, strlen(given)) < 0 ||
	    copy_field(ret->dob, sizeof(ret->dob), a->dob, strlen(a->dob)) < 0 ||
	    copy_field(ret->issuer, sizeof(ret->issuer), a->issuer, strlen(a->issuer)) < 0) {
		fprintf(stderr, "passgate-city trace: --name, --birth-date or --issuer too long\n");
		return -EINVAL;
	}
	return 0;
}

static void who_am_i(char *out, size_t size)
{
	struct passwd pw, *res = NULL;
	char buf[1024];
	const char *sudo = getenv("SUDO_USER");

	if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) != 0 || !res)
		snprintf(out, size, "uid %u", (unsigned)getuid());
	else if (sudo)
		snprintf(out, size, "%s (sudo from %s)", res->pw_name, sudo);
	else
		snprintf(out, size, "%s", res->pw_name);
}

static int notify_days(struct city *c, const struct trace_result *res)
{
	for (size_t i = 0; i < res->n_notice_days; i++) {
		int r = publish_notices_now(c, res->notice_days[i], NULL);

		if (r < 0) {
			fprintf(stderr, "passgate-city trace: notice for %s not published: %s\n",
				res->notice_days[i], strerror(-r));
			return r;
		}
	}
	return 0;
}

int cli_trace(struct city *c, int argc, char **argv)
{
	struct trace_args a = { .window = -1 };
	struct trace_result res;
	char who[128];
	struct cred cred;
	int r;

	if (parse_args(argc, argv, &a) < 0) {
		fprintf(stderr, "usage: passgate-city trace (--payload-file QR | --name "
				"'FAMILY,GIVEN' --birth-date D --issuer ISS) --from DATE --to DATE "
				"[--window W] [--notify]\n");
		return CLI_USAGE;
	}
	r = a.payload_file ? case_from_payload(c, a.payload_file, &cred) : case_from_name(&a, &cred);
	if (r < 0)
		goto wipe;
	r = trace_run(c, &cred, a.from, a.to, a.window >= 0 ? (unsigned)a.window : c->cfg->window,
		      a.notify, &res);
	if (r == -EINVAL)
		fprintf(stderr, "passgate-city trace: --from/--to: dates YYYY-MM-DD, from <= to, at "
				"most %d days\n", TRACE_DAYS_MAX);
	else if (r < 0)
		fprintf(stderr, "passgate-city trace: %s\n", store_error(c->store));
	if (r < 0)
		goto wipe;
	who_am_i(who, sizeof(who));
	if (trace_audit(c, who, a.from, a.to, &res, a.notify) < 0)
		fprintf(stderr, "passgate-city trace: the audit log could not be written\n");
	printf("%s\n", res.json);
	free(res.json);
	r = a.notify ? notify_days(c, &res) : 0;
	if (r >= 0)
		r = res.visits > 0 ? CLI_OK : CLI_NEGATIVE;
wipe:
	cred_wipe(&cred);
	return r < 0 ? CLI_USAGE : r;
}
