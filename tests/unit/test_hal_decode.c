/* SPDX-License-Identifier: MIT */
/*
 * test_hal_decode.c - the QR decoder and encoder: round trips of SHC (numeric segment) and HC1
 * (alphanumeric) payloads through PNG, a light-on-dark code, an image without a code, bad files,
 * strided input, and the SMART Health Cards spec's example QR images.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/decode.h"
#include "hal/image.h"
#include "hal/png.h"
#include "hal/qr_decode.h"
#include "hal/qrcode.h"

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	strcpy(tmp, "/tmp/passgate-decode-XXXXXX.png");
	int fd = mkstemps(tmp, 4);
	assert_true(fd >= 0);
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(tmp);
	return 0;
}

static void roundtrip(const char *text)
{
	char *got;
	size_t len;
	assert_int_equal(hal_qr_write_png(text, tmp, 3), 0);
	assert_int_equal(hal_decode_image_file(tmp, &got, &len), 1);
	assert_int_equal(len, strlen(text));
	assert_string_equal(got, text);
	free(got);
}

static void test_roundtrip(void **state)
{
	(void)state;
	/* 1 200 digits: a realistic SHC size. */
	char shc[1300] = "shc:/";
	for (int i = 0; i < 1200; i++)
		shc[5 + i] = (char)('0' + (i * 7) % 10);
	shc[1205] = 0;
	roundtrip(shc);
	roundtrip("shc:/2/3/5676290952432060346029243740446031222959532654603460");
	roundtrip("HC1:6BFOXN%TSMAHN-HTL4N EZ6E2ZDD5L:D4VGF $:S4/E");
	roundtrip("passgate:test");
}

static void test_shc_numeric_segment(void **state)
{
	(void)state;
	/* In numeric mode 1 200 digits fit version 22 at level L (ISO/IEC 18004 table 7); as bytes
	 * they would need version 27. The module count tells which mode was used. */
	char shc[1300] = "shc:/";
	uint8_t *m;
	unsigned size;
	for (int i = 0; i < 1200; i++)
		shc[5 + i] = (char)('0' + i % 10);
	shc[1205] = 0;
	assert_int_equal(hal_qr_default_ecc(shc), HAL_QR_ECC_L);
	assert_int_equal(hal_qr_encode(shc, strlen(shc), HAL_QR_ECC_L, &m, &size), 0);
	free(m);
	assert_true(size <= 17 + 4 * 22);
	assert_int_equal(hal_qr_default_ecc("HC1:X"), HAL_QR_ECC_Q);
	assert_int_equal(hal_qr_encode("", 0, HAL_QR_ECC_L, &m, &size), -EINVAL);
}

static void test_inverted_and_strided(void **state)
{
	(void)state;
	uint8_t *m, *img;
	unsigned size;
	struct hal_qr *qr;
	char *text;
	size_t len;
	const char *msg = "HC1:INVERTED";
	assert_int_equal(hal_qr_encode(msg, strlen(msg), HAL_QR_ECC_Q, &m, &size), 0);
	/* Light modules on a dark screen, 4 px per module, rows 1000 bytes apart. */
	unsigned side = (size + 8) * 4, stride = 1000;
	img = malloc((size_t)stride * side);
	assert_non_null(img);
	memset(img, 0x20, (size_t)stride * side);
	for (unsigned y = 0; y < size * 4; y++)
		for (unsigned x = 0; x < size * 4; x++)
			img[(size_t)(y + 16) * stride + x + 16] =
				m[(y / 4) * size + x / 4] ? 0xe0 : 0x20;
	assert_int_equal(hal_qr_new(HAL_QR_FAST, &qr), 0);
	/* The camera path reads it on every frame, the first included (no frame skips the
	 * light-on-dark pass). */
	for (int frame = 0; frame < 4; frame++) {
		assert_int_equal(hal_qr_decode(qr, img, side, side, stride, &text, &len), 1);
		assert_string_equal(text, msg);
		free(text);
	}
	/* An empty grey image has no code. */
	memset(img, 0x80, (size_t)stride * side);
	assert_int_equal(hal_qr_decode(qr, img, side, side, stride, &text, &len), 0);
	assert_int_equal(hal_qr_decode(qr, img, side, side, side - 1, &text, &len), -EINVAL);
	hal_qr_free(qr);
	free(img);
	free(m);
}

static void test_bad_files(void **state)
{
	(void)state;
	char *text;
	size_t len;
	uint8_t grey[64 * 64];
	assert_int_equal(hal_decode_image_file("/nonexistent/x.png", &text, &len), -ENOENT);
	FILE *f = fopen(tmp, "w");
	fputs("\x89PNG\r\n\x1a\n truncated", f);
	fclose(f);
	assert_int_equal(hal_decode_image_file(tmp, &text, &len), -EINVAL);
	memset(grey, 200, sizeof(grey));
	assert_int_equal(hal_png_write_gray(tmp, grey, 64, 64, 64), 0);
	assert_int_equal(hal_decode_image_file(tmp, &text, &len), 0);
}

static void test_shc_examples(void **state)
{
	(void)state;
	const char *conf = getenv("PASSGATE_CONFORMANCE_DIR");
	char path[512], *text;
	size_t len;
	if (!conf || access(conf, R_OK) != 0)
		skip();
	for (int i = 0; i <= 3; i++) {
		snprintf(path, sizeof(path),
			 "%s/shc/examples/rendered-png/example-%02d-g-qr-code-0.png", conf, i);
		assert_int_equal(hal_decode_image_file(path, &text, &len), 1);
		assert_memory_equal(text, i == 2 ? "shc:/1/3/" : "shc:/", i == 2 ? 9 : 5);
		for (size_t k = i == 2 ? 9 : 5; k < len; k++)
			assert_true(text[k] >= '0' && text[k] <= '9');
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test(test_shc_numeric_segment),
		cmocka_unit_test(test_inverted_and_strided),
		cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
		cmocka_unit_test(test_shc_examples),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
