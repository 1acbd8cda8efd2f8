/* SPDX-License-Identifier: MIT */
/*
 * cityupdate.c - verify the city's signed retained messages (trust list, programs, alert level,
 * day keys) and hand each verified body to the handler the daemon registered.
 *
 * Ed25519 (RFC 8032) with libsodium's detached signatures. The signed bytes bind the topic and
 * the issue time to the body (scheme in cityupdate.h and docs/events.md), so that a valid
 * message cannot be moved to another topic or replace a newer one. Everything that arrives here
 * comes from the network: lengths are checked before any read, and the body is bounded.
 *
 * The last accepted message of a kind (not day keys) is kept in the state directory exactly as
 * it arrived, so that the same checks run again on it at the next start: the file needs no
 * integrity protection of its own, and a changed city key simply makes it fail verification.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "credential/trust.h"
#include "events/cityupdate.h"
#include "events/trustupdate.h"
#include "util/fileio.h"

#define MAGIC	     "PGS1"
#define SIGN_CONTEXT "passgate/v1/signed"
#define TOPIC_MAX    256
#define PAYLOAD_MAX  (CITYUPDATE_HEADER_LEN + CITYUPDATE_TRUST_BODY_MAX)

struct handler {
	cityupdate_fn fn;
	void *userdata;
	int64_t last_issued;
	uint8_t last_sig[64];
	bool have_last;
	bool applied; /* the handler took the last message (false: restored, then refused) */
};

struct cityupdate {
	uint8_t key[CITYUPDATE_KEY_LEN];
	char topics[CITYUPDATE_KIND_COUNT_][TOPIC_MAX];
	struct handler h[CITYUPDATE_KIND_COUNT_];
	struct cityupdate_stats stats;
	char *store_dir; /* NULL: nothing is kept */
};

static const char *const store_names[CITYUPDATE_KIND_COUNT_] = {
	[CITYUPDATE_DAYKEYS] = NULL, /* day keys live in memory only (DESIGN.md) */
	[CITYUPDATE_TRUST] = "city-trust.signed",
	[CITYUPDATE_PROGRAMS] = "city-programs.signed",
	[CITYUPDATE_ALERT] = "city-alert.signed",
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
	if (!cu)
		return;
	free(cu->store_dir);
	free(cu);
}

int cityupdate_set_store(struct cityupdate *cu, const char *dir)
{
	char *copy = NULL;

	if (dir && !(copy = strdup(dir)))
		return -ENOMEM;
	free(cu->store_dir);
	cu->store_dir = copy;
	return 0;
}

size_t cityupdate_body_max(enum cityupdate_kind kind)
{
	return kind == CITYUPDATE_TRUST ? CITYUPDATE_TRUST_BODY_MAX : CITYUPDATE_BODY_MAX;
}

const char *cityupdate_store_name(enum cityupdate_kind kind)
{
	if ((unsigned)kind >= CITYUPDATE_KIND_COUNT_)
		return NULL;
	return store_names[kind];
}

static int store_path(const struct cityupdate *cu, enum cityupdate_kind kind, const char *suffix,
		      char *buf, size_t size)
{
	int n;

	if (!cu->store_dir || !store_names[kind])
		return -ENOENT;
	n = snprintf(buf, size, "%s/%s%s", cu->store_dir, store_names[kind], suffix);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Temporary file, fsync, rename over the old one, fsync the directory: old or new, never torn. */
static int store_write(struct cityupdate *cu, enum cityupdate_kind kind, const uint8_t *payload,
		       size_t len)
{
	char path[4096];
	int r;

	r = store_path(cu, kind, "", path, sizeof(path));
	if (r < 0)
		return r;
	return fileio_replace(path, payload, len, 0600);
}

/* The stored payload of @kind, malloc'ed; -ENOENT when there is none. */
static int store_read(const struct cityupdate *cu, enum cityupdate_kind kind, uint8_t **ret,
		      size_t *ret_len)
{
	char path[4096], *buf;
	size_t len;
	int r;

	r = store_path(cu, kind, "", path, sizeof(path));
	if (r < 0)
		return r;
	r = fileio_read(path, PAYLOAD_MAX, FILEIO_REGULAR | FILEIO_NOFOLLOW, &buf, &len);
	if (r == -EINVAL || r == -EFBIG)
		return -EBADMSG; /* not a file we wrote */
	if (r < 0)
		return r;
	if (len == 0) {
		free(buf);
		return -EBADMSG;
	}
	*ret = (uint8_t *)buf;
	*ret_len = len;
	return 0;
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
	if (len - CITYUPDATE_HEADER_LEN > CITYUPDATE_TRUST_BODY_MAX)
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

int cityupdate_import_trust(struct trust *t, const uint8_t *body, size_t len, size_t *ret_sets,
			    size_t *ret_certs)
{
	struct trustupdate_counts c;
	int e;

	e = trustupdate_import(t, body, len, &c);
	if (e < 0)
		return e;
	if (ret_sets)
		*ret_sets = c.jwks;
	if (ret_certs)
		*ret_certs = c.certs;
	return 0;
}

static int refuse(struct cityupdate *cu, int kind, int r)
{
	cu->stats.rejected++;
	cu->stats.last_error = r;
	if (kind >= 0)
		cu->stats.last_kind = (enum cityupdate_kind)kind;
	return r;
}

/* Structure, signature over our topic, and for an alert its JSON: 0 or -EBADMSG/-ENOMEM. */
static int verify(const struct cityupdate *cu, int kind, const uint8_t *payload, size_t len,
		  int64_t *ret_issued, const uint8_t **ret_sig, const uint8_t **ret_body,
		  size_t *ret_body_len)
{
	uint8_t *msg;
	size_t msg_len;
	int r;

	r = cityupdate_split(payload, len, ret_issued, ret_sig, ret_body, ret_body_len);
	if (r < 0)
		return r;
	if (*ret_body_len > cityupdate_body_max((enum cityupdate_kind)kind))
		return -EBADMSG;
	msg = signed_bytes(cu->topics[kind], payload + 4, *ret_body, *ret_body_len, &msg_len);
	if (!msg)
		return -ENOMEM;
	r = crypto_sign_verify_detached(*ret_sig, msg, msg_len, cu->key) == 0 ? 0 : -EBADMSG;
	free(msg);
	if (r >= 0 && kind == CITYUPDATE_ALERT)
		r = cityupdate_parse_alert(*ret_body, *ret_body_len, NULL);
	return r;
}

int cityupdate_handle(struct cityupdate *cu, const char *topic, const uint8_t *payload, size_t len)
{
	const uint8_t *sig, *body;
	size_t body_len;
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
	r = verify(cu, kind, payload, len, &issued, &sig, &body, &body_len);
	if (r < 0)
		return refuse(cu, kind, r);
	h = &cu->h[kind];
	if (h->have_last && issued == h->last_issued && memcmp(sig, h->last_sig, 64) == 0) {
		/* The retained message again. Only one restored from disk and refused by the
		 * handler then is offered once more (the handler may take it now). */
		if (h->applied)
			return -EALREADY;
	} else if (h->have_last && issued <= h->last_issued) {
		return refuse(cu, kind, -ESTALE);
	}
	if (h->fn) {
		r = h->fn((enum cityupdate_kind)kind, body, body_len, issued, h->userdata);
		if (r < 0)
			return refuse(cu, kind, r);
	}
	h->have_last = true;
	h->applied = true;
	h->last_issued = issued;
	memcpy(h->last_sig, sig, 64);
	cu->stats.accepted++;
	if (cu->store_dir && store_names[kind]) {
		r = store_write(cu, (enum cityupdate_kind)kind, payload, len);
		if (r < 0) {
			cu->stats.store_errors++;
			cu->stats.store_error = r;
		}
	}
	return kind;
}

int cityupdate_restore(struct cityupdate *cu, enum cityupdate_kind kind)
{
	const uint8_t *sig, *body;
	uint8_t *payload;
	size_t len, body_len;
	int64_t issued;
	struct handler *h;
	int r;

	if ((unsigned)kind >= CITYUPDATE_KIND_COUNT_)
		return -EINVAL;
	r = store_read(cu, kind, &payload, &len);
	if (r == -ENOENT)
		return r;
	if (r < 0)
		return refuse(cu, (int)kind, r);
	r = verify(cu, (int)kind, payload, len, &issued, &sig, &body, &body_len);
	if (r < 0) {
		free(payload);
		return refuse(cu, (int)kind, r);
	}
	/* The guard holds from here on, whatever the handler says: the city did issue it. */
	h = &cu->h[kind];
	h->have_last = true;
	h->applied = false;
	h->last_issued = issued;
	memcpy(h->last_sig, sig, 64);
	r = h->fn ? h->fn(kind, body, body_len, issued, h->userdata) : 0;
	free(payload);
	if (r < 0)
		return refuse(cu, (int)kind, r);
	h->applied = true;
	cu->stats.restored++;
	return (int)kind;
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

	if (issued < 0 || len > CITYUPDATE_TRUST_BODY_MAX)
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

int cityupdate_keypair(uint8_t pk[CITYUPDATE_KEY_LEN], uint8_t sk[64])
{
	if (sodium_init() < 0)
		return -EIO;
	return crypto_sign_keypair(pk, sk) == 0 ? 0 : -EIO;
}
