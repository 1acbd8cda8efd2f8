/* SPDX-License-Identifier: MIT */
/*
 * fileio.h - the few file operations every part of passgate needs, written once: a bounded
 * whole-file reader, exact reads and writes that survive EINTR and short transfers, and files
 * replaced or created atomically (a reader sees the old content or the new, never a torn one).
 *
 * The bottom floor: it uses libc only and every library may use it. Library code: it returns
 * -errno and never logs. Buffers returned are malloc'd and owned by the caller.
 */
#ifndef PASSGATE_UTIL_FILEIO_H
#define PASSGATE_UTIL_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

enum {
	FILEIO_REGULAR = 1u << 0,  /* refuse anything but a regular file (-EINVAL) */
	FILEIO_NOFOLLOW = 1u << 1, /* refuse a symbolic link as the last component (-ELOOP) */
};

/*
 * The whole file at @path, at most @max bytes (-EFBIG beyond), into *ret_data (malloc'd,
 * NUL-terminated after *ret_len bytes, which may themselves contain NUL; caller frees). Pipes
 * and character devices are read to their end unless FILEIO_REGULAR is given.
 */
int fileio_read(const char *path, size_t max, unsigned flags, char **ret_data, size_t *ret_len);

/* Exactly @len bytes from @fd; -EBADMSG when the file ends first. */
int fileio_read_exact(int fd, void *buf, size_t len);
/* All @len bytes to @fd. */
int fileio_write_all(int fd, const void *buf, size_t len);

/*
 * Replace @path by @len bytes of @buf: "<path>.tmp" written with @mode, fsync'd, renamed over
 * @path, then the directory fsync'd. On failure @path is as it was.
 */
int fileio_replace(const char *path, const void *buf, size_t len, mode_t mode);

/*
 * Create @path with @len bytes of @buf only if it does not exist: written under "<path>.tmp",
 * fsync'd and linked into place, so that nobody ever reads a partial file. -EEXIST when
 * another process created it first.
 */
int fileio_create(const char *path, const void *buf, size_t len, mode_t mode);

#endif
