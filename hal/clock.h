/* SPDX-License-Identifier: MIT */
/*
 * clock.h - the time source of hal/ timers: CLOCK_MONOTONIC in microseconds, injectable so that
 * tests drive debounce, indicator patterns, printer pacing and camera backoff with a fake clock.
 */
#ifndef PASSGATE_HAL_CLOCK_H
#define PASSGATE_HAL_CLOCK_H

#include <stdint.h>

/* "No deadline": what a module's *_deadline() returns when it waits for nothing. */
#define HAL_NO_DEADLINE UINT64_MAX

struct hal_clock {
	/* Microseconds on a monotonic scale; NULL means CLOCK_MONOTONIC. */
	uint64_t (*now_us)(void *userdata);
	void *userdata;
};

/* Reads clock c (NULL or a NULL now_us: CLOCK_MONOTONIC). */
uint64_t hal_clock_now(const struct hal_clock *c);

#endif
