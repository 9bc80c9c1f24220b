/* uipriv.h - what the ui/ modules share: the ui state, the panel
 * interface, and each module's entry points.  Not for use outside ui/.
 */
#ifndef SW_UIPRIV_H
#define SW_UIPRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include <curses.h>

#include "core/keymap.h"
#include "crt.h"
#include "resolver.h"
#include "ui.h"
#include "uimodel.h"

struct ui;
struct panel;

/* One line of the Alerts panel. */
struct aline {
	char text[DIAG_LINE + 64];
	uint64_t key;        /* stable across refreshes (selection) */
	unsigned char elem;  /* enum crt_elem */
	bool head;           /* a diagnosis' first line */
};

/* A panel: one static const ops instance per kind (htop's PanelClass). */
struct panel_ops {
	const char *name;   /* N_() title */
	/* Draw the list rows (the title and frame are drawn by screen.c). */
	void (*draw)(struct panel *p, struct ui *ui);
	/* An action for the focused panel: UI_R_* flags, or -1 if unused. */
	int (*key)(struct panel *p, struct ui *ui, enum sw_action a);
	/* The window changed size. */
	void (*resize)(struct panel *p, struct ui *ui);
	/* Rows in the list, and each row's visible text (search). */
	size_t (*nrows)(const struct panel *p, const struct ui *ui);
	void (*row_text)(const struct panel *p, struct ui *ui, size_t i, char *buf,
			 size_t len);
	/* The key of row i (selection follows it across refreshes). */
	uint64_t (*row_key)(const struct panel *p, const struct ui *ui, size_t i);
	/* A click at (y, x) inside the panel window: flags or -1. */
	int (*click)(struct panel *p, struct ui *ui, int y, int x);
};

enum panel_id {
	PANEL_CONNS,
	PANEL_STATES,
	PANEL_REMOTES,
	PANEL_LISTENERS,
	PANEL_ALERTS, /* full-width bands above the connections */
	PANEL_ROUTES,
	PANEL_IFACES,
	PANEL_COUNT
};

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

enum prompt_kind { PROMPT_NONE, PROMPT_FILTER, PROMPT_SEARCH };

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
	dialog_done_fn done;
	/* Extra keys (column picker moves): flags, or -1 if unused. */
	int (*key)(struct ui *ui, struct dialog *d, int key);
	void *ctx;
	void (*ctx_free)(void *ctx);
	WINDOW *win;
	int h, w;
};

#define UI_MAX_ACTIONS 64

enum remote_group { RGROUP_IP, RGROUP_NET, RGROUP_DEST, RGROUP_COUNT };

struct ui {
	struct ui_config cfg;
	struct sw_keymap km;
	struct ui_wants wants;
	struct ui_data data;
	bool have_data;
	uint64_t seen_seq;
	struct sw_agg_states cur_states; /* machine-wide (the header) */
	struct statehist hist;  /* TCP state counts over the last samples */
	bool changes;           /* highlight new, keep closed (x) */
	bool mark;              /* m set a mark, M cleared it */
	uint32_t mark_gen;
	size_t n_new, n_closed; /* rows of the view marked new / closed */
	/* the Alerts panel's lines (alerts.c), rebuilt per sample and width */
	struct aline *alines;
	size_t nalines, calines;
	int alines_w;
	uint64_t alines_seq;

	/* filter, sort, columns, drill-down */
	struct sw_filter *filter;
	char filter_text[1024];
	struct sortstate sort;
	struct colset colset;
	struct drill drill;
	enum remote_group rgroup; /* the remotes panel: per IP, network, destination (g) */
	bool group_proc; /* the remotes panel shows processes (p) */
	size_t rsort;    /* the remotes panel's sort column (o), index into its columns */
	bool follow;     /* the summary panels describe the filtered rows (f) */
	/* the states panel's counts (filtered when following), and the ones before */
	struct sw_agg_states pan_cur, pan_prev;
	bool have_pan_prev;

	/* screen */
	struct panel panels[PANEL_COUNT];
	enum panel_id focus;
	bool zoom;
	WINDOW *hdr, *status, *fkeys;
	int hdr_h;
	bool hdr_dirty, status_dirty, fkeys_dirty, dlg_dirty, relayout, clear_bg;
	int rows, cols;
	const char *why; /* what caused this draw (byte accounting) */

	/* status line */
	char msg[512];
	bool msg_error;
	uint64_t msg_until_ns;

	struct prompt prompt;
	struct dialog *dlg;
	char search[PROMPT_MAX * 4];

	struct resolver *res;
	bool resolve;

	struct ui_action actions[UI_MAX_ACTIONS];
	size_t nactions, action_next;
	int act_ok, act_fail;
};

/* ---- ui.c ---- */
/* Replace the filter; push the old one on the drill stack when push. */
unsigned ui_set_filter(struct ui *ui, const char *text, bool push, char *err, size_t errlen,
		       int *errpos);
unsigned ui_drill(struct ui *ui, const char *cond);
unsigned ui_do_action(struct ui *ui, enum sw_action a);
void ui_mark_all_dirty(struct ui *ui);
void ui_focus(struct ui *ui, enum panel_id id);

/* ---- screen.c ---- */
void screen_layout(struct ui *ui);
/* Delete every window (panels, header, status and key bars). */
void screen_free_windows(struct ui *ui);
void screen_draw(struct ui *ui);
/* The panel under screen position (y, x), or NULL. */
struct panel *screen_panel_at(struct ui *ui, int y, int x);

/* ---- panel.c: list behaviour shared by all panels ---- */
void panel_init(struct panel *p, enum panel_id id, const struct panel_ops *ops);
/* Navigation actions: flags or -1. */
int panel_nav(struct panel *p, struct ui *ui, enum sw_action a);
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

/* ---- the panels ---- */
extern const struct panel_ops conntable_ops;
extern const struct panel_ops states_ops;
extern const struct panel_ops remotes_ops;
extern const struct panel_ops listeners_ops;
/* The selected connection row, or NULL. */
const struct sw_row *conntable_selected(struct ui *ui);
/* Wanted rows for the top panels (so the layout can size them). */
size_t states_rows(const struct ui *ui);
/* Visible text of one cell of a connection row (resolved names when on). */
void conntable_cell(struct ui *ui, const struct sw_row *r, enum sw_col_id id, char *buf,
		    size_t len);
const struct sw_listener *listeners_selected(struct ui *ui);
/* The remotes panel's sort column i (wrapping): the order and states to
 * pass to agg_sort, and its header ("Count", "SYN-R"). */
const char *remotes_order(size_t i, enum sw_agg_order *by, uint32_t *states);
extern const struct panel_ops alerts_ops;
extern const struct panel_ops routes_ops;
extern const struct panel_ops ifaces_ops;
/* Wanted rows of the full-width bands (so the layout can size them). */
size_t alerts_rows(const struct ui *ui);
size_t routes_rows(const struct ui *ui);
size_t ifaces_rows(const struct ui *ui);
/* Rebuild the Alerts panel's lines if the data or the width changed. */
void alerts_build(struct ui *ui);
/* The alerts line under the header. */
void alerts_line_draw(struct ui *ui, WINDOW *w, int y);

/* ---- header.c / statusbar.c ---- */
int header_height(const struct ui *ui, int rows);
void header_draw(struct ui *ui);
void statusbar_draw(struct ui *ui);
void fkeys_draw(struct ui *ui);
/* The action of the function key under column x, or SW_ACT_NONE. */
enum sw_action fkeys_action_at(struct ui *ui, int x);

/* ---- prompt.c ---- */
void prompt_open(struct ui *ui, enum prompt_kind kind, const char *initial);
/* Keys while a prompt is open: flags. */
unsigned prompt_key(struct ui *ui, int key, bool text);
void prompt_draw(struct ui *ui, WINDOW *w);

/* ---- dialog.c ---- */
struct dialog *dialog_new(enum dlg_kind kind, const char *title, dialog_done_fn done);
void dialog_add(struct dialog *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dialog_open(struct ui *ui, struct dialog *d);
unsigned dialog_key(struct ui *ui, int key);
void dialog_draw(struct ui *ui);
void dialog_free(struct dialog *d);
/* Wrap text into lines of at most width columns (for long command lines). */
void dialog_add_wrapped(struct dialog *d, const char *prefix, const char *text, int width);

/* ---- help.c ---- */
void help_open(struct ui *ui);

/* ---- actions.c: kill, close, details, sort and column pickers ---- */
unsigned actions_kill(struct ui *ui);
unsigned actions_close(struct ui *ui);
unsigned actions_details(struct ui *ui, const struct sw_row *r);
unsigned actions_sort_menu(struct ui *ui);
unsigned actions_columns(struct ui *ui);
void actions_result(struct ui *ui, const struct ui_action *a, int rc);

#endif
