/* SPDX-License-Identifier: GPL-2.0-or-later */
/* statusbar.h - the status line and the function-key bar (ui_status,
 * the message service, is in ui.h). */
#ifndef SW_STATUSBAR_H
#define SW_STATUSBAR_H

#include "core/keymap.h"

struct ui;

void statusbar_draw(struct ui *ui);
/* Milliseconds until the message expires, -1 if none. */
int statusbar_timeout_ms(const struct ui *ui);
/* Drop an expired message. */
void statusbar_expire(struct ui *ui);
void fkeys_draw(struct ui *ui);
/* The action of the function key under column x, or SW_ACT_NONE. */
enum sw_action fkeys_action_at(struct ui *ui, int x);

#endif
