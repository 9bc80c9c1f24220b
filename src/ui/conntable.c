/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntable.c - the Connections panel: one row per socket, columns from
 * the shared column table (core/columns.h), the selection following its
 * socket cookie, horizontal scrolling by column, click-to-sort. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "cells.h"
#include "details.h"
#include "uistate.h"

#define CELL_MAX 512
#define ADDR_CAP 42 /* [ipv6]:port fits; more goes to the process columns */

static size_t ct_nrows(const struct panel *p, const struct ui *ui)
{
	(void)p;
	return ui->data.conns ? ui->data.conns->n : 0;
}

/* The selected row, made from its handle into ui->sel_row (valid until
 * the next call). */
static const struct sw_row *ct_selected(struct panel *p, struct ui *ui)
{
	size_t n = ct_nrows(p, ui);
	if (!n || p->sel.cur >= n)
		return NULL;
	ui->sel_row = view_row(ui->data.conns, p->sel.cur);
	return &ui->sel_row;
}

static long ct_find_key(const struct panel *p, const struct ui *ui, uint64_t key)
{
	(void)p;
	return ui->data.conns ? view_find_cookie(ui->data.conns, key) : -1;
}

static uint64_t ct_row_key(const struct panel *p, const struct ui *ui, size_t i)
{
	(void)p;
	return view_row(ui->data.conns, i).conn->cookie;
}

struct layout {
	enum sw_col_id ids[SW_COL_COUNT];
	int width[SW_COL_COUNT];
	size_t n;     /* visible columns */
	size_t first; /* first column drawn (horizontal scroll) */
};

static void compute_layout(struct panel *p, struct ui *ui, struct layout *L)
{
	L->n = colset_visible(&ui->colset, L->ids, SW_COL_COUNT);
	if (p->hscroll < 0)
		p->hscroll = 0;
	if (L->n && (size_t)p->hscroll >= L->n)
		p->hscroll = (int)L->n - 1;
	L->first = (size_t)p->hscroll;
	/* Minimal widths.  Address columns may go below their long header
	 * (draw_header then uses a short one) so that, on 80 columns, the
	 * process column keeps room for "pid/name". */
	for (size_t i = L->first; i < L->n; i++) {
		const struct sw_column *c = column_get(L->ids[i]);
		int hw = crt_width(_(c->header)) + 1; /* room for the sort arrow */
		if (c->width > 0)
			L->width[i] = c->width > hw ? c->width : hw;
		else if (c->addr)
			L->width[i] = c->minwidth;
		else
			L->width[i] = c->minwidth > hw ? c->minwidth : hw;
	}
	/* Share the width among the columns that fit at their minimal width,
	 * left to right; the rest (RX/s, TX/s on 80 columns) are reached by
	 * scrolling right, and get no share here. */
	int fixed = 0, nflex = 0, used = 0;
	size_t fit = L->first;
	for (size_t i = L->first; i < L->n; i++) {
		if (i > L->first && used + L->width[i] > p->w)
			break;
		used += L->width[i] + 1;
		fit = i + 1;
		if (column_get(L->ids[i])->width > 0)
			fixed += L->width[i] + 1;
		else
			nflex++;
	}
	int left = p->w - fixed;
	if (nflex == 0 || left <= 0)
		return;
	/* Addresses first (capped), then the rest to the other flexible columns. */
	int naddr = 0, nother = 0;
	for (size_t i = L->first; i < fit; i++) {
		const struct sw_column *c = column_get(L->ids[i]);
		if (c->width > 0)
			continue;
		if (c->addr)
			naddr++;
		else
			nother++;
	}
	int share = left / nflex - 1;
	int addr_w = share;
	if (nother && addr_w > ADDR_CAP)
		addr_w = ADDR_CAP;
	int rest = left - naddr * (addr_w + 1);
	int other_w = nother ? rest / nother - 1 : 0;
	int extra = nother ? rest - nother * (other_w + 1) : left - naddr * (addr_w + 1);
	for (size_t i = L->first; i < fit; i++) {
		const struct sw_column *c = column_get(L->ids[i]);
		if (c->width > 0)
			continue;
		int w = c->addr ? addr_w : other_w;
		if (w > L->width[i])
			L->width[i] = w;
	}
	/* Give what is left over to the last flexible column that fits. */
	for (size_t i = fit; i-- > L->first;) {
		if (column_get(L->ids[i])->width == 0) {
			if (extra > 0)
				L->width[i] += extra;
			break;
		}
	}
}

static void ct_row_text(const struct panel *p, struct ui *ui, size_t i, char *buf, size_t len)
{
	(void)p;
	enum sw_col_id ids[SW_COL_COUNT];
	size_t n = colset_visible(&ui->colset, ids, SW_COL_COUNT);
	struct sw_row row = view_row(ui->data.conns, i);
	const struct sw_row *r = &row;
	size_t used = 0;
	buf[0] = '\0';
	for (size_t k = 0; k < n && used + 1 < len; k++) {
		char cell[CELL_MAX];
		cell_text(ui, r, ids[k], cell, sizeof cell);
		int w = snprintf(buf + used, len - used, "%s%s", k ? " " : "", cell);
		if (w < 0)
			break;
		used += (size_t)w;
		if (used >= len)
			break;
	}
}

static void draw_header(struct panel *p, struct ui *ui, const struct layout *L)
{
	WINDOW *w = p->win;
	wmove(w, 1, 0);
	int x = 0;
	for (size_t i = L->first; i < L->n && x < p->w; i++) {
		const struct sw_column *c = column_get(L->ids[i]);
		bool sorted = ui->sort.n && ui->sort.k[0].col == (int)L->ids[i];
		char h[128];
		int cw = L->width[i];
		const char *name = _(c->header);
		if (c->short_header && crt_width(name) + 1 > cw)
			name = _(c->short_header);
		snprintf(h, sizeof h, "%s%s", name,
			 sorted ? crt_arrow(ui->sort.k[0].desc) : "");
		if (x + cw > p->w) {
			if (c->width > 0)
				break; /* a fixed column that does not fit: none of it */
			cw = p->w - x;
		}
		wattrset(w, crt_attr(sorted ? CRT_COLHDR_SORT : CRT_COLHDR));
		crt_put_pad(w, h, cw, c->right);
		x += cw;
		if (x < p->w) {
			wattrset(w, crt_attr(CRT_COLHDR));
			waddch(w, ' ');
			x++;
		}
	}
	wattrset(w, crt_attr(CRT_COLHDR));
	for (; x < p->w; x++)
		waddch(w, ' ');
	wattrset(w, A_NORMAL);
}

static void ct_draw(struct panel *p, struct ui *ui)
{
	WINDOW *w = p->win;
	struct layout L;
	compute_layout(p, ui, &L);
	size_t n = ct_nrows(p, ui);
	/* closed rows (tombstones) shown are not counted: the count agrees
	 * with the states panel's */
	size_t live = n > ui->n_closed ? n - ui->n_closed : 0;
	char extra[256];
	if (ui->data.conns && ui->filter_text[0])
		snprintf(extra, sizeof extra, _("%zu of %zu (filtered)"), live, ui->data.nall);
	else
		snprintf(extra, sizeof extra, "%zu", live);
	if (ui->mark || (ui->changes && (ui->n_new || ui->n_closed))) {
		size_t el = strlen(extra);
		snprintf(extra + el, sizeof extra - el, ui->mark ? _("  since mark: +%zu new, -%zu closed")
							     : _("  +%zu new, -%zu closed"),
			 ui->n_new, ui->n_closed);
	}
	if (p->hscroll > 0) {
		size_t el = strlen(extra);
		snprintf(extra + el, sizeof extra - el, _("  [columns %d+, Left to scroll back]"),
			 p->hscroll + 1);
	}
	panel_draw_title(p, ui, extra);
	if (p->head >= 2)
		draw_header(p, ui, &L);
	size_t h = panel_list_h(p);
	listsel_scroll(&p->sel, n, h);
	for (size_t i = p->sel.top; i < n && i < p->sel.top + h; i++) {
		struct sw_row row = view_row(ui->data.conns, i);
		const struct sw_row *r = &row;
		attr_t base = crt_attr(CRT_NORMAL);
		if (r->st && (r->st->flags & SW_ROW_CLOSED))
			base = crt_attr(CRT_CLOSED);
		else if (r->st && (r->st->flags & ((ui->changes ? SW_ROW_NEW : 0) |
						   (ui->mark ? SW_ROW_MARKED_NEW : 0))))
			base = crt_attr(CRT_NEW);
		base = panel_row_attr(p, ui, i, base);
		int y = p->head + (int)(i - p->sel.top);
		wmove(w, y, 0);
		int x = 0;
		for (size_t k = L.first; k < L.n && x < p->w; k++) {
			const struct sw_column *c = column_get(L.ids[k]);
			char cell[CELL_MAX];
			cell_text(ui, r, L.ids[k], cell, sizeof cell);
			int cw = L.width[k];
			if (x + cw > p->w) {
				if (c->width > 0)
					break;
				cw = p->w - x;
			}
			/* never show a cut port as if it were another port */
			if (c->addr)
				uimodel_fit_endpoint(cell, sizeof cell, cw,
						     crt_utf8() ? "\u2026" : "~");
			panel_put_match(ui, w, cell, cw, c->right, base);
			x += cw;
			if (x < p->w) {
				wattrset(w, base);
				waddch(w, ' ');
				x++;
			}
		}
		wattrset(w, base);
		for (; x < p->w; x++)
			waddch(w, ' ');
		wattrset(w, A_NORMAL);
	}
	if (n == 0 && p->h > 2) {
		wmove(w, 2, 1);
		wattrset(w, crt_attr(CRT_DIM));
		crt_put(w, ui->filter_text[0] ? _("No connection matches the filter (Esc: back)")
					      : _("No sockets"), p->w - 2);
		wattrset(w, A_NORMAL);
	}
}

static int ct_key(struct panel *p, struct ui *ui, enum sw_action a)
{
	switch (a) {
	case SW_ACT_LEFT:
		if (p->hscroll > 0) {
			p->hscroll--;
			p->dirty = true;
		}
		return UI_R_REDRAW;
	case SW_ACT_RIGHT: {
		enum sw_col_id ids[SW_COL_COUNT];
		size_t n = colset_visible(&ui->colset, ids, SW_COL_COUNT);
		if ((size_t)p->hscroll + 1 < n) {
			p->hscroll++;
			p->dirty = true;
		}
		return UI_R_REDRAW;
	}
	case SW_ACT_ENTER: {
		const struct sw_row *r = ct_selected(p, ui);
		return r ? (int)details_open(ui, r) : 0;
	}
	default:
		return -1;
	}
}

static int ct_click(struct panel *p, struct ui *ui, int y, int x)
{
	if (y == 1) {
		struct layout L;
		compute_layout(p, ui, &L);
		int cx = 0;
		for (size_t i = L.first; i < L.n; i++) {
			if (x >= cx && x < cx + L.width[i] + 1) {
				enum sw_col_id id = L.ids[i];
				if (ui->sort.n && ui->sort.k[0].col == (int)id)
					sortstate_invert(&ui->sort);
				else
					sortstate_set(&ui->sort, id, sortstate_desc_first(id));
				p->dirty = true;
				return UI_R_RESORT | UI_R_REDRAW;
			}
			cx += L.width[i] + 1;
		}
		return 0;
	}
	if (y >= p->head) {
		size_t i = p->sel.top + (size_t)(y - p->head);
		if (i < ct_nrows(p, ui))
			panel_select(p, ui, i);
		return UI_R_REDRAW;
	}
	return 0;
}

static void ct_resize(struct panel *p, struct ui *ui)
{
	(void)ui;
	p->head = p->h >= 3 ? 2 : 1;
}

const struct panel_ops conntable_ops = {
	.name = N_("Connections"),
	.slot = PANEL_SLOT_MAIN,
	.names = true,
	.draw = ct_draw,
	.key = ct_key,
	.resize = ct_resize,
	.nrows = ct_nrows,
	.row_text = ct_row_text,
	.row_key = ct_row_key,
	.find_key = ct_find_key,
	.selected = ct_selected,
	.click = ct_click,
};
