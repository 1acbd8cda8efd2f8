/* SPDX-License-Identifier: MIT */
/*
 * test_rules_certlogic.c - the official CertLogic test suites, run unchanged from
 * $PASSGATE_CONFORMANCE_DIR/dcc/certlogic/certlogic/specification:
 *   testSuite/<name>.json            evaluator: every assertion's result equals "expected", except
 *                               where the suite itself says "directive": "skip" (file, case or
 *                               assertion level; "only" is treated as a normal case);
 *   validation-testSuite/<name>.json validator: an expression is rejected exactly when the suite
 *                               lists issues for it.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "rules/logic.h"

static char dir_path[4096];

static int spec_dir(const char *sub)
{
	const char *c = getenv("PASSGATE_CONFORMANCE_DIR");

	if (!c)
		return -ENOENT;
	snprintf(dir_path, sizeof(dir_path), "%s/dcc/certlogic/certlogic/specification/%s", c, sub);
	return 0;
}

static bool skipped(const json_t *o)
{
	const json_t *d = json_object_get(o, "directive");

	return json_is_string(d) && strcmp(json_string_value(d), "skip") == 0;
}

static int each_file(const char *sub, void (*fn)(const char *path, json_t *root, int *counts),
		     int *counts)
{
	struct dirent **names;
	int n;

	assert_int_equal(spec_dir(sub), 0);
	n = scandir(dir_path, &names, NULL, alphasort);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		char path[8192];
		size_t len = strlen(names[i]->d_name);
		json_error_t jerr;
		json_t *root;

		if (len > 5 && strcmp(names[i]->d_name + len - 5, ".json") == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir_path, names[i]->d_name);
			root = json_load_file(path, 0, &jerr);
			assert_non_null(root);
			fn(path, root, counts);
			json_decref(root);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

/* counts: [0] passed, [1] failed, [2] skipped */
static void run_suite_file(const char *path, json_t *root, int *counts)
{
	const json_t *c, *a;
	size_t i, j;
	bool file_skip = skipped(root);

	json_array_foreach(json_object_get(root, "cases"), i, c)
	{
		json_array_foreach(json_object_get(c, "assertions"), j, a)
		{
			const json_t *expr = json_object_get(a, "certLogicExpression");
			json_t *got = NULL;
			char err[256] = "";
			int r;

			if (!expr)
				expr = json_object_get(c, "certLogicExpression");
			if (file_skip || skipped(c) || skipped(a)) {
				counts[2]++;
				continue;
			}
			r = rules_logic_eval(expr, json_object_get(a, "data"), &got, err,
					     sizeof(err));
			if (r == 0 && json_equal(got, json_object_get(a, "expected"))) {
				counts[0]++;
			} else {
				char *e =
					json_dumps(json_object_get(a, "expected"), JSON_ENCODE_ANY);
				char *g = got ? json_dumps(got, JSON_ENCODE_ANY) : NULL;

				fprintf(stderr,
					"FAIL %s: case \"%s\" assertion %zu: expected %s, got %s "
					"(%s)\n",
					path, json_string_value(json_object_get(c, "name")), j, e,
					g ? g : "error", err);
				free(e);
				free(g);
				counts[1]++;
			}
			json_decref(got);
		}
	}
}

static void test_evaluator_suite(void **state)
{
	int counts[3] = { 0, 0, 0 };

	(void)state;
	each_file("testSuite", run_suite_file, counts);
	printf("CertLogic testSuite: %d passed, %d failed, %d skipped by the suite\n", counts[0],
	       counts[1], counts[2]);
	assert_int_equal(counts[1], 0);
	/* 232 assertions in the suite at SOURCE_COMMIT 488f61ce; all but the skipped ones run. */
	assert_int_equal(counts[0] + counts[2], 232);
}

static void run_validation_file(const char *path, json_t *root, int *counts)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(root, "cases"), i, c)
	{
		char err[256] = "";
		bool want_ok = json_array_size(json_object_get(c, "issues")) == 0;
		int r = rules_logic_validate(json_object_get(c, "certLogicExpression"), err,
					     sizeof(err));

		if (skipped(c)) {
			counts[2]++;
		} else if ((r == 0) == want_ok) {
			counts[0]++;
		} else {
			fprintf(stderr, "FAIL %s: case %zu: validator %s (%s)\n", path, i,
				r == 0 ? "accepted" : "rejected", err);
			counts[1]++;
		}
	}
}

static void test_validation_suite(void **state)
{
	int counts[3] = { 0, 0, 0 };

	(void)state;
	each_file("validation-testSuite", run_validation_file, counts);
	printf("CertLogic validation-testSuite: %d passed, %d failed, %d skipped\n", counts[0],
	       counts[1], counts[2]);
	assert_int_equal(counts[1], 0);
	assert_true(counts[0] > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evaluator_suite),
		cmocka_unit_test(test_validation_suite),
	};

	if (spec_dir("") < 0) {
		fprintf(stderr, "PASSGATE_CONFORMANCE_DIR is not set\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
