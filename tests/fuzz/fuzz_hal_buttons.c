/* SPDX-License-Identifier: MIT */
/* fuzz_hal_buttons.c - the sim backend's button lines (button_file.h), one line per newline. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hal/button_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		enum hal_gpio_button b;
		enum hal_button_action a;
		int r = hal_button_parse_line(p, len, &b, &a);
		if (r == 1 && ((unsigned)b >= HAL_BUTTON_N || (unsigned)a > HAL_BUTTON_CLICK))
			abort();
		p += len + 1;
	}
	return 0;
}
