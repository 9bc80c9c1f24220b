/* SPDX-License-Identifier: GPL-2.0-or-later */
/* header.h - the summary lines at the top. */
#ifndef SW_HEADER_H
#define SW_HEADER_H

struct ui;

int header_height(const struct ui *ui, int rows);
void header_draw(struct ui *ui);

#endif
