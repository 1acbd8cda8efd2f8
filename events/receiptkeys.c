/* SPDX-License-Identifier: MIT */
/*
 * receiptkeys.c - the list of the city's kiosks' receipt keys (receiptkeys.h). A city has at
 * most RECEIPTKEYS_MAX kiosks, so a linear search is enough for a scan; the list is built in a
 * scratch array and swapped in only when every entry is good.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "credential/b64url.h"
#include "events/receiptcode.h"
#include "events/receiptkeys.h"

struct entry {
	char venue[RECEIPTCODE_ID_MAX];
	char kiosk[RECEIPTCODE_ID_MAX];
	uint8_t pk[RECEIPTKEYS_PK_LEN];
};

struct receiptkeys {
	struct entry *v;
	size_t n, cap;
};

int receiptkeys_new(struct receiptkeys **ret)
{
	struct receiptkeys *rk = calloc(1, sizeof(*rk));

	if (!rk)
		return -ENOMEM;
	*ret = rk;
	return 0;
}

void receiptkeys_free(struct receiptkeys *rk)
{
	if (!rk)
		return;
	free(rk->v);
	free(rk);
}

static struct entry *find(const struct entry *v, size_t n, const char *venue, const char *kiosk)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].venue, venue) == 0 && strcmp(v[i].kiosk, kiosk) == 0)
			return (struct entry *)&v[i];
	return NULL;
}

static int fill(struct entry *e, const char *venue, const char *kiosk,
		const uint8_t pk[RECEIPTKEYS_PK_LEN])
{
	if (!venue || !kiosk || !venue[0] || !kiosk[0] || strlen(venue) >= sizeof(e->venue) ||
	    strlen(kiosk) >= sizeof(e->kiosk))
		return -EINVAL;
	strcpy(e->venue, venue);
	strcpy(e->kiosk, kiosk);
	memcpy(e->pk, pk, RECEIPTKEYS_PK_LEN);
	return 0;
}

int receiptkeys_add(struct receiptkeys *rk, const char *venue, const char *kiosk,
		    const uint8_t pk[RECEIPTKEYS_PK_LEN])
{
	struct entry e, *old;

	if (fill(&e, venue, kiosk, pk) < 0)
		return -EINVAL;
	old = find(rk->v, rk->n, venue, kiosk);
	if (old) {
		*old = e;
		return 0;
	}
	if (rk->n == RECEIPTKEYS_MAX)
		return -ENOSPC;
	if (rk->n == rk->cap) {
		size_t cap = rk->cap ? 2 * rk->cap : 16;
		struct entry *v = realloc(rk->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		rk->v = v;
		rk->cap = cap;
	}
	rk->v[rk->n++] = e;
	return 0;
}

/* One {"venue","kiosk","key"} entry into @e; -EBADMSG. */
static int parse_entry(const json_t *o, struct entry *e)
{
	const char *key = json_string_value(json_object_get(o, "key"));
	uint8_t pk[RECEIPTKEYS_PK_LEN];
	size_t n;

	if (!json_is_object(o) || json_object_size(o) != 3 || !key ||
	    b64std_decode_buf(key, strlen(key), pk, sizeof(pk), &n) < 0 || n != sizeof(pk))
		return -EBADMSG;
	return fill(e, json_string_value(json_object_get(o, "venue")),
		    json_string_value(json_object_get(o, "kiosk")), pk) < 0
		       ? -EBADMSG
		       : 0;
}

int receiptkeys_import(struct receiptkeys *rk, const uint8_t *body, size_t len)
{
	json_t *root, *list, *o;
	struct entry *v = NULL;
	size_t i, n = 0;
	int r = -EBADMSG;

	root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root))
		goto out;
	list = json_object_get(root, "receipt_keys");
	if (!list) {
		r = -ENOENT;
		goto out;
	}
	if (!json_is_array(list) || json_array_size(list) > RECEIPTKEYS_MAX)
		goto out;
	v = calloc(json_array_size(list) + 1, sizeof(*v));
	if (!v) {
		r = -ENOMEM;
		goto out;
	}
	json_array_foreach(list, i, o)
	{
		if (parse_entry(o, &v[n]) < 0 || find(v, n, v[n].venue, v[n].kiosk))
			goto out;
		n++;
	}
	free(rk->v);
	rk->v = v;
	rk->n = rk->cap = n;
	v = NULL;
	r = (int)n;
out:
	free(v);
	json_decref(root);
	return r;
}

const uint8_t *receiptkeys_find(const struct receiptkeys *rk, const char *venue, const char *kiosk)
{
	const struct entry *e = find(rk->v, rk->n, venue, kiosk);

	return e ? e->pk : NULL;
}

const uint8_t *receiptkeys_lookup(const char *venue, const char *kiosk, void *ud)
{
	return receiptkeys_find(ud, venue, kiosk);
}

size_t receiptkeys_count(const struct receiptkeys *rk)
{
	return rk->n;
}
