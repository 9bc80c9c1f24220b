/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uistate.h - the monitor's state, shared by the ui/ modules (each
 * includes the services it calls from their own headers: focus.h,
 * drilldown.h, cells.h, details.h, dialog.h, ...).  Not for use outside
 * ui/.
 */
#ifndef SW_UISTATE_H
#define SW_UISTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "core/keymap.h"
#include "crt.h"
#include "panel.h"
#include "prompt.h"
#include "resolver.h"
#include "ui.h"
#include "uimodel.h"

struct dialog;

/* One line of the Alerts panel. */
struct aline {
	char text[DIAG_LINE + 64];
	uint64_t key;        /* stable across refreshes (selection) */
	unsigned char elem;  /* enum crt_elem */
	bool head;           /* a diagnosis' first line */
};

#define UI_MAX_ACTIONS 64

enum remote_group { RGROUP_IP, RGROUP_NET, RGROUP_DEST, RGROUP_COUNT };

struct ui {
	struct ui_config cfg;
	struct sw_keymap km;
	struct ui_wants wants;
	struct ui_data data;
	struct sw_row sel_row; /* the connection table's selected row (ct_selected) */
	bool have_data;
	struct ui_pace pace; /* the interval in effect, a collection running */
	uint64_t seen_seq;
	struct sw_agg_states cur_states; /* machine-wide (the header) */
	struct statehist hist;  /* TCP state counts over the last samples */
	bool changes;           /* highlight new, keep closed (x) */
	bool mark;              /* m set a mark, M cleared it */
	uint32_t mark_gen;
	uint32_t netns_gen; /* e: the loop switches namespaces when it changes */
	bool netns_col;     /* the namespace column was put first (once) */
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
	enum sw_churn_kind churn_kind;   /* the Churn panel: destinations or services (g) */
	enum sw_churn_order churn_order; /* ... its sort column (o) */
	bool follow;     /* the summary panels describe the filtered rows (f) */
	bool states_ns;  /* -N all: the states panel has a row per namespace (g) ... */
	unsigned states_ns_key; /* ... sorted by this column of nsst_cols (o) */
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

	/* the setup screen (setup.c): the thresholds it edits */
	struct diag_thresholds thr;
};

/* ui.c: what the loop is asked for (filter, sort, columns, grouping),
 * recomputed after a change. */
void ui_sync_wants(struct ui *ui);

#endif
