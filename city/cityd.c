/* SPDX-License-Identifier: MIT */
/*
 * cityd.c - passgate-cityd, the city daemon (passgate-cityd(8)): ingest the kiosks' events
 * from a shared MQTT 5 subscription into the store, keep every registered kiosk supplied with
 * sealed day keys for today and tomorrow, shred days past retention (K_day and events
 * together), and publish the dashboard's aggregates. systemd Type=notify with a watchdog,
 * through daemon/loop.c; log lines through daemon/log.c ("<N>text" for journald).
 *
 * One batch of messages is one store transaction; the link writes their PUBACKs only after
 * the commit (city/link.h), so a SIGKILL loses nothing: the broker's session delivers again,
 * and the unique eid drops what was stored already.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "city/context.h"
#include "city/ingest.h"
#include "city/link.h"
#include "city/publish.h"
#include "city/stats.h"
#include "daemon/log.h"
#include "daemon/loop.h"
#include "events/events.h"

#ifndef PASSGATE_VERSION
#define PASSGATE_VERSION "0"
#endif
#ifndef PASSGATE_SYSCONFDIR
#define PASSGATE_SYSCONFDIR "/etc/passgate"
#endif
#define DEFAULT_CONFIG PASSGATE_SYSCONFDIR "/passgate-city.conf"
#define KIOSKS_MAX     100000

struct sent_keys {
	char kiosk[STORE_ID_MAX], pubkey[64], venue[STORE_ID_MAX], day[STORE_DAY_LEN];
	bool present;
};

struct cityd {
	const char *config_path;
	struct city *c;
	struct loop *loop;
	struct link *link;
	struct loop_module *link_mod, *tick_mod;
	bool in_txn, failed;
	uint64_t batch[INGEST_VERDICT_COUNT_ + 1]; /* + duplicates */
	uint64_t total[INGEST_VERDICT_COUNT_ + 1];
	struct sent_keys *sent;
	size_t n_sent;
	uint64_t next_tick;
	char stats_day[STORE_DAY_LEN];
};

#define DUPLICATE INGEST_VERDICT_COUNT_

/* ---- ingest ---- */

static int begin(struct cityd *d)
{
	int r;

	if (d->in_txn || d->failed)
		return d->failed ? -EIO : 0;
	r = store_begin(d->c->store);
	d->in_txn = r >= 0;
	d->failed = r < 0;
	return r;
}

static void on_status(struct cityd *d, const char *topic, const void *payload, size_t len)
{
	struct ingest_status s;

	if (len == 0 || ingest_status_parse(d->c->cfg->id, topic, payload, len, &s) < 0)
		return; /* a cleared or foreign status says nothing about the fleet */
	if (begin(d) < 0 || store_kiosk_status(d->c->store, s.kiosk, s.state, city_now(d->c),
					       s.backlog, s.daykey, s.faults) < 0)
		d->failed = true;
}

static void on_message(const char *topic, const void *payload, size_t len, bool retained,
		       void *ud)
{
	struct cityd *d = ud;
	struct ingest_event e;
	enum ingest_verdict v;
	char day[STORE_DAY_LEN];
	size_t tl = strlen(topic);
	int r;

	(void)retained;
	if (tl > 7 && !strcmp(topic + tl - 7, "/status")) {
		on_status(d, topic, payload, len);
		return;
	}
	v = ingest_event_parse(d->c->cfg->id, topic, payload, len, d->c->cfg->max_event_bytes,
			       &e);
	if (v != INGEST_OK || city_day(e.slot * EVENTS_SLOT_SECONDS, day) < 0) {
		d->batch[v != INGEST_OK ? v : INGEST_BAD_FIELD]++;
		return;
	}
	if (begin(d) < 0)
		return;
	r = store_event_add(d->c->store, &(struct store_event){
		.eid = e.eid, .venue = e.venue, .kiosk = e.kiosk, .program = e.program,
		.seq = e.seq, .slot = e.slot, .day = day, .admit = e.admit,
		.reasons = e.reasons, .kind = e.has_kind ? e.kind : NULL,
		.format = e.has_format ? e.format : NULL, .tok = e.has_tok ? e.tok : NULL,
		.body = payload ? (const char *)payload : "" });
	if (r < 0)
		d->failed = true;
	else
		d->batch[r == 1 ? INGEST_OK : DUPLICATE]++;
}

static const char *counter_name(size_t i)
{
	return i == DUPLICATE ? "duplicate" : ingest_verdict_name((enum ingest_verdict)i);
}

/* The link's commit hook: the batch's counters and events in one transaction. */
static int on_commit(void *ud)
{
	struct cityd *d = ud;
	int r = 0;

	for (size_t i = 0; i <= DUPLICATE && r >= 0; i++)
		if (d->batch[i] && (r = begin(d)) >= 0)
			r = store_counter_add(d->c->store, counter_name(i), (int64_t)d->batch[i]);
	if (r >= 0 && !d->failed && d->in_txn)
		r = store_commit(d->c->store);
	if (r < 0 || d->failed) {
		log_error("store: %s; the batch is not acknowledged and will come again",
			  store_error(d->c->store));
		if (d->in_txn)
			store_rollback(d->c->store);
		r = -EIO;
	} else {
		for (size_t i = 1; i < DUPLICATE; i++)
			if (d->batch[i])
				log_warning("dropped %llu malformed event(s): %s",
					    (unsigned long long)d->batch[i], counter_name(i));
		for (size_t i = 0; i <= DUPLICATE; i++)
			d->total[i] += d->batch[i];
	}
	memset(d->batch, 0, sizeof(d->batch));
	d->in_txn = d->failed = false;
	return r;
}

/* ---- the periodic work: retention, day keys, aggregates ---- */

static void retention(struct cityd *d, const char *today)
{
	char cutoff[STORE_DAY_LEN];
	unsigned days = 0;
	int r = city_day_add(today, -(int)d->c->cfg->retention_days + 1, cutoff);

	if (r >= 0)
		r = store_shred_before(d->c->store, cutoff, &days);
	if (r < 0)
		log_error("retention: %s", store_error(d->c->store));
	else if (days)
		log_notice("retention: shredded %u day(s) before %s (K_day and events)", days,
			   cutoff);
}

static int collect_kiosk(const struct store_kiosk *k, void *ud)
{
	struct cityd *d = ud;
	struct sent_keys *s = NULL;

	for (size_t i = 0; i < d->n_sent; i++)
		if (!strcmp(d->sent[i].kiosk, k->kiosk))
			s = &d->sent[i];
	if (!s) {
		if (d->n_sent == KIOSKS_MAX)
			return 0;
		s = reallocarray(d->sent, d->n_sent + 1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		d->sent = s;
		s = &d->sent[d->n_sent++];
		memset(s, 0, sizeof(*s));
		snprintf(s->kiosk, sizeof(s->kiosk), "%s", k->kiosk);
	}
	if (strcmp(s->pubkey, k->pubkey) || strcmp(s->venue, k->venue))
		s->day[0] = '\0'; /* a new key or venue: send again */
	snprintf(s->pubkey, sizeof(s->pubkey), "%s", k->pubkey);
	snprintf(s->venue, sizeof(s->venue), "%s", k->venue);
	s->present = true;
	return 0;
}

/* A removed kiosk: clear its retained day keys (an empty message, which it ignores). */
static void forget_kiosk(struct cityd *d, size_t i)
{
	char topic[256], rest[128];

	snprintf(rest, sizeof(rest), "kiosk/%s/daykeys", d->sent[i].kiosk);
	if (publish_topic(d->c, topic, sizeof(topic), rest) >= 0)
		(void)link_publish(d->link, topic, "", 0);
	log_info("kiosk %s removed from the registry: no more day keys", d->sent[i].kiosk);
	d->sent[i] = d->sent[--d->n_sent];
}

static void daykeys(struct cityd *d, const char *today)
{
	for (size_t i = 0; i < d->n_sent; i++)
		d->sent[i].present = false;
	if (store_kiosk_foreach(d->c->store, collect_kiosk, d) < 0) {
		log_error("kiosk registry: %s", store_error(d->c->store));
		return;
	}
	for (size_t i = 0; i < d->n_sent;) {
		struct sent_keys *s = &d->sent[i];
		struct store_kiosk k = { 0 };
		int r;

		if (!s->present) {
			forget_kiosk(d, i);
			continue;
		}
		i++;
		if (!strcmp(s->day, today))
			continue;
		memcpy(k.kiosk, s->kiosk, sizeof(k.kiosk));
		memcpy(k.venue, s->venue, sizeof(k.venue));
		memcpy(k.pubkey, s->pubkey, sizeof(k.pubkey));
		r = publish_daykeys(d->c, d->link, &k);
		if (r < 0) {
			log_error("day keys for kiosk %s: %s", s->kiosk, strerror(-r));
			continue;
		}
		memcpy(s->day, today, sizeof(s->day));
		log_info("day keys for kiosk %s (venue %s): %s and the next day", s->kiosk,
			 s->venue, today);
	}
}

static void tick(struct cityd *d)
{
	char today[STORE_DAY_LEN], status[256];

	if (city_day(city_now(d->c), today) < 0)
		return;
	retention(d, today);
	daykeys(d, today);
	if (stats_publish_day(d->c, d->link, today) < 0 ||
	    stats_publish_fleet(d->c, d->link) < 0)
		log_warning("aggregates not published: %s", store_error(d->c->store));
	/* The day that just ended gets its final figures once more. */
	if (d->stats_day[0] && strcmp(d->stats_day, today))
		(void)stats_publish_day(d->c, d->link, d->stats_day);
	memcpy(d->stats_day, today, sizeof(today));
	snprintf(status, sizeof(status),
		 "%s; stored %llu, duplicates %llu, malformed %llu; %zu kiosk(s)",
		 link_connected(d->link) ? "connected" : "not connected",
		 (unsigned long long)d->total[INGEST_OK], (unsigned long long)d->total[DUPLICATE],
		 (unsigned long long)(d->total[INGEST_BAD_TOPIC] + d->total[INGEST_TOO_LARGE] +
				      d->total[INGEST_BAD_JSON] + d->total[INGEST_BAD_VERSION] +
				      d->total[INGEST_BAD_FIELD]),
		 d->n_sent);
	(void)loop_set_status(d->loop, status);
}

static int tick_dispatch(void *ud, uint32_t revents, uint64_t now_usec)
{
	struct cityd *d = ud;

	(void)revents;
	if (now_usec < d->next_tick)
		return 0;
	tick(d);
	d->next_tick = now_usec + (uint64_t)d->c->cfg->stats_interval_s * 1000000u;
	(void)loop_module_update(d->link_mod);
	return 0;
}

static uint64_t tick_deadline(void *ud)
{
	return ((struct cityd *)ud)->next_tick;
}

static const struct loop_module_ops tick_ops = {
	.name = "city",
	.dispatch = tick_dispatch,
	.deadline = tick_deadline,
	.accuracy_usec = 100 * 1000,
};

/* ---- the link as a loop module ---- */

static int link_mod_fd(void *ud)
{
	return link_fd(((struct cityd *)ud)->link);
}

static uint32_t link_mod_events(void *ud)
{
	return loop_epoll_from_poll(link_events(((struct cityd *)ud)->link));
}

static int link_mod_dispatch(void *ud, uint32_t revents, uint64_t now_usec)
{
	struct cityd *d = ud;
	bool was = link_connected(d->link);
	int r = link_dispatch(d->link, loop_poll_from_epoll(revents), now_usec / 1000);

	if (was != link_connected(d->link)) {
		if (was)
			log_warning("broker: %s", link_last_error(d->link));
		else
			log_info("broker: connected");
	}
	return r;
}

static uint64_t link_mod_deadline(void *ud)
{
	uint64_t ms = link_deadline(((struct cityd *)ud)->link);

	return ms >= LOOP_NO_DEADLINE / 1000 ? LOOP_NO_DEADLINE : ms * 1000;
}

static const struct loop_module_ops link_ops = {
	.name = "mqtt",
	.fd = link_mod_fd,
	.events = link_mod_events,
	.dispatch = link_mod_dispatch,
	.deadline = link_mod_deadline,
	.accuracy_usec = 5 * 1000,
};

static int reload(void *ud)
{
	struct cityd *d = ud;

	d->next_tick = 0; /* the registry and the aggregates at once */
	return loop_module_update(d->tick_mod);
}

/* ---- start and stop ---- */

static int start_link(struct cityd *d)
{
	const struct cityconf *cfg = d->c->cfg;
	struct link_config lc = {
		.host = cfg->mqtt.host, .port = (int)cfg->mqtt.port,
		.client_id = cfg->mqtt.client_id, .username = cfg->mqtt.username,
		.password = cfg->mqtt.password, .tls_ca = cfg->mqtt.tls_ca,
		.tls_cert = cfg->mqtt.tls_cert, .tls_key = cfg->mqtt.tls_key,
		.keepalive_s = (int)cfg->mqtt.keepalive, .persistent = true,
		.session_expiry_s = cfg->mqtt.session_expiry_s,
		.max_packet = cfg->max_event_bytes + 1024,
	};
	char check[256], status[256];
	int r;

	snprintf(check, sizeof(check), "$share/passgate-city/passgate/v1/%s/venue/+/kiosk/+/check",
		 cfg->id);
	snprintf(status, sizeof(status), "passgate/v1/%s/venue/+/kiosk/+/status", cfg->id);
	r = link_new(&lc, &d->link);
	if (r < 0)
		return r;
	link_set_handlers(d->link, on_message, on_commit, d);
	r = link_subscribe(d->link, check);
	if (r >= 0)
		r = link_subscribe(d->link, status);
	if (r >= 0)
		r = loop_add_module(d->loop, &link_ops, d, &d->link_mod);
	if (r >= 0)
		r = loop_add_module(d->loop, &tick_ops, d, &d->tick_mod);
	return r;
}

static int run(struct cityd *d)
{
	uint8_t sk[64];
	int r;

	r = city_key_load(d->c, sk);
	explicit_bzero(sk, sizeof(sk));
	if (r < 0)
		return log_msg_errno(LOG_ERR, r, "%s/%s: %s (run `passgate-city init` first)",
				     d->c->cfg->state_dir, CITY_SIGNKEY_FILE, strerror(-r));
	r = city_open_store(d->c);
	if (r < 0)
		return log_msg_errno(LOG_ERR, r, "store: %s", strerror(-r));
	if (!d->c->cfg->mqtt.host[0])
		return log_msg_errno(LOG_ERR, -EINVAL, "%s: [mqtt] host is required",
				     d->c->cfg->path);
	r = loop_new(&d->loop);
	if (r < 0)
		return log_msg_errno(LOG_ERR, r, "event loop: %s", strerror(-r));
	r = start_link(d);
	if (r < 0) {
		log_error("mqtt: %s", strerror(-r));
		goto free_loop;
	}
	loop_set_reload(d->loop, reload, d);
	log_info("passgate-cityd %s: city %s, broker %s:%u, retention %u days", PASSGATE_VERSION,
		 d->c->cfg->id, d->c->cfg->mqtt.host, d->c->cfg->mqtt.port,
		 d->c->cfg->retention_days);
	(void)loop_notify_ready(d->loop, "starting");
	r = loop_run(d->loop);
	if (r < 0)
		log_error("stopped on error: %s", strerror(-r));
	else
		log_info("stopped");
free_loop:
	loop_module_free(d->tick_mod);
	loop_module_free(d->link_mod);
	link_free(d->link);
	loop_free(d->loop);
	free(d->sent);
	return r;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: passgate-cityd [--config FILE] [--check-config] [-v] [--version]\n");
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 'k' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *offset = getenv("PASSGATE_CITY_TEST_TIME_OFFSET");
	struct cityd d = { .config_path = DEFAULT_CONFIG };
	char err[CITYCONF_ERROR_MAX];
	bool check = false;
	int opt, r;

	while ((opt = getopt_long(argc, argv, "c:vh", options, NULL)) != -1) {
		if (opt == 'c')
			d.config_path = optarg;
		else if (opt == 'k')
			check = true;
		else if (opt == 'v')
			log_set_max_priority(LOG_DEBUG);
		else if (opt == 'V')
			return printf("passgate-cityd %s\n", PASSGATE_VERSION) < 0;
		else
			return usage(opt == 'h' ? stdout : stderr), opt == 'h' ? 0 : 2;
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	r = city_new(d.config_path, offset ? strtoll(offset, NULL, 10) : 0, &d.c, err);
	if (r < 0) {
		if (check)
			fprintf(stderr, "%s\n", err[0] ? err : strerror(-r));
		else
			log_error("%s", err[0] ? err : strerror(-r));
		return 1;
	}
	if (check) {
		printf("%s: configuration valid\n", d.config_path);
		city_free(d.c);
		return 0;
	}
	if (offset)
		log_warning("test clock: %s s added to the time (PASSGATE_CITY_TEST_TIME_OFFSET)",
			    offset);
	/* K_day and the day keys are in this process's memory: never dump it. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setenv("TZ", d.c->cfg->timezone, 1); /* local days are the city's */
	tzset();
	r = run(&d);
	city_free(d.c);
	return r < 0 ? 1 : 0;
}
