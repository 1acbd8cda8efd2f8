/* SPDX-License-Identifier: MIT */
/*
 * test_config.c - daemon/config.c: every key parsed into struct config, the defaults, and each
 * bad value, unknown key or section, duplicate and syntax error reported as "file:line: reason".
 * Files are written into a fresh temporary directory; relative paths in them resolve there.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/config.h"

static char dir[64];

static char *write_file(const char *name, const char *text)
{
	char *path;
	FILE *f;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return path;
}

static int setup_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/passgate-config-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	free(write_file("iss.jwks", "{\"keys\":[]}"));
	free(write_file("dsc.pem", "x"));
	free(write_file("ca.pem", "x"));
	free(write_file("kiosk.pem", "x"));
	free(write_file("kiosk.key", "x"));
	return 0;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Load @text as a config file; on failure return the error message (caller frees). */
static struct config *load_ok(const char *text)
{
	char err[CONFIG_ERROR_MAX];
	struct config *c = NULL;
	char *path = write_file("ok.conf", text);
	int r = config_load(path, &c, err);

	if (r < 0)
		fail_msg("unexpected error: %s", err);
	assert_non_null(c);
	free(path);
	return c;
}

/* Load @text and expect failure with exactly "<path>:<line>: <reason prefix>...". */
static void load_bad(const char *text, unsigned line, const char *reason)
{
	char err[CONFIG_ERROR_MAX], want[CONFIG_ERROR_MAX];
	struct config *c = (struct config *)0x1;
	char *path = write_file("bad.conf", text);
	int r = config_load(path, &c, err);

	if (r >= 0)
		fail_msg("accepted: %s", text);
	assert_int_equal(r, -EINVAL);
	assert_ptr_equal(c, (struct config *)0x1); /* untouched on failure */
	if (line)
		snprintf(want, sizeof(want), "%s:%u: %s", path, line, reason);
	else
		snprintf(want, sizeof(want), "%s: %s", path, reason);
	if (strncmp(err, want, strlen(want)))
		fail_msg("got '%s', want prefix '%s'", err, want);
	free(path);
}

static void test_defaults(void **state)
{
	struct config *c;

	(void)state;
	c = load_ok("[venue]\nid = shop-1\n");
	assert_string_equal(c->venue.id, "shop-1");
	assert_string_equal(c->venue.name, "");
	assert_string_equal(c->venue.program, "national-package");
	assert_string_equal(c->venue.timezone, "Asia/Tokyo");
	assert_string_equal(c->venue.programs_dir, config_default_programs_dir());
	assert_int_equal(c->venue.mode, CONFIG_MODE_SELF);
	assert_int_equal(c->camera.source, CONFIG_CAMERA_LIBCAMERA);
	assert_int_equal(c->camera.index, 0);
	assert_int_equal(c->camera.dir_interval_ms, 0);
	assert_int_equal(c->gpio.backend, CONFIG_GPIO_GPIOD);
	assert_string_equal(c->gpio.chip, "");
	assert_string_equal(c->gpio.green.name, "GPIO17");
	assert_string_equal(c->gpio.red.name, "GPIO27");
	assert_string_equal(c->gpio.buzzer.name, "GPIO22");
	assert_string_equal(c->gpio.relay.name, "GPIO23");
	assert_string_equal(c->gpio.child_button.name, "GPIO5");
	assert_string_equal(c->gpio.staff_button.name, "GPIO6");
	assert_int_equal(c->gpio.relay.offset, -1);
	assert_int_equal(c->gpio.relay_pulse_ms, 1000);
	assert_int_equal(c->printer.kind, CONFIG_PRINTER_NONE);
	assert_int_equal(c->printer.baud, 9600);
	assert_int_equal(c->printer.kanji, CONFIG_KANJI_SHIFT_JIS);
	assert_string_equal(c->mqtt.host, "");
	assert_int_equal(c->mqtt.port, 1883);
	assert_int_equal(c->mqtt.keepalive, 60);
	assert_int_equal(c->mqtt.connect_timeout_s, 10);
	assert_int_equal(c->state.outbox_max_rows, 100000);
	assert_int_equal(c->state.outbox_max_mb, 64);
	assert_false(c->mqtt.has_city_key);
	assert_int_equal(c->trust.n_jwks, 0);
	assert_int_equal(c->trust.n_certs, 0);
	assert_true(c->trust.use_default);
	assert_int_equal(c->scan.repeat_holdoff_s, 5);
	assert_int_equal(c->scan.passback_window_s, 0);
	assert_true(c->clock.require_sync);
	assert_string_equal(c->state.dir, "/var/lib/passgate");
	config_free(c);
}

static void test_every_key(void **state)
{
	struct config *c;
	char *text, *expect;

	(void)state;
	assert_true(asprintf(&text,
			     "; a full configuration\n"
			     "[venue]\n"
			     "id = sapporo.bar_7\n"
			     "name = すすきの酒場\n"
			     "program = sapporo-pass-code\n"
			     "programs_dir = %s\n"
			     "timezone = Asia/Tokyo\n"
			     "benefit = ドリンク1杯無料\n"
			     "mode = staff\n"
			     "[camera]\n"
			     "source = dir:.\n"
			     "dir_interval_ms = 40\n"
			     "[gpio]\n"
			     "backend = sim\n"
			     "chip = gpiochip4\n"
			     "green = GPIO16\n"
			     "red = 20\n"
			     "buzzer = none\n"
			     "relay = GPIO21\n"
			     "relay_pulse_ms = 2500\n"
			     "child_button = GPIO13\n"
			     "staff_button = GPIO19\n"
			     "sim_log = gpio.log\n"
			     "sim_buttons = buttons.fifo\n"
			     "[printer]\n"
			     "device = /dev/ttyAMA0\n"
			     "baud = 19200\n"
			     "kanji = none\n"
			     "[mqtt]\n"
			     "host = 192.0.2.10\n"
			     "city = sapporo\n"
			     "kiosk = door-1\n"
			     "tls_ca = ca.pem\n"
			     "tls_cert = kiosk.pem\n"
			     "tls_key = %s/kiosk.key\n"
			     "keepalive = 30\n"
			     "connect_timeout_s = 4\n"
			     "username = door\n"
			     "password = s3cret\n"
			     "city_key = 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
			     "[trust]\n"
			     "jwks = https://issuer.example.jp/iss=iss.jwks\n"
			     "jwks = https://other.example.jp=iss.jwks\n"
			     "cert = dsc.pem\n"
			     "cert = ca.pem\n"
			     "default = no\n"
			     "[scan]\n"
			     "repeat_holdoff_s = 7\n"
			     "passback_window_s = 3600\n"
			     "[clock]\n"
			     "require_sync = no\n"
			     "[state]\n"
			     "dir = state\n"
			     "outbox_max_rows = 5000\n"
			     "outbox_max_mb = 8\n",
			     dir, dir) > 0);
	c = load_ok(text);
	assert_string_equal(c->venue.id, "sapporo.bar_7");
	assert_string_equal(c->venue.name, "すすきの酒場");
	assert_string_equal(c->venue.program, "sapporo-pass-code");
	assert_string_equal(c->venue.programs_dir, dir);
	assert_string_equal(c->venue.benefit, "ドリンク1杯無料");
	assert_int_equal(c->venue.mode, CONFIG_MODE_STAFF);
	assert_int_equal(c->camera.source, CONFIG_CAMERA_DIR);
	assert_true(asprintf(&expect, "%s/.", dir) > 0);
	assert_string_equal(c->camera.dir, expect);
	assert_int_equal(c->camera.dir_interval_ms, 40);
	free(expect);
	assert_int_equal(c->gpio.backend, CONFIG_GPIO_SIM);
	assert_string_equal(c->gpio.chip, "gpiochip4");
	assert_string_equal(c->gpio.green.name, "GPIO16");
	assert_string_equal(c->gpio.red.name, "");
	assert_int_equal(c->gpio.red.offset, 20);
	assert_false(config_gpio_line_wired(&c->gpio.buzzer));
	assert_true(config_gpio_line_wired(&c->gpio.red));
	assert_string_equal(c->gpio.relay.name, "GPIO21");
	assert_int_equal(c->gpio.relay_pulse_ms, 2500);
	assert_string_equal(c->gpio.child_button.name, "GPIO13");
	assert_string_equal(c->gpio.staff_button.name, "GPIO19");
	assert_true(asprintf(&expect, "%s/gpio.log", dir) > 0);
	assert_string_equal(c->gpio.sim_log, expect);
	free(expect);
	assert_true(asprintf(&expect, "%s/buttons.fifo", dir) > 0);
	assert_string_equal(c->gpio.sim_buttons, expect);
	free(expect);
	assert_int_equal(c->printer.kind, CONFIG_PRINTER_SERIAL);
	assert_string_equal(c->printer.device, "/dev/ttyAMA0");
	assert_int_equal(c->printer.baud, 19200);
	assert_int_equal(c->printer.kanji, CONFIG_KANJI_NONE);
	assert_string_equal(c->mqtt.host, "192.0.2.10");
	assert_int_equal(c->mqtt.port, 8883); /* TLS default */
	assert_string_equal(c->mqtt.city, "sapporo");
	assert_string_equal(c->mqtt.kiosk, "door-1");
	assert_true(asprintf(&expect, "%s/ca.pem", dir) > 0);
	assert_string_equal(c->mqtt.tls_ca, expect);
	free(expect);
	assert_true(asprintf(&expect, "%s/kiosk.key", dir) > 0);
	assert_string_equal(c->mqtt.tls_key, expect);
	free(expect);
	assert_int_equal(c->mqtt.keepalive, 30);
	assert_int_equal(c->mqtt.connect_timeout_s, 4);
	assert_string_equal(c->mqtt.username, "door");
	assert_string_equal(c->mqtt.password, "s3cret");
	assert_int_equal(c->state.outbox_max_rows, 5000);
	assert_int_equal(c->state.outbox_max_mb, 8);
	assert_true(c->mqtt.has_city_key);
	assert_int_equal(c->mqtt.city_key[0], 0xd7);
	assert_int_equal(c->mqtt.city_key[1], 0x5a);
	assert_int_equal(c->mqtt.city_key[31], 0x1a);
	assert_int_equal(c->trust.n_jwks, 2);
	assert_string_equal(c->trust.jwks[0].issuer, "https://issuer.example.jp/iss");
	assert_string_equal(c->trust.jwks[1].issuer, "https://other.example.jp");
	assert_true(asprintf(&expect, "%s/iss.jwks", dir) > 0);
	assert_string_equal(c->trust.jwks[0].file, expect);
	free(expect);
	assert_int_equal(c->trust.n_certs, 2);
	assert_true(asprintf(&expect, "%s/ca.pem", dir) > 0);
	assert_string_equal(c->trust.certs[1], expect);
	free(expect);
	assert_false(c->trust.use_default);
	assert_int_equal(c->scan.repeat_holdoff_s, 7);
	assert_int_equal(c->scan.passback_window_s, 3600);
	assert_false(c->clock.require_sync);
	assert_true(asprintf(&expect, "%s/state", dir) > 0);
	assert_string_equal(c->state.dir, expect);
	free(expect);
	config_free(c);
	free(text);
}

static void test_values(void **state)
{
	struct config *c;

	(void)state;
	c = load_ok("[venue]\nid=v\n[camera]\nsource = libcamera:2\n[printer]\ndevice = "
		    "/dev/usb/lp0\n[mqtt]\nhost = broker.local\nport = 1884\ncity = c\nkiosk "
		    "= k\n[clock]\nrequire_sync = yes\n");
	assert_int_equal(c->camera.source, CONFIG_CAMERA_LIBCAMERA);
	assert_int_equal(c->camera.index, 2);
	assert_int_equal(c->printer.kind, CONFIG_PRINTER_USBLP);
	assert_int_equal(c->mqtt.port, 1884);
	assert_true(c->clock.require_sync);
	config_free(c);

	c = load_ok("[venue]\nid=v\ntimezone = UTC\n[printer]\ndevice = file:receipts.bin\n"
		    "[scan]\npassback_window_s = 0\n[trust]\ndefault = yes\n");
	assert_string_equal(c->venue.timezone, "UTC");
	assert_int_equal(c->printer.kind, CONFIG_PRINTER_FILE);
	assert_non_null(strstr(c->printer.device, "/receipts.bin"));
	assert_int_equal(c->printer.device[0], '/');
	config_free(c);
}

static void test_errors(void **state)
{
	(void)state;
	/* syntax and structure */
	load_bad("[venue]\nid = v\n[nowhere]\n", 3, "unknown section [nowhere]");
	load_bad("[venue]\nid = v\nfoo = 1\n", 3, "unknown key 'foo' in [venue]");
	load_bad("[venue]\nid = v\n[gpio]\ngreen = GPIO1\nprogram = x\n", 5,
		 "unknown key 'program' in [gpio]");
	load_bad("id = v\n", 1, "key 'id' outside a [section]");
	load_bad("[venue]\nid = v\nthis is not a key\n", 3, "syntax error");
	load_bad("[venue\nid = v\n", 1, "syntax error");
	load_bad("[venue]\nid = v\n  name = x\n", 3, "indented line");
	load_bad("[venue]\nid = v\n# ok\nid = w\n", 4,
		 "duplicate key 'id' in [venue] (first set on line 2)");
	load_bad("", 0, "[venue] id is required");
	/* a line longer than inih's buffer is an error, not two lines */
	{
		char text[400] = "[venue]\nid = v\nname = ";
		size_t n = strlen(text);

		memset(text + n, 'x', 300);
		text[n + 300] = '\n';
		text[n + 301] = '\0';
		load_bad(text, 3, "line longer than");
	}
	/* values */
	load_bad("[venue]\nid = a/b\n", 2, "[venue] id: expected 1..64 characters");
	load_bad("[venue]\nid = v\nprogram = National\n", 3, "[venue] program: expected");
	load_bad("[venue]\nid = v\ntimezone = Mars/Olympus\n", 3,
		 "[venue] timezone: unknown time zone 'Mars/Olympus'");
	load_bad("[venue]\nid = v\ntimezone = ../../etc/passwd\n", 3, "[venue] timezone: expected");
	load_bad("[venue]\nid = v\nmode = kiosk\n", 3, "[venue] mode: expected self or staff");
	load_bad("[venue]\nid = v\nprograms_dir = nonexistent\n", 3, "[venue] programs_dir: ");
	load_bad("[venue]\nid = v\n[camera]\nsource = webcam\n", 4, "[camera] source: expected");
	load_bad("[venue]\nid = v\n[camera]\nsource = libcamera:x\n", 4,
		 "[camera] source: expected an integer in 0..63");
	load_bad("[venue]\nid = v\n[camera]\nsource = dir:missing\n", 4, "[camera] source: ");
	load_bad("[venue]\nid = v\n[gpio]\nbackend = wiringpi\n", 4,
		 "[gpio] backend: expected gpiod or sim");
	load_bad("[venue]\nid = v\n[gpio]\nchip = chip 0\n", 4, "[gpio] chip: expected");
	load_bad("[venue]\nid = v\n[gpio]\nrelay = 5000\n", 4,
		 "[gpio] relay: expected an integer in 0..1023");
	load_bad("[venue]\nid = v\n[gpio]\nred = GPIO 27\n", 4, "[gpio] red: expected a line name");
	load_bad("[venue]\nid = v\n[camera]\ndir_interval_ms = 60001\n", 4,
		 "[camera] dir_interval_ms: expected an integer in 0..60000, got '60001'");
	load_bad("[venue]\nid = v\n[gpio]\nrelay_pulse_ms = 5\n", 4,
		 "[gpio] relay_pulse_ms: expected an integer in 10..60000, got '5'");
	load_bad("[venue]\nid = v\n[gpio]\nrelay_pulse_ms = -1\n", 4, "[gpio] relay_pulse_ms:");
	load_bad("[venue]\nid = v\n[gpio]\nrelay_pulse_ms = 100ms\n", 4, "[gpio] relay_pulse_ms:");
	load_bad("[venue]\nid = v\n[gpio]\nsim_log = /tmp/x\n", 4,
		 "[gpio] sim_log needs backend = sim");
	load_bad("[venue]\nid = v\n[gpio]\nsim_buttons = /tmp/x\n", 4,
		 "[gpio] sim_buttons needs backend = sim");
	load_bad("[venue]\nid = v\n[gpio]\nrelay = GPIO17\n", 4,
		 "[gpio] green and relay are the same line");
	load_bad("[venue]\nid = v\n[gpio]\nbuzzer = 3\nrelay = 3\n", 5,
		 "[gpio] buzzer and relay are the same line");
	load_bad("[venue]\nid = v\n[printer]\ndevice = /etc/passwd\n", 4,
		 "[printer] device: expected");
	load_bad("[venue]\nid = v\n[printer]\nbaud = 9601\n", 4,
		 "[printer] baud: expected one of 1200");
	load_bad("[venue]\nid = v\n[printer]\nkanji = utf-8\n", 4,
		 "[printer] kanji: expected shift-jis or none");
	load_bad("[venue]\nid = v\n[mqtt]\nhost = bad host\n", 4, "[mqtt] host: expected");
	load_bad("[venue]\nid = v\n[mqtt]\nport = 0\n", 4,
		 "[mqtt] port: expected an integer in 1..65535");
	load_bad("[venue]\nid = v\n[mqtt]\nport = 65536\n", 4, "[mqtt] port:");
	load_bad("[venue]\nid = v\n[mqtt]\ncity = a+b\n", 4, "[mqtt] city: expected");
	load_bad("[venue]\nid = v\n[mqtt]\nkiosk = #\n", 4, "[mqtt] kiosk: expected");
	load_bad("[venue]\nid = v\n[mqtt]\nkeepalive = 1\n", 4, "[mqtt] keepalive: expected");
	load_bad("[venue]\nid = v\n[mqtt]\nconnect_timeout_s = 0\n", 4,
		 "[mqtt] connect_timeout_s: expected");
	load_bad("[venue]\nid = v\n[state]\noutbox_max_rows = 10\n", 4,
		 "[state] outbox_max_rows: expected");
	load_bad("[venue]\nid = v\n[state]\noutbox_max_mb = 0\n", 4,
		 "[state] outbox_max_mb: expected");
	load_bad("[venue]\nid = v\n[mqtt]\ntls_ca = none.pem\n", 4, "[mqtt] tls_ca: ");
	load_bad("[venue]\nid = v\n[mqtt]\ntls_ca = ca.pem\ntls_cert = kiosk.pem\n", 5,
		 "[mqtt] tls_cert and tls_key go together");
	load_bad("[venue]\nid = v\n[mqtt]\ntls_key = kiosk.key\ntls_cert = kiosk.pem\n", 5,
		 "[mqtt] tls_cert needs [mqtt] tls_ca");
	load_bad("[venue]\nid = v\n[mqtt]\ncity_key = AAAA\n", 4,
		 "[mqtt] city_key: expected the base64");
	load_bad("[venue]\nid = v\n[mqtt]\ncity_key = "
		 "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp=\n",
		 4, "[mqtt] city_key: expected the base64"); /* non-canonical last digit */
	load_bad("[venue]\nid = v\n[mqtt]\nhost = 127.0.0.1\nkiosk = k\n", 4,
		 "[mqtt] host needs [mqtt] city");
	load_bad("[venue]\nid = v\n[mqtt]\nhost = 127.0.0.1\ncity = c\n", 4,
		 "[mqtt] host needs [mqtt] kiosk");
	load_bad("[venue]\nid = v\n[trust]\njwks = iss.jwks\n", 4,
		 "[trust] jwks: expected ISS=FILE");
	load_bad("[venue]\nid = v\n[trust]\njwks = http://x=iss.jwks\n", 4,
		 "[trust] jwks: the issuer must be an https:// URL");
	load_bad("[venue]\nid = v\n[trust]\njwks = https://x=missing.jwks\n", 4, "[trust] jwks: ");
	load_bad("[venue]\nid = v\n[trust]\ncert = missing.pem\n", 4, "[trust] cert: ");
	load_bad("[venue]\nid = v\n[trust]\ncert = .\n", 4, "[trust] cert: ");
	load_bad("[venue]\nid = v\n[trust]\ndefault = maybe\n", 4,
		 "[trust] default: expected yes or no");
	load_bad("[venue]\nid = v\n[scan]\nrepeat_holdoff_s = 0\n", 4,
		 "[scan] repeat_holdoff_s: expected an integer in 1..3600");
	load_bad("[venue]\nid = v\n[scan]\npassback_window_s = 86401\n", 4,
		 "[scan] passback_window_s: expected an integer in 0..86400");
	load_bad("[venue]\nid = v\n[clock]\nrequire_sync = 1\n", 4,
		 "[clock] require_sync: expected yes or no");
	load_bad("[venue]\nid = v\n[state]\ndir =\n", 4, "[state] dir: expected a path");
	/* the first error wins */
	load_bad("[venue]\nid = v\nmode = x\nfoo = 1\n", 3, "[venue] mode:");
}

/* [context]: any key of the right form, in file order with its line; the kiosk checks them
 * against the program. */
static void test_context(void **state)
{
	struct config *c;

	(void)state;
	c = load_ok("[venue]\nid=v\nprogram = aichi-restaurant\n[context]\nkaraoke = true\n"
		    "restrictions = priority\n");
	assert_int_equal(c->n_context, 2);
	assert_string_equal(c->context[0].key, "karaoke");
	assert_string_equal(c->context[0].value, "true");
	assert_int_equal(c->context[0].line, 5);
	assert_string_equal(c->context[1].key, "restrictions");
	assert_string_equal(c->context[1].value, "priority");
	assert_int_equal(c->context[1].line, 6);
	config_free(c);

	c = load_ok("[venue]\nid=v\n");
	assert_int_equal(c->n_context, 0);
	config_free(c);

	load_bad("[venue]\nid=v\n[context]\nkaraoke = true\nkaraoke = false\n", 5,
		 "duplicate key 'karaoke' in [context] (first set on line 4)");
	load_bad("[venue]\nid=v\n[context]\nkara/oke = true\n", 4,
		 "[context] 'kara/oke': expected a context key name");
}

/* [booking] key (repeatable) and [venue] child_button_age (issue 13). */
static void test_booking(void **state)
{
	struct config *c;

	(void)state;
	c = load_ok("[venue]\nid=v\nchild_button_age = 5\n[booking]\n"
		    "key = MIcTfXnO7ZmsJF1iZtOdXFpQ/C7wu9Ugn0gldtZ4hq8=\n"
		    "key = xj7d85x/0fWhCqhM1sZu80+DgJv9natlcANRyqTW664=\n");
	assert_int_equal(c->venue.child_button_age, 5);
	assert_int_equal(c->booking.n_keys, 2);
	assert_int_equal(c->booking.keys[0][0], 0x30);
	assert_int_equal(c->booking.keys[1][0], 0xc6);
	config_free(c);

	c = load_ok("[venue]\nid=v\n");
	assert_int_equal(c->venue.child_button_age, -1);
	assert_int_equal(c->booking.n_keys, 0);
	config_free(c);

	load_bad("[venue]\nid=v\n[booking]\nkey = AAAA\n", 4,
		 "[booking] key: expected the base64 of a 32-byte Ed25519 public key");
	load_bad("[venue]\nid=v\nchild_button_age = 12\n", 3, "[venue] child_button_age");
}

static void test_missing_file(void **state)
{
	char err[CONFIG_ERROR_MAX];
	struct config *c = NULL;

	(void)state;
	assert_int_equal(config_load("/nonexistent/passgated.conf", &c, err), -ENOENT);
	assert_null(c);
	assert_string_equal(err, "/nonexistent/passgated.conf: No such file or directory");
	config_free(NULL);
}

/* Issue 9, finding 10: a device or a directory is refused before reading (/dev/zero never
 * ended); a NUL byte is an error, also at the start of a line, where it hid the rest of it. */
static void test_not_regular_or_nul(void **state)
{
	static const char text[] = "[venue]\nid = a\n\0[bogus]\nid = b\n";
	char err[CONFIG_ERROR_MAX], want[CONFIG_ERROR_MAX];
	struct config *c = NULL;
	char *path;
	FILE *f;

	(void)state;
	assert_true(asprintf(&path, "%s/nul.conf", dir) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, sizeof(text) - 1, f), sizeof(text) - 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(config_load(path, &c, err), -EINVAL);
	assert_null(c);
	snprintf(want, sizeof(want), "%s:3: NUL byte at column 1", path);
	assert_string_equal(err, want);
	free(path);
	/* Checked after the NUL case, which fails fast where /dev/zero would hang. */
	assert_int_equal(config_load("/dev/zero", &c, err), -EINVAL);
	assert_string_equal(err, "/dev/zero: not a regular file");
	assert_int_equal(config_load(dir, &c, err), -EINVAL);
	assert_null(c);
	/* A trailing comment gets a hint (finding 19). */
	load_bad("[scan]\nrepeat_holdoff_s = 5 # seconds\n", 2, "[scan] repeat_holdoff_s: ");
	path = write_file("c.conf", "[scan]\nrepeat_holdoff_s = 5 # seconds\n");
	assert_true(config_load(path, &c, err) < 0);
	assert_non_null(strstr(err, "a comment must be on a line of its own"));
	free(path);
}

/* The sample configuration shipped in etc/ must load (with its paths as they are). */
static void test_sample(void **state)
{
	const char *src = getenv("PASSGATE_SOURCE_DIR");
	char err[CONFIG_ERROR_MAX];
	struct config *c = NULL;
	char *path;

	(void)state;
	if (!src)
		skip();
	assert_true(asprintf(&path, "%s/etc/passgated.conf", src) > 0);
	if (config_load(path, &c, err) < 0)
		fail_msg("%s", err);
	assert_string_equal(c->venue.program, "national-package");
	config_free(c);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),     cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_values),	     cmocka_unit_test(test_errors),
		cmocka_unit_test(test_booking),
		cmocka_unit_test(test_missing_file), cmocka_unit_test(test_sample),
		cmocka_unit_test(test_context),	     cmocka_unit_test(test_not_regular_or_nul),
	};
	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
