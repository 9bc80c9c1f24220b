/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dialog.c - modal boxes over the panels: menus (pick one), check lists
 * (column picker), confirmations (y/n) and scrollable text (help,
 * details).  One dialog at a time; a choice may open the next one. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "dialog.h"
#include "focus.h"
#include "uistate.h"

struct dialog *dialog_new(enum dlg_kind kind, const char *title, dialog_done_fn done)
{
	struct dialog *d = xcalloc(1, sizeof *d);
	d->kind = kind;
	d->done = done;
	sw_strlcpy(d->title, title, sizeof d->title);
	switch (kind) {
	case DLG_MENU: d->hint = N_("Enter: choose   Esc: cancel"); break;
	case DLG_CHECKLIST: d->hint = N_("Space: show/hide   Enter/Esc: done"); break;
	case DLG_CONFIRM: d->hint = N_("y: yes   n/Esc: no"); break;
	case DLG_TEXT: d->hint = N_("Up/Down/PgUp/PgDn: scroll   Esc/q: close"); break;
	}
	return d;
}

static void add_line(struct dialog *d, const char *s)
{
	d->lines = xgrow(d->lines, &d->cap, d->n + 1, sizeof *d->lines);
	d->lines[d->n++] = xstrdup(s);
	if (d->kind == DLG_CHECKLIST) {
		d->check = xrealloc(d->check, d->cap * sizeof *d->check);
		d->check[d->n - 1] = false;
	}
}

void dialog_add(struct dialog *d, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	add_line(d, buf);
}

void dialog_add_wrapped(struct dialog *d, const char *prefix, const char *text, int width)
{
	size_t pl = strlen(prefix);
	if (width < 20)
		width = 20;
	size_t chunk = (size_t)width > pl + 8 ? (size_t)width - pl : 8;
	size_t n = strlen(text);
	if (n == 0) {
		add_line(d, prefix);
		return;
	}
	for (size_t off = 0; off < n;) {
		size_t take = n - off < chunk ? n - off : chunk;
		/* Break at a space when there is one in the second half. */
		if (off + take < n) {
			for (size_t k = take; k > chunk / 2; k--) {
				if (text[off + k] == ' ') {
					take = k;
					break;
				}
			}
		}
		/* Do not cut a UTF-8 sequence. */
		while (take < n - off && take > 1 && ((unsigned char)text[off + take] & 0xc0) == 0x80)
			take--;
		char buf[2048];
		snprintf(buf, sizeof buf, "%s%.*s", off ? "" : prefix, (int)take, text + off);
		if (off) {
			char b2[4096];
			snprintf(b2, sizeof b2, "%*s%s", (int)pl, "", buf);
			add_line(d, b2);
		} else {
			add_line(d, buf);
		}
		off += take;
		while (off < n && text[off] == ' ')
			off++;
	}
}

void dialog_free(struct dialog *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->lines[i]);
	free(d->lines);
	free(d->check);
	if (d->ctx_free)
		d->ctx_free(d->ctx);
	if (d->win)
		delwin(d->win);
	free(d);
}

void dialog_open(struct ui *ui, struct dialog *d)
{
	if (ui->dlg)
		dialog_free(ui->dlg);
	ui->dlg = d;
	ui->dlg_dirty = true;
	listsel_scroll(&d->sel, d->n, 1);
}

static size_t body_h(const struct dialog *d)
{
	return d->h > 4 ? (size_t)(d->h - 4) : 1;
}

static unsigned finish(struct ui *ui, int choice)
{
	struct dialog *d = ui->dlg;
	ui->dlg = NULL;
	unsigned f = d->done ? d->done(ui, d, choice) : 0;
	dialog_free(d);
	ui_mark_all_dirty(ui);
	return f | UI_R_REDRAW;
}

unsigned dialog_key(struct ui *ui, int key)
{
	struct dialog *d = ui->dlg;
	ui->dlg_dirty = true;
	if (d->key) {
		int f = d->key(ui, d, key);
		if (f >= 0)
			return (unsigned)f | UI_R_REDRAW;
	}
	size_t h = body_h(d);
	bool list = d->kind == DLG_MENU || d->kind == DLG_CHECKLIST;
	switch (key) {
	case SW_KEY_UP:
		if (list)
			listsel_move(&d->sel, d->n, -1, h);
		else if (d->sel.top)
			d->sel.top--;
		return UI_R_REDRAW;
	case SW_KEY_DOWN:
		if (list)
			listsel_move(&d->sel, d->n, 1, h);
		else if (d->sel.top + h < d->n)
			d->sel.top++;
		return UI_R_REDRAW;
	case SW_KEY_PGUP:
		if (list)
			listsel_move(&d->sel, d->n, -(long)h, h);
		else
			d->sel.top = d->sel.top > h ? d->sel.top - h : 0;
		return UI_R_REDRAW;
	case SW_KEY_PGDN:
	case ' ':
		if (key == ' ' && d->kind == DLG_CHECKLIST) {
			if (d->sel.cur < d->n)
				d->check[d->sel.cur] = !d->check[d->sel.cur];
			return UI_R_REDRAW;
		}
		if (list)
			listsel_move(&d->sel, d->n, (long)h, h);
		else if (d->n > h)
			d->sel.top = d->sel.top + h < d->n - h ? d->sel.top + h : d->n - h;
		return UI_R_REDRAW;
	case SW_KEY_HOME:
		if (list)
			listsel_move(&d->sel, d->n, -(long)d->n, h);
		else
			d->sel.top = 0;
		return UI_R_REDRAW;
	case SW_KEY_END:
		if (list)
			listsel_move(&d->sel, d->n, (long)d->n, h);
		else
			d->sel.top = d->n > h ? d->n - h : 0;
		return UI_R_REDRAW;
	case SW_KEY_ENTER:
		if (d->kind == DLG_CONFIRM) {
			beep();
			return 0;
		}
		if (d->kind == DLG_TEXT)
			return finish(ui, -1);
		return finish(ui, d->n ? (int)d->sel.cur : -1);
	case 'y':
	case 'Y':
		if (d->kind == DLG_CONFIRM)
			return finish(ui, 1);
		return 0;
	case 'n':
	case 'N':
		if (d->kind == DLG_CONFIRM)
			return finish(ui, -1);
		return 0;
	case SW_KEY_ESC:
	case 'q':
	case SW_KEY_BACKSPACE:
	case SW_KEY_F(10):
		return finish(ui, d->kind == DLG_CHECKLIST ? (int)d->sel.cur : -1);
	case 'h':
	case '?':
	case SW_KEY_F(1):
		if (d->kind == DLG_TEXT)
			return finish(ui, -1);
		return 0;
	default:
		return 0;
	}
}

static int widest(const struct dialog *d)
{
	int w = crt_width(d->title) + 6;
	int hw = crt_width(_(d->hint)) + 4;
	if (hw > w)
		w = hw;
	for (size_t i = 0; i < d->n; i++) {
		int lw = crt_width(d->lines[i]) + 4 + (d->kind == DLG_CHECKLIST ? 4 : 0);
		if (lw > w)
			w = lw;
	}
	return w;
}

void dialog_draw(struct ui *ui)
{
	struct dialog *d = ui->dlg;
	int H, W;
	if (d->full) {
		H = ui->rows;
		W = ui->cols;
	} else {
		W = widest(d);
		if (W > ui->cols - 2)
			W = ui->cols - 2;
		H = (int)d->n + 4;
		if (H > ui->rows - (d->keep_status ? 3 : 2))
			H = ui->rows - (d->keep_status ? 3 : 2);
	}
	if (W < 10)
		W = ui->cols;
	if (H < 5)
		H = ui->rows;
	if (!d->win || d->h != H || d->w != W) {
		if (d->win)
			delwin(d->win);
		int y = d->keep_status ? (ui->rows - 2 - H) / 2 : (ui->rows - H) / 2;
		d->win = newwin(H, W, y > 0 ? y : 0, (ui->cols - W) / 2);
		if (!d->win)
			return;
		d->h = H;
		d->w = W;
		leaveok(d->win, TRUE);
	}
	WINDOW *w = d->win;
	attr_t base = crt_attr(CRT_DIALOG);
	wbkgdset(w, ' ' | base);
	werase(w);
	wattrset(w, base);
	crt_box(w);
	wmove(w, 0, 2);
	wattrset(w, base | A_BOLD);
	char t[200];
	snprintf(t, sizeof t, " %s ", d->title);
	crt_put(w, t, W - 4);
	size_t h = body_h(d);
	bool list = d->kind == DLG_MENU || d->kind == DLG_CHECKLIST;
	if (list)
		listsel_scroll(&d->sel, d->n, h);
	else if (d->sel.top + h > d->n)
		d->sel.top = d->n > h ? d->n - h : 0;
	for (size_t i = d->sel.top; i < d->n && i < d->sel.top + h; i++) {
		int y = 2 + (int)(i - d->sel.top);
		wmove(w, y, 2);
		attr_t a = list && i == d->sel.cur ? crt_attr(CRT_DIALOG_SEL) : base;
		wattrset(w, a);
		int cw = W - 4;
		if (d->kind == DLG_CHECKLIST) {
			crt_put(w, d->check[i] ? "[x] " : "[ ] ", cw);
			cw -= 4;
		}
		crt_put_pad(w, d->lines[i], cw, false);
	}
	if (d->n > h) {
		char more[64];
		snprintf(more, sizeof more, " %zu-%zu/%zu ", d->sel.top + 1,
			 d->sel.top + h < d->n ? d->sel.top + h : d->n, d->n);
		wattrset(w, base);
		wmove(w, H - 1, W - 2 - crt_width(more) > 1 ? W - 2 - crt_width(more) : 1);
		crt_put(w, more, W - 2);
	}
	wattrset(w, base | A_BOLD);
	wmove(w, H - 2, 2);
	crt_put(w, _(d->hint), W - 4);
	wattrset(w, A_NORMAL);
	touchwin(w);
	wnoutrefresh(w);
}
