/* SPDX-License-Identifier: MIT */
/*
 * receipt.c - `passgate receipt`: lay out a receipt and render its preview PNG, or write its
 * ESC/POS bytes, without a printer. Every text has a sample default (the benefit of seed 000,
 * the Hokkaido referral of PROGRAMS.md), so `passgate receipt --preview out.png --kind admit`
 * shows what a venue's visitors will get; options replace each text.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/preview.h"
#include "hal/receipt.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: passgate receipt (--preview OUT.png | --escpos OUT.bin)...\n"
		"                        [--kind admit|deny|positive|staff|test] [--lang ja|en]\n"
		"                        [--width 384|576] [--raster-qr] [--venue TEXT]\n"
		"                        [--venue-en TEXT] [--time TEXT] [--reason-code CODE]\n"
		"                        [--reason-ja TEXT] [--reason-en TEXT] [--benefit TEXT]\n"
		"                        [--benefit-en TEXT] [--referral TEXT] [--referral-en "
		"TEXT]\n"
		"                        [--program ID] [--kiosk ID] [--qr TEXT | --no-qr]\n"
		"                        [--short-code TEXT] [--trip-start DATE --night N]\n"
		"Renders a receipt as the printer prints it (--preview, PNG) or writes its "
		"ESC/POS\n"
		"bytes (--escpos). --lang en is a printer with kanji = none: English lines "
		"only.\n");
}

/* Sample reasons per kind: the caller of hal_receipt_build() takes them from rules/. */
static void defaults(struct hal_receipt *r)
{
	r->venue = "ビアホール札幌駅前";
	r->venue_en = "Beer Hall Sapporo Station";
	r->time = "2022-01-15 19:42 JST";
	r->program = "sapporo-pass-code";
	r->kiosk = "entrance-1";
	r->qr = "passgate:v1:receipt:entrance-1:2022-01-15:42";
	switch (r->kind) {
	case HAL_RECEIPT_ADMIT:
		r->reason_code = "vaccinated";
		r->reason_ja = "ワクチン接種済み（2回目接種から14日経過）";
		r->reason_en = "Vaccinated (14 days since dose 2)";
		r->benefit = "生ビール中ジョッキを無料で一杯ご提供";
		r->benefit_en = "One free medium mug of draft beer";
		break;
	case HAL_RECEIPT_DENY:
		r->reason_code = "vaccination-too-recent";
		r->reason_ja = "2回目接種から14日経過していません";
		r->reason_en = "Less than 14 days since dose 2";
		break;
	case HAL_RECEIPT_POSITIVE:
		r->program = "national-package";
		r->reason_code = "test-positive";
		r->reason_ja = "検査結果が陽性です";
		r->reason_en = "The test result is positive";
		r->referral =
			"北海道新型コロナウイルス感染症健康相談センター 0120-501-507（24時間）";
		r->referral_en = "Hokkaido COVID-19 consultation centre: 0120-501-507 (24 h)";
		break;
	case HAL_RECEIPT_STAFF:
		r->reason_code = "staff-verified";
		break;
	case HAL_RECEIPT_TEST:
		r->qr = "passgate:test";
		break;
	}
}

int cmd_receipt(int argc, char **argv)
{
	enum {
		O_VENUE_EN = 256,
		O_REASON_CODE,
		O_REASON_JA,
		O_REASON_EN,
		O_BENEFIT_EN,
		O_REFERRAL_EN,
		O_NO_QR,
		O_RASTER,
		O_SHORT_CODE,
		O_TRIP_START,
		O_NIGHT,
	};
	static const struct option opts[] = {
		{ "preview", required_argument, NULL, 'p' },
		{ "escpos", required_argument, NULL, 'o' },
		{ "kind", required_argument, NULL, 'k' },
		{ "lang", required_argument, NULL, 'l' },
		{ "width", required_argument, NULL, 'w' },
		{ "raster-qr", no_argument, NULL, O_RASTER },
		{ "venue", required_argument, NULL, 'v' },
		{ "venue-en", required_argument, NULL, O_VENUE_EN },
		{ "time", required_argument, NULL, 't' },
		{ "reason-code", required_argument, NULL, O_REASON_CODE },
		{ "reason-ja", required_argument, NULL, O_REASON_JA },
		{ "reason-en", required_argument, NULL, O_REASON_EN },
		{ "benefit", required_argument, NULL, 'b' },
		{ "benefit-en", required_argument, NULL, O_BENEFIT_EN },
		{ "referral", required_argument, NULL, 'r' },
		{ "referral-en", required_argument, NULL, O_REFERRAL_EN },
		{ "program", required_argument, NULL, 'P' },
		{ "kiosk", required_argument, NULL, 'K' },
		{ "qr", required_argument, NULL, 'q' },
		{ "no-qr", no_argument, NULL, O_NO_QR },
		{ "short-code", required_argument, NULL, O_SHORT_CODE },
		{ "trip-start", required_argument, NULL, O_TRIP_START },
		{ "night", required_argument, NULL, O_NIGHT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	/* Two passes: the kind's defaults first, then every option over them. */
	struct hal_receipt_format fmt = { HAL_KANJI_SHIFT_JIS, 384, false };
	struct hal_receipt r = { .kind = HAL_RECEIPT_ADMIT };
	const char *preview = NULL, *escpos = NULL;
	uint8_t *data;
	size_t len;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
		if (c == 'k' && hal_receipt_kind_from_name(optarg, &r.kind) < 0) {
			fprintf(stderr, "passgate receipt: unknown kind '%s'\n", optarg);
			return EXIT_USAGE;
		}
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == '?') {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	defaults(&r);
	optind = 1;
	while ((c = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			preview = optarg;
			break;
		case 'o':
			escpos = optarg;
			break;
		case 'l':
			if (strcmp(optarg, "ja") == 0) {
				fmt.kanji = HAL_KANJI_SHIFT_JIS;
			} else if (strcmp(optarg, "en") == 0) {
				fmt.kanji = HAL_KANJI_NONE;
			} else {
				fprintf(stderr, "passgate receipt: --lang is ja or en\n");
				return EXIT_USAGE;
			}
			break;
		case 'w':
			fmt.dots = (unsigned)strtoul(optarg, NULL, 10);
			if (fmt.dots != 384 && fmt.dots != 576) {
				fprintf(stderr, "passgate receipt: --width is 384 or 576\n");
				return EXIT_USAGE;
			}
			break;
		case O_RASTER:
			fmt.qr_raster = true;
			break;
		case 'v':
			r.venue = optarg;
			r.venue_en = NULL;
			break;
		case O_VENUE_EN:
			r.venue_en = optarg;
			break;
		case 't':
			r.time = optarg;
			break;
		case O_REASON_CODE:
			r.reason_code = optarg;
			break;
		case O_REASON_JA:
			r.reason_ja = optarg;
			break;
		case O_REASON_EN:
			r.reason_en = optarg;
			break;
		case 'b':
			r.benefit = optarg;
			r.benefit_en = NULL;
			break;
		case O_BENEFIT_EN:
			r.benefit_en = optarg;
			break;
		case 'r':
			r.referral = optarg;
			r.referral_en = NULL;
			break;
		case O_REFERRAL_EN:
			r.referral_en = optarg;
			break;
		case 'P':
			r.program = optarg;
			break;
		case 'K':
			r.kiosk = optarg;
			break;
		case 'q':
			r.qr = optarg;
			break;
		case O_NO_QR:
			r.qr = NULL;
			break;
		case O_SHORT_CODE:
			r.short_code = optarg;
			break;
		case O_TRIP_START:
			r.trip_start = optarg;
			break;
		case O_NIGHT:
			r.night = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			break;
		}
	}
	if ((!preview && !escpos) || optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	ret = hal_receipt_build(&r, &fmt, &data, &len);
	if (ret < 0) {
		fprintf(stderr, "passgate receipt: cannot lay out the receipt: %s\n",
			ret == -EILSEQ ? "a text has characters Shift-JIS lacks" : strerror(-ret));
		return EXIT_USAGE;
	}
	if (escpos) {
		FILE *f = fopen(escpos, "wb");
		if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
			fprintf(stderr, "passgate receipt: %s: %s\n", escpos, strerror(errno));
			free(data);
			return EXIT_USAGE;
		}
	}
	if (preview) {
		ret = preview_write_png(data, len, fmt.dots, preview);
		if (ret < 0) {
			fprintf(stderr, "passgate receipt: %s: %s\n", preview,
				ret == -ENOENT ? "no Japanese font (fonts-ipafont-gothic)"
					       : strerror(-ret));
			free(data);
			return EXIT_USAGE;
		}
	}
	free(data);
	return 0;
}
