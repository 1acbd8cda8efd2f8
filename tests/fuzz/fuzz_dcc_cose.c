/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dcc_cose.c - libFuzzer target: dcc_verify() from the COSE_Sign1 bytes on (issue 9). In
 * fuzz_dcc almost every mutation of the Base45 text breaks zlib's checksum and stops at
 * `inflate`; here the fuzzer mutates the COSE/CWT bytes and the target re-wraps them as a DCC
 * does (a zlib stream of stored blocks, Base45, "HC1:"), so that mutations reach the CWT and
 * hcert parsers, the signature check against the fuzz signer (dcc_fuzz_cert.h), key usage and
 * validity. The seeds are COSE messages signed by that signer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "credential/base45.h"
#include "credential/dcc.h"
#include "credential/trust.h"

#include "dcc_fuzz_cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct trust *trust;

/* RFC 1950: header, stored deflate blocks (RFC 1951 §3.2.4), Adler-32. Caller frees. */
static uint8_t *zlib_stored(const uint8_t *in, size_t len, size_t *ret_len)
{
	size_t blocks = len / 65535 + 1, n = 2 + len + blocks * 5 + 4, at = 2;
	uint32_t a = 1, b = 0;
	uint8_t *out = malloc(n);

	if (!out)
		return NULL;
	out[0] = 0x78;
	out[1] = 0x01;
	for (size_t off = 0, i = 0; i < blocks; i++) {
		size_t k = len - off > 65535 ? 65535 : len - off;

		out[at++] = i + 1 == blocks ? 1 : 0;
		out[at++] = (uint8_t)k;
		out[at++] = (uint8_t)(k >> 8);
		out[at++] = (uint8_t)~k;
		out[at++] = (uint8_t)(~k >> 8);
		memcpy(out + at, in + off, k);
		at += k;
		off += k;
	}
	for (size_t i = 0; i < len; i++) {
		a = (a + in[i]) % 65521;
		b = (b + a) % 65521;
	}
	out[at++] = (uint8_t)(b >> 8);
	out[at++] = (uint8_t)b;
	out[at++] = (uint8_t)(a >> 8);
	out[at++] = (uint8_t)a;
	*ret_len = at;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cred c;
	enum cred_status st;
	uint8_t *z;
	char *b45 = NULL, *text;
	size_t zlen, n;

	if (!trust) {
		if (trust_open(NULL, &trust) < 0 ||
		    trust_import_cert(trust, dcc_fuzz_cert, sizeof(dcc_fuzz_cert)) < 0)
			abort();
	}
	if (size > 4096) /* a QR code holds less; the text limit would stop it anyway */
		return 0;
	z = zlib_stored(data, size, &zlen);
	if (!z || base45_encode(z, zlen, &b45) < 0) {
		free(z);
		return 0;
	}
	n = strlen(b45);
	text = malloc(n + 5);
	if (text) {
		memcpy(text, "HC1:", 4);
		memcpy(text + 4, b45, n + 1);
		/* Inside the seeds' validity (2024-01-01). */
		(void)dcc_verify(trust, text, n + 4, 1704067200, &c, &st);
		cred_wipe(&c);
	}
	free(text);
	free(b45);
	free(z);
	return 0;
}
