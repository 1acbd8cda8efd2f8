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

/*
 * The proleptic Gregorian calendar as day numbers: days since 1970-01-01 of y-m-d (m 1..12,
 * d 1..31, not checked: a day past the month's end counts on into the next), its inverse, and
 * the length of month m (1..12; 0 for another m) of year y. Exact over the whole int64 range the
 * callers use, without the C library's time_t limits. The one copy passgate has: credential/
 * and rules/ both count days with these.
 */
int64_t isotime_days_from_civil(int64_t y, int64_t m, int64_t d);
void isotime_civil_from_days(int64_t days, int64_t *ret_y, int64_t *ret_m, int64_t *ret_d);
int isotime_days_in_month(int64_t y, int64_t m);

#endif
