/* SPDX-License-Identifier: MIT */
/*
 * reporter.h - where the kiosk's decisions go: the durable outbox, the MQTT uplink to the city,
 * the venue's day keys, and the signed updates the city sends back, all on passgated's loop.
 *
 * The kiosk hands over one struct events_check per decision (reporter_record()); the reporter
 * adds today's venue key for the pseudonym, commits the event to the outbox before anything is
 * published, and lets the uplink deliver it (DESIGN.md "Events and MQTT"). Inbound trust-list,
 * program and alert updates have had the city's signature checked (cityupdate.h) before they
 * reach the handlers registered here. The last accepted one of each is kept in the state
 * directory, and reporter_new() hands the stored ones, verified again, to the handlers before
 * it returns and before the uplink starts to connect (docs/events.md "Kept across restarts"):
 * the handlers must therefore work before reporter_new() has returned.
 *
 * Ownership: struct reporter is created by reporter_new() and freed with reporter_free()
 * (before loop_free()); @loop is borrowed until then, @cfg only during reporter_new() (a
 * SIGHUP replaces and frees the configuration; what is needed later is copied). Nothing here logs
 * personal data: an event has none by construction.
 */
#ifndef PASSGATE_DAEMON_REPORTER_H
#define PASSGATE_DAEMON_REPORTER_H

#include <stddef.h>
#include <stdint.h>

#include "events/events.h"

struct config;
struct loop;
struct reporter;

/* Verified city updates for the kiosk; body borrowed for the call; < 0 = refused. */
struct reporter_handlers {
	int (*trust)(const uint8_t *body, size_t len, void *userdata);
	int (*programs)(const uint8_t *body, size_t len, void *userdata);
	int (*alert)(int level, const uint8_t *body, size_t len, void *userdata);
	void *userdata;
};

int reporter_new(const struct config *cfg, struct loop *loop, const struct reporter_handlers *h,
		 struct reporter **ret);
void reporter_free(struct reporter *r);

/*
 * Record one decision. @ck's venue_key is ignored: the reporter supplies the day key it holds
 * (none: `tok` is null). Returns 0 when the event is stored, 1 when stored after the outbox
 * dropped its oldest events, or -errno when it could not be stored (counted as lost and
 * reported in the status; the caller keeps judging scans either way).
 */
int reporter_record(struct reporter *r, const struct events_check *ck, int64_t now);

/*
 * Why the gate currently fails closed ("clock-unsynchronized", "program-missing", ...), or
 * NULL when it judges normally: published in the retained status with the day-key state.
 * @why must outlive the reporter (a reason code constant).
 */
void reporter_set_judging(struct reporter *r, const char *why);

/*
 * Hand the city's stored trust-list update to the trust handler again: after a reload has
 * rebuilt the trust store from the configuration, the city's keys must not be lost until the
 * next message. 0 when there is none (or no city key), -errno when it no longer verifies.
 */
int reporter_restore_city_trust(struct reporter *r);

/* The visit code of today's venue key (receiptcode.h) into @vc: 0, or -ENOKEY without one. */
int reporter_visit_code(struct reporter *r, int64_t now, uint8_t vc[16]);

/* One line for STATUS= and logs: uplink, outbox and day-key state. */
void reporter_describe(struct reporter *r, char *buf, size_t size);

#endif
