/* SPDX-License-Identifier: GPL-2.0-or-later */
/* drilldown.h - the filter as the panels change it: set it, drill down
 * into a selected row, go back. */
#ifndef SW_DRILLDOWN_H
#define SW_DRILLDOWN_H

#include <stdbool.h>
#include <stddef.h>

struct ui;

/* Replace the filter; push the old one on the drill stack when push.
 * Flags, or 0 with a message in err (and the error position). */
unsigned ui_set_filter(struct ui *ui, const char *text, bool push, char *err, size_t errlen,
		       int *errpos);
/* Add cond to the filter and show the connections: flags. */
unsigned ui_drill(struct ui *ui, const char *cond);
/* Esc/Backspace: clear the search, pop the drill stack, clear the
 * filter, unzoom, in that order: flags. */
unsigned ui_back(struct ui *ui);

#endif
