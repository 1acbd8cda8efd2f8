/* SPDX-License-Identifier: MIT */
/*
 * main.c - passgated: read the configuration, set the venue's time zone, build the kiosk on
 * the event loop, tell systemd READY=1, and run until SIGTERM. SIGHUP re-reads the
 * configuration and hands it to the kiosk (kiosk_reload); a bad new file keeps the old one.
 * `--check-config` runs the checks start-up runs (config_load(), preflight_check()) short of
 * opening devices: exit 0, or 1 with "file:line: reason".
 *
 * This is the only place that exits, and the owner of the struct config every module
 * borrows (STYLE.md §3, §7).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "daemon/config.h"
#include "daemon/kiosk.h"
#include "daemon/log.h"
#include "daemon/loop.h"
#include "daemon/preflight.h"

#ifndef PASSGATE_VERSION
#define PASSGATE_VERSION "0"
#endif
#ifndef PASSGATE_SYSCONFDIR
#define PASSGATE_SYSCONFDIR "/etc/passgate"
#endif

#define DEFAULT_CONFIG PASSGATE_SYSCONFDIR "/passgated.conf"
#define EXIT_USAGE     2

struct daemon {
	const char *config_path;
	struct config *cfg;
	struct loop *loop;
	struct kiosk *kiosk;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: passgated [--config FILE] [--check-config] [--verbose]\n"
		   "       passgated --version\n\n"
		   "  -c, --config FILE   configuration (default " DEFAULT_CONFIG ")\n"
		   "      --check-config  validate the configuration and exit: 0 valid, 1 not\n"
		   "  -v, --verbose       log debug messages\n"
		   "      --version       print the version\n");
}

/* Dates in every rule are local dates of the venue (PROGRAMS.md, "Local dates"). */
static void set_timezone(const struct config *cfg)
{
	setenv("TZ", cfg->venue.timezone, 1);
	tzset();
}

/* The SIGHUP hook: a new config replaces the old one only when it loads and the kiosk takes
 * it; otherwise the daemon goes on with the old one. */
static int reload(void *userdata)
{
	struct daemon *d = userdata;
	char err[CONFIG_ERROR_MAX];
	struct config *cfg;
	int r;

	r = config_load(d->config_path, &cfg, err);
	if (r < 0) {
		log_error("%s", err);
		return r;
	}
	r = kiosk_reload(d->kiosk, cfg);
	if (r < 0) {
		config_free(cfg);
		return r;
	}
	config_free(d->cfg);
	d->cfg = cfg;
	set_timezone(cfg);
	return 0;
}

/* --check-config: what start-up checks, and the program must exist (strict). */
static int check_config(const char *path)
{
	char err[PREFLIGHT_ERROR_MAX];
	struct config *cfg;
	int r;

	if (config_load(path, &cfg, err) < 0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_FAILURE;
	}
	r = preflight_check(cfg, true, err, sizeof(err));
	config_free(cfg);
	if (r < 0) {
		fprintf(stderr, "%s\n", err[0] ? err : strerror(-r));
		return EXIT_FAILURE;
	}
	printf("%s: configuration valid\n", path);
	return EXIT_SUCCESS;
}

static int run(struct daemon *d)
{
	char err[CONFIG_ERROR_MAX], perr[PREFLIGHT_ERROR_MAX];
	int r;

	r = config_load(d->config_path, &d->cfg, err);
	if (r < 0) {
		log_error("%s", err);
		return EXIT_FAILURE;
	}
	set_timezone(d->cfg);
	log_info("passgated %s: venue %s, program %s, %s mode", PASSGATE_VERSION, d->cfg->venue.id,
		 d->cfg->venue.program, config_mode_name(d->cfg->venue.mode));
	r = preflight_check(d->cfg, false, perr, sizeof(perr));
	if (r < 0) {
		log_error("%s", perr[0] ? perr : strerror(-r));
		goto free_config;
	}
	r = loop_new(&d->loop);
	if (r < 0) {
		log_error("event loop: %s", strerror(-r));
		goto free_config;
	}
	/* ---- the lead attaches the scan pipeline here: kiosk_new() (daemon/kiosk.h) ---- */
	r = kiosk_new(d->cfg, d->loop, &d->kiosk);
	if (r < 0) {
		log_error("not started: %s (the error above names the cause)", strerror(-r));
		goto free_loop;
	}
	loop_set_reload(d->loop, reload, d);
	(void)loop_notify_ready(d->loop, NULL);
	r = loop_run(d->loop);
	if (r < 0)
		log_error("stopped on error: %s", strerror(-r));
	else
		log_info("stopped");
	kiosk_free(d->kiosk);
free_loop:
	loop_free(d->loop);
free_config:
	config_free(d->cfg);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	enum { OPT_CHECK = 0x100, OPT_VERSION };
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct daemon d = { .config_path = DEFAULT_CONFIG };
	bool check = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "c:vh", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			d.config_path = optarg;
			break;
		case OPT_CHECK:
			check = true;
			break;
		case 'v':
			log_set_max_priority(LOG_DEBUG);
			break;
		case OPT_VERSION:
			printf("passgated %s\n", PASSGATE_VERSION);
			return EXIT_SUCCESS;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "passgated: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (check)
		return check_config(d.config_path);
	/* A core dump would put the credentials of the scans in memory (names, birth dates) and
	 * the day keys on disk: the kiosk never dumps (the unit also sets LimitCORE=0). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		log_warning("cannot turn core dumps off: %s", strerror(errno));
	return run(&d);
}
