/* SPDX-License-Identifier: MIT */
/*
 * uplink.h - the MQTT 5 link to the city: publish the outbox at QoS 1, keep the kiosk's retained
 * status, and receive the city's retained messages (DESIGN.md "Events and MQTT").
 *
 * No thread and no loop of its own: the caller polls uplink_fd() for uplink_events(), calls
 * uplink_dispatch() when the fd is ready or uplink_deadline() has come, and after EVERY call
 * re-reads uplink_fd() (it changes, or becomes -1, on every reconnect; libmosquitto may reuse a
 * number). It speaks the loop's units: epoll(7) event bits and the caller's CLOCK_MONOTONIC
 * microseconds (tests can drive a fake clock); durations in struct uplink_config stay in ms.
 *
 * Delivery: rows are read from the outbox in seq order and published only while connected, at
 * most `inflight_max` unacknowledged at a time; a row is removed from the outbox only on a
 * PUBACK with reason code < 0x80. A PUBACK >= 0x80 (e.g. 0x87 not authorized) leaves the row,
 * pauses publishing for `reject_retry_ms`, and is reported in the status. After any disconnect
 * the libmosquitto instance is destroyed with everything it had queued, and every waiting row
 * is published again from the oldest: at least once, never silently lost.
 *
 * A struct uplink is owned by the caller and freed with uplink_free(); the outbox it is given is
 * borrowed and must outlive it.
 */
#ifndef PASSGATE_UPLINK_H
#define PASSGATE_UPLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct outbox;
struct uplink;

struct uplink_config {
	const char *host; /* IP literal preferred: libmosquitto resolves names synchronously */
	int port;	  /* 0: 1883, or 8883 with TLS */
	const char *city, *venue, *kiosk;
	const char *client_id;			 /* NULL: "passgate-<kiosk>" */
	const char *username, *password;	 /* optional */
	const char *tls_ca, *tls_cert, *tls_key; /* tls_ca set: TLS; cert+key: client certificate */
	int keepalive_s;			 /* 0: 30 */
	unsigned connect_timeout_ms;		 /* 0: 10000 */
	unsigned backoff_min_ms;		 /* 0: 500 */
	unsigned backoff_max_ms;		 /* 0: 60000 */
	unsigned inflight_max;	  /* 0: 16 (mosquitto's default receive maximum is 20) */
	unsigned reject_retry_ms; /* 0: 60000 */
	uint32_t max_packet;	  /* 0: UPLINK_MAX_PACKET; the broker drops larger messages */
};

/* The largest inbound MQTT packet: a city trust update (an 8 MiB body, cityupdate.h, its
 * signed header) with its topic and MQTT overhead. Sent as the MQTT 5 Maximum Packet Size. */
#define UPLINK_MAX_PACKET (8u * 1024u * 1024u + 8192u)

/* A message that arrived on a subscribed topic; borrowed for the call. */
typedef void (*uplink_message_fn)(const char *topic, const void *payload, size_t len,
				  void *userdata);

struct uplink_status {
	bool connected;
	bool paused; /* publishing paused after a rejected PUBACK */
	unsigned inflight;
	uint64_t connects;    /* successful CONNACKs */
	uint64_t published;   /* event publishes handed to the socket (resends included) */
	uint64_t acked;	      /* PUBACKs < 0x80 */
	uint64_t rejected;    /* PUBACKs >= 0x80 */
	int last_reject;      /* MQTT reason code of the last rejection, 0 if none */
	char last_error[128]; /* why the last connection ended or failed, "" if none */
};

int uplink_new(const struct uplink_config *cfg, struct outbox *ob, struct uplink **ret);
/* Disconnect (the broker publishes the offline will) and free. */
void uplink_free(struct uplink *u);

/* Subscribe @topic (QoS 1) on every connect; the topic is copied. Before or after connecting. */
int uplink_subscribe(struct uplink *u, const char *topic);
void uplink_set_message_handler(struct uplink *u, uplink_message_fn fn, void *userdata);

/*
 * Extra members for the retained status (a JSON object text, e.g. {"daykey":false,
 * "judging":"ok"}), merged into the status the uplink publishes on connect and on changes.
 * -EINVAL when it is not a JSON object.
 */
int uplink_set_status_details(struct uplink *u, const char *json_object);

int uplink_fd(const struct uplink *u); /* -1 when there is no socket */
#define UPLINK_NO_DEADLINE UINT64_MAX

uint32_t uplink_events(const struct uplink *u); /* EPOLLIN, plus EPOLLOUT when data waits */
/* Do the work due: I/O for @revents (0 on a timer), reconnects, publishing. -errno only on
 * a programming error; link trouble is handled inside and reported in the status. */
int uplink_dispatch(struct uplink *u, uint32_t revents, uint64_t now_usec);
/* When uplink_dispatch() must be called next at the latest (monotonic µs), or
 * UPLINK_NO_DEADLINE. */
uint64_t uplink_deadline(const struct uplink *u);
/* New rows were added: publish them now if connected (no need to wait for the deadline). */
void uplink_kick(struct uplink *u);

void uplink_status(const struct uplink *u, struct uplink_status *ret);

#endif
