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

#include <syslog.h> /* LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG */

/* Messages above @max_priority (LOG_DEBUG is the most verbose) are dropped; default LOG_INFO. */
void log_set_max_priority(int max_priority);
int log_get_max_priority(void);

/* Write one line "<priority>message\n" to stderr. Returns @ret_errno so that callers can
 * write `return log_msg_errno(LOG_ERR, r, "...: %s", strerror(-r));`. */
void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int log_msg_errno(int priority, int ret_errno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_error(...)	 log_msg(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	 log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	 log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	 log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
