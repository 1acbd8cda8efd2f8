/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the commands of passgate-city (DESIGN.md "The city side"; passgate-city(1)).
 * Each takes its own argv (argv[0] is the command word) and returns the exit code: 0 ok,
 * 1 a negative answer, 2 usage, configuration or I/O. Results are JSON on stdout; errors one
 * clear line on stderr, never a name, birth date or token.
 */
#ifndef PASSGATE_CITY_CLI_H
#define PASSGATE_CITY_CLI_H

struct city;

#define CLI_OK	     0
#define CLI_NEGATIVE 1
#define CLI_USAGE    2

int cli_kiosk(struct city *c, int argc, char **argv);
int cli_trace(struct city *c, int argc, char **argv);

/* Print one JSON value (stolen) as a compact line; CLI_USAGE when it cannot. */
struct json_t;
int cli_print_json(struct json_t *o);

#endif
