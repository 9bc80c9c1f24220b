/* screen.c - layout (header, panels, status line, function keys), panels
 * degrading gracefully on small screens, and the one draw pass per turn:
 * werase + draw + wnoutrefresh for what is dirty, then one doupdate. */
#include "config.h"

#include <string.h>

#include "core/i18n.h"
#include "uipriv.h"

#define SMALL_H 16 /* below this many rows for panels: only the focused one */
#define SMALL_W 60
#define TOP_MIN_W 34

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
		p->ops->resize(p, ui);
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

void screen_layout(struct ui *ui)
{
	getmaxyx(stdscr, ui->rows, ui->cols);
	int rows = ui->rows, cols = ui->cols;
	ui->hdr_h = header_height(ui, rows);
	bool fkeys = rows >= 8;
	int bottom = 1 + (fkeys ? 1 : 0);
	if (rows < ui->hdr_h + bottom + 2)
		ui->hdr_h = rows >= bottom + 3 ? 1 : 0;
	int mid_y = ui->hdr_h, mid_h = rows - ui->hdr_h - bottom;
	if (mid_h < 1)
		mid_h = 1;

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
	struct panel *conns = &ui->panels[PANEL_CONNS];
	bool small = mid_h < SMALL_H || cols < SMALL_W;
	if (ui->zoom || small || !ui->panels[ui->focus].shown) {
		place(&ui->panels[ui->focus], mid_y, 0, mid_h, cols);
		make_windows(ui);
		ui_mark_all_dirty(ui);
		ui->clear_bg = true;
		return;
	}
	/* The top row: states, remotes, listeners side by side. */
	enum panel_id tops[3];
	int ntop = 0;
	for (int i = PANEL_STATES; i <= PANEL_LISTENERS; i++)
		if (ui->panels[i].shown)
			tops[ntop++] = (enum panel_id)i;
	/* Drop panels that would be too narrow, keeping the focused one. */
	while (ntop > 1 && cols / ntop < TOP_MIN_W) {
		int drop = ntop - 1;
		if (tops[drop] == ui->focus)
			drop--;
		memmove(&tops[drop], &tops[drop + 1], (size_t)(ntop - drop - 1) * sizeof tops[0]);
		ntop--;
	}
	int top_h = 0;
	if (ntop) {
		bool bands = ui->panels[PANEL_ALERTS].shown || ui->panels[PANEL_ROUTES].shown ||
			     ui->panels[PANEL_IFACES].shown;
		if (!conns->shown && !bands) {
			top_h = mid_h;
		} else {
			int want = (int)states_rows(ui) + 1;
			int cap = bands ? mid_h / 3 : mid_h * 2 / 5;
			top_h = want < cap ? want : cap;
			if (top_h < 5)
				top_h = 5;
		}
		/* Widths: the states panel needs little; listeners get the most. */
		/* Wider when there is room: the rate and the sparkline. */
		int sw = ntop > 1 && tops[0] == PANEL_STATES
				 ? (cols >= 190 ? 52 : cols >= 110 ? 34 : cols / ntop)
				 : 0;
		int wsum = 0;
		for (int i = sw ? 1 : 0; i < ntop; i++)
			wsum += tops[i] == PANEL_REMOTES ? 40 : 60;
		int x = 0;
		for (int i = 0; i < ntop; i++) {
			int w;
			if (i == ntop - 1)
				w = cols - x;
			else if (sw && i == 0)
				w = sw;
			else
				w = (cols - sw) * (tops[i] == PANEL_REMOTES ? 40 : 60) / wsum;
			/* one column gap between panels */
			place(&ui->panels[tops[i]], mid_y, x, top_h, i == ntop - 1 ? w : w - 1);
			x += w;
		}
	}
	/* Full-width bands (alerts, routes, interfaces) between the top row
	 * and the connections, each sized to its rows within a share; when
	 * there is no room for all, the focused one stays. */
	int y = mid_y + top_h, left = mid_h - top_h;
	enum panel_id bands[3];
	int nb = 0;
	for (int i = PANEL_ALERTS; i <= PANEL_IFACES; i++)
		if (ui->panels[i].shown)
			bands[nb++] = (enum panel_id)i;
	int conns_min = conns->shown ? (left >= 12 ? left / 3 : left / 2) : 0;
	if (conns_min > 0 && conns_min < 4)
		conns_min = left >= 7 ? 4 : conns_min;
	while (nb > 0 && left - conns_min < 3 * nb) {
		int drop = nb - 1;
		if (bands[drop] == ui->focus && nb > 1)
			drop--;
		if (nb == 1 && bands[0] != ui->focus)
			drop = 0;
		else if (nb == 1)
			break;
		memmove(&bands[drop], &bands[drop + 1], (size_t)(nb - drop - 1) * sizeof bands[0]);
		nb--;
	}
	for (int i = 0; i < nb && left - conns_min >= 3; i++) {
		struct panel *b = &ui->panels[bands[i]];
		size_t want = bands[i] == PANEL_ALERTS ? alerts_rows(ui) + 1
			      : (bands[i] == PANEL_ROUTES ? routes_rows(ui) : ifaces_rows(ui)) + 2;
		int share = (left - conns_min) / (nb - i);
		int h = (int)want < share ? (int)want : share;
		if (h < 3)
			h = 3;
		if (!conns->shown && i == nb - 1)
			h = left;
		place(b, y, 0, h, cols);
		y += h;
		left -= h;
	}
	if (conns->shown && left > 0)
		place(conns, y, 0, left, cols);
	if (!ui->panels[ui->focus].placed) {
		/* no room for it among the others: it alone */
		for (int i = 0; i < PANEL_COUNT; i++)
			ui->panels[i].placed = false;
		place(&ui->panels[ui->focus], mid_y, 0, mid_h, cols);
	}
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
