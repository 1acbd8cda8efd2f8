/* SPDX-License-Identifier: MIT */
/* clock.c - CLOCK_MONOTONIC in microseconds, or the injected clock of a test (clock.h). */
#include <time.h>

#include "hal/clock.h"

uint64_t hal_clock_now(const struct hal_clock *c)
{
	struct timespec ts;

	if (c && c->now_us)
		return c->now_us(c->userdata);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
