/* SPDX-License-Identifier: MIT */
/*
 * camera_module.c - the libcamera shim as a module, loaded only when a libcamera source is
 * configured.
 *
 * Linked in, libcamera and its liblttng-ust were loaded by every start of the daemon and the
 * CLI: ~15 ms of liblttng-ust's start-up state dump alone, even with a dir: camera, against a
 * budget of 50 ms to READY (bench/daemon.md). As a module it costs nothing until a libcamera
 * camera is opened. The installed module is tried first; a program run from the build tree
 * finds the module built beside it ($ORIGIN, expanded by dlopen, is the program's directory).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>

#include "hal/camera_module.h"

#define MODULE_NAME "camera-libcamera.so"

int hal_camera_module_open(void **ret_handle, const struct hal_lc_ops **ret_ops)
{
	static const char *const paths[] = {
		PASSGATE_HAL_MODULE_DIR "/" MODULE_NAME,
		"$ORIGIN/../lib/passgate/" MODULE_NAME,
	};
	void *h = NULL;
	const struct hal_lc_ops *ops;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]) && !h; i++)
		h = dlopen(paths[i], RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return -ENOENT;
	ops = (const struct hal_lc_ops *)dlsym(h, HAL_LC_OPS_SYMBOL);
	if (!ops || !ops->open || !ops->close || !ops->fd || !ops->next || !ops->requeue ||
	    !ops->version) {
		dlclose(h);
		return -ENOEXEC;
	}
	*ret_handle = h;
	*ret_ops = ops;
	return 0;
}

void hal_camera_module_close(void *handle)
{
	if (handle)
		dlclose(handle);
}
