/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ui.c - the monitor's state and its entry points for the loop: data in,
 * keys to reaction flags, one draw per turn, confirmed actions out. */
#include "config.h"

#include <stdlib.h>

#include "core/pace.h"
#include "core/util.h"
#include "actions.h"
#include "alerts.h"
#include "commands.h"
#include "dialog.h"
#include "drilldown.h"
#include "focus.h"
#include "header.h"
#include "remotes.h"
#include "screen.h"
#include "setup.h"
#include "statusbar.h"
#include "uistate.h"

void ui_sync_wants(struct ui *ui)
{
	ui->wants.keys = ui->sort.k;
	ui->wants.nkeys = ui->sort.n;
	static const enum sw_agg_kind kinds[RGROUP_COUNT] = {
		[RGROUP_IP] = SW_AGG_REMOTE_IP, [RGROUP_NET] = SW_AGG_REMOTE_NET,
		[RGROUP_DEST] = SW_AGG_DEST};
	ui->wants.remote_kind = ui->group_proc ? SW_AGG_PROCESS : kinds[ui->rgroup];
	remotes_order(ui->rsort, &ui->wants.remote_order, &ui->wants.remote_states);
	ui->wants.follow = ui->follow;
	ui->wants.filter = sw_blank(ui->filter_text) ? NULL : ui->filter;
	ui->wants.filter_text = ui->filter_text;
	ui->wants.netinfo = false;
	ui->wants.churn = false;
	for (int i = 0; i < PANEL_COUNT; i++) {
		ui->wants.netinfo |= ui->panels[i].shown && ui->panels[i].ops->needs_net;
		ui->wants.churn |= ui->panels[i].shown && ui->panels[i].ops->needs_churn;
	}
	ui->wants.churn_kind = ui->churn_kind;
	ui->wants.churn_order = ui->churn_order;
	enum sw_col_id shown[SW_COL_COUNT];
	size_t nshown = colset_visible(&ui->colset, shown, SW_COL_COUNT);
	unsigned needs = columns_needs(shown, nshown, ui->sort.k, ui->sort.n);
	ui->wants.need_cong = needs & SW_NEED_CONG;
	ui->wants.need_mem = needs & SW_NEED_MEM;
	ui->wants.need_tcpinfo = columns_read_tcpinfo(shown, nshown, ui->sort.k, ui->sort.n);
	ui->wants.changes = ui->changes;
	ui->wants.mark = ui->mark;
	ui->wants.mark_gen = ui->mark_gen;
	ui->wants.netns_gen = ui->netns_gen;
}

struct ui *ui_new(const struct ui_config *cfg, char *err, size_t errlen)
{
	struct ui *ui = xcalloc(1, sizeof *ui);
	ui->cfg = *cfg;
	keymap_init(&ui->km);
	ui->wants.interval = cfg->interval > 0 ? cfg->interval : 1.0;
	ui->wants.paused = cfg->start_paused;
	if (!cfg->columns || colset_parse(&ui->colset, cfg->columns) < 0)
		colset_init(&ui->colset);
	sortstate_init(&ui->sort);
	if (cfg->sort)
		sortstate_parse(&ui->sort, cfg->sort);
	drill_init(&ui->drill);
	for (int i = 0; i < PANEL_COUNT; i++)
		panel_init(&ui->panels[i], (enum panel_id)i);
	ui->changes = true;
	ui->follow = cfg->panels_follow_filter;
	if (cfg->panels)
		setup_apply_panels(ui, cfg->panels);
	if (cfg->thr)
		ui->thr = *cfg->thr;
	else
		diag_thresholds_default(&ui->thr);
	ui->wants.thr = &ui->thr;
	statehist_init(&ui->hist);
	ui->focus = PANEL_CONNS;
	if (ui_set_filter(ui, cfg->filter ? cfg->filter : "", false, err, errlen, NULL) == 0) {
		drill_done(&ui->drill);
		free(ui);
		return NULL;
	}
	struct crt_opts co = {.no_color = cfg->no_color, .mouse = cfg->mouse};
	if (!crt_init(&co, err, errlen)) {
		filter_free(ui->filter);
		drill_done(&ui->drill);
		free(ui);
		return NULL;
	}
	if (cfg->resolve) {
		ui->resolve = true;
		ui->res = resolver_new();
	}
	ui_sync_wants(ui);
	screen_layout(ui);
	ui->why = "start";
	return ui;
}

void ui_free(struct ui *ui)
{
	if (!ui)
		return;
	dialog_free(ui->dlg);
	screen_free_windows(ui);
	crt_input_window(NULL);
	crt_done();
	resolver_free(ui->res);
	filter_free(ui->filter);
	drill_done(&ui->drill);
	free(ui->alines);
	free(ui);
}

const struct ui_wants *ui_wants(const struct ui *ui)
{
	return &ui->wants;
}

int ui_quit_signal(void)
{
	return crt_quit_signal();
}

void ui_set_data(struct ui *ui, const struct ui_data *d)
{
	bool fresh = !ui->have_data || d->sample_seq != ui->seen_seq;
	if (fresh && d->states) {
		ui->cur_states = *d->states;
		ui->seen_seq = d->sample_seq;
		ui->hdr_dirty = true;
		uint32_t c[SW_ST_COUNT];
		for (unsigned st = 0; st < SW_ST_COUNT; st++)
			c[st] = d->states->count[SW_PROTO_TCP][st] +
				d->states->count[SW_PROTO_MPTCP][st];
		statehist_push(&ui->hist, d->snap ? d->snap->mono_ns : sw_mono_ns(), c,
			       SW_ST_COUNT);
	}
	if (d->pstates) {
		/* a change since the last sample, not since another filter */
		ui->pan_prev = fresh ? ui->pan_cur : *d->pstates;
		ui->have_pan_prev = ui->have_data;
		ui->pan_cur = *d->pstates;
	}
	if (d->error) /* a failed sample: the old data stays, the reason shows */
		ui_status(ui, true, "%s", d->error);
	int old_h = header_height(ui, ui->rows);
	ui->data = *d;
	ui->have_data = true;
	if (d->snap && d->snap->nns && !ui->netns_col && !ui->cfg.columns) {
		colset_show_first(&ui->colset, SW_COL_NETNS); /* whose sockets */
		ui->netns_col = true;
		ui->panels[PANEL_CONNS].dirty = true;
	} else if (d->snap && !d->snap->nns && ui->netns_col && !ui->cfg.columns) {
		/* one namespace chosen since: the header names it, and the
		 * column shown for -N all would stay empty */
		ui->colset.on[SW_COL_NETNS] = false;
		ui->netns_col = false;
		ui->panels[PANEL_CONNS].dirty = true;
	}
	if (header_height(ui, ui->rows) != old_h)
		ui->relayout = true;
	if (fresh)
		alerts_build(ui);
	ui->n_new = ui->mark ? d->n_marked_new : d->n_new;
	ui->n_closed = d->n_closed;
	for (int i = 0; i < PANEL_COUNT; i++)
		panel_sync(&ui->panels[i], ui);
	ui->status_dirty = true;
	if (!ui->why)
		ui->why = fresh ? "sample" : "view";
}

void ui_set_pace(struct ui *ui, const struct ui_pace *p)
{
	bool stretched = pace_stretched(ui->wants.interval, p->interval);
	/* the cost only matters while it stretches the interval */
	if (p->interval != ui->pace.interval || p->collecting != ui->pace.collecting ||
	    (stretched && p->cost != ui->pace.cost))
		ui->hdr_dirty = true;
	ui->pace = *p;
}

static unsigned mouse_event(struct ui *ui)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return 0;
	if (ui->dlg || ui->prompt.kind != PROMPT_NONE)
		return 0;
	if (ui->fkeys && ev.y == ui->rows - 1) {
		if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
			return commands_run(ui, fkeys_action_at(ui, ev.x));
		return 0;
	}
	struct panel *p = screen_panel_at(ui, ev.y, ev.x);
	if (!p)
		return 0;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		ui_focus(ui, p->id);
		int f = panel_nav(p, ui, (ev.bstate & BUTTON4_PRESSED) ? SW_ACT_UP : SW_ACT_DOWN);
		return UI_R_REDRAW | (f > 0 ? (unsigned)f : 0);
	}
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED)))
		return 0;
	ui_focus(ui, p->id);
	int f = panel_click(p, ui, ev.y - p->y, ev.x - p->x);
	unsigned fl = UI_R_REDRAW | (f > 0 ? (unsigned)f : 0);
	if ((ev.bstate & BUTTON1_DOUBLE_CLICKED) && ev.y - p->y >= p->head) {
		int g = panel_key(p, ui, SW_ACT_ENTER);
		fl |= g > 0 ? (unsigned)g : 0;
	}
	return fl;
}

unsigned ui_input(struct ui *ui)
{
	unsigned flags = 0;
	int key;
	bool text;
	while (crt_getkey(&key, &text)) {
		if (key == SW_KEY_RESIZE) {
			ui->relayout = true; /* bursts coalesce into one layout */
			ui->why = "resize";
			flags |= UI_R_REDRAW;
			continue;
		}
		if (!ui->why)
			ui->why = "key";
		if (key == SW_KEY_MOUSE) {
			flags |= mouse_event(ui);
		} else if (ui->dlg) {
			flags |= dialog_key(ui, key);
		} else if (ui->prompt.kind != PROMPT_NONE) {
			flags |= prompt_key(ui, key, text);
		} else {
			flags |= commands_run(ui, keymap_lookup(&ui->km, key));
		}
		if (flags & UI_R_QUIT)
			break;
	}
	if (ui->res) {
		char b;
		(void)b;
		resolver_drain(ui->res);
		if (ui->resolve) {
			/* Answers may have arrived: the name columns redraw. */
			for (int i = 0; i < PANEL_COUNT; i++)
				if (ui->panels[i].ops->names)
					ui->panels[i].dirty = true;
			flags |= UI_R_REDRAW;
		}
	}
	ui_sync_wants(ui); /* columns, sort, filter: what the loop asks the kernel */
	return flags;
}

void ui_draw(struct ui *ui)
{
	statusbar_expire(ui);
	screen_draw(ui);
}

int ui_timeout_ms(const struct ui *ui)
{
	return statusbar_timeout_ms(ui);
}

int ui_poll_fd(const struct ui *ui)
{
	return ui->res ? resolver_fd(ui->res) : -1;
}

bool ui_next_action(struct ui *ui, struct ui_action *a)
{
	if (ui->action_next >= ui->nactions)
		return false;
	*a = ui->actions[ui->action_next++];
	return true;
}

void ui_action_done(struct ui *ui, const struct ui_action *a, int rc)
{
	actions_result(ui, a, rc);
}
