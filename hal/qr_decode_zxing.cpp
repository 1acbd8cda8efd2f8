// SPDX-License-Identifier: MIT
/*
 * qr_decode_zxing.cpp - the only file that includes ZXing-C++ (STYLE.md §2): hal_qr_* in C.
 *
 * Debian bookworm ships ZXing-C++ 1.4, which has no C API; 2.x renamed DecodeHints to
 * ReaderOptions and made text() UTF-8 always. Both build here, selected by the version macros of
 * ZXVersion.h. Every extern "C" function catches every exception: a C++ exception unwinding
 * through C frames is undefined behaviour, and a malformed QR must be "unreadable", never a crash.
 *
 * FAST (the camera, one call per frame) binarizes the frame once into both polarities
 * (hal/binarize.c) and hands ZXing bits to cast (BoolCast): the dark-on-light image, then the
 * light-on-dark one (a phone in dark mode; 1.4 has no tryInvert), so an inverted code is read on
 * its first frame. The bits are the ones ZXing's own local-average binarizer makes, at a fraction
 * of its cost (it took ~86 % of a pass). A frame of up to 640x480 that gives nothing is then
 * enlarged twice (hal/zoom.c) and read again in both polarities: small modules, blur and a phone
 * screen's moire, where the CLI's enlarged pass used to read more than the camera; a larger frame
 * gets the global-histogram binarizer on the inverted frame instead (bench/decode.md).
 *
 * THOROUGH (a photo): ZXing's local-average binarizer on the image as given, then inverted into a
 * reused buffer, then the global-histogram binarizer, which reads some unevenly lit photos that
 * the local-average one misses.
 */
#define ZX_USE_UTF8 1 // before Result.h, or 1.4 returns std::wstring (DESIGN.md pitfalls)

#include <ZXing/ZXVersion.h>
#include <ZXing/ReadBarcode.h>

// Error.h (pulled in by Result.h in 1.4) defines FormatError & co. as macros; none may leak.
#undef FormatError
#undef ChecksumError
#undef UnsupportedError

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "hal/binarize.h"
#include "hal/qr_decode.h"
#include "hal/zoom.h"

#if ZXING_VERSION_MAJOR >= 2
using hal_zx_options = ZXing::ReaderOptions;
#else
using hal_zx_options = ZXing::DecodeHints;
#endif

// The largest frame the camera path also reads enlarged: 640x480, the camera's default stream.
#define HAL_QR_ZOOM_MAX (640u * 480u)

#define HAL_STR2(x) #x
#define HAL_STR(x)  HAL_STR2(x)

struct hal_qr {
	enum hal_qr_effort effort;
	hal_zx_options fast;
	hal_zx_options global;
	hal_zx_options cast;	       // FAST: the bits hal_bin made, cast
	hal_zx_options zoom;	       // FAST: the same for the enlarged frame
	hal_zx_options hist;	       // FAST: the global-histogram binarizer, inverted frame
	std::vector<uint8_t> inverted; // reused between calls: no allocation per frame
	std::vector<uint8_t> zoomed;
	struct hal_bin *bin = nullptr;
	~hal_qr()
	{
		hal_bin_free(bin);
	}
};

static hal_zx_options make_options(bool thorough, ZXing::Binarizer binarizer)
{
	hal_zx_options o;
	o.setFormats(ZXing::BarcodeFormat::QRCode); // all formats costs ~10x (DESIGN.md pitfalls)
	o.setTryHarder(thorough);
	o.setTryRotate(thorough);
	o.setTryDownscale(thorough);
	o.setBinarizer(binarizer);
	o.setMaxNumberOfSymbols(1);
	return o;
}

// Returns 1 with the text, 0 for nothing, -errno.
static int read_one(const ZXing::ImageView &view, const hal_zx_options &o, char **ret_text,
		    size_t *ret_len)
{
	ZXing::Result r = ZXing::ReadBarcode(view, o);
	if (!r.isValid())
		return 0;
	std::string text = r.text();
	if (text.size() > HAL_QR_MAX_TEXT)
		return 0;
	char *copy = static_cast<char *>(std::malloc(text.size() + 1));
	if (!copy)
		return -ENOMEM;
	std::memcpy(copy, text.data(), text.size());
	copy[text.size()] = '\0';
	*ret_text = copy;
	*ret_len = text.size();
	return 1;
}

// The frame inverted into a reused buffer, read with the options o. Returns as read_one.
static int read_inverted(hal_qr *qr, const hal_zx_options &o, const uint8_t *luma, unsigned width,
			 unsigned height, size_t stride, char **ret_text, size_t *ret_len)
{
	qr->inverted.resize(static_cast<size_t>(width) * height);
	uint8_t *dst = qr->inverted.data();
	for (unsigned y = 0; y < height; y++) {
		const uint8_t *src = luma + static_cast<size_t>(y) * stride;
		for (unsigned x = 0; x < width; x++)
			dst[x] = static_cast<uint8_t>(255 - src[x]);
		dst += width;
	}
	ZXing::ImageView inv(qr->inverted.data(), static_cast<int>(width), static_cast<int>(height),
			     ZXing::ImageFormat::Lum);
	return read_one(inv, o, ret_text, ret_len);
}

// Both polarities of one frame, from one binarization. Returns as read_one.
static int read_both(hal_qr *qr, const hal_zx_options &o, const uint8_t *luma, unsigned width,
		     unsigned height, size_t stride, char **ret_text, size_t *ret_len)
{
	const int w = static_cast<int>(width), h = static_cast<int>(height);
	const uint8_t *dark, *light;
	int r = hal_bin_run(qr->bin, luma, width, height, stride, &dark, &light);
	if (r < 0)
		return r;
	r = read_one(ZXing::ImageView(dark, w, h, ZXing::ImageFormat::Lum), o, ret_text, ret_len);
	if (r != 0)
		return r;
	return read_one(ZXing::ImageView(light, w, h, ZXing::ImageFormat::Lum), o, ret_text,
			ret_len);
}

// The camera path: the frame in both polarities; for a frame of up to HAL_QR_ZOOM_MAX pixels,
// then the frame enlarged twice (hal/zoom.c), again in both.
static int decode_fast(hal_qr *qr, const uint8_t *luma, unsigned width, unsigned height,
		       size_t stride, char **ret_text, size_t *ret_len)
{
	int r = read_both(qr, qr->cast, luma, width, height, stride, ret_text, ret_len);
	if (r != 0)
		return r;
	if (static_cast<size_t>(width) * height > HAL_QR_ZOOM_MAX)
		return read_inverted(qr, qr->hist, luma, width, height, stride, ret_text, ret_len);
	qr->zoomed.resize(4 * static_cast<size_t>(width) * height);
	if (hal_zoom2(luma, stride, 0, 0, width, height, qr->zoomed.data()) < 0)
		return 0;
	return read_both(qr, qr->zoom, qr->zoomed.data(), 2 * width, 2 * height, 2 * width,
			 ret_text, ret_len);
}

extern "C" int hal_qr_new(enum hal_qr_effort effort, struct hal_qr **ret)
{
	try {
		hal_qr *qr = new hal_qr;
		qr->effort = effort;
		qr->fast = make_options(effort == HAL_QR_THOROUGH, ZXing::Binarizer::LocalAverage);
		qr->global =
			make_options(effort == HAL_QR_THOROUGH, ZXing::Binarizer::GlobalHistogram);
		qr->cast = make_options(false, ZXing::Binarizer::BoolCast);
		qr->zoom = make_options(false, ZXing::Binarizer::BoolCast);
		qr->hist = make_options(false, ZXing::Binarizer::GlobalHistogram);
		if (effort == HAL_QR_FAST) {
			// QR only: finder patterns searched on every third row, not every fifth.
			qr->cast.setTryHarder(true);
			qr->hist.setTryHarder(true);
			if (hal_bin_new(&qr->bin) < 0) {
				delete qr;
				return -ENOMEM;
			}
		}
		*ret = qr;
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	} catch (...) {
		return -EIO;
	}
}

extern "C" void hal_qr_free(struct hal_qr *qr)
{
	try {
		delete qr;
	} catch (...) {
	}
}

extern "C" int hal_qr_decode(struct hal_qr *qr, const uint8_t *luma, unsigned width,
			     unsigned height, size_t stride, char **ret_text, size_t *ret_len)
{
	if (!qr || !luma || !ret_text || !ret_len || width == 0 || height == 0 || width > 65535 ||
	    height > 65535 || stride < width || stride > (1u << 20))
		return -EINVAL;
	try {
		if (qr->effort == HAL_QR_FAST)
			return decode_fast(qr, luma, width, height, stride, ret_text, ret_len);
		const int w = static_cast<int>(width), h = static_cast<int>(height);
		const int s = static_cast<int>(stride);
		ZXing::ImageView view(luma, w, h, ZXing::ImageFormat::Lum, s);
		int r = read_one(view, qr->fast, ret_text, ret_len);
		if (r != 0)
			return r;

		// Inverted pass: light-on-dark codes. Rows are packed (stride = width) in our copy.
		qr->inverted.resize(static_cast<size_t>(width) * height);
		uint8_t *dst = qr->inverted.data();
		for (unsigned y = 0; y < height; y++) {
			const uint8_t *src = luma + static_cast<size_t>(y) * stride;
			for (unsigned x = 0; x < width; x++)
				dst[x] = static_cast<uint8_t>(255 - src[x]);
			dst += width;
		}
		ZXing::ImageView inv(qr->inverted.data(), w, h, ZXing::ImageFormat::Lum, w);
		r = read_one(inv, qr->fast, ret_text, ret_len);
		if (r != 0 || qr->effort != HAL_QR_THOROUGH)
			return r;

		r = read_one(view, qr->global, ret_text, ret_len);
		if (r != 0)
			return r;
		return read_one(inv, qr->global, ret_text, ret_len);
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	} catch (...) {
		return -EIO;
	}
}

extern "C" const char *hal_qr_library_version(void)
{
	return HAL_STR(ZXING_VERSION_MAJOR) "." HAL_STR(ZXING_VERSION_MINOR) "." HAL_STR(
		ZXING_VERSION_PATCH);
}
