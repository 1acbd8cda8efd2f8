/* SPDX-License-Identifier: MIT */
/*
 * clockguard.h - is the system clock trustworthy enough to judge certificates?
 *
 * Every rule of PROGRAMS.md counts days from "now": a Pi without an RTC boots in the past
 * until NTP synchronizes it. The kernel knows: adjtimex() reports STA_UNSYNC in its status,
 * and TIME_ERROR as its result, while no time daemon has disciplined the clock. With
 * [clock] require_sync = yes the gate then fails closed: every scan is denied
 * `clock-unsynchronized` and the status says why (DESIGN.md, failure rules).
 *
 * The adjtimex function is injectable so that tests can play a synchronized or unsynchronized
 * kernel. Nothing here logs; the caller logs the transitions clockguard_check() reports.
 * Under systemd, ProtectClock=yes makes even a read-only adjtimex() fail with EPERM
 * (systemd issue #26413); passgated.service therefore allows adjtimex explicitly.
 */
#ifndef PASSGATE_DAEMON_CLOCKGUARD_H
#define PASSGATE_DAEMON_CLOCKGUARD_H

#include <stdbool.h>
#include <sys/timex.h>

#define CLOCKGUARD_REASON "clock-unsynchronized" /* the deny reason code (PROGRAMS.md) */

typedef int (*clockguard_adjtimex_fn)(struct timex *tx);

/* Ask the kernel once, read-only (modes = 0). 1 when synchronized, 0 when not, -errno when
 * the call failed (the caller must treat that as unsynchronized: fail closed). @fn NULL means
 * the real adjtimex(). */
int clockguard_synced(clockguard_adjtimex_fn fn);

struct clockguard;

/* Caller frees with clockguard_free(). */
int clockguard_new(bool require_sync, clockguard_adjtimex_fn fn, struct clockguard **ret);
void clockguard_free(struct clockguard *g);
void clockguard_set_require_sync(struct clockguard *g, bool require_sync);

/*
 * Before judging a scan: 0 when scans may be judged, -EAGAIN when they must be denied
 * CLOCKGUARD_REASON (require_sync and the clock is unsynchronized or cannot be read).
 * *ret_changed (when not NULL) is set true when the synchronized state differs from the
 * previous call, so that the caller logs and updates STATUS once per transition.
 */
int clockguard_check(struct clockguard *g, bool *ret_changed);

/* The state of the last check, for STATUS: "synchronized", "unsynchronized",
 * "unreadable (adjtimex: <error>)", each followed by " (not required)" when require_sync is
 * off. Borrowed until the next check. */
const char *clockguard_describe(struct clockguard *g);

#endif
