/* SPDX-License-Identifier: MIT */
/*
 * zoom.h - enlarges a region of a luma frame twice (bilinear), for a second look at a QR code
 * the camera path found but could not read: small modules sampled at twice the resolution.
 */
#ifndef PASSGATE_HAL_ZOOM_H
#define PASSGATE_HAL_ZOOM_H
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

/*
 * Writes the w x h region at (x, y) of src (rows stride bytes apart), enlarged to 2w x 2h, into
 * dst (2w x 2h bytes, packed; the caller owns it). Pixel centres are kept: each source pixel
 * becomes four, weighted 3:1 with its neighbours, edges clamped to the region. Returns 0 or
 * -EINVAL when the region is empty.
 */
int hal_zoom2(const uint8_t *src, size_t stride, unsigned x, unsigned y, unsigned w, unsigned h,
	      uint8_t *dst);

#ifdef __cplusplus
}
#endif
#endif
