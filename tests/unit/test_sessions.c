/* SPDX-License-Identifier: MIT */
/*
 * test_sessions.c - daemon/session.c (issue 9, finding 6): the city's alert applies to the next
 * judgment, also inside a party session that opened before it. The sessions are driven
 * directly (no loop run), with the venue context swapped as venue.c does on an alert.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/loop.h"
#include "daemon/session.h"
#include "rules/datetime.h"
#include "rules/reasons.h"

static void vaccinated(struct cred *c)
{
	static const char *const dates[] = { "2021-07-01", "2021-08-01", "2022-01-10" };

	memset(c, 0, sizeof(*c));
	c->format = CRED_FORMAT_SHC;
	snprintf(c->dob, sizeof(c->dob), "1980-01-01");
	for (unsigned i = 0; i < 3; i++) {
		c->doses[i].number = i + 1;
		c->doses[i].covid19 = true;
		snprintf(c->doses[i].date, sizeof(c->doses[i].date), "%s", dates[i]);
	}
	c->n_doses = 3;
}

static void test_alert_applies_inside_session(void **state)
{
	struct rules_context *calm, *alert;
	struct rules_catalog *cat;
	struct rules_decision d;
	struct sessions_venue v;
	struct sessions *ss;
	struct loop *loop;
	struct cred c;
	char dir[1024], err[256];
	int64_t now;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/rules/programs", getenv("PASSGATE_SOURCE_DIR"));
	assert_int_equal(rules_catalog_load(dir, &cat, err, sizeof(err)), 0);
	assert_int_equal(rules_time_parse("2022-05-01T12:00:00+09:00", NULL, &now), 0);
	assert_int_equal(rules_context_new(&calm), 0);
	assert_int_equal(rules_context_new(&alert), 0);
	v.program = rules_catalog_find(cat, "nagano-shinshu-wari");
	assert_non_null(v.program);
	assert_int_equal(rules_context_set(alert, v.program, "alert_level", "3"), 0);
	v.tz = "Asia/Tokyo";
	v.ctx = calm;
	assert_int_equal(loop_new(&loop), 0);
	assert_int_equal(sessions_new(loop, NULL, NULL, &ss), 0);
	vaccinated(&c);

	assert_int_equal(sessions_judge(ss, &v, &c, CRED_OK, now, 1000000, &d, NULL), 0);
	assert_string_equal(rules_reason_code(d.reasons[0]), "vaccinated");
	/* The city raises the alert to 3 while the party is at the door (same session). */
	v.ctx = alert;
	assert_int_equal(sessions_judge(ss, &v, &c, CRED_OK, now + 5, 6000000, &d, NULL), 0);
	assert_string_equal(rules_reason_code(d.reasons[0]), "program-suspended");
	assert_false(d.admit);

	sessions_free(ss);
	loop_free(loop);
	rules_context_free(calm);
	rules_context_free(alert);
	rules_catalog_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alert_applies_inside_session),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
