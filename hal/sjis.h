/* SPDX-License-Identifier: MIT */
/*
 * sjis.h - UTF-8 <-> Shift-JIS (CP932, the Windows/printer superset: it has ～ and ① that strict
 * SHIFT_JIS lacks) for the ESC/POS Kanji mode and its preview. glibc iconv does the work.
 */
#ifndef PASSGATE_HAL_SJIS_H
#define PASSGATE_HAL_SJIS_H

#include <stddef.h>

/* Converts len bytes; *ret is malloc'd and NUL-terminated (caller frees), *ret_len its length.
 * Returns 0, -EILSEQ for a character the target cannot express or bad input, -ENOMEM. */
int hal_sjis_from_utf8(const char *in, size_t len, char **ret, size_t *ret_len);
int hal_sjis_to_utf8(const char *in, size_t len, char **ret, size_t *ret_len);

#endif
