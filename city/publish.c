/* SPDX-License-Identifier: MIT */
/*
 * publish.c - sign and publish the city's retained messages (publish.h): the signed envelope
 * with a persisted, increasing `issued`; a kiosk's sealed day keys; notices; and the
 * `publish alert` and `publish program` commands. `publish trust` lives in publish_trust.c and
 * uses publish_signed_now() the same way.
 */
#include "city/publish.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "city/context.h"
#include "city/link.h"
#include "credential/b64url.h"
#include "events/cityupdate.h"
#include "events/daykeys.h"
#include "events/events.h"
#include "rules/program.h"

#define PUBLISH_WAIT_MS 10000

int publish_topic(const struct city *c, char *out, size_t size, const char *rest)
{
	int n = snprintf(out, size, "passgate/v1/%s/%s", c->cfg->id, rest);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int publish_signed(struct city *c, struct link *l, const char *topic, const uint8_t *body,
		   size_t len, int64_t *ret_issued)
{
	uint8_t sk[64], *msg = NULL;
	size_t msg_len = 0;
	int64_t issued;
	int r;

	if (len > CITYUPDATE_BODY_MAX)
		return -E2BIG;
	r = city_key_load(c, sk);
	if (r < 0)
		return r;
	r = store_issued_next(c->store, topic, city_now(c), &issued);
	if (r >= 0)
		r = cityupdate_sign(sk, topic, issued, body, len, &msg, &msg_len);
	explicit_bzero(sk, sizeof(sk));
	if (r >= 0)
		r = link_publish(l, topic, msg, msg_len);
	free(msg);
	if (r >= 0 && ret_issued)
		*ret_issued = issued;
	return r;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Drive @l until everything it holds is acknowledged, or PUBLISH_WAIT_MS. */
static int flush_link(struct link *l)
{
	uint64_t end = mono_ms() + PUBLISH_WAIT_MS, now;

	link_dispatch(l, 0, mono_ms());
	while (link_unacked(l) > 0) {
		struct pollfd p = { .fd = link_fd(l), .events = link_events(l) };
		uint64_t dl = link_deadline(l);
		int wait;

		now = mono_ms();
		if (now >= end)
			return -ETIMEDOUT;
		dl = dl < end ? dl : end;
		wait = dl > now ? (int)(dl - now) : 0;
		if (p.fd < 0)
			usleep((useconds_t)(wait > 100 ? 100 : wait) * 1000u);
		else if (poll(&p, 1, wait > 100 ? 100 : wait) < 0)
			return -errno;
		link_dispatch(l, p.fd >= 0 ? p.revents : 0, mono_ms());
	}
	return 0;
}

int publish_signed_now(struct city *c, const char *topic, const uint8_t *body, size_t len,
		       int64_t *ret_issued)
{
	const struct cityconf *cfg = c->cfg;
	char id[CITYCONF_ID_MAX + 24];
	struct link_config lc = {
		.host = cfg->mqtt.host, .port = (int)cfg->mqtt.port, .client_id = id,
		.username = cfg->mqtt.username, .password = cfg->mqtt.password,
		.tls_ca = cfg->mqtt.tls_ca, .tls_cert = cfg->mqtt.tls_cert,
		.tls_key = cfg->mqtt.tls_key, .keepalive_s = (int)cfg->mqtt.keepalive,
	};
	struct link *l;
	int r;

	if (!cfg->mqtt.host[0])
		return -ENOTCONN;
	snprintf(id, sizeof(id), "%.40s-cmd-%ld", cfg->mqtt.client_id, (long)getpid());
	r = link_new(&lc, &l);
	if (r < 0)
		return r;
	r = publish_signed(c, l, topic, body, len, ret_issued);
	if (r >= 0)
		r = flush_link(l);
	link_free(l);
	return r;
}

static json_t *key_entry(struct city *c, const char *day, const char *venue)
{
	uint8_t kday[STORE_KEY_LEN], kv[EVENTS_KEY_LEN];
	char next[STORE_DAY_LEN], *k64 = NULL;
	int64_t from, until;
	json_t *o = NULL;

	if (city_kday(c, day, 1, kday) < 0)
		return NULL;
	if (city_day_add(day, 1, next) >= 0 && city_day_start(day, &from) >= 0 &&
	    city_day_start(next, &until) >= 0 && events_venue_key(kday, venue, kv) >= 0 &&
	    b64url_encode(kv, sizeof(kv), &k64) >= 0)
		o = json_pack("{s:I,s:I,s:s}", "from", (json_int_t)from, "until",
			      (json_int_t)until, "k", k64);
	if (k64) {
		explicit_bzero(k64, strlen(k64));
		free(k64);
	}
	explicit_bzero(kday, sizeof(kday));
	explicit_bzero(kv, sizeof(kv));
	return o;
}

/* The plaintext of docs/events.md "Day keys": today's and tomorrow's K_venue_day. */
static char *daykeys_plain(struct city *c, const char *venue)
{
	char today[STORE_DAY_LEN], tomorrow[STORE_DAY_LEN], *text = NULL;
	json_t *keys = json_array(), *a, *b, *o;

	if (city_day(city_now(c), today) < 0 || city_day_add(today, 1, tomorrow) < 0)
		return NULL;
	a = key_entry(c, today, venue);
	b = key_entry(c, tomorrow, venue);
	if (keys && a && b && !json_array_append(keys, a) && !json_array_append(keys, b)) {
		o = json_pack("{s:i,s:s,s:O}", "v", 1, "venue", venue, "keys", keys);
		text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(o);
	}
	json_decref(a);
	json_decref(b);
	json_decref(keys);
	return text;
}

int publish_daykeys(struct city *c, struct link *l, const struct store_kiosk *k)
{
	uint8_t pk[DAYKEYS_PUBKEY_LEN], *box = NULL;
	char topic[256], rest[128], *plain;
	size_t n = 0, box_len = 0;
	int r;

	if ((b64std_decode_buf(k->pubkey, strlen(k->pubkey), pk, sizeof(pk), &n) < 0 ||
	     n != sizeof(pk)) &&
	    (b64url_decode_buf(k->pubkey, strlen(k->pubkey), pk, sizeof(pk), &n) < 0 ||
	     n != sizeof(pk)))
		return -EINVAL;
	snprintf(rest, sizeof(rest), "kiosk/%s/daykeys", k->kiosk);
	r = publish_topic(c, topic, sizeof(topic), rest);
	if (r < 0)
		return r;
	plain = daykeys_plain(c, k->venue);
	if (!plain)
		return -EIO;
	r = daykeys_seal(pk, (const uint8_t *)plain, strlen(plain), &box, &box_len);
	explicit_bzero(plain, strlen(plain));
	free(plain);
	if (r >= 0)
		r = publish_signed(c, l, topic, box, box_len, NULL);
	free(box);
	return r;
}

static int add_notice(const char *h, int64_t from, int64_t to, void *ud)
{
	return json_array_append_new(ud, json_pack("{s:s,s:I,s:I}", "h", h, "from",
						   (json_int_t)from, "to", (json_int_t)to))
		       ? -ENOMEM
		       : 0;
}

int publish_notices_now(struct city *c, const char *day, int64_t *ret_issued)
{
	char topic[256], rest[64], *text = NULL;
	json_t *list = json_array(), *o = NULL;
	int r;

	snprintf(rest, sizeof(rest), "notice/%s", day);
	r = publish_topic(c, topic, sizeof(topic), rest);
	if (r >= 0 && !list)
		r = -ENOMEM;
	if (r >= 0)
		r = store_notices(c->store, day, add_notice, list);
	if (r >= 0) {
		o = json_pack("{s:i,s:s,s:O,s:{s:s,s:s}}", "v", 1, "date", day, "notices", list,
			      "advice", "ja", c->cfg->advice_ja, "en", c->cfg->advice_en);
		text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		r = text ? 0 : -ENOMEM;
	}
	if (r >= 0)
		r = publish_signed_now(c, topic, (const uint8_t *)text, strlen(text), ret_issued);
	free(text);
	json_decref(o);
	json_decref(list);
	return r;
}

static int print_published(const char *topic, int64_t issued)
{
	json_t *o = json_pack("{s:s,s:I}", "topic", topic, "issued", (json_int_t)issued);
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	if (text)
		printf("%s\n", text);
	free(text);
	json_decref(o);
	return text ? 0 : 2;
}

static int publish_and_print(struct city *c, const char *topic, const char *body, size_t len)
{
	int64_t issued = 0;
	int r = publish_signed_now(c, topic, (const uint8_t *)body, len, &issued);

	if (r < 0) {
		fprintf(stderr, "passgate-city publish: %s: %s%s%s\n", topic,
			r == -ENOTCONN ? "no [mqtt] host in the configuration" : strerror(-r),
			r == -ETIMEDOUT ? " (no PUBACK from the broker)" : "",
			r == -ENOENT ? " (run `passgate-city init` first)" : "");
		return 2;
	}
	return print_published(topic, issued);
}

static int cmd_alert(struct city *c, int argc, char **argv)
{
	const char *venue = NULL, *level = NULL, *restr = "none";
	char topic[256], rest[128], *text = NULL, *end = NULL;
	json_t *o;
	long n = -1;
	int st;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--venue"))
			venue = argv[i + 1];
		else if (!strcmp(argv[i], "--level"))
			level = argv[i + 1];
		else if (!strcmp(argv[i], "--restrictions"))
			restr = argv[i + 1];
	}
	if (level)
		n = strtol(level, &end, 10);
	if (argc % 2 == 0 || !venue || !events_topic_level_ok(venue) || !level || *end || n < 0 ||
	    n > 9 || (strcmp(restr, "none") && strcmp(restr, "priority") &&
		      strcmp(restr, "emergency"))) {
		fprintf(stderr, "usage: passgate-city publish alert --venue V --level 0..9 "
				"[--restrictions none|priority|emergency]\n");
		return 2;
	}
	snprintf(rest, sizeof(rest), "venue/%s/alert", venue);
	if (publish_topic(c, topic, sizeof(topic), rest) < 0)
		return 2;
	o = strcmp(restr, "none") ? json_pack("{s:i,s:[s]}", "level", (int)n, "restrictions", restr)
				  : json_pack("{s:i,s:[]}", "level", (int)n, "restrictions");
	text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!text || cityupdate_parse_alert((const uint8_t *)text, strlen(text), NULL) < 0) {
		free(text);
		return 2;
	}
	st = publish_and_print(c, topic, text, strlen(text));
	free(text);
	return st;
}

static int cmd_program(struct city *c, int argc, char **argv)
{
	char topic[256], err[512];
	struct rules_program *p = NULL;
	FILE *f;
	char *buf;
	size_t len;
	int st = 2;

	if (argc != 2) {
		fprintf(stderr, "usage: passgate-city publish program FILE\n");
		return 2;
	}
	/* The kiosk refuses what it cannot parse: refuse it here first, with the reason. */
	if (rules_program_load(argv[1], &p, err, sizeof(err)) < 0) {
		fprintf(stderr, "passgate-city publish program: %s\n", err);
		return 2;
	}
	rules_program_free(p);
	f = fopen(argv[1], "re");
	buf = malloc(CITYUPDATE_BODY_MAX + 1);
	len = f && buf ? fread(buf, 1, CITYUPDATE_BODY_MAX + 1, f) : 0;
	if (!f || !buf || ferror(f) || len > CITYUPDATE_BODY_MAX)
		fprintf(stderr, "passgate-city publish program: %s: cannot read (at most 1 MiB)\n",
			argv[1]);
	else if (publish_topic(c, topic, sizeof(topic), "programs") >= 0)
		st = publish_and_print(c, topic, buf, len);
	if (f)
		fclose(f);
	free(buf);
	return st;
}

int publish_command(struct city *c, int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "alert"))
		return cmd_alert(c, argc, argv);
	if (argc >= 1 && !strcmp(argv[0], "program"))
		return cmd_program(c, argc, argv);
	fprintf(stderr, "usage: passgate-city publish alert|program|trust ...\n");
	return 2;
}
