/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dialog.h - modal dialogs: menus, checklists, confirmations, text. */
#ifndef SW_DIALOG_H
#define SW_DIALOG_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "uimodel.h"

struct ui;

enum dlg_kind { DLG_MENU, DLG_CHECKLIST, DLG_CONFIRM, DLG_TEXT };

struct dialog;
/* Called with the chosen index, or -1 when cancelled; returns flags.  It
 * may open the next dialog. */
typedef unsigned (*dialog_done_fn)(struct ui *ui, struct dialog *d, int choice);

struct dialog {
	enum dlg_kind kind;
	char title[160];
	char **lines;
	bool *check; /* DLG_CHECKLIST */
	size_t n, cap;
	struct listsel sel;
	const char *hint;       /* bottom line */
	bool full;              /* use the whole screen (help) */
	bool keep_status;       /* leave the status line uncovered (setup's messages) */
	dialog_done_fn done;
	/* Extra keys (column picker moves): flags, or -1 if unused. */
	int (*key)(struct ui *ui, struct dialog *d, int key);
	void *ctx;
	void (*ctx_free)(void *ctx);
	WINDOW *win;
	int h, w;
};

struct dialog *dialog_new(enum dlg_kind kind, const char *title, dialog_done_fn done);
void dialog_add(struct dialog *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dialog_open(struct ui *ui, struct dialog *d);
unsigned dialog_key(struct ui *ui, int key);
void dialog_draw(struct ui *ui);
void dialog_free(struct dialog *d);
/* Wrap text into lines of at most width columns (for long command lines). */
void dialog_add_wrapped(struct dialog *d, const char *prefix, const char *text, int width);

#endif
