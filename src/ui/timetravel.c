/* SPDX-License-Identifier: GPL-2.0-or-later */
/* timetravel.c - see timetravel.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/histfile.h"
#include "core/i18n.h"
#include "prompt.h"
#include "timetravel.h"
#include "uistate.h"

static bool replaying(struct ui *ui)
{
	if (ui->cfg.replay)
		return true;
	ui_status(ui, true, "%s", _("Only when replaying a recording (sockwatch --replay DIR)"));
	return false;
}

static unsigned ask(struct ui *ui, enum ui_seek kind, int64_t arg)
{
	ui->wants.seek_kind = kind;
	ui->wants.seek_arg = arg;
	ui->wants.seek_gen++;
	ui->hdr_dirty = true;
	return UI_R_RECOLLECT | UI_R_REDRAW;
}

unsigned timetravel_step(struct ui *ui, int arg)
{
	if (!replaying(ui))
		return UI_R_REDRAW;
	if (arg == 1 || arg == -1)
		return ask(ui, UI_SEEK_SAMPLES, arg);
	return ask(ui, UI_SEEK_SECONDS, arg);
}

unsigned timetravel_goto(struct ui *ui, int arg)
{
	(void)arg;
	if (!replaying(ui))
		return UI_R_REDRAW;
	prompt_open(ui, PROMPT_TIME, "");
	return UI_R_REDRAW;
}

bool ui_seek_text(struct ui *ui, const char *text)
{
	int64_t cur = ui->have_data && ui->data.snap ? ui->data.snap->real_sec : (int64_t)time(NULL);
	while (*text == ' ')
		text++;
	int64_t t;
	if (text[0] == '+' || text[0] == '-') {
		/* relative to the sample shown */
		char neg[64];
		snprintf(neg, sizeof neg, "-%s", text + 1);
		if (hf_parse_time(neg, cur, &t) < 0)
			return false;
		if (text[0] == '+')
			t = cur + (cur - t);
	} else {
		/* a clock time means the day shown: its last second is "now" */
		time_t c = (time_t)cur;
		struct tm tm;
		localtime_r(&c, &tm);
		tm.tm_hour = 23, tm.tm_min = 59, tm.tm_sec = 59;
		tm.tm_isdst = -1;
		if (hf_parse_time(text, (int64_t)mktime(&tm), &t) < 0)
			return false;
	}
	ask(ui, UI_SEEK_TIME, t);
	return true;
}
