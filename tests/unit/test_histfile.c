/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_histfile: the history format (core/histfile.c, histcodec.c):
 * snapshot -> bytes -> snapshot is the same snapshot, for keyframes and for
 * deltas (sockets added, removed and changed, processes, counters and
 * interface names changing); a torn or corrupted frame is refused; a delta
 * whose base is missing waits for the next keyframe; the slack keeps a
 * count-down timer from being a change, and the encoder's idea of what
 * the reader holds stays the reader's; close events come back from a
 * sample's payload alone; the --from/--to time words. */
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
#include <sys/socket.h>
#include <time.h>

#include "core/histfile.h"
#include "core/snapshot.h"

/* ---- building and comparing snapshots ---- */

static void add_tcp(struct sw_snapshot *s, uint64_t cookie, uint8_t state, uint32_t pid_idx,
		    uint64_t acked)
{
	struct sw_conn *c = snapshot_add_conn(s);
	size_t ci = s->nconns - 1;
	c->cookie = cookie;
	c->family = AF_INET;
	c->proto = SW_PROTO_TCP;
	c->state = state;
	c->inode = (uint32_t)(1000 + cookie);
	c->uid = 33;
	c->flags = SW_CF_HAS_UID;
	uint8_t la[16] = {127, 0, 0, 1}, ra[16] = {127, 0, 0, 2};
	snapshot_set_addr(s, c, false, la);
	c->local.port = 3306;
	snapshot_set_addr(s, c, true, ra);
	c->remote.port = (uint16_t)(40000 + cookie);
	c->timer = SW_TIMER_KEEPALIVE;
	c->expires_ms = 7000;
	struct sw_tcpx *x = snapshot_add_tcpx(s, ci);
	x->have = SW_TI_BASE | SW_TI_BYTES | SW_TI_CONG;
	x->rtt_us = 120;
	x->snd_cwnd = 10;
	x->bytes_acked = acked;
	x->bytes_received = acked / 2;
	x->last_data_sent_ms = 250;
	x->cong_off = snapshot_intern(s, "cubic", 5);
	if (pid_idx != SW_NONE) {
		snapshot_add_owner(s, &s->conns[ci], pid_idx, (int32_t)(10 + cookie));
	}
}

static void add_unix(struct sw_snapshot *s, uint64_t cookie, const char *name)
{
	struct sw_conn *c = snapshot_add_conn(s);
	c->cookie = cookie;
	c->family = AF_UNIX;
	c->proto = SW_PROTO_UNIX;
	c->state = SW_ST_LISTEN;
	c->sotype = 1;
	c->peer_inode = 77;
	c->flags = SW_CF_HAS_PEER;
	size_t n = strlen(name) + 1; /* abstract-style: may hold a NUL */
	c = &s->conns[s->nconns - 1];
	c->name_off = snapshot_pool_add(s, name, n);
	c->name_len = (uint8_t)n;
}

static void base(struct sw_snapshot *s, uint64_t t_sec)
{
	snapshot_clear(s);
	s->detail = false;
	s->real_sec = 1700000000 + (int64_t)t_sec;
	s->mono_ns = (1000 + t_sec) * 1000000000ull;
	s->collect_ms = 12.5;
	s->protos_done = SW_PROTO_ALL;
	s->notes = SW_NOTE_PROCS_PARTIAL;
	strcpy(s->hostname, "db1");
	strcpy(s->netns, "test");
	struct sw_proc p = {.pid = 4242, .uid = 0, .starttime = 99, .comm = "mysqld"};
	p.cmdline_off = snapshot_pool_add(s, "/usr/sbin/mysqld --port 3306", 28);
	p.cmdline_len = 28;
	snapshot_add_proc(s, &p);
	struct sw_proc q = {.pid = 7, .uid = 33, .starttime = 5, .comm = "php-fpm"};
	snapshot_add_proc(s, &q);
	s->have_kstat = true;
	memset(&s->kstat, 0, sizeof s->kstat);
	s->kstat.port_lo = 32768;
	s->kstat.port_hi = 60999;
	s->kstat.tcp_tw_reuse = 2;
	s->kstat.sockstat_tw = 10;
	strcpy(s->kstat.reserved_ports, "8080");
	const char *names[] = {"ListenOverflows", "TCPTimeWaitOverflow", "InSegs"};
	for (int i = 0; i < 3; i++) {
		struct sw_counter *c = &s->kstat.counters[s->kstat.ncounters++];
		strcpy(c->group, i < 2 ? "TcpExt" : "Tcp");
		strcpy(c->name, names[i]);
		c->value = 100u * (unsigned)i + t_sec;
	}
	snapshot_add_ifname(s, 1, "lo");
}

static const struct sw_conn *find(const struct sw_snapshot *s, uint64_t cookie)
{
	for (size_t i = 0; i < s->nconns; i++)
		if (s->conns[i].cookie == cookie)
			return &s->conns[i];
	return NULL;
}

static void same_conn(const struct sw_snapshot *a, const struct sw_conn *x,
		      const struct sw_snapshot *b, const struct sw_conn *y)
{
	struct sw_conn p = *x, q = *y;
	p.tcpx = q.tcpx = 0; /* (and a UNIX socket's name_off, compared below) */
	p.owners_off = q.owners_off = 0;
	/* addresses compared by value: the two snapshots have their own
	 * address tables (indexes and table ids differ) */
	assert_memory_equal(sw_laddr(x), sw_laddr(y), 16);
	assert_memory_equal(sw_raddr(x), sw_raddr(y), 16);
	p.local.ai = q.local.ai = p.remote.ai = q.remote.ai = 0;
	p.atab = q.atab = 0;
	assert_memory_equal(&p, &q, sizeof p);
	assert_memory_equal(a->pool + x->name_off, b->pool + y->name_off, x->name_len);
	const struct sw_tcpx *tx = snapshot_tcpx(a, x), *ty = snapshot_tcpx(b, y);
	assert_int_equal(tx != NULL, ty != NULL);
	if (tx) {
		struct sw_tcpx u = *tx, v = *ty;
		assert_string_equal(snapshot_cong(a, tx), snapshot_cong(b, ty));
		u.cong_off = v.cong_off = 0;
		assert_memory_equal(&u, &v, sizeof u);
	}
	for (uint32_t i = 0; i < x->owners_n; i++) {
		assert_int_equal(snapshot_owner_proc(a, x, i)->pid, snapshot_owner_proc(b, y, i)->pid);
		struct sw_owner oa, ob;
		assert_true(snapshot_owner(a, x, i, &oa));
		assert_true(snapshot_owner(b, y, i, &ob));
		assert_int_equal(oa.fd, ob.fd);
	}
}

static void same_snapshot(const struct sw_snapshot *a, const struct sw_snapshot *b)
{
	assert_int_equal(a->nconns, b->nconns);
	for (size_t i = 0; i < a->nconns; i++) {
		const struct sw_conn *y = find(b, a->conns[i].cookie);
		assert_non_null(y);
		same_conn(a, &a->conns[i], b, y);
	}
	assert_int_equal(a->real_sec, b->real_sec);
	assert_int_equal(a->mono_ns, b->mono_ns);
	assert_int_equal(a->notes, b->notes);
	assert_int_equal(a->protos_done, b->protos_done);
	assert_string_equal(a->hostname, b->hostname);
	assert_string_equal(a->netns, b->netns);
	assert_int_equal(a->nprocs, b->nprocs);
	for (size_t i = 0; i < a->nprocs; i++) {
		assert_int_equal(a->procs[i].pid, b->procs[i].pid);
		assert_int_equal(a->procs[i].starttime, b->procs[i].starttime);
		assert_string_equal(a->procs[i].comm, b->procs[i].comm);
		assert_int_equal(a->procs[i].cmdline_len, b->procs[i].cmdline_len);
		assert_memory_equal(a->pool + a->procs[i].cmdline_off,
				    b->pool + b->procs[i].cmdline_off, a->procs[i].cmdline_len);
	}
	assert_int_equal(a->have_kstat, b->have_kstat);
	assert_int_equal(a->kstat.port_hi, b->kstat.port_hi);
	assert_int_equal(a->kstat.sockstat_tw, b->kstat.sockstat_tw);
	assert_string_equal(a->kstat.reserved_ports, b->kstat.reserved_ports);
	assert_int_equal(a->kstat.ncounters, b->kstat.ncounters);
	for (size_t i = 0; i < a->kstat.ncounters; i++) {
		assert_string_equal(a->kstat.counters[i].name, b->kstat.counters[i].name);
		assert_int_equal(a->kstat.counters[i].value, b->kstat.counters[i].value);
	}
	assert_int_equal(a->nifnames, b->nifnames);
	for (size_t i = 0; i < a->nifnames; i++)
		assert_string_equal(snapshot_ifname(b, a->ifnames[i].index), a->ifnames[i].name);
}

/* Decode the one frame in buf. */
static int apply_frame(struct hf_dec *d, const struct hf_buf *b)
{
	size_t plen = 0;
	assert_int_equal(hf_frame_check(b->p, b->len, &plen), 1);
	assert_int_equal(plen + HF_FRAME_HDR, b->len);
	return hf_dec_apply(d, b->p + HF_FRAME_HDR, plen);
}

/* Sample t of a scenario that changes a bit at every step. */
static void scenario(struct sw_snapshot *s, unsigned t)
{
	base(s, t);
	/* 1..20 stay; 21+t arrives; 21+t-3 leaves; 5 changes state at 3 */
	for (uint64_t c = 1; c <= 20; c++)
		add_tcp(s, c * 3, c == 5 && t >= 3 ? SW_ST_CLOSE_WAIT : SW_ST_ESTABLISHED,
			c % 2 ? 0 : 1, c == 7 ? 1000 * t : 500);
	for (uint64_t c = t > 3 ? t - 3 : 0; c <= t; c++)
		add_tcp(s, 1000 + c, SW_ST_TIME_WAIT, SW_NONE, 0);
	add_unix(s, 5000, t >= 2 ? "/run/mysqld.sock" : "/run/old.sock");
	if (t >= 4) {
		struct sw_proc p = {.pid = 9, .comm = "nginx"};
		snapshot_add_proc(s, &p);
		snapshot_add_ifname(s, 2, "eth0");
		strcpy(s->kstat.counters[2].name, "OutSegs");
	}
	s->kstat.sockstat_tw = 10 + (int)t;
}

/* Samples 0..steps-1 of make() through an encoder with a keyframe every
 * keyframe samples and back: each decodes to what was encoded, and passes
 * check() when there is one. */
static void roundtrip_with(unsigned keyframe, unsigned steps,
			   void (*make)(struct sw_snapshot *, unsigned),
			   void (*check)(const struct sw_snapshot *, unsigned))
{
	struct hf_enc *e = hf_enc_new(keyframe, 0);
	struct hf_dec *d = hf_dec_new();
	struct sw_snapshot s;
	snapshot_init(&s);
	struct hf_buf b = {0};
	for (unsigned t = 0; t < steps; t++) {
		make(&s, t);
		b.len = 0;
		bool key;
		hf_enc_sample(e, &s, &b, &key);
		assert_int_equal(key, t % keyframe == 0);
		assert_int_equal(apply_frame(d, &b), 0);
		same_snapshot(&s, hf_dec_snapshot(d));
		if (check)
			check(hf_dec_snapshot(d), t);
	}
	hf_buf_done(&b);
	snapshot_done(&s);
	hf_dec_free(d);
	hf_enc_free(e);
}

static void roundtrip(unsigned keyframe)
{
	roundtrip_with(keyframe, 8, scenario, NULL);
}

/* One cookie that is a UNIX socket and a TCP one by turns, beside enough
 * TCP sockets that a name's pool offset is also a valid tcp_info index: a
 * UNIX name and tcp_info share a record's room, so a row changed in place
 * must drop the one it had (recorded files never do this; a hostile one
 * may) rather than take another socket's tcp_info. */
static void flip_scenario(struct sw_snapshot *s, unsigned t)
{
	base(s, t);
	for (uint64_t c = 1; c <= 300; c++)
		add_tcp(s, c, SW_ST_ESTABLISHED, SW_NONE, 1000 * c);
	if (t % 2)
		add_tcp(s, 6000, SW_ST_ESTABLISHED, SW_NONE, 7 + t);
	else
		add_unix(s, 6000, t % 4 ? "/run/php/www.sock" : "/run/flip.sock");
}

static void flip_check(const struct sw_snapshot *g, unsigned t)
{
	const struct sw_conn *f = find(g, 6000);
	if (t % 2) {
		assert_int_equal(f->name_len, 0);
		const struct sw_tcpx *x = snapshot_tcpx(g, f);
		assert_non_null(x);
		assert_int_equal(x ? x->bytes_acked : 0, 7 + t);
	} else {
		assert_null(snapshot_tcpx(g, f));
		assert_true(f->name_len > 10);
	}
}

static void test_proto_flip(void **st)
{
	(void)st;
	roundtrip_with(100, 6, flip_scenario, flip_check);
}

static void test_roundtrip_keyframes(void **st)
{
	(void)st;
	roundtrip(1);
}

static void test_roundtrip_deltas(void **st)
{
	(void)st;
	roundtrip(100);
	roundtrip(3);
}

/* A stable socket costs nothing in a delta; one counter change a few bytes. */
static void test_delta_small(void **st)
{
	(void)st;
	struct hf_enc *e = hf_enc_new(100, 250);
	struct sw_snapshot s;
	snapshot_init(&s);
	struct hf_buf b = {0};
	bool key;
	base(&s, 0);
	for (uint64_t c = 1; c <= 1000; c++)
		add_tcp(&s, c, SW_ST_ESTABLISHED, 0, 500);
	hf_enc_sample(e, &s, &b, &key);
	assert_true(key);
	size_t keylen = b.len;
	/* one second later: timers count down, one socket sent data */
	base(&s, 1);
	for (uint64_t c = 1; c <= 1000; c++) {
		add_tcp(&s, c, SW_ST_ESTABLISHED, 0, c == 500 ? 9000 : 500);
		s.conns[s.nconns - 1].expires_ms = 6000;
		s.tcpx[s.ntcpx - 1].last_data_sent_ms = c == 500 ? 0 : 1250;
	}
	b.len = 0;
	hf_enc_sample(e, &s, &b, &key);
	assert_false(key);
	assert_true(b.len < 200);
	assert_true(keylen > 5000); /* 1000 sockets, against the row before each */
	hf_buf_done(&b);
	snapshot_done(&s);
	hf_enc_free(e);
}

/* Timers and idle times that wander around "now" within and beyond the
 * slack, rtt values on the monitor's rounding edges, counters: the
 * encoder's idea of what the reader holds (never decoded) must stay the
 * reader's, or a later difference lands on the wrong value. */
static uint64_t lcg = 12345;
static uint32_t rnd(uint32_t n)
{
	lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(lcg >> 33) % n;
}

static void wander(struct sw_snapshot *s, unsigned t, uint32_t *state)
{
	base(s, 0);
	s->mono_ns = 1000000000000ull + (uint64_t)t * 100000000ull; /* 100 ms apart */
	for (uint64_t c = 0; c < 40; c++) {
		add_tcp(s, 10 + c, SW_ST_ESTABLISHED, SW_NONE, 0);
		uint32_t *v = &state[c * 4];
		/* timer and idle time: counting at the clock's pace, now and then
		 * moved a little (within the slack or just beyond), or rearmed */
		int64_t ms = (int64_t)v[0] - 100 + (rnd(3) ? 0 : (int64_t)rnd(600) - 300);
		v[0] = rnd(10) ? (uint32_t)(ms > 0 ? ms : 0) : rnd(900);
		int64_t idle = (int64_t)v[1] + 100 + (rnd(3) ? 0 : (int64_t)rnd(600) - 300);
		v[1] = rnd(10) ? (uint32_t)(idle > 0 ? idle : 0) : 0;
		if (rnd(4) == 0)
			v[2] += rnd(5000);
		static const uint32_t rtts[] = {55, 994, 995, 999, 1250, 1150, 99949, 99950, 123456};
		if (rnd(5) == 0)
			v[3] = rtts[rnd(9)];
		s->conns[s->nconns - 1].expires_ms = v[0];
		struct sw_tcpx *x = &s->tcpx[s->ntcpx - 1];
		x->last_data_sent_ms = v[1];
		x->last_data_recv_ms = v[0];
		x->bytes_acked = v[2];
		x->bytes_sent = v[2] + (c % 3) * rnd(100);
		x->rtt_us = v[3];
		x->rttvar_us = v[3] / 2;
		x->busy_time_us = (uint64_t)v[2] * 7;
	}
}

static void near(uint64_t got, uint64_t want, uint64_t within)
{
	if ((got > want ? got - want : want - got) > within)
		fail_msg("got %llu, want %llu within %llu", (unsigned long long)got,
			 (unsigned long long)want, (unsigned long long)within);
}

static void test_slack_carried(void **st)
{
	(void)st;
	for (int kept = 0; kept < 2; kept++) {
		struct hf_enc *e = hf_enc_new(1000, 250);
		struct hf_dec *d = hf_dec_new(), *lazy = hf_dec_new();
		struct sw_snapshot s[2];
		snapshot_init(&s[0]);
		snapshot_init(&s[1]);
		uint32_t state[40 * 4] = {0};
		struct hf_buf b = {0};
		for (unsigned t = 0; t < 400; t++) {
			struct sw_snapshot *cur = &s[kept ? t & 1 : 0];
			wander(cur, t, state);
			b.len = 0;
			bool key;
			if (kept)
				hf_enc_sample_kept(e, cur, &b, &key);
			else
				hf_enc_sample(e, cur, &b, &key);
			assert_int_equal(apply_frame(d, &b), 0);
			const struct sw_snapshot *r = hf_dec_snapshot(d);
			assert_int_equal(r->nconns, cur->nconns);
			/* asked for now and then only (a jump): the same state */
			assert_int_equal(apply_frame(lazy, &b), 0);
			if (t % 7 == 6)
				same_snapshot(r, hf_dec_snapshot(lazy));
			for (size_t i = 0; i < cur->nconns; i++) {
				const struct sw_conn *c = &cur->conns[i], *y = find(r, c->cookie);
				const struct sw_tcpx *x = snapshot_tcpx(cur, c), *z = snapshot_tcpx(r, y);
				near(y->expires_ms, c->expires_ms, 250);
				near(z->last_data_sent_ms, x->last_data_sent_ms, 250);
				near(z->last_data_recv_ms, x->last_data_recv_ms, 250);
				assert_int_equal(z->bytes_acked, x->bytes_acked);
				assert_int_equal(z->bytes_sent, x->bytes_sent);
				near(z->rtt_us, x->rtt_us, x->rtt_us < 1000 ? 5 : x->rtt_us < 100000 ? 50 : 500);
				assert_int_equal(z->busy_time_us, x->busy_time_us / 1000 * 1000);
			}
		}
		hf_buf_done(&b);
		snapshot_done(&s[0]);
		snapshot_done(&s[1]);
		hf_dec_free(d);
		hf_dec_free(lazy);
		hf_enc_free(e);
	}
}

/* Close events as sockevents_read makes them: t + 1 short connections
 * (client and server end), their final bytes and idle times. */
static void close_events(struct sw_snapshot *ev, unsigned t)
{
	snapshot_clear(ev);
	ev->detail = false;
	for (unsigned i = 0; i <= t; i++) {
		add_tcp(ev, 900000 - 10 * t - i, i % 2 ? SW_ST_TIME_WAIT : SW_ST_CLOSE,
			SW_NONE, 100 + i);
		ev->conns[ev->nconns - 1].inode = 0;
		ev->tcpx[ev->ntcpx - 1].last_data_recv_ms = 4 * i;
		ev->tcpx[ev->ntcpx - 1].rtt_us = 1234 + i; /* not rounded: a record */
	}
}

/* The close events recorded with a sample come back as they were, in the
 * order received, from that sample's payload alone; a sample recorded
 * without them has none. */
static void test_events(void **st)
{
	(void)st;
	struct hf_enc *e = hf_enc_new(2, 250);
	struct sw_snapshot s, ev, got;
	snapshot_init(&s);
	snapshot_init(&ev);
	snapshot_init(&got);
	struct hf_buf b = {0};
	for (unsigned t = 0; t < 4; t++) {
		scenario(&s, t);
		close_events(&ev, t);
		if (t != 2)
			hf_enc_set_events(e, &ev, 7 + t);
		b.len = 0;
		bool key;
		hf_enc_sample(e, &s, &b, &key);
		uint64_t dropped = 0;
		int r = hf_events_decode(b.p + HF_FRAME_HDR, b.len - HF_FRAME_HDR, &got, &dropped);
		if (t == 2) {
			assert_int_equal(r, 0);
			assert_int_equal(got.nconns, 0);
			continue;
		}
		assert_int_equal(r, 1);
		assert_int_equal(dropped, 7 + t);
		assert_int_equal(got.mono_ns, s.mono_ns);
		assert_int_equal(got.nconns, ev.nconns);
		for (size_t i = 0; i < ev.nconns; i++) {
			assert_int_equal(got.conns[i].cookie, ev.conns[i].cookie);
			same_conn(&ev, &ev.conns[i], &got, &got.conns[i]);
		}
	}
	assert_int_equal(hf_events_decode((const uint8_t *)"\x09", 1, &got, &(uint64_t){0}),
			 -EBADMSG);
	hf_buf_done(&b);
	snapshot_done(&s);
	snapshot_done(&ev);
	snapshot_done(&got);
	hf_enc_free(e);
}

static void test_missing_base(void **st)
{
	(void)st;
	struct hf_enc *e = hf_enc_new(3, 0);
	struct hf_dec *d = hf_dec_new();
	struct sw_snapshot s;
	snapshot_init(&s);
	struct hf_buf f[4] = {{0}};
	bool key;
	for (unsigned t = 0; t < 4; t++) {
		scenario(&s, t);
		hf_enc_sample(e, &s, &f[t], &key);
	}
	assert_int_equal(apply_frame(d, &f[0]), 0);
	/* sample 1 lost: 2 cannot apply, 3 (a keyframe) can */
	assert_int_equal(apply_frame(d, &f[2]), -EAGAIN);
	assert_int_equal(apply_frame(d, &f[3]), 0);
	same_snapshot(&s, hf_dec_snapshot(d));
	for (int i = 0; i < 4; i++)
		hf_buf_done(&f[i]);
	snapshot_done(&s);
	hf_dec_free(d);
	hf_enc_free(e);
}

static void test_frames(void **st)
{
	(void)st;
	struct hf_enc *e = hf_enc_new(10, 0);
	struct sw_snapshot s;
	snapshot_init(&s);
	scenario(&s, 1);
	struct hf_buf b = {0};
	bool key;
	hf_enc_sample(e, &s, &b, &key);
	size_t one = b.len, plen;
	hf_enc_sample(e, &s, &b, &key);
	/* torn: every cut of the second frame is "cut short" */
	for (size_t cut = one + 1; cut < b.len; cut += 7)
		assert_int_equal(hf_frame_check(b.p + one, cut - one, &plen), 0);
	assert_int_equal(hf_frame_check(b.p + one, b.len - one, &plen), 1);
	/* a flipped byte in the payload: refused; resync finds the next frame */
	b.p[HF_FRAME_HDR + 5] ^= 0x40;
	assert_int_equal(hf_frame_check(b.p, b.len, &plen), -1);
	assert_int_equal(hf_frame_resync(b.p, b.len), one);
	/* a length past the limit */
	memcpy(b.p + one + 4, "\xff\xff\xff\x7f", 4);
	assert_int_equal(hf_frame_check(b.p + one, b.len - one, &plen), -1);
	hf_buf_done(&b);
	snapshot_done(&s);
	hf_enc_free(e);
}

static void test_header(void **st)
{
	(void)st;
	struct hf_header h = {.interval_ms = 1000, .keyframe = 600, .start_sec = 1700000000};
	strcpy(h.hostname, "db1");
	uint8_t raw[HF_HEADER_LEN];
	hf_header_encode(&h, raw);
	struct hf_header g;
	assert_true(hf_is_history(raw, sizeof raw));
	assert_int_equal(hf_header_decode(raw, sizeof raw, &g), 0);
	assert_int_equal(g.interval_ms, 1000);
	assert_int_equal(g.keyframe, 600);
	assert_int_equal(g.start_sec, 1700000000);
	assert_string_equal(g.hostname, "db1");
	assert_int_equal(hf_header_decode(raw, 50, &g), -ENODATA);
	raw[40] ^= 1;
	assert_int_equal(hf_header_decode(raw, sizeof raw, &g), -EBADMSG);
	raw[8] = 9;
	assert_int_equal(hf_header_decode(raw, sizeof raw, &g), -EPROTONOSUPPORT);
	raw[0] = 'X';
	assert_int_equal(hf_header_decode(raw, sizeof raw, &g), -EINVAL);
}

static void test_times(void **st)
{
	(void)st;
	setenv("TZ", "UTC", 1);
	tzset();
	int64_t now = 1700049600; /* 2023-11-15 12:00:00 UTC */
	int64_t t;
	assert_int_equal(hf_parse_time("-2h", now, &t), 0);
	assert_int_equal(t, now - 7200);
	assert_int_equal(hf_parse_time("-90m", now, &t), 0);
	assert_int_equal(t, now - 5400);
	assert_int_equal(hf_parse_time("03:12", now, &t), 0);
	assert_int_equal(t, 1700017920); /* 2023-11-15 03:12 */
	assert_int_equal(hf_parse_time("13:00", now, &t), 0);
	assert_int_equal(t, 1700053200 - 86400); /* later than now: the day before */
	assert_int_equal(hf_parse_time("2023-11-14 22:13:20", now, &t), 0);
	assert_int_equal(t, 1700000000);
	assert_int_equal(hf_parse_time("2023-11-14T22:13", now, &t), 0);
	assert_int_equal(t, 1699999980);
	assert_int_equal(hf_parse_time("@1700000000", now, &t), 0);
	assert_int_equal(t, 1700000000);
	const char *bad[] = {"", "25:00", "3", "-2x", "2023-13-01 00:00", "12:00 junk", "@",
			     "2023-11-14", "-"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(hf_parse_time(bad[i], now, &t), -EINVAL);
}

/* SW_WRITE_SEEDS=DIR: the fuzz target's seeds (tests/fuzz/corpus/histfile). */
static void write_seed(const char *dir, const char *name, const void *p, size_t n)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		abort();
}

static void write_seeds(const char *dir)
{
	struct hf_enc *e = hf_enc_new(3, 250);
	struct sw_snapshot s;
	snapshot_init(&s);
	struct hf_buf b = {0};
	struct hf_header h = {.interval_ms = 1000, .keyframe = 3, .start_sec = 1700000000};
	strcpy(h.hostname, "db1");
	uint8_t raw[HF_HEADER_LEN];
	hf_header_encode(&h, raw);
	b.len = 0;
	struct sw_snapshot ev;
	snapshot_init(&ev);
	for (unsigned t = 0; t < 5; t++) {
		scenario(&s, t);
		bool key;
		size_t at = b.len;
		close_events(&ev, t);
		hf_enc_set_events(e, &ev, t);
		hf_enc_sample(e, &s, &b, &key);
		if (t == 0)
			write_seed(dir, "seed-keyframe", b.p + at, b.len - at);
		if (t == 1) { /* 'P', length, keyframe payload, delta payload */
			size_t kl = at - HF_FRAME_HDR, dl = b.len - at - HF_FRAME_HDR;
			uint8_t *p = malloc(3 + kl + dl);
			p[0] = 'P', p[1] = (uint8_t)kl, p[2] = (uint8_t)(kl >> 8);
			memcpy(p + 3, b.p + HF_FRAME_HDR, kl);
			memcpy(p + 3 + kl, b.p + at + HF_FRAME_HDR, dl);
			write_seed(dir, "seed-payloads", p, 3 + kl + dl);
			free(p);
		}
	}
	struct hf_buf seg = {0};
	seg.p = malloc(HF_HEADER_LEN + b.len);
	memcpy(seg.p, raw, HF_HEADER_LEN);
	memcpy(seg.p + HF_HEADER_LEN, b.p, b.len);
	seg.len = HF_HEADER_LEN + b.len;
	write_seed(dir, "seed-segment", seg.p, seg.len);
	write_seed(dir, "seed-torn", seg.p, seg.len - 9);
	hf_buf_done(&seg);
	hf_buf_done(&b);
	snapshot_done(&ev);
	snapshot_done(&s);
	hf_enc_free(e);
}

int main(void)
{
	if (getenv("SW_WRITE_SEEDS"))
		write_seeds(getenv("SW_WRITE_SEEDS"));
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_keyframes),
		cmocka_unit_test(test_roundtrip_deltas),
		cmocka_unit_test(test_proto_flip),
		cmocka_unit_test(test_delta_small),
		cmocka_unit_test(test_slack_carried),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_missing_base),
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
