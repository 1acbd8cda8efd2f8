/* SPDX-License-Identifier: MIT */
/*
 * inflate.c - DEFLATE (RFC 1951) and zlib (RFC 1950) decompression with a hard output limit.
 *
 * zlib is included here only. The output buffer grows up to CRED_MAX_INFLATED + 1 bytes: one
 * byte past the limit is enough to know the limit is crossed, so a zip bomb costs at most that
 * much memory and the time to inflate 64 KiB. Trailing bytes after the end of the stream are
 * corrupt data: an SHC payload is exactly one raw DEFLATE stream (SHC spec, "Health Cards are
 * small"), a DCC payload exactly one zlib stream (hcert §3.2).
 */
#include <errno.h>
#include <stdlib.h>

#include <zlib.h>

#include "credential/inflate.h"
#include "credential/verify.h"

/*
 * zlib's inflate state (about 7 KiB) and its 32 KiB window come from an arena on the stack
 * instead of malloc(): a scan then costs no large heap allocation and free (which showed in
 * the SHC benchmark as allocator consolidation). zlib asks for exactly these two blocks.
 */
struct arena {
	size_t used;
	_Alignas(16) unsigned char buf[48 * 1024];
};

static voidpf arena_alloc(voidpf opaque, uInt items, uInt size)
{
	struct arena *a = opaque;
	size_t n = ((size_t)items * size + 15) & ~(size_t)15;

	if (n > sizeof(a->buf) - a->used)
		return Z_NULL;
	a->used += n;
	return a->buf + a->used - n;
}

static void arena_free(voidpf opaque, voidpf address)
{
	(void)opaque;
	(void)address; /* released with the arena */
}

int cred_inflate(const uint8_t *in, size_t len, int raw, uint8_t **ret, size_t *ret_len)
{
	struct arena arena;
	z_stream zs = { .zalloc = arena_alloc, .zfree = arena_free, .opaque = &arena };
	size_t cap = 4096, limit = CRED_MAX_INFLATED;
	uint8_t *buf, *nbuf;
	int r, zr;

	if (len > UINT32_MAX)
		return -EFBIG;
	arena.used = 0;
	buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	if (inflateInit2(&zs, raw ? -MAX_WBITS : MAX_WBITS) != Z_OK) {
		free(buf);
		return -ENOMEM;
	}
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	for (;;) {
		if (zs.total_out == cap) {
			if (cap > limit) {
				r = -EFBIG;
				goto fail;
			}
			/* Grow, but never beyond limit + 1: that byte only detects overflow. */
			cap = cap * 2 > limit + 1 ? limit + 1 : cap * 2;
			nbuf = realloc(buf, cap + 1);
			if (!nbuf) {
				r = -ENOMEM;
				goto fail;
			}
			buf = nbuf;
		}
		zs.next_out = buf + zs.total_out;
		zs.avail_out = (uInt)(cap - zs.total_out);
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zs.total_out > limit) {
			r = -EFBIG;
			goto fail;
		}
		if (zr == Z_STREAM_END)
			break;
		if (zr == Z_MEM_ERROR) {
			r = -ENOMEM;
			goto fail;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			r = -EBADMSG;
			goto fail;
		}
		/* No progress possible: input exhausted before the end of the stream. */
		if (zr == Z_BUF_ERROR && zs.avail_in == 0 && zs.avail_out > 0) {
			r = -EBADMSG;
			goto fail;
		}
	}
	if (zs.avail_in != 0) {
		r = -EBADMSG;
		goto fail;
	}
	inflateEnd(&zs);
	buf[zs.total_out] = 0;
	*ret = buf;
	*ret_len = zs.total_out;
	return 0;

fail:
	inflateEnd(&zs);
	free(buf);
	return r;
}

int cred_deflate_raw(const uint8_t *in, size_t len, uint8_t **ret, size_t *ret_len)
{
	z_stream zs = { 0 };
	uint8_t *buf;
	size_t cap;
	int zr;

	if (len > UINT32_MAX / 2)
		return -EFBIG;
	if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return -ENOMEM;
	cap = deflateBound(&zs, (uLong)len);
	buf = malloc(cap ? cap : 1);
	if (!buf) {
		deflateEnd(&zs);
		return -ENOMEM;
	}
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	zs.next_out = buf;
	zs.avail_out = (uInt)cap;
	zr = deflate(&zs, Z_FINISH);
	deflateEnd(&zs);
	if (zr != Z_STREAM_END) {
		free(buf);
		return -EIO;
	}
	*ret = buf;
	*ret_len = zs.total_out;
	return 0;
}
