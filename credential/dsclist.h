/* SPDX-License-Identifier: MIT */
/*
 * dsclist.h - the EU DCC gateway's trust list of Document Signer Certificates (the format of
 * its trustList/DSC endpoint, as national backends serve it): read and check it, entry by
 * entry, for the city's trust updates and `passgate trust import --dsc-list`.
 *
 *   {"certificates": [{"certificateType": "DSC", "country": "NL", "kid": "+7gPaASOAJY=",
 *     "rawData": base64 DER, "signature": ..., "thumbprint": hex SHA-256, "timestamp": ...},
 *     ...]}
 *
 * Each entry must be a DSC whose certificate parses, has a key the verifier can use (P-256 or
 * RSA), and whose kid is the DCC kid of its DER (hcert §3.3.1: the first 8 bytes of SHA-256,
 * standard base64), whose thumbprint (when given) is the SHA-256 of its DER, and whose country
 * is the certificate's subject country (when it has one). The extended key usage OIDs are read
 * as for any signer (sig.h). The "signature" (the uploading country's CMS signature, checked by
 * the gateway against its trust anchor) is not verified here: the city vouches for the file.
 * Nothing here logs.
 */
#ifndef PASSGATE_DSCLIST_H
#define PASSGATE_DSCLIST_H

#include <stddef.h>
#include <stdint.h>

#define DSCLIST_MAX_BYTES (16u * 1024u * 1024u) /* the whole file */
#define DSCLIST_MAX_CERTS 10000			/* the EU list held a few thousand at its peak */
#define DSCLIST_MAX_DER	  8192			/* one certificate (real ones are 1-2 kB) */

struct dsclist_entry {
	const char *country; /* two capital letters, borrowed */
	uint8_t kid[8];	     /* SHA-256(DER)[0..8] */
	const uint8_t *der;  /* borrowed for the call */
	size_t der_len;
	unsigned usage; /* enum sig_usage bits */
	int64_t not_before, not_after;
};

/*
 * Check the whole list @json first; then call @fn for each entry in order (a certificate
 * listed twice is handed over once). Returns the number of entries handed over, -EINVAL when
 * the list or an entry is malformed (nothing handed over; *ret_index, if non-NULL, gets the
 * index of the first bad entry or SIZE_MAX for the list itself, and *ret_why a short static
 * reason), -E2BIG beyond the bounds above, or @fn's error (it stops the walk).
 */
int dsclist_parse(const char *json, size_t len,
		  int (*fn)(const struct dsclist_entry *e, void *userdata), void *userdata,
		  size_t *ret_index, const char **ret_why);

#endif
