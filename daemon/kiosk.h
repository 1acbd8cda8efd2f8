/* SPDX-License-Identifier: MIT */
/*
 * kiosk.h - the scan path as passgated's frame (main.c) attaches it, and as unit tests drive it.
 *
 * kiosk.c joins camera, decoder, credential verification, rules, actuators, receipts and events
 * (DESIGN.md, "One scan, end to end"); the roles around it live beside it: party sessions
 * (session.h), the venue's judging state (venue.h), the devices (devices.h) and the way to the
 * city (reporter.h).
 *
 *  - kiosk_new() builds the pipeline from @cfg and registers its modules with @loop through
 *    loop_add_module() (loop.h: fd + dispatch + deadline each). It sets STATUS= through
 *    loop_set_status(). @cfg is borrowed until kiosk_free() or until a successful
 *    kiosk_reload() hands over a newer one; main.c frees it only after that.
 *  - kiosk_reload() runs on SIGHUP with a freshly loaded and validated @cfg: re-read programs
 *    and trust, apply the new settings, keep the outbox and its connection. On success the
 *    kiosk uses @cfg from then on and main.c frees the old config; on failure (< 0) it keeps
 *    working with the old config, and main.c frees @cfg.
 *  - kiosk_free() unregisters its modules (before loop_free()); NULL is a no-op.
 *
 * Nothing here logs personal data.
 */
#ifndef PASSGATE_DAEMON_KIOSK_H
#define PASSGATE_DAEMON_KIOSK_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct loop;
struct kiosk;
struct rules_decision;

int kiosk_new(const struct config *cfg, struct loop *loop, struct kiosk **ret);
int kiosk_reload(struct kiosk *k, const struct config *cfg);
void kiosk_free(struct kiosk *k);

/*
 * Judge the QR text @text (@len bytes) read at @mono (CLOCK_MONOTONIC µs) and @now (wall-clock
 * seconds): the camera's frames come here, and so can a test without running the loop. The
 * decision is signalled, printed and recorded as for any visitor, and copied to *ret when
 * @ret is not NULL. Returns 1 when judged, 0 when the same text is still in its repeat
 * hold-off (nothing happens), 2 when it was a booking code that opened the party's session or
 * a receipt code (taken or ignored: nothing signalled; docs/codes.md). A refused booking code is
 * 1, its denial in *ret.
 */
int kiosk_scan(struct kiosk *k, const char *text, size_t len, uint64_t mono, int64_t now,
	       struct rules_decision *ret);

#endif
