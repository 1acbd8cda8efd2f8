/* SPDX-License-Identifier: MIT */
/*
 * jws.h - compact JWS (RFC 7515 §7.1) split into its parts, as SMART Health Cards use it.
 *
 * jws_parse() does the structural part only: three base64url parts, a JSON object header
 * within the bounds of json_bounds.h. What the header must say (alg, zip, kid) and the
 * signature check are the caller's (shc.c), since they depend on the credential format.
 */
#ifndef PASSGATE_JWS_H
#define PASSGATE_JWS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct jws {
	json_t *header;	  /* the protected header, a JSON object */
	uint8_t *payload; /* the decoded payload bytes (still compressed for zip:DEF) */
	size_t payload_len;
	uint8_t sig[64]; /* the signature when it has 64 bytes */
	size_t sig_len;	 /* its decoded length (anything but 64 is not ES256) */
	const char
		*signing_input; /* BASE64URL(header) '.' BASE64URL(payload), borrowed from text */
	size_t signing_input_len;
};

/*
 * Parse @text (@len bytes; borrowed by ret->signing_input for the life of *ret).
 * -EBADMSG when it is not three dot-separated parts of base64url (encoding), -EPROTO when the
 * header is not a JSON object within bounds (syntax), -ENOMEM. The caller releases ret with
 * jws_done(); on failure nothing needs releasing.
 */
int jws_parse(const char *text, size_t len, struct jws *ret);
void jws_done(struct jws *j);

/* Serialize header JSON @header and @payload bytes, signed by @sign_fn, into compact form.
 * Used by minting only (issue_shc.c). *ret_text freed with free(). */
int jws_compact(const char *header, const uint8_t *payload, size_t payload_len,
		int (*sign_fn)(const uint8_t *msg, size_t len, uint8_t sig[64], const void *ud),
		const void *userdata, char **ret_text);

#endif
