/* SPDX-License-Identifier: MIT */
/*
 * link.c - the city's MQTT 5 client on libmosquitto (link.h); the only file of city/ that
 * includes <mosquitto.h>.
 *
 * The PUBACK order is the reason this is not the kiosk's uplink: see link.h. libmosquitto in
 * threaded mode only queues outgoing packets, and this file writes them, after the commit.
 * Session expiry is a CONNECT property, which libmosquitto 2.0 sends only through the
 * blocking mosquitto_connect_bind_v5(): the TCP connect blocks (an IP literal keeps it short,
 * and the service watchdog catches a black hole); everything after it is non-blocking.
 */
#include "city/link.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#define OUT_MAX	     64
#define TOPICS_MAX   8
#define READ_BURST   64
#define BACKOFF_MIN  500u
#define BACKOFF_MAX  30000u
#define CONNECT_WAIT 10000u

struct out {
	char *topic;
	uint8_t *payload;
	size_t len;
	int mid;
	bool sent;
};

struct link {
	struct link_config cfg;
	char *host, *client_id, *username, *password, *tls_ca, *tls_cert, *tls_key;
	struct mosquitto *mosq;
	bool connected, dead, got, again;
	uint64_t now, next_attempt, connect_deadline, connects;
	unsigned attempts;
	char *topics[TOPICS_MAX];
	size_t n_topics;
	struct out out[OUT_MAX];
	size_t n_out;
	link_message_fn msg;
	link_commit_fn commit;
	void *ud;
	char error[160];
};

static void set_error(struct link *l, const char *what, const char *why)
{
	snprintf(l->error, sizeof(l->error), "%s: %s", what, why);
}

static void publish_out(struct link *l, struct out *o)
{
	int rc = mosquitto_publish_v5(l->mosq, &o->mid, o->topic, (int)o->len, o->payload, 1, true,
				      NULL);

	if (rc != MOSQ_ERR_SUCCESS) {
		set_error(l, "publish", mosquitto_strerror(rc));
		l->dead = true;
		return;
	}
	o->sent = true;
}

static void on_connect(struct mosquitto *m, void *ud, int rc, int flags,
		       const mosquitto_property *props)
{
	struct link *l = ud;

	(void)flags;
	(void)props;
	if (rc != 0) {
		set_error(l, "connect", mosquitto_reason_string(rc));
		l->dead = true;
		return;
	}
	l->connected = true;
	l->connects++;
	l->attempts = 0;
	for (size_t i = 0; i < l->n_topics; i++)
		if (mosquitto_subscribe_v5(m, NULL, l->topics[i], 1, 0, NULL) != MOSQ_ERR_SUCCESS)
			l->dead = true;
	for (size_t i = 0; i < l->n_out && !l->dead; i++)
		publish_out(l, &l->out[i]);
}

static void on_disconnect(struct mosquitto *m, void *ud, int rc, const mosquitto_property *props)
{
	struct link *l = ud;

	(void)m;
	(void)props;
	set_error(l, "disconnected", rc ? mosquitto_reason_string(rc) : "by request");
	l->dead = true;
}

static void drop_out(struct link *l, size_t i)
{
	free(l->out[i].topic);
	free(l->out[i].payload);
	l->out[i] = l->out[--l->n_out];
}

static void on_publish(struct mosquitto *m, void *ud, int mid, int reason,
		       const mosquitto_property *props)
{
	struct link *l = ud;

	(void)m;
	(void)props;
	for (size_t i = 0; i < l->n_out; i++)
		if (l->out[i].sent && l->out[i].mid == mid) {
			/* A refusal (>= 0x80, an ACL) is not retried: the next message will be. */
			if (reason >= 0x80)
				set_error(l, "publish refused", mosquitto_reason_string(reason));
			drop_out(l, i);
			return;
		}
}

static void on_message(struct mosquitto *m, void *ud, const struct mosquitto_message *msg,
		       const mosquitto_property *props)
{
	struct link *l = ud;

	(void)m;
	(void)props;
	l->got = true;
	if (l->msg && msg->payloadlen >= 0)
		l->msg(msg->topic, msg->payload, (size_t)msg->payloadlen, msg->retain, l->ud);
}

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

int link_new(const struct link_config *cfg, struct link **ret)
{
	struct link *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->cfg = *cfg;
	l->host = dup_or_null(cfg->host);
	l->client_id = dup_or_null(cfg->client_id);
	l->username = dup_or_null(cfg->username);
	l->password = dup_or_null(cfg->password);
	l->tls_ca = dup_or_null(cfg->tls_ca);
	l->tls_cert = dup_or_null(cfg->tls_cert);
	l->tls_key = dup_or_null(cfg->tls_key);
	if (!l->cfg.session_expiry_s)
		l->cfg.session_expiry_s = 7 * 86400;
	if (!l->cfg.max_packet)
		l->cfg.max_packet = 65536;
	if (!l->cfg.keepalive_s)
		l->cfg.keepalive_s = 30;
	mosquitto_lib_init();
	if (!l->host || !l->client_id) {
		link_free(l);
		return -EINVAL;
	}
	*ret = l;
	return 0;
}

void link_free(struct link *l)
{
	if (!l)
		return;
	if (l->mosq) {
		if (l->connected && !l->dead) {
			mosquitto_disconnect_v5(l->mosq, 0, NULL);
			mosquitto_loop_write(l->mosq, 1);
		}
		mosquitto_destroy(l->mosq);
	}
	mosquitto_lib_cleanup();
	while (l->n_out)
		drop_out(l, 0);
	for (size_t i = 0; i < l->n_topics; i++)
		free(l->topics[i]);
	if (l->password)
		explicit_bzero(l->password, strlen(l->password));
	free(l->host);
	free(l->client_id);
	free(l->username);
	free(l->password);
	free(l->tls_ca);
	free(l->tls_cert);
	free(l->tls_key);
	free(l);
}

void link_set_handlers(struct link *l, link_message_fn msg, link_commit_fn commit, void *ud)
{
	l->msg = msg;
	l->commit = commit;
	l->ud = ud;
}

int link_subscribe(struct link *l, const char *topic)
{
	if (l->n_topics >= TOPICS_MAX)
		return -ENOSPC;
	l->topics[l->n_topics] = strdup(topic);
	if (!l->topics[l->n_topics])
		return -ENOMEM;
	l->n_topics++;
	if (l->connected && !l->dead &&
	    mosquitto_subscribe_v5(l->mosq, NULL, topic, 1, 0, NULL) != MOSQ_ERR_SUCCESS)
		l->dead = true;
	return 0;
}

int link_publish(struct link *l, const char *topic, const void *payload, size_t len)
{
	struct out *o;

	if (len > 1024u * 1024u + 76u)
		return -E2BIG;
	for (size_t i = 0; i < l->n_out; i++)
		if (!l->out[i].sent && !strcmp(l->out[i].topic, topic)) {
			drop_out(l, i);
			break;
		}
	if (l->n_out >= OUT_MAX)
		return -EAGAIN;
	o = &l->out[l->n_out];
	*o = (struct out){ .topic = strdup(topic), .payload = malloc(len ? len : 1), .len = len };
	if (!o->topic || !o->payload) {
		free(o->topic);
		free(o->payload);
		return -ENOMEM;
	}
	memcpy(o->payload, payload, len);
	l->n_out++;
	if (l->connected && !l->dead)
		publish_out(l, o);
	return 0;
}

size_t link_unacked(const struct link *l)
{
	return l->n_out;
}

bool link_connected(const struct link *l)
{
	return l->connected && !l->dead;
}

uint64_t link_connects(const struct link *l)
{
	return l->connects;
}

const char *link_last_error(const struct link *l)
{
	return l->error;
}

static void teardown(struct link *l)
{
	uint64_t delay = BACKOFF_MIN;

	if (l->mosq)
		mosquitto_destroy(l->mosq); /* unwritten PUBACKs go with it: redelivered */
	l->mosq = NULL;
	l->connected = l->dead = l->got = false;
	for (size_t i = 0; i < l->n_out; i++)
		l->out[i].sent = false;
	for (unsigned i = 0; i < l->attempts && delay < BACKOFF_MAX; i++)
		delay *= 2;
	l->next_attempt = l->now + (delay < BACKOFF_MAX ? delay : BACKOFF_MAX);
	if (l->attempts < 32)
		l->attempts++;
}

static int start_connect(struct link *l)
{
	mosquitto_property *props = NULL;
	int rc;

	l->mosq = mosquitto_new(l->client_id, !l->cfg.persistent, l);
	if (!l->mosq)
		return -ENOMEM;
	mosquitto_int_option(l->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	mosquitto_threaded_set(l->mosq, true); /* queue packets; link.c writes them (link.h) */
	mosquitto_connect_v5_callback_set(l->mosq, on_connect);
	mosquitto_disconnect_v5_callback_set(l->mosq, on_disconnect);
	mosquitto_publish_v5_callback_set(l->mosq, on_publish);
	mosquitto_message_v5_callback_set(l->mosq, on_message);
	if (l->username)
		mosquitto_username_pw_set(l->mosq, l->username, l->password);
	if (l->tls_ca) {
		rc = mosquitto_tls_set(l->mosq, l->tls_ca, NULL, l->tls_cert, l->tls_key, NULL);
		if (rc != MOSQ_ERR_SUCCESS) {
			set_error(l, "tls", mosquitto_strerror(rc));
			return -EINVAL;
		}
	}
	rc = mosquitto_property_add_int32(&props, MQTT_PROP_MAXIMUM_PACKET_SIZE, l->cfg.max_packet);
	if (rc == MOSQ_ERR_SUCCESS && l->cfg.persistent)
		rc = mosquitto_property_add_int32(&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL,
						  l->cfg.session_expiry_s);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_connect_bind_v5(l->mosq, l->host, l->cfg.port, l->cfg.keepalive_s,
					       NULL, props);
	mosquitto_property_free_all(&props);
	if (rc != MOSQ_ERR_SUCCESS) {
		set_error(l, "connect",
			  rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		return -EIO;
	}
	l->connect_deadline = l->now + CONNECT_WAIT;
	return 0;
}

static void check(struct link *l, int rc, const char *what)
{
	if (rc == MOSQ_ERR_SUCCESS || l->dead)
		return;
	set_error(l, what, rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
	l->dead = true;
}

static bool readable(struct link *l)
{
	struct pollfd p = { .fd = mosquitto_socket(l->mosq), .events = POLLIN };

	return p.fd >= 0 && poll(&p, 1, 0) > 0;
}

/* Read a burst of packets; the messages among them go to the handler. */
static void read_burst(struct link *l)
{
	l->got = false;
	for (int i = 0; i < READ_BURST && l->mosq && !l->dead; i++) {
		check(l, mosquitto_loop_read(l->mosq, 1), "read");
		if (!readable(l))
			break;
	}
	l->again = l->got;
	if (l->got && !l->dead && l->commit && l->commit(l->ud) < 0) {
		set_error(l, "store", "the events could not be stored; not acknowledged");
		l->dead = true;
	}
}

int link_dispatch(struct link *l, short revents, uint64_t now_ms)
{
	l->now = now_ms;
	l->again = false;
	if (!l->mosq) {
		if (now_ms < l->next_attempt)
			return 0;
		if (start_connect(l) < 0) {
			teardown(l);
			return 0;
		}
	}
	if (revents & (POLLIN | POLLERR | POLLHUP) || readable(l))
		read_burst(l);
	if (l->mosq && !l->dead)
		check(l, mosquitto_loop_misc(l->mosq), "keepalive");
	if (!l->connected && !l->dead && now_ms >= l->connect_deadline) {
		set_error(l, "connect", "timed out");
		l->dead = true;
	}
	for (size_t i = 0; l->connected && !l->dead && i < l->n_out; i++)
		if (!l->out[i].sent)
			publish_out(l, &l->out[i]);
	if (l->mosq && !l->dead && mosquitto_want_write(l->mosq))
		check(l, mosquitto_loop_write(l->mosq, 1), "write");
	if (l->dead)
		teardown(l);
	return 0;
}

int link_fd(const struct link *l)
{
	return l->mosq ? mosquitto_socket(l->mosq) : -1;
}

short link_events(const struct link *l)
{
	if (!l->mosq)
		return 0;
	return (short)(POLLIN | (mosquitto_want_write(l->mosq) ? POLLOUT : 0));
}

uint64_t link_deadline(const struct link *l)
{
	uint64_t keep = (uint64_t)l->cfg.keepalive_s * 1000u / 2u;

	if (!l->mosq)
		return l->next_attempt;
	if (l->again)
		return l->now;
	if (!l->connected)
		return l->connect_deadline;
	return l->now + keep;
}
