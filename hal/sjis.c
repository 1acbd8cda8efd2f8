/* SPDX-License-Identifier: MIT */
/*
 * sjis.c - character set conversion for receipts with iconv(3). Printers sold in Japan take
 * Shift-JIS in Kanji mode (FS C 1); CP932 is what they really implement, so it is used both ways.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>

#include "hal/sjis.h"

static int convert(const char *to, const char *from, const char *in, size_t len, char **ret,
		   size_t *ret_len)
{
	size_t cap = len * 2 + 4, left_in = len, left_out;
	char *out, *p, *src = (char *)in;
	iconv_t cd;
	int r = 0;

	cd = iconv_open(to, from);
	if (cd == (iconv_t)-1)
		return -errno;
	out = malloc(cap);
	if (!out) {
		r = -ENOMEM;
		goto close_cd;
	}
	p = out;
	left_out = cap - 1;
	/* UTF-8 to CP932 never grows (3 bytes → 2); CP932 to UTF-8 grows at most 3/2 ×. */
	if (iconv(cd, &src, &left_in, &p, &left_out) == (size_t)-1) {
		r = errno == E2BIG ? -ENOMEM : -EILSEQ;
		free(out);
		goto close_cd;
	}
	*p = '\0';
	*ret = out;
	*ret_len = (size_t)(p - out);
close_cd:
	iconv_close(cd);
	return r;
}

int hal_sjis_from_utf8(const char *in, size_t len, char **ret, size_t *ret_len)
{
	return convert("CP932", "UTF-8", in, len, ret, ret_len);
}

int hal_sjis_to_utf8(const char *in, size_t len, char **ret, size_t *ret_len)
{
	return convert("UTF-8", "CP932", in, len, ret, ret_len);
}
