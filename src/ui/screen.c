/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screen.c - layout (header, panels, status line, function keys), panels
 * degrading gracefully on small screens, and the one draw pass per turn:
 * werase + draw + wnoutrefresh for what is dirty, then one doupdate. */
#include "config.h"

#include <string.h>

#include "core/i18n.h"
#include "dialog.h"
#include "focus.h"
#include "header.h"
#include "prompt.h"
#include "screen.h"
#include "statusbar.h"
#include "uistate.h"

#define SMALL_H 16 /* below this many rows for panels: only the focused one */
#define SMALL_W 60

static void place(struct panel *p, int y, int x, int h, int w)
{
	p->placed = true;
	p->y = y;
	p->x = x;
	p->h = h;
	p->w = w;
}

static void del_win(WINDOW **w)
{
	if (*w)
		delwin(*w);
	*w = NULL;
}

static void make_windows(struct ui *ui)
{
	for (int i = 0; i < PANEL_COUNT; i++) {
		struct panel *p = &ui->panels[i];
		del_win(&p->win);
		if (!p->placed || p->h <= 0 || p->w <= 0)
			continue;
		p->win = newwin(p->h, p->w, p->y, p->x);
		if (!p->win) {
			p->placed = false;
			continue;
		}
		leaveok(p->win, TRUE);
		panel_resize(p, ui);
		listsel_scroll(&p->sel, p->ops->nrows(p, ui), panel_list_h(p));
	}
}

void screen_free_windows(struct ui *ui)
{
	for (int i = 0; i < PANEL_COUNT; i++)
		del_win(&ui->panels[i].win);
	del_win(&ui->hdr);
	del_win(&ui->status);
	del_win(&ui->fkeys);
}

/* The shown panels of one slot, in table order. */
static int shown_in(struct ui *ui, enum panel_slot slot, enum panel_id *ids)
{
	int n = 0;
	for (int i = 0; i < PANEL_COUNT; i++)
		if (ui->panels[i].shown && ui->panels[i].ops->slot == slot)
			ids[n++] = (enum panel_id)i;
	return n;
}

/* Drop element k of ids[n]. */
static void drop_at(enum panel_id *ids, int n, int k)
{
	memmove(&ids[k], &ids[k + 1], (size_t)(n - k - 1) * sizeof ids[0]);
}

static int want_rows(struct ui *ui, enum panel_id id)
{
	const struct panel_ops *o = ui->panels[id].ops;
	return o->want_rows ? (int)o->want_rows(ui) : 0;
}

/* The top row's height: what its tallest kind of panel wants (shown or
 * not, so that the row keeps its height when one is hidden), within a
 * share. */
static int top_height(struct ui *ui, bool main_shown, bool bands, int mid_h)
{
	if (!main_shown && !bands)
		return mid_h;
	int want = 0;
	for (int i = 0; i < PANEL_COUNT; i++)
		if (ui->panels[i].ops->slot == PANEL_SLOT_TOP && want_rows(ui, (enum panel_id)i) > want)
			want = want_rows(ui, (enum panel_id)i);
	int cap = bands ? mid_h / 3 : mid_h * 2 / 5;
	int top_h = want < cap ? want : cap;
	return top_h < 5 ? 5 : top_h;
}

/* The top row: side by side, by weight; a top_fixed panel first of
 * several takes a width by screen size (the states panel needs little;
 * wider when there is room: the rate and the sparkline). */
static int place_top(struct ui *ui, int mid_y, int mid_h, bool main_shown, bool bands)
{
	int cols = ui->cols;
	enum panel_id tops[PANEL_COUNT];
	int ntop = shown_in(ui, PANEL_SLOT_TOP, tops);
	/* Drop panels that would be too narrow, keeping the focused one. */
	for (;;) {
		int min = 0;
		for (int i = 0; i < ntop; i++)
			min += ui->panels[tops[i]].ops->min_size;
		if (ntop <= 1 || cols >= min)
			break;
		int drop = ntop - 1;
		if (tops[drop] == ui->focus)
			drop--;
		drop_at(tops, ntop--, drop);
	}
	if (!ntop)
		return 0;
	int top_h = top_height(ui, main_shown, bands, mid_h);
	int sw = ntop > 1 && ui->panels[tops[0]].ops->top_fixed
			 ? (cols >= 190 ? 52 : cols >= 110 ? 34 : cols / ntop)
			 : 0;
	int wsum = 0;
	for (int i = sw ? 1 : 0; i < ntop; i++)
		wsum += ui->panels[tops[i]].ops->weight;
	int x = 0;
	for (int i = 0; i < ntop; i++) {
		int w;
		if (i == ntop - 1)
			w = cols - x;
		else if (sw && i == 0)
			w = sw;
		else
			w = wsum ? (cols - sw) * ui->panels[tops[i]].ops->weight / wsum
				 : (cols - sw) / (ntop - (sw ? 1 : 0));
		/* one column gap between panels */
		place(&ui->panels[tops[i]], mid_y, x, top_h, i == ntop - 1 ? w : w - 1);
		x += w;
	}
	return top_h;
}

/* Full-width bands between the top row and the main panel, each sized
 * to its rows within a share; when there is no room for all, the focused
 * one stays.  Returns the rows they took. */
static int place_bands(struct ui *ui, int y, int left, bool main_shown)
{
	enum panel_id bands[PANEL_COUNT];
	int nb = shown_in(ui, PANEL_SLOT_BAND, bands);
	int main_min = main_shown ? (left >= 12 ? left / 3 : left / 2) : 0;
	if (main_min > 0 && main_min < 4)
		main_min = left >= 7 ? 4 : main_min;
	for (;;) {
		int min = 0;
		for (int i = 0; i < nb; i++)
			min += ui->panels[bands[i]].ops->min_size;
		if (nb == 0 || left - main_min >= min)
			break;
		int drop = nb - 1;
		if (bands[drop] == ui->focus && nb > 1)
			drop--;
		if (nb == 1 && bands[0] != ui->focus)
			drop = 0;
		else if (nb == 1)
			break;
		drop_at(bands, nb--, drop);
	}
	int used = 0;
	for (int i = 0; i < nb; i++) {
		int min = ui->panels[bands[i]].ops->min_size;
		if (left - main_min < min)
			break;
		int want = want_rows(ui, bands[i]);
		int share = (left - main_min) / (nb - i);
		int h = want < share ? want : share;
		if (h < min)
			h = min;
		if (!main_shown && i == nb - 1)
			h = left;
		place(&ui->panels[bands[i]], y, 0, h, ui->cols);
		y += h;
		left -= h;
		used += h;
	}
	return used;
}

static void make_bars(struct ui *ui, int bottom, bool fkeys)
{
	int rows = ui->rows, cols = ui->cols;
	del_win(&ui->hdr);
	del_win(&ui->status);
	del_win(&ui->fkeys);
	ui->hdr = ui->hdr_h ? newwin(ui->hdr_h, cols, 0, 0) : NULL;
	ui->status = newwin(1, cols, rows - bottom, 0);
	ui->fkeys = fkeys ? newwin(1, cols, rows - 1, 0) : NULL;
	crt_input_window(ui->status);
	if (ui->hdr)
		leaveok(ui->hdr, TRUE);
	if (ui->fkeys)
		leaveok(ui->fkeys, TRUE);
}

static void place_panels(struct ui *ui, int mid_y, int mid_h)
{
	int cols = ui->cols;
	for (int i = 0; i < PANEL_COUNT; i++)
		ui->panels[i].placed = false;
	/* The focused panel must be one the user wants. */
	if (!ui->panels[ui->focus].shown) {
		for (int i = 0; i < PANEL_COUNT; i++)
			if (ui->panels[i].shown) {
				ui->focus = (enum panel_id)i;
				break;
			}
	}
	bool small = mid_h < SMALL_H || cols < SMALL_W;
	if (ui->zoom || small || !ui->panels[ui->focus].shown) {
		place(&ui->panels[ui->focus], mid_y, 0, mid_h, cols);
		return;
	}
	enum panel_id ids[PANEL_COUNT];
	struct panel *mainp = shown_in(ui, PANEL_SLOT_MAIN, ids) ? &ui->panels[ids[0]] : NULL;
	bool bands = shown_in(ui, PANEL_SLOT_BAND, ids) > 0;
	int top_h = place_top(ui, mid_y, mid_h, mainp != NULL, bands);
	int y = mid_y + top_h, left = mid_h - top_h;
	int bh = place_bands(ui, y, left, mainp != NULL);
	y += bh;
	left -= bh;
	if (mainp && left > 0)
		place(mainp, y, 0, left, cols);
	if (!ui->panels[ui->focus].placed) {
		/* no room for it among the others: it alone */
		for (int i = 0; i < PANEL_COUNT; i++)
			ui->panels[i].placed = false;
		place(&ui->panels[ui->focus], mid_y, 0, mid_h, cols);
	}
}

void screen_layout(struct ui *ui)
{
	getmaxyx(stdscr, ui->rows, ui->cols);
	int rows = ui->rows;
	ui->hdr_h = header_height(ui, rows);
	bool fkeys = rows >= 8;
	int bottom = 1 + (fkeys ? 1 : 0);
	if (rows < ui->hdr_h + bottom + 2)
		ui->hdr_h = rows >= bottom + 3 ? 1 : 0;
	int mid_y = ui->hdr_h, mid_h = rows - ui->hdr_h - bottom;
	if (mid_h < 1)
		mid_h = 1;
	make_bars(ui, bottom, fkeys);
	place_panels(ui, mid_y, mid_h);
	make_windows(ui);
	ui_mark_all_dirty(ui);
	ui->clear_bg = true;
}

struct panel *screen_panel_at(struct ui *ui, int y, int x)
{
	for (int i = 0; i < PANEL_COUNT; i++) {
		struct panel *p = &ui->panels[i];
		if (p->placed && p->win && y >= p->y && y < p->y + p->h && x >= p->x &&
		    x < p->x + p->w)
			return p;
	}
	return NULL;
}

void screen_draw(struct ui *ui)
{
	bool any = false;
	if (ui->relayout) {
		ui->relayout = false;
		screen_layout(ui);
	}
	if (ui->clear_bg) {
		/* Cells no window covers (gaps between panels) must not keep
		 * what an earlier layout left there. */
		werase(stdscr);
		wnoutrefresh(stdscr);
		ui->clear_bg = false;
	}
	if (ui->hdr && ui->hdr_dirty) {
		header_draw(ui);
		wnoutrefresh(ui->hdr);
		any = true;
	}
	ui->hdr_dirty = false;
	for (int i = 0; i < PANEL_COUNT; i++) {
		struct panel *p = &ui->panels[i];
		if (!p->placed || !p->win || !p->dirty)
			continue;
		werase(p->win);
		p->ops->draw(p, ui);
		wnoutrefresh(p->win);
		p->dirty = false;
		any = true;
	}
	if (ui->fkeys && ui->fkeys_dirty) {
		fkeys_draw(ui);
		wnoutrefresh(ui->fkeys);
		any = true;
	}
	ui->fkeys_dirty = false;
	/* The status line after the panels: the prompt's cursor is where it
	 * leaves it (a prompt and a dialog are never open together). */
	if (ui->status && (ui->status_dirty || (any && ui->prompt.kind != PROMPT_NONE))) {
		statusbar_draw(ui);
		wnoutrefresh(ui->status);
		any = true;
	}
	ui->status_dirty = false;
	/* A dialog covers everything, the status line included. */
	if (ui->dlg && (any || ui->dlg_dirty)) {
		dialog_draw(ui);
		any = true;
	}
	ui->dlg_dirty = false;
	if (any)
		crt_doupdate(ui->why ? ui->why : "draw");
	ui->why = NULL;
}
