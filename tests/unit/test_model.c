/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_model: model.c - rates, new/closed marks, tombstones, the two-miss
 * rule, mark, views (filter + sort), find_cookie, and a 100k-row timing. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/aggregate.h"
#include "core/columns.h"
#include "core/filter.h"
#include "core/model.h"
#include "core/snapshot.h"
#include "core/util.h"

#define SEC 1000000000ull

/* A TCP socket; bytes/retrans only when have_bytes. */
/* When a row's socket was first seen (monotonic ns), 0 not known. */
static uint64_t first_seen(const struct sw_row *r)
{
	return r->snap ? sw_rowstat_first_seen(r->st, r->snap->mono_ns) : 0;
}

static struct sw_conn *add(struct sw_snapshot *s, uint64_t cookie, int state,
			   unsigned lport, bool have_bytes, uint64_t acked,
			   uint64_t received, uint32_t total_retrans)
{
	struct sw_conn *c = snapshot_add_conn(s);
	c->cookie = cookie;
	c->family = AF_INET;
	c->proto = SW_PROTO_TCP;
	c->state = (uint8_t)state;
	uint8_t la[16] = {10, 0, 0, 1}, ra[16] = {10, 0, 0, (uint8_t)(cookie % 250 + 2)};
	snapshot_set_addr(s, c, false, la);
	c->local.port = (uint16_t)lport;
	snapshot_set_addr(s, c, true, ra);
	c->remote.port = (uint16_t)(40000 + cookie % 20000);
	c->inode = (uint32_t)cookie;
	struct sw_tcpx *t = snapshot_add_tcpx(s, s->nconns - 1);
	t->have = SW_TI_BASE | (have_bytes ? SW_TI_BYTES : 0);
	t->bytes_acked = acked;
	t->bytes_received = received;
	t->total_retrans = total_retrans;
	return &s->conns[s->nconns - 1];
}

/* Simple snapshot with the given cookies (ESTAB, port 80). */
static void fill(struct sw_snapshot *s, uint64_t t, const uint64_t *cookies, size_t n)
{
	snapshot_clear(s);
	s->mono_ns = t;
	for (size_t i = 0; i < n; i++)
		add(s, cookies[i], SW_ST_ESTABLISHED, 80, false, 0, 0, 0);
}

/* The row of a cookie in a fresh unfiltered view, or NULL. */
static const struct sw_row *find_row(struct sw_model *m, struct sw_view *v, uint64_t cookie)
{
	model_view(m, NULL, NULL, NULL, 0, v);
	long i = view_find_cookie(v, cookie);
	static struct sw_row found[8]; /* the last 8 stay valid */
	static unsigned next;
	if (i < 0)
		return NULL;
	struct sw_row *r = &found[next++ % 8];
	*r = view_row(v, (size_t)i);
	return r;
}

/* Same, for a row that must exist. */
static const struct sw_row *row_of(struct sw_model *m, struct sw_view *v, uint64_t cookie)
{
	const struct sw_row *r = find_row(m, v, cookie);
	if (!r) {
		print_error("cookie %llu not in the view\n", (unsigned long long)cookie);
		abort();
	}
	return r;
}

static void test_swap(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	struct sw_snapshot s;
	snapshot_init(&s);
	uint64_t ck[] = {1, 2, 3};
	fill(&s, 1 * SEC, ck, 3);
	model_update(m, &s);
	/* the caller gets a cleared snapshot back; the model holds the data */
	assert_int_equal(s.nconns, 0);
	assert_int_equal(model_snapshot(m)->nconns, 3);
	assert_int_equal(model_snapshot(m)->conns[2].cookie, 3);
	fill(&s, 2 * SEC, ck, 2);
	model_update(m, &s);
	/* now the caller holds the first snapshot's buffers, cleared */
	assert_int_equal(s.nconns, 0);
	assert_true(s.capconns >= 3);
	assert_int_equal(model_snapshot(m)->nconns, 2);
	snapshot_done(&s);
	model_free(m);
	model_free(NULL);
}

/* The monitor merges a new sample in its collection thread while the
 * screen still shows the last views: after model_update_keep the rows of
 * a view built before read what they read before (records, row states,
 * tombstones), until model_release_prev. */
static void test_update_keep(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	struct sw_snapshot s;
	struct sw_view old = {0}, v = {0};
	snapshot_init(&s);
	uint64_t a[] = {1, 5}, b[] = {1, 2, 3}, c[] = {4, 2};
	fill(&s, 1 * SEC, a, 2);
	model_update(m, &s);
	fill(&s, 2 * SEC, b, 3); /* 5 closed: a tombstone */
	model_update(m, &s);
	model_view(m, NULL, NULL, NULL, 0, &old);
	assert_int_equal(old.n, 4);
	struct { uint64_t cookie, first; uint32_t flags; size_t nconns; } was[4];
	for (size_t i = 0; i < old.n; i++) {
		struct sw_row r = view_row(&old, i);
		if (!r.st)
			abort();
		was[i] = (typeof(was[0])){r.conn->cookie, first_seen(&r), r.st->flags,
					 r.snap->nconns};
	}

	fill(&s, 3 * SEC, c, 2); /* 1 and 3 closed, 4 new */
	model_update_keep(m, &s);
	assert_int_equal(s.nconns, 0);
	for (size_t i = 0; i < old.n; i++) {
		struct sw_row row = view_row(&old, i);
		const struct sw_row *r = &row;
		assert_int_equal(r->conn->cookie, was[i].cookie);
		assert_int_equal(first_seen(r), was[i].first);
		assert_int_equal(r->st->flags, was[i].flags);
		assert_int_equal(r->snap->nconns, was[i].nconns);
	}
	/* the new rows are the new sample's */
	const struct sw_row *r = row_of(m, &v, 4);
	assert_true(r->st->flags & SW_ROW_NEW);
	assert_int_equal(first_seen(r), 3 * SEC);
	assert_true(row_of(m, &v, 1)->st->flags & SW_ROW_CLOSED);
	assert_int_equal(first_seen(row_of(m, &v, 2)), 2 * SEC);

	/* released (freed: over 0 bytes), then the cycle goes on */
	model_release_prev(m, 0);
	fill(&s, 4 * SEC, c, 2);
	model_update_keep(m, &s);
	model_release_prev(m, SIZE_MAX);
	assert_int_equal(model_snapshot(m)->nconns, 2);
	assert_false(row_of(m, &v, 4)->st->flags & SW_ROW_NEW);
	view_done(&old);
	view_done(&v);
	snapshot_done(&s);
	model_free(m);
}

/* The background collection's cycle: the previous snapshot's buffers, once
 * off screen, go to the spare for the next collection (no pages faulted
 * in again), rates and first-seen times go on across it, and once the
 * count fell under a quarter of their room (100 of 20,000) they are freed
 * instead. */
static void test_release_spare(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	struct sw_snapshot s;
	struct sw_view v = {0};
	snapshot_init(&s);
	static uint64_t ck[20000];
	for (size_t i = 0; i < 20000; i++)
		ck[i] = i + 1;
	fill(&s, 1 * SEC, ck, 20000);
	model_update_keep(m, &s);
	fill(&s, 2 * SEC, ck, 20000);
	model_update_keep(m, &s);
	assert_int_equal(s.capconns, 0); /* the empty slot came back */
	model_release_prev_spare(m, &s);
	assert_true(s.capconns >= 20000); /* the first sample's buffers */
	assert_int_equal(s.nconns, 0);
	struct sw_conn *buf = s.conns;
	assert_int_equal(model_snapshot(m)->nconns, 20000);
	assert_true(model_snapshot(m)->conns != buf);
	fill(&s, 3 * SEC, ck, 20000); /* the next collection fills them */
	assert_true(s.conns == buf);
	model_update_keep(m, &s);
	assert_true(model_snapshot(m)->conns == buf);
	assert_int_equal(first_seen(row_of(m, &v, 17)), 1 * SEC);
	assert_false(row_of(m, &v, 17)->st->flags & SW_ROW_NEW);
	model_release_prev_spare(m, &s);
	assert_true(s.capconns >= 20000);

	fill(&s, 4 * SEC, ck, 100); /* 19,900 closed */
	model_update_keep(m, &s);
	model_release_prev_spare(m, &s); /* 20,000 records' room for 100: freed */
	assert_int_equal(s.capconns, 0);
	assert_int_equal(model_snapshot(m)->nconns, 100);
	assert_true(row_of(m, &v, 13000)->st->flags & SW_ROW_CLOSED);
	view_done(&v);
	snapshot_done(&s);
	model_free(m);
}

/* Closed-connection rows added to a view built without them land where a
 * view built with them has them, for any sort. */
static void test_add_closed(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	struct sw_snapshot s, x;
	snapshot_init(&s);
	snapshot_init(&x);
	s.mono_ns = 1 * SEC;
	for (uint64_t ck = 1; ck <= 3000; ck++) /* the radix sort: over 512 rows */
		add(&s, ck * 7, ck % 3 ? SW_ST_ESTABLISHED : SW_ST_TIME_WAIT,
		    (unsigned)(80 + ck % 5), false, 0, 0, 0);
	model_update(m, &s);
	struct sw_rowstat xst[40];
	memset(xst, 0, sizeof xst);
	for (uint64_t i = 0; i < 40; i++) {
		add(&x, 5000 + i * 13, i % 2 ? SW_ST_CLOSE : SW_ST_TIME_WAIT,
		    (unsigned)(79 + i % 7), false, 0, 0, 0);
		xst[i].flags = SW_ROW_CLOSED;
	}
	model_set_closed(m, &x, xst, SW_PROTO_BIT(SW_PROTO_TCP));
	const struct sw_sortkey k1[] = {{SW_COL_STATE, false}, {SW_COL_LPORT, true}};
	const struct sw_sortkey k2[] = {{SW_COL_REMOTE, true}};
	const struct sw_sortkey k3[] = {{SW_COL_LOCAL, false}, {SW_COL_STATE, true}};
	const struct { const struct sw_sortkey *k; size_t n; } sorts[] = {
		{NULL, 0}, {k1, 2}, {k2, 1}, {k3, 2}};
	struct sw_view a = {0}, b = {0};
	for (size_t t = 0; t < sizeof sorts / sizeof sorts[0]; t++) {
		model_view(m, NULL, NULL, sorts[t].k, sorts[t].n, &a);
		model_view_ex(m, NULL, NULL, sorts[t].k, sorts[t].n, false, &b);
		assert_int_equal(b.n, 3000);
		model_view_add_closed(m, NULL, NULL, sorts[t].k, sorts[t].n, &b);
		assert_int_equal(a.n, 3040);
		assert_int_equal(b.n, a.n);
		for (size_t i = 0; i < a.n; i++)
			assert_ptr_equal(view_row(&a, i).conn, view_row(&b, i).conn);
	}
	view_done(&a);
	view_done(&b);
	snapshot_done(&s);
	snapshot_done(&x);
	model_free(m);
}

/* The background collection's cycle: the rows on screen lend their
 * tcp_info array to the collection (whose spare array is freed: one for
 * both frames), the update keeps them readable, rates come from the
 * model, and the spare handed back after has no array to hold. */
static void test_lend_tcpx_keep(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	struct sw_snapshot s, spare;
	struct sw_view v = {0}, old = {0};
	snapshot_init(&s);
	snapshot_init(&spare);
	snapshot_clear(&s);
	s.mono_ns = 1 * SEC;
	add(&s, 1, SW_ST_ESTABLISHED, 80, true, 1000, 5000, 0);
	add(&s, 2, SW_ST_ESTABLISHED, 80, true, 7, 9, 0);
	model_update_keep(m, &s);
	model_release_prev_spare(m, &spare);
	/* a second sample, so that the spare holds a tcp_info array */
	snapshot_clear(&spare);
	spare.mono_ns = 2 * SEC;
	add(&spare, 1, SW_ST_ESTABLISHED, 80, true, 2000, 7000, 0);
	add(&spare, 2, SW_ST_ESTABLISHED, 80, true, 7, 9, 0);
	model_update_keep(m, &spare);
	model_release_prev_spare(m, &spare);
	assert_true(spare.captcpx > 0);
	const struct sw_tcpx *arr = model_snapshot(m)->tcpx;

	model_view(m, NULL, NULL, NULL, 0, &old); /* the frame on screen */
	model_lend_tcpx(m, &spare);
	assert_ptr_equal(spare.tcpx, arr);
	assert_null(model_snapshot(m)->tcpx); /* the spare's own array: freed */
	assert_int_equal(model_snapshot(m)->captcpx, 0);

	spare.mono_ns = 4 * SEC; /* collected: 2 closed */
	add(&spare, 1, SW_ST_ESTABLISHED, 80, true, 4000, 11000, 0);
	model_update_keep(m, &spare);
	/* the rows on screen: still readable, without tcp_info */
	for (size_t i = 0; i < old.n; i++) {
		struct sw_row r = view_row(&old, i);
		assert_true(r.conn->cookie == 1 || r.conn->cookie == 2);
		assert_null(snapshot_tcpx(r.snap, r.conn));
	}
	const struct sw_row *r = row_of(m, &v, 1);
	assert_true(r->st->flags & SW_ROW_RATE);
	assert_true(r->st->tx_bps > 999 && r->st->tx_bps < 1001);  /* 2000 in 2 s */
	assert_true(r->st->rx_bps > 1999 && r->st->rx_bps < 2001); /* 4000 in 2 s */
	r = row_of(m, &v, 2); /* closed: its byte counters from the model */
	const struct sw_tcpx *t = snapshot_tcpx(r->snap, r->conn);
	if (!t)
		abort();
	assert_int_equal(t->bytes_acked, 7);
	view_done(&old);
	model_release_prev_spare(m, &spare);
	assert_null(spare.tcpx); /* nothing kept beside the array in use */
	view_done(&v);
	snapshot_done(&s);
	snapshot_done(&spare);
	model_free(m);
}

/* The monitor's cycle: lend the tcp_info arrays, collect, update.  One
 * array serves both snapshots; rates still work; a socket that vanishes
 * keeps its byte counters in its tombstone. */
static void test_lend_tcpx(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	struct sw_snapshot s;
	struct sw_view v = {0};
	snapshot_init(&s);
	snapshot_clear(&s);
	s.mono_ns = 1 * SEC;
	add(&s, 1, SW_ST_ESTABLISHED, 80, true, 1000, 5000, 0);
	add(&s, 2, SW_ST_ESTABLISHED, 80, true, 7, 9, 0);
	model_update(m, &s);
	const struct sw_tcpx *arr = model_snapshot(m)->tcpx;
	assert_non_null(arr);

	model_lend_tcpx(m, &s);
	assert_ptr_equal(s.tcpx, arr); /* the collector writes into it */
	assert_int_equal(model_snapshot(m)->ntcpx, 0);
	const struct sw_row *r = row_of(m, &v, 1);
	assert_null(snapshot_tcpx(r->snap, r->conn)); /* lent: none, not stale */
	char buf[64];
	column_get(SW_COL_RTT)->format(r, buf, sizeof buf);
	assert_string_equal(buf, "");

	snapshot_clear(&s);
	s.mono_ns = 3 * SEC;
	add(&s, 1, SW_ST_ESTABLISHED, 80, true, 3000, 9000, 0); /* 2 vanished */
	model_update(m, &s);
	assert_ptr_equal(model_snapshot(m)->tcpx, arr);
	r = row_of(m, &v, 1);
	assert_true(r->st->flags & SW_ROW_RATE);
	assert_true(r->st->tx_bps > 999 && r->st->tx_bps < 1001);
	assert_true(r->st->rx_bps > 1999 && r->st->rx_bps < 2001);
	const struct sw_tcpx *t = snapshot_tcpx(r->snap, r->conn);
	if (!t)
		abort();
	assert_int_equal(t->bytes_acked, 3000);
	/* the held socket: its counters from the model, nothing invented */
	r = row_of(m, &v, 2);
	assert_ptr_not_equal(r->snap, model_snapshot(m));
	t = snapshot_tcpx(r->snap, r->conn);
	if (!t)
		abort();
	assert_int_equal(t->have, SW_TI_BYTES);
	assert_int_equal(t->bytes_acked, 7);
	assert_int_equal(t->bytes_received, 9);
	column_get(SW_COL_RTT)->format(r, buf, sizeof buf);
	assert_string_equal(buf, "");
	view_done(&v);
	snapshot_done(&s);
	model_free(m);
}

/* A single batch listing: rows and views as usual, nothing remembered. */
static void test_oneshot(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	model_set_oneshot(m, true);
	struct sw_snapshot s;
	struct sw_view v = {0};
	snapshot_init(&s);
	snapshot_clear(&s);
	s.mono_ns = 5 * SEC;
	add(&s, 1, SW_ST_ESTABLISHED, 80, true, 1000, 5000, 0);
	add(&s, 2, SW_ST_LISTEN, 80, false, 0, 0, 0);
	model_update(m, &s);
	assert_int_equal(s.nconns, 0);
	model_view(m, NULL, NULL, NULL, 0, &v);
	assert_int_equal(v.n, 2);
	const struct sw_row *r = row_of(m, &v, 1);
	assert_int_equal(first_seen(r), 5 * SEC);
	assert_int_equal(r->st->flags, 0);
	/* another update (not what oneshot is for) still shows only live rows */
	snapshot_clear(&s);
	s.mono_ns = 6 * SEC;
	add(&s, 1, SW_ST_ESTABLISHED, 80, true, 3000, 9000, 0);
	add(&s, 3, SW_ST_ESTABLISHED, 80, true, 1, 1, 0);
	model_update(m, &s);
	model_view(m, NULL, NULL, NULL, 0, &v);
	assert_int_equal(v.n, 2);
	assert_null(find_row(m, &v, 2));
	r = row_of(m, &v, 3);
	assert_int_equal(r->st->flags, 0); /* no NEW: nothing remembered */
	r = row_of(m, &v, 1);
	assert_false(r->st->flags & SW_ROW_RATE);
	view_done(&v);
	snapshot_done(&s);
	model_free(m);
}

static void test_rates(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	struct sw_snapshot s;
	struct sw_view v = {0};
	const struct sw_row *r;
	snapshot_init(&s);

	s.mono_ns = 10 * SEC;
	add(&s, 1, SW_ST_ESTABLISHED, 80, true, 1000, 500, 2);
	add(&s, 2, SW_ST_ESTABLISHED, 80, false, 0, 0, 0);
	add(&s, 3, SW_ST_ESTABLISHED, 80, true, 5000, 5000, 0);
	model_update(m, &s);
	r = row_of(m, &v, 1);
	assert_non_null(r);
	assert_false(r->st->flags & SW_ROW_RATE); /* one sample: no rate yet */
	assert_int_equal(first_seen(r), 10 * SEC);

	/* 2 s later: +20000 acked, +4000 received, 3 more retransmits */
	s.mono_ns = 12 * SEC;
	add(&s, 1, SW_ST_ESTABLISHED, 80, true, 21000, 4500, 5);
	add(&s, 2, SW_ST_ESTABLISHED, 80, true, 100, 100, 0); /* first byte sample */
	add(&s, 3, SW_ST_ESTABLISHED, 80, true, 4000, 6000, 0); /* counter went back */
	model_update(m, &s);
	r = row_of(m, &v, 1);
	assert_true(r->st->flags & SW_ROW_RATE);
	assert_float_equal(r->st->tx_bps, 10000.0, 1e-6);
	assert_float_equal(r->st->rx_bps, 2000.0, 1e-6);
	assert_int_equal(r->st->retrans_delta, 3);
	assert_int_equal(first_seen(r), 10 * SEC);
	r = row_of(m, &v, 2);
	assert_false(r->st->flags & SW_ROW_RATE); /* needs two byte samples */
	r = row_of(m, &v, 3);
	assert_false(r->st->flags & SW_ROW_RATE); /* never a negative rate */

	/* 0.5 s later; cookie 1 without byte counters this time */
	s.mono_ns = 12 * SEC + SEC / 2;
	add(&s, 1, SW_ST_ESTABLISHED, 80, false, 0, 0, 5);
	add(&s, 2, SW_ST_ESTABLISHED, 80, true, 600, 100, 0);
	add(&s, 3, SW_ST_ESTABLISHED, 80, true, 4000, 7000, 1);
	model_update(m, &s);
	r = row_of(m, &v, 1);
	assert_false(r->st->flags & SW_ROW_RATE);
	assert_int_equal(r->st->retrans_delta, 0);
	r = row_of(m, &v, 2);
	assert_true(r->st->flags & SW_ROW_RATE);
	assert_float_equal(r->st->tx_bps, 1000.0, 1e-6);
	assert_float_equal(r->st->rx_bps, 0.0, 1e-9);
	r = row_of(m, &v, 3);
	assert_true(r->st->flags & SW_ROW_RATE);
	assert_float_equal(r->st->rx_bps, 2000.0, 1e-6);
	assert_int_equal(r->st->retrans_delta, 1);

	/* cookie 1 has bytes again but its baseline was lost: restart */
	s.mono_ns = 13 * SEC;
	add(&s, 1, SW_ST_ESTABLISHED, 80, true, 30000, 9000, 5);
	model_update(m, &s);
	r = row_of(m, &v, 1);
	assert_false(r->st->flags & SW_ROW_RATE);
	s.mono_ns = 14 * SEC;
	add(&s, 1, SW_ST_ESTABLISHED, 80, true, 31000, 9000, 5);
	model_update(m, &s);
	r = row_of(m, &v, 1);
	assert_true(r->st->flags & SW_ROW_RATE);
	assert_float_equal(r->st->tx_bps, 1000.0, 1e-6);

	/* same timestamp twice: no division by zero, no rate */
	s.mono_ns = 14 * SEC;
	add(&s, 1, SW_ST_ESTABLISHED, 80, true, 32000, 9000, 5);
	model_update(m, &s);
	r = row_of(m, &v, 1);
	assert_false(r->st->flags & SW_ROW_RATE);

	view_done(&v);
	snapshot_done(&s);
	model_free(m);
}

static void test_new_flags(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	struct sw_snapshot s;
	struct sw_view v = {0};
	snapshot_init(&s);
	uint64_t a[] = {1, 2}, b[] = {1, 2, 3}, c[] = {1, 2, 3, 4};
	fill(&s, 1 * SEC, a, 2);
	model_update(m, &s);
	assert_false(row_of(m, &v, 1)->st->flags & SW_ROW_NEW); /* not on the first */
	assert_false(row_of(m, &v, 2)->st->flags & SW_ROW_NEW);
	fill(&s, 2 * SEC, b, 3);
	model_update(m, &s);
	assert_false(row_of(m, &v, 1)->st->flags & SW_ROW_NEW);
	assert_true(row_of(m, &v, 3)->st->flags & SW_ROW_NEW);
	assert_int_equal(first_seen(row_of(m, &v, 3)), 2 * SEC);
	fill(&s, 3 * SEC, c, 4);
	model_update(m, &s);
	assert_false(row_of(m, &v, 3)->st->flags & SW_ROW_NEW);
	assert_true(row_of(m, &v, 4)->st->flags & SW_ROW_NEW);
	assert_int_equal(first_seen(row_of(m, &v, 3)), 2 * SEC);
	view_done(&v);
	snapshot_done(&s);
	model_free(m);
}

/* Socket 3 with an owner (two processes), a cmdline and tcp_info, to check
 * tombstones are self-contained. */
static bool g_detail = true; /* what the "collector" keeps (snapshot.detail) */

static void fill_rich(struct sw_snapshot *s, uint64_t t, bool with3)
{
	snapshot_clear(s);
	s->detail = g_detail;
	s->mono_ns = t;
	/* unrelated processes first, so indices differ from the copy's */
	struct sw_proc p0 = {.pid = 10, .uid = 0};
	snprintf(p0.comm, sizeof p0.comm, "init");
	snapshot_add_proc(s, &p0);
	add(s, 1, SW_ST_ESTABLISHED, 22, true, 1, 1, 0);
	if (with3) {
		struct sw_proc p = {.pid = 4242, .uid = 33, .starttime = 777};
		snprintf(p.comm, sizeof p.comm, "php-fpm");
		p.cmdline_off = snapshot_pool_add(s, "php-fpm: pool www", 17);
		p.cmdline_len = 17;
		size_t pi = snapshot_add_proc(s, &p);
		p.pid = 4243;
		size_t pj = snapshot_add_proc(s, &p);
		struct sw_conn *c = add(s, 3, SW_ST_CLOSE_WAIT, 9000, true, 123456, 654321, 7);
		snapshot_add_owner(s, c, (uint32_t)pi, 5);
		snapshot_add_owner(s, c, (uint32_t)pj, 6);
		s->tcpx[c->tcpx].rtt_us = 1234;
		s->tcpx[c->tcpx].have |= SW_TI_CONG;
		s->tcpx[c->tcpx].cong_off = snapshot_intern(s, "bbr", 3);
		struct sw_tcpd td = {.rto_us = 204000};
		struct sw_conn_detail d = {.cgroup_id = 99};
		snapshot_set_details(s, s->nconns - 1, &d, &td);
	}
	add(s, 2, SW_ST_ESTABLISHED, 22, true, 1, 1, 0);
	/* a UNIX socket with a name: 4 */
	struct sw_conn *u = snapshot_add_conn(s);
	u->cookie = 4;
	u->family = AF_UNIX;
	u->proto = SW_PROTO_UNIX;
	u->state = SW_ST_ESTABLISHED;
	u->name_off = snapshot_pool_add(s, "/run/php/fpm.sock", 17);
	u->name_len = 17;
	/* scribble over the pool a bit so offsets differ between snapshots */
	snapshot_pool_add(s, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 48);
}

static void check_tomb3(const struct sw_model *m, const struct sw_row *r)
{
	assert_non_null(r);
	assert_ptr_not_equal(r->snap, model_snapshot(m)); /* in the tombstone store */
	assert_int_equal(r->conn->state, SW_ST_CLOSE_WAIT);
	assert_int_equal(r->conn->owners_n, 2);
	const struct sw_proc *p = snapshot_owner_proc(r->snap, r->conn, 0);
	assert_non_null(p);
	assert_int_equal(p->pid, 4242);
	assert_string_equal(p->comm, "php-fpm");
	assert_int_equal(p->starttime, 777);
	assert_string_equal(snapshot_str(r->snap, p->cmdline_off), "php-fpm: pool www");
	p = snapshot_owner_proc(r->snap, r->conn, 1);
	assert_int_equal(p->pid, 4243);
	struct sw_owner o;
	assert_true(snapshot_owner(r->snap, r->conn, 1, &o));
	assert_int_equal(o.fd, 6);
	const struct sw_tcpx *t = snapshot_tcpx(r->snap, r->conn);
	if (!t)
		abort();
	assert_int_equal(t->rtt_us, 1234);
	assert_int_equal(t->bytes_received, 654321);
	assert_string_equal(snapshot_cong(r->snap, t), "bbr");
	/* details come along when the live snapshots had them */
	struct sw_tcpd td;
	struct sw_conn_detail cd;
	bool htd = snapshot_get_tcpd(r->snap, r->conn, &td);
	bool hcd = snapshot_get_detail(r->snap, r->conn, &cd);
	if (model_snapshot(m)->detail) {
		assert_true(htd && td.rto_us == 204000);
		assert_true(hcd && cd.cgroup_id == 99);
	} else {
		assert_false(htd);
		assert_false(hcd);
	}
	/* the row formats through the column table like a live one */
	char buf[128];
	column_get(SW_COL_PID)->format(r, buf, sizeof buf);
	assert_non_null(strstr(buf, "4242"));
}

static void tombstones_run(void);

static void test_tombstones(void **state)
{
	(void)state;
	g_detail = true;
	tombstones_run();
	g_detail = false; /* the monitor's lean snapshots */
	tombstones_run();
	g_detail = true;
}

static void tombstones_run(void)
{
	struct sw_model *m = model_new();
	struct sw_snapshot s;
	struct sw_view v = {0};
	const struct sw_row *r;
	snapshot_init(&s);

	fill_rich(&s, 1 * SEC, true);
	model_update(m, &s);
	/* 3 missing from the latest dump: closed at once, gone_for counts
	 * refreshes since; the tombstone keeps its record and first-seen time */
	for (unsigned k = 1; k <= 3; k++) {
		fill_rich(&s, (1 + k) * SEC, false);
		model_update(m, &s);
		r = row_of(m, &v, 3);
		check_tomb3(m, r);
		assert_true(r->st->flags & SW_ROW_CLOSED);
		assert_int_equal(r->st->gone_for, k);
		assert_int_equal(first_seen(r), 1 * SEC);
		assert_false(r->st->flags & SW_ROW_RATE);
		assert_int_equal(v.n, 4);
	}
	/* default TTL 3: swept at the 4th refresh after it closed */
	fill_rich(&s, 5 * SEC, false);
	model_update(m, &s);
	assert_null(find_row(m, &v, 3));
	assert_int_equal(v.n, 3);
	/* swept for good: if the cookie came back it would be new */
	fill_rich(&s, 6 * SEC, true);
	model_update(m, &s);
	r = row_of(m, &v, 3);
	assert_true(r->st->flags & SW_ROW_NEW);
	assert_int_equal(first_seen(r), 6 * SEC);
	assert_ptr_equal(r->snap, model_snapshot(m));

	/* TTL 0: no closed rows at all */
	model_set_tombstone_ttl(m, 0);
	fill_rich(&s, 8 * SEC, false);
	model_update(m, &s);
	assert_null(find_row(m, &v, 3));
	assert_int_equal(v.n, 3);

	/* TTL 1: shown for the one refresh after it closed */
	model_set_tombstone_ttl(m, 1);
	fill_rich(&s, 10 * SEC, true);
	model_update(m, &s);
	fill_rich(&s, 11 * SEC, false);
	model_update(m, &s);
	assert_true(row_of(m, &v, 3)->st->flags & SW_ROW_CLOSED);
	fill_rich(&s, 12 * SEC, false);
	model_update(m, &s);
	assert_null(find_row(m, &v, 3));

	view_done(&v);
	snapshot_done(&s);
	model_free(m);
}

/* A socket absent from the latest dump is closed at once: a tombstone that
 * aggregates never count, even beside the new socket that reused its
 * 4-tuple (the php-fpm -> MySQL TIME_WAIT churn).  If a resumed dump had
 * only skipped it, it is live again when it shows up. */
static void test_missing_closed(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	struct sw_snapshot s;
	struct sw_view v = {0};
	struct sw_agg_states as;
	const struct sw_row *r;
	snapshot_init(&s);

	s.mono_ns = 1 * SEC;
	add(&s, 1, SW_ST_ESTABLISHED, 80, true, 0, 0, 0);
	add(&s, 2, SW_ST_ESTABLISHED, 80, true, 1000, 1000, 0);
	model_update(m, &s);
	/* 2 is gone; 7 took its 4-tuple */
	s.mono_ns = 2 * SEC;
	add(&s, 1, SW_ST_ESTABLISHED, 80, true, 0, 0, 0);
	add(&s, 7, SW_ST_ESTABLISHED, 80, true, 0, 0, 0)->remote.port = 40002;
	{ /* 2's peer, 10.0.0.4:40002 */
		uint8_t ra[16] = {10, 0, 0, 4};
		snapshot_set_addr(&s, &s.conns[1], true, ra);
	}
	model_update(m, &s);
	r = row_of(m, &v, 2);
	assert_true(r->st->flags & SW_ROW_CLOSED);
	assert_int_equal(r->st->gone_for, 1);
	assert_true(row_of(m, &v, 7)->st->flags & SW_ROW_NEW);
	assert_int_equal(v.n, 3);
	agg_states(&v, &as);
	assert_int_equal(as.all, 2);
	assert_int_equal(as.count[SW_PROTO_TCP][SW_ST_ESTABLISHED], 2);
	/* 2 shows up again (a resumed dump had skipped it): live, not new,
	 * age kept, rate over the whole 2 s gap, no tombstone copy left */
	s.mono_ns = 3 * SEC;
	add(&s, 1, SW_ST_ESTABLISHED, 80, true, 0, 0, 0);
	add(&s, 7, SW_ST_ESTABLISHED, 80, true, 0, 0, 0);
	add(&s, 2, SW_ST_ESTABLISHED, 80, true, 5000, 1000, 0);
	model_update(m, &s);
	r = row_of(m, &v, 2);
	assert_ptr_equal(r->snap, model_snapshot(m));
	assert_int_equal(r->st->flags & (SW_ROW_CLOSED | SW_ROW_NEW), 0);
	assert_int_equal(first_seen(r), 1 * SEC);
	assert_true(r->st->flags & SW_ROW_RATE);
	assert_float_equal(r->st->tx_bps, 2000.0, 1e-6);
	assert_int_equal(v.n, 3);
	/* without tombstones (batch: TTL 0) a closed socket is not listed */
	model_set_tombstone_ttl(m, 0);
	s.mono_ns = 4 * SEC;
	add(&s, 1, SW_ST_ESTABLISHED, 80, true, 0, 0, 0);
	model_update(m, &s);
	assert_null(find_row(m, &v, 2));
	assert_null(find_row(m, &v, 7));
	assert_int_equal(v.n, 1);

	view_done(&v);
	snapshot_done(&s);
	model_free(m);
}

static void test_mark(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	struct sw_snapshot s;
	struct sw_view v = {0};
	const struct sw_row *r;
	snapshot_init(&s);
	uint64_t s1[] = {1, 2, 5}, s2[] = {1, 2, 3}, s3[] = {1, 3, 4};

	model_mark(m); /* before any data: nothing of the first snapshot is marked */
	model_clear_mark(m);
	fill(&s, 1 * SEC, s1, 3);
	model_update(m, &s);
	assert_false(row_of(m, &v, 1)->st->flags & SW_ROW_MARKED_NEW);
	fill(&s, 2 * SEC, s2, 3); /* 5 missing: closed */
	model_update(m, &s);
	model_mark(m);
	/* the mark covers the rows already there */
	assert_false(row_of(m, &v, 3)->st->flags & SW_ROW_MARKED_NEW);
	fill(&s, 3 * SEC, s3, 3); /* 2 closed after the mark; 4 opened after it */
	model_update(m, &s);
	r = row_of(m, &v, 4);
	assert_true(r->st->flags & SW_ROW_MARKED_NEW);
	assert_true(r->st->flags & SW_ROW_NEW);
	assert_false(row_of(m, &v, 3)->st->flags & SW_ROW_MARKED_NEW);
	for (int k = 4; k <= 10; k++) {
		fill(&s, (uint64_t)k * SEC, s3, 3);
		model_update(m, &s);
		r = row_of(m, &v, 4);
		assert_true(r->st->flags & SW_ROW_MARKED_NEW);
		assert_false(r->st->flags & SW_ROW_NEW);
		/* 2 closed after the mark: stays while the mark is set */
		r = row_of(m, &v, 2);
		assert_non_null(r);
		assert_true(r->st->flags & SW_ROW_CLOSED);
		assert_int_equal(r->st->gone_for, (unsigned)k - 2);
	}
	/* 5 was gone before the mark (closed at 2 s = the mark's time):
	 * it expired normally with TTL 3 */
	assert_null(find_row(m, &v, 5));
	model_clear_mark(m);
	r = row_of(m, &v, 4);
	assert_false(r->st->flags & SW_ROW_MARKED_NEW);
	assert_null(find_row(m, &v, 2)); /* hidden at once, swept next update */
	fill(&s, 11 * SEC, s3, 3);
	model_update(m, &s);
	assert_null(find_row(m, &v, 2));
	assert_int_equal(v.n, 3);
	/* a new mark starts a new baseline */
	model_mark(m);
	uint64_t s4[] = {1, 3, 4, 6};
	fill(&s, 12 * SEC, s4, 4);
	model_update(m, &s);
	assert_false(row_of(m, &v, 4)->st->flags & SW_ROW_MARKED_NEW);
	assert_true(row_of(m, &v, 6)->st->flags & SW_ROW_MARKED_NEW);

	view_done(&v);
	snapshot_done(&s);
	model_free(m);
}

static void test_dups(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	struct sw_snapshot s;
	struct sw_view v = {0};
	snapshot_init(&s);
	s.mono_ns = SEC;
	add(&s, 1, SW_ST_ESTABLISHED, 80, false, 0, 0, 0);
	add(&s, 2, SW_ST_ESTABLISHED, 80, false, 0, 0, 0);
	add(&s, 1, SW_ST_FIN_WAIT1, 80, false, 0, 0, 0); /* repeated by the dump */
	add(&s, 3, SW_ST_ESTABLISHED, 80, false, 0, 0, 0);
	model_update(m, &s);
	model_view(m, NULL, NULL, NULL, 0, &v);
	assert_int_equal(v.n, 3);
	assert_int_equal(model_snapshot(m)->nconns, 3);
	const struct sw_row *r = row_of(m, &v, 1);
	assert_int_equal(r->conn->state, SW_ST_FIN_WAIT1); /* the later record wins */
	assert_int_equal(row_of(m, &v, 3)->conn->cookie, 3);
	/* the records after the repeat moved up: each socket's live row
	 * follows (it was the slot before the move, past the end) */
	struct sw_row lr;
	for (uint64_t k = 1; k <= 3; k++) {
		struct sw_conn key = {.cookie = k, .proto = SW_PROTO_TCP, .family = AF_INET};
		assert_true(model_find_live(m, &key, &lr));
		assert_int_equal(lr.conn->cookie, k);
	}
	/* the same cookie in another protocol is another socket */
	s.mono_ns = 2 * SEC;
	add(&s, 2, SW_ST_ESTABLISHED, 80, false, 0, 0, 0)->proto = SW_PROTO_UDP;
	add(&s, 1, SW_ST_ESTABLISHED, 80, false, 0, 0, 0);
	add(&s, 2, SW_ST_ESTABLISHED, 80, false, 0, 0, 0);
	add(&s, 3, SW_ST_ESTABLISHED, 80, false, 0, 0, 0);
	model_update(m, &s);
	model_view(m, NULL, NULL, NULL, 0, &v);
	assert_int_equal(v.n, 4);
	assert_int_equal(view_row(&v, 1).conn->cookie, 2);
	assert_int_equal(view_row(&v, 1).conn->proto, SW_PROTO_TCP);
	assert_int_equal(view_row(&v, 2).conn->cookie, 2);
	assert_int_equal(view_row(&v, 2).conn->proto, SW_PROTO_UDP);
	assert_true(view_row(&v, 2).st->flags & SW_ROW_NEW);
	assert_false(view_row(&v, 1).st->flags & SW_ROW_NEW);
	/* after another compaction, the next update finds exactly the socket
	 * that closed (3), none of the moved ones */
	s.mono_ns = 3 * SEC;
	add(&s, 2, SW_ST_ESTABLISHED, 80, false, 0, 0, 0);
	add(&s, 2, SW_ST_ESTABLISHED, 80, false, 0, 0, 0); /* repeated */
	add(&s, 1, SW_ST_ESTABLISHED, 80, false, 0, 0, 0);
	add(&s, 3, SW_ST_ESTABLISHED, 80, false, 0, 0, 0);
	model_update(m, &s);
	s.mono_ns = 4 * SEC;
	add(&s, 2, SW_ST_ESTABLISHED, 80, false, 0, 0, 0);
	add(&s, 1, SW_ST_ESTABLISHED, 80, false, 0, 0, 0);
	model_update(m, &s);
	model_view(m, NULL, NULL, NULL, 0, &v);
	assert_int_equal(v.n, 4); /* with the UDP socket closed before */
	assert_int_equal(view_live(&v), 2);
	assert_true(row_of(m, &v, 3)->st->flags & SW_ROW_CLOSED);
	assert_false(row_of(m, &v, 1)->st->flags & SW_ROW_CLOSED);
	assert_false(row_of(m, &v, 2)->st->flags & SW_ROW_CLOSED);
	view_done(&v);
	snapshot_done(&s);
	model_free(m);
}

/* A population for view tests: n sockets, varied state and port, given in
 * a shuffled order. */
static void populate(struct sw_snapshot *s, uint64_t t, size_t n, unsigned seed)
{
	snapshot_clear(s);
	s->mono_ns = t;
	uint64_t *order = xmalloc(n * sizeof *order);
	for (size_t i = 0; i < n; i++)
		order[i] = i + 1;
	srand(seed);
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)rand() % (i + 1);
		uint64_t x = order[i];
		order[i] = order[j];
		order[j] = x;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t ck = order[i];
		static const int states[] = {SW_ST_ESTABLISHED, SW_ST_TIME_WAIT,
					     SW_ST_LISTEN, SW_ST_CLOSE_WAIT};
		struct sw_conn *c = add(s, ck, states[ck % 4], (unsigned)(1000 + ck % 7), true,
					ck * 1000 * (t / SEC), ck * 10 * (t / SEC), 0);
		if (ck % 5 == 0)
			c->proto = SW_PROTO_UDP;
	}
	free(order);
}

static void test_view(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	struct sw_snapshot s;
	struct sw_view v = {0}, w = {0};
	snapshot_init(&s);
	populate(&s, 1 * SEC, 1000, 1);
	model_update(m, &s);

	/* no keys: cookie order */
	model_view(m, NULL, NULL, NULL, 0, &v);
	assert_int_equal(v.n, 1000);
	for (size_t i = 0; i < v.n; i++)
		assert_int_equal(view_row(&v, i).conn->cookie, i + 1);
	assert_int_equal(view_find_cookie(&v, 1), 0);
	assert_int_equal(view_find_cookie(&v, 500), 499);
	assert_int_equal(view_find_cookie(&v, 5000), -1);

	/* filter + select */
	struct sw_filter_error err;
	struct sw_filter *f = filter_parse("state established or state time-wait", &err);
	assert_non_null(f);
	struct sw_select sel = {.protos = SW_PROTO_BIT(SW_PROTO_TCP)};
	model_view(m, &sel, f, NULL, 0, &v);
	assert_true(v.n > 0);
	size_t want = 0;
	for (uint64_t ck = 1; ck <= 1000; ck++)
		if ((ck % 4 == 0 || ck % 4 == 1) && ck % 5 != 0)
			want++;
	assert_int_equal(v.n, want);
	for (size_t i = 0; i < v.n; i++) {
		const struct sw_conn *c = view_row(&v, i).conn;
		assert_true(c->state == SW_ST_ESTABLISHED || c->state == SW_ST_TIME_WAIT);
		assert_int_equal(c->proto, SW_PROTO_TCP);
	}

	/* sort by state, then local port descending; ties by cookie */
	struct sw_sortkey keys[] = {{SW_COL_STATE, false}, {SW_COL_LPORT, true}};
	model_view(m, NULL, NULL, keys, 2, &v);
	assert_int_equal(v.n, 1000);
	for (size_t i = 1; i < v.n; i++) {
		const struct sw_conn *a = view_row(&v, i - 1).conn, *b = view_row(&v, i).conn;
		assert_true(a->state <= b->state);
		if (a->state == b->state) {
			assert_true(a->local.port >= b->local.port);
			if (a->local.port == b->local.port)
				assert_true(a->cookie < b->cookie);
		}
	}

	/* stable across refreshes: same sockets in another dump order, other
	 * rates, plus one more; the order of the common rows is unchanged */
	size_t n1 = v.n;
	uint64_t *before = xmalloc(n1 * sizeof *before);
	for (size_t i = 0; i < n1; i++)
		before[i] = view_row(&v, i).conn->cookie;
	populate(&s, 2 * SEC, 1000, 99);
	model_update(m, &s);
	model_view(m, NULL, NULL, keys, 2, &w);
	assert_int_equal(w.n, n1);
	for (size_t i = 0; i < n1; i++)
		assert_int_equal(view_row(&w, i).conn->cookie, before[i]);
	free(before);

	/* rate column through column_get: rx rate = cookie * 10 B/s */
	struct sw_sortkey rk[] = {{SW_COL_RX_RATE, true}};
	model_view(m, NULL, NULL, rk, 1, &w);
	assert_int_equal(view_row(&w, 0).conn->cookie, 1000);
	assert_float_equal(view_row(&w, 0).st->rx_bps, 10000.0, 1e-6);
	assert_int_equal(view_row(&w, 999).conn->cookie, 1);

	/* a view is reusable and re-sortable in place */
	view_sort(&w, NULL, 0);
	assert_int_equal(view_row(&w, 0).conn->cookie, 1);
	struct sw_sortkey bad[] = {{-1, false}, {SW_COL_COUNT + 5, true}};
	view_sort(&w, bad, 2); /* unknown columns are ignored */
	assert_int_equal(view_row(&w, 0).conn->cookie, 1);

	/* tombstones come along in the view, filtered too */
	populate(&s, 3 * SEC, 900, 5);
	model_update(m, &s);
	populate(&s, 4 * SEC, 900, 6);
	model_update(m, &s);
	model_view(m, NULL, NULL, NULL, 0, &w);
	assert_int_equal(w.n, 1000);
	assert_true(view_row(&w, 950).st->flags & SW_ROW_CLOSED);
	model_view(m, NULL, f, NULL, 0, &w);
	for (size_t i = 0; i < w.n; i++)
		assert_true(view_row(&w, i).conn->state == SW_ST_ESTABLISHED ||
			    view_row(&w, i).conn->state == SW_ST_TIME_WAIT);

	filter_free(f);
	view_done(&v);
	view_done(&w);
	view_done(&w); /* idempotent */
	snapshot_done(&s);
	model_free(m);
}

/* Drill-down into a state: the table's "N of M" and the states histogram
 * give the same number while closed rows (tombstones) of that state are on
 * screen: neither counts them. */
static void test_drill_counts(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	struct sw_snapshot s;
	snapshot_init(&s);
	s.mono_ns = 1 * SEC;
	for (uint64_t c = 1; c <= 100; c++)
		add(&s, c, c % 2 ? SW_ST_ESTABLISHED : SW_ST_TIME_WAIT, 80, false, 0, 0, 0);
	model_set_tombstone_ttl(m, 5);
	model_update(m, &s);
	/* 61..100 closed: 20 TIME_WAIT tombstones (missing from two dumps,
	 * so closed whether the model waits for a second miss or not) */
	for (uint64_t t = 2; t <= 3; t++) {
		snapshot_clear(&s);
		s.mono_ns = t * SEC;
		for (uint64_t c = 1; c <= 60; c++)
			add(&s, c, c % 2 ? SW_ST_ESTABLISHED : SW_ST_TIME_WAIT, 80, false, 0, 0, 0);
		model_update(m, &s);
	}

	struct sw_filter_error fe;
	struct sw_filter *f = filter_parse("proto tcp and state time-wait", &fe);
	assert_non_null(f);
	struct sw_view all = {0}, tw = {0};
	model_view(m, NULL, NULL, NULL, 0, &all);
	model_view(m, NULL, f, NULL, 0, &tw);
	assert_int_equal(all.n, 100);       /* tombstones are in the views ... */
	assert_int_equal(tw.n, 50);
	assert_int_equal(view_live(&all), 60); /* ... and never counted */
	assert_int_equal(view_live(&tw), 30);
	struct sw_agg_states as, fs;
	agg_states(&all, &as);
	agg_states(&tw, &fs);
	assert_int_equal(as.count[SW_PROTO_TCP][SW_ST_TIME_WAIT], view_live(&tw));
	assert_int_equal(fs.count[SW_PROTO_TCP][SW_ST_TIME_WAIT], view_live(&tw));
	assert_int_equal(as.all, view_live(&all));
	filter_free(f);
	view_done(&all);
	view_done(&tw);
	snapshot_done(&s);
	model_free(m);
}

static void test_100k(void **state)
{
	(void)state;
	const size_t N = 100000;
	struct sw_model *m = model_new();
	struct sw_snapshot s;
	struct sw_view v = {0};
	snapshot_init(&s);
	populate(&s, 1 * SEC, N, 7);
	uint64_t t0 = sw_mono_ns();
	model_update(m, &s);
	double upd1 = (double)(sw_mono_ns() - t0) / 1e6;
	populate(&s, 2 * SEC, N, 8);
	/* 1% churn: drop some, the model must hold them */
	s.nconns -= N / 100;
	t0 = sw_mono_ns();
	model_update(m, &s);
	double upd2 = (double)(sw_mono_ns() - t0) / 1e6;

	double best_view = 1e9, best_sort = 1e9, best_filter = 1e9, best_port = 1e9;
	struct sw_sortkey pk[] = {{SW_COL_LPORT, false}};
	struct sw_sortkey keys[] = {{SW_COL_REMOTE, false}};
	struct sw_sortkey rate[] = {{SW_COL_RX_RATE, true}};
	struct sw_filter_error err;
	struct sw_filter *f = filter_parse("state established and not sport = :1003", &err);
	assert_non_null(f);
	for (int rep = 0; rep < 3; rep++) {
		t0 = sw_mono_ns();
		model_view(m, NULL, NULL, NULL, 0, &v);
		double a = (double)(sw_mono_ns() - t0) / 1e6;
		t0 = sw_mono_ns();
		model_view(m, NULL, NULL, keys, 1, &v);
		double b = (double)(sw_mono_ns() - t0) / 1e6;
		t0 = sw_mono_ns();
		model_view(m, NULL, f, rate, 1, &v);
		double c = (double)(sw_mono_ns() - t0) / 1e6;
		t0 = sw_mono_ns();
		model_view(m, NULL, NULL, pk, 1, &v);
		double d = (double)(sw_mono_ns() - t0) / 1e6;
		best_port = d < best_port ? d : best_port;
		best_view = a < best_view ? a : best_view;
		best_sort = b < best_sort ? b : best_sort;
		best_filter = c < best_filter ? c : best_filter;
	}
	model_view(m, NULL, NULL, keys, 1, &v);
	assert_int_equal(v.n, N);
	print_message("100k: update %.1f ms (first) %.1f ms (next); view by cookie %.1f ms, "
		      "sorted by lport %.1f ms, by remote %.1f ms, filtered+sorted by rate %.1f ms\n",
		      upd1, upd2, best_view, best_port, best_sort, best_filter);
	/* timings are printed for the reader, never asserted (bench/ measures);
	 * what is asserted is that the big views are right */
	for (size_t i = 1; i < v.n; i++) {
		struct sw_row a = view_row(&v, i - 1), b = view_row(&v, i);
		assert_true(column_get(SW_COL_REMOTE)->compare(&a, &b) <= 0);
	}
	filter_free(f);
	view_done(&v);
	snapshot_done(&s);
	model_free(m);
}

/* A row's age is kept as milliseconds before its snapshot's time. */
static void test_rowstat_age(void **state)
{
	(void)state;
	struct sw_rowstat st = {0};
	assert_false(sw_rowstat_has_age(&st));
	assert_false(sw_rowstat_has_age(NULL));
	assert_int_equal(sw_rowstat_seen(0, 5 * SEC), 0);       /* never seen */
	assert_int_equal(sw_rowstat_seen(5 * SEC, 0), 0);       /* no time */
	assert_int_equal(sw_rowstat_seen(5 * SEC, 4 * SEC), 0); /* later than it */
	st.seen_ms = sw_rowstat_seen(5 * SEC, 5 * SEC);
	assert_true(sw_rowstat_has_age(&st));
	assert_int_equal(sw_rowstat_age_ms(&st), 0);
	assert_int_equal(sw_rowstat_first_seen(&st, 5 * SEC), 5 * SEC);
	st.seen_ms = sw_rowstat_seen(5 * SEC, 5 * SEC + 1999999);
	assert_int_equal(sw_rowstat_age_ms(&st), 1);
	assert_int_equal(sw_rowstat_first_seen(&st, 7 * SEC), 7 * SEC - 1000000);
	/* at most 49.7 days */
	st.seen_ms = sw_rowstat_seen(1, 1 + 60ull * 86400 * SEC);
	assert_int_equal(sw_rowstat_age_ms(&st), UINT32_MAX - 1);
	st.seen_ms = sw_rowstat_seen(1, 1 + 40ull * 86400 * SEC);
	assert_int_equal(sw_rowstat_age_ms(&st), 40u * 86400 * 1000);
	assert_int_equal(sw_rowstat_first_seen(&st, 50 * SEC), 0); /* before the clock */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rowstat_age),
		cmocka_unit_test(test_swap),
		cmocka_unit_test(test_update_keep),
		cmocka_unit_test(test_release_spare),
		cmocka_unit_test(test_add_closed),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_new_flags),
		cmocka_unit_test(test_tombstones),
		cmocka_unit_test(test_drill_counts),
		cmocka_unit_test(test_lend_tcpx),
		cmocka_unit_test(test_lend_tcpx_keep),
		cmocka_unit_test(test_oneshot),
		cmocka_unit_test(test_missing_closed),
		cmocka_unit_test(test_mark),
		cmocka_unit_test(test_dups),
		cmocka_unit_test(test_view),
		cmocka_unit_test(test_100k),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
