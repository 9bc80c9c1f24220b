/* SPDX-License-Identifier: GPL-2.0-or-later */
/* focus.h - which panel has the focus, which are shown, what to redraw. */
#ifndef SW_FOCUS_H
#define SW_FOCUS_H

#include "panel.h"

struct ui;

/* Give the focus to panel id (a relayout when it was out of sight). */
void ui_focus(struct ui *ui, enum panel_id id);
/* The next (dir 1) or previous (-1) shown panel in table order: flags. */
unsigned focus_cycle(struct ui *ui, int dir);
/* Show or hide a panel (bring it into view when shown but not placed). */
unsigned focus_toggle(struct ui *ui, enum panel_id id);
/* Show or hide a panel, whether placed or not (never the last one shown). */
unsigned focus_flip(struct ui *ui, enum panel_id id);
/* Everything redraws (and the background is cleared). */
void ui_mark_all_dirty(struct ui *ui);

#endif
