/* SPDX-License-Identifier: MIT */
/*
 * qr_input.c - `--image FILE`: the image is decoded as the kiosk's camera frames are (hal/),
 * so that an operator can check a visitor's printout or screenshot with the same decoder.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/qr_input.h"
#include "hal/decode.h"

int cli_read_qr_image(const char *command, const char *path, char **ret, size_t *ret_len)
{
	char *text = NULL;
	size_t len = 0;
	int r;

	r = hal_decode_image_file(path, &text, &len);
	if (r < 0) {
		fprintf(stderr, "passgate %s: %s: %s\n", command, path,
			r == -EINVAL ? "not a PNG or JPEG image" : strerror(-r));
		return r;
	}
	if (r == 0) {
		text = strdup("");
		if (!text)
			return -ENOMEM;
		len = 0;
	}
	*ret = text;
	*ret_len = len;
	return 0;
}
