/* SPDX-License-Identifier: MIT */
/*
 * sig.c - keys, ES256/PS256 signatures and digests, on OpenSSL 3 (the signature module).
 *
 * This file and sig_cert.c are the only ones that include OpenSSL headers (DESIGN.md). The
 * digests below are also what the event builder uses for pseudonyms: HMAC-SHA256 and
 * HKDF-SHA256 (RFC 5869) with the EVP_KDF interface.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "credential/sig.h"
#include "credential/sig_internal.h"

int sig_key_wrap(EVP_PKEY *pkey, struct sig_key **ret)
{
	struct sig_key *k = calloc(1, sizeof(*k));

	if (!k) {
		EVP_PKEY_free(pkey);
		return -ENOMEM;
	}
	k->pkey = pkey;
	*ret = k;
	return 0;
}

void sig_key_free(struct sig_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

int sig_key_dup(const struct sig_key *k, struct sig_key **ret)
{
	if (EVP_PKEY_up_ref(k->pkey) != 1)
		return -EIO;
	return sig_key_wrap(k->pkey, ret);
}

enum sig_key_type sig_key_type(const struct sig_key *k)
{
	char group[64];

	if (EVP_PKEY_is_a(k->pkey, "EC")) {
		if (EVP_PKEY_get_utf8_string_param(k->pkey, OSSL_PKEY_PARAM_GROUP_NAME, group,
						   sizeof(group), NULL) == 1 &&
		    strcmp(group, "prime256v1") == 0)
			return SIG_KEY_EC_P256;
		return SIG_KEY_EC_OTHER;
	}
	if (EVP_PKEY_is_a(k->pkey, "RSA") || EVP_PKEY_is_a(k->pkey, "RSA-PSS"))
		return SIG_KEY_RSA;
	return SIG_KEY_EC_OTHER;
}

/*
 * Keys come from JWK coordinates (SHC issuers), SPKI (the trust store) or generation. A public
 * point from outside is checked to be on the curve before it is used (EVP_PKEY_public_check),
 * and a private scalar to match its point (EVP_PKEY_pairwise_check).
 */
int sig_key_from_p256(const uint8_t x[32], const uint8_t y[32], const uint8_t *d,
		      struct sig_key **ret)
{
	uint8_t point[65];
	OSSL_PARAM params[4];
	EVP_PKEY_CTX *ctx, *check = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *priv = NULL;
	uint8_t dle[32];
	int r = -EINVAL;

	point[0] = 0x04; /* uncompressed, SEC 1 §2.3.3 */
	memcpy(point + 1, x, 32);
	memcpy(point + 33, y, 32);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     (char *)"prime256v1", 0);
	params[1] =
		OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point));
	params[2] = OSSL_PARAM_construct_end();
	if (d) {
		/* OSSL_PARAM BIGNUMs are native-endian; build from big-endian and convert. */
		priv = BN_bin2bn(d, 32, NULL);
		if (!priv || BN_bn2nativepad(priv, dle, sizeof(dle)) < 0) {
			r = -ENOMEM;
			goto out_bn;
		}
		params[2] = OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, dle, sizeof(dle));
		params[3] = OSSL_PARAM_construct_end();
	}
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx) {
		r = -ENOMEM;
		goto out_bn;
	}
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto out_ctx;
	check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (!check || EVP_PKEY_public_check(check) != 1)
		goto out_pkey;
	if (d && EVP_PKEY_pairwise_check(check) != 1)
		goto out_pkey;
	r = sig_key_wrap(pkey, ret);
	pkey = NULL;
out_pkey:
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_free(pkey);
out_ctx:
	EVP_PKEY_CTX_free(ctx);
out_bn:
	OPENSSL_cleanse(dle, sizeof(dle));
	BN_clear_free(priv);
	return r;
}

int sig_key_generate_p256(struct sig_key **ret)
{
	EVP_PKEY *pkey = EVP_EC_gen("prime256v1");

	if (!pkey)
		return -EIO;
	return sig_key_wrap(pkey, ret);
}

int sig_key_to_spki(const struct sig_key *k, uint8_t **ret_der, size_t *ret_len)
{
	unsigned char *der = NULL;
	uint8_t *copy;
	int n;

	n = i2d_PUBKEY(k->pkey, &der);
	if (n <= 0)
		return -EIO;
	/* Hand out malloc()ed memory so the caller frees it with free(), not OPENSSL_free(). */
	copy = malloc((size_t)n);
	if (!copy) {
		OPENSSL_free(der);
		return -ENOMEM;
	}
	memcpy(copy, der, (size_t)n);
	OPENSSL_free(der);
	*ret_der = copy;
	*ret_len = (size_t)n;
	return 0;
}

int sig_key_from_spki(const uint8_t *der, size_t len, struct sig_key **ret)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey;

	if (len > INT32_MAX)
		return -EINVAL;
	pkey = d2i_PUBKEY(NULL, &p, (long)len);
	if (!pkey)
		return -EINVAL;
	if (p != der + len) {
		EVP_PKEY_free(pkey);
		return -EINVAL;
	}
	return sig_key_wrap(pkey, ret);
}

int sig_key_p256_coords(const struct sig_key *k, uint8_t x[32], uint8_t y[32], uint8_t *d)
{
	uint8_t point[65];
	size_t n = 0;
	BIGNUM *priv = NULL;
	int r = 0;

	if (sig_key_type(k) != SIG_KEY_EC_P256)
		return -EINVAL;
	if (EVP_PKEY_get_octet_string_param(k->pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
					    sizeof(point), &n) != 1 ||
	    n != sizeof(point) || point[0] != 0x04) {
		/* The encoded form may be compressed; ask for the uncompressed one. */
		if (EVP_PKEY_set_utf8_string_param(k->pkey,
						   OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
						   "uncompressed") != 1 ||
		    EVP_PKEY_get_octet_string_param(k->pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
						    point, sizeof(point), &n) != 1 ||
		    n != sizeof(point) || point[0] != 0x04)
			return -EIO;
	}
	memcpy(x, point + 1, 32);
	memcpy(y, point + 33, 32);
	if (d) {
		if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &priv) != 1)
			return -ENOKEY;
		if (BN_bn2binpad(priv, d, 32) != 32)
			r = -EIO;
		BN_clear_free(priv);
	}
	return r;
}

/* JWS/COSE carry ECDSA signatures as raw r||s; OpenSSL wants DER (SEC 1 ECDSA-Sig-Value).
 * Two 33-byte INTEGERs and the headers fit in 80 bytes. */
static int es256_der(const uint8_t sig[64], unsigned char der[80], size_t *ret_len)
{
	unsigned char *p = der;
	ECDSA_SIG *es;
	BIGNUM *r_bn, *s_bn;
	int n;

	es = ECDSA_SIG_new();
	r_bn = BN_bin2bn(sig, 32, NULL);
	s_bn = BN_bin2bn(sig + 32, 32, NULL);
	if (!es || !r_bn || !s_bn || ECDSA_SIG_set0(es, r_bn, s_bn) != 1) {
		BN_free(r_bn);
		BN_free(s_bn);
		ECDSA_SIG_free(es);
		return -ENOMEM;
	}
	n = i2d_ECDSA_SIG(es, NULL) <= 80 ? i2d_ECDSA_SIG(es, &p) : -1;
	ECDSA_SIG_free(es);
	if (n <= 0)
		return -ENOMEM;
	*ret_len = (size_t)n;
	return 0;
}

/*
 * The message is hashed first and checked with EVP_PKEY_verify(): the same operation as
 * EVP_DigestVerify(), without a digest context set up inside OpenSSL per call.
 */
int sig_verify_es256(const struct sig_key *k, const uint8_t *msg, size_t len, const uint8_t *sig,
		     size_t sig_len)
{
	struct sig_verifier *v;
	int r;

	if (sig_len != 64 || sig_key_type(k) != SIG_KEY_EC_P256)
		return -EBADMSG;
	r = sig_verifier_new(k, &v);
	if (r < 0)
		return r;
	r = sig_verifier_es256(v, msg, len, sig, sig_len);
	sig_verifier_free(v);
	return r;
}

struct sig_verifier {
	EVP_PKEY_CTX *ctx; /* verify-initialized on the key */
	EVP_MD *sha256;	   /* fetched once, not per message */
	EVP_MD_CTX *md;
};

void sig_verifier_free(struct sig_verifier *v)
{
	if (!v)
		return;
	EVP_PKEY_CTX_free(v->ctx);
	EVP_MD_CTX_free(v->md);
	EVP_MD_free(v->sha256);
	free(v);
}

int sig_verifier_new(const struct sig_key *k, struct sig_verifier **ret)
{
	struct sig_verifier *v;

	if (sig_key_type(k) != SIG_KEY_EC_P256)
		return -EINVAL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
	v->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	v->md = EVP_MD_CTX_new();
	if (!v->ctx || !v->sha256 || !v->md || EVP_PKEY_verify_init(v->ctx) != 1) {
		sig_verifier_free(v);
		return -ENOMEM;
	}
	*ret = v;
	return 0;
}

int sig_verifier_es256(struct sig_verifier *v, const uint8_t *msg, size_t len, const uint8_t *sig,
		       size_t sig_len)
{
	unsigned char der[80];
	uint8_t digest[32];
	unsigned int dlen = 0;
	size_t n;
	int r;

	if (sig_len != 64)
		return -EBADMSG;
	r = es256_der(sig, der, &n);
	if (r < 0)
		return r;
	if (EVP_DigestInit_ex2(v->md, v->sha256, NULL) != 1 ||
	    EVP_DigestUpdate(v->md, msg, len) != 1 ||
	    EVP_DigestFinal_ex(v->md, digest, &dlen) != 1 || dlen != sizeof(digest))
		return -EIO;
	return EVP_PKEY_verify(v->ctx, der, n, digest, sizeof(digest)) == 1 ? 0 : -EBADMSG;
}

int sig_sign_es256(const struct sig_key *k, const uint8_t *msg, size_t len, uint8_t sig[64])
{
	EVP_MD_CTX *md;
	unsigned char der[80];
	const unsigned char *p = der;
	size_t n = sizeof(der);
	ECDSA_SIG *es = NULL;
	int r = -EIO;

	if (sig_key_type(k) != SIG_KEY_EC_P256)
		return -EINVAL;
	md = EVP_MD_CTX_new();
	if (!md)
		return -ENOMEM;
	if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(md, der, &n, msg, len) != 1)
		goto out_md;
	es = d2i_ECDSA_SIG(NULL, &p, (long)n);
	if (!es)
		goto out_md;
	if (BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32) == 32 &&
	    BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 32, 32) == 32)
		r = 0;
	ECDSA_SIG_free(es);
out_md:
	EVP_MD_CTX_free(md);
	return r;
}

void sig_sha256(const void *data, size_t len, uint8_t out[32])
{
	unsigned int n = 32;

	/* EVP_Digest on SHA-256 fails only on allocation failure inside OpenSSL; the output is
	 * then all zero, which no caller can mistake for a match of real data. */
	if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1)
		memset(out, 0, 32);
}

int sig_hmac_sha256(const uint8_t *key, size_t key_len, const void *msg, size_t len,
		    uint8_t out[32])
{
	unsigned int n = 32;

	if (key_len > INT32_MAX)
		return -EINVAL;
	if (!HMAC(EVP_sha256(), key, (int)key_len, msg, len, out, &n))
		return -EIO;
	return 0;
}

int sig_hkdf_sha256(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
		    const void *info, size_t info_len, uint8_t *out, size_t out_len)
{
	EVP_KDF *kdf;
	EVP_KDF_CTX *ctx;
	OSSL_PARAM params[5], *p = params;
	int r = -EIO;

	kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	if (!kdf)
		return -EIO;
	ctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (!ctx)
		return -ENOMEM;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)(uintptr_t)ikm,
						 ikm_len);
	if (salt && salt_len)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
							 (void *)(uintptr_t)salt, salt_len);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)(uintptr_t)info,
						 info_len);
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, out_len, params) == 1)
		r = 0;
	EVP_KDF_CTX_free(ctx);
	return r;
}

int sig_random(void *buf, size_t len)
{
	if (len > INT32_MAX)
		return -EINVAL;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -EIO;
}
