/* SPDX-License-Identifier: MIT */
/*
 * datetime.c - the calendar under the rules: proleptic Gregorian day numbers, the date and
 * date-time formats of CertLogic (spec 1.3.3, "Offset date-time" and "DCC Date of birth"), ISO
 * 8601 instants for --at, and the local date of an instant in the venue's IANA zone.
 *
 * Day numbers come from credential/isotime.h (the one calendar passgate has). Local dates are
 * the one place that needs the zone database: its offsets come from zone.c, which reads the
 * zone's TZif file as data. Nothing here touches the process's TZ (main() owns it).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "credential/isotime.h"
#include "rules/datetime.h"
#include "rules/zone.h"

#define MS_PER_DAY ISOTIME_MS_PER_DAY

int rules_date_parse(const char *s, int64_t *ret_days)
{
	int64_t ms;

	/* A full date alone: isotime_scan() found no time. */
	if (isotime_scan(s, 0, &ms) != 0)
		return -EINVAL;
	*ret_days = isotime_floor_div(ms, MS_PER_DAY);
	return 0;
}

/* Write @v as exactly @n decimal digits at @p (the judge formats dates on every check). */
static char *put_digits(char *p, int64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

void rules_date_format(int64_t days, char *buf, size_t size)
{
	int64_t y, m, d;
	char *p = buf;

	isotime_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999 || size < 11) {
		snprintf(buf, size, "%04lld-%02lld-%02lld", (long long)y, (long long)m,
			 (long long)d);
		return;
	}
	p = put_digits(p, y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p = '\0';
}

int rules_dt_parse(const char *s, int64_t *ret_ms)
{
	int64_t ms;
	int r = isotime_scan(s, ISOTIME_PARTIAL_DATE, &ms);

	/*
	 * CertLogic differs from isotime_parse() in three ways: partial dates (dccDateOfBirth),
	 * a time must have seconds (every form the spec lists does), and no offset means Z.
	 */
	if (r < 0 || ((r & ISOTIME_TIME) && !(r & ISOTIME_SECONDS)))
		return -EINVAL;
	*ret_ms = ms;
	return 0;
}

void rules_dt_format(int64_t ms, char *buf, size_t size)
{
	int64_t days = isotime_floor_div(ms, MS_PER_DAY);
	int64_t tod = ms - days * MS_PER_DAY, y, m, d;
	char *p = buf;

	isotime_civil_from_days(days, &y, &m, &d);
	if (y >= 0 && y <= 9999 && size >= 25) {
		rules_date_format(days, buf, size);
		p += 10;
		*p++ = 'T';
		p = put_digits(p, tod / 3600000, 2);
		*p++ = ':';
		p = put_digits(p, tod / 60000 % 60, 2);
		*p++ = ':';
		p = put_digits(p, tod / 1000 % 60, 2);
		*p++ = '.';
		p = put_digits(p, tod % 1000, 3);
		*p++ = 'Z';
		*p = '\0';
		return;
	}
	snprintf(buf, size, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", (long long)y,
		 (long long)m, (long long)d, (long long)(tod / 3600000),
		 (long long)(tod / 60000 % 60), (long long)(tod / 1000 % 60),
		 (long long)(tod % 1000));
}

int rules_time_parse(const char *s, const char *tz, int64_t *ret_unix)
{
	int64_t ms, local;
	int32_t off, off2;
	int r = isotime_scan(s, 0, &ms);

	/* An instant needs a time of day; with an offset it is isotime_parse()'s reading. */
	if (r < 0 || !(r & ISOTIME_TIME))
		return -EINVAL;
	if (r & ISOTIME_OFFSET) {
		*ret_unix = isotime_floor_div(ms, 1000);
		return 0;
	}
	/* The difference: local wall time in the venue's zone. Its offset is the one in force
	 * at the instant it names: guessed from the wall time read as UTC, then corrected once
	 * (in a gap or an overlap this picks one side, as mktime() does). */
	if (!tz)
		return -EINVAL;
	local = isotime_floor_div(ms, 1000);
	if (rules_zone_offset(tz, local, &off) < 0 || rules_zone_offset(tz, local - off, &off2) < 0)
		return -EINVAL;
	*ret_unix = local - off2;
	return 0;
}

bool rules_tz_valid(const char *tz)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	struct stat st;

	if (!tz || !*tz || strlen(tz) > 128 || tz[0] == '/' || strstr(tz, ".."))
		return false;
	if (strcmp(tz, "UTC") == 0)
		return true;
	for (const char *c = tz; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("/_+-", *c))
			return false;
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int rules_local_days(int64_t unix_time, const char *tz, int64_t *ret_days)
{
	int32_t off;
	int r;

	r = rules_zone_offset(tz, unix_time, &off);
	if (r < 0)
		return r == -ENOENT ? -EINVAL : r;
	*ret_days = isotime_floor_div(unix_time + off, MS_PER_DAY / 1000);
	return 0;
}
