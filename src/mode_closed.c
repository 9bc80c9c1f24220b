/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mode_closed.c - `sockwatch --closed [FILTER]`: every connection as it
 * closes, however short, like tcplife but from the kernel's sock_diag
 * destroy events instead of eBPF: one table row (time, PID/program and how
 * it was named, local and remote ends, the state a sample last saw,
 * lifetime, bytes) or with --json one JSON line per connection.
 *
 * The events are drained whenever they arrive (poll, at most every
 * CHURNSRC_DRAIN_MS) and printed then; a sample every -d SEC (default 1)
 * only teaches the churn model the owners: the sockets' processes, the
 * listening ports and the destinations programs connect to.  -n COUNT
 * stops after COUNT connections; -t -u -4 -6 and the filter choose which.
 * Without the events there is nothing to stream: the reason, exit 1.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "churnsrc.h"
#include "collect/collect.h"
#include "core/filter.h"
#include "core/i18n.h"
#include "core/model.h"
#include "core/util.h"
#include "frame.h"
#include "modes.h"
#include "output/churn_out.h"

struct closed {
	const struct sw_options *o;
	struct sw_filter *f;
	struct sw_select sel;
	struct churnsrc cs;
	struct sw_model *m;
	bool sampled;       /* m holds a sample */
	uint64_t seen_seq;  /* records up to this one are done */
	long printed;
	bool done;
	int rc;
};

/* Print the records added since the last call that pass the selection
 * and the filter.  False when done (-n COUNT reached, a write failed). */
static bool print_new(struct closed *k)
{
	const struct sw_snapshot *r = churn_records(k->cs.ch);
	const struct sw_closed *mt = churn_closed(k->cs.ch);
	size_t i = r->nconns;
	while (i > 0 && mt[i - 1].seq > k->seen_seq)
		i--;
	int w = 0;
	for (; i < r->nconns && !k->done && w >= 0; i++) {
		k->seen_seq = mt[i].seq;
		const struct sw_conn *c = &r->conns[i];
		/* a TCP socket without a peer (a listener, one that never
		 * connected) was no connection */
		bool peerless = c->proto == SW_PROTO_TCP && c->remote.port == 0;
		if (peerless || !select_match(&k->sel, c) || (k->f && !filter_match(k->f, r, c)))
			continue;
		w = k->o->want_json ? out_closed_json(stdout, k->cs.ch, i)
				    : out_closed_row(stdout, k->cs.ch, i);
		if (w >= 0 && k->o->count_set && k->o->count && ++k->printed >= k->o->count)
			k->done = true;
	}
	if (w >= 0 && fflush(stdout) != 0)
		w = -(errno ? errno : EIO);
	if (w < 0) { /* EPIPE (`| head`): quietly done */
		k->rc = frame_write_failed(w);
		k->done = true;
	}
	return !k->done;
}

/* Events the kernel dropped since the last sample: said on stderr, and
 * with --json as a line of its own ({"lost":N,...}); those connections
 * come from the samples' differences instead (source "snapshot"). */
static void say_lost(struct closed *k)
{
	const struct sw_churn_rates *rt = churn_rates(k->cs.ch);
	if (!rt->lost)
		return;
	fprintf(stderr, _("sockwatch: the kernel dropped %llu connection close events "
			  "(%llu in all); those connections are taken from the samples\n"),
		(unsigned long long)rt->lost, (unsigned long long)rt->lost_total);
	if (k->o->want_json)
		printf("{\"lost\":%llu,\"lost_total\":%llu}\n", (unsigned long long)rt->lost,
		       (unsigned long long)rt->lost_total);
}

/* After each drain: attribute what came and print it. */
static bool on_drained(void *arg)
{
	struct closed *k = arg;
	churnsrc_before_sample(&k->cs, k->sampled ? k->m : NULL);
	return print_new(k);
}

/* One sample: owners for the records to come. */
static int sample(struct closed *k, struct sw_collector *col, struct sw_snapshot *snap)
{
	char err[256] = "";
	churnsrc_before_sample(&k->cs, k->sampled ? k->m : NULL);
	if (collector_sample(col, snap, err, sizeof err) < 0) {
		frame_sample_failed(err);
		return 1;
	}
	model_update(k->m, snap);
	k->sampled = true;
	churnsrc_after_sample(&k->cs, k->m);
	say_lost(k);
	print_new(k);
	return 0;
}

static int stream(struct closed *k, struct sw_collector *col)
{
	struct sw_snapshot snap;
	snapshot_init(&snap);
	uint64_t step = (uint64_t)(k->o->delay * 1e9), next = sw_mono_ns();
	int rc = 0;
	if (!k->o->want_json && !k->o->no_header && out_closed_header(stdout) == 0 &&
	    fflush(stdout) != 0)
		k->done = true; /* the reader is gone already */
	while (!k->done && !frame_stop && !(rc = sample(k, col, &snap))) {
		next += step;
		uint64_t now = sw_mono_ns();
		if (next < now)
			next = now;
		if (!frame_wait_draining(next, &k->cs, on_drained, k))
			break;
	}
	snapshot_done(&snap);
	return rc ? rc : k->rc;
}

static struct sw_collector *open_collector(const struct closed *k)
{
	struct sw_collect_opts co;
	frame_collect_opts(&co, k->o);
	uint32_t inet = SW_PROTO_BIT(SW_PROTO_TCP) | SW_PROTO_BIT(SW_PROTO_UDP);
	co.protos = k->sel.protos & inet ? k->sel.protos & inet : inet;
	co.inet4 = k->sel.inet4;
	co.inet6 = k->sel.inet6;
	co.procs = true; /* the owners are what the samples are for */
	return frame_collector_new(&co, NULL);
}

int mode_closed_run(const struct sw_options *o)
{
	struct closed k;
	memset(&k, 0, sizeof k);
	k.o = o;
	k.sel = o->sel;
	k.sel.states = 0; /* closed records are in CLOSE, or as last seen */
	if (o->filter && !(k.f = frame_filter_parse(o->filter, FRAME_FILTER_INVALID)))
		return 2;
	struct sw_collector *col = open_collector(&k);
	if (!col) {
		filter_free(k.f);
		return 1;
	}
	double win = o->delay * 2 > 2 ? o->delay * 2 : 2;
	churnsrc_open(&k.cs, col, win);
	int rc = 1;
	if (!k.cs.ok) {
		fprintf(stderr, "sockwatch: %s\n", k.cs.err);
		fprintf(stderr, _("sockwatch: --closed prints the kernel's connection close "
				  "events: without them there is nothing to show\n"));
	} else {
		frame_catch_signals();
		static char obuf[1 << 16];
		setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
		k.m = model_new();
		model_set_tombstone_ttl(k.m, 0);
		rc = stream(&k, col);
		model_free(k.m);
	}
	churnsrc_close(&k.cs);
	collector_free(col);
	filter_free(k.f);
	return rc;
}
