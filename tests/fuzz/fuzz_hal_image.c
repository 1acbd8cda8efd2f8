/* SPDX-License-Identifier: MIT */
/* fuzz_hal_image.c - PNG/JPEG bytes from outside (dir: camera, --image) through stb_image and,
 * when they decode, through the QR decoder. */
#include <stdint.h>
#include <stdlib.h>

#include "hal/image.h"
#include "hal/qr_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hal_qr *qr;
	uint8_t *luma;
	unsigned w, h;
	char *text;
	size_t len;

	if (!qr && hal_qr_new(HAL_QR_FAST, &qr) < 0)
		abort();
	if (hal_image_decode(data, size, &luma, &w, &h) < 0)
		return 0;
	if ((uint64_t)w * h <= 1u << 20 && hal_qr_decode(qr, luma, w, h, w, &text, &len) == 1)
		free(text);
	free(luma);
	return 0;
}
