/* SPDX-License-Identifier: MIT */
/*
 * events.c - `passgate events list|stats|pubkey [--state-dir DIR]`: look into the outbox of
 * check events waiting for the city, and print the kiosk's public keys.
 *
 * The outbox is opened read-only, so this is safe while passgated runs (SQLite WAL lets a reader
 * in beside the writer). Events carry nothing personal by construction (events/events.h), so
 * `list` prints them as they are. `pubkey` prints the X25519 public key the city seals day keys
 * to and the Ed25519 receipt key (docs/codes.md), creating each on first use exactly as
 * passgated would (docs/events.md).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "events/daykeys.h"
#include "events/outbox.h"
#include "events/receiptsigner.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: passgate events list [--state-dir DIR] [--limit N]\n"
		"       passgate events stats [--state-dir DIR]\n"
		"       passgate events pubkey [--state-dir DIR]\n"
		"\n"
		"list    the check events waiting in the outbox, oldest first, one JSON per line\n"
		"stats   counters of the outbox as one JSON object\n"
		"pubkey  the kiosk's public keys (base64), one a line: the X25519 key the city "
		"seals\n"
		"        day keys to, then the Ed25519 receipt key that signs its receipt codes\n"
		"default state directory: %s\n",
		PASSGATE_STATEDIR);
}

static int print_row(uint64_t seq, const char *topic, const void *payload, size_t len, void *ud)
{
	uint64_t *last = ud;

	*last = seq;
	printf("{\"seq\":%llu,\"topic\":\"%s\",\"event\":%.*s}\n", (unsigned long long)seq, topic,
	       (int)len, (const char *)payload);
	return 0;
}

static int open_outbox(const char *dir, struct outbox **ret)
{
	char path[4096];
	int r;

	if (snprintf(path, sizeof(path), "%s/outbox.db", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	r = outbox_open(path, NULL, OUTBOX_READONLY, ret);
	if (r < 0)
		fprintf(stderr, "passgate events: cannot open %s: %s\n", path, strerror(-r));
	return r;
}

static int do_list(const char *dir, unsigned long long limit)
{
	struct outbox *ob;
	uint64_t last = 0;
	int r = 0;

	if (open_outbox(dir, &ob) < 0)
		return EXIT_USAGE;
	/* In pages, so that a full outbox does not hold one long read transaction. */
	while (limit > 0) {
		size_t page = limit < 1000 ? (size_t)limit : 1000;

		r = outbox_foreach(ob, last, page, print_row, &last);
		if (r <= 0 || (size_t)r < page)
			break;
		limit -= (unsigned long long)r;
	}
	outbox_free(ob);
	if (r < 0) {
		fprintf(stderr, "passgate events: %s\n", strerror(-r));
		return EXIT_USAGE;
	}
	return 0;
}

static int do_stats(const char *dir)
{
	struct outbox_stats st;
	struct outbox *ob;
	int r;

	if (open_outbox(dir, &ob) < 0)
		return EXIT_USAGE;
	r = outbox_stats(ob, &st);
	outbox_free(ob);
	if (r < 0) {
		fprintf(stderr, "passgate events: %s\n", strerror(-r));
		return EXIT_USAGE;
	}
	printf("{\"pending\":%llu,\"bytes\":%llu,\"oldest\":%llu,\"newest\":%llu,"
	       "\"next_seq\":%llu,\"delivered\":%llu,\"dropped\":%llu,\"lost\":%llu}\n",
	       (unsigned long long)st.rows, (unsigned long long)st.bytes,
	       (unsigned long long)st.oldest, (unsigned long long)st.newest,
	       (unsigned long long)st.next_seq, (unsigned long long)st.delivered,
	       (unsigned long long)st.dropped, (unsigned long long)st.lost);
	return 0;
}

static int do_pubkey(const char *dir)
{
	char b64[DAYKEYS_PUBKEY_B64], receipt[RECEIPTSIGNER_PK_B64];
	struct receiptsigner *rs;
	struct daykeys *dk;
	int r;

	/* The venue does not matter for the key pair; "-" is never a venue id. */
	r = daykeys_new(dir, "-", &dk);
	if (r < 0) {
		fprintf(stderr, "passgate events: key pair in %s: %s\n", dir, strerror(-r));
		return EXIT_USAGE;
	}
	daykeys_public_key_base64(dk, b64);
	daykeys_free(dk);
	r = receiptsigner_new(dir, &rs);
	if (r < 0) {
		fprintf(stderr, "passgate events: receipt key in %s: %s\n", dir, strerror(-r));
		return EXIT_USAGE;
	}
	receiptsigner_public_key_base64(rs, receipt);
	receiptsigner_free(rs);
	printf("%s\n%s\n", b64, receipt);
	return 0;
}

int cmd_events(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 'd' },
		{ "limit", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *dir = PASSGATE_STATEDIR, *verb;
	unsigned long long limit = ~0ull;
	int opt;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	verb = argv[1];
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	optind = 2;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 'n':
			limit = strtoull(optarg, NULL, 10);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(verb, "list") == 0)
		return do_list(dir, limit);
	if (strcmp(verb, "stats") == 0)
		return do_stats(dir);
	if (strcmp(verb, "pubkey") == 0)
		return do_pubkey(dir);
	fprintf(stderr, "passgate events: unknown action '%s'\n", verb);
	usage(stderr);
	return EXIT_USAGE;
}
