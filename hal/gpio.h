/* SPDX-License-Identifier: MIT */
/*
 * gpio.h - the gate's lights, buzzer, relay and buttons.
 *
 * Outputs show a decision as a timed pattern (admit: green + one short beep + relay pulse; deny:
 * red + two beeps; fault: blinking red + one long beep), so a visitor who cannot see the LEDs
 * hears the result. Inputs are debounced in software (libgpiod 1.6 has no kernel debounce).
 * The backend is chosen by configuration: "gpiod" (the 40-pin header through libgpiod) or "sim"
 * (a log file of output changes and a file or FIFO of button presses; docs/hardware.md).
 *
 * The module runs no thread and no loop: the caller polls hal_gpio_fd() for readability, wakes
 * at hal_gpio_deadline(), and calls hal_gpio_dispatch() after either.
 */
#ifndef PASSGATE_HAL_GPIO_H
#define PASSGATE_HAL_GPIO_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/clock.h"
#include "hal/gpio_lines.h"

enum hal_gpio_pattern {
	HAL_PATTERN_OFF,   /* everything off, relay released */
	HAL_PATTERN_ADMIT, /* green 2 s, one 100 ms beep, relay pulse */
	HAL_PATTERN_DENY,  /* red 2 s, two 150 ms beeps */
	HAL_PATTERN_FAULT, /* red blinking 250/250 ms until the next pattern, one 800 ms beep */
};

struct hal_gpio;

/*
 * Opens the backend and requests the lines (outputs start off). Caller frees with
 * hal_gpio_free(), which turns the outputs off. Returns 0, -EINVAL (bad configuration: unknown
 * backend, malformed line), -ENODEV (gpiod: no GPIO chip on this machine), -ENOENT (a named line
 * exists on no chip), -EBUSY (a line is used by another program), or another -errno.
 */
int hal_gpio_new(const struct hal_gpio_config *cfg, struct hal_gpio **ret);
void hal_gpio_free(struct hal_gpio *g);

/* The fd that becomes readable when a button changes; -1 when no button is configured. */
int hal_gpio_fd(const struct hal_gpio *g);

/* When hal_gpio_dispatch() must next run (hal_clock_now() scale, µs); HAL_NO_DEADLINE if never. */
uint64_t hal_gpio_deadline(const struct hal_gpio *g);

typedef void (*hal_gpio_button_fn)(enum hal_gpio_button button, void *userdata);

/*
 * Reads button edges, runs due pattern steps and debounce decisions, and calls on_press once per
 * debounced press. Never blocks. Returns 0 or -errno of the backend (the outputs keep working).
 */
int hal_gpio_dispatch(struct hal_gpio *g, hal_gpio_button_fn on_press, void *userdata);

/* Starts a pattern now, cancelling the one running (its outputs go off first; a relay pulse in
 * progress ends: the gate fails closed). */
int hal_gpio_signal(struct hal_gpio *g, enum hal_gpio_pattern pattern);

/* Sets one output directly (hw-test); cancels the running pattern. -ENOENT: not wired. */
int hal_gpio_set(struct hal_gpio *g, enum hal_gpio_output o, bool on);

/* The level the module last set on an output. */
bool hal_gpio_get(const struct hal_gpio *g, enum hal_gpio_output o);

#endif
