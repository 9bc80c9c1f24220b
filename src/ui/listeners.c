/* SPDX-License-Identifier: GPL-2.0-or-later */
/* listeners.c - the Listeners panel: every LISTEN socket (and bound UDP)
 * with its process, the connections to it, and the accept queue fill
 * (Recv-Q / backlog) as a bar. */
#include "config.h"

#include <stdio.h>
#include <sys/socket.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "cells.h"
#include "drilldown.h"
#include "uistate.h"

#define PROTO_W 6
#define NUM_W 6
#define QUEUE_W 10

static size_t ls_nrows(const struct panel *p, const struct ui *ui)
{
	(void)p;
	return ui->data.listeners ? ui->data.listeners->n : 0;
}

static uint64_t ls_row_key(const struct panel *p, const struct ui *ui, size_t i)
{
	(void)p;
	return ui->data.listeners->l[i].row.conn->cookie;
}

static const struct sw_listener *ls_at_sel(const struct panel *p, const struct ui *ui)
{
	size_t n = ls_nrows(p, ui);
	return n && p->sel.cur < n ? &ui->data.listeners->l[p->sel.cur] : NULL;
}

static const struct sw_row *ls_selected(struct panel *p, struct ui *ui)
{
	const struct sw_listener *l = ls_at_sel(p, ui);
	return l ? &l->row : NULL;
}

static void cells(struct ui *ui, const struct sw_listener *l, char *proto, char *local,
		  char *proc, size_t len)
{
	const struct sw_column *c = column_get(SW_COL_PROTO);
	c->format(&l->row, proto, len);
	cell_text(ui, &l->row, SW_COL_LOCAL, local, len);
	column_get(SW_COL_PID)->format(&l->row, proc, len);
	if (!proc[0])
		snprintf(proc, len, "-");
}

static void ls_row_text(const struct panel *p, struct ui *ui, size_t i, char *buf, size_t len)
{
	(void)p;
	const struct sw_listener *l = &ui->data.listeners->l[i];
	char proto[64], local[256], proc[256];
	cells(ui, l, proto, local, proc, sizeof local);
	snprintf(buf, len, "%s %s %u %s", proto, local, l->established, proc);
}

/* Column widths: proto local conns [synq] acceptq [bar] process, the
 * optional parts only when there is room; every row is exactly p->w wide. */
struct ls_widths {
	int syn, bar, rate, local, proc;
};

static void ls_widths(const struct panel *p, struct ls_widths *W)
{
	W->syn = p->w >= 64 ? NUM_W : 0;
	W->bar = p->w >= 84 ? 8 : 0;
	W->rate = p->w >= 100 ? 10 : 0; /* RX/s and TX/s of its connections */
	int fixed = PROTO_W + NUM_W + W->syn + 1 + QUEUE_W + 1 + (W->bar ? W->bar + 1 : 0) +
		    2 * W->rate;
	int rest = p->w - fixed;
	W->local = rest * 3 / 5;
	if (W->local > 28)
		W->local = 28;
	if (W->local < 12)
		W->local = rest > 12 ? 12 : rest;
	if (W->local < 1)
		W->local = 1;
	W->proc = rest - W->local - 1;
	if (W->proc < 0)
		W->proc = 0;
}

static void ls_draw_header(struct panel *p, const struct ls_widths *W)
{
	WINDOW *w = p->win;
	wmove(w, 1, 0);
	wattrset(w, crt_attr(CRT_COLHDR));
	crt_put_pad(w, _("Proto"), PROTO_W, false);
	crt_put_pad(w, _("Local"), W->local, false);
	crt_put_pad(w, _("Conns"), NUM_W, true);
	crt_put_pad(w, _("SynQ"), W->syn, true);
	waddch(w, ' ');
	crt_put_pad(w, _("AcceptQ"), QUEUE_W, true);
	crt_put_pad(w, _("RX/s"), W->rate, true);
	crt_put_pad(w, _("TX/s"), W->rate, true);
	waddch(w, ' ');
	if (W->bar) {
		crt_put_pad(w, "", W->bar, false);
		waddch(w, ' ');
	}
	if (W->proc) {
		waddch(w, ' ');
		crt_put_pad(w, _("Process"), W->proc, false);
	}
	wattrset(w, A_NORMAL);
}

/* The accept queue "used/backlog" coloured by its fill, and the fill. */
static double ls_queue(WINDOW *w, const struct sw_listener *l, bool sel, attr_t base)
{
	char num[64];
	bool is_listen = l->row.conn->state == SW_ST_LISTEN;
	double frac = is_listen && l->backlog ? (double)l->accept_q / l->backlog : 0;
	if (is_listen)
		snprintf(num, sizeof num, "%u/%u", l->accept_q, l->backlog);
	else
		snprintf(num, sizeof num, "-");
	attr_t qa = base;
	if (!sel && frac >= 0.8)
		qa = crt_attr(CRT_BAR_HIGH);
	else if (!sel && frac >= 0.5)
		qa = crt_attr(CRT_BAR_WARN);
	wattrset(w, qa);
	crt_put_pad(w, num, QUEUE_W, true);
	wattrset(w, base);
	return frac;
}

static void ls_draw_row(struct panel *p, struct ui *ui, size_t i, const struct ls_widths *W)
{
	WINDOW *w = p->win;
	const struct sw_listener *l = &ui->data.listeners->l[i];
	attr_t base = panel_row_attr(p, ui, i, crt_attr(CRT_NORMAL));
	bool sel = i == p->sel.cur;
	char proto[64], local[256], proc[256], num[64];
	cells(ui, l, proto, local, proc, sizeof local);
	wmove(w, p->head + (int)(i - p->sel.top), 0);
	wattrset(w, base);
	crt_put_pad(w, proto, PROTO_W, false);
	/* never show a cut port as if it were another port (":33" for
	 * ":3306" at 80x24) */
	uimodel_fit_endpoint(local, sizeof local, W->local - 1, crt_utf8() ? "\u2026" : "~");
	panel_put_match(ui, w, local, W->local, false, base);
	snprintf(num, sizeof num, "%u", l->established);
	wattrset(w, base);
	crt_put_pad(w, num, NUM_W, true);
	if (W->syn) {
		snprintf(num, sizeof num, "%u", l->syn_recv);
		wattrset(w, !sel && l->syn_recv ? crt_attr(CRT_WARN) : base);
		crt_put_pad(w, num, W->syn, true);
	}
	wattrset(w, base);
	waddch(w, ' ');
	double frac = ls_queue(w, l, sel, base);
	if (W->rate) {
		char rx[32] = "-", tx[32] = "-";
		if (l->rx_bps > 0 || l->tx_bps > 0) {
			sw_fmt_rate(l->rx_bps, rx, sizeof rx);
			sw_fmt_rate(l->tx_bps, tx, sizeof tx);
		}
		crt_put_pad(w, rx, W->rate, true);
		crt_put_pad(w, tx, W->rate, true);
	}
	waddch(w, ' ');
	if (W->bar) {
		enum crt_elem be = frac >= 0.8 ? CRT_BAR_HIGH : frac >= 0.5 ? CRT_BAR_WARN : CRT_BAR;
		crt_bar(w, W->bar, frac, sel ? base : crt_attr(be));
		wattrset(w, base);
		waddch(w, ' ');
	}
	if (W->proc) {
		waddch(w, ' ');
		panel_put_match(ui, w, proc, W->proc, false, base);
	}
	wattrset(w, A_NORMAL);
}

static void ls_draw(struct panel *p, struct ui *ui)
{
	WINDOW *w = p->win;
	size_t n = ls_nrows(p, ui);
	char extra[64];
	snprintf(extra, sizeof extra, "%zu", n);
	panel_draw_title(p, ui, extra);
	struct ls_widths W;
	ls_widths(p, &W);
	if (p->head >= 2)
		ls_draw_header(p, &W);
	size_t h = panel_list_h(p);
	listsel_scroll(&p->sel, n, h);
	for (size_t i = p->sel.top; i < n && i < p->sel.top + h; i++)
		ls_draw_row(p, ui, i, &W);
	if (n == 0 && p->h > p->head) {
		wmove(w, p->head, 1);
		wattrset(w, crt_attr(CRT_DIM));
		crt_put(w, _("No listening sockets"), p->w - 2);
		wattrset(w, A_NORMAL);
	}
}

static int ls_key(struct panel *p, struct ui *ui, enum sw_action a)
{
	if (a != SW_ACT_ENTER)
		return -1;
	const struct sw_listener *l = ls_at_sel(p, ui);
	if (!l)
		return 0;
	const struct sw_conn *c = l->row.conn;
	if (c->family != AF_INET && c->family != AF_INET6) {
		ui_status(ui, false, "%s", _("Drill-down works on inet listeners only"));
		return UI_R_REDRAW;
	}
	char cond[128];
	drill_cond_listener(c, cond, sizeof cond);
	return (int)ui_drill(ui, cond);
}

static void ls_resize(struct panel *p, struct ui *ui)
{
	(void)ui;
	p->head = p->h >= 4 ? 2 : 1;
}

const struct panel_ops listeners_ops = {
	.name = N_("Listeners"),
	.slot = PANEL_SLOT_TOP,
	.weight = 60,
	.min_size = 34,
	.names = true,
	.draw = ls_draw,
	.key = ls_key,
	.resize = ls_resize,
	.nrows = ls_nrows,
	.row_text = ls_row_text,
	.row_key = ls_row_key,
	.selected = ls_selected,
};
