/* SPDX-License-Identifier: GPL-2.0-or-later */
/* histplay.h - the monitor's snapshot source when it replays a history
 * (--replay DIR without -b): moves through the recording as the replay
 * keys ask.  The live collector and a raw recording have no history:
 * histplay_active() is false and nothing here applies. */
#ifndef SW_HISTPLAY_H
#define SW_HISTPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/collect.h"
#include "ui/ui.h"

bool histplay_active(struct sw_collector *col);
/* Move as asked: kind and arg as in ui_wants.seek_*.  0: moved (the next
 * collector_sample gives the new position); -ENODATA: not moved (start or
 * end of the recording).  msg says what happened when worth saying. */
int histplay_move(struct sw_collector *col, enum ui_seek kind, int64_t arg, char *msg,
		  size_t len);
/* One sample back (for the rates at a new position: sample, then
 * histplay_forward); false at the start. */
bool histplay_back(struct sw_collector *col);
void histplay_forward(struct sw_collector *col);
/* The next sample is the same one again (a filter or a column wants other
 * data: only the play timer moves on). */
void histplay_hold(struct sw_collector *col);
/* Damage met while reading, for the status line, or NULL. */
const char *histplay_warning(struct sw_collector *col);

#endif
