/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uimodel.h - the pure (curses-free) state behind the monitor's panels:
 * a list selection that follows its item across refreshes, the column set
 * of the connection table, the sort keys, the drill-down stack, and the
 * filter conditions a drill-down builds.  Unit-tested without a terminal.
 */
#ifndef SW_UIMODEL_H
#define SW_UIMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/aggregate.h"
#include "core/columns.h"
#include "core/diagnose.h"
#include "core/model.h"

/* A selected row in a list of n items shown in a window of h rows.  The
 * selection is remembered by a key (the socket cookie, a hash of an
 * aggregate key), never by its row number. */
struct listsel {
	size_t cur;   /* selected index (valid when n > 0) */
	size_t top;   /* first visible index */
	uint64_t key; /* key of the selected item */
	bool has_key;
};

/* After the list changed: idx is where the remembered key is now (-1 if
 * gone).  Keeps the selection on it, or on the same row number (clamped)
 * when it is gone, and keeps it visible in h rows. */
void listsel_sync(struct listsel *s, size_t n, long idx, size_t h);
/* Move by delta rows (clamped); returns true if the selection moved. */
bool listsel_move(struct listsel *s, size_t n, long delta, size_t h);
void listsel_set(struct listsel *s, size_t n, size_t idx, size_t h);
/* Keep cur visible in h rows; top also never leaves blank rows at the end. */
void listsel_scroll(struct listsel *s, size_t n, size_t h);
/* Selection follows the connection: sync against a view by cookie. */
void listsel_sync_view(struct listsel *s, const struct sw_view *v, size_t h);
/* Remember the row now under the cursor. */
void listsel_remember_view(struct listsel *s, const struct sw_view *v);

/* The connection table's columns: all columns in display order, some on. */
struct colset {
	enum sw_col_id order[SW_COL_COUNT];
	bool on[SW_COL_COUNT]; /* indexed by column id */
	size_t cur;            /* picker cursor (index into order) */
};
void colset_init(struct colset *cs);            /* column defaults */
/* From a --columns list ("proto,state,local"); -1 on a bad list (cs is
 * then left at the defaults). */
int colset_parse(struct colset *cs, const char *spec);
void colset_toggle(struct colset *cs, size_t idx);
/* Show column id first (-N all: the namespace column). */
void colset_show_first(struct colset *cs, enum sw_col_id id);
/* Move the column at idx by delta places; returns its new index. */
size_t colset_move(struct colset *cs, size_t idx, int delta);
/* Visible columns in order; returns the count. */
size_t colset_visible(const struct colset *cs, enum sw_col_id *ids, size_t max);
/* "proto,state,local" (visible columns in order). */
char *colset_str(const struct colset *cs, char *buf, size_t len);

/* Sort keys (the first is the primary; ties end with the cookie). */
#define SORTSTATE_MAX 4
struct sortstate {
	struct sw_sortkey k[SORTSTATE_MAX];
	size_t n;
};
void sortstate_init(struct sortstate *ss);      /* state, then remote */
int sortstate_parse(struct sortstate *ss, const char *spec);
/* Make col the primary key; a column that was already primary keeps its
 * direction, a new one starts descending when desc_first (numbers). */
void sortstate_set(struct sortstate *ss, enum sw_col_id col, bool desc_first);
void sortstate_invert(struct sortstate *ss);
/* Whether a column's natural first sort is largest first. */
bool sortstate_desc_first(enum sw_col_id col);

/* Drill-down stack: filter texts to go back to. */
#define DRILL_MAX 32
struct drill {
	char *text[DRILL_MAX];
	size_t n;
};
void drill_init(struct drill *d);
void drill_done(struct drill *d);
void drill_push(struct drill *d, const char *filter_text);
/* Pops into buf; false if the stack is empty. */
bool drill_pop(struct drill *d, char *buf, size_t len);

/* Combine the current filter with a condition: "(old) and cond", or cond
 * alone when old is empty. */
char *drill_combine(const char *old, const char *cond, char *buf, size_t len);
/* Conditions for a drill-down, in the filter language. */
char *drill_cond_state(unsigned state, char *buf, size_t len);
char *drill_cond_remote(const struct sw_agg_entry *e, char *buf, size_t len);
char *drill_cond_listener(const struct sw_conn *c, char *buf, size_t len);

/* Case-insensitive (ASCII) substring search; returns the byte offset of
 * the match or -1. */
long uimodel_find(const char *hay, const char *needle);
/* Make an address cell fit `width` columns without changing what it says:
 * an ASCII "host:port" keeps its ":port" and loses the end of the host,
 * anything else (UNIX paths) keeps its tail; `ell` (one column wide) marks
 * the cut.  Cells that fit, non-ASCII cells and widths too small for a
 * marker are left alone.  len is the size of the cell buffer. */
void uimodel_fit_endpoint(char *cell, size_t len, int width, const char *ell);
/* A stable 64-bit key for an aggregate entry (for listsel). */
uint64_t uimodel_agg_key(const struct sw_agg_entry *e);

/* ---- per-state history (the States panel's sparklines) ---- */

/* The last STATEHIST_N samples of each TCP state's count (a ring). */
#define STATEHIST_N 120
#define STATEHIST_NST 16 /* >= SW_ST_COUNT */
struct statehist {
	uint32_t v[STATEHIST_N][STATEHIST_NST];
	uint64_t t_ns[STATEHIST_N]; /* monotonic time of each sample */
	size_t head;                /* next slot to write */
	size_t n;                   /* samples held (<= STATEHIST_N) */
};
void statehist_init(struct statehist *h);
/* Add one sample: counts[st] for st < nst. */
void statehist_push(struct statehist *h, uint64_t t_ns, const uint32_t *counts, size_t nst);
/* The i-th oldest of the last `want` samples of state st (i < min(want, n)). */
uint32_t statehist_get(const struct statehist *h, unsigned st, size_t age);
/* Change per second of state st over the last `span` samples (at least
 * two); false when there is not enough history. */
bool statehist_rate(const struct statehist *h, unsigned st, size_t span, double *per_sec);
/* The last `width` samples of state st as a sparkline into buf: UTF-8
 * blocks (\u2581..\u2588) or ASCII "_.-=#", scaled between the minimum
 * and the maximum shown (a flat line is the lowest level; all zero is
 * blank).  Columns before the first sample repeat the oldest sample, so a
 * steady count draws the same line every refresh.  Returns the columns
 * drawn (width, or 0 with no history). */
size_t statehist_spark(const struct statehist *h, unsigned st, size_t width, bool utf8,
		       char *buf, size_t len);
/* Render values (oldest first) as a sparkline (see above). */
size_t sparkline_render(const uint32_t *vals, size_t n, bool utf8, char *buf, size_t len);

/* ---- alerts ---- */

/* Pointers to the non-OK diagnoses of l, worst first (ties keep the
 * diagnosis order); returns how many (at most max). */
size_t alerts_select(const struct diag_list *l, const struct diag **out, size_t max);
/* One line for the alerts line: "!! ALARM ephemeral ports: ..." is built
 * by the UI; this is the worst non-OK diagnosis or NULL. */
const struct diag *alerts_worst(const struct diag_list *l);

#endif
