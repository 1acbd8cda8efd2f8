/* SPDX-License-Identifier: MIT */
/*
 * rules.c - `passgate rules`: the CertLogic evaluator alone, for the CertLogic test suite and
 * for rule authors (DESIGN.md, "passgate rules eval"):
 *
 *   passgate rules eval --logic FILE --data FILE     print the result as JSON
 *   passgate rules validate --logic FILE             check an expression without evaluating it
 *
 * Exit status: 0 evaluated (or valid), 1 the expression is invalid or fails to evaluate (the
 * reason on stderr, as CertLogic's "throws"), 2 usage or I/O errors (unreadable, not JSON).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/commands.h"
#include "rules/logic.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: passgate rules eval --logic FILE --data FILE\n"
		   "       passgate rules validate --logic FILE\n");
}

static json_t *load(const char *path)
{
	json_error_t jerr;
	json_t *v = json_load_file(path, JSON_DECODE_ANY, &jerr);

	if (!v)
		fprintf(stderr, "passgate rules: %s:%d: %s\n", path, jerr.line, jerr.text);
	return v;
}

int cmd_rules(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "logic", required_argument, NULL, 'l' },
		{ "data", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *logic_path = NULL, *data_path = NULL, *verb;
	json_t *logic = NULL, *data = NULL, *result = NULL;
	char err[512] = "", *s;
	int c, r, rc = EXIT_USAGE;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	verb = argv[1];
	if (strcmp(verb, "--help") == 0) {
		usage(stdout);
		return 0;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			logic_path = optarg;
			break;
		case 'd':
			data_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || !logic_path ||
	    !((strcmp(verb, "eval") == 0 && data_path) ||
	      (strcmp(verb, "validate") == 0 && !data_path))) {
		usage(stderr);
		return EXIT_USAGE;
	}
	logic = load(logic_path);
	if (!logic)
		goto out;
	if (strcmp(verb, "validate") == 0) {
		r = rules_logic_validate(logic, err, sizeof(err));
		if (r < 0)
			fprintf(stderr, "passgate rules: invalid: %s\n", err);
		else
			printf("valid\n");
		rc = r < 0 ? 1 : 0;
		goto out;
	}
	data = load(data_path);
	if (!data)
		goto out;
	r = rules_logic_eval(logic, data, &result, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "passgate rules: %s\n", r == -ENOMEM ? strerror(ENOMEM) : err);
		rc = r == -ENOMEM ? EXIT_USAGE : 1;
		goto out;
	}
	s = json_dumps(result, JSON_ENCODE_ANY | JSON_COMPACT);
	if (!s)
		goto out;
	printf("%s\n", s);
	free(s);
	rc = 0;
out:
	json_decref(result);
	json_decref(data);
	json_decref(logic);
	return rc;
}
