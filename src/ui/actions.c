/* SPDX-License-Identifier: GPL-2.0-or-later */
/* actions.c - acting on a row: the kill flow (signal menu, owner pick,
 * confirmation), closing a socket, the sort and column
 * pickers.  Confirmed actions are queued for the loop, which performs them
 * (the UI never touches processes or sockets itself). */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "actions.h"
#include "cells.h"
#include "dialog.h"
#include "focus.h"
#include "uistate.h"

static const struct {
	int sig;
	const char *name;
	const char *desc;
} signals[] = {
	{SIGTERM, "TERM", N_("terminate (the polite default)")},
	{SIGKILL, "KILL", N_("kill at once (cannot be caught)")},
	{SIGHUP, "HUP", N_("hang up (many daemons reload)")},
	{SIGINT, "INT", N_("interrupt (as Ctrl-C)")},
	{SIGQUIT, "QUIT", N_("quit with a core dump")},
	{SIGUSR1, "USR1", N_("user signal 1")},
	{SIGUSR2, "USR2", N_("user signal 2")},
	{SIGSTOP, "STOP", N_("stop (pause) the process")},
	{SIGCONT, "CONT", N_("continue a stopped process")},
};
#define NSIGNALS (sizeof signals / sizeof signals[0])

static const char *sig_name(int sig)
{
	for (size_t i = 0; i < NSIGNALS; i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return "?";
}

/* A process that holds the socket, copied out of the snapshot (refreshes
 * go on while the dialogs are open). */
struct target {
	int pid;
	uint64_t starttime;
	uint32_t uid;
	char comm[16];
	char *cmdline;
};

struct kill_ctx {
	struct target *t;
	size_t n;
	int sig;
	long which; /* index into t, or -1 for all */
	char sock[640];
};

static void kill_ctx_free(void *p)
{
	struct kill_ctx *k = p;
	for (size_t i = 0; i < k->n; i++)
		free(k->t[i].cmdline);
	free(k->t);
	free(k);
}

/* The selected socket: what the focused panel's selected row is. */
static const struct sw_row *selected_row(struct ui *ui)
{
	return panel_selected(&ui->panels[ui->focus], ui);
}

static unsigned queue_kill(struct ui *ui, struct kill_ctx *k)
{
	ui->nactions = ui->action_next = 0;
	ui->act_ok = ui->act_fail = 0;
	for (size_t i = 0; i < k->n && ui->nactions < UI_MAX_ACTIONS; i++) {
		if (k->which >= 0 && (size_t)k->which != i)
			continue;
		struct ui_action *a = &ui->actions[ui->nactions++];
		memset(a, 0, sizeof *a);
		a->kind = UI_ACT_SIGNAL;
		a->pid = k->t[i].pid;
		a->starttime = k->t[i].starttime;
		a->sig = k->sig;
		sw_strlcpy(a->comm, k->t[i].comm, sizeof a->comm);
	}
	return UI_R_ACTION;
}

static unsigned confirm_done(struct ui *ui, struct dialog *d, int choice)
{
	struct kill_ctx *k = d->ctx;
	if (choice != 1) {
		ui_status(ui, false, "%s", _("Nothing sent"));
		return UI_R_REDRAW;
	}
	return queue_kill(ui, k);
}

static void open_confirm(struct ui *ui, struct dialog *from)
{
	struct kill_ctx *k = from->ctx;
	from->ctx = NULL; /* handed over */
	from->ctx_free = NULL;
	char title[128];
	snprintf(title, sizeof title, _("Send SIG%s?"), sig_name(k->sig));
	struct dialog *d = dialog_new(DLG_CONFIRM, title, confirm_done);
	d->ctx = k;
	d->ctx_free = kill_ctx_free;
	int width = ui->cols - 8 > 30 ? ui->cols - 8 : 30;
	dialog_add_wrapped(d, _("Socket: "), k->sock, width);
	dialog_add(d, "%s", "");
	for (size_t i = 0; i < k->n; i++) {
		if (k->which >= 0 && (size_t)k->which != i)
			continue;
		dialog_add(d, _("pid %d  user %s  (%s)"), k->t[i].pid, sw_user_name(k->t[i].uid),
			   k->t[i].comm);
		dialog_add_wrapped(d, "  ", k->t[i].cmdline && k->t[i].cmdline[0] ? k->t[i].cmdline
										   : k->t[i].comm,
				   width);
	}
	dialog_add(d, "%s", "");
	if (k->which < 0 && k->n > 1)
		dialog_add(d, _("Send SIG%s (%d) to these %zu processes?"), sig_name(k->sig), k->sig,
			   k->n);
	else
		dialog_add(d, _("Send SIG%s (%d) to this process?"), sig_name(k->sig), k->sig);
	dialog_open(ui, d);
}

static unsigned pick_done(struct ui *ui, struct dialog *d, int choice)
{
	struct kill_ctx *k = d->ctx;
	if (choice < 0)
		return UI_R_REDRAW;
	k->which = choice == 0 ? -1 : choice - 1;
	open_confirm(ui, d);
	return UI_R_REDRAW;
}

static unsigned signal_done(struct ui *ui, struct dialog *d, int choice)
{
	struct kill_ctx *k = d->ctx;
	if (choice < 0 || (size_t)choice >= NSIGNALS)
		return UI_R_REDRAW;
	k->sig = signals[choice].sig;
	if (k->n == 1) {
		k->which = 0;
		open_confirm(ui, d);
		return UI_R_REDRAW;
	}
	struct dialog *p = dialog_new(DLG_MENU, _("Which process?"), pick_done);
	p->ctx = k;
	p->ctx_free = kill_ctx_free;
	d->ctx = NULL;
	d->ctx_free = NULL;
	dialog_add(p, _("All %zu processes"), k->n);
	for (size_t i = 0; i < k->n; i++)
		dialog_add(p, "%-7d %-10s %s", k->t[i].pid, sw_user_name(k->t[i].uid),
			   k->t[i].cmdline && k->t[i].cmdline[0] ? k->t[i].cmdline : k->t[i].comm);
	dialog_open(ui, p);
	return UI_R_REDRAW;
}

unsigned actions_kill(struct ui *ui)
{
	if (ui->cfg.replay) {
		ui_status(ui, true, "%s", _("A recording: killing processes is disabled"));
		return UI_R_REDRAW;
	}
	if (ui->cfg.readonly) {
		ui_status(ui, true, "%s", _("Read-only mode (-r): killing processes is disabled"));
		return UI_R_REDRAW;
	}
	const struct sw_row *r = selected_row(ui);
	if (!r) {
		ui_status(ui, true, "%s",
			  _("Select a connection or a listener first (Tab to the panel)"));
		return UI_R_REDRAW;
	}
	const struct sw_conn *c = r->conn;
	struct kill_ctx *k = xcalloc(1, sizeof *k);
	k->t = xcalloc(c->owners_n ? c->owners_n : 1, sizeof *k->t);
	for (uint32_t i = 0; i < c->owners_n; i++) {
		const struct sw_proc *p = snapshot_owner_proc(r->snap, c, i);
		if (!p)
			continue;
		bool dup = false;
		for (size_t j = 0; j < k->n; j++)
			dup |= k->t[j].pid == p->pid;
		if (dup)
			continue;
		struct target *t = &k->t[k->n++];
		t->pid = p->pid;
		t->starttime = p->starttime;
		t->uid = p->uid;
		sw_strlcpy(t->comm, p->comm, sizeof t->comm);
		t->cmdline = xstrdup(p->cmdline_len ? snapshot_str(r->snap, p->cmdline_off) : "");
	}
	if (k->n == 0) {
		kill_ctx_free(k);
		if (c->inode == 0)
			ui_status(ui, true, "%s",
				  _("No process holds this socket (the kernel owns it, e.g. TIME-WAIT)"));
		else if (!ui->cfg.is_root)
			ui_status(ui, true, "%s",
				  _("The owning process is not visible: run sockwatch with sudo"));
		else
			ui_status(ui, true, "%s", _("No process found for this socket"));
		return UI_R_REDRAW;
	}
	cell_describe(ui, r, k->sock, sizeof k->sock);
	char title[128];
	if (k->n == 1)
		snprintf(title, sizeof title, _("Signal to pid %d (%s)"), k->t[0].pid, k->t[0].comm);
	else
		snprintf(title, sizeof title, _("Signal to %zu processes"), k->n);
	struct dialog *d = dialog_new(DLG_MENU, title, signal_done);
	d->ctx = k;
	d->ctx_free = kill_ctx_free;
	for (size_t i = 0; i < NSIGNALS; i++)
		dialog_add(d, "%2d SIG%-5s %s", signals[i].sig, signals[i].name, _(signals[i].desc));
	dialog_open(ui, d);
	return UI_R_REDRAW;
}

/* ---- close socket --------------------------------------------------------- */

/* The socket to close, and its namespace (-N all: closed in that one). */
struct close_ctx {
	struct sw_conn conn;
	uint64_t ns_inode;
};

static unsigned close_done(struct ui *ui, struct dialog *d, int choice)
{
	if (choice != 1) {
		ui_status(ui, false, "%s", _("Socket left open"));
		return UI_R_REDRAW;
	}
	ui->nactions = ui->action_next = 0;
	ui->act_ok = ui->act_fail = 0;
	struct ui_action *a = &ui->actions[ui->nactions++];
	memset(a, 0, sizeof *a);
	a->kind = UI_ACT_DESTROY;
	const struct close_ctx *cx = d->ctx;
	a->conn = cx->conn;
	a->ns_inode = cx->ns_inode;
	return UI_R_ACTION;
}

unsigned actions_close(struct ui *ui)
{
	if (ui->cfg.replay) {
		ui_status(ui, true, "%s", _("A recording: closing sockets is disabled"));
		return UI_R_REDRAW;
	}
	if (ui->cfg.readonly) {
		ui_status(ui, true, "%s", _("Read-only mode (-r): closing sockets is disabled"));
		return UI_R_REDRAW;
	}
	const struct sw_row *r = selected_row(ui);
	if (!r) {
		ui_status(ui, true, "%s", _("Select a connection first"));
		return UI_R_REDRAW;
	}
	const struct sw_conn *c = r->conn;
	if (c->proto != SW_PROTO_TCP) {
		ui_status(ui, true, "%s", _("Only TCP sockets can be closed (SOCK_DESTROY)"));
		return UI_R_REDRAW;
	}
	if (r->st && (r->st->flags & SW_ROW_CLOSED)) {
		ui_status(ui, true, "%s", _("This socket is already closed"));
		return UI_R_REDRAW;
	}
	struct dialog *d = dialog_new(DLG_CONFIRM, _("Close this socket?"), close_done);
	struct close_ctx *copy = xcalloc(1, sizeof *copy);
	copy->conn = *c;
	/* kept past the refreshes that reuse the snapshot's address table */
	sw_conn_rehome(&copy->conn, NULL);
	const struct sw_nsinfo *ns = snapshot_ns(r->snap, c);
	copy->ns_inode = ns ? ns->inode : 0;
	d->ctx = copy;
	d->ctx_free = free;
	char desc[640];
	cell_describe(ui, r, desc, sizeof desc);
	dialog_add_wrapped(d, "", desc, ui->cols - 8);
	const struct sw_proc *p = c->owners_n ? snapshot_owner_proc(r->snap, c, 0) : NULL;
	if (p)
		dialog_add(d, _("held by pid %d (%s)"), p->pid, p->comm);
	if (ns)
		dialog_add(d, _("in network namespace %s"), ns->label);
	dialog_add(d, "%s", "");
	if (c->state == SW_ST_TIME_WAIT)
		dialog_add(d, "%s", _("The kernel drops this TIME-WAIT entry (as ss -K); "
				      "its port is free at once."));
	else if (c->state == SW_ST_SYN_RECV || c->state == SW_ST_NEW_SYN_RECV)
		dialog_add(d, "%s", _("The kernel drops this half-open connection (as ss -K); "
				      "no program has accepted it yet."));
	else if (!c->owners_n)
		dialog_add(d, "%s", _("The kernel aborts the connection (as ss -K)."));
	else
		dialog_add(d, "%s", _("The kernel aborts the connection (as ss -K); the program sees an error."));
	dialog_open(ui, d);
	return UI_R_REDRAW;
}

void actions_result(struct ui *ui, const struct ui_action *a, int rc)
{
	if (rc == 0)
		ui->act_ok++;
	else
		ui->act_fail++;
	if (a->kind == UI_ACT_DESTROY) {
		switch (rc) {
		case 0: ui_status(ui, false, "%s", _("Socket closed")); break;
		case -EPERM:
		case -EACCES:
			ui_status(ui, true, "%s", _("Closing sockets needs root (CAP_NET_ADMIN): run with sudo"));
			break;
		case -EOPNOTSUPP:
			ui_status(ui, true, "%s",
				  _("This kernel cannot close sockets (CONFIG_INET_DIAG_DESTROY off) "
				    "or not this kind"));
			break;
		case -ENOENT:
			ui_status(ui, true, "%s", _("The socket is already gone"));
			break;
		default:
			ui_status(ui, true, _("Closing the socket failed: %s"), strerror(-rc));
		}
		return;
	}
	char what[96];
	snprintf(what, sizeof what, "SIG%s", sig_name(a->sig));
	if (ui->nactions > 1) {
		if (ui->action_next < ui->nactions)
			return; /* sum up after the last one */
		if (ui->act_fail == 0)
			ui_status(ui, false, _("Sent %s to %d processes"), what, ui->act_ok);
		else
			ui_status(ui, true, _("Sent %s to %d of %d processes (the others: gone or not permitted)"),
				  what, ui->act_ok, ui->act_ok + ui->act_fail);
		return;
	}
	switch (rc) {
	case 0:
		ui_status(ui, false, _("Sent %s to pid %d (%s)"), what, a->pid, a->comm);
		break;
	case -EPERM:
		ui_status(ui, true, _("Not allowed to signal pid %d: it needs root (run with sudo)"),
			  a->pid);
		break;
	case -ESRCH:
		ui_status(ui, true, _("pid %d is already gone (or its pid was reused): nothing sent"),
			  a->pid);
		break;
	case -EOWNERDEAD: /* a zombie: exited, its parent has not reaped it */
		if (a->zparent > 0)
			ui_status(ui, true, _("pid %d (%s) is already dead but not reaped: its parent, "
					      "pid %d (%s), has not collected it; nothing sent"),
				  a->pid, a->comm, a->zparent, a->zparent_comm);
		else
			ui_status(ui, true, _("pid %d (%s) is already dead but not reaped; nothing sent"),
				  a->pid, a->comm);
		break;
	default:
		ui_status(ui, true, _("Signalling pid %d failed: %s"), a->pid, strerror(-rc));
	}
}

/* ---- sort picker -------------------------------------------------------------- */

static unsigned sort_done(struct ui *ui, struct dialog *d, int choice)
{
	(void)d;
	if (choice < 0 || choice >= SW_COL_COUNT)
		return UI_R_REDRAW;
	enum sw_col_id id = (enum sw_col_id)choice;
	if (ui->sort.n && ui->sort.k[0].col == (int)id)
		sortstate_invert(&ui->sort);
	else
		sortstate_set(&ui->sort, id, sortstate_desc_first(id));
	ui->panels[PANEL_CONNS].dirty = true;
	return UI_R_RESORT | UI_R_REDRAW;
}

unsigned actions_sort_menu(struct ui *ui)
{
	struct dialog *d = dialog_new(DLG_MENU, _("Sort by"), sort_done);
	for (int i = 0; i < SW_COL_COUNT; i++) {
		const struct sw_column *c = column_get((enum sw_col_id)i);
		bool cur = ui->sort.n && ui->sort.k[0].col == i;
		dialog_add(d, "%s %-19s %s", cur ? crt_arrow(ui->sort.k[0].desc) : " ", _(c->header),
			   _(c->desc));
	}
	if (ui->sort.n)
		d->sel.cur = (size_t)ui->sort.k[0].col;
	dialog_open(ui, d);
	return UI_R_REDRAW;
}

/* ---- column picker ------------------------------------------------------------ */

static void columns_fill(struct ui *ui, struct dialog *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->lines[i]);
	d->n = 0;
	for (size_t i = 0; i < SW_COL_COUNT; i++) {
		const struct sw_column *c = column_get(ui->colset.order[i]);
		dialog_add(d, "%-18s %s", _(c->header), _(c->desc));
		d->check[i] = ui->colset.on[ui->colset.order[i]];
	}
}

static void columns_apply(struct ui *ui, struct dialog *d)
{
	for (size_t i = 0; i < d->n && i < SW_COL_COUNT; i++)
		ui->colset.on[ui->colset.order[i]] = d->check[i];
	/* Never none at all. */
	enum sw_col_id ids[SW_COL_COUNT];
	if (colset_visible(&ui->colset, ids, SW_COL_COUNT) == 0)
		ui->colset.on[SW_COL_STATE] = true;
	ui->panels[PANEL_CONNS].hscroll = 0;
	ui->panels[PANEL_CONNS].dirty = true;
}

static int columns_key(struct ui *ui, struct dialog *d, int key)
{
	int delta = 0;
	if (key == '[' || key == '-' || key == SW_KEY_F(7))
		delta = -1;
	else if (key == ']' || key == '+' || key == SW_KEY_F(8))
		delta = 1;
	else if (key == ' ') {
		if (d->sel.cur < d->n)
			d->check[d->sel.cur] = !d->check[d->sel.cur];
		columns_apply(ui, d);
		return UI_R_REDRAW;
	} else
		return -1;
	columns_apply(ui, d);
	size_t to = colset_move(&ui->colset, d->sel.cur, delta);
	columns_fill(ui, d);
	d->sel.cur = to;
	columns_apply(ui, d);
	return UI_R_REDRAW;
}

static unsigned columns_done(struct ui *ui, struct dialog *d, int choice)
{
	(void)choice;
	columns_apply(ui, d);
	ui_mark_all_dirty(ui);
	return UI_R_REDRAW;
}

unsigned actions_columns(struct ui *ui)
{
	struct dialog *d = dialog_new(DLG_CHECKLIST, _("Columns"), columns_done);
	d->hint = N_("Space: show/hide  [ ]: move  Enter/Esc: done");
	d->key = columns_key;
	for (size_t i = 0; i < SW_COL_COUNT; i++)
		dialog_add(d, "%s", "");
	columns_fill(ui, d);
	dialog_open(ui, d);
	return UI_R_REDRAW;
}
