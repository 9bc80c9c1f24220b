/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_kstat: sysctl and /proc/net counter parsing (kstat.c) on committed
 * samples (tests/data/kstat-*.txt, captured by make-recordings.sh), on
 * malformed texts, and kstat_read on a fake proc tree. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/kstat.h"
#include "core/snapshot.h"

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", TEST_DATA_DIR, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *b = malloc(65536);
	assert_non_null(b);
	*len = fread(b, 1, 65536, f);
	fclose(f);
	return b;
}

static struct sw_kstat *new_kstat(void)
{
	struct sw_kstat *k = calloc(1, sizeof *k);
	assert_non_null(k);
	kstat_init(k);
	return k;
}

static uint64_t get(const struct sw_kstat *k, const char *g, const char *n)
{
	uint64_t v = 0;
	if (!kstat_counter(k, g, n, &v))
		fail_msg("counter %s %s missing", g, n);
	return v;
}

static void test_netstat_snmp(void **state)
{
	(void)state;
	struct sw_kstat *k = new_kstat();
	size_t len;
	char *t = slurp("kstat-netstat.txt", &len);
	int n = kstat_parse_counters(t, len, k);
	assert_true(n > 100);
	assert_int_equal((size_t)n, k->ncounters);
	/* the listen(0) fixture overflowed twice */
	assert_int_equal(get(k, "TcpExt", "ListenOverflows"), 2);
	assert_int_equal(get(k, "TcpExt", "ListenDrops"), 2);
	assert_int_equal(get(k, "TcpExt", "TCPTimeWaitOverflow"), 0);
	assert_int_equal(get(k, "TcpExt", "SyncookiesSent"), 0);
	(void)get(k, "TcpExt", "TCPReqQFullDrop");
	(void)get(k, "IpExt", "InOctets");
	uint64_t v;
	assert_false(kstat_counter(k, "TcpExt", "ListenOverflow", &v)); /* exact names */
	assert_false(kstat_counter(k, "Tcp", "ListenOverflows", &v));   /* and groups */
	free(t);

	t = slurp("kstat-snmp.txt", &len);
	size_t before = k->ncounters;
	n = kstat_parse_counters(t, len, k);
	assert_true(n > 50);
	assert_int_equal(k->ncounters, before + (size_t)n);
	assert_true(get(k, "Tcp", "ActiveOpens") >= 10);
	assert_int_equal(get(k, "Tcp", "MaxConn"), UINT64_MAX); /* -1 */
	(void)get(k, "Tcp", "RetransSegs");
	(void)get(k, "Udp", "NoPorts");
	(void)get(k, "Udp", "RcvbufErrors");
	(void)get(k, "Ip", "Forwarding");
	(void)get(k, "UdpLite", "InDatagrams");
	free(t);
	free(k);
}

static void test_sockstat(void **state)
{
	(void)state;
	struct sw_kstat *k = new_kstat();
	size_t len;
	char *t = slurp("kstat-sockstat.txt", &len);
	assert_int_equal(kstat_parse_sockstat(t, len, k), 0);
	assert_int_equal(k->sockstat_tw, 1);
	assert_true(k->sockstat_orphan >= 0); /* global, not per netns */
	assert_int_equal(k->sockstat_inuse, 19);
	assert_true(k->sockstat_mem_pages >= 0);
	free(t);
	static const char bad1[] = "sockets: used 3\nUDP: inuse 1 mem 0\n";
	static const char bad2[] = "TCP: inuse x orphan 0\n";
	static const char bad3[] = "TCP: inuse 4 orphan\n";
	assert_int_equal(kstat_parse_sockstat(bad1, sizeof bad1 - 1, k), -1);
	assert_int_equal(kstat_parse_sockstat(bad2, sizeof bad2 - 1, k), -1);
	assert_int_equal(kstat_parse_sockstat(bad3, sizeof bad3 - 1, k), -1);
	assert_int_equal(k->sockstat_inuse, 19); /* untouched by failures */
	free(k);
}

/* /proc/net/snmp6: one "Name value" per line; only Udp6* is kept, as Udp6
 * (the IPv6 half of net/snmp's IPv4-only Udp line); UdpLite6 is not Udp6. */
static void test_snmp6(void **state)
{
	(void)state;
	struct sw_kstat *k = new_kstat();
	size_t len;
	char *t = slurp("kstat-snmp6.txt", &len);
	int n = kstat_parse_snmp6(t, len, k);
	assert_true(n >= 6);
	assert_int_equal((size_t)n, k->ncounters);
	assert_int_equal(get(k, "Udp6", "NoPorts"), 7);
	assert_int_equal(get(k, "Udp6", "RcvbufErrors"), 3);
	(void)get(k, "Udp6", "InErrors");
	for (size_t i = 0; i < k->ncounters; i++)
		assert_string_equal(k->counters[i].group, "Udp6");
	uint64_t v;
	assert_false(kstat_counter(k, "Udp6", "6NoPorts", &v));
	assert_false(kstat_counter(k, "Udp", "NoPorts", &v));
	free(t);
	static const char *bad[] = {"Udp6NoPorts\n", "Udp6NoPorts x\n", "Udp6NoPorts 1 2\n"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t before = k->ncounters;
		assert_int_equal(kstat_parse_snmp6(bad[i], strlen(bad[i]), k), -1);
		assert_int_equal(k->ncounters, before);
	}
	static const char ok[] = "\nIp6InReceives 5\nUdp6InDatagrams\t\t9\n";
	assert_int_equal(kstat_parse_snmp6(ok, sizeof ok - 1, k), 1);
	free(k);
}

static void test_malformed(void **state)
{
	(void)state;
	struct sw_kstat *k = new_kstat();
	size_t len;
	char *t = slurp("kstat-malformed.txt", &len);
	assert_int_equal(kstat_parse_counters(t, len, k), -1);
	assert_int_equal(k->ncounters, 0); /* nothing half-added */
	free(t);
	static const char *bad[] = {
		"TcpExt: A B\n",                       /* names without values */
		"TcpExt: A B\nTcpExt: 1\n",            /* counts differ */
		"TcpExt: A\nTcpExt: 1 2\n",
		"TcpExt: A B\nIpExt: 1 2\n",           /* groups differ */
		"TcpExt: A B\nTcpExt: 1 x\n",          /* not a number */
		"TcpExt: A\nTcpExt: 99999999999999999999999\n", /* overflow */
		"no colon here\nno colon here\n",
		"TcpExt: A\nTcpExt: 1\0\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t l = strlen(bad[i]) + (i == 7 ? 2 : 0);
		assert_int_equal(kstat_parse_counters(bad[i], l, k), -1);
		assert_int_equal(k->ncounters, 0);
	}
	/* good: blank lines, no final newline, negative values */
	static const char good[] = "A: x y\nA: 1 -2\n\nB: z\nB: 18446744073709551615";
	/* 2^64-1 does not fit the signed parse: the whole text is refused */
	assert_int_equal(kstat_parse_counters(good, sizeof good - 1, k), -1);
	assert_int_equal(k->ncounters, 0);
	static const char good2[] = "A: x y\nA: 1 -2\n\nB: z\nB: 9223372036854775807";
	assert_int_equal(kstat_parse_counters(good2, sizeof good2 - 1, k), 3);
	uint64_t v;
	assert_true(kstat_counter(k, "A", "y", &v));
	assert_int_equal(v, (uint64_t)-2);
	assert_true(kstat_counter(k, "B", "z", &v));
	assert_int_equal(v, 9223372036854775807ull);
	free(k);
}

static void test_capacity_and_long_names(void **state)
{
	(void)state;
	struct sw_kstat *k = new_kstat();
	size_t cap = 64 * 1024;
	char *names = malloc(cap), *vals = malloc(cap), *all = malloc(2 * cap);
	assert_non_null(names);
	assert_non_null(vals);
	assert_non_null(all);
	size_t nl = (size_t)snprintf(names, cap, "Big:"), vl = (size_t)snprintf(vals, cap, "Big:");
	for (int i = 0; i < 1000; i++) {
		nl += (size_t)snprintf(names + nl, cap - nl, " C%d", i);
		vl += (size_t)snprintf(vals + vl, cap - vl, " %d", i);
	}
	nl += (size_t)snprintf(names + nl, cap - nl, " %s", "AnExtremelyLongCounterNameThatCannotBeStoredExactly");
	vl += (size_t)snprintf(vals + vl, cap - vl, " 5");
	size_t len = (size_t)snprintf(all, 2 * cap, "%s\n%s\n", names, vals);
	assert_int_equal(kstat_parse_counters(all, len, k), SW_KSTAT_MAX_COUNTERS);
	assert_int_equal(k->ncounters, SW_KSTAT_MAX_COUNTERS);
	uint64_t v;
	assert_true(kstat_counter(k, "Big", "C639", &v));
	assert_int_equal(v, 639);
	assert_false(kstat_counter(k, "Big", "C640", &v));
	free(names);
	free(vals);
	free(all);
	free(k);
}

static void test_apply(void **state)
{
	(void)state;
	struct sw_kstat *k = new_kstat();
	assert_int_equal(k->tcp_tw_recycle, -1);
	assert_int_equal(kstat_apply(k, "sys/net/ipv4/ip_local_port_range", "1024\t65000\n", 11), 0);
	assert_int_equal(k->port_lo, 1024);
	assert_int_equal(k->port_hi, 65000);
	assert_int_equal(kstat_apply(k, "sys/net/ipv4/ip_local_port_range", "1024\n", 5), -EINVAL);
	assert_int_equal(kstat_apply(k, "sys/net/ipv4/ip_local_port_range", "1 70000\n", 8), -EINVAL);
	assert_int_equal(kstat_apply(k, "sys/net/ipv4/tcp_tw_reuse", "2\n", 2), 0);
	assert_int_equal(k->tcp_tw_reuse, 2);
	assert_int_equal(kstat_apply(k, "sys/net/ipv4/tcp_tw_reuse", "2x\n", 3), -EINVAL);
	assert_int_equal(kstat_apply(k, "sys/net/ipv4/tcp_tw_reuse", "", 0), -EINVAL);
	assert_int_equal(k->tcp_tw_reuse, 2);
	assert_int_equal(kstat_apply(k, "sys/net/core/somaxconn", "4096\n", 5), 0);
	assert_int_equal(k->somaxconn, 4096);
	assert_int_equal(kstat_apply(k, "sys/net/ipv4/ip_local_reserved_ports", "8080,9000-9010\n", 15), 0);
	assert_string_equal(k->reserved_ports, "8080,9000-9010");
	assert_int_equal(kstat_apply(k, "sys/net/ipv4/ip_local_reserved_ports", "\n", 1), 0);
	assert_string_equal(k->reserved_ports, "");
	assert_int_equal(kstat_apply(k, "sys/no/such", "1", 1), -ENOENT);
	free(k);
}

static void put(const char *root, const char *rel, const char *text)
{
	char path[1024], dir[1024];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	/* mkdir -p of the parents */
	snprintf(dir, sizeof dir, "%s", path);
	for (char *p = dir + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_read_fake_tree(void **state)
{
	(void)state;
	char root[] = "test_kstat.tmp.XXXXXX";
	assert_non_null(mkdtemp(root));
	put(root, "sys/net/ipv4/ip_local_port_range", "32768\t60999\n");
	put(root, "sys/net/ipv4/ip_local_reserved_ports", "\n");
	put(root, "sys/net/ipv4/tcp_tw_reuse", "2\n");
	put(root, "sys/net/ipv4/tcp_fin_timeout", "60\n");
	put(root, "sys/net/ipv4/tcp_max_tw_buckets", "131072\n");
	put(root, "sys/net/ipv4/tcp_max_syn_backlog", "2048\n");
	put(root, "sys/net/core/somaxconn", "4096\n");
	put(root, "sys/net/ipv4/tcp_syncookies", "1\n");
	/* no tcp_tw_recycle (gone since 4.12): not counted as missing */
	put(root, "net/netstat", "TcpExt: ListenOverflows ListenDrops\nTcpExt: 7 9\n");
	put(root, "net/snmp", "Tcp: RtoAlgorithm MaxConn\nTcp: 1 -1\n");
	put(root, "net/sockstat", "TCP: inuse 5 orphan 1 tw 3 alloc 7 mem 2\n");

	struct sw_kstat *k = calloc(1, sizeof *k);
	assert_non_null(k);
	assert_int_equal(kstat_read(root, k), 0);
	assert_int_equal(k->port_lo, 32768);
	assert_int_equal(k->port_hi, 60999);
	assert_int_equal(k->tcp_tw_reuse, 2);
	assert_int_equal(k->tcp_fin_timeout, 60);
	assert_int_equal(k->tcp_max_tw_buckets, 131072);
	assert_int_equal(k->tcp_max_syn_backlog, 2048);
	assert_int_equal(k->somaxconn, 4096);
	assert_int_equal(k->tcp_syncookies, 1);
	assert_int_equal(k->tcp_tw_recycle, -1);
	assert_string_equal(k->reserved_ports, "");
	assert_int_equal(k->sockstat_tw, 3);
	assert_int_equal(k->sockstat_orphan, 1);
	assert_int_equal(k->sockstat_inuse, 5);
	assert_int_equal(k->sockstat_mem_pages, 2);
	assert_int_equal(get(k, "TcpExt", "ListenDrops"), 9);
	assert_int_equal(k->ncounters, 4);

	/* a missing and a malformed file are counted, the rest still read */
	char p[1024];
	snprintf(p, sizeof p, "%s/sys/net/core/somaxconn", root);
	unlink(p);
	put(root, "net/snmp", "Tcp: RtoAlgorithm MaxConn\n");
	assert_int_equal(kstat_read(root, k), 2);
	assert_int_equal(k->somaxconn, -1);
	assert_int_equal(k->ncounters, 2);
	assert_int_equal(k->tcp_fin_timeout, 60);
	/* nothing there at all */
	assert_int_equal(kstat_read("/nonexistent-proc-root", k), 11);
	assert_int_equal(k->port_lo, -1);

	/* the real /proc of this netns: complete */
	assert_int_equal(kstat_read(NULL, k), 0);
	assert_true(k->port_lo > 0);
	assert_true(k->ncounters > 100);
	(void)get(k, "TcpExt", "ListenOverflows");

	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(k);
}

/* Texts with a callback: what a recording saves, a replay reapplies. */
struct texts {
	struct sw_kstat *k;
	int n;
};

static void text_cb(void *arg, const char *name, const char *text, size_t len)
{
	struct texts *t = arg;
	assert_int_equal(kstat_apply(t->k, name, text, len), 0);
	t->n++;
}

static void test_texts_roundtrip(void **state)
{
	(void)state;
	struct sw_kstat *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	assert_non_null(a);
	assert_non_null(b);
	kstat_init(b);
	struct texts t = {b, 0};
	assert_int_equal(kstat_read_texts(NULL, a, text_cb, &t), 0);
	assert_true(t.n >= 11);
	assert_int_equal(a->port_lo, b->port_lo);
	assert_int_equal(a->somaxconn, b->somaxconn);
	assert_int_equal(a->ncounters, b->ncounters);
	for (size_t i = 0; i < a->ncounters; i++) {
		assert_string_equal(a->counters[i].group, b->counters[i].group);
		assert_string_equal(a->counters[i].name, b->counters[i].name);
	}
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netstat_snmp),
		cmocka_unit_test(test_sockstat),
		cmocka_unit_test(test_snmp6),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_capacity_and_long_names),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_read_fake_tree),
		cmocka_unit_test(test_texts_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
