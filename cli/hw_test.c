/* SPDX-License-Identifier: MIT */
/*
 * hw_test.c - `passgate hw-test`: exercise the gate's hardware once, for installers. Blinks each
 * LED, beeps, pulses the relay, plays the admit/deny/fault patterns, reports button presses for
 * a while, and prints a test receipt; each step says what it did or why it could not.
 *
 * It tests the devices passgated.conf names (daemon/hwconfig.h, the daemon's own mapping): the
 * file of --config, else the installed configuration when there is one; flags name or override
 * the backends (docs/hardware.md). `--config none`, or no configuration at all, starts from the
 * simulator; a run on the simulated GPIO says so on every GPIO line and in its verdict, since
 * "ok" from a simulator proves nothing about the wiring (issue 9).
 * Exit status: 0 every configured device worked, 1 one was missing or failed, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "daemon/config.h"
#include "daemon/hwconfig.h"
#include "hal/camera.h"
#include "hal/gpio.h"
#include "hal/printer.h"
#include "hal/receipt.h"

#ifndef PASSGATE_SYSCONFDIR
#define PASSGATE_SYSCONFDIR "/etc/passgate"
#endif
#define INSTALLED_CONFIG PASSGATE_SYSCONFDIR "/passgated.conf"

struct rig {
	struct hal_gpio *gpio;
	struct hal_printer *printer;
	unsigned presses;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: passgate hw-test [--config FILE|none] [--gpio sim|gpiod] [--chip CHIP]\n"
		   "                        [--green LINE] [--red LINE]\n"
		   "                        [--buzzer LINE] [--relay LINE] [--child-button LINE]\n"
		   "                        [--staff-button LINE] [--relay-pulse-ms N]\n"
		   "                        [--sim-log PATH] [--sim-buttons PATH] "
		   "[--buttons-seconds N]\n"
		   "                        [--printer DEVICE] [--baud 9600|19200] [--kanji "
		   "shift-jis|none]\n"
		   "                        [--width 384|576] [--raster-qr] [--camera SOURCE]\n"
		   "--config FILE: the devices of passgated.conf (the camera too; "
		   "default " INSTALLED_CONFIG "\n"
		   "when it exists); later flags override them. --config none: the defaults.\n"
		   "Defaults: --gpio sim (SIMULATED), lines GPIO17/27/22/23, buttons GPIO5/6, "
		   "--printer none,\n"
		   "--buttons-seconds 5. LINE is a line name (GPIO17) or an offset on --chip.\n");
}

static void on_press(enum hal_gpio_button b, void *u)
{
	struct rig *rig = u;
	rig->presses++;
	printf("button: %s pressed\n", hal_gpio_button_name(b));
	fflush(stdout);
}

/* Runs the modules' fds and deadlines until `until` (µs, CLOCK_MONOTONIC), or until both have
 * nothing left to do when until is HAL_NO_DEADLINE. */
static void run(struct rig *rig, uint64_t until)
{
	for (;;) {
		struct pollfd fds[2];
		nfds_t n = 0;
		uint64_t now = hal_clock_now(NULL), d = until;
		if (rig->gpio && hal_gpio_deadline(rig->gpio) < d)
			d = hal_gpio_deadline(rig->gpio);
		if (rig->printer && hal_printer_deadline(rig->printer) < d)
			d = hal_printer_deadline(rig->printer);
		if (until == HAL_NO_DEADLINE) {
			struct hal_printer_status st = { 0 };
			if (rig->printer)
				hal_printer_get_status(rig->printer, &st);
			if (d == HAL_NO_DEADLINE && st.queued == 0)
				return;
			if (st.queued == 0 &&
			    (!rig->gpio || hal_gpio_deadline(rig->gpio) == HAL_NO_DEADLINE))
				return;
		} else if (now >= until) {
			return;
		}
		if (rig->gpio && hal_gpio_fd(rig->gpio) >= 0)
			fds[n++] = (struct pollfd){ hal_gpio_fd(rig->gpio), POLLIN, 0 };
		if (rig->printer && hal_printer_fd(rig->printer) >= 0 &&
		    hal_printer_events(rig->printer))
			fds[n++] = (struct pollfd){ hal_printer_fd(rig->printer),
						    hal_printer_events(rig->printer), 0 };
		int timeout = d == HAL_NO_DEADLINE ? 1000
			      : d <= now	   ? 0
						   : (int)((d - now + 999) / 1000);
		if (timeout > 1000)
			timeout = 1000;
		(void)poll(fds, n, timeout);
		if (rig->gpio)
			(void)hal_gpio_dispatch(rig->gpio, on_press, rig);
		if (rig->printer)
			(void)hal_printer_dispatch(rig->printer);
	}
}

static const char *why(int r)
{
	switch (r) {
	case -ENODEV:
		return "no GPIO chip on this machine";
	case -ENOENT:
		return "no such line or file";
	case -EBUSY:
		return "a line is in use by another program";
	case -EINVAL:
		return "bad configuration";
	default:
		return strerror(-r);
	}
}

static int test_gpio(struct rig *rig, const struct hal_gpio_config *cfg, unsigned button_s)
{
	int r = hal_gpio_new(cfg, &rig->gpio);
	if (r < 0) {
		printf("gpio: %s backend: FAILED: %s\n", cfg->backend, why(r));
		return 1;
	}
	printf("gpio: %s backend opened\n", cfg->backend);
	for (unsigned o = 0; o < HAL_GPIO_N_OUTPUTS; o++) {
		if (!cfg->outputs[o])
			continue;
		if (o == HAL_GPIO_RELAY)
			continue; /* the relay only pulses, as in service */
		(void)hal_gpio_set(rig->gpio, (enum hal_gpio_output)o, true);
		run(rig, hal_clock_now(NULL) + 300000);
		(void)hal_gpio_set(rig->gpio, (enum hal_gpio_output)o, false);
		run(rig, hal_clock_now(NULL) + 200000);
		printf("gpio: %s (%s) on 300 ms, off\n",
		       hal_gpio_output_name((enum hal_gpio_output)o), cfg->outputs[o]);
	}
	static const struct {
		enum hal_gpio_pattern p;
		const char *what;
	} patterns[] = {
		{ HAL_PATTERN_ADMIT, "admit: green, one short beep, relay pulse" },
		{ HAL_PATTERN_DENY, "deny: red, two beeps" },
		{ HAL_PATTERN_FAULT, "fault: red blinking, one long beep" },
	};
	for (unsigned i = 0; i < 3; i++) {
		(void)hal_gpio_signal(rig->gpio, patterns[i].p);
		run(rig, hal_clock_now(NULL) + 2200000);
		printf("gpio: pattern %s\n", patterns[i].what);
	}
	(void)hal_gpio_signal(rig->gpio, HAL_PATTERN_OFF);
	if (button_s && hal_gpio_fd(rig->gpio) >= 0) {
		printf("gpio: press the buttons within %u s\n", button_s);
		fflush(stdout);
		run(rig, hal_clock_now(NULL) + (uint64_t)button_s * 1000000u);
		printf("gpio: %u button press(es)\n", rig->presses);
	}
	return 0;
}

static int test_printer(struct rig *rig, const struct hal_printer_config *cfg,
			const struct hal_receipt_format *fmt)
{
	struct hal_receipt rc = {
		.kind = HAL_RECEIPT_TEST,
		.venue = "passgate hw-test",
		.time = "",
		.qr = "passgate:test",
	};
	struct hal_printer_status st;
	uint8_t *data;
	size_t len;
	int r;

	r = hal_printer_new(cfg, &rig->printer);
	if (r < 0) {
		printf("printer: %s: FAILED: %s\n", cfg->device, why(r));
		return 1;
	}
	hal_printer_get_status(rig->printer, &st);
	if (st.state == HAL_PRINTER_NONE) {
		printf("printer: none configured\n");
		return 0;
	}
	/* Let a serial printer answer its first status request. */
	run(rig, hal_clock_now(NULL) + 300000);
	r = hal_receipt_build(&rc, fmt, &data, &len);
	if (r < 0) {
		printf("printer: cannot lay out the test receipt: %s\n", strerror(-r));
		return 1;
	}
	r = hal_printer_submit(rig->printer, data, len);
	free(data);
	if (r == 0)
		run(rig, HAL_NO_DEADLINE);
	hal_printer_get_status(rig->printer, &st);
	printf("printer: %s: %s%s, test receipt %s\n", cfg->device,
	       hal_printer_state_name(st.state), st.paper_near_end ? " (paper near end)" : "",
	       r == 0 && st.queued == 0 ? "sent" : "NOT printed");
	return r == 0 && st.state == HAL_PRINTER_READY ? 0 : 1;
}

static int test_camera(const char *source)
{
	struct hal_camera_config cfg = { .source = source };
	struct hal_camera *cam;
	int err, r = hal_camera_new(&cfg, &cam);

	if (r < 0) {
		printf("camera: %s: FAILED: %s\n", source, strerror(-r));
		return 1;
	}
	enum hal_camera_state s = hal_camera_get_state(cam, &err);
	printf("camera: %s: %s%s%s\n", source, hal_camera_state_name(s), err ? ": " : "",
	       err == -ENODEV ? "no camera"
	       : err	      ? strerror(-err)
			      : "");
	hal_camera_free(cam);
	return s == HAL_CAMERA_ABSENT ? 1 : 0;
}

int cmd_hw_test(int argc, char **argv)
{
	enum { O_CHILD = 256, O_STAFF, O_PULSE, O_LOG, O_BUTTONS, O_SECS, O_RASTER, O_BAUD };
	static const struct option opts[] = {
		{ "gpio", required_argument, NULL, 'g' },
		{ "chip", required_argument, NULL, 'c' },
		{ "green", required_argument, NULL, 'G' },
		{ "red", required_argument, NULL, 'R' },
		{ "buzzer", required_argument, NULL, 'B' },
		{ "relay", required_argument, NULL, 'L' },
		{ "child-button", required_argument, NULL, O_CHILD },
		{ "staff-button", required_argument, NULL, O_STAFF },
		{ "relay-pulse-ms", required_argument, NULL, O_PULSE },
		{ "sim-log", required_argument, NULL, O_LOG },
		{ "sim-buttons", required_argument, NULL, O_BUTTONS },
		{ "buttons-seconds", required_argument, NULL, O_SECS },
		{ "printer", required_argument, NULL, 'p' },
		{ "baud", required_argument, NULL, O_BAUD },
		{ "kanji", required_argument, NULL, 'k' },
		{ "width", required_argument, NULL, 'w' },
		{ "raster-qr", no_argument, NULL, O_RASTER },
		{ "camera", required_argument, NULL, 'C' },
		{ "config", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct config *conf = NULL;
	const char *conf_path = NULL;
	struct hwconfig hw;
	bool simulated;
	struct hal_gpio_config gcfg = {
		.backend = "sim",
		.outputs = { "GPIO17", "GPIO27", "GPIO22", "GPIO23" },
		.buttons = { "GPIO5", "GPIO6" },
	};
	struct hal_printer_config pcfg = { .device = "none" };
	struct hal_receipt_format fmt = { HAL_KANJI_SHIFT_JIS, 384, false };
	struct rig rig = { 0 };
	const char *camera = NULL;
	unsigned secs = 5;
	int c, failed = 0;

	/* The configuration first, so that any flag overrides it: --config, else the installed
	 * one when it exists. */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		if (c == 'F')
			conf_path = optarg;
	if (!conf_path && access(INSTALLED_CONFIG, F_OK) == 0)
		conf_path = INSTALLED_CONFIG;
	if (conf_path && strcmp(conf_path, "none") != 0) {
		char err[CONFIG_ERROR_MAX];

		if (config_load(conf_path, &conf, err) < 0) {
			fprintf(stderr, "passgate hw-test: %s\n", err);
			return EXIT_USAGE;
		}
		printf("hw-test: the devices of %s\n", conf_path);
		hwconfig_init(&hw, conf);
		gcfg = hw.gpio;
		pcfg = hw.printer;
		fmt = hw.receipt;
		camera = hw.camera_source;
	}
	opterr = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'F':
			break;
		case 'g':
			gcfg.backend = optarg;
			break;
		case 'c':
			gcfg.chip = optarg;
			break;
		case 'G':
			gcfg.outputs[HAL_GPIO_GREEN] = optarg;
			break;
		case 'R':
			gcfg.outputs[HAL_GPIO_RED] = optarg;
			break;
		case 'B':
			gcfg.outputs[HAL_GPIO_BUZZER] = optarg;
			break;
		case 'L':
			gcfg.outputs[HAL_GPIO_RELAY] = optarg;
			break;
		case O_CHILD:
			gcfg.buttons[HAL_BUTTON_CHILD] = optarg;
			break;
		case O_STAFF:
			gcfg.buttons[HAL_BUTTON_STAFF] = optarg;
			break;
		case O_PULSE:
			gcfg.relay_pulse_ms = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case O_LOG:
			gcfg.sim_log = optarg;
			break;
		case O_BUTTONS:
			gcfg.sim_buttons = optarg;
			break;
		case O_SECS:
			secs = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			pcfg.device = optarg;
			break;
		case O_BAUD:
			pcfg.baud = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'k':
			if (strcmp(optarg, "none") == 0) {
				fmt.kanji = HAL_KANJI_NONE;
			} else if (strcmp(optarg, "shift-jis") == 0) {
				fmt.kanji = HAL_KANJI_SHIFT_JIS;
			} else {
				usage(stderr);
				failed = EXIT_USAGE;
				goto out;
			}
			break;
		case 'w':
			fmt.dots = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case O_RASTER:
			fmt.qr_raster = true;
			break;
		case 'C':
			camera = optarg;
			break;
		case 'h':
			usage(stdout);
			goto out;
		default:
			usage(stderr);
			failed = EXIT_USAGE;
			goto out;
		}
	}
	if (optind != argc || (fmt.dots != 384 && fmt.dots != 576)) {
		usage(stderr);
		failed = EXIT_USAGE;
		goto out;
	}
	/* The sim backend's buttons come from a file; without one there is nothing to wait for. */
	if (strcmp(gcfg.backend, "sim") == 0 && !gcfg.sim_buttons)
		secs = 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	simulated = strcmp(gcfg.backend, "sim") == 0;
	if (simulated)
		printf("gpio: SIMULATED (backend sim): no pin is driven, no button is read%s\n",
		       conf_path ? ""
				 : "; no configuration (--config FILE, or " INSTALLED_CONFIG ")");
	failed |= test_gpio(&rig, &gcfg, secs);
	failed |= test_printer(&rig, &pcfg, &fmt);
	if (camera)
		failed |= test_camera(camera);
	hal_gpio_free(rig.gpio);
	hal_printer_free(rig.printer);
	printf("hw-test: %s%s\n", failed ? "FAILED" : "ok",
	       simulated ? " (SIMULATED GPIO: the wiring was not tested)" : "");
	failed = failed ? 1 : 0;
out:
	config_free(conf); /* after the tests: hw borrows strings from it */
	return failed;
}
