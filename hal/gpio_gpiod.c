/* SPDX-License-Identifier: MIT */
/*
 * gpio_gpiod.c - the GPIO backend over libgpiod 1.6 (Debian and Raspberry Pi OS bookworm), the
 * only file that includes <gpiod.h> for 1.x; gpio_gpiod2.c is its 2.x twin, chosen by the build.
 *
 * Lines are found by name across every chip ("GPIO17": a Pi 5 moved the 40-pin header to
 * gpiochip0 in 2024 kernels, so chip numbers are not stable) or by offset on the configured chip
 * (default gpiochip0). Buttons are wired to ground with the internal pull-up enabled, so a press
 * is a falling edge. libgpiod 1.6 has no debounce; gpio.c debounces in software. The per-button
 * event fds are gathered in one epoll fd, so the caller polls a single descriptor.
 */
#include <errno.h>
#include <gpiod.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "hal/gpio_backend.h"

#define CONSUMER "passgate"

struct gpiod_be {
	struct hal_clock clock;
	struct gpiod_chip *chip; /* for offsets; NULL when every line is named */
	struct gpiod_line *out[HAL_GPIO_N_OUTPUTS];
	bool out_named[HAL_GPIO_N_OUTPUTS];
	struct gpiod_line *in[HAL_BUTTON_N];
	bool in_named[HAL_BUTTON_N];
	int epoll_fd;
};

static int any_chip(void)
{
	struct gpiod_chip_iter *it = gpiod_chip_iter_new();
	struct gpiod_chip *c;
	int found = 0;

	if (!it)
		return errno == ENOENT ? 0 : -errno;
	c = gpiod_chip_iter_next(it);
	found = c != NULL;
	gpiod_chip_iter_free(it); /* closes the chips it opened */
	return found;
}

/* Finds one line: by name on any chip (*named = true: its chip is closed with the line), or
 * by offset on the configured chip. */
static int find_line(struct gpiod_be *b, const struct hal_gpio_config *cfg, const char *spec,
		     struct gpiod_line **ret, bool *named)
{
	unsigned offset;
	int r = hal_gpio_parse_line(spec, &offset);

	if (r < 0)
		return r;
	if (r == 0) {
		errno = 0;
		*ret = gpiod_line_find(spec);
		if (!*ret)
			return errno && errno != ENOENT ? -errno : -ENOENT;
		*named = true;
		return 0;
	}
	if (!b->chip) {
		b->chip = gpiod_chip_open_lookup(cfg->chip ? cfg->chip : "gpiochip0");
		if (!b->chip)
			return errno == ENOENT ? -ENODEV : -errno;
	}
	*ret = gpiod_chip_get_line(b->chip, offset);
	if (!*ret)
		return errno ? -errno : -ENOENT;
	*named = false;
	return 0;
}

static void release(struct gpiod_line *l, bool named)
{
	if (!l)
		return;
	gpiod_line_release(l);
	if (named)
		gpiod_line_close_chip(l);
}

static void be_free(void *data)
{
	struct gpiod_be *b = data;

	if (!b)
		return;
	for (unsigned i = 0; i < HAL_GPIO_N_OUTPUTS; i++)
		release(b->out[i], b->out_named[i]);
	for (unsigned i = 0; i < HAL_BUTTON_N; i++)
		release(b->in[i], b->in_named[i]);
	if (b->chip)
		gpiod_chip_close(b->chip);
	if (b->epoll_fd >= 0)
		close(b->epoll_fd);
	free(b);
}

static int be_set(void *data, enum hal_gpio_output o, int value)
{
	struct gpiod_be *b = data;

	if (!b->out[o])
		return 0;
	return gpiod_line_set_value(b->out[o], value) < 0 ? -errno : 0;
}

static int be_fd(void *data)
{
	return ((struct gpiod_be *)data)->epoll_fd;
}

static int be_read(void *data, hal_gpio_edge_fn edge, void *ctx)
{
	struct gpiod_be *b = data;
	struct epoll_event evs[HAL_BUTTON_N];
	struct gpiod_line_event ev;
	int n;

	n = epoll_wait(b->epoll_fd, evs, HAL_BUTTON_N, 0);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		unsigned k = evs[i].data.u32;
		if (gpiod_line_event_read(b->in[k], &ev) < 0)
			return -errno;
		/* Kernels since 5.7 stamp v1 line events with CLOCK_MONOTONIC; the bounce times
		 * between edges come from the kernel, not from when we got around to reading. */
		uint64_t t = (uint64_t)ev.ts.tv_sec * 1000000u + (uint64_t)ev.ts.tv_nsec / 1000u;
		uint64_t now = hal_clock_now(&b->clock);
		if (t > now || now - t > 10000000u)
			t = now;
		edge(ctx, (enum hal_gpio_button)k, ev.event_type == GPIOD_LINE_EVENT_FALLING_EDGE,
		     t);
	}
	return 0;
}

int hal_gpio_gpiod_open(const struct hal_gpio_config *cfg, struct hal_gpio_backend *ret)
{
	struct gpiod_be *b;
	int r;

	r = any_chip();
	if (r < 0)
		return r;
	if (r == 0)
		return -ENODEV;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->clock = cfg->clock;
	b->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (b->epoll_fd < 0) {
		r = -errno;
		goto free_be;
	}
	for (unsigned i = 0; i < HAL_GPIO_N_OUTPUTS; i++) {
		if (!cfg->outputs[i])
			continue;
		r = find_line(b, cfg, cfg->outputs[i], &b->out[i], &b->out_named[i]);
		if (r < 0)
			goto free_be;
		if (gpiod_line_request_output(b->out[i], CONSUMER, 0) < 0) {
			r = -errno;
			goto free_be;
		}
	}
	for (unsigned i = 0; i < HAL_BUTTON_N; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
		if (!cfg->buttons[i])
			continue;
		r = find_line(b, cfg, cfg->buttons[i], &b->in[i], &b->in_named[i]);
		if (r < 0)
			goto free_be;
		if (gpiod_line_request_both_edges_events_flags(
			    b->in[i], CONSUMER, GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP) < 0) {
			r = -errno;
			goto free_be;
		}
		if (epoll_ctl(b->epoll_fd, EPOLL_CTL_ADD, gpiod_line_event_get_fd(b->in[i]), &ev) <
		    0) {
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
