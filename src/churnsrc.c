/* SPDX-License-Identifier: GPL-2.0-or-later */
/* churnsrc.c - destroy events into the churn model (see churnsrc.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "churnsrc.h"
#include "collect/histdir.h"
#include "core/i18n.h"
#include "core/util.h"

struct open_ctx {
	struct sockevents *ev;
	int err;
};

static void open_fn(void *a)
{
	struct open_ctx *o = a;
	o->err = sockevents_open(0, &o->ev);
}

/* SOCKWATCH_DEBUG_EVENTS_ERRNO=EPERM (or EACCES, EPROTONOSUPPORT) makes
 * the open fail as that error would: tests check the degraded path with
 * it, since no kernel of ours refuses. */
static int debug_errno(void)
{
	const char *e = getenv("SOCKWATCH_DEBUG_EVENTS_ERRNO");
	if (!e || !*e)
		return 0;
	if (!strcmp(e, "EPERM"))
		return -EPERM;
	if (!strcmp(e, "EACCES"))
		return -EACCES;
	if (!strcmp(e, "EPROTONOSUPPORT"))
		return -EPROTONOSUPPORT;
	return -EINVAL;
}

#define NO_EVENTS_RECORDED _("the recording has no close events (recorded without them)")

void churnsrc_open(struct churnsrc *cs, const struct sw_collector *col, double window_s)
{
	memset(cs, 0, sizeof *cs);
	cs->ch = churn_new();
	churn_set_window(cs->ch, window_s);
	snapshot_init(&cs->pending);
	cs->pending.detail = false;
	if (collector_history(col)) {
		cs->hist = col;
		cs->ok = true; /* each sample says (hist_events) */
		return;
	}
	if (collector_replaying(col)) {
		snprintf(cs->err, sizeof cs->err, "%s",
			 _("closed connections are not part of a replay"));
		return;
	}
	if (collector_all_netns(col)) {
		/* events of one namespace among many would count only its
		 * closures: the sample deltas count every namespace's */
		snprintf(cs->err, sizeof cs->err, "%s",
			 _("close events are read in one namespace at a time (not with -N all)"));
		return;
	}
	struct open_ctx oc = {NULL, debug_errno()};
	if (!oc.err) {
		int r = collect_in_netns(collector_netns_fd(col), open_fn, &oc);
		if (r < 0 && !oc.err)
			oc.err = r;
	}
	if (oc.err < 0) {
		sockevents_close(oc.ev);
		snprintf(cs->err, sizeof cs->err, _("no connection close events: %s"),
			 sockevents_strerror(oc.err));
		return;
	}
	cs->ev = oc.ev;
	cs->ok = true;
}

void churnsrc_close(struct churnsrc *cs)
{
	sockevents_close(cs->ev);
	churn_free(cs->ch);
	snapshot_done(&cs->pending);
	memset(cs, 0, sizeof *cs);
}

int churnsrc_fd(const struct churnsrc *cs)
{
	return cs->ev ? sockevents_fd(cs->ev) : -1;
}

int churnsrc_wait_ms(const struct churnsrc *cs, uint64_t now_ns)
{
	uint64_t due = cs->last_drain_ns + CHURNSRC_DRAIN_MS * 1000000ull;
	return now_ns >= due ? 0 : (int)((due - now_ns) / 1000000ull) + 1;
}

void churnsrc_drain(struct churnsrc *cs)
{
	if (!cs->ev)
		return;
	cs->last_drain_ns = sw_mono_ns();
	for (;;) {
		size_t before = cs->pending.nconns;
		int n = sockevents_read(cs->ev, &cs->pending);
		if (n < 0) {
			snprintf(cs->err, sizeof cs->err, _("connection close events failed: %s"),
				 strerror(-n));
			sockevents_close(cs->ev);
			cs->ev = NULL;
			cs->ok = false;
			return;
		}
		if (cs->pending.nconns > CHURNSRC_MAX_PENDING) {
			cs->overflow += cs->pending.nconns - CHURNSRC_MAX_PENDING;
			cs->pending.nconns = CHURNSRC_MAX_PENDING;
		}
		if (n < SOCKEVENTS_MAX_READ || cs->pending.nconns == before)
			return;
	}
}

static int64_t real_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Replaying a history: the events recorded with the next sample (not
 * twice when the same sample comes again: a filter asking for other data,
 * a pause). */
static void hist_events(struct churnsrc *cs, const struct sw_model *m)
{
	int r = collector_history_events(cs->hist, &cs->pending, &cs->hist_dropped);
	cs->ok = r > 0;
	if (r > 0)
		cs->err[0] = '\0';
	else
		snprintf(cs->err, sizeof cs->err, "%s", NO_EVENTS_RECORDED);
	bool again = r > 0 && cs->pending.mono_ns == cs->hist_ev_ns;
	if (r > 0)
		cs->hist_ev_ns = cs->pending.mono_ns;
	if (r > 0 && cs->pending.mono_ns < cs->hist_ns) { /* moved back: afresh */
		churn_reset(cs->ch);
		cs->hist_ns = cs->pending.mono_ns;
	}
	if (r > 0 && !again && cs->pending.nconns)
		churn_add_events(cs->ch, &cs->pending, 0, m, cs->pending.mono_ns,
				 cs->pending.real_sec * 1000);
	snapshot_clear(&cs->pending);
}

struct prefeed {
	struct churnsrc *cs;
	const struct sw_model *m;
};

static void prefeed_one(const struct sw_snapshot *ev, void *arg)
{
	struct prefeed *pf = arg;
	churn_add_events(pf->cs->ch, ev, 0, pf->m, ev->mono_ns, ev->real_sec * 1000);
	pf->cs->hist_ns = pf->cs->hist_ev_ns = ev->mono_ns;
}

void churnsrc_hist_moved(struct churnsrc *cs, const struct sw_model *m)
{
	if (!cs->hist)
		return;
	churn_reset(cs->ch);
	cs->hist_ns = cs->hist_ev_ns = 0;
	struct histr *h = collector_history(cs->hist);
	const struct sw_snapshot *cur = h ? histr_current(h) : NULL;
	if (!cur)
		return;
	double w = churn_window(cs->ch);
	if (churn_rows_window(cs->ch) > w)
		w = churn_rows_window(cs->ch);
	struct prefeed pf = {cs, m};
	histr_events_since(h, cur->real_sec - (int64_t)w - 1, prefeed_one, &pf);
}

void churnsrc_before_sample(struct churnsrc *cs, const struct sw_model *m)
{
	if (cs->hist) {
		hist_events(cs, m);
		return;
	}
	churnsrc_drain(cs);
	if (cs->pending.nconns)
		churn_add_events(cs->ch, &cs->pending, 0, m, sw_mono_ns(), real_ms());
	snapshot_clear(&cs->pending);
}

uint64_t churnsrc_dropped(const struct churnsrc *cs)
{
	if (cs->hist)
		return cs->hist_dropped;
	uint64_t d = cs->overflow;
	if (cs->ev) {
		struct sockevents_stats st;
		sockevents_stats(cs->ev, &st);
		d += st.dropped ? st.dropped : st.overruns;
	}
	return d;
}

void churnsrc_after_sample(struct churnsrc *cs, struct sw_model *m)
{
	if (cs->hist) { /* a move back in time: start afresh (forward, the
			   window forgets what is before it) */
		uint64_t t = model_snapshot(m)->mono_ns;
		if (t < cs->hist_ns)
			churn_reset(cs->ch);
		cs->hist_ns = t;
	}
	churn_sample(cs->ch, m, churnsrc_dropped(cs), cs->ok);
	model_set_closed(m, churn_records(cs->ch), churn_rowstats(cs->ch), churn_protos(cs->ch));
}
