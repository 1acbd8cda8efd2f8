/* SPDX-License-Identifier: MIT */
/*
 * test_party.c - daemon/party.c: what the gate makes of booking and receipt codes. A booking
 * code's reasons (forged, another venue, before its first day, after its last night) and the
 * context it sets; a receipt code taken only from a known kiosk, for this lodging program, from
 * the previous night, for its holder; the night counted from the trip's first day in the venue's
 * zone. Codes are made with events/ (receiptsigner, bookingcode) and judged with the shipped
 * Hokkaido program.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "daemon/party.h"
#include "events/receiptkeys.h"
#include "events/receiptsigner.h"
#include "events/signedcode.h"
#include "rules/datetime.h"
#include "rules/judge.h"
#include "rules/program.h"

#define TZ_VENUE "Asia/Tokyo"

static struct rules_catalog *cat;

static int setup(void **state)
{
	char dir[1024], err[512];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/rules/programs", getenv("PASSGATE_SOURCE_DIR"));
	return rules_catalog_load(dir, &cat, err, sizeof(err));
}

static int teardown(void **state)
{
	(void)state;
	rules_catalog_free(cat);
	return 0;
}

static int64_t at(const char *s)
{
	int64_t t;

	assert_int_equal(rules_time_parse(s, TZ_VENUE, &t), 0);
	return t;
}

static void holder(struct cred *c, const char *given)
{
	memset(c, 0, sizeof(*c));
	c->format = CRED_FORMAT_SHC;
	snprintf(c->family, sizeof(c->family), "Yamada");
	snprintf(c->given, sizeof(c->given), "%s", given);
	snprintf(c->dob, sizeof(c->dob), "1980-01-02");
	snprintf(c->issuer, sizeof(c->issuer), "https://issuer.example");
}

static void test_booking(void **state)
{
	const struct rules_program *p = rules_catalog_find(cat, "hokkaido-doumin-wari");
	uint8_t keys[1][32], sk[64];
	struct bookingcode b = { .party = 3, .nights = 2 }, got;
	struct rules_context *ctx = NULL;
	enum rules_reason why;
	json_t *data = NULL, *o;
	struct cred c;
	char *text = NULL;

	(void)state;
	signedcode_keypair(keys[0], sk);
	strcpy(b.venue, "hotel-a");
	strcpy(b.residence, "JP-01");
	strcpy(b.trip_start, "2022-07-20");
	strcpy(b.expires, "2022-07-21");
	assert_true(bookingcode_issue(&b, sk, &text) > 0);
	assert_int_equal(party_code_kind(text, strlen(text)), PARTY_BOOKING);
	assert_int_equal(party_code_kind("shc:/0123", 9), PARTY_NONE);
	assert_int_equal(party_booking_read(text, strlen(text), keys, 1, "hotel-a", TZ_VENUE,
					    at("2022-07-21T23:30"), &got, &why),
			 0);
	assert_int_equal(party_booking_read(text, strlen(text), keys, 0, "hotel-a", TZ_VENUE,
					    at("2022-07-21T12:00"), &got, &why),
			 -EKEYREJECTED);
	assert_int_equal(why, RULES_R_BOOKING_INVALID);
	assert_true(party_booking_read(text, strlen(text), keys, 1, "hotel-b", TZ_VENUE,
				       at("2022-07-21T12:00"), &got, &why) < 0);
	assert_int_equal(why, RULES_R_BOOKING_OTHER_VENUE);
	/* 00:30 on 07-22 in Tokyo is still 07-21 in UTC: the venue's local date counts. */
	assert_true(party_booking_read(text, strlen(text), keys, 1, "hotel-a", TZ_VENUE,
				       at("2022-07-22T00:30"), &got, &why) < 0);
	assert_int_equal(why, RULES_R_BOOKING_EXPIRED);
	assert_true(party_booking_read(text, strlen(text), keys, 1, "hotel-a", TZ_VENUE,
				       at("2022-07-19T23:59"), &got, &why) < 0);
	assert_int_equal(why, RULES_R_BOOKING_NOT_YET_VALID);

	/* The context the rules see on night 2. */
	assert_int_equal(rules_context_new(&ctx), 0);
	assert_int_equal(party_booking_context(&b, p, TZ_VENUE, at("2022-07-21T15:00"), ctx), 0);
	holder(&c, "Taro");
	assert_int_equal(rules_judge_data(p, &c, at("2022-07-21T15:00"), TZ_VENUE, ctx, &data), 0);
	o = json_object_get(data, "context");
	assert_string_equal(json_string_value(json_object_get(o, "residence")), "JP-01");
	assert_int_equal(json_integer_value(json_object_get(o, "night")), 2);
	assert_int_equal(json_integer_value(json_object_get(o, "group_size")), 3);
	assert_false(json_is_true(json_object_get(o, "school_activity")));
	json_decref(data);
	rules_context_free(ctx);
	free(text);
}

static void test_receipt(void **state)
{
	const struct rules_program *p = rules_catalog_find(cat, "hokkaido-doumin-wari");
	const struct rules_program *aichi = rules_catalog_find(cat, "aichi-restaurant");
	char dir[] = "/tmp/test_party.XXXXXX", path[64], *text = NULL;
	struct receiptsigner *rs = NULL;
	struct receiptkeys *ring = NULL;
	struct receiptcode rc = { 0 }, got;
	struct rules_context *person = NULL;
	struct cred c, other;
	uint8_t pk[32];
	int64_t night2 = at("2022-07-21T15:00");

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(receiptsigner_new(dir, &rs), 0);
	receiptsigner_public_key(rs, pk);
	assert_int_equal(receiptkeys_new(&ring), 0);
	holder(&c, "Taro");
	holder(&other, "Hanako");
	strcpy(rc.venue, "hotel-a");
	strcpy(rc.kiosk, "front-1");
	strcpy(rc.program, "hokkaido-doumin-wari");
	strcpy(rc.date, "2022-07-20");
	strcpy(rc.trip_start, "2022-07-20");
	rc.night = 1;
	assert_int_equal(receiptcode_bind(&rc, &c), 0);
	assert_true(receiptsigner_issue(rs, &rc, &text) > 0);
	assert_int_equal(party_code_kind(text, strlen(text)), PARTY_RECEIPT);

	/* An unknown kiosk, then known. */
	assert_int_equal(party_receipt_read(text, strlen(text), receiptkeys_lookup, ring, p,
					    TZ_VENUE, night2, &got),
			 -ENOKEY);
	assert_int_equal(receiptkeys_add(ring, "hotel-a", "front-1", pk), 0);
	assert_int_equal(party_receipt_read(text, strlen(text), receiptkeys_lookup, ring, p,
					    TZ_VENUE, night2, &got),
			 0);
	/* Only the night after: not the same day, not two days on. */
	assert_int_equal(party_receipt_read(text, strlen(text), receiptkeys_lookup, ring, p,
					    TZ_VENUE, at("2022-07-20T23:00"), &got),
			 -ESTALE);
	assert_int_equal(party_receipt_read(text, strlen(text), receiptkeys_lookup, ring, p,
					    TZ_VENUE, at("2022-07-22T15:00"), &got),
			 -ESTALE);
	/* Not for a program without stays, nor for another program. */
	assert_int_equal(party_receipt_read(text, strlen(text), receiptkeys_lookup, ring, aichi,
					    TZ_VENUE, night2, &got),
			 -EOPNOTSUPP);
	assert_int_equal(party_receipt_read(text, strlen(text), receiptkeys_lookup, ring,
					    rules_catalog_find(cat, "nagano-shinshu-wari"),
					    TZ_VENUE, night2, &got),
			 -EXDEV);
	/* Its holder gets the trip; another holder nothing. */
	assert_int_equal(rules_context_new(&person), 0);
	assert_int_equal(party_receipt_context(&got, &other, p, TZ_VENUE, night2, person), -EPERM);
	assert_int_equal(party_receipt_context(&got, &c, p, TZ_VENUE, night2, person), 0);
	/* A trip that would start after today is refused, not turned into night 0. */
	strcpy(got.trip_start, "2022-07-25");
	assert_int_equal(party_receipt_context(&got, &c, p, TZ_VENUE, night2, person), -ERANGE);
	assert_string_equal(party_error(-EPERM), "of another holder");

	rules_context_free(person);
	free(text);
	receiptkeys_free(ring);
	receiptsigner_free(rs);
	snprintf(path, sizeof(path), "%s/%s", dir, RECEIPTSIGNER_FILE);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_booking),
		cmocka_unit_test(test_receipt),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
