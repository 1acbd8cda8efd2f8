/* SPDX-License-Identifier: MIT */
/*
 * keyfile.h - a kiosk's secret key files under its state directory: the X25519 key the city
 * seals day keys to (daykeys.h) and the Ed25519 receipt key (receiptsigner.h). Each is raw
 * bytes, mode 0600, created on first use atomically (temporary file, fsync, link into place) so
 * that two processes starting together (passgated and `passgate events pubkey`) end up with the
 * same key. The caller owns the buffer and wipes it.
 */
#ifndef PASSGATE_KEYFILE_H
#define PASSGATE_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

/* Read @len bytes of "<state_dir>/<name>" into @out, first creating the file with @len random
 * bytes when it does not exist. -EBADMSG for a file of another length, other -errno. */
int keyfile_load(const char *state_dir, const char *name, uint8_t *out, size_t len);

#endif
