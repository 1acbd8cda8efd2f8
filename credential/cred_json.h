/* SPDX-License-Identifier: MIT */
/*
 * cred_json.h - the normalized credential as JSON: the "credential" member of
 * `passgate verify` (DESIGN.md), DCC-shaped whatever the source format.
 *
 *   {"format": "shc"|"dcc", "issuer": ..., "kid": ...,
 *    "nam": {"fn","gn","fnt","gnt"}, "dob": ..., "ci": ... (DCC only),
 *    "iat": ISO 8601 | null, "exp": ISO 8601 | null,
 *    "v": [{"dn","sd","dt","mp","tg"}], "t": [{"kind","tt","sc","tr","result"}],
 *    "r": [{"fr","df","du"}]}
 *
 * It carries personal data: it is for stdout by contract, never for a log or a file.
 */
#ifndef PASSGATE_CRED_JSON_H
#define PASSGATE_CRED_JSON_H

#include <jansson.h>

#include "credential/cred.h"

/* A new JSON object for @c (caller json_decref()s it), or NULL when out of memory. */
json_t *cred_to_json(const struct cred *c);

/* "negative", "positive" or "inconclusive". */
const char *cred_test_result_name(enum cred_test_result r);

#endif
