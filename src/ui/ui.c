/* ui.c - the monitor's state and its entry points for the loop: data in,
 * keys to reaction flags, one draw per turn, confirmed actions out. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "uipriv.h"

#define MSG_NS (4ULL * 1000000000ULL)
#define MSG_ERR_NS (7ULL * 1000000000ULL)

static const double intervals[] = {0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60};
#define NINTERVALS (sizeof intervals / sizeof intervals[0])

void ui_status(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
	va_end(ap);
	ui->msg_error = error;
	ui->msg_until_ns = sw_mono_ns() + (error ? MSG_ERR_NS : MSG_NS);
	ui->status_dirty = true;
}

void ui_mark_all_dirty(struct ui *ui)
{
	ui->hdr_dirty = ui->status_dirty = ui->fkeys_dirty = ui->dlg_dirty = true;
	ui->clear_bg = true;
	for (int i = 0; i < PANEL_COUNT; i++)
		ui->panels[i].dirty = true;
}

static void sync_wants(struct ui *ui)
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
	ui->wants.netinfo = ui->panels[PANEL_ROUTES].shown || ui->panels[PANEL_IFACES].shown;
	enum sw_col_id shown[SW_COL_COUNT];
	size_t nshown = colset_visible(&ui->colset, shown, SW_COL_COUNT);
	unsigned needs = columns_needs(shown, nshown, ui->sort.k, ui->sort.n);
	ui->wants.need_cong = needs & SW_NEED_CONG;
	ui->wants.need_mem = needs & SW_NEED_MEM;
	ui->wants.changes = ui->changes;
	ui->wants.mark = ui->mark;
	ui->wants.mark_gen = ui->mark_gen;
}

struct ui *ui_new(const struct ui_config *cfg, char *err, size_t errlen)
{
	struct ui *ui = xcalloc(1, sizeof *ui);
	ui->cfg = *cfg;
	keymap_init(&ui->km);
	ui->wants.interval = cfg->interval > 0 ? cfg->interval : 1.0;
	if (!cfg->columns || colset_parse(&ui->colset, cfg->columns) < 0)
		colset_init(&ui->colset);
	sortstate_init(&ui->sort);
	if (cfg->sort)
		sortstate_parse(&ui->sort, cfg->sort);
	drill_init(&ui->drill);
	panel_init(&ui->panels[PANEL_CONNS], PANEL_CONNS, &conntable_ops);
	panel_init(&ui->panels[PANEL_STATES], PANEL_STATES, &states_ops);
	panel_init(&ui->panels[PANEL_REMOTES], PANEL_REMOTES, &remotes_ops);
	panel_init(&ui->panels[PANEL_LISTENERS], PANEL_LISTENERS, &listeners_ops);
	panel_init(&ui->panels[PANEL_ALERTS], PANEL_ALERTS, &alerts_ops);
	panel_init(&ui->panels[PANEL_ROUTES], PANEL_ROUTES, &routes_ops);
	panel_init(&ui->panels[PANEL_IFACES], PANEL_IFACES, &ifaces_ops);
	/* shown on demand (a, 6, 7) */
	ui->panels[PANEL_ALERTS].shown = false;
	ui->panels[PANEL_ROUTES].shown = false;
	ui->panels[PANEL_IFACES].shown = false;
	ui->changes = true;
	ui->follow = cfg->panels_follow_filter;
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
	sync_wants(ui);
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
	if (header_height(ui, ui->rows) != old_h)
		ui->relayout = true;
	if (fresh)
		alerts_build(ui);
	ui->n_new = ui->n_closed = 0;
	for (size_t i = 0; d->conns && i < d->conns->n; i++) {
		const struct sw_rowstat *rs = d->conns->rows[i].st;
		if (!rs)
			continue;
		if (rs->flags & SW_ROW_CLOSED)
			ui->n_closed++;
		else if (rs->flags & (ui->mark ? SW_ROW_MARKED_NEW : SW_ROW_NEW))
			ui->n_new++;
	}
	for (int i = 0; i < PANEL_COUNT; i++)
		panel_sync(&ui->panels[i], ui);
	ui->status_dirty = true;
	if (!ui->why)
		ui->why = fresh ? "sample" : "view";
}

unsigned ui_set_filter(struct ui *ui, const char *text, bool push, char *err, size_t errlen,
		       int *errpos)
{
	struct sw_filter_error fe;
	memset(&fe, 0, sizeof fe);
	struct sw_filter *f = filter_parse(text, &fe);
	if (!f) {
		if (err && errlen)
			snprintf(err, errlen, "%s", fe.msg[0] ? fe.msg : _("invalid filter"));
		if (errpos)
			*errpos = fe.pos;
		return 0;
	}
	if (errpos)
		*errpos = -1;
	if (push && strcmp(text, ui->filter_text) != 0)
		drill_push(&ui->drill, ui->filter_text);
	filter_free(ui->filter);
	ui->filter = f;
	sw_strlcpy(ui->filter_text, text, sizeof ui->filter_text);
	sync_wants(ui);
	ui->hdr_dirty = true;
	ui->panels[PANEL_CONNS].dirty = true;
	if (ui->rows && ui->rows < 16)
		ui->relayout = true; /* the small header shows the filter */
	return UI_R_REFILTER | UI_R_REDRAW;
}

void ui_focus(struct ui *ui, enum panel_id id)
{
	if (ui->focus == id)
		return;
	bool single = ui->zoom || !ui->panels[ui->focus].placed || ui->rows - 4 < 16 ||
		      ui->cols < 60;
	ui->panels[ui->focus].dirty = true;
	ui->focus = id;
	ui->panels[id].dirty = true;
	ui->status_dirty = true;
	if (single || !ui->panels[id].placed)
		ui->relayout = true;
}

unsigned ui_drill(struct ui *ui, const char *cond)
{
	char text[1024];
	drill_combine(ui->filter_text, cond, text, sizeof text);
	char err[160];
	unsigned f = ui_set_filter(ui, text, true, err, sizeof err, NULL);
	if (!f) {
		ui_status(ui, true, _("Cannot drill down: %s"), err);
		return UI_R_REDRAW;
	}
	if (!ui->panels[PANEL_CONNS].shown) {
		ui->panels[PANEL_CONNS].shown = true;
		ui->relayout = true;
	}
	ui_focus(ui, PANEL_CONNS);
	ui->search[0] = '\0'; /* it served to find the row drilled into */
	ui_mark_all_dirty(ui);
	ui->panels[PANEL_CONNS].sel.has_key = false;
	ui->panels[PANEL_CONNS].sel.cur = 0;
	ui_status(ui, false, _("Showing: %s   (Esc/Backspace: back)"), cond);
	return f;
}

static unsigned go_back(struct ui *ui)
{
	char prev[1024];
	if (ui->search[0]) {
		ui->search[0] = '\0';
		ui_mark_all_dirty(ui);
		return UI_R_REDRAW;
	}
	if (drill_pop(&ui->drill, prev, sizeof prev)) {
		unsigned f = ui_set_filter(ui, prev, false, NULL, 0, NULL);
		ui_status(ui, false, "%s", prev[0] ? prev : _("Filter cleared"));
		return f ? f : UI_R_REDRAW;
	}
	if (ui->filter_text[0]) {
		ui_status(ui, false, "%s", _("Filter cleared"));
		return ui_set_filter(ui, "", false, NULL, 0, NULL);
	}
	if (ui->zoom) {
		ui->zoom = false;
		ui->relayout = true;
		return UI_R_REDRAW;
	}
	return 0;
}

static unsigned change_interval(struct ui *ui, int dir)
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

static unsigned cycle_focus(struct ui *ui, int dir)
{
	int id = (int)ui->focus;
	for (int k = 0; k < PANEL_COUNT; k++) {
		id = (id + dir + PANEL_COUNT) % PANEL_COUNT;
		if (ui->panels[id].shown)
			break;
	}
	ui_focus(ui, (enum panel_id)id);
	return UI_R_REDRAW;
}

static unsigned toggle_panel(struct ui *ui, enum panel_id id)
{
	struct panel *p = &ui->panels[id];
	if (p->shown && !p->placed) {
		/* wanted but out of sight (no room at 80x24): bring it into
		 * view; the layout always places the focused panel */
		ui->zoom = false;
		ui_focus(ui, id);
		ui->relayout = true;
		return UI_R_REDRAW;
	}
	if (p->shown) {
		int shown = 0;
		for (int i = 0; i < PANEL_COUNT; i++)
			shown += ui->panels[i].shown;
		if (shown == 1) {
			ui_status(ui, true, "%s", _("At least one panel stays shown"));
			return UI_R_REDRAW;
		}
		p->shown = false;
		if (ui->focus == id)
			cycle_focus(ui, 1);
	} else {
		p->shown = true;
		ui->focus = id;
		ui->zoom = false;
	}
	ui->relayout = true;
	sync_wants(ui);
	return UI_R_REDRAW;
}

/* The remotes panel's grouping or order changed: a new aggregation. */
static unsigned remotes_changed(struct ui *ui, const char *msg)
{
	sync_wants(ui);
	ui->panels[PANEL_REMOTES].sel.has_key = false;
	ui->panels[PANEL_REMOTES].dirty = true;
	ui_status(ui, false, "%s", msg);
	return UI_R_REGROUP | UI_R_REDRAW;
}

static unsigned set_mark(struct ui *ui, bool on)
{
	if (!on && !ui->mark) {
		ui_status(ui, false, "%s", _("No mark is set (m sets one)"));
		return UI_R_REDRAW;
	}
	ui->mark = on;
	ui->mark_gen++;
	sync_wants(ui);
	ui->panels[PANEL_CONNS].dirty = true;
	ui_status(ui, false, "%s",
		  on ? _("Mark set: connections opened or closed from now on stay marked (M clears)")
		     : _("Mark cleared"));
	return UI_R_REFILTER | UI_R_REDRAW;
}

static unsigned set_sort(struct ui *ui, enum sw_col_id col)
{
	sortstate_set(&ui->sort, col, sortstate_desc_first(col));
	sync_wants(ui);
	ui->panels[PANEL_CONNS].dirty = true;
	ui_status(ui, false, _("Sorted by %s %s (I: invert)"), _(column_get(col)->header),
		  crt_arrow(ui->sort.k[0].desc));
	return UI_R_RESORT | UI_R_REDRAW;
}

unsigned ui_do_action(struct ui *ui, enum sw_action a)
{
	struct panel *fp = &ui->panels[ui->focus];
	switch (a) {
	case SW_ACT_NONE:
		return 0;
	case SW_ACT_HELP:
		help_open(ui);
		return UI_R_REDRAW;
	case SW_ACT_QUIT:
		return UI_R_QUIT;
	case SW_ACT_PAUSE:
		ui->wants.paused = !ui->wants.paused;
		ui->hdr_dirty = ui->fkeys_dirty = true;
		ui_status(ui, false, "%s", ui->wants.paused ? _("Paused (Space: resume)") : _("Resumed"));
		return UI_R_TIMER | UI_R_REDRAW;
	case SW_ACT_FASTER:
		return change_interval(ui, -1);
	case SW_ACT_SLOWER:
		return change_interval(ui, 1);
	case SW_ACT_REDRAW:
		clearok(curscr, TRUE);
		ui->relayout = true;
		ui->why = "redraw";
		return UI_R_REDRAW;
	case SW_ACT_RESOLVE:
		ui->resolve = !ui->resolve;
		if (ui->resolve && !ui->res)
			ui->res = resolver_new();
		ui_mark_all_dirty(ui);
		ui_status(ui, false, "%s",
			  ui->resolve ? _("Names on (resolved in the background)") : _("Numeric"));
		return UI_R_REDRAW;
	case SW_ACT_FOCUS_NEXT:
		return cycle_focus(ui, 1);
	case SW_ACT_FOCUS_PREV:
		return cycle_focus(ui, -1);
	case SW_ACT_ZOOM:
		ui->zoom = !ui->zoom;
		ui->relayout = true;
		return UI_R_REDRAW;
	case SW_ACT_SHOW_CONNS:
		return toggle_panel(ui, PANEL_CONNS);
	case SW_ACT_SHOW_STATES:
		return toggle_panel(ui, PANEL_STATES);
	case SW_ACT_SHOW_REMOTES:
		return toggle_panel(ui, PANEL_REMOTES);
	case SW_ACT_SHOW_LISTENERS:
		return toggle_panel(ui, PANEL_LISTENERS);
	case SW_ACT_SHOW_ALERTS:
		return toggle_panel(ui, PANEL_ALERTS);
	case SW_ACT_SHOW_ROUTES:
		return toggle_panel(ui, PANEL_ROUTES);
	case SW_ACT_SHOW_IFACES:
		return toggle_panel(ui, PANEL_IFACES);
	case SW_ACT_CHANGES:
		ui->changes = !ui->changes;
		sync_wants(ui);
		ui->panels[PANEL_CONNS].dirty = true;
		ui_status(ui, false, "%s",
			  ui->changes ? _("New connections highlighted, closed ones kept for a while")
				      : _("New and closed connections not shown"));
		return UI_R_REFILTER | UI_R_REDRAW;
	case SW_ACT_MARK:
		return set_mark(ui, true);
	case SW_ACT_CLEAR_MARK:
		return set_mark(ui, false);
	case SW_ACT_GROUP_PROC:
		ui->group_proc = !ui->group_proc;
		sync_wants(ui);
		ui->panels[PANEL_REMOTES].sel.has_key = false;
		ui->panels[PANEL_REMOTES].dirty = true;
		if (!ui->panels[PANEL_REMOTES].shown)
			toggle_panel(ui, PANEL_REMOTES);
		ui_status(ui, false, "%s",
			  ui->group_proc ? _("Totals per process (p: back to remote IPs)")
					 : _("Remote IPs by address"));
		return UI_R_REGROUP | UI_R_REDRAW;
	case SW_ACT_GROUP_NET: {
		static const char *const msg[RGROUP_COUNT] = {
			N_("Remote IPs by address"),
			N_("Remote IPs grouped by /24 (IPv4) and /64 (IPv6)"),
			N_("Connections per destination address:port (client ends, with programs)"),
		};
		ui->rgroup = ui->group_proc ? RGROUP_IP : (ui->rgroup + 1) % RGROUP_COUNT;
		ui->group_proc = false;
		return remotes_changed(ui, _(msg[ui->rgroup]));
	}
	case SW_ACT_REMOTE_SORT: {
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
	case SW_ACT_FOLLOW:
		ui->follow = !ui->follow;
		sync_wants(ui);
		ui->panels[PANEL_STATES].dirty = ui->panels[PANEL_REMOTES].dirty = true;
		ui_status(ui, false, "%s",
			  ui->follow ? _("Summary panels follow the filter")
				     : _("Summary panels show every socket, whatever the filter"));
		return UI_R_REFILTER | UI_R_REDRAW;
	case SW_ACT_UP:
	case SW_ACT_DOWN:
	case SW_ACT_PGUP:
	case SW_ACT_PGDN:
	case SW_ACT_HOME:
	case SW_ACT_END: {
		int f = panel_nav(fp, ui, a);
		return f < 0 ? 0 : (unsigned)f;
	}
	case SW_ACT_LEFT:
	case SW_ACT_RIGHT:
	case SW_ACT_ENTER: {
		int f = fp->ops->key(fp, ui, a);
		return f < 0 ? 0 : (unsigned)f;
	}
	case SW_ACT_BACK:
		return go_back(ui);
	case SW_ACT_SORT_MENU:
		return actions_sort_menu(ui);
	case SW_ACT_SORT_STATE:
		return set_sort(ui, SW_COL_STATE);
	case SW_ACT_SORT_REMOTE:
		return set_sort(ui, SW_COL_REMOTE);
	case SW_ACT_SORT_LPORT:
		return set_sort(ui, SW_COL_LPORT);
	case SW_ACT_SORT_PROCESS:
		return set_sort(ui, SW_COL_PROCESS);
	case SW_ACT_SORT_QUEUE:
		return set_sort(ui, SW_COL_RECVQ);
	case SW_ACT_SORT_RATE:
		return set_sort(ui, SW_COL_RX_RATE);
	case SW_ACT_SORT_INVERT:
		sortstate_invert(&ui->sort);
		sync_wants(ui);
		ui->panels[PANEL_CONNS].dirty = true;
		return UI_R_RESORT | UI_R_REDRAW;
	case SW_ACT_COLUMNS:
		return actions_columns(ui);
	case SW_ACT_FILTER:
		prompt_open(ui, PROMPT_FILTER, ui->filter_text);
		return UI_R_REDRAW;
	case SW_ACT_SEARCH:
		prompt_open(ui, PROMPT_SEARCH, ui->search);
		return UI_R_REDRAW;
	case SW_ACT_SEARCH_NEXT:
		if (!ui->search[0]) {
			prompt_open(ui, PROMPT_SEARCH, "");
			return UI_R_REDRAW;
		}
		if (!panel_search(fp, ui, ui->search, fp->sel.cur + 1))
			ui_status(ui, true, _("Not found: %s"), ui->search);
		return UI_R_REDRAW;
	case SW_ACT_KILL:
		return actions_kill(ui);
	case SW_ACT_CLOSE:
		return actions_close(ui);
	case SW_ACT_COUNT:
		break;
	}
	return 0;
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
			return ui_do_action(ui, fkeys_action_at(ui, ev.x));
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
	int f = p->ops->click(p, ui, ev.y - p->y, ev.x - p->x);
	unsigned fl = UI_R_REDRAW | (f > 0 ? (unsigned)f : 0);
	if ((ev.bstate & BUTTON1_DOUBLE_CLICKED) && ev.y - p->y >= p->head) {
		int g = p->ops->key(p, ui, SW_ACT_ENTER);
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
			flags |= ui_do_action(ui, keymap_lookup(&ui->km, key));
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
				if (i != PANEL_STATES)
					ui->panels[i].dirty = true;
			flags |= UI_R_REDRAW;
		}
	}
	sync_wants(ui); /* columns, sort, filter: what the loop asks the kernel */
	return flags;
}

void ui_draw(struct ui *ui)
{
	if (ui->msg[0] && sw_mono_ns() >= ui->msg_until_ns) {
		ui->msg[0] = '\0';
		ui->status_dirty = true;
	}
	screen_draw(ui);
}

int ui_timeout_ms(const struct ui *ui)
{
	if (!ui->msg[0])
		return -1;
	uint64_t now = sw_mono_ns();
	if (now >= ui->msg_until_ns)
		return 0;
	return (int)((ui->msg_until_ns - now) / 1000000ULL) + 1;
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
