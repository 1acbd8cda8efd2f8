/* SPDX-License-Identifier: MIT */
/*
 * zone.c - the UTC offset of an instant in an IANA zone, from its TZif file (RFC 8536) and,
 * beyond the file's last transition, from its footer: a POSIX TZ string (POSIX.1-2017 8.3,
 * with RFC 8536 section 3.3.1's extension of hours to -167..167).
 *
 * Only what a local date needs is read: transition times, their local time types and the
 * footer; leap seconds and the standard/UT indicators do not change a civil date. Every count
 * is bounded by the buffer it must fit in before anything is indexed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credential/isotime.h"
#include "rules/datetime.h"
#include "rules/zone.h"
#include "util/fileio.h"

#define TZIF_HEADER   44
#define SEC_PER_DAY   86400
#define TZ_FOOTER_MAX 128

struct tzif_block {
	const uint8_t *times; /* timecnt 8-byte (v2+) transition times */
	const uint8_t *idx;   /* timecnt type indices */
	const uint8_t *types; /* typecnt 6-byte ttinfo */
	uint32_t timecnt, typecnt;
	const char *footer; /* the POSIX TZ string, NUL-free, footer_len bytes */
	size_t footer_len;
};

/* A POSIX TZ rule date: Jn, n or Mm.w.d, and the local time of the change. */
struct tz_date {
	char kind; /* 'J', 'n' or 'M' */
	int a, b, c;
	int32_t time;
};

struct tz_rule {
	int32_t std, dst; /* UTC offsets, east positive */
	bool has_dst;
	struct tz_date start, end;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* The v2+ data block and footer of @buf (RFC 8536 section 3). */
static int tzif_read(const uint8_t *buf, size_t len, struct tzif_block *ret)
{
	uint32_t n[6]; /* isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt */
	uint64_t v1, body;
	const uint8_t *h, *end;

	if (len < TZIF_HEADER || memcmp(buf, "TZif", 4) != 0 || buf[4] < '2')
		return -EBADMSG;
	for (int i = 0; i < 6; i++)
		n[i] = be32(buf + 20 + 4 * i);
	v1 = (uint64_t)n[3] * 5 + (uint64_t)n[4] * 6 + n[5] + (uint64_t)n[2] * 8 + n[1] + n[0];
	if (v1 > len - TZIF_HEADER || len - TZIF_HEADER - v1 < TZIF_HEADER)
		return -EBADMSG;
	h = buf + TZIF_HEADER + v1;
	if (memcmp(h, "TZif", 4) != 0)
		return -EBADMSG;
	for (int i = 0; i < 6; i++)
		n[i] = be32(h + 20 + 4 * i);
	body = (uint64_t)n[3] * 9 + (uint64_t)n[4] * 6 + n[5] + (uint64_t)n[2] * 12 + n[1] + n[0];
	end = buf + len;
	if (n[4] == 0 || body > (uint64_t)(end - h - TZIF_HEADER))
		return -EBADMSG;
	ret->times = h + TZIF_HEADER;
	ret->idx = ret->times + (size_t)n[3] * 8;
	ret->types = ret->idx + n[3];
	ret->timecnt = n[3];
	ret->typecnt = n[4];
	for (uint32_t i = 0; i < n[3]; i++)
		if (ret->idx[i] >= n[4])
			return -EBADMSG;
	ret->footer = (const char *)(h + TZIF_HEADER + body);
	ret->footer_len = 0;
	if (ret->footer < (const char *)end && ret->footer[0] == '\n') {
		const char *nl = memchr(ret->footer + 1, '\n',
					(size_t)((const char *)end - ret->footer - 1));

		if (!nl || memchr(ret->footer + 1, '\0', (size_t)(nl - ret->footer - 1)))
			return -EBADMSG;
		ret->footer++;
		ret->footer_len = (size_t)(nl - ret->footer);
	}
	return 0;
}

static int32_t type_utoff(const struct tzif_block *b, unsigned i)
{
	return (int32_t)be32(b->types + 6 * (size_t)i);
}

/* ---- the POSIX TZ footer ---- */

/* A zone abbreviation: <...> or three or more letters. */
static const char *tz_name(const char *p)
{
	const char *s = p;

	if (*p == '<') {
		while (*++p && *p != '>')
			;
		return *p == '>' && p - s >= 4 ? p + 1 : NULL;
	}
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

static const char *tz_number(const char *p, int max, int *ret)
{
	int v = 0, digits = 0;

	while (*p >= '0' && *p <= '9' && digits < 4) {
		v = v * 10 + (*p++ - '0');
		digits++;
	}
	if (!digits || v > max)
		return NULL;
	*ret = v;
	return p;
}

/* [+-]hh[:mm[:ss]] in seconds, hours up to @max_h. */
static const char *tz_hms(const char *p, int max_h, int32_t *ret)
{
	int sign = 1, h, m = 0, s = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	p = tz_number(p, max_h, &h);
	if (p && *p == ':')
		p = tz_number(p + 1, 59, &m);
	if (p && *p == ':')
		p = tz_number(p + 1, 59, &s);
	if (p)
		*ret = sign * (h * 3600 + m * 60 + s);
	return p;
}

static const char *tz_date(const char *p, struct tz_date *d)
{
	d->time = 7200; /* 02:00 */
	d->kind = *p == 'J' || *p == 'M' ? *p++ : 'n';
	if (d->kind == 'J')
		p = tz_number(p, 365, &d->a);
	else if (d->kind == 'n')
		p = tz_number(p, 365, &d->a);
	else if ((p = tz_number(p, 12, &d->a)) && *p == '.' && (p = tz_number(p + 1, 5, &d->b)) &&
		 *p == '.')
		p = tz_number(p + 1, 6, &d->c);
	else
		p = NULL;
	if (!p || (d->kind == 'J' && d->a < 1) || (d->kind == 'M' && (d->a < 1 || d->b < 1)))
		return NULL;
	if (*p == '/')
		p = tz_hms(p + 1, 167, &d->time);
	return p;
}

static int tz_parse(const char *s, struct tz_rule *r)
{
	const char *p = tz_name(s);
	int32_t off;

	memset(r, 0, sizeof(*r));
	if (!p || !(p = tz_hms(p, 24, &off)))
		return -EBADMSG;
	r->std = -off; /* POSIX counts west positive */
	if (!*p)
		return 0;
	if (!(p = tz_name(p)))
		return -EBADMSG;
	r->has_dst = true;
	r->dst = r->std + 3600;
	if (*p && *p != ',') {
		if (!(p = tz_hms(p, 24, &off)))
			return -EBADMSG;
		r->dst = -off;
	}
	if (*p != ',' || !(p = tz_date(p + 1, &r->start)) || *p != ',' ||
	    !(p = tz_date(p + 1, &r->end)) || *p)
		return -EBADMSG; /* the rule is required: no implementation-defined default */
	return 0;
}

/* Day number of rule date @d in year @y. */
static int64_t tz_day(const struct tz_date *d, int64_t y)
{
	int64_t jan1 = isotime_days_from_civil(y, 1, 1), first, wday;
	bool leap = isotime_days_in_month(y, 2) == 29;

	switch (d->kind) {
	case 'J': /* 1..365, February 29 never counted */
		return jan1 + d->a - 1 + (leap && d->a >= 60);
	case 'n':
		return jan1 + d->a;
	default: /* Mm.w.d: day d of week w (5 = last) of month m */
		first = isotime_days_from_civil(y, d->a, 1);
		wday = ((first + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
		first += (d->c - wday + 7) % 7 + 7 * (d->b - 1);
		while (first >=
		       isotime_days_from_civil(y, d->a, 1) + isotime_days_in_month(y, d->a))
			first -= 7;
		return first;
	}
}

static int32_t tz_offset(const struct tz_rule *r, int64_t t)
{
	int64_t y, m, d, start, end;
	bool in;

	if (!r->has_dst)
		return r->std;
	isotime_civil_from_days(isotime_floor_div(t + r->std, SEC_PER_DAY), &y, &m, &d);
	/* Both changes are given in the local time then in force. */
	start = tz_day(&r->start, y) * SEC_PER_DAY + r->start.time - r->std;
	end = tz_day(&r->end, y) * SEC_PER_DAY + r->end.time - r->dst;
	in = start < end ? t >= start && t < end : !(t >= end && t < start);
	return in ? r->dst : r->std;
}

int rules_zone_offset_tzif(const uint8_t *buf, size_t len, int64_t t, int32_t *ret_utoff)
{
	struct tzif_block b;
	struct tz_rule rule;
	char footer[TZ_FOOTER_MAX];
	uint32_t lo = 0, hi;
	int e;

	e = tzif_read(buf, len, &b);
	if (e < 0)
		return e;
	if ((!b.timecnt || t >= be64(b.times + 8 * ((size_t)b.timecnt - 1))) && b.footer_len) {
		if (b.footer_len >= sizeof(footer))
			return -EBADMSG;
		memcpy(footer, b.footer, b.footer_len);
		footer[b.footer_len] = '\0';
		e = tz_parse(footer, &rule);
		if (e < 0)
			return e;
		*ret_utoff = tz_offset(&rule, t);
		return 0;
	}
	/* Before the first transition: type 0 (RFC 8536 3.2); else the last one at or before t. */
	if (!b.timecnt || t < be64(b.times)) {
		*ret_utoff = type_utoff(&b, 0);
		return 0;
	}
	hi = b.timecnt;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (be64(b.times + 8 * (size_t)mid) <= t)
			lo = mid;
		else
			hi = mid;
	}
	*ret_utoff = type_utoff(&b, b.idx[lo]);
	return 0;
}

static int read_zone(const char *tz, char **ret_buf, size_t *ret_len)
{
	const char *dir = getenv("TZDIR");
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz);
	return fileio_read(path, RULES_ZONE_FILE_MAX, FILEIO_REGULAR, ret_buf, ret_len);
}

int rules_zone_offset(const char *tz, int64_t t, int32_t *ret_utoff)
{
	char *buf = NULL;
	size_t len = 0;
	int e;

	if (!rules_tz_valid(tz))
		return -EINVAL;
	if (strcmp(tz, "UTC") == 0) {
		*ret_utoff = 0;
		return 0;
	}
	e = read_zone(tz, &buf, &len);
	if (e >= 0)
		e = rules_zone_offset_tzif((const uint8_t *)buf, len, t, ret_utoff);
	free(buf);
	return e;
}
