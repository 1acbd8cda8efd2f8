/* SPDX-License-Identifier: MIT */
/*
 * devices.c - the hal/ devices as loop modules, all through one adapter (devices.h).
 *
 * A device is described by a struct device_ops in hal/'s terms (poll events, CLOCK_MONOTONIC
 * µs, HAL_NO_DEADLINE); the four loop callbacks below translate for every device alike, so
 * the camera, the GPIO and the printer differ only in their table.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/config.h"
#include "daemon/devices.h"
#include "daemon/hwconfig.h"
#include "daemon/log.h"
#include "daemon/loop.h"
#include "hal/printer.h"
#include "hal/qr_decode.h"

/* hal/ and the loop share the clock (CLOCK_MONOTONIC µs) and the "never" value, so a hal
 * device's deadline is the loop module's deadline as it is. */
_Static_assert(HAL_NO_DEADLINE == LOOP_NO_DEADLINE, "hal and loop agree on 'no deadline'");

enum { DEV_CAMERA, DEV_GPIO, DEV_PRINTER, DEV_N };

/* One device in hal/'s terms. */
struct device_ops {
	const char *name;
	uint64_t accuracy_usec;
	int (*fd)(const struct devices *d);
	short (*events)(const struct devices *d); /* poll(2) events */
	int (*dispatch)(struct devices *d);
	uint64_t (*deadline)(const struct devices *d);
};

struct device {
	struct devices *owner;
	const struct device_ops *ops;
	struct loop_module_ops lops; /* the adapter below, with the device's name and accuracy */
	struct loop_module *mod;
};

struct devices {
	struct devices_handlers h;
	struct hal_qr *qr;
	struct hal_camera *camera;
	struct hal_gpio *gpio;
	struct hal_printer *printer;
	struct hal_receipt_format receipt; /* from [printer] (hwconfig.h) */
	struct device dev[DEV_N];
};

/* ---- the adapter: the same four callbacks for every device ---- */

static int adapter_fd(void *userdata)
{
	const struct device *dv = userdata;

	return dv->ops->fd(dv->owner);
}

static uint32_t adapter_events(void *userdata)
{
	const struct device *dv = userdata;

	return loop_epoll_from_poll(dv->ops->events(dv->owner));
}

static int adapter_dispatch(void *userdata, uint32_t revents, uint64_t now_usec)
{
	struct device *dv = userdata;

	(void)revents; /* the hal devices read their state themselves */
	(void)now_usec;
	return dv->ops->dispatch(dv->owner);
}

static uint64_t adapter_deadline(void *userdata)
{
	const struct device *dv = userdata;

	return dv->ops->deadline(dv->owner);
}

/* ---- the devices ---- */

static int camera_fd(const struct devices *d)
{
	return hal_camera_fd(d->camera);
}

static short camera_events(const struct devices *d)
{
	(void)d;
	return POLLIN;
}

static int camera_dispatch(struct devices *d)
{
	return hal_camera_dispatch(d->camera, d->h.frame, d->h.userdata);
}

static uint64_t camera_deadline(const struct devices *d)
{
	return hal_camera_deadline(d->camera);
}

static int gpio_fd(const struct devices *d)
{
	return hal_gpio_fd(d->gpio);
}

static short gpio_events(const struct devices *d)
{
	(void)d;
	return POLLIN;
}

static int gpio_dispatch(struct devices *d)
{
	return hal_gpio_dispatch(d->gpio, d->h.button, d->h.userdata);
}

static uint64_t gpio_deadline(const struct devices *d)
{
	return hal_gpio_deadline(d->gpio);
}

/* Watched only while the printer waits for something: an idle, unplugged device would
 * otherwise report EPOLLHUP on every iteration. Trouble shows at the next write. */
static int printer_fd(const struct devices *d)
{
	return hal_printer_events(d->printer) ? hal_printer_fd(d->printer) : -1;
}

static short printer_events(const struct devices *d)
{
	return hal_printer_events(d->printer);
}

static int printer_dispatch(struct devices *d)
{
	return hal_printer_dispatch(d->printer);
}

static uint64_t printer_deadline(const struct devices *d)
{
	return hal_printer_deadline(d->printer);
}

/* Pattern steps (a 100 ms beep) need millisecond timers: accuracy 1 ms. */
static const struct device_ops device_table[DEV_N] = {
	[DEV_CAMERA] = { "camera", 1000, camera_fd, camera_events, camera_dispatch,
			 camera_deadline },
	[DEV_GPIO] = { "gpio", 1000, gpio_fd, gpio_events, gpio_dispatch, gpio_deadline },
	[DEV_PRINTER] = { "printer", 5000, printer_fd, printer_events, printer_dispatch,
			  printer_deadline },
};

static int add_devices(struct devices *d, struct loop *loop)
{
	for (size_t i = 0; i < DEV_N; i++) {
		struct device *dv = &d->dev[i];
		int e;

		dv->owner = d;
		dv->ops = &device_table[i];
		dv->lops = (struct loop_module_ops){
			.name = dv->ops->name,
			.fd = adapter_fd,
			.events = adapter_events,
			.dispatch = adapter_dispatch,
			.deadline = adapter_deadline,
			.accuracy_usec = dv->ops->accuracy_usec,
		};
		e = loop_add_module(loop, &dv->lops, dv, &dv->mod);
		if (e < 0)
			return e;
	}
	return 0;
}

static int open_hal(struct devices *d, const struct config *c)
{
	struct hwconfig hwc, *hw = &hwc;
	int e;

	/* The hal/ modules copy what they keep: hw only lives for the opening. */
	hwconfig_init(hw, c);
	d->receipt = hw->receipt;
	/* Still images (dir:) are photos worth the thorough pass; live frames come again. */
	e = hal_qr_new(c->camera.source == CONFIG_CAMERA_DIR ? HAL_QR_THOROUGH : HAL_QR_FAST,
		       &d->qr);
	if (e < 0)
		return e;
	e = hal_camera_new(&hw->camera, &d->camera);
	if (e < 0) {
		log_error("camera %s: %s", hw->camera_source, strerror(-e));
		return e;
	}
	e = hal_gpio_new(&hw->gpio, &d->gpio);
	if (e < 0) {
		log_error("gpio (%s): %s", hw->gpio.backend, strerror(-e));
		return e;
	}
	e = hal_printer_new(&hw->printer, &d->printer);
	if (e < 0)
		log_error("printer %s: %s", hw->printer_device, strerror(-e));
	return e;
}

int devices_new(const struct config *cfg, struct loop *loop, const struct devices_handlers *h,
		struct devices **ret)
{
	struct devices *d;
	int e;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->h = *h;
	e = open_hal(d, cfg);
	if (e >= 0)
		e = add_devices(d, loop);
	/* Lights off and relay released: a restart must not leave the gate open. */
	if (e >= 0)
		e = hal_gpio_signal(d->gpio, HAL_PATTERN_OFF);
	if (e < 0) {
		devices_free(d);
		return e;
	}
	*ret = d;
	return 0;
}

void devices_free(struct devices *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < DEV_N; i++)
		loop_module_free(d->dev[i].mod);
	if (d->gpio)
		(void)hal_gpio_signal(d->gpio, HAL_PATTERN_OFF);
	hal_camera_free(d->camera);
	hal_gpio_free(d->gpio);
	hal_printer_free(d->printer);
	hal_qr_free(d->qr);
	free(d);
}

int devices_decode(struct devices *d, const struct hal_frame *f, char **ret_text, size_t *ret_len)
{
	return hal_qr_decode(d->qr, f->luma, f->width, f->height, f->stride, ret_text, ret_len);
}

int devices_signal(struct devices *d, enum hal_gpio_pattern pattern)
{
	int e = hal_gpio_signal(d->gpio, pattern);

	(void)loop_module_update(d->dev[DEV_GPIO].mod);
	return e;
}

int devices_print(struct devices *d, const struct hal_receipt *r)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int e;

	e = hal_receipt_build(r, &d->receipt, &data, &len);
	if (e >= 0)
		e = hal_printer_submit(d->printer, data, len);
	free(data);
	(void)loop_module_update(d->dev[DEV_PRINTER].mod);
	return e;
}
