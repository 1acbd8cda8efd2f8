/* SPDX-License-Identifier: MIT */
/*
 * program.c - reading and validating program files, and the catalog of a programs directory.
 *
 * The format is documented in docs/programs.md. Validation is strict and complete at load time
 * (DESIGN.md, "a bad config or rule file stops startup with the file, line and reason"): unknown
 * members, unknown CertLogic operators, unknown reason codes, impossible dates, overlapping
 * windows or versions, a version without a final unconditional rule, and a program that admits
 * on a test without a referral text (the text a positive visitor must be given, PROGRAMS.md
 * "Result codes") are all refused with the file name and the reason.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "credential/json_bounds.h"
#include "rules/datetime.h"
#include "rules/logic.h"
#include "rules/program_internal.h"

#define PROGRAM_FORMAT 1
#define MAX_CATALOG    256

struct rules_catalog {
	size_t n;
	struct rules_program *programs[MAX_CATALOG];
};

static int perr(char *err, size_t errlen, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int perr(char *err, size_t errlen, const char *name, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", name, msg);
	return -EINVAL;
}

static bool only_members(const json_t *o, const char *const *allowed, const char **bad)
{
	const char *key;
	const json_t *v;

	json_object_foreach((json_t *)o, key, v)
	{
		bool ok = false;

		for (const char *const *a = allowed; *a; a++)
			ok = ok || strcmp(*a, key) == 0;
		if (!ok) {
			*bad = key;
			return false;
		}
	}
	return true;
}

/* {"ja": "...", "en": "..."}: both non-empty strings. */
static int texts(const json_t *o, const char *out[2])
{
	const json_t *ja = json_object_get(o, "ja"), *en = json_object_get(o, "en");

	if (!json_is_object(o) || json_object_size(o) != 2 || !json_is_string(ja) ||
	    !json_is_string(en) || !json_string_length(ja) || !json_string_length(en))
		return -EINVAL;
	out[RULES_LANG_JA] = json_string_value(ja);
	out[RULES_LANG_EN] = json_string_value(en);
	return 0;
}

/* "from"/"until": a date or null (open). Fills an inclusive span; until >= from. */
static int span(const json_t *o, struct rules_span *s)
{
	const json_t *f = json_object_get(o, "from"), *u = json_object_get(o, "until");

	s->from = INT64_MIN;
	s->until = INT64_MAX;
	if (f && !json_is_null(f) &&
	    (!json_is_string(f) || rules_date_parse(json_string_value(f), &s->from) < 0))
		return -EINVAL;
	if (u && !json_is_null(u) &&
	    (!json_is_string(u) || rules_date_parse(json_string_value(u), &s->until) < 0))
		return -EINVAL;
	return s->until >= s->from ? 0 : -EINVAL;
}

static bool overlap(const struct rules_span *a, const struct rules_span *b)
{
	return a->from <= b->until && b->from <= a->until;
}

/* Does expression @e read the "credential" member of the data object (or all of it)? */
static bool reads_credential(const json_t *e)
{
	const char *key;
	const json_t *v;
	size_t i;

	if (json_is_array(e)) {
		json_array_foreach(e, i, v) if (reads_credential(v)) return true;
		return false;
	}
	if (!json_is_object(e))
		return false;
	json_object_foreach((json_t *)e, key, v)
	{
		if (strcmp(key, "var") == 0 && json_is_string(v)) {
			const char *path = json_string_value(v);

			if (!*path || strncmp(path, "credential", 10) == 0)
				return true;
		} else if (strcmp(key, "reduce") == 0) {
			return true; /* a lambda's var "" may be anything */
		} else if (reads_credential(v)) {
			return true;
		}
	}
	return false;
}

static int parse_rules(struct rules_program *p, struct rules_version *v, const json_t *arr,
		       const char *name, size_t vi, char *err, size_t errlen)
{
	static const char *const rule_members[] = { "id", "when", "reason", "$comment", NULL };
	char lerr[256];
	unsigned long steps = 0, c;
	const json_t *r;
	const char *bad;
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return perr(err, errlen, name, "version %zu: \"rules\" must be a non-empty array",
			    vi);
	if (json_array_size(arr) > RULES_PROGRAM_MAX_RULES)
		return perr(err, errlen, name, "version %zu: more than %d rules", vi,
			    RULES_PROGRAM_MAX_RULES);
	v->rules = calloc(json_array_size(arr), sizeof(*v->rules));
	if (!v->rules)
		return -ENOMEM;
	json_array_foreach(arr, i, r)
	{
		struct rules_rule *rule = &v->rules[i];
		const json_t *id = json_object_get(r, "id"), *reason = json_object_get(r, "reason");

		if (!json_is_object(r))
			return perr(err, errlen, name, "version %zu rule %zu: not an object", vi,
				    i);
		if (!only_members(r, rule_members, &bad))
			return perr(err, errlen, name,
				    "version %zu rule %zu: unknown member \"%s\"", vi, i, bad);
		if (!json_is_string(id) || !json_string_length(id))
			return perr(err, errlen, name, "version %zu rule %zu: \"id\" missing", vi,
				    i);
		rule->id = json_string_value(id);
		if (!json_is_string(reason) ||
		    rules_reason_lookup(json_string_value(reason), &rule->reason) < 0 ||
		    rule->reason == RULES_R_INTERNAL_ERROR)
			return perr(err, errlen, name, "rule \"%s\": unknown reason code \"%s\"",
				    rule->id,
				    json_is_string(reason) ? json_string_value(reason) : "");
		rule->when = json_object_get(r, "when");
		if (!rule->when)
			return perr(err, errlen, name, "rule \"%s\": \"when\" missing", rule->id);
		if (rules_logic_validate(rule->when, lerr, sizeof(lerr)) < 0)
			return perr(err, errlen, name, "rule \"%s\": %s", rule->id, lerr);
		/* A judgment may try every rule: their worst cases add up (rules/logic.h). */
		c = rules_logic_cost(rule->when);
		steps = c > ULONG_MAX - steps ? ULONG_MAX : steps + c;
		if (steps > RULES_LOGIC_MAX_STEPS)
			return perr(err, errlen, name,
				    "rule \"%s\": the rules up to it may take %lu evaluation steps "
				    "in the worst case, over the budget of %lu per judgment",
				    rule->id, steps, RULES_LOGIC_MAX_STEPS);
		p->needs_credential = p->needs_credential || reads_credential(rule->when);
		v->n_rules++;
	}
	/* First match decides; the last rule must match always, so that every check decides. */
	if (!json_is_true(v->rules[v->n_rules - 1].when))
		return perr(err, errlen, name,
			    "version %zu: the last rule (\"%s\") must have \"when\": true", vi,
			    v->rules[v->n_rules - 1].id);
	return 0;
}

static int parse_versions(struct rules_program *p, const json_t *arr, const char *name, char *err,
			  size_t errlen)
{
	static const char *const version_members[] = { "from",	"until",    "suspended",
						       "rules", "$comment", NULL };
	const json_t *o;
	const char *bad;
	size_t i;
	int r;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return perr(err, errlen, name, "\"versions\" must be a non-empty array");
	if (json_array_size(arr) > RULES_PROGRAM_MAX_VERSIONS)
		return perr(err, errlen, name, "more than %d versions", RULES_PROGRAM_MAX_VERSIONS);
	json_array_foreach(arr, i, o)
	{
		struct rules_version *v = &p->versions[i];
		const json_t *susp = json_object_get(o, "suspended");

		if (!json_is_object(o))
			return perr(err, errlen, name, "version %zu: not an object", i);
		p->n_versions++;
		if (!only_members(o, version_members, &bad))
			return perr(err, errlen, name, "version %zu: unknown member \"%s\"", i,
				    bad);
		if (span(o, &v->span) < 0)
			return perr(err, errlen, name, "version %zu: bad \"from\"/\"until\" dates",
				    i);
		for (size_t j = 0; j < i; j++)
			if (overlap(&p->versions[j].span, &v->span))
				return perr(err, errlen, name, "versions %zu and %zu overlap", j,
					    i);
		if (susp && !json_is_boolean(susp))
			return perr(err, errlen, name,
				    "version %zu: \"suspended\" must be a boolean", i);
		v->suspended = json_is_true(susp);
		if (v->suspended) {
			if (json_object_get(o, "rules"))
				return perr(err, errlen, name,
					    "version %zu: a suspended version has no rules", i);
			continue;
		}
		r = parse_rules(p, v, json_object_get(o, "rules"), name, i, err, errlen);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool admits_on_tests(const struct rules_program *p)
{
	for (size_t i = 0; i < p->n_versions; i++)
		for (size_t j = 0; j < p->versions[i].n_rules; j++)
			if (p->versions[i].rules[j].reason == RULES_R_TESTED_NEGATIVE ||
			    p->versions[i].rules[j].reason == RULES_R_TEST_POSITIVE)
				return true;
	return false;
}

/* The id a file name implies: "dir/<id>.json" -> <id>; NULL when the name has another form. */
static bool name_matches_id(const char *name, const char *id)
{
	const char *base = strrchr(name, '/');
	size_t n;

	base = base ? base + 1 : name;
	n = strlen(base);
	if (n < 5 || strcmp(base + n - 5, ".json") != 0)
		return true; /* not a file name: nothing to compare */
	return strlen(id) == n - 5 && strncmp(base, id, n - 5) == 0;
}

static bool valid_id(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') ||
		      id[i] == '-'))
			return false;
	return true;
}

static int build(struct rules_program *p, const char *name, char *err, size_t errlen)
{
	static const char *const members[] = {
		"passgate_program", "id",	"name",	   "seed",  "source",	"notes",
		"active",	    "versions", "context", "group", "referral", "receipt",
		"lodging",	    "$comment", NULL
	};
	const json_t *root = p->root, *v, *o;
	const char *bad;
	char lerr[256];
	size_t i;
	int r;

	if (!json_is_object(root))
		return perr(err, errlen, name, "a program file is one JSON object");
	if (!only_members(root, members, &bad))
		return perr(err, errlen, name, "unknown member \"%s\"", bad);
	v = json_object_get(root, "passgate_program");
	if (!json_is_integer(v) || json_integer_value(v) != PROGRAM_FORMAT)
		return perr(err, errlen, name, "\"passgate_program\" must be %d", PROGRAM_FORMAT);
	v = json_object_get(root, "id");
	if (!json_is_string(v) || !valid_id(json_string_value(v)))
		return perr(err, errlen, name, "\"id\" must be 1-64 characters of a-z, 0-9 and -");
	p->id = json_string_value(v);
	if (!name_matches_id(name, p->id))
		return perr(err, errlen, name, "file name does not match the id \"%s\"", p->id);
	if (texts(json_object_get(root, "name"), p->name) < 0)
		return perr(err, errlen, name, "\"name\" must be {\"ja\": TEXT, \"en\": TEXT}");
	v = json_object_get(root, "seed");
	if (!json_is_string(v) || !json_string_length(v))
		return perr(err, errlen, name, "\"seed\" must name the seed document it encodes");
	p->seed = json_string_value(v);

	v = json_object_get(root, "active");
	if (v) {
		if (!json_is_array(v) || json_array_size(v) > RULES_PROGRAM_MAX_WINDOWS)
			return perr(err, errlen, name, "\"active\" must be an array of windows");
		json_array_foreach(v, i, o)
		{
			static const char *const wm[] = { "from", "until", "$comment", NULL };

			if (!json_is_object(o) || !only_members(o, wm, &bad) ||
			    span(o, &p->windows[i]) < 0)
				return perr(err, errlen, name, "active window %zu: bad dates", i);
			for (size_t j = 0; j < i; j++)
				if (overlap(&p->windows[j], &p->windows[i]))
					return perr(err, errlen, name,
						    "active windows %zu and %zu overlap", j, i);
			p->n_windows++;
		}
	}
	r = parse_versions(p, json_object_get(root, "versions"), name, err, errlen);
	if (r < 0)
		return r;

	v = json_object_get(root, "context");
	if (v) {
		if (rules_context_check_defaults(v, lerr, sizeof(lerr)) < 0)
			return perr(err, errlen, name, "%s", lerr);
		p->context = v;
	}
	r = rules_context_defaults(p->context, &p->ctx_defaults);
	if (r < 0)
		return r;
	v = json_object_get(root, "group");
	if (v) {
		static const char *const gm[] = { "all_must_pass", "$comment", NULL };

		if (!json_is_object(v) || !only_members(v, gm, &bad))
			return perr(err, errlen, name,
				    "\"group\" must be {\"all_must_pass\": EXPR}");
		p->group_all = json_object_get(v, "all_must_pass");
		if (p->group_all && rules_logic_validate(p->group_all, lerr, sizeof(lerr)) < 0)
			return perr(err, errlen, name, "group.all_must_pass: %s", lerr);
		if (p->group_all && rules_logic_cost(p->group_all) > RULES_LOGIC_MAX_STEPS)
			return perr(err, errlen, name,
				    "group.all_must_pass: over the budget of %lu evaluation steps",
				    RULES_LOGIC_MAX_STEPS);
	}
	v = json_object_get(root, "referral");
	if (v && texts(v, p->referral) < 0)
		return perr(err, errlen, name, "\"referral\" must be {\"ja\": TEXT, \"en\": TEXT}");
	if (!v && admits_on_tests(p))
		return perr(err, errlen, name,
			    "the program accepts tests but has no \"referral\" text for a positive "
			    "result");
	v = json_object_get(root, "receipt");
	if (v && texts(v, p->receipt) < 0)
		return perr(err, errlen, name, "\"receipt\" must be {\"ja\": TEXT, \"en\": TEXT}");
	v = json_object_get(root, "lodging");
	if (v && !json_is_boolean(v))
		return perr(err, errlen, name, "\"lodging\" must be true or false");
	p->lodging = json_is_true(v);
	v = json_object_get(root, "source");
	if (v && !json_is_string(v))
		return perr(err, errlen, name, "\"source\" must be a string");
	v = json_object_get(root, "notes");
	if (v && !json_is_string(v))
		return perr(err, errlen, name, "\"notes\" must be a string");
	return 0;
}

int rules_program_parse(const char *buf, size_t len, const char *name, struct rules_program **ret,
			char *err, size_t errlen)
{
	struct rules_program *p;
	json_error_t jerr;
	int r;

	if (len > RULES_PROGRAM_MAX_BYTES)
		return perr(err, errlen, name, "larger than %d bytes", RULES_PROGRAM_MAX_BYTES);
	/* jansson has no depth limit of its own; bound nesting before parsing (DESIGN.md limits).
	 * Only depth is bounded here (arrays may be long), and text the scan finds malformed
	 * (-EBADMSG) goes on to jansson, whose message says where. */
	if (json_bounds_check(buf, len, RULES_PROGRAM_MAX_JSON_DEPTH, SIZE_MAX) == -E2BIG)
		return perr(err, errlen, name, "JSON nested deeper than %d",
			    RULES_PROGRAM_MAX_JSON_DEPTH);
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!p->root) {
		r = perr(err, errlen, name, "line %d: %s", jerr.line, jerr.text);
		goto fail;
	}
	r = build(p, name, err, errlen);
	if (r < 0)
		goto fail;
	*ret = p;
	return 0;
fail:
	rules_program_free(p);
	return r;
}

int rules_program_load(const char *path, struct rules_program **ret, char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > RULES_PROGRAM_MAX_BYTES) {
		close(fd);
		return perr(err, errlen, path, "not a regular file of at most %d bytes",
			    RULES_PROGRAM_MAX_BYTES);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			snprintf(err, errlen, "%s: read: %s", path, strerror(-r));
			goto out;
		}
		got += (size_t)n;
	}
	r = rules_program_parse(buf, got, path, ret, err, errlen);
out:
	free(buf);
	close(fd);
	return r;
}

void rules_program_free(struct rules_program *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_versions; i++)
		free(p->versions[i].rules);
	json_decref(p->ctx_defaults);
	json_decref(p->root);
	free(p);
}

bool rules_program_lodging(const struct rules_program *p)
{
	return p->lodging;
}

const char *rules_program_id(const struct rules_program *p)
{
	return p->id;
}

const char *rules_program_name(const struct rules_program *p, enum rules_lang lang)
{
	return p->name[lang == RULES_LANG_EN];
}

const char *rules_program_seed(const struct rules_program *p)
{
	return p->seed;
}

const char *rules_program_referral(const struct rules_program *p, enum rules_lang lang)
{
	return p->referral[lang == RULES_LANG_EN];
}

const char *rules_program_receipt(const struct rules_program *p, enum rules_lang lang)
{
	return p->receipt[lang == RULES_LANG_EN];
}

static json_t *date_or_null(int64_t days)
{
	char buf[16];

	if (days == INT64_MIN || days == INT64_MAX)
		return json_null();
	rules_date_format(days, buf, sizeof(buf));
	return json_string(buf);
}

json_t *rules_program_describe(const struct rules_program *p)
{
	json_t *o, *w, *v;

	w = json_array();
	v = json_array();
	for (size_t i = 0; w && i < p->n_windows; i++)
		json_array_append_new(w, json_pack("{s:o,s:o}", "from",
						   date_or_null(p->windows[i].from), "until",
						   date_or_null(p->windows[i].until)));
	for (size_t i = 0; v && i < p->n_versions; i++)
		json_array_append_new(v, json_pack("{s:o,s:o,s:b,s:I}", "from",
						   date_or_null(p->versions[i].span.from), "until",
						   date_or_null(p->versions[i].span.until),
						   "suspended", p->versions[i].suspended, "rules",
						   (json_int_t)p->versions[i].n_rules));
	o = json_pack("{s:s,s:{s:s,s:s},s:s,s:o*,s:o*}", "id", p->id, "name", "ja",
		      p->name[RULES_LANG_JA], "en", p->name[RULES_LANG_EN], "seed", p->seed,
		      "windows", w, "versions", v);
	return o;
}

const char *rules_programs_dir(const char *override)
{
	const char *env = getenv("PASSGATE_PROGRAMS_DIR");
	struct stat st;

	if (override)
		return override;
	if (env && *env)
		return env;
	if (stat(PASSGATE_DATADIR "/programs", &st) == 0 && S_ISDIR(st.st_mode))
		return PASSGATE_DATADIR "/programs";
	return PASSGATE_SOURCE_DIR "/rules/programs";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rules_catalog_load(const char *dir, struct rules_catalog **ret, char *err, size_t errlen)
{
	struct rules_catalog *c;
	char *names[MAX_CATALOG];
	size_t n = 0;
	struct dirent *de;
	DIR *d;
	int r = 0;

	d = opendir(dir);
	if (!d) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(-r));
		return r;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		if (n == MAX_CATALOG) {
			r = perr(err, errlen, dir, "more than %d program files", MAX_CATALOG);
			break;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (r < 0)
		goto out_names;
	qsort(names, n, sizeof(names[0]), cmp_str);
	c = calloc(1, sizeof(*c));
	if (!c) {
		r = -ENOMEM;
		goto out_names;
	}
	for (size_t i = 0; i < n; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		r = rules_program_load(path, &c->programs[c->n], err, errlen);
		if (r < 0)
			break;
		c->n++;
		if (rules_catalog_find(c, c->programs[c->n - 1]->id) != c->programs[c->n - 1]) {
			r = perr(err, errlen, path, "duplicate program id \"%s\"",
				 c->programs[c->n - 1]->id);
			break;
		}
	}
	if (r < 0)
		rules_catalog_free(c);
	else
		*ret = c;
out_names:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return r;
}

void rules_catalog_free(struct rules_catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		rules_program_free(c->programs[i]);
	free(c);
}

const struct rules_program *rules_catalog_find(const struct rules_catalog *c, const char *id)
{
	for (size_t i = 0; c && id && i < c->n; i++)
		if (strcmp(c->programs[i]->id, id) == 0)
			return c->programs[i];
	return NULL;
}

size_t rules_catalog_count(const struct rules_catalog *c)
{
	return c ? c->n : 0;
}

const struct rules_program *rules_catalog_get(const struct rules_catalog *c, size_t i)
{
	return c && i < c->n ? c->programs[i] : NULL;
}
