/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netpanels.c - the Routes panel (netstat -r) and the Interfaces panel
 * (netstat -i with RX/TX rates).  The loop collects them over rtnetlink
 * only while one of these panels is shown; here they are only drawn. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/i18n.h"
#include "core/util.h"
#include "uistate.h"

static const struct sw_netinfo *net(const struct ui *ui)
{
	return ui->have_data ? ui->data.net : NULL;
}

static void resize2(struct panel *p, struct ui *ui)
{
	(void)ui;
	p->head = 2;
}

static void colhdr(struct panel *p, const char *text)
{
	wmove(p->win, 1, 0);
	wattrset(p->win, crt_attr(CRT_COLHDR));
	crt_put_pad(p->win, text, p->w, false);
	wattrset(p->win, A_NORMAL);
}

static void draw_rows(struct panel *p, struct ui *ui,
		      void (*text)(const struct panel *, struct ui *, size_t, char *, size_t))
{
	size_t n = p->ops->nrows(p, ui), h = panel_list_h(p);
	listsel_scroll(&p->sel, n, h);
	for (size_t i = p->sel.top; i < n && i < p->sel.top + h; i++) {
		char line[512];
		text(p, ui, i, line, sizeof line);
		attr_t base = panel_row_attr(p, ui, i, crt_attr(CRT_NORMAL));
		wmove(p->win, p->head + (int)(i - p->sel.top), 0);
		panel_put_match(ui, p->win, line, p->w, false, base);
	}
	wattrset(p->win, A_NORMAL);
}

static void empty_note(struct panel *p, struct ui *ui)
{
	wmove(p->win, p->head, 0);
	const char *e = ui->have_data ? ui->data.net_error : NULL;
	wattrset(p->win, crt_attr(e ? CRT_WARN : CRT_DIM));
	crt_put(p->win, e ? e : _("collecting..."), p->w);
	wattrset(p->win, A_NORMAL);
}

/* ---- routes ---------------------------------------------------------------- */

/* The routes (or the note), the title and the column header. */
static size_t rt_want_rows(const struct ui *ui)
{
	const struct sw_netinfo *ni = net(ui);
	return (ni && ni->nroutes ? ni->nroutes : 1) + 2;
}

static size_t rt_nrows(const struct panel *p, const struct ui *ui)
{
	(void)p;
	const struct sw_netinfo *ni = net(ui);
	return ni ? ni->nroutes : 0;
}

static uint64_t rt_row_key(const struct panel *p, const struct ui *ui, size_t i)
{
	(void)p;
	const struct sw_netinfo *ni = net(ui);
	if (!ni || i >= ni->nroutes)
		return 0;
	const struct sw_route *r = &ni->routes[i];
	uint64_t h = 1469598103934665603ULL;
	const uint8_t *b[3] = {r->dst, &r->dst_len, &r->family};
	size_t l[3] = {16, 1, 1};
	for (int k = 0; k < 3; k++)
		for (size_t j = 0; j < l[k]; j++)
			h = (h ^ b[k][j]) * 1099511628211ULL;
	return h ^ ((uint64_t)r->oif << 40) ^ r->metric;
}

static void rt_row_text(const struct panel *p, struct ui *ui, size_t i, char *buf, size_t len)
{
	(void)p;
	const struct sw_netinfo *ni = net(ui);
	if (!ni || i >= ni->nroutes) {
		buf[0] = '\0';
		return;
	}
	const struct sw_route *r = &ni->routes[i];
	char d[64], dst[80], gw[64], f[8];
	if (r->dst_len == 0)
		sw_strlcpy(dst, "default", sizeof dst);
	else
		snprintf(dst, sizeof dst, "%s/%u", sw_addr_str(r->family, r->dst, false, d, sizeof d),
			 r->dst_len);
	if (r->has_gateway)
		sw_addr_str(r->family, r->gateway, false, gw, sizeof gw);
	else
		sw_strlcpy(gw, "*", sizeof gw);
	netinfo_route_flags(r->flags, f, sizeof f);
	const char *ifn = r->ifname[0] ? r->ifname : (r->flags & SW_RTF_REJECT ? "-" : "?");
	snprintf(buf, len, "%-24s %-20s %-5s %6u %s", dst, gw, f, r->metric, ifn);
}

static void rt_draw(struct panel *p, struct ui *ui)
{
	char extra[32] = "";
	if (net(ui))
		snprintf(extra, sizeof extra, "%zu", net(ui)->nroutes);
	panel_draw_title(p, ui, extra);
	char h[160];
	snprintf(h, sizeof h, "%-24s %-20s %-5s %6s %s", _("Destination"), _("Gateway"),
		 _("Flags"), _("Metric"), _("Iface"));
	colhdr(p, h);
	if (!net(ui))
		empty_note(p, ui);
	draw_rows(p, ui, rt_row_text);
}

const struct panel_ops routes_ops = {
	.name = N_("Routes"),
	.slot = PANEL_SLOT_BAND,
	.min_size = 3,
	.want_rows = rt_want_rows,
	.needs_net = true,
	.names = true,
	.hint = N_("6: routes   7: interfaces   Tab: next panel   h: help"),
	.draw = rt_draw,
	.resize = resize2,
	.nrows = rt_nrows,
	.row_text = rt_row_text,
	.row_key = rt_row_key,
};

/* ---- interfaces ------------------------------------------------------------- */

static size_t if_want_rows(const struct ui *ui)
{
	const struct sw_netinfo *ni = net(ui);
	return (ni && ni->nifaces ? ni->nifaces : 1) + 2;
}

static size_t if_nrows(const struct panel *p, const struct ui *ui)
{
	(void)p;
	const struct sw_netinfo *ni = net(ui);
	return ni ? ni->nifaces : 0;
}

static uint64_t if_row_key(const struct panel *p, const struct ui *ui, size_t i)
{
	(void)p;
	const struct sw_netinfo *ni = net(ui);
	return ni && i < ni->nifaces ? ni->ifaces[i].index : 0;
}

static void if_row_text(const struct panel *p, struct ui *ui, size_t i, char *buf, size_t len)
{
	(void)p;
	const struct sw_netinfo *ni = net(ui);
	if (!ni || i >= ni->nifaces) {
		buf[0] = '\0';
		return;
	}
	const struct sw_iface *f = &ni->ifaces[i];
	char fl[16], rx[32] = "-", tx[32] = "-";
	netinfo_iface_flags(f->flags, fl, sizeof fl);
	if (ui->data.net_prev) {
		struct sw_iface_rate r;
		netinfo_iface_rate(ui->data.net_prev, ni, i, &r);
		if (r.valid) {
			sw_fmt_rate(r.rx_bps, rx, sizeof rx);
			sw_fmt_rate(r.tx_bps, tx, sizeof tx);
		}
	}
	snprintf(buf, len, "%-12s %6u %10s %10s %11" PRIu64 " %5" PRIu64 " %11" PRIu64
		 " %5" PRIu64 " %-5s %s",
		 f->name, f->mtu, rx, tx, f->rx_packets, f->rx_errors + f->rx_dropped,
		 f->tx_packets, f->tx_errors + f->tx_dropped, fl, netinfo_operstate(f->operstate));
}

static void if_draw(struct panel *p, struct ui *ui)
{
	char extra[32] = "";
	if (net(ui))
		snprintf(extra, sizeof extra, "%zu", net(ui)->nifaces);
	panel_draw_title(p, ui, extra);
	char h[200];
	snprintf(h, sizeof h, "%-12s %6s %10s %10s %11s %5s %11s %5s %-5s %s", _("Iface"),
		 _("MTU"), _("RX/s"), _("TX/s"), _("RX-OK"), _("RX-ER"), _("TX-OK"), _("TX-ER"),
		 _("Flg"), _("State"));
	colhdr(p, h);
	if (!net(ui))
		empty_note(p, ui);
	draw_rows(p, ui, if_row_text);
}

const struct panel_ops ifaces_ops = {
	.name = N_("Interfaces"),
	.slot = PANEL_SLOT_BAND,
	.min_size = 3,
	.want_rows = if_want_rows,
	.needs_net = true,
	.names = true,
	.hint = N_("6: routes   7: interfaces   Tab: next panel   h: help"),
	.draw = if_draw,
	.resize = resize2,
	.nrows = if_nrows,
	.row_text = if_row_text,
	.row_key = if_row_key,
};
