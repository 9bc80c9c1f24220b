/* SPDX-License-Identifier: GPL-2.0-or-later */
/* focus.c - the focus (Tab, Shift-Tab, a click), showing and hiding
 * panels (their keys in the panel table), and what to redraw. */
#include "config.h"

#include "core/i18n.h"
#include "focus.h"
#include "uistate.h"

void ui_mark_all_dirty(struct ui *ui)
{
	ui->hdr_dirty = ui->status_dirty = ui->fkeys_dirty = ui->dlg_dirty = true;
	ui->clear_bg = true;
	for (int i = 0; i < PANEL_COUNT; i++)
		ui->panels[i].dirty = true;
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

unsigned focus_cycle(struct ui *ui, int dir)
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

unsigned focus_toggle(struct ui *ui, enum panel_id id)
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
	return focus_flip(ui, id);
}

unsigned focus_flip(struct ui *ui, enum panel_id id)
{
	struct panel *p = &ui->panels[id];
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
			focus_cycle(ui, 1);
	} else {
		p->shown = true;
		ui->focus = id;
		ui->zoom = false;
	}
	ui->relayout = true;
	ui_sync_wants(ui);
	return UI_R_REDRAW;
}
