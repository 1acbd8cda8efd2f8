/* SPDX-License-Identifier: MIT */
/*
 * gpio.c - indicator patterns and button debounce above the backend boundary (gpio_backend.h).
 *
 * Patterns are tables of timed steps, run by a deadline: the caller's loop wakes at
 * hal_gpio_deadline() and calls hal_gpio_dispatch(), which performs every step that is due. A
 * pattern has one-shot steps (beeps, the relay pulse, the final "off") and, for the fault
 * pattern, a cycle repeated until the next pattern. Every time comes from the injected clock, so
 * tests check the timing with a fake clock instead of sleeping.
 *
 * Debounce is leading-edge: the first edge after a quiet time of debounce_ms is taken at once
 * (the gate answers a press without delay); edges within debounce_ms of the previous edge are
 * bounce, and when the contacts settle the settled level is taken at last_edge + debounce_ms.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/gpio.h"
#include "hal/gpio_backend.h"

#define DEFAULT_RELAY_PULSE_MS 500u
#define DEFAULT_DEBOUNCE_MS    30u
#define SHOW_MS		       2000u /* how long green or red stays lit */
#define MAX_STEPS	       8

struct step {
	uint32_t at_ms;
	enum hal_gpio_output output;
	int value;
};

struct button {
	int raw, stable;
	int have_edge;
	uint64_t last_edge;
};

struct hal_gpio {
	struct hal_gpio_backend be;
	struct hal_clock clock;
	uint64_t debounce_us;
	unsigned relay_pulse_ms;
	bool wired[HAL_GPIO_N_OUTPUTS];
	bool level[HAL_GPIO_N_OUTPUTS];
	bool has_buttons;

	/* The running pattern: one-shot steps from start, cycle steps from cycle_start. */
	struct step once[MAX_STEPS], cycle[MAX_STEPS];
	unsigned n_once, n_cycle, next_once, next_cycle;
	uint32_t period_ms;
	uint64_t start, cycle_start;

	struct button buttons[HAL_BUTTON_N];
	hal_gpio_button_fn on_press;
	void *userdata;
	int backend_error;
};

static int set_output(struct hal_gpio *g, enum hal_gpio_output o, bool on)
{
	int r;

	if (!g->wired[o] || g->level[o] == on)
		return 0;
	r = g->be.set(g->be.data, o, on);
	if (r < 0)
		return r;
	g->level[o] = on;
	return 0;
}

static void all_off(struct hal_gpio *g)
{
	for (unsigned o = 0; o < HAL_GPIO_N_OUTPUTS; o++)
		(void)set_output(g, (enum hal_gpio_output)o, false);
}

static void add(struct step *list, unsigned *n, uint32_t at_ms, enum hal_gpio_output o, int v)
{
	unsigned i = *n;

	if (*n >= MAX_STEPS)
		return;
	/* Insertion keeps the list in time order; equal times keep their written order. */
	while (i > 0 && list[i - 1].at_ms > at_ms) {
		list[i] = list[i - 1];
		i--;
	}
	list[i] = (struct step){ at_ms, o, v };
	(*n)++;
}

static void run_due(struct hal_gpio *g, uint64_t now)
{
	while (g->next_once < g->n_once &&
	       g->start + (uint64_t)g->once[g->next_once].at_ms * 1000u <= now) {
		const struct step *s = &g->once[g->next_once++];
		(void)set_output(g, s->output, s->value);
	}
	if (g->period_ms == 0)
		return;
	for (;;) {
		if (g->next_cycle == g->n_cycle) {
			g->cycle_start += (uint64_t)g->period_ms * 1000u;
			g->next_cycle = 0;
		}
		const struct step *s = &g->cycle[g->next_cycle];
		if (g->cycle_start + (uint64_t)s->at_ms * 1000u > now)
			break;
		(void)set_output(g, s->output, s->value);
		g->next_cycle++;
	}
}

int hal_gpio_signal(struct hal_gpio *g, enum hal_gpio_pattern pattern)
{
	uint64_t now = hal_clock_now(&g->clock);

	all_off(g);
	g->n_once = g->n_cycle = g->next_once = g->next_cycle = 0;
	g->period_ms = 0;
	g->start = g->cycle_start = now;
	switch (pattern) {
	case HAL_PATTERN_OFF:
		break;
	case HAL_PATTERN_ADMIT:
		add(g->once, &g->n_once, 0, HAL_GPIO_GREEN, 1);
		add(g->once, &g->n_once, 0, HAL_GPIO_BUZZER, 1);
		add(g->once, &g->n_once, 0, HAL_GPIO_RELAY, 1);
		add(g->once, &g->n_once, 100, HAL_GPIO_BUZZER, 0);
		add(g->once, &g->n_once, g->relay_pulse_ms, HAL_GPIO_RELAY, 0);
		add(g->once, &g->n_once, SHOW_MS, HAL_GPIO_GREEN, 0);
		break;
	case HAL_PATTERN_DENY:
		add(g->once, &g->n_once, 0, HAL_GPIO_RED, 1);
		add(g->once, &g->n_once, 0, HAL_GPIO_BUZZER, 1);
		add(g->once, &g->n_once, 150, HAL_GPIO_BUZZER, 0);
		add(g->once, &g->n_once, 300, HAL_GPIO_BUZZER, 1);
		add(g->once, &g->n_once, 450, HAL_GPIO_BUZZER, 0);
		add(g->once, &g->n_once, SHOW_MS, HAL_GPIO_RED, 0);
		break;
	case HAL_PATTERN_FAULT:
		add(g->once, &g->n_once, 0, HAL_GPIO_BUZZER, 1);
		add(g->once, &g->n_once, 800, HAL_GPIO_BUZZER, 0);
		add(g->cycle, &g->n_cycle, 0, HAL_GPIO_RED, 1);
		add(g->cycle, &g->n_cycle, 250, HAL_GPIO_RED, 0);
		g->period_ms = 500;
		break;
	default:
		return -EINVAL;
	}
	run_due(g, now);
	return 0;
}

int hal_gpio_set(struct hal_gpio *g, enum hal_gpio_output o, bool on)
{
	if ((unsigned)o >= HAL_GPIO_N_OUTPUTS)
		return -EINVAL;
	if (!g->wired[o])
		return -ENOENT;
	g->n_once = g->n_cycle = g->next_once = g->next_cycle = 0;
	g->period_ms = 0;
	return set_output(g, o, on);
}

bool hal_gpio_get(const struct hal_gpio *g, enum hal_gpio_output o)
{
	return (unsigned)o < HAL_GPIO_N_OUTPUTS && g->level[o];
}

static void take(struct hal_gpio *g, enum hal_gpio_button b, int level)
{
	g->buttons[b].stable = level;
	if (level && g->on_press)
		g->on_press(b, g->userdata);
}

static void on_edge(void *ctx, enum hal_gpio_button b, int level, uint64_t t)
{
	struct hal_gpio *g = ctx;
	struct button *bt;
	int quiet;

	if ((unsigned)b >= HAL_BUTTON_N)
		return;
	bt = &g->buttons[b];
	quiet = !bt->have_edge || t < bt->last_edge || t - bt->last_edge >= g->debounce_us;
	bt->have_edge = 1;
	bt->last_edge = t;
	bt->raw = level;
	if (quiet && level != bt->stable)
		take(g, b, level);
}

static void settle(struct hal_gpio *g, uint64_t now)
{
	for (unsigned b = 0; b < HAL_BUTTON_N; b++) {
		struct button *bt = &g->buttons[b];
		if (bt->raw != bt->stable && now >= bt->last_edge + g->debounce_us)
			take(g, (enum hal_gpio_button)b, bt->raw);
	}
}

uint64_t hal_gpio_deadline(const struct hal_gpio *g)
{
	uint64_t d = HAL_NO_DEADLINE;

	if (g->next_once < g->n_once)
		d = g->start + (uint64_t)g->once[g->next_once].at_ms * 1000u;
	if (g->period_ms) {
		uint64_t c =
			g->next_cycle < g->n_cycle
				? g->cycle_start + (uint64_t)g->cycle[g->next_cycle].at_ms * 1000u
				: g->cycle_start + (uint64_t)g->period_ms * 1000u +
					  (uint64_t)g->cycle[0].at_ms * 1000u;
		if (c < d)
			d = c;
	}
	for (unsigned b = 0; b < HAL_BUTTON_N; b++) {
		const struct button *bt = &g->buttons[b];
		if (bt->raw != bt->stable && bt->last_edge + g->debounce_us < d)
			d = bt->last_edge + g->debounce_us;
	}
	return d;
}

int hal_gpio_dispatch(struct hal_gpio *g, hal_gpio_button_fn on_press, void *userdata)
{
	int r = 0;

	g->on_press = on_press;
	g->userdata = userdata;
	if (g->has_buttons && g->be.read)
		r = g->be.read(g->be.data, on_edge, g);
	settle(g, hal_clock_now(&g->clock));
	run_due(g, hal_clock_now(&g->clock));
	g->on_press = NULL;
	g->userdata = NULL;
	return r < 0 ? r : 0;
}

int hal_gpio_fd(const struct hal_gpio *g)
{
	return g->has_buttons && g->be.fd ? g->be.fd(g->be.data) : -1;
}

int hal_gpio_new(const struct hal_gpio_config *cfg, struct hal_gpio **ret)
{
	struct hal_gpio *g;
	unsigned off;
	int r;

	if (!cfg || !cfg->backend)
		return -EINVAL;
	for (unsigned i = 0; i < HAL_GPIO_N_OUTPUTS; i++)
		if (cfg->outputs[i] && hal_gpio_parse_line(cfg->outputs[i], &off) < 0)
			return -EINVAL;
	for (unsigned i = 0; i < HAL_BUTTON_N; i++)
		if (cfg->buttons[i] && hal_gpio_parse_line(cfg->buttons[i], &off) < 0)
			return -EINVAL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->clock = cfg->clock;
	g->debounce_us =
		(uint64_t)(cfg->debounce_ms ? cfg->debounce_ms : DEFAULT_DEBOUNCE_MS) * 1000u;
	g->relay_pulse_ms = cfg->relay_pulse_ms ? cfg->relay_pulse_ms : DEFAULT_RELAY_PULSE_MS;
	if (g->relay_pulse_ms > 60000) {
		r = -EINVAL;
		goto free_g;
	}
	if (strcmp(cfg->backend, "sim") == 0)
		r = hal_gpio_sim_open(cfg, &g->be);
	else if (strcmp(cfg->backend, "gpiod") == 0)
		r = hal_gpio_gpiod_open(cfg, &g->be);
	else
		r = -EINVAL;
	if (r < 0)
		goto free_g;
	for (unsigned i = 0; i < HAL_GPIO_N_OUTPUTS; i++)
		g->wired[i] = cfg->outputs[i] != NULL;
	for (unsigned i = 0; i < HAL_BUTTON_N; i++)
		g->has_buttons |= cfg->buttons[i] != NULL;
	*ret = g;
	return 0;

free_g:
	free(g);
	return r;
}

void hal_gpio_free(struct hal_gpio *g)
{
	if (!g)
		return;
	all_off(g);
	g->be.free(g->be.data);
	free(g);
}
