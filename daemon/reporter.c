/* SPDX-License-Identifier: MIT */
/*
 * reporter.c - the kiosk's decisions on their way to the city: outbox, uplink, day keys and the
 * city's signed updates, joined on passgated's loop.
 *
 * Order matters for "nothing is lost" (DESIGN.md failure rules): an event is committed to the
 * outbox (fsync) before the uplink may publish it, and the uplink removes it only on a good
 * PUBACK. Without [mqtt] host the events simply stay in the outbox (bounded; oldest dropped
 * and counted), where `passgate events list` shows them.
 *
 * The uplink and the day-key expiry are loop modules (fd + dispatch + deadline). City messages
 * arrive through the uplink, are checked by cityupdate (Ed25519, topic-bound, ordered) and only
 * then handed to daykeys or to the kiosk's handlers.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "events/cityupdate.h"
#include "daemon/config.h"
#include "events/daykeys.h"
#include "events/receiptcode.h"
#include "daemon/log.h"
#include "daemon/loop.h"
#include "events/outbox.h"
#include "daemon/reporter.h"
#include "events/uplink.h"

#define TOPIC_MAX 256
/* Without a broker the topic still names the kiosk, so a later export keeps its meaning. */
#define LOCAL_CITY  "local"
#define LOCAL_KIOSK "kiosk"

struct reporter {
	struct loop *loop;
	struct reporter_handlers h;

	struct outbox *outbox;
	struct uplink *uplink;
	struct daykeys *daykeys;
	struct cityupdate *city;
	struct loop_module *uplink_mod, *daykeys_mod;

	/* Copies: the config they come from is replaced on SIGHUP. */
	char topic[TOPIC_MAX];
	char kiosk[CONFIG_ID_MAX + 1];
	const char *judging;   /* fail-closed reason, or NULL */
	bool had_key;	       /* day-key state in the last published status */
	char state_dir[4096];  /* where cityupdate keeps the last updates (for the logs) */
	uint64_t store_errors; /* cityupdate store failures already logged */
};

static int64_t wall_now(void)
{
	return (int64_t)time(NULL);
}

/* ---- the uplink as a loop module ---- */

static int uplink_mod_fd(void *userdata)
{
	struct reporter *r = userdata;

	return uplink_fd(r->uplink);
}

static uint32_t uplink_mod_events(void *userdata)
{
	struct reporter *r = userdata;

	return loop_epoll_from_poll(uplink_events(r->uplink));
}

static int uplink_mod_dispatch(void *userdata, uint32_t revents, uint64_t now_usec)
{
	struct reporter *r = userdata;

	return uplink_dispatch(r->uplink, loop_poll_from_epoll(revents), now_usec / 1000);
}

static uint64_t uplink_mod_deadline(void *userdata)
{
	struct reporter *r = userdata;
	uint64_t ms = uplink_deadline(r->uplink);

	return ms >= LOOP_NO_DEADLINE / 1000 ? LOOP_NO_DEADLINE : ms * 1000;
}

static const struct loop_module_ops uplink_ops = {
	.name = "uplink",
	.fd = uplink_mod_fd,
	.events = uplink_mod_events,
	.dispatch = uplink_mod_dispatch,
	.deadline = uplink_mod_deadline,
	.accuracy_usec = 10 * 1000,
	.vital = false, /* link trouble is handled inside; the gate keeps judging */
};

/* ---- day keys: expiry timer and status ---- */

static void publish_details(struct reporter *r)
{
	char json[256];
	bool key = daykeys_current(r->daykeys, wall_now()) != NULL;

	r->had_key = key;
	if (!r->uplink)
		return;
	if (r->judging)
		snprintf(json, sizeof(json), "{\"daykey\":%s,\"judging\":\"deny\",\"why\":\"%s\"}",
			 key ? "true" : "false", r->judging);
	else
		snprintf(json, sizeof(json), "{\"daykey\":%s,\"judging\":\"ok\"}",
			 key ? "true" : "false");
	(void)uplink_set_status_details(r->uplink, json);
	(void)loop_module_update(r->uplink_mod);
}

static int daykeys_mod_dispatch(void *userdata, uint32_t revents, uint64_t now_usec)
{
	struct reporter *r = userdata;

	(void)revents;
	(void)now_usec;
	(void)daykeys_expire(r->daykeys, wall_now());
	if ((daykeys_current(r->daykeys, wall_now()) != NULL) != r->had_key) {
		log_info("venue day key %s",
			 r->had_key ? "expired: tok is null until the next one" : "now valid");
		publish_details(r);
	}
	return 0;
}

/* The day keys change on wall-clock times; the loop runs on CLOCK_MONOTONIC. */
static uint64_t daykeys_mod_deadline(void *userdata)
{
	struct reporter *r = userdata;
	int64_t now = wall_now(), at = daykeys_deadline(r->daykeys, now);
	uint64_t mono = loop_now(r->loop);

	if (at == INT64_MAX)
		return LOOP_NO_DEADLINE;
	if (at <= now)
		return mono;
	/* Re-check at least hourly, so that a wall-clock step cannot delay a wipe for long. */
	if (at - now > 3600)
		at = now + 3600;
	return mono + (uint64_t)(at - now) * 1000000u;
}

static const struct loop_module_ops daykeys_ops = {
	.name = "daykeys",
	.dispatch = daykeys_mod_dispatch,
	.deadline = daykeys_mod_deadline,
	.accuracy_usec = 1000 * 1000,
	.vital = false,
};

/* ---- city updates ---- */

static int on_city_update(enum cityupdate_kind kind, const uint8_t *body, size_t len,
			  int64_t issued, void *userdata)
{
	struct reporter *r = userdata;
	int level, n;

	(void)issued;
	switch (kind) {
	case CITYUPDATE_DAYKEYS:
		n = daykeys_accept_sealed(r->daykeys, body, len, wall_now());
		if (n < 0)
			return n;
		publish_details(r);
		(void)loop_module_update(r->daykeys_mod);
		return 0;
	case CITYUPDATE_TRUST:
		return r->h.trust ? r->h.trust(body, len, r->h.userdata) : -ENOTSUP;
	case CITYUPDATE_PROGRAMS:
		return r->h.programs ? r->h.programs(body, len, r->h.userdata) : -ENOTSUP;
	case CITYUPDATE_ALERT:
		if (cityupdate_parse_alert(body, len, &level) < 0)
			return -EBADMSG;
		return r->h.alert ? r->h.alert(level, body, len, r->h.userdata) : -ENOTSUP;
	case CITYUPDATE_KIND_COUNT_:
		break;
	}
	return -EINVAL;
}

static const char *const kind_names[CITYUPDATE_KIND_COUNT_] = {
	[CITYUPDATE_DAYKEYS] = "day keys",
	[CITYUPDATE_TRUST] = "trust list",
	[CITYUPDATE_PROGRAMS] = "programs",
	[CITYUPDATE_ALERT] = "alert level",
};

/* Store failures do not undo an accepted update; they are logged once per new failure. */
static void check_store(struct reporter *r)
{
	struct cityupdate_stats st;

	cityupdate_stats(r->city, &st);
	if (st.store_errors != r->store_errors)
		log_warning("city update applied but not kept in the state directory: %s (the "
			    "kiosk forgets it at the next start until the city sends it again)",
			    strerror(-st.store_error));
	r->store_errors = st.store_errors;
}

static void on_message(const char *topic, const void *payload, size_t len, void *userdata)
{
	struct reporter *r = userdata;
	int k;

	if (!r->city)
		return;
	k = cityupdate_handle(r->city, topic, payload, len);
	if (k >= 0 && k < CITYUPDATE_KIND_COUNT_)
		log_info("city update accepted: %s", kind_names[k]);
	else if (k != -EALREADY && k != -ENODATA && k != -ENOENT)
		log_warning("city update on %s refused: %s", topic, strerror(-k));
	check_store(r);
}

/*
 * The city's last trust list, programs and alert, as kept by cityupdate in the state directory,
 * verified again and handed to the kiosk before the uplink has even started to connect: a
 * kiosk restarted during an alert while the broker is unreachable judges under that alert
 * from its first scan (docs/events.md "Kept across restarts").
 */
static void restore_city(struct reporter *r)
{
	static const enum cityupdate_kind kinds[] = { CITYUPDATE_TRUST, CITYUPDATE_PROGRAMS,
						      CITYUPDATE_ALERT };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int e = cityupdate_restore(r->city, kinds[i]);

		if (e >= 0)
			log_info("city update restored from the state directory: %s",
				 kind_names[kinds[i]]);
		else if (e == -EBADMSG)
			log_warning("stored city update %s/%s ignored: it does not verify with "
				    "the city key for this kiosk (key, city, venue or kiosk "
				    "changed, or the file was altered)",
				    r->state_dir, cityupdate_store_name(kinds[i]));
		else if (e != -ENOENT)
			log_warning("stored city update %s/%s not applied: %s", r->state_dir,
				    cityupdate_store_name(kinds[i]), strerror(-e));
	}
}

/* Verification of city messages; without a broker only what is stored can arrive. */
static int setup_city(struct reporter *r, const struct config *c)
{
	int e;

	e = cityupdate_new(c->mqtt.city_key, c->mqtt.city, c->venue.id, r->kiosk, &r->city);
	if (e < 0)
		return e;
	e = cityupdate_set_store(r->city, c->state.dir);
	for (int k = 0; e >= 0 && k < CITYUPDATE_KIND_COUNT_; k++)
		e = cityupdate_set_handler(r->city, (enum cityupdate_kind)k, on_city_update, r);
	if (e < 0)
		return e;
	restore_city(r);
	return 0;
}

static int setup_uplink(struct reporter *r, const struct config *c)
{
	struct uplink_config uc = {
		.host = c->mqtt.host,
		.port = c->mqtt.port,
		.city = c->mqtt.city,
		.venue = c->venue.id,
		.kiosk = c->mqtt.kiosk,
		.username = c->mqtt.username[0] ? c->mqtt.username : NULL,
		.password = c->mqtt.password[0] ? c->mqtt.password : NULL,
		.tls_ca = c->mqtt.tls_ca[0] ? c->mqtt.tls_ca : NULL,
		.tls_cert = c->mqtt.tls_cert[0] ? c->mqtt.tls_cert : NULL,
		.tls_key = c->mqtt.tls_key[0] ? c->mqtt.tls_key : NULL,
		.keepalive_s = (int)c->mqtt.keepalive,
		.connect_timeout_ms = c->mqtt.connect_timeout_s * 1000u,
	};
	int r_;

	r_ = uplink_new(&uc, r->outbox, &r->uplink);
	if (r_ < 0)
		return r_;
	if (r->city) {
		for (int k = 0; k < CITYUPDATE_KIND_COUNT_; k++) {
			r_ = uplink_subscribe(r->uplink,
					      cityupdate_topic(r->city, (enum cityupdate_kind)k));
			if (r_ < 0)
				return r_;
		}
		uplink_set_message_handler(r->uplink, on_message, r);
	} else {
		log_warning("[mqtt] city_key is not set: city updates and day keys are refused, "
			    "events carry no tok");
	}
	return loop_add_module(r->loop, &uplink_ops, r, &r->uplink_mod);
}

int reporter_new(const struct config *cfg, struct loop *loop, const struct reporter_handlers *h,
		 struct reporter **ret)
{
	struct outbox_limits lim = {
		.max_rows = cfg->state.outbox_max_rows,
		.max_bytes = (uint64_t)cfg->state.outbox_max_mb * 1024u * 1024u,
	};
	struct reporter *r;
	char *path = NULL;
	int e;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->loop = loop;
	if (h)
		r->h = *h;
	snprintf(r->kiosk, sizeof(r->kiosk), "%s",
		 cfg->mqtt.kiosk[0] ? cfg->mqtt.kiosk : LOCAL_KIOSK);
	e = events_topic_check(cfg->mqtt.city[0] ? cfg->mqtt.city : LOCAL_CITY, cfg->venue.id,
			       r->kiosk, r->topic, sizeof(r->topic));
	if (e < 0)
		goto fail;
	if (asprintf(&path, "%s/outbox.db", cfg->state.dir) < 0) {
		e = -ENOMEM;
		goto fail;
	}
	e = outbox_open(path, &lim, 0, &r->outbox);
	free(path);
	if (e < 0) {
		log_error("outbox %s/outbox.db: %s", cfg->state.dir, strerror(-e));
		goto fail;
	}
	e = daykeys_new(cfg->state.dir, cfg->venue.id, &r->daykeys);
	if (e < 0) {
		log_error("day-key pair in %s: %s", cfg->state.dir, strerror(-e));
		goto fail;
	}
	e = loop_add_module(loop, &daykeys_ops, r, &r->daykeys_mod);
	if (e < 0)
		goto fail;
	snprintf(r->state_dir, sizeof(r->state_dir), "%s", cfg->state.dir);
	/* Before the uplink exists: the stored updates are the kiosk's state from its first scan.
	 */
	if (cfg->mqtt.has_city_key && cfg->mqtt.city[0]) {
		e = setup_city(r, cfg);
		if (e < 0) {
			log_error("city updates: %s", strerror(-e));
			goto fail;
		}
	}
	if (cfg->mqtt.host[0]) {
		e = setup_uplink(r, cfg);
		if (e < 0) {
			log_error("uplink to %s: %s", cfg->mqtt.host, strerror(-e));
			goto fail;
		}
	} else {
		log_info("no [mqtt] host: events stay in the outbox");
	}
	publish_details(r);
	*ret = r;
	return 0;

fail:
	reporter_free(r);
	return e;
}

void reporter_free(struct reporter *r)
{
	if (!r)
		return;
	loop_module_free(r->uplink_mod);
	loop_module_free(r->daykeys_mod);
	uplink_free(r->uplink); /* sends nothing more; the broker publishes the will */
	cityupdate_free(r->city);
	daykeys_free(r->daykeys);
	if (r->outbox)
		(void)outbox_flush(r->outbox);
	outbox_free(r->outbox);
	free(r);
}

static int build_event(uint64_t seq, void *userdata, char **ret_payload)
{
	return events_build(userdata, seq, ret_payload);
}

int reporter_visit_code(struct reporter *r, int64_t now, uint8_t vc[16])
{
	const uint8_t *key = daykeys_current(r->daykeys, now);

	return key ? receiptcode_visit_code(key, vc) : -ENOKEY;
}

int reporter_record(struct reporter *r, const struct events_check *ck, int64_t now)
{
	struct events_check c = *ck;
	int e;

	c.kiosk = r->kiosk;
	c.venue_key = daykeys_current(r->daykeys, now);
	e = outbox_add(r->outbox, r->topic, build_event, &c, NULL);
	if (e < 0) {
		log_error("event not stored: %s (counted as lost)", strerror(-e));
		return e;
	}
	if (e == 1)
		log_warning("outbox full: dropped the oldest undelivered events");
	/* Never called from inside the uplink's dispatch: the city's updates record nothing
	 * (venue.c sets a party session aside; session.c closes it on the loop's next turn). */
	if (r->uplink) {
		uplink_kick(r->uplink);
		(void)loop_module_update(r->uplink_mod);
	}
	return e;
}

void reporter_set_judging(struct reporter *r, const char *why)
{
	if (r->judging == why || (r->judging && why && !strcmp(r->judging, why)))
		return;
	r->judging = why;
	publish_details(r);
}

void reporter_describe(struct reporter *r, char *buf, size_t size)
{
	struct outbox_stats os = { 0 };
	struct uplink_status us = { 0 };

	(void)outbox_stats(r->outbox, &os);
	if (r->uplink)
		uplink_status(r->uplink, &us);
	snprintf(buf, size, "uplink %s, %llu event(s) waiting, %llu dropped, %llu lost, day key %s",
		 !r->uplink	? "off"
		 : us.connected ? (us.paused ? "paused (rejected)" : "connected")
				: "disconnected",
		 (unsigned long long)os.rows, (unsigned long long)os.dropped,
		 (unsigned long long)os.lost, r->had_key ? "yes" : "none");
}

int reporter_restore_city_trust(struct reporter *r)
{
	int e;

	if (!r->city)
		return 0;
	e = cityupdate_restore(r->city, CITYUPDATE_TRUST);
	return e == -ENOENT ? 0 : e < 0 ? e : 0;
}
