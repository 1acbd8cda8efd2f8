/* SPDX-License-Identifier: MIT */
/*
 * test_passback.c - daemon/passback.c on a fake clock: the pass-back window (from the
 * admission), the sliding repeat hold-off, window 0 = off, and the bound on entries.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/passback.h"

#define SEC UINT64_C(1000000)

static const char qr_a[] = "shc:/5676290952432060346029243740446031222959532654603460292540772804";
static const char qr_b[] = "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOO6+IUKRG*I.I";

static void test_window(void **state)
{
	struct passback *p = NULL;
	uint64_t t0 = 1000 * SEC;

	(void)state;
	assert_int_equal(passback_new(3600 * SEC, PASSBACK_DEFAULT_CAPACITY, &p), 0);
	assert_int_equal(passback_lookup(p, qr_a, strlen(qr_a), t0), 0);
	assert_int_equal(passback_insert(p, qr_a, strlen(qr_a), t0), 0);
	assert_int_equal(passback_lookup(p, qr_a, strlen(qr_a), t0), 1);
	assert_int_equal(passback_lookup(p, qr_a, strlen(qr_a), t0 + 3600 * SEC - 1), 1);
	assert_int_equal(passback_lookup(p, qr_a, strlen(qr_a), t0 + 3600 * SEC), 0);
	/* other data, and a prefix of the same data, are different items */
	assert_int_equal(passback_lookup(p, qr_b, strlen(qr_b), t0 + 1), 0);
	assert_int_equal(passback_lookup(p, qr_a, strlen(qr_a) - 1, t0 + 1), 0);
	/* lookups do not extend the window: it runs from the admission */
	for (uint64_t t = t0; t < t0 + 3600 * SEC; t += 600 * SEC)
		assert_int_equal(passback_lookup(p, qr_a, strlen(qr_a), t), 1);
	assert_int_equal(passback_lookup(p, qr_a, strlen(qr_a), t0 + 3600 * SEC), 0);
	passback_clear(p);
	assert_int_equal(passback_lookup(p, qr_a, strlen(qr_a), t0 + 1), 0);
	passback_free(p);
	passback_free(NULL);
}

static void test_holdoff_slides(void **state)
{
	struct passback *p = NULL;
	uint64_t t = 50 * SEC;

	(void)state;
	assert_int_equal(passback_new(5 * SEC, 64, &p), 0);
	assert_int_equal(passback_seen(p, qr_a, strlen(qr_a), t), 0); /* a new scan */
	/* the code stays in front of the camera for 20 s at 10 frames/s: one scan */
	for (unsigned i = 1; i <= 200; i++)
		assert_int_equal(passback_seen(p, qr_a, strlen(qr_a), t + (uint64_t)i * SEC / 10),
				 1);
	t += 20 * SEC;
	/* gone for 4.9 s: still the same scan; gone for 5 s: a new one */
	assert_int_equal(passback_seen(p, qr_a, strlen(qr_a), t + 4900000), 1);
	t += 4900000;
	assert_int_equal(passback_seen(p, qr_a, strlen(qr_a), t + 5 * SEC), 0);
	/* another code at once is its own scan */
	assert_int_equal(passback_seen(p, qr_b, strlen(qr_b), t + 5 * SEC), 0);
	passback_free(p);
}

static void test_off(void **state)
{
	struct passback *p = NULL;

	(void)state;
	assert_int_equal(passback_new(0, 64, &p), 0);
	assert_int_equal(passback_insert(p, qr_a, strlen(qr_a), 1), 0);
	assert_int_equal(passback_lookup(p, qr_a, strlen(qr_a), 1), 0);
	assert_int_equal(passback_seen(p, qr_a, strlen(qr_a), 2), 0);
	/* turned on by a reload */
	passback_set_window(p, 10 * SEC);
	assert_int_equal(passback_seen(p, qr_a, strlen(qr_a), 3), 0);
	assert_int_equal(passback_seen(p, qr_a, strlen(qr_a), 4), 1);
	passback_free(p);
}

/* More live items than the table holds: memory stays bounded, the newest are remembered, and
 * the oldest may be forgotten (never the other way round). */
static void test_bounded(void **state)
{
	struct passback *p = NULL;
	char item[32];
	unsigned forgotten_old = 0, remembered_new = 0;

	(void)state;
	assert_int_equal(passback_new(86400 * SEC, 64, &p), 0);
	for (unsigned i = 0; i < 10000; i++) {
		snprintf(item, sizeof(item), "item-%u", i);
		assert_int_equal(passback_insert(p, item, strlen(item), SEC + i), 0);
	}
	for (unsigned i = 0; i < 64; i++) {
		snprintf(item, sizeof(item), "item-%u", i);
		forgotten_old += passback_lookup(p, item, strlen(item), 2 * SEC) == 0;
		snprintf(item, sizeof(item), "item-%u", 9999 - i);
		remembered_new += passback_lookup(p, item, strlen(item), 2 * SEC) == 1;
	}
	assert_int_equal(forgotten_old, 64);
	/* each of the 8 sets keeps its 8 newest: the very newest item is always there */
	snprintf(item, sizeof(item), "item-%u", 9999);
	assert_int_equal(passback_lookup(p, item, strlen(item), 2 * SEC), 1);
	assert_true(remembered_new >= 8);
	assert_true(remembered_new <= 64);
	passback_free(p);
	assert_int_equal(passback_new(0, (size_t)1 << 30, &p), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_holdoff_slides),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
