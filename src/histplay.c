/* SPDX-License-Identifier: GPL-2.0-or-later */
/* histplay.c - see histplay.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "collect/histdir.h"
#include "core/i18n.h"
#include "core/util.h"
#include "histplay.h"

bool histplay_active(struct sw_collector *col)
{
	return collector_history(col) != NULL;
}

static void say_time(char *msg, size_t len, bool start, int64_t t)
{
	char when[32] = "?";
	sw_fmt_clock(t, false, when, sizeof when);
	if (start)
		snprintf(msg, len, _("The recording starts at %s"), when);
	else
		snprintf(msg, len, _("The recording ends at %s"), when);
}

int histplay_move(struct sw_collector *col, enum ui_seek kind, int64_t arg, char *msg,
		  size_t len)
{
	struct histr *h = collector_history(col);
	msg[0] = '\0';
	if (!h || !histr_current(h))
		return -ENODATA;
	int64_t cur = histr_current(h)->real_sec;
	int r;
	if (kind == UI_SEEK_SAMPLES) {
		r = arg < 0 ? histr_prev(h) : histr_next(h);
		if (r < 0)
			snprintf(msg, len, "%s", arg < 0 ? _("The start of the recording")
							 : _("The end of the recording"));
	} else {
		int64_t t = kind == UI_SEEK_TIME ? arg : cur + arg;
		int64_t first, last;
		r = histr_seek(h, t);
		histr_span(h, &first, &last);
		if (r == 0 && t < first)
			say_time(msg, len, true, first);
		else if (r == 0 && t > last)
			say_time(msg, len, false, last);
	}
	collector_history_moved(col);
	return r < 0 ? -ENODATA : 0;
}

bool histplay_back(struct sw_collector *col)
{
	struct histr *h = collector_history(col);
	if (!h || histr_prev(h) < 0)
		return false;
	collector_history_moved(col);
	return true;
}

void histplay_forward(struct sw_collector *col)
{
	struct histr *h = collector_history(col);
	if (h && histr_next(h) == 0)
		collector_history_moved(col);
}

void histplay_hold(struct sw_collector *col)
{
	if (collector_history(col))
		collector_history_moved(col);
}

const char *histplay_warning(struct sw_collector *col)
{
	struct histr *h = collector_history(col);
	return h ? histr_warning(h) : NULL;
}
