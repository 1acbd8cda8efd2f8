/* SPDX-License-Identifier: MIT */
/*
 * kiosk.c - PLACEHOLDER, THE LEAD'S TO REPLACE after merging credential/, rules/, hal/ and the
 * events/outbox/uplink modules: the real scan pipeline goes here (kiosk.h is the contract).
 *
 * This placeholder judges nothing and pretends nothing: it says in the log and in STATUS= that
 * no scan pipeline is attached, and otherwise keeps the daemon frame (loop, signals, reload,
 * watchdog) testable on its own.
 */
#include "daemon/kiosk.h"

#include <errno.h>
#include <stdlib.h>

#include "daemon/config.h"
#include "daemon/log.h"
#include "daemon/loop.h"

#define NOT_ATTACHED "scan pipeline not attached: this build judges no scans"

struct kiosk {
	const struct config *cfg;
	struct loop *loop;
};

int kiosk_new(const struct config *cfg, struct loop *loop, struct kiosk **ret)
{
	struct kiosk *k = calloc(1, sizeof(*k));

	if (!k)
		return -ENOMEM;
	k->cfg = cfg;
	k->loop = loop;
	log_warning(NOT_ATTACHED);
	(void)loop_set_status(loop, NOT_ATTACHED);
	*ret = k;
	return 0;
}

int kiosk_reload(struct kiosk *k, const struct config *cfg)
{
	k->cfg = cfg;
	(void)loop_set_status(k->loop, NOT_ATTACHED);
	return 0;
}

void kiosk_free(struct kiosk *k)
{
	free(k);
}
