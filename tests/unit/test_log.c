/* SPDX-License-Identifier: MIT */
/*
 * test_log.c - daemon/log.c's rate limit (issue 9, finding 11): 5 000 refused city messages
 * within a minute make LOG_BURST lines, and the next line that gets through says how many
 * were not logged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "daemon/log.h"

static void test_ratelimit(void **state)
{
	struct log_ratelimit rl = { 0 };
	unsigned long long dropped = 99;
	uint64_t t = 5000000;
	unsigned lines = 0;

	(void)state;
	for (unsigned i = 0; i < 5000; i++)
		lines += log_ratelimit(&rl, t + i * 1000, &dropped);
	assert_int_equal(lines, LOG_BURST);
	assert_int_equal(dropped, 0);
	/* A minute later: one line again, carrying the count of those dropped. */
	assert_true(log_ratelimit(&rl, t + LOG_INTERVAL_US, &dropped));
	assert_int_equal(dropped, 5000 - LOG_BURST);
	assert_true(log_ratelimit(&rl, t + LOG_INTERVAL_US + 1, &dropped));
	assert_int_equal(dropped, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ratelimit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
