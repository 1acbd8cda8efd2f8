/* SPDX-License-Identifier: MIT */
/*
 * isotime.h - ISO 8601 / RFC 3339 date-times to Unix seconds and back, without the C library's
 * time zone state (TZ, localtime): the credential and the CLI deal only in explicit offsets.
 */
#ifndef PASSGATE_ISOTIME_H
#define PASSGATE_ISOTIME_H

#include <stdint.h>

#define ISOTIME_MAX 21 /* "YYYY-MM-DDThh:mm:ssZ" plus NUL */

/*
 * Parse @s: "YYYY-MM-DD" (midnight UTC), or "YYYY-MM-DDThh:mm[:ss[.fraction]]" followed by
 * "Z" or "+hh:mm"/"-hh:mm" (also "+hhmm"). A date-time without an offset is refused, since its
 * instant is unknown. Fractions are truncated. -EINVAL when @s is not one of these forms.
 */
int isotime_parse(const char *s, int64_t *ret);

/* Unix seconds as UTC "YYYY-MM-DDThh:mm:ssZ" into @buf. */
void isotime_format(int64_t t, char buf[ISOTIME_MAX]);

/* Days since 1970-01-01 of a proleptic Gregorian date (valid month/day assumed). */
int64_t isotime_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
