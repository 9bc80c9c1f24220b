/* test_core: conn.c, snapshot.c, util.c */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "core/conn.h"
#include "core/snapshot.h"
#include "core/util.h"

static void test_state_names(void **state)
{
	(void)state;
	assert_int_equal(sw_state_from_name("established"), SW_ST_ESTABLISHED);
	assert_int_equal(sw_state_from_name("ESTAB"), SW_ST_ESTABLISHED);
	assert_int_equal(sw_state_from_name("SYN_RECV"), SW_ST_SYN_RECV);
	assert_int_equal(sw_state_from_name("syn-recv"), SW_ST_SYN_RECV);
	assert_int_equal(sw_state_from_name("fin-wait-1"), SW_ST_FIN_WAIT1);
	assert_int_equal(sw_state_from_name("FIN_WAIT2"), SW_ST_FIN_WAIT2);
	assert_int_equal(sw_state_from_name("time-wait"), SW_ST_TIME_WAIT);
	assert_int_equal(sw_state_from_name("nonsense"), -1);
	assert_string_equal(sw_state_name(SW_ST_CLOSE, SW_PROTO_UDP), "UNCONN");
	assert_string_equal(sw_state_name(SW_ST_CLOSE, SW_PROTO_TCP), "CLOSE");
	assert_string_equal(sw_state_netstat_name(SW_ST_TIME_WAIT), "TIME_WAIT");
	assert_string_equal(sw_timer_name(SW_TIMER_PERSIST), "probe");
}

static void test_ep_str(void **state)
{
	(void)state;
	struct sw_endpoint ep = {.port = 3306};
	char buf[SW_EP_STRLEN];
	inet_pton(AF_INET, "10.1.2.3", ep.addr);
	assert_string_equal(sw_ep_str(AF_INET, &ep, buf, sizeof buf), "10.1.2.3:3306");
	memset(&ep, 0, sizeof ep);
	inet_pton(AF_INET6, "::ffff:192.0.2.9", ep.addr);
	ep.port = 80;
	assert_string_equal(sw_ep_str(AF_INET6, &ep, buf, sizeof buf), "192.0.2.9:80");
	inet_pton(AF_INET6, "2001:db8::1", ep.addr);
	assert_string_equal(sw_ep_str(AF_INET6, &ep, buf, sizeof buf), "[2001:db8::1]:80");
	memset(&ep, 0, sizeof ep);
	assert_string_equal(sw_ep_str(AF_INET6, &ep, buf, sizeof buf), "*:*");
}

/* Wildcard listeners as ss -tln prints them (checked against ss 6.1 with
 * python sockets): 0.0.0.0:8080 (IPv4), *:8081 (IPv6, v6only=0),
 * [::]:8082 (IPv6, v6only=1). */
static void test_local_str(void **state)
{
	(void)state;
	struct sw_conn c;
	char buf[SW_EP_STRLEN];
	memset(&c, 0, sizeof c);
	c.family = AF_INET;
	c.local.port = 8080;
	assert_string_equal(sw_local_str(&c, buf, sizeof buf), "0.0.0.0:8080");
	c.family = AF_INET6;
	c.local.port = 8081;
	c.flags = SW_CF_HAS_V6ONLY;
	assert_string_equal(sw_local_str(&c, buf, sizeof buf), "*:8081");
	c.local.port = 8082;
	c.flags = SW_CF_HAS_V6ONLY | SW_CF_V6ONLY;
	assert_string_equal(sw_local_str(&c, buf, sizeof buf), "[::]:8082");
	c.local.port = 0;
	assert_string_equal(sw_local_str(&c, buf, sizeof buf), "[::]:*");
	c.family = AF_INET;
	inet_pton(AF_INET, "127.0.0.1", c.local.addr);
	c.local.port = 3306;
	assert_string_equal(sw_local_str(&c, buf, sizeof buf), "127.0.0.1:3306");
}

static void test_snapshot_dedupe(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	for (int i = 0; i < 1000; i++) {
		struct sw_conn *c = snapshot_add_conn(&s);
		c->cookie = (uint64_t)(i % 700) + 1;
		c->rq = (uint32_t)i;
	}
	snapshot_dedupe(&s);
	assert_int_equal(s.nconns, 700);
	/* the later record wins, in the earlier place */
	assert_int_equal(s.conns[0].cookie, 1);
	assert_int_equal(s.conns[0].rq, 700);
	assert_int_equal(s.conns[699].rq, 699);
	uint32_t off = snapshot_pool_add(&s, "\0abs", 4);
	assert_memory_equal(snapshot_str(&s, off), "\0abs", 5);
	snapshot_done(&s);
}

static void test_fmt(void **state)
{
	(void)state;
	char b[32];
	assert_string_equal(sw_fmt_ms(850, b, sizeof b), "850ms");
	assert_string_equal(sw_fmt_ms(12345, b, sizeof b), "12.3s");
	assert_string_equal(sw_fmt_ms(245000, b, sizeof b), "4m05s");
	assert_string_equal(sw_fmt_bytes(1536, b, sizeof b), "1.5K");
	assert_string_equal(sw_fmt_rate(10 * 1048576.0, b, sizeof b), "10MB/s");
	double d;
	assert_true(sw_parse_seconds("0.5", &d));
	assert_false(sw_parse_seconds("x", &d));
	assert_false(sw_parse_seconds("-1", &d));
}

static void test_pace(void **state)
{
	(void)state;
	volatile int stop = 0;
	uint64_t t0 = sw_mono_ns(), next = t0;
	assert_true(sw_pace(&next, 20000000, &stop));
	uint64_t t1 = sw_mono_ns();
	assert_int_equal(next, t0 + 20000000);
	assert_true(t1 >= t0 + 20000000);
	/* fell behind by a second: no burst, the next deadline is now */
	next = t1 - 1000000000ull;
	assert_true(sw_pace(&next, 1000, &stop));
	assert_true(next >= t1);
	assert_true(sw_mono_ns() - t1 < 500000000ull);
	stop = 1;
	assert_false(sw_pace(&next, 1000000000ull, &stop));
}

static void test_blank(void **state)
{
	(void)state;
	assert_true(sw_blank(NULL));
	assert_true(sw_blank(""));
	assert_true(sw_blank(" \t\n"));
	assert_false(sw_blank(" :80 "));
	assert_false(sw_blank("x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_ep_str),
		cmocka_unit_test(test_local_str),
		cmocka_unit_test(test_snapshot_dedupe),
		cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_pace),
		cmocka_unit_test(test_blank),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
