/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screen.h - layout from the panel table, and one draw pass per turn. */
#ifndef SW_SCREEN_H
#define SW_SCREEN_H

struct ui;
struct panel;

void screen_layout(struct ui *ui);
/* Delete every window (panels, header, status and key bars). */
void screen_free_windows(struct ui *ui);
void screen_draw(struct ui *ui);
/* The panel under screen position (y, x), or NULL. */
struct panel *screen_panel_at(struct ui *ui, int y, int x);

#endif
