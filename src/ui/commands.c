/* SPDX-License-Identifier: GPL-2.0-or-later */
/* commands.c - what the actions of the key table (core/keymap.h) do.
 * An action goes to the focused panel first (panel_ops.key: its Enter,
 * Left, Right; tig's view_ops->request), then a panel table's show/hide
 * key, then the table below: the handler and its argument. */
#include "config.h"


#include "actions.h"
#include "commands.h"
#include "core/i18n.h"
#include "drilldown.h"
#include "focus.h"
#include "help.h"
#include "prompt.h"
#include "remotes.h"
#include "setup.h"
#include "timetravel.h"
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

/* e: the loop switches to the next namespace view and says which. */
static unsigned cmd_netns(struct ui *ui, int arg)
{
	(void)arg;
	ui->netns_gen++;
	ui_sync_wants(ui);
	return UI_R_RECOLLECT | UI_R_REDRAW;
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

/* The global table.  Left, Right and Enter mean something only to a
 * panel; the show/hide keys come from the panel table. */
static const struct command {
	unsigned (*fn)(struct ui *ui, int arg);
	int arg;
} commands[SW_ACT_COUNT] = {
	[SW_ACT_HELP] = {cmd_help, 0},
	[SW_ACT_QUIT] = {cmd_quit, 0},
	[SW_ACT_PAUSE] = {cmd_pause, 0},
	[SW_ACT_FASTER] = {cmd_interval, -1},
	[SW_ACT_SLOWER] = {cmd_interval, 1},
	[SW_ACT_REDRAW] = {cmd_redraw, 0},
	[SW_ACT_SETUP] = {setup_open, 0},
	[SW_ACT_RESOLVE] = {cmd_resolve, 0},
	[SW_ACT_FOCUS_NEXT] = {cmd_focus, 1},
	[SW_ACT_FOCUS_PREV] = {cmd_focus, -1},
	[SW_ACT_ZOOM] = {cmd_zoom, 0},
	[SW_ACT_CHANGES] = {cmd_changes, 0},
	[SW_ACT_MARK] = {cmd_mark, 1},
	[SW_ACT_CLEAR_MARK] = {cmd_mark, 0},
	[SW_ACT_GROUP_PROC] = {remotes_group_proc, 0},
	[SW_ACT_GROUP_NET] = {remotes_group_next, 0},
	[SW_ACT_REMOTE_SORT] = {remotes_sort_next, 0},
	[SW_ACT_FOLLOW] = {cmd_follow, 0},
	[SW_ACT_NETNS] = {cmd_netns, 0},
	[SW_ACT_UP] = {cmd_nav, SW_ACT_UP},
	[SW_ACT_DOWN] = {cmd_nav, SW_ACT_DOWN},
	[SW_ACT_PGUP] = {cmd_nav, SW_ACT_PGUP},
	[SW_ACT_PGDN] = {cmd_nav, SW_ACT_PGDN},
	[SW_ACT_HOME] = {cmd_nav, SW_ACT_HOME},
	[SW_ACT_END] = {cmd_nav, SW_ACT_END},
	[SW_ACT_BACK] = {cmd_back, 0},
	[SW_ACT_SORT_MENU] = {cmd_sort_menu, 0},
	[SW_ACT_SORT_STATE] = {cmd_sort, SW_COL_STATE},
	[SW_ACT_SORT_REMOTE] = {cmd_sort, SW_COL_REMOTE},
	[SW_ACT_SORT_LPORT] = {cmd_sort, SW_COL_LPORT},
	[SW_ACT_SORT_PROCESS] = {cmd_sort, SW_COL_PROCESS},
	[SW_ACT_SORT_QUEUE] = {cmd_sort, SW_COL_RECVQ},
	[SW_ACT_SORT_RATE] = {cmd_sort, SW_COL_RX_RATE},
	[SW_ACT_SORT_INVERT] = {cmd_sort_invert, 0},
	[SW_ACT_COLUMNS] = {cmd_columns, 0},
	[SW_ACT_FILTER] = {cmd_filter, 0},
	[SW_ACT_SEARCH] = {cmd_search, 0},
	[SW_ACT_SEARCH_NEXT] = {cmd_search_next, 0},
	[SW_ACT_KILL] = {cmd_kill, 0},
	[SW_ACT_CLOSE] = {cmd_close, 0},
	[SW_ACT_TIME_BACK] = {timetravel_step, -1},
	[SW_ACT_TIME_FWD] = {timetravel_step, 1},
	[SW_ACT_MINUTE_BACK] = {timetravel_step, -60},
	[SW_ACT_MINUTE_FWD] = {timetravel_step, 60},
	[SW_ACT_HOUR_BACK] = {timetravel_step, -3600},
	[SW_ACT_HOUR_FWD] = {timetravel_step, 3600},
	[SW_ACT_GOTO_TIME] = {timetravel_goto, 0},
};

unsigned commands_run(struct ui *ui, enum sw_action a)
{
	if (a <= SW_ACT_NONE || a >= SW_ACT_COUNT)
		return 0;
	int f = panel_key(&ui->panels[ui->focus], ui, a);
	if (f >= 0)
		return (unsigned)f;
	enum panel_id show = panel_for_show(a);
	if (show != PANEL_COUNT)
		return focus_toggle(ui, show);
	const struct command *c = &commands[a];
	return c->fn ? c->fn(ui, c->arg) : 0;
}
