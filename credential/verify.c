/* SPDX-License-Identifier: MIT */
/*
 * verify.c - cred_verify(): one QR text to one verdict, dispatching on the prefix.
 *
 * The text is bounded first (CRED_MAX_TEXT), then surrounding ASCII whitespace is dropped
 * (scanners and files add line ends; docs/credentials.md, "lenient choices"), then:
 * "shc:" -> SMART Health Card numeric text, "HC1:" -> EU DCC (dcc.c), a compact JWS (three
 * base64url parts, header starting "ey") -> SMART Health Card JWS, anything else is
 * unreadable.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "credential/dcc.h"
#include "credential/shc.h"
#include "credential/verify.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static bool looks_like_jws(const char *s, size_t len)
{
	const char *dot;

	/* Every JWS header is a JSON object: its base64url starts with "ey" ('{' then '"' or a
	 * space) or "ew" ('{' then a tab or a line end). */
	if (len < 2 || s[0] != 'e' || (s[1] != 'y' && s[1] != 'w'))
		return false;
	dot = memchr(s, '.', len);
	return dot && memchr(dot + 1, '.', len - (size_t)(dot + 1 - s));
}

int cred_verify(const struct trust *trust, const char *text, size_t len, int64_t now,
		struct cred *ret, enum cred_status *ret_status)
{
	memset(ret, 0, sizeof(*ret));
	if (len > CRED_MAX_TEXT) {
		*ret_status = CRED_E_SYNTAX;
		return 0;
	}
	while (len > 0 && is_space(text[0])) {
		text++;
		len--;
	}
	while (len > 0 && is_space(text[len - 1]))
		len--;
	if (len >= 4 && memcmp(text, "shc:", 4) == 0)
		return shc_verify(trust, text, len, now, ret, ret_status);
	if (len >= 4 && memcmp(text, "HC1:", 4) == 0)
		return dcc_verify(trust, text, len, now, ret, ret_status);
	if (looks_like_jws(text, len))
		return shc_verify(trust, text, len, now, ret, ret_status);
	*ret_status = CRED_E_UNREADABLE;
	return 0;
}
