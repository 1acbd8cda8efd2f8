/* SPDX-License-Identifier: MIT */
/*
 * cbor_bounds.h - a pre-check of outsider CBOR bytes before libcbor builds a tree of them.
 *
 * libcbor's loader and cbor_decref() recurse once per nesting level and allocate arrays of
 * the announced size, so a few hostile bytes could exhaust the stack or memory. This walk is
 * iterative, allocates nothing and enforces the bounds of verify.h.
 */
#ifndef PASSGATE_CBOR_BOUNDS_H
#define PASSGATE_CBOR_BOUNDS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Check the one CBOR data item (RFC 8949) at the start of @data. Containers (arrays, maps,
 * tags, indefinite-length strings) may nest at most CRED_MAX_DEPTH deep, and an array or map
 * may hold at most CRED_MAX_ARRAY entries (pairs for a map), definite or indefinite length.
 * On success *ret_used (if non-NULL) is the item's length in bytes, which may be less than
 * @len. -E2BIG when a bound is exceeded, -EBADMSG when the item is malformed or truncated.
 */
int cbor_bounds_check(const uint8_t *data, size_t len, size_t *ret_used);

#endif
