/* SPDX-License-Identifier: MIT */
/*
 * uplink_publisher.c - a small kiosk stand-in for the integration tests and the benchmark: it
 * decides nothing, but builds real events (with a real person's data in a struct cred, so that
 * the privacy test has something to look for), commits them to the outbox and publishes them
 * through the uplink in a plain poll() loop, exactly as passgated's loop drives the modules.
 *
 *   uplink_publisher --state-dir DIR --port N [--host IP] [--kiosk ID] [--total N]
 *                    [--burst N] [--interval-ms MS] [--run-ms MS] [--no-key] [--no-wait]
 *                    [--max-rows N] [--tls-ca F --tls-cert F --tls-key F]
 *                    [--subscribe TOPIC]...
 *
 * It appends events until the outbox's next sequence number passes --total (so a restart after
 * SIGKILL continues where the file says), then runs until the outbox is empty (or --run-ms has
 * passed), and prints one JSON line of counters on stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <sys/epoll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "credential/cred.h"
#include "events/events.h"
#include "events/outbox.h"
#include "events/uplink.h"

/* The uplink speaks epoll bits and µs (the daemon loop's units); this tool polls. */
static short poll_bits(uint32_t epoll_events)
{
	return (short)((epoll_events & EPOLLIN ? POLLIN : 0) |
		       (epoll_events & EPOLLOUT ? POLLOUT : 0));
}

static uint32_t epoll_bits(short revents)
{
	return (revents & POLLIN ? EPOLLIN : 0u) | (revents & POLLOUT ? EPOLLOUT : 0u) |
	       (revents & POLLERR ? EPOLLERR : 0u) | (revents & POLLHUP ? EPOLLHUP : 0u);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct build_ctx {
	struct events_check ck;
};

static int build(uint64_t seq, void *ud, char **ret)
{
	struct build_ctx *b = ud;

	return events_build(&b->ck, seq, ret);
}

/* The test person; the privacy test greps for every one of these strings. */
static void test_person(struct cred *c)
{
	memset(c, 0, sizeof(*c));
	c->format = CRED_FORMAT_DCC;
	snprintf(c->issuer, sizeof(c->issuer), "JP");
	snprintf(c->family, sizeof(c->family), "\xe5\xb1\xb1\xe7\x94\xb0"); /* 山田 */
	snprintf(c->given, sizeof(c->given), "\xe5\xa4\xaa\xe9\x83\x8e");   /* 太郎 */
	snprintf(c->family_std, sizeof(c->family_std), "YAMADAPRIVATE");
	snprintf(c->given_std, sizeof(c->given_std), "TAROPRIVATE");
	snprintf(c->dob, sizeof(c->dob), "1985-07-14");
	snprintf(c->cert_id, sizeof(c->cert_id), "URN:UVCI:01:JP:SECRETCERTID42");
}

/* Messages on --subscribe topics: how many, and the largest (issue 9: inbound bounds). */
struct inbound {
	unsigned long long count, largest;
};

static void on_inbound(const char *topic, const void *payload, size_t len, void *userdata)
{
	struct inbound *in = userdata;

	(void)topic;
	(void)payload;
	in->count++;
	if (len > in->largest)
		in->largest = len;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "host", required_argument, NULL, 'H' },
		{ "kiosk", required_argument, NULL, 'k' },
		{ "total", required_argument, NULL, 'n' },
		{ "burst", required_argument, NULL, 'b' },
		{ "run-ms", required_argument, NULL, 't' },
		{ "no-key", no_argument, NULL, 'K' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "max-rows", required_argument, NULL, 'm' },
		{ "interval-ms", required_argument, NULL, 'i' },
		{ "tls-ca", required_argument, NULL, 'A' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'Y' },
		{ "subscribe", required_argument, NULL, 'S' },
		{ 0 },
	};
	const char *state_dir = NULL, *host = "127.0.0.1", *kiosk = "k1";
	const char *tls_ca = NULL, *tls_cert = NULL, *tls_key = NULL, *subs[4];
	unsigned n_subs = 0;
	struct inbound in = { 0 };
	int interval_ms = 0;
	unsigned long long total = 0, burst = 20, run_ms = 0, max_rows = 0;
	int port = 0, opt, r;
	bool use_key = true, wait_empty = true;
	char path[4096], topic[256];
	uint8_t k_day[EVENTS_KEY_LEN], venue_key[EVENTS_KEY_LEN];
	const char *reasons[] = { "vaccinated" };
	struct build_ctx b = { 0 };
	struct outbox_stats os;
	struct uplink_status us;
	struct outbox *ob = NULL;
	struct uplink *u = NULL;
	struct cred person;
	uint64_t start;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			state_dir = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'H':
			host = optarg;
			break;
		case 'k':
			kiosk = optarg;
			break;
		case 'n':
			total = strtoull(optarg, NULL, 10);
			break;
		case 'b':
			burst = strtoull(optarg, NULL, 10);
			break;
		case 't':
			run_ms = strtoull(optarg, NULL, 10);
			break;
		case 'K':
			use_key = false;
			break;
		case 'W':
			wait_empty = false;
			break;
		case 'm':
			max_rows = strtoull(optarg, NULL, 10);
			break;
		case 'i':
			interval_ms = atoi(optarg);
			break;
		case 'A':
			tls_ca = optarg;
			break;
		case 'C':
			tls_cert = optarg;
			break;
		case 'Y':
			tls_key = optarg;
			break;
		case 'S':
			if (n_subs < 4)
				subs[n_subs++] = optarg;
			break;
		default:
			return 2;
		}
	}
	if (!state_dir) {
		fprintf(stderr, "usage: uplink_publisher --state-dir DIR --port N ...\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/outbox.db", state_dir);
	r = outbox_open(path, &(struct outbox_limits){ .max_rows = max_rows }, 0, &ob);
	if (r < 0) {
		fprintf(stderr, "outbox_open: %s\n", strerror(-r));
		return 1;
	}
	r = uplink_new(&(struct uplink_config){ .host = port ? host : NULL,
						.port = port,
						.city = "testcity",
						.venue = "v1",
						.kiosk = kiosk,
						.tls_ca = tls_ca,
						.tls_cert = tls_cert,
						.tls_key = tls_key,
						.backoff_min_ms = 100,
						.backoff_max_ms = 1000,
						.connect_timeout_ms = 3000,
						.keepalive_s = 5,
						.reject_retry_ms = 1000 },
		       ob, &u);
	if (r < 0) {
		fprintf(stderr, "uplink_new: %s\n", strerror(-r));
		outbox_free(ob);
		return 1;
	}
	uplink_set_status_details(u, use_key ? "{\"daykey\":true}" : "{\"daykey\":false}");
	uplink_set_message_handler(u, on_inbound, &in);
	for (unsigned i = 0; i < n_subs; i++)
		uplink_subscribe(u, subs[i]);
	memset(k_day, 0x5A, sizeof(k_day));
	events_venue_key(k_day, "v1", venue_key);
	test_person(&person);
	events_topic_check("testcity", "v1", kiosk, topic, sizeof(topic));
	b.ck = (struct events_check){ .venue = "v1",
				      .kiosk = kiosk,
				      .program = "national-package",
				      .admit = true,
				      .reasons = reasons,
				      .n_reasons = 1,
				      .kind = "vaccination",
				      .format = "dcc",
				      .cred = &person,
				      .venue_key = use_key ? venue_key : NULL };

	start = now_ms();
	for (;;) {
		struct pollfd pfd = { .fd = -1 };
		uint64_t now = now_ms(), deadline;
		int timeout;
		bool adding;

		outbox_stats(ob, &os);
		adding = os.next_seq <= total;
		for (unsigned long long i = 0; adding && i < burst && os.next_seq <= total; i++) {
			b.ck.now = (int64_t)time(NULL);
			outbox_add(ob, topic, build, &b, NULL);
			outbox_stats(ob, &os);
		}
		uplink_kick(u);
		if (!adding && (!wait_empty || os.rows == 0))
			break;
		if (run_ms && now - start >= run_ms)
			break;
		pfd.fd = uplink_fd(u);
		pfd.events = poll_bits(uplink_events(u));
		deadline = uplink_deadline(u) / 1000;
		/* While adding, --interval-ms paces the stream (so that tests can act mid-stream).
		 */
		if (adding)
			timeout = interval_ms;
		else if (deadline <= now)
			timeout = 0;
		else
			timeout = (int)(deadline - now > 1000 ? 1000 : deadline - now);
		r = poll(&pfd, pfd.fd >= 0 ? 1 : 0, timeout);
		if (r < 0 && errno != EINTR)
			break;
		uplink_dispatch(u, r > 0 ? epoll_bits(pfd.revents) : 0, now_ms() * 1000);
	}
	/* Let the last acknowledgements land in the file and the status reach the broker. */
	for (int i = 0; i < 20; i++) {
		struct pollfd pfd = { .fd = uplink_fd(u), .events = poll_bits(uplink_events(u)) };

		r = poll(&pfd, pfd.fd >= 0 ? 1 : 0, 10);
		uplink_dispatch(u, r > 0 ? epoll_bits(pfd.revents) : 0, now_ms() * 1000);
	}
	outbox_stats(ob, &os);
	uplink_status(u, &us);
	printf("{\"pending\":%llu,\"next_seq\":%llu,\"dropped\":%llu,\"lost\":%llu,"
	       "\"connects\":%llu,\"published\":%llu,\"acked\":%llu,\"rejected\":%llu,"
	       "\"last_reject\":%d,\"paused\":%s,\"connected\":%s,\"last_error\":\"%s\","
	       "\"inbound\":%llu,\"inbound_largest\":%llu}\n",
	       (unsigned long long)os.rows, (unsigned long long)os.next_seq,
	       (unsigned long long)os.dropped, (unsigned long long)os.lost,
	       (unsigned long long)us.connects, (unsigned long long)us.published,
	       (unsigned long long)us.acked, (unsigned long long)us.rejected, us.last_reject,
	       us.paused ? "true" : "false", us.connected ? "true" : "false", us.last_error,
	       in.count, in.largest);
	cred_wipe(&person);
	uplink_free(u);
	outbox_free(ob);
	return 0;
}
