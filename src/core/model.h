/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model.h - consecutive snapshots merged into rows.
 *
 * The model owns the current snapshot and remembers, per socket cookie,
 * when it was first seen and its previous tcp_info byte counters, so each
 * row carries rates and marks (new, closed).  Closed sockets stay as
 * tombstone rows for a few refreshes.  Views are filtered, sorted arrays
 * of handles to rows; they never copy records.
 */
#ifndef SW_MODEL_H
#define SW_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "snapshot.h"

enum {
	SW_ROW_NEW = 1u << 0,    /* appeared in the latest refresh */
	SW_ROW_CLOSED = 1u << 1, /* tombstone: gone since the last refresh(es) */
	SW_ROW_MARKED_NEW = 1u << 2,    /* opened since the user's mark */
	SW_ROW_RATE = 1u << 3,   /* rx_bps/tx_bps valid */
	SW_ROW_ENDED = 1u << 4,  /* entered TIME_WAIT in the latest refresh: the
	                            connection closed (the remains keep its
	                            cookie) */
};
/* Closed-connection rows (churn.h) keep how their owner was named (enum
 * sw_churn_how) in these bits of sw_rowstat.flags. */
#define SW_ROW_HOW_SHIFT 8
#define SW_ROW_HOW(flags) (((flags) >> SW_ROW_HOW_SHIFT) & 3u)

/* 20 bytes: one per row in each of two frames, and per tombstone. */
struct sw_rowstat {
	uint32_t seen_ms;       /* how long before its snapshot's time
	                           (mono_ns) a sample first saw the socket,
	                           plus one, at most 49.7 days; 0 not known
	                           (sw_rowstat_age_ms()) */
	float rx_bps, tx_bps;   /* bytes/s from tcp_info deltas */
	uint16_t flags;         /* SW_ROW_* */
	uint16_t gone_for;      /* tombstones: refreshes since it closed */
	union {
		uint32_t retrans_delta; /* live rows (not SW_ROW_CLOSED):
		                           total_retrans growth since the
		                           last refresh; sw_row_retrans_delta() */
		uint32_t life_ms;       /* closed-connection rows (churn.h,
		                           SW_ROW_CLOSED): how long it lived,
		                           a lower bound; 0 unknown */
	};
};
_Static_assert(sizeof(struct sw_rowstat) == 20, "sw_rowstat grew");

/* The seen_ms of a socket first seen at first_ns, in a snapshot of time
 * t_ns (0: a snapshot without a time, whose rows have no age). */
static inline uint32_t sw_rowstat_seen(uint64_t first_ns, uint64_t t_ns)
{
	if (!first_ns || !t_ns || t_ns < first_ns)
		return 0;
	uint64_t ms = (t_ns - first_ns) / 1000000u;
	return ms >= UINT32_MAX - 1 ? UINT32_MAX : (uint32_t)ms + 1;
}
/* Whether a row state knows how long its socket has been seen. */
static inline bool sw_rowstat_has_age(const struct sw_rowstat *st)
{
	return st && st->seen_ms;
}
/* How long, as of its snapshot's time, its socket has been seen (ms). */
static inline uint32_t sw_rowstat_age_ms(const struct sw_rowstat *st)
{
	return st->seen_ms ? st->seen_ms - 1 : 0;
}
/* When its socket was first seen (monotonic ns), from the time of the
 * row's snapshot; 0 not known.  Exact to the millisecond. */
static inline uint64_t sw_rowstat_first_seen(const struct sw_rowstat *st, uint64_t snap_ns)
{
	if (!sw_rowstat_has_age(st) || snap_ns < (uint64_t)sw_rowstat_age_ms(st) * 1000000u)
		return 0;
	return snap_ns - (uint64_t)sw_rowstat_age_ms(st) * 1000000u;
}

/* A row state's retransmits since the last refresh (0 when closed). */
static inline uint32_t sw_rowstat_retrans_delta(const struct sw_rowstat *st)
{
	return st && !(st->flags & SW_ROW_CLOSED) ? st->retrans_delta : 0;
}

struct sw_row {
	const struct sw_snapshot *snap; /* the current snapshot, or the tombstone store */
	const struct sw_conn *conn;
	const struct sw_rowstat *st;
};

struct sw_sortkey {
	int col;   /* enum sw_col_id (columns.h) */
	bool desc;
};

/* A view holds 4-byte handles, not rows: at a million sockets two frames'
 * views of 24-byte rows were 48 MB, and the sort moved 24 bytes a row.
 * A handle names one of the sources (a snapshot and the row states beside
 * its records) in its top bits and a record's index in it in the rest;
 * view_row() makes the row.  The model's views use SW_VSRC_LIVE,
 * SW_VSRC_TOMB and SW_VSRC_CLOSED.  A view of an array of rows
 * (view_of_rows: tests, a row list made by hand) holds their indexes. */
#define SW_VIEW_IDX_BITS 30
#define SW_VIEW_IDX_MASK ((1u << SW_VIEW_IDX_BITS) - 1)
enum { SW_VSRC_LIVE, SW_VSRC_TOMB, SW_VSRC_CLOSED, SW_VSRC_N };

struct sw_vsrc {
	const struct sw_snapshot *snap;
	const struct sw_rowstat *st; /* NULL: rows have none */
	size_t stride;               /* 1: st[i] per record; 0: one for all */
};

struct sw_view {
	uint32_t *ix; /* handles */
	size_t n, cap;
	struct sw_vsrc src[SW_VSRC_N];
	const struct sw_row *rowv; /* view_of_rows: the rows the handles index */
};

static inline struct sw_row view_handle_row(const struct sw_view *v, uint32_t h)
{
	if (v->rowv)
		return v->rowv[h];
	const struct sw_vsrc *s = &v->src[h >> SW_VIEW_IDX_BITS];
	size_t k = h & SW_VIEW_IDX_MASK;
	struct sw_row r = {s->snap, &s->snap->conns[k], s->st ? s->st + k * s->stride : NULL};
	return r;
}

static inline struct sw_row view_row(const struct sw_view *v, size_t i)
{
	return view_handle_row(v, v->ix[i]);
}

/* A view of rows[0..n), in that order (rows must outlive it); view_done
 * frees what it made. */
void view_of_rows(struct sw_view *v, const struct sw_row *rows, size_t n);

struct sw_model;

struct sw_model *model_new(void);
void model_free(struct sw_model *m);
/* Take snap's contents (the model swaps buffers with it, so the caller
 * gets a cleared snapshot with reusable allocations back). */
void model_update(struct sw_model *m, struct sw_snapshot *snap);
/* The same, but the previous snapshot and row states stay as they were
 * (rows of views built before still read them) until
 * model_release_prev(); snap gets empty buffers back.  The model's other
 * functions may not run while another thread is in this one. */
void model_update_keep(struct sw_model *m, struct sw_snapshot *snap);
/* No view refers to the previous update's rows any more: clear them, or
 * free them when their records take more than keep_bytes. */
void model_release_prev(struct sw_model *m, size_t keep_bytes);
/* The same, but the previous snapshot's buffers, cleared, go to *spare
 * (which holds none: the empty one model_update_keep gave back) for the
 * next collection to fill, unless they are more than four times what the
 * latest update needed (after a spike: then they are freed).  A monitor
 * that collects in the background then holds two snapshots' buffers, and
 * no refresh faults its pages in again. */
void model_release_prev_spare(struct sw_model *m, struct sw_snapshot *spare);
const struct sw_snapshot *model_snapshot(const struct sw_model *m);
/* Before collecting into snap (the cleared snapshot model_update gave
 * back, or a spare): lend it the current snapshot's tcp_info arrays, so
 * the monitor holds one set instead of two (~10 MB at 100k sockets, 88 MB
 * at a million); snap's own array is freed.  The model keeps what rates
 * need; the current rows lose their tcp_info until the next update, and
 * sockets that vanish in it become tombstones with their byte counters
 * only. */
void model_lend_tcpx(struct sw_model *m, struct sw_snapshot *snap);
/* No update will follow the next one (a single batch listing): keep no
 * per-socket memory, so rows get no rates and no new/closed marks (they
 * share one row state, and model_rowstats() answers NULL). */
void model_set_oneshot(struct sw_model *m, bool oneshot);
/* How many refreshes a closed socket stays visible (0 disables). */
void model_set_tombstone_ttl(struct sw_model *m, unsigned refreshes);
/* Freeze a baseline: rows opened after it get SW_ROW_MARKED_NEW. */
void model_mark(struct sw_model *m);
void model_clear_mark(struct sw_model *m);

/* The live row of the socket key names (cookie, protocol, family) in the
 * latest update: true and *out filled, or false. */
bool model_find_live(const struct sw_model *m, const struct sw_conn *key, struct sw_row *out);
/* The row states of model_snapshot()'s conns (first-seen times); NULL
 * in a one-shot model. */
const struct sw_rowstat *model_rowstats(const struct sw_model *m);
/* The model's own tombstones (sockets gone from a sample; gone_for 1:
 * gone in the latest update): their store and row states. */
const struct sw_snapshot *model_tombstones(const struct sw_model *m,
					   const struct sw_rowstat **st);
/* Closed-connection rows kept elsewhere (churn.h: records of destroy
 * events): views list them (when tombstones are shown, TTL > 0) instead of
 * the model's own tombstones of the protocols in `protos`.  s and st must
 * stay valid until the next call or view; NULL detaches. */
void model_set_closed(struct sw_model *m, const struct sw_snapshot *s,
		      const struct sw_rowstat *st, uint32_t protos);

/* Build a view of all rows (live, then tombstones) that pass sel and f
 * (either may be NULL), sorted by keys (ties broken by cookie, so the
 * order is total and stable across refreshes). */
void model_view(const struct sw_model *m, const struct sw_select *sel,
		const struct sw_filter *f, const struct sw_sortkey *keys,
		size_t nkeys, struct sw_view *v);
/* The same; without the closed-connection rows kept elsewhere
 * (model_set_closed) when closed is false ... */
void model_view_ex(const struct sw_model *m, const struct sw_select *sel,
		   const struct sw_filter *f, const struct sw_sortkey *keys,
		   size_t nkeys, bool closed, struct sw_view *v);
/* The rows of model_view_ex, unsorted: live ones in the order they were
 * collected, then tombstones, then the closed-connection rows.  For what
 * does not depend on the order (counts), which then reads each record and
 * row state where it lies instead of at random; view_sort() orders them
 * after. */
void model_view_rows(const struct sw_model *m, const struct sw_select *sel,
		     const struct sw_filter *f, bool closed, struct sw_view *v);
/* ... which this adds later to v (built with the same sel, f and keys),
 * each in its place in the order. */
size_t model_view_add_closed(const struct sw_model *m, const struct sw_select *sel,
			     const struct sw_filter *f, const struct sw_sortkey *keys,
			     size_t nkeys, struct sw_view *v);
void view_sort(struct sw_view *v, const struct sw_sortkey *keys, size_t nkeys);
/* view_sort keeps its scratch arrays (up to 4 MB each) for the next sort;
 * a program that sorts once frees them here. */
void view_sort_scratch_free(void);
/* Rows that are not tombstones (SW_ROW_CLOSED): what "N of M" counts, so
 * the table agrees with the states histogram. */
size_t view_live(const struct sw_view *v);
/* Index of the row with this cookie, or -1. */
long view_find_cookie(const struct sw_view *v, uint64_t cookie);
void view_done(struct sw_view *v);

#endif
