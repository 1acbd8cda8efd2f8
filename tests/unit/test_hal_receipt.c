/* SPDX-License-Identifier: MIT */
/*
 * test_hal_receipt.c - receipts byte for byte against the files in tests/golden/receipts/
 * (regenerate with PASSGATE_UPDATE_GOLDEN=1 and review the previews before committing), the ESC/POS
 * pieces against the command reference, and the preview: a Japanese receipt rendered, its QR code
 * read back by our decoder, its Japanese lines inked, its width the paper's.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hal/escpos.h"
#include "hal/image.h"
#include "cli/preview.h"
#include "hal/qr_decode.h"
#include "hal/receipt.h"
#include "util/fileio.h"

#define QR_TEXT "passgate:v1:receipt:entrance-1:2022-01-15:42"
/* A receipt code as a kiosk prints it (docs/codes.md): ~450 characters, about 85 modules. */
#define RECEIPT_CODE                                                                       \
	"PGR1:eyJ2IjoxLCJ2ZW51ZSI6InZlbnVlIiwia2lvc2siOiJraW9zayIsImRhdGUiOiIyMDIyLTA3LTI" \
	"wIiwic2xvdCI6Mjc2NDgzNiwiZGVjaXNpb24iOiJhZG1pdCIsImtpbmQiOiJ0ZXN0IiwicHJvZ3JhbSI" \
	"6Imhva2thaWRvLWRvdW1pbi13YXJpIiwidHJpcF9zdGFydCI6IjIwMjItMDctMjAiLCJuaWdodCI6MSw" \
	"idmMiOiJBQUFBQUFBQUFBQUFBQUFBQUFBQUFBIiwiaGIiOnsicyI6IkFBQUFBQUFBQUFBQUFBQUFBQUF" \
	"BQUEiLCJoIjoiQUFBQUFBQUFBQUEifX0.yAG4Yk06s1TNO_RH_6UXp1OWPVyywV7ja0jkDJW9vvAKvjk" \
	"D8fCRJdk4Oba1P6vxASCyOJbVueiOA2Z3ucm-Dg"

static struct hal_receipt sample(enum hal_receipt_kind kind)
{
	struct hal_receipt r = {
		.kind = kind,
		.venue = "ビアホール札幌駅前",
		.venue_en = "Beer Hall Sapporo Station",
		.time = "2022-01-15 19:42 JST",
		.program = "sapporo-pass-code",
		.kiosk = "entrance-1",
		.qr = QR_TEXT,
	};
	switch (kind) {
	case HAL_RECEIPT_ADMIT:
		r.reason_code = "vaccinated";
		r.reason_ja = "ワクチン接種済み（2回目接種から14日経過）";
		r.reason_en = "Vaccinated (14 days since dose 2)";
		r.benefit = "生ビール中ジョッキを無料で一杯ご提供";
		r.benefit_en = "One free medium mug of draft beer";
		break;
	case HAL_RECEIPT_DENY:
		r.reason_code = "vaccination-too-recent";
		r.reason_ja = "2回目接種から14日経過していません";
		r.reason_en = "Less than 14 days since dose 2";
		break;
	case HAL_RECEIPT_POSITIVE:
		r.reason_code = "test-positive";
		r.reason_ja = "検査結果が陽性です";
		r.reason_en = "The test result is positive";
		r.referral =
			"北海道新型コロナウイルス感染症健康相談センター 0120-501-507（24時間）";
		r.referral_en = "Hokkaido COVID-19 consultation centre: 0120-501-507 (24 h)";
		break;
	case HAL_RECEIPT_STAFF:
		r.reason_code = "staff-verified";
		break;
	case HAL_RECEIPT_TEST:
		r.qr = "passgate:test";
		break;
	}
	return r;
}

static void check_golden(const char *name, const uint8_t *data, size_t len)
{
	const char *src = getenv("PASSGATE_SOURCE_DIR");
	char path[512];
	char *want;
	size_t want_len;

	assert_non_null(src);
	snprintf(path, sizeof(path), "%s/tests/golden/receipts/%s.bin", src, name);
	if (getenv("PASSGATE_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(data, 1, len, f), len);
		fclose(f);
		return;
	}
	assert_int_equal(fileio_read(path, 1u << 20, FILEIO_REGULAR, &want, &want_len), 0);
	assert_int_equal(len, want_len);
	assert_memory_equal(data, want, len);
	free(want);
}

/* No byte of Kanji mode (FS) or Shift-JIS outside the parameters of GS ( k, whose two length
 * bytes may be anything. */
static bool plain_ascii(const uint8_t *data, size_t len)
{
	for (size_t k = 0; k < len; k++) {
		if (k + 5 <= len && data[k] == 0x1d && data[k + 1] == '(' && data[k + 2] == 'k') {
			k += 4 + (size_t)(data[k + 3] | data[k + 4] << 8);
			continue;
		}
		if (data[k] == 0x1c || (data[k] >= 0x80 && k > 0 && data[k - 1] != 0))
			return false;
	}
	return true;
}

/* An admit receipt of a lodging program: the trip line, the receipt code and its short code. */
static void with_code(struct hal_receipt *r)
{
	r->program = "hokkaido-doumin-wari";
	r->qr = RECEIPT_CODE;
	r->short_code = "20220720-114-ZW00-0000-0000-0000-0000-0000-04";
	r->trip_start = "2022-07-20";
	r->night = 2;
}

static void test_golden(void **state)
{
	(void)state;
	static const struct {
		enum hal_receipt_kind kind;
		enum hal_escpos_kanji kanji;
		unsigned dots;
		bool raster;
		const char *name;
	} cases[] = {
		{ HAL_RECEIPT_ADMIT, HAL_KANJI_SHIFT_JIS, 384, false, "admit-ja" },
		{ HAL_RECEIPT_ADMIT, HAL_KANJI_NONE, 384, false, "admit-en" },
		{ HAL_RECEIPT_DENY, HAL_KANJI_SHIFT_JIS, 384, false, "deny-ja" },
		{ HAL_RECEIPT_DENY, HAL_KANJI_NONE, 576, false, "deny-en-80mm" },
		{ HAL_RECEIPT_POSITIVE, HAL_KANJI_SHIFT_JIS, 384, false, "positive-ja" },
		{ HAL_RECEIPT_POSITIVE, HAL_KANJI_NONE, 384, false, "positive-en" },
		{ HAL_RECEIPT_STAFF, HAL_KANJI_SHIFT_JIS, 384, false, "staff-ja" },
		{ HAL_RECEIPT_TEST, HAL_KANJI_SHIFT_JIS, 384, true, "test-ja-raster" },
		{ HAL_RECEIPT_ADMIT, HAL_KANJI_SHIFT_JIS, 384, false, "admit-ja-code" },
		{ HAL_RECEIPT_ADMIT, HAL_KANJI_NONE, 576, false, "admit-en-code-80mm" },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hal_receipt r = sample(cases[i].kind);

		if (strstr(cases[i].name, "-code"))
			with_code(&r);
		struct hal_receipt_format fmt = { cases[i].kanji, cases[i].dots, cases[i].raster };
		uint8_t *data;
		size_t len;
		assert_int_equal(hal_receipt_build(&r, &fmt, &data, &len), 0);
		check_golden(cases[i].name, data, len);
		/* English-only printers get no byte of Kanji mode or Shift-JIS. */
		if (cases[i].kanji == HAL_KANJI_NONE)
			assert_true(plain_ascii(data, len));
		free(data);
	}
}

static void test_escpos_commands(void **state)
{
	(void)state;
	struct hal_escpos *e;
	const uint8_t *d;
	size_t len;

	assert_int_equal(hal_escpos_new(HAL_KANJI_SHIFT_JIS, &e), 0);
	assert_int_equal(hal_escpos_init(e), 0);
	assert_int_equal(hal_escpos_size(e, 2, 3), 0);
	assert_int_equal(hal_escpos_text(e, "A入B"), 0);
	assert_int_equal(hal_escpos_qr(e, "xyz", 4, HAL_QR_ECC_Q), 0);
	assert_int_equal(hal_escpos_cut(e), 0);
	assert_int_equal(hal_escpos_finish(e, &d, &len), 0);
	static const uint8_t want[] = {
		0x1b, '@',  0x1c, 'C',	1,				     /* ESC @, FS C 1 */
		0x1d, '!',  0x12,					     /* GS ! : w 2, h 3 */
		'A',  0x1c, '&',  0x93, 0xfc, 0x1c, '.', 'B',		     /* 入 = 0x93FC */
		0x1d, '(',  'k',  4,	0,    '1',  'A', '2', 0,	     /* model 2 */
		0x1d, '(',  'k',  3,	0,    '1',  'C', 4,		     /* module 4 */
		0x1d, '(',  'k',  3,	0,    '1',  'E', '2',		     /* level Q */
		0x1d, '(',  'k',  6,	0,    '1',  'P', '0', 'x', 'y', 'z', /* store */
		0x1d, '(',  'k',  3,	0,    '1',  'Q', '0',		     /* print */
		0x1d, 'V',  66,	  3,					     /* feed 3, cut */
	};
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(d, want, sizeof(want));
	assert_int_equal(hal_escpos_size(e, 9, 1), -EINVAL);
	hal_escpos_free(e);

	assert_int_equal(hal_escpos_new(HAL_KANJI_NONE, &e), 0);
	assert_int_equal(hal_escpos_text(e, "入場"), -EILSEQ);
	assert_int_equal(hal_escpos_text(e, "ok"), 0);
	assert_int_equal(hal_escpos_text(e, "a\x1b"), -EINVAL); /* sticky from here */
	assert_int_equal(hal_escpos_newline(e), -EINVAL);
	assert_int_equal(hal_escpos_finish(e, &d, &len), -EINVAL);
	hal_escpos_free(e);
}

static void test_status_bytes(void **state)
{
	(void)state;
	assert_int_equal(hal_escpos_parse_status(1, 0x12), 0);
	assert_int_equal(hal_escpos_parse_status(1, 0x1a), HAL_ESCPOS_OFFLINE);
	assert_int_equal(hal_escpos_parse_status(4, 0x1e), HAL_ESCPOS_PAPER_NEAR);
	assert_int_equal(hal_escpos_parse_status(4, 0x72), HAL_ESCPOS_PAPER_OUT);
	assert_int_equal(hal_escpos_parse_status(2, 0x16), HAL_ESCPOS_COVER_OPEN);
	assert_int_equal(hal_escpos_parse_status(1, 0x00), -EINVAL); /* fixed bits wrong */
	assert_int_equal(hal_escpos_parse_status(1, 0x92), -EINVAL);
	assert_int_equal(hal_escpos_parse_status(3, 0x12), -EINVAL);
}

/* Fraction of inked dots in rows [y0, y1). */
static double ink(const uint8_t *pix, unsigned w, unsigned y0, unsigned y1)
{
	size_t n = 0;
	for (unsigned y = y0; y < y1; y++)
		for (unsigned x = 0; x < w; x++)
			n += pix[(size_t)y * w + x] < 128;
	return (double)n / ((double)w * (y1 - y0));
}

static void check_preview(enum hal_receipt_kind kind, unsigned dots, bool raster,
			  const char *want_qr)
{
	struct hal_receipt r = sample(kind);

	if (strcmp(want_qr, QR_TEXT) != 0)
		with_code(&r);
	struct hal_receipt_format fmt = { HAL_KANJI_SHIFT_JIS, dots, raster };
	struct hal_qr *qr;
	uint8_t *data, *pix;
	unsigned h;
	size_t len, tl;
	char *text;

	if (!preview_font())
		skip();
	assert_int_equal(hal_receipt_build(&r, &fmt, &data, &len), 0);
	assert_int_equal(preview_render(data, len, dots, &pix, &h), 0);
	free(data);
	assert_true(h > 600 && h < 3000);
	/* The heading 入場OK at double size: the top line is heavily inked... */
	double head = ink(pix, dots, 0, 48);
	assert_true(head > 0.04);
	/* ...and the venue line (ビアホール札幌駅前, the third line) has ink of its own. */
	assert_true(ink(pix, dots, 108, 132) > 0.03);
	/* Between lines the paper stays white. */
	assert_true(ink(pix, dots, 132, 138) < 0.01);
	assert_int_equal(hal_qr_new(HAL_QR_THOROUGH, &qr), 0);
	assert_int_equal(hal_qr_decode(qr, pix, dots, h, dots, &text, &tl), 1);
	assert_string_equal(text, want_qr);
	assert_int_equal(tl, strlen(want_qr));
	free(text);
	hal_qr_free(qr);
	free(pix);
}

static void test_preview_admit_ja(void **state)
{
	(void)state;
	check_preview(HAL_RECEIPT_ADMIT, 384, false, QR_TEXT);
}

static void test_preview_raster_80mm(void **state)
{
	(void)state;
	check_preview(HAL_RECEIPT_POSITIVE, 576, true, QR_TEXT);
}

/* The receipt code on 58 mm paper is read back by the kiosk's own decoder: the next night's
 * kiosk must read it off the paper. */
static void test_preview_receipt_code(void **state)
{
	(void)state;
	check_preview(HAL_RECEIPT_ADMIT, 384, false, RECEIPT_CODE);
	check_preview(HAL_RECEIPT_ADMIT, 384, true, RECEIPT_CODE);
}

static void test_preview_rejects_garbage(void **state)
{
	(void)state;
	uint8_t *pix;
	unsigned h;
	if (!preview_font())
		skip();
	assert_int_equal(preview_render((const uint8_t *)"\x1b", 1, 384, &pix, &h), -EPROTO);
	assert_int_equal(preview_render((const uint8_t *)"\x1bZ", 2, 384, &pix, &h), -EPROTO);
	assert_int_equal(preview_render((const uint8_t *)"\x1d(k\x10\x00", 6, 384, &pix, &h),
			 -EPROTO);
	assert_int_equal(preview_render((const uint8_t *)"ok\n", 3, 200, &pix, &h), -EINVAL);
}

static void test_missing_text(void **state)
{
	(void)state;
	struct hal_receipt r = sample(HAL_RECEIPT_POSITIVE);
	struct hal_receipt_format fmt = { HAL_KANJI_SHIFT_JIS, 384, false };
	uint8_t *data;
	size_t len;
	r.referral = r.referral_en = NULL;
	assert_int_equal(hal_receipt_build(&r, &fmt, &data, &len), -EINVAL);
	r = sample(HAL_RECEIPT_ADMIT);
	fmt.dots = 500;
	assert_int_equal(hal_receipt_build(&r, &fmt, &data, &len), -EINVAL);
	/* A character CP932 lacks (an emoji) cannot be printed in Kanji mode. */
	fmt.dots = 384;
	r.benefit = "\xf0\x9f\x8d\xba";
	assert_int_equal(hal_receipt_build(&r, &fmt, &data, &len), -EILSEQ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_escpos_commands),
		cmocka_unit_test(test_status_bytes),
		cmocka_unit_test(test_preview_admit_ja),
		cmocka_unit_test(test_preview_receipt_code),
		cmocka_unit_test(test_preview_raster_80mm),
		cmocka_unit_test(test_preview_rejects_garbage),
		cmocka_unit_test(test_missing_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
