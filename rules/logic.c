/* SPDX-License-Identifier: MIT */
/*
 * logic.c - the CertLogic evaluator and validator (CertLogic specification 1.3.3, in
 * ../shared/conformance/dcc/certlogic/certlogic/specification/README.md).
 *
 * Values are jansson values. CertLogic also has date-times, which JSON lacks: they exist only
 * as results of plusTime and dccDateOfBirth and as operands of after/before/not-after/
 * not-before. Inside one evaluation a date-time is a small JSON object whose marker member
 * holds a tag object allocated for that evaluation; the tag's identity, not its contents, makes
 * a date-time, so no data object can forge one. Results leave the evaluator with date-times
 * rendered as ISO strings.
 *
 * The evaluator checks each operation's form before evaluating its operands (spec,
 * "Introduction"), so an unvalidated expression is safe to evaluate; rules_logic_validate()
 * performs the same checks on the whole tree up front, for program files at load time.
 * Recursion is bounded by RULES_LOGIC_MAX_DEPTH (reduce lambdas count as nesting), and work by
 * a step budget (RULES_LOGIC_MAX_STEPS): nested `reduce` multiplies, and an array expression
 * such as [acc, acc] doubles a value each round, so depth alone does not bound time.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "credential/isotime.h"
#include "rules/datetime.h"
#include "rules/logic.h"

#define DT_KEY	   "#certlogic-date-time"
#define MS_PER_DAY 86400000LL

struct ev {
	json_t *dt_tag; /* identity of this evaluation's date-time values */
	unsigned depth;
	unsigned long *steps; /* steps left in the budget */
	char *err;
	size_t errlen;
};

enum truth { FALSY, TRUTHY, NEITHER };

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

#define EFAIL(ev, ...) fail((ev)->err, (ev)->errlen, -EINVAL, __VA_ARGS__)

static bool is_dt(const struct ev *ev, const json_t *v, int64_t *ms)
{
	const json_t *m;

	if (!ev->dt_tag || !json_is_object(v) || json_object_get(v, DT_KEY) != ev->dt_tag)
		return false;
	m = json_object_get(v, "ms");
	if (ms)
		*ms = json_integer_value(m);
	return true;
}

static int make_dt(struct ev *ev, int64_t ms, json_t **ret)
{
	json_t *o;

	/* The tag is made on the first date-time: most rules never construct one. */
	if (!ev->dt_tag) {
		ev->dt_tag = json_object();
		if (!ev->dt_tag)
			return -ENOMEM;
	}
	o = json_object();

	if (!o || json_object_set(o, DT_KEY, ev->dt_tag) < 0 ||
	    json_object_set_new(o, "ms", json_integer(ms)) < 0) {
		json_decref(o);
		return -ENOMEM;
	}
	*ret = o;
	return 0;
}

/* CertLogic spec, "Truthy and falsy values": disjoint, and some values are neither. */
static enum truth truth(const struct ev *ev, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_TRUE:
		return TRUTHY;
	case JSON_FALSE:
	case JSON_NULL:
		return FALSY;
	case JSON_STRING:
		return json_string_length(v) > 0 ? TRUTHY : FALSY;
	case JSON_INTEGER:
		return json_integer_value(v) != 0 ? TRUTHY : FALSY;
	case JSON_ARRAY:
		return json_array_size(v) > 0 ? TRUTHY : FALSY;
	case JSON_OBJECT:
		if (is_dt(ev, v, NULL))
			return NEITHER;
		return json_object_size(v) > 0 ? TRUTHY : FALSY;
	case JSON_REAL:
		break;
	}
	return NEITHER;
}

/* A var path is "" or non-empty fragments separated by single periods. */
static bool valid_path(const char *p)
{
	size_t n = strlen(p);

	if (n == 0)
		return true;
	if (p[0] == '.' || p[n - 1] == '.' || strstr(p, ".."))
		return false;
	return true;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Spec "Data access": drill into @data; anything missing or undrillable is null. */
static json_t *var_lookup(const json_t *data, const char *path)
{
	const json_t *cur = data;
	const char *p = path;

	if (*p == '\0')
		return cur ? json_incref((json_t *)cur) : json_null();
	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		if (json_is_object(cur)) {
			cur = json_object_getn(cur, p, n);
		} else if (json_is_array(cur) && all_digits(p, n)) {
			size_t idx = 0;

			if (n > 9) {
				cur = NULL;
				break;
			}
			for (size_t i = 0; i < n; i++)
				idx = idx * 10 + (size_t)(p[i] - '0');
			cur = json_array_get(cur, idx);
		} else {
			cur = NULL;
		}
		p += n;
		if (*p == '.')
			p++;
	}
	return cur ? json_incref((json_t *)cur) : json_null();
}

enum op {
	OP_IF,
	OP_EQ,
	OP_AND,
	OP_LT,
	OP_GT,
	OP_LE,
	OP_GE,
	OP_IN,
	OP_PLUS,
	OP_NOT,
	OP_PLUSTIME,
	OP_AFTER,
	OP_BEFORE,
	OP_NOT_AFTER,
	OP_NOT_BEFORE,
	OP_REDUCE,
	OP_EXTRACT_UVCI,
	OP_DOB,
};

struct op_def {
	const char *name;
	enum op op;
	size_t min, max; /* operand count; max 0 = unbounded */
};

static const struct op_def ops[] = {
	{ "if", OP_IF, 3, 3 },
	{ "===", OP_EQ, 2, 2 },
	{ "and", OP_AND, 2, 0 },
	{ "<", OP_LT, 2, 3 },
	{ ">", OP_GT, 2, 3 },
	{ "<=", OP_LE, 2, 3 },
	{ ">=", OP_GE, 2, 3 },
	{ "in", OP_IN, 2, 2 },
	{ "+", OP_PLUS, 2, 2 },
	{ "!", OP_NOT, 1, 1 },
	{ "plusTime", OP_PLUSTIME, 3, 3 },
	{ "after", OP_AFTER, 2, 3 },
	{ "before", OP_BEFORE, 2, 3 },
	{ "not-after", OP_NOT_AFTER, 2, 3 },
	{ "not-before", OP_NOT_BEFORE, 2, 3 },
	{ "reduce", OP_REDUCE, 3, 3 },
	{ "extractFromUVCI", OP_EXTRACT_UVCI, 2, 2 },
	{ "dccDateOfBirth", OP_DOB, 1, 1 },
};

static const struct op_def *find_op(const char *name)
{
	/* Compare the first byte before the string: this runs for every operation evaluated. */
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].name[0] == name[0] && strcmp(ops[i].name, name) == 0)
			return &ops[i];
	return NULL;
}

static const char *const time_units[] = { "year", "month", "day", "hour" };

static int unit_index(const json_t *u)
{
	if (!json_is_string(u))
		return -1;
	for (int i = 0; i < 4; i++)
		if (strcmp(json_string_value(u), time_units[i]) == 0)
			return i;
	return -1;
}

/*
 * The form of one operation object, shared by evaluation and validation. On success *ret_def
 * is the operation (NULL for var) and *ret_args its operand array (or the var path string).
 */
static int check_form(const json_t *expr, char *err, size_t errlen, const struct op_def **ret_def,
		      const json_t **ret_args)
{
	const char *key = NULL;
	const json_t *args = NULL;
	const struct op_def *def;
	void *it;
	size_t n;

	if (json_object_size(expr) != 1)
		return fail(err, errlen, -EINVAL,
			    "expression object must have exactly one key, but it has %zu",
			    json_object_size(expr));
	it = json_object_iter((json_t *)expr);
	key = json_object_iter_key(it);
	args = json_object_iter_value(it);
	if (!key || !args)
		return fail(err, errlen, -EINVAL, "invalid CertLogic expression");
	if (key[0] == 'v' && strcmp(key, "var") == 0) {
		if (!json_is_string(args))
			return fail(err, errlen, -EINVAL,
				    "not of the form { \"var\": \"<path>\" }");
		if (!valid_path(json_string_value(args)))
			return fail(err, errlen, -EINVAL,
				    "data access path doesn't have a valid format: %s",
				    json_string_value(args));
		*ret_def = NULL;
		*ret_args = args;
		return 0;
	}
	if (!json_is_array(args))
		return fail(err, errlen, -EINVAL,
			    "operation not of the form { \"<operator>\": [ <values...> ] }");
	def = find_op(key);
	if (!def)
		return fail(err, errlen, -EINVAL, "unrecognised operator: \"%s\"", key);
	n = json_array_size(args);
	if (n < def->min || (def->max && n > def->max))
		return fail(err, errlen, -EINVAL, "operation \"%s\" has %zu operands", key, n);
	if (def->op == OP_PLUSTIME) {
		if (!json_is_integer(json_array_get(args, 1)))
			return fail(err, errlen, -EINVAL,
				    "\"plusTime\" amount must be an integer literal");
		if (unit_index(json_array_get(args, 2)) < 0)
			return fail(err, errlen, -EINVAL,
				    "\"plusTime\" unit must be \"year\", \"month\", \"day\" or "
				    "\"hour\"");
		if (llabs(json_integer_value(json_array_get(args, 1))) > RULES_LOGIC_MAX_AMOUNT)
			return fail(err, errlen, -EINVAL, "\"plusTime\" amount out of range");
	}
	if (def->op == OP_EXTRACT_UVCI && !json_is_integer(json_array_get(args, 1)))
		return fail(err, errlen, -EINVAL, "\"extractFromUVCI\" index must be an integer");
	*ret_def = def;
	*ret_args = args;
	return 0;
}

static int eval(struct ev *ev, const json_t *expr, const json_t *data, json_t **ret);

/* Strict equality of the spec's `===`: defined on null, booleans, integers and strings. */
static int strict_equal(struct ev *ev, const json_t *a, const json_t *b, bool *ret)
{
	const json_t *v[2] = { a, b };

	for (int i = 0; i < 2; i++) {
		switch (json_typeof(v[i])) {
		case JSON_NULL:
		case JSON_TRUE:
		case JSON_FALSE:
		case JSON_INTEGER:
		case JSON_STRING:
			break;
		default:
			return EFAIL(
				ev,
				"\"===\" is defined on null, booleans, integers and strings only");
		}
	}
	*ret = json_typeof(a) == json_typeof(b) && json_equal((json_t *)a, (json_t *)b);
	return 0;
}

/* Membership for `in`: items compared as `===` would; containers never match. */
static bool member(const json_t *a, const json_t *arr)
{
	size_t i;
	const json_t *e;

	if (json_is_array(a) || json_is_object(a) || json_is_real(a))
		return false;
	json_array_foreach(arr, i, e)
	{
		if (json_typeof(a) == json_typeof(e) && json_equal((json_t *)a, (json_t *)e))
			return true;
	}
	return false;
}

static bool compare(enum op op, int64_t a, int64_t b)
{
	switch (op) {
	case OP_LT:
	case OP_BEFORE:
		return a < b;
	case OP_GT:
	case OP_AFTER:
		return a > b;
	case OP_LE:
	case OP_NOT_AFTER:
		return a <= b;
	case OP_GE:
	case OP_NOT_BEFORE:
		return a >= b;
	default:
		return false;
	}
}

/* Binary or ternary comparison: (a op b) and (b op c). All integers, or all date-times. */
static int eval_compare(struct ev *ev, const struct op_def *def, const json_t *args,
			const json_t *data, json_t **ret)
{
	bool dates = def->op >= OP_AFTER && def->op <= OP_NOT_BEFORE;
	size_t n = json_array_size(args);
	int64_t v[3];
	bool res = true;

	for (size_t i = 0; i < n; i++) {
		json_t *x;
		int r = eval(ev, json_array_get(args, i), data, &x);

		if (r < 0)
			return r;
		if (dates) {
			if (!is_dt(ev, x, &v[i]))
				r = EFAIL(ev, "operands of \"%s\" must be date-times", def->name);
		} else if (json_is_integer(x)) {
			v[i] = json_integer_value(x);
		} else {
			r = EFAIL(ev, "operands of \"%s\" must be integers", def->name);
		}
		json_decref(x);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i + 1 < n; i++)
		res = res && compare(def->op, v[i], v[i + 1]);
	*ret = json_boolean(res);
	return 0;
}

/* JavaScript Date setUTC<unit>(getUTC<unit>() + amount) (spec "Offset date-time"). */
static int64_t plus_time(int64_t ms, int64_t amount, int unit)
{
	int64_t days = ms >= 0 ? ms / MS_PER_DAY : -((-ms + MS_PER_DAY - 1) / MS_PER_DAY);
	int64_t tod = ms - days * MS_PER_DAY, y, m, d, total, ny, nm;

	switch (unit) {
	case 0: /* year: the day overflows into the next month, as Date does (02-29 + 1y) */
		isotime_civil_from_days(days, &y, &m, &d);
		days = isotime_days_from_civil(y + amount, m, 1) + d - 1;
		return days * MS_PER_DAY + tod;
	case 1: /* month */
		isotime_civil_from_days(days, &y, &m, &d);
		total = y * 12 + (m - 1) + amount;
		ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
		nm = total - ny * 12 + 1;
		days = isotime_days_from_civil(ny, nm, 1) + d - 1;
		return days * MS_PER_DAY + tod;
	case 2:
		return ms + amount * MS_PER_DAY;
	default:
		return ms + amount * 3600000LL;
	}
}

static int eval_plustime(struct ev *ev, const json_t *args, const json_t *data, json_t **ret)
{
	json_t *s;
	int64_t ms;
	int r;

	r = eval(ev, json_array_get(args, 0), data, &s);
	if (r < 0)
		return r;
	if (!json_is_string(s))
		r = EFAIL(ev, "date argument of \"plusTime\" must be a string");
	else if (rules_dt_parse(json_string_value(s), &ms) < 0)
		r = EFAIL(ev, "\"plusTime\": not a date(-time) of the allowed formats");
	json_decref(s);
	if (r < 0)
		return r;
	ms = plus_time(ms, json_integer_value(json_array_get(args, 1)),
		       unit_index(json_array_get(args, 2)));
	return make_dt(ev, ms, ret);
}

/* Spec "DCC Date of birth": YYYY, YYYY-MM or YYYY-MM-DD, to the last date consistent with it. */
static int eval_dob(struct ev *ev, const json_t *args, const json_t *data, json_t **ret)
{
	json_t *s;
	int64_t ms;
	int r;

	r = eval(ev, json_array_get(args, 0), data, &s);
	if (r < 0)
		return r;
	/* A date alone: isotime_scan() returns 0 when it found no time of any spelling. */
	if (!json_is_string(s) ||
	    isotime_scan(json_string_value(s), ISOTIME_PARTIAL_DATE, &ms) != 0)
		r = EFAIL(ev, "\"dccDateOfBirth\" needs a date YYYY, YYYY-MM or YYYY-MM-DD");
	json_decref(s);
	if (r < 0)
		return r;
	return make_dt(ev, ms, ret);
}

/* Spec "Extract data from an UCI": split on / # :, skipping an initial URN:UVCI:. */
static int eval_uvci(struct ev *ev, const json_t *args, const json_t *data, json_t **ret)
{
	json_t *s;
	const char *p, *end;
	json_int_t idx = json_integer_value(json_array_get(args, 1));
	int r;

	r = eval(ev, json_array_get(args, 0), data, &s);
	if (r < 0)
		return r;
	if (json_is_null(s)) {
		*ret = s;
		return 0;
	}
	if (!json_is_string(s)) {
		json_decref(s);
		return EFAIL(ev, "\"extractFromUVCI\" operand must be a string or null");
	}
	p = json_string_value(s);
	end = p + json_string_length(s);
	if (json_string_length(s) >= 9 && strncmp(p, "URN:UVCI:", 9) == 0)
		p += 9;
	*ret = json_null();
	for (json_int_t i = 0; idx >= 0; i++) {
		const char *q = p;

		while (q < end && *q != '/' && *q != '#' && *q != ':')
			q++;
		if (i == idx) {
			*ret = json_stringn(p, (size_t)(q - p));
			break;
		}
		if (q >= end)
			break;
		p = q + 1;
	}
	json_decref(s);
	return *ret ? 0 : -ENOMEM;
}

static int eval_reduce(struct ev *ev, const json_t *args, const json_t *data, json_t **ret)
{
	json_t *arr, *acc, *item;
	size_t i;
	int r;

	r = eval(ev, json_array_get(args, 0), data, &arr);
	if (r < 0)
		return r;
	if (!json_is_null(arr) && !json_is_array(arr)) {
		json_decref(arr);
		return EFAIL(ev, "operand of \"reduce\" must be an array or null");
	}
	r = eval(ev, json_array_get(args, 2), data, &acc);
	if (r < 0)
		goto out_arr;
	json_array_foreach(arr, i, item)
	{
		json_t *ctx = json_object(), *next;

		if (!ctx || json_object_set(ctx, "current", item) < 0 ||
		    json_object_set_new(ctx, "accumulator", acc) < 0) {
			json_decref(ctx);
			r = -ENOMEM;
			goto out_arr;
		}
		r = eval(ev, json_array_get(args, 1), ctx, &next);
		json_decref(ctx); /* also releases the previous accumulator */
		if (r < 0)
			goto out_arr;
		acc = next;
	}
	*ret = acc;
out_arr:
	json_decref(arr);
	return r;
}

static int eval_op(struct ev *ev, const json_t *expr, const json_t *data, json_t **ret)
{
	const struct op_def *def;
	const json_t *args;
	json_t *a = NULL, *b = NULL;
	enum truth t;
	bool eq;
	int r;

	r = check_form(expr, ev->err, ev->errlen, &def, &args);
	if (r < 0)
		return r;
	if (!def) {
		*ret = var_lookup(data, json_string_value(args));
		return 0;
	}
	switch (def->op) {
	case OP_IF:
		r = eval(ev, json_array_get(args, 0), data, &a);
		if (r < 0)
			return r;
		t = truth(ev, a);
		json_decref(a);
		if (t == NEITHER)
			return EFAIL(ev, "guard of \"if\" is neither truthy nor falsy");
		return eval(ev, json_array_get(args, t == TRUTHY ? 1 : 2), data, ret);
	case OP_EQ:
		r = eval(ev, json_array_get(args, 0), data, &a);
		if (r < 0)
			return r;
		r = eval(ev, json_array_get(args, 1), data, &b);
		if (r >= 0)
			r = strict_equal(ev, a, b, &eq);
		if (r >= 0)
			*ret = json_boolean(eq);
		break;
	case OP_AND:
		for (size_t i = 0; i < json_array_size(args); i++) {
			json_decref(a);
			r = eval(ev, json_array_get(args, i), data, &a);
			if (r < 0)
				return r;
			t = truth(ev, a);
			if (t == NEITHER) {
				json_decref(a);
				return EFAIL(ev, "operand of \"and\" is neither truthy nor falsy");
			}
			if (t == FALSY)
				break;
		}
		*ret = a;
		return 0;
	case OP_LT:
	case OP_GT:
	case OP_LE:
	case OP_GE:
	case OP_AFTER:
	case OP_BEFORE:
	case OP_NOT_AFTER:
	case OP_NOT_BEFORE:
		return eval_compare(ev, def, args, data, ret);
	case OP_IN:
		r = eval(ev, json_array_get(args, 0), data, &a);
		if (r < 0)
			return r;
		r = eval(ev, json_array_get(args, 1), data, &b);
		if (r >= 0 && !json_is_array(b))
			r = EFAIL(ev, "right operand of \"in\" must be an array");
		if (r >= 0)
			*ret = json_boolean(member(a, b));
		break;
	case OP_PLUS:
		r = eval(ev, json_array_get(args, 0), data, &a);
		if (r < 0)
			return r;
		r = eval(ev, json_array_get(args, 1), data, &b);
		if (r >= 0 && (!json_is_integer(a) || !json_is_integer(b)))
			r = EFAIL(ev, "operands of \"+\" must be integers");
		if (r >= 0) {
			json_int_t x = json_integer_value(a), y = json_integer_value(b), s;

			if (__builtin_add_overflow(x, y, &s))
				r = EFAIL(ev, "\"+\" overflows");
			else
				*ret = json_integer(s);
		}
		break;
	case OP_NOT:
		r = eval(ev, json_array_get(args, 0), data, &a);
		if (r < 0)
			return r;
		t = truth(ev, a);
		json_decref(a);
		if (t == NEITHER)
			return EFAIL(ev, "operand of \"!\" is neither truthy nor falsy");
		*ret = json_boolean(t == FALSY);
		return 0;
	case OP_PLUSTIME:
		return eval_plustime(ev, args, data, ret);
	case OP_REDUCE:
		return eval_reduce(ev, args, data, ret);
	case OP_EXTRACT_UVCI:
		return eval_uvci(ev, args, data, ret);
	case OP_DOB:
		return eval_dob(ev, args, data, ret);
	}
	json_decref(a);
	json_decref(b);
	return r;
}

static int eval(struct ev *ev, const json_t *expr, const json_t *data, json_t **ret)
{
	json_t *arr, *item;
	size_t i;
	int r = 0;

	if (++ev->depth > RULES_LOGIC_MAX_DEPTH) {
		r = fail(ev->err, ev->errlen, -ELOOP, "expression nested deeper than %d",
			 RULES_LOGIC_MAX_DEPTH);
		goto out;
	}
	if (*ev->steps == 0) {
		r = fail(ev->err, ev->errlen, -E2BIG, "evaluation exceeds the budget of %lu steps",
			 RULES_LOGIC_MAX_STEPS);
		goto out;
	}
	(*ev->steps)--;
	switch (json_typeof(expr)) {
	case JSON_STRING:
	case JSON_INTEGER:
	case JSON_TRUE:
	case JSON_FALSE:
		*ret = json_incref((json_t *)expr);
		break;
	case JSON_REAL:
		r = EFAIL(ev, "%g is a non-integer number", json_real_value(expr));
		break;
	case JSON_NULL:
		r = EFAIL(ev, "invalid CertLogic expression: null literal");
		break;
	case JSON_ARRAY:
		arr = json_array();
		if (!arr) {
			r = -ENOMEM;
			break;
		}
		json_array_foreach(expr, i, item)
		{
			json_t *v;

			r = eval(ev, item, data, &v);
			if (r < 0 || json_array_append_new(arr, v) < 0) {
				json_decref(arr);
				r = r < 0 ? r : -ENOMEM;
				goto out;
			}
		}
		*ret = arr;
		break;
	case JSON_OBJECT:
		r = eval_op(ev, expr, data, ret);
		break;
	}
out:
	ev->depth--;
	return r;
}

/* Replace this evaluation's date-times by ISO strings, deeply. A result may share one value
 * many times ([acc, acc] in a reduce): the copy is bounded by *nodes, NULL past it. */
static json_t *render(const struct ev *ev, json_t *v, unsigned long *nodes)
{
	int64_t ms;
	char buf[40];
	json_t *out = NULL, *item;
	const char *key;
	void *it;

	if (*nodes == 0)
		return NULL;
	(*nodes)--;
	if (is_dt(ev, v, &ms)) {
		rules_dt_format(ms, buf, sizeof(buf));
		return json_string(buf);
	}
	if (json_is_array(v)) {
		out = json_array();
		for (size_t i = 0; out && i < json_array_size(v); i++)
			if (json_array_append_new(out, render(ev, json_array_get(v, i), nodes)) < 0)
				goto fail;
		return out;
	}
	if (json_is_object(v)) {
		out = json_object();
		for (it = json_object_iter(v); out && it; it = json_object_iter_next(v, it)) {
			key = json_object_iter_key(it);
			item = json_object_iter_value(it);
			if (json_object_set_new(out, key, render(ev, item, nodes)) < 0)
				goto fail;
		}
		return out;
	}
	return json_incref(v);
fail:
	json_decref(out);
	return NULL;
}

static int run(const json_t *expr, const json_t *data, json_t **ret_raw, struct ev *ev)
{
	if (!expr)
		return fail(ev->err, ev->errlen, -EINVAL, "no expression");
	return eval(ev, expr, data, ret_raw);
}

int rules_logic_eval(const json_t *expr, const json_t *data, json_t **ret, char *err, size_t errlen)
{
	unsigned long steps = RULES_LOGIC_MAX_STEPS, nodes = RULES_LOGIC_MAX_STEPS;
	struct ev ev = { .steps = &steps, .err = err, .errlen = errlen };
	json_t *raw = NULL, *out;
	int r;

	r = run(expr, data, &raw, &ev);
	if (r >= 0) {
		out = render(&ev, raw, &nodes);
		json_decref(raw);
		if (!out && nodes == 0)
			r = fail(err, errlen, -E2BIG, "result has more than %lu values",
				 RULES_LOGIC_MAX_STEPS);
		else if (!out)
			r = -ENOMEM;
		else
			*ret = out;
	}
	json_decref(ev.dt_tag);
	return r;
}

int rules_logic_test(const json_t *expr, const json_t *data, bool *ret, char *err, size_t errlen)
{
	unsigned long steps = RULES_LOGIC_MAX_STEPS;

	return rules_logic_test_budget(expr, data, &steps, ret, err, errlen);
}

int rules_logic_test_budget(const json_t *expr, const json_t *data, unsigned long *budget,
			    bool *ret, char *err, size_t errlen)
{
	struct ev ev = { .steps = budget, .err = err, .errlen = errlen };
	json_t *raw = NULL;
	enum truth t;
	int r;

	r = run(expr, data, &raw, &ev);
	if (r >= 0) {
		t = truth(&ev, raw);
		if (t == NEITHER)
			r = fail(err, errlen, -EINVAL, "result is neither truthy nor falsy");
		else
			*ret = t == TRUTHY;
	}
	json_decref(raw);
	json_decref(ev.dt_tag);
	return r;
}

static int validate(const json_t *expr, unsigned depth, char *err, size_t errlen)
{
	const struct op_def *def;
	const json_t *args, *item;
	size_t i;
	int r;

	if (depth > RULES_LOGIC_MAX_DEPTH)
		return fail(err, errlen, -ELOOP, "expression nested deeper than %d",
			    RULES_LOGIC_MAX_DEPTH);
	switch (json_typeof(expr)) {
	case JSON_STRING:
	case JSON_INTEGER:
	case JSON_TRUE:
	case JSON_FALSE:
		return 0;
	case JSON_REAL:
		return fail(err, errlen, -EINVAL, "%g is a non-integer number",
			    json_real_value(expr));
	case JSON_NULL:
		return fail(err, errlen, -EINVAL, "invalid CertLogic expression");
	case JSON_ARRAY:
		json_array_foreach(expr, i, item)
		{
			r = validate(item, depth + 1, err, errlen);
			if (r < 0)
				return r;
		}
		return 0;
	case JSON_OBJECT:
		break;
	}
	r = check_form(expr, err, errlen, &def, &args);
	if (r < 0 || !def)
		return r;
	json_array_foreach(args, i, item)
	{
		/* plusTime's amount and unit, and extractFromUVCI's index, are literals. */
		if ((def->op == OP_PLUSTIME && i > 0) || (def->op == OP_EXTRACT_UVCI && i == 1))
			continue;
		r = validate(item, depth + 1, err, errlen);
		if (r < 0)
			return r;
	}
	return 0;
}

int rules_logic_validate(const json_t *expr, char *err, size_t errlen)
{
	if (!expr)
		return fail(err, errlen, -EINVAL, "no expression");
	return validate(expr, 1, err, errlen);
}

/* The longest array literal in @expr (operands included). */
static size_t longest_array(const json_t *expr)
{
	const json_t *item;
	const char *key;
	size_t i, n = 0, m;

	if (json_is_array(expr)) {
		n = json_array_size(expr);
		json_array_foreach(expr, i, item)
		{
			m = longest_array(item);
			n = m > n ? m : n;
		}
	} else if (json_is_object(expr)) {
		json_object_foreach((json_t *)expr, key, item)
		{
			m = longest_array(item);
			n = m > n ? m : n;
		}
	}
	return n;
}

static unsigned long add_sat(unsigned long a, unsigned long b)
{
	return a > ULONG_MAX - b ? ULONG_MAX : a + b;
}

static unsigned long mul_sat(unsigned long a, unsigned long b)
{
	return b && a > ULONG_MAX / b ? ULONG_MAX : a * b;
}

/* One step for the node, plus its operands'; a reduce runs its lambda once per item. */
static unsigned long cost(const json_t *expr, unsigned long items)
{
	const json_t *args, *item;
	const char *key;
	unsigned long c = 1;
	size_t i;

	if (json_is_array(expr)) {
		json_array_foreach(expr, i, item)
		{
			c = add_sat(c, cost(item, items));
		}
		return c;
	}
	if (!json_is_object(expr) || json_object_size(expr) != 1)
		return c;
	key = json_object_iter_key(json_object_iter((json_t *)expr));
	args = json_object_iter_value(json_object_iter((json_t *)expr));
	if (!json_is_array(args))
		return c; /* var */
	json_array_foreach(args, i, item)
	{
		unsigned long k = cost(item, items);

		if (strcmp(key, "reduce") == 0 && i == 1)
			k = mul_sat(k, items);
		c = add_sat(c, k);
	}
	return c;
}

unsigned long rules_logic_cost(const json_t *expr)
{
	size_t n = expr ? longest_array(expr) : 0;

	if (!expr)
		return 0;
	return cost(expr, n > RULES_LOGIC_DATA_ARRAY_MAX ? n : RULES_LOGIC_DATA_ARRAY_MAX);
}
