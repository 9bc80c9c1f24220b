/* SPDX-License-Identifier: GPL-2.0-or-later */
/* actions.h - acting on the selected socket (kill, close) and the sort
 * and column pickers. */
#ifndef SW_ACTIONS_H
#define SW_ACTIONS_H

#include "ui.h"

struct ui;

unsigned actions_kill(struct ui *ui);
unsigned actions_close(struct ui *ui);
unsigned actions_sort_menu(struct ui *ui);
unsigned actions_columns(struct ui *ui);
void actions_result(struct ui *ui, const struct ui_action *a, int rc);

#endif
