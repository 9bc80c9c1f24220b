/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mode_monitor.c - the live monitor's loop, the only place that sees every layer:
 * poll() on the terminal (and the name resolver) with a timeout until the
 * next sample; collect, merge into the model, build the views and
 * aggregates the UI asked for (ui_wants), let the UI draw once; keys come
 * back as reaction flags and confirmed actions (kill, close) are carried
 * out here.
 *
 * Live, the collection (dumps, parse, process map) and the merge (the
 * model's update, the sorted views and the panels' aggregates, into the
 * frame not on screen) run in the background (sampler.h): keys, sorting,
 * filtering and drawing go on with the frame on screen, whose rows the
 * model keeps valid until the new frame is shown (model_update_keep).  The
 * model is the worker's while it merges (model_mu); a filter or mark
 * asked for meanwhile is applied when the new frame lands, as is any
 * setting changed since the collection started (the worker builds with
 * the settings of that moment).  Closed-connection rows, the churn groups
 * and the diagnoses are added on this thread when the frame lands.  What
 * needs the collector (its settings, SOCK_DESTROY, a namespace switch)
 * waits until no collection is in flight.  A replay collects and merges in
 * this thread (its time keys move the reader).  A refresh that costs more
 * than half of the interval stretches it (pace.h).
 */
#include "config.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
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
#include "core/pace.h"
#include "core/util.h"
#include "frame.h"
#include "histplay.h"
#include "modes.h"
#include "nsview.h"
#include "options.h"
#include "sampler.h"
#include "ui/ui.h"

/* Work flags beyond the UI's: everything from a new sample ... */
#define LOOP_FULL (1u << 16)
/* ... or a frame the collection thread built from it: show it */
#define LOOP_MERGED (1u << 17)
#define LOOP_NEW (LOOP_FULL | LOOP_MERGED)
#define LOOP_VIEWS (UI_R_REFILTER | UI_R_RESORT | UI_R_REGROUP)

/* What the screen shows from one sample: the sorted views and the panels'
 * aggregates.  Two: one on screen, one being built. */
struct frame {
	struct sw_view all, conns;
	struct sw_agg_states states, pstates;
	struct sw_agg remotes;
	struct sw_listeners listeners;
	struct sw_agg_ns nsstates;
	const struct sw_snapshot *snap; /* the model's snapshot its rows are of */
	bool filtered, follow;          /* as built: which view the panels use */
	size_t nlive;                   /* live rows of all (no closed ones) */
	size_t n_new, n_marked_new, n_closed; /* rows of conns so flagged */
};

/* The settings a frame is built with (the UI's, or a copy of them taken
 * when a background collection starts). */
struct build_args {
	const struct sw_filter *filter;
	const struct sw_sortkey *keys;
	size_t nkeys;
	enum sw_agg_kind remote_kind;
	enum sw_agg_order remote_order;
	uint32_t remote_states;
	bool follow;
};

#define JOB_KEYS 16
/* A background collection's merge: the copy of the settings, and whether
 * the frame was built. */
struct bgjob {
	struct build_args a;
	struct sw_filter *filter; /* its own parse of the filter */
	struct sw_sortkey keys[JOB_KEYS];
	bool views;               /* build the views (the settings copied) */
	struct diag_thresholds thr; /* the diagnoses' thresholds then */
	bool merged;              /* the model was updated there ... */
	bool diagnosed;           /* ... and diagnosed */
	unsigned delay_ms;        /* SOCKWATCH_DEBUG_MERGE_DELAY_MS */
};

struct loop {
	const struct sw_options *o;
	struct sw_select sel;
	struct sw_collector *col;
	struct sw_model *model;
	struct sw_snapshot snap;
	struct ui *ui;
	struct sw_view all, conns;
	struct frame fr[2]; /* fr[fi] on screen */
	int fi;
	struct bgjob job;
	pthread_mutex_t model_mu; /* the model: the worker's while it merges */
	bool need_release; /* the model keeps the previous rows until shown */
	bool quitting;     /* cuts the debug merge delay short (atomic) */
	unsigned since_kick; /* views work asked since the collection began */
	struct churnsrc cs; /* connections closed between samples */
	struct churnsrc cs_old; /* the namespace before a switch: its closed
	                           rows are on screen until the next rebuild */
	bool have_cs_old;
	struct sw_churn_groups cg;
	uint64_t seq;
	uint64_t last_sample_ns, next_sample_ns;
	unsigned extras;  /* what sync_extras last asked for ... */
	bool extras_set;  /* ... once it has */
	size_t release_bytes; /* RELEASE_BYTES, or 0 (SOCKWATCH_DEBUG_RELEASE) */
	size_t lend_bytes;    /* LEND_BYTES, or SOCKWATCH_DEBUG_LEND_BYTES */
	char err[256];
	bool have_err;
	/* diagnoses, every sample */
	struct diag_thresholds thr;
	struct diag_state ds;
	struct diag_ns dns; /* -N all: each namespace diagnosed on its own */
	struct diag_list dls[2]; /* dls[di] on screen; the worker fills the other */
	int di;
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
	struct sw_model *retired; /* the model before a replay move or a namespace
	                             switch: the screen shows it until the next
	                             rebuild */
	/* collecting in the background */
	struct sampler *bg;   /* NULL: in this thread (a replay) */
	bool busy;            /* a collection is in flight: hands off L->col */
	bool landed;          /* a sample came in this turn: measure the refresh */
	uint64_t kick_ns;     /* when the last collection started */
	double eff;           /* the interval in effect (pace.h), seconds */
	double cost;          /* what the last refresh took, seconds */
	uint64_t landed_ns;   /* when the last collection was done */
	FILE *pace_log;       /* SOCKWATCH_DEBUG_PACE: one line per refresh */
	struct ui_action *deferred; /* SOCK_DESTROY waiting for the collector */
	size_t ndeferred, capdeferred;
};

#define LOOP_TOMB_TTL 3 /* refreshes a closed connection stays visible */
#define CHURN_WINDOW_S 10 /* seconds the Churn panel and the diagnoses count */
/* A sample taken in this thread (the first, a replay's): the recycled
 * snapshot whose records take more than this (~37k sockets) is freed
 * rather than kept for reuse, see sample().  The background collection
 * hands the previous snapshot's buffers to the next one instead
 * (model_release_prev_spare).  SOCKWATCH_DEBUG_RELEASE in the environment
 * frees them every time (tests run that path with a small population). */
#define RELEASE_BYTES (4u << 20)
/* A background collection borrows the tcp_info array of the rows on
 * screen when it takes at least this much (~380k TCP sockets) and no
 * column shown or sorted on reads it (the rates come from the model): one
 * array for both frames instead of two, 88 MB less at a million sockets.
 * Until the new frame lands those rows have no tcp_info (a details dialog
 * opened meanwhile says so).  SOCKWATCH_DEBUG_LEND_BYTES=N sets the size
 * (tests: a small population). */
#define LEND_BYTES (32u << 20)
/* q during a collection: how long to wait for it before leaving it to
 * finish on its own (the process exits meanwhile). */
#define QUIT_WAIT_MS 100
/* The header says a collection is running once it has run this long. */
#define COLLECTING_SHOW_MS 500

/* The monitor shows inet sockets unless protocols were chosen (-t -u -x
 * ...): a desktop has thousands of UNIX sockets nobody asked to watch. */
static uint32_t default_protos(const struct sw_options *o)
{
	if (o->sel.protos)
		return o->sel.protos;
	return SW_PROTO_ALL & ~SW_PROTO_BIT(SW_PROTO_UNIX);
}

/* Before a collection: the closures since the last sample, named with the
 * model it left. */
static void sample_begin(struct loop *L)
{
	churnsrc_before_sample(&L->cs, L->model);
	L->kick_ns = sw_mono_ns();
}

/* A sample came in (merged or not): its time, a replay's damage. */
static void land_begin(struct loop *L)
{
	L->last_sample_ns = L->landed_ns = sw_mono_ns();
	L->landed = true;
	const char *damage = L->ui ? histplay_warning(L->col) : NULL;
	if (damage)
		ui_status(L->ui, true, "%s", damage);
}

/* The model has the new sample: the closed connections, the diagnoses
 * (unless the collection thread made them: diagnosed), routes and
 * interfaces. */
static void land_tail(struct loop *L, bool diagnosed)
{
	churnsrc_after_sample(&L->cs, L->model);
	L->seq++;
	if (diagnosed)
		L->di = !L->di;
	else
		diagnose_run_ns(&L->dns, &L->ds, &L->thr, model_snapshot(L->model), &L->dls[L->di]);
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
}

/* After a collection in this thread: rc and L->err from collector_sample
 * into L->snap, merged here. */
static int sample_land(struct loop *L, int rc)
{
	land_begin(L);
	if (rc < 0) {
		L->have_err = true;
		return rc;
	}
	L->have_err = false;
	model_update(L->model, &L->snap);
	/* L->snap is now the previous sample, emptied, kept for its
	 * capacity.  Give it back after a spike (100k sockets, then 1k)
	 * rather than holding both buffers at the spike's size forever, and
	 * whenever it is big: then the views and diagnoses built next do not
	 * sit on top of two snapshots (peak RSS), for the price of faulting
	 * the pages in again at the next sample (~1 ms per 5 MB). */
	if (snapshot_oversized(&L->snap, model_snapshot(L->model)->nconns, L->release_bytes)) {
		snapshot_done(&L->snap);
		snapshot_init(&L->snap);
	}
	land_tail(L, false);
	return 0;
}

/* A whole sample in this thread (the first, a replay's). */
static int sample(struct loop *L)
{
	sample_begin(L);
	/* One tcp_info array for both snapshots: the current one's goes to
	 * the collector (after a failed sample the rows show none).  Not in
	 * the background: the rows on screen keep theirs meanwhile. */
	model_lend_tcpx(L->model, &L->snap);
	return sample_land(L, collector_sample(L->col, &L->snap, L->err, sizeof L->err));
}

/* Views and aggregates of the model's latest sample into F: everything
 * (LOOP_FULL) or what the UI's flags ask, with the settings a.  closed:
 * with the closed-connection rows (model_set_closed); the collection
 * thread leaves them to land(). */
static void build_frame(struct sw_model *m, const struct sw_select *sel, struct frame *F,
			unsigned what, const struct build_args *a, bool closed)
{
	bool full = what & LOOP_FULL;
	bool refilter = full || (what & UI_R_REFILTER);
	/* Unfiltered, the counts and the aggregates whose result does not
	 * depend on the order read the table's rows before they are sorted:
	 * in collection order each record and row state is read where it
	 * lies, not at random (at 100k sockets, a third of their time). */
	bool presort = refilter && !a->filter;
	if (presort) {
		model_view_rows(m, sel, NULL, closed, &F->conns);
	} else if (refilter) {
		model_view_ex(m, sel, a->filter, a->keys, a->nkeys, closed, &F->conns);
	}
	if (refilter) {
		/* Aggregates are over everything selected, not the filter. */
		if (a->filter)
			model_view_ex(m, sel, NULL, NULL, 0, closed, &F->all);
		F->filtered = a->filter != NULL;
		F->snap = model_snapshot(m);
		/* counted here, not on the screen's thread at a million rows */
		F->n_new = F->n_marked_new = F->n_closed = 0;
		for (size_t i = 0; i < F->conns.n; i++) {
			const struct sw_rowstat *rs = view_row(&F->conns, i).st;
			if (!rs)
				continue;
			if (rs->flags & SW_ROW_CLOSED)
				F->n_closed++;
			else {
				F->n_new += !!(rs->flags & SW_ROW_NEW);
				F->n_marked_new += !!(rs->flags & SW_ROW_MARKED_NEW);
			}
		}
		F->nlive = a->filter ? view_live(&F->all) : F->conns.n - F->n_closed;
	} else if (what & UI_R_RESORT) {
		view_sort(&F->conns, a->keys, a->nkeys);
	}
	bool regroup = refilter || F->follow != a->follow;
	F->follow = a->follow;
	const struct sw_view *all = F->filtered ? &F->all : &F->conns;
	/* The summary panels describe the filtered rows when they follow the
	 * filter; the header keeps the machine-wide totals. */
	const struct sw_view *pan = F->filtered && F->follow ? &F->conns : all;
	if (full) {
		agg_states(all, &F->states);
		agg_listeners(&F->listeners, all);
	}
	if (regroup && pan == all)
		F->pstates = F->states; /* the same rows: counted once per sample */
	else if (regroup)
		agg_states(pan, &F->pstates);
	if (regroup)
		agg_ns_states(F->snap, pan, &F->nsstates);
	bool group = regroup || (what & UI_R_REGROUP);
	/* client and server ends told apart by every listener */
	if (group)
		agg_listen_ports(&F->remotes, all);
	/* a destination's owners are named in the table's order, so that
	 * grouping waits for the sort; the others are counts */
	bool dest = a->remote_kind == SW_AGG_DEST;
	if (group && !dest)
		agg_group(&F->remotes, a->remote_kind, pan);
	if (presort)
		view_sort(&F->conns, a->keys, a->nkeys);
	if (group && dest)
		agg_group(&F->remotes, a->remote_kind, pan);
	if (group)
		agg_sort(&F->remotes, a->remote_order, a->remote_states);
}

/* In the collection thread, after a collection: the model updated
 * (keeping the rows on screen valid) and the next frame built. */
static void bg_merge(void *arg, struct sw_snapshot *snap)
{
	struct loop *L = arg;
	pthread_mutex_lock(&L->model_mu);
	for (unsigned ms = 0; ms < L->job.delay_ms && !__atomic_load_n(&L->quitting, __ATOMIC_RELAXED);
	     ms += 50)
		sw_sleep_ms(50);
	model_update_keep(L->model, snap);
	if (L->job.views)
		build_frame(L->model, &L->sel, &L->fr[!L->fi], LOOP_FULL, &L->job.a, false);
	/* The churn context is the last sample's (churn_sample runs when the
	 * frame lands, on the screen's thread, which owns that state). */
	diagnose_run_ns(&L->dns, &L->ds, &L->job.thr, model_snapshot(L->model), &L->dls[!L->di]);
	L->job.merged = L->job.diagnosed = true;
	pthread_mutex_unlock(&L->model_mu);
}

/* The settings the collection thread builds the next frame with: copies,
 * since the keys may change them meanwhile. */
static void job_prepare(struct loop *L)
{
	const struct ui_wants *w = ui_wants(L->ui);
	struct bgjob *j = &L->job;
	filter_free(j->filter);
	j->filter = NULL;
	j->merged = j->diagnosed = false;
	j->thr = L->thr;
	j->views = w->nkeys <= JOB_KEYS;
	if (w->filter) {
		struct sw_filter_error fe;
		memset(&fe, 0, sizeof fe);
		j->filter = filter_parse(w->filter_text, &fe);
		if (!j->filter)
			j->views = false; /* built here when it lands */
	}
	if (j->views)
		memcpy(j->keys, w->keys, w->nkeys * sizeof *j->keys);
	j->a = (struct build_args){j->filter, j->keys, j->views ? w->nkeys : 0, w->remote_kind,
				   w->remote_order, w->remote_states, w->follow};
}

/* Start a collection: in the background when there is one, else the whole
 * sample now.  Work flags for the loop. */
static unsigned collect(struct loop *L)
{
	if (!L->bg)
		return sample(L) == 0 ? LOOP_FULL : UI_R_REDRAW;
	sample_begin(L);
	job_prepare(L);
	L->since_kick = 0;
	const struct sw_snapshot *cur = model_snapshot(L->model);
	if (!ui_wants(L->ui)->need_tcpinfo && cur->ntcpx &&
	    cur->ntcpx * sizeof *cur->tcpx >= L->lend_bytes)
		model_lend_tcpx(L->model, &L->snap);
	sampler_start(L->bg, L->col, &L->snap, bg_merge, L);
	L->busy = true;
	return 0;
}

/* The background collection's fd polled readable: show what it built, or
 * merge what it brought.  Work flags for the loop, with the views work
 * asked for since it began (the frame was built with the settings then). */
static unsigned collect_landed(struct loop *L)
{
	int rc;
	if (!sampler_finish(L->bg, &L->snap, &rc, L->err, sizeof L->err))
		return 0;
	L->busy = false;
	unsigned since = L->since_kick;
	L->since_kick = 0;
	if (rc < 0 || !L->job.merged)
		return (sample_land(L, rc) == 0 ? LOOP_FULL : UI_R_REDRAW) | since;
	land_begin(L);
	L->have_err = false;
	L->need_release = true; /* once the new frame is on screen */
	if (L->job.views)
		L->fi = !L->fi;
	land_tail(L, L->job.diagnosed);
	return (L->job.views ? LOOP_MERGED : LOOP_FULL) | since;
}

/* A refresh was merged and drawn: how long it took from the start of the
 * collection sets the interval in effect and the next one's time. */
static void pace_refresh(struct loop *L, const struct ui_wants *w)
{
	L->landed = false;
	uint64_t now = sw_mono_ns();
	L->cost = (double)(now - L->kick_ns) / 1e9;
	if (L->pace_log) /* for bench/keylat.c: when a key met which phase */
		fprintf(L->pace_log, "%llu %llu %llu %zu\n", (unsigned long long)L->kick_ns,
			(unsigned long long)L->landed_ns, (unsigned long long)now,
			L->fr[L->fi].snap ? L->fr[L->fi].snap->nconns : 0);
	L->eff = pace_interval(w->interval, L->eff, L->cost);
	L->next_sample_ns = L->kick_ns + (uint64_t)(L->eff * 1e9);
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

/* The frame on screen: rebuild what changed (what: work flags), add the
 * closed-connection rows and churn groups to a frame the collection
 * thread built (LOOP_MERGED), give it to the UI. */
static void rebuild(struct loop *L, unsigned what)
{
	const struct ui_wants *w = ui_wants(L->ui);
	struct frame *F = &L->fr[L->fi];
	if ((what & LOOP_MERGED) && !(what & UI_R_REFILTER)) {
		const struct build_args *ja = &L->job.a;
		F->n_closed += model_view_add_closed(L->model, &L->sel, ja->filter, ja->keys,
						     ja->nkeys, &F->conns);
		if (F->filtered)
			model_view_add_closed(L->model, &L->sel, NULL, NULL, 0, &F->all);
	}
	struct build_args a = {w->filter, w->keys, w->nkeys, w->remote_kind,
			       w->remote_order, w->remote_states, w->follow};
	if (what & (LOOP_FULL | LOOP_VIEWS))
		build_frame(L->model, &L->sel, F, what & (LOOP_FULL | LOOP_VIEWS), &a, true);
	const struct sw_view *all = F->filtered ? &F->all : &F->conns;
	const struct sw_view *pan = F->filtered && F->follow ? &F->conns : all;
	if (w->churn && (what & (LOOP_NEW | LOOP_VIEWS)))
		churn_groups(L->cs.ch, w->churn_kind, &L->sel, pan == all ? NULL : w->filter,
			     w->churn_order, &L->cg);
	struct ui_data d = {
		.snap = F->snap,
		.conns = &F->conns,
		.nall = F->nlive,
		.n_new = F->n_new,
		.n_marked_new = F->n_marked_new,
		.n_closed = F->n_closed,
		.states = &F->states,
		.pstates = &F->pstates,
		.follows = pan != all,
		.remotes = &F->remotes,
		.listeners = &F->listeners,
		.sample_seq = L->seq,
		.error = L->have_err ? L->err : NULL,
		.diags = &L->dls[L->di],
		.net = L->have_net ? &L->net : NULL,
		.net_prev = L->have_net && L->have_net_prev ? &L->net_prev : NULL,
		.net_error = L->o->replay ? _("routes and interfaces are not part of a replay")
			     : !L->have_net && L->net_err[0] ? L->net_err : NULL,
		.marked = w->mark,
		.churn = churn_rates(L->cs.ch),
		.churn_groups = w->churn ? &L->cg : NULL,
		.churn_error = L->cs.err[0] ? L->cs.err : NULL,
		.nsstates = F->nsstates.n ? &F->nsstates : NULL,
	};
	ui_set_data(L->ui, &d);
	model_free(L->retired);
	L->retired = NULL;
	if (L->have_cs_old)
		churnsrc_close(&L->cs_old);
	L->have_cs_old = false;
	if (L->need_release) { /* the previous frame's rows are off screen */
		L->need_release = false;
		/* Its snapshot's buffers are the next collection's, and its
		 * views the next merge's: freeing them would not lower the
		 * peak (the collection and the merge make as much again) and
		 * cost every refresh the page faults of all of it, 10% of a
		 * refresh's CPU at 100k sockets. */
		if (L->release_bytes) {
			model_release_prev_spare(L->model, &L->snap);
		} else { /* SOCKWATCH_DEBUG_RELEASE: the path of the freed ones */
			model_release_prev(L->model, 0);
			view_done(&L->fr[!L->fi].conns);
			view_done(&L->fr[!L->fi].all);
		}
	}
}

static void run_action(struct loop *L, struct ui_action *a)
{
	int rc;
	if (a->kind == UI_ACT_SIGNAL) {
		rc = proc_signal_verified(a->pid, a->starttime, a->sig);
		if (rc == -EOWNERDEAD && proc_parent(a->pid, &a->zparent, a->zparent_comm) < 0)
			a->zparent = 0; /* the parent is gone too (init reaps it soon) */
	}
	else
		rc = collector_destroy_ns(L->col, &a->conn, a->ns_inode);
	ui_action_done(L->ui, a, rc);
}

/* Signals at once; SOCK_DESTROY goes through the collector's netlink
 * socket, so while a collection is in flight it waits for it to land. */
static void run_actions(struct loop *L)
{
	struct ui_action a;
	while (ui_next_action(L->ui, &a)) {
		if (a.kind == UI_ACT_DESTROY && L->busy) {
			L->deferred = xgrow(L->deferred, &L->capdeferred, L->ndeferred + 1,
					    sizeof *L->deferred);
			L->deferred[L->ndeferred++] = a;
		} else {
			run_action(L, &a);
		}
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

/* A new, empty model (a replay move, a namespace switch).  The screen
 * keeps showing the one its views were built from (L->retired) until the
 * first full rebuild on the new one frees it; a model made since and never
 * shown goes at once. */
static void renew_model(struct loop *L)
{
	if (L->retired)
		model_free(L->model);
	else
		L->retired = L->model;
	L->model = model_new();
	model_set_tombstone_ttl(L->model, L->changes ? LOOP_TOMB_TTL : 0);
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
	renew_model(L);
	L->mark_gen = w->mark_gen - 1; /* set again on the new model */
	diag_state_done(&L->ds);
	diag_state_init(&L->ds);
	diag_set_churn(&L->ds, L->cs.ch);
	if (histplay_back(L->col)) {
		churnsrc_hist_moved(&L->cs, L->model);
		sample(L);
		histplay_forward(L->col);
	} else {
		churnsrc_hist_moved(&L->cs, L->model); /* at the start: nothing before */
	}
}

/* The e key: the menu of namespace views (nsview.h). */
static void netns_menu(struct loop *L)
{
	if (L->o->replay) {
		ui_status(L->ui, true, "%s", _("A replay has no other network namespaces"));
		return;
	}
	nsview_refresh(&L->nsv, L->fr[L->fi].snap ? L->fr[L->fi].snap : model_snapshot(L->model));
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
	renew_model(L);
	L->mark_gen = ui_wants(L->ui)->mark_gen - 1; /* the mark: set again if on */
	diag_state_done(&L->ds);
	diag_state_init(&L->ds);
	diag_ns_done(&L->dns);
	diag_ns_init(&L->dns);
	/* the closed connections of the new view */
	double rows = churn_rows_window(L->cs.ch);
	if (L->have_cs_old)
		churnsrc_close(&L->cs); /* never shown */
	else
		L->cs_old = L->cs; /* shown with the retired model */
	L->have_cs_old = true;
	churnsrc_open(&L->cs, L->col, CHURN_WINDOW_S);
	churn_set_rows_window(L->cs.ch, rows);
	diag_set_churn(&L->ds, L->cs.ch);
	L->have_net = L->have_net_prev = false;
	ui_status(L->ui, false, _("Network namespace: %s (e: choose another)"), L->nsv.label);
}

/* ms from now until the monotonic time at (0: due). */
static int ms_until(uint64_t at, uint64_t now)
{
	return at > now ? (int)((at - now) / 1000000ULL) + 1 : 0;
}

/* Until the next sample is due; while one is collected, until the header
 * says so (then the sampler's fd ends the wait). */
static int poll_timeout(struct loop *L)
{
	const struct ui_wants *w = ui_wants(L->ui);
	int t = -1;
	uint64_t now = sw_mono_ns();
	if (L->busy) {
		uint64_t show = L->kick_ns + COLLECTING_SHOW_MS * 1000000ULL;
		if (now < show)
			t = ms_until(show, now);
	} else if (!w->paused) {
		t = ms_until(L->next_sample_ns, now);
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

/* What the keys asked of the collector, now that no collection is in
 * flight: a namespace switch (chosen in e's menu), the sockets to close.  Work flags. */
static unsigned idle_work(struct loop *L, const struct ui_wants *w)
{
	unsigned f = 0;
	if (w->netns_pick_gen != L->netns_pick_gen) {
		L->netns_pick_gen = w->netns_pick_gen;
		switch_netns(L, w->netns_pick);
	}
	for (size_t i = 0; i < L->ndeferred; i++)
		run_action(L, &L->deferred[i]);
	if (L->ndeferred)
		f |= UI_R_RECOLLECT;
	L->ndeferred = 0;
	if (sync_extras(L, w))
		f |= UI_R_RECOLLECT; /* a column or the filter needs other data */
	return f;
}

/* The header: the interval in effect, and a collection running long. */
static void show_pace(struct loop *L, const struct ui_wants *w)
{
	uint64_t now = sw_mono_ns();
	struct ui_pace p = {
		.interval = L->eff > w->interval ? L->eff : w->interval,
		.cost = L->cost,
		.collecting = L->busy && now - L->kick_ns >= COLLECTING_SHOW_MS * 1000000ULL,
	};
	ui_set_pace(L->ui, &p);
}

/* Merge and rebuild what changed; after a new sample, measure the refresh
 * (pace.h).  pending: work flags. */
static void refresh_views(struct loop *L, unsigned pending)
{
	/* While a collection is in flight the model is the worker's once it
	 * merges: what needs the model then waits for the new frame. */
	bool locked = L->busy && pthread_mutex_trylock(&L->model_mu) == 0;
	if (locked && L->job.merged) { /* it holds the next sample already */
		pthread_mutex_unlock(&L->model_mu);
		locked = false;
	}
	if (!L->busy || locked)
		pending |= apply_marks(L);
	/* after a namespace switch the views, panels and rows on screen are
	 * the retired model's until the new one has a sample: all of it */
	if (L->retired && !(pending & LOOP_NEW))
		pending = 0;
	if (L->busy) {
		/* the next frame is built with the settings of the kick */
		L->since_kick |= pending & LOOP_VIEWS;
		if ((pending & UI_R_REFILTER) && !locked)
			pending &= ~(unsigned)UI_R_REFILTER; /* the rows on screen: sorted, regrouped */
		if (pending & LOOP_VIEWS)
			rebuild(L, pending & LOOP_VIEWS);
		if (locked)
			pthread_mutex_unlock(&L->model_mu);
		return;
	}
	if (pending & (LOOP_NEW | LOOP_VIEWS))
		rebuild(L, pending);
	else if (L->have_err && (pending & UI_R_REDRAW))
		rebuild(L, 0);
	if (L->landed)
		pace_refresh(L, ui_wants(L->ui));
}

/* Rebuild what changed, collect when due or asked (and no collection is
 * in flight), draw.  pending: work flags; what is left for the next turn
 * comes back. */
static unsigned turn(struct loop *L, unsigned pending)
{
	const struct ui_wants *w = ui_wants(L->ui);
	refresh_views(L, pending & ~(unsigned)UI_R_RECOLLECT);
	pending &= UI_R_RECOLLECT;
	if (!L->busy) {
		pending |= idle_work(L, w);
		bool due = !w->paused && sw_mono_ns() >= L->next_sample_ns;
		if (due || (pending & UI_R_RECOLLECT)) {
			if (!due)
				histplay_hold(L->col);
			pending = 0;
			refresh_views(L, collect(L)); /* in this thread: here already */
		}
	}
	show_pace(L, w);
	ui_draw(L->ui);
	return pending; /* asked while busy: once it lands */
}

static int run(struct loop *L)
{
	unsigned pending = LOOP_FULL;
	const struct ui_wants *w = ui_wants(L->ui);
	/* the first sample (before the screen) asked for everything: the
	 * next asks for what the screen shows (no extra sample for that) */
	sync_extras(L, w);
	/* The first sample built the process map from nothing: not what a
	 * refresh costs.  The next one, in the background, says. */
	L->landed = false;
	L->eff = w->interval;
	L->next_sample_ns = L->kick_ns + (uint64_t)(L->eff * 1e9);
	for (;;) {
		pending = turn(L, pending);

		struct pollfd fds[4] = {{.fd = STDIN_FILENO, .events = POLLIN}};
		nfds_t nfds = 1;
		int rfd = ui_poll_fd(L->ui);
		if (rfd >= 0)
			fds[nfds++] = (struct pollfd){.fd = rfd, .events = POLLIN};
		nfds_t sfd = 0;
		if (L->busy) {
			sfd = nfds;
			fds[nfds++] = (struct pollfd){.fd = sampler_fd(L->bg), .events = POLLIN};
		}
		int timeout = poll_timeout(L);
		nfds_t efd = events_poll(L, fds, &nfds, &timeout);
		int r = poll(fds, nfds, timeout);
		if (ui_quit_signal())
			return 0;
		if (r < 0 && errno != EINTR)
			return 1;
		/* r < 0 (EINTR): a signal such as SIGWINCH, read below */
		if (r > 0 && efd && (fds[efd].revents & POLLIN)) {
			churnsrc_drain(&L->cs); /* into the pending buffer */
			if (--r == 0)
				continue;
		}
		if (r > 0 && sfd && (fds[sfd].revents & POLLIN)) {
			pending |= collect_landed(L);
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
		if (w->thr_gen != L->thr_gen && w->thr) {
			L->thr = *w->thr; /* changed in the setup screen */
			L->thr_gen = w->thr_gen;
		}
		if (f & UI_R_TIMER) { /* a new interval asked for: measured again */
			L->eff = pace_interval(w->interval, w->interval, L->cost);
			L->next_sample_ns = L->kick_ns + (uint64_t)(L->eff * 1e9);
		}
		if (f & UI_R_ACTION) {
			run_actions(L);
			f |= UI_R_RECOLLECT;
		}
		if (w->netns_gen != L->netns_gen) { /* the menu: at once */
			L->netns_gen = w->netns_gen;
			netns_menu(L);
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
	/* One heap for the collector thread too: its own arena kept ~18 MB
	 * more at 100k sockets (peak RSS, bench/keylat.c), and it mallocs
	 * little (its big arrays are mmapped). */
	mallopt(M_ARENA_MAX, 1);
#endif
	L.release_bytes = getenv("SOCKWATCH_DEBUG_RELEASE") ? 0 : RELEASE_BYTES;
	const char *lend = getenv("SOCKWATCH_DEBUG_LEND_BYTES");
	L.lend_bytes = lend && *lend ? (size_t)strtoull(lend, NULL, 10) : LEND_BYTES;
	const char *plog = getenv("SOCKWATCH_DEBUG_PACE");
	if (plog && *plog && (L.pace_log = fopen(plog, "ae")))
		setvbuf(L.pace_log, NULL, _IOLBF, 0);
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
	diag_list_init(&L.dls[0]);
	diag_list_init(&L.dls[1]);
	netinfo_init(&L.net);
	netinfo_init(&L.net_prev);
	snapshot_init(&L.snap);
	for (int i = 0; i < 2; i++) {
		agg_init(&L.fr[i].remotes);
		listeners_init(&L.fr[i].listeners);
	}
	pthread_mutex_init(&L.model_mu, NULL);
	/* each background merge holds the model this much longer (tests see
	 * keys answered while the worker merges) */
	L.job.delay_ms = sw_env_ms("SOCKWATCH_DEBUG_MERGE_DELAY_MS");
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
	/* live: collect in the background from now on (a replay moves its
	 * reader with the time keys, in this thread) */
	if (!o->replay)
		L.bg = sampler_new();
	rc = run(&L);
	ui_free(L.ui);
	/* a collection in flight: a recording must end with a whole sample;
	 * otherwise it is left to finish on its own while the process exits */
	__atomic_store_n(&L.quitting, true, __ATOMIC_RELAXED);
	if (L.bg && !sampler_stop(L.bg, o->record ? -1 : QUIT_WAIT_MS, L.col))
		L.col = NULL;
out:
	if (warns && warns[0])
		fputs(warns, stderr);
	free(warns);
	for (int i = 0; i < 2; i++) {
		view_done(&L.fr[i].conns);
		view_done(&L.fr[i].all);
		agg_done(&L.fr[i].remotes);
		listeners_done(&L.fr[i].listeners);
		agg_ns_done(&L.fr[i].nsstates);
	}
	filter_free(L.job.filter);
	pthread_mutex_destroy(&L.model_mu);
	snapshot_done(&L.snap);
	model_free(L.model);
	model_free(L.retired);
	diag_list_done(&L.dls[0]);
	diag_list_done(&L.dls[1]);
	diag_state_done(&L.ds);
	diag_ns_done(&L.dns);
	netinfo_done(&L.net);
	netinfo_done(&L.net_prev);
	churn_groups_done(&L.cg);
	churnsrc_close(&L.cs);
	if (L.have_cs_old)
		churnsrc_close(&L.cs_old);
	collector_free(L.col);
	nsview_done(&L.nsv);
	free(L.deferred);
	if (L.pace_log)
		fclose(L.pace_log);
	return rc;
}
