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
#include <arpa/inet.h>
#include <netinet/in.h>
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

/* --format csv is the table's rows as CSV; --pids the bare PID list, an
 * output of its own that no other format goes with. */
static void test_csv_and_pids(void **state)
{
	(void)state;
	struct sw_options o;
	assert_int_equal(parse(&o, ARGS("--format", "csv")), 0);
	assert_int_equal(o.mode, SW_MODE_TABLE);
	assert_true(o.csv);
	assert_int_equal(parse(&o, ARGS("--json", "--format=csv", "-n", "3")), 0);
	assert_int_equal(o.mode, SW_MODE_TABLE);
	assert_true(o.csv);
	assert_false(o.want_json);
	assert_int_equal(parse(&o, ARGS("--format=csv", "--json")), 0);
	assert_int_equal(o.mode, SW_MODE_JSON);
	assert_false(o.csv);
	assert_int_equal(parse(&o, ARGS("--pids", "sport", "=", ":9000")), 0);
	assert_int_equal(o.mode, SW_MODE_TABLE);
	assert_true(o.pids);
	assert_string_equal(o.filter, "sport = :9000");
	assert_int_equal(parse(&o, ARGS("--pids", "--json")), 2);
	assert_int_equal(parse(&o, ARGS("--pids", "-s")), 2);
	assert_int_equal(parse(&o, ARGS("--pids", "--format=csv")), 2);
	assert_int_equal(parse(&o, ARGS("--pids", "--check")), 2);
	assert_int_equal(parse(&o, ARGS("--format=cvs")), 2);
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

/* --listen, --nagios, --prom-skip-node: where they apply, usage errors
 * (2) elsewhere; the address is numeric ADDR:PORT, IPv6 in brackets. */
static void test_exporter_options(void **state)
{
	(void)state;
	struct sw_options o;
#ifdef HAVE_MICROHTTPD
	assert_int_equal(parse(&o, ARGS("--listen", "127.0.0.1:9910")), 0);
	assert_int_equal(o.mode, SW_MODE_PROMETHEUS);
	assert_false(o.delay_set);
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)&o.listen_addr;
	assert_int_equal(a4->sin_family, AF_INET);
	assert_int_equal(ntohs(a4->sin_port), 9910);
	assert_int_equal(ntohl(a4->sin_addr.s_addr), 0x7f000001);
	assert_int_equal(parse(&o, ARGS("--listen=[::1]:9910", "-d", "2", "--prom-skip-node")), 0);
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&o.listen_addr;
	assert_int_equal(a6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(a6->sin6_port), 9910);
	assert_true(IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr));
	assert_true(o.delay_set && o.prom_skip_node);
	assert_int_equal(parse(&o, ARGS("--listen", "0.0.0.0:1")), 0);
	assert_int_equal(parse(&o, ARGS("--listen", "[::]:65535")), 0);
	static const char *const bad[] = {
		"", "9910", ":9910", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
		"127.0.0.1:99999", "127.0.0.1:x", "127.0.0.1:80x", "localhost:9910", "::1:9910",
		"[::1]9910", "[::1]:", "[127.0.0.1]:80", "[::1:80", "1.2.3:80", "127.0.0.1:-1",
		"127.0.0.1:+80", "[]:80",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		print_message("--listen '%s'\n", bad[i]);
		assert_int_equal(parse(&o, ARGS("--listen", bad[i])), 2);
	}
	assert_int_equal(parse(&o, ARGS("--listen", "127.0.0.1:9910", "--check")), 2);
	assert_int_equal(parse(&o, ARGS("--listen", "127.0.0.1:9910", "--output", "/tmp/x")), 2);
#else
	assert_int_equal(parse(&o, ARGS("--listen", "127.0.0.1:9910")), 2);
#endif
	assert_int_equal(parse(&o, ARGS("--check", "--nagios")), 0);
	assert_true(o.nagios);
	assert_int_equal(o.mode, SW_MODE_CHECK);
	assert_int_equal(parse(&o, ARGS("--nagios")), 2);
	assert_int_equal(parse(&o, ARGS("--check", "--nagios", "--json")), 2);
	assert_int_equal(parse(&o, ARGS("--check", "--nagios", "--format=prometheus")), 2);
	assert_int_equal(parse(&o, ARGS("--format=prometheus", "--prom-skip-node")), 0);
	assert_int_equal(parse(&o, ARGS("-b", "--prom-skip-node")), 2);
	assert_int_equal(parse(&o, ARGS("--check", "--prom-skip-node")), 2);
}

/* The time machine's options: the recorder's mode, sizes and ages parsed,
 * each option refused where it means nothing. */
static void test_history_options(void **state)
{
	(void)state;
	struct sw_options o;
	assert_int_equal(parse(&o, ARGS("--record-dir", "/x", "--max-size", "2G", "--max-age", "7d",
					 "--keyframe", "60", "--segment", "600")), 0);
	assert_int_equal(o.mode, SW_MODE_RECORD);
	assert_int_equal(o.max_size, 2ull << 30);
	assert_int_equal(o.max_age, 7 * 86400);
	assert_int_equal(o.keyframe, 60);
	assert_int_equal(o.segment_s, 600);
	assert_int_equal(parse(&o, ARGS("--replay", "/x", "-b", "--from", "@100", "--to", "@200")), 0);
	assert_true(o.from_set && o.to_set);
	assert_int_equal(o.from, 100);
	assert_int_equal(o.to, 200);
	assert_int_equal(o.mode, SW_MODE_TABLE);
	assert_int_equal(parse(&o, ARGS("--replay", "/x", "--from", "@300", "--to", "@200")), 2);
	assert_int_equal(parse(&o, ARGS("-b", "--from", "-1h")), 2);           /* no --replay */
	assert_int_equal(parse(&o, ARGS("--max-age", "7d")), 2);               /* no --record-dir */
	assert_int_equal(parse(&o, ARGS("--record-dir", "/x", "--json")), 2);  /* no format */
	assert_int_equal(parse(&o, ARGS("--record-dir", "/x", "state established")), 2);
	assert_int_equal(parse(&o, ARGS("--record-dir", "/x", "--replay", "/y")), 2);
	assert_int_equal(parse(&o, ARGS("--record-dir", "/x", "--max-size", "12Q")), 2);
	assert_int_equal(parse(&o, ARGS("--record-dir", "/x", "--max-size", "-5")), 2);
	assert_int_equal(parse(&o, ARGS("--record-dir", "/x", "--max-age", "0")), 2);
	assert_int_equal(parse(&o, ARGS("--record-dir", "/x", "--keyframe", "0")), 2);
	assert_int_equal(parse(&o, ARGS("--replay", "/x", "--from", "25:00")), 2);
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
		cmocka_unit_test(test_exporter_options),
		cmocka_unit_test(test_monitor_and_batch),
		cmocka_unit_test(test_format_order),
		cmocka_unit_test(test_csv_and_pids),
		cmocka_unit_test(test_insight_modes),
		cmocka_unit_test(test_mode_usage_errors),
		cmocka_unit_test(test_history_options),
		cmocka_unit_test(test_closed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
