/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mode_monitor.c - the live monitor's loop, the only place that sees every layer:
 * poll() on the terminal (and the name resolver) with a timeout until the
 * next sample; collect, merge into the model, build the views and
 * aggregates the UI asked for (ui_wants), let the UI draw once; keys come
 * back as reaction flags and confirmed actions (kill, close) are carried
 * out here.  Nothing blocks except the collection itself.
 */
#include "config.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "collect/collect.h"
#include "churnsrc.h"
#include "collect/rtnl.h"
#include "core/aggregate.h"
#include "core/columns.h"
#include "core/diagnose.h"
#include "core/filter.h"
#include "core/i18n.h"
#include "core/model.h"
#include "core/netinfo.h"
#include "core/util.h"
#include "frame.h"
#include "histplay.h"
#include "modes.h"
#include "nsview.h"
#include "options.h"
#include "ui/ui.h"

/* Work flags beyond the UI's: everything from a new sample. */
#define LOOP_FULL (1u << 16)

struct loop {
	const struct sw_options *o;
	struct sw_select sel;
	struct sw_collector *col;
	struct sw_model *model;
	struct sw_snapshot snap;
	struct ui *ui;
	struct sw_view all, conns;
	struct churnsrc cs; /* connections closed between samples */
	struct sw_churn_groups cg;
	struct sw_agg_states states, pstates;
	struct sw_agg remotes;
	struct sw_listeners listeners;
	uint64_t seq;
	uint64_t last_sample_ns, next_sample_ns;
	unsigned extras;  /* what sync_extras last asked for ... */
	bool extras_set;  /* ... once it has */
	size_t release_bytes; /* RELEASE_BYTES, or 0 (SOCKWATCH_DEBUG_RELEASE) */
	char err[256];
	bool have_err;
	/* diagnoses, every sample */
	struct diag_thresholds thr;
	struct diag_state ds;
	struct diag_ns dns; /* -N all: each namespace diagnosed on its own */
	struct diag_list dl;
	/* routes and interfaces, while a panel shows them */
	struct sw_netinfo net, net_prev;
	bool have_net, have_net_prev;
	char net_err[256];
	/* what the model was last told */
	uint32_t mark_gen;
	uint32_t thr_gen; /* the setup screen's thresholds last copied */
	bool changes;
	uint32_t seek_gen; /* replaying a history: the last move done */
	/* namespaces: the collector's options, the view the e key cycles,
	 * the states panel's counts per namespace (-N all) */
	struct sw_collect_opts co;
	struct nsview nsv;
	const char *netns; /* collected now: NULL own, "all" or a path */
	uint32_t netns_gen, netns_pick_gen;
	struct sw_agg_ns nsstates;
	struct sw_model *retired; /* the model before a replay move or a namespace
	                             switch: the screen shows it until the next
	                             rebuild */
};

#define LOOP_TOMB_TTL 3 /* refreshes a closed connection stays visible */
#define CHURN_WINDOW_S 10 /* seconds the Churn panel and the diagnoses count */
/* A recycled snapshot whose records take more than this (~37k sockets) is
 * freed rather than kept for reuse: see sample().  SOCKWATCH_DEBUG_RELEASE
 * in the environment frees it every time (tests run that path with a small
 * population). */
#define RELEASE_BYTES (4u << 20)

/* The monitor shows inet sockets unless protocols were chosen (-t -u -x
 * ...): a desktop has thousands of UNIX sockets nobody asked to watch. */
static uint32_t default_protos(const struct sw_options *o)
{
	if (o->sel.protos)
		return o->sel.protos;
	return SW_PROTO_ALL & ~SW_PROTO_BIT(SW_PROTO_UNIX);
}

static int sample(struct loop *L)
{
	/* closures since the last sample, named with the model it left */
	churnsrc_before_sample(&L->cs, L->model);
	/* One tcp_info array for both snapshots: the current one's goes to
	 * the collector (after a failed sample the rows show none). */
	model_lend_tcpx(L->model, &L->snap);
	int rc = collector_sample(L->col, &L->snap, L->err, sizeof L->err);
	L->last_sample_ns = sw_mono_ns();
	const char *damage = L->ui ? histplay_warning(L->col) : NULL;
	if (damage)
		ui_status(L->ui, true, "%s", damage);
	if (rc < 0) {
		L->have_err = true;
		return rc;
	}
	L->have_err = false;
	model_update(L->model, &L->snap);
	churnsrc_after_sample(&L->cs, L->model);
	/* L->snap is now the previous sample, emptied, kept for its
	 * capacity.  Give it back after a spike (100k sockets, then 1k)
	 * rather than holding both buffers at the spike's size forever, and
	 * whenever it is big: then the views and diagnoses built next do not
	 * sit on top of two snapshots (peak RSS), for the price of faulting
	 * the pages in again at the next sample (~1 ms per 5 MB). */
	size_t now = model_snapshot(L->model)->nconns;
	if (L->snap.capconns > 4 * (now > 1024 ? now : 1024) ||
	    L->snap.capconns * sizeof *L->snap.conns > L->release_bytes) {
		snapshot_done(&L->snap);
		snapshot_init(&L->snap);
	}
	L->seq++;
	diagnose_run_ns(&L->dns, &L->ds, &L->thr, model_snapshot(L->model), &L->dl);
	if (L->ui && ui_wants(L->ui)->netinfo && !L->o->replay) {
		struct sw_netinfo tmp = L->net_prev;
		L->net_prev = L->net;
		L->net = tmp;
		L->have_net_prev = L->have_net;
		const char *rns = L->netns && strcmp(L->netns, "all") ? L->netns : NULL;
		int e = rtnl_collect(&L->net, RTNL_LINKS | RTNL_ROUTES, rns, NULL,
				     L->net_err, sizeof L->net_err);
		L->have_net = e >= 0;
		if (L->have_net)
			L->net_err[0] = '\0';
		if (!L->have_net)
			L->have_net_prev = false;
	} else {
		L->have_net = L->have_net_prev = false;
	}
	return 0;
}

/* The mark and the tombstone toggle, as the UI wants them. */
static unsigned apply_marks(struct loop *L)
{
	const struct ui_wants *w = ui_wants(L->ui);
	unsigned f = 0;
	if (w->changes != L->changes) {
		L->changes = w->changes;
		model_set_tombstone_ttl(L->model, w->changes ? LOOP_TOMB_TTL : 0);
		f |= UI_R_REFILTER;
	}
	if (w->mark_gen != L->mark_gen) {
		L->mark_gen = w->mark_gen;
		if (w->mark)
			model_mark(L->model);
		else
			model_clear_mark(L->model);
		f |= UI_R_REFILTER;
	}
	return f;
}

static void rebuild(struct loop *L, unsigned what)
{
	const struct ui_wants *w = ui_wants(L->ui);
	bool full = what & LOOP_FULL;
	bool refilter = full || (what & UI_R_REFILTER);
	if (refilter) {
		model_view(L->model, &L->sel, w->filter, w->keys, w->nkeys, &L->conns);
		/* Aggregates are over everything selected, not the filter. */
		if (w->filter)
			model_view(L->model, &L->sel, NULL, NULL, 0, &L->all);
	} else if (what & UI_R_RESORT) {
		view_sort(&L->conns, w->keys, w->nkeys);
	}
	const struct sw_view *all = w->filter ? &L->all : &L->conns;
	/* The summary panels describe the filtered rows when they follow the
	 * filter; the header keeps the machine-wide totals. */
	const struct sw_view *pan = w->filter && w->follow ? &L->conns : all;
	if (full) {
		agg_states(all->rows, all->n, &L->states);
		agg_listeners(&L->listeners, all->rows, all->n);
	}
	if (refilter && pan == all)
		L->pstates = L->states; /* the same rows: counted once per sample */
	else if (refilter)
		agg_states(pan->rows, pan->n, &L->pstates);
	if (refilter)
		agg_ns_states(model_snapshot(L->model), pan->rows, pan->n, &L->nsstates);
	if (refilter || (what & UI_R_REGROUP)) {
		/* client and server ends told apart by every listener */
		agg_listen_ports(&L->remotes, all->rows, all->n);
		agg_group(&L->remotes, w->remote_kind, pan->rows, pan->n);
		agg_sort(&L->remotes, w->remote_order, w->remote_states);
	}
	if (w->churn && (full || refilter || (what & UI_R_REGROUP)))
		churn_groups(L->cs.ch, w->churn_kind, &L->sel, pan == all ? NULL : w->filter,
			     w->churn_order, &L->cg);
	struct ui_data d = {
		.snap = model_snapshot(L->model),
		.conns = &L->conns,
		.nall = view_live(all),
		.states = &L->states,
		.pstates = &L->pstates,
		.follows = pan != all,
		.remotes = &L->remotes,
		.listeners = &L->listeners,
		.sample_seq = L->seq,
		.error = L->have_err ? L->err : NULL,
		.diags = &L->dl,
		.net = L->have_net ? &L->net : NULL,
		.net_prev = L->have_net && L->have_net_prev ? &L->net_prev : NULL,
		.net_error = L->o->replay ? _("routes and interfaces are not part of a replay")
			     : !L->have_net && L->net_err[0] ? L->net_err : NULL,
		.marked = w->mark,
		.churn = churn_rates(L->cs.ch),
		.churn_groups = w->churn ? &L->cg : NULL,
		.churn_error = L->cs.err[0] ? L->cs.err : NULL,
		.nsstates = L->nsstates.n ? &L->nsstates : NULL,
	};
	ui_set_data(L->ui, &d);
	model_free(L->retired);
	L->retired = NULL;
}

static void run_actions(struct loop *L)
{
	struct ui_action a;
	while (ui_next_action(L->ui, &a)) {
		int rc;
		if (a.kind == UI_ACT_SIGNAL) {
			rc = proc_signal_verified(a.pid, a.starttime, a.sig);
			if (rc == -EOWNERDEAD && proc_parent(a.pid, &a.zparent, a.zparent_comm) < 0)
				a.zparent = 0; /* the parent is gone too (init reaps it soon) */
		}
		else
			rc = collector_destroy_ns(L->col, &a.conn, a.ns_inode);
		ui_action_done(L->ui, &a, rc);
	}
}

/* Ask the kernel for what is on screen: congestion names and socket
 * memory only while a column shows them, bound-only TCP sockets only while
 * a filter is set (as batch mode).  True when that changed. */
static bool sync_extras(struct loop *L, const struct ui_wants *w)
{
	bool details = filter_needs(w->filter) & SW_FILTER_NEEDS_DETAILS; /* fwmark, cgroup */
	unsigned key = (w->need_cong ? 1u : 0) | (w->need_mem ? 2u : 0) | (w->filter ? 4u : 0) |
		       (details ? 8u : 0);
	if (L->extras_set && key == L->extras)
		return false;
	collector_set_extras(L->col, w->need_cong, w->need_mem, w->filter != NULL);
	collector_set_details(L->col, details);
	L->extras = key;
	L->extras_set = true;
	return true;
}

/* Replaying a history: the move the replay keys asked for.  The model and
 * the diagnoses start afresh there, fed the sample before it first, so
 * rates and new/closed marks are those of that moment. */
static void seek(struct loop *L, const struct ui_wants *w)
{
	L->seek_gen = w->seek_gen;
	char msg[256];
	int r = histplay_move(L->col, w->seek_kind, w->seek_arg, msg, sizeof msg);
	if (msg[0])
		ui_status(L->ui, r < 0, "%s", msg);
	if (r < 0)
		return;
	model_free(L->retired);
	L->retired = L->model;
	L->model = model_new();
	model_set_tombstone_ttl(L->model, L->changes ? LOOP_TOMB_TTL : 0);
	L->mark_gen = w->mark_gen - 1; /* set again on the new model */
	diag_state_done(&L->ds);
	diag_state_init(&L->ds);
	diag_set_churn(&L->ds, L->cs.ch);
	if (histplay_back(L->col)) {
		sample(L);
		histplay_forward(L->col);
	}
}

/* The e key: the menu of namespace views (nsview.h). */
static void netns_menu(struct loop *L)
{
	if (L->o->replay) {
		ui_status(L->ui, true, "%s", _("A replay has no other network namespaces"));
		return;
	}
	nsview_refresh(&L->nsv, model_snapshot(L->model));
	size_t n = 2 + L->nsv.n;
	char(*label)[64] = xcalloc(n, sizeof *label);
	long *socks = xcalloc(n, sizeof *socks);
	size_t cur = nsview_choices(&L->nsv, L->o->netns, label, socks);
	ui_netns_menu(L->ui, label, socks, n, cur);
	free(label);
	free(socks);
}

/* The view chosen there: collected with a new collector and a new model
 * (rows of another namespace are not closed connections of this one). */
static void switch_netns(struct loop *L, size_t pick)
{
	const char *ns = nsview_pick(&L->nsv, L->o->netns, pick);
	struct sw_collect_opts co = L->co;
	co.netns = ns;
	co.label = L->nsv.mode == 2 ? L->nsv.label : NULL;
	char err[256] = "";
	struct sw_collector *c = collector_new(&co, err, sizeof err);
	if (!c) {
		ui_status(L->ui, true, "%s", err);
		return;
	}
	collector_copy_settings(c, L->col);
	collector_free(L->col);
	L->col = c;
	L->netns = ns;
	model_free(L->retired);
	L->retired = L->model; /* the UI shows it until the next rebuild */
	L->model = model_new();
	model_set_tombstone_ttl(L->model, L->changes ? LOOP_TOMB_TTL : 0);
	L->mark_gen = ui_wants(L->ui)->mark_gen - 1; /* the mark: set again if on */
	diag_state_done(&L->ds);
	diag_state_init(&L->ds);
	diag_ns_done(&L->dns);
	diag_ns_init(&L->dns);
	/* the closed connections of the new view */
	double rows = churn_rows_window(L->cs.ch);
	churnsrc_close(&L->cs);
	churnsrc_open(&L->cs, L->col, CHURN_WINDOW_S);
	churn_set_rows_window(L->cs.ch, rows);
	diag_set_churn(&L->ds, L->cs.ch);
	L->have_net = L->have_net_prev = false;
	ui_status(L->ui, false, _("Network namespace: %s (e: choose another)"), L->nsv.label);
}

static int poll_timeout(struct loop *L)
{
	const struct ui_wants *w = ui_wants(L->ui);
	int t = -1;
	if (!w->paused) {
		uint64_t now = sw_mono_ns();
		t = L->next_sample_ns > now ? (int)((L->next_sample_ns - now) / 1000000ULL) + 1 : 0;
	}
	int u = ui_timeout_ms(L->ui);
	if (u >= 0 && (t < 0 || u < t))
		t = u;
	return t;
}

/* The events fd joins the poll when a drain is due (at most every
 * CHURNSRC_DRAIN_MS: each wakeup costs more than the events it reads);
 * until then the timeout ends when it is.  Its index in fds, or 0. */
static nfds_t events_poll(struct loop *L, struct pollfd *fds, nfds_t *nfds, int *timeout)
{
	int fd = churnsrc_fd(&L->cs);
	if (fd < 0)
		return 0;
	int wait = churnsrc_wait_ms(&L->cs, sw_mono_ns());
	if (wait > 0) {
		if (*timeout < 0 || wait < *timeout)
			*timeout = wait;
		return 0;
	}
	fds[*nfds] = (struct pollfd){.fd = fd, .events = POLLIN};
	return (*nfds)++;
}

/* Readable but no key came: a read() at EOF or failing with EIO (a tty
 * hung up, stdin at end) polls readable for ever.  tcgetattr() fails with
 * EIO on a hung-up terminal; a redirected stdin is no terminal at all. */
static bool terminal_gone(void)
{
	struct termios t;
	return tcgetattr(STDIN_FILENO, &t) != 0 && (errno == EIO || errno == ENOTTY ||
						     errno == EBADF);
}

static uint64_t interval_ns(const struct ui_wants *w)
{
	return (uint64_t)(w->interval * 1e9);
}

static int run(struct loop *L)
{
	unsigned pending = LOOP_FULL;
	const struct ui_wants *w = ui_wants(L->ui);
	/* the first sample (before the screen) asked for everything: the
	 * next asks for what the screen shows (no extra sample for that) */
	sync_extras(L, w);
	L->next_sample_ns = L->last_sample_ns + interval_ns(w);
	for (;;) {
		uint64_t now = sw_mono_ns();
		bool due = !w->paused && now >= L->next_sample_ns;
		if (due || (pending & UI_R_RECOLLECT)) {
			if (!due)
				histplay_hold(L->col);
			if (sample(L) == 0)
				pending |= LOOP_FULL;
			else
				pending |= UI_R_REDRAW;
			L->next_sample_ns = L->last_sample_ns + interval_ns(w);
		}
		pending |= apply_marks(L);
		if (pending & (LOOP_FULL | UI_R_REFILTER | UI_R_RESORT | UI_R_REGROUP)) {
			rebuild(L, pending);
			model_free(L->retired);
			L->retired = NULL;
		}
		else if (L->have_err && (pending & UI_R_REDRAW))
			rebuild(L, 0);
		pending = 0;
		ui_draw(L->ui);

		struct pollfd fds[3] = {{.fd = STDIN_FILENO, .events = POLLIN}};
		nfds_t nfds = 1;
		int rfd = ui_poll_fd(L->ui);
		if (rfd >= 0)
			fds[nfds++] = (struct pollfd){.fd = rfd, .events = POLLIN};
		int timeout = poll_timeout(L);
		nfds_t efd = events_poll(L, fds, &nfds, &timeout);
		int r = poll(fds, nfds, timeout);
		if (ui_quit_signal())
			return 0;
		if (r < 0 && errno != EINTR)
			return 1;
		if (efd && (fds[efd].revents & POLLIN)) {
			churnsrc_drain(&L->cs); /* into the pending buffer */
			if (--r == 0)
				continue;
		}
		if (r == 0)
			continue;
		/* The terminal went away (a hung-up tty polls as POLLIN too, and
		 * getch() would fail at once, forever: 100% CPU when no SIGHUP
		 * came, e.g. under `trap "" HUP`): restore and leave. */
		if (r > 0 && (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)))
			return 0;
		/* Input, resolver answers, or a signal such as SIGWINCH. */
		unsigned f = ui_input(L->ui);
		if (w->seek_gen != L->seek_gen)
			seek(L, w);
		if (!f && (fds[0].revents & POLLIN) && terminal_gone())
			return 0;
		if (f & UI_R_QUIT)
			return 0;
		if (w->netinfo && !L->have_net && !L->o->replay)
			f |= UI_R_RECOLLECT; /* a routes/interfaces panel opened */
		if (sync_extras(L, w))
			f |= UI_R_RECOLLECT; /* a column or the filter needs other data */
		if (w->thr_gen != L->thr_gen && w->thr) {
			L->thr = *w->thr; /* changed in the setup screen */
			L->thr_gen = w->thr_gen;
		}
		if (f & UI_R_TIMER)
			L->next_sample_ns = L->last_sample_ns + interval_ns(w);
		if (f & UI_R_ACTION) {
			run_actions(L);
			f |= UI_R_RECOLLECT;
		}
		if (w->netns_gen != L->netns_gen) {
			L->netns_gen = w->netns_gen;
			netns_menu(L);
		}
		if (w->netns_pick_gen != L->netns_pick_gen) {
			L->netns_pick_gen = w->netns_pick_gen;
			switch_netns(L, w->netns_pick);
		}
		pending |= f;
	}
}

int mode_monitor_run(const struct sw_options *o)
{
	struct loop L;
	memset(&L, 0, sizeof L);
	L.o = o;
#ifdef __GLIBC__
	/* A fixed threshold keeps big arrays in their own mappings, so that
	 * freeing a released snapshot returns its pages at once (glibc would
	 * otherwise raise the threshold and keep them in the heap). */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
	L.release_bytes = getenv("SOCKWATCH_DEBUG_RELEASE") ? 0 : RELEASE_BYTES;
	L.sel = o->sel;
	L.sel.protos = default_protos(o);
	if (o->listening && !o->all)
		L.sel.states = SW_STATE_BIT(SW_ST_LISTEN) | SW_STATE_BIT(SW_ST_CLOSE);

	/* A bad filter or column list is a usage error, before the screen opens. */
	if (o->filter) {
		struct sw_filter *f = frame_filter_parse(o->filter, FRAME_FILTER_BAD);
		if (!f)
			return 2;
		filter_free(f);
	}
	enum sw_col_id ids[SW_COL_COUNT];
	bool desc[SW_COL_COUNT];
	int bad;
	if (o->columns && column_parse_list(o->columns, ids, desc, SW_COL_COUNT, &bad) < 0) {
		fprintf(stderr, _("sockwatch: unknown column in '%s'\n"), o->columns);
		return 2;
	}
	if (o->sort && column_parse_list(o->sort, ids, desc, SW_COL_COUNT, &bad) < 0) {
		fprintf(stderr, _("sockwatch: unknown sort column in '%s'\n"), o->sort);
		return 2;
	}
	/* config warnings: shown on the status line once the screen is up,
	 * and again on stderr after it closes */
	char *warns = NULL;
	size_t warnlen = 0;
	FILE *wf = open_memstream(&warns, &warnlen);
	struct frame_monitor_cfg mon = {.panels_follow_filter = true, .color = true,
					.closed_window = 3};
	int trc = frame_thresholds(o, &L.thr, &mon, wf ? wf : stderr);
	if (wf)
		fclose(wf);
	if (trc) {
		if (warns)
			fputs(warns, stderr);
		free(warns);
		return trc;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		if (warns)
			fputs(warns, stderr);
		free(warns);
		fprintf(stderr, "%s\n",
			_("sockwatch: the monitor needs a terminal (use -b for batch output)"));
		return 1;
	}

	struct sw_collect_opts co;
	frame_collect_opts(&co, o);
	co.protos = L.sel.protos;
	co.states = 0;
	co.inet4 = o->sel.inet4;
	co.inet6 = o->sel.inet6;
	co.tcpinfo = true;
	co.details = false; /* what the panels show; halves the records */
	co.bound = !sw_blank(o->filter);
	co.procs = true;
	co.kstat = true;
	co.replay_warn = NULL; /* the status line says it (histplay_warning) */
	L.co = co;
	L.netns = o->netns;
	nsview_init(&L.nsv, o->netns);
	L.col = frame_collector_new(&co, warns);
	if (!L.col) {
		free(warns);
		return 1;
	}
	char err[256];
	churnsrc_open(&L.cs, L.col, CHURN_WINDOW_S);
	churn_set_rows_window(L.cs.ch, mon.closed_window);
	churn_groups_init(&L.cg);
	L.model = model_new();
	L.changes = true;
	model_set_tombstone_ttl(L.model, LOOP_TOMB_TTL);
	diag_state_init(&L.ds);
	diag_ns_init(&L.dns);
	diag_set_churn(&L.ds, L.cs.ch);
	diag_list_init(&L.dl);
	netinfo_init(&L.net);
	netinfo_init(&L.net_prev);
	snapshot_init(&L.snap);
	agg_init(&L.remotes);
	listeners_init(&L.listeners);
	int rc = 1;
	/* The first sample before the screen opens: errors stay readable. */
	if (sample(&L) < 0) {
		fprintf(stderr, "sockwatch: %s\n", L.err);
		goto out;
	}
	/* The command line wins over the settings files. */
	char cfg_path[4096];
	struct ui_config uc = {
		.interval = o->delay_set || !mon.interval_set ? o->delay : mon.interval,
		.readonly = o->readonly,
		.no_color = o->no_color || !mon.color,
		.resolve = false,
		.is_root = geteuid() == 0,
		.mouse = getenv("SOCKWATCH_NO_MOUSE") == NULL,
		.filter = o->filter,
		.columns = o->columns ? o->columns : mon.columns[0] ? mon.columns : NULL,
		.sort = o->sort ? o->sort : mon.sort[0] ? mon.sort : NULL,
		.netns = NULL, /* the snapshot's: changes with the e key */
		.panels_follow_filter = mon.panels_follow_filter,
		.panels = mon.panels_set ? mon.panels : NULL,
		.thr = &L.thr,
		.config_path = frame_config_path(o, cfg_path, sizeof cfg_path) ? cfg_path : NULL,
		.replay = histplay_active(L.col),
		.start_paused = histplay_active(L.col),
	};
	L.ui = ui_new(&uc, err, sizeof err);
	if (!L.ui) {
		fprintf(stderr, "sockwatch: %s\n", err);
		goto out;
	}
	if (warns && warns[0]) {
		size_t n = 0;
		for (const char *q = warns; *q; q++)
			n += *q == '\n';
		ui_status(L.ui, true, n > 1 ? _("%.*s (and %zu more config warnings, shown on exit)")
					    : "%.*s",
			  (int)strcspn(warns, "\n"), warns, n - 1);
	}
	rc = run(&L);
	ui_free(L.ui);
out:
	if (warns && warns[0])
		fputs(warns, stderr);
	free(warns);
	view_done(&L.conns);
	view_done(&L.all);
	agg_done(&L.remotes);
	listeners_done(&L.listeners);
	snapshot_done(&L.snap);
	model_free(L.model);
	model_free(L.retired);
	diag_list_done(&L.dl);
	diag_state_done(&L.ds);
	diag_ns_done(&L.dns);
	netinfo_done(&L.net);
	netinfo_done(&L.net_prev);
	churn_groups_done(&L.cg);
	churnsrc_close(&L.cs);
	collector_free(L.col);
	nsview_done(&L.nsv);
	agg_ns_done(&L.nsstates);
	return rc;
}
