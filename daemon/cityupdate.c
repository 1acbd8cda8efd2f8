/* SPDX-License-Identifier: MIT */
/*
 * cityupdate.c - verify the city's signed retained messages (trust list, programs, alert level,
 * day keys) and hand each verified body to the handler the daemon registered.
 *
 * Ed25519 (RFC 8032) with libsodium's detached signatures. The signed bytes bind the topic and
 * the issue time to the body (scheme in cityupdate.h and docs/events.md), so that a valid
 * message cannot be moved to another topic or replace a newer one. Everything that arrives here
 * comes from the network: lengths are checked before any read, and the body is bounded.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "daemon/cityupdate.h"

#define MAGIC	     "PGS1"
#define SIGN_CONTEXT "passgate/v1/signed"
#define TOPIC_MAX    256

struct handler {
	cityupdate_fn fn;
	void *userdata;
	int64_t last_issued;
	uint8_t last_sig[64];
	bool have_last;
};

struct cityupdate {
	uint8_t key[CITYUPDATE_KEY_LEN];
	char topics[CITYUPDATE_KIND_COUNT_][TOPIC_MAX];
	struct handler h[CITYUPDATE_KIND_COUNT_];
	struct cityupdate_stats stats;
};

int cityupdate_new(const uint8_t city_key[CITYUPDATE_KEY_LEN], const char *city, const char *venue,
		   const char *kiosk, struct cityupdate **ret)
{
	struct cityupdate *cu;
	int n[4];

	if (!city || !venue || !kiosk || strpbrk(city, "/+#") || strpbrk(venue, "/+#") ||
	    strpbrk(kiosk, "/+#"))
		return -EINVAL;
	if (sodium_init() < 0)
		return -EIO;
	cu = calloc(1, sizeof(*cu));
	if (!cu)
		return -ENOMEM;
	memcpy(cu->key, city_key, CITYUPDATE_KEY_LEN);
	n[0] = snprintf(cu->topics[CITYUPDATE_DAYKEYS], TOPIC_MAX,
			"passgate/v1/%s/kiosk/%s/daykeys", city, kiosk);
	n[1] = snprintf(cu->topics[CITYUPDATE_TRUST], TOPIC_MAX, "passgate/v1/%s/trust", city);
	n[2] = snprintf(cu->topics[CITYUPDATE_PROGRAMS], TOPIC_MAX, "passgate/v1/%s/programs",
			city);
	n[3] = snprintf(cu->topics[CITYUPDATE_ALERT], TOPIC_MAX, "passgate/v1/%s/venue/%s/alert",
			city, venue);
	for (int i = 0; i < 4; i++)
		if (n[i] < 0 || n[i] >= TOPIC_MAX) {
			free(cu);
			return -EINVAL;
		}
	*ret = cu;
	return 0;
}

void cityupdate_free(struct cityupdate *cu)
{
	free(cu);
}

int cityupdate_set_handler(struct cityupdate *cu, enum cityupdate_kind kind, cityupdate_fn fn,
			   void *userdata)
{
	if ((unsigned)kind >= CITYUPDATE_KIND_COUNT_)
		return -EINVAL;
	cu->h[kind].fn = fn;
	cu->h[kind].userdata = userdata;
	return 0;
}

const char *cityupdate_topic(const struct cityupdate *cu, enum cityupdate_kind kind)
{
	if ((unsigned)kind >= CITYUPDATE_KIND_COUNT_)
		return NULL;
	return cu->topics[kind];
}

int cityupdate_split(const uint8_t *payload, size_t len, int64_t *ret_issued,
		     const uint8_t **ret_sig, const uint8_t **ret_body, size_t *ret_body_len)
{
	uint64_t issued = 0;

	if (len < CITYUPDATE_HEADER_LEN || memcmp(payload, MAGIC, 4) != 0)
		return -EBADMSG;
	if (len - CITYUPDATE_HEADER_LEN > CITYUPDATE_BODY_MAX)
		return -EBADMSG;
	for (int i = 0; i < 8; i++)
		issued = issued << 8 | payload[4 + i];
	if (issued > INT64_MAX)
		return -EBADMSG;
	*ret_issued = (int64_t)issued;
	*ret_sig = payload + 12;
	*ret_body = payload + CITYUPDATE_HEADER_LEN;
	*ret_body_len = len - CITYUPDATE_HEADER_LEN;
	return 0;
}

/* The signed bytes: context ‖ 0 ‖ topic ‖ 0 ‖ issued ‖ body. Caller frees. */
static uint8_t *signed_bytes(const char *topic, const uint8_t issued_be[8], const uint8_t *body,
			     size_t len, size_t *ret_len)
{
	size_t ctx = sizeof(SIGN_CONTEXT), tl = strlen(topic) + 1;
	size_t total = ctx + tl + 8 + len;
	uint8_t *m = malloc(total);

	if (!m)
		return NULL;
	memcpy(m, SIGN_CONTEXT, ctx); /* includes the NUL separator */
	memcpy(m + ctx, topic, tl);   /* likewise */
	memcpy(m + ctx + tl, issued_be, 8);
	if (len)
		memcpy(m + ctx + tl + 8, body, len);
	*ret_len = total;
	return m;
}

int cityupdate_parse_alert(const uint8_t *body, size_t len, int *ret_level)
{
	json_t *root, *level, *restr, *v;
	json_error_t err;
	size_t i;
	int r = -EBADMSG;

	if (len == 0 || len > CITYUPDATE_ALERT_MAX)
		return -EBADMSG;
	root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return -EBADMSG;
	if (!json_is_object(root))
		goto free_root;
	level = json_object_get(root, "level");
	if (!json_is_integer(level) || json_integer_value(level) < 0 ||
	    json_integer_value(level) > 9)
		goto free_root;
	restr = json_object_get(root, "restrictions");
	if (restr) {
		if (!json_is_array(restr) || json_array_size(restr) > 32)
			goto free_root;
		json_array_foreach(restr, i, v)
		{
			if (!json_is_string(v) || json_string_length(v) > 128)
				goto free_root;
		}
	}
	if (ret_level)
		*ret_level = (int)json_integer_value(level);
	r = 0;
free_root:
	json_decref(root);
	return r;
}

static int refuse(struct cityupdate *cu, int kind, int r)
{
	cu->stats.rejected++;
	cu->stats.last_error = r;
	if (kind >= 0)
		cu->stats.last_kind = (enum cityupdate_kind)kind;
	return r;
}

int cityupdate_handle(struct cityupdate *cu, const char *topic, const uint8_t *payload, size_t len)
{
	const uint8_t *sig, *body;
	uint8_t *msg;
	size_t body_len, msg_len;
	int64_t issued;
	struct handler *h;
	int kind = -1, r;

	for (int i = 0; i < CITYUPDATE_KIND_COUNT_; i++)
		if (strcmp(topic, cu->topics[i]) == 0)
			kind = i;
	if (kind < 0)
		return -ENOENT;
	if (len == 0)
		return refuse(cu, kind, -ENODATA);
	r = cityupdate_split(payload, len, &issued, &sig, &body, &body_len);
	if (r < 0)
		return refuse(cu, kind, r);
	msg = signed_bytes(topic, payload + 4, body, body_len, &msg_len);
	if (!msg)
		return refuse(cu, kind, -ENOMEM);
	r = crypto_sign_verify_detached(sig, msg, msg_len, cu->key) == 0 ? 0 : -EBADMSG;
	free(msg);
	if (r < 0)
		return refuse(cu, kind, r);
	h = &cu->h[kind];
	if (h->have_last && issued == h->last_issued && memcmp(sig, h->last_sig, 64) == 0)
		return -EALREADY;
	if (h->have_last && issued <= h->last_issued)
		return refuse(cu, kind, -ESTALE);
	if (kind == CITYUPDATE_ALERT) {
		r = cityupdate_parse_alert(body, body_len, NULL);
		if (r < 0)
			return refuse(cu, kind, r);
	}
	if (h->fn) {
		r = h->fn((enum cityupdate_kind)kind, body, body_len, issued, h->userdata);
		if (r < 0)
			return refuse(cu, kind, r);
	}
	h->have_last = true;
	h->last_issued = issued;
	memcpy(h->last_sig, sig, 64);
	cu->stats.accepted++;
	return kind;
}

void cityupdate_stats(const struct cityupdate *cu, struct cityupdate_stats *ret)
{
	*ret = cu->stats;
}

int cityupdate_sign(const uint8_t sk[64], const char *topic, int64_t issued, const uint8_t *body,
		    size_t len, uint8_t **ret, size_t *ret_len)
{
	uint8_t be[8], *msg, *out;
	size_t msg_len;

	if (issued < 0 || len > CITYUPDATE_BODY_MAX)
		return -EINVAL;
	if (sodium_init() < 0)
		return -EIO;
	for (int i = 0; i < 8; i++)
		be[i] = (uint8_t)((uint64_t)issued >> (56 - 8 * i));
	msg = signed_bytes(topic, be, body, len, &msg_len);
	out = malloc(CITYUPDATE_HEADER_LEN + len + 1);
	if (!msg || !out) {
		free(msg);
		free(out);
		return -ENOMEM;
	}
	memcpy(out, MAGIC, 4);
	memcpy(out + 4, be, 8);
	crypto_sign_detached(out + 12, NULL, msg, msg_len, sk);
	if (len)
		memcpy(out + CITYUPDATE_HEADER_LEN, body, len);
	free(msg);
	*ret = out;
	*ret_len = CITYUPDATE_HEADER_LEN + len;
	return 0;
}
