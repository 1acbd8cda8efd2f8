/* SPDX-License-Identifier: MIT */
/*
 * publish.h - everything the city signs and publishes, retained, in the PGS1 envelope that the
 * kiosks verify (events/cityupdate.h; docs/events.md "Signed city messages"):
 * day keys sealed per kiosk, alerts, programs, notices, and (city/publish_trust.c) trust.
 *
 * `issued` grows per topic and survives restarts: it is max(now, last + 1), kept in the store
 * before the message leaves, so a kiosk never sees an older `issued` after a newer one.
 */
#ifndef PASSGATE_CITY_PUBLISH_H
#define PASSGATE_CITY_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

struct city;
struct link;
struct store_kiosk;

/*
 * Sign @body (@len bytes, at most 1 MiB) for @topic with the city's key and the next `issued`
 * of that topic, and hand it to @l (retained, QoS 1; the link resends until PUBACK).
 * *ret_issued (may be NULL) gets the `issued` used. Returns 0 or -errno.
 */
int publish_signed(struct city *c, struct link *l, const char *topic, const uint8_t *body,
		   size_t len, int64_t *ret_issued);

/*
 * The same for a command: connect to [mqtt] host with a clean session, publish, and wait up to
 * 10 s for the broker's PUBACK. -ETIMEDOUT when it did not come (the message may still arrive:
 * run the command again, a newer `issued` replaces it). -ENOTCONN when [mqtt] host is unset.
 */
int publish_signed_now(struct city *c, const char *topic, const uint8_t *body, size_t len,
		       int64_t *ret_issued);

/* The topic "passgate/v1/<city>/<rest>" into @out. */
int publish_topic(const struct city *c, char *out, size_t size, const char *rest);

/*
 * Kiosk @k's day keys: K_venue_day of today and tomorrow (local days; K_day created when
 * absent), sealed to its X25519 key and signed, on passgate/v1/<city>/kiosk/<kiosk>/daykeys.
 */
int publish_daykeys(struct city *c, struct link *l, const struct store_kiosk *k);

/* All notices of @day (store_notices()) as one signed message on .../notice/<day>. */
int publish_notices_now(struct city *c, const char *day, int64_t *ret_issued);

/* `passgate-city publish alert|program ...`: argv[0] is the subcommand. Exit code. */
int publish_command(struct city *c, int argc, char **argv);

#endif
