/* SPDX-License-Identifier: MIT */
/*
 * kiosk.c - the scan path: frame -> decode -> verify -> pass-back -> rules -> lights and relay
 * -> receipt -> event (DESIGN.md "One scan, end to end"). kiosk_scan() reads top to bottom as
 * that list does, with one wall-clock `now` and one monotonic `mono` per scan, so that
 * verification, rules, receipt and event all see the same instant.
 *
 * Around it sit the pieces a door needs, each in its own file:
 *  - one decision per QR presented: the same text within [scan] repeat_holdoff_s is the same
 *    presentation (a QR stays in view for many frames; passback.h);
 *  - pass-back: a credential admitted here within [scan] passback_window_s is denied
 *    `already-checked-in` (a screenshot handed back over the gate). It is keyed on who the
 *    credential is for (name and birth date: identity()), not on the QR text, so that
 *    another encoding of the card, or the holder's other card, is caught too;
 *  - fail closed: an unsynchronized clock or a missing program is a deny with its reason, and
 *    the retained status says why (clockguard.h);
 *  - party sessions and the child button's guardian (session.h), closed by their own deadline;
 *  - what the gate judges under: trust, program, context, the city's alert (venue.h);
 *  - the devices on the loop (devices.h) and the way to the city (reporter.h);
 *  - the staff button records a paper certificate the staff checked: admit `staff-verified`,
 *    in `[venue] mode = staff` only (a self-service gate has no staff to press it);
 *  - the codes a party shows besides certificates (docs/codes.md, party.h): a booking code
 *    opens the party's session with its context, or is denied with its reason (a signal and a
 *    receipt, no event: it is nobody's check); the previous night's receipt code is offered to
 *    the next credential, or ignored. Why a code was refused or ignored is a debug line, like
 *    the decisions (its journal time would be a visit's). Every admit receipt carries this
 *    kiosk's signed receipt code and its short code.
 *
 * Personal data (struct cred) lives on the stack of one scan, or in the open session's member
 * list, and is wiped when done. Decisions are logged at debug level only (`passgated -v`):
 * a journal line would keep the exact time of a check, which DESIGN.md keeps off the disk;
 * STATUS= carries the counters.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "credential/cred.h"
#include "credential/verify.h"
#include "daemon/clockguard.h"
#include "daemon/config.h"
#include "daemon/devices.h"
#include "daemon/kiosk.h"
#include "daemon/log.h"
#include "daemon/loop.h"
#include "daemon/party.h"
#include "daemon/passback.h"
#include "daemon/reporter.h"
#include "daemon/session.h"
#include "daemon/venue.h"
#include "events/events.h"
#include "events/receiptkeys.h"
#include "events/receiptsigner.h"
#include "events/signedcode.h"
#include "rules/judge.h"
#include "rules/program.h"

#define USEC_PER_SEC 1000000ull
#define IDENTITY_MAX (2 * CRED_NAME_MAX + CRED_DATE_MAX + 2)
#define STATUS_MAX   256

struct kiosk {
	const struct config *cfg;
	struct loop *loop;

	struct venue *venue;
	struct sessions *sessions;
	struct clockguard *clock;
	struct passback *holdoff, *passback;
	struct devices *devices;
	struct reporter *reporter;
	struct receiptsigner *signer; /* signs the receipt codes printed here */

	uint64_t scans, admitted, denied, revised;
	const char *closed; /* why every scan is denied now (fail closed), or NULL */
};

/* ---- the decision and what follows it ---- */

static void fixed_decision(struct kiosk *k, enum rules_reason why, struct rules_decision *d)
{
	const struct rules_program *p = venue_program(k->venue);

	memset(d, 0, sizeof(*d));
	d->admit = rules_reason_admits(why);
	d->n_reasons = 1;
	d->reasons[0] = why;
	d->program = p ? rules_program_id(p) : k->cfg->venue.program;
}

static void local_time(int64_t now, char *buf, size_t size)
{
	struct tm tm;
	time_t t = (time_t)now;

	if (!localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M %Z", &tm))
		snprintf(buf, size, "%" PRId64, now);
}

/*
 * The receipt code of an admission (receiptcode.h): this kiosk, the local date and slot, the
 * visit code of today's day key (zeros without one), the trip for lodging programs, and the
 * holder binding of @c (a credential-less member, a child, gets a random binding that no
 * certificate matches). *ret_text is freed by the caller; @short_code gets the short code.
 */
static int receipt_code(struct kiosk *k, const struct rules_decision *d, const struct cred *c,
			const struct sessions_trip *trip, int64_t now, char **ret_text,
			char short_code[RECEIPTCODE_SHORT_LEN])
{
	struct receiptcode rc = { 0 };
	time_t t = (time_t)now;
	struct tm tm;
	int e;

	if (!k->cfg->mqtt.kiosk[0] || !localtime_r(&t, &tm) ||
	    !strftime(rc.date, sizeof(rc.date), "%Y-%m-%d", &tm))
		return -ENODATA; /* a kiosk the city does not know signs nothing */
	snprintf(rc.venue, sizeof(rc.venue), "%s", k->cfg->venue.id);
	snprintf(rc.kiosk, sizeof(rc.kiosk), "%s", k->cfg->mqtt.kiosk);
	snprintf(rc.program, sizeof(rc.program), "%s", d->program);
	snprintf(rc.kind, sizeof(rc.kind), "%s", d->kind ? d->kind : "");
	rc.slot = now / EVENTS_SLOT_SECONDS;
	if (trip && trip->night) {
		snprintf(rc.trip_start, sizeof(rc.trip_start), "%s", trip->trip_start);
		rc.night = trip->night;
	}
	(void)reporter_visit_code(k->reporter, now, rc.vc);
	if (!c || receiptcode_bind(&rc, c) < 0)
		receiptcode_unbound(&rc);
	e = receiptcode_short(&rc, (unsigned)(tm.tm_hour * 60 + tm.tm_min) / 10, short_code);
	/* @tm is of the process's zone, which main() sets to [venue] timezone. */
	if (e >= 0)
		e = receiptsigner_issue(k->signer, &rc, ret_text);
	explicit_bzero(&rc, sizeof(rc));
	return e;
}

static void print_receipt(struct kiosk *k, const struct rules_decision *d, const struct cred *cr,
			  const struct sessions_trip *trip, int64_t now)
{
	const struct config *c = k->cfg;
	enum rules_reason why = d->reasons[0];
	char when[64], short_code[RECEIPTCODE_SHORT_LEN], *code = NULL;
	struct hal_receipt r = {
		.venue = c->venue.name[0] ? c->venue.name : c->venue.id,
		.time = when,
		.reason_code = rules_reason_code(why),
		.reason_ja = rules_reason_message(why, RULES_LANG_JA),
		.reason_en = rules_reason_message(why, RULES_LANG_EN),
		.program = d->program,
		.kiosk = c->mqtt.kiosk[0] ? c->mqtt.kiosk : NULL,
	};
	int e;

	if (c->printer.kind == CONFIG_PRINTER_NONE)
		return;
	local_time(now, when, sizeof(when));
	if (why == RULES_R_STAFF_VERIFIED) {
		r.kind = HAL_RECEIPT_STAFF;
	} else if (d->admit) {
		r.kind = HAL_RECEIPT_ADMIT;
		/* The venue's own benefit first; else the program's receipt text (seed 000). */
		r.benefit = c->venue.benefit[0] ? c->venue.benefit : d->benefit[RULES_LANG_JA];
		r.benefit_en = c->venue.benefit[0] ? NULL : d->benefit[RULES_LANG_EN];
		if (trip && trip->night) {
			r.trip_start = trip->trip_start;
			r.night = trip->night;
		}
		if (receipt_code(k, d, cr, trip, now, &code, short_code) >= 0) {
			r.qr = code;
			r.short_code = short_code;
		}
	} else if (d->referral[RULES_LANG_JA] || d->referral[RULES_LANG_EN]) {
		r.kind = HAL_RECEIPT_POSITIVE;
		r.referral = d->referral[RULES_LANG_JA];
		r.referral_en = d->referral[RULES_LANG_EN];
	} else {
		r.kind = HAL_RECEIPT_DENY;
	}
	e = devices_print(k->devices, &r);
	if (e < 0)
		log_warning("receipt not printed: %s", strerror(-e));
	free(code);
}

static void update_status(struct kiosk *k)
{
	char line[STATUS_MAX], up[160];

	reporter_describe(k->reporter, up, sizeof(up));
	if (k->closed) {
		snprintf(line, sizeof(line), "DENYING EVERY SCAN: %s; %" PRIu64 " scans; %s",
			 k->closed, k->scans, up);
		(void)loop_set_status(k->loop, line);
		return;
	}
	snprintf(line, sizeof(line),
		 "%" PRIu64 " scans: %" PRIu64 " admitted, %" PRIu64 " denied, %" PRIu64
		 " revised by group policy; %s",
		 k->scans, k->admitted, k->denied, k->revised, up);
	(void)loop_set_status(k->loop, line);
}

/*
 * The record of a decision: the event for the city (the reporter commits it to the outbox
 * before anything is sent) and the debug log line.
 */
static void record(struct kiosk *k, const struct rules_decision *d, const struct cred *c,
		   const char *format, int64_t now)
{
	const char *reasons[RULES_MAX_REASONS];
	char list[128] = "";
	struct events_check ev = {
		.venue = k->cfg->venue.id,
		.program = d->program,
		.now = now,
		.admit = d->admit,
		.reasons = reasons,
		.n_reasons = d->n_reasons,
		.kind = d->kind,
		.format = format,
		.cred = c,
	};

	for (unsigned i = 0; i < d->n_reasons; i++)
		reasons[i] = rules_reason_code(d->reasons[i]);
	(void)reporter_record(k->reporter, &ev, now);
	if (log_get_max_priority() < LOG_DEBUG)
		return; /* the line below is for `passgated -v` only */
	for (unsigned i = 0; i < d->n_reasons; i++) {
		if (i)
			strncat(list, ",", sizeof(list) - strlen(list) - 1);
		strncat(list, reasons[i], sizeof(list) - strlen(list) - 1);
	}
	log_debug("%s %s (%s, %s)", d->admit ? "admit" : "deny", list, format ? format : "none",
		  d->program);
}

/* A denial because the kiosk cannot judge (its clock, its program, an internal failure) is a
 * fault the staff must see: the blinking pattern, not the visitor's plain denial. */
static enum hal_gpio_pattern pattern_for(const struct kiosk *k, const struct rules_decision *d)
{
	if (d->admit)
		return HAL_PATTERN_ADMIT;
	switch (d->reasons[0]) {
	case RULES_R_CLOCK_UNSYNCHRONIZED:
	case RULES_R_INTERNAL_ERROR:
		return HAL_PATTERN_FAULT;
	case RULES_R_PROGRAM_INACTIVE:
		return venue_program(k->venue) ? HAL_PATTERN_DENY : HAL_PATTERN_FAULT;
	default:
		return HAL_PATTERN_DENY;
	}
}

/*
 * Everything a decision sets off, in the order the visitor notices it: the lights and the
 * relay first (within one frame time), then the receipt, then the record for the city.
 */
static void conclude(struct kiosk *k, const struct rules_decision *d, const struct cred *c,
		     const char *format, const struct sessions_trip *trip, int64_t now)
{
	(void)devices_signal(k->devices, pattern_for(k, d));
	print_receipt(k, d, c, trip, now);
	record(k, d, c, format, now);
	if (d->admit)
		k->admitted++;
	else
		k->denied++;
	update_status(k);
}

/* A party session closed and its group policy revised a member: a record, not a signal. */
static void on_revised(const struct rules_decision *d, const struct cred *c, void *userdata)
{
	struct kiosk *k = userdata;

	record(k, d, c, c ? cred_format_name(c->format) : NULL, (int64_t)time(NULL));
	k->revised++;
}

/* ---- the scan path ---- */

static void set_closed(struct kiosk *k, const char *why, const char *reason_code)
{
	k->closed = why;
	reporter_set_judging(k->reporter, reason_code);
}

/* Fail closed before looking at the credential: the clock and the program (DESIGN.md). */
static bool gate_closed(struct kiosk *k, struct rules_decision *d)
{
	bool changed = false;

	if (clockguard_check(k->clock, &changed) == -EAGAIN) {
		if (changed)
			log_warning("clock unsynchronized: every scan is denied until it is");
		set_closed(k, "clock unsynchronized", CLOCKGUARD_REASON);
		fixed_decision(k, RULES_R_CLOCK_UNSYNCHRONIZED, d);
		return true;
	}
	if (!venue_program(k->venue)) {
		set_closed(k, "program missing", "program-missing");
		fixed_decision(k, RULES_R_PROGRAM_INACTIVE, d);
		return true;
	}
	set_closed(k, NULL, NULL);
	return false;
}

/*
 * Who the credential is for, as pass-back remembers it (a keyed hash, in passback.c): the
 * printed name folded as for `tok` and the birth date, without the issuer, so that the same
 * holder's SHC and DCC, or two encodings of one card, are one person. A card without name
 * and birth date is remembered by its text. Returns the length written into @buf.
 */
static int identity(const struct cred *c, const char *text, size_t len, uint8_t *buf, size_t size)
{
	char family[CRED_NAME_MAX], given[CRED_NAME_MAX];
	int a, b, n;

	if (!c->family[0] && !c->given[0] && !c->dob[0]) {
		if (len > size)
			len = size; /* a prefix of an 8 KiB text still tells cards apart */
		memcpy(buf, text, len);
		return (int)len;
	}
	a = events_fold_name(c->family, family, sizeof(family));
	b = events_fold_name(c->given, given, sizeof(given));
	n = a < 0 || b < 0 ? -EINVAL
			   : snprintf((char *)buf, size, "%s\x1f%s\x1f%s", family, given, c->dob);
	explicit_bzero(family, sizeof(family));
	explicit_bzero(given, sizeof(given));
	return n < 0 || (size_t)n >= size ? -EINVAL : n;
}

/*
 * A booking code (party.h): accepted, the party's session opens with its context and nothing
 * else happens; refused, the visitor sees a denial with its reason (light and receipt), but no
 * event is recorded, since nobody was checked, and no session is touched.
 */
static int scan_booking(struct kiosk *k, const char *text, size_t len, uint64_t mono, int64_t now,
			struct rules_decision *ret)
{
	const struct config *c = k->cfg;
	struct sessions_venue terms;
	struct rules_decision d;
	struct bookingcode b;
	enum rules_reason why;
	int e;

	e = party_booking_read(text, len, (const uint8_t(*)[32])c->booking.keys, c->booking.n_keys,
			       c->venue.id, c->venue.timezone, now, &b, &why);
	if (e >= 0) {
		venue_session_terms(k->venue, &terms);
		e = sessions_open_booking(k->sessions, &terms, &b, now, mono);
		why = RULES_R_INTERNAL_ERROR;
	}
	if (e >= 0) {
		log_debug("booking code: a party of %u", b.party);
		explicit_bzero(&b, sizeof(b));
		return 2;
	}
	log_debug("booking code refused: %s", party_error(e));
	fixed_decision(k, why, &d);
	(void)devices_signal(k->devices, pattern_for(k, &d));
	print_receipt(k, &d, NULL, NULL, now);
	k->denied++;
	update_status(k);
	if (ret)
		*ret = d;
	return 1;
}

/* A receipt code of the previous night (party.h): offered to the next credential, or ignored
 * with its reason in the log. No light, no receipt, no event. */
static int scan_receipt(struct kiosk *k, const char *text, size_t len, uint64_t mono, int64_t now)
{
	struct sessions_venue terms;
	struct receiptcode rc;
	int e;

	venue_session_terms(k->venue, &terms);
	e = party_receipt_read(text, len, receiptkeys_lookup, venue_receipt_keys(k->venue),
			       terms.program, terms.tz, now, &rc);
	if (e >= 0)
		e = sessions_offer_receipt(k->sessions, &terms, &rc, mono);
	if (e < 0)
		log_debug("receipt code ignored: %s", party_error(e));
	else
		log_debug("receipt code: trip from %s", rc.trip_start);
	explicit_bzero(&rc, sizeof(rc));
	return 2;
}

int kiosk_scan(struct kiosk *k, const char *text, size_t len, uint64_t mono, int64_t now,
	       struct rules_decision *ret)
{
	struct cred cred;
	enum cred_status status = CRED_E_UNREADABLE;
	struct rules_decision d;
	struct sessions_venue terms;
	struct sessions_trip trip = { 0 };
	const char *format = NULL;
	uint8_t who[IDENTITY_MAX];
	int who_len = -1, seen = 0;
	bool verified = false;

	if (passback_seen(k->holdoff, text, len, mono) == 1)
		return 0; /* still the same presentation */
	k->scans++;

	memset(&cred, 0, sizeof(cred));
	if (gate_closed(k, &d))
		goto decided;
	switch (party_code_kind(text, len)) {
	case PARTY_BOOKING:
		return scan_booking(k, text, len, mono, now, ret);
	case PARTY_RECEIPT:
		return scan_receipt(k, text, len, mono, now);
	case PARTY_NONE:
		break;
	}
	if (cred_verify(venue_trust(k->venue), text, len, now, &cred, &status) < 0) {
		fixed_decision(k, RULES_R_INTERNAL_ERROR, &d);
		goto decided;
	}
	verified = status == CRED_OK;
	format = cred_format_name(cred.format);
	if (verified) {
		who_len = identity(&cred, text, len, who, sizeof(who));
		seen = who_len < 0 ? who_len
				   : passback_lookup(k->passback, who, (size_t)who_len, mono);
	}
	if (seen != 0) { /* re-used, or not known to be fresh: fail closed */
		fixed_decision(k, seen > 0 ? RULES_R_ALREADY_CHECKED_IN : RULES_R_INTERNAL_ERROR,
			       &d);
		goto decided;
	}
	venue_session_terms(k->venue, &terms);
	if (sessions_judge(k->sessions, &terms, verified ? &cred : NULL, status, now, mono, &d,
			   &trip) < 0)
		fixed_decision(k, RULES_R_INTERNAL_ERROR, &d);
	if (trip.receipt == -EPERM)
		log_debug("receipt code ignored: %s", party_error(-EPERM));
	if (d.admit && who_len >= 0)
		(void)passback_insert(k->passback, who, (size_t)who_len, mono);

decided:
	conclude(k, &d, verified ? &cred : NULL, format, &trip, now);
	explicit_bzero(who, sizeof(who));
	cred_wipe(&cred);
	if (ret)
		*ret = d;
	return 1;
}

static void on_frame(const struct hal_frame *f, void *userdata)
{
	struct kiosk *k = userdata;
	char *text = NULL;
	size_t len = 0;
	struct timespec ts;
	int e;

	/* Frame arrival for bench/daemon-bench.sh, on the clock of the sim GPIO log. */
	if (log_get_max_priority() >= LOG_DEBUG && clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
		log_debug("frame %" PRIu64 " at %" PRIu64, f->sequence,
			  (uint64_t)((uint64_t)ts.tv_sec * USEC_PER_SEC +
				     (uint64_t)ts.tv_nsec / 1000u));
	e = devices_decode(k->devices, f, &text, &len);
	if (e < 0)
		log_warning("decoder: %s", strerror(-e));
	if (e == 1)
		(void)kiosk_scan(k, text, len, loop_now(k->loop), (int64_t)time(NULL), NULL);
	if (text) {
		explicit_bzero(text, len);
		free(text);
	}
}

/* ---- buttons ---- */

/*
 * A child without a certificate, with the guardian just admitted (session.h). Outside the
 * guardian's window, or beyond the children allowed per adult, the child is judged without a
 * cohabiting guardian (and so needs a test under every program).
 */
static void child_button(struct kiosk *k, uint64_t mono, int64_t now)
{
	struct rules_decision d;
	struct sessions_venue terms;

	k->scans++;
	if (gate_closed(k, &d))
		goto decided;
	venue_session_terms(k->venue, &terms);
	if (sessions_judge_child(k->sessions, &terms, now, mono, &d) < 0)
		fixed_decision(k, RULES_R_INTERNAL_ERROR, &d);
decided:
	conclude(k, &d, NULL, NULL, NULL, now);
}

static void staff_button(struct kiosk *k, int64_t now)
{
	struct rules_decision d;

	if (k->cfg->venue.mode != CONFIG_MODE_STAFF) {
		log_warning("staff button ignored: [venue] mode = self has no staff");
		return;
	}
	log_debug("staff button: paper certificate checked by staff");
	k->scans++;
	if (!gate_closed(k, &d))
		fixed_decision(k, RULES_R_STAFF_VERIFIED, &d);
	conclude(k, &d, NULL, NULL, NULL, now);
}

static void on_button(enum hal_gpio_button b, void *userdata)
{
	struct kiosk *k = userdata;
	int64_t now = (int64_t)time(NULL);

	switch (b) {
	case HAL_BUTTON_CHILD:
		log_debug("child button");
		child_button(k, loop_now(k->loop), now);
		break;
	case HAL_BUTTON_STAFF:
		staff_button(k, now);
		break;
	case HAL_BUTTON_N:
		break;
	}
}

/* ---- life cycle ---- */

static void set_program_state(struct kiosk *k)
{
	if (venue_program(k->venue))
		set_closed(k, NULL, NULL);
	else
		set_closed(k, "program missing", "program-missing");
}

int kiosk_new(const struct config *cfg, struct loop *loop, struct kiosk **ret)
{
	struct devices_handlers dh;
	struct reporter_handlers rh;
	struct kiosk *k;
	int e;

	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->cfg = cfg;
	k->loop = loop;
	dh = (struct devices_handlers){ .frame = on_frame, .button = on_button, .userdata = k };
	if ((e = sessions_new(loop, on_revised, k, &k->sessions)) < 0 ||
	    (e = venue_new(cfg, k->sessions, &k->venue)) < 0 ||
	    (e = clockguard_new(cfg->clock.require_sync, NULL, &k->clock)) < 0 ||
	    (e = passback_new(cfg->scan.repeat_holdoff_s * USEC_PER_SEC, PASSBACK_DEFAULT_CAPACITY,
			      &k->holdoff)) < 0 ||
	    (e = passback_new(cfg->scan.passback_window_s * USEC_PER_SEC, PASSBACK_DEFAULT_CAPACITY,
			      &k->passback)) < 0)
		goto fail;
	venue_city_handlers(k->venue, &rh);
	if ((e = reporter_new(cfg, loop, &rh, &k->reporter)) < 0 ||
	    (e = devices_new(cfg, loop, &dh, &k->devices)) < 0 ||
	    (e = receiptsigner_new(cfg->state.dir, &k->signer)) < 0)
		goto fail;
	if (!venue_program(k->venue))
		set_program_state(k);
	update_status(k);
	*ret = k;
	return 0;

fail:
	kiosk_free(k);
	return e;
}

int kiosk_reload(struct kiosk *k, const struct config *cfg)
{
	int e;

	/* Hardware, MQTT and state settings take a restart; programs, trust and the scan and
	 * clock settings apply now. */
	e = venue_reload(k->venue, cfg);
	if (e < 0)
		return e;
	k->cfg = cfg;
	clockguard_set_require_sync(k->clock, cfg->clock.require_sync);
	passback_set_window(k->holdoff, cfg->scan.repeat_holdoff_s * USEC_PER_SEC);
	passback_set_window(k->passback, cfg->scan.passback_window_s * USEC_PER_SEC);
	set_program_state(k);
	log_info("reloaded: program %s, %s", cfg->venue.program,
		 venue_program(k->venue) ? "loaded" : "MISSING (denying every scan)");
	update_status(k);
	return 0;
}

void kiosk_free(struct kiosk *k)
{
	if (!k)
		return;
	/* Shutting down: an open session's revisions are not recorded. */
	sessions_free(k->sessions);
	devices_free(k->devices);
	reporter_free(k->reporter);
	passback_free(k->holdoff);
	passback_free(k->passback);
	clockguard_free(k->clock);
	venue_free(k->venue);
	receiptsigner_free(k->signer);
	free(k);
}
