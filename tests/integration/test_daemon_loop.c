/* SPDX-License-Identifier: MIT */
/*
 * test_daemon_loop.c - daemon/loop.c for real: a socketpair as a module's fd with a deadline,
 * fd changes (including a new socket on the same fd number), vital and non-vital failures,
 * SIGHUP calling the reload hook, SIGTERM ending the loop (bounded at 2 s, not a benchmark),
 * and sd_notify READY=1 / STATUS= / WATCHDOG=1 seen on a datagram socket the test owns as
 * NOTIFY_SOCKET with a small WATCHDOG_USEC. Label: integration (real time, real signals).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/loop.h"

#define MSEC UINT64_C(1000)
#define SEC  1000000ull

static uint64_t mono_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * SEC + (uint64_t)ts.tv_nsec / 1000u;
}

/* A reader module on one end of a socketpair, with its own deadline. */
struct reader {
	struct loop *loop;
	int fd;
	uint64_t deadline;
	unsigned reads, timeouts;
	uint64_t late_by; /* worst (now - deadline) seen; must never be negative */
	bool early;
	int fail_first; /* return this from the first dispatch */
	char last[16];
	unsigned exit_after_reads;
};

static int reader_fd(void *u)
{
	return ((struct reader *)u)->fd;
}

static uint64_t reader_deadline(void *u)
{
	return ((struct reader *)u)->deadline;
}

static int reader_dispatch(void *u, uint32_t revents, uint64_t now)
{
	struct reader *r = u;
	ssize_t n;

	if (r->fail_first) {
		int e = r->fail_first;

		r->fail_first = 0;
		return e;
	}
	if (revents) {
		assert_true(revents & EPOLLIN);
		n = read(r->fd, r->last, sizeof(r->last) - 1);
		assert_true(n > 0);
		r->last[n] = '\0';
		r->reads++;
		if (r->exit_after_reads && r->reads >= r->exit_after_reads)
			loop_exit(r->loop, 42);
	} else {
		if (now < r->deadline)
			r->early = true;
		r->timeouts++;
		r->deadline = LOOP_NO_DEADLINE;
	}
	return 0;
}

static const struct loop_module_ops reader_ops = {
	.name = "reader",
	.fd = reader_fd,
	.dispatch = reader_dispatch,
	.deadline = reader_deadline,
	.accuracy_usec = 1000,
};

/* A timer-only module that runs a step at its deadline. */
struct driver {
	struct loop *loop;
	uint64_t deadline;
	void (*step)(struct driver *d);
	unsigned steps;
	void *data;
	uint64_t fired_at;
};

static uint64_t driver_deadline(void *u)
{
	return ((struct driver *)u)->deadline;
}

static int driver_dispatch(void *u, uint32_t revents, uint64_t now)
{
	struct driver *d = u;

	assert_int_equal(revents, 0);
	(void)now;
	d->deadline = LOOP_NO_DEADLINE;
	d->fired_at = mono_usec();
	d->steps++;
	d->step(d);
	return 0;
}

static const struct loop_module_ops driver_ops = {
	.name = "driver",
	.dispatch = driver_dispatch,
	.deadline = driver_deadline,
	.accuracy_usec = 1000,
};

static void write_to(int fd, const char *s)
{
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

static void step_ping(struct driver *d)
{
	write_to(*(int *)d->data, "ping");
}

static void test_fd_and_deadline(void **state)
{
	struct loop *l = NULL;
	struct loop_module *mr = NULL, *md = NULL;
	struct reader r = { 0 };
	struct driver d = { 0 };
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(loop_new(&l), 0);
	r.loop = l;
	r.fd = sv[0];
	r.deadline = mono_usec() + 20 * MSEC; /* fires before the ping */
	r.exit_after_reads = 1;
	d.loop = l;
	d.deadline = mono_usec() + 60 * MSEC;
	d.step = step_ping;
	d.data = &sv[1];
	assert_int_equal(loop_add_module(l, &reader_ops, &r, &mr), 0);
	assert_int_equal(loop_add_module(l, &driver_ops, &d, &md), 0);
	assert_int_equal(loop_run(l), 42);
	assert_int_equal(r.timeouts, 1);
	assert_false(r.early);
	assert_int_equal(r.reads, 1);
	assert_string_equal(r.last, "ping");
	assert_int_equal(d.steps, 1);
	loop_module_free(mr);
	loop_module_free(md);
	loop_free(l);
	close(sv[0]);
	close(sv[1]);
}

/* The module moves to another fd, then gets a new socket on the same fd number. */
struct mover {
	struct reader *r;
	int a[2], b[2], c[2];
	struct loop_module *m;
};

static void step_move(struct driver *d)
{
	struct mover *mv = d->data;

	switch (d->steps) {
	case 1: /* move to b: data on a must no longer be read, data on b must */
		mv->r->fd = mv->b[0];
		assert_int_equal(loop_module_update(mv->m), 0);
		write_to(mv->a[1], "stale");
		write_to(mv->b[1], "b");
		break;
	case 2: /* replace b[0] by c[0] under the same number, as a reconnect would */
		assert_string_equal(mv->r->last, "b");
		assert_int_equal(dup2(mv->c[0], mv->b[0]), mv->b[0]);
		assert_int_equal(loop_module_fd_reopened(mv->m), 0);
		write_to(mv->c[1], "c");
		break;
	default:
		break;
	}
	if (d->steps < 2)
		d->deadline = mono_usec() + 30 * MSEC;
}

static void test_fd_moves(void **state)
{
	struct loop *l = NULL;
	struct loop_module *md = NULL;
	struct reader r = { 0 };
	struct driver d = { 0 };
	struct mover mv = { 0 };

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, mv.a), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, mv.b), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, mv.c), 0);
	assert_int_equal(loop_new(&l), 0);
	r.loop = l;
	r.fd = mv.a[0];
	r.deadline = LOOP_NO_DEADLINE;
	r.exit_after_reads = 2;
	mv.r = &r;
	d.loop = l;
	d.deadline = mono_usec() + 10 * MSEC;
	d.step = step_move;
	d.data = &mv;
	assert_int_equal(loop_add_module(l, &reader_ops, &r, &mv.m), 0);
	assert_int_equal(loop_add_module(l, &driver_ops, &d, &md), 0);
	assert_int_equal(loop_run(l), 42);
	assert_int_equal(r.reads, 2);
	assert_string_equal(r.last, "c");
	loop_module_free(mv.m);
	loop_module_free(md);
	loop_free(l);
	for (int i = 0; i < 2; i++) {
		close(mv.a[i]);
		close(mv.b[i]);
		close(mv.c[i]);
	}
}

/* A non-vital module's failure is logged and its source stays armed; a vital one's ends
 * the loop with its error. */
static void test_failures(void **state)
{
	struct loop_module_ops vital_ops = reader_ops;
	struct loop *l = NULL;
	struct loop_module *mr = NULL, *md = NULL;
	struct reader r = { 0 };
	struct driver d = { 0 };
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(loop_new(&l), 0);
	r.loop = l;
	r.fd = sv[0];
	r.deadline = mono_usec() + 10 * MSEC;
	r.fail_first = -EIO;
	r.exit_after_reads = 1;
	d.loop = l;
	d.deadline = mono_usec() + 40 * MSEC;
	d.step = step_ping;
	d.data = &sv[1];
	assert_int_equal(loop_add_module(l, &reader_ops, &r, &mr), 0);
	assert_int_equal(loop_add_module(l, &driver_ops, &d, &md), 0);
	assert_int_equal(loop_run(l), 42); /* the failed timer dispatch did not disable the fd */
	assert_int_equal(r.reads, 1);
	loop_module_free(mr);
	loop_module_free(md);
	loop_free(l);

	vital_ops.vital = true;
	assert_int_equal(loop_new(&l), 0);
	memset(&r, 0, sizeof(r));
	r.loop = l;
	r.fd = sv[0];
	r.deadline = mono_usec() + 10 * MSEC;
	r.fail_first = -EIO;
	assert_int_equal(loop_add_module(l, &vital_ops, &r, &mr), 0);
	assert_int_equal(loop_run(l), -EIO);
	loop_module_free(mr);
	loop_free(l);
	close(sv[0]);
	close(sv[1]);
}

static unsigned reloads;

static int reload_hook(void *userdata)
{
	reloads++;
	loop_exit(userdata, 7);
	return 0;
}

static void step_signal(struct driver *d)
{
	assert_int_equal(kill(getpid(), *(int *)d->data), 0);
}

static void test_sighup_reloads(void **state)
{
	struct loop *l = NULL;
	struct loop_module *md = NULL;
	struct driver d = { 0 };
	int sig = SIGHUP;

	(void)state;
	assert_int_equal(loop_new(&l), 0);
	loop_set_reload(l, reload_hook, l);
	d.loop = l;
	d.deadline = mono_usec() + 10 * MSEC;
	d.step = step_signal;
	d.data = &sig;
	assert_int_equal(loop_add_module(l, &driver_ops, &d, &md), 0);
	reloads = 0;
	assert_int_equal(loop_run(l), 7);
	assert_int_equal(reloads, 1);
	loop_module_free(md);
	loop_free(l);
}

static void test_sigterm_exits(void **state)
{
	struct loop *l = NULL;
	struct loop_module *md = NULL;
	struct driver d = { 0 };
	int sig = SIGTERM;
	uint64_t took;

	(void)state;
	for (int i = 0; i < 2; i++) {
		sig = i ? SIGINT : SIGTERM;
		assert_int_equal(loop_new(&l), 0);
		d = (struct driver){ .loop = l,
				     .deadline = mono_usec() + 10 * MSEC,
				     .step = step_signal,
				     .data = &sig };
		assert_int_equal(loop_add_module(l, &driver_ops, &d, &md), 0);
		assert_int_equal(loop_run(l), 0);
		took = mono_usec() - d.fired_at;
		assert_true(took < 2 * SEC); /* a bound, not a benchmark */
		loop_module_free(md);
		loop_free(l);
	}
}

/* The service-manager side: a datagram socket playing systemd. */
struct manager {
	struct loop *loop;
	int fd;
	bool ready, watchdog, status;
	uint64_t give_up;
};

static int manager_fd(void *u)
{
	return ((struct manager *)u)->fd;
}

static uint64_t manager_deadline(void *u)
{
	return ((struct manager *)u)->give_up;
}

static int manager_dispatch(void *u, uint32_t revents, uint64_t now)
{
	struct manager *m = u;
	char buf[512];
	ssize_t n;

	(void)now;
	if (!revents) {
		loop_exit(m->loop, -ETIMEDOUT);
		return 0;
	}
	n = recv(m->fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	if (strstr(buf, "READY=1"))
		m->ready = true;
	if (strstr(buf, "STATUS=testing the loop"))
		m->status = true;
	if (strstr(buf, "WATCHDOG=1"))
		m->watchdog = true;
	if (m->ready && m->watchdog && m->status)
		loop_exit(m->loop, 0);
	return 0;
}

static const struct loop_module_ops manager_ops = {
	.name = "manager",
	.fd = manager_fd,
	.dispatch = manager_dispatch,
	.deadline = manager_deadline,
	.accuracy_usec = 1000,
};

static void test_sd_notify(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct manager m = { 0 };
	struct loop *l = NULL;
	struct loop_module *mm = NULL;
	char path[64];

	(void)state;
	snprintf(path, sizeof(path), "/tmp/passgate-notify-%d", (int)getpid());
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	m.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(m.fd >= 0);
	assert_int_equal(bind(m.fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setenv("NOTIFY_SOCKET", path, 1);
	setenv("WATCHDOG_USEC", "100000", 1);
	unsetenv("WATCHDOG_PID");

	assert_int_equal(loop_new(&l), 0); /* reads WATCHDOG_USEC */
	m.loop = l;
	m.give_up = mono_usec() + 5 * SEC;
	assert_int_equal(loop_add_module(l, &manager_ops, &m, &mm), 0);
	assert_true(loop_notify_ready(l, "testing the loop") > 0);
	assert_int_equal(loop_run(l), 0);
	assert_true(m.ready);
	assert_true(m.status);
	assert_true(m.watchdog);
	loop_module_free(mm);
	loop_free(l);
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	close(m.fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fd_and_deadline), cmocka_unit_test(test_fd_moves),
		cmocka_unit_test(test_failures),	cmocka_unit_test(test_sighup_reloads),
		cmocka_unit_test(test_sigterm_exits),	cmocka_unit_test(test_sd_notify),
	};

	/* A loop that never ends is a failure, not a hang until ctest's timeout. */
	alarm(30);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
