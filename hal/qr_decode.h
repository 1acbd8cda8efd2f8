/* SPDX-License-Identifier: MIT */
/*
 * qr_decode.h - QR code reader: 8-bit luma in, text out (a C wrapper over ZXing-C++).
 *
 * The hal_qr_ prefix keeps clear of ZXingC.h, the C API that ZXing-C++ 2.3+ ships. The decoder
 * reads the caller's pixels in place (no copy); its binarized, inverted and enlarged images live
 * in buffers the decoder owns and reuses between frames. One decoder per thread.
 */
#ifndef PASSGATE_HAL_QR_DECODE_H
#define PASSGATE_HAL_QR_DECODE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct hal_qr;

/* How hard to look. FAST suits a live camera stream (the next frame comes in 33 ms: a few passes
 * that share one binarization); THOROUGH suits a single photo (rotations, binarizers,
 * downscaling). Both try the inverted image on every call. */
enum hal_qr_effort {
	HAL_QR_FAST = 0,
	HAL_QR_THOROUGH = 1,
};

/* The longest text returned; longer codes are reported as not found (DESIGN.md: limits). */
#define HAL_QR_MAX_TEXT 8192

/* Caller frees with hal_qr_free(). */
int hal_qr_new(enum hal_qr_effort effort, struct hal_qr **ret);
void hal_qr_free(struct hal_qr *qr);

/*
 * Looks for one QR code in a width x height luma image whose rows are stride bytes apart. Returns
 * 1 and a NUL-terminated malloc'd copy of the text in *ret_text (caller frees; *ret_len is its
 * length, which may include NUL bytes), 0 when no code was found, or -errno (-EINVAL for bad
 * geometry, -ENOMEM, -EIO when the library failed).
 */
int hal_qr_decode(struct hal_qr *qr, const uint8_t *luma, unsigned width, unsigned height,
		  size_t stride, char **ret_text, size_t *ret_len);

/* The ZXing-C++ version this was built against, e.g. "1.4.0". Static storage. */
const char *hal_qr_library_version(void);

#ifdef __cplusplus
}
#endif

#endif
