/* SPDX-License-Identifier: MIT */
/*
 * receipt.h - the receipts passgate prints, in Japanese and English, as ESC/POS bytes.
 *
 * The caller supplies every text: the reason's ja/en messages come from the rules module's
 * reason table, the time is already formatted in the venue's time zone. No name, birth date or
 * certificate id is ever put on a receipt by this module.
 */
#ifndef PASSGATE_HAL_RECEIPT_H
#define PASSGATE_HAL_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/escpos.h"

enum hal_receipt_kind {
	HAL_RECEIPT_ADMIT,    /* admitted: result, reason, benefit */
	HAL_RECEIPT_DENY,     /* denied: result, reason */
	HAL_RECEIPT_POSITIVE, /* denied for a positive test: result, reason, referral */
	HAL_RECEIPT_STAFF,    /* staff checked a paper certificate */
	HAL_RECEIPT_TEST,     /* hw-test: printer check */
};

struct hal_receipt {
	enum hal_receipt_kind kind;
	const char *venue;	 /* venue name, UTF-8 (Japanese allowed) */
	const char *venue_en;	 /* for kanji = none; NULL: venue if it is ASCII, else omitted */
	const char *time;	 /* local time in the venue's zone, e.g. "2022-01-15 19:42 JST" */
	const char *reason_code; /* e.g. "vaccinated"; printed on the English line */
	const char *reason_ja;	 /* the reason table's messages */
	const char *reason_en;
	const char *benefit; /* ADMIT: the venue's benefit, NULL: none */
	const char *benefit_en;
	const char *referral; /* POSITIVE: the program's referral text */
	const char *referral_en;
	const char *program;	/* program id */
	const char *kiosk;	/* kiosk id */
	const char *qr;		/* optional QR text at the foot (the receipt code), NULL: none */
	const char *short_code; /* ADMIT: the receipt code's short code under the QR, NULL: none */
	const char *trip_start; /* ADMIT, lodging programs: the trip's first day, NULL: none */
	unsigned night;		/* with trip_start: the night judged (1..) */
};

struct hal_receipt_format {
	enum hal_escpos_kanji kanji;
	unsigned dots;	/* 384 (58 mm) or 576 (80 mm): the width in dots */
	bool qr_raster; /* GS v 0 image instead of GS ( k */
};

/* The receipt kind's name ("admit", "deny", "positive", "staff", "test"), and back (-EINVAL). */
const char *hal_receipt_kind_name(enum hal_receipt_kind k);
int hal_receipt_kind_from_name(const char *name, enum hal_receipt_kind *ret);

/* Lays out r as ESC/POS. *ret_data is malloc'd (caller frees). Returns 0, -EINVAL (missing text
 * the kind needs, bad width), -EILSEQ (text CP932 cannot express), -ENOMEM. */
int hal_receipt_build(const struct hal_receipt *r, const struct hal_receipt_format *fmt,
		      uint8_t **ret_data, size_t *ret_len);

#endif
