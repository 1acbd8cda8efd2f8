/* SPDX-License-Identifier: MIT */
/*
 * button_file.h - the line format of the sim backend's button file or FIFO (docs/hardware.md):
 *
 *   child           a clean press and release of the child button
 *   staff           likewise for the staff button
 *   child 1         a raw edge: pressed (1) or released (0), for contact-bounce tests
 *   # comment       ignored, as are blank lines
 *
 * Fields are separated by spaces or tabs; a line is at most HAL_BUTTON_LINE_MAX bytes.
 */
#ifndef PASSGATE_HAL_BUTTON_FILE_H
#define PASSGATE_HAL_BUTTON_FILE_H

#include <stddef.h>

#include "hal/gpio.h"

#define HAL_BUTTON_LINE_MAX 64

enum hal_button_action {
	HAL_BUTTON_RELEASE = 0,
	HAL_BUTTON_PRESS_EDGE = 1,
	HAL_BUTTON_CLICK = 2, /* press and release */
};

/*
 * Parses one line (len bytes, no newline). Returns 1 with *ret_button and *ret_action, 0 for a
 * blank or comment line, -EINVAL for anything else.
 */
int hal_button_parse_line(const char *line, size_t len, enum hal_gpio_button *ret_button,
			  enum hal_button_action *ret_action);

#endif
