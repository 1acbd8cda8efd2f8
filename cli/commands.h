/* SPDX-License-Identifier: MIT */
/*
 * commands.h - the subcommands of `passgate`, one file each under cli/.
 *
 * Each takes the arguments after its name (argv[0] is the subcommand) and returns the process
 * exit status its contract names (DESIGN.md): 0 success/admit/valid, 1 deny/invalid, 2 usage,
 * configuration or I/O error.
 */
#ifndef PASSGATE_CLI_COMMANDS_H
#define PASSGATE_CLI_COMMANDS_H

#define EXIT_USAGE 2

/* Takes the options that @take recognises out of argv, so that getopt sees only the command's
 * own. @take looks at argv[*i] (advancing *i past a value it consumes) and returns 1 taken,
 * 0 not its own, < 0 an error it has reported. Returns the new argc, or @take's error. */
int cli_take_options(int argc, char **argv,
		     int (*take)(void *userdata, int argc, char **argv, int *i), void *userdata);

int cmd_verify(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_trust(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_programs(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_hw_test(int argc, char **argv);
int cmd_receipt(int argc, char **argv);
int cmd_issue_test(int argc, char **argv);
int cmd_booking(int argc, char **argv);

#endif
