/* SPDX-License-Identifier: MIT */
/*
 * link.h - the city's MQTT 5 client: receive the kiosks' events through a persistent session
 * and publish the city's retained, signed messages (DESIGN.md "The city side"; docs/city.md
 * "Ingest").
 *
 * Acknowledge only what is stored. libmosquitto answers a QoS 1 PUBLISH with its PUBACK before
 * it calls the message callback, so a daemon killed between the two would lose the message.
 * The link therefore runs libmosquitto in its "threaded" mode while driving it from the
 * caller's loop: packets it queues (PUBACKs included) are written only by the link's own write
 * step. One dispatch reads a burst of messages, hands each to the message callback, calls the
 * commit callback (the store's transaction), and only when that succeeded writes the PUBACKs.
 * A failed commit drops the connection unwritten; the broker, which keeps the session
 * (clean start off, a session expiry), delivers the messages again.
 *
 * No thread and no loop of its own: poll link_fd() for link_events(), call link_dispatch()
 * when it is ready or at link_deadline(), and re-read link_fd() after every call (it changes
 * on every reconnect). Clocks are CLOCK_MONOTONIC milliseconds. A struct link is owned by the
 * caller and freed with link_free(). Nothing here logs; link_last_error() says what happened.
 */
#ifndef PASSGATE_CITY_LINK_H
#define PASSGATE_CITY_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct link;

struct link_config {
	const char *host; /* an IP literal: the TCP connect blocks (see docs/city.md) */
	int port;
	const char *client_id; /* fixed per daemon: it names the persistent session */
	const char *username, *password;
	const char *tls_ca, *tls_cert, *tls_key;
	int keepalive_s;
	bool persistent;	   /* clean start off, session kept for session_expiry_s */
	uint32_t session_expiry_s; /* 0: 7 days */
	uint32_t max_packet;	   /* the largest packet the broker may send us; 0: 65536 */
};

/* A message on a subscribed topic; borrowed for the call. */
typedef void (*link_message_fn)(const char *topic, const void *payload, size_t len,
				bool retained, void *userdata);
/* After a burst of messages, before their PUBACKs leave: < 0 means "not stored". */
typedef int (*link_commit_fn)(void *userdata);

/* Strings in @cfg are copied. */
int link_new(const struct link_config *cfg, struct link **ret);
/* Disconnect cleanly when connected (the session stays on the broker) and free. */
void link_free(struct link *l);

void link_set_handlers(struct link *l, link_message_fn msg, link_commit_fn commit,
		       void *userdata);
/* Subscribe @topic at QoS 1 on every connect (copied). */
int link_subscribe(struct link *l, const char *topic);

/*
 * Publish @payload retained at QoS 1 on @topic. The link keeps a copy until the broker's
 * PUBACK and publishes it again after a reconnect; a newer message for the same topic
 * replaces one still waiting. -E2BIG beyond 1 MiB + 76 bytes.
 */
int link_publish(struct link *l, const char *topic, const void *payload, size_t len);
/* Messages waiting for their PUBACK (or for a connection). */
size_t link_unacked(const struct link *l);
bool link_connected(const struct link *l);
uint64_t link_connects(const struct link *l);
const char *link_last_error(const struct link *l);

int link_fd(const struct link *l);
short link_events(const struct link *l);
int link_dispatch(struct link *l, short revents, uint64_t now_ms);
uint64_t link_deadline(const struct link *l);

#endif
