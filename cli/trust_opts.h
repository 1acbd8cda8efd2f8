/* SPDX-License-Identifier: MIT */
/*
 * trust_opts.h - the trust options shared by `passgate verify` and `passgate check`:
 *
 *   --trust-jwks ISS=FILE   trust the keys of a JWKS file for SHC issuer ISS (repeatable)
 *   --trust-cert FILE       trust a DCC signer certificate, PEM or DER (repeatable)
 *   --no-default-trust      leave out the built-in keys (Japan's Digital Agency)
 *   --state-dir DIR         start from the trust store DIR/trust.db (read, never written)
 *
 * Usage: trust_opts_new(); for each argument, trust_opts_parse() says whether it was a trust
 * option (and consumes its value); then trust_opts_build() makes the store for this run.
 * Messages go to stderr prefixed with the command name; they never contain credential data.
 */
#ifndef PASSGATE_CLI_TRUST_OPTS_H
#define PASSGATE_CLI_TRUST_OPTS_H

#include <stddef.h>

struct trust;
struct trust_opts;

int trust_opts_new(const char *command, struct trust_opts **ret);
void trust_opts_free(struct trust_opts *o);

/*
 * Look at argv[*i]. Returns 1 when it is a trust option (also "--opt=VALUE"; *i is advanced
 * past its value), 0 when it is not (nothing consumed), -EINVAL on a missing or malformed
 * value (message printed: exit with EXIT_USAGE).
 */
int trust_opts_parse(struct trust_opts *o, int argc, char **argv, int *i);

/* One line per option for a --help text. */
extern const char trust_opts_help[];

/*
 * The trust store for this run: an in-memory store, or a copy of DIR/trust.db with
 * --state-dir; the built-in keys unless --no-default-trust; then every --trust-jwks and
 * --trust-cert. A file that cannot be read or is refused is reported with its name; returns
 * -errno (exit with EXIT_USAGE).
 */
int trust_opts_build(const struct trust_opts *o, struct trust **ret);

/* The --state-dir value, or NULL. */
const char *trust_opts_state_dir(const struct trust_opts *o);

/* "ISS=FILE" split at the first '=': *iss and *file point into a copy (*ret_buf, free()). */
int cli_split_assign(const char *arg, char **ret_buf, const char **iss, const char **file);

#endif
