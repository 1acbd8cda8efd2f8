/* SPDX-License-Identifier: MIT */
/*
 * log.c - passgated's log lines: "<N>text" on stderr, which journald files under priority N
 * when the daemon runs under systemd, and which stays readable on a terminal. Each message is
 * formatted into one buffer and written with one write(2) so that lines never interleave.
 * See log.h for the rule on personal data.
 */
#include "daemon/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int log_max_priority = LOG_INFO;

void log_set_max_priority(int max_priority)
{
	log_max_priority = max_priority;
}

int log_get_max_priority(void)
{
	return log_max_priority;
}

__attribute__((format(printf, 2, 0))) static void log_vmsg(int priority, const char *fmt,
							   va_list ap)
{
	char line[1024];
	int head, body;
	size_t len;

	if (priority > log_max_priority)
		return;
	head = snprintf(line, sizeof(line), "<%d>", priority & LOG_PRIMASK);
	if (head < 0)
		return;
	body = vsnprintf(line + head, sizeof(line) - (size_t)head - 1, fmt, ap);
	if (body < 0)
		return;
	len = strnlen(line, sizeof(line) - 1);
	line[len++] = '\n';
	/* One write per line; a short write to a full pipe is not worth retrying in a logger. */
	if (write(STDERR_FILENO, line, len) < 0)
		return;
}

void log_msg(int priority, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vmsg(priority, fmt, ap);
	va_end(ap);
	errno = saved;
}

int log_msg_errno(int priority, int ret_errno, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vmsg(priority, fmt, ap);
	va_end(ap);
	errno = saved;
	return ret_errno;
}

bool log_ratelimit(struct log_ratelimit *rl, uint64_t now_us, unsigned long long *ret_suppressed)
{
	if (rl->in_window == 0 || now_us - rl->window_start >= LOG_INTERVAL_US) {
		rl->window_start = now_us;
		rl->in_window = 0;
	}
	if (rl->in_window >= LOG_BURST) {
		rl->suppressed++;
		return false;
	}
	rl->in_window++;
	if (ret_suppressed)
		*ret_suppressed = rl->suppressed;
	rl->suppressed = 0;
	return true;
}
