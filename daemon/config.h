/* SPDX-License-Identifier: MIT */
/*
 * config.h - passgated's configuration: the INI file of DESIGN.md "passgated --config FILE",
 * parsed and validated into one read-only struct config.
 *
 * Ownership: config_load() returns a struct config that the caller frees with config_free().
 * Every module receives it as `const struct config *` (STYLE.md §7) and borrows it until the
 * owner (main.c) frees it, which happens after kiosk_free() or after a successful
 * kiosk_reload() with a newer config (SIGHUP). Strings in it are never NULL: an unset string
 * key is "" unless its default is stated. Relative paths in the file are resolved against the
 * directory of the config file, so every path here is absolute when the file's path was.
 *
 * docs/configuration.md is the reference for every key, its default and its range; the
 * defaults below must stay in step with it.
 */
#ifndef PASSGATE_DAEMON_CONFIG_H
#define PASSGATE_DAEMON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_DEFAULT_PROGRAM	 "national-package"
#define CONFIG_DEFAULT_TIMEZONE	 "Asia/Tokyo"
#define CONFIG_DEFAULT_STATE_DIR "/var/lib/passgate"
#define CONFIG_ERROR_MAX	 512 /* bytes of a "file:line: reason" message, NUL included */
#define CONFIG_FILE_MAX		 (1024 * 1024) /* a longer configuration file is refused */
#define CONFIG_LINE_NAME_MAX	 32
#define CONFIG_ID_MAX		 64  /* venue, city and kiosk ids: MQTT topic levels */
#define CONFIG_LIST_MAX		 256 /* [trust] jwks and cert entries, each */

enum config_mode {
	CONFIG_MODE_SELF = 0, /* self-service gate: relies on the signed credential */
	CONFIG_MODE_STAFF,    /* staff at the gate: the staff button records paper checks */
};

enum config_camera {
	CONFIG_CAMERA_LIBCAMERA = 0, /* camera.index selects the camera */
	CONFIG_CAMERA_DIR,	     /* camera.dir: every image file once, in name order */
};

enum config_gpio_backend {
	CONFIG_GPIO_GPIOD = 0,
	CONFIG_GPIO_SIM,
};

enum config_printer {
	CONFIG_PRINTER_NONE = 0,
	CONFIG_PRINTER_SERIAL, /* a tty: /dev/serial0, /dev/ttyS0, /dev/ttyAMA0, /dev/ttyUSB0 */
	CONFIG_PRINTER_USBLP,  /* /dev/usb/lpN or /dev/lpN */
	CONFIG_PRINTER_FILE,   /* file:PATH, appended to (tests, receipt previews) */
};

enum config_kanji {
	CONFIG_KANJI_SHIFT_JIS = 0, /* ESC/POS kanji mode, text sent as Shift_JIS */
	CONFIG_KANJI_NONE,	    /* ASCII only */
};

/* One GPIO line: a line name ("GPIO17"), an offset on the chip, or none (not wired). */
struct config_gpio_line {
	char name[CONFIG_LINE_NAME_MAX]; /* "" when the line is given by offset or is none */
	int offset;			 /* >= 0 when given by offset, else -1 */
};

static inline bool config_gpio_line_wired(const struct config_gpio_line *l)
{
	return l->name[0] != '\0' || l->offset >= 0;
}

#define CONFIG_CONTEXT_MAX	 32
#define CONFIG_CONTEXT_KEY_MAX	 32
#define CONFIG_CONTEXT_VALUE_MAX 64

/* [context] KEY = VALUE, checked against the program by the kiosk (the rules know the keys). */
struct config_context {
	char *key, *value;
	unsigned line; /* for "file:line: reason" */
};

/* [trust] jwks = ISS=FILE */
struct config_jwks {
	char *issuer;
	char *file;
};

struct config {
	char *path; /* the file this came from, as given */

	struct {
		char *id;	    /* required; [A-Za-z0-9._-], 1..64: part of MQTT topics */
		char *name;	    /* shown on receipts; "" */
		char *program;	    /* program id; default CONFIG_DEFAULT_PROGRAM */
		char *programs_dir; /* where program files are; default PASSGATE_DATADIR/programs */
		char *timezone;	    /* IANA name under /usr/share/zoneinfo; default Asia/Tokyo */
		char *benefit;	    /* receipt text for admitted visitors; "" */
		enum config_mode mode;
		int child_button_age; /* the age the child button declares; -1 = not set */
	} venue;

	struct {
		enum config_camera source;
		unsigned index;		  /* libcamera:N, default 0 */
		char *dir;		  /* dir:PATH, "" otherwise */
		unsigned dir_interval_ms; /* dir: one file per interval; 0 = as fast as taken */
	} camera;

	struct {
		enum config_gpio_backend backend;
		char *chip; /* "" = look the lines up by name on every chip */
		struct config_gpio_line green, red, buzzer, relay, child_button, staff_button;
		unsigned relay_pulse_ms; /* 10..60000, default 1000 */
		char *sim_log;		 /* sim backend only; "" = none */
		char *sim_buttons;	 /* sim backend only: button presses from a file/FIFO */
	} gpio;

	struct {
		enum config_printer kind;
		char *device;  /* the device or file path; "" when kind is NONE */
		unsigned baud; /* default 9600 */
		enum config_kanji kanji;
	} printer;

	struct {
		char *host;	    /* "" = no uplink: events stay in the outbox */
		uint16_t port;	    /* default 1883, or 8883 with tls_ca */
		char *city, *kiosk; /* required with host; topic-safe like venue.id */
		char *tls_ca, *tls_cert, *tls_key;
		unsigned keepalive;	    /* seconds, 5..3600, default 60 */
		unsigned connect_timeout_s; /* 1..300, default 10: our own, a black hole is slow */
		char *username, *password;  /* optional broker credentials; "" = none */
		bool has_city_key;
		uint8_t city_key[32]; /* Ed25519 public key for city-signed updates */
	} mqtt;

	struct {
		struct config_jwks *jwks;
		size_t n_jwks;
		char **certs;
		size_t n_certs;
		bool use_default; /* default = yes: also trust the shipped issuer keys */
	} trust;

	struct {
		uint8_t (*keys)[32]; /* Ed25519 public keys whose booking codes are accepted */
		size_t n_keys;
	} booking;

	struct {
		unsigned repeat_holdoff_s;  /* 1..3600, default 5 */
		unsigned passback_window_s; /* 0 (off)..86400, default 0 */
	} scan;

	struct {
		bool require_sync; /* default yes */
	} clock;

	struct config_context *context; /* [context], in file order */
	size_t n_context;

	struct {
		char *dir;		  /* default CONFIG_DEFAULT_STATE_DIR */
		unsigned outbox_max_rows; /* 100..10000000, default 100000 (docs/events.md) */
		unsigned outbox_max_mb;	  /* payload MiB, 1..4096, default 64 */
	} state;
};

/*
 * Parse and validate @path. On success *ret is a new config (free with config_free()) and 0 is
 * returned. On failure *ret is untouched, a negative errno is returned and @err (when not NULL)
 * holds one line "file:line: reason" (or "file: reason" for a missing required key or an
 * unreadable file) without a trailing newline.
 */
int config_load(const char *path, struct config **ret, char err[CONFIG_ERROR_MAX]);
void config_free(struct config *c);

/* The directory that relative programs_dir defaults are compiled against. */
const char *config_default_programs_dir(void);

const char *config_mode_name(enum config_mode m);

#endif
