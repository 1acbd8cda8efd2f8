/* SPDX-License-Identifier: MIT */
/* test_hcert.c - CWT claims and hcert content into struct cred; syntax vs schema failures. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cbor_build.h"
#include "credential/hcert.h"
#include "credential/sig.h"

#define IAT 1620000000 /* 2021-05-03T00:00:00Z */
#define EXP 1650000000

enum variant {
	V_PLAIN,
	V_TWO_GROUPS,
	V_DOB_1815,
	V_DOB_FUTURE,
	V_GN_NO_GNT,
	V_NO_FNT,
	V_DATE_TIME_DT,
	V_HISTORY,
	V_TAGGED_SC,
	V_LONG_MP,
	V_TOO_LONG_MP,
	V_DN_TEXT,
};

static void name(struct cb *c, int with_gnt)
{
	cb_text(c, "nam");
	cb_map(c, with_gnt ? 4 : 3);
	cb_kv(c, "fn", "Musterfrau");
	cb_kv(c, "gn", "Erika");
	cb_kv(c, "fnt", "MUSTERFRAU");
	if (with_gnt)
		cb_kv(c, "gnt", "ERIKA");
}

static void vacc(struct cb *c, unsigned dn, const char *dt, const char *mp)
{
	cb_map(c, 10);
	cb_kv(c, "tg", "840539006");
	cb_kv(c, "vp", "1119349007");
	cb_kv(c, "mp", mp);
	cb_kv(c, "ma", "ORG-100030215");
	cb_text(c, "dn");
	cb_uint(c, dn);
	cb_text(c, "sd");
	cb_uint(c, 2);
	cb_kv(c, "dt", dt);
	cb_kv(c, "co", "AT");
	cb_kv(c, "is", "Ministry of Health");
	cb_kv(c, "ci", "URN:UVCI:01:AT:TEST");
}

static void test_entry(struct cb *c, const char *tt, const char *tr, int tagged)
{
	cb_map(c, 9);
	cb_kv(c, "tg", "840539006");
	cb_kv(c, "tt", tt);
	cb_kv(c, "nm", "Some PCR");
	cb_text(c, "sc");
	if (tagged)
		cb_tag(c, 0);
	cb_text(c, "2021-05-02T10:20:30+02:00");
	cb_kv(c, "tr", tr);
	cb_kv(c, "tc", "Centre");
	cb_kv(c, "co", "AT");
	cb_kv(c, "is", "Ministry of Health");
	cb_kv(c, "ci", "URN:UVCI:01:AT:TEST");
}

/* The CWT: {1: "AT", 4: EXP, 6: IAT, -260: {1: dgc}}. */
static void cwt(struct cb *c, enum variant v)
{
	c->n = 0;
	cb_map(c, 4);
	cb_uint(c, 1);
	cb_text(c, "AT");
	cb_uint(c, 4);
	cb_uint(c, EXP);
	cb_uint(c, 6);
	cb_uint(c, IAT);
	cb_int(c, -260);
	cb_map(c, 1);
	cb_uint(c, 1);
	cb_map(c, v == V_TWO_GROUPS ? 5 : 4);
	cb_kv(c, "ver", "1.3.0");
	if (v == V_NO_FNT) {
		cb_text(c, "nam");
		cb_map(c, 1);
		cb_kv(c, "fn", "Musterfrau");
	} else {
		name(c, v != V_GN_NO_GNT);
	}
	cb_kv(c, "dob",
	      v == V_DOB_1815	  ? "1815-08-24"
	      : v == V_DOB_FUTURE ? "2023-01-01"
				  : "1964-08-12");
	if (v == V_TAGGED_SC || v == V_TWO_GROUPS) {
		cb_text(c, "t");
		cb_array(c, 1);
		test_entry(c, "LP217198-3", "260373001", v == V_TAGGED_SC);
		if (v == V_TAGGED_SC)
			return;
	}
	cb_text(c, "v");
	if (v == V_HISTORY) {
		cb_array(c, 3);
		vacc(c, 1, "2021-01-01", "EU/1/20/1528");
		vacc(c, 3, "2021-06-01", "EU/1/20/1507");
		vacc(c, 2, "2021-02-01", "EU/1/20/1528");
		return;
	}
	cb_array(c, 1);
	if (v == V_DN_TEXT) {
		cb_map(c, 1);
		cb_kv(c, "dn", "1");
		return;
	}
	vacc(c, 2, v == V_DATE_TIME_DT ? "2021-04-01T00:00:00" : "2021-04-01",
	     v == V_LONG_MP ? "Inactivated-SARS-CoV-2-Vero-Cell"
	     : v == V_TOO_LONG_MP
		     ? "0123456789012345678901234567890123456789012345678901234567890123"
		     : "EU/1/20/1528");
}

static enum cred_status parse(enum variant v, struct cred *c, unsigned *kinds)
{
	struct cb b;
	enum cred_status st;

	cwt(&b, v);
	assert_int_equal(hcert_parse(b.b, b.n, c, kinds, &st), 0);
	return st;
}

static void test_vaccination(void **state)
{
	struct cred c;
	unsigned kinds;

	(void)state;
	assert_int_equal(parse(V_PLAIN, &c, &kinds), CRED_OK);
	assert_int_equal(kinds, SIG_USAGE_VACCINATION);
	assert_string_equal(c.issuer, "AT");
	assert_int_equal(c.issued_at, IAT);
	assert_int_equal(c.expires_at, EXP);
	assert_string_equal(c.family, "Musterfrau");
	assert_string_equal(c.given, "Erika");
	assert_string_equal(c.family_std, "MUSTERFRAU");
	assert_string_equal(c.given_std, "ERIKA");
	assert_string_equal(c.dob, "1964-08-12");
	assert_string_equal(c.cert_id, "URN:UVCI:01:AT:TEST");
	assert_int_equal(c.n_doses, 1);
	assert_int_equal(c.n_tests, 0);
	assert_int_equal(c.doses[0].number, 2);
	assert_int_equal(c.doses[0].series_total, 2);
	assert_string_equal(c.doses[0].date, "2021-04-01");
	assert_string_equal(c.doses[0].product, "EU/1/20/1528");
	assert_string_equal(c.doses[0].target, "840539006");

	assert_int_equal(parse(V_DATE_TIME_DT, &c, &kinds), CRED_OK);
	assert_string_equal(c.doses[0].date, "2021-04-01");
	assert_int_equal(parse(V_LONG_MP, &c, &kinds), CRED_OK);
	assert_string_equal(c.doses[0].product, "Inactivated-SARS-CoV-2-Vero-Cell");

	/* A history (schema < 1.3): the latest dose counts. */
	assert_int_equal(parse(V_HISTORY, &c, &kinds), CRED_OK);
	assert_int_equal(c.doses[0].number, 3);
	assert_string_equal(c.doses[0].date, "2021-06-01");
	assert_string_equal(c.doses[0].product, "EU/1/20/1507");
}

static void test_test(void **state)
{
	struct cred c;
	unsigned kinds;

	(void)state;
	assert_int_equal(parse(V_TAGGED_SC, &c, &kinds), CRED_OK);
	assert_int_equal(kinds, SIG_USAGE_TEST);
	assert_int_equal(c.n_tests, 1);
	assert_int_equal(c.tests[0].kind, CRED_TEST_ANTIGEN_RAPID);
	assert_int_equal(c.tests[0].result, CRED_RESULT_POSITIVE);
	assert_int_equal(c.tests[0].collected, 1619943630); /* 2021-05-02T08:20:30Z */
	assert_string_equal(c.tests[0].type_code, "LP217198-3");
	assert_string_equal(c.tests[0].result_code, "260373001");
}

static void test_schema(void **state)
{
	static const enum variant bad[] = { V_TWO_GROUPS, V_DOB_1815,	 V_DOB_FUTURE, V_GN_NO_GNT,
					    V_NO_FNT,	  V_TOO_LONG_MP, V_DN_TEXT };
	struct cred c;
	unsigned kinds;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], &c, &kinds), CRED_E_SCHEMA);
		/* Nothing personal is kept from a refused credential; the claims are. */
		assert_string_equal(c.family, "");
		assert_string_equal(c.dob, "");
		assert_int_equal(c.n_doses, 0);
		assert_int_equal(c.issued_at, IAT);
		assert_string_equal(c.issuer, "AT");
	}
	parse(V_TWO_GROUPS, &c, &kinds);
	assert_int_equal(kinds, SIG_USAGE_TEST | SIG_USAGE_VACCINATION);
}

static void test_syntax(void **state)
{
	struct cb b = { .n = 0 };
	struct cred c;
	enum cred_status st;

	(void)state;
	/* Not a map. */
	cb_array(&b, 0);
	assert_int_equal(hcert_parse(b.b, b.n, &c, NULL, &st), 0);
	assert_int_equal(st, CRED_E_SYNTAX);
	/* iss not text. */
	b.n = 0;
	cb_map(&b, 1);
	cb_uint(&b, 1);
	cb_uint(&b, 7);
	assert_int_equal(hcert_parse(b.b, b.n, &c, NULL, &st), 0);
	assert_int_equal(st, CRED_E_SYNTAX);
	/* -260 -> 1 wrapped in a byte string (common/CBO1). */
	b.n = 0;
	cb_map(&b, 1);
	cb_int(&b, -260);
	cb_map(&b, 1);
	cb_uint(&b, 1);
	cb_bytes(&b, "\xa0", 1);
	assert_int_equal(hcert_parse(b.b, b.n, &c, NULL, &st), 0);
	assert_int_equal(st, CRED_E_SYNTAX);
	/* No hcert claim at all: a CWT, but not a DCC. */
	b.n = 0;
	cb_map(&b, 1);
	cb_uint(&b, 6);
	cb_uint(&b, IAT);
	assert_int_equal(hcert_parse(b.b, b.n, &c, NULL, &st), 0);
	assert_int_equal(st, CRED_E_SCHEMA);
	/* Nesting beyond the bound inside the payload. */
	b.n = 0;
	cb_map(&b, 1);
	cb_uint(&b, 99);
	for (int i = 0; i < 40; i++)
		cb_array(&b, 1);
	cb_uint(&b, 0);
	assert_int_equal(hcert_parse(b.b, b.n, &c, NULL, &st), 0);
	assert_int_equal(st, CRED_E_SYNTAX);
	/* A repeated key (RFC 8949 §5.6): in the claims, and inside the DCC. */
	cwt(&b, V_PLAIN);
	b.b[0] = 0xa5; /* one more pair than announced: a second iss claim */
	cb_uint(&b, 1);
	cb_text(&b, "XX");
	assert_int_equal(hcert_parse(b.b, b.n, &c, NULL, &st), 0);
	assert_int_equal(st, CRED_E_SYNTAX);
	b.n = 0;
	cb_map(&b, 1);
	cb_int(&b, -260);
	cb_map(&b, 1);
	cb_uint(&b, 1);
	cb_map(&b, 2);
	cb_kv(&b, "dob", "1990");
	cb_kv(&b, "dob", "1991");
	assert_int_equal(hcert_parse(b.b, b.n, &c, NULL, &st), 0);
	assert_int_equal(st, CRED_E_SYNTAX);
	/* Truncated. */
	cwt(&b, V_PLAIN);
	assert_int_equal(hcert_parse(b.b, b.n - 1, &c, NULL, &st), 0);
	assert_int_equal(st, CRED_E_SYNTAX);
}

static void test_datetime(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(hcert_parse_datetime("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(hcert_parse_datetime("2021-05-30T13:38:50.289785", &t), 0);
	assert_int_equal(t, 1622381930);
	assert_int_equal(hcert_parse_datetime("2021-05-25T18:54:33+02:00", &t), 0);
	assert_int_equal(t, 1621961673);
	assert_int_equal(hcert_parse_datetime("2021-05-25T18:54:33-0130", &t), 0);
	assert_int_equal(t, 1621974273);
	assert_int_equal(hcert_parse_datetime("2021-05-25", &t), -EINVAL);
	assert_int_equal(hcert_parse_datetime("2021-13-25T00:00:00Z", &t), -EINVAL);
	assert_int_equal(hcert_parse_datetime("2021-05-25T00:00:00Zjunk", &t), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vaccination), cmocka_unit_test(test_test),
		cmocka_unit_test(test_schema),	    cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_datetime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
