/* SPDX-License-Identifier: MIT */
/*
 * hwconfig.h - the [camera], [gpio] and [printer] sections of passgated.conf as the hal/
 * modules take them. One mapping, used by passgated's kiosk and by `passgate hw-test --config`,
 * so that the installer's self-test drives exactly the devices the daemon will.
 *
 * The hal configs point into the struct's own buffers: fill it in place with hwconfig_init()
 * and do not copy it afterwards. @cfg must outlive it (some strings are borrowed from it).
 */
#ifndef PASSGATE_DAEMON_HWCONFIG_H
#define PASSGATE_DAEMON_HWCONFIG_H

#include "hal/camera.h"
#include "hal/gpio.h"
#include "hal/printer.h"
#include "hal/receipt.h"

struct config;

#define HWCONFIG_RECEIPT_DOTS 384 /* 58 mm paper, the common kiosk printer */

struct hwconfig {
	struct hal_camera_config camera;
	struct hal_gpio_config gpio;
	struct hal_printer_config printer;
	struct hal_receipt_format receipt;

	/* storage the configs above point into */
	char camera_source[4096 + 16];
	char printer_device[4096 + 8];
	char lines[HAL_GPIO_N_OUTPUTS + HAL_BUTTON_N][16];
};

void hwconfig_init(struct hwconfig *hw, const struct config *cfg);

#endif
