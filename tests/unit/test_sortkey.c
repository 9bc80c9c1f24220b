/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_sortkey: column sort-key prefixes (column_sortkey) agree with the
 * comparators, and view_sort's radix-prefix path for large views gives
 * exactly the order of a plain comparator sort: with runs of ties left to
 * identity order (cookie, protocol, family), in long runs of equal
 * leading keys, and above the size where the rows are permuted in place
 * instead of through a copy. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/columns.h"
#include "core/model.h"
#include "core/snapshot.h"

#define N 3000 /* well above the prefix-sort threshold */
#define BIG 300000 /* above the in-place permutation threshold (256k) */

static uint32_t rng = 12345;

static uint32_t rnd(uint32_t n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 8) % n;
}

/* A mix with many ties: IPv4, IPv6, v4-mapped IPv6 and UNIX sockets over
 * few addresses, ports, states and queue values. */
static void fill_n(struct sw_snapshot *s, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct sw_conn *c = snapshot_add_conn(s);
		memset(c, 0, sizeof *c);
		c->cookie = 1000 + (uint64_t)rnd(n / 2); /* duplicates too */
		c->tcpx = SW_NONE;
		uint32_t kind = rnd(10);
		c->proto = kind < 8 ? (uint8_t)rnd(3) : SW_PROTO_UNIX;
		c->state = (uint8_t)(1 + rnd(11));
		c->rq = rnd(3) ? 0 : rnd(70000);
		c->wq = rnd(4);
		if (c->proto == SW_PROTO_UNIX) {
			c->family = AF_UNIX;
			c->sotype = (uint8_t)(1 + rnd(2));
			c->local.port = 0;
			c->peer_inode = rnd(50);
			continue;
		}
		c->local.port = (uint16_t)(rnd(2) ? 20000 + rnd(5) : rnd(65536));
		c->remote.port = (uint16_t)rnd(8);
		if (kind < 4) {
			c->family = AF_INET;
			uint8_t l[16] = {127, 0, (uint8_t)rnd(3), (uint8_t)rnd(4)};
			uint8_t r[16] = {10, (uint8_t)rnd(2), 0, (uint8_t)rnd(300 % 256)};
			snapshot_set_addr(s, c, false, l);
			snapshot_set_addr(s, c, true, r);
		} else {
			c->family = AF_INET6;
			uint8_t a[16] = {0}, b[16] = {0};
			if (kind < 6) { /* v4-mapped */
				a[10] = a[11] = b[10] = b[11] = 0xff;
				a[12] = 127, a[15] = (uint8_t)rnd(4);
				b[12] = 10, b[15] = (uint8_t)rnd(4);
			} else { /* differ only past the 48-bit prefix sometimes */
				a[0] = 0xfd, a[5] = (uint8_t)rnd(2), a[15] = (uint8_t)rnd(3);
				b[0] = 0x20, b[1] = 0x01, b[9] = (uint8_t)rnd(3);
				if (rnd(4) == 0)
					memset(a, 0, 16); /* :: */
			}
			snapshot_set_addr(s, c, false, a);
			snapshot_set_addr(s, c, true, b);
		}
	}
}

static void fill(struct sw_snapshot *s)
{
	fill_n(s, N);
}

static const struct sw_sortkey *cur_keys;
static size_t cur_nkeys;

static int ref_cmp(const void *pa, const void *pb)
{
	const struct sw_row *a = pa, *b = pb;
	for (size_t k = 0; k < cur_nkeys; k++) {
		int r = column_get((enum sw_col_id)cur_keys[k].col)->compare(a, b);
		if (r)
			return cur_keys[k].desc ? (r < 0 ? 1 : -1) : (r < 0 ? -1 : 1);
	}
	const struct sw_conn *x = a->conn, *y = b->conn;
	if (x->cookie != y->cookie)
		return x->cookie < y->cookie ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return 0;
}

static void check_order(const struct sw_snapshot *s, const struct sw_sortkey *keys,
			size_t nkeys, size_t n)
{
	struct sw_view v = {0};
	struct sw_row *ref = calloc(n, sizeof *ref);
	assert_non_null(ref);
	/* a view as the model makes it: handles into one snapshot */
	v.ix = calloc(n ? n : 1, sizeof *v.ix);
	assert_non_null(v.ix);
	v.n = v.cap = n;
	v.src[SW_VSRC_LIVE].snap = s;
	for (size_t i = 0; i < n; i++) {
		v.ix[i] = (uint32_t)(SW_VSRC_LIVE << SW_VIEW_IDX_BITS) | (uint32_t)i;
		ref[i] = view_row(&v, i);
		assert_ptr_equal(ref[i].conn, &s->conns[i]);
	}
	cur_keys = keys;
	cur_nkeys = nkeys;
	qsort(ref, n, sizeof *ref, ref_cmp);
	view_sort(&v, keys, nkeys);
	for (size_t i = 0; i < n; i++) {
		/* rows equal under ref_cmp (same cookie, proto, family and
		 * keys) may come in either order: compare by ref_cmp */
		struct sw_row r = view_row(&v, i);
		if (r.conn != ref[i].conn)
			assert_int_equal(ref_cmp(&r, &ref[i]), 0);
	}
	free(ref);
	view_done(&v);
}

static void test_view_sort_matches_comparators(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	fill(&s);
	static const struct sw_sortkey specs[][3] = {
		{{SW_COL_PROTO, false}, {SW_COL_LOCAL, false}, {SW_COL_REMOTE, false}},
		{{SW_COL_STATE, false}, {SW_COL_REMOTE, false}, {-1, false}},
		{{SW_COL_STATE, true}, {SW_COL_LOCAL, true}, {-1, false}},
		{{SW_COL_RECVQ, true}, {SW_COL_RPORT, false}, {SW_COL_LPORT, true}},
		{{SW_COL_SENDQ, false}, {SW_COL_RECVQ, false}, {SW_COL_STATE, false}},
		{{SW_COL_LPORT, false}, {SW_COL_PROTO, true}, {SW_COL_REMOTE, true}},
		{{SW_COL_LOCAL, false}, {SW_COL_STATE, false}, {-1, false}},
		{{SW_COL_COOKIE, false}, {SW_COL_STATE, false}, {-1, false}}, /* no key */
		{{SW_COL_PROTO, false}, {SW_COL_UID, false}, {SW_COL_LOCAL, false}},
		/* second-level keys in runs of equal first keys */
		{{SW_COL_LOCAL, true}, {SW_COL_REMOTE, false}, {SW_COL_STATE, true}},
		{{SW_COL_REMOTE, false}, {SW_COL_LPORT, true}, {SW_COL_LOCAL, false}},
	};
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		size_t nk = specs[i][2].col < 0 ? (specs[i][1].col < 0 ? 1 : 2) : 3;
		check_order(&s, specs[i], nk, N);   /* radix-prefix path */
		check_order(&s, specs[i], nk, 100); /* small view: comparator only */
		/* the scratch arrays kept from the last sort serve a smaller
		 * one, and a freed set is made again */
		check_order(&s, specs[i], nk, N / 2 + 1);
		if (i % 2)
			view_sort_scratch_free();
	}
	view_sort_scratch_free();
	view_sort_scratch_free(); /* nothing kept: nothing to do */
	check_order(&s, specs[1], 2, N);
	snapshot_done(&s);
}

/* A million-socket view is permuted in place; the monitor's state,remote
 * order leaves runs of thousands of ties (one state towards few remote
 * endpoints) to identity order. */
static void test_view_sort_big(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	fill_n(&s, BIG);
	static const struct sw_sortkey specs[][3] = {
		{{SW_COL_STATE, false}, {SW_COL_REMOTE, false}, {-1, false}},
		{{SW_COL_PROTO, false}, {SW_COL_LOCAL, false}, {SW_COL_REMOTE, false}},
		{{SW_COL_SENDQ, true}, {SW_COL_STATE, false}, {-1, false}},
		{{SW_COL_LOCAL, false}, {SW_COL_UID, false}, {-1, false}}, /* no key */
	};
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
		check_order(&s, specs[i], specs[i][2].col < 0 ? 2 : 3, BIG);
	snapshot_done(&s);
}

/* Long runs of equal leading keys: a listener's connections (one local
 * endpoint, the second key decides) and exact ties (identity decides).
 * Cookies and remote ports within 16 bits take a single radix pass, whose
 * result is in the scratch buffer; runs of 1,000 take the quicksort. */
static void test_view_sort_long_runs(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	const uint32_t n = 25000;
	for (uint32_t i = 0; i < n; i++) {
		struct sw_conn *c = snapshot_add_conn(&s);
		memset(c, 0, sizeof *c);
		c->cookie = rnd(60000);
		c->tcpx = SW_NONE;
		c->proto = SW_PROTO_TCP;
		c->family = AF_INET;
		c->state = (uint8_t)(i % 5 ? 1 : 8);
		uint8_t l[16] = {127, 0, 0, 1}, r[16] = {192, 0, 2, (uint8_t)rnd(3)};
		snapshot_set_addr(&s, c, false, l);
		snapshot_set_addr(&s, c, true, r);
		c->local.port = (uint16_t)(i < 1000 ? 3306 : i < 13000 ? 80 : 9000);
		c->remote.port = (uint16_t)(1 + rnd(65535));
	}
	static const struct sw_sortkey specs[][3] = {
		{{SW_COL_LOCAL, false}, {SW_COL_REMOTE, false}, {-1, false}},
		{{SW_COL_LOCAL, true}, {SW_COL_REMOTE, true}, {-1, false}},
		{{SW_COL_PROTO, false}, {SW_COL_LPORT, false}, {SW_COL_STATE, false}},
		{{SW_COL_STATE, true}, {SW_COL_LOCAL, false}, {-1, false}},
	};
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
		check_order(&s, specs[i], specs[i][2].col < 0 ? 2 : 3, n);
	view_sort_scratch_free();
	snapshot_done(&s);
}

static void test_keys_agree_with_compare(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	fill(&s);
	int with_key = 0;
	for (int id = 0; id < SW_COL_COUNT; id++) {
		struct sw_colkey ck;
		if (!column_sortkey((enum sw_col_id)id, &ck))
			continue;
		with_key++;
		assert_true(ck.bits >= 1 && ck.bits <= 64);
		const struct sw_column *col = column_get((enum sw_col_id)id);
		uint64_t mask = ck.bits == 64 ? UINT64_MAX : (1ull << ck.bits) - 1;
		for (int t = 0; t < 20000; t++) {
			struct sw_row a = {&s, &s.conns[rnd(N)], NULL};
			struct sw_row b = {&s, &s.conns[rnd(N)], NULL};
			uint64_t ka = ck.key(&a), kb = ck.key(&b);
			int c = col->compare(&a, &b);
			assert_int_equal(ka & ~mask, 0);
			if (ka < kb)
				assert_true(c < 0);
			else if (ka > kb)
				assert_true(c > 0);
			else if (ck.exact)
				assert_int_equal(c, 0);
			else if (ck.exact_row && ck.exact_row(&a) && ck.exact_row(&b))
				assert_int_equal(c, 0); /* per-row exact (IPv4 endpoints) */
			if (c == 0)
				assert_true(ka == kb);
		}
	}
	assert_true(with_key >= 4);
	snapshot_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_agree_with_compare),
		cmocka_unit_test(test_view_sort_matches_comparators),
		cmocka_unit_test(test_view_sort_big),
		cmocka_unit_test(test_view_sort_long_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
