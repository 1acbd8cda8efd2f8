/* SPDX-License-Identifier: MIT */
/*
 * logic.h - a CertLogic evaluator (specification 1.3.3) on jansson values.
 *
 * CertLogic is the restricted JsonLogic of the EU DCC business rules. Every operation of
 * version 1.3.x is supported: var, if, ===, and, <, >, <=, >= (binary and ternary), in, +, !,
 * plusTime, after, before, not-after, not-before, reduce, extractFromUVCI, dccDateOfBirth.
 * The exact semantics, including where passgate is stricter than the specification leaves
 * room for, are in docs/rules.md. Evaluation never logs and never aborts: an invalid
 * expression or a type mismatch is -EINVAL with a message, as the specification's "throws".
 *
 * Ownership: the expression and the data are borrowed for the call; *ret is a new reference the
 * caller releases with json_decref().
 */
#ifndef PASSGATE_RULES_LOGIC_H
#define PASSGATE_RULES_LOGIC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* Expression nesting (including reduce lambdas) beyond which evaluation fails with -ELOOP. */
#define RULES_LOGIC_MAX_DEPTH 64
/* plusTime amounts beyond this magnitude are rejected (keeps calendar arithmetic exact). */
#define RULES_LOGIC_MAX_AMOUNT 1000000

/*
 * Evaluate @expr against @data. On success *ret holds the value; date-times in it (results of
 * plusTime/dccDateOfBirth) are rendered as "YYYY-MM-DDThh:mm:ss.mmmZ" strings. Returns 0, or
 * -EINVAL (invalid expression, type error), -ELOOP (too deep), -ENOMEM. When @err is non-NULL
 * it receives a one-line reason on failure.
 */
int rules_logic_eval(const json_t *expr, const json_t *data, json_t **ret, char *err,
		     size_t errlen);

/*
 * Evaluate @expr against @data and reduce the result to a boolean by CertLogic truthiness:
 * *ret is true for truthy, false for falsy; a value that is neither is -EINVAL.
 */
int rules_logic_test(const json_t *expr, const json_t *data, bool *ret, char *err, size_t errlen);

/*
 * Check @expr statically, as the CertLogic validator does: operators known, operand counts,
 * literal forms (no null, non-integer number or object literals), var paths, plusTime units.
 * Returns 0 when valid, -EINVAL with a reason in @err otherwise, -ELOOP when too deep.
 */
int rules_logic_validate(const json_t *expr, char *err, size_t errlen);

#endif
