/* SPDX-License-Identifier: GPL-2.0-or-later */
/* help.h - the help screen, generated from the key table. */
#ifndef SW_HELP_H
#define SW_HELP_H

struct ui;

void help_open(struct ui *ui);

#endif
