/* SPDX-License-Identifier: MIT */
/*
 * cred_json.c - the normalized credential as the JSON of `passgate verify`.
 *
 * Keys follow the EU DCC schema (nam/fn/gn/fnt/gnt, dob, v/dn/sd/dt/mp/tg, t/tt/sc/tr,
 * r/fr/df/du) so that the rules engine and scripts see one shape for both formats; "kind" and
 * "result" add passgate's classification of a test (PROGRAMS.md). Times are UTC ISO 8601.
 */
#include "credential/cred_json.h"
#include "credential/isotime.h"

const char *cred_test_result_name(enum cred_test_result r)
{
	switch (r) {
	case CRED_RESULT_NEGATIVE:
		return "negative";
	case CRED_RESULT_POSITIVE:
		return "positive";
	case CRED_RESULT_UNKNOWN:
		break;
	}
	return "inconclusive";
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *time_or_null(int64_t t)
{
	char buf[ISOTIME_MAX];

	if (t == 0)
		return json_null();
	isotime_format(t, buf);
	return json_string(buf);
}

json_t *cred_to_json(const struct cred *c)
{
	json_t *o, *v, *t, *r;
	const char *fmt = cred_format_name(c->format);

	o = json_object();
	v = json_array();
	t = json_array();
	r = json_array();
	if (!o || !v || !t || !r)
		goto fail;
	json_object_set_new(o, "format", fmt ? json_string(fmt) : json_null());
	json_object_set_new(o, "issuer", str_or_null(c->issuer));
	json_object_set_new(o, "kid", str_or_null(c->kid));
	json_object_set_new(o, "nam",
			    json_pack("{s:o, s:o, s:o, s:o}", "fn", str_or_null(c->family), "gn",
				      str_or_null(c->given), "fnt", str_or_null(c->family_std),
				      "gnt", str_or_null(c->given_std)));
	json_object_set_new(o, "dob", str_or_null(c->dob));
	if (c->cert_id[0])
		json_object_set_new(o, "ci", json_string(c->cert_id));
	json_object_set_new(o, "iat", time_or_null(c->issued_at));
	json_object_set_new(o, "exp", time_or_null(c->expires_at));
	for (unsigned i = 0; i < c->n_doses && i < CRED_MAX_DOSES; i++) {
		const struct cred_dose *d = &c->doses[i];

		json_array_append_new(
			v, json_pack("{s:I, s:o, s:s, s:o, s:o}", "dn", (json_int_t)d->number, "sd",
				     d->series_total ? json_integer(d->series_total) : json_null(),
				     "dt", d->date, "mp", str_or_null(d->product), "tg",
				     str_or_null(d->target)));
	}
	for (unsigned i = 0; i < c->n_tests && i < CRED_MAX_TESTS; i++) {
		const struct cred_test *x = &c->tests[i];

		json_array_append_new(t, json_pack("{s:s, s:o, s:o, s:o, s:s}", "kind",
						   cred_test_kind_name(x->kind), "tt",
						   str_or_null(x->type_code), "sc",
						   time_or_null(x->collected), "tr",
						   str_or_null(x->result_code), "result",
						   cred_test_result_name(x->result)));
	}
	for (unsigned i = 0; i < c->n_recoveries && i < CRED_MAX_RECOVERIES; i++) {
		const struct cred_recovery *x = &c->recoveries[i];

		json_array_append_new(r, json_pack("{s:o, s:o, s:o}", "fr",
						   str_or_null(x->first_positive), "df",
						   str_or_null(x->valid_from), "du",
						   str_or_null(x->valid_until)));
	}
	json_object_set_new(o, "v", v);
	json_object_set_new(o, "t", t);
	json_object_set_new(o, "r", r);
	return o;
fail:
	json_decref(o);
	json_decref(v);
	json_decref(t);
	json_decref(r);
	return NULL;
}
