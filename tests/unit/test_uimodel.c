/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_uimodel: the pure state behind the monitor's panels - selection that
 * follows its connection across refreshes and re-sorts, the column picker,
 * sort keys, and drill-down filters (which must parse and match). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/filter.h"
#include "core/model.h"
#include "rows_fixture.h"
#include "ui/uimodel.h"

static void test_listsel_moves(void **state)
{
	(void)state;
	struct listsel s = {0};
	assert_false(listsel_move(&s, 0, 1, 5));
	assert_true(listsel_move(&s, 100, 1, 10));
	assert_int_equal(s.cur, 1);
	listsel_move(&s, 100, 20, 10);
	assert_int_equal(s.cur, 21);
	assert_int_equal(s.top, 12); /* kept visible at the bottom */
	listsel_move(&s, 100, 1000, 10);
	assert_int_equal(s.cur, 99);
	assert_int_equal(s.top, 90);
	listsel_move(&s, 100, -1000, 10);
	assert_int_equal(s.cur, 0);
	assert_int_equal(s.top, 0);
	/* The list shrinks under the selection: clamped, no blank rows. */
	s.cur = 50;
	s.top = 45;
	listsel_sync(&s, 20, -1, 10);
	assert_int_equal(s.cur, 19);
	assert_int_equal(s.top, 10);
	/* The screen grows: top comes back so no rows are wasted. */
	listsel_scroll(&s, 20, 30);
	assert_int_equal(s.top, 0);
}

/* A snapshot of TCP sockets with the given cookies and states. */
static void fill(struct sw_snapshot *s, const uint64_t *cookies, const int *states,
		 const int *rports, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t ci = fx_inet(s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 80, "10.0.0.2",
				    (uint16_t)rports[i], states[i]);
		s->conns[ci].cookie = cookies[i];
	}
}

static void test_selection_follows_connection(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	struct sw_snapshot s;
	snapshot_init(&s);
	struct sw_sortkey keys[] = {{SW_COL_RPORT, false}};
	const uint64_t c1[] = {11, 12, 13, 14};
	const int st1[] = {SW_ST_ESTABLISHED, SW_ST_ESTABLISHED, SW_ST_TIME_WAIT, SW_ST_ESTABLISHED};
	const int rp1[] = {1000, 2000, 3000, 4000};
	fill(&s, c1, st1, rp1, 4);
	model_update(m, &s);
	struct sw_view v = {0};
	model_view(m, NULL, NULL, keys, 1, &v);
	assert_int_equal(v.n, 4);
	struct listsel sel = {0};
	listsel_set(&sel, v.n, 2, 10); /* rport 3000, cookie 13 */
	listsel_remember_view(&sel, &v);
	assert_true(sel.has_key);
	assert_int_equal(sel.key, 13);

	/* Next refresh: two new sockets sort in front of it. */
	const uint64_t c2[] = {11, 12, 13, 14, 15, 16};
	const int st2[] = {SW_ST_ESTABLISHED, SW_ST_ESTABLISHED, SW_ST_TIME_WAIT,
			   SW_ST_ESTABLISHED, SW_ST_ESTABLISHED, SW_ST_ESTABLISHED};
	const int rp2[] = {1000, 2000, 3000, 4000, 100, 200};
	fill(&s, c2, st2, rp2, 6);
	model_update(m, &s);
	model_view(m, NULL, NULL, keys, 1, &v);
	listsel_sync_view(&sel, &v, 10);
	assert_int_equal(sel.cur, 4);
	assert_int_equal(view_row(&v, sel.cur).conn->cookie, 13);

	/* A re-sort (descending) moves it again; the selection follows. */
	keys[0].desc = true;
	view_sort(&v, keys, 1);
	listsel_sync_view(&sel, &v, 10);
	assert_int_equal(view_row(&v, sel.cur).conn->cookie, 13);
	assert_int_equal(sel.cur, 1);

	/* Sort by state: ties are broken by cookie, so the order is total. */
	struct sw_sortkey bystate[] = {{SW_COL_STATE, false}};
	view_sort(&v, bystate, 1);
	listsel_sync_view(&sel, &v, 10);
	assert_int_equal(view_row(&v, sel.cur).conn->cookie, 13);
	for (size_t i = 1; i + 1 < v.n; i++)
		if (view_row(&v, i).conn->state == view_row(&v, i + 1).conn->state)
			assert_true(view_row(&v, i).conn->cookie < view_row(&v, i + 1).conn->cookie);

	view_done(&v);
	snapshot_done(&s);
	model_free(m);
}

static void test_selection_when_gone(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	model_set_tombstone_ttl(m, 0);
	struct sw_snapshot s;
	snapshot_init(&s);
	struct sw_sortkey keys[] = {{SW_COL_RPORT, false}};
	const uint64_t c1[] = {1, 2, 3};
	const int st[] = {SW_ST_ESTABLISHED, SW_ST_ESTABLISHED, SW_ST_ESTABLISHED};
	const int rp1[] = {10, 20, 30};
	fill(&s, c1, st, rp1, 3);
	model_update(m, &s);
	struct sw_view v = {0};
	model_view(m, NULL, NULL, keys, 1, &v);
	struct listsel sel = {0};
	listsel_set(&sel, v.n, 1, 10);
	listsel_remember_view(&sel, &v);
	/* Cookie 2 closes: the selection stays on row 1 (now cookie 3).  The
	 * model may hold a vanished socket for a refresh: sample twice. */
	const uint64_t c2[] = {1, 3};
	const int rp2[] = {10, 30};
	fill(&s, c2, st, rp2, 2);
	model_update(m, &s);
	fill(&s, c2, st, rp2, 2);
	model_update(m, &s);
	model_view(m, NULL, NULL, keys, 1, &v);
	listsel_sync_view(&sel, &v, 10);
	assert_int_equal(sel.cur, 1);
	assert_int_equal(sel.key, 3);
	view_done(&v);
	snapshot_done(&s);
	model_free(m);
}

static void test_colset(void **state)
{
	(void)state;
	struct colset cs;
	colset_init(&cs);
	enum sw_col_id ids[SW_COL_COUNT];
	size_t n = colset_visible(&cs, ids, SW_COL_COUNT);
	size_t want = 0;
	for (int i = 0; i < SW_COL_COUNT; i++)
		want += column_get((enum sw_col_id)i)->default_on;
	assert_int_equal(n, want);
	assert_int_equal(ids[0], SW_COL_PROTO);

	assert_int_equal(colset_parse(&cs, "state,rtt,local"), 0);
	n = colset_visible(&cs, ids, SW_COL_COUNT);
	assert_int_equal(n, 3);
	assert_int_equal(ids[0], SW_COL_STATE);
	assert_int_equal(ids[1], SW_COL_RTT);
	assert_int_equal(ids[2], SW_COL_LOCAL);
	char buf[256];
	assert_string_equal(colset_str(&cs, buf, sizeof buf), "state,rtt,local");

	/* The picker: show a tcp_info column, hide one, move one. */
	size_t cwnd = SW_COL_COUNT;
	for (size_t i = 0; i < SW_COL_COUNT; i++)
		if (cs.order[i] == SW_COL_CWND)
			cwnd = i;
	assert_true(cwnd < SW_COL_COUNT);
	colset_toggle(&cs, cwnd);
	colset_toggle(&cs, 1); /* rtt off */
	assert_string_equal(colset_str(&cs, buf, sizeof buf), "state,local,cwnd");
	size_t to = colset_move(&cs, cwnd, -(int)cwnd);
	assert_int_equal(to, 0);
	assert_string_equal(colset_str(&cs, buf, sizeof buf), "cwnd,state,local");
	to = colset_move(&cs, 0, 1);
	assert_int_equal(to, 1);
	assert_string_equal(colset_str(&cs, buf, sizeof buf), "state,cwnd,local");
	/* Moves clamp at both ends and every column stays listed once. */
	assert_int_equal(colset_move(&cs, 0, -5), 0);
	assert_int_equal(colset_move(&cs, SW_COL_COUNT - 1, 5), SW_COL_COUNT - 1);
	bool seen[SW_COL_COUNT] = {false};
	for (size_t i = 0; i < SW_COL_COUNT; i++) {
		assert_false(seen[cs.order[i]]);
		seen[cs.order[i]] = true;
	}
	/* A bad list leaves the defaults. */
	assert_int_equal(colset_parse(&cs, "state,bogus"), -1);
	n = colset_visible(&cs, ids, SW_COL_COUNT);
	assert_int_equal(n, want);
}

static void test_sortstate(void **state)
{
	(void)state;
	struct sortstate ss;
	sortstate_init(&ss);
	assert_int_equal(ss.k[0].col, SW_COL_STATE);
	sortstate_set(&ss, SW_COL_RECVQ, sortstate_desc_first(SW_COL_RECVQ));
	assert_int_equal(ss.n, 2);
	assert_int_equal(ss.k[0].col, SW_COL_RECVQ);
	assert_true(ss.k[0].desc);
	assert_int_equal(ss.k[1].col, SW_COL_STATE); /* old primary breaks ties */
	sortstate_invert(&ss);
	assert_false(ss.k[0].desc);
	/* Setting the same primary again keeps its direction. */
	sortstate_set(&ss, SW_COL_RECVQ, true);
	assert_false(ss.k[0].desc);
	assert_false(sortstate_desc_first(SW_COL_REMOTE));
	assert_true(sortstate_desc_first(SW_COL_RX_RATE));
	assert_int_equal(sortstate_parse(&ss, "-rxrate,state"), 0);
	assert_int_equal(ss.n, 2);
	assert_int_equal(ss.k[0].col, SW_COL_RX_RATE);
	assert_true(ss.k[0].desc);
	assert_int_equal(sortstate_parse(&ss, "nope"), -1);
}

static void test_drill_stack(void **state)
{
	(void)state;
	struct drill d;
	drill_init(&d);
	char buf[256];
	assert_false(drill_pop(&d, buf, sizeof buf));
	drill_push(&d, "");
	drill_push(&d, "state established");
	assert_true(drill_pop(&d, buf, sizeof buf));
	assert_string_equal(buf, "state established");
	assert_true(drill_pop(&d, buf, sizeof buf));
	assert_string_equal(buf, "");
	assert_false(drill_pop(&d, buf, sizeof buf));
	for (int i = 0; i < DRILL_MAX + 5; i++) {
		snprintf(buf, sizeof buf, "f%d", i);
		drill_push(&d, buf);
	}
	assert_int_equal(d.n, DRILL_MAX);
	assert_true(drill_pop(&d, buf, sizeof buf));
	assert_string_equal(buf, "f36");
	drill_done(&d);
	assert_string_equal(drill_combine("", "dst 1.2.3.4", buf, sizeof buf), "dst 1.2.3.4");
	assert_string_equal(drill_combine("  ", "dst 1.2.3.4", buf, sizeof buf), "dst 1.2.3.4");
	assert_string_equal(drill_combine("state syn-recv", "dst 1.2.3.4", buf, sizeof buf),
			    "(state syn-recv) and dst 1.2.3.4");
}

/* Drill-down conditions parse, and select what they say. */
static void test_drill_conditions(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	size_t a = fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 3306, "192.168.1.7", 40000,
			   SW_ST_ESTABLISHED);
	size_t b = fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 3306, "192.168.1.8", 40001,
			   SW_ST_TIME_WAIT);
	size_t c = fx_inet(&s, SW_PROTO_TCP, AF_INET6, "2001:db8::1", 443, "2001:db8:0:0:5::9",
			   5555, SW_ST_SYN_RECV);
	size_t l = fx_inet(&s, SW_PROTO_TCP, AF_INET, "0.0.0.0", 3306, "0.0.0.0", 0, SW_ST_LISTEN);
	char cond[256];
	struct sw_filter_error fe;

	assert_string_equal(drill_cond_state(SW_ST_TIME_WAIT, cond, sizeof cond),
			    "proto tcp and state time-wait");
	struct sw_filter *f = filter_parse(cond, &fe);
	assert_non_null(f);
	assert_false(filter_match(f, &s, &s.conns[a]));
	assert_true(filter_match(f, &s, &s.conns[b]));
	filter_free(f);

	drill_cond_state(SW_ST_SYN_RECV, cond, sizeof cond);
	f = filter_parse(cond, &fe);
	assert_non_null(f);
	assert_true(filter_match(f, &s, &s.conns[c]));
	assert_false(filter_match(f, &s, &s.conns[a]));
	filter_free(f);

	struct sw_agg_entry e;
	memset(&e, 0, sizeof e);
	e.family = AF_INET;
	inet_pton(AF_INET, "192.168.1.7", e.addr);
	e.prefix = 32;
	assert_string_equal(drill_cond_remote(&e, cond, sizeof cond), "dst 192.168.1.7");
	f = filter_parse(cond, &fe);
	assert_non_null(f);
	assert_true(filter_match(f, &s, &s.conns[a]));
	assert_false(filter_match(f, &s, &s.conns[b]));
	filter_free(f);

	memset(e.addr, 0, sizeof e.addr);
	inet_pton(AF_INET, "192.168.1.0", e.addr);
	e.prefix = 24;
	assert_string_equal(drill_cond_remote(&e, cond, sizeof cond), "dst 192.168.1.0/24");
	f = filter_parse(cond, &fe);
	assert_non_null(f);
	assert_true(filter_match(f, &s, &s.conns[a]));
	assert_true(filter_match(f, &s, &s.conns[b]));
	assert_false(filter_match(f, &s, &s.conns[c]));
	filter_free(f);

	memset(&e, 0, sizeof e);
	e.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::", e.addr);
	e.prefix = 64;
	assert_string_equal(drill_cond_remote(&e, cond, sizeof cond), "dst [2001:db8::]/64");
	f = filter_parse(cond, &fe);
	assert_non_null(f);
	assert_true(filter_match(f, &s, &s.conns[c]));
	assert_false(filter_match(f, &s, &s.conns[a]));
	filter_free(f);

	memset(&e, 0, sizeof e);
	e.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:0:0:5::9", e.addr);
	e.prefix = 128;
	drill_cond_remote(&e, cond, sizeof cond);
	f = filter_parse(cond, &fe);
	assert_non_null(f);
	assert_true(filter_match(f, &s, &s.conns[c]));
	filter_free(f);

	assert_string_equal(drill_cond_listener(&s.conns[l], cond, sizeof cond),
			    "proto tcp and sport = :3306");
	char both[512];
	drill_combine("state established", cond, both, sizeof both);
	f = filter_parse(both, &fe);
	assert_non_null(f);
	assert_true(filter_match(f, &s, &s.conns[a]));
	assert_false(filter_match(f, &s, &s.conns[b]));
	assert_false(filter_match(f, &s, &s.conns[c]));
	filter_free(f);
	snapshot_done(&s);
}

static void test_fit_endpoint(void **state)
{
	(void)state;
	char c[64];
	strcpy(c, "198.51.100.23:48463"); /* 19 in 18 columns: the port stays */
	uimodel_fit_endpoint(c, sizeof c, 18, "~");
	assert_string_equal(c, "198.51.100.~:48463");
	strcpy(c, "198.51.100.23:48463");
	uimodel_fit_endpoint(c, sizeof c, 18, "\u2026");
	assert_string_equal(c, "198.51.100.\u2026:48463");
	strcpy(c, "[2001:db8::1]:443");
	uimodel_fit_endpoint(c, sizeof c, 10, "~");
	assert_string_equal(c, "[2001~:443");
	strcpy(c, "10.0.0.5:80"); /* fits: unchanged */
	uimodel_fit_endpoint(c, sizeof c, 18, "~");
	assert_string_equal(c, "10.0.0.5:80");
	strcpy(c, "/run/php/php8.2-fpm.sock"); /* a path keeps its tail */
	uimodel_fit_endpoint(c, sizeof c, 12, "~");
	assert_string_equal(c, "~.2-fpm.sock");
	strcpy(c, "1.2.3.4:5"); /* too narrow for a marker: left alone */
	uimodel_fit_endpoint(c, sizeof c, 3, "~");
	assert_string_equal(c, "1.2.3.4:5");
}

static void test_find(void **state)
{
	(void)state;
	assert_int_equal(uimodel_find("tcp 10.0.0.1:80 nginx", "NGINX"), 16);
	assert_int_equal(uimodel_find("abc", ""), 0);
	assert_int_equal(uimodel_find("abc", "abcd"), -1);
	assert_int_equal(uimodel_find("", "x"), -1);
	struct sw_agg_entry x, y;
	memset(&x, 0, sizeof x);
	memset(&y, 0, sizeof y);
	x.family = y.family = AF_INET;
	x.addr[3] = 1;
	y.addr[3] = 2;
	assert_int_not_equal(uimodel_agg_key(&x), uimodel_agg_key(&y));
	y.addr[3] = 1;
	assert_int_equal(uimodel_agg_key(&x), uimodel_agg_key(&y));
}

static void test_statehist_ring(void **state)
{
	(void)state;
	static struct statehist h;
	statehist_init(&h);
	double r;
	assert_false(statehist_rate(&h, SW_ST_TIME_WAIT, 10, &r));
	char buf[512];
	assert_int_equal(statehist_spark(&h, SW_ST_TIME_WAIT, 8, false, buf, sizeof buf), 0);
	/* 130 samples one second apart: TIME_WAIT grows by 10/s, wraps the ring. */
	for (uint32_t i = 0; i < 130; i++) {
		uint32_t c[SW_ST_COUNT] = {0};
		c[SW_ST_TIME_WAIT] = i * 10;
		c[SW_ST_ESTABLISHED] = 7;
		statehist_push(&h, (uint64_t)(i + 1) * 1000000000ULL, c, SW_ST_COUNT);
	}
	assert_int_equal(h.n, STATEHIST_N);
	assert_int_equal(statehist_get(&h, SW_ST_TIME_WAIT, 0), 1290);
	assert_int_equal(statehist_get(&h, SW_ST_TIME_WAIT, 1), 1280);
	assert_int_equal(statehist_get(&h, SW_ST_TIME_WAIT, STATEHIST_N - 1), 100);
	assert_int_equal(statehist_get(&h, SW_ST_TIME_WAIT, STATEHIST_N), 0); /* beyond */
	assert_true(statehist_rate(&h, SW_ST_TIME_WAIT, 10, &r));
	assert_true(r > 9.99 && r < 10.01);
	assert_true(statehist_rate(&h, SW_ST_ESTABLISHED, 200, &r));
	assert_true(r == 0);
	/* Growth draws a rising line in both charsets. */
	assert_int_equal(statehist_spark(&h, SW_ST_TIME_WAIT, 5, false, buf, sizeof buf), 5);
	assert_string_equal(buf, "_.-=#");
	assert_int_equal(statehist_spark(&h, SW_ST_TIME_WAIT, 8, true, buf, sizeof buf), 8);
	assert_string_equal(buf, "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588");
	/* A steady count is a flat low line; a state never seen is blank. */
	statehist_spark(&h, SW_ST_ESTABLISHED, 4, false, buf, sizeof buf);
	assert_string_equal(buf, "____");
	statehist_spark(&h, SW_ST_SYN_RECV, 4, true, buf, sizeof buf);
	assert_string_equal(buf, "    ");
}

static void test_statehist_short_history(void **state)
{
	(void)state;
	static struct statehist h;
	statehist_init(&h);
	uint32_t c[SW_ST_COUNT] = {0};
	c[SW_ST_SYN_RECV] = 5;
	statehist_push(&h, 1000000000ULL, c, SW_ST_COUNT);
	char a[64], b[64];
	/* Before the ring fills, the oldest sample fills the left: the same
	 * line every refresh while nothing changes (no bytes at idle). */
	statehist_spark(&h, SW_ST_SYN_RECV, 6, false, a, sizeof a);
	statehist_push(&h, 2000000000ULL, c, SW_ST_COUNT);
	statehist_spark(&h, SW_ST_SYN_RECV, 6, false, b, sizeof b);
	assert_string_equal(a, b);
	assert_string_equal(a, "______");
	/* A burst shows at the right end. */
	c[SW_ST_SYN_RECV] = 500;
	statehist_push(&h, 3000000000ULL, c, SW_ST_COUNT);
	statehist_spark(&h, SW_ST_SYN_RECV, 6, false, b, sizeof b);
	assert_string_equal(b, "_____#");
	double r;
	assert_true(statehist_rate(&h, SW_ST_SYN_RECV, 2, &r));
	assert_true(r > 494.9 && r < 495.1);
	/* A small buffer is never overrun (UTF-8 glyphs are 3 bytes). */
	char small[8];
	size_t cols = statehist_spark(&h, SW_ST_SYN_RECV, 6, true, small, sizeof small);
	assert_int_equal(cols, 2);
	assert_int_equal(strlen(small), 6);
	uint32_t v[3] = {0, 0, 0};
	assert_int_equal(sparkline_render(v, 3, false, a, sizeof a), 3);
	assert_string_equal(a, "   ");
}

static void test_alerts_select(void **state)
{
	(void)state;
	struct diag d[5];
	memset(d, 0, sizeof d);
	enum diag_sev sev[5] = {DIAG_OK, DIAG_WARN, DIAG_ALARM, DIAG_WARN, DIAG_ALARM};
	for (int i = 0; i < 5; i++) {
		d[i].id = (enum diag_id)i;
		d[i].sev = sev[i];
	}
	struct diag_list l = {.d = d, .n = 5, .cap = 5, .worst = DIAG_ALARM};
	const struct diag *out[8];
	size_t n = alerts_select(&l, out, 8);
	assert_int_equal(n, 4);
	assert_ptr_equal(out[0], &d[2]);
	assert_ptr_equal(out[1], &d[4]);
	assert_ptr_equal(out[2], &d[1]);
	assert_ptr_equal(out[3], &d[3]);
	assert_int_equal(alerts_select(&l, out, 1), 1);
	assert_ptr_equal(alerts_worst(&l), &d[2]);
	/* All OK: nothing to alert about. */
	for (int i = 0; i < 5; i++)
		d[i].sev = DIAG_OK;
	assert_int_equal(alerts_select(&l, out, 8), 0);
	assert_null(alerts_worst(&l));
	assert_null(alerts_worst(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listsel_moves),
		cmocka_unit_test(test_selection_follows_connection),
		cmocka_unit_test(test_selection_when_gone),
		cmocka_unit_test(test_colset),
		cmocka_unit_test(test_sortstate),
		cmocka_unit_test(test_drill_stack),
		cmocka_unit_test(test_drill_conditions),
		cmocka_unit_test(test_fit_endpoint),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_statehist_ring),
		cmocka_unit_test(test_statehist_short_history),
		cmocka_unit_test(test_alerts_select),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
