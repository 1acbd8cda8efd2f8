/* SPDX-License-Identifier: MIT */
/*
 * test_preflight.c - daemon/preflight.c (issue 9, findings 15 and 16): configurations that
 * parse but that the daemon cannot use are refused by the shared start-up check, with the file
 * and the fix: a misspelt program, an unknown [context] key, a [trust] file that is no key, a
 * state directory that is a file, and a file in it that the service user cannot write.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/config.h"
#include "daemon/preflight.h"

static char dir[64];

static char *path_of(const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

static void write_file(const char *name, const char *text)
{
	char *path = path_of(name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(path);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/passgate-preflight-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	write_file("junk.pem", "not a certificate\n");
	write_file("state-file", "");
	return mkdir(strcat(strcpy((char[128]){ 0 }, dir), "/state"), 0755);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Load t.conf and run the check; -EINVAL also when the file does not load. */
static int check_file(bool strict, char *err)
{
	char cerr[CONFIG_ERROR_MAX];
	struct config *c;
	char *path = path_of("t.conf");
	int r;

	r = config_load(path, &c, cerr);
	free(path);
	if (r < 0) {
		snprintf(err, PREFLIGHT_ERROR_MAX, "config: %s", cerr);
		return r;
	}
	r = preflight_check(c, strict, err, PREFLIGHT_ERROR_MAX);
	config_free(c);
	return r;
}

/* Write t.conf: a [state] head (unless @body has one), [venue], then @body; check it. */
static int check(const char *body, bool strict, char *err)
{
	char text[2048];

	snprintf(text, sizeof(text), "%s[venue]\nid = v\nprograms_dir = %s/rules/programs\n%s",
		 strstr(body, "[state]") ? "" : "[state]\ndir = state\n",
		 getenv("PASSGATE_SOURCE_DIR"), body);
	write_file("t.conf", text);
	return check_file(strict, err);
}

static void expect(const char *body, bool strict, const char *want)
{
	char err[PREFLIGHT_ERROR_MAX];

	assert_true(check(body, strict, err) < 0);
	if (!strstr(err, want))
		fail_msg("got '%s', want '%s'", err, want);
}

static void test_valid(void **state)
{
	char err[PREFLIGHT_ERROR_MAX];

	(void)state;
	assert_int_equal(check("[context]\nkaraoke = true\n", true, err), 0);
	assert_string_equal(err, "");
}

/* Issue 9, finding 17: without programs_dir the daemon looks where the CLI looks
 * (rules_programs_dir()): in a build tree that is the source tree's rules/programs. */
static void test_default_programs_dir(void **state)
{
	char err[PREFLIGHT_ERROR_MAX];

	(void)state;
	assert_null(getenv("PASSGATE_PROGRAMS_DIR"));
	write_file("t.conf", "[venue]\nid = v\n[state]\ndir = state\n");
	assert_int_equal(check_file(true, err), 0);
}

static void test_program(void **state)
{
	char err[PREFLIGHT_ERROR_MAX];

	(void)state;
	expect("program = natonal-package\n", true, "[venue] program 'natonal-package' is not in");
	expect("program = natonal-package\n", true, "(there: aichi-restaurant, ");
	/* Start-up goes on without it (every scan denied, program-missing). */
	assert_int_equal(check("program = natonal-package\n", false, err), 0);
}

static void test_context(void **state)
{
	(void)state;
	expect("[context]\nkaraok = true\n", false,
	       "t.conf:7: [context] karaok: not a context key of program national-package");
	expect("[context]\nalert_level = 9\n", true, "[context] alert_level: a bad value");
}

static void test_trust(void **state)
{
	(void)state;
	expect("[trust]\ncert = junk.pem\n", false, "[trust] cert ");
	expect("[trust]\ncert = junk.pem\n", false, "junk.pem: not a key set or certificate");
}

static void test_state_dir(void **state)
{
	(void)state;
	expect("[state]\ndir = state-file\n[clock]\nrequire_sync = no\n", false, "[state] dir ");
	expect("[state]\ndir = state-file\n", false, "state-file: not a directory");
}

/* A file in the state directory that the service user cannot write (a key left by a tool run
 * as root): the message names the file and the chown that fixes it. Run as another user when
 * the test is root (root may write anything). */
static void test_state_file_owner(void **state)
{
	char err[PREFLIGHT_ERROR_MAX] = "";
	char *key = path_of("state/daykey.key"), *sdir = path_of("state");
	int status, fds[2];
	pid_t pid;

	(void)state;
	write_file("state/daykey.key", "x");
	assert_true(check("", false, err) >= 0 || geteuid() != 0); /* root may write it */
	assert_int_equal(chmod(key, 0400), 0);
	assert_int_equal(chmod(sdir, 0777), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			_exit(3);
		close(fds[0]);
		if (check_file(false, err) >= 0)
			_exit(1);
		(void)!write(fds[1], err, strlen(err));
		_exit(0);
	}
	close(fds[1]);
	memset(err, 0, sizeof(err));
	(void)!read(fds[0], err, sizeof(err) - 1);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	if (!strstr(err, "daykey.key is not writable by uid") ||
	    !strstr(err, "chown passgate:passgate"))
		fail_msg("got '%s'", err);
	unlink(key);
	free(key);
	free(sdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_default_programs_dir),
		cmocka_unit_test(test_program),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_trust),
		cmocka_unit_test(test_state_dir),
		cmocka_unit_test(test_state_file_owner),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
