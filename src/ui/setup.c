/* SPDX-License-Identifier: GPL-2.0-or-later */
/* setup.c - the setup screen: one list of settings, each changed in place
 * (Space/Enter toggles or opens its picker, +/- steps a number, digits
 * type one), applied at once, and written to the settings file with w
 * (or the last row).  What is written is every setting the screen shows,
 * as "monitor.*" and "threshold.*" keys (see sockwatch(1), FILES). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/rcfile.h"
#include "core/safefile.h"
#include "core/util.h"
#include "actions.h"
#include "commands.h"
#include "dialog.h"
#include "focus.h"
#include "setup.h"
#include "uistate.h"

enum row_kind { ROW_COLUMNS, ROW_SORT, ROW_PANEL, ROW_INTERVAL, ROW_COLOR, ROW_FOLLOW,
		ROW_THRESHOLD, ROW_SAVE };

struct row {
	enum row_kind kind;
	size_t idx; /* the panel or threshold */
};

struct setup {
	struct row rows[PANEL_COUNT + 64];
	size_t n;
	bool editing;  /* typing a number into the selected row */
	char edit[24];
};

#define LABEL_COLS 33

/* The panel's name in monitor.panels: its show action without "show-". */
static const char *panel_word(enum panel_id id)
{
	return keymap_action_name(panel_defs[id].show) + 5;
}

void setup_apply_panels(struct ui *ui, const char *list)
{
	bool any = false;
	for (int i = 0; i < PANEL_COUNT; i++) {
		const char *w = panel_word((enum panel_id)i);
		size_t n = strlen(w);
		bool on = false;
		for (const char *p = list; *p;) {
			size_t k = strcspn(p, ",");
			on |= k == n && strncmp(p, w, n) == 0;
			p += k + (p[k] == ',');
		}
		ui->panels[i].shown = on;
		any |= on;
	}
	if (!any)
		ui->panels[PANEL_CONNS].shown = true;
	if (!ui->panels[ui->focus].shown)
		for (int i = 0; i < PANEL_COUNT; i++)
			if (ui->panels[i].shown) {
				ui->focus = (enum panel_id)i;
				break;
			}
}

static void sort_str(const struct ui *ui, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ui->sort.n && used < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%s%s", i ? "," : "",
				 ui->sort.k[i].desc ? "-" : "",
				 column_get((enum sw_col_id)ui->sort.k[i].col)->name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static void panels_str(const struct ui *ui, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < PANEL_COUNT && used < len; i++) {
		if (!ui->panels[i].shown)
			continue;
		int w = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
				 panel_word((enum panel_id)i));
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* The value shown for a row (and saved for it). */
static void row_value(struct ui *ui, const struct row *r, char *buf, size_t len)
{
	const char *on = _("on"), *off = _("off");
	switch (r->kind) {
	case ROW_COLUMNS: colset_str(&ui->colset, buf, len); break;
	case ROW_SORT: sort_str(ui, buf, len); break;
	case ROW_PANEL: snprintf(buf, len, "%s", ui->panels[r->idx].shown ? on : off); break;
	case ROW_INTERVAL: snprintf(buf, len, _("%g s"), ui->wants.interval); break;
	case ROW_COLOR: snprintf(buf, len, "%s", ui->cfg.no_color ? off : on); break;
	case ROW_FOLLOW: snprintf(buf, len, "%s", ui->follow ? on : off); break;
	case ROW_THRESHOLD: snprintf(buf, len, "%g", diag_threshold_get(&ui->thr, r->idx)); break;
	case ROW_SAVE: sw_strlcpy(buf, ui->cfg.config_path ? ui->cfg.config_path : "-", len); break;
	}
}

static void row_label(const struct row *r, char *buf, size_t len)
{
	switch (r->kind) {
	case ROW_COLUMNS: sw_strlcpy(buf, _("Columns (c)"), len); break;
	case ROW_SORT: sw_strlcpy(buf, _("Sort by (F6)"), len); break;
	case ROW_PANEL:
		snprintf(buf, len, _("Panel: %s"), _(panel_defs[r->idx].ops->name));
		break;
	case ROW_INTERVAL: sw_strlcpy(buf, _("Refresh interval"), len); break;
	case ROW_COLOR: sw_strlcpy(buf, _("Colours"), len); break;
	case ROW_FOLLOW: sw_strlcpy(buf, _("Summary panels follow the filter"), len); break;
	case ROW_THRESHOLD:
		snprintf(buf, len, _("Threshold %s"), diag_threshold_name(r->idx));
		break;
	case ROW_SAVE: sw_strlcpy(buf, _("Save to"), len); break;
	}
}

static void fill(struct ui *ui, struct dialog *d)
{
	struct setup *s = d->ctx;
	for (size_t i = 0; i < d->n; i++)
		free(d->lines[i]);
	d->n = 0;
	for (size_t i = 0; i < s->n; i++) {
		char label[128], value[600];
		row_label(&s->rows[i], label, sizeof label);
		if (s->editing && i == d->sel.cur)
			snprintf(value, sizeof value, "%s_", s->edit);
		else
			row_value(ui, &s->rows[i], value, sizeof value);
		/* padded by display width: translated labels may be double-width */
		int pad = LABEL_COLS - crt_width(label);
		dialog_add(d, "%s%*s %s", label, pad > 0 ? pad : 0, "", value);
	}
}

static void add_row(struct setup *s, enum row_kind k, size_t idx)
{
	if (s->n < sizeof s->rows / sizeof s->rows[0])
		s->rows[s->n++] = (struct row){k, idx};
}

static unsigned set_color(struct ui *ui, bool on)
{
	ui->cfg.no_color = !on;
	crt_set_color(on);
	clearok(curscr, TRUE);
	ui->relayout = true;
	ui_mark_all_dirty(ui);
	return UI_R_REDRAW;
}

/* A threshold or the interval from text: flags, or 0 with a message. */
static unsigned set_number(struct ui *ui, const struct row *r, const char *text)
{
	if (r->kind == ROW_INTERVAL) {
		double v;
		if (!sw_parse_seconds(text, &v) || v < 0.05 || v > 3600) {
			ui_status(ui, true, _("Not an interval: '%s' (seconds, 0.05 to 3600)"), text);
			return UI_R_REDRAW;
		}
		ui->wants.interval = v;
		ui->hdr_dirty = true;
		return UI_R_TIMER | UI_R_REDRAW;
	}
	char err[256];
	if (diag_threshold_set(&ui->thr, diag_threshold_name(r->idx), text, err, sizeof err)) {
		ui_status(ui, true, "%s", err);
		return UI_R_REDRAW;
	}
	ui->wants.thr_gen++;
	return UI_R_RECOLLECT | UI_R_REDRAW;
}

/* +/-: the interval by the faster/slower steps, a threshold by about a
 * tenth of its size (at least 1). */
static unsigned step(struct ui *ui, const struct row *r, int dir)
{
	if (r->kind == ROW_INTERVAL)
		return commands_run(ui, dir < 0 ? SW_ACT_FASTER : SW_ACT_SLOWER);
	if (r->kind != ROW_THRESHOLD)
		return UI_R_REDRAW;
	double v = diag_threshold_get(&ui->thr, r->idx);
	double st = v >= 10 ? 5 : 1;
	if (v >= 100)
		for (st = 1; st * 100 <= v; st *= 10)
			;
	double nv = v + dir * st;
	if (nv < 0)
		nv = 0;
	char text[32];
	snprintf(text, sizeof text, "%g", nv);
	return set_number(ui, r, text);
}

static unsigned save(struct ui *ui)
{
	if (!ui->cfg.config_path) {
		ui_status(ui, true, "%s", _("Nowhere to save: neither HOME nor XDG_CONFIG_HOME is "
					    "set (use --config FILE)"));
		return UI_R_REDRAW;
	}
	enum { MON = 6 };
	char vals[MON][600];
	char thr[64][32];
	char keys[64][64];
	struct rcfile_kv kv[1 + MON + 64];
	size_t n = 0;
	kv[n++] = (struct rcfile_kv){"version", "1"};
	colset_str(&ui->colset, vals[0], sizeof vals[0]);
	sort_str(ui, vals[1], sizeof vals[1]);
	panels_str(ui, vals[2], sizeof vals[2]);
	snprintf(vals[3], sizeof vals[3], "%g", ui->wants.interval);
	snprintf(vals[4], sizeof vals[4], "%d", !ui->cfg.no_color);
	snprintf(vals[5], sizeof vals[5], "%d", ui->follow);
	static const char *const mkeys[MON] = {
		"monitor.columns", "monitor.sort", "monitor.panels", "monitor.interval",
		"monitor.color", "monitor.panels_follow_filter"};
	for (int i = 0; i < MON; i++)
		kv[n++] = (struct rcfile_kv){mkeys[i], vals[i]};
	for (size_t i = 0; i < diag_threshold_count() && i < 64; i++) {
		snprintf(keys[i], sizeof keys[i], "threshold.%s", diag_threshold_name(i));
		snprintf(thr[i], sizeof thr[i], "%g", diag_threshold_get(&ui->thr, i));
		kv[n++] = (struct rcfile_kv){keys[i], thr[i]};
	}
	int rc = rcfile_update(ui->cfg.config_path, kv, n);
	if (rc)
		/* the reason first: a long path is cut at the screen's edge */
		ui_status(ui, true, _("Settings not saved: %s (%s)"), sw_file_strerror(-rc),
			  ui->cfg.config_path);
	else
		ui_status(ui, false, _("Settings saved to %s"), ui->cfg.config_path);
	return UI_R_REDRAW;
}

/* The column picker and the sort menu, opened from here, come back here
 * when they close (as htop's setup does): their done callback is wrapped. */
struct back {
	dialog_done_fn done; /* the picker's own */
	size_t row;          /* the setup row to select again */
};

static unsigned back_to_setup(struct ui *ui, struct dialog *d, int choice)
{
	struct back *b = d->ctx;
	unsigned f = b->done ? b->done(ui, d, choice) : 0;
	f |= setup_open(ui, (int)b->row);
	return f;
}

static unsigned open_picker(struct ui *ui, unsigned (*open)(struct ui *ui), size_t row)
{
	unsigned f = open(ui); /* replaces the setup dialog */
	struct dialog *p = ui->dlg;
	if (p && !p->ctx) {
		struct back *b = xmalloc(sizeof *b);
		*b = (struct back){p->done, row};
		p->ctx = b;
		p->ctx_free = free;
		p->done = back_to_setup;
	}
	return f;
}

/* Space or Enter on a row (the row-th). */
static unsigned activate(struct ui *ui, const struct row *r, size_t row)
{
	switch (r->kind) {
	case ROW_COLUMNS: return open_picker(ui, actions_columns, row);
	case ROW_SORT: return open_picker(ui, actions_sort_menu, row);
	case ROW_PANEL: return focus_flip(ui, (enum panel_id)r->idx);
	case ROW_COLOR: return set_color(ui, ui->cfg.no_color);
	case ROW_FOLLOW: return commands_run(ui, SW_ACT_FOLLOW);
	case ROW_SAVE: return save(ui);
	case ROW_INTERVAL:
	case ROW_THRESHOLD: return step(ui, r, 1);
	}
	return UI_R_REDRAW;
}

/* Typing a number: digits and '.', Backspace, Enter to set, Esc to drop. */
static int edit_key(struct ui *ui, struct dialog *d, struct setup *s, int key)
{
	const struct row *r = &s->rows[d->sel.cur];
	size_t n = strlen(s->edit);
	unsigned f = UI_R_REDRAW;
	if ((key >= '0' && key <= '9') || key == '.') {
		if (n + 1 < sizeof s->edit) {
			s->edit[n] = (char)key;
			s->edit[n + 1] = '\0';
		}
	} else if (key == SW_KEY_BACKSPACE) {
		if (n)
			s->edit[n - 1] = '\0';
	} else if (key == SW_KEY_ENTER) {
		s->editing = false;
		f = set_number(ui, r, s->edit);
	} else if (key == SW_KEY_ESC) {
		s->editing = false;
	} else {
		return (int)UI_R_REDRAW; /* other keys wait until the number is done */
	}
	fill(ui, d);
	return (int)f;
}

static int setup_key(struct ui *ui, struct dialog *d, int key)
{
	struct setup *s = d->ctx;
	if (d->sel.cur >= s->n)
		return -1;
	if (s->editing)
		return edit_key(ui, d, s, key);
	const struct row *r = &s->rows[d->sel.cur];
	bool numeric = r->kind == ROW_INTERVAL || r->kind == ROW_THRESHOLD;
	if (numeric && ((key >= '0' && key <= '9') || key == '.')) {
		s->editing = true;
		s->edit[0] = '\0';
		return edit_key(ui, d, s, key);
	}
	unsigned f;
	if (key == ' ' || key == SW_KEY_ENTER) {
		enum row_kind k = r->kind;
		f = activate(ui, r, d->sel.cur);
		if (k == ROW_COLUMNS || k == ROW_SORT)
			return (int)f; /* d was replaced by the picker */
	} else if (key == '+' || key == '=' || key == SW_KEY_RIGHT) {
		f = step(ui, r, 1);
	} else if (key == '-' || key == SW_KEY_LEFT) {
		f = step(ui, r, -1);
	} else if (key == 'w' || key == 'W') {
		f = save(ui);
	} else {
		return -1;
	}
	fill(ui, d);
	return (int)f;
}

unsigned setup_open(struct ui *ui, int row)
{
	struct setup *s = xcalloc(1, sizeof *s);
	add_row(s, ROW_COLUMNS, 0);
	add_row(s, ROW_SORT, 0);
	for (size_t i = 0; i < PANEL_COUNT; i++)
		add_row(s, ROW_PANEL, i);
	add_row(s, ROW_INTERVAL, 0);
	add_row(s, ROW_COLOR, 0);
	add_row(s, ROW_FOLLOW, 0);
	for (size_t i = 0; i < diag_threshold_count(); i++)
		add_row(s, ROW_THRESHOLD, i);
	add_row(s, ROW_SAVE, 0);
	struct dialog *d = dialog_new(DLG_MENU, _("Setup"), NULL);
	d->hint = N_("Space/Enter: change  +/-: step  0-9: type  w: save  Esc: close");
	d->key = setup_key;
	d->keep_status = true;
	d->ctx = s;
	d->ctx_free = free;
	fill(ui, d);
	if (row > 0 && (size_t)row < s->n)
		d->sel.cur = (size_t)row;
	dialog_open(ui, d);
	return UI_R_REDRAW;
}
