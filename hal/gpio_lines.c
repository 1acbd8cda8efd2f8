/* SPDX-License-Identifier: MIT */
/*
 * gpio_lines.c - names of the gate's lines and the parser of line names in [gpio]
 * (gpio_lines.h): shared by the GPIO module and its backends.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/gpio_lines.h"

const char *hal_gpio_output_name(enum hal_gpio_output o)
{
	static const char *const names[HAL_GPIO_N_OUTPUTS] = { "green", "red", "buzzer", "relay" };
	return (unsigned)o < HAL_GPIO_N_OUTPUTS ? names[o] : "?";
}

const char *hal_gpio_button_name(enum hal_gpio_button b)
{
	return b == HAL_BUTTON_CHILD ? "child" : b == HAL_BUTTON_STAFF ? "staff" : "?";
}

int hal_gpio_parse_line(const char *spec, unsigned *ret_offset)
{
	char *end;
	unsigned long v;

	if (!spec || !*spec || strlen(spec) > 31)
		return -EINVAL;
	if (spec[0] >= '0' && spec[0] <= '9') {
		errno = 0;
		v = strtoul(spec, &end, 10);
		if (errno || *end || v > 1023)
			return -EINVAL;
		*ret_offset = (unsigned)v;
		return 1;
	}
	for (const char *p = spec; *p; p++)
		if (*p <= ' ' || *p == '#' || *p > '~')
			return -EINVAL;
	return 0;
}
