/* SPDX-License-Identifier: MIT */
/*
 * gpio_gpiod2.c - the GPIO backend over libgpiod 2.x (trixie, bookworm-backports), compiled
 * instead of gpio_gpiod.c when pkg-config reports libgpiod >= 2 (PASSGATE_GPIOD_V2); the 2.x API
 * is not source-compatible with 1.6. Same behaviour: lines by name across every chip or by
 * offset on the configured chip, buttons to ground with pull-up (press = falling edge), one
 * request per line, the request fds gathered in one epoll fd. 2.x could debounce in the kernel,
 * but gpio.c debounces in software for both versions so that the behaviour is the same.
 *
 * Not compiled on the bookworm build machine (1.6 only): written against libgpiod 2.x's gpiod.h
 * and compile-checked with the house warnings (clang, gcc -O2) against its declarations.
 */
#include <dirent.h>
#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "hal/gpio_backend.h"

#define CONSUMER "passgate"

struct line2 {
	struct gpiod_line_request *req;
	unsigned offset;
};

struct gpiod2_be {
	struct hal_clock clock;
	struct line2 out[HAL_GPIO_N_OUTPUTS];
	struct line2 in[HAL_BUTTON_N];
	struct gpiod_edge_event_buffer *events;
	int epoll_fd;
};

/* Opens the chip that has a line called name (*ret_offset), or the configured chip for an
 * offset. Returns the chip (caller closes) or NULL with errno. */
static struct gpiod_chip *open_chip_for(const struct hal_gpio_config *cfg, const char *spec,
					unsigned *ret_offset)
{
	struct gpiod_chip *chip;
	struct dirent *de;
	char path[300];
	DIR *dir;
	int r;

	r = hal_gpio_parse_line(spec, ret_offset);
	if (r < 0) {
		errno = EINVAL;
		return NULL;
	}
	if (r == 1) {
		const char *c = cfg->chip ? cfg->chip : "gpiochip0";
		if (c[0] == '/')
			snprintf(path, sizeof(path), "%s", c);
		else
			snprintf(path, sizeof(path), "/dev/%s", c);
		chip = gpiod_chip_open(path);
		if (!chip && errno == ENOENT)
			errno = ENODEV;
		return chip;
	}
	dir = opendir("/dev");
	if (!dir)
		return NULL;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "gpiochip", 8) != 0)
			continue;
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		if (!gpiod_is_gpiochip_device(path))
			continue;
		chip = gpiod_chip_open(path);
		if (!chip)
			continue;
		int off = gpiod_chip_get_line_offset_from_name(chip, spec);
		if (off >= 0) {
			closedir(dir);
			*ret_offset = (unsigned)off;
			return chip;
		}
		gpiod_chip_close(chip);
	}
	closedir(dir);
	errno = ENOENT;
	return NULL;
}

static int request(const struct hal_gpio_config *cfg, const char *spec, bool output,
		   struct line2 *ret)
{
	struct gpiod_line_settings *settings = NULL;
	struct gpiod_line_config *lcfg = NULL;
	struct gpiod_request_config *rcfg = NULL;
	struct gpiod_chip *chip;
	unsigned offset;
	int r = -ENOMEM;

	chip = open_chip_for(cfg, spec, &offset);
	if (!chip)
		return -errno;
	settings = gpiod_line_settings_new();
	lcfg = gpiod_line_config_new();
	rcfg = gpiod_request_config_new();
	if (!settings || !lcfg || !rcfg)
		goto free_all;
	if (output) {
		gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_OUTPUT);
		gpiod_line_settings_set_output_value(settings, GPIOD_LINE_VALUE_INACTIVE);
	} else {
		gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_INPUT);
		gpiod_line_settings_set_edge_detection(settings, GPIOD_LINE_EDGE_BOTH);
		gpiod_line_settings_set_bias(settings, GPIOD_LINE_BIAS_PULL_UP);
		gpiod_line_settings_set_event_clock(settings, GPIOD_LINE_CLOCK_MONOTONIC);
	}
	if (gpiod_line_config_add_line_settings(lcfg, &offset, 1, settings) < 0) {
		r = -errno;
		goto free_all;
	}
	gpiod_request_config_set_consumer(rcfg, CONSUMER);
	ret->req = gpiod_chip_request_lines(chip, rcfg, lcfg);
	ret->offset = offset;
	r = ret->req ? 0 : -errno;
free_all:
	gpiod_request_config_free(rcfg);
	gpiod_line_config_free(lcfg);
	gpiod_line_settings_free(settings);
	gpiod_chip_close(chip); /* the request stays valid without its chip */
	return r;
}

static void be_free(void *data)
{
	struct gpiod2_be *b = data;

	if (!b)
		return;
	for (unsigned i = 0; i < HAL_GPIO_N_OUTPUTS; i++)
		if (b->out[i].req)
			gpiod_line_request_release(b->out[i].req);
	for (unsigned i = 0; i < HAL_BUTTON_N; i++)
		if (b->in[i].req)
			gpiod_line_request_release(b->in[i].req);
	if (b->events)
		gpiod_edge_event_buffer_free(b->events);
	if (b->epoll_fd >= 0)
		close(b->epoll_fd);
	free(b);
}

static int be_set(void *data, enum hal_gpio_output o, int value)
{
	struct gpiod2_be *b = data;

	if (!b->out[o].req)
		return 0;
	return gpiod_line_request_set_value(b->out[o].req, b->out[o].offset,
					    value ? GPIOD_LINE_VALUE_ACTIVE
						  : GPIOD_LINE_VALUE_INACTIVE) < 0
		       ? -errno
		       : 0;
}

static int be_fd(void *data)
{
	return ((struct gpiod2_be *)data)->epoll_fd;
}

static int be_read(void *data, hal_gpio_edge_fn edge, void *ctx)
{
	struct gpiod2_be *b = data;
	struct epoll_event evs[HAL_BUTTON_N];
	int n;

	n = epoll_wait(b->epoll_fd, evs, HAL_BUTTON_N, 0);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		unsigned k = evs[i].data.u32;
		int m = gpiod_line_request_read_edge_events(b->in[k].req, b->events, 16);
		if (m < 0)
			return -errno;
		for (int j = 0; j < m; j++) {
			struct gpiod_edge_event *ev =
				gpiod_edge_event_buffer_get_event(b->events, (unsigned long)j);
			uint64_t t = gpiod_edge_event_get_timestamp_ns(ev) / 1000u;
			uint64_t now = hal_clock_now(&b->clock);
			if (t > now || now - t > 10000000u)
				t = now;
			edge(ctx, (enum hal_gpio_button)k,
			     gpiod_edge_event_get_event_type(ev) == GPIOD_EDGE_EVENT_FALLING_EDGE,
			     t);
		}
	}
	return 0;
}

int hal_gpio_gpiod_open(const struct hal_gpio_config *cfg, struct hal_gpio_backend *ret)
{
	struct gpiod2_be *b;
	int r;

	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->clock = cfg->clock;
	b->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	b->events = gpiod_edge_event_buffer_new(16);
	if (b->epoll_fd < 0 || !b->events) {
		r = -errno;
		goto free_be;
	}
	if (access("/dev/gpiochip0", F_OK) < 0) {
		r = -ENODEV;
		goto free_be;
	}
	for (unsigned i = 0; i < HAL_GPIO_N_OUTPUTS; i++) {
		if (!cfg->outputs[i])
			continue;
		r = request(cfg, cfg->outputs[i], true, &b->out[i]);
		if (r < 0)
			goto free_be;
	}
	for (unsigned i = 0; i < HAL_BUTTON_N; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
		if (!cfg->buttons[i])
			continue;
		r = request(cfg, cfg->buttons[i], false, &b->in[i]);
		if (r < 0)
			goto free_be;
		if (epoll_ctl(b->epoll_fd, EPOLL_CTL_ADD, gpiod_line_request_get_fd(b->in[i].req),
			      &ev) < 0) {
			r = -errno;
			goto free_be;
		}
	}
	*ret = (struct hal_gpio_backend){ b, be_set, be_fd, be_read, be_free };
	return 0;

free_be:
	be_free(b);
	return r;
}
