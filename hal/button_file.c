/* SPDX-License-Identifier: MIT */
/*
 * button_file.c - parser of the sim backend's button lines (format in button_file.h). The file
 * may be a FIFO written by a test or an operator, so anything malformed is rejected line by line
 * and never stops the gate.
 */
#include <errno.h>
#include <string.h>

#include "hal/button_file.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int hal_button_parse_line(const char *line, size_t len, enum hal_gpio_button *ret_button,
			  enum hal_button_action *ret_action)
{
	const char *end = line + len, *word, *p = line;
	enum hal_gpio_button b;
	enum hal_button_action a = HAL_BUTTON_CLICK;
	size_t wl;

	if (len > HAL_BUTTON_LINE_MAX)
		return -EINVAL;
	while (p < end && is_space(*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	word = p;
	while (p < end && !is_space(*p))
		p++;
	wl = (size_t)(p - word);
	if (wl == 5 && memcmp(word, "child", 5) == 0)
		b = HAL_BUTTON_CHILD;
	else if (wl == 5 && memcmp(word, "staff", 5) == 0)
		b = HAL_BUTTON_STAFF;
	else
		return -EINVAL;
	while (p < end && is_space(*p))
		p++;
	if (p < end) {
		if (*p == '0')
			a = HAL_BUTTON_RELEASE;
		else if (*p == '1')
			a = HAL_BUTTON_PRESS_EDGE;
		else
			return -EINVAL;
		p++;
		while (p < end && is_space(*p))
			p++;
		if (p != end)
			return -EINVAL;
	}
	*ret_button = b;
	*ret_action = a;
	return 1;
}
