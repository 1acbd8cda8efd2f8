/* SPDX-License-Identifier: MIT */
/*
 * camera_module.h - loads the libcamera shim module (camera-libcamera.so) with dlopen(), for
 * camera.c when a libcamera source is configured (internal to hal/).
 */
#ifndef PASSGATE_HAL_CAMERA_MODULE_H
#define PASSGATE_HAL_CAMERA_MODULE_H

#include "hal/camera_libcamera.h"

/*
 * Loads the module: the installed one (PASSGATE_HAL_MODULE_DIR), else the one next to the
 * running program's build tree ($ORIGIN/../lib/passgate). On success *ret_handle is for
 * hal_camera_module_close() and *ret_ops points into the module (valid until then). Returns 0,
 * -ENOENT (no module: libcamera support not installed), -ENOEXEC (not a passgate camera module).
 */
int hal_camera_module_open(void **ret_handle, const struct hal_lc_ops **ret_ops);
/* Unloads it; NULL is a no-op. */
void hal_camera_module_close(void *handle);

#endif
