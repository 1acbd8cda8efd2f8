/* SPDX-License-Identifier: MIT */
/*
 * verify_dcc.c - how many EU DCC verifications per second: dcc_verify() on one self-minted
 * vaccination DCC (P-256 signer in an in-memory trust store), the whole path: Base45, zlib,
 * COSE/CBOR, hcert, trust store lookup, certificate parse, ES256, key usage, validity. For
 * comparison it also times sig_verify_es256() alone on the same Sig_structure, the floor.
 *   bench_verify_dcc [SECONDS]     prints "dcc_verify/s N" and "es256_verify/s N"
 * SECONDS are of CPU time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "credential/base45.h"
#include "credential/cose.h"
#include "credential/dcc.h"
#include "credential/inflate.h"
#include "credential/issue.h"
#include "credential/sig.h"
#include "credential/trust.h"

#define NOW 1700000000

/* CPU time of this process, as `openssl speed` divides by CPU (user) time unless -elapsed:
 * both figures then stay comparable on a loaded machine. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 2.0, t0, dt;
	struct sig_key *key;
	struct sig_cert_info info;
	struct trust *trust;
	struct cred c, out;
	enum cred_status st;
	uint8_t *der, *z, *cose_bytes, *tbs;
	size_t der_len, zl, cl, tbs_len;
	const uint8_t *sig;
	size_t sig_len;
	struct cose_sign1 *m;
	unsigned long n;
	char *text;

	if (sig_key_generate_p256(&key) < 0 ||
	    sig_cert_self_signed(key, "bench DSC", "JP", NOW - 86400, NOW + 86400 * 365,
				 SIG_USAGE_ANY, &der, &der_len) < 0 ||
	    sig_cert_parse(der, der_len, &info, NULL, NULL, NULL) < 0 ||
	    trust_open(NULL, &trust) < 0 || trust_import_cert(trust, der, der_len) < 0) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	memset(&c, 0, sizeof(c));
	strcpy(c.family, "Bench");
	strcpy(c.given, "Mark");
	strcpy(c.dob, "1980-01-01");
	c.n_doses = 1;
	c.doses[0].number = 3;
	c.doses[0].series_total = 3;
	strcpy(c.doses[0].date, "2023-06-01");
	strcpy(c.doses[0].product, "EU/1/20/1528");
	if (issue_dcc(key, info.kid, "JP", &c, NOW - 3600, NOW + 86400 * 300, &text) < 0 ||
	    dcc_verify(trust, text, strlen(text), NOW, &out, &st) < 0 || st != CRED_OK) {
		fprintf(stderr, "the bench DCC does not verify\n");
		return 1;
	}
	printf("qr_text_bytes %zu\n", strlen(text));

	n = 0;
	t0 = now_s();
	do {
		for (int i = 0; i < 64; i++, n++)
			if (dcc_verify(trust, text, strlen(text), NOW, &out, &st) < 0 ||
			    st != CRED_OK)
				return 1;
		dt = now_s() - t0;
	} while (dt < seconds);
	printf("dcc_verify/s %.0f\n", (double)n / dt);

	/* The floor: the signature alone. */
	if (base45_decode(text + 4, strlen(text) - 4, &z, &zl) < 0 ||
	    cred_inflate(z, zl, 0, &cose_bytes, &cl) < 0 ||
	    cose_sign1_parse(cose_bytes, cl, &m) < 0 ||
	    cose_sign1_to_be_signed(m, &tbs, &tbs_len) < 0)
		return 1;
	cose_sign1_signature(m, &sig, &sig_len);
	n = 0;
	t0 = now_s();
	do {
		for (int i = 0; i < 64; i++, n++)
			if (sig_verify_es256(key, tbs, tbs_len, sig, sig_len) != 0)
				return 1;
		dt = now_s() - t0;
	} while (dt < seconds);
	printf("es256_verify/s %.0f\n", (double)n / dt);

	free(tbs);
	cose_sign1_free(m);
	free(cose_bytes);
	free(z);
	free(text);
	trust_free(trust);
	free(der);
	sig_key_free(key);
	return 0;
}
