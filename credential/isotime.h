/* SPDX-License-Identifier: MIT */
/*
 * isotime.h - ISO 8601 / RFC 3339 date-times to Unix seconds and back, without the C library's
 * time zone state (TZ, localtime): the credential and the CLI deal only in explicit offsets.
 */
#ifndef PASSGATE_ISOTIME_H
#define PASSGATE_ISOTIME_H

#include <stdint.h>

#define ISOTIME_MAX 21 /* "YYYY-MM-DDThh:mm:ssZ" plus NUL */

#define ISOTIME_MS_PER_DAY 86400000LL

/* What isotime_scan() found besides the date: the bits of its non-negative return. */
#define ISOTIME_TIME	1 /* a time of day, "Thh:mm" (also "t" or a space for "T") */
#define ISOTIME_SECONDS 2 /* with seconds, ":ss" and an optional fraction */
#define ISOTIME_OFFSET	4 /* followed by "Z" or a numeric offset */

/* isotime_scan() flag: also "YYYY" and "YYYY-MM", read as the last day they allow (the "DCC
 * Date of birth" reading of CertLogic 1.3.3). */
#define ISOTIME_PARTIAL_DATE 1u

/*
 * The one ISO 8601 reader under every date-time parser of passgate. @s is
 *   YYYY-MM-DD [ ("T" | "t" | " ") hh:mm [ :ss [ ("." | ",") digits ] ] [ offset ] ]
 * where offset is "Z", "z" or a sign and h, hh, hmm, hhmm, h:mm or hh:mm (hours <= 23, minutes
 * <= 59); with ISOTIME_PARTIAL_DATE also YYYY or YYYY-MM alone. The date must exist; seconds
 * may be 60 (a leap second, RFC 3339 §5.7). *ret_ms is milliseconds since the epoch (decimals
 * past the millisecond dropped); without an offset the wall time is read as UTC and the caller
 * decides what it means. Returns the ISOTIME_TIME/SECONDS/OFFSET bits of what was present, or
 * -EINVAL when @s is none of these forms.
 */
int isotime_scan(const char *s, unsigned flags, int64_t *ret_ms);

/* @a divided by @b > 0, rounded towards minus infinity (instants before 1970 are negative). */
int64_t isotime_floor_div(int64_t a, int64_t b);

/*
 * Parse @s: "YYYY-MM-DD" (midnight UTC), or "YYYY-MM-DDThh:mm[:ss[.fraction]]" followed by
 * an offset as isotime_scan() reads it ("Z", "+hh:mm", "-hhmm", ...). A date-time without an
 * offset is refused, since its instant is unknown. Fractions are truncated. -EINVAL when @s is
 * not one of these forms.
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
