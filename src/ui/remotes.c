/* SPDX-License-Identifier: GPL-2.0-or-later */
/* remotes.c - the Top remote IPs panel: remote addresses (or /24, /64
 * networks, or destination address:port with their programs) by
 * connection count with a per-state breakdown (the netstat -ntu | awk
 * '{print $5}' | cut -d: -f1 | sort | uniq -c | sort -n pipeline), sorted
 * by any column; with a filter set it counts the filtered sockets (the
 * netstat -plan | grep :80 | ... | uniq -c answer, live). */
#include "config.h"

#include <stdio.h>
#include <sys/socket.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "drilldown.h"
#include "focus.h"
#include "remotes.h"
#include "uistate.h"

/* The breakdown columns: a state each, and "other". */
static const struct {
	const char *hdr;
	int state; /* -1: everything else */
} brk[] = {
	{N_("ESTAB"), SW_ST_ESTABLISHED},
	{N_("SYN-R"), SW_ST_SYN_RECV},
	{N_("T-WAIT"), SW_ST_TIME_WAIT},
	{N_("C-WAIT"), SW_ST_CLOSE_WAIT},
	{N_("Other"), -1},
};
#define NBRK (sizeof brk / sizeof brk[0])

/* The sort columns, in the order o steps through them. */
static const struct {
	const char *hdr;
	enum sw_agg_order by;
	int brk; /* index into brk[] for BY_STATES */
} sorts[] = {
	{N_("Count"), SW_AGG_BY_COUNT, -1},
	{N_("SYN-R"), SW_AGG_BY_STATES, 1},
	{N_("ESTAB"), SW_AGG_BY_STATES, 0},
	{N_("T-WAIT"), SW_AGG_BY_STATES, 2},
	{N_("C-WAIT"), SW_AGG_BY_STATES, 3},
	{N_("Other"), SW_AGG_BY_STATES, 4},
	{N_("RX/s"), SW_AGG_BY_RX, -1},
	{N_("TX/s"), SW_AGG_BY_TX, -1},
	{N_("address"), SW_AGG_BY_KEY, -1},
};
#define NSORTS (sizeof sorts / sizeof sorts[0])

const char *remotes_order(size_t i, enum sw_agg_order *by, uint32_t *states)
{
	i %= NSORTS;
	*by = sorts[i].by;
	*states = 0;
	int b = sorts[i].brk;
	if (b >= 0 && brk[b].state >= 0) {
		*states = SW_STATE_BIT(brk[b].state);
	} else if (b >= 0) { /* Other: every state not in a column of its own */
		*states = SW_STATE_BIT(SW_ST_COUNT) - 1;
		for (size_t k = 0; k < NBRK; k++)
			if (brk[k].state >= 0)
				*states &= ~SW_STATE_BIT(brk[k].state);
	}
	return sorts[i].hdr;
}
#define CNT_W 6
#define BRK_W 7

static size_t rm_nrows(const struct panel *p, const struct ui *ui)
{
	(void)p;
	return ui->data.remotes ? ui->data.remotes->n : 0;
}

static uint64_t rm_row_key(const struct panel *p, const struct ui *ui, size_t i)
{
	(void)p;
	return uimodel_agg_key(&ui->data.remotes->e[i]);
}

static uint32_t brk_value(const struct sw_agg_entry *e, size_t k)
{
	if (brk[k].state >= 0)
		return e->by_state[brk[k].state];
	uint32_t named = 0;
	for (size_t j = 0; j < NBRK; j++)
		if (brk[j].state >= 0)
			named += e->by_state[brk[j].state];
	return e->total - named;
}

/* Address text: the resolved name when resolution is on; a destination
 * with its programs. */
static void key_text(struct ui *ui, const struct sw_agg_entry *e, char *buf, size_t len)
{
	agg_key_str(e, buf, len);
	bool full = e->prefix == (e->family == AF_INET ? 32 : 128);
	if (ui->resolve && ui->res && full && !e->port) {
		char name[128];
		if (resolver_host(ui->res, e->family, e->addr, name, sizeof name) && name[0])
			snprintf(buf, len, "%s", name);
	}
	if (e->nowners) {
		char who[80];
		size_t n = strlen(buf);
		snprintf(buf + n, len - n, " %s", agg_owners_str(e, who, sizeof who));
	}
}

static void rm_row_text(const struct panel *p, struct ui *ui, size_t i, char *buf, size_t len)
{
	(void)p;
	const struct sw_agg_entry *e = &ui->data.remotes->e[i];
	char k[128];
	key_text(ui, e, k, sizeof k);
	snprintf(buf, len, "%u %s", e->total, k);
}

/* How many breakdown columns fit next to the count and the address. */
#define RATE_W 10

/* The state breakdown and then the RX/TX rate columns, as room allows. */
static size_t fit_brk(const struct panel *p, int *addr_w, int *rate_w)
{
	*rate_w = p->w >= 72 ? RATE_W : 0;
	int room = p->w - 2 * *rate_w;
	size_t nb = NBRK;
	while (nb > 0 && room - CNT_W - 1 - (int)nb * BRK_W < 16)
		nb--;
	*addr_w = room - CNT_W - 1 - (int)nb * BRK_W;
	return nb;
}

static void rm_draw(struct panel *p, struct ui *ui)
{
	WINDOW *w = p->win;
	size_t n = rm_nrows(p, ui);
	char extra[192];
	static const char *const grp[RGROUP_COUNT] = {
		[RGROUP_IP] = N_("  (g: per /24)"), [RGROUP_NET] = N_("  per /24, /64 (g)"),
		[RGROUP_DEST] = N_("  per ip:port (g)")};
	size_t si = ui->rsort % NSORTS;
	snprintf(extra, sizeof extra, "%zu%s%s%s%s", n,
		 ui->group_proc ? _("  per process (p)") : _(grp[ui->rgroup]),
		 si ? _("  by ") : "", si ? _(sorts[si].hdr) : "",
		 ui->data.follows ? _("  filtered") : "");
	panel_draw_title(p, ui, extra);
	int addr_w, rate_w;
	size_t nb = fit_brk(p, &addr_w, &rate_w);
	if (p->head >= 2) {
		wmove(w, 1, 0);
		wattrset(w, crt_attr(CRT_COLHDR));
		crt_put_pad(w, _("Count"), CNT_W, true);
		waddch(w, ' ');
		static const char *const hdr[RGROUP_COUNT] = {
			[RGROUP_IP] = N_("Remote address"), [RGROUP_NET] = N_("Remote network"),
			[RGROUP_DEST] = N_("Destination, programs")};
		crt_put_pad(w, ui->group_proc ? _("Process") : _(hdr[ui->rgroup]), addr_w, false);
		for (size_t k = 0; k < nb; k++)
			crt_put_pad(w, _(brk[k].hdr), BRK_W, true);
		crt_put_pad(w, _("RX/s"), rate_w, true);
		crt_put_pad(w, _("TX/s"), rate_w, true);
		wattrset(w, A_NORMAL);
	}
	size_t h = panel_list_h(p);
	listsel_scroll(&p->sel, n, h);
	for (size_t i = p->sel.top; i < n && i < p->sel.top + h; i++) {
		const struct sw_agg_entry *e = &ui->data.remotes->e[i];
		attr_t base = panel_row_attr(p, ui, i, crt_attr(CRT_NORMAL));
		wmove(w, p->head + (int)(i - p->sel.top), 0);
		char num[32], k[128];
		snprintf(num, sizeof num, "%u", e->total);
		wattrset(w, base);
		crt_put_pad(w, num, CNT_W, true);
		waddch(w, ' ');
		key_text(ui, e, k, sizeof k);
		panel_put_match(ui, w, k, addr_w, false, base);
		for (size_t b = 0; b < nb; b++) {
			uint32_t v = brk_value(e, b);
			if (v)
				snprintf(num, sizeof num, "%u", v);
			else
				snprintf(num, sizeof num, "-");
			attr_t a = base;
			if (i != p->sel.cur && brk[b].state == SW_ST_SYN_RECV && v)
				a = crt_attr(CRT_WARN);
			wattrset(w, a);
			crt_put_pad(w, num, BRK_W, true);
		}
		if (rate_w) {
			char rx[32] = "-", tx[32] = "-";
			if (e->rx_bps > 0 || e->tx_bps > 0) {
				sw_fmt_rate(e->rx_bps, rx, sizeof rx);
				sw_fmt_rate(e->tx_bps, tx, sizeof tx);
			}
			wattrset(w, base);
			crt_put_pad(w, rx, rate_w, true);
			crt_put_pad(w, tx, rate_w, true);
		}
		wattrset(w, A_NORMAL);
	}
	if (n == 0 && p->h > p->head) {
		wmove(w, p->head, 1);
		wattrset(w, crt_attr(CRT_DIM));
		crt_put(w, _("No connected inet sockets"), p->w - 2);
		wattrset(w, A_NORMAL);
	}
}

static int rm_key(struct panel *p, struct ui *ui, enum sw_action a)
{
	if (a != SW_ACT_ENTER)
		return -1;
	if (!rm_nrows(p, ui))
		return 0;
	char cond[160];
	const struct sw_agg_entry *e = &ui->data.remotes->e[p->sel.cur];
	if (ui->data.remotes->kind == SW_AGG_PROCESS) {
		if (e->pid < 0) {
			ui_status(ui, true, "%s", _("No process known for these connections"));
			return UI_R_REDRAW;
		}
		snprintf(cond, sizeof cond, "pid %d", (int)e->pid);
		return (int)ui_drill(ui, cond);
	}
	drill_cond_remote(e, cond, sizeof cond);
	return (int)ui_drill(ui, cond);
}

static void rm_resize(struct panel *p, struct ui *ui)
{
	(void)ui;
	p->head = p->h >= 4 ? 2 : 1;
}

const struct panel_ops remotes_ops = {
	.name = N_("Top remote IPs"),
	.slot = PANEL_SLOT_TOP,
	.weight = 40,
	.min_size = 34,
	.names = true,
	.hint = N_("Enter: show these connections   Tab: next panel   h: help"),
	.draw = rm_draw,
	.key = rm_key,
	.resize = rm_resize,
	.nrows = rm_nrows,
	.row_text = rm_row_text,
	.row_key = rm_row_key,
};

/* ---- the g, p and o keys ------------------------------------------------ */

/* The grouping or order changed: a new aggregation. */
static unsigned remotes_changed(struct ui *ui, const char *msg)
{
	ui_sync_wants(ui);
	ui->panels[PANEL_REMOTES].sel.has_key = false;
	ui->panels[PANEL_REMOTES].dirty = true;
	ui_status(ui, false, "%s", msg);
	return UI_R_REGROUP | UI_R_REDRAW;
}

unsigned remotes_group_proc(struct ui *ui, int arg)
{
	(void)arg;
	ui->group_proc = !ui->group_proc;
	ui_sync_wants(ui);
	ui->panels[PANEL_REMOTES].sel.has_key = false;
	ui->panels[PANEL_REMOTES].dirty = true;
	if (!ui->panels[PANEL_REMOTES].shown)
		focus_toggle(ui, PANEL_REMOTES);
	ui_status(ui, false, "%s",
		  ui->group_proc ? _("Totals per process (p: back to remote IPs)")
				 : _("Remote IPs by address"));
	return UI_R_REGROUP | UI_R_REDRAW;
}

unsigned remotes_group_next(struct ui *ui, int arg)
{
	(void)arg;
	static const char *const msg[RGROUP_COUNT] = {
		N_("Remote IPs by address"),
		N_("Remote IPs grouped by /24 (IPv4) and /64 (IPv6)"),
		N_("Connections per destination address:port (client ends, with programs)"),
	};
	ui->rgroup = ui->group_proc ? RGROUP_IP : (ui->rgroup + 1) % RGROUP_COUNT;
	ui->group_proc = false;
	return remotes_changed(ui, _(msg[ui->rgroup]));
}

unsigned remotes_sort_next(struct ui *ui, int arg)
{
	(void)arg;
	enum sw_agg_order by;
	uint32_t st;
	ui->rsort = ui->rsort + 1;
	const char *col = remotes_order(ui->rsort, &by, &st);
	if (by == SW_AGG_BY_COUNT)
		ui->rsort = 0;
	char m[160];
	snprintf(m, sizeof m, _("Top remote IPs sorted by %s (o: next column)"), _(col));
	return remotes_changed(ui, m);
}
