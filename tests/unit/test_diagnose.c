/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_diagnose: the diagnoses on hand-built snapshots, thresholds
 * and the sockwatchrc parser. */
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
#include <sys/stat.h>
#include <unistd.h>

#include "core/diagnose.h"
#include "core/rcfile.h"
#include "core/safefile.h"
#include "core/snapshot.h"
#include "core/util.h"
#include "rows_fixture.h"

static void kstat_defaults(struct sw_snapshot *s)
{
	struct sw_kstat *k = &s->kstat;
	s->have_kstat = true;
	k->port_lo = 32768;
	k->port_hi = 60999;
	k->tcp_tw_reuse = 2;
	k->tcp_fin_timeout = 60;
	k->tcp_max_tw_buckets = 131072;
	k->tcp_max_syn_backlog = 512;
	k->somaxconn = 4096;
	k->tcp_syncookies = 1;
	k->tcp_tw_recycle = -1;
	k->tcp_timestamps = 1;
	k->tcp_tw_reuse_delay = -1;
	k->netns_init = -1;
	k->sockstat_tw = -1;
}

static void set_counter(struct sw_snapshot *s, const char *group, const char *name, uint64_t v)
{
	struct sw_kstat *k = &s->kstat;
	for (size_t i = 0; i < k->ncounters; i++)
		if (!strcmp(k->counters[i].group, group) && !strcmp(k->counters[i].name, name)) {
			k->counters[i].value = v;
			return;
		}
	struct sw_counter *c = &k->counters[k->ncounters++];
	sw_strlcpy(c->group, group, sizeof c->group);
	sw_strlcpy(c->name, name, sizeof c->name);
	c->value = v;
}

/* A TCP socket; cookies never repeat across the snapshots of a test (a
 * socket seen twice is given its cookie by the test). */
static struct sw_conn *add(struct sw_snapshot *s, int state, const char *la, uint16_t lp,
			   const char *ra, uint16_t rp)
{
	static uint64_t cookie = 1000;
	size_t ci = fx_inet(s, SW_PROTO_TCP, AF_INET, la, lp, ra, rp, state);
	struct sw_conn *c = &s->conns[ci]; /* after the call: it may move the array */
	c->cookie = cookie++;
	return c;
}

/* Give conns[ci] an owner process (added once per pid). */
static void own(struct sw_snapshot *s, size_t ci, int pid, const char *comm)
{
	fx_owner(s, ci, pid, comm, NULL, 0, 10);
}

static const struct diag *find(const struct diag_list *l, enum diag_id id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->d[i].id == id)
			return &l->d[i];
	fail_msg("no diagnosis %s", diag_id_name(id));
	abort();
}

static bool details_have(const struct diag *d, const char *needle)
{
	for (size_t i = 0; i < d->ndetail; i++)
		if (strstr(d->detail[i], needle))
			return true;
	return false;
}

/* The php-fpm TIME_WAIT story: nginx -> php-fpm 127.0.0.1:9000 with short
 * connections; a narrowed port range fills up with TIME_WAIT. */
static void build_storm(struct sw_snapshot *s, unsigned ntw)
{
	kstat_defaults(s);
	s->kstat.port_lo = 40000;
	s->kstat.port_hi = 40200; /* 201 ports */
	s->kstat.tcp_tw_reuse = 0;
	struct sw_conn *l = add(s, SW_ST_LISTEN, "127.0.0.1", 9000, "0.0.0.0", 0);
	l->wq = 511;
	own(s, s->nconns - 1, 77, "php-fpm");
	for (unsigned i = 0; i < ntw; i++) {
		struct sw_conn *c = add(s, SW_ST_TIME_WAIT, "127.0.0.1", (uint16_t)(40000 + i),
					"127.0.0.1", 9000);
		c->timer = SW_TIMER_TIMEWAIT;
	}
	/* a quieter destination: mysql, 40 sockets from another address */
	for (unsigned i = 0; i < 40; i++)
		add(s, SW_ST_TIME_WAIT, "127.0.0.2", (uint16_t)(40000 + i), "127.0.0.1", 3306);
	/* server ends of the connections: local port 9000, not ephemeral */
	for (unsigned i = 0; i < 5; i++)
		add(s, SW_ST_ESTABLISHED, "127.0.0.1", 9000, "127.0.0.1", (uint16_t)(40500 + i));
}

static void test_ephemeral_storm(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	build_storm(&s, 170);
	struct diag_state st;
	struct diag_list l;
	struct diag_thresholds t;
	diag_thresholds_default(&t);
	diag_state_init(&st);
	diag_list_init(&l);

	assert_int_equal(diagnose_run(&st, &t, &s, &l), DIAG_ALARM);
	const struct diag *d = find(&l, DIAG_EPHEMERAL);
	assert_non_null(d);
	assert_int_equal(d->sev, DIAG_ALARM);
	assert_string_equal(d->subject, "127.0.0.1>127.0.0.1:9000");
	assert_int_equal(d->port, 9000);
	assert_true(d->value == 170 && d->limit == 201);
	assert_non_null(strstr(d->title, "127.0.0.1:9000"));
	assert_non_null(strstr(d->title, "170 of 201"));
	/* TIME_WAIT has no process and no client was ever seen: the client is
	 * unknown (not the server), the server is named apart */
	assert_int_equal(d->pid, -1);
	assert_true(details_have(d, "client: unknown"));
	assert_true(details_have(d, "server: php-fpm (pid 77)"));
	assert_true(details_have(d, "tcp_tw_reuse=0"));
	/* loopback with tcp_tw_reuse=0: 201 ports / 60 s; 2 (the default) would do */
	assert_true(details_have(d, "at most 3 new connections/s"));
	assert_non_null(strstr(d->fix, "tcp_tw_reuse=2"));
	assert_true(details_have(d, "tcp_max_tw_buckets=131072"));
	assert_true(details_have(d, "40000-40200"));
	assert_non_null(strstr(d->fix, "tcp_tw_reuse=1"));
	assert_non_null(strstr(d->fix, "4.12"));
	assert_non_null(strstr(d->fix, "UNIX socket"));
	assert_non_null(strstr(d->fix, "keepalive"));
	/* only one ephemeral finding: the mysql destination is at 20% */
	size_t n = 0;
	for (size_t i = 0; i < l.n; i++)
		if (l.d[i].id == DIAG_EPHEMERAL)
			n++;
	assert_int_equal(n, 1);
	/* every id is present, in id order */
	for (int id = 0; id < DIAG_ID_COUNT; id++)
		assert_non_null(find(&l, (enum diag_id)id));
	for (size_t i = 1; i < l.n; i++)
		assert_true(l.d[i - 1].id <= l.d[i].id);

	/* a raised alarm threshold turns it into a warning */
	char err[256];
	assert_int_equal(diag_threshold_assign(&t, "ephemeral_alarm=90", err, sizeof err), 0);
	diagnose_run(&st, &t, &s, &l);
	assert_int_equal(find(&l, DIAG_EPHEMERAL)->sev, DIAG_WARN);
	/* and a lower warn threshold makes the mysql destination show too */
	assert_int_equal(diag_threshold_assign(&t, "ephemeral_warn = 15%", err, sizeof err), 0);
	diagnose_run(&st, &t, &s, &l);
	assert_int_equal(diag_list_count(&l, DIAG_WARN), 2);

	/* below 50%: OK, with the busiest destination named */
	diag_thresholds_default(&t);
	snapshot_clear(&s);
	build_storm(&s, 90);
	diagnose_run(&st, &t, &s, &l);
	d = find(&l, DIAG_EPHEMERAL);
	assert_int_equal(d->sev, DIAG_OK);
	assert_non_null(strstr(d->title, "127.0.0.1:9000"));
	/* exactly at a threshold counts (only destinations near one are
	 * ordered): 30 of 200 ports at warn=15%, 40 (mysql) at alarm=20% */
	s.kstat.port_hi = 40199;
	assert_int_equal(diag_threshold_assign(&t, "ephemeral_warn=15", err, sizeof err), 0);
	assert_int_equal(diag_threshold_assign(&t, "ephemeral_alarm=20", err, sizeof err), 0);
	snapshot_clear(&s);
	build_storm(&s, 30);
	s.kstat.port_hi = 40199;
	diagnose_run(&st, &t, &s, &l);
	unsigned eph[3] = {0, 0, 0}; /* ok, warn, alarm */
	for (size_t i = 0; i < l.n; i++)
		if (l.d[i].id == DIAG_EPHEMERAL)
			eph[l.d[i].sev == DIAG_ALARM ? 2 : l.d[i].sev == DIAG_WARN]++;
	assert_int_equal(eph[2], 1);
	assert_int_equal(eph[1], 1);
	assert_int_equal(eph[0], 0);
	d = find(&l, DIAG_EPHEMERAL);
	assert_int_equal(d->sev, DIAG_ALARM);
	assert_true(d->value == 40 && d->limit == 200);
	diag_thresholds_default(&t);
	snapshot_clear(&s);
	build_storm(&s, 90);

	/* reserved ports shrink the range: 90 of 101 -> alarm */
	s.kstat.port_hi = 40200;
	sw_strlcpy(s.kstat.reserved_ports, "40100-40199,40200,8080", sizeof s.kstat.reserved_ports);
	diagnose_run(&st, &t, &s, &l);
	d = find(&l, DIAG_EPHEMERAL);
	assert_int_equal(d->sev, DIAG_ALARM);
	assert_true(d->limit == 100);

	/* 200 of 201 ports is 99.5%: the title says 99%, never 100% before
	 * every port is taken */
	diag_thresholds_default(&t);
	snapshot_clear(&s);
	build_storm(&s, 200);
	s.kstat.reserved_ports[0] = '\0';
	diagnose_run(&st, &t, &s, &l);
	assert_non_null(strstr(find(&l, DIAG_EPHEMERAL)->title, "200 of 201 in use (99%)"));
	snapshot_clear(&s);
	build_storm(&s, 201);
	s.kstat.reserved_ports[0] = '\0';
	diagnose_run(&st, &t, &s, &l);
	assert_non_null(strstr(find(&l, DIAG_EPHEMERAL)->title, "201 of 201 in use (100%)"));
	assert_true(sw_pct_shown(997, 1000, 0) == 99);
	assert_true(sw_pct_shown(9999, 10000, 1) == 99.9);
	assert_true(sw_pct_shown(5, 10, 0) == 50);
	assert_true(sw_pct_shown(0, 0, 0) == 0);

	diag_list_done(&l);
	diag_state_done(&st);
	snapshot_done(&s);
}

static void test_timewait_buckets(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	build_storm(&s, 100);
	s.kstat.tcp_max_tw_buckets = 200; /* 140 TW = 70% */
	set_counter(&s, "TcpExt", "TCPTimeWaitOverflow", 5);
	s.mono_ns = 1000000000;
	struct diag_state st;
	struct diag_list l;
	struct diag_thresholds t;
	diag_thresholds_default(&t);
	diag_state_init(&st);
	diag_list_init(&l);
	diagnose_run(&st, &t, &s, &l);
	const struct diag *d = find(&l, DIAG_TIMEWAIT);
	assert_int_equal(d->sev, DIAG_WARN);
	assert_true(d->value == 140 && d->limit == 200);
	assert_true(details_have(d, "127.0.0.1:9000 (100)"));
	/* overflow counter moving: still warn, title says overflow */
	s.kstat.tcp_max_tw_buckets = 100000;
	set_counter(&s, "TcpExt", "TCPTimeWaitOverflow", 46);
	s.mono_ns += 2000000000;
	diagnose_run(&st, &t, &s, &l);
	d = find(&l, DIAG_TIMEWAIT);
	assert_int_equal(d->sev, DIAG_WARN);
	assert_non_null(strstr(d->title, "41"));
	assert_non_null(strstr(d->title, "TCPTimeWaitOverflow"));
	/* no movement: OK */
	s.mono_ns += 1000000000;
	diagnose_run(&st, &t, &s, &l);
	assert_int_equal(find(&l, DIAG_TIMEWAIT)->sev, DIAG_OK);
	diag_list_done(&l);
	diag_state_done(&st);
	snapshot_done(&s);
}

static void test_syn_flood(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	kstat_defaults(&s);
	struct sw_conn *l0 = add(&s, SW_ST_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0);
	l0->wq = 128;
	own(&s, 0, 31, "nginx");
	set_counter(&s, "TcpExt", "SyncookiesSent", 10);
	set_counter(&s, "TcpExt", "ListenDrops", 0);
	s.mono_ns = 5000000000;
	struct diag_state st;
	struct diag_list l;
	struct diag_thresholds t;
	diag_thresholds_default(&t);
	diag_state_init(&st);
	diag_list_init(&l);
	diagnose_run(&st, &t, &s, &l);
	assert_int_equal(find(&l, DIAG_SYNFLOOD)->sev, DIAG_OK);

	for (int i = 0; i < 100; i++)
		add(&s, SW_ST_SYN_RECV, "10.0.0.1", 80, i < 60 ? "10.9.9.1" : (i < 90 ? "10.9.9.2" : "10.9.9.3"),
		    (uint16_t)(1000 + i));
	set_counter(&s, "TcpExt", "SyncookiesSent", 82);
	set_counter(&s, "TcpExt", "ListenDrops", 3);
	s.mono_ns += 2000000000;
	diagnose_run(&st, &t, &s, &l);
	const struct diag *d = find(&l, DIAG_SYNFLOOD);
	assert_int_equal(d->sev, DIAG_WARN);
	assert_true(d->value == 100);
	assert_int_equal(d->pid, 31);
	assert_int_equal(d->port, 80);
	assert_string_equal(d->subject, "tcp 10.0.0.1:80");
	assert_non_null(strstr(d->title, "100 SYN_RECV"));
	assert_non_null(strstr(d->title, "50.0 new/s"));
	assert_non_null(strstr(d->title, "nginx (pid 31)"));
	assert_true(details_have(d, "10.9.9.1 (60), 10.9.9.2 (30), 10.9.9.3 (10)"));
	assert_true(details_have(d, "SyncookiesSent +72"));
	assert_true(details_have(d, "ListenDrops +3"));
	assert_true(details_have(d, "backlog 128"));
	assert_non_null(strstr(d->fix, "tcp_syncookies=1"));

	/* beyond the alarm threshold */
	assert_int_equal(diag_threshold_assign(&t, "synrecv_alarm=100", (char[128]){0}, 128), 0);
	s.mono_ns += 1000000000;
	diagnose_run(&st, &t, &s, &l);
	assert_int_equal(find(&l, DIAG_SYNFLOOD)->sev, DIAG_ALARM);
	diag_list_done(&l);
	diag_state_done(&st);
	snapshot_done(&s);
}

static void test_accept_queue(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	kstat_defaults(&s);
	struct sw_conn *c = add(&s, SW_ST_LISTEN, "127.0.0.1", 8080, "0.0.0.0", 0);
	c->rq = 129;
	c->wq = 128;
	own(&s, 0, 55, "python3");
	c = add(&s, SW_ST_LISTEN, "0.0.0.0", 22, "0.0.0.0", 0);
	c->rq = 0;
	c->wq = 128;
	c = add(&s, SW_ST_LISTEN, "0.0.0.0", 25, "0.0.0.0", 0);
	c->rq = 0;
	c->wq = 0; /* listen(0) with nothing queued: fine */
	set_counter(&s, "TcpExt", "ListenOverflows", 100);
	s.mono_ns = 1000000000;
	struct diag_state st;
	struct diag_list l;
	struct diag_thresholds t;
	diag_thresholds_default(&t);
	diag_state_init(&st);
	diag_list_init(&l);
	diagnose_run(&st, &t, &s, &l);
	const struct diag *d = find(&l, DIAG_ACCEPTQ);
	assert_int_equal(d->sev, DIAG_ALARM);
	assert_string_equal(d->subject, "tcp 127.0.0.1:8080");
	assert_int_equal(d->pid, 55);
	assert_non_null(strstr(d->title, "python3 (pid 55)"));
	assert_non_null(strstr(d->title, "129 waiting, backlog 128"));
	assert_false(details_have(d, "ListenOverflows")); /* no delta yet */
	assert_int_equal(diag_list_count(&l, DIAG_WARN), 1);

	set_counter(&s, "TcpExt", "ListenOverflows", 144);
	s.mono_ns += 1000000000;
	diagnose_run(&st, &t, &s, &l);
	d = find(&l, DIAG_ACCEPTQ);
	assert_true(details_have(d, "ListenOverflows +44"));
	assert_non_null(strstr(d->fix, "somaxconn"));

	/* queue drained but the counter still moved: a warning naming the kernel */
	s.conns[0].rq = 2;
	set_counter(&s, "TcpExt", "ListenOverflows", 150);
	s.mono_ns += 1000000000;
	diagnose_run(&st, &t, &s, &l);
	d = find(&l, DIAG_ACCEPTQ);
	assert_int_equal(d->sev, DIAG_WARN);
	assert_string_equal(d->subject, "kernel");
	assert_non_null(strstr(d->title, "+6"));
	/* settled */
	s.mono_ns += 1000000000;
	diagnose_run(&st, &t, &s, &l);
	assert_int_equal(find(&l, DIAG_ACCEPTQ)->sev, DIAG_OK);
	/* 80% warns */
	s.conns[0].rq = 103;
	diagnose_run(&st, &t, &s, &l);
	assert_int_equal(find(&l, DIAG_ACCEPTQ)->sev, DIAG_WARN);
	diag_list_done(&l);
	diag_state_done(&st);
	snapshot_done(&s);
}

static void build_cw(struct sw_snapshot *s, unsigned n, uint64_t t_ns)
{
	snapshot_clear(s);
	kstat_defaults(s);
	s->mono_ns = t_ns;
	add(s, SW_ST_LISTEN, "0.0.0.0", 8000, "0.0.0.0", 0);
	own(s, 0, 99, "leaky");
	for (unsigned i = 0; i < n; i++) {
		add(s, SW_ST_CLOSE_WAIT, "127.0.0.1", 8000, "127.0.0.1", (uint16_t)(50000 + i));
		own(s, s->nconns - 1, 99, "leaky");
	}
	/* another process with one CLOSE_WAIT that does not grow */
	add(s, SW_ST_CLOSE_WAIT, "127.0.0.1", 8001, "127.0.0.1", 60000);
	own(s, s->nconns - 1, 100, "fine");
}

static void test_close_wait(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	struct diag_state st;
	struct diag_list l;
	struct diag_thresholds t;
	diag_thresholds_default(&t);
	diag_state_init(&st);
	diag_list_init(&l);
	static const unsigned counts[] = {2, 3, 5, 7};
	for (int i = 0; i < 4; i++) {
		build_cw(&s, counts[i], (uint64_t)(i + 1) * 1000000000);
		diagnose_run(&st, &t, &s, &l);
		const struct diag *d = find(&l, DIAG_CLOSEWAIT);
		/* growth in 3 refreshes in a row (closewait_growth) is needed */
		assert_int_equal(d->sev, i < 3 ? DIAG_OK : DIAG_WARN);
	}
	const struct diag *d = find(&l, DIAG_CLOSEWAIT);
	assert_int_equal(d->pid, 99);
	assert_string_equal(d->subject, "pid 99");
	assert_non_null(strstr(d->title, "leaky (pid 99)"));
	assert_non_null(strstr(d->title, "7 CLOSE_WAIT"));
	assert_non_null(strstr(d->title, "+2"));
	assert_true(details_have(d, "growing for 3 refreshes"));
	assert_non_null(strstr(d->fix, "close()"));
	assert_int_equal(diag_list_count(&l, DIAG_WARN), 1);
	/* no growth any more, but 12 >= closewait_warn */
	build_cw(&s, 12, 5000000000);
	diagnose_run(&st, &t, &s, &l);
	assert_int_equal(find(&l, DIAG_CLOSEWAIT)->sev, DIAG_WARN);
	build_cw(&s, 12, 6000000000);
	diagnose_run(&st, &t, &s, &l);
	assert_int_equal(find(&l, DIAG_CLOSEWAIT)->sev, DIAG_WARN);
	assert_false(details_have(find(&l, DIAG_CLOSEWAIT), "growing"));
	build_cw(&s, 120, 7000000000);
	diagnose_run(&st, &t, &s, &l);
	assert_int_equal(find(&l, DIAG_CLOSEWAIT)->sev, DIAG_ALARM);
	/* unknown owner (not root): named by its local port */
	snapshot_clear(&s);
	kstat_defaults(&s);
	for (int i = 0; i < 15; i++)
		add(&s, SW_ST_CLOSE_WAIT, "127.0.0.1", 7000, "127.0.0.1", (uint16_t)(30000 + i));
	diagnose_run(&st, &t, &s, &l);
	d = find(&l, DIAG_CLOSEWAIT);
	assert_int_equal(d->sev, DIAG_WARN);
	assert_int_equal(d->pid, -1);
	assert_string_equal(d->subject, "port 7000");
	diag_list_done(&l);
	diag_state_done(&st);
	snapshot_done(&s);
}

static void add_flow(struct sw_snapshot *s, const char *ra, uint32_t retrans, uint32_t segs,
		     uint64_t cookie)
{
	struct sw_conn *c = add(s, SW_ST_ESTABLISHED, "192.0.2.1", 45000, ra, 443);
	c->cookie = cookie;
	size_t ci = s->nconns - 1;
	struct sw_tcpx *x = snapshot_add_tcpx(s, ci);
	x->have = SW_TI_BASE | SW_TI_SEGS;
	x->total_retrans = retrans;
	x->segs_out = segs;
	x->lost = retrans ? 3 : 0;
	x->rtt_us = 120000;
	x->snd_cwnd = 4;
	own(s, ci, 42, "curl");
}

static void test_retrans(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	kstat_defaults(&s);
	s.mono_ns = 1000000000;
	add_flow(&s, "192.0.2.7", 10, 1000, 1);
	add_flow(&s, "192.0.2.8", 0, 1000, 2);
	struct diag_state st;
	struct diag_list l;
	struct diag_thresholds t;
	diag_thresholds_default(&t);
	diag_state_init(&st);
	diag_list_init(&l);
	diagnose_run(&st, &t, &s, &l);
	const struct diag *d = find(&l, DIAG_RETRANS);
	assert_int_equal(d->sev, DIAG_OK);
	assert_non_null(strstr(d->title, "two samples"));

	snapshot_clear(&s);
	kstat_defaults(&s);
	s.mono_ns = 3000000000; /* 2 s later */
	add_flow(&s, "192.0.2.7", 210, 3000, 1);  /* +200 in 2 s = 100/s */
	add_flow(&s, "192.0.2.8", 4, 2000, 2);    /* +4: 2/s, fine */
	add_flow(&s, "192.0.2.9", 30, 100, 3);    /* new since: +30 = 15/s, warn */
	diagnose_run(&st, &t, &s, &l);
	d = find(&l, DIAG_RETRANS);
	assert_int_equal(d->sev, DIAG_ALARM);
	assert_string_equal(d->subject, "192.0.2.7");
	assert_true(d->value > 99.9 && d->value < 100.1);
	assert_non_null(strstr(d->title, "100.0/s"));
	assert_non_null(strstr(d->title, "10.0%")); /* 200 of 2000 segments */
	assert_non_null(strstr(d->title, "curl (pid 42)"));
	assert_true(details_have(d, "192.0.2.1:45000 -> 192.0.2.7:443 +200"));
	assert_int_equal(d[1].id, DIAG_RETRANS);
	assert_int_equal(d[1].sev, DIAG_WARN);
	assert_string_equal(d[1].subject, "192.0.2.9");
	assert_int_equal(diag_list_count(&l, DIAG_WARN), 2);

	/* quiet again */
	s.mono_ns += 1000000000;
	diagnose_run(&st, &t, &s, &l);
	assert_int_equal(find(&l, DIAG_RETRANS)->sev, DIAG_OK);
	diag_list_done(&l);
	diag_state_done(&st);
	snapshot_done(&s);
}

/* Thousands of keys: the scratch hash and the per-cookie memory grow past
 * their first size and keep every count (cookie 0 included). */
static void scale_flows(struct sw_snapshot *s, uint64_t mono, uint32_t bump0, uint32_t bump_last)
{
	snapshot_clear(s);
	kstat_defaults(s);
	s->mono_ns = mono;
	char ra[32];
	for (unsigned i = 0; i < 4000; i++) {
		snprintf(ra, sizeof ra, "10.%u.%u.1", i / 250, i % 250);
		uint32_t r = i % 7 + (i == 0 ? bump0 : 0) + (i == 3999 ? bump_last : 0);
		add_flow(s, ra, r, 1000 + r, i);
	}
	/* 300 sockets toward one destination, one more key among 4000 */
	for (unsigned i = 0; i < 300; i++)
		add(s, SW_ST_ESTABLISHED, "192.0.2.1", (uint16_t)(40000 + i), "198.51.100.1", 80);
}

static void test_many_keys(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	struct diag_state st;
	struct diag_list l;
	struct diag_thresholds t;
	diag_thresholds_default(&t);
	diag_state_init(&st);
	diag_list_init(&l);
	scale_flows(&s, 1000000000, 0, 0);
	diagnose_run(&st, &t, &s, &l);
	scale_flows(&s, 2000000000, 100, 60); /* 1 s later: +100 and +60 */
	diagnose_run(&st, &t, &s, &l);
	const struct diag *d = find(&l, DIAG_RETRANS);
	assert_int_equal(d->sev, DIAG_ALARM);
	assert_string_equal(d->subject, "10.0.0.1");
	assert_true(d->value > 99.9 && d->value < 100.1);
	assert_int_equal(d[1].id, DIAG_RETRANS);
	assert_string_equal(d[1].subject, "10.15.249.1");
	assert_true(d[1].value > 59.9 && d[1].value < 60.1);
	assert_int_equal(diag_list_count(&l, DIAG_WARN), 2);
	/* the same again: no growth, nothing to report */
	scale_flows(&s, 3000000000, 100, 60);
	diagnose_run(&st, &t, &s, &l);
	assert_int_equal(find(&l, DIAG_RETRANS)->sev, DIAG_OK);
	assert_int_equal(diag_list_count(&l, DIAG_WARN), 0);

	struct diag_eph e[3];
	long range = 0;
	assert_int_equal(diag_ephemeral_top(&st, &s, e, 3, &range), 3);
	assert_int_equal(range, 60999 - 32768 + 1);
	assert_int_equal(e[0].used, 300);
	assert_int_equal(e[0].dport, 80);
	assert_int_equal(e[1].used, 1);
	diag_list_done(&l);
	diag_state_done(&st);
	snapshot_done(&s);
}

/* A healthy server's connections (no retransmits, no losses) take no room
 * in the per-cookie memory (at 100k sockets its two tables were 4 MB of the
 * monitor's peak), and a retransmitting one is still followed. */
static void test_healthy_memory(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	kstat_defaults(&s);
	char ra[32];
	for (unsigned i = 0; i < 20000; i++) {
		snprintf(ra, sizeof ra, "10.%u.%u.%u", i / 62500, i / 250 % 250, i % 250 + 1);
		add_flow(&s, ra, 0, 1000, i);
	}
	add_flow(&s, "192.0.2.7", 10, 1000, 99999);
	struct diag_state st;
	struct diag_list l;
	struct diag_thresholds t;
	diag_thresholds_default(&t);
	diag_state_init(&st);
	diag_list_init(&l);
	s.mono_ns = 1000000000;
	diagnose_run(&st, &t, &s, &l);
	assert_true(st.ck_cap <= 64); /* one socket remembered, not 20001 */
	s.tcpx[s.conns[s.nconns - 1].tcpx].total_retrans = 110; /* +100 in 1 s */
	s.mono_ns = 2000000000;
	diagnose_run(&st, &t, &s, &l);
	const struct diag *d = find(&l, DIAG_RETRANS);
	assert_int_equal(d->sev, DIAG_ALARM);
	assert_string_equal(d->subject, "192.0.2.7");
	assert_true(d->value > 99.9 && d->value < 100.1);
	diag_list_done(&l);
	diag_state_done(&st);
	snapshot_done(&s);
}

static void test_thresholds(void **state)
{
	(void)state;
	struct diag_thresholds t;
	char err[512];
	diag_thresholds_default(&t);
	assert_true(t.ephemeral_warn == 50 && t.ephemeral_alarm == 80);
	assert_int_equal(diag_threshold_assign(&t, "closewait_warn=20", err, sizeof err), 0);
	assert_true(t.closewait_warn == 20);
	assert_int_equal(diag_threshold_assign(&t, "nosuch=1", err, sizeof err), -ENOENT);
	assert_non_null(strstr(err, "nosuch"));
	assert_int_equal(diag_threshold_assign(&t, "ephemeral_warn=abc", err, sizeof err), -EINVAL);
	assert_non_null(strstr(err, "abc"));
	assert_int_equal(diag_threshold_assign(&t, "ephemeral_warn=150", err, sizeof err), -EINVAL);
	assert_int_equal(diag_threshold_assign(&t, "ephemeral_warn", err, sizeof err), -EINVAL);
	assert_int_equal(diag_threshold_assign(&t, "=3", err, sizeof err), -EINVAL);
	assert_true(t.ephemeral_warn == 50); /* failures keep the value */
	assert_int_equal(diag_threshold_count(), 16);
	for (size_t i = 0; i < diag_threshold_count(); i++) {
		assert_non_null(diag_threshold_name(i));
		assert_non_null(diag_threshold_help(i));
	}
	assert_string_equal(diag_id_name(DIAG_CLOSEWAIT), "close_wait_leak");
	assert_int_equal(diag_id_from_name("syn_flood"), DIAG_SYNFLOOD);
	assert_int_equal(diag_id_from_name("x"), -1);
	assert_string_equal(diag_sev_name(DIAG_ALARM), "alarm");
}

static void test_rcfile(void **state)
{
	(void)state;
	const char *text =
		"# sockwatch\n"
		"version = 1\n"
		"threshold.ephemeral_warn = 40\n"
		"threshold.closewait_warn=25\r\n"
		"threshold.nosuch = 3\n"
		"threshold.synrecv_alarm = lots\n"
		"this line has no equals sign\n"
		"\n"
		"   ; another comment\n"
		"ui.sort = -rxrate\n"
		"colour = yes\n"
		"version = 7";
	struct diag_thresholds t;
	diag_thresholds_default(&t);
	char *msgs = NULL;
	size_t msglen = 0;
	FILE *w = open_memstream(&msgs, &msglen);
	int rc = rcfile_parse("rc", text, strlen(text), &t,
			      NULL, NULL, w);
	fclose(w);
	assert_int_equal(rc, 6);
	assert_true(t.ephemeral_warn == 40);
	assert_true(t.closewait_warn == 25);
	assert_true(t.synrecv_alarm == 512);
	assert_non_null(strstr(msgs, "rc:5: "));
	assert_non_null(strstr(msgs, "nosuch"));
	assert_non_null(strstr(msgs, "rc:6: "));
	assert_non_null(strstr(msgs, "lots"));
	assert_non_null(strstr(msgs, "rc:7: "));
	assert_non_null(strstr(msgs, "rc:10: "));
	assert_non_null(strstr(msgs, "rc:11: "));
	assert_non_null(strstr(msgs, "rc:12: "));
	assert_null(strstr(msgs, "rc:3:"));
	assert_null(strstr(msgs, "rc:4:"));
	free(msgs);

	/* a UTF-8 byte order mark (some editors write one) is not part of
	 * the first key */
	static const char bom[] = "\xef\xbb\xbfthreshold.closewait_warn = 33\n";
	diag_thresholds_default(&t);
	assert_int_equal(rcfile_parse("bom", bom, strlen(bom), &t, NULL, NULL, NULL), 0);
	assert_true(t.closewait_warn == 33);

	/* a line's escape sequences are shown escaped, never sent raw */
	static const char esc[] = "colour\x1b]0;pwned\a = 1\nui.\x1b[2Jx = y\n";
	w = open_memstream(&msgs, &msglen);
	assert_int_equal(rcfile_parse("rc", esc, strlen(esc), &t, NULL, NULL, w), 2);
	fclose(w);
	assert_null(strchr(msgs, '\x1b'));
	assert_null(strchr(msgs, '\a'));
	assert_non_null(strstr(msgs, "colour\\x1b]0;pwned\\x07"));
	assert_non_null(strstr(msgs, "ui.\\x1b[2Jx"));
	free(msgs);

	/* save + load round trip in a fresh directory (created by save) */
	char dir[] = "/tmp/sw-rcfile-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/sub/sockwatchrc", dir);
	t.retrans_alarm = 123.5;
	assert_int_equal(rcfile_save(path, &t), 0);
	struct diag_thresholds u;
	diag_thresholds_default(&u);
	assert_int_equal(rcfile_load(path, &u, NULL, NULL, stderr), 0);
	assert_memory_equal(&t, &u, sizeof t);
	/* no temporary left behind */
	char cmd[512];
	snprintf(cmd, sizeof cmd, "test $(ls -A %s/sub | wc -l) = 1", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(rcfile_load("/nonexistent/sockwatchrc", &u, NULL, NULL, NULL), -ENOENT);

	/* a FIFO at the path: refused at once (no hang), never replaced */
	char fifo[256];
	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(rcfile_load(fifo, &u, NULL, NULL, NULL), -SW_ENOTREG(S_IFIFO));
	assert_int_equal(rcfile_save(fifo, &t), -SW_ENOTREG(S_IFIFO));
	struct stat sb;
	assert_int_equal(lstat(fifo, &sb), 0);
	assert_true(S_ISFIFO(sb.st_mode));
	/* a symbolic link to a regular file (dotfiles managed by stow) is
	 * saved through: the target is replaced, the link stays a link; a link
	 * to a FIFO is refused like the FIFO */
	char link[256], target[256];
	snprintf(target, sizeof target, "%s/dotfiles-rc", dir);
	snprintf(link, sizeof link, "%s/linked-rc", dir);
	FILE *tf = fopen(target, "w");
	assert_non_null(tf);
	fclose(tf);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(rcfile_save(link, &t), 0);
	assert_int_equal(lstat(link, &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	diag_thresholds_default(&u);
	assert_int_equal(rcfile_load(target, &u, NULL, NULL, stderr), 0);
	assert_memory_equal(&t, &u, sizeof t);
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink(fifo, link), 0);
	assert_int_equal(rcfile_save(link, &t), -SW_ENOTREG(S_IFIFO));
	assert_int_equal(lstat(fifo, &sb), 0);
	assert_true(S_ISFIFO(sb.st_mode));

	/* over 1 MiB: read to the last whole line, then "file too large" */
	char big[256];
	snprintf(big, sizeof big, "%s/big", dir);
	FILE *bf = fopen(big, "w");
	assert_non_null(bf);
	fputs("threshold.closewait_warn = 7\n", bf);
	for (int i = 0; i < 30000; i++)
		fprintf(bf, "# padding %06d .............................................\n", i);
	fputs("threshold.closewait_warn = 9\n", bf);
	fclose(bf);
	char *bmsgs = NULL;
	size_t bmlen = 0;
	FILE *bw = open_memstream(&bmsgs, &bmlen);
	diag_thresholds_default(&u);
	assert_int_equal(rcfile_load(big, &u, NULL, NULL, bw), 1);
	fclose(bw);
	assert_non_null(strstr(bmsgs, "file too large"));
	assert_null(strstr(bmsgs, "line too long"));
	assert_int_equal((int)u.closewait_warn, 7); /* the line past 1 MiB is not read */
	free(bmsgs);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);

	/* default path */
	setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
	assert_int_equal(rcfile_default_path(path, sizeof path), 0);
	assert_string_equal(path, "/x/cfg/sockwatch/sockwatchrc");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/u", 1);
	assert_int_equal(rcfile_default_path(path, sizeof path), 0);
	assert_string_equal(path, "/home/u/.config/sockwatch/sockwatchrc");
}

/* The kernel's TIME_WAIT reuse rule (tcp_twsk_unique): 0/1/2 x loopback
 * or not, timestamps off, the reuse delay, unknown values. */
static void test_tw_rule(void **state)
{
	(void)state;
	struct diag_twrule r;
	/* 0: never */
	diag_tw_rule(0, 1, true, 1000, 1000, &r);
	assert_false(r.reuse);
	assert_true(r.hold_s == 60 && r.rate > 16.6 && r.rate < 16.7);
	assert_int_equal(r.want_reuse, 2); /* the default would do on loopback */
	diag_tw_rule(0, 1, false, 1000, 1000, &r);
	assert_false(r.reuse);
	assert_int_equal(r.want_reuse, 1);
	/* 1: everywhere */
	diag_tw_rule(1, 1, true, 1000, 1000, &r);
	assert_true(r.reuse && r.rate == 1000 && r.want_reuse == -1 && !r.want_ts);
	diag_tw_rule(1, 1, false, 1000, 1000, &r);
	assert_true(r.reuse && r.rate == 1000 && r.want_reuse == -1);
	/* 2: loopback only */
	diag_tw_rule(2, 1, true, 1000, 1000, &r);
	assert_true(r.reuse && r.rate == 1000 && r.want_reuse == -1);
	diag_tw_rule(2, 1, false, 1000, 1000, &r);
	assert_false(r.reuse);
	assert_true(r.rate > 16.6 && r.rate < 16.7);
	assert_int_equal(r.want_reuse, 1);
	/* timestamps off: no reuse whatever tcp_tw_reuse says */
	diag_tw_rule(1, 0, false, 1000, 1000, &r);
	assert_false(r.reuse);
	assert_true(r.want_ts && r.want_reuse == -1 && r.hold_s == 60);
	diag_tw_rule(2, 0, true, 1000, 1000, &r);
	assert_false(r.reuse);
	assert_true(r.want_ts);
	/* tcp_tw_reuse_delay 500 ms: twice the rate; unknown: 1 s */
	diag_tw_rule(1, 1, false, 1000, 500, &r);
	assert_true(r.rate == 2000);
	/* all unknown: the kernel defaults (2, timestamps on, 1 s) */
	diag_tw_rule(-1, -1, true, 1000, -1, &r);
	assert_true(r.reuse && r.rate == 1000);
	diag_tw_rule(-1, -1, false, 1000, -1, &r);
	assert_false(r.reuse);
}

/* The four objects every diagnosis test needs, and their release. */
static void dfx_init(struct sw_snapshot *s, struct diag_state *st, struct diag_list *l,
		     struct diag_thresholds *t)
{
	snapshot_init(s);
	diag_state_init(st);
	diag_list_init(l);
	diag_thresholds_default(t);
}

/* Declare them (s, st, l, t) and initialize them. */
#define DFX_DECLARE(s, st, l, t)                                                        \
	struct sw_snapshot s;                                                          \
	struct diag_state st;                                                          \
	struct diag_list l;                                                            \
	struct diag_thresholds t;                                                      \
	dfx_init(&s, &st, &l, &t)

static void dfx_done(struct sw_snapshot *s, struct diag_state *st, struct diag_list *l)
{
	diag_list_done(l);
	diag_state_done(st);
	snapshot_done(s);
}

/* Only settings that change something are recommended. */
static void test_ephemeral_reuse_advice(void **state)
{
	(void)state;
	DFX_DECLARE(s, st, l, t);
	build_storm(&s, 170);
	s.kstat.tcp_tw_reuse = 2; /* the default, loopback destination */
	diagnose_run(&st, &t, &s, &l);
	const struct diag *d = find(&l, DIAG_EPHEMERAL);
	assert_int_equal(d->sev, DIAG_ALARM);
	assert_true(details_have(d, "about 201 new connections/s"));
	assert_false(details_have(d, "at most"));
	assert_null(strstr(d->fix, "sysctl -w net.ipv4.tcp_tw_reuse"));
	assert_non_null(strstr(d->fix, "ip_local_port_range"));
	assert_non_null(strstr(d->fix, "pool"));
	/* timestamps off: that is the setting to change */
	s.kstat.tcp_timestamps = 0;
	diagnose_run(&st, &t, &s, &l);
	d = find(&l, DIAG_EPHEMERAL);
	assert_true(details_have(d, "tcp_timestamps=0"));
	assert_non_null(strstr(d->fix, "tcp_timestamps=1"));
	assert_null(strstr(d->fix, "sysctl -w net.ipv4.tcp_tw_reuse"));

	/* a remote destination with 2: tcp_tw_reuse=1 would change it */
	snapshot_clear(&s);
	kstat_defaults(&s);
	s.kstat.port_lo = 40000;
	s.kstat.port_hi = 40200;
	for (unsigned i = 0; i < 170; i++)
		add(&s, SW_ST_TIME_WAIT, "192.0.2.10", (uint16_t)(40000 + i), "198.51.100.7", 3306);
	diagnose_run(&st, &t, &s, &l);
	d = find(&l, DIAG_EPHEMERAL);
	assert_int_equal(d->sev, DIAG_ALARM);
	assert_true(details_have(d, "loopback traffic only"));
	assert_true(details_have(d, "at most 3 new connections/s"));
	assert_true(details_have(d, "server: not on this host"));
	assert_non_null(strstr(d->fix, "sysctl -w net.ipv4.tcp_tw_reuse=1"));
	dfx_done(&s, &st, &l);
}

/* nginx -> php-fpm -> MariaDB: php-fpm opens the MySQL connections; at the
 * refresh where all of them are in TIME_WAIT (no owner), the client is
 * still named from an earlier refresh, for as long as TIME_WAIT lasts. */
static void build_mysql(struct sw_snapshot *s, uint64_t mono, bool live_client)
{
	snapshot_clear(s);
	kstat_defaults(s);
	s->kstat.port_lo = 40000;
	s->kstat.port_hi = 40200;
	s->mono_ns = mono;
	add(s, SW_ST_LISTEN, "127.0.0.1", 3306, "0.0.0.0", 0)->wq = 80;
	own(s, s->nconns - 1, 9, "mariadbd");
	for (unsigned i = 0; i < 170; i++)
		add(s, SW_ST_TIME_WAIT, "127.0.0.1", (uint16_t)(40000 + i), "127.0.0.1", 3306);
	if (live_client) {
		add(s, SW_ST_ESTABLISHED, "127.0.0.1", 40190, "127.0.0.1", 3306);
		own(s, s->nconns - 1, 42, "php-fpm");
	}
}

static void test_client_memory(void **state)
{
	(void)state;
	DFX_DECLARE(s, st, l, t);
	build_mysql(&s, 1000000000, true);
	diagnose_run(&st, &t, &s, &l);
	const struct diag *d = find(&l, DIAG_EPHEMERAL);
	assert_int_equal(d->pid, 42);
	assert_true(details_have(d, "client: php-fpm (pid 42); server: mariadbd (pid 9)"));
	/* 3 s later no client socket is alive */
	build_mysql(&s, 4000000000, false);
	diagnose_run(&st, &t, &s, &l);
	d = find(&l, DIAG_EPHEMERAL);
	assert_int_equal(d->sev, DIAG_ALARM);
	assert_int_equal(d->pid, 42);
	assert_string_equal(d->comm, "php-fpm");
	assert_true(details_have(d, "client: php-fpm (pid 42, seen 3 s ago); server: mariadbd (pid 9)"));
	/* past the TIME_WAIT length it is forgotten */
	build_mysql(&s, 70000000000, false);
	diagnose_run(&st, &t, &s, &l);
	d = find(&l, DIAG_EPHEMERAL);
	assert_int_equal(d->pid, -1);
	assert_true(details_have(d, "client: unknown"));
	/* memory is bounded: 5000 destinations with a live client each */
	snapshot_clear(&s);
	kstat_defaults(&s);
	s.mono_ns = 80000000000;
	for (unsigned i = 0; i < 5000; i++) {
		char ip[32];
		snprintf(ip, sizeof ip, "10.1.%u.%u", i / 250, i % 250 + 1);
		add(&s, SW_ST_ESTABLISHED, "10.0.0.1", (uint16_t)(33000 + i), ip, 443);
		own(&s, s.nconns - 1, 100, "curl");
	}
	diagnose_run(&st, &t, &s, &l);
	assert_true(st.ow_n > 0 && st.ow_n <= 768); /* 3/4 of 1024 slots */
	dfx_done(&s, &st, &l);
}

/* php-fpm closes FastCGI connections first: their TIME_WAIT sits on local
 * port 9000 (the server side), holds no ephemeral ports, and is named as
 * the server's. */
static void test_timewait_server_side(void **state)
{
	(void)state;
	DFX_DECLARE(s, st, l, t);
	kstat_defaults(&s);
	s.kstat.port_lo = 40000;
	s.kstat.port_hi = 40200;
	s.kstat.tcp_max_tw_buckets = 250;
	add(&s, SW_ST_LISTEN, "127.0.0.1", 9000, "0.0.0.0", 0)->wq = 511;
	own(&s, 0, 77, "php-fpm");
	for (unsigned i = 0; i < 150; i++)
		add(&s, SW_ST_TIME_WAIT, "127.0.0.1", 9000, "127.0.0.1", (uint16_t)(40000 + i));
	for (unsigned i = 0; i < 10; i++)
		add(&s, SW_ST_TIME_WAIT, "127.0.0.1", (uint16_t)(40150 + i), "127.0.0.1", 3306);
	diagnose_run(&st, &t, &s, &l);
	const struct diag *d = find(&l, DIAG_TIMEWAIT);
	assert_int_equal(d->sev, DIAG_WARN); /* 160 of 250 buckets */
	assert_string_equal(d->subject, "tcp 127.0.0.1:9000");
	assert_int_equal(d->port, 9000);
	assert_int_equal(d->pid, 77);
	assert_true(details_have(d, "server side"));
	assert_true(details_have(d, "127.0.0.1:9000 (150)"));
	assert_true(details_have(d, "client side (ephemeral ports), most TIME_WAIT toward: 127.0.0.1:3306 (10)"));
	assert_true(details_have(d, "MiB of kernel memory"));
	assert_non_null(strstr(d->fix, "sport = :9000"));
	assert_non_null(strstr(d->fix, "tcp_tw_reuse does not apply"));
	/* no ephemeral port is held toward the nginx side */
	d = find(&l, DIAG_EPHEMERAL);
	assert_int_equal(d->sev, DIAG_OK);
	assert_true(d->value == 10);
	dfx_done(&s, &st, &l);
}

/* The SYN queue limit as the kernel applies it (tcp_conn_request). */
static void test_synq_limit(void **state)
{
	(void)state;
	assert_int_equal(diag_synq_limit(8, 1, 2048), 9);      /* backlog 8: 9 half-open */
	assert_int_equal(diag_synq_limit(511, 1, 512), 512);   /* the old fixed alarm */
	assert_int_equal(diag_synq_limit(0, 1, 512), 1);       /* listen(0) */
	assert_int_equal(diag_synq_limit(4096, 2, 128), 4097); /* max_syn_backlog: only without cookies */
	assert_int_equal(diag_synq_limit(511, 0, 128), 97);    /* no cookies: last quarter kept */
	assert_int_equal(diag_synq_limit(64, 0, 2048), 65);
	assert_int_equal(diag_synq_limit(64, -1, -1), 65);
	assert_int_equal(diag_synq_limit(-1, 1, 512), -1);
}

/* A small backlog's queue fills long before 512 half-open: alarm, with the
 * totals of a burst that ended before the first sample. */
static void test_syn_small_backlog(void **state)
{
	(void)state;
	DFX_DECLARE(s, st, l, t);
	kstat_defaults(&s);
	s.kstat.tcp_max_syn_backlog = 2048;
	s.kstat.netns_init = 0;
	add(&s, SW_ST_LISTEN, "127.0.0.1", 8443, "0.0.0.0", 0)->wq = 8;
	own(&s, 0, 5, "halfopen");
	for (int i = 0; i < 9; i++)
		add(&s, SW_ST_SYN_RECV, "127.0.0.1", 8443, "127.0.0.1", (uint16_t)(50000 + i));
	set_counter(&s, "TcpExt", "SyncookiesSent", 291);
	set_counter(&s, "TcpExt", "ListenDrops", 0);
	set_counter(&s, "TcpExt", "TCPReqQFullDrop", 0);
	diagnose_run(&st, &t, &s, &l);
	const struct diag *d = find(&l, DIAG_SYNFLOOD);
	assert_int_equal(d->sev, DIAG_ALARM);
	assert_string_equal(d->subject, "tcp 127.0.0.1:8443");
	assert_true(d->value == 9 && d->limit == 9);
	assert_non_null(strstr(d->title, "is full: 9 half-open of its limit 9"));
	assert_non_null(strstr(d->title, "syncookies"));
	assert_true(details_have(d, "in all (since the network namespace was created): SyncookiesSent 291"));
	/* half full: warn (synq_warn 50%) */
	snapshot_clear(&s);
	kstat_defaults(&s);
	add(&s, SW_ST_LISTEN, "0.0.0.0", 8443, "0.0.0.0", 0)->wq = 16;
	for (int i = 0; i < 9; i++)
		add(&s, SW_ST_SYN_RECV, "127.0.0.1", 8443, "127.0.0.1", (uint16_t)(50000 + i));
	diagnose_run(&st, &t, &s, &l);
	d = find(&l, DIAG_SYNFLOOD);
	assert_int_equal(d->sev, DIAG_WARN);
	assert_true(details_have(d, "9 half-open of its SYN queue limit 17"));
	dfx_done(&s, &st, &l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ephemeral_storm),
		cmocka_unit_test(test_tw_rule),
		cmocka_unit_test(test_ephemeral_reuse_advice),
		cmocka_unit_test(test_client_memory),
		cmocka_unit_test(test_timewait_server_side),
		cmocka_unit_test(test_synq_limit),
		cmocka_unit_test(test_syn_small_backlog),
		cmocka_unit_test(test_timewait_buckets),
		cmocka_unit_test(test_syn_flood),
		cmocka_unit_test(test_accept_queue),
		cmocka_unit_test(test_close_wait),
		cmocka_unit_test(test_retrans),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_healthy_memory),
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_rcfile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
