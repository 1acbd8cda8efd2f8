// SPDX-License-Identifier: MIT
/*
 * camera_libcamera.cpp - the only file that includes libcamera (STYLE.md §2).
 *
 * Kept small on purpose: every libcamera 0.x release breaks the ABI and Raspberry Pi OS ships
 * its own 0.1–0.5 rather than Debian's 0.0.3, so this file is rebuilt on the target and uses
 * only API that has not moved since 0.0.3 (CameraManager, generateConfiguration, the allocator,
 * Request::reuse, the requestCompleted and disconnected signals).
 *
 * requestCompleted runs on libcamera's own thread: it only pushes the request's index into a
 * mutex-protected queue and writes the eventfd; the C side does everything else on the loop's
 * thread. Plane memory is mapped once per dmabuf (the planes of a buffer may share one fd) and
 * the luma plane is read in place: no copy.
 */
#include <libcamera/libcamera.h>

#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <algorithm>
#include <vector>

#include "hal/camera_libcamera.h"

using namespace libcamera;

namespace
{

struct mapping {
	void *addr;
	size_t len;
};

} // namespace

struct hal_lc {
	std::unique_ptr<CameraManager> cm;
	std::shared_ptr<Camera> camera;
	std::unique_ptr<CameraConfiguration> config;
	std::unique_ptr<FrameBufferAllocator> allocator;
	std::vector<std::unique_ptr<Request>> requests;
	std::vector<const uint8_t *> luma; // per request: start of the Y plane
	std::vector<mapping> maps;
	Stream *stream = nullptr;
	unsigned width = 0, height = 0, stride = 0;
	bool started = false;
	int efd = -1;

	std::mutex lock; // guards done: libcamera's thread pushes, ours pops
	std::deque<unsigned> done;
	std::atomic<bool> gone{ false };

	void completed(Request *req)
	{
		if (req->status() == Request::RequestCancelled)
			return;
		{
			std::lock_guard<std::mutex> g(lock);
			done.push_back(static_cast<unsigned>(req->cookie()));
		}
		uint64_t one = 1;
		(void)!write(efd, &one, sizeof(one));
	}

	void disconnected()
	{
		gone = true;
		uint64_t one = 1;
		(void)!write(efd, &one, sizeof(one));
	}

	~hal_lc()
	{
		if (camera) {
			if (started)
				camera->stop();
			camera->requestCompleted.disconnect(this);
			camera->disconnected.disconnect(this);
		}
		requests.clear();
		allocator.reset();
		for (auto &m : maps)
			munmap(m.addr, m.len);
		if (camera)
			camera->release();
		camera.reset();
		if (cm)
			cm->stop();
		if (efd >= 0)
			close(efd);
	}
};

static bool luma_first(const PixelFormat &f)
{
	return f == formats::YUV420 || f == formats::YVU420 || f == formats::NV12 ||
	       f == formats::NV21;
}

static int setup(hal_lc *lc, unsigned index, unsigned width, unsigned height)
{
	lc->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (lc->efd < 0)
		return -errno;
	// hal/ never logs (STYLE.md §6): libcamera's chatter goes nowhere unless the operator asks
	// for it with libcamera's own LIBCAMERA_LOG_LEVELS.
	if (!getenv("LIBCAMERA_LOG_LEVELS"))
		logSetTarget(LoggingTargetNone);
	lc->cm = std::make_unique<CameraManager>();
	if (lc->cm->start() < 0)
		return -ENODEV;
	auto cameras = lc->cm->cameras();
	if (index >= cameras.size())
		return -ENODEV;
	lc->camera = cameras[index];
	if (lc->camera->acquire() < 0)
		return -EBUSY;
	lc->config = lc->camera->generateConfiguration({ StreamRole::Viewfinder });
	if (!lc->config || lc->config->size() != 1)
		return -ENOTSUP;
	StreamConfiguration &sc = lc->config->at(0);
	sc.pixelFormat = formats::YUV420;
	sc.size = Size(width, height);
	if (lc->config->validate() == CameraConfiguration::Invalid || !luma_first(sc.pixelFormat))
		return -ENOTSUP;
	if (lc->camera->configure(lc->config.get()) < 0)
		return -EIO;
	lc->stream = sc.stream();
	lc->width = sc.size.width;
	lc->height = sc.size.height;
	lc->stride = sc.stride;

	lc->allocator = std::make_unique<FrameBufferAllocator>(lc->camera);
	if (lc->allocator->allocate(lc->stream) < 0)
		return -ENOMEM;
	std::map<int, const uint8_t *> by_fd;
	const auto &buffers = lc->allocator->buffers(lc->stream);
	for (unsigned i = 0; i < buffers.size(); i++) {
		FrameBuffer *fb = buffers[i].get();
		const FrameBuffer::Plane &y = fb->planes()[0];
		int fd = y.fd.get();
		if (!by_fd.count(fd)) {
			// Map the whole dmabuf once: the chroma planes may live in it too.
			size_t len = 0;
			for (const auto &p : fb->planes())
				if (p.fd.get() == fd)
					len = std::max<size_t>(
						len, (p.offset == FrameBuffer::Plane::kInvalidOffset
							      ? 0
							      : p.offset) +
							     p.length);
			void *addr = mmap(nullptr, len, PROT_READ, MAP_SHARED, fd, 0);
			if (addr == MAP_FAILED)
				return -errno;
			lc->maps.push_back({ addr, len });
			by_fd[fd] = static_cast<const uint8_t *>(addr);
		}
		unsigned off = y.offset == FrameBuffer::Plane::kInvalidOffset ? 0 : y.offset;
		std::unique_ptr<Request> req = lc->camera->createRequest(i);
		if (!req || req->addBuffer(lc->stream, fb) < 0)
			return -ENOMEM;
		lc->luma.push_back(by_fd[fd] + off);
		lc->requests.push_back(std::move(req));
	}
	lc->camera->requestCompleted.connect(lc, &hal_lc::completed);
	lc->camera->disconnected.connect(lc, &hal_lc::disconnected);
	if (lc->camera->start() < 0)
		return -EIO;
	lc->started = true;
	for (auto &req : lc->requests)
		if (lc->camera->queueRequest(req.get()) < 0)
			return -EIO;
	return 0;
}

static int lc_open(unsigned index, unsigned width, unsigned height, struct hal_lc **ret)
{
	hal_lc *lc = nullptr;
	try {
		lc = new hal_lc;
		int r = setup(lc, index, width, height);
		if (r < 0) {
			delete lc;
			return r;
		}
		*ret = lc;
		return 0;
	} catch (const std::bad_alloc &) {
		delete lc;
		return -ENOMEM;
	} catch (...) {
		delete lc;
		return -EIO;
	}
}

static void lc_close(struct hal_lc *lc)
{
	try {
		delete lc;
	} catch (...) {
	}
}

static int lc_fd(const struct hal_lc *lc)
{
	return lc->efd;
}

static int lc_next(struct hal_lc *lc, const uint8_t **ret_luma, unsigned *ret_width,
		   unsigned *ret_height, size_t *ret_stride, uint64_t *ret_sequence,
		   unsigned *ret_token)
{
	try {
		uint64_t v;
		(void)!read(lc->efd, &v, sizeof(v));
		if (lc->gone)
			return -ENODEV;
		unsigned token;
		{
			std::lock_guard<std::mutex> g(lc->lock);
			if (lc->done.empty())
				return 0;
			token = lc->done.front();
			lc->done.pop_front();
			if (!lc->done.empty()) { // more waiting: keep the eventfd readable
				uint64_t one = 1;
				(void)!write(lc->efd, &one, sizeof(one));
			}
		}
		if (token >= lc->requests.size())
			return -EIO;
		Request *req = lc->requests[token].get();
		FrameBuffer *fb = req->findBuffer(lc->stream);
		*ret_luma = lc->luma[token];
		*ret_width = lc->width;
		*ret_height = lc->height;
		*ret_stride = lc->stride;
		*ret_sequence = fb ? fb->metadata().sequence : 0;
		*ret_token = token;
		return 1;
	} catch (...) {
		return -EIO;
	}
}

static int lc_requeue(struct hal_lc *lc, unsigned token)
{
	try {
		if (token >= lc->requests.size())
			return -EINVAL;
		if (lc->gone)
			return -ENODEV;
		Request *req = lc->requests[token].get();
		req->reuse(Request::ReuseBuffers);
		return lc->camera->queueRequest(req) < 0 ? -EIO : 0;
	} catch (...) {
		return -EIO;
	}
}

static const char *lc_version(void)
{
	try {
		static std::string v = CameraManager::version();
		return v.c_str();
	} catch (...) {
		return "?";
	}
}

// The one symbol camera_module.c looks up after dlopen().
const struct hal_lc_ops hal_lc_ops = {
	lc_open, lc_close, lc_fd, lc_next, lc_requeue, lc_version,
};
