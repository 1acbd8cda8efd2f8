/* SPDX-License-Identifier: MIT */
/*
 * trust_vci.c - the VCI directory's issuer names in the trust store (table shc_issuer, schema
 * in trust_internal.h). Names only: the directory does not make an issuer trusted, its
 * imported keys do.
 */
#include <errno.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "credential/trust_internal.h"

static int store_names(struct trust *t, json_t *arr)
{
	sqlite3_stmt *st;
	json_t *e;
	size_t i;
	int r;

	r = trust_prepare(t,
			  "INSERT INTO shc_issuer(iss, name, source) VALUES(?1, ?2, 'vci')"
			  " ON CONFLICT(iss) DO UPDATE SET name = ?2",
			  &st);
	if (r < 0)
		return r;
	json_array_foreach(arr, i, e)
	{
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, json_string_value(json_object_get(e, "iss")), -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(st, 2, json_string_value(json_object_get(e, "name")), -1,
				  SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			r = -EIO;
			break;
		}
	}
	sqlite3_finalize(st);
	return r;
}

int trust_import_vci(struct trust *t, const char *json, size_t len)
{
	json_t *root = NULL, *arr, *e;
	size_t i;
	int r;

	r = trust_load_json(json, len, &root);
	if (r < 0)
		return r;
	r = -EINVAL;
	arr = json_object_get(root, "participating_issuers");
	if (!json_is_array(arr))
		goto out;
	json_array_foreach(arr, i, e)
	{
		const char *iss = json_string_value(json_object_get(e, "iss"));
		const char *name = json_string_value(json_object_get(e, "name"));

		if (!iss || !name || !trust_shc_iss_valid(iss) || strlen(name) >= 256)
			goto out;
	}
	r = trust_begin(t);
	if (r >= 0)
		r = trust_end(t, store_names(t, arr));
out:
	json_decref(root);
	return r;
}
