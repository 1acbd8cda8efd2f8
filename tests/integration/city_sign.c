/* SPDX-License-Identifier: MIT */
/*
 * city_sign.c - the city's side for integration tests: sign one body for one topic with an
 * Ed25519 key derived from a 32-byte hex seed (cityupdate_sign()), write the signed payload to
 * a file, and print the public key in base64, as [mqtt] city_key wants it.
 *
 * usage: city_sign SEED_HEX TOPIC ISSUED BODY OUT_FILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "events/cityupdate.h"

int main(int argc, char **argv)
{
	uint8_t seed[32], pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], *p;
	char b64[64];
	size_t len, seed_len;
	FILE *f;

	if (argc != 6 || sodium_init() < 0 ||
	    sodium_hex2bin(seed, sizeof(seed), argv[1], strlen(argv[1]), NULL, &seed_len, NULL) <
		    0 ||
	    seed_len != sizeof(seed)) {
		fprintf(stderr, "usage: city_sign SEED_HEX TOPIC ISSUED BODY OUT_FILE\n");
		return 2;
	}
	crypto_sign_seed_keypair(pk, sk, seed);
	if (cityupdate_sign(sk, argv[2], strtoll(argv[3], NULL, 10), (const uint8_t *)argv[4],
			    strlen(argv[4]), &p, &len) < 0)
		return 1;
	f = fopen(argv[5], "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
		perror(argv[5]);
		free(p);
		return 1;
	}
	free(p);
	sodium_bin2base64(b64, sizeof(b64), pk, sizeof(pk), sodium_base64_VARIANT_ORIGINAL);
	printf("%s\n", b64);
	return 0;
}
