/* SPDX-License-Identifier: MIT */
/*
 * datetime.h - calendar arithmetic, date/date-time parsing and local dates in a time zone.
 *
 * Two kinds of time appear in the rules engine: instants (Unix seconds, or milliseconds for
 * CertLogic date-times) and local calendar dates in the venue's IANA time zone, counted as days
 * since 1970-01-01 (PROGRAMS.md, "Local dates"). The zone is data: rules_local_days() and
 * rules_time_parse() read the zone's offsets from the system's zoneinfo (zone.h) and never
 * read or change the process's TZ, which belongs to main().
 */
#ifndef PASSGATE_RULES_DATETIME_H
#define PASSGATE_RULES_DATETIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Day numbers (days since 1970-01-01) and months: isotime_days_from_civil(),
 * isotime_civil_from_days() and isotime_days_in_month() in credential/isotime.h. */

/* Parse a strict local date "YYYY-MM-DD" (a real calendar date) into days since the epoch. */
int rules_date_parse(const char *s, int64_t *ret_days);
/* Format days since the epoch as "YYYY-MM-DD" into buf (>= 11 bytes). */
void rules_date_format(int64_t days, char *buf, size_t size);

/*
 * Parse a CertLogic date or date-time (CertLogic spec 1.3.3, "Offset date-time"): YYYY, YYYY-MM
 * (the last day consistent with it, as dccDateOfBirth), YYYY-MM-DD, or a date-time with seconds
 * as isotime_scan() reads it (every offset form of the spec's list); no offset means Z. Result
 * in milliseconds since the epoch, sub-milliseconds dropped. -EINVAL on anything else,
 * including impossible dates.
 */
int rules_dt_parse(const char *s, int64_t *ret_ms);
/* "YYYY-MM-DDThh:mm:ss.mmmZ" of @ms into buf (>= 32 bytes). */
void rules_dt_format(int64_t ms, char *buf, size_t size);

/*
 * Parse an ISO 8601 instant for --at and context values: YYYY-MM-DDThh:mm[:ss[.S]] followed by
 * an offset as isotime_scan() reads it (Z, ±hh:mm, ±hhmm, ±hh, ...). Without an offset the time
 * is local to @tz (which must then be non-NULL and valid). Result in Unix seconds.
 */
int rules_time_parse(const char *s, const char *tz, int64_t *ret_unix);

/* True when @tz names a zone in the system zoneinfo (TZDIR or /usr/share/zoneinfo). */
bool rules_tz_valid(const char *tz);

/* The local calendar date (days since the epoch) of instant @unix in zone @tz (-EINVAL for an
 * unknown zone). */
int rules_local_days(int64_t unix_time, const char *tz, int64_t *ret_days);

#endif
