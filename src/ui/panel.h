/* SPDX-License-Identifier: GPL-2.0-or-later */
/* panel.h - the panel interface (htop's PanelClass, tig's view_ops) and
 * the one panel table.  A panel is one .c file with a static const
 * panel_ops and one line in PANELS below (plus its show/hide key in
 * core/keymap.h and the docs).  Not for use outside ui/.
 */
#ifndef SW_PANEL_H
#define SW_PANEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "core/keymap.h"
#include "core/model.h"
#include "uimodel.h"

struct ui;
struct panel;

/* Where the layout puts a panel (screen.c). */
enum panel_slot {
	PANEL_SLOT_MAIN, /* what is left below the others (one panel) */
	PANEL_SLOT_TOP,  /* the top row, side by side */
	PANEL_SLOT_BAND, /* full-width bands between the top row and the main panel */
};

/* A panel: one static const ops instance per kind.  Hooks marked
 * "optional" may be NULL. */
struct panel_ops {
	const char *name;        /* N_() title */
	/* Layout: the slot; in the top row the width weight (0 everywhere:
	 * equal shares), or top_fixed (first of several: a fixed width by
	 * screen size); the smallest width (top row) or height (bands); the
	 * rows wanted, title included (optional: as much as there is). */
	enum panel_slot slot;
	int weight;
	bool top_fixed;
	int min_size;
	size_t (*want_rows)(const struct ui *ui);
	/* What the panel needs collected (netinfo: routes, interfaces), and
	 * whether it shows resolved names (redrawn when answers arrive). */
	bool needs_net;
	bool needs_churn; /* the closed-connection groups (churn.h) */
	bool names;
	/* The status line when nothing else shows there: N_() text, unless
	 * selected() gives a socket (its owning process is shown). */
	const char *hint;
	/* Draw the list rows (the title and frame are drawn by screen.c). */
	void (*draw)(struct panel *p, struct ui *ui);
	/* Every action goes to the focused panel first: UI_R_* flags, or -1
	 * if unused (optional).  Enter means drill down or details here. */
	int (*key)(struct panel *p, struct ui *ui, enum sw_action a);
	/* The window changed size (optional: a one-line head). */
	void (*resize)(struct panel *p, struct ui *ui);
	/* Rows in the list, and each row's visible text (search). */
	size_t (*nrows)(const struct panel *p, const struct ui *ui);
	void (*row_text)(const struct panel *p, struct ui *ui, size_t i, char *buf,
			 size_t len);
	/* The key of row i (selection follows it across refreshes), and a
	 * faster way to find a key again (optional: a linear search). */
	uint64_t (*row_key)(const struct panel *p, const struct ui *ui, size_t i);
	long (*find_key)(const struct panel *p, const struct ui *ui, uint64_t key);
	/* The socket of the selected row: what kill and close act on
	 * (optional: none). */
	const struct sw_row *(*selected)(struct panel *p, struct ui *ui);
	/* A click at (y, x) inside the panel window: flags or -1 (optional:
	 * selects the row under it). */
	int (*click)(struct panel *p, struct ui *ui, int y, int x);
};

/* The panel table: X(ID, ops, show/hide action, shown at start).  Its
 * order is the focus order, the top row's order left to right and the
 * bands' order top to bottom. */
#define PANELS(X)                                            \
	X(CONNS, conntable_ops, SW_ACT_SHOW_CONNS, true)     \
	X(STATES, states_ops, SW_ACT_SHOW_STATES, true)      \
	X(REMOTES, remotes_ops, SW_ACT_SHOW_REMOTES, true)   \
	X(LISTENERS, listeners_ops, SW_ACT_SHOW_LISTENERS, true) \
	X(CHURN, churn_ops, SW_ACT_SHOW_CHURN, false)        \
	X(ALERTS, alerts_ops, SW_ACT_SHOW_ALERTS, false)     \
	X(ROUTES, routes_ops, SW_ACT_SHOW_ROUTES, false)     \
	X(IFACES, ifaces_ops, SW_ACT_SHOW_IFACES, false)

enum panel_id {
#define X(id, ops, show, on) PANEL_##id,
	PANELS(X)
#undef X
	PANEL_COUNT
};

#define X(id, ops, show, on) extern const struct panel_ops ops;
PANELS(X)
#undef X

struct panel_def {
	const struct panel_ops *ops;
	enum sw_action show; /* the key that shows or hides it */
	bool shown;          /* at start */
};
extern const struct panel_def panel_defs[PANEL_COUNT];
/* The panel shown or hidden by action a, or PANEL_COUNT. */
enum panel_id panel_for_show(enum sw_action a);

struct panel {
	const struct panel_ops *ops;
	enum panel_id id;
	WINDOW *win;
	int y, x, h, w;
	bool shown;  /* the user wants it */
	bool placed; /* it has a window in the current layout */
	bool dirty;
	int head;    /* rows above the list: title (+ column header) */
	struct listsel sel;
	int hscroll; /* first data column shown (connections) */
};

/* Size of the list area. */
static inline size_t panel_list_h(const struct panel *p)
{
	return p->h > p->head ? (size_t)(p->h - p->head) : 1;
}

/* panel.c: list behaviour shared by all panels. */
void panel_init(struct panel *p, enum panel_id id);
/* Navigation actions: flags or -1. */
int panel_nav(struct panel *p, struct ui *ui, enum sw_action a);
/* The hooks with their defaults. */
int panel_key(struct panel *p, struct ui *ui, enum sw_action a);
int panel_click(struct panel *p, struct ui *ui, int y, int x);
void panel_resize(struct panel *p, struct ui *ui);
const struct sw_row *panel_selected(struct panel *p, struct ui *ui);
/* Put the selection on row i. */
void panel_select(struct panel *p, struct ui *ui, size_t i);
/* After new data: keep the selection on its key. */
void panel_sync(struct panel *p, struct ui *ui);
/* Find text from row `from` on (wrapping); true and selects on a match. */
bool panel_search(struct panel *p, struct ui *ui, const char *text, size_t from);
/* The title line: name, extra text, focus look. */
void panel_draw_title(struct panel *p, struct ui *ui, const char *extra);
/* Row attribute for list row i (selection). */
attr_t panel_row_attr(const struct panel *p, const struct ui *ui, size_t i, attr_t base);
/* Print text with the search matches highlighted, padded to cols. */
void panel_put_match(struct ui *ui, WINDOW *w, const char *text, int cols, bool right,
		     attr_t base);

#endif
