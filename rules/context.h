/* SPDX-License-Identifier: MIT */
/*
 * context.h - the context of a check: the venue's and the visitor's circumstances that the
 * credential does not say (PROGRAMS.md, "Context keys"): residence, trip_start, night,
 * reserved_on, alert_level, the flags, restrictions, group_size, age and guardian.
 *
 * Values arrive as text (`passgate check --set KEY=VALUE`, the kiosk's session state) and are
 * typed and checked when set, so that rules see integers, booleans and dates, never strings to
 * parse. A program file may declare keys of its own in its "context" defaults; those are typed
 * by their default value. The caller frees a context with rules_context_free().
 */
#ifndef PASSGATE_RULES_CONTEXT_H
#define PASSGATE_RULES_CONTEXT_H

struct rules_context;
struct rules_program;

int rules_context_new(struct rules_context **ret);
void rules_context_free(struct rules_context *c);

/*
 * Set @key to the text @value. @program may be NULL (then only the keys of PROGRAMS.md are
 * known). Returns -ENOENT for an unknown key, -EINVAL for a value of the wrong form or range
 * (dates are YYYY-MM-DD, booleans true/false, integers decimal), -ENOMEM.
 */
int rules_context_set(struct rules_context *c, const struct rules_program *program, const char *key,
		      const char *value);

/* A copy of @src, freed with rules_context_free(). */
int rules_context_copy(const struct rules_context *src, struct rules_context **ret);

/* Remove @key (back to its default). */
void rules_context_unset(struct rules_context *c, const char *key);

/* Set @key in @dst to its value in @src, or unset it when @src has none. 0 or -ENOMEM. */
int rules_context_copy_key(struct rules_context *dst, const struct rules_context *src,
			   const char *key);

#endif
