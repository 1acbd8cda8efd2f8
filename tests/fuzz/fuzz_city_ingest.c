/* SPDX-License-Identifier: MIT */
/*
 * fuzz_city_ingest.c - libFuzzer target for what passgate-cityd reads from the broker: the
 * kiosks' check events (ingest_event_parse) and status messages (ingest_status_parse).
 *
 * Input: up to the first newline is the topic, the rest the payload; both parsers see it, the
 * event parser with the daemon's default size bound.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "city/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size < 300 ? size : 300);
	struct ingest_event ev;
	struct ingest_status st;
	size_t tl = nl ? (size_t)(nl - data) : 0;
	char *topic = malloc(tl + 1);

	if (!topic)
		return 0;
	memcpy(topic, data, tl);
	topic[tl] = '\0';
	(void)ingest_event_parse("c", topic, nl ? nl + 1 : data, nl ? size - tl - 1 : size, 4096,
				 &ev);
	(void)ingest_status_parse("c", topic, nl ? nl + 1 : data, nl ? size - tl - 1 : size, &st);
	free(topic);
	return 0;
}
