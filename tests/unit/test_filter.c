/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_filter: the filter language (filter.c) and select_match. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/filter.h"
#include "core/snapshot.h"
#include "core/util.h"

/* Cookies of the fixture sockets (each test compares bit masks 1<<cookie). */
enum {
	C_WEB = 1,     /* tcp  10.0.0.1:45000 -> 192.168.1.10:80 ESTAB, nginx 100 */
	C_LISTEN = 2,  /* tcp  0.0.0.0:80 LISTEN, nginx 100 + 101 */
	C_V6 = 3,      /* tcp6 [2001:db8::1]:443 -> [2001:db8:1::5]:51000 ESTAB, envoy */
	C_MAPPED = 4,  /* tcp6 ::ffff:10.0.0.1:3306 <- ::ffff:10.0.0.9:40000, mysqld uid 27 */
	C_TW = 5,      /* tcp  127.0.0.1:50000 -> 127.0.0.1:9000 TIME-WAIT, no owner */
	C_SYNRECV = 6, /* tcp  10.0.0.1:80 <- 203.0.113.7:33333 SYN-RECV */
	C_UDP = 7,     /* udp  0.0.0.0:53 UNCONN, dnsmasq */
	C_USOCK = 8,   /* unix /run/mysqld/mysqld.sock ESTAB, mysqld */
	C_UABS = 9,    /* unix @foo LISTEN */
	C_SYNSENT = 10,/* tcp  10.0.0.1:46000 -> 10.0.0.2:3306 SYN-SENT, php-fpm, dev 2 */
	C_CW = 11,     /* tcp  10.0.0.1:8080 <- 10.0.0.3:41000 CLOSE-WAIT, long comm */
	C_UDP6 = 12,   /* udp6 [::]:5353 UNCONN, avahi, uid 0 */
	C_N = 13
};
#define B(c) (1u << (c))
#define ALL_MASK (((1u << C_N) - 1) & ~1u)

static struct sw_snapshot snap;

static void ep(struct sw_conn *c, bool remote, int fam, const char *a, unsigned port)
{
	uint8_t addr[16] = {0};
	if (a)
		inet_pton(fam, a, addr);
	snapshot_set_addr(&snap, c, remote, addr);
	(remote ? &c->remote : &c->local)->port = (uint16_t)port;
}

static uint32_t proc(int pid, unsigned uid, const char *comm)
{
	struct sw_proc p = {.pid = pid, .uid = uid};
	snprintf(p.comm, sizeof p.comm, "%s", comm);
	return (uint32_t)snapshot_add_proc(&snap, &p);
}

static struct sw_conn *conn(uint64_t cookie, int fam, int proto, int state,
			    const char *la, unsigned lp, const char *ra, unsigned rp)
{
	struct sw_conn *c = snapshot_add_conn(&snap);
	c->cookie = cookie;
	c->family = (uint8_t)fam;
	c->proto = (uint8_t)proto;
	c->state = (uint8_t)state;
	c->inode = (uint32_t)(1000 + cookie);
	if (fam != AF_UNIX) {
		ep(c, false, fam, la, lp);
		ep(c, true, fam, ra, rp);
	}
	return c;
}

static void own(struct sw_conn *c, uint32_t pr, int fd)
{
	snapshot_add_owner(&snap, c, pr, fd);
}

/* The detail record of the last socket added: its mark and cgroup id. */
static void detail(uint64_t cookie, uint32_t mark, uint64_t cgroup)
{
	assert_int_equal(snap.conns[snap.nconns - 1].cookie, cookie);
	struct sw_conn_detail d = {.mark = mark, .cgroup_id = cgroup};
	snapshot_set_details(&snap, snap.nconns - 1, &d, NULL);
	struct sw_conn_detail back;
	assert_true(snapshot_get_detail(&snap, &snap.conns[snap.nconns - 1], &back));
}

static int setup(void **state)
{
	(void)state;
	snapshot_init(&snap);
	uint32_t nginx = proc(100, 33, "nginx");
	uint32_t nginx2 = proc(101, 33, "nginx");
	uint32_t envoy = proc(200, 1000, "envoy");
	uint32_t mysqld = proc(300, 27, "mysqld");
	uint32_t dnsmasq = proc(400, 65534, "dnsmasq");
	uint32_t php = proc(500, 33, "php-fpm8.2");
	uint32_t longc = proc(600, 1000, "a-very-long-nam"); /* comm is 15 chars max */
	uint32_t avahi = proc(700, 105, "avahi-daemon");
	struct sw_conn *c;

	c = conn(C_WEB, AF_INET, SW_PROTO_TCP, SW_ST_ESTABLISHED, "10.0.0.1", 45000,
		 "192.168.1.10", 80);
	own(c, nginx, 7);
	detail(C_WEB, 0x101, 42);
	c = conn(C_LISTEN, AF_INET, SW_PROTO_TCP, SW_ST_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0);
	own(c, nginx, 6);
	own(c, nginx2, 6);
	detail(C_LISTEN, 0x2, 42);
	c = conn(C_V6, AF_INET6, SW_PROTO_TCP, SW_ST_ESTABLISHED, "2001:db8::1", 443,
		 "2001:db8:1::5", 51000);
	own(c, envoy, 9);
	detail(C_V6, 0x1ff, 7);
	c = conn(C_MAPPED, AF_INET6, SW_PROTO_TCP, SW_ST_ESTABLISHED, "::ffff:10.0.0.1",
		 3306, "::ffff:10.0.0.9", 40000);
	c->uid = 27;
	c->flags |= SW_CF_HAS_UID;
	own(c, mysqld, 30);
	c = conn(C_TW, AF_INET, SW_PROTO_TCP, SW_ST_TIME_WAIT, "127.0.0.1", 50000,
		 "127.0.0.1", 9000);
	c->inode = 0;
	c = conn(C_SYNRECV, AF_INET, SW_PROTO_TCP, SW_ST_SYN_RECV, "10.0.0.1", 80,
		 "203.0.113.7", 33333);
	c->inode = 0;
	c = conn(C_UDP, AF_INET, SW_PROTO_UDP, SW_ST_CLOSE, "0.0.0.0", 53, "0.0.0.0", 0);
	own(c, dnsmasq, 4);
	c = conn(C_USOCK, AF_UNIX, SW_PROTO_UNIX, SW_ST_ESTABLISHED, NULL, 0, NULL, 0);
	c->name_off = snapshot_pool_add(&snap, "/run/mysqld/mysqld.sock", 23);
	c->name_len = 23;
	c->sotype = SOCK_STREAM;
	/* its peer's inode shares room with an inet socket's interface:
	 * "dev 2" must not take it for one */
	c->peer_inode = 2;
	c->flags |= SW_CF_HAS_PEER;
	/* c may move when the pool grows?  No: conns and pool are separate. */
	own(c, mysqld, 31);
	c = conn(C_UABS, AF_UNIX, SW_PROTO_UNIX, SW_ST_LISTEN, NULL, 0, NULL, 0);
	c->name_off = snapshot_pool_add(&snap, "\0foo", 4);
	c->name_len = 4;
	c = conn(C_SYNSENT, AF_INET, SW_PROTO_TCP, SW_ST_SYN_SENT, "10.0.0.1", 46000,
		 "10.0.0.2", 3306);
	c->ifindex = 2;
	own(c, php, 11);
	c = conn(C_CW, AF_INET, SW_PROTO_TCP, SW_ST_CLOSE_WAIT, "10.0.0.1", 8080,
		 "10.0.0.3", 41000);
	own(c, longc, 3);
	c = conn(C_UDP6, AF_INET6, SW_PROTO_UDP, SW_ST_CLOSE, "::", 5353, "::", 0);
	c->uid = 0;
	c->flags |= SW_CF_HAS_UID;
	own(c, avahi, 12);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	snapshot_done(&snap);
	return 0;
}

/* The set of fixture cookies the expression matches, as a bit mask. */
static uint32_t M(const char *expr)
{
	struct sw_filter_error err = {.pos = -1};
	struct sw_filter *f = filter_parse(expr, &err);
	if (!f) {
		print_error("parse failed for \"%s\": at %d: %s\n", expr, err.pos, err.msg);
		fail();
	}
	assert_string_equal(filter_text(f), expr);
	uint32_t m = 0;
	for (size_t i = 0; i < snap.nconns; i++)
		if (filter_match(f, &snap, &snap.conns[i]))
			m |= B(snap.conns[i].cookie);
	filter_free(f);
	return m;
}

#define assert_set(expr, want) do { \
	uint32_t got_ = M(expr); \
	if (got_ != (uint32_t)(want)) \
		print_error("\"%s\": got %#x want %#x\n", expr, got_, (unsigned)(want)); \
	assert_int_equal(got_, (want)); \
} while (0)

static void test_empty(void **state)
{
	(void)state;
	assert_set("", ALL_MASK);
	assert_set("   \t ", ALL_MASK);
	assert_true(filter_match(NULL, &snap, &snap.conns[0]));
	assert_string_equal(filter_text(NULL), "");
}

static void test_states(void **state)
{
	(void)state;
	uint32_t estab = B(C_WEB) | B(C_V6) | B(C_MAPPED) | B(C_USOCK);
	assert_set("state established", estab);
	assert_set("state ESTAB", estab);
	assert_set("established", estab); /* bare state name */
	assert_set("state syn-recv", B(C_SYNRECV));
	assert_set("state SYN_RECV", B(C_SYNRECV));
	assert_set("state time-wait", B(C_TW));
	assert_set("state listening", B(C_LISTEN) | B(C_UABS));
	assert_set("state closed", B(C_UDP) | B(C_UDP6));
	assert_set("state unconn", B(C_UDP) | B(C_UDP6));
	assert_set("exclude listening", ALL_MASK & ~(B(C_LISTEN) | B(C_UABS)));
	/* groups */
	assert_set("state all", ALL_MASK);
	uint32_t connected = estab | B(C_TW) | B(C_SYNRECV) | B(C_SYNSENT) | B(C_CW);
	assert_set("state connected", connected);
	assert_set("state synchronized", connected & ~B(C_SYNSENT));
	assert_set("state bucket", B(C_TW) | B(C_SYNRECV));
	assert_set("state big", ALL_MASK & ~(B(C_TW) | B(C_SYNRECV)));
	/* ss habit: juxtaposed state conditions form one set */
	assert_set("state established state syn-sent", estab | B(C_SYNSENT));
	assert_set("state connected exclude established", connected & ~estab);
	assert_set("exclude established exclude listen",
		   ALL_MASK & ~estab & ~(B(C_LISTEN) | B(C_UABS)));
	/* an explicit "and" intersects */
	assert_set("state established and state syn-sent", 0);
	assert_set("state established or state syn-sent", estab | B(C_SYNSENT));
	/* a set followed by another kind of condition */
	assert_set("state established state time-wait dport = :9000", B(C_TW));
}

static void test_ports(void **state)
{
	(void)state;
	assert_set("dport = :80", B(C_WEB));
	assert_set("dport == 80", B(C_WEB));
	assert_set("dport eq :http", B(C_WEB));
	assert_set("dport :80", B(C_WEB));
	assert_set("dport 80", B(C_WEB));
	assert_set("sport = :80", B(C_LISTEN) | B(C_SYNRECV));
	assert_set("sport = :mysql", B(C_MAPPED));
	assert_set("dport = :mysql", B(C_SYNSENT));
	assert_set("dport=:9000", B(C_TW));
	assert_set("sport < 80", B(C_UDP));
	assert_set("sport lt 80", B(C_UDP));
	assert_set("sport <= 80", B(C_UDP) | B(C_LISTEN) | B(C_SYNRECV));
	assert_set("sport le :80", B(C_UDP) | B(C_LISTEN) | B(C_SYNRECV));
	assert_set("sport > 45000", B(C_TW) | B(C_SYNSENT));
	assert_set("sport gt 45000", B(C_TW) | B(C_SYNSENT));
	assert_set("sport >= 45000", B(C_WEB) | B(C_TW) | B(C_SYNSENT));
	assert_set("sport ge 45000", B(C_WEB) | B(C_TW) | B(C_SYNSENT));
	/* UNIX sockets have no ports: no port condition matches them */
	uint32_t inet = ALL_MASK & ~(B(C_USOCK) | B(C_UABS));
	assert_set("sport != 80", inet & ~(B(C_LISTEN) | B(C_SYNRECV)));
	assert_set("sport neq 80", inet & ~(B(C_LISTEN) | B(C_SYNRECV)));
	assert_set("sport ne 80", inet & ~(B(C_LISTEN) | B(C_SYNRECV)));
	/* port: either side */
	assert_set("port 3306", B(C_MAPPED) | B(C_SYNSENT));
	assert_set("port = :3306", B(C_MAPPED) | B(C_SYNSENT));
	assert_set(":3306", B(C_MAPPED) | B(C_SYNSENT));
	assert_set(":mysql", B(C_MAPPED) | B(C_SYNSENT));
	assert_set(":80", B(C_WEB) | B(C_LISTEN) | B(C_SYNRECV));
	/* port != N: neither side is N */
	assert_set("port != 80", inet & ~(B(C_WEB) | B(C_LISTEN) | B(C_SYNRECV)));
	assert_set("port > 50000", B(C_V6));
	assert_set("port >= 50000", B(C_V6) | B(C_TW));
	/* port 0 exists as "no remote port" */
	assert_set("dport = 0", B(C_LISTEN) | B(C_UDP) | B(C_UDP6));
	assert_set("sport = :65535", 0);
}

static void test_hosts(void **state)
{
	(void)state;
	/* IPv4 matches AF_INET and v4-mapped IPv6 */
	assert_set("src 10.0.0.1",
		   B(C_WEB) | B(C_MAPPED) | B(C_SYNRECV) | B(C_SYNSENT) | B(C_CW));
	assert_set("dst 10.0.0.9", B(C_MAPPED));
	assert_set("dst 10.0.0.0/24", B(C_MAPPED) | B(C_SYNSENT) | B(C_CW));
	assert_set("dst 10.0.0.0/8", B(C_MAPPED) | B(C_SYNSENT) | B(C_CW));
	assert_set("dst 10.0.0.8/30", B(C_MAPPED)); /* host bits ignored: .8-.11 */
	assert_set("dst 10.0.0.9/32", B(C_MAPPED));
	assert_set("dst 0.0.0.0/0",
		   B(C_WEB) | B(C_LISTEN) | B(C_MAPPED) | B(C_TW) | B(C_SYNRECV) | B(C_UDP) |
		   B(C_SYNSENT) | B(C_CW));
	assert_set("dst 192.168.1.10:80", B(C_WEB));
	assert_set("dst 192.168.1.10:81", 0);
	assert_set("dst 192.168.1.0/24:http", B(C_WEB));
	assert_set("src 127.0.0.1:50000", B(C_TW));
	assert_set("src :80", B(C_LISTEN) | B(C_SYNRECV));
	assert_set("dst *:9000", B(C_TW));
	assert_set("dst *", ALL_MASK);
	/* v4-mapped written as IPv6 also matches plain IPv4 */
	assert_set("dst [::ffff:10.0.0.9]", B(C_MAPPED));
	assert_set("dst [::ffff:10.0.0.0]/120", B(C_MAPPED) | B(C_SYNSENT) | B(C_CW));
	/* IPv6 */
	assert_set("src [2001:db8::1]", B(C_V6));
	assert_set("src 2001:db8::1", B(C_V6));
	assert_set("src [2001:db8::1]:443", B(C_V6));
	assert_set("src [2001:db8::1]:444", 0);
	assert_set("dst [2001:db8::]/32", B(C_V6));
	assert_set("dst 2001:db8::/32", B(C_V6));
	assert_set("dst [2001:db8::]/48", 0); /* 2001:db8:1::5 is outside /48 of db8:0 */
	assert_set("dst [2001:db8::]/47", B(C_V6));
	assert_set("dst [2001:db8::]/32:51000", B(C_V6));
	assert_set("src [::]", B(C_UDP6));
	assert_set("src ::/0", B(C_V6) | B(C_MAPPED) | B(C_UDP6));
	/* bare addresses mean either side */
	assert_set("10.0.0.9", B(C_MAPPED));
	assert_set("203.0.113.0/24", B(C_SYNRECV));
	assert_set("127.0.0.1:9000", B(C_TW));
	assert_set("src localhost", B(C_TW));
	/* UNIX names */
	assert_set("src /run/mysqld/mysqld.sock", B(C_USOCK));
	assert_set("src /run/mysqld/*", B(C_USOCK));
	assert_set("src @foo", B(C_UABS));
	assert_set("src @f*", B(C_UABS));
	assert_set("src /foo", 0);
}

static void test_procs(void **state)
{
	(void)state;
	assert_set("proc nginx", B(C_WEB) | B(C_LISTEN));
	assert_set("proc mysqld", B(C_MAPPED) | B(C_USOCK));
	assert_set("proc 'mysqld'", B(C_MAPPED) | B(C_USOCK));
	assert_set("proc php-fpm*", B(C_SYNSENT));
	assert_set("proc 'php-fpm?.?'", B(C_SYNSENT));
	assert_set("proc ngin", 0); /* exact unless a glob */
	/* comm is truncated to 15 characters by the kernel */
	assert_set("proc a-very-long-name-process", B(C_CW));
	assert_set("pid 101", B(C_LISTEN)); /* any owner */
	assert_set("pid 100", B(C_WEB) | B(C_LISTEN));
	assert_set("pid 99999", 0);
	/* uid: the socket's uid when known, else any owner's */
	assert_set("uid 27", B(C_MAPPED) | B(C_USOCK));
	assert_set("uid 33", B(C_WEB) | B(C_LISTEN) | B(C_SYNSENT));
	assert_set("uid 0", B(C_UDP6)); /* socket uid 0 wins over avahi's 105 */
	assert_set("uid root", B(C_UDP6));
	assert_set("user root", B(C_UDP6));
	assert_set("inode 1003", B(C_V6));
	assert_set("inode 0", B(C_TW) | B(C_SYNRECV));
	assert_set("cookie 7", B(C_UDP));
	assert_set("cookie 0x7", B(C_UDP));
	assert_set("dev 2", B(C_SYNSENT));
	assert_set("dev 0", ALL_MASK & ~B(C_SYNSENT));
	unsigned lo = if_nametoindex("lo");
	if (lo)
		assert_set("dev lo", lo == 2 ? B(C_SYNSENT) : 0);
	/* protocols */
	assert_set("proto udp", B(C_UDP) | B(C_UDP6));
	assert_set("udp", B(C_UDP) | B(C_UDP6));
	assert_set("proto udp6", B(C_UDP6));
	assert_set("proto udp4", B(C_UDP));
	assert_set("proto unix", B(C_USOCK) | B(C_UABS));
	assert_set("proto tcp6", B(C_V6) | B(C_MAPPED));
	assert_set("proto tcp4", B(C_WEB) | B(C_LISTEN) | B(C_MAPPED) | B(C_TW) |
		   B(C_SYNRECV) | B(C_SYNSENT) | B(C_CW));
	assert_set("proto inet", ALL_MASK & ~(B(C_USOCK) | B(C_UABS)));
}

static void test_logic(void **state)
{
	(void)state;
	uint32_t estab = B(C_WEB) | B(C_V6) | B(C_MAPPED) | B(C_USOCK);
	uint32_t nginx = B(C_WEB) | B(C_LISTEN);
	uint32_t tw = B(C_TW);
	/* precedence: and binds tighter than or */
	assert_set("state time-wait or state established and proc nginx", tw | B(C_WEB));
	assert_set("state time-wait || state established && proc nginx", tw | B(C_WEB));
	assert_set("(state time-wait or state established) and proc nginx", B(C_WEB));
	assert_set("proc nginx and state established or state time-wait", tw | B(C_WEB));
	assert_set("proc nginx state established", B(C_WEB)); /* juxtaposition */
	assert_set("proc nginx, proc envoy", nginx | B(C_V6));
	assert_set("not proc nginx", ALL_MASK & ~nginx);
	assert_set("! proc nginx", ALL_MASK & ~nginx);
	assert_set("!proc nginx", ALL_MASK & ~nginx);
	assert_set("not not proc nginx", nginx);
	assert_set("not (proc nginx or state established)", ALL_MASK & ~(nginx | estab));
	assert_set("NOT state established AND NOT proto unix",
		   ALL_MASK & ~estab & ~(B(C_UABS)));
	assert_set("((((state established))))", estab);
	assert_set("state established and (dport = :80 or sport = :3306)",
		   B(C_WEB) | B(C_MAPPED));
	assert_set("proc nginx and not state listening", B(C_WEB));
	/* the questions an admin asks netstat | grep */
	assert_set("state syn-recv", B(C_SYNRECV));
	assert_set("state syn-recv and src 10.0.0.1", B(C_SYNRECV));
	assert_set("state time-wait and dport = :9000", tw);
	assert_set("port 3306 and state established", B(C_MAPPED));
	assert_set("sport = :3306 or dport = :3306", B(C_MAPPED) | B(C_SYNSENT));
}

static void check_hints(const char *expr, uint32_t st, uint32_t pr)
{
	struct sw_filter_error err;
	struct sw_filter *f = filter_parse(expr, &err);
	assert_non_null(f);
	uint32_t s = 0, p = 0;
	filter_hints(f, &s, &p);
	if (s != st || p != pr)
		print_error("hints \"%s\": states %#x/%#x protos %#x/%#x\n", expr, s, st, p, pr);
	assert_int_equal(s, st);
	assert_int_equal(p, pr);
	/* soundness: every matching fixture socket is inside the hints */
	for (size_t i = 0; i < snap.nconns; i++) {
		const struct sw_conn *c = &snap.conns[i];
		if (filter_match(f, &snap, c)) {
			assert_true(s & SW_STATE_BIT(c->state));
			assert_true(p & SW_PROTO_BIT(c->proto));
		}
	}
	filter_free(f);
}

static void test_hints(void **state)
{
	(void)state;
	uint32_t estab = SW_STATE_BIT(SW_ST_ESTABLISHED);
	uint32_t tw = SW_STATE_BIT(SW_ST_TIME_WAIT);
	uint32_t inet = SW_PROTO_ALL & ~SW_PROTO_BIT(SW_PROTO_UNIX);
	uint32_t tcp = SW_PROTO_BIT(SW_PROTO_TCP), udp = SW_PROTO_BIT(SW_PROTO_UDP);
	check_hints("", SW_STATE_ALL, SW_PROTO_ALL);
	check_hints("state established", estab, SW_PROTO_ALL);
	check_hints("state established and proto tcp", estab, tcp);
	check_hints("state established or state time-wait", estab | tw, SW_PROTO_ALL);
	check_hints("state established or proto tcp", SW_STATE_ALL, SW_PROTO_ALL);
	check_hints("(state time-wait and tcp) or (state established and udp)",
		    estab | tw, tcp | udp);
	check_hints("not state established", SW_STATE_ALL, SW_PROTO_ALL);
	check_hints("not not state established", SW_STATE_ALL, SW_PROTO_ALL);
	check_hints("dport = :80", SW_STATE_ALL, inet);
	check_hints("state time-wait dport = :9000", tw, inet);
	check_hints("exclude established", SW_STATE_ALL & ~estab, SW_PROTO_ALL);
	check_hints("state bucket", tw | SW_STATE_BIT(SW_ST_SYN_RECV) |
		    SW_STATE_BIT(SW_ST_NEW_SYN_RECV), SW_PROTO_ALL);
	check_hints("src /run/*", SW_STATE_ALL, SW_PROTO_BIT(SW_PROTO_UNIX));
	uint32_t s = 0, p = 0;
	filter_hints(NULL, &s, &p);
	assert_int_equal(s, SW_STATE_ALL);
	assert_int_equal(p, SW_PROTO_ALL);
}

static void check_err(const char *expr, int pos, const char *msg_part)
{
	struct sw_filter_error err = {.pos = -5};
	struct sw_filter *f = filter_parse(expr, &err);
	if (f) {
		print_error("\"%s\" parsed but should fail\n", expr);
		filter_free(f);
		fail();
	}
	if (err.pos != pos || !strstr(err.msg, msg_part))
		print_error("\"%s\": pos %d msg \"%s\" (want %d, \"%s\")\n", expr, err.pos,
			    err.msg, pos, msg_part);
	assert_int_equal(err.pos, pos);
	assert_non_null(strstr(err.msg, msg_part));
}

static void test_errors(void **state)
{
	(void)state;
	check_err("state estblished", 6,
		  "unknown state 'estblished' — did you mean 'established'?");
	check_err("state timewiat", 6, "did you mean 'time-wait'?");
	check_err("state bogus", 6, "unknown state 'bogus'");
	check_err("state", 5, "expected a state name after 'state'");
	check_err("dport =", 7, "expected a port after 'dport ='");
	check_err("dport = and state established", 8, "expected a port after 'dport ='");
	check_err("sport gt", 8, "expected a port after 'sport gt'");
	check_err("dport = :99999", 9, "out of range");
	check_err("dport = :nosuchservice", 9, "unknown service 'nosuchservice'");
	check_err("(state established", 0, "unbalanced parenthesis");
	check_err("state established)", 17, "unbalanced parenthesis");
	check_err("(state established or (dport = 80)", 0, "unbalanced parenthesis");
	check_err("state established =", 18, "trailing input");
	check_err("dport = 80 = 443", 11, "trailing input");
	check_err("state established or", 20, "expected a condition after 'or'");
	check_err("state established and", 21, "expected a condition after 'and'");
	check_err("not", 3, "expected a condition after 'not'");
	check_err("()", 1, "empty parentheses");
	check_err("stat established", 0, "unknown keyword 'stat' — did you mean 'state'?");
	check_err("frobnicate", 0, "unknown keyword 'frobnicate'");
	check_err("src 10.0.0.300", 4, "bad address '10.0.0.300'");
	check_err("dst 10.0.0.0/33", 4, "bad prefix length");
	check_err("dst [2001:db8::1", 4, "missing ']'");
	check_err("dst [::1]x", 9, "after ']'");
	check_err("proto tcpp", 6, "did you mean 'tcp'?");
	check_err("proc 'nginx", 5, "unterminated quote");
	check_err("pid abc", 4, "not a valid number");
	check_err("uid no-such-user-xyz", 4, "unknown user 'no-such-user-xyz'");
	check_err("dev nosuchif0", 4, "unknown interface 'nosuchif0'");
	check_err("state established & dport 80", 18, "unexpected character '&'");
	check_err("dst /run/x.sock", 4, "only be matched with 'src'");
	check_err("src", 3, "expected an address after 'src'");
	check_err("= 80", 0, "unexpected '='");
	char deep[400];
	memset(deep, '(', sizeof deep - 1);
	deep[sizeof deep - 1] = '\0';
	struct sw_filter_error err;
	assert_null(filter_parse(deep, &err));
	assert_non_null(strstr(err.msg, "filter too deeply nested (more than 64 levels)"));
	assert_null(filter_parse("state bogus", NULL)); /* err may be NULL */
	/* words echoed in a message cannot drive the terminal */
	check_err("state est\x1b[2Jab", 6, "unknown state 'est\\x1b[2Jab'");
	check_err("pid 1 \x9b", 6, "unknown keyword '\\x9b'");
}

/* ss forms: short IPv4 prefixes, "=" after src/dst/dev, the wildcard
 * address, autobound, fwmark MARK/MASK. */
static void test_ss_forms(void **state)
{
	(void)state;
	uint32_t ten = B(C_WEB) | B(C_MAPPED) | B(C_SYNRECV) | B(C_SYNSENT) | B(C_CW);
	assert_set("dst 192.168/16", B(C_WEB));
	assert_set("dst 192.168.1/24:80", B(C_WEB));
	assert_set("dst 203.0.113/24", B(C_SYNRECV));
	assert_set("10/8", ten); /* bare, as host 10.0.0.0/8 */
	assert_set("src 10/8", ten);
	assert_set("dst 10.0.0/24", B(C_MAPPED) | B(C_SYNSENT) | B(C_CW));
	assert_set("src 10", 0); /* 10.0.0.0/32, as ss */
	assert_set("dst = 10.0.0.9", B(C_MAPPED));
	assert_set("dst == 10.0.0.9", B(C_MAPPED));
	assert_set("dst eq 10.0.0.9", B(C_MAPPED));
	assert_set("host = 10.0.0.9", B(C_MAPPED));
	assert_set("src = 0.0.0.0", B(C_LISTEN) | B(C_UDP)); /* the wildcard address */
	assert_set("src 0.0.0.0", B(C_LISTEN) | B(C_UDP));
	assert_set("src = 0.0.0.0:53", B(C_UDP));
	assert_set("dev = 2", B(C_SYNSENT));
	assert_set("dev != 2", ALL_MASK & ~B(C_SYNSENT));
	assert_set("dev neq 0", B(C_SYNSENT));
	assert_set("autobound", B(C_WEB) | B(C_TW) | B(C_SYNRECV) | B(C_SYNSENT));
	assert_set("fwmark = 0x1/0xff", B(C_WEB));
	assert_set("fwmark 0x2", B(C_LISTEN));
	assert_set("fwmark 0x100/0x100", B(C_WEB) | B(C_V6));
	assert_set("fwmark != 0x2", ALL_MASK & ~B(C_LISTEN));
	assert_set("fwmark 0", ALL_MASK & ~(B(C_WEB) | B(C_LISTEN) | B(C_V6))); /* none: 0 */
	assert_set("fwmark 3/0", 0); /* as ss: bits outside the mask never match */
	check_err("dst 10.0.0.0.1/8", 4, "bad address");
	check_err("dst 256/8", 4, "bad address");
	check_err("dst 10./8", 4, "bad address");
	check_err("src != 10.0.0.1", 4, "'!=' cannot follow 'src' (only '='; negate with 'not')");
	check_err("dst < 1.2.3.4", 4, "'<' cannot follow 'dst'");
	check_err("dev > 2", 4, "'>' cannot follow 'dev' (only '=' or '!=')");
	check_err("dst =", 5, "expected an address after 'dst'");
	check_err("fwmark 1/x", 7, "bad mark '1/x'");
	check_err("fwmark 0x1ffffffff", 7, "bad mark");
	check_err("fwmark =", 8, "expected a mark after 'fwmark'");
	check_err("fwmak 1", 0, "did you mean 'fwmark'");
	check_err("cgroup /x", 7, "cgroup filters are not available here");
	check_hints("fwmark 1 and tcp", SW_STATE_ALL, SW_PROTO_BIT(SW_PROTO_TCP));
}

/* A fake environment: the cgroup "/web" is id 42, the ephemeral ports
 * 40000-45000; counts the cgroup lookups. */
static int cg_lookups;

static bool fake_cgroup(const char *path, uint64_t *id, char *err, size_t errlen)
{
	cg_lookups++;
	if (strcmp(path, "/web") == 0 || strcmp(path, "/sys/fs/cgroup/web") == 0) {
		*id = 42;
		return true;
	}
	snprintf(err, errlen, "no such cgroup");
	return false;
}

static bool fake_range(uint16_t r[2])
{
	r[0] = 40000, r[1] = 45000;
	return true;
}

static void test_env(void **state)
{
	(void)state;
	static const struct sw_filter_env env = {.cgroup_id = fake_cgroup,
						 .port_range = fake_range};
	filter_set_env(&env);
	cg_lookups = 0;
	assert_set("cgroup /web", B(C_WEB) | B(C_LISTEN));
	assert_set("cgroup = /sys/fs/cgroup/web", B(C_WEB) | B(C_LISTEN));
	assert_set("cgroup != /web", ALL_MASK & ~(B(C_WEB) | B(C_LISTEN)));
	assert_int_equal(cg_lookups, 3);
	assert_set("cgroup /web or cgroup /web or cgroup /web", B(C_WEB) | B(C_LISTEN));
	assert_int_equal(cg_lookups, 4); /* looked up once per filter */
	check_err("tcp and cgroup /nope", 15, "cgroup '/nope': no such cgroup");
	check_hints("cgroup /web", SW_STATE_ALL, SW_PROTO_ALL & ~SW_PROTO_BIT(SW_PROTO_UNIX));
	/* the range comes from the environment: 46000 is outside it now */
	assert_set("autobound", B(C_WEB) | B(C_TW) | B(C_SYNRECV));

	struct sw_filter_error err;
	struct sw_filter *f = filter_parse("cgroup /web", &err);
	assert_int_equal(filter_needs(f), SW_FILTER_NEEDS_DETAILS);
	filter_free(f);
	f = filter_parse("tcp or not fwmark 1", &err);
	assert_int_equal(filter_needs(f), SW_FILTER_NEEDS_DETAILS | SW_FILTER_NEEDS_MARK);
	filter_free(f);
	f = filter_parse("tcp dev lo", &err);
	assert_int_equal(filter_needs(f), 0);
	filter_free(f);
	assert_int_equal(filter_needs(NULL), 0);
	filter_set_env(NULL);

	/* UNIX: unnamed or the kernel's autobind name (@ and 5 hex digits) */
	struct sw_snapshot u;
	snapshot_init(&u);
	static const struct {
		const char *name;
		uint32_t len;
		bool autob;
	} names[] = {
		{"", 0, true}, {"\0" "0a1f3", 6, true}, {"\0" "0a1fz", 6, false},
		{"\0" "0a1f", 5, false}, {"/run/x.sock", 11, false}, {"\0" "0a1f30", 7, false},
	};
	f = filter_parse("autobound", &err);
	assert_non_null(f);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct sw_conn *c = snapshot_add_conn(&u);
		c->family = AF_UNIX;
		c->proto = SW_PROTO_UNIX;
		c->state = SW_ST_ESTABLISHED;
		if (names[i].len) {
			c->name_off = snapshot_pool_add(&u, names[i].name, names[i].len);
			c->name_len = names[i].len;
		}
		if (filter_match(f, &u, c) != names[i].autob)
			fail_msg("autobound: UNIX name %zu", i);
	}
	filter_free(f);
	snapshot_done(&u);
}

/* pre + n copies of unit + post, in a new string. */
static char *repeat(const char *pre, const char *unit, size_t n, const char *post)
{
	size_t lp = strlen(pre), lu = strlen(unit), lq = strlen(post);
	char *s = xmalloc(lp + n * lu + lq + 1), *p = s;
	memcpy(p, pre, lp);
	p += lp;
	for (size_t i = 0; i < n; i++, p += lu)
		memcpy(p, unit, lu);
	memcpy(p, post, lq + 1);
	return s;
}

/* sockwatch -b $(yes tcp | head -n 100000): a flat chain of 100,000
 * conditions parses, plans its kernel hints and evaluates without
 * recursing per condition (it overflowed the stack in the hint planner);
 * nesting 100,000 deep is refused with the limit in the message. */
static void test_long_chains(void **state)
{
	(void)state;
	uint32_t tcp = B(C_WEB) | B(C_LISTEN) | B(C_V6) | B(C_MAPPED) | B(C_TW) |
		       B(C_SYNRECV) | B(C_SYNSENT) | B(C_CW);
	char *s = repeat("", "tcp ", 100000, "");
	assert_set(s, tcp);
	check_hints(s, SW_STATE_ALL, SW_PROTO_BIT(SW_PROTO_TCP));
	free(s);
	s = repeat("udp", " or tcp", 100000, "");
	assert_set(s, ALL_MASK & ~(B(C_USOCK) | B(C_UABS)));
	free(s);
	s = repeat("state time-wait", " and dport = :9000", 100000, " or udp");
	assert_set(s, B(C_TW) | B(C_UDP) | B(C_UDP6));
	check_hints(s, SW_STATE_ALL, SW_PROTO_ALL & ~SW_PROTO_BIT(SW_PROTO_UNIX));
	free(s);
	s = repeat("", "(tcp) ", 100000, "");
	assert_set(s, tcp);
	free(s);

	s = repeat("", "(", 60, "tcp");
	char *t = repeat(s, ")", 60, "");
	assert_set(t, tcp); /* 60 levels are fine */
	free(s);
	free(t);
	static const char *const units[] = {"(", "not ", "!", "( not "};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		s = repeat("", units[i], 100000, "tcp");
		struct sw_filter_error err = {.pos = -1};
		assert_null(filter_parse(s, &err));
		assert_non_null(strstr(err.msg, "filter too deeply nested (more than 64 levels)"));
		assert_true(err.pos > 0 && (size_t)err.pos < strlen(s));
		free(s);
	}
}

/* Random strings built from the language's own pieces plus noise: never a
 * crash or a sanitizer report; failures always carry a position inside the
 * input and a message; successes evaluate on every fixture socket. */
static void test_fuzz(void **state)
{
	(void)state;
	static const char *const pieces[] = {
		"state ", "exclude ", "established ", "syn-recv ", "connected ", "src ",
		"dst ", "sport ", "dport ", "port ", "= ", "!= ", "< ", ">= ", "eq ", ":80 ",
		"80 ", ":http ", "10.0.0.1 ", "10.0.0.0/8 ", "[::1]:80 ", "[", "]", "::ffff:1.2.3.4 ",
		"* ", "*:", "proc ", "nginx ", "php* ", "pid ", "1 ", "uid ", "root ", "inode ",
		"cookie ", "0x", "dev ", "proto ", "tcp ", "unix ", "and ", "or ", "not ", "! ",
		"&& ", "|| ", ", ", "( ", ") ", "'", "\"", "/", "@", "%", "&", "|", "\t", "\xc3\xa9",
		"localhost ", ":", "-", "999999999999999999999999 ",
	};
	unsigned seed = (unsigned)time(NULL);
	const char *env = getenv("FILTER_FUZZ_SEED");
	if (env)
		seed = (unsigned)strtoul(env, NULL, 10);
	srand(seed);
	unsigned ok = 0, bad = 0;
	char buf[512];
	for (int iter = 0; iter < 30000; iter++) {
		size_t len = 0;
		int n = rand() % 12;
		buf[0] = '\0';
		for (int k = 0; k < n; k++) {
			const char *p;
			char raw[2];
			if (rand() % 6 == 0) {
				raw[0] = (char)(1 + rand() % 255);
				raw[1] = '\0';
				p = raw;
			} else {
				p = pieces[rand() % (int)(sizeof pieces / sizeof pieces[0])];
			}
			size_t pl = strlen(p);
			if (len + pl + 1 >= sizeof buf)
				break;
			memcpy(buf + len, p, pl + 1);
			len += pl;
		}
		struct sw_filter_error err = {.pos = -1};
		struct sw_filter *f = filter_parse(buf, &err);
		if (f) {
			ok++;
			for (size_t i = 0; i < snap.nconns; i++)
				(void)filter_match(f, &snap, &snap.conns[i]);
			uint32_t s, p;
			filter_hints(f, &s, &p);
			for (size_t i = 0; i < snap.nconns; i++) {
				const struct sw_conn *c = &snap.conns[i];
				if (filter_match(f, &snap, c) &&
				    (!(s & SW_STATE_BIT(c->state)) || !(p & SW_PROTO_BIT(c->proto)))) {
					print_error("unsound hints for \"%s\" (seed %u)\n", buf, seed);
					fail();
				}
			}
			filter_free(f);
		} else {
			bad++;
			if (err.pos < 0 || (size_t)err.pos > len || !err.msg[0]) {
				print_error("bad error for \"%s\": pos %d msg \"%s\" (seed %u)\n",
					    buf, err.pos, err.msg, seed);
				fail();
			}
		}
	}
	print_message("fuzz: seed %u, %u parsed, %u rejected\n", seed, ok, bad);
	assert_true(ok > 100);
	assert_true(bad > 100);
}

static void test_select(void **state)
{
	(void)state;
	struct sw_select sel;
	uint32_t m;
#define SEL() do { m = 0; for (size_t i = 0; i < snap.nconns; i++) \
	if (select_match(&sel, &snap.conns[i])) m |= B(snap.conns[i].cookie); } while (0)
	memset(&sel, 0, sizeof sel);
	SEL();
	assert_int_equal(m, ALL_MASK);
	assert_true(select_match(NULL, &snap.conns[0]));
	sel.protos = SW_PROTO_BIT(SW_PROTO_UDP);
	SEL();
	assert_int_equal(m, B(C_UDP) | B(C_UDP6));
	sel.protos = 0;
	sel.states = SW_STATE_BIT(SW_ST_LISTEN);
	SEL();
	assert_int_equal(m, B(C_LISTEN) | B(C_UABS));
	sel.states = 0;
	sel.inet4 = true; /* -4: AF_INET and v4-mapped; no UNIX */
	SEL();
	assert_int_equal(m, B(C_WEB) | B(C_LISTEN) | B(C_MAPPED) | B(C_TW) | B(C_SYNRECV) |
			 B(C_UDP) | B(C_SYNSENT) | B(C_CW));
	sel.inet4 = false;
	sel.inet6 = true; /* -6: every AF_INET6 socket */
	SEL();
	assert_int_equal(m, B(C_V6) | B(C_MAPPED) | B(C_UDP6));
	sel.inet4 = true;
	SEL();
	assert_int_equal(m, ALL_MASK & ~(B(C_USOCK) | B(C_UABS)));
	/* -4 -x: UNIX explicitly asked for */
	sel.inet6 = false;
	sel.protos = SW_PROTO_BIT(SW_PROTO_UNIX) | SW_PROTO_BIT(SW_PROTO_TCP);
	SEL();
	assert_int_equal(m, B(C_WEB) | B(C_LISTEN) | B(C_MAPPED) | B(C_TW) | B(C_SYNRECV) |
			 B(C_SYNSENT) | B(C_CW) | B(C_USOCK) | B(C_UABS));
#undef SEL
}

/* The hot path: 100k sockets, a typical compound filter. */
static void test_speed(void **state)
{
	(void)state;
	struct sw_snapshot big;
	snapshot_init(&big);
	struct sw_proc p = {.pid = 1, .uid = 0};
	snprintf(p.comm, sizeof p.comm, "php-fpm");
	snapshot_add_proc(&big, &p);
	for (uint32_t i = 0; i < 100000; i++) {
		struct sw_conn *c = snapshot_add_conn(&big);
		c->cookie = i + 1;
		c->family = AF_INET;
		c->proto = SW_PROTO_TCP;
		c->state = (uint8_t)(1 + i % 11);
		uint8_t la[16] = {10, 0, 0, (uint8_t)i}, ra[16] = {10, 0, (uint8_t)(i >> 8), 0};
		snapshot_set_addr(&big, c, false, la);
		c->local.port = (uint16_t)(32768 + i % 28000);
		snapshot_set_addr(&big, c, true, ra);
		c->remote.port = (uint16_t)(i % 3 ? 9000 : 3306);
		snapshot_add_owner(&big, c, 0, (int32_t)i);
	}
	struct sw_filter_error err;
	struct sw_filter *f = filter_parse(
		"(state time-wait or state established) and dst 10.0.0.0/16 and "
		"(dport = :9000 or dport = :3306) and not proc nginx", &err);
	assert_non_null(f);
	uint64_t t0 = sw_mono_ns();
	size_t hits = 0;
	for (int rep = 0; rep < 5; rep++)
		for (size_t i = 0; i < big.nconns; i++)
			hits += filter_match(f, &big, &big.conns[i]);
	double ms = (double)(sw_mono_ns() - t0) / 1e6 / 5;
	print_message("filter_match: 100k sockets in %.2f ms (%zu hits)\n", ms, hits / 5);
	/* the time is for the reader (bench/ measures); the answer is asserted:
	 * every socket is in 10.0/16 toward :9000 or :3306 of php-fpm, so the
	 * hits are the TIME-WAIT and ESTABLISHED ones */
	size_t want = 0;
	for (uint32_t i = 0; i < 100000; i++)
		want += (1 + i % 11) == SW_ST_TIME_WAIT || (1 + i % 11) == SW_ST_ESTABLISHED;
	assert_int_equal(hits, 5 * want);
	filter_free(f);
	snapshot_done(&big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_procs),
		cmocka_unit_test(test_logic),
		cmocka_unit_test(test_hints),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_chains),
		cmocka_unit_test(test_ss_forms),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_speed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
