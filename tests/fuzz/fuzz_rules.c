/* SPDX-License-Identifier: MIT */
/*
 * fuzz_rules.c - libFuzzer target for the rules engine's parsers of outside input: program
 * files (rules_program_parse, then a judgement under the program) and CertLogic expressions on
 * arbitrary JSON (validation and evaluation). An input that is a JSON array [EXPR, DATA] is
 * evaluated as EXPR on DATA; any other JSON is validated and evaluated on a fixed data object.
 * Nothing may crash, leak, recurse without bound or trip a sanitizer.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "rules/judge.h"
#include "rules/logic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void judge_once(const struct rules_program *p)
{
	struct rules_decision d;
	struct cred c;

	memset(&c, 0, sizeof(c));
	c.format = CRED_FORMAT_DCC;
	c.n_doses = 1;
	c.doses[0].number = 2;
	c.doses[0].covid19 = true;
	memcpy(c.doses[0].date, "2021-09-01", 11);
	c.n_tests = 1;
	c.tests[0].kind = CRED_TEST_PCR;
	c.tests[0].result = CRED_RESULT_NEGATIVE;
	c.tests[0].collected = 1658278800;
	memcpy(c.dob, "2013-06", 8);
	rules_judge(p, &c, CRED_OK, 1658300000, "Asia/Tokyo", NULL, &d);
	rules_judge(p, NULL, CRED_OK, 1658300000, "UTC", NULL, &d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules_program *p = NULL;
	json_t *j, *res = NULL, *ctx;
	char err[256];

	if (rules_program_parse((const char *)data, size, "fuzz", &p, err, sizeof(err)) == 0) {
		judge_once(p);
		rules_program_free(p);
	}
	if (size > 65536)
		return 0;
	j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (!j)
		return 0;
	if (json_is_array(j) && json_array_size(j) == 2) {
		if (rules_logic_eval(json_array_get(j, 0), json_array_get(j, 1), &res, err,
				     sizeof(err)) == 0)
			json_decref(res);
	} else {
		ctx = json_pack("{s:{s:[{s:i,s:s}],s:s},s:{s:s}}", "payload", "v", "dn", 2, "dt",
				"2021-09-01", "dob", "1990", "external", "validationClock",
				"2022-01-01T00:00:00Z");
		rules_logic_validate(j, err, sizeof(err));
		if (rules_logic_eval(j, ctx, &res, err, sizeof(err)) == 0)
			json_decref(res);
		json_decref(ctx);
	}
	json_decref(j);
	return 0;
}
