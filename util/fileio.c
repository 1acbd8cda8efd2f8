/* SPDX-License-Identifier: MIT */
/*
 * fileio.c - bounded reads, exact writes and atomic replacement of files (fileio.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fileio.h"

#define READ_CHUNK 4096
#define PATH_MAX_  4096

static int open_checked(const char *path, unsigned flags, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (flags & FILEIO_NOFOLLOW ? O_NOFOLLOW : 0));

	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	if ((flags & FILEIO_REGULAR) && !S_ISREG(st->st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/* Grow @buf to hold @need bytes plus the terminating NUL. */
static int reserve(char **buf, size_t *cap, size_t need)
{
	char *p;
	size_t n = *cap ? *cap : READ_CHUNK;

	if (need < *cap)
		return 0;
	while (n <= need)
		n *= 2;
	p = realloc(*buf, n);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = n;
	return 0;
}

int fileio_read(const char *path, size_t max, unsigned flags, char **ret_data, size_t *ret_len)
{
	struct stat st;
	char *buf = NULL;
	size_t cap = 0, have = 0;
	int fd, r;

	fd = open_checked(path, flags, &st);
	if (fd < 0)
		return fd;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		r = -EFBIG;
		goto close_fd;
	}
	/* A regular file's size is only a hint (it may grow): read to the end, within @max. */
	r = reserve(&buf, &cap, S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 0);
	while (r >= 0) {
		ssize_t n;

		if (have > max) {
			r = -EFBIG;
			break;
		}
		r = reserve(&buf, &cap, have + 1);
		if (r < 0)
			break;
		n = read(fd, buf + have, cap - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = -errno;
		else if (n == 0)
			break;
		else
			have += (size_t)n;
	}
	if (r < 0)
		goto free_buf;
	buf[have] = '\0';
	*ret_data = buf;
	*ret_len = have;
	close(fd);
	return 0;

free_buf:
	free(buf);
close_fd:
	close(fd);
	return r;
}

int fileio_read_exact(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EBADMSG;
		got += (size_t)n;
	}
	return 0;
}

int fileio_write_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/* "<path>.tmp" with @buf written and fsync'd; the caller links or renames it. */
static int write_tmp(const char *path, const void *buf, size_t len, mode_t mode, char *tmp,
		     size_t size)
{
	int fd, r;

	if (snprintf(tmp, size, "%s.tmp", path) >= (int)size)
		return -ENAMETOOLONG;
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -errno;
	r = fileio_write_all(fd, buf, len);
	if (r >= 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r >= 0)
		r = -errno;
	if (r < 0)
		(void)unlink(tmp);
	return r;
}

static int sync_dir_of(const char *path)
{
	char dir[PATH_MAX_];
	const char *slash = strrchr(path, '/');
	int fd, r;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	return r;
}

int fileio_replace(const char *path, const void *buf, size_t len, mode_t mode)
{
	char tmp[PATH_MAX_];
	int r;

	r = write_tmp(path, buf, len, mode, tmp, sizeof(tmp));
	if (r < 0)
		return r;
	if (rename(tmp, path) < 0) {
		r = -errno;
		(void)unlink(tmp);
		return r;
	}
	return sync_dir_of(path);
}

int fileio_create(const char *path, const void *buf, size_t len, mode_t mode)
{
	char tmp[PATH_MAX_];
	int r;

	r = write_tmp(path, buf, len, mode, tmp, sizeof(tmp));
	if (r < 0)
		return r;
	r = link(tmp, path) < 0 ? -errno : 0;
	(void)unlink(tmp);
	return r < 0 ? r : sync_dir_of(path);
}
