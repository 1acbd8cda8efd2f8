/* SPDX-License-Identifier: MIT */
/*
 * jpeg.c - the one file that includes libjpeg(-turbo): JPEG to luma. libjpeg reports errors
 * through error_exit, which must not return: it longjmps back here. Its warnings and messages
 * are swallowed (hal/ never logs); a corrupt image is simply -EINVAL. YCbCr decodes straight
 * to its Y channel (out_color_space = JCS_GRAYSCALE), which is what a camera's luma plane holds.
 *
 * A small file can ask for a lot of work: a progressive JPEG of 240 bytes may declare thousands
 * of scans, each a pass over the whole image (issue 9). libjpeg's progress monitor, called per
 * scan while the input is absorbed and per row group while it is output, counts the scans and
 * watches a deadline, and stops the decode through error_exit.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <jpeglib.h>

#include "hal/jpeg.h"

struct err {
	struct jpeg_error_mgr pub;
	jmp_buf jump;
	volatile int code; /* why the decode stopped: -EINVAL unless the monitor says otherwise */
};

struct monitor {
	struct jpeg_progress_mgr pub;
	unsigned max_scans;
	uint64_t deadline_ns;
};

static void on_error(j_common_ptr cinfo)
{
	struct err *e = (struct err *)(void *)cinfo->err;
	longjmp(e->jump, 1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_progress(j_common_ptr cinfo)
{
	struct monitor *m = (struct monitor *)(void *)cinfo->progress;
	struct err *e = (struct err *)(void *)cinfo->err;
	const struct jpeg_decompress_struct *d = (const struct jpeg_decompress_struct *)cinfo;

	if (d->input_scan_number > 0 && (unsigned)d->input_scan_number > m->max_scans)
		e->code = -E2BIG;
	else if (now_ns() >= m->deadline_ns)
		e->code = -ETIME;
	else
		return;
	longjmp(e->jump, 1);
}

static void on_message(j_common_ptr cinfo, int level)
{
	(void)cinfo;
	(void)level;
}

static void on_output(j_common_ptr cinfo)
{
	(void)cinfo;
}

int hal_jpeg_decode_gray(const void *data, size_t len, unsigned max_dimension, uint64_t max_pixels,
			 unsigned max_scans, unsigned max_ms, uint8_t **ret_luma,
			 unsigned *ret_width, unsigned *ret_height)
{
	struct jpeg_decompress_struct cinfo;
	struct monitor m = { .max_scans = max_scans };
	struct err e = { .code = -EINVAL };
	uint8_t *volatile pix = NULL;
	int r = -EINVAL;

	if (len > 0xffffffffu)
		return -EINVAL;
	m.pub.progress_monitor = on_progress;
	m.deadline_ns = now_ns() + (uint64_t)max_ms * 1000000u;
	cinfo.err = jpeg_std_error(&e.pub);
	e.pub.error_exit = on_error;
	e.pub.emit_message = on_message;
	e.pub.output_message = on_output;
	if (setjmp(e.jump)) {
		free(pix);
		jpeg_destroy_decompress(&cinfo);
		return e.code;
	}
	jpeg_create_decompress(&cinfo);
	cinfo.progress = &m.pub;
	jpeg_mem_src(&cinfo, (const unsigned char *)data, (unsigned long)len);
	if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK)
		goto destroy;
	if (cinfo.image_width == 0 || cinfo.image_height == 0 ||
	    cinfo.image_width > max_dimension || cinfo.image_height > max_dimension ||
	    (uint64_t)cinfo.image_width * cinfo.image_height > max_pixels)
		goto destroy;
	/* CMYK/YCCK cannot become grey in libjpeg: refused (no camera or phone makes them). */
	if (cinfo.jpeg_color_space != JCS_GRAYSCALE && cinfo.jpeg_color_space != JCS_YCbCr &&
	    cinfo.jpeg_color_space != JCS_RGB)
		goto destroy;
	cinfo.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&cinfo);
	if (cinfo.output_components != 1)
		goto destroy;
	r = -ENOMEM;
	pix = malloc((size_t)cinfo.output_width * cinfo.output_height);
	if (!pix)
		goto destroy;
	r = -EINVAL;
	while (cinfo.output_scanline < cinfo.output_height) {
		JSAMPROW row = pix + (size_t)cinfo.output_scanline * cinfo.output_width;
		jpeg_read_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_decompress(&cinfo);
	*ret_luma = pix;
	*ret_width = cinfo.output_width;
	*ret_height = cinfo.output_height;
	jpeg_destroy_decompress(&cinfo);
	return 0;

destroy:
	free(pix);
	jpeg_destroy_decompress(&cinfo);
	return r;
}
