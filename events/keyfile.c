/* SPDX-License-Identifier: MIT */
/*
 * keyfile.c - load or create a secret key file under the state directory (keyfile.h). The key
 * is random bytes from libsodium; nothing here logs or keeps a copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <sodium.h>

#include "events/keyfile.h"
#include "util/fileio.h"

/* Exactly @len bytes and nothing after them. */
static int read_key(int fd, uint8_t *buf, size_t len)
{
	uint8_t extra;
	int r = fileio_read_exact(fd, buf, len);

	if (r < 0)
		return r;
	return read(fd, &extra, 1) == 0 ? 0 : -EBADMSG;
}

/* Create the key file atomically (fileio_create()). -EEXIST: another process won the race;
 * the caller reads its key. */
static int create(const char *path, uint8_t *key, size_t len)
{
	randombytes_buf(key, len);
	return fileio_create(path, key, len, 0600);
}

int keyfile_load(const char *state_dir, const char *name, uint8_t *out, size_t len)
{
	char path[4096];
	int fd, r;

	if (sodium_init() < 0)
		return -EIO;
	if (snprintf(path, sizeof(path), "%s/%s", state_dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		r = create(path, out, len);
		if (r != -EEXIST)
			return r;
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	r = read_key(fd, out, len);
	close(fd);
	return r;
}
