/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_core: conn.c, snapshot.c, util.c */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <stdlib.h>

#include "core/conn.h"
#include "core/snapshot.h"
#include "core/safefile.h"
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
	uint8_t la[16] = {0};
	inet_pton(AF_INET, "127.0.0.1", la);
	sw_conn_set_addr(&c, NULL, false, la);
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

static struct sw_conn *tuple_conn(struct sw_snapshot *s, uint64_t cookie, int proto,
				   int state, uint16_t lport, uint16_t rport)
{
	struct sw_conn *c = snapshot_add_conn(s);
	c->cookie = cookie;
	c->family = AF_INET;
	c->proto = (uint8_t)proto;
	c->state = (uint8_t)state;
	uint8_t lo[16] = {127, 0, 0, 1};
	snapshot_set_addr(s, c, false, lo);
	snapshot_set_addr(s, c, true, lo);
	c->local.port = lport;
	c->remote.port = rport;
	return c;
}

/* php-fpm -> MySQL under churn: a resumed dump lists the TIME_WAIT entry of
 * 127.0.0.1:40001 -> :3306 and the new connection that reused it.  Cookies
 * say nothing of age (per-CPU batches): the state and the timer do. */
static void test_snapshot_dedupe_tuples(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	tuple_conn(&s, 90, SW_PROTO_TCP, SW_ST_TIME_WAIT, 40001, 3306)->expires_ms = 30000;
	tuple_conn(&s, 11, SW_PROTO_TCP, SW_ST_LISTEN, 3306, 0);
	tuple_conn(&s, 12, SW_PROTO_TCP, SW_ST_LISTEN, 3306, 0); /* SO_REUSEPORT */
	tuple_conn(&s, 13, SW_PROTO_UDP, SW_ST_ESTABLISHED, 5353, 53);
	tuple_conn(&s, 14, SW_PROTO_UDP, SW_ST_ESTABLISHED, 5353, 53); /* reuseport */
	tuple_conn(&s, 20, SW_PROTO_TCP, SW_ST_ESTABLISHED, 40001, 3306); /* lower cookie, newer */
	tuple_conn(&s, 95, SW_PROTO_TCP, SW_ST_TIME_WAIT, 40001, 3306)->expires_ms = 59000;
	tuple_conn(&s, 21, SW_PROTO_TCP, SW_ST_ESTABLISHED, 3306, 40001); /* the peer end */
	struct sw_conn *v6 = tuple_conn(&s, 22, SW_PROTO_TCP, SW_ST_ESTABLISHED, 40001, 3306);
	v6->family = AF_INET6; /* same bytes, other family: another socket */
	/* two TIME_WAIT entries on one 4-tuple: the one with more time left */
	tuple_conn(&s, 70, SW_PROTO_TCP, SW_ST_TIME_WAIT, 40002, 3306)->expires_ms = 58000;
	tuple_conn(&s, 80, SW_PROTO_TCP, SW_ST_TIME_WAIT, 40002, 3306)->expires_ms = 1000;
	assert_int_equal(snapshot_dedupe_tuples(&s), 3);
	assert_int_equal(s.nconns, 8);
	uint64_t want[] = {20, 11, 12, 13, 14, 21, 22, 70};
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(s.conns[i].cookie, want[i]);
	assert_int_equal(s.conns[0].state, SW_ST_ESTABLISHED);
	assert_int_equal(snapshot_dedupe_tuples(&s), 0);
	snapshot_done(&s);
}

/* At scale: 600,000 connections of which 2,000 are listed twice (a dump
 * resumed under churn), on 4-tuples that differ in a port and one address
 * byte; the table of more than 4 MB is not kept after the pass, a small
 * one is. */
static void test_snapshot_dedupe_scale(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	for (uint32_t i = 0; i < 600000; i++) {
		struct sw_conn *c = tuple_conn(&s, i + 1, SW_PROTO_TCP, SW_ST_ESTABLISHED,
					       (uint16_t)(1024 + i % 60000), 3306);
		uint8_t ra[16] = {127, 0, (uint8_t)(i / 60000), 1};
		snapshot_set_addr(&s, c, true, ra);
		c->rq = i;
	}
	for (uint32_t i = 0; i < 600000; i += 300) { /* the same sockets again */
		struct sw_conn *c = snapshot_add_conn(&s);
		*c = s.conns[i];
		c->rq = 1000000 + i;
	}
	assert_int_equal(snapshot_dedupe_tuples(&s), 2000);
	assert_int_equal(s.nconns, 600000);
	for (uint32_t i = 0; i < 600000; i++) {
		assert_int_equal(s.conns[i].cookie, i + 1); /* in place ... */
		assert_int_equal(s.conns[i].rq, i % 300 ? i : 1000000 + i); /* ... the later record */
	}
	assert_null(s.dedupe_slots);
	snapshot_dedupe(&s); /* by cookie: nothing left to remove */
	assert_int_equal(s.nconns, 600000);
	assert_null(s.dedupe_slots);
	s.nconns = 1000;
	assert_int_equal(snapshot_dedupe_tuples(&s), 0);
	assert_non_null(s.dedupe_slots);
	snapshot_done(&s);
}

/* Room made before a collection: at least what was asked, the records
 * made so far kept, nothing done for small counts, tcp_info extras only
 * when asked for. */
/* Address tables: one index per distinct address, the zero address at 0,
 * growth past the first hash size, and records copied between snapshots
 * keeping their addresses after the source is cleared and reused. */
static void addr_n(uint8_t a[16], unsigned i, bool v6)
{
	memset(a, 0, 16);
	if (v6) {
		a[0] = 0x20, a[1] = 0x01, a[2] = 0x0d, a[3] = 0xb8; /* 2001:db8::/32 */
		a[14] = (uint8_t)(i >> 8), a[15] = (uint8_t)i;
	} else {
		a[0] = 198, a[1] = 51, a[2] = (uint8_t)(100 + (i >> 8)), a[3] = (uint8_t)i;
	}
}

static void test_atab(void **state)
{
	(void)state;
	struct sw_atab *t = sw_atab_new();
	assert_non_null(t);
	assert_true(t->id != 0);
	assert_ptr_equal(sw_atabs[t->id], t);
	static const uint8_t zero[16];
	assert_int_equal(sw_atab_intern(t, zero), 0);
	uint32_t ix[2][300];
	uint8_t a[16];
	for (int v6 = 0; v6 < 2; v6++) {
		for (unsigned i = 0; i < 300; i++) {
			addr_n(a, i + 1, v6);
			ix[v6][i] = sw_atab_intern(t, a);
			assert_true(ix[v6][i] != 0);
		}
	}
	/* 600 distinct addresses: 600 entries besides the zero one, each found
	 * again (not through the last-interned shortcut: every other) */
	assert_int_equal(t->n, 601);
	for (int v6 = 0; v6 < 2; v6++) {
		for (unsigned i = 0; i < 300; i += 2) {
			addr_n(a, i + 1, v6);
			assert_int_equal(sw_atab_intern(t, a), ix[v6][i]);
			assert_memory_equal(t->a[ix[v6][i]], a, 16);
		}
	}
	assert_int_equal(t->n, 601);
	sw_atab_clear(t);
	assert_int_equal(t->n, 1);
	addr_n(a, 7, true);
	assert_int_equal(sw_atab_intern(t, a), 1);
	/* a freed table's id is handed out again */
	uint8_t id = t->id;
	sw_atab_free(t);
	assert_null(sw_atabs[id]);
	struct sw_atab *t2 = sw_atab_new();
	assert_int_equal(t2->id, id);
	sw_atab_free(t2);

	/* a stand-alone record: table 0 */
	struct sw_conn c;
	memset(&c, 0, sizeof c);
	c.family = AF_INET6;
	addr_n(a, 5, true);
	sw_conn_set_addr(&c, NULL, true, a);
	assert_int_equal(c.atab, 0);
	assert_memory_equal(sw_raddr(&c), a, 16);
	assert_memory_equal(sw_laddr(&c), zero, 16);
}

static void test_snapshot_copy_addrs(void **state)
{
	(void)state;
	struct sw_snapshot src, dst;
	snapshot_init(&src);
	snapshot_init(&dst);
	uint8_t l[16], r[16];
	addr_n(l, 1, false);
	for (unsigned i = 0; i < 100; i++) {
		struct sw_conn *c = snapshot_add_conn(&src);
		c->cookie = i + 1;
		c->family = AF_INET;
		c->proto = SW_PROTO_TCP;
		c->state = SW_ST_ESTABLISHED;
		c->local.port = 3306;
		c->remote.port = (uint16_t)(40000 + i);
		addr_n(r, i + 10, false);
		snapshot_set_addr(&src, c, false, l);
		snapshot_set_addr(&src, c, true, r);
	}
	/* 1 local and 100 remote addresses: 102 entries with the zero one */
	assert_int_equal(src.atab->n, 102);
	/* a tombstone store takes some, a -N all merge the others */
	uint32_t pmap[1] = {SW_NONE};
	for (size_t i = 0; i < 100; i += 3)
		snapshot_copy_conn(&dst, &src, i, pmap);
	struct sw_conn *m = snapshot_add_conn(&dst);
	*m = src.conns[1];
	snapshot_rehome(&dst, m);
	/* the source is cleared and refilled with other addresses */
	snapshot_clear(&src);
	for (unsigned i = 0; i < 100; i++) {
		struct sw_conn *c = snapshot_add_conn(&src);
		c->family = AF_INET6;
		addr_n(r, i + 500, true);
		snapshot_set_addr(&src, c, true, r);
		snapshot_set_addr(&src, c, false, r);
	}
	char buf[SW_EP_STRLEN];
	for (size_t k = 0; k + 1 < dst.nconns; k++) {
		const struct sw_conn *c = &dst.conns[k];
		assert_int_equal(c->atab, dst.atab->id);
		assert_memory_equal(sw_laddr(c), l, 16);
		addr_n(r, (unsigned)(c->cookie - 1) + 10, false);
		assert_memory_equal(sw_raddr(c), r, 16);
	}
	assert_string_equal(sw_conn_ep_str(m, true, buf, sizeof buf), "198.51.100.11:40001");
	assert_string_equal(sw_conn_ep_str(m, false, buf, sizeof buf), "198.51.100.1:3306");
	/* only the addresses the copies use: 1 + 34 + 1 + the zero one */
	assert_int_equal(dst.atab->n, 37);
	snapshot_done(&src);
	snapshot_done(&dst);
}

/* The packed record: 4-bit state, protocol and timer, a state or timer a
 * later kernel may add read as unknown, and the peer inode (UNIX) and
 * bound interface (inet) in one field, each read only for its kind. */
/* A socket's only owner lives in its record; a second one, or one that
 * does not fit, moves them to the owners array, contiguous per record. */
static void test_owner_inline(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	struct sw_proc p;
	memset(&p, 0, sizeof p);
	for (int i = 0; i < 5000; i++) {
		p.pid = 100 + i;
		snapshot_add_proc(&s, &p);
	}
	for (int i = 0; i < 6; i++)
		snapshot_add_conn(&s)->cookie = (uint64_t)i + 1;
	struct sw_conn *c = s.conns;
	struct sw_owner o;
	/* one owner, the largest proc index and fd that fit, and fd -1 */
	snapshot_add_owner(&s, &c[0], 4095, (1 << SW_OWNER1_FD_BITS) - 2);
	snapshot_add_owner(&s, &c[1], 7, -1);
	assert_int_equal(s.nowners, 0);
	assert_true(c[0].flags & SW_CF_OWNER1);
	assert_int_equal(c[0].owners_n, 1);
	assert_true(snapshot_owner(&s, &c[0], 0, &o));
	assert_int_equal(o.proc, 4095);
	assert_int_equal(o.fd, (1 << SW_OWNER1_FD_BITS) - 2);
	assert_false(snapshot_owner(&s, &c[0], 1, &o));
	assert_true(snapshot_owner(&s, &c[1], 0, &o));
	assert_int_equal(o.proc, 7);
	assert_int_equal(o.fd, -1);
	assert_int_equal(snapshot_owner_proc(&s, &c[1], 0)->pid, 107);
	/* ones that do not fit: in the array */
	snapshot_add_owner(&s, &c[2], 4096, 3);
	snapshot_add_owner(&s, &c[3], 5, (1 << SW_OWNER1_FD_BITS) - 1);
	assert_false(c[2].flags & SW_CF_OWNER1);
	assert_false(c[3].flags & SW_CF_OWNER1);
	assert_int_equal(s.nowners, 2);
	assert_true(snapshot_owner(&s, &c[2], 0, &o));
	assert_int_equal(o.proc, 4096);
	assert_true(snapshot_owner(&s, &c[3], 0, &o));
	assert_int_equal(o.fd, (1 << SW_OWNER1_FD_BITS) - 1);
	/* a second owner: both move to the array, in order */
	snapshot_add_owner(&s, &c[1], 9, 12);
	assert_false(c[1].flags & SW_CF_OWNER1);
	assert_int_equal(c[1].owners_n, 2);
	assert_int_equal(c[1].owners_off, 2);
	assert_true(snapshot_owner(&s, &c[1], 0, &o));
	assert_int_equal(o.proc, 7);
	assert_int_equal(o.fd, -1);
	assert_true(snapshot_owner(&s, &c[1], 1, &o));
	assert_int_equal(o.proc, 9);
	assert_int_equal(o.fd, 12);
	/* an earlier record's run, when another record's came after it,
	 * moves to the end rather than overwrite that one */
	snapshot_add_owner(&s, &c[2], 11, 4);
	assert_int_equal(c[2].owners_n, 2);
	assert_int_equal(c[2].owners_off, 4);
	assert_true(snapshot_owner(&s, &c[2], 0, &o));
	assert_int_equal(o.proc, 4096);
	assert_true(snapshot_owner(&s, &c[2], 1, &o));
	assert_int_equal(o.proc, 11);
	assert_true(snapshot_owner(&s, &c[1], 1, &o)); /* untouched */
	assert_int_equal(o.proc, 9);
	/* cleared: none, and the next one is inline again */
	sw_conn_owners_clear(&c[2]);
	assert_false(snapshot_owner(&s, &c[2], 0, &o));
	snapshot_add_owner(&s, &c[2], 1, 1);
	assert_true(c[2].flags & SW_CF_OWNER1);
	/* the cap */
	c[4].owners_n = SW_OWNERS_MAX - 1;
	c[4].owners_off = (uint32_t)s.nowners;
	for (int i = 0; i < SW_OWNERS_MAX - 1; i++)
		snapshot_add_owner(&s, &c[5], 0, 0); /* (only to fill the array) */
	sw_conn_owners_clear(&c[5]);
	snapshot_add_owner(&s, &c[4], 2, 2);
	snapshot_add_owner(&s, &c[4], 3, 3);
	assert_int_equal(c[4].owners_n, SW_OWNERS_MAX);
	assert_true(snapshot_owner(&s, &c[4], SW_OWNERS_MAX - 1, &o));
	assert_int_equal(o.proc, 2);
	/* a copy into another snapshot keeps the owner, its process mapped */
	struct sw_snapshot d;
	snapshot_init(&d);
	uint32_t pmap[5000];
	for (size_t i = 0; i < 5000; i++)
		pmap[i] = SW_NONE;
	size_t ni = snapshot_copy_conn(&d, &s, 0, pmap);
	assert_true(d.conns[ni].flags & SW_CF_OWNER1);
	assert_int_equal(snapshot_owner_proc(&d, &d.conns[ni], 0)->pid, 100 + 4095);
	assert_true(snapshot_owner(&d, &d.conns[ni], 0, &o));
	assert_int_equal(o.fd, (1 << SW_OWNER1_FD_BITS) - 2);
	ni = snapshot_copy_conn(&d, &s, 1, pmap);
	assert_int_equal(d.conns[ni].owners_n, 2);
	assert_int_equal(snapshot_owner_proc(&d, &d.conns[ni], 1)->pid, 109);
	snapshot_done(&d);
	snapshot_done(&s);
}

static void test_conn_packed(void **state)
{
	(void)state;
	struct sw_conn c;
	memset(&c, 0, sizeof c);
	for (unsigned st = 0; st < SW_ST_COUNT; st++) {
		c.state = sw_state_of(st);
		assert_int_equal(c.state, st);
	}
	c.state = sw_state_of(SW_ST_COUNT);
	assert_int_equal(c.state, SW_ST_UNKNOWN);
	c.state = sw_state_of(SW_ST_ESTABLISHED + 16);
	assert_int_equal(c.state, SW_ST_UNKNOWN);
	c.timer = sw_timer_of(SW_TIMER_DELACK);
	assert_int_equal(c.timer, SW_TIMER_DELACK);
	c.timer = sw_timer_of(17);
	assert_int_equal(c.timer, SW_TIMER_OFF);
	c.proto = SW_PROTO_UNIX;
	c.shutdown = 3;
	assert_int_equal(c.proto, SW_PROTO_UNIX);
	assert_int_equal(c.shutdown, 3);
	c.owners_n = SW_OWNERS_MAX;
	assert_int_equal(c.owners_n, 65535);

	c.family = AF_UNIX;
	c.peer_inode = 4242;
	assert_int_equal(sw_conn_peer(&c), 4242);
	assert_int_equal(sw_conn_ifindex(&c), 0);
	c.family = AF_INET;
	c.proto = SW_PROTO_TCP;
	c.ifindex = 3;
	assert_int_equal(sw_conn_ifindex(&c), 3);
	assert_int_equal(sw_conn_peer(&c), 0);
}

static void test_snapshot_reserve(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	tuple_conn(&s, 7, SW_PROTO_TCP, SW_ST_LISTEN, 80, 0);
	size_t cap = s.capconns;
	snapshot_reserve(&s, 1000, true);
	assert_int_equal(s.capconns, cap);
	assert_int_equal(s.captcpx, 0);
	snapshot_reserve(&s, 100000, false);
	assert_true(s.capconns >= 100000);
	assert_int_equal(s.captcpx, 0);
	assert_int_equal(s.nconns, 1);
	assert_int_equal(s.conns[0].cookie, 7);
	assert_int_equal(s.conns[0].local.port, 80);
	snapshot_reserve(&s, 50000, true);
	assert_true(s.capconns >= 100000);
	assert_true(s.captcpx >= 50000);
	cap = s.capconns;
	for (int i = 0; i < 99999; i++) /* no growth until it is full */
		snapshot_add_tcpx(&s, snapshot_add_conn(&s) - s.conns);
	assert_int_equal(s.capconns, cap);
	assert_int_equal(s.conns[99999].tcpx, 99998);
	snapshot_done(&s);
}

/* Details are stored packed (zero words left out) and come back exactly
 * as stored: each socket's own, either kind alone, none without details,
 * through snapshot_copy_details, and nothing from a cut-off record. */
/* Arrays of a megabyte and more start on a 2 MB boundary (whole huge
 * pages); smaller ones are plain blocks; either grows with its contents. */
static void test_xmalloc_big(void **state)
{
	(void)state;
	const uintptr_t two_mb = 2u << 20;
	uint8_t *small = xmalloc_big(1000);
	memset(small, 0x5a, 1000);
	free(small);
	size_t sizes[] = {1u << 20, (2u << 20) + 1, 3u << 20};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		uint8_t *p = xmalloc_big(sizes[i]);
		assert_int_equal((uintptr_t)p % two_mb, 0);
		memset(p, 0xa5, sizes[i]); /* all of it writable (ASan checks) */
		free(p);
	}
	/* xgrow's first block of a megabyte or more: aligned; grown: kept */
	uint32_t *a = NULL;
	size_t cap = 0;
	a = xgrow(a, &cap, 300000, sizeof *a);
	assert_true(cap >= 300000);
	assert_int_equal((uintptr_t)a % two_mb, 0);
	for (size_t i = 0; i < 300000; i++)
		a[i] = (uint32_t)i * 7u;
	a = xgrow(a, &cap, 3000000, sizeof *a);
	assert_true(cap >= 3000000);
	for (size_t i = 0; i < 300000; i++)
		assert_int_equal(a[i], (uint32_t)i * 7u);
	a[2999999] = 1;
	free(a);
	/* a small first block is an ordinary one */
	uint32_t *b = NULL;
	size_t capb = 0;
	b = xgrow(b, &capb, 100, sizeof *b);
	assert_true(capb >= 100 && capb * sizeof *b < (1u << 20));
	free(b);
	/* a single listing's blocks from 256 KB and below 8 MB are whole
	 * huge pages: all of the rounded-up block is there (ASan checks the
	 * writes) */
	xalloc_set_oneshot(true);
	size_t ask[] = {256u << 10, 800u << 10, 1u << 20, (3u << 20) + 5, (8u << 20) + 5};
	for (size_t i = 0; i < sizeof ask / sizeof ask[0]; i++) {
		size_t want = ask[i] < (8u << 20) ? (ask[i] + two_mb - 1) & ~(size_t)(two_mb - 1) : ask[i];
		uint8_t *p = xmalloc_big(ask[i]);
		assert_int_equal((uintptr_t)p % two_mb, 0);
		assert_true(malloc_usable_size(p) >= want);
		memset(p, 0x3c, want);
		free(p);
	}
	xalloc_set_oneshot(false);
}

/* The retransmits in flight saturate where sw_tcpx's 16 bits end (the
 * parser and the history reader both store them so). */
static void test_tcpx_retrans(void **state)
{
	(void)state;
	assert_int_equal(sw_tcpx_retrans(0), 0);
	assert_int_equal(sw_tcpx_retrans(65534), 65534);
	assert_int_equal(sw_tcpx_retrans(65535), 65535);
	assert_int_equal(sw_tcpx_retrans(65536), 65535);
	assert_int_equal(sw_tcpx_retrans(UINT32_MAX), 65535);
	assert_int_equal(sw_tcpx_retrans(UINT64_MAX), 65535);
}

static void test_snapshot_details(void **state)
{
	(void)state;
	struct sw_snapshot s, t;
	snapshot_init(&s);
	snapshot_init(&t);
	uint32_t seed = 7;
	struct sw_tcpd td[50];
	struct sw_conn_detail dd[50];
	memset(td, 0, sizeof td);
	memset(dd, 0, sizeof dd);
	for (int i = 0; i < 50; i++) {
		snapshot_add_conn(&s)->cookie = (uint64_t)i;
		uint32_t w[sizeof td[0] / 4];
		for (size_t k = 0; k < sizeof w / sizeof w[0]; k++) {
			seed = seed * 1103515245u + 12345u;
			w[k] = (seed >> 9) % 3 ? 0 : seed; /* mostly zero, some all-ones */
			if (i == 3)
				w[k] = UINT32_MAX;
		}
		memcpy(&td[i], w, sizeof td[i]);
		dd[i].cgroup_id = i % 5 ? (uint64_t)i << 33 : 0;
		dd[i].mark = (uint32_t)i * 3;
		dd[i].skmem[SW_SKMEM_DROPS] = (uint32_t)i;
		/* 0: nothing; 1: detail only; 2: tcpd only; else both */
		int kind = i % 4;
		if (kind)
			snapshot_set_details(&s, (size_t)i, kind != 2 ? &dd[i] : NULL,
					     kind != 1 ? &td[i] : NULL);
	}
	assert_true(s.dpacklen < 50 * (sizeof td[0] + sizeof dd[0]) / 2);
	for (int i = 0; i < 50; i++) {
		const struct sw_conn *c = &s.conns[i];
		struct sw_tcpd gt;
		struct sw_conn_detail gd;
		int kind = i % 4;
		assert_int_equal(snapshot_get_detail(&s, c, &gd), kind == 1 || kind == 3);
		assert_int_equal(snapshot_get_tcpd(&s, c, &gt), kind >= 2);
		if (kind == 1 || kind == 3)
			assert_memory_equal(&gd, &dd[i], sizeof gd);
		if (kind >= 2)
			assert_memory_equal(&gt, &td[i], sizeof gt);
		snapshot_add_conn(&t);
		snapshot_copy_details(&t, (size_t)i, &s, c);
		struct sw_tcpd ct;
		assert_int_equal(snapshot_get_tcpd(&t, &t.conns[i], &ct), kind >= 2);
		if (kind >= 2)
			assert_memory_equal(&ct, &td[i], sizeof ct);
	}
	/* a record cut short (rolled back past it) yields nothing */
	const struct sw_conn *last = &s.conns[47]; /* both kinds */
	struct sw_tcpd gt;
	struct sw_conn_detail gd;
	size_t len = s.dpacklen;
	s.dpacklen = s.dpack_at[47] + 3;
	assert_false(snapshot_get_detail(&s, last, &gd));
	assert_false(snapshot_get_tcpd(&s, last, &gt));
	s.dpacklen = len;
	/* records moved within the snapshot take their details along */
	snapshot_move_conn(&s, 1, 47); /* both kinds onto detail only */
	snapshot_move_conn(&s, 2, 4);  /* nothing onto tcpd only */
	assert_int_equal(s.conns[1].cookie, 47);
	assert_true(snapshot_get_detail(&s, &s.conns[1], &gd));
	assert_memory_equal(&gd, &dd[47], sizeof gd);
	assert_true(snapshot_get_tcpd(&s, &s.conns[1], &gt));
	assert_memory_equal(&gt, &td[47], sizeof gt);
	assert_false(snapshot_get_detail(&s, &s.conns[2], &gd));
	assert_false(snapshot_get_tcpd(&s, &s.conns[2], &gt));
	/* dropped (a dump rolled back, a compaction): a record added in its
	 * place has none, and neither has a record outside the snapshot */
	s.nconns = 10;
	struct sw_conn *nc = snapshot_add_conn(&s);
	assert_false(snapshot_get_detail(&s, nc, &gd));
	assert_false(snapshot_get_tcpd(&s, nc, &gt));
	struct sw_conn outside = s.conns[3];
	assert_false(snapshot_get_detail(&s, &outside, &gd));
	assert_true(snapshot_get_detail(&s, &s.conns[3], &gd));
	/* a snapshot without details stores none */
	snapshot_clear(&t);
	t.detail = false;
	snapshot_add_conn(&t);
	snapshot_set_details(&t, 0, &dd[1], &td[1]);
	assert_int_equal(t.ndpack_at, 0);
	assert_int_equal(t.dpacklen, 0);
	assert_false(snapshot_get_tcpd(&t, &t.conns[0], &gt));
	snapshot_done(&s);
	snapshot_done(&t);
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
	/* whole numbers that a long long holds, tested before converting */
	assert_true(sw_dbl_is_ll(42.0));
	assert_true(sw_dbl_is_ll(-7.0));
	assert_false(sw_dbl_is_ll(0.5));
	assert_false(sw_dbl_is_ll(18446744073709551615.0)); /* an unset u64 */
	assert_false(sw_dbl_is_ll(0.0 / 0.0));
	assert_false(sw_dbl_is_ll(1.0 / 0.0));
	/* debug delays from the environment */
	setenv("SW_TEST_MS", "250", 1);
	assert_int_equal(sw_env_ms("SW_TEST_MS"), 250);
	setenv("SW_TEST_MS", "25x", 1);
	assert_int_equal(sw_env_ms("SW_TEST_MS"), 0);
	setenv("SW_TEST_MS", "99999999", 1);
	assert_int_equal(sw_env_ms("SW_TEST_MS"), 0);
	unsetenv("SW_TEST_MS");
	assert_int_equal(sw_env_ms("SW_TEST_MS"), 0);
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

static void test_fmt_clock(void **state)
{
	(void)state;
	char buf[64];
	assert_true(sw_fmt_clock(1700000000, true, buf, sizeof buf));
	assert_string_equal(buf, "2023-11-14T22:13:20Z");
	assert_true(sw_fmt_clock(253402300799LL, true, buf, sizeof buf));
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	assert_true(sw_fmt_clock(1700000000, false, buf, sizeof buf));
	assert_int_equal(strlen(buf), 8); /* HH:MM:SS, local */
	/* a crafted recording: out of range, never garbage */
	assert_false(sw_fmt_clock(INT64_MAX, false, buf, sizeof buf));
	assert_string_equal(buf, "");
	assert_false(sw_fmt_clock(253402300800LL, true, buf, sizeof buf));
	assert_false(sw_fmt_clock(-1, true, buf, sizeof buf));
	assert_false(sw_fmt_clock(INT64_MIN, false, buf, sizeof buf));
}

/* Special files are refused by what they are; a FIFO never blocks. */
static void test_safefile(void **state)
{
	(void)state;
	char dir[] = "/tmp/sw-safefile.XXXXXX", p[128], q[128];
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof p, "%s/fifo", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(sw_open_regular(p, O_RDONLY, 0), -SW_ENOTREG(S_IFIFO));
	assert_int_equal(sw_open_regular(p, O_WRONLY | O_CREAT, 0644), -SW_ENOTREG(S_IFIFO));
	assert_int_equal(sw_check_replaceable(p), -SW_ENOTREG(S_IFIFO));
	assert_string_equal(sw_file_strerror(SW_ENOTREG(S_IFIFO)), "it is a FIFO, not a regular file");
	assert_string_equal(sw_file_strerror(ENOENT), strerror(ENOENT));
	assert_int_equal(sw_open_regular(dir, O_RDONLY, 0), -SW_ENOTREG(S_IFDIR));
	snprintf(q, sizeof q, "%s/link", dir);
	assert_int_equal(symlink("fifo", q), 0);
	assert_int_equal(sw_check_replaceable(q), -SW_ENOTREG(S_IFLNK));
	assert_int_equal(unlink(q), 0);
	/* a regular file is opened, blocking again */
	snprintf(q, sizeof q, "%s/file", dir);
	int fd = sw_create_regular(q);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	close(fd);
	assert_int_equal(sw_check_replaceable(q), 0);
	unlink(q);
	assert_int_equal(sw_check_replaceable(q), 0); /* nothing there: fine */
	unlink(p);
	rmdir(dir);
}

static void check_esc(const char *in, size_t n, size_t outlen, const char *want)
{
	char out[64];
	assert_true(outlen <= sizeof out);
	assert_ptr_equal(sw_escape(in, n, out, outlen), out);
	assert_string_equal(out, want);
}

/* Text from a filter or a config line, echoed in a message, cannot drive
 * the terminal: escapes and controls come out as \xNN, \n, \t, \r. */
static void test_escape(void **state)
{
	(void)state;
	check_esc("plain ascii", 99, 64, "plain ascii");
	check_esc("a\x1b[31mred", 99, 64, "a\\x1b[31mred");
	check_esc("l1\nl2\tx\ry", 99, 64, "l1\\nl2\\tx\\ry");
	check_esc("del\x7f bell\a", 99, 64, "del\\x7f bell\\x07");
	check_esc("caf\xc3\xa9 \xe7\xb6\xb2", 99, 64, "caf\xc3\xa9 \xe7\xb6\xb2"); /* UTF-8 kept */
	check_esc("csi\xc2\x9b" "2J", 99, 64, "csi\\xc2\\x9b2J");         /* C1 control */
	check_esc("bad\xff\xc3(", 99, 64, "bad\\xff\\xc3(");            /* not UTF-8 */
	check_esc("abcdef", 3, 64, "abc");                               /* n bytes */
	check_esc("ab\x1b", 99, 5, "ab");        /* no half escape when out is full */
	check_esc("\xc3\xa9\xc3\xa9", 99, 4, "\xc3\xa9"); /* nor half a character */
	check_esc("", 99, 1, "");

	char *msg = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&msg, &len);
	sw_show_caret(fp, "dport = :x\x1by", 9);
	fclose(fp);
	assert_string_equal(msg, "  dport = :x\\x1by\n           ^\n");
	free(msg);
	/* a long text: a window around the caret, "..." at the cut ends */
	char big[4001];
	memset(big, 'a', 4000);
	big[4000] = '\0';
	big[2000] = '!';
	fp = open_memstream(&msg, &len);
	sw_show_caret(fp, big, 2000);
	fclose(fp);
	char *nl = strchr(msg, '\n');
	assert_non_null(nl);
	assert_true(nl - msg < 140);
	assert_memory_equal(msg, "  ...a", 6);
	assert_memory_equal(nl - 4, "a...", 4);
	assert_int_equal(strchr(nl, '^') - (nl + 1), strchr(msg, '!') - msg);
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_ep_str),
		cmocka_unit_test(test_local_str),
		cmocka_unit_test(test_snapshot_dedupe),
		cmocka_unit_test(test_snapshot_dedupe_tuples),
		cmocka_unit_test(test_snapshot_dedupe_scale),
		cmocka_unit_test(test_atab),
		cmocka_unit_test(test_snapshot_copy_addrs),
		cmocka_unit_test(test_conn_packed),
		cmocka_unit_test(test_owner_inline),
		cmocka_unit_test(test_snapshot_reserve),
		cmocka_unit_test(test_xmalloc_big),
		cmocka_unit_test(test_tcpx_retrans),
		cmocka_unit_test(test_snapshot_details),
		cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_pace),
		cmocka_unit_test(test_blank),
		cmocka_unit_test(test_fmt_clock),
		cmocka_unit_test(test_safefile),
		cmocka_unit_test(test_escape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
