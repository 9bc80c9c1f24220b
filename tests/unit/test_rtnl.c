/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_rtnl: rtnetlink replies recorded in a test namespace (see
 * tests/data/README.rtnl) parsed into routes and interfaces; malformed
 * buffers; interface rates; netstat -r/-i formatting. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "collect/rtnl.h"
#include "core/netinfo.h"
#include "output/netinfo_out.h"

#define REC TEST_DATA_DIR "/rtnl_ns.rec"

static const struct sw_route *route(const struct sw_netinfo *ni, int fam, const char *dst, int plen)
{
	uint8_t a[16] = {0};
	inet_pton(fam, dst, a);
	for (size_t i = 0; i < ni->nroutes; i++)
		if (ni->routes[i].family == fam && ni->routes[i].dst_len == plen &&
		    memcmp(ni->routes[i].dst, a, 16) == 0)
			return &ni->routes[i];
	fail_msg("no route %s/%d", dst, plen);
	abort();
}

static const struct sw_iface *iface(const struct sw_netinfo *ni, const char *name)
{
	for (size_t i = 0; i < ni->nifaces; i++)
		if (strcmp(ni->ifaces[i].name, name) == 0)
			return &ni->ifaces[i];
	fail_msg("no interface %s", name);
	abort();
}

static void test_replay(void **state)
{
	(void)state;
	struct sw_netinfo ni;
	netinfo_init(&ni);
	char err[256] = "";
	assert_int_equal(rtnl_replay(REC, &ni, err, sizeof err), 0);
	assert_int_equal(ni.nifaces, 3);
	const struct sw_iface *v0 = iface(&ni, "veth0");
	assert_int_equal(v0->mtu, 1400);
	assert_string_equal(v0->kind, "veth");
	assert_true(v0->have_stats);
	assert_int_equal(v0->tx_bytes, 200);
	assert_int_equal(v0->operstate, 6 /* IF_OPER_UP */);
	assert_int_equal(v0->addr_len, 6);
	const struct sw_iface *lo = iface(&ni, "lo");
	assert_int_equal(lo->index, 1);
	assert_int_equal(lo->rx_packets, 10);
	assert_int_equal(lo->mtu, 65536);

	assert_int_equal(ni.nroutes, 8);
	const struct sw_route *r = route(&ni, AF_INET, "0.0.0.0", 0);
	char b[64], fl[8];
	assert_true(r->has_gateway);
	assert_string_equal(inet_ntop(AF_INET, r->gateway, b, sizeof b), "10.20.0.1");
	assert_int_equal(r->metric, 100);
	assert_string_equal(r->ifname, "veth0");
	assert_string_equal(netinfo_route_flags(r->flags, fl, sizeof fl), "UG");
	r = route(&ni, AF_INET, "198.51.100.7", 32);
	assert_string_equal(netinfo_route_flags(r->flags, fl, sizeof fl), "UGH");
	r = route(&ni, AF_INET, "203.0.113.0", 24);
	assert_string_equal(netinfo_route_flags(r->flags, fl, sizeof fl), "U!");
	assert_string_equal(r->ifname, "");
	r = route(&ni, AF_INET, "10.20.0.0", 24);
	assert_false(r->has_gateway);
	assert_true(r->has_prefsrc);
	assert_string_equal(inet_ntop(AF_INET, r->prefsrc, b, sizeof b), "10.20.0.2");
	r = route(&ni, AF_INET6, "::", 0);
	assert_string_equal(inet_ntop(AF_INET6, r->gateway, b, sizeof b), "fd00:20::1");
	assert_int_equal(r->metric, 1024);
	/* longest prefix first within a family */
	assert_int_equal(ni.routes[0].dst_len, 32);

	/* netstat -rn / -i text */
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	assert_int_equal(out_routes_text(fp, &ni, true), 0);
	assert_int_equal(out_ifaces_text(fp, &ni, NULL, true), 0);
	assert_int_equal(out_netinfo_json(fp, &ni, NULL, true, true), 0);
	fclose(fp);
	assert_non_null(strstr(out, "Kernel IP routing table\n"));
	assert_non_null(strstr(out, "\n0.0.0.0         10.20.0.1       0.0.0.0         UG       100     0 veth0\n"));
	assert_non_null(strstr(out, "\n198.51.100.7    10.20.0.1       255.255.255.255 UGH"));
	assert_non_null(strstr(out, "Kernel IPv6 routing table"));
	assert_non_null(strstr(out, "\nveth0             1400            2      0      0      0            2"));
	assert_non_null(strstr(out, "{\"routes\":[{\"family\":\"inet\",\"dst\":\"198.51.100.7\",\"prefix\":32,"
				    "\"gateway\":\"10.20.0.1\""));
	assert_non_null(strstr(out, "\"name\":\"veth0\",\"state\":\"UP\""));
	free(out);
	netinfo_done(&ni);
}

static void test_rates(void **state)
{
	(void)state;
	struct sw_netinfo a, b;
	netinfo_init(&a);
	netinfo_init(&b);
	char err[256];
	assert_int_equal(rtnl_replay(REC, &a, err, sizeof err), 0);
	assert_int_equal(rtnl_replay(REC, &b, err, sizeof err), 0);
	a.mono_ns = 1000000000;
	b.mono_ns = 3000000000; /* 2 s */
	for (size_t i = 0; i < b.nifaces; i++)
		if (!strcmp(b.ifaces[i].name, "veth0")) {
			b.ifaces[i].rx_bytes += 2000000;
			b.ifaces[i].tx_packets += 300;
			struct sw_iface_rate r;
			netinfo_iface_rate(&a, &b, i, &r);
			assert_true(r.valid);
			assert_true(r.rx_bps > 999999 && r.rx_bps < 1000001);
			assert_true(r.tx_pps > 149.9 && r.tx_pps < 150.1);
			/* counter going backwards (re-created interface): no rate */
			b.ifaces[i].rx_bytes = 0;
			netinfo_iface_rate(&a, &b, i, &r);
			assert_false(r.valid);
		}
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	assert_int_equal(out_ifaces_text(fp, &b, &a, true), 0);
	fclose(fp);
	assert_non_null(strstr(out, "RX/s"));
	free(out);
	netinfo_done(&a);
	netinfo_done(&b);
}

static void test_malformed(void **state)
{
	(void)state;
	struct sw_netinfo ni;
	netinfo_init(&ni);
	/* read the first recorded chunk and cut it at every length */
	FILE *fp = fopen(REC, "rb");
	assert_non_null(fp);
	uint32_t len;
	assert_int_equal(fread(&len, sizeof len, 1, fp), 1);
	char *buf = malloc(len);
	assert_int_equal(fread(buf, 1, len, fp), len);
	fclose(fp);
	assert_int_equal(rtnl_parse(buf, len, &ni), 1); /* a multi-part dump continues */
	for (uint32_t cut = 1; cut < len; cut += 7) {
		netinfo_clear(&ni);
		int rc = rtnl_parse(buf, cut, &ni);
		assert_true(rc == 1 || rc == -EBADMSG);
	}
	/* garbage attributes inside a valid header */
	for (uint32_t off = sizeof(struct nlmsghdr) + 16; off < len && off < 300; off += 3) {
		char *copy = malloc(len);
		memcpy(copy, buf, len);
		copy[off] ^= 0x5a;
		netinfo_clear(&ni);
		(void)rtnl_parse(copy, len, &ni); /* must not crash (ASan) */
		free(copy);
	}
	free(buf);
	/* an error message carries its errno */
	struct {
		struct nlmsghdr h;
		struct nlmsgerr e;
	} m;
	memset(&m, 0, sizeof m);
	m.h.nlmsg_len = sizeof m;
	m.h.nlmsg_type = NLMSG_ERROR;
	m.e.error = -EPERM;
	assert_int_equal(rtnl_parse(&m, sizeof m, &ni), -EPERM);
	m.h.nlmsg_type = NLMSG_DONE;
	assert_int_equal(rtnl_parse(&m, sizeof m, &ni), 0);
	char err[256];
	assert_int_equal(rtnl_replay("/nonexistent.rec", &ni, err, sizeof err), -ENOENT);
	assert_int_equal(rtnl_replay(TEST_DATA_DIR "/../unit/test_rtnl.c", &ni, err, sizeof err), -EBADMSG);
	assert_non_null(strstr(err, "not a valid rtnetlink recording"));
	netinfo_done(&ni);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
