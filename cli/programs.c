/* SPDX-License-Identifier: MIT */
/* programs.c - placeholder until the issue that owns this subcommand lands: it refuses clearly. */
#include <stdio.h>

#include "cli/commands.h"

int cmd_programs(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "passgate %s: not built yet in this version\n", argv[0]);
	return EXIT_USAGE;
}
