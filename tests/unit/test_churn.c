/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_churn: churn.c - closed-connection records from destroy events:
 * owners (socket, listener, destination, none), lifetimes, opened/closed
 * counts by conservation, groups with median/p95/bytes, the window,
 * records from sample deltas when the kernel dropped events, and the
 * model's views listing the records instead of its own tombstones. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/churn.h"
#include "core/filter.h"
#include "core/model.h"
#include "core/snapshot.h"

#define SEC 1000000000ull
#define MS 1000000ull

static void ip4(uint8_t a[16], unsigned last)
{
	memset(a, 0, 16);
	a[0] = 127;
	a[3] = (uint8_t)last;
}

/* A TCP socket 127.0.0.1:lport -> 127.0.0.<rlast>:rport. */
static struct sw_conn *tcp(struct sw_snapshot *s, uint64_t cookie, int state, unsigned lport,
			   unsigned rlast, unsigned rport)
{
	struct sw_conn *c = snapshot_add_conn(s);
	c->cookie = cookie;
	c->family = AF_INET;
	c->proto = SW_PROTO_TCP;
	c->state = (uint8_t)state;
	uint8_t a[16];
	ip4(a, 1);
	snapshot_set_addr(s, c, false, a);
	c->local.port = (uint16_t)lport;
	if (rport) {
		ip4(a, rlast);
		snapshot_set_addr(s, c, true, a);
		c->remote.port = (uint16_t)rport;
	}
	c->tcpx = SW_NONE;
	return c;
}

static void own(struct sw_snapshot *s, int pid, const char *comm, uint32_t uid)
{
	struct sw_proc p;
	memset(&p, 0, sizeof p);
	p.pid = pid;
	p.uid = uid;
	snprintf(p.comm, sizeof p.comm, "%s", comm);
	size_t pi = snapshot_add_proc(s, &p);
	struct sw_conn *c = &s->conns[s->nconns - 1];
	snapshot_add_owner(s, c, (uint32_t)pi, 7);
}

/* An event: a TCP socket destroyed, with tcp_info stamps and bytes. */
static void ev_tcp(struct sw_snapshot *ev, uint64_t cookie, unsigned lport, unsigned rlast,
		   unsigned rport, uint32_t last_sent, uint32_t last_recv, uint64_t bytes)
{
	tcp(ev, cookie, SW_ST_CLOSE, lport, rlast, rport);
	struct sw_tcpx *t = snapshot_add_tcpx(ev, ev->nconns - 1);
	t->have = SW_TI_BASE | SW_TI_BYTES;
	t->segs_in = 4;
	t->segs_out = 4;
	t->last_data_sent_ms = last_sent;
	t->last_data_recv_ms = last_recv;
	t->bytes_acked = bytes;
	t->bytes_received = bytes;
}

struct fx {
	struct sw_model *m;
	struct sw_churn *ch;
	struct sw_snapshot s, ev;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->m = model_new();
	f->ch = churn_new();
	snapshot_init(&f->s);
	snapshot_init(&f->ev);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	model_free(f->m);
	churn_free(f->ch);
	snapshot_done(&f->s);
	snapshot_done(&f->ev);
	free(f);
	return 0;
}

/* The sample every test starts from, at time t: php-fpm (pid 100) listens
 * on :9000 and holds a connection (cookie 5) to MySQL 127.0.0.9:3306 from
 * port 50000; nginx (pid 200) listens on :80. */
static void base_sample(struct fx *f, uint64_t t)
{
	snapshot_clear(&f->s);
	f->s.mono_ns = t;
	f->s.real_sec = 1700000000 + (int64_t)(t / SEC);
	tcp(&f->s, 1, SW_ST_LISTEN, 9000, 0, 0);
	own(&f->s, 100, "php-fpm8.2", 33);
	tcp(&f->s, 2, SW_ST_LISTEN, 80, 0, 0);
	own(&f->s, 200, "nginx", 0);
	tcp(&f->s, 5, SW_ST_ESTABLISHED, 50000, 9, 3306);
	own(&f->s, 101, "php-fpm8.2", 33);
	f->s.conns[f->s.nconns - 1].inode = 4242;
}

static void sample(struct fx *f, uint64_t t, uint64_t dropped)
{
	assert_int_equal(f->s.mono_ns, t);
	model_update(f->m, &f->s);
	churn_sample(f->ch, f->m, dropped, true);
}

/* Every record in the window (listed as rows or not yet), and their meta. */
static const struct sw_snapshot *recs(const struct sw_churn *ch, const struct sw_closed **mt)
{
	static struct sw_snapshot v;
	const struct sw_closed *m;
	size_t first;
	const struct sw_snapshot *r = churn_all(ch, &m, &first);
	v = *r;
	v.conns += first;
	v.nconns -= first;
	if (mt)
		*mt = m + first;
	return &v;
}

static const struct sw_closed *metas(const struct sw_churn *ch)
{
	const struct sw_closed *m;
	recs(ch, &m);
	return m;
}

static const struct sw_proc *owner(const struct sw_churn *ch, size_t i)
{
	const struct sw_snapshot *r = recs(ch, NULL);
	return snapshot_owner_proc(r, &r->conns[i], 0);
}

static void test_attribution(void **state)
{
	struct fx *f = *state;
	base_sample(f, 10 * SEC);
	sample(f, 10 * SEC, 0);

	/* cookie 5 (seen), an accept on :9000, a new client to MySQL, a
	 * client to somewhere nobody was seen going */
	ev_tcp(&f->ev, 5, 50000, 9, 3306, 300, 250, 1000);
	ev_tcp(&f->ev, 77, 9000, 1, 40000, 20, 20, 500);
	ev_tcp(&f->ev, 88, 50001, 9, 3306, 4, 4, 200);
	ev_tcp(&f->ev, 99, 50002, 8, 443, 4, 4, 200);
	assert_int_equal(churn_add_events(f->ch, &f->ev, 0, f->m, 11 * SEC, 0), 4);

	const struct sw_closed *mt = metas(f->ch);
	const struct sw_snapshot *r = recs(f->ch, NULL);
	assert_int_equal(r->nconns, 4);
	assert_int_equal(mt[0].how, SW_HOW_SOCKET);
	assert_string_equal(owner(f->ch, 0)->comm, "php-fpm8.2");
	assert_int_equal(owner(f->ch, 0)->pid, 101);
	assert_int_equal(r->conns[0].inode, 4242);
	assert_int_equal(r->conns[0].state, SW_ST_ESTABLISHED); /* last seen */
	/* first seen at 10 s, closed at 11 s: 1000 ms beats the 300 ms stamp */
	assert_true(mt[0].life_known);
	assert_int_equal(mt[0].life_ms, 1000);
	assert_false(mt[0].server);

	assert_int_equal(mt[1].how, SW_HOW_LISTENER);
	assert_true(mt[1].server);
	assert_int_equal(owner(f->ch, 1)->pid, 100);
	assert_int_equal(mt[1].life_ms, 20);
	assert_true(r->conns[1].flags & SW_CF_HAS_UID);
	assert_int_equal(r->conns[1].uid, 33);

	assert_int_equal(mt[2].how, SW_HOW_DEST);
	assert_string_equal(owner(f->ch, 2)->comm, "php-fpm8.2");
	assert_int_equal(mt[3].how, SW_HOW_NONE);
	assert_null(owner(f->ch, 3));
	assert_string_equal(churn_how_name(SW_HOW_DEST), "destination");
}

/* A service started after the last sample: its first connections closed
 * before any sample showed the listener.  The next sample names them. */
static void test_late_listener(void **state)
{
	struct fx *f = *state;
	base_sample(f, 10 * SEC);
	sample(f, 10 * SEC, 0);
	ev_tcp(&f->ev, 77, 9100, 1, 40000, 20, 20, 500);
	churn_add_events(f->ch, &f->ev, 0, f->m, 11 * SEC, 0);
	assert_int_equal(metas(f->ch)[0].how, SW_HOW_NONE);
	base_sample(f, 12 * SEC);
	tcp(&f->s, 3, SW_ST_LISTEN, 9100, 0, 0);
	own(&f->s, 400, "newsvc", 1000);
	sample(f, 12 * SEC, 0);
	const struct sw_closed *mt = metas(f->ch);
	assert_true(mt[0].server);
	assert_int_equal(mt[0].how, SW_HOW_LISTENER);
	assert_string_equal(owner(f->ch, 0)->comm, "newsvc");
	struct sw_churn_groups g;
	churn_groups_init(&g);
	churn_groups(f->ch, SW_CHURN_SERVICE, NULL, NULL, SW_CHURN_BY_RATE, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.g[0].port, 9100);
	churn_groups_done(&g);
}

/* Two programs connect to the same destination: nobody is named. */
static void test_dest_ambiguous(void **state)
{
	struct fx *f = *state;
	base_sample(f, 10 * SEC);
	tcp(&f->s, 6, SW_ST_ESTABLISHED, 50010, 9, 3306);
	own(&f->s, 300, "mysqldump", 0);
	sample(f, 10 * SEC, 0);
	ev_tcp(&f->ev, 88, 50001, 9, 3306, 4, 4, 200);
	churn_add_events(f->ch, &f->ev, 0, f->m, 11 * SEC, 0);
	assert_int_equal(metas(f->ch)[0].how, SW_HOW_NONE);
}

static void test_life(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	uint32_t life;
	/* a refused connect: no data, one segment: no stamps to trust */
	tcp(&s, 1, SW_ST_CLOSE, 50000, 9, 3306);
	struct sw_tcpx *t = snapshot_add_tcpx(&s, 0);
	t->have = SW_TI_BASE | SW_TI_BYTES;
	t->segs_in = 1;
	t->last_data_sent_ms = 4000000000u;
	assert_false(churn_life_ms(&s, &s.conns[0], 0, 5 * SEC, &life));
	/* ... unless a sample saw it */
	assert_true(churn_life_ms(&s, &s.conns[0], 4 * SEC, 5 * SEC, &life));
	assert_int_equal(life, 1000);
	/* connected: the older stamp */
	ev_tcp(&s, 2, 50001, 9, 3306, 20, 12, 10);
	assert_true(churn_life_ms(&s, &s.conns[1], 0, 5 * SEC, &life));
	assert_int_equal(life, 20);
	/* a stamp never set (beyond 30 days) is ignored */
	s.tcpx[1].last_data_sent_ms = 4000000000u;
	assert_true(churn_life_ms(&s, &s.conns[1], 0, 5 * SEC, &life));
	assert_int_equal(life, 12);
	snapshot_done(&s);
}

/* opened = closed + the change in live connections, per second. */
static void test_rates(void **state)
{
	struct fx *f = *state;
	base_sample(f, 10 * SEC);
	sample(f, 10 * SEC, 0);
	assert_false(churn_rates(f->ch)->valid);

	/* 2 s later: 30 closed TCP (2 of them to nobody: remote port 0, a
	 * listener closing, not counted), one UDP; 5 more live TCP */
	for (unsigned i = 0; i < 30; i++)
		ev_tcp(&f->ev, 1000 + i, 50100 + i, 9, 3306, 4, 4, 100);
	tcp(&f->ev, 2000, SW_ST_CLOSE, 7000, 0, 0);
	struct sw_conn *u = tcp(&f->ev, 2001, SW_ST_CLOSE, 5353, 0, 0);
	u->proto = SW_PROTO_UDP;
	churn_add_events(f->ch, &f->ev, 0, f->m, 11 * SEC, 0);
	base_sample(f, 12 * SEC);
	for (unsigned i = 0; i < 5; i++)
		tcp(&f->s, 3000 + i, SW_ST_ESTABLISHED, 51000 + i, 9, 3306);
	tcp(&f->s, 3100, SW_ST_TIME_WAIT, 52000, 9, 3306); /* not live */
	sample(f, 12 * SEC, 0);

	const struct sw_churn_rates *rt = churn_rates(f->ch);
	assert_true(rt->valid);
	assert_int_equal(rt->closed[SW_CHURN_TCP], 30);
	assert_int_equal(rt->opened[SW_CHURN_TCP], 35);
	assert_int_equal(rt->closed[SW_CHURN_UDP], 1);
	assert_int_equal(rt->opened[SW_CHURN_UDP], 1);
	assert_true(rt->closed_per_s[SW_CHURN_TCP] > 14.99 && rt->closed_per_s[SW_CHURN_TCP] < 15.01);
	assert_true(rt->opened_per_s[SW_CHURN_TCP] > 17.49 && rt->opened_per_s[SW_CHURN_TCP] < 17.51);
	assert_int_equal(rt->closed_total[SW_CHURN_TCP], 30);
	assert_int_equal(rt->lost, 0);
}

/* 100 connections to MySQL with lifetimes 1..100 ms and 10 to :9000. */
static void fill_groups(struct fx *f)
{
	base_sample(f, 10 * SEC);
	sample(f, 10 * SEC, 0);
	for (unsigned i = 0; i < 100; i++)
		ev_tcp(&f->ev, 1000 + i, 50100 + i, 9, 3306, 100 - i, 1, 1000);
	for (unsigned i = 0; i < 10; i++)
		ev_tcp(&f->ev, 2000 + i, 9000, 1, 40000 + i, 7, 7, 50);
	churn_add_events(f->ch, &f->ev, 0, f->m, 14 * SEC, 0);
	base_sample(f, 15 * SEC);
	sample(f, 15 * SEC, 0);
}

static void test_groups(void **state)
{
	struct fx *f = *state;
	fill_groups(f);
	struct sw_churn_groups g;
	churn_groups_init(&g);
	churn_groups(f->ch, SW_CHURN_DEST, NULL, NULL, SW_CHURN_BY_RATE, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.g[0].port, 3306);
	assert_int_equal(g.g[0].addr[3], 9);
	assert_int_equal(g.g[0].family, AF_INET);
	assert_int_equal(g.g[0].closed, 100);
	assert_int_equal(g.g[0].nlife, 100);
	assert_int_equal(g.g[0].p50_ms, 50);
	assert_int_equal(g.g[0].p95_ms, 95);
	assert_int_equal(g.g[0].bytes / g.g[0].nbytes, 2000);
	assert_string_equal(g.g[0].comm, "php-fpm8.2");
	assert_int_equal(g.g[0].how, SW_HOW_DEST);
	/* the first event came 5 s after the window opened: 100 in 5 s */
	assert_true(g.window_s > 4.99 && g.window_s < 5.01);
	assert_true(g.g[0].per_s > 19.9 && g.g[0].per_s < 20.1);

	churn_groups(f->ch, SW_CHURN_SERVICE, NULL, NULL, SW_CHURN_BY_RATE, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.g[0].port, 9000);
	assert_int_equal(g.g[0].closed, 10);
	assert_int_equal(g.g[0].p50_ms, 7);
	assert_int_equal(g.g[0].pid, 100);
	assert_int_equal(g.g[0].how, SW_HOW_LISTENER);

	/* a filter the records do not pass */
	struct sw_filter_error fe;
	struct sw_filter *flt = filter_parse("dport = :443", &fe);
	assert_non_null(flt);
	churn_groups(f->ch, SW_CHURN_DEST, NULL, flt, SW_CHURN_BY_RATE, &g);
	assert_int_equal(g.n, 0);
	filter_free(flt);
	flt = filter_parse("dport = :3306", &fe);
	churn_groups(f->ch, SW_CHURN_DEST, NULL, flt, SW_CHURN_BY_RATE, &g);
	assert_int_equal(g.n, 1);
	filter_free(flt);
	churn_groups_done(&g);
}

/* Sort orders: two destinations, one busier, one with longer lives. */
static void test_group_order(void **state)
{
	struct fx *f = *state;
	base_sample(f, 10 * SEC);
	sample(f, 10 * SEC, 0);
	for (unsigned i = 0; i < 6; i++)
		ev_tcp(&f->ev, 1000 + i, 50100 + i, 9, 3306, 5, 5, 10);
	for (unsigned i = 0; i < 3; i++)
		ev_tcp(&f->ev, 2000 + i, 50200 + i, 9, 6379, 900, 900, 10);
	churn_add_events(f->ch, &f->ev, 0, f->m, 11 * SEC, 0);
	base_sample(f, 12 * SEC);
	sample(f, 12 * SEC, 0);
	struct sw_churn_groups g;
	churn_groups_init(&g);
	churn_groups(f->ch, SW_CHURN_DEST, NULL, NULL, SW_CHURN_BY_RATE, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.g[0].port, 3306);
	churn_groups(f->ch, SW_CHURN_DEST, NULL, NULL, SW_CHURN_BY_P50, &g);
	assert_int_equal(g.g[0].port, 6379);
	churn_groups(f->ch, SW_CHURN_DEST, NULL, NULL, SW_CHURN_BY_KEY, &g);
	assert_int_equal(g.g[0].port, 3306);
	churn_groups_done(&g);
}

static void test_window(void **state)
{
	struct fx *f = *state;
	churn_set_window(f->ch, 3);
	fill_groups(f); /* records at 14 s */
	assert_int_equal(recs(f->ch, NULL)->nconns, 110);
	base_sample(f, 16 * SEC);
	sample(f, 16 * SEC, 0);
	assert_int_equal(recs(f->ch, NULL)->nconns, 110);
	base_sample(f, 18 * SEC);
	sample(f, 18 * SEC, 0);
	assert_int_equal(recs(f->ch, NULL)->nconns, 0);
	/* owners survive the rebuild of what is kept */
	ev_tcp(&f->ev, 5, 50000, 9, 3306, 1, 1, 1);
	churn_add_events(f->ch, &f->ev, f->ev.nconns - 1, f->m, 19 * SEC, 0);
	base_sample(f, 20 * SEC);
	sample(f, 20 * SEC, 0);
	ev_tcp(&f->ev, 6, 50000, 9, 3306, 1, 1, 1);
	churn_add_events(f->ch, &f->ev, f->ev.nconns - 1, f->m, 22 * SEC, 0);
	base_sample(f, 23 * SEC);
	sample(f, 23 * SEC, 0); /* the 19 s record goes, the 22 s one stays */
	assert_int_equal(recs(f->ch, NULL)->nconns, 1);
	assert_int_equal(recs(f->ch, NULL)->conns[0].cookie, 6);
	assert_string_equal(owner(f->ch, 0)->comm, "php-fpm8.2");
	assert_true(churn_rowstats(f->ch)[0].flags & SW_ROW_CLOSED);
	assert_int_equal(SW_ROW_HOW(churn_rowstats(f->ch)[0].flags), SW_HOW_DEST);
}

/* The kernel dropped events: sockets gone from the sample become records
 * (not TIME_WAIT remains), once; a late event for one is not counted
 * again. */
static void test_lost(void **state)
{
	struct fx *f = *state;
	base_sample(f, 10 * SEC);
	tcp(&f->s, 40, SW_ST_ESTABLISHED, 50040, 9, 3306);
	own(&f->s, 101, "php-fpm8.2", 33);
	tcp(&f->s, 41, SW_ST_TIME_WAIT, 50041, 9, 3306);
	sample(f, 10 * SEC, 0);
	base_sample(f, 11 * SEC);
	sample(f, 11 * SEC, 3);
	const struct sw_churn_rates *rt = churn_rates(f->ch);
	assert_int_equal(rt->lost, 3);
	assert_int_equal(rt->from_snapshot_total, 1);
	const struct sw_snapshot *r = recs(f->ch, NULL);
	assert_int_equal(r->nconns, 1);
	assert_int_equal(r->conns[0].cookie, 40);
	assert_int_equal(metas(f->ch)[0].src, SW_CHURN_SNAPSHOT);
	assert_int_equal(metas(f->ch)[0].life_ms, 1000);
	assert_string_equal(owner(f->ch, 0)->comm, "php-fpm8.2");
	ev_tcp(&f->ev, 40, 50040, 9, 3306, 1, 1, 1);
	assert_int_equal(churn_add_events(f->ch, &f->ev, 0, f->m, 11 * SEC + 1, 0), 0);
	/* the same drop count again: nothing lost in this interval */
	base_sample(f, 12 * SEC);
	sample(f, 12 * SEC, 3);
	assert_int_equal(churn_rates(f->ch)->lost, 0);
	assert_int_equal(churn_rates(f->ch)->lost_total, 3);
}

/* No events at all (a kernel that refuses them): closures come from the
 * samples, both sockets gone and connections that entered TIME_WAIT
 * (whose remains keep the cookie), and they are what is counted. */
static void test_no_events(void **state)
{
	struct fx *f = *state;
	base_sample(f, 10 * SEC);
	tcp(&f->s, 40, SW_ST_ESTABLISHED, 50040, 9, 3306);
	own(&f->s, 101, "php-fpm8.2", 33);
	tcp(&f->s, 41, SW_ST_ESTABLISHED, 9000, 1, 41000);
	model_update(f->m, &f->s);
	churn_sample(f->ch, f->m, 0, false);
	base_sample(f, 12 * SEC);
	tcp(&f->s, 40, SW_ST_TIME_WAIT, 50040, 9, 3306); /* the client closed */
	model_update(f->m, &f->s);                       /* 41: gone */
	churn_sample(f->ch, f->m, 0, false);
	const struct sw_snapshot *r = recs(f->ch, NULL);
	assert_int_equal(r->nconns, 2);
	const struct sw_churn_rates *rt = churn_rates(f->ch);
	assert_int_equal(rt->closed[SW_CHURN_TCP], 2);
	assert_int_equal(rt->from_snapshot_total, 2);
	bool seen40 = false, seen41 = false;
	for (size_t i = 0; i < r->nconns; i++) {
		seen40 |= r->conns[i].cookie == 40;
		seen41 |= r->conns[i].cookie == 41;
		assert_int_equal(metas(f->ch)[i].src, SW_CHURN_SNAPSHOT);
		assert_int_equal(metas(f->ch)[i].life_ms, 2000);
	}
	assert_true(seen40 && seen41);
	/* the next sample: TIME_WAIT is not a new closure */
	base_sample(f, 13 * SEC);
	tcp(&f->s, 40, SW_ST_TIME_WAIT, 50040, 9, 3306);
	model_update(f->m, &f->s);
	churn_sample(f->ch, f->m, 0, false);
	assert_int_equal(churn_rates(f->ch)->closed[SW_CHURN_TCP], 0);
}

/* Views list the records (as closed rows, never live) instead of the
 * model's own tombstones of the same protocols. */
static void test_view(void **state)
{
	struct fx *f = *state;
	base_sample(f, 10 * SEC);
	sample(f, 10 * SEC, 0);
	ev_tcp(&f->ev, 5, 50000, 9, 3306, 1, 1, 1);
	ev_tcp(&f->ev, 77, 9000, 1, 40000, 20, 20, 500);
	churn_add_events(f->ch, &f->ev, 0, f->m, 11 * SEC, 0);
	base_sample(f, 12 * SEC);
	f->s.nconns--; /* cookie 5 is gone: a model tombstone */
	sample(f, 12 * SEC, 0);
	struct sw_view v = {0};
	model_view(f->m, NULL, NULL, NULL, 0, &v);
	assert_int_equal(v.n, 3); /* 2 listeners + cookie 5's tombstone */
	assert_int_equal(view_live(&v), 2);
	model_set_closed(f->m, churn_records(f->ch), churn_rowstats(f->ch), churn_protos(f->ch));
	model_view(f->m, NULL, NULL, NULL, 0, &v);
	assert_int_equal(v.n, 4); /* 2 listeners + 2 records */
	assert_int_equal(view_live(&v), 2);
	long i = view_find_cookie(&v, 77);
	assert_true(i >= 0);
	assert_true(view_row(&v, i).st->flags & SW_ROW_CLOSED);
	assert_int_equal(view_row(&v, i).st->life_ms, 20);
	model_set_tombstone_ttl(f->m, 0); /* closed rows hidden */
	model_view(f->m, NULL, NULL, NULL, 0, &v);
	assert_int_equal(v.n, 2);
	model_set_tombstone_ttl(f->m, 3);
	/* records added since the last sample are listed from the next one */
	ev_tcp(&f->ev, 78, 9000, 1, 40001, 20, 20, 500);
	churn_add_events(f->ch, &f->ev, f->ev.nconns - 1, f->m, 13 * SEC, 0);
	model_view(f->m, NULL, NULL, NULL, 0, &v);
	assert_int_equal(v.n, 4);
	base_sample(f, 14 * SEC);
	sample(f, 14 * SEC, 0);
	model_view(f->m, NULL, NULL, NULL, 0, &v);
	assert_int_equal(v.n, 6); /* 3 listeners-or-live + 3 records */
	/* listed for 3 s (the rows window), counted for 10 s */
	base_sample(f, 15 * SEC);
	sample(f, 15 * SEC, 0);
	model_view(f->m, NULL, NULL, NULL, 0, &v);
	assert_int_equal(v.n, 4); /* the 11 s records are no longer listed */
	assert_int_equal(churn_records(f->ch)->nconns, 1);
	struct sw_churn_groups g;
	churn_groups_init(&g);
	churn_groups(f->ch, SW_CHURN_SERVICE, NULL, NULL, SW_CHURN_BY_RATE, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.g[0].closed, 2);
	churn_groups_done(&g);
	view_done(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_attribution, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dest_ambiguous, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_listener, setup, teardown),
		cmocka_unit_test(test_life),
		cmocka_unit_test_setup_teardown(test_rates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_groups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_view, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
