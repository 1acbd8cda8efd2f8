/* SPDX-License-Identifier: MIT */
/*
 * loop.c - the event loop of passgated on sd-event, the only file that includes it
 * (DESIGN.md). It turns each module's "fd + dispatch + deadline" into one io source and one
 * CLOCK_MONOTONIC timer, re-armed from the module after every dispatch; it handles SIGTERM,
 * SIGINT and SIGHUP through sd-event's signalfd, and it speaks sd_notify (READY=1, STATUS=,
 * RELOADING=1, and WATCHDOG=1 through sd_event_set_watchdog(), which pings at half of
 * WATCHDOG_USEC only while the loop iterates, so a hung loop is restarted).
 *
 * sd-event pitfalls (DESIGN.md): a timer accuracy of 0 means 250 ms of coalescing, so every
 * timer here gets an explicit accuracy; a handler returning < 0 silently disables its source,
 * so handlers return < 0 only for vital modules, whose sources have exit_on_failure set.
 */
#include "daemon/loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>
#include <time.h>

#include "daemon/log.h"

struct loop {
	sd_event *event;
	sd_event_source *sig_term, *sig_int, *sig_hup;
	sigset_t saved_mask;
	loop_reload_fn reload;
	void *reload_data;
	unsigned n_modules;
};

struct loop_module {
	struct loop *loop;
	const struct loop_module_ops *ops;
	void *userdata;
	sd_event_source *io;
	int io_fd;
	uint32_t io_events;
	bool reopened;
	sd_event_source *timer;
};

static int on_exit_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	(void)userdata;
	log_info("signal %s: stopping", si->ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct loop *l = userdata;
	int r;

	(void)s;
	(void)si;
	if (!l->reload) {
		log_notice("SIGHUP: nothing to reload");
		return 0;
	}
	(void)sd_notify(0, "RELOADING=1\nSTATUS=reloading configuration");
	r = l->reload(l->reload_data);
	if (r < 0)
		log_error("reload failed (%s); the previous configuration stays in force",
			  strerror(-r));
	else
		log_info("reloaded");
	/* The hook sets its own STATUS; READY=1 ends the RELOADING state either way. */
	(void)sd_notify(0, "READY=1");
	return 0;
}

int loop_new(struct loop **ret)
{
	struct loop *l;
	sigset_t mask;
	int r;

	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	/* sd_event_add_signal() needs the signals blocked, or their default action runs. */
	if (sigprocmask(SIG_BLOCK, &mask, &l->saved_mask) < 0) {
		r = -errno;
		goto free_loop;
	}
	r = sd_event_new(&l->event);
	if (r < 0)
		goto restore_mask;
	r = sd_event_add_signal(l->event, &l->sig_term, SIGTERM, on_exit_signal, l);
	if (r < 0)
		goto unref_event;
	r = sd_event_add_signal(l->event, &l->sig_int, SIGINT, on_exit_signal, l);
	if (r < 0)
		goto unref_event;
	r = sd_event_add_signal(l->event, &l->sig_hup, SIGHUP, on_sighup, l);
	if (r < 0)
		goto unref_event;
	/* > 0 when WATCHDOG_USEC (and WATCHDOG_PID, if set, is us) asks for pings. */
	r = sd_event_set_watchdog(l->event, 1);
	if (r < 0)
		goto unref_event;
	*ret = l;
	return 0;
unref_event:
	sd_event_source_unref(l->sig_hup);
	sd_event_source_unref(l->sig_int);
	sd_event_source_unref(l->sig_term);
	sd_event_unref(l->event);
restore_mask:
	sigprocmask(SIG_SETMASK, &l->saved_mask, NULL);
free_loop:
	free(l);
	return r;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	if (l->n_modules)
		log_warning("loop_free: %u modules still registered", l->n_modules);
	sd_event_source_unref(l->sig_hup);
	sd_event_source_unref(l->sig_int);
	sd_event_source_unref(l->sig_term);
	sd_event_unref(l->event);
	sigprocmask(SIG_SETMASK, &l->saved_mask, NULL);
	free(l);
}

int loop_run(struct loop *l)
{
	return sd_event_loop(l->event);
}

void loop_exit(struct loop *l, int code)
{
	(void)sd_event_exit(l->event, code);
}

uint64_t loop_now(struct loop *l)
{
	struct timespec ts;
	uint64_t now;

	if (sd_event_now(l->event, CLOCK_MONOTONIC, &now) >= 0)
		return now;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void loop_set_reload(struct loop *l, loop_reload_fn fn, void *userdata)
{
	l->reload = fn;
	l->reload_data = userdata;
}

int loop_notify_ready(struct loop *l, const char *status)
{
	(void)l;
	if (status)
		return sd_notifyf(0, "READY=1\nSTATUS=%s", status);
	return sd_notify(0, "READY=1");
}

int loop_set_status(struct loop *l, const char *status)
{
	(void)l;
	return sd_notifyf(0, "STATUS=%s", status);
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata);
static int on_timer(sd_event_source *s, uint64_t usec, void *userdata);

/* Follow the module's wishes: which fd, which events, which deadline. */
static int rearm(struct loop_module *m)
{
	const struct loop_module_ops *ops = m->ops;
	int fd = ops->fd ? ops->fd(m->userdata) : -1;
	uint32_t events = ops->events ? ops->events(m->userdata) : EPOLLIN;
	uint64_t deadline = ops->deadline ? ops->deadline(m->userdata) : LOOP_NO_DEADLINE;
	int r;

	if (fd != m->io_fd || m->reopened) {
		/* Drop the old watch before adding the new one: when the number is reused, the
		 * old source's EPOLL_CTL_DEL must not remove the new registration. */
		m->io = sd_event_source_unref(m->io);
		m->io_fd = -1;
		m->reopened = false;
		if (fd >= 0) {
			r = sd_event_add_io(m->loop->event, &m->io, fd, events, on_io, m);
			if (r < 0)
				return r;
			if (ops->vital)
				(void)sd_event_source_set_exit_on_failure(m->io, 1);
			m->io_fd = fd;
			m->io_events = events;
		}
	} else if (m->io && events != m->io_events) {
		r = sd_event_source_set_io_events(m->io, events);
		if (r < 0)
			return r;
		m->io_events = events;
	}
	if (deadline == LOOP_NO_DEADLINE)
		return sd_event_source_set_enabled(m->timer, SD_EVENT_OFF);
	r = sd_event_source_set_time(m->timer, deadline);
	if (r < 0)
		return r;
	return sd_event_source_set_enabled(m->timer, SD_EVENT_ONESHOT);
}

static int dispatch(struct loop_module *m, uint32_t revents)
{
	int r = m->ops->dispatch(m->userdata, revents, loop_now(m->loop));

	if (r >= 0)
		r = rearm(m);
	if (r >= 0)
		return 0;
	if (m->ops->vital) {
		log_error("%s: %s; stopping", m->ops->name, strerror(-r));
		loop_exit(m->loop, r);
		return r;
	}
	log_warning("%s: %s", m->ops->name, strerror(-r));
	/* Keep the sources armed: a non-vital module retries by its deadline. */
	(void)rearm(m);
	return 0;
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	(void)s;
	(void)fd;
	return dispatch(userdata, revents ? revents : EPOLLIN);
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	(void)s;
	(void)usec;
	return dispatch(userdata, 0);
}

int loop_add_module(struct loop *l, const struct loop_module_ops *ops, void *userdata,
		    struct loop_module **ret)
{
	struct loop_module *m;
	uint64_t accuracy = ops->accuracy_usec ? ops->accuracy_usec : LOOP_DEFAULT_ACCURACY_USEC;
	int r;

	if (!ops->dispatch || !ops->name)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->loop = l;
	m->ops = ops;
	m->userdata = userdata;
	m->io_fd = -1;
	r = sd_event_add_time(l->event, &m->timer, CLOCK_MONOTONIC, 0, accuracy, on_timer, m);
	if (r < 0)
		goto free_module;
	if (ops->vital)
		(void)sd_event_source_set_exit_on_failure(m->timer, 1);
	(void)sd_event_source_set_description(m->timer, ops->name);
	r = rearm(m);
	if (r < 0)
		goto unref_sources;
	l->n_modules++;
	*ret = m;
	return 0;
unref_sources:
	sd_event_source_unref(m->io);
	sd_event_source_unref(m->timer);
free_module:
	free(m);
	return r;
}

int loop_module_update(struct loop_module *m)
{
	return rearm(m);
}

int loop_module_fd_reopened(struct loop_module *m)
{
	m->reopened = true;
	return rearm(m);
}

void loop_module_free(struct loop_module *m)
{
	if (!m)
		return;
	sd_event_source_unref(m->io);
	sd_event_source_unref(m->timer);
	m->loop->n_modules--;
	free(m);
}

uint32_t loop_epoll_from_poll(short events)
{
	return (events & POLLIN ? (uint32_t)EPOLLIN : 0u) |
	       (events & POLLOUT ? (uint32_t)EPOLLOUT : 0u) |
	       (events & POLLPRI ? (uint32_t)EPOLLPRI : 0u);
}

short loop_poll_from_epoll(uint32_t events)
{
	short r = 0;

	if (events & EPOLLIN)
		r |= POLLIN;
	if (events & EPOLLOUT)
		r |= POLLOUT;
	if (events & EPOLLPRI)
		r |= POLLPRI;
	if (events & EPOLLERR)
		r |= POLLERR;
	if (events & EPOLLHUP)
		r |= POLLHUP;
	return r;
}
