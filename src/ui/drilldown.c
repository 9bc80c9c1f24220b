/* SPDX-License-Identifier: GPL-2.0-or-later */
/* drilldown.c - the filter as the keys and panels change it: a new
 * expression (/), a drill-down from a selected row (Enter) pushing the
 * old one, and Esc/Backspace going back step by step. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "drilldown.h"
#include "focus.h"
#include "uistate.h"

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
	ui_sync_wants(ui);
	ui->hdr_dirty = true;
	ui->panels[PANEL_CONNS].dirty = true;
	if (ui->rows && ui->rows < 16)
		ui->relayout = true; /* the small header shows the filter */
	return UI_R_REFILTER | UI_R_REDRAW;
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

unsigned ui_back(struct ui *ui)
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
