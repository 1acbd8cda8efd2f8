/* SPDX-License-Identifier: MIT */
/*
 * program.h - program files (rules/programs/<id>.json) and the catalog of a directory of them.
 *
 * A program is data, never C (PROGRAMS.md): names, active windows, dated versions of an ordered
 * rule list (CertLogic expressions, each tied to a reason code), context defaults, a group
 * policy, and referral/receipt texts in Japanese and English. The format is in docs/programs.md.
 * Loading validates everything (JSON, operators, reason codes, dates, overlapping versions,
 * texts) so that a bad file stops startup with the file and the reason, never mid-scan.
 *
 * Ownership: rules_program_load()/rules_catalog_load() return objects the caller frees with
 * rules_program_free()/rules_catalog_free(). A catalog owns its programs; pointers from
 * rules_catalog_find()/rules_catalog_get() and every string a program hands out are borrowed
 * until the catalog (or the program) is freed.
 */
#ifndef PASSGATE_RULES_PROGRAM_H
#define PASSGATE_RULES_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "rules/reasons.h"

struct rules_program;
struct rules_catalog;

/* Size limits on a program file (outsider-controlled when updates come from the city). */
#define RULES_PROGRAM_MAX_BYTES	     (256 * 1024)
#define RULES_PROGRAM_MAX_RULES	     64
#define RULES_PROGRAM_MAX_VERSIONS   16
#define RULES_PROGRAM_MAX_WINDOWS    16
#define RULES_PROGRAM_MAX_JSON_DEPTH 48

/*
 * Parse one program from @buf (@len bytes). @name names the source in error messages (a path);
 * when it ends in "<id>.json" the file's id must match. On failure returns -EINVAL (or -ENOMEM)
 * and writes "<name>: <reason>" into @err.
 */
int rules_program_parse(const char *buf, size_t len, const char *name, struct rules_program **ret,
			char *err, size_t errlen);
/* Read and parse the file at @path; -errno for I/O errors (with the reason in @err). */
int rules_program_load(const char *path, struct rules_program **ret, char *err, size_t errlen);
void rules_program_free(struct rules_program *p);

const char *rules_program_id(const struct rules_program *p);
/* True for a lodging program ("lodging": true): its receipts carry the trip's first day and the
 * night (docs/codes.md), and a receipt of the previous night sets them at the next kiosk. */
bool rules_program_lodging(const struct rules_program *p);
const char *rules_program_name(const struct rules_program *p, enum rules_lang lang);
/* The seed file the program is encoded from (PROGRAMS.md), e.g. "001_d26098962e1045e3.txt". */
const char *rules_program_seed(const struct rules_program *p);
/* The referral text (for a positive test) and the receipt/benefit text; NULL when absent. */
const char *rules_program_referral(const struct rules_program *p, enum rules_lang lang);
const char *rules_program_receipt(const struct rules_program *p, enum rules_lang lang);
/*
 * A summary for listings: {"id", "name": {"ja","en"}, "seed", "windows": [{"from","until"}],
 * "versions": [{"from","until","suspended","rules"}]}, dates as "YYYY-MM-DD" or null (open).
 * New reference; NULL on -ENOMEM.
 */
json_t *rules_program_describe(const struct rules_program *p);

/*
 * The programs directory to use: @override when non-NULL, else $PASSGATE_PROGRAMS_DIR, else the
 * installed PASSGATE_DATADIR/programs when it exists, else the source tree's rules/programs.
 * The result is @override, an environment string or a static string (not to be freed).
 */
const char *rules_programs_dir(const char *override);

/*
 * Load every "*.json" in @dir, in name order. Any bad file fails the whole load (-EINVAL) with
 * "<path>: <reason>" in @err; two files with one id are an error too. An empty directory is
 * a valid, empty catalog.
 */
int rules_catalog_load(const char *dir, struct rules_catalog **ret, char *err, size_t errlen);
void rules_catalog_free(struct rules_catalog *c);
const struct rules_program *rules_catalog_find(const struct rules_catalog *c, const char *id);
size_t rules_catalog_count(const struct rules_catalog *c);
const struct rules_program *rules_catalog_get(const struct rules_catalog *c, size_t i);

#endif
