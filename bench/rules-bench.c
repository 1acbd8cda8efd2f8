/* SPDX-License-Identifier: MIT */
/*
 * rules-bench.c - rule evaluations per second for each program (bench/rules.md).
 *
 *   rules-bench [PROGRAMS_DIR] [ITERATIONS] [PROGRAM]
 *
 * For every program it judges three people at a date inside the program's window: a
 * vaccinated SHC holder (3 doses), a negative PCR test holder and a person without a
 * credential, ITERATIONS times each in ROUNDS rounds, and prints the best round's rate and
 * microseconds per rules_judge() call (process CPU time, so a loaded machine skews less): building
 * the data object, the local-date facts in Asia/Tokyo, and the first-match rule walk. Verification
 * is not included; the budget "evaluation < 5% of a whole check" is computed against bench figures
 * for cred_verify.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/datetime.h"
#include "rules/judge.h"

#define ROUNDS 5

/* CPU time of this process: other load on the machine does not count against the rules. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A check time inside every window: the program's first version's first day + 30 days. */
static int64_t check_time(const struct rules_program *p)
{
	json_t *d = rules_program_describe(p);
	const json_t *from =
		json_object_get(json_array_get(json_object_get(d, "versions"), 0), "from");
	int64_t days;

	if (!json_is_string(from) || rules_date_parse(json_string_value(from), &days) < 0)
		rules_date_parse("2022-07-20", &days);
	else
		days += 20;
	json_decref(d);
	return days * 86400 + 3 * 3600; /* 12:00 in Japan */
}

int main(int argc, char **argv)
{
	const char *dir = rules_programs_dir(argc > 1 ? argv[1] : NULL);
	long iters = argc > 2 ? atol(argv[2]) : 20000;
	const char *only = argc > 3 ? argv[3] : NULL;
	struct rules_catalog *cat;
	struct rules_context *ctx;
	struct cred vacc, test;
	char err[512];

	if (rules_catalog_load(dir, &cat, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	memset(&vacc, 0, sizeof(vacc));
	vacc.format = CRED_FORMAT_SHC;
	strcpy(vacc.dob, "1990-04-01");
	vacc.n_doses = 3;
	for (unsigned i = 0; i < 3; i++) {
		vacc.doses[i].number = i + 1;
		vacc.doses[i].covid19 = true;
		snprintf(vacc.doses[i].date, sizeof(vacc.doses[i].date), "2021-0%u-01", 6 + i);
	}
	test = vacc;
	test.n_doses = 0;
	test.n_tests = 1;
	test.tests[0].kind = CRED_TEST_PCR;
	test.tests[0].result = CRED_RESULT_NEGATIVE;
	rules_context_new(&ctx);
	printf("%-22s %10s %10s %10s %12s\n", "program", "vacc us", "test us", "none us",
	       "evals/s avg");
	for (size_t i = 0; i < rules_catalog_count(cat); i++) {
		const struct rules_program *p = rules_catalog_get(cat, i);
		int64_t t = check_time(p);

		if (only && strcmp(only, rules_program_id(p)) != 0)
			continue;
		const struct cred *who[3] = { &vacc, &test, NULL };
		double us[3], total = 0;
		struct rules_decision d;

		rules_context_unset(ctx, "residence");
		if (strcmp(rules_program_id(p), "hokkaido-doumin-wari") == 0)
			rules_context_set(ctx, p, "residence", "JP-01");
		if (strcmp(rules_program_id(p), "aichi-restaurant") == 0) {
			rules_context_set(ctx, p, "restrictions", "priority");
			rules_context_set(ctx, p, "group_size", "6");
		}
		test.tests[0].collected = t - 86400;
		for (int k = 0; k < 3; k++) {
			double best = 1e30;

			for (int round = 0; round < ROUNDS; round++) {
				double t0 = now_s(), el;

				for (long n = 0; n < iters; n++)
					rules_judge(p, who[k], CRED_OK, t, "Asia/Tokyo", ctx, &d);
				el = now_s() - t0;
				if (el < best)
					best = el;
			}
			us[k] = best / (double)iters * 1e6;
			total += us[k];
		}
		printf("%-22s %10.2f %10.2f %10.2f %12.0f\n", rules_program_id(p), us[0], us[1],
		       us[2], 3.0 / total * 1e6);
		rules_context_unset(ctx, "restrictions");
		rules_context_unset(ctx, "group_size");
	}
	rules_context_free(ctx);
	rules_catalog_free(cat);
	return 0;
}
