/* SPDX-License-Identifier: MIT */
/*
 * trace.h - trace a confirmed case (DESIGN.md "The city side"; docs/city.md "Tracing").
 *
 * For each local day from..to: a shredded day (K_day deleted by retention) is reported as
 * "shredded", a day without K_day as "no-key"; otherwise, for each venue with events that day,
 * the case's token is recomputed with K_venue_day = HKDF(K_day, venue) and the very code the
 * kiosk uses (events_token()), and the events carrying it are the case's visits. Per venue-day
 * with visits, the window is [first slot - w, last slot + w] and the answer is the number of
 * other tokens admitted there in that window: a count, never a token. With @notify, each
 * venue-day's SHA-256(visit_code) and window are kept as notices for publish_notices_now().
 */
#ifndef PASSGATE_CITY_TRACE_H
#define PASSGATE_CITY_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#define TRACE_DAYS_MAX 62

struct city;
struct cred;

struct trace_result {
	char *json;	      /* the answer (malloc'ed; caller frees) */
	size_t visits;	      /* visits found */
	size_t days_searched; /* days with K_day */
	size_t days_shredded;
	char notice_days[TRACE_DAYS_MAX][11]; /* days that got notices (with @notify) */
	size_t n_notice_days;
};

/* Returns 0 or -errno (-EINVAL: a bad date or from > to or more than TRACE_DAYS_MAX days). */
int trace_run(struct city *c, const struct cred *case_cred, const char *from, const char *to,
	      unsigned window, bool notify, struct trace_result *ret);

/* One line in <state_dir>/trace-audit.log: who, when, which days, how many visits, never the
 * case's identity. */
int trace_audit(const struct city *c, const char *who, const char *from, const char *to,
		const struct trace_result *res, bool notify);

#endif
