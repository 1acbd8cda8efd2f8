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

static int read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;
	uint8_t extra;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EBADMSG;
		got += (size_t)n;
	}
	return read(fd, &extra, 1) == 0 ? 0 : -EBADMSG;
}

static int write_full(int fd, const uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/* Create the key file atomically: write a temporary, fsync, link into place. */
static int create(const char *path, uint8_t *key, size_t len)
{
	char tmp[4096];
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	randombytes_buf(key, len);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = write_full(fd, key, len);
	if (r >= 0 && fsync(fd) < 0)
		r = -errno;
	close(fd);
	if (r >= 0 && link(tmp, path) < 0)
		r = -errno; /* EEXIST: another process won the race; the caller reads its key */
	unlink(tmp);
	return r;
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
	r = read_full(fd, out, len);
	close(fd);
	return r;
}
