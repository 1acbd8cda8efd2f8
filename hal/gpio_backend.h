/* SPDX-License-Identifier: MIT */
/*
 * gpio_backend.h - what gpio.c needs from a backend (internal to hal/): set an output, and an fd
 * plus a reader for raw button edges. Debounce and patterns live above this boundary, so the sim
 * backend drives the same code as the hardware one.
 */
#ifndef PASSGATE_HAL_GPIO_BACKEND_H
#define PASSGATE_HAL_GPIO_BACKEND_H

#include "hal/gpio_lines.h"

/* One raw edge: level 1 = pressed. t_us on the hal_clock scale. */
typedef void (*hal_gpio_edge_fn)(void *ctx, enum hal_gpio_button b, int level, uint64_t t_us);

struct hal_gpio_backend {
	void *data;
	int (*set)(void *data, enum hal_gpio_output o, int value);
	int (*fd)(void *data);
	/* Reads whatever edges are pending without blocking; calls edge for each. */
	int (*read)(void *data, hal_gpio_edge_fn edge, void *ctx);
	void (*free)(void *data);
};

/* Each fills *ret on success (a backend for cfg's wired lines) and returns 0 or -errno. */
int hal_gpio_sim_open(const struct hal_gpio_config *cfg, struct hal_gpio_backend *ret);
int hal_gpio_gpiod_open(const struct hal_gpio_config *cfg, struct hal_gpio_backend *ret);

#endif
