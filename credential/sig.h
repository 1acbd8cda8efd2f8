/* SPDX-License-Identifier: MIT */
/*
 * sig.h - the signature module: the one room where OpenSSL is used (DESIGN.md).
 *
 * Keys, ES256/PS256 signatures, X.509 signer certificates, SHA-256, HMAC, HKDF and random
 * bytes. sig.c holds keys, signatures and digests; sig_cert.c holds certificates. Nothing
 * here logs. A struct sig_key is opaque; the caller frees it with sig_key_free().
 */
#ifndef PASSGATE_SIG_H
#define PASSGATE_SIG_H

#include <stddef.h>
#include <stdint.h>

struct sig_key;

enum sig_key_type {
	SIG_KEY_EC_P256 = 1, /* ES256 */
	SIG_KEY_EC_OTHER,    /* another curve: never valid for ES256 */
	SIG_KEY_RSA,	     /* PS256 */
};

/* A P-256 public key from its affine coordinates; with @d (32 bytes) a private key too. */
int sig_key_from_p256(const uint8_t x[32], const uint8_t y[32], const uint8_t *d,
		      struct sig_key **ret);
/* A new random P-256 private key (test issuers, `passgate issue-test`). */
int sig_key_generate_p256(struct sig_key **ret);
/* The public key as DER SubjectPublicKeyInfo, and back. *ret_der is freed with free(). */
int sig_key_to_spki(const struct sig_key *k, uint8_t **ret_der, size_t *ret_len);
int sig_key_from_spki(const uint8_t *der, size_t len, struct sig_key **ret);
/* The P-256 coordinates of @k (and the private scalar when @d is non-NULL and @k has one). */
int sig_key_p256_coords(const struct sig_key *k, uint8_t x[32], uint8_t y[32], uint8_t *d);
enum sig_key_type sig_key_type(const struct sig_key *k);
/* Another handle on the same key (a reference, not a copy): both are freed separately. */
int sig_key_dup(const struct sig_key *k, struct sig_key **ret);
void sig_key_free(struct sig_key *k);

/* 0 when @sig is a valid signature of @msg by @k; -EBADMSG when it is not (including a
 * malformed signature or a key of the wrong type); other -errno on internal failure.
 * ES256 signatures are raw r||s, 64 bytes (JWS RFC 7518 §3.4, COSE RFC 9053 §2.1). */
int sig_verify_es256(const struct sig_key *k, const uint8_t *msg, size_t len, const uint8_t *sig,
		     size_t sig_len);
int sig_verify_ps256(const struct sig_key *k, const uint8_t *msg, size_t len, const uint8_t *sig,
		     size_t sig_len);
/*
 * A prepared ES256 verifier for one P-256 key, for the scan path: the OpenSSL contexts are set
 * up once and reused for every message (bench/verify.md). It holds its own reference to the
 * key. Not for use from two threads at once. sig_verifier_es256() returns as
 * sig_verify_es256().
 */
struct sig_verifier;
int sig_verifier_new(const struct sig_key *k, struct sig_verifier **ret);
int sig_verifier_es256(struct sig_verifier *v, const uint8_t *msg, size_t len, const uint8_t *sig,
		       size_t sig_len);
void sig_verifier_free(struct sig_verifier *v);

/* Sign @msg with private key @k, raw r||s into @sig (64 bytes). */
int sig_sign_es256(const struct sig_key *k, const uint8_t *msg, size_t len, uint8_t sig[64]);

/* Certificates (sig_cert.c). Key-usage bits from the extended key usage OIDs
 * 1.3.6.1.4.1.1847.2021.1.{1,2,3} and 1.3.6.1.4.1.0.1847.2021.1.{1,2,3}. */
enum sig_usage {
	SIG_USAGE_TEST = 1u << 0,
	SIG_USAGE_VACCINATION = 1u << 1,
	SIG_USAGE_RECOVERY = 1u << 2,
	SIG_USAGE_ANY = SIG_USAGE_TEST | SIG_USAGE_VACCINATION | SIG_USAGE_RECOVERY,
};

struct sig_cert_info {
	int64_t not_before; /* Unix seconds */
	int64_t not_after;
	uint8_t kid[8];	 /* SHA-256(DER)[0..8] */
	unsigned usage;	 /* enum sig_usage bits: SIG_USAGE_ANY without an EKU extension (or with
			  * anyExtendedKeyUsage); 0 with an EKU that names none of the DCC OIDs */
	char country[3]; /* subject C, or "" */
};

/* Parse a certificate, PEM or DER. *ret_der (freed with free()) is its DER form. */
int sig_cert_parse(const uint8_t *data, size_t len, struct sig_cert_info *ret_info,
		   struct sig_key **ret_key, uint8_t **ret_der, size_t *ret_der_len);

/*
 * The public key of a certificate that sig_cert_parse() accepted before (the trust store keeps
 * only such): an uncompressed P-256 key is built straight from its point, without OpenSSL's
 * key decoder and on-curve check, both of which ran at import and cost more than the ES256
 * verification itself; any other key goes through sig_cert_parse(). Free with sig_key_free().
 */
int sig_cert_trusted_key(const uint8_t *der, size_t len, struct sig_key **ret);

/*
 * A self-signed signer certificate for test issuers (`passgate issue-test keygen`, tests):
 * subject = issuer = CN @common_name, C @country (2 letters, or NULL), validity
 * [@not_before, @not_after] (Unix seconds), signed by @k (ES256), with the DCC extended key
 * usage OIDs of @usage (1.3.6.1.4.1.1847.2021.1.x), none when @usage is SIG_USAGE_ANY.
 * *ret_der is the DER certificate, freed with free().
 */
int sig_cert_self_signed(const struct sig_key *k, const char *common_name, const char *country,
			 int64_t not_before, int64_t not_after, unsigned usage, uint8_t **ret_der,
			 size_t *ret_len);

/* PEM text of a DER certificate ("CERTIFICATE"), NUL-terminated; *ret_pem freed with free(). */
int sig_cert_to_pem(const uint8_t *der, size_t len, char **ret_pem);
/* PEM text of @k: "PRIVATE KEY" (PKCS #8) when @k holds a private key and @private_part is
 * non-zero, else "PUBLIC KEY" (SubjectPublicKeyInfo). NUL-terminated; freed with free(). */
int sig_key_to_pem(const struct sig_key *k, int private_part, char **ret_pem);
/* A key from PEM ("PRIVATE KEY", "EC PRIVATE KEY" or "PUBLIC KEY"), for issue-test. */
int sig_key_from_pem(const char *pem, size_t len, struct sig_key **ret);

/* Digests and MACs. */
void sig_sha256(const void *data, size_t len, uint8_t out[32]);
int sig_hmac_sha256(const uint8_t *key, size_t key_len, const void *msg, size_t len,
		    uint8_t out[32]);
int sig_hkdf_sha256(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
		    const void *info, size_t info_len, uint8_t *out, size_t out_len);
int sig_random(void *buf, size_t len);

#endif
