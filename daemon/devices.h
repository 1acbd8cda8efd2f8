/* SPDX-License-Identifier: MIT */
/*
 * devices.h - the kiosk's hardware on passgated's loop: the camera and its QR decoder, the
 * GPIO (lights, buzzer, relay, buttons) and the receipt printer, opened from the [camera],
 * [gpio] and [printer] sections (hwconfig.h) with the hal/ backends the configuration names
 * (the sim GPIO, a dir: camera and a file printer in tests).
 *
 * Every device joins the loop through one adapter shape (devices.c): fd, poll events,
 * dispatch and deadline, on the clock the loop and hal/ share (CLOCK_MONOTONIC µs).
 *
 * Ownership: struct devices is created by devices_new() and freed with devices_free() (before
 * loop_free()); @loop and the handlers' userdata are borrowed until then, @cfg only during
 * devices_new(). Frames and button presses are handed to the handlers from the loop's
 * dispatch; a frame is borrowed for the call.
 */
#ifndef PASSGATE_DAEMON_DEVICES_H
#define PASSGATE_DAEMON_DEVICES_H

#include <stddef.h>

#include "hal/camera.h"
#include "hal/gpio.h"
#include "hal/receipt.h"

struct config;
struct loop;
struct devices;

struct devices_handlers {
	hal_camera_frame_fn frame;
	hal_gpio_button_fn button;
	void *userdata;
};

/* Opens the devices and registers them with @loop; the gate starts with lights off and the
 * relay released. Failures are logged with the device's name. */
int devices_new(const struct config *cfg, struct loop *loop, const struct devices_handlers *h,
		struct devices **ret);
/* Releases the relay and turns the lights off, then closes the devices. NULL is a no-op. */
void devices_free(struct devices *d);

/* The QR text in @f, as hal_qr_decode(): 1 and *ret_text (caller wipes and frees), 0 none. */
int devices_decode(struct devices *d, const struct hal_frame *f, char **ret_text, size_t *ret_len);
/* Lights, buzzer and relay for a decision (hal_gpio_signal()). */
int devices_signal(struct devices *d, enum hal_gpio_pattern pattern);
/* Lays out @r in the configured receipt format and queues it on the printer. */
int devices_print(struct devices *d, const struct hal_receipt *r);

#endif
