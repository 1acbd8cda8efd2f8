/* SPDX-License-Identifier: MIT */
/*
 * test_rules_scenarios.c - every case of ../shared/scenarios/programs.json through the engine.
 *
 * Each case's `credential` becomes the struct cred a verifier would produce: SHC lists every
 * dose (numbered in date order); a DCC carries only its last dose as dn/dt (PROGRAMS.md "Dose
 * counting"); a test becomes kind/collected/result. `credential: null` is a person without
 * one. The program files are the real ones in rules/programs, the zone Asia/Tokyo. The
 * decision must equal expect.decision, expect.reason must be among the reasons, and
 * expect.referral_contains must be in the referral text. The end-to-end version of this test
 * (minting real signed QR text and running `passgate check`) is scenarios_cli.py.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "rules/datetime.h"
#include "rules/judge.h"

static struct rules_catalog *catalog;

static int setup(void **state)
{
	char dir[4096], err[512] = "";
	const char *src = getenv("PASSGATE_SOURCE_DIR");

	(void)state;
	if (!src)
		return -1;
	snprintf(dir, sizeof(dir), "%s/rules/programs", src);
	if (rules_catalog_load(dir, &catalog, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rules_catalog_free(catalog);
	return 0;
}

static enum cred_test_kind kind_of(const char *m)
{
	if (strcmp(m, "pcr") == 0)
		return CRED_TEST_PCR;
	if (strcmp(m, "lamp") == 0)
		return CRED_TEST_LAMP;
	if (strcmp(m, "antigen-quantitative") == 0)
		return CRED_TEST_ANTIGEN_QUANTITATIVE;
	if (strcmp(m, "antigen-rapid") == 0)
		return CRED_TEST_ANTIGEN_RAPID;
	if (strcmp(m, "antibody") == 0)
		return CRED_TEST_ANTIBODY;
	return CRED_TEST_UNKNOWN;
}

static enum cred_test_result result_of(const char *r)
{
	if (strcmp(r, "negative") == 0)
		return CRED_RESULT_NEGATIVE;
	if (strcmp(r, "positive") == 0)
		return CRED_RESULT_POSITIVE;
	return CRED_RESULT_UNKNOWN;
}

/* Build the normalized credential the verifier would return for a scenario credential. */
static void make_cred(const json_t *subject, const json_t *spec, struct cred *c)
{
	const json_t *vacc = json_object_get(spec, "vaccinations"),
		     *t = json_object_get(spec, "test");
	const json_t *fmt = json_object_get(spec, "format"),
		     *dob = json_object_get(spec, "birthDate");
	size_t n = json_array_size(vacc);

	memset(c, 0, sizeof(*c));
	c->format = fmt && strcmp(json_string_value(fmt), "dcc") == 0 ? CRED_FORMAT_DCC
								      : CRED_FORMAT_SHC;
	snprintf(c->issuer, sizeof(c->issuer), "%s",
		 c->format == CRED_FORMAT_DCC ? "JP" : "https://issuer.passgate.test");
	snprintf(c->family, sizeof(c->family), "%s",
		 json_string_value(json_object_get(subject, "family")));
	snprintf(c->given, sizeof(c->given), "%s",
		 json_string_value(json_object_get(subject, "given")));
	snprintf(c->dob, sizeof(c->dob), "%s",
		 json_string_value(dob ? dob : json_object_get(subject, "birthDate")));
	if (n && c->format == CRED_FORMAT_DCC) {
		/* A DCC states only its last dose (hcert v[0]: dn, sd, dt). */
		c->n_doses = 1;
		c->doses[0].number = (unsigned)n;
		c->doses[0].series_total = (unsigned)n;
		snprintf(c->doses[0].date, sizeof(c->doses[0].date), "%s",
			 json_string_value(json_array_get(vacc, n - 1)));
		snprintf(c->doses[0].target, sizeof(c->doses[0].target), "840539006");
		c->doses[0].covid19 = true;
	} else {
		for (size_t i = 0; i < n && i < CRED_MAX_DOSES; i++) {
			c->doses[i].number = (unsigned)(i + 1);
			snprintf(c->doses[i].date, sizeof(c->doses[i].date), "%s",
				 json_string_value(json_array_get(vacc, i)));
			snprintf(c->doses[i].product, sizeof(c->doses[i].product), "207");
			snprintf(c->doses[i].target, sizeof(c->doses[i].target), "840539006");
			c->doses[i].covid19 = true;
			c->n_doses++;
		}
	}
	if (t) {
		c->n_tests = 1;
		c->tests[0].kind = kind_of(json_string_value(json_object_get(t, "method")));
		c->tests[0].result = result_of(json_string_value(json_object_get(t, "result")));
		assert_int_equal(
			rules_time_parse(json_string_value(json_object_get(t, "collected")), NULL,
					 &c->tests[0].collected),
			0);
	}
}

static bool has_reason(const struct rules_decision *d, const char *code)
{
	for (unsigned i = 0; i < d->n_reasons; i++)
		if (strcmp(rules_reason_code(d->reasons[i]), code) == 0)
			return true;
	return false;
}

static void test_scenarios(void **state)
{
	const char *shared = getenv("PASSGATE_SHARED_DIR");
	char path[4096];
	json_t *root, *c;
	size_t i;
	int pass = 0, fail = 0;

	(void)state;
	assert_non_null(shared);
	snprintf(path, sizeof(path), "%s/scenarios/programs.json", shared);
	root = json_load_file(path, 0, NULL);
	assert_non_null(root);
	json_array_foreach(json_object_get(root, "cases"), i, c)
	{
		const char *id = json_string_value(json_object_get(c, "id"));
		const json_t *expect = json_object_get(c, "expect"),
			     *cj = json_object_get(c, "credential");
		const json_t *refc = json_object_get(expect, "referral_contains"), *v;
		const struct rules_program *p;
		struct rules_context *ctx;
		struct rules_decision d;
		struct cred cred;
		const char *key;
		int64_t now;
		bool ok;

		p = rules_catalog_find(catalog, json_string_value(json_object_get(c, "program")));
		assert_non_null(p);
		assert_int_equal(
			rules_time_parse(json_string_value(json_object_get(c, "at")), NULL, &now),
			0);
		assert_int_equal(rules_context_new(&ctx), 0);
		json_object_foreach(json_object_get(c, "context"), key, v)
			assert_int_equal(rules_context_set(ctx, p, key, json_string_value(v)), 0);
		if (!json_is_null(cj))
			make_cred(json_object_get(root, "subject"), cj, &cred);
		assert_int_equal(rules_judge(p, json_is_null(cj) ? NULL : &cred, CRED_OK, now,
					     "Asia/Tokyo", ctx, &d),
				 0);
		ok = d.admit == (strcmp(json_string_value(json_object_get(expect, "decision")),
					"admit") == 0) &&
		     has_reason(&d, json_string_value(json_object_get(expect, "reason")));
		if (refc)
			ok = ok && d.referral[RULES_LANG_JA] &&
			     strstr(d.referral[RULES_LANG_JA], json_string_value(refc)) &&
			     strstr(d.referral[RULES_LANG_EN], json_string_value(refc));
		if (ok) {
			pass++;
		} else {
			fprintf(stderr, "FAIL %s: got %s %s (rule %s)\n", id,
				d.admit ? "admit" : "deny", rules_reason_code(d.reasons[0]),
				d.rule ? d.rule : "-");
			fail++;
		}
		rules_context_free(ctx);
	}
	printf("scenarios: %d passed, %d failed\n", pass, fail);
	assert_int_equal(fail, 0);
	assert_int_equal(pass, 54);
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenarios),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
