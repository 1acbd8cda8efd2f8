/* SPDX-License-Identifier: MIT */
/*
 * programs.c - `passgate programs`: list the programs a kiosk would load, with their windows
 * and dated versions, or validate one program file before it is installed.
 *
 *   passgate programs [--programs-dir DIR] [--json]
 *   passgate programs --check FILE
 *
 * Exit status: 0 fine, 1 the file (or a file of the directory) is invalid, with "file: reason"
 * on stderr, 2 usage or I/O errors.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/commands.h"
#include "rules/program.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: passgate programs [--programs-dir DIR] [--json]\n"
		   "       passgate programs --check FILE\n");
}

static void print_span(const json_t *o)
{
	const json_t *f = json_object_get(o, "from"), *u = json_object_get(o, "until");

	printf("%s..%s", json_is_string(f) ? json_string_value(f) : "",
	       json_is_string(u) ? json_string_value(u) : "");
}

static void print_program(const struct rules_program *p)
{
	json_t *d = rules_program_describe(p);
	const json_t *w, *v;
	size_t i;

	if (!d)
		return;
	printf("%-22s %s / %s\n", rules_program_id(p), rules_program_name(p, RULES_LANG_JA),
	       rules_program_name(p, RULES_LANG_EN));
	printf("%-22s active: ", "");
	if (json_array_size(json_object_get(d, "windows")) == 0)
		printf("always");
	json_array_foreach(json_object_get(d, "windows"), i, w)
	{
		printf("%s", i ? ", " : "");
		print_span(w);
	}
	printf("\n");
	json_array_foreach(json_object_get(d, "versions"), i, v)
	{
		printf("%-22s version %zu: ", "", i + 1);
		print_span(v);
		if (json_is_true(json_object_get(v, "suspended")))
			printf(" suspended\n");
		else
			printf(" %lld rules\n",
			       (long long)json_integer_value(json_object_get(v, "rules")));
	}
	printf("%-22s seed: %s\n", "", rules_program_seed(p));
	json_decref(d);
}

int cmd_programs(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "programs-dir", required_argument, NULL, 'd' },
		{ "check", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *check = NULL;
	struct rules_catalog *cat;
	struct rules_program *p;
	char err[1024];
	bool as_json = false;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'c':
			check = optarg;
			break;
		case 'j':
			as_json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || (check && (dir || as_json))) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (check) {
		r = rules_program_load(check, &p, err, sizeof(err));
		if (r < 0) {
			fprintf(stderr, "passgate programs: %s\n", err);
			return r == -EINVAL ? 1 : EXIT_USAGE;
		}
		printf("%s: program '%s' is valid\n", check, rules_program_id(p));
		rules_program_free(p);
		return 0;
	}
	dir = rules_programs_dir(dir);
	r = rules_catalog_load(dir, &cat, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "passgate programs: %s\n", err);
		return r == -EINVAL ? 1 : EXIT_USAGE;
	}
	if (as_json) {
		json_t *arr = json_array();
		char *s;

		for (size_t i = 0; i < rules_catalog_count(cat); i++)
			json_array_append_new(arr,
					      rules_program_describe(rules_catalog_get(cat, i)));
		s = json_dumps(arr, JSON_COMPACT);
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(arr);
	} else {
		printf("programs in %s:\n", dir);
		for (size_t i = 0; i < rules_catalog_count(cat); i++)
			print_program(rules_catalog_get(cat, i));
	}
	rules_catalog_free(cat);
	return 0;
}
