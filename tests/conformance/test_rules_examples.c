/* SPDX-License-Identifier: MIT */
/*
 * test_rules_examples.c - real national DCC business rules (dgc-business-rules-testdata, in
 * $PASSGATE_CONFORMANCE_DIR/dcc/rules-examples) run against their own tests.
 *
 * Layout: <CC>/<rule id>/rule.json holds the rule ("Logic" is the CertLogic expression) and
 * <CC>/<rule id>/tests/<name>.json the tests ({payload, external, expected}), following
 * tooling/schemas/validation-rule-test.schema.json. As the project's own harness does, the
 * data context is {"payload": payload, "external": external} and the result must equal
 * "expected" without an error. Every rule's Logic must also pass the validator.
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

static int n_pass, n_fail, n_rules;

static bool is_json(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/* "a/b" in a new string (asprintf keeps the path length unbounded and the compiler calm). */
static char *join(const char *a, const char *b)
{
	char *s;

	assert_true(asprintf(&s, "%s/%s", a, b) > 0);
	return s;
}

static void run_rule(const char *dir)
{
	char *path, err[256];
	struct dirent **tests;
	json_t *rule, *logic;
	int n;

	path = join(dir, "rule.json");
	rule = json_load_file(path, 0, NULL);
	if (!rule) {
		free(path);
		return;
	}
	n_rules++;
	logic = json_object_get(rule, "Logic");
	if (rules_logic_validate(logic, err, sizeof(err)) < 0) {
		fprintf(stderr, "FAIL %s: validator: %s\n", path, err);
		n_fail++;
	}
	free(path);
	path = join(dir, "tests");
	n = scandir(path, &tests, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char *tpath;
		json_t *t, *data, *got = NULL;

		if (is_json(tests[i]->d_name)) {
			tpath = join(path, tests[i]->d_name);
			t = json_load_file(tpath, 0, NULL);
			assert_non_null(t);
			data = json_pack("{s:O,s:O}", "payload", json_object_get(t, "payload"),
					 "external", json_object_get(t, "external"));
			err[0] = '\0';
			if (rules_logic_eval(logic, data, &got, err, sizeof(err)) == 0 &&
			    json_equal(got, json_object_get(t, "expected"))) {
				n_pass++;
			} else {
				fprintf(stderr, "FAIL %s (%s): %s\n", tpath,
					json_string_value(json_object_get(t, "name")),
					got ? "wrong result" : err);
				n_fail++;
			}
			json_decref(got);
			json_decref(data);
			json_decref(t);
			free(tpath);
		}
		free(tests[i]);
	}
	if (n > 0)
		free(tests);
	free(path);
	json_decref(rule);
}

static void test_rules_examples(void **state)
{
	const char *c = getenv("PASSGATE_CONFORMANCE_DIR");
	char *top, *sub;
	struct dirent **countries;
	int n;

	(void)state;
	assert_non_null(c);
	top = join(c, "dcc/rules-examples");
	n = scandir(top, &countries, NULL, alphasort);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		struct dirent **rules;
		int m;

		sub = join(top, countries[i]->d_name);
		if (countries[i]->d_name[0] != '.' && strlen(countries[i]->d_name) == 2) {
			m = scandir(sub, &rules, NULL, alphasort);
			for (int j = 0; j < m; j++) {
				if (rules[j]->d_name[0] != '.') {
					char *rdir = join(sub, rules[j]->d_name);

					run_rule(rdir);
					free(rdir);
				}
				free(rules[j]);
			}
			if (m > 0)
				free(rules);
		}
		free(sub);
		free(countries[i]);
	}
	free(countries);
	free(top);
	printf("business rules: %d rules, %d tests passed, %d failed\n", n_rules, n_pass, n_fail);
	assert_int_equal(n_fail, 0);
	assert_true(n_rules >= 30);
	assert_int_equal(n_pass, 223);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_examples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
