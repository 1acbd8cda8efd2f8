/* SPDX-License-Identifier: MIT */
/*
 * json_bounds.h - a pre-parse check of JSON text against nesting and array-length bounds.
 *
 * jansson builds the whole tree before anyone can look at it; this scan runs first, in
 * constant memory, so that outsider-controlled JSON (an SHC payload or header) deeper than
 * CRED_MAX_DEPTH or with an array of more than CRED_MAX_ARRAY entries is refused before it
 * costs a parse (DESIGN.md, failure rules). It checks structure only; jansson still validates.
 */
#ifndef PASSGATE_JSON_BOUNDS_H
#define PASSGATE_JSON_BOUNDS_H

#include <stddef.h>

/* 0 when @text (@len bytes) nests at most @max_depth containers and no array holds more than
 * @max_array entries; -E2BIG when it does. Unbalanced brackets and unterminated strings are
 * -EBADMSG (the parser would refuse them too). */
int json_bounds_check(const char *text, size_t len, unsigned max_depth, size_t max_array);

/* json_bounds_check() with CRED_MAX_DEPTH and CRED_MAX_ARRAY (verify.h). */
int json_bounds_check_cred(const char *text, size_t len);

#endif
