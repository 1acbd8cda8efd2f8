/* SPDX-License-Identifier: MIT */
/*
 * isotime.c - ISO 8601 date-times (the RFC 3339 profile) to Unix seconds and back.
 *
 * The civil-date arithmetic is the well-known days-from-civil algorithm on the proleptic
 * Gregorian calendar, so no time zone database or mktime() is involved: FHIR dateTime
 * (effectiveDateTime), `--at` and the JSON output all carry explicit offsets.
 *
 * isotime_scan() is passgate's one ISO 8601 reader. Its grammar is the union of the forms the
 * callers meet: RFC 3339 §5.6 date-times (FHIR, the DCC "sc" field, hcert §2.6.3), ISO 8601's
 * basic offsets, and the list of CertLogic 1.3.3 "Offset date-time" (one-digit offset hours,
 * partial dates). It reports which parts it found, and each caller decides which it requires:
 * isotime_parse() here, hcert_parse_datetime(), and the rules' CertLogic and --at readers.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "credential/isotime.h"

/* Howard Hinnant's days_from_civil: eras of 400 years (146097 days), years from March. */
int64_t isotime_days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void isotime_civil_from_days(int64_t z, int64_t *ret_y, int64_t *ret_m, int64_t *ret_d)
{
	int64_t era, doe, yoe, doy, mp, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	m = mp < 10 ? mp + 3 : mp - 9;
	*ret_d = doy - (153 * mp + 2) / 5 + 1;
	*ret_m = m;
	*ret_y = yoe + era * 400 + (m <= 2);
}

int isotime_days_in_month(int64_t y, int64_t m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12)
		return 0;
	return days[m - 1] + (m == 2 && leap);
}

/* Exactly @n digits at *p as a number; advances *p past them. */
static bool digits(const char **p, size_t n, int64_t *ret)
{
	int64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*ret = v;
	return true;
}

/* YYYY[-MM[-DD]] at *p; a partial date is the last day consistent with it (dccDateOfBirth). */
static bool scan_date(const char **p, bool partial, int64_t *ret_days)
{
	int64_t y, m = 12, d = 31;

	if (!digits(p, 4, &y))
		return false;
	if (**p == '-') {
		(*p)++;
		if (!digits(p, 2, &m) || m < 1 || m > 12)
			return false;
		d = isotime_days_in_month(y, m);
		if (**p == '-') {
			(*p)++;
			if (!digits(p, 2, &d) || d < 1 || d > isotime_days_in_month(y, m))
				return false;
		} else if (!partial) {
			return false;
		}
	} else if (!partial) {
		return false;
	}
	*ret_days = isotime_days_from_civil(y, m, d);
	return true;
}

/* hh:mm[:ss[(.|,)S...]] at *p in milliseconds of the day; sets *has_sec when seconds came. */
static bool scan_time(const char **p, int64_t *ret_ms, bool *has_sec)
{
	int64_t h, mi, sec = 0, frac = 0, scale = 100;

	if (!digits(p, 2, &h) || **p != ':')
		return false;
	(*p)++;
	if (!digits(p, 2, &mi))
		return false;
	*has_sec = **p == ':';
	if (*has_sec) {
		(*p)++;
		if (!digits(p, 2, &sec))
			return false;
		if (**p == '.' || **p == ',') {
			(*p)++;
			if (**p < '0' || **p > '9')
				return false;
			/* Any number of decimals; beyond the millisecond they are dropped. */
			for (; **p >= '0' && **p <= '9'; (*p)++) {
				frac += (**p - '0') * scale;
				scale /= 10;
			}
		}
	}
	/* 60 is a leap second (RFC 3339 §5.7): it counts as the next minute's first second. */
	if (h > 23 || mi > 59 || sec > 60)
		return false;
	*ret_ms = ((h * 60 + mi) * 60 + sec) * 1000 + frac;
	return true;
}

/*
 * Z, or a sign then h, hh, hmm, hhmm, h:mm or hh:mm: RFC 3339's ±hh:mm, ISO 8601's basic
 * ±hhmm and ±hh, and CertLogic's one-digit hours. The colon-less forms are told apart by their
 * digit count (1..4).
 */
static bool scan_offset(const char **p, int64_t *ret_minutes)
{
	const char *q = *p;
	int64_t sign, h, mi = 0;
	size_t n = 0;

	if (*q == 'Z' || *q == 'z') {
		*p = q + 1;
		*ret_minutes = 0;
		return true;
	}
	if (*q != '+' && *q != '-')
		return false;
	sign = *q == '-' ? -1 : 1;
	q++;
	while (q[n] >= '0' && q[n] <= '9')
		n++;
	if (n == 0 || n > 4 || (q[n] == ':' && n > 2))
		return false;
	if (q[n] == ':') {
		if (!digits(&q, n, &h))
			return false;
		q++;
		if (!digits(&q, 2, &mi))
			return false;
	} else if (n <= 2) {
		if (!digits(&q, n, &h))
			return false;
	} else if (!digits(&q, n - 2, &h) || !digits(&q, 2, &mi)) {
		return false;
	}
	if (h > 23 || mi > 59)
		return false;
	*p = q;
	*ret_minutes = sign * (h * 60 + mi);
	return true;
}

int isotime_scan(const char *s, unsigned flags, int64_t *ret_ms)
{
	const char *p = s;
	int64_t days, tod = 0, off = 0;
	int found = 0;
	bool has_sec;

	if (!s || !scan_date(&p, flags & ISOTIME_PARTIAL_DATE, &days))
		return -EINVAL;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		/* Only a full date may carry a time. */
		if (p - s != 10)
			return -EINVAL;
		p++;
		if (!scan_time(&p, &tod, &has_sec))
			return -EINVAL;
		found |= ISOTIME_TIME | (has_sec ? ISOTIME_SECONDS : 0);
		if (*p != '\0') {
			if (!scan_offset(&p, &off))
				return -EINVAL;
			found |= ISOTIME_OFFSET;
		}
	}
	if (*p != '\0')
		return -EINVAL;
	*ret_ms = days * ISOTIME_MS_PER_DAY + tod - off * 60000;
	return found;
}

int64_t isotime_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return q * b > a ? q - 1 : q;
}

int isotime_parse(const char *s, int64_t *ret)
{
	int64_t ms;
	int r = isotime_scan(s, 0, &ms);

	/* A date-time without an offset names no instant (a date alone is UTC midnight). */
	if (r < 0 || ((r & ISOTIME_TIME) && !(r & ISOTIME_OFFSET)))
		return -EINVAL;
	*ret = isotime_floor_div(ms, 1000);
	return 0;
}

void isotime_format(int64_t t, char buf[ISOTIME_MAX])
{
	int64_t days = isotime_floor_div(t, 86400), y;
	int64_t rem = t - days * 86400, m, d;

	isotime_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(buf, ISOTIME_MAX, "%s",
			 y < 0 ? "0000-01-01T00:00:00Z" : "9999-12-31T23:59:59Z");
		return;
	}
	snprintf(buf, ISOTIME_MAX, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)y, (unsigned)m,
		 (unsigned)d, (unsigned)(rem / 3600), (unsigned)(rem % 3600 / 60),
		 (unsigned)(rem % 60));
}
