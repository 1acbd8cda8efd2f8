/* SPDX-License-Identifier: MIT */
/*
 * program_internal.h - the parsed form of a program file, shared by program.c (which builds it)
 * and judge.c/context.c (which read it). Not installed, not for other modules.
 */
#ifndef PASSGATE_RULES_PROGRAM_INTERNAL_H
#define PASSGATE_RULES_PROGRAM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "rules/program.h"
#include "rules/reasons.h"

/* An inclusive range of local dates, days since the epoch; INT64_MIN/MAX when open. */
struct rules_span {
	int64_t from;
	int64_t until;
};

struct rules_rule {
	const char *id;	    /* borrowed from the program's JSON */
	const json_t *when; /* CertLogic expression, borrowed */
	enum rules_reason reason;
};

struct rules_version {
	struct rules_span span;
	bool suspended;
	size_t n_rules;
	struct rules_rule *rules;
};

struct rules_program {
	json_t *root; /* the parsed file; every borrowed string and expression lives in it */
	const char *id;
	const char *name[2];
	const char *seed;
	const char *referral[2];
	const char *receipt[2];
	size_t n_windows; /* 0 = always active */
	struct rules_span windows[RULES_PROGRAM_MAX_WINDOWS];
	size_t n_versions;
	struct rules_version versions[RULES_PROGRAM_MAX_VERSIONS];
	const json_t *context;	 /* object: defaults for context keys (typed) */
	const json_t *group_all; /* expression: one failure excludes the group; NULL = never */
	bool needs_credential;	 /* some rule reads "credential" (or the whole data object) */
	bool lodging;		 /* "lodging": stays of one or more nights (trip_start, night) */
	json_t *ctx_defaults;	 /* owned: built-in defaults overridden by "context", no dates */
};

struct rules_context;

/* context.c: check a program's "context" defaults against the key table. */
int rules_context_check_defaults(const json_t *obj, char *err, size_t errlen);
/* context.c: built-in defaults (dates excluded) overridden by @program_ctx (may be NULL). */
int rules_context_defaults(const json_t *program_ctx, json_t **ret);
/*
 * context.c: the typed context object a rule sees: built-in defaults < program defaults <
 * @session < @person (either may be NULL); dates defaulting to the check date get @check_days.
 */
int rules_context_build(const struct rules_program *p, const struct rules_context *session,
			const struct rules_context *person, int64_t check_days, json_t **ret);

#endif
