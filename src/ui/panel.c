/* panel.c - what every panel's list does alike: moving the selection,
 * keeping it on its item across refreshes, searching, the title line. */
#include "config.h"

#include <string.h>

#include "core/i18n.h"
#include "uipriv.h"

void panel_init(struct panel *p, enum panel_id id, const struct panel_ops *ops)
{
	memset(p, 0, sizeof *p);
	p->id = id;
	p->ops = ops;
	p->shown = true;
	p->dirty = true;
	p->head = 1;
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
		} else if (p->id == PANEL_CONNS && ui->data.conns) {
			idx = view_find_cookie(ui->data.conns, p->sel.key);
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
