/* SPDX-License-Identifier: MIT */
/*
 * test_events_city.c - what the city sends: signed updates (cityupdate.c) and day keys sealed to
 * the kiosk (daykeys.c). The city side is played with libsodium directly.
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

#include "events/cityupdate.h"
#include "events/daykeys.h"

struct city {
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char dir[64];
};

static int setup(void **state)
{
	struct city *c = calloc(1, sizeof(*c));

	if (sodium_init() < 0)
		return -1;
	crypto_sign_keypair(c->pk, c->sk);
	snprintf(c->dir, sizeof(c->dir), "/tmp/passgate-city-XXXXXX");
	if (!mkdtemp(c->dir))
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct city *c = *state;
	char p[128];

	snprintf(p, sizeof(p), "%s/%s", c->dir, DAYKEYS_KEYPAIR_FILE);
	unlink(p);
	rmdir(c->dir);
	free(c);
	return 0;
}

struct got {
	int calls;
	enum cityupdate_kind kind;
	char body[256];
	int64_t issued;
};

static int handler(enum cityupdate_kind kind, const uint8_t *body, size_t len, int64_t issued,
		   void *ud)
{
	struct got *g = ud;

	g->calls++;
	g->kind = kind;
	g->issued = issued;
	snprintf(g->body, sizeof(g->body), "%.*s", (int)len, (const char *)body);
	return 0;
}

static int send(struct cityupdate *cu, const struct city *c, const char *sign_topic,
		const char *deliver_topic, int64_t issued, const char *body)
{
	uint8_t *p = NULL;
	size_t len = 0;
	int r;

	assert_int_equal(cityupdate_sign(c->sk, sign_topic, issued, (const uint8_t *)body,
					 strlen(body), &p, &len),
			 0);
	r = cityupdate_handle(cu, deliver_topic, p, len);
	free(p);
	return r;
}

static void test_signed_updates(void **state)
{
	struct city *c = *state, other;
	struct cityupdate *cu = NULL;
	struct cityupdate_stats st;
	struct got g = { 0 };
	const char *trust, *alert;
	uint8_t *p = NULL;
	size_t len = 0;

	assert_int_equal(cityupdate_new(c->pk, "kobe", "shop-a", "k1", &cu), 0);
	for (int k = 0; k < CITYUPDATE_KIND_COUNT_; k++)
		cityupdate_set_handler(cu, (enum cityupdate_kind)k, handler, &g);
	trust = cityupdate_topic(cu, CITYUPDATE_TRUST);
	alert = cityupdate_topic(cu, CITYUPDATE_ALERT);
	assert_string_equal(trust, "passgate/v1/kobe/trust");
	assert_string_equal(alert, "passgate/v1/kobe/venue/shop-a/alert");
	assert_string_equal(cityupdate_topic(cu, CITYUPDATE_DAYKEYS),
			    "passgate/v1/kobe/kiosk/k1/daykeys");

	/* Good. */
	assert_int_equal(send(cu, c, trust, trust, 1000, "{\"keys\":[]}"), CITYUPDATE_TRUST);
	assert_int_equal(g.calls, 1);
	assert_string_equal(g.body, "{\"keys\":[]}");
	assert_int_equal(g.issued, 1000);
	/* The same retained message again after a reconnect: ignored, not an error. */
	assert_int_equal(send(cu, c, trust, trust, 1000, "{\"keys\":[]}"), -EALREADY);
	/* Older than the last one: refused. */
	assert_int_equal(send(cu, c, trust, trust, 999, "{\"keys\":[1]}"), -ESTALE);
	/* Signed for another topic (replayed to ours): refused. */
	assert_int_equal(
		send(cu, c, "passgate/v1/kobe/venue/shop-b/alert", alert, 2000, "{\"level\":3}"),
		-EBADMSG);
	/* Signed by someone else: refused. */
	crypto_sign_keypair(other.pk, other.sk);
	assert_int_equal(send(cu, &other, trust, trust, 3000, "{\"keys\":[2]}"), -EBADMSG);
	/* A flipped body byte: refused. */
	assert_int_equal(
		cityupdate_sign(c->sk, trust, 4000, (const uint8_t *)"{\"a\":1}", 7, &p, &len), 0);
	p[len - 2] ^= 1;
	assert_int_equal(cityupdate_handle(cu, trust, p, len), -EBADMSG);
	/* Truncated, unsigned, empty (a cleared retained topic). */
	assert_int_equal(cityupdate_handle(cu, trust, p, 40), -EBADMSG);
	assert_int_equal(cityupdate_handle(cu, trust, (const uint8_t *)"{\"keys\":[]}", 11),
			 -EBADMSG);
	assert_int_equal(cityupdate_handle(cu, trust, p, 0), -ENODATA);
	free(p);
	/* Not ours. */
	assert_int_equal(cityupdate_handle(cu, "passgate/v1/kobe/other", (const uint8_t *)"x", 1),
			 -ENOENT);
	assert_int_equal(g.calls, 1);

	/* Alerts: signed AND well-formed. */
	assert_int_equal(send(cu, c, alert, alert, 10,
			      "{\"level\":3,\"restrictions\":[\"no-alcohol\",\"close-20h\"]}"),
			 CITYUPDATE_ALERT);
	assert_int_equal(g.calls, 2);
	assert_int_equal(send(cu, c, alert, alert, 11, "{\"level\":12}"), -EBADMSG);
	assert_int_equal(send(cu, c, alert, alert, 12, "[1,2]"), -EBADMSG);
	assert_int_equal(send(cu, c, alert, alert, 13, "{\"level\":1,\"restrictions\":[1]}"),
			 -EBADMSG);
	assert_int_equal(g.calls, 2);

	cityupdate_stats(cu, &st);
	assert_int_equal(st.accepted, 2);
	assert_int_equal(st.rejected, 10);
	assert_int_equal(st.last_error, -EBADMSG);
	assert_int_equal(st.last_kind, CITYUPDATE_ALERT);
	cityupdate_free(cu);
	assert_int_equal(cityupdate_new(c->pk, "kobe", "a/b", "k1", &cu), -EINVAL);
}

static char *key_msg(const char *venue, int64_t from, int64_t until, uint8_t fill)
{
	uint8_t k[DAYKEYS_KEY_LEN];
	char b64[64], *out = malloc(512);

	memset(k, fill, sizeof(k));
	sodium_bin2base64(b64, sizeof(b64), k, sizeof(k), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(out, 512,
		 "{\"v\":1,\"venue\":\"%s\",\"keys\":[{\"from\":%lld,\"until\":%lld,"
		 "\"k\":\"%s\"}]}",
		 venue, (long long)from, (long long)until, b64);
	return out;
}

static int seal_and_accept(struct daykeys *dk, const char *msg, int64_t now)
{
	uint8_t pk[DAYKEYS_PUBKEY_LEN], *box = NULL;
	size_t len = 0;
	int r;

	daykeys_public_key(dk, pk);
	assert_int_equal(daykeys_seal(pk, (const uint8_t *)msg, strlen(msg), &box, &len), 0);
	r = daykeys_accept_sealed(dk, box, len, now);
	free(box);
	return r;
}

static void test_daykeys(void **state)
{
	struct city *c = *state;
	struct daykeys *dk = NULL, *dk2 = NULL;
	uint8_t pk1[32], pk2[32], want[32];
	char b64[DAYKEYS_PUBKEY_B64], path[128], *m;
	const char *plain;
	const uint8_t *k;
	struct stat sb;
	const int64_t day = 86400, d0 = 1700000000 - 1700000000 % 86400;

	assert_int_equal(daykeys_new(c->dir, "shop-a", &dk), 0);
	/* The key pair file is private and stable across restarts. */
	snprintf(path, sizeof(path), "%s/%s", c->dir, DAYKEYS_KEYPAIR_FILE);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(daykeys_new(c->dir, "shop-a", &dk2), 0);
	daykeys_public_key(dk, pk1);
	daykeys_public_key(dk2, pk2);
	assert_memory_equal(pk1, pk2, 32);
	daykeys_public_key_base64(dk, b64);
	assert_int_equal(strlen(b64), 44);
	daykeys_free(dk2);

	assert_null(daykeys_current(dk, d0 + 100));
	/* Today's key. */
	m = key_msg("shop-a", d0, d0 + day, 0xA1);
	assert_int_equal(seal_and_accept(dk, m, d0 + 100), 1);
	free(m);
	k = daykeys_current(dk, d0 + 100);
	assert_non_null(k);
	memset(want, 0xA1, 32);
	assert_memory_equal(k, want, 32);
	/* Tomorrow's key: held, not current yet; the timer wakes when today ends. */
	m = key_msg("shop-a", d0 + day, d0 + 2 * day, 0xB2);
	assert_int_equal(seal_and_accept(dk, m, d0 + 100), 2);
	free(m);
	assert_memory_equal(daykeys_current(dk, d0 + 100), want, 32);
	assert_int_equal(daykeys_deadline(dk, d0 + 100), d0 + day);
	/* A key for the day after tomorrow: only two are held (today, tomorrow). */
	m = key_msg("shop-a", d0 + 2 * day, d0 + 3 * day, 0xC3);
	assert_int_equal(seal_and_accept(dk, m, d0 + 100), 2);
	free(m);
	/* Another venue's key, a box for another kiosk, garbage: refused, nothing changes. */
	m = key_msg("shop-b", d0, d0 + day, 0xD4);
	assert_int_equal(seal_and_accept(dk, m, d0 + 100), -EBADMSG);
	free(m);
	assert_int_equal(daykeys_accept_sealed(dk,
					       (const uint8_t *)"garbage-garbage-garbage-"
								"garbage-garbage-garbage-garbage",
					       55, d0),
			 -EBADMSG);
	plain = "{\"v\":1,\"venue\":\"shop-a\",\"keys\":[{\"from\":0,\"until\":999999999999,"
		"\"k\":\"AA\"}]}";
	assert_int_equal(daykeys_accept_plain(dk, plain, strlen(plain), d0), -EBADMSG);
	assert_memory_equal(daykeys_current(dk, d0 + 100), want, 32);
	/* The next day: today's key is wiped, tomorrow's is current. */
	memset(want, 0xB2, 32);
	assert_memory_equal(daykeys_current(dk, d0 + day + 5), want, 32);
	assert_int_equal(daykeys_expire(dk, d0 + day + 5), 1);
	/* After that: nothing; tok will be null. */
	assert_null(daykeys_current(dk, d0 + 2 * day));
	assert_int_equal(daykeys_expire(dk, d0 + 2 * day), 0);
	assert_int_equal(daykeys_deadline(dk, d0 + 2 * day), INT64_MAX);
	daykeys_free(dk);
	daykeys_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_signed_updates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_daykeys, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
