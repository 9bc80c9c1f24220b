/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prompt.h - the line editor for the filter and search prompts. */
#ifndef SW_PROMPT_H
#define SW_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include <curses.h>

struct ui;

enum prompt_kind { PROMPT_NONE, PROMPT_FILTER, PROMPT_SEARCH, PROMPT_TIME };

#define PROMPT_MAX 512
struct prompt {
	enum prompt_kind kind;
	wchar_t buf[PROMPT_MAX];
	size_t len, cur;
	size_t scroll;          /* first char shown */
	char before[1024];      /* filter text to restore on Esc */
	int errpos;             /* char index of a filter error, -1 none */
	char errmsg[160];
};

void prompt_open(struct ui *ui, enum prompt_kind kind, const char *initial);
/* Keys while a prompt is open: flags. */
unsigned prompt_key(struct ui *ui, int key, bool text);
void prompt_draw(struct ui *ui, WINDOW *w);

#endif
