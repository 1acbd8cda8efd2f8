/* SPDX-License-Identifier: MIT */
/*
 * uplink.c - libmosquitto, MQTT 5, driven from outside: no mosquitto thread, no loop_forever.
 *
 * This is the one file that includes mosquitto.h (DESIGN.md). The pitfalls of libmosquitto
 * 2.0.11 listed in DESIGN.md shape it:
 *  - a QoS 1 publish that fails with MOSQ_ERR_NO_CONN is still queued and resent later, so we
 *    publish only while connected, and after ANY disconnect we destroy the mosquitto instance
 *    (and whatever it queued) and make a new one: the outbox alone decides what is resent;
 *  - PUBACK reason codes exist only in MQTT 5, so the protocol is forced to 5;
 *  - the socket is closed before the disconnect callback and the fd number may be reused, so
 *    uplink_fd() asks mosquitto_socket() every time and the caller re-reads it after each call;
 *  - a black-holed link is noticed only after ~2x keepalive, so connecting has its own timeout;
 *  - the library buffers an inbound packet whole before any callback (no client-side size
 *    limit in 2.0.11), so the CONNECT carries the MQTT 5 Maximum Packet Size and the broker
 *    drops what is larger (a 150 MiB retained message on a city topic would otherwise be
 *    buffered, past MemoryMax, at every restart). CONNECT properties exist only in the
 *    blocking mosquitto_connect_bind_v5(), so the TCP connection is first probed without
 *    blocking on our own socket, within the connect timeout; the library's connect() then
 *    goes to a peer that has just answered.
 * Callbacks only record what happened; the instance is torn down after the libmosquitto call
 * returns, never inside a callback.
 */
#include <errno.h>
#include <sys/epoll.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "credential/sig.h"
#include "events/events.h"
#include "events/outbox.h"
#include "events/uplink.h"

#define TOPIC_MAX	  256
#define MAX_SUBSCRIPTIONS 16
#define INFLIGHT_LIMIT	  256
#define TICK_MS		  1000u /* keepalive pings and retries are checked this often */

enum state {
	ST_IDLE,       /* no instance; next attempt at next_attempt_ms */
	ST_PROBING,    /* our non-blocking TCP connect to the broker; give up at the deadline */
	ST_CONNECTING, /* TCP/TLS/CONNECT under way; give up at connect_deadline_ms */
	ST_CONNECTED,  /* CONNACK success */
};

struct inflight {
	int mid;
	uint64_t seq;
};

struct uplink {
	struct uplink_config cfg;
	char *host, *city, *venue, *kiosk, *client_id, *username, *password;
	char *tls_ca, *tls_cert, *tls_key;
	char status_topic[TOPIC_MAX];
	struct outbox *ob;

	struct mosquitto *mosq;
	int probe_fd; /* ST_PROBING: our socket, -1 otherwise */
	enum state state;
	bool dead; /* set by a callback: tear down after the current libmosquitto call */
	uint64_t now, next_attempt_ms, connect_deadline_ms, retry_at_ms, status_next_ms;
	unsigned attempts;

	struct inflight inflight[INFLIGHT_LIMIT];
	unsigned n_inflight;
	uint64_t cursor; /* highest seq published on this connection */
	bool paused, status_dirty;
	bool lib_inited;
	uint64_t seen_dropped, seen_lost; /* outbox counters in the last status */
	int seen_write_error;

	char *subs[MAX_SUBSCRIPTIONS];
	unsigned n_subs;
	uplink_message_fn msg_fn;
	void *msg_userdata;
	json_t *details;

	struct uplink_status st;
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void set_error(struct uplink *u, const char *what, const char *why)
{
	snprintf(u->st.last_error, sizeof(u->st.last_error), "%s: %s", what, why);
}

/* The retained status: who we are, the outbox and uplink counters, the daemon's details. */
static char *status_json(struct uplink *u, bool online)
{
	struct outbox_stats os = { 0 };
	json_t *o, *ob, *up;
	char *text = NULL;

	o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "state", json_string(online ? "online" : "offline"));
	json_object_set_new(o, "venue", json_string(u->venue));
	json_object_set_new(o, "kiosk", json_string(u->kiosk));
	if (online) {
		outbox_stats(u->ob, &os);
		ob = json_object();
		json_object_set_new(ob, "pending", json_integer((json_int_t)os.rows));
		json_object_set_new(ob, "next_seq", json_integer((json_int_t)os.next_seq));
		json_object_set_new(ob, "dropped", json_integer((json_int_t)os.dropped));
		json_object_set_new(ob, "lost", json_integer((json_int_t)os.lost));
		json_object_set_new(ob, "write_error",
				    os.last_error ? json_string(strerror(-os.last_error))
						  : json_null());
		json_object_set_new(o, "outbox", ob);
		u->seen_dropped = os.dropped;
		u->seen_lost = os.lost;
		u->seen_write_error = os.last_error;
		up = json_object();
		json_object_set_new(up, "rejected", json_integer((json_int_t)u->st.rejected));
		json_object_set_new(up, "paused", json_boolean(u->paused));
		if (u->st.last_reject) {
			json_t *rej = json_object();

			json_object_set_new(rej, "reason", json_integer(u->st.last_reject));
			json_object_set_new(
				rej, "text",
				json_string(mosquitto_reason_string(u->st.last_reject)));
			json_object_set_new(up, "last_reject", rej);
		} else {
			json_object_set_new(up, "last_reject", json_null());
		}
		json_object_set_new(o, "uplink", up);
		if (u->details)
			json_object_update_missing(o, u->details);
	}
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return text;
}

static void publish_status(struct uplink *u)
{
	char *text;
	int rc;

	if (u->state != ST_CONNECTED || u->dead)
		return;
	text = status_json(u, true);
	if (!text)
		return;
	rc = mosquitto_publish_v5(u->mosq, NULL, u->status_topic, (int)strlen(text), text, 1, true,
				  NULL);
	free(text);
	if (rc != MOSQ_ERR_SUCCESS) {
		set_error(u, "publish status", mosquitto_strerror(rc));
		u->dead = true; /* never publish again on this instance: see the top of the file */
		return;
	}
	u->status_dirty = false;
	u->status_next_ms = u->now + TICK_MS;
}

static struct inflight *find_inflight(struct uplink *u, int mid)
{
	for (unsigned i = 0; i < u->n_inflight; i++)
		if (u->inflight[i].mid == mid)
			return &u->inflight[i];
	return NULL;
}

static void on_connect(struct mosquitto *mosq, void *ud, int rc, int flags,
		       const mosquitto_property *props)
{
	struct uplink *u = ud;

	(void)flags;
	(void)props;
	if (rc != 0) {
		set_error(u, "connack", mosquitto_reason_string(rc));
		u->dead = true;
		return;
	}
	u->state = ST_CONNECTED;
	u->st.connects++;
	u->attempts = 0;
	u->cursor = 0;
	u->n_inflight = 0;
	u->st.last_error[0] = '\0';
	u->status_next_ms = 0;
	for (unsigned i = 0; i < u->n_subs; i++)
		if (mosquitto_subscribe_v5(mosq, NULL, u->subs[i], 1, 0, NULL) != MOSQ_ERR_SUCCESS)
			u->dead = true;
	u->status_dirty = true;
}

static void on_disconnect(struct mosquitto *mosq, void *ud, int rc, const mosquitto_property *props)
{
	struct uplink *u = ud;

	(void)mosq;
	(void)props;
	set_error(u, "disconnected",
		  rc > 0 && rc < 0x80 ? mosquitto_strerror(rc) : mosquitto_reason_string(rc));
	u->dead = true;
}

static void on_publish(struct mosquitto *mosq, void *ud, int mid, int reason,
		       const mosquitto_property *props)
{
	struct uplink *u = ud;
	struct inflight *f = find_inflight(u, mid);

	(void)mosq;
	(void)props;
	if (!f)
		return; /* the status message */
	if (reason < 0x80) {
		outbox_ack(u->ob, f->seq);
		u->st.acked++;
	} else {
		/* The row stays. Pause, say why, and try again later from the oldest row. */
		u->st.rejected++;
		u->st.last_reject = reason;
		if (!u->paused)
			u->retry_at_ms = u->now + u->cfg.reject_retry_ms;
		u->paused = true;
		u->status_dirty = true;
	}
	*f = u->inflight[--u->n_inflight];
}

static void on_message(struct mosquitto *mosq, void *ud, const struct mosquitto_message *m,
		       const mosquitto_property *props)
{
	struct uplink *u = ud;

	(void)mosq;
	(void)props;
	/* The broker honours the Maximum Packet Size; one that does not is not trusted either. */
	if (u->msg_fn && m->payloadlen >= 0 && (uint32_t)m->payloadlen <= u->cfg.max_packet)
		u->msg_fn(m->topic, m->payload, (size_t)m->payloadlen, u->msg_userdata);
}

static void teardown(struct uplink *u)
{
	uint64_t delay, jitter = 0;

	if (u->probe_fd >= 0)
		close(u->probe_fd);
	u->probe_fd = -1;
	if (u->mosq)
		mosquitto_destroy(u->mosq); /* drops whatever it had queued: the outbox resends */
	u->mosq = NULL;
	u->state = ST_IDLE;
	u->dead = false;
	u->n_inflight = 0;
	u->cursor = 0;
	/* Exponential backoff with jitter in [delay/2, delay], so that a city's kiosks do not
	 * all reconnect in the same second after a broker restart. */
	delay = u->cfg.backoff_min_ms;
	for (unsigned i = 0; i < u->attempts && delay < u->cfg.backoff_max_ms; i++)
		delay *= 2;
	if (delay > u->cfg.backoff_max_ms)
		delay = u->cfg.backoff_max_ms;
	if (sig_random(&jitter, sizeof(jitter)) < 0)
		jitter = u->now;
	u->next_attempt_ms = u->now + delay / 2 + jitter % (delay / 2 + 1);
	if (u->attempts < 32)
		u->attempts++;
}

static int start_connect(struct uplink *u)
{
	mosquitto_property *props = NULL;
	char *will;
	int rc;

	u->mosq = mosquitto_new(u->client_id, true, u);
	if (!u->mosq) {
		set_error(u, "connect", "out of memory");
		return -ENOMEM;
	}
	mosquitto_int_option(u->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	mosquitto_connect_v5_callback_set(u->mosq, on_connect);
	mosquitto_disconnect_v5_callback_set(u->mosq, on_disconnect);
	mosquitto_publish_v5_callback_set(u->mosq, on_publish);
	mosquitto_message_v5_callback_set(u->mosq, on_message);
	if (u->username)
		mosquitto_username_pw_set(u->mosq, u->username, u->password);
	if (u->tls_ca) {
		rc = mosquitto_tls_set(u->mosq, u->tls_ca, NULL, u->tls_cert, u->tls_key, NULL);
		if (rc != MOSQ_ERR_SUCCESS) {
			set_error(u, "tls", mosquitto_strerror(rc));
			return -EINVAL;
		}
	}
	will = status_json(u, false);
	rc = will ? mosquitto_will_set_v5(u->mosq, u->status_topic, (int)strlen(will), will, 1,
					  true, NULL)
		  : MOSQ_ERR_NOMEM;
	free(will);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_property_add_int32(&props, MQTT_PROP_MAXIMUM_PACKET_SIZE,
						  u->cfg.max_packet);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_connect_bind_v5(u->mosq, u->host, u->cfg.port, u->cfg.keepalive_s,
					       NULL, props);
	mosquitto_property_free_all(&props);
	if (rc != MOSQ_ERR_SUCCESS) {
		set_error(u, "connect",
			  rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		return -EIO;
	}
	u->state = ST_CONNECTING;
	u->connect_deadline_ms = u->now + u->cfg.connect_timeout_ms;
	return 0;
}

/* Start the non-blocking TCP probe (see the top of the file). */
static int start_probe(struct uplink *u)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *ai;
	char port[16];
	int fd, r;

	snprintf(port, sizeof(port), "%d", u->cfg.port);
	r = getaddrinfo(u->host, port, &hints, &ai);
	if (r != 0) {
		set_error(u, "connect", gai_strerror(r));
		return -EHOSTUNREACH;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	r = fd < 0 ? -errno : 0;
	if (r >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS)
		r = -errno;
	freeaddrinfo(ai);
	if (r < 0) {
		set_error(u, "connect", strerror(-r));
		if (fd >= 0)
			close(fd);
		return r;
	}
	u->probe_fd = fd;
	u->state = ST_PROBING;
	u->connect_deadline_ms = u->now + u->cfg.connect_timeout_ms;
	return 0;
}

/* The probe's answer: connected, then the library connects with the CONNECT properties. */
static void probe_done(struct uplink *u)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(u->probe_fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	close(u->probe_fd);
	u->probe_fd = -1;
	if (err) {
		set_error(u, "connect", strerror(err));
		u->dead = true;
		return;
	}
	if (start_connect(u) < 0)
		u->dead = true;
}

struct pump_ctx {
	struct uplink *u;
	bool stop;
};

static int publish_row(uint64_t seq, const char *topic, const void *payload, size_t len, void *ud)
{
	struct pump_ctx *c = ud;
	struct uplink *u = c->u;
	int mid = 0, rc;

	if (len > INT32_MAX)
		return -EINVAL;
	rc = mosquitto_publish_v5(u->mosq, &mid, topic, (int)len, payload, 1, false, NULL);
	if (rc != MOSQ_ERR_SUCCESS) {
		/* NO_CONN or a write error: the instance may hold this message for a resend, so
		 * it is never used again (pitfall); the row is still in the outbox. */
		set_error(u, "publish", mosquitto_strerror(rc));
		u->dead = true;
		c->stop = true;
		return -EIO;
	}
	u->inflight[u->n_inflight++] = (struct inflight){ .mid = mid, .seq = seq };
	u->cursor = seq;
	u->st.published++;
	return 0;
}

/* Publish waiting rows while connected and the window has room. */
static void pump(struct uplink *u)
{
	struct pump_ctx c = { .u = u };

	if (u->state != ST_CONNECTED || u->dead)
		return;
	if (u->paused && u->now >= u->retry_at_ms && u->n_inflight == 0) {
		u->paused = false;
		u->cursor = 0; /* the rejected rows first, in seq order */
		u->status_dirty = true;
	}
	while (!u->paused && !u->dead && u->n_inflight < u->cfg.inflight_max) {
		int n = outbox_foreach(u->ob, u->cursor, u->cfg.inflight_max - u->n_inflight,
				       publish_row, &c);

		if (n <= 0 || c.stop)
			break;
	}
	if (!u->status_dirty) {
		struct outbox_stats os;

		/* Losses are news for the city: republish when the outbox counters move. */
		if (outbox_stats(u->ob, &os) >= 0 &&
		    (os.dropped != u->seen_dropped || os.lost != u->seen_lost ||
		     os.last_error != u->seen_write_error))
			u->status_dirty = true;
	}
	if (u->status_dirty && u->now >= u->status_next_ms)
		publish_status(u);
}

static void check(struct uplink *u, int rc, const char *what)
{
	if (rc == MOSQ_ERR_SUCCESS)
		return;
	if (!u->dead)
		set_error(u, what, rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
	u->dead = true;
}

int uplink_dispatch(struct uplink *u, uint32_t revents, uint64_t now_usec)
{
	uint64_t now_ms = now_usec / 1000; /* the link's own timers count ms */

	u->now = now_ms;
	if (u->state == ST_IDLE) {
		if (!u->host || now_ms < u->next_attempt_ms)
			return 0;
		if (start_probe(u) < 0) {
			teardown(u);
			return 0;
		}
		return 0;
	}
	if (u->state == ST_PROBING && (revents & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
		probe_done(u);
	if (u->mosq && (revents & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		check(u, mosquitto_loop_read(u->mosq, 1), "read");
	if (u->mosq && !u->dead && ((revents & EPOLLOUT) || mosquitto_want_write(u->mosq)))
		check(u, mosquitto_loop_write(u->mosq, 1), "write");
	if (u->mosq && !u->dead)
		check(u, mosquitto_loop_misc(u->mosq), "keepalive");
	if ((u->state == ST_PROBING || u->state == ST_CONNECTING) && !u->dead &&
	    now_ms >= u->connect_deadline_ms) {
		set_error(u, "connect", "timed out");
		u->dead = true;
	}
	pump(u);
	if (u->mosq && !u->dead && mosquitto_want_write(u->mosq))
		check(u, mosquitto_loop_write(u->mosq, 1), "write");
	if (u->dead)
		teardown(u);
	outbox_flush(u->ob);
	return 0;
}

void uplink_kick(struct uplink *u)
{
	pump(u);
	if (u->mosq && !u->dead && mosquitto_want_write(u->mosq))
		check(u, mosquitto_loop_write(u->mosq, 1), "write");
	if (u->dead)
		teardown(u);
}

int uplink_fd(const struct uplink *u)
{
	if (u->state == ST_PROBING)
		return u->probe_fd;
	return u->mosq ? mosquitto_socket(u->mosq) : -1;
}

uint32_t uplink_events(const struct uplink *u)
{
	if (u->state == ST_PROBING)
		return EPOLLOUT;
	if (!u->mosq)
		return 0;
	return EPOLLIN | (mosquitto_want_write(u->mosq) ? EPOLLOUT : 0u);
}

uint64_t uplink_deadline(const struct uplink *u)
{
	uint64_t d = u->now + TICK_MS;

	if (u->state == ST_IDLE)
		return u->host ? u->next_attempt_ms * 1000 : UPLINK_NO_DEADLINE;
	if ((u->state == ST_PROBING || u->state == ST_CONNECTING) && u->connect_deadline_ms < d)
		d = u->connect_deadline_ms;
	if (u->paused && u->retry_at_ms < d)
		d = u->retry_at_ms;
	return d * 1000;
}

int uplink_new(const struct uplink_config *cfg, struct outbox *ob, struct uplink **ret)
{
	struct uplink *u;
	char id[128];

	if (!cfg->city || !cfg->venue || !cfg->kiosk)
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->cfg = *cfg;
	if (!u->cfg.port)
		u->cfg.port = cfg->tls_ca ? 8883 : 1883;
	if (!u->cfg.keepalive_s)
		u->cfg.keepalive_s = 30;
	if (!u->cfg.connect_timeout_ms)
		u->cfg.connect_timeout_ms = 10000;
	if (!u->cfg.backoff_min_ms)
		u->cfg.backoff_min_ms = 500;
	if (!u->cfg.backoff_max_ms)
		u->cfg.backoff_max_ms = 60000;
	if (u->cfg.backoff_max_ms < u->cfg.backoff_min_ms)
		u->cfg.backoff_max_ms = u->cfg.backoff_min_ms;
	if (!u->cfg.inflight_max)
		u->cfg.inflight_max = 16;
	if (u->cfg.inflight_max > INFLIGHT_LIMIT)
		u->cfg.inflight_max = INFLIGHT_LIMIT;
	if (!u->cfg.reject_retry_ms)
		u->cfg.reject_retry_ms = 60000;
	if (!u->cfg.max_packet)
		u->cfg.max_packet = UPLINK_MAX_PACKET;
	u->probe_fd = -1;
	snprintf(id, sizeof(id), "passgate-%s", cfg->kiosk);
	u->host = dup_or_null(cfg->host && *cfg->host ? cfg->host : NULL);
	u->city = strdup(cfg->city);
	u->venue = strdup(cfg->venue);
	u->kiosk = strdup(cfg->kiosk);
	u->client_id = strdup(cfg->client_id ? cfg->client_id : id);
	u->username = dup_or_null(cfg->username);
	u->password = dup_or_null(cfg->password);
	u->tls_ca = dup_or_null(cfg->tls_ca);
	u->tls_cert = dup_or_null(cfg->tls_cert);
	u->tls_key = dup_or_null(cfg->tls_key);
	u->ob = ob;
	if (!u->city || !u->venue || !u->kiosk || !u->client_id ||
	    events_topic_status(cfg->city, cfg->venue, cfg->kiosk, u->status_topic,
				sizeof(u->status_topic)) < 0) {
		uplink_free(u);
		return -EINVAL;
	}
	mosquitto_lib_init();
	u->lib_inited = true;
	*ret = u;
	return 0;
}

void uplink_free(struct uplink *u)
{
	if (!u)
		return;
	if (u->probe_fd >= 0)
		close(u->probe_fd);
	if (u->mosq) {
		if (u->state == ST_CONNECTED && !u->dead) {
			/* 0x04: "disconnect with will message": the broker publishes our offline
			 * status although we leave cleanly (MQTT 5 §3.14.2.1). */
			mosquitto_disconnect_v5(u->mosq, 0x04, NULL);
			mosquitto_loop_write(u->mosq, 1);
		}
		mosquitto_destroy(u->mosq);
	}
	if (u->lib_inited)
		mosquitto_lib_cleanup();
	for (unsigned i = 0; i < u->n_subs; i++)
		free(u->subs[i]);
	json_decref(u->details);
	free(u->host);
	free(u->city);
	free(u->venue);
	free(u->kiosk);
	free(u->client_id);
	free(u->username);
	free(u->password);
	free(u->tls_ca);
	free(u->tls_cert);
	free(u->tls_key);
	free(u);
}

int uplink_subscribe(struct uplink *u, const char *topic)
{
	if (u->n_subs == MAX_SUBSCRIPTIONS)
		return -ENOSPC;
	u->subs[u->n_subs] = strdup(topic);
	if (!u->subs[u->n_subs])
		return -ENOMEM;
	if (u->state == ST_CONNECTED && !u->dead &&
	    mosquitto_subscribe_v5(u->mosq, NULL, topic, 1, 0, NULL) != MOSQ_ERR_SUCCESS)
		u->dead = true;
	u->n_subs++;
	return 0;
}

void uplink_set_message_handler(struct uplink *u, uplink_message_fn fn, void *userdata)
{
	u->msg_fn = fn;
	u->msg_userdata = userdata;
}

int uplink_set_status_details(struct uplink *u, const char *json_object)
{
	json_t *d = json_loads(json_object, 0, NULL);

	if (!json_is_object(d)) {
		json_decref(d);
		return -EINVAL;
	}
	if (u->details && json_equal(u->details, d)) {
		json_decref(d);
		return 0;
	}
	json_decref(u->details);
	u->details = d;
	u->status_dirty = true;
	return 0;
}

void uplink_status(const struct uplink *u, struct uplink_status *ret)
{
	*ret = u->st;
	ret->connected = u->state == ST_CONNECTED && !u->dead;
	ret->paused = u->paused;
	ret->inflight = u->n_inflight;
}
