/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_options: the run mode is decided once, in options_parse(), from the
 * whole command line (main.c only dispatches on it), and the usage errors
 * that depend on the mode still come out as exit status 2. */
#include "config.h"

#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "options.h"

/* options_parse() on "sockwatch ARGS..." (NULL-terminated); its status. */
static int parse(struct sw_options *o, const char *const *args)
{
	char *argv[32];
	int argc = 0;
	argv[argc++] = (char *)"sockwatch";
	for (; *args && argc < 31; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	optind = 0; /* glibc: start getopt afresh */
	bool exit_now = false;
	int rc = options_parse(o, argc, argv, &exit_now);
	assert_false(exit_now);
	return rc;
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static enum sw_mode mode_of(const char *const *args)
{
	struct sw_options o;
	assert_int_equal(parse(&o, args), 0);
	return o.mode;
}

static void test_monitor_and_batch(void **state)
{
	(void)state;
	struct sw_options o;
	assert_int_equal(parse(&o, (const char *const[]){NULL}), 0);
	assert_int_equal(o.mode, SW_MODE_MONITOR);
	assert_int_equal(mode_of(ARGS("-r", "-C", "state established")), SW_MODE_MONITOR);
	assert_int_equal(mode_of(ARGS("-b")), SW_MODE_TABLE);
	assert_int_equal(mode_of(ARGS("-n", "3")), SW_MODE_TABLE);   /* a count is batch */
	assert_int_equal(mode_of(ARGS("-tan")), SW_MODE_MONITOR);    /* -n alone: numeric */
	assert_int_equal(mode_of(ARGS("-s")), SW_MODE_SUMMARY);
	assert_int_equal(mode_of(ARGS("--format=summary")), SW_MODE_SUMMARY);
	assert_int_equal(mode_of(ARGS("--json")), SW_MODE_JSON);
	assert_int_equal(mode_of(ARGS("-b", "--format", "json")), SW_MODE_JSON);
}

/* The last format wins, except that -s with --json is JSON with the
 * summary's aggregates, in either order. */
static void test_format_order(void **state)
{
	(void)state;
	assert_int_equal(mode_of(ARGS("-s", "--json")), SW_MODE_JSON);
	assert_int_equal(mode_of(ARGS("--json", "-s")), SW_MODE_JSON);
	assert_int_equal(mode_of(ARGS("--json", "-s", "--format=table")), SW_MODE_JSON);
	assert_int_equal(mode_of(ARGS("--json", "--format=table")), SW_MODE_TABLE);
	assert_int_equal(mode_of(ARGS("-s", "--format=table")), SW_MODE_TABLE);
	assert_int_equal(mode_of(ARGS("--format=summary", "--format=text")), SW_MODE_TABLE);
}

/* --format prometheus over --check over --routes/--interfaces over the
 * batch formats; the flags stay for the mode to read (--check with
 * Prometheus still sets the exit status). */
static void test_insight_modes(void **state)
{
	(void)state;
	struct sw_options o;
	assert_int_equal(mode_of(ARGS("--check")), SW_MODE_CHECK);
	assert_int_equal(mode_of(ARGS("--check", "--json")), SW_MODE_CHECK);
	assert_int_equal(mode_of(ARGS("--check", "--routes")), SW_MODE_CHECK);
	assert_int_equal(mode_of(ARGS("--format=prometheus")), SW_MODE_PROMETHEUS);
	assert_int_equal(mode_of(ARGS("--format=prom", "-s")), SW_MODE_PROMETHEUS);
	assert_int_equal(parse(&o, ARGS("--check", "--format=prometheus")), 0);
	assert_int_equal(o.mode, SW_MODE_PROMETHEUS);
	assert_true(o.check);
	assert_int_equal(mode_of(ARGS("--routes")), SW_MODE_NETINFO);
	assert_int_equal(mode_of(ARGS("--interfaces", "--json")), SW_MODE_NETINFO);
	assert_int_equal(mode_of(ARGS("--routes", "-s", "-n", "2")), SW_MODE_NETINFO);
}

/* Options the chosen mode would ignore are usage errors (status 2). */
static void test_mode_usage_errors(void **state)
{
	(void)state;
	struct sw_options o;
	assert_int_equal(parse(&o, ARGS("--routes", ":22")), 2);
	assert_int_equal(parse(&o, ARGS("--check", "dport = :443")), 2);
	assert_int_equal(parse(&o, ARGS("-b", "--config", "/nonexistent")), 2);
	assert_int_equal(parse(&o, ARGS("-s", "--config", "/nonexistent")), 2);
	assert_int_equal(parse(&o, ARGS("--routes", "--json", "--config", "/x")), 2);
	assert_int_equal(parse(&o, ARGS("-b", "--output", "/tmp/x")), 2);
	/* the settings file is read by the monitor, --check, Prometheus, JSON */
	assert_int_equal(parse(&o, ARGS("--config", "/x")), 0);
	assert_int_equal(parse(&o, ARGS("--check", "--config", "/x")), 0);
	assert_int_equal(parse(&o, ARGS("--format=prometheus", "--config", "/x")), 0);
	assert_int_equal(parse(&o, ARGS("--json", "--config", "/x")), 0);
	assert_int_equal(o.mode, SW_MODE_JSON);
}

/* --closed: its own mode, with a filter, --json, -n and the selection; not
 * with the other modes' outputs or a recording */
static void test_closed(void **state)
{
	(void)state;
	struct sw_options o;
	assert_int_equal(mode_of(ARGS("--closed")), SW_MODE_CLOSED);
	assert_int_equal(parse(&o, ARGS("--closed", "--json", "-n", "5", "-t", "dport = :3306")), 0);
	assert_int_equal(o.mode, SW_MODE_CLOSED);
	assert_true(o.want_json);
	assert_int_equal(o.count, 5);
	assert_string_equal(o.filter, "dport = :3306");
	assert_int_equal(parse(&o, ARGS("--closed", "-s")), 2);
	assert_int_equal(parse(&o, ARGS("--closed", "--check")), 2);
	assert_int_equal(parse(&o, ARGS("--closed", "--format=prometheus")), 2);
	assert_int_equal(parse(&o, ARGS("--closed", "--routes")), 2);
	assert_int_equal(parse(&o, ARGS("--closed", "--replay", "/x")), 2);
	assert_int_equal(parse(&o, ARGS("--closed", "--json", "--config", "/x")), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monitor_and_batch),
		cmocka_unit_test(test_format_order),
		cmocka_unit_test(test_insight_modes),
		cmocka_unit_test(test_mode_usage_errors),
		cmocka_unit_test(test_closed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
