/* SPDX-License-Identifier: MIT */
/*
 * hardframes.c - the hard-frame corpus and its read-rate bench: frames a camera at the door really
 * gives, built from real minted payloads, read by the camera path, the CLI and zbar.
 *
 *   hardframes PAYLOADS BACKGROUND_DIR OUT_DIR
 *
 * PAYLOADS holds one QR text per line (bench/hardframes.sh mints them with `passgate issue-test`).
 * Every frame is a scene from BACKGROUND_DIR (phone screenshots: text, photos, UI) with one code
 * drawn through a homography (3x3 supersampled), the optics (Gaussian blur), sensor noise and the
 * condition's damage; it is written to OUT_DIR as a PNG and read three ways:
 *  - camera: hal_qr_decode with HAL_QR_FAST, one call per frame on one decoder per condition, as
 *    the daemon's frame loop calls it (the pixels in memory);
 *  - cli: hal_decode_image_file on the PNG, which is `passgate decode --image`;
 *  - zbar: libzbar on the same pixels, QR only (as `zbarimg -Sdisable -Sqrcode.enable`).
 * A read counts only when the text equals the payload. Per condition and resolution it prints the
 * counts and the camera path's median CPU time per frame (CLOCK_THREAD_CPUTIME_ID).
 *
 * Conditions (ISO/IEC 18004 asks for a 4-module quiet zone; every code has one, light or dark):
 * size220 and size150 (the symbol's side in pixels, small tilt), blur, lowcontrast, rot30,
 * perspective, screen (a phone screen: pixel grid that aliases into moire, and a glare spot),
 * inverted (light modules on a dark screen). All but the size ones alternate 220 and 150 px.
 */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zbar.h>

#include "hal/decode.h"
#include "hal/image.h"
#include "hal/png.h"
#include "hal/qr_decode.h"
#include "hal/qrcode.h"

#define MAX_PAYLOADS	 32
#define MAX_BG		 64
#define FRAMES_PER_GROUP 20
#define QUIET		 4

enum cond { SIZE220, SIZE150, BLUR, LOWCONTRAST, ROT30, PERSPECTIVE, SCREEN, INVERTED, N_COND };
static const char *const cond_name[N_COND] = { "size220", "size150",	 "blur",   "lowcontrast",
					       "rot30",	  "perspective", "screen", "inverted" };

static char *payloads[MAX_PAYLOADS];
static unsigned n_payloads;
static char *bg_files[MAX_BG];
static unsigned n_bg;

static uint32_t rng = 20261204;
static double frand(void) /* [0, 1) */
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 8) / 16777216.0;
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

static void collect(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d)) && n_bg < MAX_BG) {
		const char *dot = strrchr(de->d_name, '.');
		char path[1024];
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (de->d_type == DT_DIR)
			collect(path);
		else if (dot && strcasecmp(dot, ".jpg") == 0)
			bg_files[n_bg++] = strdup(path);
	}
	closedir(d);
}

static int read_payloads(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	if (!f)
		return -1;
	while (n_payloads < MAX_PAYLOADS && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0])
			payloads[n_payloads++] = strdup(line);
	}
	fclose(f);
	return n_payloads ? 0 : -1;
}

/* The homography taking the unit square's corners (0,0) (1,0) (1,1) (0,1) to q[0..3]
 * (Heckbert's square-to-quad), inverted: m maps image (x, y, 1) to square (u w, v w, w). */
static void square_to_quad_inv(double q[4][2], double m[9])
{
	double sx = q[0][0] - q[1][0] + q[2][0] - q[3][0],
	       sy = q[0][1] - q[1][1] + q[2][1] - q[3][1];
	double dx1 = q[1][0] - q[2][0], dx2 = q[3][0] - q[2][0];
	double dy1 = q[1][1] - q[2][1], dy2 = q[3][1] - q[2][1];
	double den = dx1 * dy2 - dx2 * dy1;
	double g = (sx * dy2 - dx2 * sy) / den, h = (dx1 * sy - sx * dy1) / den;
	double a = q[1][0] - q[0][0] + g * q[1][0], b = q[3][0] - q[0][0] + h * q[3][0];
	double c = q[0][0], d = q[1][1] - q[0][1] + g * q[1][1];
	double e = q[3][1] - q[0][1] + h * q[3][1], f = q[0][1];
	/* adjugate of [[a b c] [d e f] [g h 1]] */
	m[0] = e - f * h, m[1] = c * h - b, m[2] = b * f - c * e;
	m[3] = f * g - d, m[4] = a - c * g, m[5] = c * d - a * f;
	m[6] = d * h - e * g, m[7] = b * g - a * h, m[8] = a * e - b * d;
}

struct look {
	double dark, light; /* module and quiet-zone luma */
	double grid;	    /* screen pixel grid depth, 0 = printed/none */
	double grid_period; /* screen pixels per module */
	double glare;	    /* peak added luma of a glare spot */
	double gx, gy, gr;  /* glare centre (in symbol units 0..1) and radius */
};

/* Luma of the code plane at (u, v) in [0,1]^2 of the quiet-zone-extended square. */
static double plane(const uint8_t *mod, unsigned n, double u, double v, const struct look *lk)
{
	double mu = u * (n + 2 * QUIET) - QUIET, mv = v * (n + 2 * QUIET) - QUIET;
	double val = lk->light;
	if (mu >= 0 && mv >= 0 && mu < n && mv < n && mod[(unsigned)mv * n + (unsigned)mu])
		val = lk->dark;
	if (lk->grid > 0) {
		double pu = mu * lk->grid_period, pv = mv * lk->grid_period;
		double fu = pu - floor(pu), fv = pv - floor(pv);
		if (fu > 0.75 || fv > 0.75)
			val *= 1 - lk->grid;
	}
	if (lk->glare > 0) {
		double du = u - lk->gx, dv = v - lk->gy;
		val += lk->glare * exp(-(du * du + dv * dv) / (lk->gr * lk->gr));
	}
	return val;
}

/* Draws the symbol into the frame through the inverse homography m, 3x3 samples per pixel. */
static void draw(double *img, unsigned w, unsigned h, double q[4][2], const uint8_t *mod,
		 unsigned n, const struct look *lk)
{
	double m[9], x0 = w, y0 = h, x1 = 0, y1 = 0;
	square_to_quad_inv(q, m);
	for (int i = 0; i < 4; i++) {
		x0 = fmin(x0, q[i][0]), x1 = fmax(x1, q[i][0]);
		y0 = fmin(y0, q[i][1]), y1 = fmax(y1, q[i][1]);
	}
	for (int y = (int)fmax(0, y0); y < (int)fmin(h, y1 + 1); y++) {
		for (int x = (int)fmax(0, x0); x < (int)fmin(w, x1 + 1); x++) {
			double sum = 0;
			int in = 0;
			for (int s = 0; s < 9; s++) {
				double sx = x + (s % 3 + 0.5) / 3, sy = y + (s / 3 + 0.5) / 3;
				double ww = m[6] * sx + m[7] * sy + m[8];
				double u = (m[0] * sx + m[1] * sy + m[2]) / ww;
				double v = (m[3] * sx + m[4] * sy + m[5]) / ww;
				if (u < 0 || v < 0 || u >= 1 || v >= 1)
					sum += img[(size_t)y * w + x];
				else
					sum += plane(mod, n, u, v, lk), in++;
			}
			if (in)
				img[(size_t)y * w + x] = sum / 9;
		}
	}
}

/* Separable Gaussian blur of standard deviation sigma (pixels). */
static void blur(double *img, unsigned w, unsigned h, double sigma)
{
	int r = (int)ceil(3 * sigma);
	double k[32], sum = 0;
	double *tmp = malloc(sizeof(double) * (w > h ? w : h));
	if (r > 15)
		r = 15;
	for (int i = -r; i <= r; i++)
		sum += k[i + r] = exp(-(double)(i * i) / (2 * sigma * sigma));
	for (int i = 0; i <= 2 * r; i++)
		k[i] /= sum;
	for (unsigned y = 0; y < h; y++) {
		double *row = img + (size_t)y * w;
		for (int x = 0; x < (int)w; x++) {
			double a = 0;
			for (int i = -r; i <= r; i++)
				a += k[i + r] * row[x + i < 0	      ? 0
						    : x + i >= (int)w ? (int)w - 1
								      : x + i];
			tmp[x] = a;
		}
		memcpy(row, tmp, sizeof(double) * w);
	}
	for (unsigned x = 0; x < w; x++) {
		for (int y = 0; y < (int)h; y++) {
			double a = 0;
			for (int i = -r; i <= r; i++) {
				int yy = y + i < 0 ? 0 : y + i >= (int)h ? (int)h - 1 : y + i;
				a += k[i + r] * img[(size_t)yy * w + x];
			}
			tmp[y] = a;
		}
		for (unsigned y = 0; y < h; y++)
			img[(size_t)y * w + x] = tmp[y];
	}
	free(tmp);
}

/* The scene behind the code: background image i scaled to w x h, contrast 2/3 of full. */
static void scene(double *img, unsigned w, unsigned h, unsigned i)
{
	uint8_t *l;
	unsigned lw, lh;
	if (n_bg && hal_image_load(bg_files[i % n_bg], &l, &lw, &lh) == 0) {
		for (unsigned y = 0; y < h; y++)
			for (unsigned x = 0; x < w; x++)
				img[(size_t)y * w + x] =
					40 +
					l[(size_t)(y * lh / h) * lw + x * lw / w] * 170.0 / 255;
		free(l);
		return;
	}
	for (size_t k = 0; k < (size_t)w * h; k++)
		img[k] = 128;
}

/* The quad of the quiet-zone-extended symbol: side side_px (symbol only), centre (cx, cy),
 * rotation rot (radians); persp > 0 shrinks the right edge by that fraction (a tilted phone). */
static void place(double q[4][2], unsigned n, double side_px, double cx, double cy, double rot,
		  double persp)
{
	double half = side_px * (n + 2.0 * QUIET) / n / 2;
	double corner[4][2] = {
		{ -half, -half }, { half, -half }, { half, half }, { -half, half }
	};
	corner[1][1] *= 1 - persp, corner[2][1] *= 1 - persp;
	corner[1][0] *= 1 - persp / 3, corner[2][0] *= 1 - persp / 3;
	for (int i = 0; i < 4; i++) {
		q[i][0] = cx + corner[i][0] * cos(rot) - corner[i][1] * sin(rot);
		q[i][1] = cy + corner[i][0] * sin(rot) + corner[i][1] * cos(rot);
	}
}

struct frame_spec {
	enum cond c;
	unsigned w, h, idx;
};

/* Builds frame spec.idx of its group: returns malloc'd luma and the payload it carries. */
static uint8_t *make_frame(const struct frame_spec *fs, const char **ret_payload)
{
	const char *text = payloads[(fs->idx + fs->c * 3) % n_payloads];
	uint8_t *mod, *out;
	unsigned n;
	double *img = malloc(sizeof(double) * fs->w * fs->h), q[4][2];
	double side = fs->c == SIZE220 ? 220 : fs->c == SIZE150 ? 150 : fs->idx % 2 ? 150 : 220;
	double rot = (frand() - 0.5) * 0.14, persp = 0, sigma = 0.6 + frand() * 0.3;
	double noise = 6;
	struct look lk = { 30 + frand() * 20, 200 + frand() * 30, 0, 0, 0, 0, 0, 0 };

	if (hal_qr_encode(text, strlen(text), hal_qr_default_ecc(text), &mod, &n) < 0) {
		free(img);
		return NULL;
	}
	scene(img, fs->w, fs->h, fs->idx + fs->c * 7);
	switch (fs->c) {
	case BLUR:
		sigma = 1.1 + frand() * 0.3;
		break;
	case LOWCONTRAST:
		lk.dark = 105 + frand() * 15, lk.light = lk.dark + 40 + frand() * 15, noise = 5;
		break;
	case ROT30:
		rot = (frand() < 0.5 ? -1 : 1) * (28 + frand() * 4) * M_PI / 180;
		break;
	case PERSPECTIVE:
		persp = 0.22 + frand() * 0.08;
		break;
	case SCREEN:
		lk.grid = 0.35, lk.grid_period = 2.7 + frand() * 0.8;
		lk.glare = 120 + frand() * 60, lk.gx = 0.3 + frand() * 0.4;
		lk.gy = 0.3 + frand() * 0.4, lk.gr = 0.18 + frand() * 0.08;
		break;
	case INVERTED: {
		double t = lk.dark;
		lk.dark = lk.light, lk.light = t;
		break;
	}
	default:
		break;
	}
	double reach = side * (n + 2.0 * QUIET) / n * 0.75;
	double cx = reach + frand() * (fs->w - 2 * reach),
	       cy = reach + frand() * (fs->h - 2 * reach);
	place(q, n, side, cx, cy, rot, persp);
	draw(img, fs->w, fs->h, q, mod, n, &lk);
	blur(img, fs->w, fs->h, sigma);
	out = malloc((size_t)fs->w * fs->h);
	for (size_t k = 0; k < (size_t)fs->w * fs->h; k++) {
		double v = img[k] + (frand() * 2 - 1) * noise;
		out[k] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : lround(v));
	}
	free(mod);
	free(img);
	*ret_payload = text;
	return out;
}

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int same(const char *text, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(text, want, len) == 0;
}

static int zbar_reads(zbar_image_scanner_t *zs, const uint8_t *f, unsigned w, unsigned h,
		      const char *want)
{
	zbar_image_t *zi = zbar_image_create();
	int ok = 0;
	zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(zi, w, h);
	zbar_image_set_data(zi, f, (unsigned long)w * h, NULL);
	if (zbar_scan_image(zs, zi) > 0) {
		for (const zbar_symbol_t *s = zbar_image_first_symbol(zi); s;
		     s = zbar_symbol_next(s))
			ok |= same(zbar_symbol_get_data(s), zbar_symbol_get_data_length(s), want);
	}
	zbar_image_destroy(zi);
	return ok;
}

struct tally {
	unsigned frames, camera, cli, zbar;
};

static void group(enum cond c, unsigned w, unsigned h, const char *out_dir,
		  zbar_image_scanner_t *zs, struct tally *sum)
{
	struct tally t = { 0, 0, 0, 0 };
	double ms[FRAMES_PER_GROUP];
	struct hal_qr *qr;
	if (hal_qr_new(HAL_QR_FAST, &qr) < 0)
		return;
	for (unsigned i = 0; i < FRAMES_PER_GROUP; i++) {
		struct frame_spec fs = { c, w, h, i };
		const char *want;
		char path[1024], *text;
		size_t len;
		uint8_t *f = make_frame(&fs, &want);
		if (!f)
			continue;
		snprintf(path, sizeof(path), "%s/%s-%u-%02u.png", out_dir, cond_name[c], h, i);
		hal_png_write_gray(path, f, w, h, w);
		double t0 = cpu_ms();
		int r = hal_qr_decode(qr, f, w, h, w, &text, &len);
		ms[t.frames++] = cpu_ms() - t0;
		if (r == 1) {
			t.camera += same(text, len, want);
			free(text);
		}
		if (hal_decode_image_file(path, &text, &len) == 1) {
			t.cli += same(text, len, want);
			free(text);
		}
		t.zbar += (unsigned)zbar_reads(zs, f, w, h, want);
		free(f);
	}
	hal_qr_free(qr);
	qsort(ms, t.frames, sizeof(double), cmp_double);
	printf("%-12s %4ux%-4u %6u %8u %6u %6u %9.2f\n", cond_name[c], w, h, t.frames, t.camera,
	       t.cli, t.zbar, t.frames ? ms[t.frames / 2] : 0.0);
	sum->frames += t.frames, sum->camera += t.camera, sum->cli += t.cli, sum->zbar += t.zbar;
}

int main(int argc, char **argv)
{
	static const unsigned res[2][2] = { { 1280, 720 }, { 640, 480 } };
	struct tally sum = { 0, 0, 0, 0 };
	zbar_image_scanner_t *zs;

	if (argc != 4 || read_payloads(argv[1]) < 0) {
		fprintf(stderr, "usage: hardframes PAYLOADS BACKGROUND_DIR OUT_DIR\n");
		return 2;
	}
	collect(argv[2]);
	qsort(bg_files, n_bg, sizeof(char *), cmp_str);
	zs = zbar_image_scanner_create();
	zbar_image_scanner_set_config(zs, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(zs, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	printf("payloads %u, backgrounds %u, ZXing-C++ %s, frames per group %u\n", n_payloads, n_bg,
	       hal_qr_library_version(), FRAMES_PER_GROUP);
	printf("%-12s %9s %6s %8s %6s %6s %9s\n", "condition", "frame", "frames", "camera", "cli",
	       "zbar", "camera ms");
	for (int c = 0; c < N_COND; c++)
		for (int r = 0; r < 2; r++)
			group((enum cond)c, res[r][0], res[r][1], argv[3], zs, &sum);
	printf("%-12s %9s %6u %8u %6u %6u\n", "total", "", sum.frames, sum.camera, sum.cli,
	       sum.zbar);
	zbar_image_scanner_destroy(zs);
	for (unsigned i = 0; i < n_payloads; i++)
		free(payloads[i]);
	for (unsigned i = 0; i < n_bg; i++)
		free(bg_files[i]);
	return 0;
}
