/* SPDX-License-Identifier: MIT */
/*
 * booking.c - `passgate booking keygen|issue|pubkey`: the booking key of a venue without a
 * reservation system, and booking codes made with it at the front desk (docs/codes.md
 * "Booking code"):
 *
 *   passgate booking keygen --out FILE
 *   passgate booking pubkey --key FILE
 *   passgate booking issue --key FILE --venue ID --trip-start DATE [--nights N]
 *                          [--residence CODE] [--reserved-on DATE] [--party N] [--child AGE]...
 *                          [--school-activity] [--png FILE]
 *
 * The key file holds the 32-byte Ed25519 seed in base64 (mode 0600, never overwritten); keygen
 * and pubkey print the public key for the kiosks' `[booking] key`. issue prints the code and
 * with --png also writes it as a QR code image. Exit 0, or 2 for usage and I/O errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/trust_opts.h"
#include "credential/b64url.h"
#include "events/bookingcode.h"
#include "events/signedcode.h"
#include "hal/qrcode.h"

#define SEED_B64 45

struct booking_key {
	uint8_t pk[32], sk[64];
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: passgate booking keygen --out FILE\n"
		"       passgate booking pubkey --key FILE\n"
		"       passgate booking issue --key FILE --venue ID --trip-start YYYY-MM-DD\n"
		"                              [--nights N] [--residence CODE]\n"
		"                              [--reserved-on YYYY-MM-DD] [--party N]\n"
		"                              [--child AGE]... [--school-activity] [--png FILE]\n"
		"keygen  a new booking key; prints the public key for [booking] key\n"
		"pubkey  the public key of a key file\n"
		"issue   a booking code, printed (and with --png written as a QR image)\n");
}

static int keygen(const char *out)
{
	struct booking_key k;
	char seed[SEED_B64], pk[SEED_B64];
	int fd, r = 0;

	signedcode_keypair(k.pk, k.sk);
	if (b64std_encode_buf(k.sk, 32, seed, sizeof(seed)) < 0 ||
	    b64std_encode_buf(k.pk, 32, pk, sizeof(pk)) < 0)
		return EXIT_USAGE;
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "passgate booking: %s: %s\n", out, strerror(errno));
		r = EXIT_USAGE;
		goto wipe;
	}
	if (dprintf(fd, "%s\n", seed) < 0 || fsync(fd) < 0) {
		fprintf(stderr, "passgate booking: %s: %s\n", out, strerror(errno));
		r = EXIT_USAGE;
	}
	close(fd);
	if (r == 0)
		printf("%s\n", pk);
wipe:
	explicit_bzero(&k, sizeof(k));
	explicit_bzero(seed, sizeof(seed));
	return r;
}

static int load_key(const char *path, struct booking_key *k)
{
	uint8_t seed[32];
	char *text = NULL;
	size_t len = 0, n = 0;
	int r;

	r = cli_read_file(path, 256, &text, &len);
	if (r < 0) {
		fprintf(stderr, "passgate booking: %s: %s\n", path, strerror(-r));
		return r;
	}
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	r = b64std_decode_buf(text, len, seed, sizeof(seed), &n) < 0 || n != 32
		    ? -EBADMSG
		    : signedcode_keypair_from_seed(seed, k->pk, k->sk);
	if (r < 0)
		fprintf(stderr, "passgate booking: %s: not a booking key file\n", path);
	explicit_bzero(seed, sizeof(seed));
	explicit_bzero(text, len);
	free(text);
	return r;
}

static int parse_uint(const char *what, const char *v, unsigned max, unsigned *ret)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n > max) {
		fprintf(stderr, "passgate booking: --%s wants a number 0..%u\n", what, max);
		return -EINVAL;
	}
	*ret = (unsigned)n;
	return 0;
}

/* expires: the last night's date, or the day itself for a day visit (docs/codes.md). */
static int set_dates(struct bookingcode *b, const char *trip_start, const char *reserved_on)
{
	int64_t start, d;

	if (!trip_start || signedcode_date(trip_start, &start) < 0 ||
	    (reserved_on && signedcode_date(reserved_on, &d) < 0)) {
		fprintf(stderr, "passgate booking: dates are YYYY-MM-DD\n");
		return -EINVAL;
	}
	snprintf(b->trip_start, sizeof(b->trip_start), "%s", trip_start);
	if (reserved_on)
		snprintf(b->reserved_on, sizeof(b->reserved_on), "%s", reserved_on);
	signedcode_format_date(start + (b->nights ? b->nights - 1 : 0), b->expires);
	return 0;
}

static int write_code(const struct bookingcode *b, const struct booking_key *k, const char *png)
{
	char *text = NULL;
	int r;

	r = bookingcode_issue(b, k->sk, &text);
	if (r < 0) {
		fprintf(stderr, "passgate booking: %s\n",
			r == -EINVAL ? "inconsistent booking (party, children, dates or residence)"
				     : strerror(-r));
		return EXIT_USAGE;
	}
	printf("%s\n", text);
	r = png ? hal_qr_write_png(text, png, 4) : 0;
	if (r < 0)
		fprintf(stderr, "passgate booking: %s: %s\n", png, strerror(-r));
	free(text);
	return r < 0 ? EXIT_USAGE : 0;
}

/* Options of `issue` into @b; -EINVAL after a message. */
static int issue_options(int argc, char **argv, struct bookingcode *b, const char **key,
			 const char **png)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "venue", required_argument, NULL, 'v' },
		{ "trip-start", required_argument, NULL, 't' },
		{ "nights", required_argument, NULL, 'n' },
		{ "residence", required_argument, NULL, 'r' },
		{ "reserved-on", required_argument, NULL, 'o' },
		{ "party", required_argument, NULL, 'p' },
		{ "child", required_argument, NULL, 'c' },
		{ "school-activity", no_argument, NULL, 's' },
		{ "png", required_argument, NULL, 'P' },
		{ 0 },
	};
	const char *trip_start = NULL, *reserved_on = NULL;
	int c, r = 0;

	b->party = 1;
	while (r >= 0 && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			*key = optarg;
			break;
		case 'v':
			snprintf(b->venue, sizeof(b->venue), "%s", optarg);
			break;
		case 't':
			trip_start = optarg;
			break;
		case 'n':
			r = parse_uint("nights", optarg, BOOKINGCODE_NIGHTS_MAX, &b->nights);
			break;
		case 'r':
			snprintf(b->residence, sizeof(b->residence), "%s", optarg);
			break;
		case 'o':
			reserved_on = optarg;
			break;
		case 'p':
			r = parse_uint("party", optarg, BOOKINGCODE_PARTY_MAX, &b->party);
			break;
		case 'c':
			if (b->n_children == BOOKINGCODE_CHILDREN_MAX)
				r = -EINVAL;
			else
				r = parse_uint("child", optarg, 17, &b->children[b->n_children++]);
			break;
		case 's':
			b->school_activity = true;
			break;
		case 'P':
			*png = optarg;
			break;
		default:
			r = -EINVAL;
		}
	}
	if (r >= 0 && (optind != argc || !*key || !b->venue[0]))
		r = -EINVAL;
	if (r >= 0)
		r = set_dates(b, trip_start, reserved_on);
	return r;
}

int cmd_booking(int argc, char **argv)
{
	struct bookingcode b = { 0 };
	struct booking_key k;
	const char *key = NULL, *png = NULL, *verb = argc > 1 ? argv[1] : "";
	int r;

	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(verb, "keygen") == 0 && argc == 4 && strcmp(argv[2], "--out") == 0)
		return keygen(argv[3]);
	if (strcmp(verb, "pubkey") == 0 && argc == 4 && strcmp(argv[2], "--key") == 0) {
		char pk[SEED_B64];

		if (load_key(argv[3], &k) < 0)
			return EXIT_USAGE;
		b64std_encode_buf(k.pk, 32, pk, sizeof(pk));
		explicit_bzero(&k, sizeof(k));
		printf("%s\n", pk);
		return 0;
	}
	if (strcmp(verb, "issue") != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	optind = 2;
	if (issue_options(argc, argv, &b, &key, &png) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	b.issued = (int64_t)time(NULL);
	if (load_key(key, &k) < 0)
		return EXIT_USAGE;
	r = write_code(&b, &k, png);
	explicit_bzero(&k, sizeof(k));
	return r;
}
