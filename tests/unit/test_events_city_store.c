/* SPDX-License-Identifier: MIT */
/*
 * test_events_city_store.c - the city's updates across a restart (cityupdate.c store and
 * restore), and the all-or-nothing trust list import. A "restart" is a new struct cityupdate on
 * the same state directory; no broker exists in these tests, so whatever a handler receives
 * after the restart came from the disk. The city side signs with cityupdate_sign().
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "credential/trust.h"
#include "events/cityupdate.h"
#include "shc_test_util.h"

#define CITY  "sapporo"
#define VENUE "shop-a"
#define KIOSK "k1"

struct fix {
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char dir[64];
};

struct got {
	int calls;
	int refuse; /* < 0: the handler refuses with it */
	enum cityupdate_kind kind;
	char body[256];
	int64_t issued;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (!f || sodium_init() < 0)
		return -1;
	crypto_sign_keypair(f->pk, f->sk);
	snprintf(f->dir, sizeof(f->dir), "/tmp/passgate-citystore-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	char p[128];

	for (int k = 0; k < CITYUPDATE_KIND_COUNT_; k++) {
		const char *n = cityupdate_store_name((enum cityupdate_kind)k);

		if (!n)
			continue;
		snprintf(p, sizeof(p), "%s/%s", f->dir, n);
		unlink(p);
		snprintf(p, sizeof(p), "%s/%s.tmp", f->dir, n);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/city-daykeys.issued", f->dir);
	unlink(p);
	assert_int_equal(rmdir(f->dir), 0); /* nothing else was written there */
	free(f);
	return 0;
}

static int handler(enum cityupdate_kind kind, const uint8_t *body, size_t len, int64_t issued,
		   void *ud)
{
	struct got *g = ud;

	g->calls++;
	g->kind = kind;
	g->issued = issued;
	snprintf(g->body, sizeof(g->body), "%.*s", (int)len, (const char *)body);
	return g->refuse;
}

/* A kiosk's cityupdate on @dir with one handler record per kind. */
static struct cityupdate *start(const struct fix *f, const uint8_t *pk, const char *dir,
				struct got got[CITYUPDATE_KIND_COUNT_])
{
	struct cityupdate *cu = NULL;

	memset(got, 0, sizeof(got[0]) * CITYUPDATE_KIND_COUNT_);
	assert_int_equal(cityupdate_new(pk ? pk : f->pk, CITY, VENUE, KIOSK, &cu), 0);
	assert_int_equal(cityupdate_set_store(cu, dir ? dir : f->dir), 0);
	for (int k = 0; k < CITYUPDATE_KIND_COUNT_; k++)
		assert_int_equal(
			cityupdate_set_handler(cu, (enum cityupdate_kind)k, handler, &got[k]), 0);
	return cu;
}

static void sign(const struct fix *f, struct cityupdate *cu, enum cityupdate_kind kind,
		 int64_t issued, const char *body, uint8_t **p, size_t *len)
{
	assert_int_equal(cityupdate_sign(f->sk, cityupdate_topic(cu, kind), issued,
					 (const uint8_t *)body, strlen(body), p, len),
			 0);
}

static int deliver(const struct fix *f, struct cityupdate *cu, enum cityupdate_kind kind,
		   int64_t issued, const char *body)
{
	uint8_t *p;
	size_t len;
	int r;

	sign(f, cu, kind, issued, body, &p, &len);
	r = cityupdate_handle(cu, cityupdate_topic(cu, kind), p, len);
	free(p);
	return r;
}

static void path_of(const struct fix *f, enum cityupdate_kind kind, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", f->dir, cityupdate_store_name(kind));
}

static const char ALERT4[] = "{\"level\":4,\"restrictions\":[\"priority\"]}";

/* Stored as received, 0600; day keys never; restored to the handlers with no broker at all. */
static void test_store_then_restart(void **state)
{
	struct fix *f = *state;
	struct got got[CITYUPDATE_KIND_COUNT_];
	struct cityupdate_stats st;
	struct cityupdate *cu = start(f, NULL, NULL, got);
	uint8_t *p, buf[512];
	size_t len;
	char path[128];
	struct stat sb;
	FILE *fp;

	assert_int_equal(deliver(f, cu, CITYUPDATE_TRUST, 100, "{\"certs\":[]}"), CITYUPDATE_TRUST);
	assert_int_equal(deliver(f, cu, CITYUPDATE_PROGRAMS, 110, "program v2"),
			 CITYUPDATE_PROGRAMS);
	assert_int_equal(deliver(f, cu, CITYUPDATE_DAYKEYS, 115, "sealed"), CITYUPDATE_DAYKEYS);
	sign(f, cu, CITYUPDATE_ALERT, 120, ALERT4, &p, &len);
	assert_int_equal(cityupdate_handle(cu, cityupdate_topic(cu, CITYUPDATE_ALERT), p, len),
			 CITYUPDATE_ALERT);
	cityupdate_stats(cu, &st);
	assert_int_equal(st.store_errors, 0);
	cityupdate_free(cu);

	/* The file is the signed payload byte for byte, private to the daemon. */
	path_of(f, CITYUPDATE_ALERT, path, sizeof(path));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(buf, 1, sizeof(buf), fp), len);
	fclose(fp);
	assert_memory_equal(buf, p, len);
	/* Day keys never touch the disk. */
	assert_null(cityupdate_store_name(CITYUPDATE_DAYKEYS));
	snprintf(path, sizeof(path), "%s/city-daykeys.signed", f->dir);
	assert_int_equal(access(path, F_OK), -1);

	/* Restart: the handlers get the stored updates, and nothing from a broker exists. */
	cu = start(f, NULL, NULL, got);
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_DAYKEYS), -ENOENT);
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_TRUST), CITYUPDATE_TRUST);
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_PROGRAMS), CITYUPDATE_PROGRAMS);
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_ALERT), CITYUPDATE_ALERT);
	assert_int_equal(got[CITYUPDATE_DAYKEYS].calls, 0);
	assert_int_equal(got[CITYUPDATE_TRUST].calls, 1);
	assert_string_equal(got[CITYUPDATE_TRUST].body, "{\"certs\":[]}");
	assert_int_equal(got[CITYUPDATE_PROGRAMS].calls, 1);
	assert_string_equal(got[CITYUPDATE_PROGRAMS].body, "program v2");
	assert_int_equal(got[CITYUPDATE_PROGRAMS].issued, 110);
	assert_int_equal(got[CITYUPDATE_ALERT].calls, 1);
	assert_string_equal(got[CITYUPDATE_ALERT].body, ALERT4);
	assert_int_equal(got[CITYUPDATE_ALERT].issued, 120);
	cityupdate_stats(cu, &st);
	assert_int_equal(st.restored, 3);
	assert_int_equal(st.rejected, 0);

	/* The broker's retained copy of the same message then changes nothing. */
	assert_int_equal(cityupdate_handle(cu, cityupdate_topic(cu, CITYUPDATE_ALERT), p, len),
			 -EALREADY);
	assert_int_equal(got[CITYUPDATE_ALERT].calls, 1);
	free(p);
	/* A newer one replaces the stored one. */
	assert_int_equal(deliver(f, cu, CITYUPDATE_ALERT, 130, "{\"level\":0}"), CITYUPDATE_ALERT);
	cityupdate_free(cu);
	cu = start(f, NULL, NULL, got);
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_ALERT), CITYUPDATE_ALERT);
	assert_string_equal(got[CITYUPDATE_ALERT].body, "{\"level\":0}");
	assert_int_equal(got[CITYUPDATE_ALERT].issued, 130);
	cityupdate_free(cu);
}

/* The ordering guard survives the restart: an older (or a different same-time) message is stale. */
static void test_replay_after_restart(void **state)
{
	struct fix *f = *state;
	struct got got[CITYUPDATE_KIND_COUNT_];
	struct cityupdate_stats st;
	struct cityupdate *cu = start(f, NULL, NULL, got);

	assert_int_equal(deliver(f, cu, CITYUPDATE_ALERT, 1000, "{\"level\":0}"), CITYUPDATE_ALERT);
	assert_int_equal(deliver(f, cu, CITYUPDATE_ALERT, 2000, ALERT4), CITYUPDATE_ALERT);
	cityupdate_free(cu);

	cu = start(f, NULL, NULL, got);
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_ALERT), CITYUPDATE_ALERT);
	got[CITYUPDATE_ALERT].calls = 0;
	/* The old all-clear, replayed by someone who kept it: refused. */
	assert_int_equal(deliver(f, cu, CITYUPDATE_ALERT, 1000, "{\"level\":0}"), -ESTALE);
	assert_int_equal(deliver(f, cu, CITYUPDATE_ALERT, 2000, "{\"level\":1}"), -ESTALE);
	assert_int_equal(got[CITYUPDATE_ALERT].calls, 0);
	cityupdate_stats(cu, &st);
	assert_int_equal(st.last_error, -ESTALE);
	assert_int_equal(st.rejected, 2);
	cityupdate_free(cu);

	/* The refusal did not overwrite the stored message: still level 4 at the next start. */
	cu = start(f, NULL, NULL, got);
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_ALERT), CITYUPDATE_ALERT);
	assert_string_equal(got[CITYUPDATE_ALERT].body, ALERT4);
	cityupdate_free(cu);
}

/* Issue 9, finding 14: after a restart an older signed day-key message is refused, as trust
 * and alerts are; the retained one (the same message) is taken again, since the keys it
 * carried lived in memory only; the keys themselves are never written. */
static void test_daykeys_guard_after_restart(void **state)
{
	struct fix *f = *state;
	struct got got[CITYUPDATE_KIND_COUNT_];
	struct cityupdate *cu = start(f, NULL, NULL, got);
	uint8_t *p;
	size_t len;
	char path[128];
	struct stat st;

	assert_int_equal(deliver(f, cu, CITYUPDATE_DAYKEYS, 1000, "old keys"), CITYUPDATE_DAYKEYS);
	sign(f, cu, CITYUPDATE_DAYKEYS, 2000, "new keys", &p, &len);
	assert_int_equal(cityupdate_handle(cu, cityupdate_topic(cu, CITYUPDATE_DAYKEYS), p, len),
			 CITYUPDATE_DAYKEYS);
	cityupdate_free(cu);
	snprintf(path, sizeof(path), "%s/city-daykeys.issued", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 8 + 64); /* issued and signature: no key material */

	cu = start(f, NULL, NULL, got);
	assert_int_equal(deliver(f, cu, CITYUPDATE_DAYKEYS, 1000, "old keys"), -ESTALE);
	assert_int_equal(got[CITYUPDATE_DAYKEYS].calls, 0);
	assert_int_equal(cityupdate_handle(cu, cityupdate_topic(cu, CITYUPDATE_DAYKEYS), p, len),
			 CITYUPDATE_DAYKEYS);
	assert_string_equal(got[CITYUPDATE_DAYKEYS].body, "new keys");
	assert_int_equal(cityupdate_handle(cu, cityupdate_topic(cu, CITYUPDATE_DAYKEYS), p, len),
			 -EALREADY);
	free(p);
	cityupdate_free(cu);
}

/* A stored file that no longer verifies is ignored, reported, and sets no guard. */
static void test_tampered_store(void **state)
{
	struct fix *f = *state;
	struct got got[CITYUPDATE_KIND_COUNT_];
	struct cityupdate_stats st;
	struct cityupdate *cu = start(f, NULL, NULL, got);
	uint8_t other_pk[crypto_sign_PUBLICKEYBYTES], other_sk[crypto_sign_SECRETKEYBYTES];
	char path[128];
	long size;
	FILE *fp;
	int c;

	assert_int_equal(deliver(f, cu, CITYUPDATE_ALERT, 500, ALERT4), CITYUPDATE_ALERT);
	assert_int_equal(deliver(f, cu, CITYUPDATE_PROGRAMS, 500, "program"), CITYUPDATE_PROGRAMS);
	cityupdate_free(cu);

	/* The city key changed: both stored messages fail, nothing is handed over. */
	crypto_sign_keypair(other_pk, other_sk);
	cu = start(f, other_pk, NULL, got);
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_ALERT), -EBADMSG);
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_PROGRAMS), -EBADMSG);
	assert_int_equal(got[CITYUPDATE_ALERT].calls + got[CITYUPDATE_PROGRAMS].calls, 0);
	cityupdate_stats(cu, &st);
	assert_int_equal(st.rejected, 2);
	assert_int_equal(st.restored, 0);
	assert_int_equal(st.last_error, -EBADMSG);
	cityupdate_free(cu);

	/* One flipped body byte: "level":4 must not become something else unnoticed. */
	path_of(f, CITYUPDATE_ALERT, path, sizeof(path));
	fp = fopen(path, "r+b");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	size = ftell(fp);
	assert_int_equal(fseek(fp, size - 3, SEEK_SET), 0);
	c = fgetc(fp);
	assert_int_equal(fseek(fp, size - 3, SEEK_SET), 0);
	fputc(c ^ 0x01, fp);
	fclose(fp);
	cu = start(f, NULL, NULL, got);
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_ALERT), -EBADMSG);
	assert_int_equal(got[CITYUPDATE_ALERT].calls, 0);
	cityupdate_stats(cu, &st);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(st.last_kind, CITYUPDATE_ALERT);
	/* The untouched programs file still verifies. */
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_PROGRAMS), CITYUPDATE_PROGRAMS);
	/* An unverifiable file gives no ordering: the broker's message is taken and replaces it. */
	assert_int_equal(deliver(f, cu, CITYUPDATE_ALERT, 400, "{\"level\":2}"), CITYUPDATE_ALERT);
	cityupdate_free(cu);
	cu = start(f, NULL, NULL, got);
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_ALERT), CITYUPDATE_ALERT);
	assert_string_equal(got[CITYUPDATE_ALERT].body, "{\"level\":2}");
	cityupdate_free(cu);

	/* Truncated below the header: refused the same way. */
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs("PGS1", fp);
	fclose(fp);
	cu = start(f, NULL, NULL, got);
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_ALERT), -EBADMSG);
	cityupdate_free(cu);
}

/* Another venue's alert on disk (the venue id changed) does not verify for this venue. */
static void test_store_bound_to_topic(void **state)
{
	struct fix *f = *state;
	struct got got[CITYUPDATE_KIND_COUNT_];
	struct cityupdate *cu = start(f, NULL, NULL, got), *other = NULL;

	assert_int_equal(deliver(f, cu, CITYUPDATE_ALERT, 10, ALERT4), CITYUPDATE_ALERT);
	cityupdate_free(cu);
	got[CITYUPDATE_ALERT].calls = 0;
	assert_int_equal(cityupdate_new(f->pk, CITY, "shop-b", KIOSK, &other), 0);
	assert_int_equal(cityupdate_set_store(other, f->dir), 0);
	assert_int_equal(
		cityupdate_set_handler(other, CITYUPDATE_ALERT, handler, &got[CITYUPDATE_ALERT]),
		0);
	assert_int_equal(cityupdate_restore(other, CITYUPDATE_ALERT), -EBADMSG);
	assert_int_equal(got[CITYUPDATE_ALERT].calls, 0);
	cityupdate_free(other);
}

/* Refused by the handler at restore: the guard still holds, the same message is offered again. */
static void test_restore_refused_by_handler(void **state)
{
	struct fix *f = *state;
	struct got got[CITYUPDATE_KIND_COUNT_];
	struct cityupdate *cu = start(f, NULL, NULL, got);
	uint8_t *p;
	size_t len;

	sign(f, cu, CITYUPDATE_PROGRAMS, 300, "program v3", &p, &len);
	assert_int_equal(cityupdate_handle(cu, cityupdate_topic(cu, CITYUPDATE_PROGRAMS), p, len),
			 CITYUPDATE_PROGRAMS);
	cityupdate_free(cu);

	cu = start(f, NULL, NULL, got);
	got[CITYUPDATE_PROGRAMS].refuse = -EINVAL;
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_PROGRAMS), -EINVAL);
	got[CITYUPDATE_PROGRAMS].refuse = 0;
	assert_int_equal(deliver(f, cu, CITYUPDATE_PROGRAMS, 200, "program v1"), -ESTALE);
	assert_int_equal(cityupdate_handle(cu, cityupdate_topic(cu, CITYUPDATE_PROGRAMS), p, len),
			 CITYUPDATE_PROGRAMS);
	assert_int_equal(got[CITYUPDATE_PROGRAMS].calls, 2);
	assert_string_equal(got[CITYUPDATE_PROGRAMS].body, "program v3");
	/* Now it is applied: the next copy is ignored. */
	assert_int_equal(cityupdate_handle(cu, cityupdate_topic(cu, CITYUPDATE_PROGRAMS), p, len),
			 -EALREADY);
	free(p);
	cityupdate_free(cu);
}

/*
 * No maximum age for alerts (docs/events.md "Kept across restarts"): a retained alert is in
 * force until the city replaces it, however old. Expiring it would fall back to "no alert",
 * the permissive side, exactly when the city cannot reach the kiosk.
 */
static void test_alert_has_no_max_age(void **state)
{
	struct fix *f = *state;
	struct got got[CITYUPDATE_KIND_COUNT_];
	struct cityupdate *cu = start(f, NULL, NULL, got);

	assert_int_equal(deliver(f, cu, CITYUPDATE_ALERT, 1, ALERT4), CITYUPDATE_ALERT);
	cityupdate_free(cu);
	cu = start(f, NULL, NULL, got);
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_ALERT), CITYUPDATE_ALERT);
	assert_int_equal(got[CITYUPDATE_ALERT].issued, 1);
	assert_string_equal(got[CITYUPDATE_ALERT].body, ALERT4);
	cityupdate_free(cu);
}

/* A store that cannot be written does not undo the update; it is counted. No store: no files. */
static void test_store_failure(void **state)
{
	struct fix *f = *state;
	struct got got[CITYUPDATE_KIND_COUNT_];
	struct cityupdate_stats st;
	char missing[128];
	struct cityupdate *cu;

	snprintf(missing, sizeof(missing), "%s/missing", f->dir);
	cu = start(f, NULL, missing, got);
	assert_int_equal(deliver(f, cu, CITYUPDATE_ALERT, 5, ALERT4), CITYUPDATE_ALERT);
	assert_int_equal(got[CITYUPDATE_ALERT].calls, 1);
	cityupdate_stats(cu, &st);
	assert_int_equal(st.accepted, 1);
	assert_int_equal(st.store_errors, 1);
	assert_int_equal(st.store_error, -ENOENT);
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_ALERT), -ENOENT);
	assert_int_equal(cityupdate_set_store(cu, NULL), 0);
	assert_int_equal(deliver(f, cu, CITYUPDATE_ALERT, 6, ALERT4), CITYUPDATE_ALERT);
	assert_int_equal(cityupdate_restore(cu, CITYUPDATE_ALERT), -ENOENT);
	cityupdate_free(cu);
}

/* ---- trust list updates: all or nothing ---- */

#define ISS_A "https://a.issuer.passgate.test"
#define ISS_B "https://b.issuer.passgate.test"

static int append_line(const char *line, void *ud)
{
	char **acc = ud;
	size_t old = *acc ? strlen(*acc) : 0, n = strlen(line);
	char *p = realloc(*acc, old + n + 2);

	if (!p)
		return -ENOMEM;
	memcpy(p + old, line, n);
	p[old + n] = '\n';
	p[old + n + 1] = '\0';
	*acc = p;
	return 0;
}

static char *listing(struct trust *t)
{
	char *acc = NULL;

	assert_true(trust_list(t, append_line, &acc) >= 0);
	return acc ? acc : strdup("");
}

/* {"jwks":[{"iss":ISS1,"keys":[...]}, ...],"certs":[CERT]}; a JWKS text is {"keys":[...]}. */
static char *update(const char *iss1, const char *jwks1, const char *iss2, const char *jwks2,
		    const char *cert)
{
	char second[4096] = "", *out = NULL;

	if (iss2)
		snprintf(second, sizeof(second), ",{\"iss\":\"%s\",%s", iss2, jwks2 + 1);
	assert_true(asprintf(&out, "{\"jwks\":[{\"iss\":\"%s\",%s%s],\"certs\":[%s%s%s]}", iss1,
			     jwks1 + 1, second, cert ? "\"" : "", cert ? cert : "",
			     cert ? "\"" : "") > 0);
	return out;
}

static void test_trust_update_atomic(void **state)
{
	struct test_issuer a, b, c;
	struct trust *t = NULL;
	char *u, *before, *after, *bad_jwks;
	size_t sets = 9, certs = 9;

	(void)state;
	test_issuer_new(&a);
	test_issuer_new(&b);
	test_issuer_new(&c);
	assert_int_equal(trust_open(NULL, &t), 0);

	/* A good update: both issuers. */
	u = update(ISS_A, a.jwks, ISS_B, b.jwks, NULL);
	assert_int_equal(cityupdate_import_trust(t, (const uint8_t *)u, strlen(u), &sets, &certs),
			 0);
	assert_int_equal(sets, 2);
	assert_int_equal(certs, 0);
	free(u);
	before = listing(t);
	assert_non_null(strstr(before, a.kid));
	assert_non_null(strstr(before, b.kid));

	/* A's keys would be replaced by C's, then a bad certificate: nothing changes. */
	u = update(ISS_A, c.jwks, NULL, NULL, "-----BEGIN CERTIFICATE-----\\nnot base64\\n");
	assert_true(cityupdate_import_trust(t, (const uint8_t *)u, strlen(u), NULL, NULL) < 0);
	free(u);
	after = listing(t);
	assert_string_equal(before, after);
	assert_null(strstr(after, c.kid));
	free(after);

	/* A good key set, then a private key in the second: nothing changes either. */
	test_issuer_jwks_with(c.key, true, NULL, &bad_jwks);
	u = update(ISS_A, c.jwks, ISS_B, bad_jwks, NULL);
	assert_int_equal(cityupdate_import_trust(t, (const uint8_t *)u, strlen(u), NULL, NULL),
			 -EINVAL);
	free(u);
	free(bad_jwks);
	after = listing(t);
	assert_string_equal(before, after);
	free(after);

	/* Structure errors: an issuer without "iss", members of the wrong type, not JSON. */
	static const char *const bad[] = {
		"{\"jwks\":[{\"keys\":[]}]}",
		"{\"jwks\":{}}",
		"{\"certs\":\"x\"}",
		"{\"certs\":[1]}",
		"[]",
		"not json",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cityupdate_import_trust(t, (const uint8_t *)bad[i], strlen(bad[i]),
							 NULL, NULL),
				 -EBADMSG);
	after = listing(t);
	assert_string_equal(before, after);
	free(after);

	/* The good part of the refused update, alone, does go in (the refusal was not luck). */
	u = update(ISS_A, c.jwks, NULL, NULL, NULL);
	assert_int_equal(cityupdate_import_trust(t, (const uint8_t *)u, strlen(u), NULL, NULL), 0);
	free(u);
	after = listing(t);
	assert_non_null(strstr(after, c.kid));
	free(after);

	free(before);
	trust_free(t);
	test_issuer_free(&a);
	test_issuer_free(&b);
	test_issuer_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_then_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_after_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tampered_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_bound_to_topic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_refused_by_handler, setup, teardown),
		cmocka_unit_test_setup_teardown(test_daykeys_guard_after_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alert_has_no_max_age, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_failure, setup, teardown),
		cmocka_unit_test(test_trust_update_atomic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
