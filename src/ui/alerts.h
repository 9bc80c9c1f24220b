/* SPDX-License-Identifier: GPL-2.0-or-later */
/* alerts.h - the Alerts panel's lines and the alerts line under the header. */
#ifndef SW_ALERTS_H
#define SW_ALERTS_H

#include <curses.h>

struct ui;

/* Rebuild the Alerts panel's lines if the data or the width changed. */
void alerts_build(struct ui *ui);
/* The alerts line under the header. */
void alerts_line_draw(struct ui *ui, WINDOW *w, int y);

#endif
