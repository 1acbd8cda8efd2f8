/* SPDX-License-Identifier: MIT */
/*
 * printer.h - sends receipts to a thermal printer without ever blocking the gate.
 *
 * Devices: a serial port ("/dev/serial0", "/dev/ttyUSB0": termios raw at 9600 or 19200 baud,
 * writes paced for cheap TTL printers with small buffers, status read with DLE EOT), a USB
 * printer class device ("/dev/usb/lp0"), "file:PATH" (bytes appended, for tests and previews),
 * or "none". Jobs wait in a bounded queue; a job that does not fit, or arrives while the printer
 * is absent, is dropped and counted in the status. A printer that vanishes is reopened with
 * backoff (1 s doubling to 30 s).
 *
 * Like every hal/ module: poll hal_printer_fd() for hal_printer_events(), wake at
 * hal_printer_deadline(), then call hal_printer_dispatch().
 */
#ifndef PASSGATE_HAL_PRINTER_H
#define PASSGATE_HAL_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/clock.h"

struct hal_printer_config {
	const char *device; /* see above; NULL or "none": no printer */
	unsigned baud;	    /* serial: 9600 (default) or 19200 */
	size_t queue_max;   /* bytes waiting at most; 0: 64 KiB */
	struct hal_clock clock;
};

enum hal_printer_state {
	HAL_PRINTER_READY,
	HAL_PRINTER_NONE,      /* device = none */
	HAL_PRINTER_ABSENT,    /* cannot be opened, or vanished: retrying */
	HAL_PRINTER_OFFLINE,   /* reports offline (cover open, error) */
	HAL_PRINTER_PAPER_OUT, /* reports the paper end */
};

struct hal_printer_status {
	enum hal_printer_state state;
	bool paper_near_end;
	unsigned dropped; /* jobs dropped since start */
	size_t queued;	  /* bytes waiting */
	int error;	  /* the last -errno of the device, 0 if none */
};

struct hal_printer;

const char *hal_printer_state_name(enum hal_printer_state s);

/* Caller frees with hal_printer_free(). A device that cannot be opened yet is not an error (the
 * state says ABSENT); -EINVAL for a malformed configuration. */
int hal_printer_new(const struct hal_printer_config *cfg, struct hal_printer **ret);
void hal_printer_free(struct hal_printer *p);

/* Queues one job (copied). 0, -ENOBUFS (the queue is full: dropped), -ENODEV (absent, offline
 * or out of paper: dropped), -EINVAL. A "none" printer accepts and discards. */
int hal_printer_submit(struct hal_printer *p, const uint8_t *data, size_t len);

/* The fd to poll (-1: none now), the poll events to wait for, and the next deadline. */
int hal_printer_fd(const struct hal_printer *p);
short hal_printer_events(const struct hal_printer *p);
uint64_t hal_printer_deadline(const struct hal_printer *p);

/* Writes what the pacing allows, reads status bytes, reopens. Never blocks. */
int hal_printer_dispatch(struct hal_printer *p);

void hal_printer_get_status(const struct hal_printer *p, struct hal_printer_status *ret);

#endif
