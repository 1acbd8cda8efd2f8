/* SPDX-License-Identifier: MIT */
/*
 * json_bounds.c - nesting and array-length bounds of JSON text, checked before parsing.
 *
 * A single pass over the bytes: strings (with their escapes) are skipped, '[' and '{' open a
 * level, ',' at an array level counts an entry. The stack of array counters is bounded by the
 * depth limit, so the check itself needs no allocation whatever the input.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "credential/json_bounds.h"
#include "credential/verify.h"

#define BOUNDS_STACK_MAX 64

int json_bounds_check(const char *text, size_t len, unsigned max_depth, size_t max_array)
{
	/* Per open container: is it an array, how many entries so far, any value seen yet. */
	bool is_array[BOUNDS_STACK_MAX];
	size_t count[BOUNDS_STACK_MAX];
	unsigned depth = 0;
	bool in_string = false;

	if (max_depth >= BOUNDS_STACK_MAX)
		max_depth = BOUNDS_STACK_MAX - 1;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (in_string) {
			if (c == '\\')
				i++; /* the escaped character cannot end the string */
			else if (c == '"')
				in_string = false;
			continue;
		}
		switch (c) {
		case '"':
			in_string = true;
			break;
		case '[':
		case '{':
			if (depth > 0 && is_array[depth - 1] && count[depth - 1] == 0)
				count[depth - 1] = 1;
			if (depth >= max_depth)
				return -E2BIG;
			is_array[depth] = c == '[';
			count[depth] = 0;
			depth++;
			break;
		case ']':
		case '}':
			if (depth == 0 || is_array[depth - 1] != (c == ']'))
				return -EBADMSG;
			depth--;
			break;
		case ',':
			if (depth > 0 && is_array[depth - 1]) {
				count[depth - 1]++;
				if (count[depth - 1] > max_array)
					return -E2BIG;
			}
			break;
		case ' ':
		case '\t':
		case '\r':
		case '\n':
			break;
		default:
			/* A scalar value: the first entry of an array counts once it appears. */
			if (depth > 0 && is_array[depth - 1] && count[depth - 1] == 0)
				count[depth - 1] = 1;
			break;
		}
		if (depth > 0 && is_array[depth - 1] && c == '"' && count[depth - 1] == 0)
			count[depth - 1] = 1;
	}
	if (in_string || depth != 0)
		return -EBADMSG;
	return 0;
}

int json_bounds_check_cred(const char *text, size_t len)
{
	return json_bounds_check(text, len, CRED_MAX_DEPTH, CRED_MAX_ARRAY);
}
