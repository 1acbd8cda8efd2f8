/* SPDX-License-Identifier: MIT */
/*
 * cli.c - passgate-city: the city operator's commands (passgate-city(1)). This file holds
 * main (configuration, time zone, the test clock), `init` and `events`; cli_kiosk.c and
 * cli_trace.c the others; publish.c the `publish` subcommands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "city/cli.h"
#include "city/context.h"
#include "city/publish.h"
#include "credential/b64url.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: passgate-city --config FILE COMMAND ...\n"
		"  init                                   create the city key and store\n"
		"  kiosk add --venue V --kiosk K --pubkey B64 [--receipt-key B64] [--ward W]\n"
		"  kiosk list | kiosk remove --kiosk K\n"
		"  publish alert --venue V --level N [--restrictions none|priority|emergency]\n"
		"  publish program FILE\n"
		"  trace (--payload-file QR | --name 'FAMILY,GIVEN' --birth-date D --issuer ISS)\n"
		"        --from DATE --to DATE [--window W] [--notify]\n"
		"  events [--limit N] [--counters]\n"
		"  --check-config                         only validate the configuration\n");
}

int cli_print_json(json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(o);
	if (!text)
		return CLI_USAGE;
	printf("%s\n", text);
	free(text);
	return CLI_OK;
}

static int cmd_init(struct city *c)
{
	uint8_t pk[32];
	char b64[64];
	int created = 0, r;

	r = city_key_init(c, pk, &created);
	if (r < 0) {
		fprintf(stderr, "passgate-city init: %s/%s: %s\n", c->cfg->state_dir,
			CITY_SIGNKEY_FILE, strerror(-r));
		return CLI_USAGE;
	}
	r = city_open_store(c);
	if (r < 0) {
		fprintf(stderr, "passgate-city init: cannot open the store: %s\n", strerror(-r));
		return CLI_USAGE;
	}
	if (b64std_encode_buf(pk, sizeof(pk), b64, sizeof(b64)) < 0)
		return CLI_USAGE;
	return cli_print_json(json_pack("{s:s,s:s}", "city", c->cfg->id, "city_key", b64));
}

static int print_event(const char *json, void *ud)
{
	(void)ud;
	return printf("%s\n", json) < 0 ? -EIO : 0;
}

static int add_counter(const char *name, int64_t v, void *ud)
{
	return json_object_set_new(ud, name, json_integer(v)) ? -ENOMEM : 0;
}

static int cmd_events(struct city *c, int argc, char **argv)
{
	unsigned long limit = 100;
	bool counters = false;
	char *end = NULL;
	json_t *o;
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--counters")) {
			counters = true;
		} else if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
			limit = strtoul(argv[++i], &end, 10);
			if (*end || limit == 0 || limit > 10000000) {
				fprintf(stderr, "passgate-city events: --limit: 1..10000000\n");
				return CLI_USAGE;
			}
		} else {
			fprintf(stderr, "usage: passgate-city events [--limit N] [--counters]\n");
			return CLI_USAGE;
		}
	}
	if (!counters) {
		r = store_events_foreach(c->store, (unsigned)limit, print_event, NULL);
	} else {
		o = json_object();
		r = o ? store_counters(c->store, add_counter, o) : -ENOMEM;
		if (r >= 0)
			return cli_print_json(o);
		json_decref(o);
	}
	if (r < 0)
		fprintf(stderr, "passgate-city events: %s\n", store_error(c->store));
	return r < 0 ? CLI_USAGE : CLI_OK;
}

/* The command on an open store. */
static int run(struct city *c, int argc, char **argv)
{
	int r;

	if (!strcmp(argv[0], "init"))
		return cmd_init(c);
	r = city_open_store(c);
	if (r < 0) {
		fprintf(stderr, "passgate-city: cannot open the store: %s\n", strerror(-r));
		return CLI_USAGE;
	}
	if (!strcmp(argv[0], "kiosk"))
		return cli_kiosk(c, argc, argv);
	if (!strcmp(argv[0], "publish"))
		return publish_command(c, argc - 1, argv + 1);
	if (!strcmp(argv[0], "trace"))
		return cli_trace(c, argc, argv);
	if (!strcmp(argv[0], "events"))
		return cmd_events(c, argc, argv);
	usage(stderr);
	return CLI_USAGE;
}

int main(int argc, char **argv)
{
	const char *config = NULL, *offset = getenv("PASSGATE_CITY_TEST_TIME_OFFSET");
	char err[CITYCONF_ERROR_MAX];
	bool check = false;
	struct city *c;
	int i, r, st;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc) {
			config = argv[++i];
		} else if (!strcmp(argv[i], "--check-config")) {
			check = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return CLI_OK;
		} else {
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (!config || (!check && i >= argc)) {
		usage(stderr);
		return CLI_USAGE;
	}
	r = city_new(config, offset ? strtoll(offset, NULL, 10) : 0, &c, err);
	if (r < 0) {
		fprintf(stderr, "%s\n", err[0] ? err : strerror(-r));
		return CLI_USAGE;
	}
	/* Local days are the city's: the time zone goes into TZ before any time is converted. */
	setenv("TZ", c->cfg->timezone, 1);
	tzset();
	st = check ? CLI_OK : run(c, argc - i, argv + i);
	city_free(c);
	return st;
}
