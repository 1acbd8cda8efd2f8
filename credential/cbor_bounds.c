/* SPDX-License-Identifier: MIT */
/*
 * cbor_bounds.c - iterative well-formedness and bounds walk over CBOR bytes (RFC 8949 §3,
 * appendix C), so that libcbor only ever loads items whose depth and widths are bounded.
 *
 * The walk keeps one frame per open container on a fixed array of CRED_MAX_DEPTH frames; a
 * container opened beyond that is -E2BIG. It checks what libcbor would otherwise trust:
 * string lengths against the bytes left, reserved additional-information values (28..30),
 * a "break" outside an indefinite-length container, and indefinite-length strings made of
 * anything but definite chunks of their own major type (§3.2.3).
 */
#include <errno.h>
#include <stdbool.h>

#include "credential/cbor_bounds.h"
#include "credential/verify.h"

enum frame_kind {
	FRAME_ARRAY,
	FRAME_MAP,
	FRAME_TAG,
	FRAME_STRING, /* indefinite-length byte or text string: a run of chunks up to "break" */
};

struct frame {
	enum frame_kind kind;
	bool indefinite;
	uint8_t major;	/* FRAME_STRING: the major type its chunks must have */
	uint64_t left;	/* definite: items still to come (keys and values both count in a map) */
	uint64_t count; /* indefinite: items seen so far */
};

/* Read the argument of the header at @p (RFC 8949 §3); -EBADMSG when truncated/reserved. */
static int read_head(const uint8_t *data, size_t len, size_t *pos, uint8_t *major, uint8_t *ai,
		     uint64_t *arg)
{
	size_t p = *pos, width;
	uint64_t v = 0;

	if (p >= len)
		return -EBADMSG;
	*major = data[p] >> 5;
	*ai = data[p] & 0x1f;
	p++;
	if (*ai < 24) {
		v = *ai;
		width = 0;
	} else if (*ai <= 27) {
		width = (size_t)1 << (*ai - 24);
	} else if (*ai == 31) {
		width = 0;
	} else {
		return -EBADMSG;
	}
	if (len - p < width)
		return -EBADMSG;
	for (size_t i = 0; i < width; i++)
		v = v << 8 | data[p + i];
	*pos = p + width;
	*arg = v;
	return 0;
}

int cbor_bounds_check(const uint8_t *data, size_t len, size_t *ret_used)
{
	struct frame stack[CRED_MAX_DEPTH];
	size_t depth = 0, pos = 0;
	int r;

	for (;;) {
		struct frame *top = depth ? &stack[depth - 1] : NULL;
		uint8_t major, ai;
		uint64_t arg;
		bool complete = false;

		if (pos < len && data[pos] == 0xff && top && top->indefinite) {
			/* "break" closes the innermost indefinite container; a map must have
			 * seen whole pairs. */
			if (top->kind == FRAME_MAP && top->count % 2)
				return -EBADMSG;
			pos++;
			depth--;
			complete = true;
		} else {
			r = read_head(data, len, &pos, &major, &ai, &arg);
			if (r < 0)
				return r;
			if (top && top->kind == FRAME_STRING && (major != top->major || ai == 31))
				return -EBADMSG;
			switch (major) {
			case 0: /* unsigned, negative integer */
			case 1:
				if (ai == 31)
					return -EBADMSG;
				complete = true;
				break;
			case 2: /* byte, text string */
			case 3:
				if (ai == 31) {
					if (depth == CRED_MAX_DEPTH)
						return -E2BIG;
					stack[depth++] = (struct frame){ .kind = FRAME_STRING,
									 .indefinite = true,
									 .major = major };
					break;
				}
				if (arg > len - pos)
					return -EBADMSG;
				pos += (size_t)arg;
				complete = true;
				break;
			case 4: /* array, map */
			case 5:
				if (ai != 31 && arg > CRED_MAX_ARRAY)
					return -E2BIG;
				if (ai != 31 && arg == 0) {
					complete = true;
					break;
				}
				if (depth == CRED_MAX_DEPTH)
					return -E2BIG;
				stack[depth++] = (struct frame){
					.kind = major == 4 ? FRAME_ARRAY : FRAME_MAP,
					.indefinite = ai == 31,
					.left = major == 4 ? arg : arg * 2,
				};
				break;
			case 6: /* tag: exactly one item follows */
				if (ai == 31)
					return -EBADMSG;
				if (depth == CRED_MAX_DEPTH)
					return -E2BIG;
				stack[depth++] = (struct frame){ .kind = FRAME_TAG, .left = 1 };
				break;
			default: /* 7: simple values and floats; a lone break is malformed */
				if (ai == 31)
					return -EBADMSG;
				if (ai == 24 && arg < 32)
					return -EBADMSG; /* §3.3: two-byte encoding of a one-byte
							    value */
				complete = true;
				break;
			}
		}

		/* An item finished: count it in its container, closing definite containers that
		 * are now full, which in turn completes them as items of their own parent. */
		while (complete) {
			if (!depth) {
				if (ret_used)
					*ret_used = pos;
				return 0;
			}
			top = &stack[depth - 1];
			if (top->indefinite) {
				top->count++;
				if ((top->kind == FRAME_ARRAY && top->count > CRED_MAX_ARRAY) ||
				    (top->kind == FRAME_MAP && top->count > 2 * CRED_MAX_ARRAY))
					return -E2BIG;
				complete = false;
			} else if (--top->left == 0) {
				depth--;
			} else {
				complete = false;
			}
		}
	}
}
