/* SPDX-License-Identifier: GPL-2.0-or-later */
/* setup.h - the setup screen (F2, C), as htop's: columns, sort keys,
 * panels, refresh interval, colours, whether the summary panels follow
 * the filter, and the diagnosis thresholds, changed live and saved to the
 * settings file (rcfile_update: atomic, the file's comments and unknown
 * keys kept). */
#ifndef SW_SETUP_H
#define SW_SETUP_H

struct ui;

/* Open the setup screen with row selected (0: the first): flags (the
 * commands table's signature). */
unsigned setup_open(struct ui *ui, int row);
/* Show exactly the panels named in list ("connections,states": the show
 * actions' names without "show-"); the Connections panel when none. */
void setup_apply_panels(struct ui *ui, const char *list);

#endif
