/* SPDX-License-Identifier: MIT */
/*
 * test_kiosk.c - the scan path judged without the loop: passgated's kiosk library with the
 * simulated hal (sim GPIO log, a dir: camera with no images, a file printer) and a real
 * outbox in a temporary state directory. kiosk_scan() is called directly with chosen clocks,
 * so the repeat hold-off and pass-back are exercised without waiting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "credential/issue.h"
#include "daemon/config.h"
#include "daemon/kiosk.h"
#include "daemon/loop.h"
#include "events/outbox.h"
#include "rules/judge.h"
#include "rules/reasons.h"
#include "unit/shc_test_util.h"

#define ISS	"https://issuer.passgate.test"
#define DAY	86400
#define SEC	1000000ull
#define HOLDOFF 5

struct fixture {
	char dir[64];
	char path[256];
	const char *program;
	const char *context; /* the [context] section's lines */
	struct test_issuer issuer;
	struct config *cfg;
	struct loop *loop;
	struct kiosk *kiosk;
	int64_t now;
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void write_conf(struct fixture *f)
{
	const char *src = getenv("PASSGATE_SOURCE_DIR");
	char conf[4096], p[512];

	snprintf(p, sizeof(p), "%s/issuer.jwks.json", f->dir);
	write_file(p, f->issuer.jwks);
	snprintf(p, sizeof(p), "%s/camera", f->dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/state", f->dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(conf, sizeof(conf),
		 "[venue]\nid = unit-venue\nprogram = %s\n"
		 "programs_dir = %s/rules/programs\n"
		 "[camera]\nsource = dir:%s/camera\n"
		 "[gpio]\nbackend = sim\nsim_log = %s/gpio.log\n"
		 "[printer]\ndevice = file:%s/receipts.bin\n"
		 "[trust]\ndefault = no\njwks = " ISS "=%s/issuer.jwks.json\n"
		 "[scan]\nrepeat_holdoff_s = %d\npassback_window_s = 600\n"
		 "[clock]\nrequire_sync = no\n"
		 "[state]\ndir = %s/state\n[context]\n%s",
		 f->program, src ? src : ".", f->dir, f->dir, f->dir, f->dir, HOLDOFF, f->dir,
		 f->context);
	snprintf(f->path, sizeof(f->path), "%s/passgated.conf", f->dir);
	write_file(f->path, conf);
}

/* Mount a small tmpfs on the state directory (a private mount namespace): a disk that fills. */
static bool small_state_fs(const char *dir)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/state", dir);
	return unshare(CLONE_NEWNS) == 0 &&
	       mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
	       mount("tmpfs", p, "tmpfs", 0, "size=1m,mode=0700") == 0;
}

/* setup_small_disk() hands setup_program() this marker (a function pointer is no object pointer). */
static char small_disk_marker;

static int setup_program(void **state, const char *program, const char *context)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[CONFIG_ERROR_MAX];

	assert_non_null(f);
	f->program = program;
	f->context = context;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_kiosk.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	test_issuer_new(&f->issuer);
	write_conf(f);
	if (state && *state == &small_disk_marker && !small_state_fs(f->dir)) {
		free(f);
		*state = NULL;
		return 0; /* not root, or no mount namespace: the test skips */
	}
	assert_int_equal(config_load(f->path, &f->cfg, err), 0);
	assert_int_equal(loop_new(&f->loop), 0);
	assert_int_equal(kiosk_new(f->cfg, f->loop, &f->kiosk), 0);
	f->now = (int64_t)time(NULL);
	*state = f;
	return 0;
}

static int setup_small_disk(void **state)
{
	*state = &small_disk_marker;
	return setup_program(state, "national-package", "");
}

static int setup(void **state)
{
	return setup_program(state, "national-package", "");
}

/*
 * A program whose group policy is "all must pass" (aichi-restaurant, a karaoke venue under
 * restrictions), judged on a day it was in force: the scans' `now` is 2022-01-10 12:00 UTC.
 */
static int setup_group(void **state)
{
	int e = setup_program(state, "aichi-restaurant",
			      "karaoke = true\nrestrictions = priority\n");
	struct fixture *f = *state;

	f->now = 1641816000;
	return e;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	if (!f)
		return 0;
	kiosk_free(f->kiosk);
	loop_free(f->loop);
	config_free(f->cfg);
	test_issuer_free(&f->issuer);
	snprintf(cmd, sizeof(cmd), "%s/state", f->dir);
	(void)umount2(cmd, MNT_DETACH);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void day_string(int64_t t, char out[CRED_DATE_MAX])
{
	time_t tt = (time_t)t;
	struct tm tm;

	assert_non_null(gmtime_r(&tt, &tm));
	strftime(out, CRED_DATE_MAX, "%Y-%m-%d", &tm);
}

/* An SHC with two doses given 120 and 90 days before @now: `vaccinated` under the program. */
static char *two_doses(struct fixture *f, const char *given)
{
	struct cred c = { 0 };
	char *text = NULL;

	strcpy(c.family, "Sato");
	strcpy(c.given, given);
	strcpy(c.dob, "1990-04-01");
	c.n_doses = 2;
	for (unsigned i = 0; i < 2; i++) {
		day_string(f->now - (120 - 30 * (int64_t)i) * DAY, c.doses[i].date);
		strcpy(c.doses[i].product, "208");
		strcpy(c.doses[i].target, "840539006");
		c.doses[i].number = i + 1;
	}
	assert_int_equal(issue_shc(f->issuer.key, f->issuer.kid, ISS, &c, f->now - DAY, 0, &text),
			 0);
	return text;
}

/* How many times the sim GPIO log switched @light on. */
static int lights_on(const struct fixture *f, const char *light)
{
	char p[512], line[128], want[32];
	FILE *in;
	int n = 0;

	snprintf(p, sizeof(p), "%s/gpio.log", f->dir);
	snprintf(want, sizeof(want), " %s 1\n", light);
	in = fopen(p, "r");
	if (!in)
		return 0;
	while (fgets(line, sizeof(line), in))
		n += strstr(line, want) != NULL;
	fclose(in);
	return n;
}

static uint64_t outbox_rows(const struct fixture *f)
{
	struct outbox *ob;
	struct outbox_stats st;
	char p[512];

	snprintf(p, sizeof(p), "%s/state/outbox.db", f->dir);
	assert_int_equal(outbox_open(p, NULL, OUTBOX_READONLY, &ob), 0);
	assert_int_equal(outbox_stats(ob, &st), 0);
	outbox_free(ob);
	return st.rows;
}

static int count_reason(uint64_t seq, const char *topic, const void *payload, size_t len,
			void *userdata)
{
	char *text = strndup(payload, len);

	(void)seq;
	(void)topic;
	assert_non_null(text);
	*(int *)userdata += strstr(text, "\"group-member-failed\"") != NULL;
	free(text);
	return 0;
}

/* How many waiting events carry the reason group-member-failed. */
static int revisions(const struct fixture *f)
{
	struct outbox *ob;
	char p[512];
	int n = 0;

	snprintf(p, sizeof(p), "%s/state/outbox.db", f->dir);
	assert_int_equal(outbox_open(p, NULL, OUTBOX_READONLY, &ob), 0);
	assert_true(outbox_foreach(ob, 0, 100, count_reason, &n) >= 0);
	outbox_free(ob);
	return n;
}

static void test_scan_admits(void **state)
{
	struct fixture *f = *state;
	struct rules_decision d;
	char *text = two_doses(f, "Hanako");

	assert_int_equal(kiosk_scan(f->kiosk, text, strlen(text), 10 * SEC, f->now, &d), 1);
	assert_true(d.admit);
	assert_string_equal(rules_reason_code(d.reasons[0]), "vaccinated");
	assert_int_equal(lights_on(f, "green"), 1);
	assert_int_equal(lights_on(f, "red"), 0);
	assert_int_equal(outbox_rows(f), 1);
	free(text);
}

/* Issue 9, finding 12: "admitted but not recorded" is impossible. With the state directory
 * full, a visitor who would be admitted is denied `internal-error`, the green light and the
 * relay stay off, and the outbox still holds only what it held. */
static void test_full_disk_fails_closed(void **state)
{
	struct fixture *f = *state;
	struct rules_decision d;
	char *text, p[512];
	static char block[64 * 1024];
	FILE *fill;

	if (!f)
		skip();
	text = two_doses(f, "Hanako");
	assert_int_equal(kiosk_scan(f->kiosk, text, strlen(text), 10 * SEC, f->now, &d), 1);
	assert_true(d.admit);
	assert_int_equal(outbox_rows(f), 1);
	free(text);
	snprintf(p, sizeof(p), "%s/state/filler", f->dir);
	fill = fopen(p, "w");
	assert_non_null(fill);
	while (fwrite(block, 1, sizeof(block), fill) == sizeof(block) && fflush(fill) == 0)
		;
	fclose(fill);
	text = two_doses(f, "Jiro");
	assert_int_equal(kiosk_scan(f->kiosk, text, strlen(text), 20 * SEC, f->now + 10, &d), 1);
	assert_false(d.admit);
	assert_string_equal(rules_reason_code(d.reasons[0]), "internal-error");
	assert_int_equal(lights_on(f, "green"), 1); /* Hanako's only */
	free(text);
	/* Space again: the next admission is recorded and opens the gate. */
	unlink(p);
	text = two_doses(f, "Saburo");
	assert_int_equal(kiosk_scan(f->kiosk, text, strlen(text), 30 * SEC, f->now + 20, &d), 1);
	assert_true(d.admit);
	assert_int_equal(lights_on(f, "green"), 2);
	free(text);
}

static void test_unreadable_denied(void **state)
{
	struct fixture *f = *state;
	struct rules_decision d;
	const char *text = "not a credential";

	assert_int_equal(kiosk_scan(f->kiosk, text, strlen(text), 10 * SEC, f->now, &d), 1);
	assert_false(d.admit);
	assert_string_equal(rules_reason_code(d.reasons[0]), "unreadable");
	assert_int_equal(lights_on(f, "red"), 1);
	assert_int_equal(lights_on(f, "green"), 0);
	assert_int_equal(outbox_rows(f), 1);
}

/* The same text within the hold-off is one presentation; after it, the holder is back. */
static void test_holdoff_then_passback(void **state)
{
	struct fixture *f = *state;
	struct rules_decision d;
	char *text = two_doses(f, "Taro");
	char *other = two_doses(f, "Taro"); /* the same holder's other card */

	assert_int_equal(kiosk_scan(f->kiosk, text, strlen(text), 10 * SEC, f->now, &d), 1);
	assert_true(d.admit);
	assert_int_equal(kiosk_scan(f->kiosk, text, strlen(text), 12 * SEC, f->now + 2, &d), 0);
	assert_int_equal(outbox_rows(f), 1);
	assert_int_equal(kiosk_scan(f->kiosk, text, strlen(text), (13 + HOLDOFF) * SEC,
				    f->now + HOLDOFF + 1, &d),
			 1);
	assert_false(d.admit);
	assert_string_equal(rules_reason_code(d.reasons[0]), "already-checked-in");
	assert_int_equal(kiosk_scan(f->kiosk, other, strlen(other), (14 + HOLDOFF) * SEC,
				    f->now + HOLDOFF + 2, &d),
			 1);
	assert_false(d.admit);
	assert_string_equal(rules_reason_code(d.reasons[0]), "already-checked-in");
	assert_int_equal(lights_on(f, "green"), 1);
	assert_int_equal(lights_on(f, "red"), 2);
	assert_int_equal(outbox_rows(f), 3);
	free(text);
	free(other);
}

/*
 * A party of two, one denied: the group policy revises the admitted member when the session
 * closes. The next visitor's scan after the window does not close it (no event of the old
 * party is recorded inside that scan); the session closes on its own (here: the reload that
 * replaces the catalog), and the revision is a record, never a light.
 */
static void test_session_closes_on_its_own(void **state)
{
	struct fixture *f = *state;
	struct rules_decision d;
	char *text = two_doses(f, "Hanako"), *next = two_doses(f, "Jiro");
	const char *bad = "not a credential";
	struct config *cfg;
	char err[CONFIG_ERROR_MAX];

	assert_int_equal(kiosk_scan(f->kiosk, text, strlen(text), 10 * SEC, f->now, &d), 1);
	assert_true(d.admit);
	assert_int_equal(kiosk_scan(f->kiosk, bad, strlen(bad), 11 * SEC, f->now + 1, &d), 1);
	assert_false(d.admit);
	assert_int_equal(outbox_rows(f), 2);
	/* After the session's window: a new party; the old one is not closed by this scan. */
	assert_int_equal(kiosk_scan(f->kiosk, next, strlen(next), 60 * SEC, f->now + 50, &d), 1);
	assert_true(d.admit);
	assert_int_equal(outbox_rows(f), 3);
	assert_int_equal(revisions(f), 0);
	assert_int_equal(config_load(f->path, &cfg, err), 0);
	assert_int_equal(kiosk_reload(f->kiosk, cfg), 0);
	config_free(f->cfg);
	f->cfg = cfg;
	assert_int_equal(outbox_rows(f), 4); /* the revision of the first party's admission */
	assert_int_equal(revisions(f), 1);
	assert_int_equal(lights_on(f, "green"), 2);
	assert_int_equal(lights_on(f, "red"), 1);
	free(text);
	free(next);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scan_admits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_disk_fails_closed, setup_small_disk,
						teardown),
		cmocka_unit_test_setup_teardown(test_holdoff_then_passback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_closes_on_its_own, setup_group,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
