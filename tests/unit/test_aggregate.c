/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_aggregate: per-state counts, groups, listeners. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aggregate.h"
#include "rows_fixture.h"

static const char *key(const struct sw_agg_entry *e)
{
	static char buf[4][80];
	static int k;
	k = (k + 1) % 4;
	return agg_key_str(e, buf[k], sizeof buf[k]);
}

/* A small server: nginx on :80 (IPv4 and dual-stack IPv6), mysql on
 * 127.0.0.1:3306, php-fpm on a UNIX socket, DNS on UDP :53. */
struct world {
	struct sw_snapshot s;
	struct sw_row rows[64];
	const struct sw_rowstat *st[64];
	size_t n;
};

static struct sw_rowstat rate1 = {.flags = SW_ROW_RATE, .rx_bps = 100, .tx_bps = 1000};
static struct sw_rowstat rate2 = {.flags = SW_ROW_RATE, .rx_bps = 50, .tx_bps = 5};

static void world_build(struct world *w)
{
	struct sw_snapshot *s = &w->s;
	memset(w, 0, sizeof *w);
	snapshot_init(s);
	size_t i;
	/* listeners */
	i = fx_inet(s, SW_PROTO_TCP, AF_INET, "0.0.0.0", 80, NULL, 0, SW_ST_LISTEN); /* 0 */
	s->conns[i].rq = 2;
	s->conns[i].wq = 511;
	fx_owner(s, i, 100, "nginx", NULL, 0, 6);
	i = fx_inet(s, SW_PROTO_TCP, AF_INET6, "::", 80, NULL, 0, SW_ST_LISTEN); /* 1 */
	fx_owner(s, i, 100, "nginx", NULL, 0, 7);
	i = fx_inet(s, SW_PROTO_TCP, AF_INET, "127.0.0.1", 3306, NULL, 0, SW_ST_LISTEN); /* 2 */
	fx_owner(s, i, 200, "mysqld", NULL, 0, 20);
	i = fx_inet(s, SW_PROTO_TCP, AF_INET, "0.0.0.0", 3306, NULL, 0, SW_ST_LISTEN); /* 3 */
	fx_inet(s, SW_PROTO_UDP, AF_INET, "0.0.0.0", 53, NULL, 0, SW_ST_CLOSE);   /* 4 */
	fx_unix(s, SOCK_STREAM, SW_ST_LISTEN, "/run/php.sock", 14, 900, 0);        /* 5 */
	/* connections */
	i = fx_inet(s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 80, "10.0.0.7", 40001, 1); /* 6 */
	fx_owner(s, i, 101, "nginx", NULL, 33, 10);
	w->st[i] = &rate1;
	i = fx_inet(s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 80, "10.0.0.7", 40002,
		    SW_ST_TIME_WAIT); /* 7 */
	/* the same client through the dual-stack listener: v4-mapped */
	i = fx_inet(s, SW_PROTO_TCP, AF_INET6, "::ffff:10.0.0.1", 80, "::ffff:10.0.0.7", 40003,
		    1); /* 8 */
	fx_owner(s, i, 101, "nginx", NULL, 33, 11);
	w->st[i] = &rate2;
	i = fx_inet(s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 80, "10.0.0.8", 50000,
		    SW_ST_SYN_RECV); /* 9 */
	i = fx_inet(s, SW_PROTO_TCP, AF_INET6, "2001:db8::1", 80, "2001:db8:0:1::5", 1,
		    SW_ST_SYN_RECV); /* 10 */
	i = fx_inet(s, SW_PROTO_TCP, AF_INET6, "2001:db8::1", 80, "2001:db8:0:1::6", 2, 1); /* 11 */
	/* mysql: exact listener 127.0.0.1 and wildcard */
	i = fx_inet(s, SW_PROTO_TCP, AF_INET, "127.0.0.1", 3306, "127.0.0.1", 45000, 1); /* 12 */
	fx_owner(s, i, 200, "mysqld", NULL, 0, 21);
	i = fx_inet(s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 3306, "10.0.0.9", 45001,
		    SW_ST_CLOSE_WAIT); /* 13 */
	/* the client side of the mysql connection */
	i = fx_inet(s, SW_PROTO_TCP, AF_INET, "127.0.0.1", 45000, "127.0.0.1", 3306, 1); /* 14 */
	fx_owner(s, i, 300, "php-fpm", NULL, 33, 5);
	/* php-fpm: two accepted UNIX connections on its socket */
	fx_unix(s, SOCK_STREAM, SW_ST_ESTABLISHED, "/run/php.sock", 14, 901, 950); /* 15 */
	fx_unix(s, SOCK_STREAM, SW_ST_ESTABLISHED, "/run/php.sock", 14, 902, 951); /* 16 */
	fx_unix(s, SOCK_STREAM, SW_ST_ESTABLISHED, NULL, 0, 950, 901);             /* 17 */
	/* a tombstone from 10.0.0.7 that must not count anywhere */
	i = fx_inet(s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 80, "10.0.0.7", 40009, 1); /* 18 */
	w->st[i] = &fx_tomb;
	/* UDP: connected socket to a DNS server */
	fx_inet(s, SW_PROTO_UDP, AF_INET, "10.0.0.1", 41000, "10.0.0.53", 53, 1);   /* 19 */
	w->n = s->nconns;
	fx_rows(s, w->rows, w->st);
}

static void test_states(void **state)
{
	(void)state;
	struct world w;
	world_build(&w);
	struct sw_agg_states as;
	agg_states(fx_view(w.rows, w.n), &as);
	assert_int_equal(as.all, w.n - 1); /* tombstone skipped */
	assert_int_equal(as.count[SW_PROTO_TCP][SW_ST_LISTEN], 4);
	assert_int_equal(as.count[SW_PROTO_TCP][SW_ST_ESTABLISHED], 5);
	assert_int_equal(as.count[SW_PROTO_TCP][SW_ST_SYN_RECV], 2);
	assert_int_equal(as.count[SW_PROTO_TCP][SW_ST_TIME_WAIT], 1);
	assert_int_equal(as.count[SW_PROTO_TCP][SW_ST_CLOSE_WAIT], 1);
	assert_int_equal(as.total[SW_PROTO_TCP], 13);
	assert_int_equal(as.count[SW_PROTO_UDP][SW_ST_CLOSE], 1);
	assert_int_equal(as.count[SW_PROTO_UDP][SW_ST_ESTABLISHED], 1);
	assert_int_equal(as.total[SW_PROTO_UNIX], 4);
	snapshot_done(&w.s);
}

/* -N all: which container holds the TIME_WAIT storm.  Six namespaces:
 * "web" 30 TIME_WAIT, "db" 5 ESTAB + 2 TIME_WAIT, "cache" 10 ESTAB, and
 * three quiet ones; ranked by TIME_WAIT, the top 2 are kept and the
 * other 4 summed; ranked by total, cache comes before db. */
static void test_ns_rank(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	const char *names[] = {"host", "web", "db", "cache", "q1", "q2"};
	struct sw_nsinfo ni;
	memset(&ni, 0, sizeof ni);
	for (size_t i = 0; i < 6; i++) {
		snprintf(ni.label, sizeof ni.label, "%s", names[i]);
		assert_int_equal(snapshot_add_ns(&s, &ni), i);
	}
	const struct { unsigned ns, st, n; } pop[] = {
		{1, SW_ST_TIME_WAIT, 30}, {2, SW_ST_ESTABLISHED, 5}, {2, SW_ST_TIME_WAIT, 2},
		{3, SW_ST_ESTABLISHED, 10}, {0, SW_ST_LISTEN, 1}, {4, SW_ST_TIME_WAIT, 1},
		{5, SW_ST_LISTEN, 1},
	};
	for (size_t k = 0; k < sizeof pop / sizeof pop[0]; k++)
		for (unsigned j = 0; j < pop[k].n; j++) {
			size_t ci = fx_inet(&s, SW_PROTO_TCP, AF_INET, "127.0.0.1",
					    (uint16_t)(1000 + j), "127.0.0.1", 80, (int)pop[k].st);
			s.conns[ci].ns = pop[k].ns;
		}
	struct sw_row rows[64];
	assert_true(s.nconns <= 64);
	fx_rows(&s, rows, NULL);
	struct sw_agg_ns an = {0};
	agg_ns_states(&s, fx_view(rows, s.nconns), &an);
	size_t order[6], nrest;
	uint32_t rest[SW_ST_COUNT + 1];
	size_t keep = agg_ns_rank(&an, SW_ST_TIME_WAIT, 2, order, rest, &nrest);
	assert_int_equal(keep, 2);
	assert_string_equal(s.nss[order[0]].label, "web");
	assert_string_equal(s.nss[order[1]].label, "db");
	assert_int_equal(nrest, 4);
	assert_int_equal(rest[SW_ST_TIME_WAIT], 1);    /* q1 */
	assert_int_equal(rest[SW_ST_ESTABLISHED], 10); /* cache */
	assert_int_equal(rest[SW_ST_LISTEN], 2);       /* host, q2 */
	assert_int_equal(rest[SW_ST_COUNT], 13);
	keep = agg_ns_rank(&an, SW_ST_COUNT, 10, order, rest, &nrest);
	assert_int_equal(keep, 6);
	assert_int_equal(nrest, 0);
	assert_int_equal(rest[SW_ST_COUNT], 0);
	const char *want[] = {"web", "cache", "db", "host", "q1", "q2"};
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(s.nss[order[i]].label, want[i]);
	agg_ns_done(&an);
	snapshot_done(&s);
}

static void test_remote_ip(void **state)
{
	(void)state;
	struct world w;
	world_build(&w);
	struct sw_agg a;
	agg_init(&a);
	agg_group(&a, SW_AGG_REMOTE_IP, fx_view(w.rows, w.n));
	assert_int_equal(a.kind, SW_AGG_REMOTE_IP);
	/* 10.0.0.7 (3: two IPv4 + one v4-mapped; tombstone not counted),
	 * 127.0.0.1 (2), then singles ordered by key: IPv4 before IPv6 */
	assert_int_equal(a.n, 7);
	assert_string_equal(key(&a.e[0]), "10.0.0.7");
	assert_int_equal(a.e[0].family, AF_INET);
	assert_int_equal(a.e[0].total, 3);
	assert_int_equal(a.e[0].by_state[SW_ST_ESTABLISHED], 2);
	assert_int_equal(a.e[0].by_state[SW_ST_TIME_WAIT], 1);
	assert_true(a.e[0].rx_bps == 150.0);
	assert_true(a.e[0].tx_bps == 1005.0);
	assert_string_equal(key(&a.e[1]), "127.0.0.1");
	assert_int_equal(a.e[1].total, 2);
	assert_string_equal(key(&a.e[2]), "10.0.0.8");
	assert_int_equal(a.e[2].by_state[SW_ST_SYN_RECV], 1);
	assert_string_equal(key(&a.e[3]), "10.0.0.9");
	assert_string_equal(key(&a.e[4]), "10.0.0.53");
	assert_string_equal(key(&a.e[5]), "2001:db8:0:1::5");
	assert_int_equal(a.e[5].family, AF_INET6);
	assert_string_equal(key(&a.e[6]), "2001:db8:0:1::6");
	/* SYN_RECV per remote IP (the netstat | grep SYN_REC pipeline):
	 * the two half-open peers first, IPv4 before IPv6, then the rest by
	 * address with IPv4 first */
	agg_sort_by_state(&a, SW_ST_SYN_RECV);
	assert_string_equal(key(&a.e[0]), "10.0.0.8");
	assert_string_equal(key(&a.e[1]), "2001:db8:0:1::5");
	assert_int_equal(a.e[2].by_state[SW_ST_SYN_RECV], 0);
	assert_int_equal(a.e[2].family, AF_INET);
	assert_int_equal(a.e[6].family, AF_INET6);
	assert_int_equal(a.n, 7);
	/* agg_sort: any column of the Top remote IPs panel */
	agg_group(&a, SW_AGG_REMOTE_IP, fx_view(w.rows, w.n));
	/* by count: 10.0.0.7 (3) first */
	assert_string_equal(key(&a.e[0]), "10.0.0.7");
	agg_sort(&a, SW_AGG_BY_STATES, SW_STATE_BIT(SW_ST_SYN_RECV));
	assert_string_equal(key(&a.e[0]), "10.0.0.8");
	assert_string_equal(key(&a.e[1]), "2001:db8:0:1::5");
	agg_sort(&a, SW_AGG_BY_STATES, SW_STATE_BIT(SW_ST_CLOSE_WAIT));
	assert_string_equal(key(&a.e[0]), "10.0.0.9");
	agg_sort(&a, SW_AGG_BY_KEY, 0);
	assert_string_equal(key(&a.e[0]), "10.0.0.7");
	assert_string_equal(key(&a.e[a.n - 1]), "2001:db8:0:1::6");
	agg_sort(&a, SW_AGG_BY_RX, 0);
	assert_string_equal(key(&a.e[0]), "10.0.0.7"); /* 150 B/s */
	assert_true(a.e[0].rx_bps > a.e[1].rx_bps);
	agg_sort(&a, SW_AGG_BY_TX, 0);
	assert_true(a.e[0].tx_bps >= a.e[1].tx_bps);
	/* back to by count after other orders (agg_sort skips only the sort
	 * agg_group already did), and the same as agg_group's own order */
	agg_sort(&a, SW_AGG_BY_STATES, SW_STATE_BIT(SW_ST_SYN_RECV));
	assert_string_equal(key(&a.e[0]), "10.0.0.8");
	agg_sort(&a, SW_AGG_BY_COUNT, 0);
	char bycount[7][64];
	for (size_t i = 0; i < a.n; i++)
		snprintf(bycount[i], sizeof bycount[i], "%s", key(&a.e[i]));
	assert_string_equal(bycount[0], "10.0.0.7");
	assert_string_equal(bycount[1], "127.0.0.1");
	agg_group(&a, SW_AGG_REMOTE_IP, fx_view(w.rows, w.n));
	agg_sort(&a, SW_AGG_BY_COUNT, 0);
	for (size_t i = 0; i < a.n; i++)
		assert_string_equal(key(&a.e[i]), bycount[i]);
	agg_done(&a);
	snapshot_done(&w.s);
}

static void test_remote_net(void **state)
{
	(void)state;
	struct world w;
	world_build(&w);
	struct sw_agg a;
	agg_init(&a);
	agg_group(&a, SW_AGG_REMOTE_NET, fx_view(w.rows, w.n));
	assert_int_equal(a.n, 3);
	assert_string_equal(key(&a.e[0]), "10.0.0.0/24");
	assert_int_equal(a.e[0].total, 6); /* .7 x3, .8, .9, .53 */
	assert_int_equal(a.e[0].prefix, 24);
	assert_string_equal(key(&a.e[1]), "127.0.0.0/24");
	assert_string_equal(key(&a.e[2]), "2001:db8:0:1::/64");
	assert_int_equal(a.e[2].total, 2);
	assert_int_equal(a.e[2].prefix, 64);
	agg_done(&a);
	snapshot_done(&w.s);
}

static void test_local_port_and_process(void **state)
{
	(void)state;
	struct world w;
	world_build(&w);
	struct sw_agg a;
	agg_init(&a);
	agg_group(&a, SW_AGG_LOCAL_PORT, fx_view(w.rows, w.n));
	assert_string_equal(key(&a.e[0]), "tcp/80");
	assert_int_equal(a.e[0].total, 6);
	assert_int_equal(a.e[0].by_state[SW_ST_SYN_RECV], 2);
	assert_string_equal(key(&a.e[1]), "tcp/3306");
	assert_int_equal(a.e[1].total, 2);
	/* client ends (ports nothing listens on): one group per protocol */
	assert_int_equal(a.n, 4);
	assert_string_equal(key(&a.e[2]), "tcp/ephemeral");
	assert_int_equal(a.e[2].port, 0);
	assert_string_equal(key(&a.e[3]), "udp/ephemeral");

	/* destinations: the client ends only (php-fpm's MySQL connection,
	 * the DNS query), never the server ends on :80 or :3306 */
	agg_group(&a, SW_AGG_DEST, fx_view(w.rows, w.n));
	assert_int_equal(a.n, 2);
	assert_string_equal(key(&a.e[0]), "10.0.0.53:53/udp");
	assert_int_equal(a.e[0].nowners, 0);
	assert_string_equal(key(&a.e[1]), "127.0.0.1:3306");
	assert_int_equal(a.e[1].by_state[SW_ST_ESTABLISHED], 1);
	assert_int_equal(a.e[1].nowners, 1);
	assert_int_equal(a.e[1].owner_pid[0], 300);
	char who[64];
	assert_string_equal(agg_owners_str(&a.e[1], who, sizeof who), "php-fpm");

	agg_group(&a, SW_AGG_PROCESS, fx_view(w.rows, w.n));
	/* unknown owner: 3,4,7,9,10,11,13,19 = 8; nginx 101: 2; nginx 100: 2;
	 * mysqld: 2; php-fpm: 1.  UNIX sockets are not counted. */
	assert_int_equal(a.n, 5);
	assert_string_equal(key(&a.e[0]), "-");
	assert_int_equal(a.e[0].pid, -1);
	assert_int_equal(a.e[0].total, 8);
	assert_string_equal(key(&a.e[1]), "100/nginx");
	assert_int_equal(a.e[1].by_state[SW_ST_LISTEN], 2);
	assert_string_equal(key(&a.e[2]), "101/nginx");
	assert_true(a.e[2].rx_bps == 150.0);
	assert_string_equal(key(&a.e[3]), "200/mysqld");
	assert_string_equal(key(&a.e[4]), "300/php-fpm");
	assert_string_equal(a.e[4].comm, "php-fpm");
	agg_done(&a);
	snapshot_done(&w.s);
}

static void test_listeners(void **state)
{
	(void)state;
	struct world w;
	world_build(&w);
	struct sw_listeners ls;
	listeners_init(&ls);
	agg_listeners(&ls, fx_view(w.rows, w.n));
	/* tcp :80 (0.0.0.0, ::), tcp :3306 (0.0.0.0, 127.0.0.1), udp :53, unix */
	assert_int_equal(ls.n, 6);
	const struct sw_listener *l = ls.l;
	assert_ptr_equal(l[0].row.conn, &w.s.conns[0]);
	assert_int_equal(l[0].established, 1); /* 10.0.0.7 (tombstone skipped) */
	assert_int_equal(l[0].syn_recv, 1);    /* 10.0.0.8 */
	assert_int_equal(l[0].other, 1);       /* TIME_WAIT */
	assert_int_equal(l[0].accept_q, 2);
	assert_int_equal(l[0].backlog, 511);
	assert_ptr_equal(l[1].row.conn, &w.s.conns[1]);
	assert_int_equal(l[1].established, 2); /* v4-mapped + IPv6 */
	assert_int_equal(l[1].syn_recv, 1);
	assert_int_equal(l[1].other, 0);
	assert_ptr_equal(l[2].row.conn, &w.s.conns[3]); /* 0.0.0.0:3306 */
	assert_int_equal(l[2].established, 0);
	assert_int_equal(l[2].other, 1); /* CLOSE_WAIT on 10.0.0.1 */
	assert_ptr_equal(l[3].row.conn, &w.s.conns[2]); /* 127.0.0.1:3306 exact */
	assert_int_equal(l[3].established, 1);
	assert_int_equal(l[3].other, 0);
	assert_ptr_equal(l[4].row.conn, &w.s.conns[4]); /* udp :53 */
	assert_int_equal(l[4].established + l[4].syn_recv + l[4].other, 0);
	assert_int_equal(l[4].accept_q, 0);
	assert_ptr_equal(l[5].row.conn, &w.s.conns[5]); /* unix */
	assert_int_equal(l[5].established, 2);
	listeners_done(&ls);
	snapshot_done(&w.s);
}

/* The groups and listeners do not depend on the order of the rows (the
 * counting reuses the previous row's group or listener when the key is
 * the same): the world forwards, backwards and with each row doubled next
 * to itself gives the same counts. */
static void check_same_listeners(const struct sw_listeners *a, const struct sw_listeners *b,
				 unsigned mult)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		size_t j = 0;
		while (j < b->n && b->l[j].row.conn != a->l[i].row.conn)
			j++;
		assert_true(j < b->n);
		assert_int_equal(a->l[i].established * mult, b->l[j].established);
		assert_int_equal(a->l[i].syn_recv * mult, b->l[j].syn_recv);
		assert_int_equal(a->l[i].other * mult, b->l[j].other);
	}
}

static void check_same_groups(const struct sw_agg *a, const struct sw_agg *b, unsigned mult)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		size_t j = 0;
		while (j < b->n && strcmp(key(&a->e[i]), key(&b->e[j])) != 0)
			j++;
		assert_true(j < b->n);
		assert_int_equal(a->e[i].total * mult, b->e[j].total);
		for (unsigned st = 0; st < SW_ST_COUNT; st++)
			assert_int_equal(a->e[i].by_state[st] * mult, b->e[j].by_state[st]);
	}
}

static void test_row_order(void **state)
{
	(void)state;
	struct world w;
	world_build(&w);
	struct sw_row rev[64], dbl[128];
	for (size_t i = 0; i < w.n; i++) {
		rev[i] = w.rows[w.n - 1 - i];
		dbl[2 * i] = dbl[2 * i + 1] = w.rows[i];
	}
	/* a row between two rows of the same local end that belongs to
	 * another listener: tcp 10.0.0.1:80 / udp 10.0.0.1:41000 / tcp
	 * 10.0.0.1:80 */
	struct sw_row mix[3] = {w.rows[6], w.rows[19], w.rows[9]};
	struct sw_listeners l0, l1;
	listeners_init(&l0);
	listeners_init(&l1);
	agg_listeners(&l0, fx_view(w.rows, w.n));
	agg_listeners(&l1, fx_view(rev, w.n));
	check_same_listeners(&l0, &l1, 1);
	agg_listeners(&l1, fx_view(dbl, 2 * w.n));
	assert_int_equal(l1.n, 2 * l0.n); /* each listener twice, the first counts */
	struct sw_row all[64 + 3];
	memcpy(all, w.rows, w.n * sizeof *all);
	memcpy(all + w.n, mix, sizeof mix);
	agg_listeners(&l1, fx_view(all, w.n + 3));
	assert_int_equal(l1.n, l0.n);
	assert_int_equal(l1.l[0].established, l0.l[0].established + 1);
	assert_int_equal(l1.l[0].syn_recv, l0.l[0].syn_recv + 1);
	assert_int_equal(l1.l[4].established + l1.l[4].other, 0); /* udp :53 */
	listeners_done(&l0);
	listeners_done(&l1);

	for (int k = 0; k < SW_AGG_KIND_COUNT; k++) {
		struct sw_agg g0, g1;
		agg_init(&g0);
		agg_init(&g1);
		agg_group(&g0, (enum sw_agg_kind)k, fx_view(w.rows, w.n));
		agg_group(&g1, (enum sw_agg_kind)k, fx_view(rev, w.n));
		check_same_groups(&g0, &g1, 1);
		agg_group(&g1, (enum sw_agg_kind)k, fx_view(dbl, 2 * w.n));
		check_same_groups(&g0, &g1, 2);
		agg_done(&g0);
		agg_done(&g1);
	}
	snapshot_done(&w.s);
}

/* The php-fpm -> MySQL TIME_WAIT story: nginx -> php-fpm on 127.0.0.1:9000
 * (php-fpm closes first: TIME_WAIT on the server side, sport 9000) and
 * php-fpm -> MariaDB on 127.0.0.1:3306 (998 client ends in TIME_WAIT).
 * Per destination it is one line; per local port three, not a thousand. */
static void test_tw_story(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	size_t i = fx_inet(&s, SW_PROTO_TCP, AF_INET, "127.0.0.1", 3306, NULL, 0, SW_ST_LISTEN);
	fx_owner(&s, i, 200, "mariadbd", NULL, 0, 20);
	i = fx_inet(&s, SW_PROTO_TCP, AF_INET, "127.0.0.1", 9000, NULL, 0, SW_ST_LISTEN);
	fx_owner(&s, i, 300, "php-fpm", NULL, 0, 7);
	for (int k = 0; k < 998; k++)
		fx_inet(&s, SW_PROTO_TCP, AF_INET, "127.0.0.1", (uint16_t)(40000 + k), "127.0.0.1",
			3306, SW_ST_TIME_WAIT);
	for (int k = 0; k < 2; k++) {
		i = fx_inet(&s, SW_PROTO_TCP, AF_INET, "127.0.0.1", (uint16_t)(50000 + k),
			    "127.0.0.1", 3306, SW_ST_ESTABLISHED);
		fx_owner(&s, i, 301 + k, "php-fpm", NULL, 33, 9);
		fx_inet(&s, SW_PROTO_TCP, AF_INET, "127.0.0.1", 3306, "127.0.0.1",
			(uint16_t)(50000 + k), SW_ST_ESTABLISHED);
	}
	for (int k = 0; k < 5; k++)
		fx_inet(&s, SW_PROTO_TCP, AF_INET, "127.0.0.1", 9000, "127.0.0.1",
			(uint16_t)(45000 + k), SW_ST_TIME_WAIT);
	i = fx_inet(&s, SW_PROTO_TCP, AF_INET, "127.0.0.1", 46000, "127.0.0.1", 9000, 1);
	fx_owner(&s, i, 100, "nginx", NULL, 33, 12);
	/* a tombstone toward 3306 counts nowhere */
	fx_inet(&s, SW_PROTO_TCP, AF_INET, "127.0.0.1", 47000, "127.0.0.1", 3306, SW_ST_TIME_WAIT);
	size_t n = s.nconns;
	struct sw_row *rows = calloc(n, sizeof *rows);
	const struct sw_rowstat **st = calloc(n, sizeof *st);
	st[n - 1] = &fx_tomb;
	fx_rows(&s, rows, st);

	struct sw_agg a;
	agg_init(&a);
	agg_group(&a, SW_AGG_DEST, fx_view(rows, n));
	assert_int_equal(a.n, 2);
	assert_string_equal(key(&a.e[0]), "127.0.0.1:3306");
	assert_int_equal(a.e[0].total, 1000);
	assert_int_equal(a.e[0].by_state[SW_ST_TIME_WAIT], 998);
	assert_int_equal(a.e[0].by_state[SW_ST_ESTABLISHED], 2);
	char who[64];
	assert_string_equal(agg_owners_str(&a.e[0], who, sizeof who), "php-fpm,php-fpm");
	assert_string_equal(key(&a.e[1]), "127.0.0.1:9000");
	assert_string_equal(agg_owners_str(&a.e[1], who, sizeof who), "nginx");

	agg_group(&a, SW_AGG_LOCAL_PORT, fx_view(rows, n));
	assert_int_equal(a.n, 3);
	assert_string_equal(key(&a.e[0]), "tcp/ephemeral");
	assert_int_equal(a.e[0].total, 1001);
	assert_string_equal(key(&a.e[1]), "tcp/9000");
	assert_int_equal(a.e[1].by_state[SW_ST_TIME_WAIT], 5);
	assert_string_equal(key(&a.e[2]), "tcp/3306");

	/* A filtered view (TIME_WAIT only) has no listeners: the listening
	 * ports come from all rows, so :9000's server ends stay out. */
	struct sw_row *tw = calloc(n, sizeof *tw);
	size_t ntw = 0;
	for (size_t k = 0; k < n; k++)
		if (rows[k].conn->state == SW_ST_TIME_WAIT)
			tw[ntw++] = rows[k];
	agg_listen_ports(&a, fx_view(rows, n));
	agg_group(&a, SW_AGG_DEST, fx_view(tw, ntw));
	assert_int_equal(a.n, 1);
	assert_int_equal(a.e[0].total, 998);
	agg_done(&a); /* ... or from the snapshot (batch -s with a filter) */
	agg_init(&a);
	agg_group(&a, SW_AGG_DEST, fx_view(tw, ntw));
	assert_int_equal(a.n, 6); /* without them: 5 server ends look like clients */
	agg_listen_ports_snap(&a, &s);
	agg_group(&a, SW_AGG_DEST, fx_view(tw, ntw));
	assert_int_equal(a.n, 1);

	/* sorted by a column: by key, by SYN_RECV|TIME_WAIT, by address */
	agg_group(&a, SW_AGG_REMOTE_IP, fx_view(rows, n));
	assert_int_equal(a.n, 1);
	agg_group(&a, SW_AGG_DEST, fx_view(rows, n));
	agg_sort(&a, SW_AGG_BY_KEY, 0);
	assert_string_equal(key(&a.e[0]), "127.0.0.1:3306");
	agg_sort(&a, SW_AGG_BY_STATES, SW_STATE_BIT(SW_ST_ESTABLISHED));
	assert_string_equal(key(&a.e[0]), "127.0.0.1:3306"); /* 2 > 1 */
	agg_sort(&a, SW_AGG_BY_STATES, SW_STATE_BIT(SW_ST_SYN_RECV));
	assert_string_equal(key(&a.e[0]), "127.0.0.1:3306"); /* 0 = 0: by key */
	agg_done(&a);
	free(tw);
	free(st);
	free(rows);
	snapshot_done(&s);
}

/* Many rows: the hash tables grow and counts stay exact. */
static void test_scale(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	enum { N = 20000 };
	char a[32];
	for (int i = 0; i < N; i++) {
		snprintf(a, sizeof a, "10.%d.%d.%d", i % 7, (i / 7) % 256, i % 200 + 1);
		fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.255.0.1", 80, a, (uint16_t)(1024 + i % 60000),
			i % 3 ? 1 : SW_ST_TIME_WAIT);
	}
	struct sw_row *rows = calloc(N, sizeof *rows);
	fx_rows(&s, rows, NULL);
	struct sw_agg g;
	agg_init(&g);
	agg_group(&g, SW_AGG_REMOTE_IP, fx_view(rows, N));
	uint32_t sum = 0;
	for (size_t i = 0; i < g.n; i++) {
		sum += g.e[i].total;
		if (i)
			assert_true(g.e[i - 1].total >= g.e[i].total);
	}
	assert_int_equal(sum, N);
	agg_group(&g, SW_AGG_LOCAL_PORT, fx_view(rows, N));
	assert_int_equal(g.n, 1);
	assert_int_equal(g.e[0].total, N);
	assert_int_equal(g.e[0].by_state[SW_ST_TIME_WAIT], (N + 2) / 3);
	agg_done(&g);
	free(rows);
	snapshot_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_ns_rank),
		cmocka_unit_test(test_remote_ip),
		cmocka_unit_test(test_remote_net),
		cmocka_unit_test(test_local_port_and_process),
		cmocka_unit_test(test_tw_story),
		cmocka_unit_test(test_listeners),
		cmocka_unit_test(test_row_order),
		cmocka_unit_test(test_scale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
