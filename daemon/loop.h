/* SPDX-License-Identifier: MIT */
/*
 * loop.h - passgated's event loop: the one place that uses sd-event and sd_notify (DESIGN.md,
 * "Each library is included in one file only").
 *
 * A module (camera, gpio, uplink, kiosk timers, ...) does not see sd-event. It registers with
 * loop_add_module() a struct loop_module_ops: the fd it wants watched (or -1), the poll events,
 * a dispatch function and a deadline. The loop calls dispatch when the fd is ready (revents
 * != 0) or when the deadline has passed (revents == 0), and after every dispatch it asks the
 * module again for its fd, events and deadline and re-arms. Tests drive the same three
 * functions without the loop. Timers always run with an explicit accuracy (sd-event's 0 would
 * mean 250 ms of coalescing).
 *
 * Failure: a dispatch returning < 0 is logged. A vital module's failure ends loop_run() with
 * that error (systemd's Restart=on-failure then restarts the daemon); a non-vital module keeps
 * its sources (sd-event would otherwise silently disable them) and is expected to retry by
 * its deadline.
 *
 * Signals: SIGTERM and SIGINT end loop_run() with 0; SIGHUP calls the reload hook. The loop
 * blocks these signals in loop_new() (sd-event receives them through a signalfd).
 *
 * Service manager: loop_notify_ready() sends READY=1, loop_set_status() STATUS=..., and the
 * loop sends WATCHDOG=1 by itself at half of WATCHDOG_USEC while it is iterating. Without
 * NOTIFY_SOCKET these are no-ops.
 *
 * Ownership: struct loop is created by loop_new() and freed with loop_free(); each
 * struct loop_module is owned by the module that added it and freed with loop_module_free()
 * (before loop_free()). ops and userdata are borrowed until then.
 */
#ifndef PASSGATE_DAEMON_LOOP_H
#define PASSGATE_DAEMON_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#define LOOP_NO_DEADLINE	   UINT64_MAX
#define LOOP_DEFAULT_ACCURACY_USEC 1000 /* 1 ms */

struct loop;
struct loop_module;

struct loop_module_ops {
	const char *name; /* for log lines: "camera", "uplink", ... */
	/* The fd to watch now, or -1 for none. NULL: no fd (a timer-only module). The fd is
	 * re-read after every dispatch; a changed number moves the watch. */
	int (*fd)(void *userdata);
	/* EPOLLIN / EPOLLOUT / ... wanted now. NULL: EPOLLIN. */
	uint32_t (*events)(void *userdata);
	/* Do the work: revents from epoll when the fd is ready, 0 when the deadline passed.
	 * @now_usec is CLOCK_MONOTONIC. >= 0 success, -errno failure. */
	int (*dispatch)(void *userdata, uint32_t revents, uint64_t now_usec);
	/* Absolute CLOCK_MONOTONIC µs when dispatch must run next even without fd activity, or
	 * LOOP_NO_DEADLINE. NULL: never. */
	uint64_t (*deadline)(void *userdata);
	uint64_t accuracy_usec; /* timer slack; 0 means LOOP_DEFAULT_ACCURACY_USEC */
	bool vital;		/* a failed dispatch stops the daemon */
};

/* The reload hook run on SIGHUP; its result is logged and reported in STATUS. */
typedef int (*loop_reload_fn)(void *userdata);

int loop_new(struct loop **ret);
/* Frees the loop; every module must have been freed before. NULL is a no-op. */
void loop_free(struct loop *l);

/* Run until SIGTERM/SIGINT (returns 0), loop_exit() (returns its code) or a vital module's
 * failure (returns its -errno). */
int loop_run(struct loop *l);
void loop_exit(struct loop *l, int code);

/* CLOCK_MONOTONIC µs of the current iteration (cheap; the same value within one dispatch). */
uint64_t loop_now(struct loop *l);

void loop_set_reload(struct loop *l, loop_reload_fn fn, void *userdata);

/* sd_notify: READY=1 with an optional STATUS, STATUS=text. */
int loop_notify_ready(struct loop *l, const char *status);
int loop_set_status(struct loop *l, const char *status);

int loop_add_module(struct loop *l, const struct loop_module_ops *ops, void *userdata,
		    struct loop_module **ret);
/* Ask the module again for fd, events and deadline: call it when the module's state changed
 * outside its own dispatch (e.g. the kiosk queued an event on the uplink). */
int loop_module_update(struct loop_module *m);
/* The module's fd was closed and a new one opened, possibly with the same number (libmosquitto
 * reconnects do this): drop the old watch and add a new one. */
int loop_module_fd_reopened(struct loop_module *m);
void loop_module_free(struct loop_module *m);

/* poll(2) events (what hal/ and the uplink speak) as epoll events, and back. */
uint32_t loop_epoll_from_poll(short events);
short loop_poll_from_epoll(uint32_t events);

#endif
