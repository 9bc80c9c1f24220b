/* SPDX-License-Identifier: GPL-2.0-or-later */
/* header.c - the lines at the top: host, time, interval, netns, pause;
 * totals per protocol; the active filter; a plain warning when not root. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/pace.h"
#include "core/util.h"
#include "alerts.h"
#include "header.h"
#include "uistate.h"

static bool not_root(const struct ui *ui)
{
	if (ui->have_data && ui->data.snap && (ui->data.snap->notes & SW_NOTE_REPLAY))
		return false;
	if (ui->have_data && ui->data.snap && (ui->data.snap->notes & SW_NOTE_NOT_ROOT))
		return true;
	return !ui->cfg.is_root;
}

int header_height(const struct ui *ui, int rows)
{
	if (rows < 16)
		return 2;
	return 4 + (not_root(ui) ? 1 : 0);
}

/* "label value  " pairs. */
static void put_pair(WINDOW *w, int maxx, const char *label, const char *value)
{
	int y, x;
	getyx(w, y, x);
	(void)y;
	if (x >= maxx)
		return;
	wattrset(w, crt_attr(CRT_HDR_LABEL));
	x += crt_put(w, label, maxx - x);
	wattrset(w, crt_attr(CRT_HDR_VALUE));
	x += crt_put(w, value, maxx - x);
	wattrset(w, A_NORMAL);
	if (x + 2 <= maxx)
		waddstr(w, "  ");
}

/* A history replay: " RECORDING 2026-12-03 03:12:05 " stands out, with
 * the date (a recording can be days old). */
static void recording_time(struct ui *ui, const struct sw_snapshot *s)
{
	WINDOW *w = ui->hdr;
	char v[96], when[40] = "?";
	if (s && s->real_sec) {
		time_t t = (time_t)s->real_sec;
		struct tm tm;
		if (localtime_r(&t, &tm))
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	}
	snprintf(v, sizeof v, _(" RECORDING %s "), when);
	int maxx = getmaxx(w), x = getcurx(w);
	wattrset(w, crt_attr(CRT_PAUSED));
	x += crt_put(w, v, maxx - x);
	wattrset(w, A_NORMAL);
	if (x + 2 <= maxx)
		waddstr(w, "  ");
}

/* "every 1.0s"; when a refresh costs more than half of the interval
 * asked for, the one in effect and why: "every 2.5s (set 1.0s: refresh
 * takes 1.2s)"; "(collecting)" while a collection has run a while. */
static void interval_pair(struct ui *ui)
{
	WINDOW *w = ui->hdr;
	const struct ui_pace *p = &ui->pace;
	char v[160];
	if (pace_stretched(ui->wants.interval, p->interval))
		snprintf(v, sizeof v, _("%.1fs (set %.1fs: refresh takes %.1fs)"), p->interval,
			 ui->wants.interval, p->cost);
	else
		snprintf(v, sizeof v, _("%.1fs"), ui->wants.interval);
	put_pair(w, ui->cols, ui->cfg.replay ? _("a sample every ") : _("every "), v);
	if (p->collecting)
		put_pair(w, ui->cols, "", _("(collecting)"));
}

static void line_top(struct ui *ui, int y)
{
	WINDOW *w = ui->hdr;
	int W = ui->cols;
	wmove(w, y, 0);
	wattrset(w, crt_attr(CRT_HDR_VALUE));
	crt_put(w, "sockwatch  ", W);
	const struct sw_snapshot *s = ui->have_data ? ui->data.snap : NULL;
	char v[128];
	if (s && s->hostname[0])
		put_pair(w, W, "", s->hostname);
	if (ui->cfg.replay) {
		recording_time(ui, s);
	} else if (s && s->real_sec) {
		/* a replayed recording may carry any value */
		if (!sw_fmt_clock(s->real_sec, false, v, sizeof v))
			sw_strlcpy(v, _("(invalid time)"), sizeof v);
		put_pair(w, W, "", v);
	}
	interval_pair(ui);
	const char *ns = ui->cfg.netns ? ui->cfg.netns : (s && s->netns[0] ? s->netns : NULL);
	if (ns)
		put_pair(w, W, _("netns "), ns);
	size_t nbad = 0;
	for (size_t i = 0; s && (s->notes & SW_NOTE_NETNS_PARTIAL) && i < s->nns; i++)
		nbad += s->nss[i].err != 0;
	if (nbad) {
		char b[64];
		snprintf(b, sizeof b, _("(%zu not entered: not root)"), nbad);
		put_pair(w, W, "", b);
	}
	if (s && (s->notes & SW_NOTE_REPLAY) && !ui->cfg.replay)
		put_pair(w, W, "", _("(replay)"));
	if (s && (s->notes & SW_NOTE_DUMP_INTR))
		put_pair(w, W, "", _("(dump changed while read)"));
	if (ui->resolve)
		put_pair(w, W, "", _("names on"));
	if (ui->wants.paused) {
		const char *p = _(" PAUSED ");
		int pw = crt_width(p);
		if (W - pw > 0) {
			wmove(w, y, W - pw);
			wattrset(w, crt_attr(CRT_PAUSED));
			crt_put(w, p, pw);
			wattrset(w, A_NORMAL);
		}
	}
}

/* Connections opened and closed per second in the last interval: TCP
 * always, UDP when it moved; what the kernel dropped; or why there are no
 * events (closures then come from sample deltas). */
static void put_churn(WINDOW *w, int W, const struct ui *ui)
{
	const struct sw_churn_rates *r = ui->data.churn;
	char v[96];
	if (!r)
		return;
	if (!r->valid) {
		put_pair(w, W, _("tcp/s "), "-");
	} else {
		snprintf(v, sizeof v, "+%.0f -%.0f", r->opened_per_s[SW_CHURN_TCP],
			 r->closed_per_s[SW_CHURN_TCP]);
		put_pair(w, W, _("tcp/s "), v);
		if (r->opened[SW_CHURN_UDP] || r->closed[SW_CHURN_UDP]) {
			snprintf(v, sizeof v, "+%.0f -%.0f", r->opened_per_s[SW_CHURN_UDP],
				 r->closed_per_s[SW_CHURN_UDP]);
			put_pair(w, W, _("udp/s "), v);
		}
	}
	if (r->lost) {
		snprintf(v, sizeof v, "%llu", (unsigned long long)r->lost);
		put_pair(w, W, _("events lost "), v);
	} else if (ui->data.churn_error) {
		put_pair(w, W, "", _("(no close events)"));
	}
}

static void line_totals(struct ui *ui, int y)
{
	WINDOW *w = ui->hdr;
	int W = ui->cols;
	wmove(w, y, 0);
	if (!ui->have_data)
		return;
	const struct sw_agg_states *st = &ui->cur_states;
	char v[64];
	snprintf(v, sizeof v, "%u", st->all);
	put_pair(w, W, _("Sockets: "), v);
	uint32_t tw = st->count[SW_PROTO_TCP][SW_ST_TIME_WAIT];
	uint32_t sr = st->count[SW_PROTO_TCP][SW_ST_SYN_RECV];
	snprintf(v, sizeof v, "%u", st->count[SW_PROTO_TCP][SW_ST_ESTABLISHED]);
	put_pair(w, W, _("estab "), v);
	snprintf(v, sizeof v, "%u", tw);
	put_pair(w, W, _("time-wait "), v);
	snprintf(v, sizeof v, "%u", sr);
	put_pair(w, W, _("syn-recv "), v);
	put_churn(w, W, ui);
	for (int p = 0; p < SW_PROTO_COUNT; p++) {
		if (!st->total[p])
			continue;
		char l[32];
		snprintf(l, sizeof l, "%s ", sw_proto_name((unsigned)p));
		snprintf(v, sizeof v, "%u", st->total[p]);
		put_pair(w, W, l, v);
	}
}

static void line_filter(struct ui *ui, int y)
{
	WINDOW *w = ui->hdr;
	int W = ui->cols;
	wmove(w, y, 0);
	if (ui->filter_text[0]) {
		char v[1200];
		snprintf(v, sizeof v, "%s", ui->filter_text);
		put_pair(w, W, _("Filter: "), v);
		if (ui->drill.n) {
			wattrset(w, crt_attr(CRT_DIM));
			int cy, cx;
			getyx(w, cy, cx);
			(void)cy;
			crt_put(w, _("(Esc: back)"), W - cx);
			wattrset(w, A_NORMAL);
		}
	} else {
		wattrset(w, crt_attr(CRT_HDR_LABEL));
		crt_put(w, _("Filter: none (/ to filter, h for help)"), W);
		wattrset(w, A_NORMAL);
	}
}

static void line_warning(struct ui *ui, int y)
{
	WINDOW *w = ui->hdr;
	wmove(w, y, 0);
	wattrset(w, crt_attr(CRT_WARN));
	crt_put(w, _("Not root: processes of other users are hidden - run with sudo to see them all"),
		ui->cols);
	wattrset(w, A_NORMAL);
}

void header_draw(struct ui *ui)
{
	werase(ui->hdr);
	line_top(ui, 0);
	if (ui->hdr_h == 2) {
		if (ui->filter_text[0])
			line_filter(ui, 1);
		else if (alerts_worst(ui->have_data ? ui->data.diags : NULL))
			alerts_line_draw(ui, ui->hdr, 1);
		else if (not_root(ui))
			line_warning(ui, 1);
		else
			line_totals(ui, 1);
		return;
	}
	line_totals(ui, 1);
	line_filter(ui, 2);
	if (ui->hdr_h > 3)
		alerts_line_draw(ui, ui->hdr, 3);
	if (ui->hdr_h > 4)
		line_warning(ui, 4);
}
