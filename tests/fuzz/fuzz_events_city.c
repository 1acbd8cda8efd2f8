/* SPDX-License-Identifier: MIT */
/*
 * fuzz_events_city.c - libFuzzer target for what the city sends over MQTT: the signed envelope
 * (cityupdate_handle on every city topic) and the alert JSON (cityupdate_parse_alert).
 *
 * Input: byte 0 picks the topic (and whether the rest is an alert body); the rest is the
 * payload. Signatures will not verify for random input, so the alert parser is also fed
 * directly, as it would be after a valid signature.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "events/cityupdate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sink(enum cityupdate_kind kind, const uint8_t *body, size_t len, int64_t issued,
		void *ud)
{
	(void)kind;
	(void)body;
	(void)len;
	(void)issued;
	(void)ud;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[CITYUPDATE_KEY_LEN] = { 0x3b, 0x6a, 0x27, 0xbc, 0xce, 0xb6, 0xa4,
							 0x2d, 0x62, 0xa3, 0xa8, 0xd0, 0x2a, 0x6f,
							 0x0d, 0x73, 0x65, 0x32, 0x15, 0x77, 0x1d,
							 0xe2, 0x43, 0xa6, 0x3a, 0xc0, 0x48, 0xa1,
							 0x8b, 0x59, 0xda, 0x29 };
	struct cityupdate *cu = NULL;
	enum cityupdate_kind kind;
	const uint8_t *sig, *body;
	size_t body_len;
	int64_t issued;
	struct cityupdate_alert alert;

	if (size < 1)
		return 0;
	kind = (enum cityupdate_kind)(data[0] % CITYUPDATE_KIND_COUNT_);
	if (cityupdate_new(key, "city", "venue", "kiosk", &cu) < 0)
		return 0;
	for (int k = 0; k < CITYUPDATE_KIND_COUNT_; k++)
		cityupdate_set_handler(cu, (enum cityupdate_kind)k, sink, NULL);
	cityupdate_handle(cu, cityupdate_topic(cu, kind), data + 1, size - 1);
	cityupdate_free(cu);
	cityupdate_split(data + 1, size - 1, &issued, &sig, &body, &body_len);
	cityupdate_parse_alert(data + 1, size - 1, &alert);
	return 0;
}
