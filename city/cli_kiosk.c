/* SPDX-License-Identifier: MIT */
/*
 * cli_kiosk.c - `passgate-city kiosk add|list|remove`: the kiosk registry. A kiosk is known by
 * its id (unique in the city: its day-key topic is passgate/v1/<city>/kiosk/<kiosk>/daykeys),
 * its venue, an optional ward for the aggregates, its X25519 key (`passgate events pubkey`)
 * and its Ed25519 receipt key. passgate-cityd picks changes up within a minute (or at SIGHUP):
 * a new kiosk gets its day keys, a removed one gets no more.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "city/cli.h"
#include "city/context.h"
#include "credential/b64url.h"
#include "events/events.h"

static bool key32_ok(const char *b64)
{
	uint8_t k[32];
	size_t n = 0;

	return b64url_decode_buf(b64, strlen(b64), k, sizeof(k), &n) >= 0 ? n == 32
	       : b64std_decode_buf(b64, strlen(b64), k, sizeof(k), &n) >= 0 ? n == 32
									    : false;
}

static int parse_add(int argc, char **argv, struct store_kiosk *k)
{
	for (int i = 2; i < argc; i += 2) {
		const char *opt = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *dst = NULL;
		size_t size = 0;

		if (!v)
			return -EINVAL;
		if (!strcmp(opt, "--venue"))
			dst = k->venue, size = sizeof(k->venue);
		else if (!strcmp(opt, "--kiosk"))
			dst = k->kiosk, size = sizeof(k->kiosk);
		else if (!strcmp(opt, "--ward"))
			dst = k->ward, size = sizeof(k->ward);
		else if (!strcmp(opt, "--pubkey"))
			dst = k->pubkey, size = sizeof(k->pubkey);
		else if (!strcmp(opt, "--receipt-key"))
			dst = k->receipt_key, size = sizeof(k->receipt_key);
		if (!dst || strlen(v) >= size)
			return -EINVAL;
		memcpy(dst, v, strlen(v) + 1);
	}
	return 0;
}

static int kiosk_add(struct city *c, int argc, char **argv)
{
	struct store_kiosk k = { 0 };
	int r;

	if (parse_add(argc, argv, &k) < 0 || !k.venue[0] || !k.kiosk[0] || !k.pubkey[0]) {
		fprintf(stderr, "usage: passgate-city kiosk add --venue V --kiosk K --pubkey B64 "
				"[--receipt-key B64] [--ward W]\n");
		return CLI_USAGE;
	}
	if (!events_topic_level_ok(k.venue) || !events_topic_level_ok(k.kiosk) ||
	    (k.ward[0] && !events_topic_level_ok(k.ward))) {
		fprintf(stderr, "passgate-city kiosk add: venue, kiosk and ward must be 1..64 "
				"bytes without '/', '+' or '#'\n");
		return CLI_USAGE;
	}
	if (!key32_ok(k.pubkey) || (k.receipt_key[0] && !key32_ok(k.receipt_key))) {
		fprintf(stderr, "passgate-city kiosk add: a key is not base64 of 32 bytes\n");
		return CLI_USAGE;
	}
	k.added = city_now(c);
	r = store_kiosk_add(c->store, &k);
	if (r == -EEXIST) {
		fprintf(stderr, "passgate-city kiosk add: kiosk '%s' is registered already "
				"(remove it first)\n", k.kiosk);
		return CLI_NEGATIVE;
	}
	if (r < 0) {
		fprintf(stderr, "passgate-city kiosk add: %s\n", store_error(c->store));
		return CLI_USAGE;
	}
	return cli_print_json(json_pack("{s:s,s:s,s:o}", "venue", k.venue, "kiosk", k.kiosk,
					"ward", k.ward[0] ? json_string(k.ward) : json_null()));
}

static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

static int print_kiosk(const struct store_kiosk *k, void *ud)
{
	json_t *faults = json_loads(k->faults[0] ? k->faults : "[]", 0, NULL);

	(void)ud;
	return cli_print_json(json_pack(
		       "{s:s,s:s,s:o,s:s,s:o,s:s,s:o,s:o,s:o,s:o,s:I}", "venue", k->venue,
		       "kiosk", k->kiosk, "ward", str_or_null(k->ward), "pubkey", k->pubkey,
		       "receipt_key", str_or_null(k->receipt_key), "state",
		       k->state[0] ? k->state : "unknown", "last_seen",
		       k->last_seen ? json_integer(k->last_seen) : json_null(), "backlog",
		       k->backlog >= 0 ? json_integer(k->backlog) : json_null(), "daykey",
		       k->daykey >= 0 ? json_boolean(k->daykey) : json_null(), "faults",
		       faults ? faults : json_array(), "eid_gaps",
		       (json_int_t)(k->max_seq > k->seen ? k->max_seq - k->seen : 0))) == CLI_OK
		       ? 0
		       : -EIO;
}

int cli_kiosk(struct city *c, int argc, char **argv)
{
	int r;

	if (argc >= 2 && !strcmp(argv[1], "add"))
		return kiosk_add(c, argc, argv);
	if (argc == 2 && !strcmp(argv[1], "list")) {
		r = store_kiosk_foreach(c->store, print_kiosk, NULL);
		if (r < 0)
			fprintf(stderr, "passgate-city kiosk list: %s\n", store_error(c->store));
		return r < 0 ? CLI_USAGE : CLI_OK;
	}
	if (argc == 4 && !strcmp(argv[1], "remove") && !strcmp(argv[2], "--kiosk")) {
		r = store_kiosk_remove(c->store, argv[3]);
		if (r == -ENOENT) {
			fprintf(stderr, "passgate-city kiosk remove: no kiosk '%s'\n", argv[3]);
			return CLI_NEGATIVE;
		}
		if (r < 0) {
			fprintf(stderr, "passgate-city kiosk remove: %s\n", store_error(c->store));
			return CLI_USAGE;
		}
		return cli_print_json(json_pack("{s:s,s:b}", "kiosk", argv[3], "removed", 1));
	}
	fprintf(stderr, "usage: passgate-city kiosk add ... | list | remove --kiosk K\n");
	return CLI_USAGE;
}
