/* SPDX-License-Identifier: MIT */
/*
 * test_hal_gpio.c - indicator pattern timing and button debounce, with a fake clock and the sim
 * backend (its log is the observable), and the gpiod backend's "no chip" report.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/gpio.h"

struct fixture {
	char dir[64];
	char log[96];
	char fifo[96];
	uint64_t now;
	struct hal_gpio *g;
	int presses[HAL_BUTTON_N];
};

static uint64_t fake_now(void *u)
{
	return ((struct fixture *)u)->now;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/passgate-gpio-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->log, sizeof(f->log), "%s/gpio.log", f->dir);
	snprintf(f->fifo, sizeof(f->fifo), "%s/buttons", f->dir);
	assert_int_equal(mkfifo(f->fifo, 0600), 0);
	f->now = 1000000;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	hal_gpio_free(f->g);
	unlink(f->log);
	unlink(f->fifo);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void open_sim(struct fixture *f, unsigned relay_ms)
{
	struct hal_gpio_config c = {
		.backend = "sim",
		.outputs = { "GPIO17", "GPIO27", "GPIO22", "GPIO23" },
		.buttons = { "GPIO5", "GPIO6" },
		.relay_pulse_ms = relay_ms,
		.sim_log = f->log,
		.sim_buttons = f->fifo,
		.clock = { fake_now, f },
	};
	assert_int_equal(hal_gpio_new(&c, &f->g), 0);
	assert_true(hal_gpio_fd(f->g) >= 0);
}

static void on_press(enum hal_gpio_button b, void *u)
{
	((struct fixture *)u)->presses[b]++;
}

/* Runs the module as a loop would: jump the clock to each deadline up to `until`. */
static void run_until(struct fixture *f, uint64_t until)
{
	for (;;) {
		uint64_t d = hal_gpio_deadline(f->g);
		if (d == HAL_NO_DEADLINE || d > until)
			break;
		assert_true(d >= f->now);
		f->now = d;
		assert_int_equal(hal_gpio_dispatch(f->g, on_press, f), 0);
	}
	f->now = until;
	assert_int_equal(hal_gpio_dispatch(f->g, on_press, f), 0);
}

static char *read_log(struct fixture *f)
{
	static char buf[4096];
	int fd = open(f->log, O_RDONLY);
	assert_true(fd >= 0);
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = 0;
	return buf;
}

static void test_admit(void **state)
{
	struct fixture *f = *state;
	open_sim(f, 700);
	assert_int_equal(hal_gpio_deadline(f->g), HAL_NO_DEADLINE);
	assert_int_equal(hal_gpio_signal(f->g, HAL_PATTERN_ADMIT), 0);
	assert_true(hal_gpio_get(f->g, HAL_GPIO_RELAY));
	assert_int_equal(hal_gpio_deadline(f->g), 1000000 + 100000);
	run_until(f, 5000000);
	assert_int_equal(hal_gpio_deadline(f->g), HAL_NO_DEADLINE);
	assert_string_equal(read_log(f), "1000000 green 1\n"
					 "1000000 buzzer 1\n"
					 "1000000 relay 1\n"
					 "1100000 buzzer 0\n"
					 "1700000 relay 0\n"
					 "3000000 green 0\n");
}

static void test_deny_two_beeps(void **state)
{
	struct fixture *f = *state;
	open_sim(f, 0);
	assert_int_equal(hal_gpio_signal(f->g, HAL_PATTERN_DENY), 0);
	run_until(f, 4000000);
	assert_string_equal(read_log(f), "1000000 red 1\n"
					 "1000000 buzzer 1\n"
					 "1150000 buzzer 0\n"
					 "1300000 buzzer 1\n"
					 "1450000 buzzer 0\n"
					 "3000000 red 0\n");
}

static void test_deny_cuts_relay_pulse(void **state)
{
	struct fixture *f = *state;
	open_sim(f, 0); /* default pulse: 500 ms */
	assert_int_equal(hal_gpio_signal(f->g, HAL_PATTERN_ADMIT), 0);
	run_until(f, 1200000);
	assert_true(hal_gpio_get(f->g, HAL_GPIO_RELAY));
	assert_int_equal(hal_gpio_signal(f->g, HAL_PATTERN_DENY), 0);
	assert_false(hal_gpio_get(f->g, HAL_GPIO_RELAY));
	assert_false(hal_gpio_get(f->g, HAL_GPIO_GREEN));
	run_until(f, 5000000);
	const char *log = read_log(f);
	assert_non_null(strstr(log, "1200000 relay 0\n"));
	assert_non_null(strstr(log, "1200000 green 0\n"));
	assert_non_null(strstr(log, "1200000 red 1\n"));
	/* The cancelled pattern's later steps never run. */
	assert_null(strstr(log, "1500000 relay"));
	assert_null(strstr(log, "3000000 green"));
}

static void test_fault_blinks_until_next(void **state)
{
	struct fixture *f = *state;
	open_sim(f, 0);
	assert_int_equal(hal_gpio_signal(f->g, HAL_PATTERN_FAULT), 0);
	run_until(f, 2100000);
	assert_string_equal(read_log(f), "1000000 buzzer 1\n"
					 "1000000 red 1\n"
					 "1250000 red 0\n"
					 "1500000 red 1\n"
					 "1750000 red 0\n"
					 "1800000 buzzer 0\n"
					 "2000000 red 1\n");
	assert_int_equal(hal_gpio_deadline(f->g), 2250000);
	assert_int_equal(hal_gpio_signal(f->g, HAL_PATTERN_OFF), 0);
	assert_int_equal(hal_gpio_deadline(f->g), HAL_NO_DEADLINE);
	assert_false(hal_gpio_get(f->g, HAL_GPIO_RED));
}

static void feed(struct fixture *f, const char *text)
{
	int fd = open(f->fifo, O_WRONLY | O_NONBLOCK);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(hal_gpio_dispatch(f->g, on_press, f), 0);
}

static void test_debounce(void **state)
{
	struct fixture *f = *state;
	open_sim(f, 0);
	/* Contact bounce: edges 2 ms apart count as one press, taken at the first edge. */
	feed(f, "child 1\n");
	assert_int_equal(f->presses[HAL_BUTTON_CHILD], 1);
	f->now += 2000;
	feed(f, "child 0\n");
	f->now += 2000;
	feed(f, "child 1\n");
	f->now += 2000;
	feed(f, "child 0\n");
	assert_int_equal(f->presses[HAL_BUTTON_CHILD], 1);
	/* Settles released 30 ms after the last edge. */
	assert_int_equal(hal_gpio_deadline(f->g), f->now + 30000);
	run_until(f, f->now + 100000);
	assert_int_equal(f->presses[HAL_BUTTON_CHILD], 1);
	/* A bounce that ends pressed is a press once it has settled, not before. */
	feed(f, "staff 1\n");
	assert_int_equal(f->presses[HAL_BUTTON_STAFF], 1);
	f->now += 100000;
	feed(f, "staff 0\n");
	f->now += 5000;
	feed(f, "staff 1\n");
	assert_int_equal(f->presses[HAL_BUTTON_STAFF], 1);
	run_until(f, f->now + 29000);
	assert_int_equal(f->presses[HAL_BUTTON_STAFF], 1);
	run_until(f, f->now + 2000);
	assert_int_equal(f->presses[HAL_BUTTON_STAFF], 2);
	assert_int_equal(f->presses[HAL_BUTTON_CHILD], 1);
}

static void test_click_lines(void **state)
{
	struct fixture *f = *state;
	open_sim(f, 0);
	feed(f, "# a comment\n\nchild\nbogus\n");
	assert_int_equal(f->presses[HAL_BUTTON_CHILD], 1);
	/* A second click within the debounce time is bounce; after it, a new press. */
	f->now += 10000;
	feed(f, "child\n");
	assert_int_equal(f->presses[HAL_BUTTON_CHILD], 1);
	run_until(f, f->now + 100000);
	feed(f, "staff\nchi");
	feed(f, "ld\n");
	assert_int_equal(f->presses[HAL_BUTTON_STAFF], 1);
	assert_int_equal(f->presses[HAL_BUTTON_CHILD], 2);
}

static void test_button_file(void **state)
{
	struct fixture *f = *state;
	char path[128];
	snprintf(path, sizeof(path), "%s/presses.txt", f->dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("staff\n", fp);
	fclose(fp);
	struct hal_gpio_config c = { .backend = "sim",
				     .buttons = { "GPIO5", "GPIO6" },
				     .sim_buttons = path,
				     .clock = { fake_now, f } };
	assert_int_equal(hal_gpio_new(&c, &f->g), 0);
	/* A regular file is announced through a pollable fd, read once. */
	int fd = hal_gpio_fd(f->g);
	assert_true(fd >= 0);
	assert_int_equal(hal_gpio_dispatch(f->g, on_press, f), 0);
	assert_int_equal(f->presses[HAL_BUTTON_STAFF], 1);
	uint64_t v;
	assert_true(read(fd, &v, sizeof(v)) < 0 && errno == EAGAIN);
	assert_int_equal(hal_gpio_set(f->g, HAL_GPIO_GREEN, true), -ENOENT);
	unlink(path);
}

static void test_bad_config(void **state)
{
	struct fixture *f = *state;
	struct hal_gpio_config c = { .backend = "parallel-port" };
	assert_int_equal(hal_gpio_new(&c, &f->g), -EINVAL);
	c.backend = "sim";
	c.outputs[HAL_GPIO_GREEN] = "GPIO 17";
	assert_int_equal(hal_gpio_new(&c, &f->g), -EINVAL);
	c.outputs[HAL_GPIO_GREEN] = "99999";
	assert_int_equal(hal_gpio_new(&c, &f->g), -EINVAL);
	assert_null(f->g);
}

static void test_gpiod_no_chip(void **state)
{
	struct fixture *f = *state;
	struct hal_gpio_config c = { .backend = "gpiod", .outputs = { "GPIO17" } };
	if (access("/dev/gpiochip0", F_OK) == 0)
		skip();
	assert_int_equal(hal_gpio_new(&c, &f->g), -ENODEV);
	assert_null(f->g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_admit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deny_two_beeps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deny_cuts_relay_pulse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_blinks_until_next, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debounce, setup, teardown),
		cmocka_unit_test_setup_teardown(test_click_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_button_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gpiod_no_chip, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
