/* SPDX-License-Identifier: MIT */
/*
 * test_hal_printer.c - printer transports with a fake clock: file and none, a bounded queue, an
 * absent device retried with backoff, and a serial printer played by a pseudo-terminal (paced
 * writes, DLE EOT status answers: paper out, offline, back to ready).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/printer.h"

static uint64_t now_us = 1000000;

static uint64_t fake_now(void *u)
{
	(void)u;
	return now_us;
}

static void test_file_and_none(void **state)
{
	(void)state;
	char path[] = "/tmp/passgate-prn-XXXXXX", dev[64];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	snprintf(dev, sizeof(dev), "file:%s", path);
	struct hal_printer_config cfg = { .device = dev, .queue_max = 16 };
	struct hal_printer *p = NULL;
	struct hal_printer_status st;

	assert_int_equal(hal_printer_new(&cfg, &p), 0);
	hal_printer_get_status(p, &st);
	assert_int_equal(st.state, HAL_PRINTER_READY);
	assert_int_equal(hal_printer_submit(p, (const uint8_t *)"\x1b@hello\n", 8), 0);
	/* A file cannot be polled: no fd, and the queue is due at once. */
	assert_int_equal(hal_printer_fd(p), -1);
	assert_int_equal(hal_printer_events(p), 0);
	assert_int_equal(hal_printer_deadline(p), 0);
	/* The queue holds 16 bytes: the second job does not fit and is dropped, counted. */
	assert_int_equal(hal_printer_submit(p, (const uint8_t *)"0123456789", 10), -ENOBUFS);
	assert_int_equal(hal_printer_dispatch(p), 0);
	hal_printer_get_status(p, &st);
	assert_int_equal(st.queued, 0);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(hal_printer_deadline(p), HAL_NO_DEADLINE);
	hal_printer_free(p);
	char buf[32] = { 0 };
	fd = open(path, O_RDONLY);
	assert_int_equal(read(fd, buf, sizeof(buf)), 8);
	close(fd);
	assert_memory_equal(buf, "\x1b@hello\n", 8);
	unlink(path);

	struct hal_printer_config none = { .device = "none" };
	assert_int_equal(hal_printer_new(&none, &p), 0);
	assert_int_equal(hal_printer_submit(p, (const uint8_t *)"x", 1), 0);
	hal_printer_get_status(p, &st);
	assert_int_equal(st.state, HAL_PRINTER_NONE);
	assert_int_equal(hal_printer_fd(p), -1);
	assert_int_equal(hal_printer_deadline(p), HAL_NO_DEADLINE);
	hal_printer_free(p);

	struct hal_printer_config bad = { .device = "lp0" };
	assert_int_equal(hal_printer_new(&bad, &p), -EINVAL);
	struct hal_printer_config baud = { .device = "/dev/serial0", .baud = 115200 };
	assert_int_equal(hal_printer_new(&baud, &p), -EINVAL);
}

static void test_absent_backoff(void **state)
{
	(void)state;
	struct hal_printer_config cfg = { .device = "/dev/usb/lp97", .clock = { fake_now, NULL } };
	struct hal_printer *p;
	struct hal_printer_status st;

	now_us = 1000000;
	assert_int_equal(hal_printer_new(&cfg, &p), 0);
	hal_printer_get_status(p, &st);
	assert_int_equal(st.state, HAL_PRINTER_ABSENT);
	assert_int_equal(st.error, -ENOENT);
	/* A job for an absent printer is dropped at once: the gate never waits for paper. */
	assert_int_equal(hal_printer_submit(p, (const uint8_t *)"x", 1), -ENODEV);
	assert_int_equal(hal_printer_deadline(p), 2000000);
	now_us = 2000000;
	assert_int_equal(hal_printer_dispatch(p), 0);
	assert_int_equal(hal_printer_deadline(p), 4000000);
	now_us = 4000000;
	assert_int_equal(hal_printer_dispatch(p), 0);
	assert_int_equal(hal_printer_deadline(p), 8000000);
	hal_printer_get_status(p, &st);
	assert_int_equal(st.dropped, 1);
	hal_printer_free(p);
}

static void test_serial_pacing_and_status(void **state)
{
	(void)state;
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	const char *slave = ptsname(master);
	assert_non_null(slave);
	struct hal_printer_config cfg = { .device = slave,
					  .baud = 19200,
					  .clock = { fake_now, NULL } };
	struct hal_printer *p;
	struct hal_printer_status st;
	uint8_t job[100], buf[256];

	now_us = 1000000;
	assert_int_equal(hal_printer_new(&cfg, &p), 0);
	hal_printer_get_status(p, &st);
	assert_int_equal(st.state, HAL_PRINTER_READY);
	/* Idle: the first dispatch asks for the printer and paper status. */
	assert_int_equal(hal_printer_deadline(p), 1000000);
	assert_int_equal(hal_printer_dispatch(p), 0);
	assert_int_equal(read(master, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "\x10\x04\x01\x10\x04\x04", 6);
	assert_int_equal(hal_printer_events(p), POLLIN);
	/* The printer answers: online (0x12), paper end (0x12 | 0x60). */
	assert_int_equal(write(master, "\x12\x72", 2), 2);
	assert_int_equal(hal_printer_dispatch(p), 0);
	hal_printer_get_status(p, &st);
	assert_int_equal(st.state, HAL_PRINTER_PAPER_OUT);
	assert_int_equal(hal_printer_submit(p, job, sizeof(job)), -ENODEV);

	/* Paper loaded: the next status round says ready. */
	now_us = hal_printer_deadline(p);
	assert_int_equal(now_us, 1000000 + 5000000);
	assert_int_equal(hal_printer_dispatch(p), 0);
	assert_int_equal(read(master, buf, sizeof(buf)), 6);
	assert_int_equal(write(master, "\x12\x12", 2), 2);
	assert_int_equal(hal_printer_dispatch(p), 0);
	hal_printer_get_status(p, &st);
	assert_int_equal(st.state, HAL_PRINTER_READY);

	/* 100 bytes at 19200 baud go out 32 at a time, 25 ms apart (2/3 of the line rate). */
	memset(job, 'A', sizeof(job));
	assert_int_equal(hal_printer_submit(p, job, sizeof(job)), 0);
	unsigned chunks = 0;
	size_t got = 0;
	while (hal_printer_get_status(p, &st), st.queued) {
		uint64_t d = hal_printer_deadline(p);
		assert_true(d >= now_us);
		if (chunks)
			assert_int_equal(d - now_us, 25000);
		now_us = d;
		assert_int_equal(hal_printer_dispatch(p), 0);
		ssize_t n = read(master, buf, sizeof(buf));
		assert_true(n > 0 && n <= 32);
		got += (size_t)n;
		chunks++;
	}
	assert_int_equal(got, 100);
	assert_int_equal(chunks, 4);
	/* An offline answer (bit 3) is reported. */
	now_us = hal_printer_deadline(p);
	assert_int_equal(hal_printer_dispatch(p), 0);
	assert_int_equal(read(master, buf, sizeof(buf)), 6);
	assert_int_equal(write(master, "\x1a\x12", 2), 2);
	assert_int_equal(hal_printer_dispatch(p), 0);
	hal_printer_get_status(p, &st);
	assert_int_equal(st.state, HAL_PRINTER_OFFLINE);
	hal_printer_free(p);
	close(master);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_and_none),
		cmocka_unit_test(test_absent_backoff),
		cmocka_unit_test(test_serial_pacing_and_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
