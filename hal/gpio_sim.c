/* SPDX-License-Identifier: MIT */
/*
 * gpio_sim.c - the simulated GPIO backend: outputs become lines of a log file, buttons come from
 * a file or FIFO (docs/hardware.md). Tests and demos run the real debounce and pattern code of
 * gpio.c on top of it.
 *
 * Log line: "<CLOCK_MONOTONIC µs> <name> <0|1>\n" (DESIGN.md [gpio] sim_log), written with one
 * write(2) on an O_APPEND fd so that a reader never sees half a line. The time is the injected
 * clock's, so a test with a fake clock gets an exact log.
 *
 * Buttons: a FIFO is opened read-write (it then never reports end-of-file when a writer closes)
 * and polled directly. A regular file cannot be polled (epoll refuses it), so its lines are
 * announced through an eventfd that is readable until the file has been read to its end.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hal/button_file.h"
#include "hal/gpio_backend.h"

struct sim {
	struct hal_clock clock;
	int log_fd;
	int in_fd;     /* the button file or FIFO, -1 if none */
	int notify_fd; /* eventfd for a regular file, else -1 */
	char line[HAL_BUTTON_LINE_MAX + 1];
	size_t line_len;
	bool overlong; /* discarding the rest of a too-long line */
	unsigned rejected;
};

static int sim_set(void *data, enum hal_gpio_output o, int value)
{
	struct sim *s = data;
	char buf[64];
	int n;

	if (s->log_fd < 0)
		return 0;
	n = snprintf(buf, sizeof(buf), "%" PRIu64 " %s %d\n", hal_clock_now(&s->clock),
		     hal_gpio_output_name(o), value ? 1 : 0);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -EINVAL;
	if (write(s->log_fd, buf, (size_t)n) != n)
		return errno ? -errno : -EIO;
	return 0;
}

static int sim_fd(void *data)
{
	struct sim *s = data;
	return s->notify_fd >= 0 ? s->notify_fd : s->in_fd;
}

static void emit(struct sim *s, hal_gpio_edge_fn edge, void *ctx)
{
	enum hal_gpio_button b;
	enum hal_button_action a;
	uint64_t now;
	int r;

	r = hal_button_parse_line(s->line, s->line_len, &b, &a);
	if (r < 0)
		s->rejected++;
	if (r <= 0)
		return;
	now = hal_clock_now(&s->clock);
	if (a == HAL_BUTTON_CLICK) {
		edge(ctx, b, 1, now);
		edge(ctx, b, 0, now);
	} else {
		edge(ctx, b, a == HAL_BUTTON_PRESS_EDGE, now);
	}
}

static int sim_read(void *data, hal_gpio_edge_fn edge, void *ctx)
{
	struct sim *s = data;
	char buf[512];
	ssize_t n;

	if (s->in_fd < 0)
		return 0;
	for (;;) {
		n = read(s->in_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				if (!s->overlong)
					emit(s, edge, ctx);
				s->line_len = 0;
				s->overlong = false;
			} else if (s->line_len < HAL_BUTTON_LINE_MAX) {
				s->line[s->line_len++] = buf[i];
			} else if (!s->overlong) {
				s->overlong = true;
				s->rejected++;
			}
		}
	}
	/* End of a regular file: a last line without newline counts; then nothing more to say. */
	if (s->line_len && !s->overlong)
		emit(s, edge, ctx);
	s->line_len = 0;
	if (s->notify_fd >= 0) {
		uint64_t v;
		(void)!read(s->notify_fd, &v, sizeof(v));
	}
	return 0;
}

static void sim_free(void *data)
{
	struct sim *s = data;

	if (!s)
		return;
	if (s->log_fd >= 0)
		close(s->log_fd);
	if (s->in_fd >= 0)
		close(s->in_fd);
	if (s->notify_fd >= 0)
		close(s->notify_fd);
	free(s);
}

int hal_gpio_sim_open(const struct hal_gpio_config *cfg, struct hal_gpio_backend *ret)
{
	struct stat st;
	struct sim *s;
	int r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->clock = cfg->clock;
	s->log_fd = s->in_fd = s->notify_fd = -1;
	if (cfg->sim_log) {
		s->log_fd = open(cfg->sim_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (s->log_fd < 0) {
			r = -errno;
			goto free_sim;
		}
	}
	if (cfg->sim_buttons) {
		if (stat(cfg->sim_buttons, &st) < 0) {
			r = -errno;
			goto free_sim;
		}
		s->in_fd = open(cfg->sim_buttons, (S_ISFIFO(st.st_mode) ? O_RDWR : O_RDONLY) |
							  O_NONBLOCK | O_CLOEXEC);
		if (s->in_fd < 0) {
			r = -errno;
			goto free_sim;
		}
		if (!S_ISFIFO(st.st_mode)) {
			s->notify_fd = eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC);
			if (s->notify_fd < 0) {
				r = -errno;
				goto free_sim;
			}
		}
	}
	*ret = (struct hal_gpio_backend){ s, sim_set, sim_fd, sim_read, sim_free };
	return 0;

free_sim:
	sim_free(s);
	return r;
}
