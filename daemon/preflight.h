/* SPDX-License-Identifier: MIT */
/*
 * preflight.h - what passgated checks of a loaded configuration before it opens any device:
 * the same checks for start-up and for `passgated --check-config`, so that a configuration
 * the check calls valid is one the daemon can use.
 */
#ifndef PASSGATE_DAEMON_PREFLIGHT_H
#define PASSGATE_DAEMON_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/config.h"

#define PREFLIGHT_ERROR_MAX 1024

/*
 * Check @cfg against the files it names: the programs directory loads; the program exists
 * (only when @strict: the daemon itself starts without it and denies every scan with
 * `program-missing` until a city update brings it); every [context] key and value is one the
 * program knows (without the program: a built-in key); every [trust] file reads and imports; the
 * state directory is a directory this user can write, and so is every file in it. Returns 0, or a
 * negative errno with one line in
 * @err naming the file and the key or command that fixes it. Borrows @cfg; opens no device.
 */
int preflight_check(const struct config *cfg, bool strict, char *err, size_t errlen);

#endif
