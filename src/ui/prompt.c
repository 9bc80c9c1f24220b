/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prompt.c - the one-line editor in the status line, for the filter
 * (applied live while it parses; the error position shown when not) and
 * the quick search (jumps to the first match as you type). */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/i18n.h"
#include "core/util.h"
#include "drilldown.h"
#include "focus.h"
#include "prompt.h"
#include "timetravel.h"
#include "uistate.h"

static void to_utf8(const struct prompt *pr, char *buf, size_t len)
{
	wchar_t tmp[PROMPT_MAX + 1];
	wmemcpy(tmp, pr->buf, pr->len);
	tmp[pr->len] = L'\0';
	size_t n = wcstombs(buf, tmp, len - 1);
	if (n == (size_t)-1)
		n = 0;
	buf[n] = '\0';
}

/* Byte offset in the UTF-8 text -> character index. */
static int byte_to_char(const struct prompt *pr, int byte)
{
	int b = 0;
	for (size_t i = 0; i < pr->len; i++) {
		if (b >= byte)
			return (int)i;
		char mb[MB_LEN_MAX];
		mbstate_t ps;
		memset(&ps, 0, sizeof ps);
		size_t n = wcrtomb(mb, pr->buf[i], &ps);
		b += n == (size_t)-1 ? 1 : (int)n;
	}
	return (int)pr->len;
}

static unsigned apply(struct ui *ui)
{
	struct prompt *pr = &ui->prompt;
	char text[PROMPT_MAX * 4];
	to_utf8(pr, text, sizeof text);
	ui->status_dirty = true;
	if (pr->kind == PROMPT_TIME) {
		pr->errmsg[0] = '\0'; /* read on Enter */
		return UI_R_REDRAW;
	}
	if (pr->kind == PROMPT_FILTER) {
		int errpos = -1;
		unsigned f = ui_set_filter(ui, text, false, pr->errmsg, sizeof pr->errmsg, &errpos);
		pr->errpos = errpos >= 0 ? byte_to_char(pr, errpos) : -1;
		if (errpos < 0)
			pr->errmsg[0] = '\0';
		return f | UI_R_REDRAW;
	}
	sw_strlcpy(ui->search, text, sizeof ui->search);
	struct panel *p = &ui->panels[ui->focus];
	if (text[0] && !panel_search(p, ui, text, p->sel.cur))
		snprintf(pr->errmsg, sizeof pr->errmsg, "%s", _("not found"));
	else
		pr->errmsg[0] = '\0';
	for (int i = 0; i < PANEL_COUNT; i++)
		ui->panels[i].dirty = true;
	return UI_R_REDRAW;
}

void prompt_open(struct ui *ui, enum prompt_kind kind, const char *initial)
{
	struct prompt *pr = &ui->prompt;
	memset(pr, 0, sizeof *pr);
	pr->kind = kind;
	pr->errpos = -1;
	sw_strlcpy(pr->before, ui->filter_text, sizeof pr->before);
	if (initial) {
		size_t n = mbstowcs(pr->buf, initial, PROMPT_MAX - 1);
		pr->len = n == (size_t)-1 ? 0 : n;
		pr->cur = pr->len;
	}
	curs_set(1);
	ui->status_dirty = true;
}

static void close_prompt(struct ui *ui)
{
	ui->prompt.kind = PROMPT_NONE;
	curs_set(0);
	ui->status_dirty = true;
}

static void insert(struct prompt *pr, wchar_t c)
{
	if (pr->len + 1 >= PROMPT_MAX)
		return;
	wmemmove(&pr->buf[pr->cur + 1], &pr->buf[pr->cur], pr->len - pr->cur);
	pr->buf[pr->cur++] = c;
	pr->len++;
}

static void delete_at(struct prompt *pr, size_t i, size_t n)
{
	if (i >= pr->len)
		return;
	if (i + n > pr->len)
		n = pr->len - i;
	wmemmove(&pr->buf[i], &pr->buf[i + n], pr->len - i - n);
	pr->len -= n;
	if (pr->cur > i)
		pr->cur = pr->cur >= i + n ? pr->cur - n : i;
}

unsigned prompt_key(struct ui *ui, int key, bool text)
{
	struct prompt *pr = &ui->prompt;
	if (text) {
		insert(pr, (wchar_t)key);
		return apply(ui);
	}
	switch (key) {
	case SW_KEY_ENTER:
		if (pr->kind == PROMPT_TIME) {
			char when[PROMPT_MAX * 4];
			to_utf8(pr, when, sizeof when);
			if (!ui_seek_text(ui, when)) {
				snprintf(pr->errmsg, sizeof pr->errmsg, "%s",
					 _("HH:MM[:SS], YYYY-MM-DD HH:MM, -10m or +1h"));
				pr->errpos = (int)pr->len;
				ui->status_dirty = true;
				beep();
				return UI_R_REDRAW;
			}
			close_prompt(ui);
			return UI_R_REDRAW | UI_R_RECOLLECT;
		}
		if (pr->kind == PROMPT_FILTER) {
			if (pr->errmsg[0]) {
				beep();
				return UI_R_REDRAW;
			}
			if (strcmp(pr->before, ui->filter_text) != 0)
				drill_push(&ui->drill, pr->before);
		}
		close_prompt(ui);
		ui->hdr_dirty = true;
		return UI_R_REDRAW;
	case SW_KEY_ESC:
		if (pr->kind == PROMPT_TIME) {
			close_prompt(ui);
			return UI_R_REDRAW;
		}
		if (pr->kind == PROMPT_FILTER) {
			char before[sizeof pr->before];
			sw_strlcpy(before, pr->before, sizeof before);
			close_prompt(ui);
			return ui_set_filter(ui, before, false, NULL, 0, NULL) | UI_R_REDRAW;
		}
		ui->search[0] = '\0';
		for (int i = 0; i < PANEL_COUNT; i++)
			ui->panels[i].dirty = true;
		close_prompt(ui);
		return UI_R_REDRAW;
	case SW_KEY_BACKSPACE:
		if (pr->cur == 0)
			return 0;
		delete_at(pr, pr->cur - 1, 1);
		return apply(ui);
	case SW_KEY_DELETE:
	case SW_KEY_CTRL('D'):
		delete_at(pr, pr->cur, 1);
		return apply(ui);
	case SW_KEY_LEFT:
	case SW_KEY_CTRL('B'):
		if (pr->cur)
			pr->cur--;
		break;
	case SW_KEY_RIGHT:
	case SW_KEY_CTRL('F'):
		if (pr->cur < pr->len)
			pr->cur++;
		break;
	case SW_KEY_HOME:
	case SW_KEY_CTRL('A'):
		pr->cur = 0;
		break;
	case SW_KEY_END:
	case SW_KEY_CTRL('E'):
		pr->cur = pr->len;
		break;
	case SW_KEY_CTRL('U'):
		delete_at(pr, 0, pr->cur);
		return apply(ui);
	case SW_KEY_CTRL('K'):
		delete_at(pr, pr->cur, pr->len - pr->cur);
		return apply(ui);
	case SW_KEY_CTRL('W'): {
		size_t i = pr->cur;
		while (i > 0 && pr->buf[i - 1] == L' ')
			i--;
		while (i > 0 && pr->buf[i - 1] != L' ')
			i--;
		delete_at(pr, i, pr->cur - i);
		return apply(ui);
	}
	case SW_KEY_F(3):
	case SW_KEY_DOWN:
	case SW_KEY_CTRL('N'):
		if (pr->kind == PROMPT_SEARCH && ui->search[0]) {
			struct panel *p = &ui->panels[ui->focus];
			if (!panel_search(p, ui, ui->search, p->sel.cur + 1))
				beep();
			return UI_R_REDRAW;
		}
		return 0;
	default:
		return 0;
	}
	ui->status_dirty = true;
	return UI_R_REDRAW;
}

void prompt_draw(struct ui *ui, WINDOW *w)
{
	struct prompt *pr = &ui->prompt;
	const char *label = pr->kind == PROMPT_FILTER ? _("Filter: ")
			    : pr->kind == PROMPT_TIME ? _("Go to time: ") : _("Search: ");
	int W = ui->cols;
	wattrset(w, crt_attr(CRT_HDR_LABEL));
	int x = crt_put(w, label, W);
	wattrset(w, A_NORMAL);
	int avail = W - x - 1;
	if (avail < 1)
		return;
	/* Scroll so the cursor stays visible. */
	if (pr->cur < pr->scroll)
		pr->scroll = pr->cur;
	while (pr->scroll < pr->cur) {
		int wd = 0;
		for (size_t i = pr->scroll; i < pr->cur; i++)
			wd += wcwidth(pr->buf[i]) > 0 ? wcwidth(pr->buf[i]) : 1;
		if (wd < avail)
			break;
		pr->scroll++;
	}
	int cx = x, used = 0;
	for (size_t i = pr->scroll; i < pr->len; i++) {
		wchar_t c = pr->buf[i];
		int wd = wcwidth(c);
		if (wd < 1 || (c >= 0x80 && !crt_utf8()))
			c = L'?', wd = 1;
		if (used + wd > avail)
			break;
		bool err = pr->errmsg[0] && (int)i == pr->errpos;
		if (err)
			wattrset(w, crt_attr(CRT_ERROR));
		wchar_t s[2] = {c, 0};
		waddnwstr(w, s, 1);
		if (err)
			wattrset(w, A_NORMAL);
		if (i < pr->cur)
			cx += wd;
		used += wd;
	}
	bool err_at_end = pr->errmsg[0] && pr->errpos >= (int)pr->len;
	if (err_at_end && used < avail) {
		wattrset(w, crt_attr(CRT_ERROR));
		waddch(w, ' ');
		wattrset(w, A_NORMAL);
		used++;
	}
	if (pr->errmsg[0] && x + used + 3 < W) {
		waddstr(w, "  ");
		wattrset(w, crt_attr(pr->kind == PROMPT_FILTER ? CRT_ERROR : CRT_WARN));
		crt_put(w, pr->errmsg, W - x - used - 2);
		wattrset(w, A_NORMAL);
	} else if (!pr->errmsg[0] && pr->kind == PROMPT_FILTER && x + used + 3 < W) {
		waddstr(w, "  ");
		wattrset(w, crt_attr(CRT_DIM));
		crt_put(w, _("(Enter: keep, Esc: cancel)"), W - x - used - 2);
		wattrset(w, A_NORMAL);
	}
	wmove(w, 0, cx < W ? cx : W - 1);
}
