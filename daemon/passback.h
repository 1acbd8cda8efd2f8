/* SPDX-License-Identifier: MIT */
/*
 * passback.h - "have we seen this recently?" for the kiosk, without remembering what it saw.
 *
 * Two uses, one structure with two windows (DESIGN.md [scan]):
 *  - the repeat hold-off: the same QR text in later frames within repeat_holdoff_s is one scan
 *    (passback_seen(): each sighting slides the window, so a code held in front of the camera
 *    stays one scan until it has been gone for the window);
 *  - pass-back: re-use of one credential at this venue within passback_window_s after an
 *    admission is denied `already-checked-in` (passback_lookup() before judging,
 *    passback_insert() after an admit; the window runs from the admission).
 *
 * Privacy (DESIGN.md, "Events and MQTT"): entries hold only HMAC-SHA256 under a random key
 * drawn in passback_new(), cut to 16 bytes, and a CLOCK_MONOTONIC time; memory only, never
 * written anywhere, wiped on free. The key dies with the process, so nothing links entries
 * across restarts.
 *
 * Bounds: a fixed table of @capacity entries (rounded up to a power of two, at least 64),
 * 8-way set-associative. An insert into a full set replaces its oldest entry, so under more
 * than ~capacity checks within one window an old entry may be forgotten: the pass-back check
 * then admits (fails open), which is the safe direction for visitors; 4096 entries cover
 * more than a scan every second for an hour.
 *
 * Times are CLOCK_MONOTONIC µs passed in by the caller (tests use a fake clock).
 * Ownership: caller frees with passback_free(); @data is only read during the call.
 */
#ifndef PASSGATE_DAEMON_PASSBACK_H
#define PASSGATE_DAEMON_PASSBACK_H

#include <stddef.h>
#include <stdint.h>

#define PASSBACK_DEFAULT_CAPACITY 4096

struct passback;

/* @window_usec 0 turns the structure off: lookups find nothing, inserts keep nothing. */
int passback_new(uint64_t window_usec, size_t capacity, struct passback **ret);
void passback_free(struct passback *p);
/* A new window (SIGHUP); existing entries are kept and judged by the new window. */
void passback_set_window(struct passback *p, uint64_t window_usec);

/* 1 when @data was inserted less than the window before @now_usec, 0 when not, -errno. */
int passback_lookup(struct passback *p, const void *data, size_t len, uint64_t now_usec);
/* Remember @data at @now_usec (a later time replaces an earlier one). */
int passback_insert(struct passback *p, const void *data, size_t len, uint64_t now_usec);
/* The hold-off: lookup, then insert at @now_usec. 1 = a repeat within the window. */
int passback_seen(struct passback *p, const void *data, size_t len, uint64_t now_usec);
/* Forget everything (e.g. when the day's keys are wiped). */
void passback_clear(struct passback *p);

#endif
