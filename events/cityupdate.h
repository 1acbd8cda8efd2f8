/* SPDX-License-Identifier: MIT */
/*
 * cityupdate.h - inbound messages from the city: check the city's Ed25519 signature before
 * anything reads them (DESIGN.md "Events and MQTT": "From the city, retained, signed").
 *
 * The wire format (docs/events.md "Signed city messages"):
 *
 *   payload = "PGS1" ‖ issued (8 bytes, big-endian Unix seconds) ‖ signature (64) ‖ body
 *   signature = Ed25519(city secret key,
 *                       "passgate/v1/signed" ‖ 0x00 ‖ topic ‖ 0x00 ‖ issued ‖ body)
 *
 * The topic is signed so that a message for one venue or kiosk cannot be replayed on another;
 * `issued` orders messages of one topic: an older one than the last accepted is refused
 * (-ESTALE), the same one again (a retained message after a reconnect) is ignored.
 *
 * Topics, relative to "passgate/v1/<city>/":
 *   kiosk/<kiosk>/daykeys   body: a sealed box for the kiosk (daykeys.h)
 *   trust                   body: a trust list update (cityupdate_import_trust())
 *   programs                body: a program/rule update, handed over as is
 *   venue/<venue>/alert     body: {"level": 0..9, "restrictions": ["..", ...]} (checked here)
 *
 * Durability (docs/events.md "Kept across restarts"): with a store directory set, the last
 * accepted message of each kind except day keys is kept there as received (signature and all),
 * and cityupdate_restore() re-verifies it at start and hands it to the handler again, so the
 * kiosk judges with the city's last alert, programs and trust list before it reaches the broker,
 * and the ordering guard (`issued`) survives a restart. Day keys never touch the disk.
 *
 * Nothing here logs; the counters and last error say what was refused and why.
 */
#ifndef PASSGATE_CITYUPDATE_H
#define PASSGATE_CITYUPDATE_H

#include <stddef.h>
#include <stdint.h>

#define CITYUPDATE_KEY_LEN	  32
#define CITYUPDATE_HEADER_LEN	  (4 + 8 + 64)
#define CITYUPDATE_BODY_MAX	  (1024u * 1024u)      /* every kind but trust */
#define CITYUPDATE_TRUST_BODY_MAX (8u * 1024u * 1024u) /* = TRUSTUPDATE_BODY_MAX */
#define CITYUPDATE_ALERT_MAX	  4096		       /* bytes of alert JSON */

enum cityupdate_kind {
	CITYUPDATE_DAYKEYS = 0,
	CITYUPDATE_TRUST,
	CITYUPDATE_PROGRAMS,
	CITYUPDATE_ALERT,
	CITYUPDATE_KIND_COUNT_,
};

struct cityupdate;
struct trust;

/*
 * A handler gets the verified body, borrowed for the call, and the `issued` time. For
 * CITYUPDATE_ALERT the body has been checked to be the alert JSON (cityupdate_parse_alert()).
 * Its return value (< 0: refused by the consumer) is returned by cityupdate_handle().
 */
typedef int (*cityupdate_fn)(enum cityupdate_kind kind, const uint8_t *body, size_t len,
			     int64_t issued, void *userdata);

/* @city_key: the city's Ed25519 public key. The strings are copied. */
int cityupdate_new(const uint8_t city_key[CITYUPDATE_KEY_LEN], const char *city, const char *venue,
		   const char *kiosk, struct cityupdate **ret);
void cityupdate_free(struct cityupdate *cu);

int cityupdate_set_handler(struct cityupdate *cu, enum cityupdate_kind kind, cityupdate_fn fn,
			   void *userdata);

/* The topic to subscribe for @kind (borrowed from @cu). */
const char *cityupdate_topic(const struct cityupdate *cu, enum cityupdate_kind kind);

/*
 * Handle one inbound message. Returns the kind (>= 0) when it was accepted and handed over,
 * or: -ENOENT not one of our topics; -EBADMSG malformed or bad signature; -ESTALE older than
 * the last accepted; -EALREADY the message accepted last time (nothing done); or the handler's
 * error. An empty payload (a cleared retained message) is -ENODATA.
 */
int cityupdate_handle(struct cityupdate *cu, const char *topic, const uint8_t *payload, size_t len);

struct cityupdate_stats {
	uint64_t accepted, rejected;
	int last_error;			/* -errno of the last refused message, 0 if none */
	enum cityupdate_kind last_kind; /* its kind, when it was one of our topics */
	uint64_t restored;		/* stored messages handed over again at start */
	uint64_t store_errors;		/* accepted messages that could not be kept on disk */
	int store_error;		/* -errno of the last one, 0 if none */
};
void cityupdate_stats(const struct cityupdate *cu, struct cityupdate_stats *ret);

/*
 * Keep the last accepted message of each kind except CITYUPDATE_DAYKEYS in @dir (copied), as
 * "<dir>/city-<kind>.signed" (cityupdate_store_name()), written atomically with mode 0600.
 * Accepting a message is not undone when it cannot be written: the failure is counted in
 * store_errors and store_error. NULL stops keeping messages.
 */
int cityupdate_set_store(struct cityupdate *cu, const char *dir);

/* "city-trust.signed", "city-programs.signed", "city-alert.signed"; NULL for day keys. */
const char *cityupdate_store_name(enum cityupdate_kind kind);

/*
 * At start, before any message from the broker: read the stored message of @kind, verify it
 * exactly as cityupdate_handle() does (city key, our topic, alert JSON) and hand it to the
 * handler. Returns the kind when it was handed over, -ENOENT when nothing is stored (or no
 * store is set, or @kind is day keys), -EBADMSG when the stored message no longer verifies (the
 * city key, city, venue or kiosk changed, or the file was altered: it is ignored, counted as
 * rejected, and left for the next accepted message to replace), or the handler's error.
 *
 * A stored message that verifies sets the ordering guard even when the handler refuses it now,
 * so that an older message is still -ESTALE; the same message from the broker is then offered
 * to the handler again instead of being ignored as -EALREADY.
 */
int cityupdate_restore(struct cityupdate *cu, enum cityupdate_kind kind);

/* The largest body of @kind: CITYUPDATE_TRUST_BODY_MAX for trust (the EU DSC list alone is
 * ~1.3 MB), CITYUPDATE_BODY_MAX for the others. A longer body is -EBADMSG. */
size_t cityupdate_body_max(enum cityupdate_kind kind);

/* Parse the alert JSON: 0 and *ret_level when it is valid, -EBADMSG otherwise. */
int cityupdate_parse_alert(const uint8_t *body, size_t len, int *ret_level);

/*
 * Import a verified trust list update into @t, all or nothing: trustupdate_import() (body
 * format in events/trustupdate.h), kept for callers that want only the two counts. *ret_sets
 * and *ret_certs (may be NULL) get the key sets and certificates imported.
 */
int cityupdate_import_trust(struct trust *t, const uint8_t *body, size_t len, size_t *ret_sets,
			    size_t *ret_certs);

/* Split a signed payload without checking the signature (fuzzing, tools). */
int cityupdate_split(const uint8_t *payload, size_t len, int64_t *ret_issued,
		     const uint8_t **ret_sig, const uint8_t **ret_body, size_t *ret_body_len);

/*
 * The city side, for tests and the city's tools: sign @body for @topic with the Ed25519 secret
 * key @sk (64 bytes, libsodium form). *ret (malloc'ed, caller frees) gets the payload.
 */
int cityupdate_sign(const uint8_t sk[64], const char *topic, int64_t issued, const uint8_t *body,
		    size_t len, uint8_t **ret, size_t *ret_len);

/* The city side: a new Ed25519 key pair; @sk is libsodium's 64-byte form (seed ‖ public key).
 * The caller wipes @sk. */
int cityupdate_keypair(uint8_t pk[CITYUPDATE_KEY_LEN], uint8_t sk[64]);

#endif
