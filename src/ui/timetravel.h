/* SPDX-License-Identifier: GPL-2.0-or-later */
/* timetravel.h - the replay keys: one sample, a minute or an hour back or
 * forward, or a typed time.  They only ask (ui_wants.seek_*); the loop
 * moves the recording and brings the sample. */
#ifndef SW_TIMETRAVEL_H
#define SW_TIMETRAVEL_H

#include <stdbool.h>

struct ui;

/* arg: samples (+-1), or seconds (+-60, +-3600) when |arg| > 1. */
unsigned timetravel_step(struct ui *ui, int arg);
/* Open the "Go to time" prompt. */
unsigned timetravel_goto(struct ui *ui, int arg);
/* The prompt's text as a move: false when it is not a time. */
bool ui_seek_text(struct ui *ui, const char *text);

#endif
