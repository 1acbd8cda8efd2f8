/* SPDX-License-Identifier: MIT */
/*
 * clockguard.c - the clock guard: read the kernel's NTP state with a read-only adjtimex() and
 * turn it into "may we judge scans now" (see clockguard.h for why).
 *
 * adjtimex(2): the result is TIME_ERROR while the clock is not synchronized (STA_UNSYNC set,
 * or a PLL/FLL error condition), and the status word carries STA_UNSYNC itself; either one
 * counts as unsynchronized. Reading needs no capability: modes = 0 changes nothing.
 */
#include "daemon/clockguard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum clock_state {
	STATE_UNKNOWN = 0, /* not checked yet */
	STATE_SYNCED,
	STATE_UNSYNCED,
	STATE_UNREADABLE,
};

struct clockguard {
	clockguard_adjtimex_fn adjtimex_fn;
	bool require_sync;
	enum clock_state state;
	int read_error; /* -errno of the last failed read */
	char text[96];
};

int clockguard_synced(clockguard_adjtimex_fn fn)
{
	struct timex tx;
	int r;

	memset(&tx, 0, sizeof(tx));
	tx.modes = 0;
	r = (fn ? fn : adjtimex)(&tx);
	if (r < 0)
		return errno > 0 ? -errno : -EIO;
	if (r == TIME_ERROR || (tx.status & STA_UNSYNC))
		return 0;
	return 1;
}

int clockguard_new(bool require_sync, clockguard_adjtimex_fn fn, struct clockguard **ret)
{
	struct clockguard *g = calloc(1, sizeof(*g));

	if (!g)
		return -ENOMEM;
	g->adjtimex_fn = fn;
	g->require_sync = require_sync;
	g->state = STATE_UNKNOWN;
	*ret = g;
	return 0;
}

void clockguard_free(struct clockguard *g)
{
	free(g);
}

void clockguard_set_require_sync(struct clockguard *g, bool require_sync)
{
	g->require_sync = require_sync;
}

int clockguard_check(struct clockguard *g, bool *ret_changed)
{
	enum clock_state old = g->state;
	int r = clockguard_synced(g->adjtimex_fn);

	if (r < 0) {
		g->state = STATE_UNREADABLE;
		g->read_error = r;
	} else {
		g->state = r ? STATE_SYNCED : STATE_UNSYNCED;
	}
	if (ret_changed)
		*ret_changed = old != g->state;
	if (g->state == STATE_SYNCED || !g->require_sync)
		return 0;
	return -EAGAIN;
}

const char *clockguard_describe(struct clockguard *g)
{
	const char *suffix = g->require_sync ? "" : " (not required)";

	switch (g->state) {
	case STATE_SYNCED:
		snprintf(g->text, sizeof(g->text), "clock synchronized%s", suffix);
		break;
	case STATE_UNSYNCED:
		snprintf(g->text, sizeof(g->text), "clock unsynchronized%s", suffix);
		break;
	case STATE_UNREADABLE:
		snprintf(g->text, sizeof(g->text), "clock state unreadable (adjtimex: %s)%s",
			 strerror(-g->read_error), suffix);
		break;
	default:
		snprintf(g->text, sizeof(g->text), "clock not checked yet");
		break;
	}
	return g->text;
}
