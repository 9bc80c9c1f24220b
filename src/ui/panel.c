/* SPDX-License-Identifier: GPL-2.0-or-later */
/* panel.c - what every panel's list does alike: moving the selection,
 * keeping it on its item across refreshes, searching, the title line. */
#include "config.h"

#include <string.h>

#include "core/i18n.h"
#include "panel.h"
#include "uistate.h"

const struct panel_def panel_defs[PANEL_COUNT] = {
#define X(id, ops, show, on) [PANEL_##id] = {&ops, show, on},
	PANELS(X)
#undef X
};

enum panel_id panel_for_show(enum sw_action a)
{
	for (int i = 0; i < PANEL_COUNT; i++)
		if (panel_defs[i].show == a)
			return (enum panel_id)i;
	return PANEL_COUNT;
}

void panel_init(struct panel *p, enum panel_id id)
{
	memset(p, 0, sizeof *p);
	p->id = id;
	p->ops = panel_defs[id].ops;
	p->shown = panel_defs[id].shown;
	p->dirty = true;
	p->head = 1;
}

int panel_key(struct panel *p, struct ui *ui, enum sw_action a)
{
	return p->ops->key ? p->ops->key(p, ui, a) : -1;
}

int panel_click(struct panel *p, struct ui *ui, int y, int x)
{
	if (p->ops->click)
		return p->ops->click(p, ui, y, x);
	if (y >= p->head) {
		size_t i = p->sel.top + (size_t)(y - p->head);
		if (i < p->ops->nrows(p, ui))
			panel_select(p, ui, i);
	}
	return UI_R_REDRAW;
}

void panel_resize(struct panel *p, struct ui *ui)
{
	if (p->ops->resize)
		p->ops->resize(p, ui);
	else
		p->head = 1;
}

const struct sw_row *panel_selected(struct panel *p, struct ui *ui)
{
	return p->ops->selected ? p->ops->selected(p, ui) : NULL;
}

static void remember(struct panel *p, struct ui *ui)
{
	size_t n = p->ops->nrows(p, ui);
	if (n && p->sel.cur < n) {
		p->sel.key = p->ops->row_key(p, ui, p->sel.cur);
		p->sel.has_key = true;
	} else {
		p->sel.has_key = false;
	}
}

void panel_select(struct panel *p, struct ui *ui, size_t i)
{
	size_t n = p->ops->nrows(p, ui);
	listsel_set(&p->sel, n, i, panel_list_h(p));
	remember(p, ui);
	p->dirty = true;
	ui->status_dirty = true;
}

void panel_sync(struct panel *p, struct ui *ui)
{
	size_t n = p->ops->nrows(p, ui);
	long idx = -1;
	if (p->sel.has_key) {
		/* The selected row is usually where it was: look there first. */
		if (p->sel.cur < n && p->ops->row_key(p, ui, p->sel.cur) == p->sel.key) {
			idx = (long)p->sel.cur;
		} else if (p->ops->find_key) {
			idx = p->ops->find_key(p, ui, p->sel.key);
		} else {
			for (size_t i = 0; i < n; i++) {
				if (p->ops->row_key(p, ui, i) == p->sel.key) {
					idx = (long)i;
					break;
				}
			}
		}
	}
	listsel_sync(&p->sel, n, idx, panel_list_h(p));
	remember(p, ui);
	p->dirty = true;
}

int panel_nav(struct panel *p, struct ui *ui, enum sw_action a)
{
	size_t n = p->ops->nrows(p, ui);
	size_t h = panel_list_h(p);
	long delta;
	switch (a) {
	case SW_ACT_UP: delta = -1; break;
	case SW_ACT_DOWN: delta = 1; break;
	case SW_ACT_PGUP: delta = -(long)(h > 1 ? h - 1 : 1); break;
	case SW_ACT_PGDN: delta = (long)(h > 1 ? h - 1 : 1); break;
	case SW_ACT_HOME: delta = -(long)n; break;
	case SW_ACT_END: delta = (long)n; break;
	default: return -1;
	}
	if (listsel_move(&p->sel, n, delta, h)) {
		remember(p, ui);
		p->dirty = true;
		ui->status_dirty = true;
		return UI_R_REDRAW;
	}
	return 0;
}

bool panel_search(struct panel *p, struct ui *ui, const char *text, size_t from)
{
	size_t n = p->ops->nrows(p, ui);
	if (!n || !*text)
		return false;
	char buf[1024];
	for (size_t k = 0; k < n; k++) {
		size_t i = (from + k) % n;
		p->ops->row_text(p, ui, i, buf, sizeof buf);
		if (uimodel_find(buf, text) >= 0) {
			panel_select(p, ui, i);
			return true;
		}
	}
	return false;
}

void panel_draw_title(struct panel *p, struct ui *ui, const char *extra)
{
	bool focus = ui->focus == p->id;
	attr_t a = crt_attr(focus ? CRT_TITLE_FOCUS : CRT_TITLE);
	wmove(p->win, 0, 0);
	wattrset(p->win, a);
	char t[256];
	snprintf(t, sizeof t, "%s%s%s", focus ? "> " : "  ", _(p->ops->name),
		 ui->zoom && focus ? _(" [zoomed]") : "");
	int used = crt_put(p->win, t, p->w);
	if (extra && *extra && used + 2 < p->w) {
		waddstr(p->win, "  ");
		used += 2 + crt_put(p->win, extra, p->w - used - 2);
	}
	for (; used < p->w; used++)
		waddch(p->win, ' ');
	wattrset(p->win, A_NORMAL);
}

attr_t panel_row_attr(const struct panel *p, const struct ui *ui, size_t i, attr_t base)
{
	if (i != p->sel.cur)
		return base;
	return crt_attr(ui->focus == p->id ? CRT_SEL : CRT_SEL_UNFOCUS);
}

void panel_put_match(struct ui *ui, WINDOW *w, const char *text, int cols, bool right,
		     attr_t base)
{
	if (cols <= 0)
		return;
	long m = ui->search[0] ? uimodel_find(text, ui->search) : -1;
	if (m < 0) {
		wattrset(w, base);
		crt_put_pad(w, text, cols, right);
		return;
	}
	/* Pad first when right-aligned, then the three parts. */
	int wd = crt_width(text);
	int used = 0;
	wattrset(w, base);
	if (right && wd < cols)
		for (; used < cols - wd; used++)
			waddch(w, ' ');
	char part[1024];
	size_t nl = strlen(ui->search);
	size_t pre = (size_t)m < sizeof part ? (size_t)m : sizeof part - 1;
	memcpy(part, text, pre);
	part[pre] = '\0';
	used += crt_put(w, part, cols - used);
	size_t ml = nl < sizeof part ? nl : sizeof part - 1;
	memcpy(part, text + m, ml);
	part[ml] = '\0';
	wattrset(w, crt_attr(CRT_MATCH));
	used += crt_put(w, part, cols - used);
	wattrset(w, base);
	used += crt_put(w, text + m + nl, cols - used);
	for (; used < cols; used++)
		waddch(w, ' ');
}
