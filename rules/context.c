/* SPDX-License-Identifier: MIT */
/*
 * context.c - typed context keys (PROGRAMS.md, "Context keys") and the context object a rule
 * sees: the built-in defaults, overridden by the program file's defaults, overridden by the
 * session's values, overridden by the person's values.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/context.h"
#include "rules/datetime.h"
#include "rules/program_internal.h"

struct rules_context {
	json_t *values; /* key -> typed value */
};

enum ktype { K_STRING, K_REGION, K_DATE, K_INT, K_BOOL, K_ENUM };

struct key_def {
	const char *name;
	enum ktype type;
	json_int_t min, max;
	const char *const *choices; /* K_ENUM */
	const char *def;	    /* default as JSON text; "check-date" = the local check date */
};

static const char *const restrictions[] = { "none", "priority", "emergency", NULL };
static const char *const guardians[] = { "cohabiting", "other", "none", NULL };

static const struct key_def keys[] = {
	{ "residence", K_REGION, 0, 0, NULL, "null" },
	{ "trip_start", K_DATE, 0, 0, NULL, "check-date" },
	{ "night", K_INT, 1, 366, NULL, "1" },
	{ "reserved_on", K_DATE, 0, 0, NULL, "check-date" },
	{ "alert_level", K_INT, 0, 4, NULL, "0" },
	{ "priority_measures", K_BOOL, 0, 0, NULL, "false" },
	{ "cross_prefecture", K_BOOL, 0, 0, NULL, "false" },
	{ "karaoke", K_BOOL, 0, 0, NULL, "false" },
	{ "school_activity", K_BOOL, 0, 0, NULL, "false" },
	{ "per_person_price", K_BOOL, 0, 0, NULL, "true" },
	{ "restrictions", K_ENUM, 0, 0, restrictions, "\"none\"" },
	{ "group_size", K_INT, 1, 1000, NULL, "1" },
	{ "age", K_INT, 0, 150, NULL, "null" },
	{ "guardian", K_ENUM, 0, 0, guardians, "\"none\"" },
};

static const struct key_def *find_key(const char *name)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

int rules_context_new(struct rules_context **ret)
{
	struct rules_context *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->values = json_object();
	if (!c->values) {
		free(c);
		return -ENOMEM;
	}
	*ret = c;
	return 0;
}

void rules_context_free(struct rules_context *c)
{
	if (!c)
		return;
	json_decref(c->values);
	free(c);
}

static bool valid_region(const char *s)
{
	/* ISO 3166-2: two letters, a hyphen, one to three letters or digits. */
	size_t n = strlen(s);

	if (n < 4 || n > 6 || s[2] != '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (i == 2)
			continue;
		if (!((ch >= 'A' && ch <= 'Z') || (i > 2 && ch >= '0' && ch <= '9')))
			return false;
	}
	return true;
}

static int parse_int(const char *s, json_int_t min, json_int_t max, json_t **ret)
{
	char *end;
	long long v;

	if (!*s || strlen(s) > 12)
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*ret = json_integer(v);
	return *ret ? 0 : -ENOMEM;
}

static int parse_typed(enum ktype type, const struct key_def *def, const char *value, json_t **ret)
{
	int64_t days;

	switch (type) {
	case K_STRING:
		if (strlen(value) > 256)
			return -EINVAL;
		*ret = json_string(value);
		break;
	case K_REGION:
		if (!valid_region(value))
			return -EINVAL;
		*ret = json_string(value);
		break;
	case K_DATE:
		if (rules_date_parse(value, &days) < 0)
			return -EINVAL;
		*ret = json_string(value);
		break;
	case K_INT:
		return parse_int(value, def ? def->min : -1000000000, def ? def->max : 1000000000,
				 ret);
	case K_BOOL:
		if (strcmp(value, "true") == 0)
			*ret = json_true();
		else if (strcmp(value, "false") == 0)
			*ret = json_false();
		else
			return -EINVAL;
		break;
	case K_ENUM:
		for (const char *const *c = def->choices; *c; c++) {
			if (strcmp(*c, value) == 0) {
				*ret = json_string(value);
				return *ret ? 0 : -ENOMEM;
			}
		}
		return -EINVAL;
	}
	return *ret ? 0 : -ENOMEM;
}

/* The type of a key a program declares itself, from its default value. */
static int declared_type(const json_t *def, enum ktype *ret)
{
	if (json_is_string(def))
		*ret = K_STRING;
	else if (json_is_integer(def))
		*ret = K_INT;
	else if (json_is_boolean(def))
		*ret = K_BOOL;
	else
		return -EINVAL;
	return 0;
}

int rules_context_set(struct rules_context *c, const struct rules_program *program, const char *key,
		      const char *value)
{
	const struct key_def *def = find_key(key);
	json_t *v = NULL;
	enum ktype type;
	int r;

	if (def) {
		type = def->type;
	} else {
		const json_t *d = program ? json_object_get(program->context, key) : NULL;

		if (!d || declared_type(d, &type) < 0)
			return -ENOENT;
	}
	r = parse_typed(type, def, value, &v);
	if (r < 0)
		return r;
	return json_object_set_new(c->values, key, v) < 0 ? -ENOMEM : 0;
}

int rules_context_copy(const struct rules_context *src, struct rules_context **ret)
{
	struct rules_context *c;
	int r;

	r = rules_context_new(&c);
	if (r < 0)
		return r;
	if (src && json_object_update(c->values, src->values) < 0) {
		rules_context_free(c);
		return -ENOMEM;
	}
	*ret = c;
	return 0;
}

void rules_context_unset(struct rules_context *c, const char *key)
{
	json_object_del(c->values, key);
}

/* Check a typed value against a known key's type (program defaults). */
static bool typed_ok(const struct key_def *def, const json_t *v)
{
	int64_t days;

	if (json_is_null(v))
		return strcmp(def->def, "null") == 0 || strcmp(def->def, "check-date") == 0;
	switch (def->type) {
	case K_STRING:
		return json_is_string(v);
	case K_REGION:
		return json_is_string(v) && valid_region(json_string_value(v));
	case K_DATE:
		return json_is_string(v) && rules_date_parse(json_string_value(v), &days) == 0;
	case K_INT:
		return json_is_integer(v) && json_integer_value(v) >= def->min &&
		       json_integer_value(v) <= def->max;
	case K_BOOL:
		return json_is_boolean(v);
	case K_ENUM:
		if (!json_is_string(v))
			return false;
		for (const char *const *c = def->choices; *c; c++)
			if (strcmp(*c, json_string_value(v)) == 0)
				return true;
		return false;
	}
	return false;
}

int rules_context_check_defaults(const json_t *obj, char *err, size_t errlen)
{
	const char *key;
	const json_t *v;
	enum ktype type;

	if (!json_is_object(obj)) {
		snprintf(err, errlen, "\"context\" must be an object");
		return -EINVAL;
	}
	json_object_foreach((json_t *)obj, key, v)
	{
		const struct key_def *def = find_key(key);

		if (def ? !typed_ok(def, v) : declared_type(v, &type) < 0) {
			snprintf(err, errlen, "context default \"%s\" has the wrong type or range",
				 key);
			return -EINVAL;
		}
	}
	return 0;
}

int rules_context_defaults(const json_t *program_ctx, json_t **ret)
{
	json_t *o = json_object(), *v;

	if (!o)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].def, "check-date") == 0)
			continue; /* filled per check */
		v = json_loads(keys[i].def, JSON_DECODE_ANY, NULL);
		if (!v || json_object_set_new(o, keys[i].name, v) < 0)
			goto fail;
	}
	if (program_ctx && json_object_update(o, (json_t *)program_ctx) < 0)
		goto fail;
	*ret = o;
	return 0;
fail:
	json_decref(o);
	return -ENOMEM;
}

/*
 * The night of the stay follows from the calendar: night = days(trip_start, check date) + 1.
 * A declared night (a receipt, a booking, --set) may be higher, never lower, so that a test
 * valid at a trip start long ago cannot stretch past the program's night limit (issue 9).
 */
static int derive_night(json_t *o, int64_t check_days)
{
	const json_t *ts = json_object_get(o, "trip_start"), *night = json_object_get(o, "night");
	json_int_t n = json_is_integer(night) ? json_integer_value(night) : 1;
	int64_t start;

	if (!json_is_string(ts) || rules_date_parse(json_string_value(ts), &start) < 0)
		return 0;
	if (check_days - start + 1 > n && check_days - start < 366 * 100)
		n = (json_int_t)(check_days - start + 1);
	return json_object_set_new(o, "night", json_integer(n)) < 0 ? -ENOMEM : 0;
}

int rules_context_build(const struct rules_program *p, const struct rules_context *session,
			const struct rules_context *person, int64_t check_days, json_t **ret)
{
	char date[16];
	json_t *o, *v;
	int r;

	if (p && p->ctx_defaults) {
		/* Shallow: the values are shared, never modified; only members are replaced. */
		o = json_copy(p->ctx_defaults);
		if (!o)
			return -ENOMEM;
	} else {
		r = rules_context_defaults(p ? p->context : NULL, &o);
		if (r < 0)
			return r;
	}
	if (session && json_object_update(o, session->values) < 0)
		goto fail;
	if (person && json_object_update(o, person->values) < 0)
		goto fail;
	/* Dates that default to the check date (also when a program leaves them null). */
	rules_date_format(check_days, date, sizeof(date));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].def, "check-date") != 0)
			continue;
		v = json_object_get(o, keys[i].name);
		if ((!v || json_is_null(v)) &&
		    json_object_set_new(o, keys[i].name, json_string(date)) < 0)
			goto fail;
	}
	if (derive_night(o, check_days) < 0)
		goto fail;
	*ret = o;
	return 0;
fail:
	json_decref(o);
	return -ENOMEM;
}
