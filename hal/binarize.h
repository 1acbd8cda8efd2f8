/* SPDX-License-Identifier: MIT */
/*
 * binarize.h - local-mean binarization of a luma frame into both polarities at once, for the
 * camera path: dark-on-light codes (paper, a phone in light mode) and light-on-dark ones (a phone
 * in dark mode), whose image has the lighter pixels black so that ZXing reads it as any other.
 *
 * The binarizer owns its output and scratch buffers and reuses them between frames: no allocation
 * per frame once the largest frame has been seen.
 */
#ifndef PASSGATE_HAL_BINARIZE_H
#define PASSGATE_HAL_BINARIZE_H
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

struct hal_bin;

/* Caller frees with hal_bin_free(). Returns 0 or -ENOMEM. */
int hal_bin_new(struct hal_bin **ret);
void hal_bin_free(struct hal_bin *b);

/*
 * Binarizes a width x height image whose rows are stride bytes apart. On success *ret_dark and
 * *ret_light point to width x height packed images of 0 (black) and 255 (white): in *ret_dark
 * the pixels at or below their neighbourhood's mean are black, in *ret_light those at or above
 * it (the inverted frame's dark pixels). Uniform areas are white in both. Both stay owned by b
 * and valid until its next call. Returns 0, -EINVAL (bad geometry), -ENOMEM.
 */
int hal_bin_run(struct hal_bin *b, const uint8_t *luma, unsigned width, unsigned height,
		size_t stride, const uint8_t **ret_dark, const uint8_t **ret_light);

#ifdef __cplusplus
}
#endif
#endif
