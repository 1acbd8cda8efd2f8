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
 * The step budget: every expression node evaluated is one step, and one judgment (all the
 * rules it tries) may take at most this many; past it evaluation fails with -E2BIG. A program
 * whose worst case (rules_logic_cost()) exceeds it is refused at load, so a valid program never
 * meets the budget at run time. A step costs well under a microsecond, so a judgment stays
 * within a few milliseconds whatever a program file says.
 */
#define RULES_LOGIC_MAX_STEPS 10000UL
/* The longest array the data object of a judgment holds (a DCC/SHC lists at most 16 doses);
 * rules_logic_cost() assumes `reduce` iterates no longer array than this or the program's
 * own longest array literal. */
#define RULES_LOGIC_DATA_ARRAY_MAX 16

/*
 * Evaluate @expr against @data. On success *ret holds the value; date-times in it (results of
 * plusTime/dccDateOfBirth) are rendered as "YYYY-MM-DDThh:mm:ss.mmmZ" strings. Returns 0, or
 * -EINVAL (invalid expression, type error), -ELOOP (too deep), -E2BIG (more than
 * RULES_LOGIC_MAX_STEPS steps, or a result of more than that many values), -ENOMEM. When @err
 * is non-NULL it receives a one-line reason on failure.
 */
int rules_logic_eval(const json_t *expr, const json_t *data, json_t **ret, char *err,
		     size_t errlen);

/*
 * Evaluate @expr against @data and reduce the result to a boolean by CertLogic truthiness:
 * *ret is true for truthy, false for falsy; a value that is neither is -EINVAL.
 */
int rules_logic_test(const json_t *expr, const json_t *data, bool *ret, char *err, size_t errlen);

/*
 * rules_logic_test() drawing its steps from *@budget, which it decreases by the steps taken
 * (a judgment passes one budget to all its rules). -E2BIG when the budget runs out.
 */
int rules_logic_test_budget(const json_t *expr, const json_t *data, unsigned long *budget,
			    bool *ret, char *err, size_t errlen);

/*
 * The worst-case number of steps evaluating the valid expression @expr can take, assuming no
 * array longer than RULES_LOGIC_DATA_ARRAY_MAX or @expr's longest array literal (saturates at
 * ULONG_MAX). Program files add up their rules' costs and must stay within
 * RULES_LOGIC_MAX_STEPS.
 */
unsigned long rules_logic_cost(const json_t *expr);

/*
 * Check @expr statically, as the CertLogic validator does: operators known, operand counts,
 * literal forms (no null, non-integer number or object literals), var paths, plusTime units.
 * Returns 0 when valid, -EINVAL with a reason in @err otherwise, -ELOOP when too deep.
 */
int rules_logic_validate(const json_t *expr, char *err, size_t errlen);

#endif
