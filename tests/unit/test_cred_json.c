/* SPDX-License-Identifier: MIT */
/* test_cred_json.c - the normalized credential as the JSON of `passgate verify`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "credential/cred_json.h"

static void test_shc_shape(void **state)
{
	struct cred c = { 0 };
	json_t *j;
	char *s;

	(void)state;
	c.format = CRED_FORMAT_SHC;
	strcpy(c.issuer, "https://issuer.passgate.test");
	strcpy(c.kid, "abc");
	strcpy(c.family, "佐藤");
	strcpy(c.given, "花子");
	strcpy(c.dob, "1990-04-01");
	c.issued_at = 1704067200;
	c.n_doses = 1;
	c.doses[0].number = 1;
	strcpy(c.doses[0].date, "2021-06-01");
	strcpy(c.doses[0].product, "208");
	strcpy(c.doses[0].target, "840539006");
	c.n_tests = 1;
	c.tests[0].kind = CRED_TEST_LAMP;
	c.tests[0].result = CRED_RESULT_UNKNOWN;
	c.tests[0].collected = 1704067200 + 3661;
	strcpy(c.tests[0].type_code, "95608-6");
	j = cred_to_json(&c);
	assert_non_null(j);
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(
		s, "{\"dob\":\"1990-04-01\",\"exp\":null,\"format\":\"shc\",\"iat\":"
		   "\"2024-01-01T00:00:00Z\",\"issuer\":\"https://issuer.passgate.test\",\"kid\":"
		   "\"abc\",\"nam\":{\"fn\":\"佐藤\",\"fnt\":null,\"gn\":\"花子\",\"gnt\":null},"
		   "\"r\":[],\"t\":[{\"kind\":\"lamp\",\"result\":\"inconclusive\",\"sc\":"
		   "\"2024-01-01T01:01:01Z\",\"tr\":null,\"tt\":\"95608-6\"}],\"v\":[{\"dn\":1,"
		   "\"dt\":\"2021-06-01\",\"mp\":\"208\",\"sd\":null,\"tg\":\"840539006\"}]}");
	free(s);
	json_decref(j);
}

static void test_dcc_fields(void **state)
{
	struct cred c = { 0 };
	json_t *j;

	(void)state;
	c.format = CRED_FORMAT_DCC;
	strcpy(c.cert_id, "URN:UVCI:01:JP:X");
	strcpy(c.family_std, "SATO");
	c.n_doses = 1;
	c.doses[0].number = 2;
	c.doses[0].series_total = 2;
	strcpy(c.doses[0].date, "2021-06-01");
	c.n_recoveries = 1;
	strcpy(c.recoveries[0].first_positive, "2021-01-01");
	j = cred_to_json(&c);
	assert_string_equal(json_string_value(json_object_get(j, "format")), "dcc");
	assert_string_equal(json_string_value(json_object_get(j, "ci")), "URN:UVCI:01:JP:X");
	assert_true(json_is_null(json_object_get(j, "dob")));
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(j, "nam"), "fnt")), "SATO");
	assert_int_equal(
		json_integer_value(json_object_get(json_array_get(json_object_get(j, "v"), 0), "sd")),
		2);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(j, "r"), 0), "fr")),
			    "2021-01-01");
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(j, "r"), 0), "du")));
	json_decref(j);
	/* No ci member for a credential without one. */
	c.cert_id[0] = 0;
	j = cred_to_json(&c);
	assert_null(json_object_get(j, "ci"));
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shc_shape),
		cmocka_unit_test(test_dcc_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
