/* commands.c - what the actions of the key table (core/keymap.h) do. */
#include "config.h"

#include <stdio.h>

#include "actions.h"
#include "commands.h"
#include "core/i18n.h"
#include "drilldown.h"
#include "focus.h"
#include "help.h"
#include "remotes.h"
#include "uistate.h"

static const double intervals[] = {0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60};
#define NINTERVALS (sizeof intervals / sizeof intervals[0])

/* Faster (dir -1) or slower (1): the next step of the interval list. */
static unsigned cmd_interval(struct ui *ui, int dir)
{
	double cur = ui->wants.interval;
	double next = cur;
	if (dir < 0) {
		for (size_t i = NINTERVALS; i-- > 0;)
			if (intervals[i] < cur - 1e-9) {
				next = intervals[i];
				break;
			}
	} else {
		for (size_t i = 0; i < NINTERVALS; i++)
			if (intervals[i] > cur + 1e-9) {
				next = intervals[i];
				break;
			}
	}
	ui->wants.interval = next;
	ui->hdr_dirty = true;
	ui_status(ui, false, _("Refreshing every %.2g s"), next);
	return UI_R_TIMER | UI_R_REDRAW;
}

static unsigned cmd_help(struct ui *ui, int arg)
{
	(void)arg;
	help_open(ui);
	return UI_R_REDRAW;
}

static unsigned cmd_quit(struct ui *ui, int arg)
{
	(void)ui;
	(void)arg;
	return UI_R_QUIT;
}

static unsigned cmd_pause(struct ui *ui, int arg)
{
	(void)arg;
	ui->wants.paused = !ui->wants.paused;
	ui->hdr_dirty = ui->fkeys_dirty = true;
	ui_status(ui, false, "%s", ui->wants.paused ? _("Paused (Space: resume)") : _("Resumed"));
	return UI_R_TIMER | UI_R_REDRAW;
}

static unsigned cmd_redraw(struct ui *ui, int arg)
{
	(void)arg;
	clearok(curscr, TRUE);
	ui->relayout = true;
	ui->why = "redraw";
	return UI_R_REDRAW;
}

static unsigned cmd_resolve(struct ui *ui, int arg)
{
	(void)arg;
	ui->resolve = !ui->resolve;
	if (ui->resolve && !ui->res)
		ui->res = resolver_new();
	ui_mark_all_dirty(ui);
	ui_status(ui, false, "%s",
		  ui->resolve ? _("Names on (resolved in the background)") : _("Numeric"));
	return UI_R_REDRAW;
}

static unsigned cmd_focus(struct ui *ui, int dir)
{
	return focus_cycle(ui, dir);
}

static unsigned cmd_zoom(struct ui *ui, int arg)
{
	(void)arg;
	ui->zoom = !ui->zoom;
	ui->relayout = true;
	return UI_R_REDRAW;
}

static unsigned cmd_changes(struct ui *ui, int arg)
{
	(void)arg;
	ui->changes = !ui->changes;
	ui_sync_wants(ui);
	ui->panels[PANEL_CONNS].dirty = true;
	ui_status(ui, false, "%s",
		  ui->changes ? _("New connections highlighted, closed ones kept for a while")
			      : _("New and closed connections not shown"));
	return UI_R_REFILTER | UI_R_REDRAW;
}

/* m (on 1) and M (on 0). */
static unsigned cmd_mark(struct ui *ui, int on)
{
	if (!on && !ui->mark) {
		ui_status(ui, false, "%s", _("No mark is set (m sets one)"));
		return UI_R_REDRAW;
	}
	ui->mark = on;
	ui->mark_gen++;
	ui_sync_wants(ui);
	ui->panels[PANEL_CONNS].dirty = true;
	ui_status(ui, false, "%s",
		  on ? _("Mark set: connections opened or closed from now on stay marked (M clears)")
		     : _("Mark cleared"));
	return UI_R_REFILTER | UI_R_REDRAW;
}

static unsigned cmd_follow(struct ui *ui, int arg)
{
	(void)arg;
	ui->follow = !ui->follow;
	ui_sync_wants(ui);
	ui->panels[PANEL_STATES].dirty = ui->panels[PANEL_REMOTES].dirty = true;
	ui_status(ui, false, "%s",
		  ui->follow ? _("Summary panels follow the filter")
			     : _("Summary panels show every socket, whatever the filter"));
	return UI_R_REFILTER | UI_R_REDRAW;
}

/* Up, Down, PgUp, PgDn, Home, End in the focused panel (arg: the action). */
static unsigned cmd_nav(struct ui *ui, int a)
{
	int f = panel_nav(&ui->panels[ui->focus], ui, (enum sw_action)a);
	return f < 0 ? 0 : (unsigned)f;
}

static unsigned cmd_back(struct ui *ui, int arg)
{
	(void)arg;
	return ui_back(ui);
}

/* Sort by column col (its natural direction first). */
static unsigned cmd_sort(struct ui *ui, int col)
{
	sortstate_set(&ui->sort, (enum sw_col_id)col, sortstate_desc_first((enum sw_col_id)col));
	ui_sync_wants(ui);
	ui->panels[PANEL_CONNS].dirty = true;
	ui_status(ui, false, _("Sorted by %s %s (I: invert)"),
		  _(column_get((enum sw_col_id)col)->header), crt_arrow(ui->sort.k[0].desc));
	return UI_R_RESORT | UI_R_REDRAW;
}

static unsigned cmd_sort_invert(struct ui *ui, int arg)
{
	(void)arg;
	sortstate_invert(&ui->sort);
	ui_sync_wants(ui);
	ui->panels[PANEL_CONNS].dirty = true;
	return UI_R_RESORT | UI_R_REDRAW;
}

static unsigned cmd_sort_menu(struct ui *ui, int arg)
{
	(void)arg;
	return actions_sort_menu(ui);
}

static unsigned cmd_columns(struct ui *ui, int arg)
{
	(void)arg;
	return actions_columns(ui);
}

static unsigned cmd_filter(struct ui *ui, int arg)
{
	(void)arg;
	prompt_open(ui, PROMPT_FILTER, ui->filter_text);
	return UI_R_REDRAW;
}

static unsigned cmd_search(struct ui *ui, int arg)
{
	(void)arg;
	prompt_open(ui, PROMPT_SEARCH, ui->search);
	return UI_R_REDRAW;
}

static unsigned cmd_search_next(struct ui *ui, int arg)
{
	(void)arg;
	struct panel *fp = &ui->panels[ui->focus];
	if (!ui->search[0]) {
		prompt_open(ui, PROMPT_SEARCH, "");
		return UI_R_REDRAW;
	}
	if (!panel_search(fp, ui, ui->search, fp->sel.cur + 1))
		ui_status(ui, true, _("Not found: %s"), ui->search);
	return UI_R_REDRAW;
}

static unsigned cmd_kill(struct ui *ui, int arg)
{
	(void)arg;
	return actions_kill(ui);
}

static unsigned cmd_close(struct ui *ui, int arg)
{
	(void)arg;
	return actions_close(ui);
}

unsigned commands_run(struct ui *ui, enum sw_action a)
{
	struct panel *fp = &ui->panels[ui->focus];
	enum panel_id show = panel_for_show(a);
	if (show != PANEL_COUNT)
		return focus_toggle(ui, show);
	switch (a) {
	case SW_ACT_HELP: return cmd_help(ui, 0);
	case SW_ACT_QUIT: return cmd_quit(ui, 0);
	case SW_ACT_PAUSE: return cmd_pause(ui, 0);
	case SW_ACT_FASTER: return cmd_interval(ui, -1);
	case SW_ACT_SLOWER: return cmd_interval(ui, 1);
	case SW_ACT_REDRAW: return cmd_redraw(ui, 0);
	case SW_ACT_RESOLVE: return cmd_resolve(ui, 0);
	case SW_ACT_FOCUS_NEXT: return cmd_focus(ui, 1);
	case SW_ACT_FOCUS_PREV: return cmd_focus(ui, -1);
	case SW_ACT_ZOOM: return cmd_zoom(ui, 0);
	case SW_ACT_CHANGES: return cmd_changes(ui, 0);
	case SW_ACT_MARK: return cmd_mark(ui, 1);
	case SW_ACT_CLEAR_MARK: return cmd_mark(ui, 0);
	case SW_ACT_GROUP_PROC: return remotes_group_proc(ui, 0);
	case SW_ACT_GROUP_NET: return remotes_group_next(ui, 0);
	case SW_ACT_REMOTE_SORT: return remotes_sort_next(ui, 0);
	case SW_ACT_FOLLOW: return cmd_follow(ui, 0);
	case SW_ACT_UP:
	case SW_ACT_DOWN:
	case SW_ACT_PGUP:
	case SW_ACT_PGDN:
	case SW_ACT_HOME:
	case SW_ACT_END: return cmd_nav(ui, a);
	case SW_ACT_LEFT:
	case SW_ACT_RIGHT:
	case SW_ACT_ENTER: {
		int f = panel_key(fp, ui, a);
		return f < 0 ? 0 : (unsigned)f;
	}
	case SW_ACT_BACK: return cmd_back(ui, 0);
	case SW_ACT_SORT_MENU: return cmd_sort_menu(ui, 0);
	case SW_ACT_SORT_STATE: return cmd_sort(ui, SW_COL_STATE);
	case SW_ACT_SORT_REMOTE: return cmd_sort(ui, SW_COL_REMOTE);
	case SW_ACT_SORT_LPORT: return cmd_sort(ui, SW_COL_LPORT);
	case SW_ACT_SORT_PROCESS: return cmd_sort(ui, SW_COL_PROCESS);
	case SW_ACT_SORT_QUEUE: return cmd_sort(ui, SW_COL_RECVQ);
	case SW_ACT_SORT_RATE: return cmd_sort(ui, SW_COL_RX_RATE);
	case SW_ACT_SORT_INVERT: return cmd_sort_invert(ui, 0);
	case SW_ACT_COLUMNS: return cmd_columns(ui, 0);
	case SW_ACT_FILTER: return cmd_filter(ui, 0);
	case SW_ACT_SEARCH: return cmd_search(ui, 0);
	case SW_ACT_SEARCH_NEXT: return cmd_search_next(ui, 0);
	case SW_ACT_KILL: return cmd_kill(ui, 0);
	case SW_ACT_CLOSE: return cmd_close(ui, 0);
	default: return 0;
	}
}
