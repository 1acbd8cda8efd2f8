/* SPDX-License-Identifier: MIT */
/*
 * isotime.c - ISO 8601 date-times (the RFC 3339 profile) to Unix seconds and back.
 *
 * The civil-date arithmetic is the well-known days-from-civil algorithm on the proleptic
 * Gregorian calendar, so no time zone database or mktime() is involved: FHIR dateTime
 * (effectiveDateTime), `--at` and the JSON output all carry explicit offsets.
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

static bool digits(const char *s, size_t n, unsigned *ret)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*ret = v;
	return true;
}

int isotime_parse(const char *s, int64_t *ret)
{
	unsigned y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0;
	int64_t t;
	int sign = 0;
	const char *p;

	if (strlen(s) < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d))
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > (unsigned)isotime_days_in_month(y, mo))
		return -EINVAL;
	p = s + 10;
	if (*p == 0)
		goto done;
	if ((*p != 'T' && *p != 't' && *p != ' ') || !digits(p + 1, 2, &h) || p[3] != ':' ||
	    !digits(p + 4, 2, &mi))
		return -EINVAL;
	p += 6;
	if (*p == ':') {
		if (!digits(p + 1, 2, &sec))
			return -EINVAL;
		p += 3;
		if (*p == '.' || *p == ',') {
			p++;
			if (*p < '0' || *p > '9')
				return -EINVAL;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (!digits(p + 1, 2, &oh))
			return -EINVAL;
		p += 3;
		if (*p == ':')
			p++;
		if (!digits(p, 2, &om))
			return -EINVAL;
		p += 2;
		if (oh > 23 || om > 59)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (*p != 0)
		return -EINVAL;
done:
	t = isotime_days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + sec;
	t -= sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
	*ret = t;
	return 0;
}

void isotime_format(int64_t t, char buf[ISOTIME_MAX])
{
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400, y;
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
