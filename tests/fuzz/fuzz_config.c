/* SPDX-License-Identifier: MIT */
/*
 * fuzz_config.c - libFuzzer target for daemon/config.c: any bytes as passgated.conf must give
 * either a config or a "file:line: reason" error, never a crash, leak or overflow. The input is
 * served from a memfd through /proc/self/fd, so config_load() reads it like a real file.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "daemon/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[CONFIG_ERROR_MAX];
	struct config *c = NULL;
	int fd = memfd_create("passgated.conf", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size)
		goto close_fd;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (config_load(path, &c, err) >= 0)
		config_free(c);
	else if (strncmp(err, path, strlen(path)) != 0)
		__builtin_trap(); /* every error names the file */
close_fd:
	close(fd);
	return 0;
}
