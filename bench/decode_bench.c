/* SPDX-License-Identifier: MIT */
/*
 * decode_bench.c - time per frame of the passgate QR decoder (hal_qr_decode, the camera path:
 * HAL_QR_FAST) against libzbar (QR only) on the same frames, at 1280x720 and 640x480, with and
 * without a QR code. Prints median and p99 in milliseconds, and how many frames each read.
 *
 * Times are the thread's CPU time per call (CLOCK_THREAD_CPUTIME_ID), so a loaded machine does
 * not inflate them. The passgate decoder runs its inverted pass on every fourth call (as on a live
 * stream), so its figures mix one-pass and two-pass frames, as the camera path does.
 *
 * Frames are built from the corpora, not drawn: "with QR" frames put a DCC quality-assurance
 * image (real issuers' codes) at 45 % of the frame height on a background taken from a phone
 * screenshot of the Cypriot test set, with sensor-like noise and reduced contrast; "without QR"
 * frames are the screenshots alone (text, photos, UI: what a camera sees between visitors).
 *
 *   decode_bench CONFORMANCE_DIR [ROUNDS]
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zbar.h>

#include "hal/image.h"
#include "hal/qr_decode.h"

#define MAX_FILES 64

static char *qr_files[MAX_FILES], *bg_files[MAX_FILES];
static unsigned n_qr, n_bg;

static void collect(const char *dir, const char *ext, char **out, unsigned *n, unsigned max)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d)) && *n < max) {
		char path[1024];
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (de->d_type == DT_DIR) {
			collect(path, ext, out, n, max);
			continue;
		}
		const char *dot = strrchr(de->d_name, '.');
		if (dot && strcasecmp(dot, ext) == 0)
			out[(*n)++] = strdup(path);
	}
	closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Bilinear-free nearest resample of src (sw x sh) into dst region. */
static void blit(const uint8_t *src, unsigned sw, unsigned sh, uint8_t *dst, unsigned dw,
		 unsigned x0, unsigned y0, unsigned w, unsigned h)
{
	for (unsigned y = 0; y < h; y++)
		for (unsigned x = 0; x < w; x++)
			dst[(size_t)(y0 + y) * dw + x0 + x] =
				src[(size_t)(y * sh / h) * sw + x * sw / w];
}

static uint32_t rng = 12345;
static unsigned rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 16;
}

/* One frame: background i, optional QR j; returns malloc'd w x h luma. */
static uint8_t *make_frame(unsigned w, unsigned h, unsigned i, int j)
{
	uint8_t *f = malloc((size_t)w * h), *l;
	unsigned lw, lh;
	if (hal_image_load(bg_files[i % n_bg], &l, &lw, &lh) == 0) {
		blit(l, lw, lh, f, w, 0, 0, w, h);
		free(l);
	} else {
		memset(f, 128, (size_t)w * h);
	}
	if (j >= 0 && hal_image_load(qr_files[j], &l, &lw, &lh) == 0) {
		unsigned side = h * 45 / 100;
		unsigned x0 = rnd() % (w - side), y0 = rnd() % (h - side);
		blit(l, lw, lh, f, w, x0, y0, side, side);
		free(l);
	}
	for (size_t k = 0; k < (size_t)w * h; k++) {
		int v = 40 + f[k] * 170 / 255 + (int)(rnd() % 13) - 6; /* contrast 2/3, noise ±6 */
		f[k] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
	}
	return f;
}

static double now_ms(void)
{
	struct timespec ts;
	/* CPU time of this thread: the build machine runs other jobs, and wall time would
	 * charge their time slices to whichever decoder happened to be running. */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void report(const char *what, double *t, unsigned n, unsigned read, unsigned frames)
{
	qsort(t, n, sizeof(*t), cmp_double);
	printf("  %-8s median %7.2f ms  p99 %7.2f ms  read %u/%u frames\n", what, t[n / 2],
	       t[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1], read, frames);
}

static void bench(unsigned w, unsigned h, int with_qr, unsigned frames, unsigned rounds)
{
	struct hal_qr *qr;
	zbar_image_scanner_t *zs = zbar_image_scanner_create();
	double *tp = calloc(frames * rounds, sizeof(double)), *tz = calloc(frames * rounds, sizeof(double));
	unsigned n = 0, read_p = 0, read_z = 0;
	double med_p, med_z;

	zbar_image_scanner_set_config(zs, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(zs, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	hal_qr_new(HAL_QR_FAST, &qr);
	for (unsigned i = 0; i < frames; i++) {
		uint8_t *f = make_frame(w, h, i, with_qr ? (int)(i % n_qr) : -1);
		for (unsigned r = 0; r < rounds; r++) {
			char *text;
			size_t len;
			double t0 = now_ms();
			int got = hal_qr_decode(qr, f, w, h, w, &text, &len);
			tp[n] = now_ms() - t0;
			if (got == 1) {
				free(text);
				read_p += r == 0;
			}
			zbar_image_t *zi = zbar_image_create();
			zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
			zbar_image_set_size(zi, w, h);
			zbar_image_set_data(zi, f, (unsigned long)w * h, NULL);
			t0 = now_ms();
			int zn = zbar_scan_image(zs, zi);
			tz[n] = now_ms() - t0;
			read_z += r == 0 && zn > 0;
			zbar_image_destroy(zi);
			n++;
		}
		free(f);
	}
	printf("%ux%u %s QR (%u frames x %u rounds)\n", w, h, with_qr ? "with" : "without", frames,
	       rounds);
	report("passgate", tp, n, read_p, frames);
	med_p = tp[n / 2];
	report("zbar", tz, n, read_z, frames);
	med_z = tz[n / 2];
	printf("  speed-up (median): %.1fx\n", med_z / med_p);
	hal_qr_free(qr);
	zbar_image_scanner_destroy(zs);
	free(tp);
	free(tz);
}

int main(int argc, char **argv)
{
	char dir[1024];
	unsigned rounds = argc > 2 ? (unsigned)atoi(argv[2]) : 5;

	if (argc < 2) {
		fprintf(stderr, "usage: decode_bench CONFORMANCE_DIR [ROUNDS]\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/dcc/qa-images", argv[1]);
	collect(dir, ".png", qr_files, &n_qr, MAX_FILES);
	snprintf(dir, sizeof(dir), "%s/dcc/testdata/CY", argv[1]);
	collect(dir, ".jpg", bg_files, &n_bg, MAX_FILES);
	if (!n_qr || !n_bg) {
		fprintf(stderr, "decode_bench: no images under %s\n", argv[1]);
		return 2;
	}
	qsort(qr_files, n_qr, sizeof(char *), cmp_str);
	qsort(bg_files, n_bg, sizeof(char *), cmp_str);
	printf("decoder: ZXing-C++ %s (passgate, HAL_QR_FAST) vs zbar %s, QR only\n",
	       hal_qr_library_version(), "0.23");
	bench(1280, 720, 1, 40, rounds);
	bench(1280, 720, 0, 40, rounds);
	bench(640, 480, 1, 40, rounds);
	bench(640, 480, 0, 40, rounds);
	for (unsigned i = 0; i < n_qr; i++)
		free(qr_files[i]);
	for (unsigned i = 0; i < n_bg; i++)
		free(bg_files[i]);
	return 0;
}
