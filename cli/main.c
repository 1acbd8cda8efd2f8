/* SPDX-License-Identifier: MIT */
/*
 * main.c - `passgate`, the operator's command-line tool: dispatch to one subcommand.
 *
 * Every subcommand does one piece of the kiosk's work once (verify, check, decode, ...) so that
 * operators, tests and scripts can run it without the daemon. See docs/passgate.1.md.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "verify", cmd_verify, "verify a credential offline and print it normalized" },
	{ "check", cmd_check, "verify, then apply a program's rules: admit or deny" },
	{ "decode", cmd_decode, "print the text of the QR code in an image" },
	{ "trust", cmd_trust, "list, import or remove trusted issuer keys" },
	{ "rules", cmd_rules, "evaluate a CertLogic expression (rules eval)" },
	{ "programs", cmd_programs, "list the programs, or check a program file" },
	{ "events", cmd_events, "list the check events waiting in the outbox, or their stats" },
	{ "hw-test", cmd_hw_test, "exercise LEDs, buzzer, relay, buttons and printer" },
	{ "receipt", cmd_receipt, "render a receipt preview" },
	{ "issue-test", cmd_issue_test, "sign a test credential with a local test issuer" },
	{ "booking", cmd_booking, "make a booking key, or a booking code for a party" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: passgate COMMAND [ARGS]...\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'passgate COMMAND --help' describes one command.\n");
}

int cli_take_options(int argc, char **argv,
		     int (*take)(void *userdata, int argc, char **argv, int *i), void *userdata)
{
	int out = 1;

	for (int i = 1; i < argc; i++) {
		int first = i, r = take(userdata, argc, argv, &i);

		if (r < 0)
			return r;
		if (r == 0)
			argv[out++] = argv[first];
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("passgate %s\n", PASSGATE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "passgate: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
