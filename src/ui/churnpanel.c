/* SPDX-License-Identifier: GPL-2.0-or-later */
/* churnpanel.c - the Churn panel: connections that closed in the last
 * seconds, however short they lived, per destination (client ends: the
 * php-fpm -> 127.0.0.1:3306 line) or per local service (server ends: the
 * :9000 php-fpm line), with closures per second, median and p95 lifetime,
 * bytes per connection and the owning program (and how it was named).
 * g switches destinations/services, o the sort column, Enter shows the
 * closed connections of the selected line in the connection table. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/i18n.h"
#include "core/util.h"
#include "drilldown.h"
#include "focus.h"
#include "remotes.h"
#include "uistate.h"

static const char *const order_hdr[SW_CHURN_ORDER_COUNT] = {
	[SW_CHURN_BY_RATE] = N_("Closed/s"), [SW_CHURN_BY_P50] = N_("p50"),
	[SW_CHURN_BY_P95] = N_("p95"), [SW_CHURN_BY_BYTES] = N_("Bytes/conn"),
	[SW_CHURN_BY_KEY] = N_("address"),
};

#define NUM_W 9
#define LIFE_W 6
#define BYTES_W 11

static const struct sw_churn_groups *groups(const struct ui *ui)
{
	return ui->have_data ? ui->data.churn_groups : NULL;
}

static size_t ch_nrows(const struct panel *p, const struct ui *ui)
{
	(void)p;
	const struct sw_churn_groups *g = groups(ui);
	return g ? g->n : 0;
}

static uint64_t ch_row_key(const struct panel *p, const struct ui *ui, size_t i)
{
	(void)p;
	const struct sw_churn_groups *gs = groups(ui);
	if (!gs || i >= gs->n)
		return 0;
	const struct sw_churn_group *e = &gs->g[i];
	uint64_t k = (uint64_t)e->port << 8 | e->proto;
	for (int b = 0; b < 16; b += 8) {
		uint64_t w;
		memcpy(&w, e->addr + b, 8);
		k = sw_hash64(k ^ w);
	}
	return k;
}

/* "127.0.0.1:3306" for a destination, "tcp :9000" for a service. */
static void key_text(const struct sw_churn_group *e, char *buf, size_t len)
{
	if (e->kind == SW_CHURN_SERVICE) {
		snprintf(buf, len, "%s :%u", sw_proto_name(e->proto), e->port);
		return;
	}
	struct sw_endpoint ep;
	memcpy(ep.addr, e->addr, 16);
	ep.port = e->port;
	char a[SW_EP_STRLEN];
	sw_ep_str(e->family, &ep, a, sizeof a);
	snprintf(buf, len, "%s%s", e->proto == SW_PROTO_UDP ? "udp " : "", a);
}

/* "php-fpm8.2/1234 (listener)", "-" when nobody was named. */
static void owner_text(const struct sw_churn_group *e, char *buf, size_t len)
{
	if (e->pid < 0) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(buf, len, "%s/%d%s (%s)", e->comm, (int)e->pid, e->nowners > 1 ? "+" : "",
		 churn_how_label((enum sw_churn_how)e->how));
}

static void life_text(uint32_t ms, bool known, char *buf, size_t len)
{
	if (!known)
		snprintf(buf, len, "-");
	else
		sw_fmt_ms(ms, buf, len);
}

static void ch_row_text(const struct panel *p, struct ui *ui, size_t i, char *buf, size_t len)
{
	(void)p;
	const struct sw_churn_groups *gs = groups(ui);
	if (!gs || i >= gs->n) {
		buf[0] = '\0';
		return;
	}
	const struct sw_churn_group *e = &gs->g[i];
	char k[96], o[64];
	key_text(e, k, sizeof k);
	owner_text(e, o, sizeof o);
	snprintf(buf, len, "%s %s", k, o);
}

/* The title: what is shown, how it is sorted, and the window. */
static void title(struct panel *p, struct ui *ui, size_t n)
{
	char extra[256];
	const struct sw_churn_groups *g = groups(ui);
	size_t el = (size_t)snprintf(extra, sizeof extra, "%zu %s", n,
				     ui->churn_kind == SW_CHURN_SERVICE ? _("services (g)")
									 : _("destinations (g)"));
	if (g && el < sizeof extra)
		el += (size_t)snprintf(extra + el, sizeof extra - el, _("  last %.0fs"), g->window_s);
	if (ui->churn_order != SW_CHURN_BY_RATE && el < sizeof extra)
		el += (size_t)snprintf(extra + el, sizeof extra - el, _("  by %s"),
				       _(order_hdr[ui->churn_order]));
	if (ui->data.follows && el < sizeof extra)
		snprintf(extra + el, sizeof extra - el, "%s", _("  filtered"));
	panel_draw_title(p, ui, extra);
}

static void col_header(struct panel *p, struct ui *ui, int key_w, int own_w)
{
	WINDOW *w = p->win;
	wmove(w, 1, 0);
	wattrset(w, crt_attr(CRT_COLHDR));
	crt_put_pad(w, ui->churn_kind == SW_CHURN_SERVICE ? _("Local service") : _("Destination"),
		    key_w, false);
	crt_put_pad(w, _("Closed/s"), NUM_W, true);
	crt_put_pad(w, _("p50"), LIFE_W, true);
	crt_put_pad(w, _("p95"), LIFE_W, true);
	crt_put_pad(w, _("Bytes/conn"), BYTES_W, true);
	waddch(w, ' ');
	crt_put_pad(w, _("Program (named by)"), own_w, false);
	wattrset(w, A_NORMAL);
}

static void empty_line(struct panel *p, struct ui *ui)
{
	if (p->h <= p->head)
		return;
	wmove(p->win, p->head, 1);
	wattrset(p->win, crt_attr(CRT_DIM));
	const char *why = ui->have_data ? ui->data.churn_error : NULL;
	char m[320];
	if (why)
		snprintf(m, sizeof m, _("%s; closures below come from sample deltas"), why);
	else
		snprintf(m, sizeof m, "%s", _("No connection closed in the window"));
	crt_put(p->win, m, p->w - 2);
	wattrset(p->win, A_NORMAL);
}

static void ch_draw(struct panel *p, struct ui *ui)
{
	WINDOW *w = p->win;
	size_t n = ch_nrows(p, ui);
	title(p, ui, n);
	int fixed = NUM_W + 2 * LIFE_W + BYTES_W + 1;
	/* the address:port; the rest for the program and how it was named */
	int key_w = p->w >= 100 ? 30 : p->w - fixed > 44 ? 22 : (p->w - fixed) / 2;
	if (key_w < 10)
		key_w = 10;
	int own_w = p->w - fixed - key_w;
	if (own_w < 0)
		own_w = 0;
	if (p->head >= 2)
		col_header(p, ui, key_w, own_w);
	size_t h = panel_list_h(p);
	listsel_scroll(&p->sel, n, h);
	const struct sw_churn_groups *g = groups(ui);
	for (size_t i = p->sel.top; i < n && i < p->sel.top + h; i++) {
		const struct sw_churn_group *e = &g->g[i];
		attr_t base = panel_row_attr(p, ui, i, crt_attr(CRT_NORMAL));
		wmove(w, p->head + (int)(i - p->sel.top), 0);
		char k[96], v[48];
		key_text(e, k, sizeof k);
		panel_put_match(ui, w, k, key_w, false, base);
		wattrset(w, base);
		snprintf(v, sizeof v, e->per_s >= 10 ? "%.0f" : "%.1f", e->per_s);
		crt_put_pad(w, v, NUM_W, true);
		life_text(e->p50_ms, e->nlife > 0, v, sizeof v);
		crt_put_pad(w, v, LIFE_W, true);
		life_text(e->p95_ms, e->nlife > 0, v, sizeof v);
		crt_put_pad(w, v, LIFE_W, true);
		if (e->nbytes)
			sw_fmt_bytes((double)e->bytes / e->nbytes, v, sizeof v);
		else
			snprintf(v, sizeof v, "-");
		crt_put_pad(w, v, BYTES_W, true);
		waddch(w, ' ');
		owner_text(e, k, sizeof k);
		panel_put_match(ui, w, k, own_w, false, base);
		wattrset(w, A_NORMAL);
	}
	if (n == 0)
		empty_line(p, ui);
}

/* Enter: the closed connections of the line, in the connection table. */
static int ch_enter(struct panel *p, struct ui *ui)
{
	if (!ch_nrows(p, ui))
		return 0;
	const struct sw_churn_group *e = &groups(ui)->g[p->sel.cur];
	char cond[160];
	if (e->kind == SW_CHURN_SERVICE) {
		snprintf(cond, sizeof cond, "proto %s and sport = :%u", sw_proto_name(e->proto),
			 e->port);
	} else {
		char a[64];
		sw_addr_str(e->family, e->addr, false, a, sizeof a);
		snprintf(cond, sizeof cond,
			 e->family == AF_INET6 ? "proto %s and dst [%s]:%u" : "proto %s and dst %s:%u",
			 sw_proto_name(e->proto), a, e->port);
	}
	if (!ui->changes) { /* closed rows must be shown to see them */
		ui->changes = true;
		ui_sync_wants(ui);
	}
	return (int)ui_drill(ui, cond);
}

static unsigned changed(struct panel *p, struct ui *ui, const char *msg)
{
	ui_sync_wants(ui);
	p->sel.has_key = false;
	p->dirty = true;
	ui_status(ui, false, "%s", msg);
	return UI_R_REGROUP | UI_R_REDRAW;
}

static int ch_key(struct panel *p, struct ui *ui, enum sw_action a)
{
	char m[160];
	switch (a) {
	case SW_ACT_ENTER:
		return ch_enter(p, ui);
	case SW_ACT_GROUP_NET:
		ui->churn_kind = ui->churn_kind == SW_CHURN_DEST ? SW_CHURN_SERVICE : SW_CHURN_DEST;
		return (int)changed(p, ui, ui->churn_kind == SW_CHURN_DEST
						   ? _("Churn per destination (client ends)")
						   : _("Churn per local service (server ends)"));
	case SW_ACT_REMOTE_SORT:
		ui->churn_order = (enum sw_churn_order)((ui->churn_order + 1) % SW_CHURN_ORDER_COUNT);
		snprintf(m, sizeof m, _("Churn sorted by %s (o: next column)"),
			 _(order_hdr[ui->churn_order]));
		return (int)changed(p, ui, m);
	default:
		return -1;
	}
}

static void ch_resize(struct panel *p, struct ui *ui)
{
	(void)ui;
	p->head = p->h >= 4 ? 2 : 1;
}

static size_t ch_want_rows(const struct ui *ui)
{
	const struct sw_churn_groups *g = groups(ui);
	size_t n = g && g->n ? g->n : 1;
	return (n > 8 ? 8 : n) + 2;
}

const struct panel_ops churn_ops = {
	.name = N_("Churn"),
	.slot = PANEL_SLOT_BAND,
	.min_size = 3,
	.want_rows = ch_want_rows,
	.needs_churn = true,
	.names = false,
	.hint = N_("Enter: its closed connections   g: destinations/services   o: sort   x: hide"),
	.draw = ch_draw,
	.key = ch_key,
	.resize = ch_resize,
	.nrows = ch_nrows,
	.row_text = ch_row_text,
	.row_key = ch_row_key,
};
