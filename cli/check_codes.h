/* SPDX-License-Identifier: MIT */
/*
 * check_codes.h - the options of `passgate check` for the codes a party shows at the gate
 * (docs/codes.md), judged as passgated judges them (daemon/party.h):
 *
 *   --booking-code TEXT   a booking code; with --booking-key B64 (repeatable, the kiosk's
 *                         [booking] key) and --venue ID (the gate's [venue] id)
 *   --receipt-code TEXT   the previous night's receipt code; with --receipt-key
 *                         VENUE/KIOSK=B64 (repeatable, the keys the city's trust update lists)
 *
 * A booking code that the gate would refuse is a deny with its reason; a receipt code that the
 * gate would ignore is ignored, with the reason on stderr.
 */
#ifndef PASSGATE_CLI_CHECK_CODES_H
#define PASSGATE_CLI_CHECK_CODES_H

#include <stdint.h>

#include "credential/cred.h"
#include "rules/context.h"
#include "rules/judge.h"

struct check_codes;

int check_codes_new(struct check_codes **ret);
void check_codes_free(struct check_codes *cc);

/* Take this file's options out of argv (as trust_opts does). Returns the new argc, or -EINVAL
 * after a message. */
int check_codes_take(struct check_codes *cc, int argc, char **argv);

/*
 * Apply the booking code, if any, to the party context @ctx. Returns 0 (nothing to apply, or
 * applied), 1 when the gate would deny it (*ret_deny filled), -errno on failure (reported).
 */
int check_codes_booking(struct check_codes *cc, const struct rules_program *p, const char *tz,
			int64_t now, struct rules_context *ctx, struct rules_decision *ret_deny);

/* Apply the receipt code, if any, for the holder of @c (NULL: none) to @ctx. Always 0 unless
 * out of memory; a receipt the gate would ignore is reported on stderr. */
int check_codes_receipt(struct check_codes *cc, const struct rules_program *p, const char *tz,
			int64_t now, const struct cred *c, struct rules_context *ctx);

#endif
