/* SPDX-License-Identifier: MIT */
/*
 * bookingcode.c - build, parse and check booking codes (bookingcode.h, docs/codes.md). The
 * envelope and signature are signedcode.c's; this file knows the body and its consistency
 * rules, so that a kiosk never opens a session with a party of 0 or a stay that ends before it
 * begins, whoever signed it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "events/bookingcode.h"
#include "events/signedcode.h"

#define CHILD_AGE_MAX 17

/* ISO 3166-2: two letters, '-', one to three letters or digits ("JP-01"). */
static bool residence_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return true;
	if (n < 4 || n > 6 || !isupper((unsigned char)s[0]) || !isupper((unsigned char)s[1]) ||
	    s[2] != '-')
		return false;
	for (size_t i = 3; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && !isupper((unsigned char)s[i]))
			return false;
	return true;
}

static bool fields_ok(const struct bookingcode *b)
{
	int64_t start, until, reserved;

	if (!b->venue[0] || !residence_ok(b->residence) ||
	    signedcode_date(b->trip_start, &start) < 0 || signedcode_date(b->expires, &until) < 0 ||
	    (b->reserved_on[0] && signedcode_date(b->reserved_on, &reserved) < 0))
		return false;
	if (until < start || until > start + (b->nights ? b->nights - 1 : 0) ||
	    b->nights > BOOKINGCODE_NIGHTS_MAX || b->party < 1 ||
	    b->party > BOOKINGCODE_PARTY_MAX || b->n_children > BOOKINGCODE_CHILDREN_MAX ||
	    b->n_children > b->party || b->issued < 0)
		return false;
	for (unsigned i = 0; i < b->n_children; i++)
		if (b->children[i] > CHILD_AGE_MAX)
			return false;
	return true;
}

static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

int bookingcode_body(const struct bookingcode *b, char **ret)
{
	json_t *o, *children;
	char *s;

	if (!fields_ok(b))
		return -EINVAL;
	children = json_array();
	for (unsigned i = 0; children && i < b->n_children; i++)
		json_array_append_new(children, json_integer(b->children[i]));
	o = json_pack("{s:i,s:s,s:o,s:s,s:i,s:o,s:i,s:o,s:b,s:I,s:s}", "v", 1, "venue", b->venue,
		      "residence", str_or_null(b->residence), "trip_start", b->trip_start, "nights",
		      (int)b->nights, "reserved_on", str_or_null(b->reserved_on), "party",
		      (int)b->party, "children", children, "school_activity", b->school_activity,
		      "issued", (json_int_t)b->issued, "expires", b->expires);
	if (!o)
		return -ENOMEM;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return (int)strlen(s);
}

static int parse_children(const json_t *a, struct bookingcode *b)
{
	const json_t *v;
	size_t i;

	if (!json_is_array(a) || json_array_size(a) > BOOKINGCODE_CHILDREN_MAX)
		return -EBADMSG;
	json_array_foreach(a, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > CHILD_AGE_MAX)
			return -EBADMSG;
		b->children[i] = (unsigned)json_integer_value(v);
	}
	b->n_children = (unsigned)json_array_size(a);
	return 0;
}

int bookingcode_parse_body(const uint8_t *body, size_t len, struct bookingcode *ret)
{
	static const char *const allowed[] = {
		"v",	 "venue",    "residence",	"trip_start", "nights",	 "reserved_on",
		"party", "children", "school_activity", "issued",     "expires", NULL,
	};
	struct bookingcode b;
	json_t *o = NULL;
	int64_t nights, party, issued;
	int r = -EBADMSG;

	memset(&b, 0, sizeof(b));
	if (signedcode_json_load(body, len, allowed, &o) < 0)
		return -EBADMSG;
	if (signedcode_json_str(o, "venue", false, b.venue, sizeof(b.venue)) < 0 ||
	    signedcode_json_str(o, "residence", true, b.residence, sizeof(b.residence)) < 0 ||
	    signedcode_json_date(o, "trip_start", false, b.trip_start, NULL) < 0 ||
	    signedcode_json_date(o, "reserved_on", true, b.reserved_on, NULL) < 0 ||
	    signedcode_json_date(o, "expires", false, b.expires, NULL) < 0 ||
	    signedcode_json_int(o, "nights", false, 0, BOOKINGCODE_NIGHTS_MAX, &nights) < 0 ||
	    signedcode_json_int(o, "party", false, 1, BOOKINGCODE_PARTY_MAX, &party) < 0 ||
	    signedcode_json_int(o, "issued", false, 0, INT64_C(1) << 40, &issued) < 0 ||
	    !json_is_boolean(json_object_get(o, "school_activity")) ||
	    parse_children(json_object_get(o, "children"), &b) < 0)
		goto out;
	b.nights = (unsigned)nights;
	b.party = (unsigned)party;
	b.issued = issued;
	b.school_activity = json_is_true(json_object_get(o, "school_activity"));
	if (!fields_ok(&b))
		goto out;
	*ret = b;
	r = 0;
out:
	json_decref(o);
	return r;
}

int bookingcode_issue(const struct bookingcode *b, const uint8_t sk[64], char **ret)
{
	char *body = NULL;
	int n, r;

	n = bookingcode_body(b, &body);
	if (n < 0)
		return n;
	r = signedcode_sign(BOOKINGCODE_PREFIX, BOOKINGCODE_DOMAIN, sk, (const uint8_t *)body,
			    (size_t)n, ret);
	free(body);
	return r;
}

int bookingcode_parse(const char *text, size_t len, struct bookingcode *ret)
{
	uint8_t body[SIGNEDCODE_BODY_MAX + 1], sig[SIGNEDCODE_SIG_LEN];
	size_t body_len;
	int r;

	r = signedcode_split(BOOKINGCODE_PREFIX, text, len, body, &body_len, sig);
	if (r < 0)
		return r;
	return bookingcode_parse_body(body, body_len, ret);
}

int bookingcode_read(const char *text, size_t len, const uint8_t (*keys)[32], size_t n_keys,
		     struct bookingcode *ret)
{
	uint8_t body[SIGNEDCODE_BODY_MAX + 1], sig[SIGNEDCODE_SIG_LEN];
	struct bookingcode b;
	size_t body_len;
	int r;

	r = signedcode_split(BOOKINGCODE_PREFIX, text, len, body, &body_len, sig);
	if (r >= 0)
		r = bookingcode_parse_body(body, body_len, &b);
	if (r < 0)
		return r;
	r = -EKEYREJECTED;
	for (size_t i = 0; i < n_keys && r < 0; i++)
		r = signedcode_verify(BOOKINGCODE_DOMAIN, body, body_len, sig, keys[i]);
	if (r < 0)
		return r;
	*ret = b;
	return 0;
}

int bookingcode_valid(const struct bookingcode *b, const char *venue, int64_t today)
{
	int64_t start, until;

	if (strcmp(b->venue, venue) != 0)
		return -EXDEV;
	if (signedcode_date(b->trip_start, &start) < 0 || signedcode_date(b->expires, &until) < 0)
		return -EINVAL;
	if (today < start)
		return -EAGAIN;
	if (today > until)
		return -ETIME;
	return 0;
}
