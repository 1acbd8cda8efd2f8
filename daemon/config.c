/* SPDX-License-Identifier: MIT */
/*
 * config.c - read passgated.conf (DESIGN.md, "passgated --config FILE") into a struct config.
 *
 * libinih does the INI syntax; this file owns the meaning: a table of every known
 * [section] key with its setter, the types and ranges, the defaults, and the cross-key checks
 * that run after the whole file is read. The first problem stops the load with
 * "file:line: reason" (DESIGN.md, failure rules: a bad config stops startup with the file,
 * line and reason). Debian's libinih is built without INI_HANDLER_LINENO, so the line number
 * comes from our own reader (ini_parse_stream), which counts the lines it hands to inih; the
 * handler runs on the line the reader returned last. The reader also rejects what inih would
 * accept silently: unknown sections without keys, lines longer than inih's buffer (which it
 * would split in two), and indented lines (which inih joins to the previous value).
 */
#include "daemon/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "credential/b64url.h"

#ifndef PASSGATE_DATADIR
#define PASSGATE_DATADIR "/usr/share/passgate"
#endif

#define TEXT_MAX 256

struct parser;
typedef int (*setter_fn)(struct parser *p, const char *value);

struct key {
	const char *section;
	const char *name;
	setter_fn set;
	bool repeatable;
};

struct parser {
	const char *path;
	char *basedir; /* directory of path, for relative paths; "" when path has none */
	FILE *f;
	unsigned lineno;
	bool indented;
	bool stop;
	struct config *c;
	const struct key *key; /* the key being set, for messages */
	int err;	       /* first error, -errno */
	unsigned err_line;     /* 0: a whole-file error */
	char *err_buf;
	unsigned *seen; /* per key: the line that set it, 0 when unset */
};

static const char *const sections[] = {
	"venue", "camera", "gpio",  "printer", "mqtt",	  "trust",
	"scan",	 "clock",  "state", "context", "booking",
};

const char *config_default_programs_dir(void)
{
	return PASSGATE_DATADIR "/programs";
}

const char *config_mode_name(enum config_mode m)
{
	return m == CONFIG_MODE_STAFF ? "staff" : "self";
}

/* Add formatted text at *at in the error buffer; a message longer than the buffer is cut. */
__attribute__((format(printf, 3, 0))) static void vappend(struct parser *p, size_t *at,
							  const char *fmt, va_list ap)
{
	int w;

	if (*at >= CONFIG_ERROR_MAX - 1)
		return;
	w = vsnprintf(p->err_buf + *at, CONFIG_ERROR_MAX - *at, fmt, ap);
	if (w > 0)
		*at += (size_t)w < CONFIG_ERROR_MAX - *at ? (size_t)w : CONFIG_ERROR_MAX - 1 - *at;
}

__attribute__((format(printf, 3, 4))) static void append(struct parser *p, size_t *at,
							 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(p, at, fmt, ap);
	va_end(ap);
}

/* Record the first error: "file:line: [section] key: reason" (line 0: "file: reason"; no key:
 * no "[section] key: "). Returns -EINVAL, or the error already recorded. */
__attribute__((format(printf, 4, 0))) static int
vfail(struct parser *p, unsigned line, const struct key *key, const char *fmt, va_list ap)
{
	size_t at = 0;

	if (p->err)
		return p->err;
	p->err = -EINVAL;
	p->err_line = line;
	if (!p->err_buf)
		return p->err;
	if (line)
		append(p, &at, "%s:%u: ", p->path, line);
	else
		append(p, &at, "%s: ", p->path);
	if (key)
		append(p, &at, "[%s] %s: ", key->section, key->name);
	vappend(p, &at, fmt, ap);
	return p->err;
}

__attribute__((format(printf, 3, 4))) static int fail_at(struct parser *p, unsigned line,
							 const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(p, line, NULL, fmt, ap);
	va_end(ap);
	return r;
}

/* A bad value of the key on the current line: "file:line: [section] key: reason". */
__attribute__((format(printf, 2, 3))) static int bad_value(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(p, p->lineno, p->key, fmt, ap);
	va_end(ap);
	return r;
}

static int set_str(struct parser *p, char **field, const char *value)
{
	char *s = strdup(value);

	if (!s) {
		p->err = -ENOMEM;
		return -ENOMEM;
	}
	free(*field);
	*field = s;
	return 0;
}

static bool all_chars(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

static int parse_uint(struct parser *p, const char *value, unsigned long min, unsigned long max,
		      unsigned long *ret)
{
	unsigned long v = 0;
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)value[0]))
		goto bad;
	v = strtoul(value, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*ret = v;
	return 0;
bad:
	return bad_value(p, "expected an integer in %lu..%lu, got '%s'", min, max, value);
}

static int parse_uint_field(struct parser *p, const char *value, unsigned long min,
			    unsigned long max, unsigned *field)
{
	unsigned long v = 0;
	int r = parse_uint(p, value, min, max, &v);

	if (r < 0)
		return r;
	*field = (unsigned)v;
	return 0;
}

static int parse_bool(struct parser *p, const char *value, bool *ret)
{
	if (!strcmp(value, "yes") || !strcmp(value, "true")) {
		*ret = true;
		return 0;
	}
	if (!strcmp(value, "no") || !strcmp(value, "false")) {
		*ret = false;
		return 0;
	}
	return bad_value(p, "expected yes or no, got '%s'", value);
}

/* Identifiers that become MQTT topic levels: no '/', '+', '#' or spaces. */
static int parse_id(struct parser *p, const char *value, char **field)
{
	if (!value[0] || strlen(value) > CONFIG_ID_MAX || !all_chars(value, "._-"))
		return bad_value(p, "expected 1..%d characters of A-Z a-z 0-9 . _ -, got '%s'",
				 CONFIG_ID_MAX, value);
	return set_str(p, field, value);
}

static int parse_text(struct parser *p, const char *value, char **field)
{
	if (strlen(value) > TEXT_MAX)
		return bad_value(p, "longer than %d bytes", TEXT_MAX);
	return set_str(p, field, value);
}

enum path_check {
	PATH_ANY,
	PATH_FILE, /* a readable regular file */
	PATH_DIR,  /* an existing directory */
};

/* Relative paths are taken from the config file's directory. */
static int parse_path(struct parser *p, const char *value, enum path_check check, char **field)
{
	struct stat st;
	char *full;
	int r;

	if (!value[0])
		return bad_value(p, "expected a path");
	if (value[0] == '/' || !p->basedir[0])
		full = strdup(value);
	else if (asprintf(&full, "%s/%s", p->basedir, value) < 0)
		full = NULL;
	if (!full) {
		p->err = -ENOMEM;
		return -ENOMEM;
	}
	if (check != PATH_ANY) {
		if (stat(full, &st) < 0) {
			r = bad_value(p, "%s: %s", full, strerror(errno));
			goto free_full;
		}
		if (check == PATH_DIR && !S_ISDIR(st.st_mode)) {
			r = bad_value(p, "%s: not a directory", full);
			goto free_full;
		}
		if (check == PATH_FILE && !S_ISREG(st.st_mode)) {
			r = bad_value(p, "%s: not a regular file", full);
			goto free_full;
		}
		if (check == PATH_FILE && access(full, R_OK) < 0) {
			r = bad_value(p, "%s: %s", full, strerror(errno));
			goto free_full;
		}
	}
	free(*field);
	*field = full;
	return 0;
free_full:
	free(full);
	return r;
}

/* [venue] */

static int set_venue_id(struct parser *p, const char *v)
{
	return parse_id(p, v, &p->c->venue.id);
}

static int set_venue_name(struct parser *p, const char *v)
{
	return parse_text(p, v, &p->c->venue.name);
}

static int set_venue_program(struct parser *p, const char *v)
{
	if (!v[0] || strlen(v) > CONFIG_ID_MAX || !all_chars(v, "-") ||
	    strpbrk(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
		return bad_value(p, "expected a program id such as national-package, got '%s'", v);
	return set_str(p, &p->c->venue.program, v);
}

static int set_venue_programs_dir(struct parser *p, const char *v)
{
	return parse_path(p, v, PATH_DIR, &p->c->venue.programs_dir);
}

static int set_venue_timezone(struct parser *p, const char *v)
{
	const char *zoneinfo = getenv("TZDIR");
	struct stat st;
	char *file;
	int r = 0;

	if (!zoneinfo || !zoneinfo[0])
		zoneinfo = "/usr/share/zoneinfo";
	if (!v[0] || v[0] == '/' || strstr(v, "..") || !all_chars(v, "/_+-"))
		return bad_value(p, "expected a time zone name such as Asia/Tokyo, got '%s'", v);
	if (asprintf(&file, "%s/%s", zoneinfo, v) < 0) {
		p->err = -ENOMEM;
		return -ENOMEM;
	}
	if (stat(file, &st) < 0 || !S_ISREG(st.st_mode))
		r = bad_value(p, "unknown time zone '%s' (no file %s)", v, file);
	free(file);
	if (r < 0)
		return r;
	return set_str(p, &p->c->venue.timezone, v);
}

static int set_venue_benefit(struct parser *p, const char *v)
{
	return parse_text(p, v, &p->c->venue.benefit);
}

static int set_venue_mode(struct parser *p, const char *v)
{
	if (!strcmp(v, "self"))
		p->c->venue.mode = CONFIG_MODE_SELF;
	else if (!strcmp(v, "staff"))
		p->c->venue.mode = CONFIG_MODE_STAFF;
	else
		return bad_value(p, "expected self or staff, got '%s'", v);
	return 0;
}

/* The age the child button declares for a child without a booking code (docs/codes.md): the
 * venue decides, since the programs draw their lines at 6 and 12. */
static int set_venue_child_button_age(struct parser *p, const char *v)
{
	unsigned age;
	int r = parse_uint_field(p, v, 0, 11, &age);

	if (r >= 0)
		p->c->venue.child_button_age = (int)age;
	return r;
}

/* [camera] */

static int set_camera_source(struct parser *p, const char *v)
{
	unsigned long n = 0;
	int r;

	if (!strncmp(v, "dir:", 4)) {
		r = parse_path(p, v + 4, PATH_DIR, &p->c->camera.dir);
		if (r < 0)
			return r;
		p->c->camera.source = CONFIG_CAMERA_DIR;
		return 0;
	}
	if (!strcmp(v, "libcamera") || !strncmp(v, "libcamera:", 10)) {
		if (v[9] == ':') {
			r = parse_uint(p, v + 10, 0, 63, &n);
			if (r < 0)
				return r;
		}
		p->c->camera.source = CONFIG_CAMERA_LIBCAMERA;
		p->c->camera.index = (unsigned)n;
		return set_str(p, &p->c->camera.dir, "");
	}
	return bad_value(p, "expected libcamera, libcamera:N or dir:PATH, got '%s'", v);
}

static int set_camera_dir_interval_ms(struct parser *p, const char *v)
{
	return parse_uint_field(p, v, 0, 60000, &p->c->camera.dir_interval_ms);
}

/* [gpio] */

static int set_gpio_backend(struct parser *p, const char *v)
{
	if (!strcmp(v, "gpiod"))
		p->c->gpio.backend = CONFIG_GPIO_GPIOD;
	else if (!strcmp(v, "sim"))
		p->c->gpio.backend = CONFIG_GPIO_SIM;
	else
		return bad_value(p, "expected gpiod or sim, got '%s'", v);
	return 0;
}

static int set_gpio_chip(struct parser *p, const char *v)
{
	if (strlen(v) > 63 || !all_chars(v, "/._-"))
		return bad_value(p, "expected a chip name such as gpiochip0, got '%s'", v);
	return set_str(p, &p->c->gpio.chip, v);
}

static int parse_line(struct parser *p, const char *v, struct config_gpio_line *l)
{
	unsigned long off = 0;

	if (!strcmp(v, "none")) {
		l->name[0] = '\0';
		l->offset = -1;
		return 0;
	}
	if (isdigit((unsigned char)v[0])) {
		if (parse_uint(p, v, 0, 1023, &off) < 0)
			return p->err;
		l->name[0] = '\0';
		l->offset = (int)off;
		return 0;
	}
	if (!v[0] || strlen(v) >= CONFIG_LINE_NAME_MAX || !all_chars(v, "._-"))
		return bad_value(
			p, "expected a line name such as GPIO17, an offset or none, got '%s'", v);
	snprintf(l->name, sizeof(l->name), "%s", v);
	l->offset = -1;
	return 0;
}

static int set_gpio_green(struct parser *p, const char *v)
{
	return parse_line(p, v, &p->c->gpio.green);
}

static int set_gpio_red(struct parser *p, const char *v)
{
	return parse_line(p, v, &p->c->gpio.red);
}

static int set_gpio_buzzer(struct parser *p, const char *v)
{
	return parse_line(p, v, &p->c->gpio.buzzer);
}

static int set_gpio_relay(struct parser *p, const char *v)
{
	return parse_line(p, v, &p->c->gpio.relay);
}

static int set_gpio_child_button(struct parser *p, const char *v)
{
	return parse_line(p, v, &p->c->gpio.child_button);
}

static int set_gpio_staff_button(struct parser *p, const char *v)
{
	return parse_line(p, v, &p->c->gpio.staff_button);
}

static int set_gpio_relay_pulse_ms(struct parser *p, const char *v)
{
	return parse_uint_field(p, v, 10, 60000, &p->c->gpio.relay_pulse_ms);
}

static int set_gpio_sim_log(struct parser *p, const char *v)
{
	return parse_path(p, v, PATH_ANY, &p->c->gpio.sim_log);
}

static int set_gpio_sim_buttons(struct parser *p, const char *v)
{
	return parse_path(p, v, PATH_ANY, &p->c->gpio.sim_buttons);
}

/* [printer] */

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int set_printer_device(struct parser *p, const char *v)
{
	struct config *c = p->c;
	int r;

	if (!strcmp(v, "none")) {
		c->printer.kind = CONFIG_PRINTER_NONE;
		return set_str(p, &c->printer.device, "");
	}
	if (has_prefix(v, "file:")) {
		r = parse_path(p, v + 5, PATH_ANY, &c->printer.device);
		if (r >= 0)
			c->printer.kind = CONFIG_PRINTER_FILE;
		return r;
	}
	if (strstr(v, "..") || !all_chars(v, "/._-"))
		goto bad;
	if (has_prefix(v, "/dev/usb/lp") || has_prefix(v, "/dev/lp"))
		c->printer.kind = CONFIG_PRINTER_USBLP;
	else if (has_prefix(v, "/dev/serial") || has_prefix(v, "/dev/tty"))
		c->printer.kind = CONFIG_PRINTER_SERIAL;
	else
		goto bad;
	return set_str(p, &c->printer.device, v);
bad:
	return bad_value(p,
			 "expected /dev/serial0, /dev/ttyS*, /dev/ttyAMA*, /dev/ttyUSB*, "
			 "/dev/usb/lp*, file:PATH or none, got '%s'",
			 v);
}

static int set_printer_baud(struct parser *p, const char *v)
{
	static const char *const rates[] = { "1200",  "2400",  "4800",	"9600",
					     "19200", "38400", "57600", "115200" };

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		if (!strcmp(v, rates[i])) {
			p->c->printer.baud = (unsigned)strtoul(v, NULL, 10);
			return 0;
		}
	return bad_value(
		p, "expected one of 1200 2400 4800 9600 19200 38400 57600 115200, got '%s'", v);
}

static int set_printer_kanji(struct parser *p, const char *v)
{
	if (!strcmp(v, "shift-jis"))
		p->c->printer.kanji = CONFIG_KANJI_SHIFT_JIS;
	else if (!strcmp(v, "none"))
		p->c->printer.kanji = CONFIG_KANJI_NONE;
	else
		return bad_value(p, "expected shift-jis or none, got '%s'", v);
	return 0;
}

/* [mqtt] */

static int set_mqtt_host(struct parser *p, const char *v)
{
	if (strlen(v) > 253 || !all_chars(v, ".:-_"))
		return bad_value(p, "expected a host name or an IP address, got '%s'", v);
	return set_str(p, &p->c->mqtt.host, v);
}

static int set_mqtt_port(struct parser *p, const char *v)
{
	unsigned long port = 0;
	int r = parse_uint(p, v, 1, 65535, &port);

	if (r >= 0)
		p->c->mqtt.port = (uint16_t)port;
	return r;
}

static int set_mqtt_city(struct parser *p, const char *v)
{
	return parse_id(p, v, &p->c->mqtt.city);
}

static int set_mqtt_kiosk(struct parser *p, const char *v)
{
	return parse_id(p, v, &p->c->mqtt.kiosk);
}

static int set_mqtt_tls_ca(struct parser *p, const char *v)
{
	return parse_path(p, v, PATH_FILE, &p->c->mqtt.tls_ca);
}

static int set_mqtt_tls_cert(struct parser *p, const char *v)
{
	return parse_path(p, v, PATH_FILE, &p->c->mqtt.tls_cert);
}

static int set_mqtt_tls_key(struct parser *p, const char *v)
{
	return parse_path(p, v, PATH_FILE, &p->c->mqtt.tls_key);
}

static int set_mqtt_keepalive(struct parser *p, const char *v)
{
	return parse_uint_field(p, v, 5, 3600, &p->c->mqtt.keepalive);
}

static int set_mqtt_connect_timeout_s(struct parser *p, const char *v)
{
	return parse_uint_field(p, v, 1, 300, &p->c->mqtt.connect_timeout_s);
}

static int set_mqtt_username(struct parser *p, const char *v)
{
	return parse_text(p, v, &p->c->mqtt.username);
}

static int set_mqtt_password(struct parser *p, const char *v)
{
	return parse_text(p, v, &p->c->mqtt.password);
}

/* Base64 (RFC 4648 §4) of exactly 32 bytes: 43 characters and one optional '='. */
static int set_mqtt_city_key(struct parser *p, const char *v)
{
	size_t len = strlen(v), n;

	if ((len != 43 && len != 44) ||
	    b64std_decode_buf(v, len, p->c->mqtt.city_key, sizeof(p->c->mqtt.city_key), &n) < 0 ||
	    n != 32)
		return bad_value(p, "expected the base64 of a 32-byte Ed25519 public key");
	p->c->mqtt.has_city_key = true;
	return 0;
}

/* [booking] */

static int set_booking_key(struct parser *p, const char *v)
{
	struct config *c = p->c;
	uint8_t(*list)[32];
	size_t len = strlen(v), n;

	if (c->booking.n_keys >= CONFIG_LIST_MAX)
		return bad_value(p, "more than %d entries", CONFIG_LIST_MAX);
	list = reallocarray(c->booking.keys, c->booking.n_keys + 1, sizeof(*list));
	if (!list) {
		p->err = -ENOMEM;
		return -ENOMEM;
	}
	c->booking.keys = list;
	if ((len != 43 && len != 44) ||
	    b64std_decode_buf(v, len, list[c->booking.n_keys], 32, &n) < 0 || n != 32)
		return bad_value(p, "expected the base64 of a 32-byte Ed25519 public key");
	c->booking.n_keys++;
	return 0;
}

/* [trust] */

static int set_trust_jwks(struct parser *p, const char *v)
{
	struct config *c = p->c;
	const char *eq = strrchr(v, '=');
	struct config_jwks *list, *e;
	char *issuer;
	int r;

	if (!eq || eq == v || !eq[1])
		return bad_value(p, "expected ISS=FILE, got '%s'", v);
	if (strncmp(v, "https://", 8))
		return bad_value(p, "the issuer must be an https:// URL");
	if (c->trust.n_jwks >= CONFIG_LIST_MAX)
		return bad_value(p, "more than %d entries", CONFIG_LIST_MAX);
	issuer = strndup(v, (size_t)(eq - v));
	list = reallocarray(c->trust.jwks, c->trust.n_jwks + 1, sizeof(*list));
	if (!issuer || !list) {
		free(issuer);
		if (list)
			c->trust.jwks = list;
		p->err = -ENOMEM;
		return -ENOMEM;
	}
	c->trust.jwks = list;
	e = &list[c->trust.n_jwks];
	e->issuer = issuer;
	e->file = NULL;
	r = parse_path(p, eq + 1, PATH_FILE, &e->file);
	if (r < 0) {
		free(issuer);
		return r;
	}
	c->trust.n_jwks++;
	return 0;
}

static int set_trust_cert(struct parser *p, const char *v)
{
	struct config *c = p->c;
	char **list;
	char *file = NULL;
	int r;

	if (c->trust.n_certs >= CONFIG_LIST_MAX)
		return bad_value(p, "more than %d entries", CONFIG_LIST_MAX);
	r = parse_path(p, v, PATH_FILE, &file);
	if (r < 0)
		return r;
	list = reallocarray(c->trust.certs, c->trust.n_certs + 1, sizeof(*list));
	if (!list) {
		free(file);
		p->err = -ENOMEM;
		return -ENOMEM;
	}
	c->trust.certs = list;
	list[c->trust.n_certs++] = file;
	return 0;
}

static int set_trust_default(struct parser *p, const char *v)
{
	return parse_bool(p, v, &p->c->trust.use_default);
}

/* [scan], [clock], [state] */

static int set_scan_repeat_holdoff_s(struct parser *p, const char *v)
{
	return parse_uint_field(p, v, 1, 3600, &p->c->scan.repeat_holdoff_s);
}

static int set_scan_passback_window_s(struct parser *p, const char *v)
{
	return parse_uint_field(p, v, 0, 86400, &p->c->scan.passback_window_s);
}

static int set_clock_require_sync(struct parser *p, const char *v)
{
	return parse_bool(p, v, &p->c->clock.require_sync);
}

static int set_state_dir(struct parser *p, const char *v)
{
	return parse_path(p, v, PATH_ANY, &p->c->state.dir);
}

static int set_state_outbox_max_rows(struct parser *p, const char *v)
{
	return parse_uint_field(p, v, 100, 10000000, &p->c->state.outbox_max_rows);
}

static int set_state_outbox_max_mb(struct parser *p, const char *v)
{
	return parse_uint_field(p, v, 1, 4096, &p->c->state.outbox_max_mb);
}

static const struct key keys[] = {
	{ "venue", "id", set_venue_id, false },
	{ "venue", "name", set_venue_name, false },
	{ "venue", "program", set_venue_program, false },
	{ "venue", "programs_dir", set_venue_programs_dir, false },
	{ "venue", "timezone", set_venue_timezone, false },
	{ "venue", "benefit", set_venue_benefit, false },
	{ "venue", "mode", set_venue_mode, false },
	{ "venue", "child_button_age", set_venue_child_button_age, false },
	{ "camera", "source", set_camera_source, false },
	{ "camera", "dir_interval_ms", set_camera_dir_interval_ms, false },
	{ "gpio", "backend", set_gpio_backend, false },
	{ "gpio", "chip", set_gpio_chip, false },
	{ "gpio", "green", set_gpio_green, false },
	{ "gpio", "red", set_gpio_red, false },
	{ "gpio", "buzzer", set_gpio_buzzer, false },
	{ "gpio", "relay", set_gpio_relay, false },
	{ "gpio", "relay_pulse_ms", set_gpio_relay_pulse_ms, false },
	{ "gpio", "child_button", set_gpio_child_button, false },
	{ "gpio", "staff_button", set_gpio_staff_button, false },
	{ "gpio", "sim_log", set_gpio_sim_log, false },
	{ "gpio", "sim_buttons", set_gpio_sim_buttons, false },
	{ "printer", "device", set_printer_device, false },
	{ "printer", "baud", set_printer_baud, false },
	{ "printer", "kanji", set_printer_kanji, false },
	{ "mqtt", "host", set_mqtt_host, false },
	{ "mqtt", "port", set_mqtt_port, false },
	{ "mqtt", "city", set_mqtt_city, false },
	{ "mqtt", "kiosk", set_mqtt_kiosk, false },
	{ "mqtt", "tls_ca", set_mqtt_tls_ca, false },
	{ "mqtt", "tls_cert", set_mqtt_tls_cert, false },
	{ "mqtt", "tls_key", set_mqtt_tls_key, false },
	{ "mqtt", "keepalive", set_mqtt_keepalive, false },
	{ "mqtt", "city_key", set_mqtt_city_key, false },
	{ "mqtt", "connect_timeout_s", set_mqtt_connect_timeout_s, false },
	{ "mqtt", "username", set_mqtt_username, false },
	{ "mqtt", "password", set_mqtt_password, false },
	{ "booking", "key", set_booking_key, true },
	{ "trust", "jwks", set_trust_jwks, true },
	{ "trust", "cert", set_trust_cert, true },
	{ "trust", "default", set_trust_default, false },
	{ "scan", "repeat_holdoff_s", set_scan_repeat_holdoff_s, false },
	{ "scan", "passback_window_s", set_scan_passback_window_s, false },
	{ "clock", "require_sync", set_clock_require_sync, false },
	{ "state", "dir", set_state_dir, false },
	{ "state", "outbox_max_rows", set_state_outbox_max_rows, false },
	{ "state", "outbox_max_mb", set_state_outbox_max_mb, false },
};
static const size_t n_keys = sizeof(keys) / sizeof(keys[0]);

static bool known_section(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strlen(sections[i]) == len && !strncmp(sections[i], name, len))
			return true;
	return false;
}

static size_t key_index(const char *section, const char *name)
{
	for (size_t i = 0; i < n_keys; i++)
		if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
			return i;
	return n_keys;
}

/*
 * One line into @str (at most @num - 1 bytes with the newline), like fgets, but a NUL byte is
 * an error rather than the silent end of the line (a line starting with NUL would otherwise
 * read as empty and hide what follows it). Returns the length, 0 at the end of the file, -1 on
 * an error already recorded.
 */
static int read_line(struct parser *p, char *str, int num)
{
	int n = 0, ch = 0;

	while (n < num - 1 && ch != '\n' && (ch = getc(p->f)) != EOF) {
		if (ch == '\0') {
			fail_at(p, p->lineno + 1, "NUL byte at column %d", n + 1);
			return -1;
		}
		str[n++] = (char)ch;
	}
	str[n] = '\0';
	return n;
}

/* ini_reader: fgets that counts lines and stops inih at a line it would misread. */
static char *reader(char *str, int num, void *stream)
{
	struct parser *p = stream;
	const char *s;
	int len;

	if (p->stop || p->err)
		return NULL;
	len = read_line(p, str, num);
	if (len <= 0) {
		p->stop = len < 0;
		return NULL;
	}
	p->lineno++;
	if (str[len - 1] != '\n' && !feof(p->f)) {
		fail_at(p, p->lineno, "line longer than %d characters", num - 2);
		p->stop = true;
		return NULL;
	}
	p->indented = str[0] == ' ' || str[0] == '\t';
	for (s = str; *s == ' ' || *s == '\t'; s++)
		;
	if (*s == '[') {
		const char *end = strchr(s, ']');

		if (end && !known_section(s + 1, (size_t)(end - s - 1))) {
			fail_at(p, p->lineno, "unknown section [%.*s]", (int)(end - s - 1), s + 1);
			p->stop = true;
			return NULL;
		}
	}
	return str;
}

/*
 * [context] KEY = VALUE: the venue's fixed circumstances for the program's rules (PROGRAMS.md
 * "Context keys", e.g. karaoke = true). The names and values are checked against the program
 * when the kiosk starts (the rules know them); here only their form and number.
 */
static int add_context(struct parser *p, const char *name, const char *value)
{
	struct config *c = p->c;
	struct config_context *list;
	char *k, *v;

	if (!name[0] || strlen(name) > CONFIG_CONTEXT_KEY_MAX || !all_chars(name, "_"))
		return fail_at(p, p->lineno, "[context] '%s': expected a context key name", name);
	if (strlen(value) > CONFIG_CONTEXT_VALUE_MAX)
		return fail_at(p, p->lineno, "[context] %s: longer than %d bytes", name,
			       CONFIG_CONTEXT_VALUE_MAX);
	for (size_t i = 0; i < c->n_context; i++)
		if (!strcmp(c->context[i].key, name))
			return fail_at(p, p->lineno,
				       "duplicate key '%s' in [context] (first set on line %u)",
				       name, c->context[i].line);
	if (c->n_context >= CONFIG_CONTEXT_MAX)
		return fail_at(p, p->lineno, "[context]: more than %d keys", CONFIG_CONTEXT_MAX);
	list = reallocarray(c->context, c->n_context + 1, sizeof(*list));
	if (list)
		c->context = list;
	k = strdup(name);
	v = strdup(value);
	if (!list || !k || !v) {
		free(k);
		free(v);
		p->err = -ENOMEM;
		return -ENOMEM;
	}
	list[c->n_context++] = (struct config_context){ .key = k, .value = v, .line = p->lineno };
	return 0;
}

/* A value the setter refused that holds " #": say that '#' starts a comment only at the start
 * of a line (libinih reads "key = value # note" as the value "value # note"). */
static void comment_hint(struct parser *p, const char *value)
{
	size_t at;

	if (!p->err_buf || (!strstr(value, " #") && !strstr(value, "\t#")))
		return;
	at = strlen(p->err_buf);
	append(p, &at,
	       " (a comment must be on a line of its own: '#' after a value is part of it)");
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	size_t i;

	if (p->err)
		return 0;
	if (p->indented) {
		fail_at(p, p->lineno,
			"indented line: continuation lines and indented keys are not supported");
		return 0;
	}
	if (!section[0]) {
		fail_at(p, p->lineno, "key '%s' outside a [section]", name);
		return 0;
	}
	if (!strcmp(section, "context"))
		return add_context(p, name, value) < 0 ? 0 : 1;
	i = key_index(section, name);
	if (i == n_keys) {
		fail_at(p, p->lineno, "unknown key '%s' in [%s]", name, section);
		return 0;
	}
	if (!keys[i].repeatable && p->seen[i]) {
		fail_at(p, p->lineno, "duplicate key '%s' in [%s] (first set on line %u)", name,
			section, p->seen[i]);
		return 0;
	}
	p->seen[i] = p->lineno;
	p->key = &keys[i];
	if (keys[i].set(p, value) < 0) {
		comment_hint(p, value);
		return 0;
	}
	return 1;
}

static unsigned seen_line(const struct parser *p, const char *section, const char *name)
{
	return p->seen[key_index(section, name)];
}

static bool same_line(const struct config_gpio_line *a, const struct config_gpio_line *b)
{
	if (!config_gpio_line_wired(a) || !config_gpio_line_wired(b))
		return false;
	if (a->offset >= 0 || b->offset >= 0)
		return a->offset == b->offset;
	return !strcmp(a->name, b->name);
}

/* What no single key can check: required keys and keys that depend on each other. */
static int validate(struct parser *p)
{
	struct config *c = p->c;
	struct {
		const char *name;
		const struct config_gpio_line *line;
	} lines[] = {
		{ "green", &c->gpio.green },
		{ "red", &c->gpio.red },
		{ "buzzer", &c->gpio.buzzer },
		{ "relay", &c->gpio.relay },
		{ "child_button", &c->gpio.child_button },
		{ "staff_button", &c->gpio.staff_button },
	};
	const size_t n_lines = sizeof(lines) / sizeof(lines[0]);

	if (!c->venue.id[0])
		return fail_at(p, 0, "[venue] id is required");
	if (c->mqtt.host[0] && !c->mqtt.city[0])
		return fail_at(p, seen_line(p, "mqtt", "host"), "[mqtt] host needs [mqtt] city");
	if (c->mqtt.host[0] && !c->mqtt.kiosk[0])
		return fail_at(p, seen_line(p, "mqtt", "host"), "[mqtt] host needs [mqtt] kiosk");
	if (!c->mqtt.tls_cert[0] != !c->mqtt.tls_key[0])
		return fail_at(p,
			       c->mqtt.tls_cert[0] ? seen_line(p, "mqtt", "tls_cert")
						   : seen_line(p, "mqtt", "tls_key"),
			       "[mqtt] tls_cert and tls_key go together");
	if ((c->mqtt.tls_cert[0] || c->mqtt.tls_key[0]) && !c->mqtt.tls_ca[0])
		return fail_at(p, seen_line(p, "mqtt", "tls_cert"),
			       "[mqtt] tls_cert needs [mqtt] tls_ca");
	if (!seen_line(p, "mqtt", "port"))
		c->mqtt.port = c->mqtt.tls_ca[0] ? 8883 : 1883;
	if (c->gpio.sim_log[0] && c->gpio.backend != CONFIG_GPIO_SIM)
		return fail_at(p, seen_line(p, "gpio", "sim_log"),
			       "[gpio] sim_log needs backend = sim");
	if (c->gpio.sim_buttons[0] && c->gpio.backend != CONFIG_GPIO_SIM)
		return fail_at(p, seen_line(p, "gpio", "sim_buttons"),
			       "[gpio] sim_buttons needs backend = sim");
	/* Two roles on one line would drive a relay with an LED's pattern: refuse. Report at
	 * the later of the two keys that the file sets. */
	for (size_t i = 0; i < n_lines; i++)
		for (size_t j = i + 1; j < n_lines; j++) {
			unsigned li, lj;

			if (!same_line(lines[i].line, lines[j].line))
				continue;
			li = seen_line(p, "gpio", lines[i].name);
			lj = seen_line(p, "gpio", lines[j].name);
			return fail_at(p, li > lj ? li : lj, "[gpio] %s and %s are the same line",
				       lines[i].name, lines[j].name);
		}
	return 0;
}

static void default_line(struct config_gpio_line *l, const char *name)
{
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->offset = -1;
}

static struct config *config_defaults(const char *path)
{
	struct config *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->path = strdup(path);
	c->venue.id = strdup("");
	c->venue.name = strdup("");
	c->venue.program = strdup(CONFIG_DEFAULT_PROGRAM);
	c->venue.programs_dir = strdup(config_default_programs_dir());
	c->venue.timezone = strdup(CONFIG_DEFAULT_TIMEZONE);
	c->venue.benefit = strdup("");
	c->venue.mode = CONFIG_MODE_SELF;
	c->venue.child_button_age = -1;
	c->camera.source = CONFIG_CAMERA_LIBCAMERA;
	c->camera.dir = strdup("");
	c->gpio.backend = CONFIG_GPIO_GPIOD;
	c->gpio.chip = strdup("");
	default_line(&c->gpio.green, "GPIO17");
	default_line(&c->gpio.red, "GPIO27");
	default_line(&c->gpio.buzzer, "GPIO22");
	default_line(&c->gpio.relay, "GPIO23");
	default_line(&c->gpio.child_button, "GPIO5");
	default_line(&c->gpio.staff_button, "GPIO6");
	c->gpio.relay_pulse_ms = 1000;
	c->gpio.sim_log = strdup("");
	c->gpio.sim_buttons = strdup("");
	c->printer.kind = CONFIG_PRINTER_NONE;
	c->printer.device = strdup("");
	c->printer.baud = 9600;
	c->printer.kanji = CONFIG_KANJI_SHIFT_JIS;
	c->mqtt.host = strdup("");
	c->mqtt.port = 1883;
	c->mqtt.city = strdup("");
	c->mqtt.kiosk = strdup("");
	c->mqtt.tls_ca = strdup("");
	c->mqtt.tls_cert = strdup("");
	c->mqtt.tls_key = strdup("");
	c->mqtt.keepalive = 60;
	c->mqtt.connect_timeout_s = 10;
	c->mqtt.username = strdup("");
	c->mqtt.password = strdup("");
	c->state.outbox_max_rows = 100000;
	c->state.outbox_max_mb = 64;
	c->trust.use_default = true;
	c->scan.repeat_holdoff_s = 5;
	c->scan.passback_window_s = 0;
	c->clock.require_sync = true;
	c->state.dir = strdup(CONFIG_DEFAULT_STATE_DIR);
	if (!c->path || !c->venue.id || !c->venue.name || !c->venue.program ||
	    !c->venue.programs_dir || !c->venue.timezone || !c->venue.benefit || !c->camera.dir ||
	    !c->gpio.chip || !c->gpio.sim_log || !c->gpio.sim_buttons || !c->printer.device ||
	    !c->mqtt.host || !c->mqtt.city || !c->mqtt.kiosk || !c->mqtt.tls_ca ||
	    !c->mqtt.tls_cert || !c->mqtt.tls_key || !c->mqtt.username || !c->mqtt.password ||
	    !c->state.dir) {
		config_free(c);
		return NULL;
	}
	return c;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->venue.id);
	free(c->venue.name);
	free(c->venue.program);
	free(c->venue.programs_dir);
	free(c->venue.timezone);
	free(c->venue.benefit);
	free(c->camera.dir);
	free(c->gpio.chip);
	free(c->gpio.sim_log);
	free(c->gpio.sim_buttons);
	free(c->printer.device);
	free(c->mqtt.host);
	free(c->mqtt.city);
	free(c->mqtt.kiosk);
	free(c->mqtt.tls_ca);
	free(c->mqtt.tls_cert);
	free(c->mqtt.tls_key);
	free(c->mqtt.username);
	if (c->mqtt.password) {
		explicit_bzero(c->mqtt.password, strlen(c->mqtt.password));
		free(c->mqtt.password);
	}
	free(c->booking.keys);
	for (size_t i = 0; i < c->trust.n_jwks; i++) {
		free(c->trust.jwks[i].issuer);
		free(c->trust.jwks[i].file);
	}
	free(c->trust.jwks);
	for (size_t i = 0; i < c->trust.n_certs; i++)
		free(c->trust.certs[i]);
	free(c->trust.certs);
	free(c->state.dir);
	for (size_t i = 0; i < c->n_context; i++) {
		free(c->context[i].key);
		free(c->context[i].value);
	}
	free(c->context);
	explicit_bzero(c->mqtt.city_key, sizeof(c->mqtt.city_key));
	free(c);
}

/*
 * Open the configuration: a regular file of at most CONFIG_FILE_MAX bytes. A device, a FIFO or
 * a directory is refused before a byte is read (`--config /dev/zero` would never end).
 */
static int open_regular(const char *path, FILE **ret, char err[CONFIG_ERROR_MAX])
{
	struct stat st;
	FILE *f = fopen(path, "re");
	int r;

	if (!f) {
		r = -errno;
		if (err)
			snprintf(err, CONFIG_ERROR_MAX, "%s: %s", path, strerror(errno));
		return r;
	}
	if (fstat(fileno(f), &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	else if (st.st_size > CONFIG_FILE_MAX)
		r = -EFBIG;
	else
		r = 0;
	if (r < 0) {
		if (err)
			snprintf(err, CONFIG_ERROR_MAX, "%s: %s", path,
				 r == -EINVAL  ? "not a regular file"
				 : r == -EFBIG ? "larger than 1 MiB"
					       : strerror(-r));
		fclose(f);
		return r;
	}
	*ret = f;
	return 0;
}

int config_load(const char *path, struct config **ret, char err[CONFIG_ERROR_MAX])
{
	struct parser p = { .path = path, .err_buf = err };
	const char *slash;
	int r;

	if (err)
		err[0] = '\0';
	p.seen = calloc(n_keys, sizeof(*p.seen));
	slash = strrchr(path, '/');
	p.basedir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup("");
	p.c = config_defaults(path);
	if (!p.seen || !p.basedir || !p.c) {
		r = -ENOMEM;
		goto free_parser;
	}
	r = open_regular(path, &p.f, err);
	if (r < 0)
		goto free_parser;
	r = ini_parse_stream(reader, &p, handler, &p);
	if (!p.err && ferror(p.f))
		fail_at(&p, p.lineno, "read error");
	fclose(p.f);
	if (r > 0 && (!p.err || (unsigned)r < p.err_line)) {
		p.err = 0;
		fail_at(&p, (unsigned)r,
			"syntax error: expected [section], key = value or a comment");
	} else if (r < 0 && !p.err) {
		p.err = -ENOMEM;
	}
	if (!p.err)
		validate(&p);
	r = p.err;
	if (r < 0) {
		if (err && !err[0])
			snprintf(err, CONFIG_ERROR_MAX, "%s: %s", path, strerror(-r));
		goto free_parser;
	}
	*ret = p.c;
	p.c = NULL;
free_parser:
	config_free(p.c);
	free(p.basedir);
	free(p.seen);
	return r;
}
