/* SPDX-License-Identifier: MIT */
/*
 * receipt.c - receipt layout. Japanese first, English under it; a printer configured with
 * kanji = none gets the English lines only (its ROM has no Japanese font, and Shift-JIS bytes
 * would print as Latin-1 garbage). Long lines wrap on the printer itself, which the preview
 * renderer reproduces.
 *
 * The result is the first and largest line, so the visitor reads it at a glance: 入場OK /
 * ADMITTED or 入場不可 / NOT ADMITTED (double width and height, emphasised).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/qrcode.h"
#include "hal/receipt.h"

#define QR_MODULE_MAX 6 /* dots per module when the paper allows */
#define QR_QUIET      8 /* modules of quiet zone, both sides together */

static const char *const kind_names[] = { "admit", "deny", "positive", "staff", "test" };

const char *hal_receipt_kind_name(enum hal_receipt_kind k)
{
	return (unsigned)k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "?";
}

int hal_receipt_kind_from_name(const char *name, enum hal_receipt_kind *ret)
{
	for (unsigned i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (strcmp(name, kind_names[i]) == 0) {
			*ret = (enum hal_receipt_kind)i;
			return 0;
		}
	return -EINVAL;
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

struct out {
	struct hal_escpos *e;
	bool ja;
	unsigned columns; /* half-width characters per line at normal size */
	int r;
};

static void cmd(struct out *o, int r)
{
	if (o->r == 0 && r < 0)
		o->r = r;
}

/* One line of Japanese (skipped without Kanji). */
static void line_ja(struct out *o, const char *text)
{
	if (!o->ja || !text)
		return;
	cmd(o, hal_escpos_text(o->e, text));
	cmd(o, hal_escpos_newline(o->e));
}

/* One line of English: the text, or its fallback when the text needs Kanji we lack. */
static void line_en(struct out *o, const char *label, const char *text)
{
	if (!text)
		return;
	if (!o->ja && !is_ascii(text))
		return;
	if (!is_ascii(text) || !is_ascii(label ? label : "")) {
		if (label)
			cmd(o, hal_escpos_text(o->e, label));
		cmd(o, hal_escpos_text(o->e, text));
		cmd(o, hal_escpos_newline(o->e));
		return;
	}
	/* English wraps between words; the printer itself would cut a word in two. */
	char buf[256];
	size_t used = 0, n = strlen(text);
	const char *p = text;
	if (label) {
		used = strlen(label);
		cmd(o, hal_escpos_text(o->e, label));
	}
	while (*p) {
		size_t room = o->columns > used ? o->columns - used : 0, take;
		n = strlen(p);
		if (n <= room) {
			take = n;
		} else {
			take = room;
			while (take > 0 && p[take] != ' ')
				take--;
			if (take == 0)
				take = room ? room : (n < o->columns ? n : o->columns);
		}
		if (take >= sizeof(buf))
			take = sizeof(buf) - 1;
		memcpy(buf, p, take);
		buf[take] = 0;
		cmd(o, hal_escpos_text(o->e, buf));
		cmd(o, hal_escpos_newline(o->e));
		p += take;
		while (*p == ' ')
			p++;
		used = 0;
	}
}

static void rule(struct out *o, unsigned dots)
{
	char dashes[64];
	unsigned n = dots / 12; /* font A: 12 dots per half-width character */

	if (n >= sizeof(dashes))
		n = sizeof(dashes) - 1;
	memset(dashes, '-', n);
	dashes[n] = 0;
	cmd(o, hal_escpos_text(o->e, dashes));
	cmd(o, hal_escpos_newline(o->e));
}

static void heading(struct out *o, const char *ja, const char *en)
{
	cmd(o, hal_escpos_align(o->e, HAL_ALIGN_CENTER));
	cmd(o, hal_escpos_emphasis(o->e, true));
	cmd(o, hal_escpos_size(o->e, 2, 2));
	line_ja(o, ja);
	line_en(o, NULL, en);
	cmd(o, hal_escpos_size(o->e, 1, 1));
	cmd(o, hal_escpos_emphasis(o->e, false));
}

/* The trip's first day and the night, for lodging programs (seed 004: nights 2..5 are judged at
 * the first day, which the next kiosk reads from this receipt's code). */
static void trip(struct out *o, const struct hal_receipt *r)
{
	char ja[96], en[96];

	if (!r->trip_start || !r->night)
		return;
	snprintf(ja, sizeof(ja), "旅行開始日: %s（%u泊目）", r->trip_start, r->night);
	snprintf(en, sizeof(en), "Trip began %s, night %u", r->trip_start, r->night);
	line_ja(o, ja);
	line_en(o, NULL, en);
}

/*
 * The QR code, as large as the paper allows (a receipt code of ~450 characters needs about 85
 * modules: 4 dots each on 58 mm paper), and the short code under it in two lines: the date and
 * slot, then the visit code's seven groups (32 characters, one 58 mm line).
 */
static void qr_block(struct out *o, const struct hal_receipt *r,
		     const struct hal_receipt_format *fmt)
{
	uint8_t *modules = NULL;
	unsigned size = 0, module = QR_MODULE_MAX;
	const char *dash;

	if (hal_qr_encode(r->qr, strlen(r->qr), HAL_QR_ECC_M, &modules, &size) == 0 &&
	    fmt->dots / (size + QR_QUIET) < module)
		module = fmt->dots / (size + QR_QUIET);
	free(modules);
	if (module == 0)
		module = 1;
	cmd(o, hal_escpos_align(o->e, HAL_ALIGN_CENTER));
	if (fmt->qr_raster)
		cmd(o, hal_escpos_qr_raster(o->e, r->qr, module, HAL_QR_ECC_M));
	else
		cmd(o, hal_escpos_qr(o->e, r->qr, module, HAL_QR_ECC_M));
	cmd(o, hal_escpos_newline(o->e));
	if (r->kind == HAL_RECEIPT_ADMIT && r->short_code) {
		char head[16];

		line_ja(o, "接触確認コード");
		line_en(o, NULL, "Exposure check code");
		dash = strchr(r->short_code, '-');
		dash = dash ? strchr(dash + 1, '-') : NULL;
		if (dash && (size_t)(dash - r->short_code) < sizeof(head)) {
			snprintf(head, sizeof(head), "%.*s", (int)(dash - r->short_code),
				 r->short_code);
			line_en(o, NULL, head);
			line_en(o, NULL, dash + 1);
		} else {
			line_en(o, NULL, r->short_code);
		}
	}
	cmd(o, hal_escpos_align(o->e, HAL_ALIGN_LEFT));
}

static int check(const struct hal_receipt *r, const struct hal_receipt_format *fmt)
{
	if (!r || !fmt || (fmt->dots != 384 && fmt->dots != 576))
		return -EINVAL;
	if (!r->venue || !r->time)
		return -EINVAL;
	switch (r->kind) {
	case HAL_RECEIPT_ADMIT:
	case HAL_RECEIPT_DENY:
		return r->reason_en ? 0 : -EINVAL;
	case HAL_RECEIPT_POSITIVE:
		return r->reason_en && (r->referral || r->referral_en) ? 0 : -EINVAL;
	case HAL_RECEIPT_STAFF:
	case HAL_RECEIPT_TEST:
		return 0;
	}
	return -EINVAL;
}

int hal_receipt_build(const struct hal_receipt *r, const struct hal_receipt_format *fmt,
		      uint8_t **ret_data, size_t *ret_len)
{
	struct out o = { 0 };
	const uint8_t *data;
	size_t len;
	int ret;

	ret = check(r, fmt);
	if (ret < 0)
		return ret;
	ret = hal_escpos_new(fmt->kanji, &o.e);
	if (ret < 0)
		return ret;
	o.ja = fmt->kanji == HAL_KANJI_SHIFT_JIS;
	o.columns = fmt->dots / 12;

	cmd(&o, hal_escpos_init(o.e));
	switch (r->kind) {
	case HAL_RECEIPT_ADMIT:
		heading(&o, "入場OK", "ADMITTED");
		break;
	case HAL_RECEIPT_DENY:
	case HAL_RECEIPT_POSITIVE:
		heading(&o, "入場不可", "NOT ADMITTED");
		break;
	case HAL_RECEIPT_STAFF:
		heading(&o, "係員確認", "STAFF CHECK");
		break;
	case HAL_RECEIPT_TEST:
		heading(&o, "テスト印刷", "TEST PRINT");
		break;
	}
	line_ja(&o, r->venue);
	if (r->venue_en)
		line_en(&o, NULL, r->venue_en);
	else if (!o.ja)
		line_en(&o, NULL, r->venue);
	line_en(&o, NULL, r->time);
	cmd(&o, hal_escpos_align(o.e, HAL_ALIGN_LEFT));
	rule(&o, fmt->dots);

	switch (r->kind) {
	case HAL_RECEIPT_ADMIT:
	case HAL_RECEIPT_DENY:
	case HAL_RECEIPT_POSITIVE:
		if (r->reason_ja && o.ja) {
			cmd(&o, hal_escpos_text(o.e, "理由: "));
			line_ja(&o, r->reason_ja);
		}
		line_en(&o, "Reason: ", r->reason_en);
		if (r->reason_code)
			line_en(&o, "Code: ", r->reason_code);
		if (r->kind == HAL_RECEIPT_ADMIT)
			trip(&o, r);
		break;
	case HAL_RECEIPT_STAFF:
		line_ja(&o, "係員が紙の証明書と本人確認書類を確認しました。");
		line_en(&o, NULL, "Staff checked a paper certificate and an ID document.");
		break;
	case HAL_RECEIPT_TEST:
		line_ja(&o, "日本語: あいうえお アイウエオ 漢字 ０１２");
		line_en(&o, NULL, "ASCII: 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ");
		cmd(&o, hal_escpos_emphasis(o.e, true));
		line_en(&o, NULL, "Emphasis");
		cmd(&o, hal_escpos_emphasis(o.e, false));
		cmd(&o, hal_escpos_size(o.e, 2, 1));
		line_en(&o, NULL, "Double width");
		cmd(&o, hal_escpos_size(o.e, 1, 1));
		break;
	}

	if (r->kind == HAL_RECEIPT_ADMIT && (r->benefit || r->benefit_en)) {
		rule(&o, fmt->dots);
		cmd(&o, hal_escpos_emphasis(o.e, true));
		line_ja(&o, "特典");
		line_en(&o, NULL, "Your benefit");
		cmd(&o, hal_escpos_emphasis(o.e, false));
		line_ja(&o, r->benefit);
		if (r->benefit_en)
			line_en(&o, NULL, r->benefit_en);
		else if (!o.ja)
			line_en(&o, NULL, r->benefit);
	}
	if (r->kind == HAL_RECEIPT_POSITIVE) {
		rule(&o, fmt->dots);
		cmd(&o, hal_escpos_emphasis(o.e, true));
		line_ja(&o, "ご相談窓口");
		line_en(&o, NULL, "Where to get advice");
		cmd(&o, hal_escpos_emphasis(o.e, false));
		line_ja(&o, r->referral);
		if (r->referral_en)
			line_en(&o, NULL, r->referral_en);
		else if (!o.ja)
			line_en(&o, NULL, r->referral);
	}

	rule(&o, fmt->dots);
	if (r->qr)
		qr_block(&o, r, fmt);
	if (r->program)
		line_en(&o, "Program: ", r->program);
	if (r->kiosk)
		line_en(&o, "Kiosk: ", r->kiosk);
	cmd(&o, hal_escpos_cut(o.e));

	if (o.r == 0)
		o.r = hal_escpos_finish(o.e, &data, &len);
	if (o.r == 0) {
		*ret_data = malloc(len);
		if (*ret_data) {
			memcpy(*ret_data, data, len);
			*ret_len = len;
		} else {
			o.r = -ENOMEM;
		}
	}
	hal_escpos_free(o.e);
	return o.r;
}
