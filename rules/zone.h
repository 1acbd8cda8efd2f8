/* SPDX-License-Identifier: MIT */
/*
 * zone.h - UTC offsets from the system's time-zone data (TZif, RFC 8536), read as data: the
 * rules never change the process's TZ (main() owns it) and work in any zone at once.
 *
 * rules_zone_offset() reads /usr/share/zoneinfo/<tz> (or $TZDIR/<tz>) for each call: a file of
 * a few KiB, cheaper than a cache that would be process state. The buffer form is what the
 * file reader and the fuzz target (tests/fuzz/fuzz_rules_zone.c) share.
 */
#ifndef PASSGATE_RULES_ZONE_H
#define PASSGATE_RULES_ZONE_H

#include <stddef.h>
#include <stdint.h>

#define RULES_ZONE_FILE_MAX (64 * 1024) /* the largest zoneinfo file is under 4 KiB */

/*
 * The offset from UTC in seconds (east positive) of local time in zone @tz at instant @t.
 * -EINVAL for a zone name rules_tz_valid() refuses, -ENOENT when its file is missing,
 * -EBADMSG when the file is not valid TZif.
 */
int rules_zone_offset(const char *tz, int64_t t, int32_t *ret_utoff);

/* The same from the TZif bytes @buf (@len bytes, borrowed). */
int rules_zone_offset_tzif(const uint8_t *buf, size_t len, int64_t t, int32_t *ret_utoff);

#endif
