/* SPDX-License-Identifier: MIT */
/*
 * verify_shc.c - SMART Health Card verifications per second through cred_verify(): numeric
 * decoding, JWS, raw DEFLATE, JSON bounds and parse, the trust-store key lookup (SQLite, in
 * memory), ES256 and normalization - everything a scan costs. The card is a realistic one
 * (patient, three doses, one test) minted with a fresh key. Prints "shc_verify/s N" per
 * second of user CPU time.
 *   bench_verify_shc [SECONDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "credential/issue.h"
#include "credential/jwk.h"
#include "credential/sig.h"
#include "credential/trust.h"
#include "credential/verify.h"

#define ISS "https://issuer.passgate.test"
#define NBF 1704067200

/* User CPU time of this process, which is what `openssl speed` measures by default: the ratio
 * of the two stays meaningful on a loaded machine, where wall-clock rates are not. */
static double now_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 2.0, start, elapsed;
	struct sig_key *key;
	struct trust *t;
	struct cred c = { 0 }, out;
	enum cred_status st;
	uint8_t x[32], y[32];
	char kid[JWK_THUMBPRINT_LEN + 1], *text, *jwks;
	json_t *jwk, *set;
	unsigned long n = 0;

	if (sig_key_generate_p256(&key) < 0 || sig_key_p256_coords(key, x, y, NULL) < 0 ||
	    jwk_from_key(key, false, &jwk) < 0 || trust_open(NULL, &t) < 0)
		return 1;
	jwk_thumbprint_p256(x, y, kid);
	set = json_pack("{s:[o]}", "keys", jwk);
	jwks = json_dumps(set, JSON_COMPACT);
	if (trust_add_default(t) < 0 || trust_import_jwks(t, ISS, jwks, strlen(jwks)) < 0)
		return 1;
	strcpy(c.family, "Sato");
	strcpy(c.given, "Hanako");
	strcpy(c.dob, "1990-04-01");
	c.n_doses = 3;
	strcpy(c.doses[0].date, "2021-06-01");
	strcpy(c.doses[1].date, "2021-07-01");
	strcpy(c.doses[2].date, "2022-01-15");
	c.n_tests = 1;
	c.tests[0].kind = CRED_TEST_PCR;
	c.tests[0].result = CRED_RESULT_NEGATIVE;
	c.tests[0].collected = NBF - 3600;
	if (issue_shc(key, kid, ISS, &c, NBF, 0, &text) < 0)
		return 1;
	/* Sanity: the card verifies. */
	if (cred_verify(t, text, strlen(text), NBF, &out, &st) < 0 || st != CRED_OK)
		return 1;
	start = now_s();
	do {
		for (int i = 0; i < 64; i++) {
			if (cred_verify(t, text, strlen(text), NBF, &out, &st) < 0 || st != CRED_OK)
				return 1;
			n++;
		}
		elapsed = now_s() - start;
	} while (elapsed < seconds);
	printf("shc_text_bytes %zu\n", strlen(text));
	printf("shc_verify/s %.0f\n", (double)n / elapsed);
	free(text);
	free(jwks);
	json_decref(set);
	trust_free(t);
	sig_key_free(key);
	return 0;
}
