/* SPDX-License-Identifier: MIT */
/*
 * hwconfig.c - passgated.conf's hardware sections mapped onto the hal/ configurations.
 *
 * A line given by offset becomes its decimal text (hal/ takes "GPIO17" or "17"); a line that is
 * not wired is NULL. The printer device gets back its "file:" prefix, which the config parser
 * took off to resolve the path.
 */
#include <stdio.h>
#include <string.h>

#include "daemon/config.h"
#include "daemon/hwconfig.h"

static const char *line_spec(const struct config_gpio_line *l, char *buf, size_t size)
{
	if (l->name[0])
		return l->name;
	if (l->offset < 0)
		return NULL;
	snprintf(buf, size, "%d", l->offset);
	return buf;
}

void hwconfig_init(struct hwconfig *hw, const struct config *c)
{
	const struct config_gpio_line *outputs[HAL_GPIO_N_OUTPUTS] = {
		[HAL_GPIO_GREEN] = &c->gpio.green,
		[HAL_GPIO_RED] = &c->gpio.red,
		[HAL_GPIO_BUZZER] = &c->gpio.buzzer,
		[HAL_GPIO_RELAY] = &c->gpio.relay,
	};
	const struct config_gpio_line *buttons[HAL_BUTTON_N] = {
		[HAL_BUTTON_CHILD] = &c->gpio.child_button,
		[HAL_BUTTON_STAFF] = &c->gpio.staff_button,
	};

	memset(hw, 0, sizeof(*hw));
	if (c->camera.source == CONFIG_CAMERA_DIR)
		snprintf(hw->camera_source, sizeof(hw->camera_source), "dir:%s", c->camera.dir);
	else
		snprintf(hw->camera_source, sizeof(hw->camera_source), "libcamera:%u",
			 c->camera.index);
	hw->camera.source = hw->camera_source;
	hw->camera.interval_ms = c->camera.dir_interval_ms;

	hw->gpio.backend = c->gpio.backend == CONFIG_GPIO_SIM ? "sim" : "gpiod";
	hw->gpio.chip = c->gpio.chip[0] ? c->gpio.chip : NULL;
	for (int i = 0; i < HAL_GPIO_N_OUTPUTS; i++)
		hw->gpio.outputs[i] = line_spec(outputs[i], hw->lines[i], sizeof(hw->lines[i]));
	for (int i = 0; i < HAL_BUTTON_N; i++)
		hw->gpio.buttons[i] = line_spec(buttons[i], hw->lines[HAL_GPIO_N_OUTPUTS + i],
						sizeof(hw->lines[0]));
	hw->gpio.relay_pulse_ms = c->gpio.relay_pulse_ms;
	hw->gpio.sim_log = c->gpio.sim_log[0] ? c->gpio.sim_log : NULL;
	hw->gpio.sim_buttons = c->gpio.sim_buttons[0] ? c->gpio.sim_buttons : NULL;

	switch (c->printer.kind) {
	case CONFIG_PRINTER_NONE:
		snprintf(hw->printer_device, sizeof(hw->printer_device), "none");
		break;
	case CONFIG_PRINTER_FILE:
		snprintf(hw->printer_device, sizeof(hw->printer_device), "file:%s",
			 c->printer.device);
		break;
	case CONFIG_PRINTER_SERIAL:
	case CONFIG_PRINTER_USBLP:
		snprintf(hw->printer_device, sizeof(hw->printer_device), "%s", c->printer.device);
		break;
	}
	hw->printer.device = hw->printer_device;
	hw->printer.baud = c->printer.baud;

	hw->receipt.kanji =
		c->printer.kanji == CONFIG_KANJI_NONE ? HAL_KANJI_NONE : HAL_KANJI_SHIFT_JIS;
	hw->receipt.dots = HWCONFIG_RECEIPT_DOTS;
}
