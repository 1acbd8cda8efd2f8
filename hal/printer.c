/* SPDX-License-Identifier: MIT */
/*
 * printer.c - printer transports (printer.h). Nothing here may stall the scan loop: every fd is
 * nonblocking, a serial printer gets CHUNK bytes per pacing interval (its buffer is small and it
 * drops what overflows; at 9600 baud a byte takes 1.04 ms on the wire, and printing raster lines
 * is slower than the wire), and the queue is bounded.
 *
 * Status on serial: after each job and every STATUS_PERIOD while idle, DLE EOT 1 (printer) and
 * DLE EOT 4 (paper sensor) are sent; the answers come back in order and are parsed by
 * hal_escpos_parse_status(). A printer that does not answer is left as it was: many cheap
 * printers have no return line wired.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hal/escpos.h"
#include "hal/printer.h"

#define DEFAULT_QUEUE (64u << 10)
#define CHUNK	      32u
#define STATUS_PERIOD 5000000u /* µs */
#define BACKOFF_MIN   1000000u
#define BACKOFF_MAX   30000000u

enum kind { K_NONE, K_FILE, K_LP, K_SERIAL };

struct hal_printer {
	enum kind kind;
	char *path;
	unsigned baud;
	struct hal_clock clock;
	int fd;
	uint8_t *queue;
	size_t queue_max, head, len;
	uint64_t next_write;	 /* pacing (serial) */
	uint64_t interval_us;	 /* per CHUNK */
	uint64_t next_status;	 /* serial: next status request */
	unsigned status_pending; /* answers still expected: the request numbers, low first */
	unsigned pending[4];
	uint64_t reopen_at;
	uint64_t backoff;
	struct hal_printer_status st;
};

const char *hal_printer_state_name(enum hal_printer_state s)
{
	switch (s) {
	case HAL_PRINTER_READY:
		return "ready";
	case HAL_PRINTER_NONE:
		return "none";
	case HAL_PRINTER_ABSENT:
		return "absent";
	case HAL_PRINTER_OFFLINE:
		return "offline";
	case HAL_PRINTER_PAPER_OUT:
		return "paper-out";
	}
	return "?";
}

static int open_device(struct hal_printer *p)
{
	struct termios t;
	int fd;

	if (p->kind == K_FILE)
		fd = open(p->path, O_WRONLY | O_CREAT | O_APPEND | O_NONBLOCK | O_CLOEXEC, 0644);
	else if (p->kind == K_LP)
		fd = open(p->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	else
		fd = open(p->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (p->kind == K_SERIAL) {
		if (tcgetattr(fd, &t) < 0) {
			int r = -errno;
			close(fd);
			return r;
		}
		cfmakeraw(&t);
		t.c_cflag |= CLOCAL | CREAD;
		t.c_cflag &= ~(tcflag_t)CRTSCTS;
		cfsetispeed(&t, p->baud == 19200 ? B19200 : B9600);
		cfsetospeed(&t, p->baud == 19200 ? B19200 : B9600);
		if (tcsetattr(fd, TCSANOW, &t) < 0) {
			int r = -errno;
			close(fd);
			return r;
		}
	}
	p->fd = fd;
	return 0;
}

/* The device went away: drop the queue (a late receipt is worse than none), retry later. */
static void lost(struct hal_printer *p, int err, uint64_t now)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	if (p->len)
		p->st.dropped++;
	p->head = p->len = 0;
	p->status_pending = 0;
	p->st.state = HAL_PRINTER_ABSENT;
	p->st.error = err;
	p->reopen_at = now + p->backoff;
	p->backoff = p->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : p->backoff * 2;
}

static void try_open(struct hal_printer *p, uint64_t now)
{
	int r = open_device(p);

	if (r < 0) {
		lost(p, r, now);
		return;
	}
	p->st.state = HAL_PRINTER_READY;
	p->st.error = 0;
	p->backoff = BACKOFF_MIN;
	p->next_status = now;
}

int hal_printer_new(const struct hal_printer_config *cfg, struct hal_printer **ret)
{
	struct hal_printer *p;
	const char *dev = cfg->device;

	if (cfg->baud && cfg->baud != 9600 && cfg->baud != 19200)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->fd = -1;
	p->clock = cfg->clock;
	p->baud = cfg->baud ? cfg->baud : 9600;
	p->queue_max = cfg->queue_max ? cfg->queue_max : DEFAULT_QUEUE;
	p->backoff = BACKOFF_MIN;
	/* CHUNK bytes at 10 bits each, paced at two thirds of the line rate. */
	p->interval_us = (uint64_t)CHUNK * 10u * 1000000u * 3u / 2u / p->baud;
	if (!dev || strcmp(dev, "none") == 0) {
		p->kind = K_NONE;
		p->st.state = HAL_PRINTER_NONE;
		*ret = p;
		return 0;
	}
	if (strncmp(dev, "file:", 5) == 0 && dev[5]) {
		p->kind = K_FILE;
		dev += 5;
	} else if (dev[0] == '/') {
		p->kind = strncmp(dev, "/dev/usb/lp", 11) == 0 ? K_LP : K_SERIAL;
	} else {
		free(p);
		return -EINVAL;
	}
	p->path = strdup(dev);
	p->queue = malloc(p->queue_max);
	if (!p->path || !p->queue) {
		free(p->path);
		free(p->queue);
		free(p);
		return -ENOMEM;
	}
	try_open(p, hal_clock_now(&p->clock));
	*ret = p;
	return 0;
}

void hal_printer_free(struct hal_printer *p)
{
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	free(p->queue);
	free(p->path);
	free(p);
}

int hal_printer_submit(struct hal_printer *p, const uint8_t *data, size_t len)
{
	if (!data || len == 0)
		return -EINVAL;
	if (p->kind == K_NONE)
		return 0;
	if (p->st.state != HAL_PRINTER_READY) {
		p->st.dropped++;
		return -ENODEV;
	}
	if (len > p->queue_max - p->len) {
		p->st.dropped++;
		return -ENOBUFS;
	}
	if (p->head) { /* keep the queue contiguous: jobs are small, moves are rare */
		memmove(p->queue, p->queue + p->head, p->len);
		p->head = 0;
	}
	memcpy(p->queue + p->len, data, len);
	p->len += len;
	uint64_t now = hal_clock_now(&p->clock);
	if (p->next_write < now)
		p->next_write = now;
	return 0;
}

/* A regular file is always writable and cannot be watched (epoll refuses it with EPERM), so a
 * file printer has no fd to poll: its queue is written when its deadline (now) comes. */
int hal_printer_fd(const struct hal_printer *p)
{
	return p->kind == K_FILE ? -1 : p->fd;
}

short hal_printer_events(const struct hal_printer *p)
{
	short ev = 0;

	if (p->fd < 0 || p->kind == K_FILE)
		return 0;
	if (p->len && p->kind != K_SERIAL)
		ev |= POLLOUT; /* serial writes are paced by the deadline instead */
	if (p->kind == K_SERIAL && p->status_pending)
		ev |= POLLIN;
	return ev;
}

uint64_t hal_printer_deadline(const struct hal_printer *p)
{
	if (p->kind == K_NONE)
		return HAL_NO_DEADLINE;
	if (p->fd < 0)
		return p->reopen_at;
	if (p->kind == K_SERIAL)
		return p->len ? p->next_write : p->next_status;
	if (p->kind == K_FILE)
		return p->len ? 0 : HAL_NO_DEADLINE;
	return HAL_NO_DEADLINE;
}

static void read_status(struct hal_printer *p, uint64_t now)
{
	uint8_t buf[16];
	ssize_t n = read(p->fd, buf, sizeof(buf));

	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		lost(p, -errno, now);
		return;
	}
	for (ssize_t i = 0; i < n && p->status_pending; i++) {
		unsigned req = p->pending[0];
		int f = hal_escpos_parse_status(req, buf[i]);
		memmove(p->pending, p->pending + 1, sizeof(p->pending) - sizeof(p->pending[0]));
		p->status_pending--;
		if (f < 0)
			continue;
		if (req == HAL_ESCPOS_STATUS_PRINTER)
			p->st.state =
				f & HAL_ESCPOS_OFFLINE ? HAL_PRINTER_OFFLINE : HAL_PRINTER_READY;
		if (req == HAL_ESCPOS_STATUS_PAPER) {
			p->st.paper_near_end = f & HAL_ESCPOS_PAPER_NEAR;
			if (f & HAL_ESCPOS_PAPER_OUT)
				p->st.state = HAL_PRINTER_PAPER_OUT;
		}
	}
}

static int write_some(struct hal_printer *p, size_t max, uint64_t now)
{
	size_t n = p->len < max ? p->len : max;
	ssize_t w = write(p->fd, p->queue + p->head, n);

	if (w < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		lost(p, -errno, now);
		return -ENODEV;
	}
	p->head += (size_t)w;
	p->len -= (size_t)w;
	if (p->len == 0)
		p->head = 0;
	return 0;
}

int hal_printer_dispatch(struct hal_printer *p)
{
	uint64_t now = hal_clock_now(&p->clock);

	if (p->kind == K_NONE)
		return 0;
	if (p->fd < 0) {
		if (now >= p->reopen_at)
			try_open(p, now);
		return 0;
	}
	if (p->kind != K_SERIAL) {
		while (p->fd >= 0 && p->len) {
			size_t before = p->len;
			(void)write_some(p, p->len, now);
			if (p->len == before)
				break; /* EAGAIN: wait for POLLOUT */
		}
		return 0;
	}
	if (p->status_pending)
		read_status(p, now);
	if (p->fd < 0)
		return 0;
	if (p->len && now >= p->next_write) {
		(void)write_some(p, CHUNK, now);
		p->next_write = now + p->interval_us;
		if (p->fd >= 0 && p->len == 0)
			p->next_status = p->next_write; /* ask how the job went */
		return 0;
	}
	if (!p->len && now >= p->next_status) {
		static const uint8_t req[] = { 0x10, 0x04, HAL_ESCPOS_STATUS_PRINTER,
					       0x10, 0x04, HAL_ESCPOS_STATUS_PAPER };
		/* Unanswered earlier requests: the printer has no return line; stop counting. */
		p->status_pending = 0;
		if (write(p->fd, req, sizeof(req)) == (ssize_t)sizeof(req)) {
			p->pending[0] = HAL_ESCPOS_STATUS_PRINTER;
			p->pending[1] = HAL_ESCPOS_STATUS_PAPER;
			p->status_pending = 2;
		} else if (errno != EAGAIN && errno != EINTR) {
			lost(p, -errno, now);
			return 0;
		}
		p->next_status = now + STATUS_PERIOD;
	}
	return 0;
}

void hal_printer_get_status(const struct hal_printer *p, struct hal_printer_status *ret)
{
	*ret = p->st;
	ret->queued = p->len;
}
