// SPDX-License-Identifier: MIT
/*
 * qr_decode_zxing.cpp - the only file that includes ZXing-C++ (STYLE.md §2): hal_qr_* in C.
 *
 * Debian bookworm ships ZXing-C++ 1.4, which has no C API; 2.x renamed DecodeHints to
 * ReaderOptions and made text() UTF-8 always. Both build here, selected by the version macros of
 * ZXVersion.h. Every extern "C" function catches every exception: a C++ exception unwinding
 * through C frames is undefined behaviour, and a malformed QR must be "unreadable", never a crash.
 *
 * Passes, cheapest first: the image as given; then the image inverted into a reused buffer (light
 * modules on a dark phone screen; 1.4 has no tryInvert); THOROUGH adds the global-histogram
 * binarizer, which reads some unevenly lit photos that the local-average one misses.
 */
#define ZX_USE_UTF8 1 // before Result.h, or 1.4 returns std::wstring (DESIGN.md pitfalls)

#include <ZXing/ZXVersion.h>
#include <ZXing/ReadBarcode.h>

// Error.h (pulled in by Result.h in 1.4) defines FormatError & co. as macros; none may leak.
#undef FormatError
#undef ChecksumError
#undef UnsupportedError

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "hal/qr_decode.h"

#if ZXING_VERSION_MAJOR >= 2
using hal_zx_options = ZXing::ReaderOptions;
#else
using hal_zx_options = ZXing::DecodeHints;
#endif

#define HAL_STR2(x) #x
#define HAL_STR(x)  HAL_STR2(x)

struct hal_qr {
	enum hal_qr_effort effort;
	hal_zx_options fast;
	hal_zx_options global;
	std::vector<uint8_t> inverted; // reused between calls: no allocation per frame
	unsigned calls = 0;
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

extern "C" int hal_qr_new(enum hal_qr_effort effort, struct hal_qr **ret)
{
	try {
		hal_qr *qr = new hal_qr;
		qr->effort = effort;
		qr->fast = make_options(effort == HAL_QR_THOROUGH, ZXing::Binarizer::LocalAverage);
		qr->global =
			make_options(effort == HAL_QR_THOROUGH, ZXing::Binarizer::GlobalHistogram);
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
		const int w = static_cast<int>(width), h = static_cast<int>(height);
		const int s = static_cast<int>(stride);
		ZXing::ImageView view(luma, w, h, ZXing::ImageFormat::Lum, s);
		int r = read_one(view, qr->fast, ret_text, ret_len);
		if (r != 0)
			return r;
		// On a live stream the inverted pass runs on every fourth frame: a phone held up to
		// the camera stays for many frames (a light-on-dark code is read within 4 frames,
		// 133 ms at 30 fps), and frames without any code, most of them, cost one pass.
		if (qr->effort == HAL_QR_FAST && (qr->calls++ & 3) != 0)
			return 0;

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
