/* SPDX-License-Identifier: MIT */
/*
 * test_clockguard.c - daemon/clockguard.c with an injected adjtimex: synchronized,
 * STA_UNSYNC, TIME_ERROR and a failing call (EPERM, as under ProtectClock=yes), with and
 * without require_sync, and the transitions it reports.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/clockguard.h"

/* The kernel the test plays. */
static int fake_result;
static int fake_status;
static int fake_errno;
static int fake_calls;
static int fake_modes_seen;

static int fake_adjtimex(struct timex *tx)
{
	fake_calls++;
	fake_modes_seen |= (int)tx->modes;
	if (fake_errno) {
		errno = fake_errno;
		return -1;
	}
	tx->status = fake_status;
	return fake_result;
}

static void play(int result, int status, int err)
{
	fake_result = result;
	fake_status = status;
	fake_errno = err;
}

static int reset(void **state)
{
	(void)state;
	play(TIME_OK, 0, 0);
	fake_calls = 0;
	fake_modes_seen = 0;
	return 0;
}

static void test_synced(void **state)
{
	(void)state;
	play(TIME_OK, STA_PLL, 0);
	assert_int_equal(clockguard_synced(fake_adjtimex), 1);
	play(TIME_INS, STA_PLL | STA_INS, 0); /* a leap second pending is still synchronized */
	assert_int_equal(clockguard_synced(fake_adjtimex), 1);
	assert_int_equal(fake_calls, 2);
	assert_int_equal(fake_modes_seen, 0); /* read-only */
}

static void test_unsynced(void **state)
{
	(void)state;
	play(TIME_OK, STA_UNSYNC, 0);
	assert_int_equal(clockguard_synced(fake_adjtimex), 0);
	play(TIME_ERROR, 0, 0);
	assert_int_equal(clockguard_synced(fake_adjtimex), 0);
	play(TIME_ERROR, STA_UNSYNC | STA_PLL, 0);
	assert_int_equal(clockguard_synced(fake_adjtimex), 0);
}

static void test_unreadable(void **state)
{
	(void)state;
	play(0, 0, EPERM);
	assert_int_equal(clockguard_synced(fake_adjtimex), -EPERM);
}

static void test_guard_required(void **state)
{
	struct clockguard *g = NULL;
	bool changed;

	(void)state;
	assert_int_equal(clockguard_new(true, fake_adjtimex, &g), 0);
	assert_string_equal(clockguard_describe(g), "clock not checked yet");

	play(TIME_ERROR, STA_UNSYNC, 0);
	assert_int_equal(clockguard_check(g, &changed), -EAGAIN);
	assert_true(changed);
	assert_string_equal(clockguard_describe(g), "clock unsynchronized");
	assert_int_equal(clockguard_check(g, &changed), -EAGAIN);
	assert_false(changed);

	play(TIME_OK, 0, 0);
	assert_int_equal(clockguard_check(g, &changed), 0);
	assert_true(changed);
	assert_string_equal(clockguard_describe(g), "clock synchronized");

	/* fail closed when the state cannot be read */
	play(0, 0, EPERM);
	assert_int_equal(clockguard_check(g, &changed), -EAGAIN);
	assert_true(changed);
	assert_non_null(strstr(clockguard_describe(g), "unreadable"));
	clockguard_free(g);
	clockguard_free(NULL);
}

static void test_guard_not_required(void **state)
{
	struct clockguard *g = NULL;

	(void)state;
	assert_int_equal(clockguard_new(false, fake_adjtimex, &g), 0);
	play(TIME_ERROR, STA_UNSYNC, 0);
	assert_int_equal(clockguard_check(g, NULL), 0);
	assert_string_equal(clockguard_describe(g), "clock unsynchronized (not required)");
	clockguard_set_require_sync(g, true);
	assert_int_equal(clockguard_check(g, NULL), -EAGAIN);
	clockguard_free(g);
}

/* The real kernel answers without a capability (any state is fine; an error is not). */
static void test_real_adjtimex(void **state)
{
	(void)state;
	assert_true(clockguard_synced(NULL) >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_synced, reset),
		cmocka_unit_test_setup(test_unsynced, reset),
		cmocka_unit_test_setup(test_unreadable, reset),
		cmocka_unit_test_setup(test_guard_required, reset),
		cmocka_unit_test_setup(test_guard_not_required, reset),
		cmocka_unit_test(test_real_adjtimex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
