/* SPDX-License-Identifier: MIT */
/*
 * qr_input.h - the QR text in an image file, for `--image` of `passgate verify` and `check`.
 */
#ifndef PASSGATE_CLI_QR_INPUT_H
#define PASSGATE_CLI_QR_INPUT_H

#include <stddef.h>

/*
 * Decode the QR code in the PNG or JPEG at @path. Returns 0 with *ret (freed with free()) and
 * *ret_len set; an image without a QR code gives the empty text, which verification reports
 * as `unreadable`, as a kiosk would. Returns -errno when the file cannot be read or is not an
 * image, after a message on stderr prefixed with "passgate @command".
 */
int cli_read_qr_image(const char *command, const char *path, char **ret, size_t *ret_len);

#endif
