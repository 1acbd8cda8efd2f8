/* SPDX-License-Identifier: MIT */
/*
 * test_codes.c - receipt codes (PGR1) and booking codes (PGB1): round trips, the fixed format of
 * the receipt body and short code (docs/codes.md), the holder binding, and every way a code can
 * be bad: forged (another key, one byte changed), truncated, oversized, another venue or city,
 * an unknown kiosk, a malformed body. Links only passgate_events.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "credential/b64url.h"
#include "events/bookingcode.h"
#include "events/receiptcode.h"
#include "events/receiptkeys.h"
#include "events/receiptsigner.h"
#include "events/signedcode.h"
#include "events/trustupdate.h"

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

static void sample_receipt(struct receiptcode *rc, const struct cred *c)
{
	static const uint8_t k[32] = { 1, 2, 3 };

	memset(rc, 0, sizeof(*rc));
	strcpy(rc->venue, "hotel-a");
	strcpy(rc->kiosk, "front-1");
	strcpy(rc->program, "hokkaido-doumin-wari");
	strcpy(rc->date, "2022-07-20");
	rc->slot = 2764836;
	strcpy(rc->kind, "test");
	strcpy(rc->trip_start, "2022-07-20");
	rc->night = 1;
	assert_int_equal(receiptcode_visit_code(k, rc->vc), 0);
	assert_int_equal(receiptcode_bind(rc, c), 0);
}

static void test_signedcode_date(void **state)
{
	int64_t d;
	char out[11];

	(void)state;
	assert_int_equal(signedcode_date("2022-07-20", &d), 0);
	signedcode_format_date(d, out);
	assert_string_equal(out, "2022-07-20");
	assert_int_equal(signedcode_date("2022-02-30", &d), -EINVAL);
	assert_int_equal(signedcode_date("2022-07-20T00:00", &d), -EINVAL);
	assert_int_equal(signedcode_date("22-07-20", &d), -EINVAL);
}

/* The body's members and their order are the contract check.html reads. */
static void test_receipt_body_format(void **state)
{
	struct receiptcode rc, back;
	struct cred c;
	char *body = NULL;
	json_t *o;

	(void)state;
	person(&c, "Yamada", "Taro", "1980-01-02", "https://issuer.example");
	sample_receipt(&rc, &c);
	assert_true(receiptcode_body(&rc, &body) > 0);
	assert_non_null(strstr(body, "{\"v\":1,\"venue\":\"hotel-a\",\"kiosk\":\"front-1\","
				     "\"date\":\"2022-07-20\",\"slot\":2764836,\"decision\":"
				     "\"admit\",\"kind\":\"test\",\"program\":"
				     "\"hokkaido-doumin-wari\",\"trip_start\":\"2022-07-20\","
				     "\"night\":1,\"vc\":\""));
	o = json_loads(body, 0, NULL);
	assert_non_null(o);
	assert_int_equal(json_string_length(json_object_get(o, "vc")), 22);
	assert_int_equal(json_string_length(json_object_get(json_object_get(o, "hb"), "s")), 22);
	assert_int_equal(json_string_length(json_object_get(json_object_get(o, "hb"), "h")), 11);
	json_decref(o);
	/* Nothing of the holder in it. */
	assert_null(strstr(body, "Yamada"));
	assert_null(strstr(body, "YAMADA"));
	assert_null(strstr(body, "1980"));
	assert_int_equal(receiptcode_parse_body((const uint8_t *)body, strlen(body), &back), 0);
	assert_memory_equal(&back, &rc, sizeof(rc));
	free(body);

	/* A lodging-less program: trip_start and night null, both or neither. */
	rc.trip_start[0] = 0;
	rc.night = 0;
	rc.kind[0] = 0;
	assert_true(receiptcode_body(&rc, &body) > 0);
	assert_non_null(strstr(body, "\"kind\":null"));
	assert_non_null(strstr(body, "\"trip_start\":null,\"night\":null"));
	free(body);
	rc.night = 2;
	assert_int_equal(receiptcode_body(&rc, &body), -EINVAL);
}

/* Known answer: vc for a key of 32 zero bytes, computed independently (Python hmac). */
static void test_visit_code_known_answer(void **state)
{
	static const uint8_t zero[32];
	static const uint8_t want[16] = { 0xc8, 0x21, 0x92, 0x34, 0x57, 0x5d, 0x21, 0x65,
					  0x16, 0xe7, 0x2d, 0xe7, 0x62, 0xcc, 0xac, 0x5e };
	uint8_t vc[16];

	(void)state;
	assert_int_equal(receiptcode_visit_code(zero, vc), 0);
	assert_memory_equal(vc, want, sizeof(want));
}

static void test_holder_binding(void **state)
{
	struct receiptcode rc, rc2;
	struct cred c, same_other_card, other, no_name;

	(void)state;
	person(&c, "Yamada", "Taro", "1980-01-02", "https://issuer.example");
	person(&same_other_card, "YAMADA", "taro", "1980-01-02", "https://other-issuer.example");
	person(&other, "Yamada", "Hanako", "1980-01-02", "https://issuer.example");
	person(&no_name, "", "", "", "x");
	sample_receipt(&rc, &c);
	assert_true(receiptcode_holder_matches(&rc, &c));
	assert_true(receiptcode_holder_matches(&rc, &same_other_card));
	assert_false(receiptcode_holder_matches(&rc, &other));
	assert_false(receiptcode_holder_matches(&rc, &no_name));
	assert_int_equal(receiptcode_bind(&rc2, &no_name), -ENODATA);
	/* A fresh salt every time: two receipts of one holder do not link. */
	sample_receipt(&rc2, &c);
	assert_memory_not_equal(rc.salt, rc2.salt, sizeof(rc.salt));
	assert_memory_not_equal(rc.hb, rc2.hb, sizeof(rc.hb));
}

static void test_short_code(void **state)
{
	struct receiptcode rc;
	struct cred c;
	char s[RECEIPTCODE_SHORT_LEN], date[11], typed[80];
	uint8_t vc[16];
	unsigned slot;

	(void)state;
	person(&c, "A", "B", "2000-01-01", "i");
	sample_receipt(&rc, &c);
	memset(rc.vc, 0, sizeof(rc.vc));
	rc.vc[0] = 0xff;
	rc.vc[15] = 0x01;
	assert_int_equal(receiptcode_short(&rc, 114, s), 0);
	assert_string_equal(s, "20220720-114-ZW00-0000-0000-0000-0000-0000-04");
	assert_int_equal(receiptcode_short(&rc, 144, s), -EINVAL);
	/* As a visitor types it: lower case, spaces, O for 0 and l for 1. */
	snprintf(typed, sizeof(typed), "2022 0720 114 zwoo oooo 0000 0000 0000 0000 04");
	assert_int_equal(receiptcode_short_parse(typed, date, &slot, vc), 0);
	assert_string_equal(date, "2022-07-20");
	assert_int_equal(slot, 114);
	assert_memory_equal(vc, rc.vc, sizeof(vc));
	assert_int_equal(receiptcode_short_parse("20220720-114-ZW00", date, &slot, vc), -EBADMSG);
	/* Non-zero padding bits, a slot past the day, a date that does not exist. */
	assert_int_equal(receiptcode_short_parse("20220720-114-ZW00-0000-0000-0000-0000-0000-05",
						 date, &slot, vc),
			 -EBADMSG);
	assert_int_equal(receiptcode_short_parse("20220720-144-ZW00-0000-0000-0000-0000-0000-04",
						 date, &slot, vc),
			 -EBADMSG);
	assert_int_equal(receiptcode_short_parse("20220230-001-ZW00-0000-0000-0000-0000-0000-04",
						 date, &slot, vc),
			 -EBADMSG);
	assert_int_equal(receiptcode_short_parse("20220720-001-ZW00-0000-0000-0000-0000-0000-0U",
						 date, &slot, vc),
			 -EBADMSG);
}

struct kiosk_keys {
	uint8_t pk[32], sk[64];
};

/* A text with one character replaced, so that it still has the shape of a code. */
static char *altered(const char *text, size_t at)
{
	char *t = strdup(text);

	assert_non_null(t);
	t[at] = t[at] == 'A' ? 'B' : 'A';
	return t;
}

static void test_receipt_read(void **state)
{
	char dir[] = "/tmp/test_codes.XXXXXX";
	struct receiptsigner *rs = NULL, *again = NULL;
	struct receiptkeys *ring = NULL;
	struct receiptcode rc, got;
	struct cred c;
	uint8_t pk[32], pk2[32], other_pk[32], other_sk[64];
	char *text = NULL, *t, b64[RECEIPTSIGNER_PK_B64];
	char big[SIGNEDCODE_TEXT_MAX + 16];
	int n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(receiptsigner_new(dir, &rs), 0);
	assert_int_equal(receiptsigner_new(dir, &again), 0); /* the same key file */
	receiptsigner_public_key(rs, pk);
	receiptsigner_public_key(again, pk2);
	assert_memory_equal(pk, pk2, 32);
	receiptsigner_public_key_base64(rs, b64);
	assert_int_equal(strlen(b64), 44);
	receiptsigner_free(again);

	person(&c, "Yamada", "Taro", "1980-01-02", "https://issuer.example");
	sample_receipt(&rc, &c);
	n = receiptsigner_issue(rs, &rc, &text);
	assert_true(n > 0 && (size_t)n < SIGNEDCODE_TEXT_MAX);
	assert_int_equal(strncmp(text, "PGR1:", 5), 0);
	assert_int_equal(receiptkeys_new(&ring), 0);

	/* An unknown kiosk, then known. */
	assert_int_equal(receiptcode_read(text, strlen(text), receiptkeys_lookup, ring, &got),
			 -ENOKEY);
	assert_int_equal(receiptkeys_add(ring, "hotel-a", "front-1", pk), 0);
	assert_int_equal(receiptcode_read(text, strlen(text), receiptkeys_lookup, ring, &got), 0);
	assert_memory_equal(&got, &rc, sizeof(rc));

	/* Another kiosk's key registered under this name: a forgery. */
	signedcode_keypair(other_pk, other_sk);
	assert_int_equal(receiptkeys_add(ring, "hotel-a", "front-1", other_pk), 0);
	assert_int_equal(receiptcode_read(text, strlen(text), receiptkeys_lookup, ring, &got),
			 -EKEYREJECTED);
	assert_int_equal(receiptkeys_add(ring, "hotel-a", "front-1", pk), 0);

	/* One character of the body or the signature changed. */
	for (size_t at = 5; at < strlen(text); at += 7) {
		t = altered(text, at);
		n = receiptcode_read(t, strlen(t), receiptkeys_lookup, ring, &got);
		assert_true(n == -EKEYREJECTED || n == -EBADMSG || n == -ENOKEY);
		free(t);
	}
	/* Truncated anywhere. */
	for (size_t len = 0; len < strlen(text); len += 5)
		assert_true(receiptcode_read(text, len, receiptkeys_lookup, ring, &got) < 0);
	/* Oversized. */
	memset(big, 'A', sizeof(big));
	memcpy(big, "PGR1:", 5);
	big[600] = '.';
	assert_int_equal(receiptcode_read(big, sizeof(big), receiptkeys_lookup, ring, &got),
			 -E2BIG);
	/* A booking code is not a receipt code, even signed by a known key. */
	assert_int_equal(receiptcode_read("PGB1:e30.AA", 11, receiptkeys_lookup, ring, &got),
			 -ENOMSG);
	free(text);
	receiptkeys_free(ring);
	receiptsigner_free(rs);
	snprintf(big, sizeof(big), "%s/%s", dir, RECEIPTSIGNER_FILE);
	assert_int_equal(unlink(big), 0);
	assert_int_equal(rmdir(dir), 0);
}

static const char *b64(const uint8_t pk[32], char out[45])
{
	assert_int_equal(b64std_encode_buf(pk, 32, out, 45), 0);
	return out;
}

static void test_receipt_keys_import(void **state)
{
	struct receiptkeys *ring = NULL;
	uint8_t pk[32], sk[64];
	char body[512], k[45];

	(void)state;
	signedcode_keypair(pk, sk);
	assert_int_equal(receiptkeys_new(&ring), 0);
	assert_int_equal(receiptkeys_import(ring, (const uint8_t *)"{\"jwks\":[]}", 11), -ENOENT);
	snprintf(body, sizeof(body),
		 "{\"certs\":[],\"receipt_keys\":[{\"venue\":\"v1\",\"kiosk\":\"k1\",\"key\":\"%"
		 "s\"},"
		 "{\"venue\":\"v2\",\"kiosk\":\"k1\",\"key\":\"%s\"}]}",
		 b64(pk, k), k);
	assert_int_equal(receiptkeys_import(ring, (const uint8_t *)body, strlen(body)), 2);
	assert_non_null(receiptkeys_find(ring, "v2", "k1"));
	assert_null(receiptkeys_find(ring, "v3", "k1"));
	/* A duplicate, a short key, a missing member: refused, the list unchanged. */
	snprintf(body, sizeof(body),
		 "{\"receipt_keys\":[{\"venue\":\"v9\",\"kiosk\":\"k1\",\"key\":\"%s\"},"
		 "{\"venue\":\"v9\",\"kiosk\":\"k1\",\"key\":\"%s\"}]}",
		 k, k);
	assert_int_equal(receiptkeys_import(ring, (const uint8_t *)body, strlen(body)), -EBADMSG);
	snprintf(body, sizeof(body),
		 "{\"receipt_keys\":[{\"venue\":\"v9\",\"kiosk\":\"k1\",\"key\":\"AAAA\"}]}");
	assert_int_equal(receiptkeys_import(ring, (const uint8_t *)body, strlen(body)), -EBADMSG);
	snprintf(body, sizeof(body), "{\"receipt_keys\":[{\"venue\":\"v9\",\"key\":\"%s\"}]}", k);
	assert_int_equal(receiptkeys_import(ring, (const uint8_t *)body, strlen(body)), -EBADMSG);
	assert_int_equal(receiptkeys_count(ring), 2);
	/* An empty list revokes every kiosk. */
	assert_int_equal(receiptkeys_import(ring, (const uint8_t *)"{\"receipt_keys\":[]}", 19), 0);
	assert_null(receiptkeys_find(ring, "v1", "k1"));
	receiptkeys_free(ring);
}

/* The city builds the list with the trust update (trustupdate.h); the kiosk reads it back. */
static void test_trust_update_receipt_keys(void **state)
{
	struct trustupdate *u = NULL;
	struct receiptkeys *ring = NULL;
	uint8_t pk[32], sk[64];
	char k[45], *body = NULL;
	size_t len = 0;

	(void)state;
	signedcode_keypair(pk, sk);
	b64(pk, k);
	assert_int_equal(trustupdate_new(&u), 0);
	assert_int_equal(trustupdate_body(u, &body, &len), 0);
	assert_null(strstr(body, "receipt_keys")); /* none added: the kiosks keep their list */
	free(body);
	assert_int_equal(trustupdate_add_receipt_key(u, "hotel-a", "front-1", k), 0);
	assert_int_equal(trustupdate_add_receipt_key(u, "hotel-b", "front-1", k), 0);
	assert_int_equal(trustupdate_add_receipt_key(u, "hotel-a", "front-1", k), -EINVAL);
	assert_int_equal(trustupdate_add_receipt_key(u, "hotel-c", "front-1", "AAAA"), -EINVAL);
	assert_int_equal(trustupdate_add_receipt_key(u, "", "front-1", k), -EINVAL);
	assert_int_equal(trustupdate_body(u, &body, &len), 0);
	assert_int_equal(receiptkeys_new(&ring), 0);
	assert_int_equal(receiptkeys_import(ring, (const uint8_t *)body, len), 2);
	assert_memory_equal(receiptkeys_find(ring, "hotel-b", "front-1"), pk, 32);
	free(body);
	receiptkeys_free(ring);
	trustupdate_free(u);
}

static void sample_booking(struct bookingcode *b)
{
	memset(b, 0, sizeof(*b));
	strcpy(b->venue, "hotel-a");
	strcpy(b->residence, "JP-01");
	strcpy(b->trip_start, "2022-07-20");
	b->nights = 2;
	strcpy(b->reserved_on, "2022-07-01");
	b->party = 3;
	b->n_children = 1;
	b->children[0] = 4;
	b->issued = 1657000000;
	strcpy(b->expires, "2022-07-21");
}

static void test_booking_round_trip(void **state)
{
	uint8_t keys[2][32], sk[64], other_sk[64];
	struct bookingcode b, got;
	char *text = NULL, *body = NULL, *t;
	int64_t d;

	(void)state;
	signedcode_keypair(keys[0], other_sk);
	signedcode_keypair(keys[1], sk);
	sample_booking(&b);
	assert_true(bookingcode_body(&b, &body) > 0);
	assert_string_equal(body, "{\"v\":1,\"venue\":\"hotel-a\",\"residence\":\"JP-01\","
				  "\"trip_start\":\"2022-07-20\",\"nights\":2,\"reserved_on\":"
				  "\"2022-07-01\",\"party\":3,\"children\":[4],\"school_activity\":"
				  "false,\"issued\":1657000000,\"expires\":\"2022-07-21\"}");
	free(body);
	assert_true(bookingcode_issue(&b, sk, &text) > 0);
	assert_int_equal(bookingcode_read(text, strlen(text), keys, 2, &got), 0);
	assert_memory_equal(&got, &b, sizeof(b));
	/* Signed by a key the kiosk does not hold. */
	assert_int_equal(bookingcode_read(text, strlen(text), keys, 1, &got), -EKEYREJECTED);
	/* One character changed in the body. */
	t = altered(text, 12);
	assert_true(bookingcode_read(t, strlen(t), keys, 2, &got) < 0);
	free(t);
	/* Valid on its nights only, at its venue only. */
	assert_int_equal(signedcode_date("2022-07-20", &d), 0);
	assert_int_equal(bookingcode_valid(&b, "hotel-a", d), 0);
	assert_int_equal(bookingcode_valid(&b, "hotel-a", d + 1), 0);
	assert_int_equal(bookingcode_valid(&b, "hotel-a", d + 2), -ETIME);
	assert_int_equal(bookingcode_valid(&b, "hotel-a", d - 1), -EAGAIN);
	assert_int_equal(bookingcode_valid(&b, "hotel-b", d), -EXDEV);
	/* A receipt code is not a booking code. */
	assert_int_equal(bookingcode_read("PGR1:e30.AA", 11, keys, 2, &got), -ENOMSG);
	free(text);
}

static void body_refused(const char *json)
{
	struct bookingcode got;

	assert_int_equal(bookingcode_parse_body((const uint8_t *)json, strlen(json), &got),
			 -EBADMSG);
}

static void test_booking_bad_bodies(void **state)
{
	struct bookingcode b;
	char *body = NULL;

	(void)state;
	body_refused("[]");
	body_refused("{}");
	body_refused("{\"v\":2}");
	/* Inconsistent: nights 2 but expires 3 days on; a party of 1 with two children; an age
	 * of 30; a lower-case residence; an unknown member; a duplicate member. */
	body_refused("{\"v\":1,\"venue\":\"h\",\"residence\":null,\"trip_start\":\"2022-07-20\","
		     "\"nights\":2,\"reserved_on\":null,\"party\":1,\"children\":[],"
		     "\"school_activity\":false,\"issued\":1,\"expires\":\"2022-07-23\"}");
	body_refused("{\"v\":1,\"venue\":\"h\",\"residence\":null,\"trip_start\":\"2022-07-20\","
		     "\"nights\":0,\"reserved_on\":null,\"party\":1,\"children\":[3,4],"
		     "\"school_activity\":false,\"issued\":1,\"expires\":\"2022-07-20\"}");
	body_refused("{\"v\":1,\"venue\":\"h\",\"residence\":null,\"trip_start\":\"2022-07-20\","
		     "\"nights\":0,\"reserved_on\":null,\"party\":2,\"children\":[30],"
		     "\"school_activity\":false,\"issued\":1,\"expires\":\"2022-07-20\"}");
	body_refused("{\"v\":1,\"venue\":\"h\",\"residence\":\"jp-01\",\"trip_start\":"
		     "\"2022-07-20\",\"nights\":0,\"reserved_on\":null,\"party\":2,\"children\":"
		     "[],\"school_activity\":false,\"issued\":1,\"expires\":\"2022-07-20\"}");
	body_refused("{\"v\":1,\"venue\":\"h\",\"residence\":null,\"trip_start\":\"2022-07-20\","
		     "\"nights\":0,\"reserved_on\":null,\"party\":2,\"children\":[],"
		     "\"school_activity\":false,\"issued\":1,\"expires\":\"2022-07-20\","
		     "\"name\":\"x\"}");
	body_refused("{\"v\":1,\"venue\":\"h\",\"venue\":\"g\",\"residence\":null,\"trip_start\":"
		     "\"2022-07-20\",\"nights\":0,\"reserved_on\":null,\"party\":2,\"children\":"
		     "[],\"school_activity\":false,\"issued\":1,\"expires\":\"2022-07-20\"}");
	sample_booking(&b);
	b.party = 0;
	assert_int_equal(bookingcode_body(&b, &body), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signedcode_date),
		cmocka_unit_test(test_receipt_body_format),
		cmocka_unit_test(test_visit_code_known_answer),
		cmocka_unit_test(test_holder_binding),
		cmocka_unit_test(test_short_code),
		cmocka_unit_test(test_receipt_read),
		cmocka_unit_test(test_receipt_keys_import),
		cmocka_unit_test(test_trust_update_receipt_keys),
		cmocka_unit_test(test_booking_round_trip),
		cmocka_unit_test(test_booking_bad_bodies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
