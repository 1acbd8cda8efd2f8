/* SPDX-License-Identifier: MIT */
/*
 * log.h - passgated's log: one line per message on stderr, with the "<N>" syslog priority
 * prefix that journald reads (sd-daemon(3), SyslogLevelPrefix=).
 *
 * THE RULE: no personal data ever goes to the log. Never pass a name, a birth date, a
 * certificate or credential identifier, QR text, a token or key, or an exact scan time to
 * these functions, not even at debug level. Log decisions by reason code (PROGRAMS.md) and
 * modules by what failed ("printer: write: EIO"). DESIGN.md, "Events and MQTT": nothing that
 * identifies a person leaves the device or touches its disk, and the journal is on disk.
 *
 * Only daemon/ logs (STYLE.md §6); hal/, credential/ and rules/ return codes instead. The
 * level is the one mutable global the style allows.
 */
#ifndef PASSGATE_DAEMON_LOG_H
#define PASSGATE_DAEMON_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h> /* LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG */

/* Messages above @max_priority (LOG_DEBUG is the most verbose) are dropped; default LOG_INFO. */
void log_set_max_priority(int max_priority);
int log_get_max_priority(void);

/* Write one line "<priority>message\n" to stderr. Returns @ret_errno so that callers can
 * write `return log_msg_errno(LOG_ERR, r, "...: %s", strerror(-r));`. */
void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int log_msg_errno(int priority, int ret_errno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * A rate limit for messages an outsider can repeat at will (refused city messages: 5 000 of
 * them made 5 000 lines, issue 9): at most LOG_BURST lines per LOG_INTERVAL_US window; the
 * first line allowed after a window that dropped some also reports how many were dropped.
 * The caller owns the state (zero it to start) and passes CLOCK_MONOTONIC microseconds.
 */
#define LOG_BURST	5
#define LOG_INTERVAL_US (60ull * 1000000ull)

struct log_ratelimit {
	uint64_t window_start;
	unsigned in_window;
	unsigned long long suppressed; /* dropped since the last line that got through */
};

/* True when a line may be written now; *ret_suppressed (may be NULL) is the number dropped
 * before it (0 when none), which the caller writes into that line. */
bool log_ratelimit(struct log_ratelimit *rl, uint64_t now_us, unsigned long long *ret_suppressed);

#define log_error(...)	 log_msg(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	 log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	 log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	 log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
