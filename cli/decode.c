/* SPDX-License-Identifier: MIT */
/*
 * decode.c - `passgate decode --image FILE`: print the text of the QR code in a PNG or JPEG.
 *
 * Exit status: 0 with the text on stdout (one line), 1 when the image holds no readable QR code,
 * 2 on usage or I/O errors (a file that is not a PNG/JPEG counts as I/O).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "hal/decode.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: passgate decode --image FILE\n"
		   "Prints the text of the QR code in a PNG or JPEG image.\n"
		   "Exit status: 0 found, 1 no QR code, 2 usage or I/O error.\n");
}

int cmd_decode(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *image = NULL;
	char *text;
	size_t len;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			image = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!image || optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	r = hal_decode_image_file(image, &text, &len);
	if (r < 0) {
		fprintf(stderr, "passgate decode: %s: %s\n", image,
			r == -EINVAL ? "not a PNG or JPEG image" : strerror(-r));
		return EXIT_USAGE;
	}
	if (r == 0) {
		fprintf(stderr, "passgate decode: %s: no QR code found\n", image);
		return 1;
	}
	fwrite(text, 1, len, stdout);
	fputc('\n', stdout);
	free(text);
	return 0;
}
