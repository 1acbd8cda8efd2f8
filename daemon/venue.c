/* SPDX-License-Identifier: MIT */
/*
 * venue.c - the venue's judging state: trust, program, context and the city's alert, loaded at
 * start, replaced on SIGHUP, and updated by the city's signed messages (venue.h).
 *
 * The city's messages have had their signature checked (reporter.c, cityupdate.h) before they
 * reach the handlers here. A program update sets the open party session aside (session.h): it
 * is closed on the loop's next turn, under the program it was judged under, so that nothing
 * here records an event from inside the uplink that delivered the update.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "credential/trust.h"
#include "daemon/config.h"
#include "daemon/log.h"
#include "daemon/venue.h"
#include "events/cityupdate.h"
#include "events/receiptkeys.h"
#include "rules/program.h"
#include "util/fileio.h"

#define TRUST_FILE_MAX (1024 * 1024)

struct venue {
	const struct config *cfg;
	struct sessions *sessions;

	struct trust *trust;
	struct rules_catalog *catalog;
	struct rules_program *city_program; /* a city update of our program, if any */
	const struct rules_program *program;
	struct rules_context *ctx;	  /* [context], then the city's alert level */
	int alert_level;		  /* the city's last alert, -1: none yet */
	const char *restrictions;	  /* with it: "none", "priority" or "emergency" */
	struct receiptkeys *receipt_keys; /* the city's kiosks, from its trust update */
};

/* ---- loading (start and SIGHUP) ---- */

/* Imports every [trust] jwks and cert file of @c into @t. */
static int load_trust_files(const struct config *c, struct trust *t)
{
	char *buf = NULL;
	size_t len;
	int e = 0;

	for (size_t i = 0; e >= 0 && i < c->trust.n_jwks; i++) {
		e = fileio_read(c->trust.jwks[i].file, TRUST_FILE_MAX, FILEIO_REGULAR, &buf, &len);
		if (e >= 0)
			e = trust_import_jwks(t, c->trust.jwks[i].issuer, buf, len);
		if (e < 0)
			log_error("[trust] jwks %s: %s", c->trust.jwks[i].file, strerror(-e));
		free(buf);
		buf = NULL;
	}
	for (size_t i = 0; e >= 0 && i < c->trust.n_certs; i++) {
		e = fileio_read(c->trust.certs[i], TRUST_FILE_MAX, FILEIO_REGULAR, &buf, &len);
		if (e >= 0)
			e = trust_import_cert(t, (const uint8_t *)buf, len);
		if (e < 0)
			log_error("[trust] cert %s: %s", c->trust.certs[i], strerror(-e));
		free(buf);
		buf = NULL;
	}
	return e;
}

/*
 * The trust store for this configuration: the shipped keys (unless [trust] default = no), the
 * operator's imports in <state>/trust.db (`passgate trust import`), then every [trust] entry.
 */
static int load_trust(const struct config *c, struct trust **ret)
{
	struct trust *t = NULL;
	char *path = NULL;
	int e;

	if (asprintf(&path, "%s/trust.db", c->state.dir) < 0)
		return -ENOMEM;
	/* A private copy: the daemon never writes the operator's store. */
	e = trust_open_snapshot(path, &t);
	if (e == -ENOENT)
		e = trust_open(NULL, &t);
	if (e < 0)
		log_error("trust store %s: %s", path, strerror(-e));
	if (e >= 0 && c->trust.use_default)
		e = trust_add_default(t);
	if (e >= 0)
		e = load_trust_files(c, t);
	free(path);
	if (e < 0) {
		trust_free(t);
		return e;
	}
	*ret = t;
	return 0;
}

static int load_programs(const struct config *c, struct rules_catalog **ret)
{
	char err[512];
	int e;

	e = rules_catalog_load(c->venue.programs_dir, ret, err, sizeof(err));
	if (e < 0)
		log_error("%s", err);
	else if (!rules_catalog_find(*ret, c->venue.program))
		log_error("program '%s' is not in %s: every scan is denied until it is",
			  c->venue.program, c->venue.programs_dir);
	return e;
}

static void choose_program(struct venue *v)
{
	if (v->city_program && !strcmp(rules_program_id(v->city_program), v->cfg->venue.program))
		v->program = v->city_program;
	else
		v->program = rules_catalog_find(v->catalog, v->cfg->venue.program);
}

/* The city's alert (PROGRAMS.md context keys alert_level and restrictions) over [context]. */
static int apply_alert(struct venue *v, struct rules_context *ctx)
{
	char num[16];
	int e;

	if (v->alert_level < 0)
		return 0;
	snprintf(num, sizeof(num), "%d", v->alert_level);
	e = rules_context_set(ctx, v->program, "alert_level", num);
	if (e >= 0)
		e = rules_context_set(ctx, v->program, "restrictions", v->restrictions);
	return e;
}

/*
 * The venue's context: [context] of @cfg checked against @program (an unknown key or a bad
 * value stops startup or the reload with file:line), then the city's last alert.
 */
static int venue_context(struct venue *v, const struct config *cfg,
			 const struct rules_program *program, struct rules_context **ret)
{
	struct rules_context *ctx;
	int e;

	e = rules_context_new(&ctx);
	if (e < 0)
		return e;
	for (size_t i = 0; i < cfg->n_context; i++) {
		const struct config_context *c = &cfg->context[i];

		e = rules_context_set(ctx, program, c->key, c->value);
		if (e < 0) {
			log_error("%s:%u: [context] %s: %s", cfg->path, c->line, c->key,
				  e == -ENOENT ? "not a context key of the program"
					       : "bad value for this key");
			rules_context_free(ctx);
			return e;
		}
	}
	e = apply_alert(v, ctx);
	if (e < 0) {
		rules_context_free(ctx);
		return e;
	}
	*ret = ctx;
	return 0;
}

/* ---- life cycle ---- */

int venue_new(const struct config *cfg, struct sessions *ss, struct venue **ret)
{
	struct venue *v;
	int e;

	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->cfg = cfg;
	v->sessions = ss;
	v->alert_level = -1;
	v->restrictions = "none";
	if ((e = receiptkeys_new(&v->receipt_keys)) < 0 || (e = load_trust(cfg, &v->trust)) < 0)
		goto fail;
	/* A bad program file stops startup (file and reason logged); a missing program does
	 * not: the gate then denies every scan and says why (DESIGN.md, failure rules). */
	if ((e = load_programs(cfg, &v->catalog)) < 0)
		goto fail;
	choose_program(v);
	if ((e = venue_context(v, cfg, v->program, &v->ctx)) < 0)
		goto fail;
	*ret = v;
	return 0;

fail:
	venue_free(v);
	return e;
}

int venue_reload(struct venue *v, const struct config *cfg)
{
	struct trust *trust = NULL;
	struct rules_catalog *catalog = NULL;
	struct rules_context *ctx = NULL;
	int e;

	if ((e = load_trust(cfg, &trust)) < 0)
		return e;
	if ((e = load_programs(cfg, &catalog)) < 0)
		goto free_trust;
	e = venue_context(v, cfg, rules_catalog_find(catalog, cfg->venue.program), &ctx);
	if (e < 0)
		goto free_catalog;
	/* The sessions were judged under the old catalog's program: closed before it goes. */
	sessions_close_all(v->sessions);
	rules_context_free(v->ctx);
	v->ctx = ctx;
	trust_free(v->trust);
	v->trust = trust;
	rules_catalog_free(v->catalog);
	v->catalog = catalog;
	v->cfg = cfg;
	choose_program(v);
	return 0;

free_catalog:
	rules_catalog_free(catalog);
free_trust:
	trust_free(trust);
	return e;
}

void venue_free(struct venue *v)
{
	if (!v)
		return;
	rules_context_free(v->ctx);
	rules_program_free(v->city_program);
	rules_catalog_free(v->catalog);
	trust_free(v->trust);
	receiptkeys_free(v->receipt_keys);
	free(v);
}

struct receiptkeys *venue_receipt_keys(const struct venue *v)
{
	return v->receipt_keys;
}

struct trust *venue_trust(const struct venue *v)
{
	return v->trust;
}

const struct rules_program *venue_program(const struct venue *v)
{
	return v->program;
}

void venue_session_terms(const struct venue *v, struct sessions_venue *ret)
{
	*ret = (struct sessions_venue){
		.program = v->program,
		.tz = v->cfg->venue.timezone,
		.ctx = v->ctx,
		.child_age = v->cfg->venue.child_button_age,
	};
}

/* ---- city updates (signature already checked by the reporter) ---- */

/*
 * All or nothing (cityupdate_import_trust()): a partly bad update leaves the store as it was.
 * Its "receipt_keys" (receiptkeys.h), when present, replace the list of the city's kiosks
 * whose receipt codes this gate believes; a bad list refuses the whole update.
 */
static int on_trust_update(const uint8_t *body, size_t len, void *userdata)
{
	struct venue *v = userdata;
	struct receiptkeys *ring = NULL;
	size_t sets = 0, certs = 0;
	int e, n;

	e = receiptkeys_new(&ring);
	if (e < 0)
		return e;
	n = receiptkeys_import(ring, body, len);
	e = n < 0 && n != -ENOENT ? n : cityupdate_import_trust(v->trust, body, len, &sets, &certs);
	if (e >= 0 && n >= 0) {
		receiptkeys_free(v->receipt_keys);
		v->receipt_keys = ring;
		ring = NULL;
	}
	if (e >= 0)
		log_info("trust list update: %zu issuer key set(s), %zu certificate(s), %s", sets,
			 certs, n >= 0 ? "receipt keys replaced" : "receipt keys unchanged");
	receiptkeys_free(ring);
	return e;
}

/* The body is one program file; it replaces ours (in memory) when its id is ours. */
static int on_programs_update(const uint8_t *body, size_t len, void *userdata)
{
	struct venue *v = userdata;
	struct rules_program *p;
	int e;

	e = rules_program_parse((const char *)body, len, "city update", &p, NULL, 0);
	if (e < 0)
		return e;
	if (strcmp(rules_program_id(p), v->cfg->venue.program) != 0) {
		rules_program_free(p);
		return 0; /* another venue's program */
	}
	/* A session is judged under one program: the open one closes under the old. */
	e = sessions_retire(v->sessions, v->city_program);
	if (e < 0) {
		rules_program_free(p);
		return e;
	}
	v->city_program = p;
	choose_program(v);
	return 0;
}

static int on_alert(int level, const uint8_t *body, size_t len, void *userdata)
{
	struct venue *v = userdata;
	const char *restrictions = "none";
	json_t *root, *r;
	size_t i;
	int e;

	root = json_loadb((const char *)body, len, 0, NULL);
	json_array_foreach(json_object_get(root, "restrictions"), i, r)
	{
		const char *s = json_string_value(r);

		if (s && !strcmp(s, "emergency"))
			restrictions = "emergency";
		else if (s && !strcmp(s, "priority") && strcmp(restrictions, "emergency"))
			restrictions = "priority";
	}
	json_decref(root);
	v->alert_level = level > 4 ? 4 : level;
	v->restrictions = restrictions;
	e = apply_alert(v, v->ctx);
	if (e >= 0)
		log_info("alert level %d, restrictions %s", v->alert_level, restrictions);
	return e;
}

void venue_city_handlers(struct venue *v, struct reporter_handlers *ret)
{
	*ret = (struct reporter_handlers){
		.trust = on_trust_update,
		.programs = on_programs_update,
		.alert = on_alert,
		.userdata = v,
	};
}
