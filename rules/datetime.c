/* SPDX-License-Identifier: MIT */
/*
 * datetime.c - the calendar under the rules: proleptic Gregorian day numbers, the date and
 * date-time formats of CertLogic (spec 1.3.3, "Offset date-time" and "DCC Date of birth"), ISO
 * 8601 instants for --at, and the local date of an instant in the venue's IANA zone.
 *
 * Day numbers come from credential/isotime.h (the one calendar passgate has). Local dates are
 * the one place that needs the zone database; there we rely on the C library (TZ + tzset +
 * localtime_r) rather than parse TZif ourselves. See datetime.h on thread safety.
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

#define MS_PER_DAY 86400000LL

/* Read exactly @n digits at *p; advances *p. */
static int digits(const char **p, int n, int64_t *ret)
{
	int64_t v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -EINVAL;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*ret = v;
	return 0;
}

/* YYYY[-MM[-DD]] at *p; a partial date is the last day consistent with it (dccDateOfBirth). */
static int parse_date_part(const char **p, bool allow_partial, int64_t *ret_days)
{
	int64_t y, m = 12, d = 31;

	if (digits(p, 4, &y) < 0)
		return -EINVAL;
	if (**p == '-') {
		(*p)++;
		if (digits(p, 2, &m) < 0 || m < 1 || m > 12)
			return -EINVAL;
		d = isotime_days_in_month(y, m);
		if (**p == '-') {
			(*p)++;
			if (digits(p, 2, &d) < 0 || d < 1 || d > isotime_days_in_month(y, m))
				return -EINVAL;
		} else if (!allow_partial) {
			return -EINVAL;
		}
	} else if (!allow_partial) {
		return -EINVAL;
	}
	*ret_days = isotime_days_from_civil(y, m, d);
	return 0;
}

int rules_date_parse(const char *s, int64_t *ret_days)
{
	const char *p = s;
	int64_t days;

	if (!s || parse_date_part(&p, false, &days) < 0 || *p != '\0')
		return -EINVAL;
	*ret_days = days;
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

/*
 * Time zone designator of CertLogic: Z, or [+-] then h, hh, hmm, hhmm, h:mm or hh:mm.
 * The forms without a colon are told apart by their digit count (1..4).
 */
static int parse_offset(const char **p, int64_t *ret_minutes)
{
	const char *q = *p;
	int64_t sign, h = 0, mi = 0;
	size_t n = 0;

	if (*q == 'Z') {
		*p = q + 1;
		*ret_minutes = 0;
		return 0;
	}
	if (*q != '+' && *q != '-')
		return -EINVAL;
	sign = *q == '-' ? -1 : 1;
	q++;
	while (isdigit((unsigned char)q[n]))
		n++;
	if (n == 0 || n > 4)
		return -EINVAL;
	if (q[n] == ':') {
		if (n > 2)
			return -EINVAL;
		if (digits(&q, (int)n, &h) < 0)
			return -EINVAL;
		q++;
		if (digits(&q, 2, &mi) < 0)
			return -EINVAL;
	} else if (n <= 2) {
		if (digits(&q, (int)n, &h) < 0)
			return -EINVAL;
	} else {
		if (digits(&q, (int)n - 2, &h) < 0 || digits(&q, 2, &mi) < 0)
			return -EINVAL;
	}
	if (h > 23 || mi > 59)
		return -EINVAL;
	*p = q;
	*ret_minutes = sign * (h * 60 + mi);
	return 0;
}

/* hh:mm[:ss[.S...]] at *p into milliseconds of the day; seconds optional when @need_sec false. */
static int parse_time_part(const char **p, bool need_sec, int64_t *ret_ms)
{
	int64_t h, mi, sec = 0, frac = 0;
	int scale = 100;

	if (digits(p, 2, &h) < 0 || **p != ':')
		return -EINVAL;
	(*p)++;
	if (digits(p, 2, &mi) < 0)
		return -EINVAL;
	if (**p == ':') {
		(*p)++;
		if (digits(p, 2, &sec) < 0)
			return -EINVAL;
		if (**p == '.') {
			(*p)++;
			if (!isdigit((unsigned char)**p))
				return -EINVAL;
			/* Any number of decimals; beyond the third they are dropped (round down).
			 */
			while (isdigit((unsigned char)**p)) {
				frac += (**p - '0') * scale;
				scale /= 10;
				(*p)++;
			}
		}
	} else if (need_sec) {
		return -EINVAL;
	}
	if (h > 23 || mi > 59 || sec > 59)
		return -EINVAL;
	*ret_ms = ((h * 60 + mi) * 60 + sec) * 1000 + frac;
	return 0;
}

int rules_dt_parse(const char *s, int64_t *ret_ms)
{
	const char *p = s;
	int64_t days, tod = 0, off = 0;

	if (!s || parse_date_part(&p, true, &days) < 0)
		return -EINVAL;
	if (*p == 'T') {
		/* Only a full date may carry a time. */
		if (p - s != 10)
			return -EINVAL;
		p++;
		if (parse_time_part(&p, true, &tod) < 0)
			return -EINVAL;
		if (*p != '\0' && parse_offset(&p, &off) < 0)
			return -EINVAL;
	}
	if (*p != '\0')
		return -EINVAL;
	*ret_ms = days * MS_PER_DAY + tod - off * 60000;
	return 0;
}

void rules_dt_format(int64_t ms, char *buf, size_t size)
{
	int64_t days = ms >= 0 ? ms / MS_PER_DAY : -((-ms + MS_PER_DAY - 1) / MS_PER_DAY);
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

/* Select zone @tz for the C library; the caller has checked it with rules_tz_valid(). */
static int use_zone(const char *tz)
{
	const char *cur = getenv("TZ");

	if (!cur || strcmp(cur, tz) != 0) {
		if (setenv("TZ", tz, 1) < 0)
			return -errno;
	}
	tzset();
	return 0;
}

int rules_time_parse(const char *s, const char *tz, int64_t *ret_unix)
{
	const char *p = s;
	int64_t days, tod, off;

	if (!s || parse_date_part(&p, false, &days) < 0 || (*p != 'T' && *p != ' '))
		return -EINVAL;
	p++;
	if (parse_time_part(&p, false, &tod) < 0)
		return -EINVAL;
	if (*p == '\0') {
		/* Local wall time in the venue's zone: let mktime resolve the offset. */
		struct tm tm = { 0 };
		int64_t y, m, d;
		time_t t;

		if (!tz || !rules_tz_valid(tz) || use_zone(tz) < 0)
			return -EINVAL;
		isotime_civil_from_days(days, &y, &m, &d);
		if (y < 1900 || y > 9999)
			return -EINVAL;
		tm.tm_year = (int)(y - 1900);
		tm.tm_mon = (int)(m - 1);
		tm.tm_mday = (int)d;
		tm.tm_hour = (int)(tod / 3600000);
		tm.tm_min = (int)(tod / 60000 % 60);
		tm.tm_sec = (int)(tod / 1000 % 60);
		tm.tm_isdst = -1;
		t = mktime(&tm);
		if (t == (time_t)-1)
			return -EINVAL;
		*ret_unix = (int64_t)t;
		return 0;
	}
	if (parse_offset(&p, &off) < 0 || *p != '\0')
		return -EINVAL;
	*ret_unix = days * 86400 + tod / 1000 - off * 60;
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
	const char *cur = getenv("TZ");
	time_t t = (time_t)unix_time;
	struct tm tm;
	int r;

	/* TZ already names @tz only when an earlier call checked it (or the user set it). */
	if ((!cur || strcmp(cur, tz) != 0) && !rules_tz_valid(tz))
		return -EINVAL;
	r = use_zone(tz);
	if (r < 0)
		return r;
	if (!localtime_r(&t, &tm))
		return -EOVERFLOW;
	*ret_days = isotime_days_from_civil((int64_t)tm.tm_year + 1900, (int64_t)tm.tm_mon + 1,
					    tm.tm_mday);
	return 0;
}
