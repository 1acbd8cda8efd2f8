/* SPDX-License-Identifier: MIT */
/*
 * gpio_lines.h - the gate's wired lines, as the GPIO module (gpio.h) and its backends
 * (gpio_backend.h) both name them: the outputs and buttons, the configuration that wires them,
 * their names for logs and the sim log, and the line-name parser. A leaf: it uses neither the
 * GPIO module nor a backend, so that they do not use each other.
 */
#ifndef PASSGATE_HAL_GPIO_LINES_H
#define PASSGATE_HAL_GPIO_LINES_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/clock.h"

enum hal_gpio_output {
	HAL_GPIO_GREEN,
	HAL_GPIO_RED,
	HAL_GPIO_BUZZER,
	HAL_GPIO_RELAY,
	HAL_GPIO_N_OUTPUTS,
};

enum hal_gpio_button {
	HAL_BUTTON_CHILD,
	HAL_BUTTON_STAFF,
	HAL_BUTTON_N,
};

struct hal_gpio_config {
	const char *backend; /* "gpiod" or "sim" */
	const char *chip;    /* gpiod: chip name/path for offsets; NULL: by name */
	const char *outputs[HAL_GPIO_N_OUTPUTS]; /* "GPIO17" or "17"; NULL: not wired */
	const char *buttons[HAL_BUTTON_N];	 /* likewise */
	unsigned relay_pulse_ms;		 /* 0: the default, 500 */
	unsigned debounce_ms;			 /* 0: the default, 30 */
	const char *sim_log;			 /* sim: output changes appended here; NULL: none */
	const char *sim_buttons;		 /* sim: button file or FIFO; NULL: none */
	struct hal_clock clock;			 /* { NULL }: CLOCK_MONOTONIC */
};

/* Names for logs and the sim log: "green", "red", "buzzer", "relay"; "child", "staff". */
const char *hal_gpio_output_name(enum hal_gpio_output o);
const char *hal_gpio_button_name(enum hal_gpio_button b);

/* Parses a line name: "GPIO17" → name (caller keeps cfg's string); "17" → offset 17. Returns 1
 * for an offset in *ret_offset, 0 for a name, -EINVAL for neither. */
int hal_gpio_parse_line(const char *spec, unsigned *ret_offset);

#endif
