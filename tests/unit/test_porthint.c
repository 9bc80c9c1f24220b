/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_porthint: port conditions of a filter become kernel-side port ranges
 * (filter_port_hints), the INET_DIAG_REQ_BYTECODE program for them
 * (sockdiag_port_bytecode), and a live dump with it returns exactly the sockets
 * in range (in a private network namespace; skipped when we cannot make
 * one). */
#define _GNU_SOURCE
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collect/sockdiag.h"
#include "core/filter.h"
#include "core/snapshot.h"

static void hint(const char *expr, int slo, int shi, int dlo, int dhi)
{
	struct sw_filter_error err;
	struct sw_filter *f = filter_parse(expr, &err);
	if (!f)
		fail_msg("parse '%s': %s", expr, err.msg);
	uint16_t sp[2], dp[2];
	filter_port_hints(f, sp, dp);
	if (sp[0] != slo || sp[1] != shi || dp[0] != dlo || dp[1] != dhi)
		fail_msg("'%s': sport %u..%u dport %u..%u, want %d..%d %d..%d", expr,
			 sp[0], sp[1], dp[0], dp[1], slo, shi, dlo, dhi);
	filter_free(f);
}

static void test_hints(void **state)
{
	(void)state;
	hint("", 0, 65535, 0, 65535);
	hint("state established", 0, 65535, 0, 65535);
	hint("sport = :22", 22, 22, 0, 65535);
	hint("dport = :443", 0, 65535, 443, 443);
	hint("sport >= 1024 and sport < 2000", 1024, 1999, 0, 65535);
	hint("sport > :80", 81, 65535, 0, 65535);
	hint("dport <= 100 and state established", 0, 65535, 0, 100);
	hint("sport = :22 or sport = :80", 22, 80, 0, 65535);
	hint("sport = :22 or dport = :80", 0, 65535, 0, 65535);
	hint("sport != :22", 0, 65535, 0, 65535);
	hint("not sport = :22", 0, 65535, 0, 65535);
	hint("sport = :22 and sport = :23", 1, 0, 0, 65535); /* nothing */
	hint("sport < :0", 1, 0, 0, 65535);
	hint("sport > :65535", 1, 0, 0, 65535);
	hint("(sport = :1 and sport = :2) or sport = :7", 7, 7, 0, 65535);
	hint("src 127.0.0.1:8080", 8080, 8080, 0, 65535);
	/* 100,000 conditions: planned in a loop, not one stack frame each */
	char *chain = malloc(100000 * 24 + 32);
	assert_non_null(chain);
	size_t n = 0;
	for (int i = 0; i < 100000; i++)
		n += (size_t)sprintf(chain + n, "sport >= %d ", i % 1000);
	strcpy(chain + n, "dport < 7");
	hint(chain, 999, 65535, 0, 6);
	n = (size_t)sprintf(chain, "sport = :1");
	for (int i = 0; i < 100000; i++)
		n += (size_t)sprintf(chain + n, " or sport = :%d", 1 + i % 500);
	hint(chain, 1, 500, 0, 65535);
	free(chain);
	hint("dst 10.0.0.0/8", 0, 65535, 0, 65535);
	hint("sport = :22 and (dport = :1 or dport = :9)", 22, 22, 1, 9);
}

static void test_bytecode_layout(void **state)
{
	(void)state;
	uint8_t buf[64];
	const uint16_t any[4] = {0, 65535, 0, 65535};
	assert_int_equal(sockdiag_port_bytecode(any, buf, sizeof buf), 0);

	const uint16_t one[4] = {22, 22, 0, 65535};
	size_t n = sockdiag_port_bytecode(one, buf, sizeof buf);
	assert_int_equal(n, 16);
	struct inet_diag_bc_op op[4];
	memcpy(op, buf, n);
	assert_int_equal(op[0].code, INET_DIAG_BC_S_GE);
	assert_int_equal(op[0].yes, 8);
	assert_int_equal(op[0].no, 16 + 4); /* past the end: reject */
	assert_int_equal(op[1].no, 22);
	assert_int_equal(op[2].code, INET_DIAG_BC_S_LE);
	assert_int_equal(op[2].yes, 8);
	assert_int_equal(op[2].no, 8 + 4);
	assert_int_equal(op[3].no, 22);

	const uint16_t all4[4] = {1, 2, 3, 4};
	assert_int_equal(sockdiag_port_bytecode(all4, buf, sizeof buf), 32);
	assert_int_equal(sockdiag_port_bytecode(all4, buf, 31), 0); /* too small */
}

static int listen_on(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t l = sizeof a;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static size_t dump_count(struct sockdiag *d, const uint16_t *ports, uint16_t *first_port)
{
	struct sw_snapshot s;
	bool dups = false;
	snapshot_init(&s);
	struct sockdiag_req q = {AF_INET, SW_PROTO_TCP, ~0u, 0, ports};
	assert_int_equal(sockdiag_dump(d, &q, &s, NULL, &dups), 0);
	size_t n = s.nconns;
	if (n && first_port)
		*first_port = s.conns[0].local.port;
	snapshot_done(&s);
	return n;
}

static void test_live_dump(void **state)
{
	(void)state;
	if (unshare(CLONE_NEWNET) != 0) {
		printf("# skipped: cannot create a network namespace (not root)\n");
		skip();
	}
	/* lo stays down: binding and listening on 127.0.0.1 still work */
	uint16_t p1, p2, p3;
	int a = listen_on(&p1), b = listen_on(&p2), c = listen_on(&p3);
	int err = 0;
	struct sockdiag *d = sockdiag_open(&err);
	assert_non_null(d);
	assert_int_equal(dump_count(d, NULL, NULL), 3);
	uint16_t got = 0;
	const uint16_t only2[4] = {p2, p2, 0, 65535};
	assert_int_equal(dump_count(d, only2, &got), 1);
	assert_int_equal(got, p2);
	const uint16_t none[4] = {1, 0, 0, 65535};
	assert_int_equal(dump_count(d, none, NULL), 0);
	const uint16_t dany[4] = {0, 65535, 1, 65535}; /* listeners: dport 0 */
	assert_int_equal(dump_count(d, dany, NULL), 0);
	sockdiag_close(d);
	close(a);
	close(b);
	close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hints),
		cmocka_unit_test(test_bytecode_layout),
		cmocka_unit_test(test_live_dump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
