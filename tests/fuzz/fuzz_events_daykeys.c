/* SPDX-License-Identifier: MIT */
/*
 * fuzz_events_daykeys.c - libFuzzer target for the day-key message: the sealed box as it comes
 * off the wire (daykeys_accept_sealed) and its plaintext JSON as it is after opening
 * (daykeys_accept_plain), which random bytes would never reach through the box.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "events/daykeys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/passgate-fuzz-daykeys-XXXXXX";
static struct daykeys *dk;

static void cleanup(void)
{
	char path[128];

	daykeys_free(dk);
	snprintf(path, sizeof(path), "%s/%s", dir, DAYKEYS_KEYPAIR_FILE);
	unlink(path);
	rmdir(dir);
}

static struct daykeys *instance(void)
{
	/* One key pair for the whole run, in a private temporary directory. */
	if (!dk && mkdtemp(dir) && daykeys_new(dir, "venue", &dk) == 0)
		atexit(cleanup);
	return dk;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct daykeys *k = instance();

	if (!k)
		return 0;
	daykeys_accept_sealed(k, data, size, 1700000000);
	daykeys_accept_plain(k, (const char *)data, size, 1700000000);
	daykeys_current(k, 1700000000);
	daykeys_deadline(k, 1700000000);
	return 0;
}
