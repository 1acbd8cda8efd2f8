/* SPDX-License-Identifier: MIT */
/*
 * kiosk.c - the scan pipeline: frame -> decode -> verify -> rules -> actuate -> receipt -> event
 * (DESIGN.md "One scan, end to end"). scan() reads top to bottom as that list does.
 *
 * Around it sit the pieces a door needs:
 *  - one decision per QR presented: the same text within [scan] repeat_holdoff_s is the same
 *    presentation (a QR stays in view for many frames);
 *  - pass-back: a credential admitted here within [scan] passback_window_s is denied
 *    `already-checked-in` (a screenshot handed back over the gate). It is keyed on who the
 *    credential is for (name and birth date: identity()), not on the QR text, so that
 *    another encoding of the card, or the holder's other card, is caught too;
 *  - fail closed: an unsynchronized clock or a missing program is a deny with its reason, and
 *    the retained status says why;
 *  - sessions: people who arrive together. A session opens with the first scan and stays open
 *    for SESSION_WINDOW_S after the last member. The child button judges a child (without a
 *    credential) against the guardian admitted in it: within CHILD_WINDOW_S of that admission
 *    and for at most CHILD_MAX_PER_ADULT children each, so that the button is no free pass.
 *    When the session closes, the program's group policy may turn admitted members into
 *    `group-member-failed`: those revised decisions are recorded as events (the city's
 *    record), never signalled or printed, since the party has long gone through;
 *  - the staff button records a paper certificate the staff checked: admit `staff-verified`,
 *    in `[venue] mode = staff` only (a self-service gate has no staff to press it).
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

#include <jansson.h>

#include "credential/cred.h"
#include "credential/trust.h"
#include "credential/verify.h"
#include "events/cityupdate.h"
#include "daemon/clockguard.h"
#include "daemon/config.h"
#include "daemon/hwconfig.h"
#include "daemon/kiosk.h"
#include "daemon/log.h"
#include "daemon/loop.h"
#include "daemon/passback.h"
#include "daemon/reporter.h"
#include "hal/camera.h"
#include "hal/gpio.h"
#include "hal/image.h"
#include "hal/printer.h"
#include "hal/qr_decode.h"
#include "hal/receipt.h"
#include "rules/judge.h"

#define USEC_PER_SEC	    1000000ull
#define SESSION_WINDOW_S    30	/* a party's members follow each other within this */
#define CHILD_BUTTON_AGE    "6" /* a child under 12; 6 is the stricter side of the under-6 rules */
#define TRUST_FILE_MAX	    (1024 * 1024)
#define CHILD_WINDOW_S	    30 /* the child button counts this long after a guardian's admission */
#define CHILD_MAX_PER_ADULT 4
#define IDENTITY_MAX	    (2 * CRED_NAME_MAX + CRED_DATE_MAX + 2)
#define STATUS_MAX	    256

struct member {
	struct cred cred; /* personal data: wiped when the session closes */
	bool has_cred;
};

struct session {
	struct rules_session *rules;
	uint64_t until;		   /* CLOCK_MONOTONIC µs when it closes */
	uint64_t adult_admitted;   /* when an adult was last admitted in it, 0 = never */
	unsigned adults, children; /* admitted adults; children judged by the button */
	size_t n;
	struct member members[RULES_SESSION_MAX];
};

struct kiosk {
	const struct config *cfg;
	struct loop *loop;

	struct trust *trust;
	struct rules_catalog *catalog;
	struct rules_program *city_program; /* a city update of our program, if any */
	const struct rules_program *program;
	struct rules_context *venue_ctx; /* [context], then the city's alert level */
	int alert_level;		 /* the city's last alert, -1: none yet */
	const char *restrictions;	 /* with it: "none", "priority" or "emergency" */

	struct clockguard *clock;
	struct passback *holdoff, *passback;
	struct hal_qr *qr;
	struct hal_camera *camera;
	struct hal_gpio *gpio;
	struct hal_printer *printer;
	struct hal_receipt_format receipt; /* from [printer] (hwconfig.h) */
	struct reporter *reporter;
	struct loop_module *camera_mod, *gpio_mod, *printer_mod, *session_mod;

	struct session *session;
	uint64_t scans, admitted, denied, revised;
	const char *closed; /* why every scan is denied now (fail closed), or NULL */
};

/* ---- the decision and what follows it ---- */

static void fixed_decision(struct kiosk *k, enum rules_reason why, struct rules_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->admit = rules_reason_admits(why);
	d->n_reasons = 1;
	d->reasons[0] = why;
	d->program = k->program ? rules_program_id(k->program) : k->cfg->venue.program;
}

static void local_time(int64_t now, char *buf, size_t size)
{
	struct tm tm;
	time_t t = (time_t)now;

	if (!localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M %Z", &tm))
		snprintf(buf, size, "%" PRId64, now);
}

static void print_receipt(struct kiosk *k, const struct rules_decision *d)
{
	const struct config *c = k->cfg;
	enum rules_reason why = d->reasons[0];
	char when[64];
	struct hal_receipt r = {
		.venue = c->venue.name[0] ? c->venue.name : c->venue.id,
		.time = when,
		.reason_code = rules_reason_code(why),
		.reason_ja = rules_reason_message(why, RULES_LANG_JA),
		.reason_en = rules_reason_message(why, RULES_LANG_EN),
		.program = d->program,
		.kiosk = c->mqtt.kiosk[0] ? c->mqtt.kiosk : NULL,
	};
	uint8_t *data = NULL;
	size_t len = 0;
	int e;

	if (c->printer.kind == CONFIG_PRINTER_NONE)
		return;
	local_time((int64_t)time(NULL), when, sizeof(when));
	if (why == RULES_R_STAFF_VERIFIED) {
		r.kind = HAL_RECEIPT_STAFF;
	} else if (d->admit) {
		r.kind = HAL_RECEIPT_ADMIT;
		/* The venue's own benefit first; else the program's receipt text (seed 000). */
		r.benefit = c->venue.benefit[0] ? c->venue.benefit : d->benefit[RULES_LANG_JA];
		r.benefit_en = c->venue.benefit[0] ? NULL : d->benefit[RULES_LANG_EN];
	} else if (d->referral[RULES_LANG_JA] || d->referral[RULES_LANG_EN]) {
		r.kind = HAL_RECEIPT_POSITIVE;
		r.referral = d->referral[RULES_LANG_JA];
		r.referral_en = d->referral[RULES_LANG_EN];
	} else {
		r.kind = HAL_RECEIPT_DENY;
	}
	e = hal_receipt_build(&r, &k->receipt, &data, &len);
	if (e >= 0)
		e = hal_printer_submit(k->printer, data, len);
	free(data);
	if (e < 0)
		log_warning("receipt not printed: %s", strerror(-e));
	(void)loop_module_update(k->printer_mod);
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
		   const char *format)
{
	const char *reasons[RULES_MAX_REASONS];
	char list[128] = "";
	int64_t now = (int64_t)time(NULL);
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
		return k->program ? HAL_PATTERN_DENY : HAL_PATTERN_FAULT;
	default:
		return HAL_PATTERN_DENY;
	}
}

/*
 * Everything a decision sets off, in the order the visitor notices it: the lights and the
 * relay first (within one frame time), then the receipt, then the record for the city.
 */
static void conclude(struct kiosk *k, const struct rules_decision *d, const struct cred *c,
		     const char *format)
{
	(void)hal_gpio_signal(k->gpio, pattern_for(k, d));
	(void)loop_module_update(k->gpio_mod);
	print_receipt(k, d);
	record(k, d, c, format);
	if (d->admit)
		k->admitted++;
	else
		k->denied++;
	update_status(k);
}

/* ---- sessions ---- */

/* Frees @s, wiping the members' personal data; the caller has taken it out of the kiosk. */
static void session_free(struct session *s)
{
	rules_session_free(s->rules);
	explicit_bzero(s, sizeof(*s));
	free(s);
}

static void session_close(struct kiosk *k)
{
	struct session *s = k->session;
	struct rules_decision d;
	bool all = true;

	if (!s)
		return;
	k->session = NULL;
	/* Even when the group policy could not be evaluated the members are read: the session
	 * then fails closed and marks every admission revised. */
	(void)rules_session_close(s->rules, &all);
	for (size_t i = 0; i < s->n; i++) {
		const struct member *m = &s->members[i];

		if (rules_session_member(s->rules, i, &d) < 0 || d.admit ||
		    d.reasons[0] != RULES_R_GROUP_MEMBER_FAILED)
			continue;
		/* The party has gone through: a revision is a record, not a signal or a receipt. */
		record(k, &d, m->has_cred ? &m->cred : NULL,
		       m->has_cred ? cred_format_name(m->cred.format) : NULL);
		k->revised++;
	}
	session_free(s);
	(void)loop_module_update(k->session_mod);
}

/* The open session, or a new one; NULL when there is no program or no memory. */
static struct session *session_get(struct kiosk *k, uint64_t mono)
{
	struct session *s = k->session;

	if (s && mono < s->until && s->n < RULES_SESSION_MAX)
		return s;
	session_close(k);
	if (!k->program)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (rules_session_new(k->program, k->cfg->venue.timezone, k->venue_ctx, &s->rules) < 0) {
		free(s);
		return NULL;
	}
	k->session = s;
	return s;
}

static int session_dispatch(void *userdata, uint32_t revents, uint64_t now_usec)
{
	struct kiosk *k = userdata;

	(void)revents;
	if (k->session && now_usec >= k->session->until)
		session_close(k);
	return 0;
}

static uint64_t session_deadline(void *userdata)
{
	struct kiosk *k = userdata;

	return k->session ? k->session->until : LOOP_NO_DEADLINE;
}

static const struct loop_module_ops session_ops = {
	.name = "session",
	.dispatch = session_dispatch,
	.deadline = session_deadline,
	.accuracy_usec = 100 * 1000,
};

/* Judge one member of session @s: @c (may be NULL) and the member's own keys (a child). */
static int judge_member(struct kiosk *k, struct session *s, const struct cred *c,
			enum cred_status status, const struct rules_context *person, uint64_t mono,
			struct rules_decision *d)
{
	int e;

	e = rules_session_judge(s->rules, c, status, (int64_t)time(NULL), person, d);
	if (e < 0)
		return e;
	if (person) {
		s->children++;
	} else if (d->admit) {
		s->adults++;
		s->adult_admitted = mono;
	}
	if (c && status == CRED_OK) {
		s->members[s->n].cred = *c;
		s->members[s->n].has_cred = true;
	}
	s->n++;
	s->until = mono + SESSION_WINDOW_S * USEC_PER_SEC;
	(void)loop_module_update(k->session_mod);
	return 0;
}

/* ---- the scan path ---- */

/* Fail closed before looking at the credential: the clock and the program (DESIGN.md). */
static bool gate_closed(struct kiosk *k, struct rules_decision *d)
{
	bool changed = false;

	if (clockguard_check(k->clock, &changed) == -EAGAIN) {
		if (changed)
			log_warning("clock unsynchronized: every scan is denied until it is");
		k->closed = "clock unsynchronized";
		reporter_set_judging(k->reporter, CLOCKGUARD_REASON);
		fixed_decision(k, RULES_R_CLOCK_UNSYNCHRONIZED, d);
		return true;
	}
	if (!k->program) {
		k->closed = "program missing";
		reporter_set_judging(k->reporter, "program-missing");
		fixed_decision(k, RULES_R_PROGRAM_INACTIVE, d);
		return true;
	}
	k->closed = NULL;
	reporter_set_judging(k->reporter, NULL);
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

static void scan(struct kiosk *k, const char *text, size_t len, uint64_t mono)
{
	struct cred cred;
	enum cred_status status = CRED_E_UNREADABLE;
	struct rules_decision d;
	const char *format = NULL;
	uint8_t who[IDENTITY_MAX];
	int who_len = -1, seen = 0;
	struct session *s;
	bool verified = false;

	if (passback_seen(k->holdoff, text, len, mono) == 1)
		return; /* still the same presentation */
	k->scans++;

	memset(&cred, 0, sizeof(cred));
	if (gate_closed(k, &d))
		goto decided;
	if (cred_verify(k->trust, text, len, (int64_t)time(NULL), &cred, &status) < 0) {
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
	s = session_get(k, mono);
	if (!s || judge_member(k, s, verified ? &cred : NULL, status, NULL, mono, &d) < 0)
		fixed_decision(k, RULES_R_INTERNAL_ERROR, &d);
	if (d.admit && who_len >= 0)
		(void)passback_insert(k->passback, who, (size_t)who_len, mono);

decided:
	conclude(k, &d, verified ? &cred : NULL, format);
	explicit_bzero(who, sizeof(who));
	cred_wipe(&cred);
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
	e = hal_qr_decode(k->qr, f->luma, f->width, f->height, f->stride, &text, &len);
	if (e < 0)
		log_warning("decoder: %s", strerror(-e));
	if (e == 1)
		scan(k, text, len, loop_now(k->loop));
	if (text) {
		explicit_bzero(text, len);
		free(text);
	}
}

/* ---- buttons ---- */

/*
 * A child without a certificate, with the guardian just admitted. Outside the guardian's
 * window, or beyond CHILD_MAX_PER_ADULT children each, the child is judged without a
 * cohabiting guardian (and so needs a test under every program).
 */
static void child_button(struct kiosk *k)
{
	struct rules_context *person = NULL;
	struct rules_decision d;
	uint64_t mono = loop_now(k->loop);
	struct session *s;
	bool guardian;

	k->scans++;
	if (gate_closed(k, &d))
		goto decided;
	s = session_get(k, mono);
	guardian = s && s->adult_admitted &&
		   mono - s->adult_admitted <= CHILD_WINDOW_S * USEC_PER_SEC &&
		   s->children < CHILD_MAX_PER_ADULT * s->adults;
	if (!s || rules_context_new(&person) < 0 ||
	    rules_context_set(person, k->program, "age", CHILD_BUTTON_AGE) < 0 ||
	    rules_context_set(person, k->program, "guardian", guardian ? "cohabiting" : "none") <
		    0 ||
	    judge_member(k, s, NULL, CRED_OK, person, mono, &d) < 0)
		fixed_decision(k, RULES_R_INTERNAL_ERROR, &d);
decided:
	rules_context_free(person);
	conclude(k, &d, NULL, NULL);
}

static void on_button(enum hal_gpio_button b, void *userdata)
{
	struct kiosk *k = userdata;
	struct rules_decision d;

	switch (b) {
	case HAL_BUTTON_CHILD:
		log_debug("child button");
		child_button(k);
		break;
	case HAL_BUTTON_STAFF:
		if (k->cfg->venue.mode != CONFIG_MODE_STAFF) {
			log_warning("staff button ignored: [venue] mode = self has no staff");
			break;
		}
		log_debug("staff button: paper certificate checked by staff");
		k->scans++;
		if (!gate_closed(k, &d))
			fixed_decision(k, RULES_R_STAFF_VERIFIED, &d);
		conclude(k, &d, NULL, NULL);
		break;
	case HAL_BUTTON_N:
		break;
	}
}

/* ---- hal modules on the loop ---- */

/* hal/ and the loop share the clock (CLOCK_MONOTONIC µs) and the "never" value, so a hal
 * module's deadline is the loop module's deadline as it is. */
_Static_assert(HAL_NO_DEADLINE == LOOP_NO_DEADLINE, "hal and loop agree on 'no deadline'");

static int camera_fd(void *userdata)
{
	return hal_camera_fd(((struct kiosk *)userdata)->camera);
}

static int camera_dispatch(void *userdata, uint32_t revents, uint64_t now_usec)
{
	struct kiosk *k = userdata;

	(void)revents;
	(void)now_usec;
	return hal_camera_dispatch(k->camera, on_frame, k);
}

static uint64_t camera_deadline(void *userdata)
{
	return hal_camera_deadline(((struct kiosk *)userdata)->camera);
}

static const struct loop_module_ops camera_ops = {
	.name = "camera",
	.fd = camera_fd,
	.dispatch = camera_dispatch,
	.deadline = camera_deadline,
	.accuracy_usec = 1000,
};

static int gpio_fd(void *userdata)
{
	return hal_gpio_fd(((struct kiosk *)userdata)->gpio);
}

static int gpio_dispatch(void *userdata, uint32_t revents, uint64_t now_usec)
{
	struct kiosk *k = userdata;

	(void)revents;
	(void)now_usec;
	return hal_gpio_dispatch(k->gpio, on_button, k);
}

static uint64_t gpio_deadline(void *userdata)
{
	return hal_gpio_deadline(((struct kiosk *)userdata)->gpio);
}

/* Pattern steps (a 100 ms beep) need millisecond timers: accuracy 1 ms. */
static const struct loop_module_ops gpio_ops = {
	.name = "gpio",
	.fd = gpio_fd,
	.dispatch = gpio_dispatch,
	.deadline = gpio_deadline,
	.accuracy_usec = 1000,
};

/* Watched only while the printer waits for something: an idle, unplugged device would
 * otherwise report EPOLLHUP on every iteration. Trouble shows at the next write. */
static int printer_fd(void *userdata)
{
	struct kiosk *k = userdata;

	return hal_printer_events(k->printer) ? hal_printer_fd(k->printer) : -1;
}

static uint32_t printer_events(void *userdata)
{
	return loop_epoll_from_poll(hal_printer_events(((struct kiosk *)userdata)->printer));
}

static int printer_dispatch(void *userdata, uint32_t revents, uint64_t now_usec)
{
	struct kiosk *k = userdata;

	(void)revents;
	(void)now_usec;
	return hal_printer_dispatch(k->printer);
}

static uint64_t printer_deadline(void *userdata)
{
	return hal_printer_deadline(((struct kiosk *)userdata)->printer);
}

static const struct loop_module_ops printer_ops = {
	.name = "printer",
	.fd = printer_fd,
	.events = printer_events,
	.dispatch = printer_dispatch,
	.deadline = printer_deadline,
	.accuracy_usec = 5000,
};

static int open_hardware(struct kiosk *k)
{
	const struct config *c = k->cfg;
	struct hwconfig hwc, *hw = &hwc;
	int e;

	/* The hal/ modules copy what they keep: hw only lives for the opening. */
	hwconfig_init(hw, c);
	k->receipt = hw->receipt;
	/* Still images (dir:) are photos worth the thorough pass; live frames come again. */
	e = hal_qr_new(c->camera.source == CONFIG_CAMERA_DIR ? HAL_QR_THOROUGH : HAL_QR_FAST,
		       &k->qr);
	if (e < 0)
		return e;
	e = hal_camera_new(&hw->camera, &k->camera);
	if (e < 0) {
		log_error("camera %s: %s", hw->camera_source, strerror(-e));
		return e;
	}
	e = hal_gpio_new(&hw->gpio, &k->gpio);
	if (e < 0) {
		log_error("gpio (%s): %s", hw->gpio.backend, strerror(-e));
		return e;
	}
	e = hal_printer_new(&hw->printer, &k->printer);
	if (e < 0) {
		log_error("printer %s: %s", hw->printer_device, strerror(-e));
		return e;
	}
	if ((e = loop_add_module(k->loop, &camera_ops, k, &k->camera_mod)) < 0 ||
	    (e = loop_add_module(k->loop, &gpio_ops, k, &k->gpio_mod)) < 0 ||
	    (e = loop_add_module(k->loop, &printer_ops, k, &k->printer_mod)) < 0 ||
	    (e = loop_add_module(k->loop, &session_ops, k, &k->session_mod)) < 0)
		return e;
	/* Lights off and relay released: a restart must not leave the gate open. */
	return hal_gpio_signal(k->gpio, HAL_PATTERN_OFF);
}

/* ---- trust and programs (start and SIGHUP) ---- */

/*
 * The trust store for this configuration: the shipped keys (unless [trust] default = no), the
 * operator's imports in <state>/trust.db (`passgate trust import`), then every [trust] entry.
 */
static int load_trust(const struct config *c, struct trust **ret)
{
	struct trust *t = NULL;
	char *path = NULL;
	uint8_t *buf = NULL;
	size_t len;
	int e;

	if (asprintf(&path, "%s/trust.db", c->state.dir) < 0)
		return -ENOMEM;
	/* A private copy: the daemon never writes the operator's store. */
	e = trust_open_snapshot(path, &t);
	if (e == -ENOENT)
		e = trust_open(NULL, &t);
	if (e < 0)
		log_error("trust store %s: %s", path, strerror(-e));
	if (e >= 0 && c->trust.use_default)
		e = trust_add_default(t);
	for (size_t i = 0; e >= 0 && i < c->trust.n_jwks; i++) {
		e = hal_read_file(c->trust.jwks[i].file, TRUST_FILE_MAX, &buf, &len);
		if (e >= 0)
			e = trust_import_jwks(t, c->trust.jwks[i].issuer, (const char *)buf, len);
		if (e < 0)
			log_error("[trust] jwks %s: %s", c->trust.jwks[i].file, strerror(-e));
		free(buf);
		buf = NULL;
	}
	for (size_t i = 0; e >= 0 && i < c->trust.n_certs; i++) {
		e = hal_read_file(c->trust.certs[i], TRUST_FILE_MAX, &buf, &len);
		if (e >= 0)
			e = trust_import_cert(t, buf, len);
		if (e < 0)
			log_error("[trust] cert %s: %s", c->trust.certs[i], strerror(-e));
		free(buf);
		buf = NULL;
	}
	free(path);
	if (e < 0) {
		trust_free(t);
		return e;
	}
	*ret = t;
	return 0;
}

static int load_programs(const struct config *c, struct rules_catalog **ret)
{
	char err[512];
	int e;

	e = rules_catalog_load(c->venue.programs_dir, ret, err, sizeof(err));
	if (e < 0)
		log_error("%s", err);
	else if (!rules_catalog_find(*ret, c->venue.program))
		log_error("program '%s' is not in %s: every scan is denied until it is",
			  c->venue.program, c->venue.programs_dir);
	return e;
}

static void choose_program(struct kiosk *k)
{
	if (k->city_program && !strcmp(rules_program_id(k->city_program), k->cfg->venue.program))
		k->program = k->city_program;
	else
		k->program = rules_catalog_find(k->catalog, k->cfg->venue.program);
}

/* The city's alert (PROGRAMS.md context keys alert_level and restrictions) over [context]. */
static int apply_alert(struct kiosk *k, struct rules_context *ctx)
{
	char num[16];
	int e;

	if (k->alert_level < 0)
		return 0;
	snprintf(num, sizeof(num), "%d", k->alert_level);
	e = rules_context_set(ctx, k->program, "alert_level", num);
	if (e >= 0)
		e = rules_context_set(ctx, k->program, "restrictions", k->restrictions);
	return e;
}

/*
 * The venue's context: [context] of @cfg checked against @program (an unknown key or a bad
 * value stops startup or the reload with file:line), then the city's last alert.
 */
static int venue_context(struct kiosk *k, const struct config *cfg,
			 const struct rules_program *program, struct rules_context **ret)
{
	struct rules_context *ctx;
	int e;

	e = rules_context_new(&ctx);
	if (e < 0)
		return e;
	for (size_t i = 0; i < cfg->n_context; i++) {
		const struct config_context *c = &cfg->context[i];

		e = rules_context_set(ctx, program, c->key, c->value);
		if (e < 0) {
			log_error("%s:%u: [context] %s: %s", cfg->path, c->line, c->key,
				  e == -ENOENT ? "not a context key of the program"
					       : "bad value for this key");
			rules_context_free(ctx);
			return e;
		}
	}
	e = apply_alert(k, ctx);
	if (e < 0) {
		rules_context_free(ctx);
		return e;
	}
	*ret = ctx;
	return 0;
}

/* ---- city updates (signature already checked by the reporter) ---- */

/* All or nothing (cityupdate_import_trust()): a partly bad update leaves the store as it was. */
static int on_trust_update(const uint8_t *body, size_t len, void *userdata)
{
	struct kiosk *k = userdata;
	size_t sets = 0, certs = 0;
	int e;

	e = cityupdate_import_trust(k->trust, body, len, &sets, &certs);
	if (e >= 0)
		log_info("trust list update: %zu issuer key set(s), %zu certificate(s)", sets,
			 certs);
	return e;
}

/* The body is one program file; it replaces ours (in memory) when its id is ours. */
static int on_programs_update(const uint8_t *body, size_t len, void *userdata)
{
	struct kiosk *k = userdata;
	struct rules_program *p;
	int e;

	e = rules_program_parse((const char *)body, len, "city update", &p, NULL, 0);
	if (e < 0)
		return e;
	if (strcmp(rules_program_id(p), k->cfg->venue.program) != 0) {
		rules_program_free(p);
		return 0; /* another venue's program */
	}
	session_close(k); /* a session is judged under one program */
	rules_program_free(k->city_program);
	k->city_program = p;
	choose_program(k);
	return 0;
}

static int on_alert(int level, const uint8_t *body, size_t len, void *userdata)
{
	struct kiosk *k = userdata;
	const char *restrictions = "none";
	json_t *root, *v;
	size_t i;
	int e;

	root = json_loadb((const char *)body, len, 0, NULL);
	json_array_foreach(json_object_get(root, "restrictions"), i, v)
	{
		const char *s = json_string_value(v);

		if (s && !strcmp(s, "emergency"))
			restrictions = "emergency";
		else if (s && !strcmp(s, "priority") && strcmp(restrictions, "emergency"))
			restrictions = "priority";
	}
	json_decref(root);
	k->alert_level = level > 4 ? 4 : level;
	k->restrictions = restrictions;
	e = apply_alert(k, k->venue_ctx);
	if (e >= 0)
		log_info("alert level %d, restrictions %s", k->alert_level, restrictions);
	return e;
}

/* ---- life cycle ---- */

int kiosk_new(const struct config *cfg, struct loop *loop, struct kiosk **ret)
{
	struct reporter_handlers h;
	struct kiosk *k;
	int e;

	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->cfg = cfg;
	k->loop = loop;
	h = (struct reporter_handlers){ .trust = on_trust_update,
					.programs = on_programs_update,
					.alert = on_alert,
					.userdata = k };

	if ((e = load_trust(cfg, &k->trust)) < 0)
		goto fail;
	/* A bad program file stops startup (file and reason logged); a missing program does
	 * not: the gate then denies every scan and says why (DESIGN.md, failure rules). */
	if ((e = load_programs(cfg, &k->catalog)) < 0)
		goto fail;
	choose_program(k);
	k->alert_level = -1;
	if ((e = venue_context(k, cfg, k->program, &k->venue_ctx)) < 0)
		goto fail;
	if ((e = clockguard_new(cfg->clock.require_sync, NULL, &k->clock)) < 0)
		goto fail;
	if ((e = passback_new(cfg->scan.repeat_holdoff_s * USEC_PER_SEC, PASSBACK_DEFAULT_CAPACITY,
			      &k->holdoff)) < 0)
		goto fail;
	if ((e = passback_new(cfg->scan.passback_window_s * USEC_PER_SEC, PASSBACK_DEFAULT_CAPACITY,
			      &k->passback)) < 0)
		goto fail;
	if ((e = reporter_new(cfg, loop, &h, &k->reporter)) < 0)
		goto fail;
	if ((e = open_hardware(k)) < 0)
		goto fail;
	if (!k->program) {
		k->closed = "program missing";
		reporter_set_judging(k->reporter, "program-missing");
	}
	update_status(k);
	*ret = k;
	return 0;

fail:
	kiosk_free(k);
	return e;
}

int kiosk_reload(struct kiosk *k, const struct config *cfg)
{
	struct trust *trust = NULL;
	struct rules_catalog *catalog = NULL;
	struct rules_context *ctx = NULL;
	int e;

	/* Hardware, MQTT and state settings take a restart; programs, trust and the scan and
	 * clock settings apply now. Everything new is loaded before anything old is let go. */
	if ((e = load_trust(cfg, &trust)) < 0)
		return e;
	if ((e = load_programs(cfg, &catalog)) < 0) {
		trust_free(trust);
		return e;
	}
	e = venue_context(k, cfg, rules_catalog_find(catalog, cfg->venue.program), &ctx);
	if (e < 0) {
		rules_catalog_free(catalog);
		trust_free(trust);
		return e;
	}
	session_close(k);
	rules_context_free(k->venue_ctx);
	k->venue_ctx = ctx;
	trust_free(k->trust);
	k->trust = trust;
	rules_catalog_free(k->catalog);
	k->catalog = catalog;
	k->cfg = cfg;
	choose_program(k);
	clockguard_set_require_sync(k->clock, cfg->clock.require_sync);
	passback_set_window(k->holdoff, cfg->scan.repeat_holdoff_s * USEC_PER_SEC);
	passback_set_window(k->passback, cfg->scan.passback_window_s * USEC_PER_SEC);
	k->closed = k->program ? NULL : "program missing";
	reporter_set_judging(k->reporter, k->program ? NULL : "program-missing");
	log_info("reloaded: program %s, %s", cfg->venue.program,
		 k->program ? "loaded" : "MISSING (denying every scan)");
	update_status(k);
	return 0;
}

void kiosk_free(struct kiosk *k)
{
	if (!k)
		return;
	if (k->session)
		session_free(k->session); /* shutting down: no revisions recorded */
	loop_module_free(k->camera_mod);
	loop_module_free(k->gpio_mod);
	loop_module_free(k->printer_mod);
	loop_module_free(k->session_mod);
	if (k->gpio)
		(void)hal_gpio_signal(k->gpio, HAL_PATTERN_OFF);
	hal_camera_free(k->camera);
	hal_gpio_free(k->gpio);
	hal_printer_free(k->printer);
	hal_qr_free(k->qr);
	reporter_free(k->reporter);
	passback_free(k->holdoff);
	passback_free(k->passback);
	clockguard_free(k->clock);
	rules_context_free(k->venue_ctx);
	rules_program_free(k->city_program);
	rules_catalog_free(k->catalog);
	trust_free(k->trust);
	free(k);
}
