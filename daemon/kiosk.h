/* SPDX-License-Identifier: MIT */
/*
 * kiosk.h - the scan pipeline as passgated's frame (main.c) expects to attach it.
 *
 * THE LEAD OWNS THE IMPLEMENTATION (daemon/kiosk.c): it joins camera, decoder, credential
 * verification, rules, actuators, receipts and events (DESIGN.md, "One scan, end to end"). The
 * frame's side of the contract is this header:
 *
 *  - kiosk_new() builds the pipeline from @cfg and registers its modules with @loop through
 *    loop_add_module() (loop.h: fd + dispatch + deadline each). It sets STATUS= through
 *    loop_set_status(). @cfg is borrowed until kiosk_free() or until a successful
 *    kiosk_reload() hands over a newer one; main.c frees it only after that.
 *  - The kiosk is expected to create what it needs from @cfg: a clockguard (clockguard.h,
 *    deny `clock-unsynchronized`), two struct passback (passback.h: the repeat hold-off with
 *    scan.repeat_holdoff_s, pass-back with scan.passback_window_s), and to log only through
 *    log.h, never personal data.
 *  - kiosk_reload() runs on SIGHUP with a freshly loaded and validated @cfg: re-read programs
 *    and trust, apply the new settings, keep the outbox and its connection. On success the
 *    kiosk uses @cfg from then on and main.c frees the old config; on failure (< 0) it must
 *    keep working with the old config, and main.c frees @cfg.
 *  - kiosk_free() unregisters its modules (before loop_free()); NULL is a no-op.
 */
#ifndef PASSGATE_DAEMON_KIOSK_H
#define PASSGATE_DAEMON_KIOSK_H

struct config;
struct loop;
struct kiosk;

int kiosk_new(const struct config *cfg, struct loop *loop, struct kiosk **ret);
int kiosk_reload(struct kiosk *k, const struct config *cfg);
void kiosk_free(struct kiosk *k);

#endif
