/* SPDX-License-Identifier: MIT */
/*
 * test_events.c - the event builder and the pseudonym: the canonical name, the token, and the
 * city's tracing recomputation (issue 5 acceptance 3: a case's tokens recomputed with the day's
 * key match that day's events at that venue; another venue or day gives unlinkable tokens).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "events/events.h"

static void person(struct cred *c, const char *family, const char *given, const char *dob,
		   const char *issuer)
{
	memset(c, 0, sizeof(*c));
	c->format = CRED_FORMAT_SHC;
	snprintf(c->family, sizeof(c->family), "%s", family);
	snprintf(c->given, sizeof(c->given), "%s", given);
	snprintf(c->dob, sizeof(c->dob), "%s", dob);
	snprintf(c->issuer, sizeof(c->issuer), "%s", issuer);
}

static void fold_is(const char *in, const char *want)
{
	char out[CRED_NAME_MAX];
	int n = events_fold_name(in, out, sizeof(out));

	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(out, want);
}

static void test_fold(void **state)
{
	char small[4];

	(void)state;
	fold_is("Yamada  Taro", "YAMADA TARO");
	fold_is("  yamada\ttaro  ", "YAMADA TARO");
	/* Fullwidth Ｙａｍａｄａ and the ideographic space U+3000. */
	fold_is("\xef\xbc\xb9\xef\xbd\x81\xef\xbd\x8d\xef\xbd\x81\xef\xbd\x84\xef\xbd\x81"
		"\xe3\x80\x80\xef\xbc\xb4\xef\xbd\x81\xef\xbd\x92\xef\xbd\x8f",
		"YAMADA TARO");
	/* Kanji stay as UTF-8; the ideographic space becomes one ASCII space. */
	fold_is("\xe5\xb1\xb1\xe7\x94\xb0\xe3\x80\x80\xe5\xa4\xaa\xe9\x83\x8e",
		"\xe5\xb1\xb1\xe7\x94\xb0 \xe5\xa4\xaa\xe9\x83\x8e");
	/* ICAO filler: "VON<DER<HEIDE" is three words. Accented letters are kept, not stripped. */
	fold_is("VON<DER<<HEIDE", "VON DER HEIDE");
	fold_is("M\xc3\xbcller", "M\xc3\xbcLLER");
	fold_is("", "");
	fold_is("   ", "");
	assert_int_equal(events_fold_name("ABCDEF", small, sizeof(small)), -ENOSPC);
}

static void test_canonical_unambiguous(void **state)
{
	struct cred a, b;
	uint8_t ca[EVENTS_CANON_MAX], cb[EVENTS_CANON_MAX];
	int na, nb;

	(void)state;
	person(&a, "AB", "C", "1990-01-01", "https://jp");
	person(&b, "A", "BC", "1990-01-01", "https://jp");
	na = events_canonical(&a, ca, sizeof(ca));
	nb = events_canonical(&b, cb, sizeof(cb));
	assert_true(na > 0 && nb > 0);
	assert_false(na == nb && memcmp(ca, cb, (size_t)na) == 0);
	/* The layout: u16be length + bytes, four times. */
	assert_int_equal(na, 2 + 2 + 2 + 1 + 2 + 10 + 2 + 10);
	assert_memory_equal(ca,
			    "\x00\x02"
			    "AB"
			    "\x00\x01"
			    "C"
			    "\x00\x0a"
			    "1990-01-01",
			    17);
	/* A DCC with fnt uses the transliteration, not the printed name. */
	person(&a, "Müller", "Jörg", "1970-05-05", "DE");
	snprintf(a.family_std, sizeof(a.family_std), "MUELLER");
	snprintf(a.given_std, sizeof(a.given_std), "JOERG");
	na = events_canonical(&a, ca, sizeof(ca));
	assert_memory_equal(ca,
			    "\x00\x07"
			    "MUELLER"
			    "\x00\x05"
			    "JOERG",
			    16);
	/* No name at all: no token. */
	person(&a, "", " ", "1990-01-01", "JP");
	assert_int_equal(events_canonical(&a, ca, sizeof(ca)), -ENODATA);
}

/* Known answer, computed independently (Python hmac/hashlib) from the documented layout. */
static void test_token_known_answer(void **state)
{
	uint8_t k_day[EVENTS_KEY_LEN], kv[EVENTS_KEY_LEN];
	char tok[EVENTS_TOK_LEN];
	struct cred c;

	(void)state;
	memset(k_day, 0x5A, sizeof(k_day));
	assert_int_equal(events_venue_key(k_day, "v1", kv), 0);
	person(&c, "\xe5\xb1\xb1\xe7\x94\xb0", "\xe5\xa4\xaa\xe9\x83\x8e", "1985-07-14", "JP");
	snprintf(c.family_std, sizeof(c.family_std), "YAMADAPRIVATE");
	snprintf(c.given_std, sizeof(c.given_std), "TAROPRIVATE");
	assert_int_equal(events_token(kv, &c, tok), 0);
	assert_string_equal(tok, "CuWC6Y3P3d2iUAP9Sr__dA");
}

static char *event_tok(const uint8_t *venue_key, const char *venue, const struct cred *c,
		       int64_t now, uint64_t seq, int64_t *ret_slot)
{
	const char *reasons[] = { "vaccinated" };
	struct events_check ck = { .venue = venue,
				   .kiosk = "k1",
				   .program = "national-package",
				   .now = now,
				   .admit = true,
				   .reasons = reasons,
				   .n_reasons = 1,
				   .kind = "vaccination",
				   .format = "shc",
				   .cred = c,
				   .venue_key = venue_key };
	json_t *o, *t;
	char *json = NULL, *tok = NULL;

	assert_true(events_build(&ck, seq, &json) > 0);
	o = json_loads(json, 0, NULL);
	assert_non_null(o);
	t = json_object_get(o, "tok");
	if (json_is_string(t))
		tok = strdup(json_string_value(t));
	if (ret_slot)
		*ret_slot = json_integer_value(json_object_get(o, "slot"));
	json_decref(o);
	free(json);
	return tok;
}

/* The city traces a case: tokens recomputed from the case's data with the day's K_day. */
static void test_tracing(void **state)
{
	uint8_t k_day1[EVENTS_KEY_LEN], k_day2[EVENTS_KEY_LEN];
	uint8_t kv_a1[EVENTS_KEY_LEN], kv_b1[EVENTS_KEY_LEN], kv_a2[EVENTS_KEY_LEN];
	char city_tok[EVENTS_TOK_LEN], other_tok[EVENTS_TOK_LEN];
	struct cred at_gate, from_case, other;
	char *t_a1, *t_b1, *t_a2, *t_other;
	int64_t slot;

	(void)state;
	memset(k_day1, 0x11, sizeof(k_day1));
	memset(k_day2, 0x22, sizeof(k_day2));
	events_venue_key(k_day1, "shop-a", kv_a1);
	events_venue_key(k_day1, "shop-b", kv_b1);
	events_venue_key(k_day2, "shop-a", kv_a2);
	/* The card as scanned (fullwidth, mixed case) and the case file as the city typed it. */
	person(&at_gate, "\xef\xbd\x99\xef\xbd\x81\xef\xbd\x8d\xef\xbd\x81\xef\xbd\x84\xef\xbd\x81",
	       "Taro", "1985-07-14", "https://jpn.example/iss");
	person(&from_case, "YAMADA", "TARO", "1985-07-14", "https://jpn.example/iss");
	person(&other, "SATO", "HANAKO", "1985-07-14", "https://jpn.example/iss");

	t_a1 = event_tok(kv_a1, "shop-a", &at_gate, 1700000123, 1, &slot);
	t_b1 = event_tok(kv_b1, "shop-b", &at_gate, 1700000456, 2, NULL);
	t_a2 = event_tok(kv_a2, "shop-a", &at_gate, 1700086523, 3, NULL);
	t_other = event_tok(kv_a1, "shop-a", &other, 1700000200, 4, NULL);
	assert_non_null(t_a1);
	assert_non_null(t_b1);
	assert_non_null(t_a2);
	assert_non_null(t_other);
	assert_int_equal(slot, 1700000123 / 600);

	/* The city: K_venue_day for shop-a on day 1, the case's token, a match. */
	uint8_t city_kv[EVENTS_KEY_LEN];

	events_venue_key(k_day1, "shop-a", city_kv);
	assert_int_equal(events_token(city_kv, &from_case, city_tok), 0);
	assert_string_equal(city_tok, t_a1);
	assert_int_equal(strlen(city_tok), 22);
	/* Another person at the same venue and day: no match. */
	assert_string_not_equal(city_tok, t_other);
	/* The same person at another venue, or on another day: unlinkable without the key. */
	assert_string_not_equal(t_a1, t_b1);
	assert_string_not_equal(t_a1, t_a2);
	assert_string_not_equal(t_b1, t_a2);
	/* ... but the city holding day 2's K_day finds the day-2 visit too. */
	events_venue_key(k_day2, "shop-a", city_kv);
	assert_int_equal(events_token(city_kv, &from_case, other_tok), 0);
	assert_string_equal(other_tok, t_a2);
	free(t_a1);
	free(t_b1);
	free(t_a2);
	free(t_other);
}

static void test_event_shape(void **state)
{
	const char *reasons[] = { "test-expired", "no-vaccination" };
	struct events_check ck = { .venue = "shop-a",
				   .kiosk = "k9",
				   .program = "national-package",
				   .now = 1700000999,
				   .admit = false,
				   .reasons = reasons,
				   .n_reasons = 2 };
	char *json = NULL;
	struct cred c;

	(void)state;
	assert_true(events_build(&ck, 42, &json) > 0);
	assert_string_equal(json,
			    "{\"v\":1,\"eid\":\"k9:42\",\"venue\":\"shop-a\",\"kiosk\":\"k9\","
			    "\"slot\":2833334,\"program\":\"national-package\","
			    "\"decision\":\"deny\",\"reasons\":[\"test-expired\","
			    "\"no-vaccination\"],\"kind\":null,\"format\":null,\"tok\":null}");
	free(json);
	/* A credential but no day key: tok is null, and nothing personal appears. */
	person(&c, "YAMADA", "TARO", "1985-07-14", "JP");
	snprintf(c.cert_id, sizeof(c.cert_id), "URN:UVCI:SECRET");
	ck.cred = &c;
	assert_true(events_build(&ck, 43, &json) > 0);
	assert_non_null(strstr(json, "\"tok\":null"));
	assert_null(strstr(json, "YAMADA"));
	assert_null(strstr(json, "1985"));
	assert_null(strstr(json, "SECRET"));
	assert_null(strstr(json, "1700000999"));
	free(json);
	ck.venue = NULL;
	assert_int_equal(events_build(&ck, 1, &json), -EINVAL);
}

static void test_topics(void **state)
{
	char t[256];

	(void)state;
	assert_true(events_topic_check("kobe", "shop-a", "k1", t, sizeof(t)) > 0);
	assert_string_equal(t, "passgate/v1/kobe/venue/shop-a/kiosk/k1/check");
	assert_true(events_topic_status("kobe", "shop-a", "k1", t, sizeof(t)) > 0);
	assert_string_equal(t, "passgate/v1/kobe/venue/shop-a/kiosk/k1/status");
	assert_int_equal(events_topic_check("kobe", "a/b", "k1", t, sizeof(t)), -EINVAL);
	assert_int_equal(events_topic_check("kobe", "#", "k1", t, sizeof(t)), -EINVAL);
	assert_int_equal(events_topic_check("kobe", "", "k1", t, sizeof(t)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_canonical_unambiguous),
		cmocka_unit_test(test_token_known_answer),
		cmocka_unit_test(test_tracing),
		cmocka_unit_test(test_event_shape),
		cmocka_unit_test(test_topics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
