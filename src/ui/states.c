/* SPDX-License-Identifier: GPL-2.0-or-later */
/* states.c - the TCP states panel: per-state histogram with a bar, the
 * count, the change since the last refresh, the change per second and a
 * sparkline of the count over the last samples (the netstat -an | awk
 * '/tcp/ {print $6}' | sort | uniq -c pipeline).  With a filter set (and
 * f on) it counts the filtered sockets; the change per second and the
 * sparkline, which are machine-wide history, are then left out.  With
 * -N all, each row names the namespace holding most sockets in that state
 * (which container holds the TIME_WAIT storm). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "drilldown.h"
#include "uistate.h"

/* Rows in the order a TCP connection lives through them. */
static const unsigned order[] = {
	SW_ST_LISTEN,     SW_ST_SYN_SENT,  SW_ST_SYN_RECV,  SW_ST_ESTABLISHED,
	SW_ST_FIN_WAIT1,  SW_ST_FIN_WAIT2, SW_ST_CLOSE_WAIT, SW_ST_CLOSING,
	SW_ST_LAST_ACK,   SW_ST_TIME_WAIT, SW_ST_BOUND_INACTIVE,
};

/* A change column cell: a space, then text right-aligned in width - 1,
 * coloured by its sign unless the row is selected. */
static void put_signed(WINDOW *w, const char *text, int width, bool sel, attr_t base)
{
	wattrset(w, base);
	waddch(w, ' ');
	wattrset(w, sel ? base : crt_attr(text[0] == '+' ? CRT_UP : CRT_DOWN));
	crt_put_pad(w, text, width - 1, true);
}

/* The row's label: netstat's name, shortened where it would not fit. */
static const char *label(unsigned st)
{
	return st == SW_ST_BOUND_INACTIVE ? "BOUND" : sw_state_netstat_name(st);
}
#define NSTATES (sizeof order / sizeof order[0])

/* Every state and the title. */
static size_t st_want_rows(const struct ui *ui)
{
	(void)ui;
	return NSTATES + 1;
}

static uint32_t count_of(const struct sw_agg_states *s, unsigned st)
{
	return s->count[SW_PROTO_TCP][st] + s->count[SW_PROTO_MPTCP][st];
}

/* The rows shown: every state when the panel is tall enough; on a short
 * panel (80x24) the states that have sockets come first in line, then
 * empty ones fill what is left, all kept in lifecycle order, so that
 * TIME_WAIT or CLOSE_WAIT is never scrolled away by empty rows. */
static size_t st_visible(const struct panel *p, const struct ui *ui, unsigned *vis)
{
	if (!ui->have_data)
		return 0;
	size_t h = panel_list_h(p), n = 0;
	bool take[NSTATES] = {false};
	size_t want = h < NSTATES ? h : NSTATES;
	for (size_t i = 0; i < NSTATES; i++)
		if (count_of(&ui->pan_cur, order[i]) && n < want)
			take[i] = true, n++;
	for (size_t i = 0; i < NSTATES && n < want; i++)
		if (!take[i])
			take[i] = true, n++;
	n = 0;
	for (size_t i = 0; i < NSTATES; i++)
		if (take[i])
			vis[n++] = order[i];
	return n;
}

static unsigned st_at(const struct panel *p, const struct ui *ui, size_t i)
{
	unsigned vis[NSTATES];
	size_t n = st_visible(p, ui, vis);
	return i < n ? vis[i] : SW_ST_UNKNOWN;
}

static size_t st_nrows(const struct panel *p, const struct ui *ui)
{
	unsigned vis[NSTATES];
	return st_visible(p, ui, vis);
}

static uint64_t st_row_key(const struct panel *p, const struct ui *ui, size_t i)
{
	return st_at(p, ui, i);
}

static void fmt_delta(const struct ui *ui, unsigned st, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!ui->have_pan_prev)
		return;
	long d = (long)count_of(&ui->pan_cur, st) - (long)count_of(&ui->pan_prev, st);
	if (d)
		snprintf(buf, len, "%+ld", d);
}

/* Change per second over the last ~10 samples: "+12/s", "" when flat. */
static void fmt_rate(const struct ui *ui, unsigned st, char *buf, size_t len)
{
	double r;
	buf[0] = '\0';
	if (!statehist_rate(&ui->hist, st, 10, &r) || (r < 0.05 && r > -0.05))
		return;
	if (r < 10 && r > -10)
		snprintf(buf, len, "%+.1f/s", r);
	else
		snprintf(buf, len, "%+.0f/s", r);
}

static void st_row_text(const struct panel *p, struct ui *ui, size_t i, char *buf, size_t len)
{
	char d[32];
	unsigned st = st_at(p, ui, i);
	fmt_delta(ui, st, d, sizeof d);
	snprintf(buf, len, "%s %u %s", label(st),
		 count_of(&ui->pan_cur, st), d);
}

/* Column widths: name(11) count(7) [delta(6)] [rate(10)] [top namespace]
 * sparkline [bar]. */
struct st_widths {
	int name, cnt, delta, rate, ns, spark, bar;
};

/* -N all: the namespace holding most sockets in state st ("1180 web"),
 * so a TIME_WAIT storm names its container; "" when none or only one
 * namespace is shown. */
static void fmt_top_ns(const struct ui *ui, unsigned st, char *buf, size_t len)
{
	const struct sw_agg_ns *an = ui->data.nsstates;
	const struct sw_snapshot *s = ui->data.snap;
	buf[0] = '\0';
	if (!an || !s || an->n < 2 || an->n > s->nns)
		return;
	size_t best = 0;
	for (size_t i = 1; i < an->n; i++)
		if (an->count[i][st] > an->count[best][st])
			best = i;
	uint32_t c = an->count[best][st];
	if (c)
		snprintf(buf, len, "%u %s", c, s->nss[best].label);
}

static void st_widths(const struct panel *p, const struct ui *ui, bool filtered,
		      struct st_widths *W)
{
	W->name = 11;
	W->cnt = 7;
	int avail = p->w - W->name - W->cnt;
	/* -N all: who holds them comes before the change and the graphs */
	bool multi = ui->data.nsstates && ui->data.nsstates->n > 1;
	W->ns = multi && avail >= 10 ? (avail - 4 > 22 ? 22 : avail - 4) : 0;
	avail -= W->ns;
	W->delta = avail >= 6 + 9 ? 6 : 0;
	avail -= W->delta;
	W->rate = avail >= 10 + 12 && !filtered ? 10 : 0;
	avail -= W->rate;
	W->spark = W->bar = 0;
	if (ui->hist.n == 0 || filtered) {
		W->bar = avail - 1;
	} else if (avail >= 8) {
		/* both: the histogram bar keeps a third */
		W->bar = avail / 3 > 3 ? avail / 3 : 3;
		W->spark = avail - W->bar - 2;
	} else {
		W->spark = avail - 1;
	}
	if (W->spark > STATEHIST_N)
		W->spark = STATEHIST_N;
}

/* The sparkline and the bar of state st (count c, largest count max);
 * x is the column reached so far. */
static int st_graphs(struct panel *p, struct ui *ui, unsigned st, uint32_t c, uint32_t max,
		     const struct st_widths *W, bool sel, attr_t base, int x)
{
	WINDOW *w = p->win;
	enum crt_elem warn = (st == SW_ST_SYN_RECV || st == SW_ST_CLOSE_WAIT) && c ? CRT_BAR_WARN
										   : CRT_BAR;
	if (W->spark > 0 && x + 1 + W->spark <= p->w) {
		char sp[STATEHIST_N * 3 + 1];
		wattrset(w, base);
		waddch(w, ' ');
		x++;
		statehist_spark(&ui->hist, st, (size_t)W->spark, crt_utf8(), sp, sizeof sp);
		wattrset(w, sel ? base : crt_attr(warn));
		crt_put_pad(w, sp, W->spark, false);
		x += W->spark;
	}
	wattrset(w, base);
	if (x < p->w) {
		waddch(w, ' ');
		x++;
	}
	if (W->bar > 0 && x + W->bar <= p->w) {
		crt_bar(w, W->bar, max ? (double)c / max : 0, sel ? base : crt_attr(warn));
		x += W->bar;
	}
	return x;
}

static void st_draw_row(struct panel *p, struct ui *ui, size_t i, unsigned st, uint32_t max,
			const struct st_widths *W)
{
	WINDOW *w = p->win;
	uint32_t c = count_of(&ui->pan_cur, st);
	attr_t base = panel_row_attr(p, ui, i, c ? crt_attr(CRT_NORMAL) : crt_attr(CRT_DIM));
	bool sel = i == p->sel.cur;
	wmove(w, p->head + (int)(i - p->sel.top), 0);
	int x = 0;
	panel_put_match(ui, w, label(st), W->name, false, base);
	x += W->name;
	char num[32];
	snprintf(num, sizeof num, "%u", c);
	wattrset(w, base);
	waddch(w, ' ');
	panel_put_match(ui, w, num, W->cnt - 1, true, base);
	x += W->cnt;
	if (W->delta > 0) {
		char d[32];
		fmt_delta(ui, st, d, sizeof d);
		put_signed(w, d, W->delta, sel, base);
		x += W->delta;
	}
	if (W->rate > 0) {
		char r[32];
		fmt_rate(ui, st, r, sizeof r);
		put_signed(w, r, W->rate, sel, base);
		x += W->rate;
	}
	if (W->ns > 0) {
		char t[96];
		fmt_top_ns(ui, st, t, sizeof t);
		wattrset(w, base);
		waddch(w, ' ');
		panel_put_match(ui, w, t, W->ns - 1, false, base);
		x += W->ns;
	}
	x = st_graphs(p, ui, st, c, max, W, sel, base, x);
	wattrset(w, base);
	for (; x < p->w; x++)
		waddch(w, ' ');
	wattrset(w, A_NORMAL);
}

static void st_draw(struct panel *p, struct ui *ui)
{
	uint32_t total = 0, max = 0;
	for (size_t i = 0; i < NSTATES; i++) {
		uint32_t c = count_of(&ui->pan_cur, order[i]);
		total += c;
		if (c > max)
			max = c;
	}
	char extra[96];
	bool filtered = ui->data.follows;
	snprintf(extra, sizeof extra, _("total %u"), total);
	if (filtered)
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra), "%s", _("  filtered"));
	panel_draw_title(p, ui, extra);
	unsigned vis[NSTATES];
	size_t n = st_visible(p, ui, vis), h = panel_list_h(p);
	listsel_scroll(&p->sel, n, h);
	struct st_widths W;
	st_widths(p, ui, filtered, &W);
	for (size_t i = p->sel.top; i < n && i < p->sel.top + h; i++)
		st_draw_row(p, ui, i, vis[i], max, &W);
}

static int st_key(struct panel *p, struct ui *ui, enum sw_action a)
{
	if (a != SW_ACT_ENTER)
		return -1;
	if (!st_nrows(p, ui))
		return 0;
	char cond[128];
	drill_cond_state(st_at(p, ui, p->sel.cur), cond, sizeof cond);
	return (int)ui_drill(ui, cond);
}

const struct panel_ops states_ops = {
	.name = N_("TCP states"),
	.slot = PANEL_SLOT_TOP,
	.top_fixed = true,
	.min_size = 34,
	.want_rows = st_want_rows,
	.hint = N_("Enter: show these connections   Tab: next panel   h: help"),
	.draw = st_draw,
	.key = st_key,
	.nrows = st_nrows,
	.row_text = st_row_text,
	.row_key = st_row_key,
};
