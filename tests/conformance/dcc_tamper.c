/* SPDX-License-Identifier: MIT */
/*
 * dcc_tamper.c - test helper for dcc-cli.sh: reads "HC1:" text on stdin, changes one byte of
 * the COSE payload (the first byte of the first occurrence of argv[1]) to argv[2][0], and
 * writes the re-compressed, re-encoded "HC1:" text on stdout. The signature is left as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "credential/base45.h"
#include "credential/inflate.h"

int main(int argc, char **argv)
{
	static char text[16384];
	uint8_t *z, *cose, *p, *z2;
	size_t zl, cl, n;
	uLongf z2l;
	char *b45;

	if (argc != 3 || !argv[2][0])
		return 2;
	n = fread(text, 1, sizeof(text) - 1, stdin);
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		n--;
	if (n < 4 || memcmp(text, "HC1:", 4) || base45_decode(text + 4, n - 4, &z, &zl) < 0 ||
	    cred_inflate(z, zl, 0, &cose, &cl) < 0)
		return 1;
	p = memmem(cose, cl, argv[1], strlen(argv[1]));
	if (!p)
		return 1;
	*p = (uint8_t)argv[2][0];
	z2l = compressBound((uLong)cl);
	z2 = malloc(z2l);
	if (!z2 || compress2(z2, &z2l, cose, (uLong)cl, 9) != Z_OK ||
	    base45_encode(z2, z2l, &b45) < 0)
		return 1;
	printf("HC1:%s\n", b45);
	free(b45);
	free(z2);
	free(cose);
	free(z);
	return 0;
}
