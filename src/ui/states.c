/* SPDX-License-Identifier: GPL-2.0-or-later */
/* states.c - the TCP states panel: per-state histogram with a bar, the
 * count, the change since the last refresh, the change per second and a
 * sparkline of the count over the last samples (the netstat -an | awk
 * '/tcp/ {print $6}' | sort | uniq -c pipeline).  With a filter set (and
 * f on) it counts the filtered sockets; the change per second and the
 * sparkline, which are machine-wide history, are then left out.  With
 * -N all, each row names the namespace holding most sockets in that state
 * (which container holds the TIME_WAIT storm), and g (when focused) turns
 * it into a row per namespace with its counts per state: the biggest by
 * the column o picks, the rest summed on the last row. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
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

static size_t nsst_nrows(const struct panel *p, const struct ui *ui);
static bool nsst_on(const struct ui *ui);

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
	if (nsst_on(ui))
		return nsst_nrows(p, ui);
	unsigned vis[NSTATES];
	return st_visible(p, ui, vis);
}

static uint64_t st_row_key(const struct panel *p, const struct ui *ui, size_t i)
{
	if (nsst_on(ui))
		return i; /* a namespace's rank */
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

/* ---- -N all: a row per namespace (g) ------------------------------------ */

/* Its columns, in the rank they give way on a narrow panel; the sort key
 * is one of them. */
static const struct {
	unsigned st; /* SW_ST_COUNT: the total */
	const char *hdr;
} nsst_cols[] = {
	{SW_ST_COUNT, N_("total")}, {SW_ST_TIME_WAIT, "TIME_W"}, {SW_ST_ESTABLISHED, "ESTAB"},
	{SW_ST_CLOSE_WAIT, "CLOSE_W"}, {SW_ST_SYN_RECV, "SYN_R"}, {SW_ST_LISTEN, "LISTEN"},
};
#define NSST_NCOLS (sizeof nsst_cols / sizeof nsst_cols[0])
#define NSST_W 8

static bool nsst_on(const struct ui *ui)
{
	const struct sw_agg_ns *an = ui->data.nsstates;
	const struct sw_snapshot *s = ui->data.snap;
	return ui->states_ns && an && s && an->n > 1 && an->n <= s->nns;
}

/* The rows: the top that fit (rank[0..keep)), then one summing the rest
 * when there is one (*nrest namespaces in rest[]). rank: room for an->n. */
static size_t nsst_rows(const struct panel *p, const struct ui *ui, size_t *rank,
			uint32_t rest[SW_ST_COUNT + 1], size_t *nrest)
{
	const struct sw_agg_ns *an = ui->data.nsstates;
	size_t h = panel_list_h(p);
	size_t top = an->n <= h ? an->n : (h > 1 ? h - 1 : 1);
	unsigned key = nsst_cols[ui->states_ns_key % NSST_NCOLS].st;
	size_t keep = agg_ns_rank(an, key, top, rank, rest, nrest);
	return keep + (*nrest ? 1 : 0);
}

static size_t nsst_nrows(const struct panel *p, const struct ui *ui)
{
	const struct sw_agg_ns *an = ui->data.nsstates;
	size_t *rank = xcalloc(an->n, sizeof *rank), nrest;
	uint32_t rest[SW_ST_COUNT + 1];
	size_t n = nsst_rows(p, ui, rank, rest, &nrest);
	free(rank);
	return n;
}

static void nsst_row(struct panel *p, struct ui *ui, size_t i, const char *name,
		     const uint32_t *cnt, size_t ncols, int name_w)
{
	WINDOW *w = p->win;
	attr_t base = panel_row_attr(p, ui, i, crt_attr(CRT_NORMAL));
	wmove(w, p->head + (int)(i - p->sel.top), 0);
	wattrset(w, base);
	panel_put_match(ui, w, name, name_w, false, base);
	for (size_t k = 0; k < ncols; k++) {
		char num[32] = "-";
		uint32_t v = cnt[nsst_cols[k].st];
		if (v)
			snprintf(num, sizeof num, "%u", v);
		bool warn = v && i != p->sel.cur &&
			    (nsst_cols[k].st == SW_ST_SYN_RECV || nsst_cols[k].st == SW_ST_CLOSE_WAIT);
		wattrset(w, warn ? crt_attr(CRT_WARN) : base);
		crt_put_pad(w, num, NSST_W, true);
	}
	wattrset(w, base);
	for (int x = name_w + (int)ncols * NSST_W; x < p->w; x++)
		waddch(w, ' ');
	wattrset(w, A_NORMAL);
}

static void nsst_draw(struct panel *p, struct ui *ui)
{
	const struct sw_agg_ns *an = ui->data.nsstates;
	const struct sw_snapshot *s = ui->data.snap;
	WINDOW *w = p->win;
	p->head = p->h >= 4 ? 2 : 1;
	size_t ki = ui->states_ns_key % NSST_NCOLS;
	char extra[128];
	snprintf(extra, sizeof extra, _("per namespace, by %s (o)  g: per state"),
		 _(nsst_cols[ki].hdr));
	panel_draw_title(p, ui, extra);
	size_t ncols = p->w > 12 ? (size_t)(p->w - 12) / NSST_W : 0;
	if (ncols > NSST_NCOLS)
		ncols = NSST_NCOLS;
	int name_w = p->w - (int)ncols * NSST_W;
	if (p->head >= 2) {
		wmove(w, 1, 0);
		wattrset(w, crt_attr(CRT_COLHDR));
		crt_put_pad(w, _("Namespace"), name_w, false);
		for (size_t k = 0; k < ncols; k++)
			crt_put_pad(w, _(nsst_cols[k].hdr), NSST_W, true);
		wattrset(w, A_NORMAL);
	}
	size_t *rank = xcalloc(an->n, sizeof *rank), nrest;
	uint32_t rest[SW_ST_COUNT + 1];
	size_t n = nsst_rows(p, ui, rank, rest, &nrest), h = panel_list_h(p);
	listsel_scroll(&p->sel, n, h);
	for (size_t i = p->sel.top; i < n && i < p->sel.top + h; i++) {
		char name[80];
		if (nrest && i == n - 1)
			snprintf(name, sizeof name, _("(%zu more)"), nrest);
		else
			snprintf(name, sizeof name, "%s", s->nss[rank[i]].label);
		nsst_row(p, ui, i, name, nrest && i == n - 1 ? rest : an->count[rank[i]], ncols,
			 name_w);
	}
	free(rank);
}

/* Enter: the connections of the namespace selected (by inode). */
static int nsst_enter(struct panel *p, struct ui *ui)
{
	const struct sw_agg_ns *an = ui->data.nsstates;
	size_t *rank = xcalloc(an->n, sizeof *rank), nrest;
	uint32_t rest[SW_ST_COUNT + 1];
	size_t n = nsst_rows(p, ui, rank, rest, &nrest);
	int f = 0;
	if (p->sel.cur < n && !(nrest && p->sel.cur == n - 1)) {
		char cond[64];
		snprintf(cond, sizeof cond, "netns %llu",
			 (unsigned long long)ui->data.snap->nss[rank[p->sel.cur]].inode);
		f = (int)ui_drill(ui, cond);
	}
	free(rank);
	return f;
}

static void st_draw(struct panel *p, struct ui *ui)
{
	if (nsst_on(ui)) {
		nsst_draw(p, ui);
		return;
	}
	p->head = 1;
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
	if (ui->data.nsstates && ui->data.nsstates->n > 1)
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra), "%s",
			 _("  g: per namespace"));
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
	bool multi = ui->data.nsstates && ui->data.nsstates->n > 1;
	if (a == SW_ACT_GROUP_NET && multi) {
		ui->states_ns = !ui->states_ns;
		p->sel.cur = p->sel.top = 0;
		ui_status(ui, false, "%s",
			  ui->states_ns ? _("TCP states per namespace (g: per state, o: sort)")
					: _("TCP states per state (g: per namespace)"));
		return UI_R_REDRAW;
	}
	if (a == SW_ACT_REMOTE_SORT && nsst_on(ui)) {
		ui->states_ns_key = (ui->states_ns_key + 1) % NSST_NCOLS;
		ui_status(ui, false, _("Namespaces sorted by %s (o: next column)"),
			  _(nsst_cols[ui->states_ns_key].hdr));
		return UI_R_REDRAW;
	}
	if (a != SW_ACT_ENTER)
		return -1;
	if (nsst_on(ui))
		return nsst_enter(p, ui);
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
