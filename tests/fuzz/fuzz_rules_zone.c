/* SPDX-License-Identifier: MIT */
/*
 * fuzz_rules_zone.c - the TZif reader and its POSIX TZ footer (rules/zone.h) on arbitrary
 * bytes, at instants before, inside and after any transition list.
 */
#include <stddef.h>
#include <stdint.h>

#include "rules/zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t at[] = { INT64_MIN / 2, -5364662400, 0,
				      1641139200,    2224713600,  INT64_MAX / 2 };
	int32_t off;

	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		(void)rules_zone_offset_tzif(data, size, at[i], &off);
	return 0;
}
