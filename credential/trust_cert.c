/* SPDX-License-Identifier: MIT */
/*
 * trust_cert.c - EU DCC signer certificates in the trust store (table dcc_cert, schema in
 * trust_internal.h): importing one, and handing out the certificates that share a kid.
 *
 * A kid is only 8 bytes of SHA-256 (hcert §3.3.1), so two certificates may share one; the
 * table is keyed by (kid, der) and the verifier tries each candidate (dcc.c). The certificate
 * is stored as DER exactly as imported, so the kid can always be recomputed from it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "credential/dsclist.h"
#include "credential/sig.h"
#include "credential/trust_internal.h"

int trust_import_cert(struct trust *t, const uint8_t *data, size_t len)
{
	struct sig_cert_info info;
	sqlite3_stmt *st;
	uint8_t *der;
	size_t der_len;
	int r;

	r = sig_cert_parse(data, len, &info, NULL, &der, &der_len);
	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	if (der_len > INT32_MAX) {
		r = -EFBIG;
		goto fail_der;
	}
	/* Through the store's transaction, so that no cached signer outlives its row. */
	r = trust_begin(t);
	if (r < 0)
		goto fail_der;
	r = trust_prepare(t,
			  "INSERT OR REPLACE INTO dcc_cert(kid, der, not_before, not_after,"
			  " usage, country) VALUES(?, ?, ?, ?, ?, ?)",
			  &st);
	if (r < 0) {
		r = trust_end(t, r);
		goto fail_der;
	}
	if (sqlite3_bind_blob(st, 1, info.kid, sizeof(info.kid), SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 2, der, (int)der_len, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, info.not_before) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, info.not_after) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 5, info.usage) != SQLITE_OK ||
	    sqlite3_bind_text(st, 6, info.country, -1, SQLITE_STATIC) != SQLITE_OK)
		r = -EIO;
	else
		r = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	sqlite3_finalize(st);
	r = trust_end(t, r);
fail_der:
	free(der);
	return r;
}

static int import_dsc(const struct dsclist_entry *e, void *userdata)
{
	return trust_import_cert(userdata, e->der, e->der_len);
}

int trust_import_dsc_list(struct trust *t, const char *json, size_t len, size_t *ret_n,
			  size_t *ret_index, const char **ret_why)
{
	int r;

	/* One transaction: a file-backed store syncs once, not once per certificate. */
	r = trust_begin(t);
	if (r < 0)
		return r;
	r = dsclist_parse(json, len, import_dsc, t, ret_index, ret_why);
	if (r >= 0 && ret_n)
		*ret_n = (size_t)r;
	r = trust_end(t, r);
	return r < 0 ? r : 0;
}
