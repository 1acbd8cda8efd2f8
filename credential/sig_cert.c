/* SPDX-License-Identifier: MIT */
/*
 * sig_cert.c - X.509 signer certificates of EU DCCs, PS256 signatures, and PEM text, on
 * OpenSSL 3 (the second file of the signature module; sig.c holds keys and ES256).
 *
 * Certificates are parsed with OpenSSL's DER decoder, which tolerates the encoding quirks of
 * real signer certificates in the DCC corpus (FI, CO15: non-minimal lengths and the like)
 * while still checking the structure. The kid is SHA-256 of the certificate's DER bytes as
 * they were given (hcert §3.3.1), never of a re-encoding, which could differ for exactly
 * those lenient inputs. Key usage comes from the extended key usage extension (hcert §5.1.1,
 * "Key usage"): the OIDs 1.3.6.1.4.1.1847.2021.1.{1,2,3} and the variant with an extra ".0"
 * arc; no extension allows every type, an extension without any DCC OID allows none.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "credential/sig_internal.h"

#define OID_ANY_EKU "2.5.29.37.0"

static const struct {
	const char *oid;
	unsigned usage;
} usage_oids[] = {
	{ "1.3.6.1.4.1.1847.2021.1.1", SIG_USAGE_TEST },
	{ "1.3.6.1.4.1.1847.2021.1.2", SIG_USAGE_VACCINATION },
	{ "1.3.6.1.4.1.1847.2021.1.3", SIG_USAGE_RECOVERY },
	{ "1.3.6.1.4.1.0.1847.2021.1.1", SIG_USAGE_TEST },
	{ "1.3.6.1.4.1.0.1847.2021.1.2", SIG_USAGE_VACCINATION },
	{ "1.3.6.1.4.1.0.1847.2021.1.3", SIG_USAGE_RECOVERY },
};

static int asn1_time_unix(const ASN1_TIME *t, int64_t *ret)
{
	struct tm tm;

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return -EBADMSG;
	*ret = (int64_t)timegm(&tm);
	return 0;
}

static unsigned cert_usage(X509 *x)
{
	EXTENDED_KEY_USAGE *eku;
	unsigned usage = 0;
	int crit;

	eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	if (!eku)
		return SIG_USAGE_ANY; /* no (readable) extension: no restriction */
	if (sk_ASN1_OBJECT_num(eku) <= 0) {
		/* An empty EKU (invalid per RFC 5280 §4.2.1.12, SIZE(1..MAX), yet seen in the
		 * corpus: CO15 "no OID present") names no purpose at all: read as absent. */
		EXTENDED_KEY_USAGE_free(eku);
		return SIG_USAGE_ANY;
	}
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		char buf[80];

		if (OBJ_obj2txt(buf, sizeof(buf), sk_ASN1_OBJECT_value(eku, i), 1) <= 0)
			continue;
		if (!strcmp(buf, OID_ANY_EKU))
			usage |= SIG_USAGE_ANY;
		for (size_t j = 0; j < sizeof(usage_oids) / sizeof(usage_oids[0]); j++)
			if (!strcmp(buf, usage_oids[j].oid))
				usage |= usage_oids[j].usage;
	}
	EXTENDED_KEY_USAGE_free(eku);
	return usage;
}

/* The DER of @data: the bytes themselves, or the body of a PEM "CERTIFICATE" block. */
static int to_der(const uint8_t *data, size_t len, uint8_t **ret, size_t *ret_len)
{
	static const char begin[] = "-----BEGIN";
	char *name = NULL, *header = NULL;
	unsigned char *body = NULL;
	long body_len = 0;
	BIO *bio;
	uint8_t *der;
	int r = -EBADMSG;

	if (len > INT_MAX)
		return -EFBIG;
	if (!memmem(data, len, begin, sizeof(begin) - 1)) {
		der = malloc(len ? len : 1);
		if (!der)
			return -ENOMEM;
		memcpy(der, data, len);
		*ret = der;
		*ret_len = len;
		return 0;
	}
	bio = BIO_new_mem_buf(data, (int)len);
	if (!bio)
		return -ENOMEM;
	/* The first CERTIFICATE block; other blocks before it (keys, parameters) are skipped. */
	while (PEM_read_bio(bio, &name, &header, &body, &body_len) == 1) {
		if (!strcmp(name, "CERTIFICATE") || !strcmp(name, "X509 CERTIFICATE")) {
			der = malloc((size_t)body_len + 1);
			if (der) {
				memcpy(der, body, (size_t)body_len);
				*ret = der;
				*ret_len = (size_t)body_len;
				r = 0;
			} else {
				r = -ENOMEM;
			}
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(body);
		name = header = NULL;
		body = NULL;
		if (r != -EBADMSG)
			break;
	}
	BIO_free(bio);
	return r;
}

int sig_cert_parse(const uint8_t *data, size_t len, struct sig_cert_info *ret_info,
		   struct sig_key **ret_key, uint8_t **ret_der, size_t *ret_der_len)
{
	struct sig_cert_info info = { 0 };
	struct sig_key *key = NULL;
	const unsigned char *p;
	uint8_t *der;
	size_t der_len;
	X509 *x;
	int r;

	r = to_der(data, len, &der, &der_len);
	if (r < 0)
		return r;
	p = der;
	x = d2i_X509(NULL, &p, (long)der_len);
	r = -EBADMSG;
	if (!x)
		goto fail_der;
	/* Trailing bytes after the certificate are not part of it; the kid covers only it. */
	der_len = (size_t)(p - der);

	if (asn1_time_unix(X509_get0_notBefore(x), &info.not_before) < 0 ||
	    asn1_time_unix(X509_get0_notAfter(x), &info.not_after) < 0)
		goto fail_x;
	{
		uint8_t digest[32];

		sig_sha256(der, der_len, digest);
		memcpy(info.kid, digest, sizeof(info.kid));
	}
	info.usage = cert_usage(x);
	{
		X509_NAME *subject = X509_get_subject_name(x);
		char c[8];

		if (subject &&
		    X509_NAME_get_text_by_NID(subject, NID_countryName, c, sizeof(c)) == 2)
			memcpy(info.country, c, 3);
	}
	if (ret_key) {
		key = calloc(1, sizeof(*key));
		if (!key) {
			r = -ENOMEM;
			goto fail_x;
		}
		key->pkey = X509_get_pubkey(x);
		if (!key->pkey) {
			free(key);
			goto fail_x;
		}
	}
	X509_free(x);
	if (ret_info)
		*ret_info = info;
	if (ret_key)
		*ret_key = key;
	if (ret_der) {
		*ret_der = der;
		*ret_der_len = der_len;
	} else {
		free(der);
	}
	return 0;

fail_x:
	X509_free(x);
fail_der:
	free(der);
	return r;
}

/* Read the DER header at @*p (X.690 §8.1): tag, and the content's bounds. Definite lengths up
 * to 4 bytes only; anything else is left to OpenSSL's parser (the caller falls back). */
static int der_tlv(const uint8_t **p, const uint8_t *end, uint8_t *tag, const uint8_t **content,
		   size_t *len)
{
	const uint8_t *q = *p;
	size_t n;

	if (end - q < 2)
		return -EBADMSG;
	*tag = *q++;
	n = *q++;
	if (n & 0x80) {
		size_t bytes = n & 0x7f;

		if (bytes == 0 || bytes > 4 || (size_t)(end - q) < bytes)
			return -EBADMSG;
		for (n = 0; bytes; bytes--)
			n = n << 8 | *q++;
	}
	if ((size_t)(end - q) < n)
		return -EBADMSG;
	*content = q;
	*len = n;
	*p = q + n;
	return 0;
}

/* The SubjectPublicKeyInfo TLV of certificate @der (RFC 5280 §4.1). */
static int find_spki(const uint8_t *der, size_t len, const uint8_t **ret, size_t *ret_len)
{
	const uint8_t *p = der, *end = der + len, *c, *tbs_end, *start;
	uint8_t tag;
	size_t n;

	if (der_tlv(&p, end, &tag, &c, &n) < 0 || tag != 0x30)
		return -EBADMSG;
	p = c;
	end = c + n;
	if (der_tlv(&p, end, &tag, &c, &n) < 0 || tag != 0x30) /* tbsCertificate */
		return -EBADMSG;
	p = c;
	tbs_end = c + n;
	if (p < tbs_end && *p == 0xa0 && der_tlv(&p, tbs_end, &tag, &c, &n) < 0) /* version */
		return -EBADMSG;
	/* serialNumber, signature, issuer, validity, subject */
	for (int i = 0; i < 5; i++)
		if (der_tlv(&p, tbs_end, &tag, &c, &n) < 0)
			return -EBADMSG;
	start = p;
	if (der_tlv(&p, tbs_end, &tag, &c, &n) < 0 || tag != 0x30)
		return -EBADMSG;
	*ret = start;
	*ret_len = (size_t)(p - start);
	return 0;
}

int sig_cert_trusted_key(const uint8_t *der, size_t len, struct sig_key **ret)
{
	/* SPKI of an uncompressed P-256 point: id-ecPublicKey, prime256v1 (RFC 5480 §2). */
	static const uint8_t p256_prefix[] = {
		0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
		0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04
	};
	const uint8_t *spki;
	size_t spki_len;
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM params[3];

	if (find_spki(der, len, &spki, &spki_len) < 0 || spki_len != sizeof(p256_prefix) + 64 ||
	    memcmp(spki, p256_prefix, sizeof(p256_prefix)))
		return sig_cert_parse(der, len, NULL, ret, NULL, NULL);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     (char *)"prime256v1", 0);
	params[1] = OSSL_PARAM_construct_octet_string(
		OSSL_PKEY_PARAM_PUB_KEY, (void *)(uintptr_t)(spki + sizeof(p256_prefix) - 1), 65);
	params[2] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx)
		return -ENOMEM;
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		EVP_PKEY_CTX_free(ctx);
		return -EBADMSG;
	}
	EVP_PKEY_CTX_free(ctx);
	return sig_key_wrap(pkey, ret);
}

int sig_verify_ps256(const struct sig_key *k, const uint8_t *msg, size_t len, const uint8_t *sig,
		     size_t sig_len)
{
	EVP_MD_CTX *ctx;
	EVP_PKEY_CTX *pctx = NULL;
	int r = -EBADMSG, ok;

	if (!k || !k->pkey || EVP_PKEY_get_base_id(k->pkey) != EVP_PKEY_RSA)
		return -EBADMSG;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	/* RFC 8230 §2: PS256 is RSASSA-PSS with SHA-256, MGF1 with SHA-256, and a salt as long as
	 * the digest (32 bytes). The salt length is checked, not recovered (RSA_PSS_SALTLEN_AUTO
	 * would accept any). */
	if (EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1) {
		r = -EIO;
		goto done_ctx;
	}
	ok = EVP_DigestVerify(ctx, sig, sig_len, msg, len);
	if (ok == 1)
		r = 0;
done_ctx:
	EVP_MD_CTX_free(ctx);
	return r;
}

/* Add extension @nid with text value @value (X509V3_EXT_conf_nid syntax). */
static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return -EINVAL;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -ENOMEM;
}

int sig_cert_self_signed(const struct sig_key *k, const char *common_name, const char *country,
			 int64_t not_before, int64_t not_after, unsigned usage, uint8_t **ret_der,
			 size_t *ret_len)
{
	X509 *x;
	X509_NAME *name;
	unsigned char *der = NULL;
	uint8_t serial[16];
	BIGNUM *bn = NULL;
	int n, r = -ENOMEM;

	if (!k || !k->pkey || !common_name)
		return -EINVAL;
	x = X509_new();
	if (!x)
		return -ENOMEM;
	if (sig_random(serial, sizeof(serial)) < 0) {
		r = -EIO;
		goto fail_x;
	}
	serial[0] &= 0x7f; /* a positive INTEGER (RFC 5280 §4.1.2.2) */
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)))
		goto fail_x;
	if (X509_set_version(x, 2) != 1 ||
	    !ASN1_TIME_set(X509_getm_notBefore(x), (time_t)not_before) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x), (time_t)not_after) ||
	    X509_set_pubkey(x, k->pkey) != 1)
		goto fail_x;
	name = X509_get_subject_name(x);
	if ((country && country[0] &&
	     X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, (const unsigned char *)country,
					-1, -1, 0) != 1) ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
				       (const unsigned char *)common_name, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1)
		goto fail_x;
	r = add_ext(x, NID_key_usage, "critical,digitalSignature");
	if (r < 0)
		goto fail_x;
	if ((usage & SIG_USAGE_ANY) != SIG_USAGE_ANY) {
		char value[128] = "";

		for (size_t j = 0; j < 3; j++) {
			if (!(usage & usage_oids[j].usage))
				continue;
			if (value[0])
				strcat(value, ",");
			strcat(value, usage_oids[j].oid);
		}
		r = add_ext(x, NID_ext_key_usage, value[0] ? value : OID_ANY_EKU);
		if (r < 0)
			goto fail_x;
	}
	r = -EIO;
	if (X509_sign(x, k->pkey, EVP_sha256()) <= 0)
		goto fail_x;
	n = i2d_X509(x, &der);
	if (n <= 0)
		goto fail_x;
	*ret_der = malloc((size_t)n);
	if (!*ret_der) {
		r = -ENOMEM;
		goto fail_der;
	}
	memcpy(*ret_der, der, (size_t)n);
	*ret_len = (size_t)n;
	r = 0;
fail_der:
	OPENSSL_free(der);
fail_x:
	BN_free(bn);
	X509_free(x);
	return r;
}

/* The contents of memory BIO @bio as a NUL-terminated malloc()ed string. */
static int bio_string(BIO *bio, char **ret)
{
	char *data, *s;
	long n = BIO_get_mem_data(bio, &data);

	if (n < 0)
		return -EIO;
	s = malloc((size_t)n + 1);
	if (!s)
		return -ENOMEM;
	memcpy(s, data, (size_t)n);
	s[n] = '\0';
	*ret = s;
	return 0;
}

int sig_cert_to_pem(const uint8_t *der, size_t len, char **ret_pem)
{
	BIO *bio;
	int r = -EIO;

	if (len > INT_MAX)
		return -EFBIG;
	bio = BIO_new(BIO_s_mem());
	if (!bio)
		return -ENOMEM;
	if (PEM_write_bio(bio, "CERTIFICATE", "", der, (long)len) > 0)
		r = bio_string(bio, ret_pem);
	BIO_free(bio);
	return r;
}

int sig_key_to_pem(const struct sig_key *k, int private_part, char **ret_pem)
{
	BIO *bio;
	int ok, r = -EIO;

	if (!k || !k->pkey)
		return -EINVAL;
	bio = BIO_new(BIO_s_mem());
	if (!bio)
		return -ENOMEM;
	if (private_part)
		ok = PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL, NULL);
	else
		ok = PEM_write_bio_PUBKEY(bio, k->pkey);
	if (ok == 1)
		r = bio_string(bio, ret_pem);
	BIO_free(bio);
	return r;
}

int sig_key_from_pem(const char *pem, size_t len, struct sig_key **ret)
{
	EVP_PKEY *pkey;
	BIO *bio;

	if (len > INT_MAX)
		return -EFBIG;
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return -ENOMEM;
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	if (!pkey) {
		(void)BIO_reset(bio);
		pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	}
	BIO_free(bio);
	if (!pkey)
		return -EBADMSG;
	return sig_key_wrap(pkey, ret);
}
