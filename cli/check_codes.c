/* SPDX-License-Identifier: MIT */
/*
 * check_codes.c - booking and receipt codes for `passgate check` (check_codes.h): the options,
 * the keys they name, and the same daemon/party.h calls passgated makes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/check_codes.h"
#include "cli/commands.h"
#include "credential/b64url.h"
#include "daemon/party.h"
#include "events/receiptkeys.h"

#define KEYS_MAX 16

struct check_codes {
	const char *booking, *receipt, *venue;
	uint8_t booking_keys[KEYS_MAX][32];
	size_t n_booking_keys;
	struct receiptkeys *ring;
};

int check_codes_new(struct check_codes **ret)
{
	struct check_codes *cc = calloc(1, sizeof(*cc));

	if (!cc || receiptkeys_new(&cc->ring) < 0) {
		free(cc);
		return -ENOMEM;
	}
	*ret = cc;
	return 0;
}

void check_codes_free(struct check_codes *cc)
{
	if (!cc)
		return;
	receiptkeys_free(cc->ring);
	free(cc);
}

static int key32(const char *b64, uint8_t out[32])
{
	size_t n;

	return b64std_decode_buf(b64, strlen(b64), out, 32, &n) < 0 || n != 32 ? -EINVAL : 0;
}

/* VENUE/KIOSK=B64 */
static int receipt_key(struct check_codes *cc, const char *v)
{
	char venue[RECEIPTCODE_ID_MAX], kiosk[RECEIPTCODE_ID_MAX];
	const char *slash = strchr(v, '/'), *eq = strchr(v, '=');
	uint8_t pk[32];

	if (!slash || !eq || eq < slash || slash == v || eq == slash + 1 ||
	    (size_t)(slash - v) >= sizeof(venue) || (size_t)(eq - slash - 1) >= sizeof(kiosk) ||
	    key32(eq + 1, pk) < 0)
		return -EINVAL;
	snprintf(venue, sizeof(venue), "%.*s", (int)(slash - v), v);
	snprintf(kiosk, sizeof(kiosk), "%.*s", (int)(eq - slash - 1), slash + 1);
	return receiptkeys_add(cc->ring, venue, kiosk, pk);
}

/* One option at argv[*i] (and its value at argv[*i + 1]): 1 taken, 0 not ours, -EINVAL. */
static int take_one(struct check_codes *cc, int argc, char **argv, int *i)
{
	const char *o = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	int r = 0;

	if (strcmp(o, "--booking-code") && strcmp(o, "--receipt-code") && strcmp(o, "--venue") &&
	    strcmp(o, "--booking-key") && strcmp(o, "--receipt-key"))
		return 0;
	if (!v)
		return -EINVAL;
	if (!strcmp(o, "--booking-code"))
		cc->booking = v;
	else if (!strcmp(o, "--receipt-code"))
		cc->receipt = v;
	else if (!strcmp(o, "--venue"))
		cc->venue = v;
	else if (!strcmp(o, "--booking-key"))
		r = cc->n_booking_keys == KEYS_MAX
			    ? -EINVAL
			    : key32(v, cc->booking_keys[cc->n_booking_keys++]);
	else
		r = receipt_key(cc, v);
	if (r < 0)
		fprintf(stderr, "passgate check: %s %s: not valid\n", o, v);
	(*i)++;
	return r < 0 ? r : 1;
}

static int take_one_option(void *cc, int argc, char **argv, int *i)
{
	return take_one(cc, argc, argv, i);
}

int check_codes_take(struct check_codes *cc, int argc, char **argv)
{
	return cli_take_options(argc, argv, take_one_option, cc);
}

int check_codes_booking(struct check_codes *cc, const struct rules_program *p, const char *tz,
			int64_t now, struct rules_context *ctx, struct rules_decision *ret_deny)
{
	char venue[BOOKINGCODE_ID_MAX] = "";
	struct bookingcode b;
	enum rules_reason why;
	int r;

	if (!cc->booking)
		return 0;
	/* Without --venue the gate is taken to be the booking's own venue. */
	if (!cc->venue && bookingcode_parse(cc->booking, strlen(cc->booking), &b) >= 0)
		snprintf(venue, sizeof(venue), "%s", b.venue);
	r = party_booking_read(cc->booking, strlen(cc->booking),
			       (const uint8_t(*)[32])cc->booking_keys, cc->n_booking_keys,
			       cc->venue ? cc->venue : venue, tz, now, &b, &why);
	if (r < 0) {
		fprintf(stderr, "passgate check: booking code: %s\n", party_error(r));
		rules_decision_make(p, why, ret_deny);
		return 1;
	}
	r = party_booking_context(&b, p, tz, now, ctx);
	if (r < 0)
		fprintf(stderr, "passgate check: booking code: %s\n", party_error(r));
	return r;
}

int check_codes_receipt(struct check_codes *cc, const struct rules_program *p, const char *tz,
			int64_t now, const struct cred *c, struct rules_context *ctx)
{
	struct receiptcode rc;
	int r;

	if (!cc->receipt)
		return 0;
	r = party_receipt_read(cc->receipt, strlen(cc->receipt), receiptkeys_lookup, cc->ring, p,
			       tz, now, &rc);
	if (r >= 0)
		r = c ? party_receipt_context(&rc, c, p, tz, now, ctx) : -EPERM;
	if (r < 0)
		fprintf(stderr, "passgate check: receipt code ignored: %s\n", party_error(r));
	return 0;
}
