/* SPDX-License-Identifier: MIT */
/*
 * venue.h - what the gate judges under: the trust store, the venue's program (from the
 * catalog, or the city's update of it), the venue's context ([context] and the city's alert),
 * and their changes: a reload (SIGHUP) and the city's signed updates.
 *
 * Ownership: struct venue is created by venue_new() and freed with venue_free(); @cfg is
 * borrowed until venue_free() or until a successful venue_reload() hands over a newer one,
 * @ss until venue_free(). What the getters return is borrowed until the next reload or city
 * update (both run on the loop, never inside a scan).
 */
#ifndef PASSGATE_DAEMON_VENUE_H
#define PASSGATE_DAEMON_VENUE_H

#include "daemon/reporter.h"
#include "daemon/session.h"

struct config;
struct receiptkeys;
struct trust;
struct venue;

/* Loads trust and programs for @cfg; errors are logged with file and reason. A missing
 * program is not an error: venue_program() is then NULL and the gate denies every scan. */
int venue_new(const struct config *cfg, struct sessions *ss, struct venue **ret);
void venue_free(struct venue *v);

/*
 * Everything new is loaded from @cfg before anything old is let go; then the sessions are
 * closed (they were judged under the old program) and the new state replaces the old. On
 * failure the venue keeps its old state and @cfg stays the caller's.
 */
int venue_reload(struct venue *v, const struct config *cfg);

struct trust *venue_trust(const struct venue *v);
/* The program the gate judges under, or NULL when it is missing. */
const struct rules_program *venue_program(const struct venue *v);
/* The receipt keys of the city's kiosks (receiptkeys.h), from its last trust update. */
struct receiptkeys *venue_receipt_keys(const struct venue *v);
/* What a new session is judged under (session.h). */
void venue_session_terms(const struct venue *v, struct sessions_venue *ret);

/* The handlers for the city's trust, program and alert updates (reporter.h). */
void venue_city_handlers(struct venue *v, struct reporter_handlers *ret);

#endif
