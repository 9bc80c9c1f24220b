/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mode_batch.c - `sockwatch -b`: collector -> model -> view -> output, once or
 * every -d SEC for -n COUNT samples.
 *
 * Selection (the habits of netstat -antp users):
 *  - without -a/-l and without a filter: LISTEN and unconnected
 *    (CLOSE/UNCONN) sockets are hidden.  A filter expression already says
 *    what is wanted, so with one every state can match: `sockwatch -b
 *    :3306` shows the listener and its connections, as `lsof -i :3306`
 *    does.  Unlike ss, TIME_WAIT and SYN_RECV are shown, as netstat shows
 *    them (`netstat -n | grep SYN_REC`).
 *  - -l: LISTEN and unconnected sockets only; -a: everything.
 *  - -s (summary) counts every state unless -l is given.
 * Processes are mapped when they are shown or used: -p, the pid/process/
 * cmdline columns or sort keys, proc/comm/pid in the filter, the summary
 * (per-process table) and JSON (which always carries "processes").
 * Kernel settings/counters are read for JSON and the summary.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "churnsrc.h"
#include "collect/collect.h"
#include "core/columns.h"
#include "core/filter.h"
#include "core/i18n.h"
#include "core/diagnose.h"
#include "core/model.h"
#include "core/util.h"
#include "frame.h"
#include "modes.h"
#include "options.h"
#include "output/churn_out.h"
#include "output/diag_out.h"
#include "output/output.h"

/* --json: the "diagnoses" member, diagnosed at every sample. */
struct batch_diag {
	struct diag_thresholds t;
	struct diag_state st;
	struct diag_ns dns; /* -N all: per namespace */
	struct diag_list dl;
};

static int diag_init(struct batch_diag *d, const struct sw_options *o)
{
	diag_state_init(&d->st);
	diag_ns_init(&d->dns);
	diag_list_init(&d->dl);
	return frame_thresholds(o, &d->t, NULL, stderr);
}

/* Diagnose s (into the "diagnoses" member). */
static void diag_json(struct batch_diag *d, const struct sw_snapshot *s)
{
	diagnose_run_ns(&d->dns, &d->st, &d->t, s, &d->dl);
}

static void diag_done(struct batch_diag *d)
{
	diag_list_done(&d->dl);
	diag_state_done(&d->st);
	diag_ns_done(&d->dns);
}

static void list_columns(FILE *fp)
{
	fputs(_("Known columns:"), fp);
	for (int i = 0; i < SW_COL_COUNT; i++)
		fprintf(fp, "%s%s", i ? ", " : " ", column_get((enum sw_col_id)i)->name);
	fputc('\n', fp);
}

/* Does the filter text use a word (case-insensitive, whole word)? */
static bool filter_uses(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = text; p && *p; p++) {
		if (strncasecmp(p, word, n) != 0)
			continue;
		bool before = p == text || !isalnum((unsigned char)p[-1]);
		bool after = !isalnum((unsigned char)p[n]) && p[n] != '_';
		if (before && after)
			return true;
	}
	return false;
}

struct batch {
	const struct sw_options *o;
	struct sw_filter *filter;
	enum sw_col_id cols[SW_COL_COUNT];
	int ncols;
	struct sw_sortkey keys[SW_COL_COUNT];
	size_t nkeys;
	struct sw_select sel;
	bool procs;
	bool kstat;
	bool tcpinfo;
	bool repeat; /* -n COUNT other than 1: timestamps between the tables */
	struct batch_diag *diag; /* --json: the "diagnoses" member */
	struct churnsrc *churn;  /* repeated runs: closed connections */
};

/* Options of the churn outputs. */
static struct out_churn_opts churn_opts(const struct batch *b)
{
	struct out_churn_opts co = {
		.top = b->o->summary_top,
		.sel = &b->sel,
		.f = b->filter,
		.events_ok = b->churn->ok,
		.events_error = b->churn->err,
	};
	return co;
}

/* --json's extra members: "diagnoses", then "churn". */
static void json_extra(FILE *fp, void *arg)
{
	const struct batch *b = arg;
	if (b->diag)
		out_diagnoses_json_member(fp, &b->diag->dl);
	if (b->churn) {
		struct out_churn_opts co = churn_opts(b);
		out_churn_json_member(fp, b->churn->ch, &co);
	}
}

/* The terminal's width for -s (80 when stdout is not one). */
static int out_width(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	int w = c ? atoi(c) : 0;
	return w > 0 ? w : 80;
}

static void add_col(struct batch *b, enum sw_col_id id)
{
	for (int i = 0; i < b->ncols; i++)
		if (b->cols[i] == id)
			return;
	if (b->ncols < SW_COL_COUNT)
		b->cols[b->ncols++] = id;
}

/* Parse options into b; returns 0 or an exit code (2: usage). */
static int setup(struct batch *b, const struct sw_options *o)
{
	memset(b, 0, sizeof *b);
	b->o = o;
	if (o->filter && !(b->filter = frame_filter_parse(o->filter, FRAME_FILTER_INVALID)))
		return 2;
	if (o->columns) {
		bool desc[SW_COL_COUNT];
		int bad = 0;
		int n = column_parse_list(o->columns, b->cols, desc, SW_COL_COUNT, &bad);
		for (int i = 0; i < n; i++)
			if (desc[i]) {
				fprintf(stderr, _("sockwatch: '-' (descending) belongs in --sort, "
						  "not in --columns\n"));
				sw_show_caret(stderr, o->columns, (int)(strchr(o->columns, '-') - o->columns));
				return 2;
			}
		if (n <= 0) {
			fprintf(stderr, _("sockwatch: invalid --columns list\n"));
			sw_show_caret(stderr, o->columns, bad);
			list_columns(stderr);
			return 2;
		}
		b->ncols = n;
	} else {
		static const enum sw_col_id base[] = {
			SW_COL_PROTO, SW_COL_STATE, SW_COL_RECVQ, SW_COL_SENDQ,
			SW_COL_LOCAL, SW_COL_REMOTE,
		};
		if (o->netns && strcmp(o->netns, "all") == 0)
			add_col(b, SW_COL_NETNS); /* whose socket it is comes first */
		for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
			add_col(b, base[i]);
		if (o->extended) {
			add_col(b, SW_COL_UID);
			add_col(b, SW_COL_INODE);
			add_col(b, SW_COL_COOKIE);
		}
		if (o->timers)
			add_col(b, SW_COL_TIMER);
		if (o->info) {
			static const enum sw_col_id info[] = {
				SW_COL_RTT, SW_COL_CWND, SW_COL_RETRANS, SW_COL_BYTES_ACKED,
				SW_COL_BYTES_RECV, SW_COL_DELIVERY_RATE, SW_COL_CONG,
			};
			for (size_t i = 0; i < sizeof info / sizeof info[0]; i++)
				add_col(b, info[i]);
			/* rates need two samples: only when repeating */
			if (o->count_set && o->count != 1) {
				add_col(b, SW_COL_RX_RATE);
				add_col(b, SW_COL_TX_RATE);
			}
		}
		if (o->procs)
			add_col(b, SW_COL_PID);
	}
	if (o->sort) {
		enum sw_col_id ids[SW_COL_COUNT];
		bool desc[SW_COL_COUNT];
		int bad = 0;
		int n = column_parse_list(o->sort, ids, desc, SW_COL_COUNT, &bad);
		if (n <= 0) {
			fprintf(stderr, _("sockwatch: invalid --sort list\n"));
			sw_show_caret(stderr, o->sort, bad);
			list_columns(stderr);
			return 2;
		}
		for (int i = 0; i < n; i++) {
			b->keys[i].col = (int)ids[i];
			b->keys[i].desc = desc[i];
		}
		b->nkeys = (size_t)n;
	} else {
		b->keys[0].col = SW_COL_PROTO;
		b->keys[1].col = SW_COL_LOCAL;
		b->keys[2].col = SW_COL_REMOTE;
		b->nkeys = 3;
	}

	/* What to ask of the collector. */
	unsigned needs = columns_needs(b->cols, o->mode == SW_MODE_TABLE ? (size_t)b->ncols : 0,
				       b->keys, b->nkeys);
	b->procs = o->procs || o->pids || o->mode != SW_MODE_TABLE || (needs & SW_NEED_PROCS);
	b->repeat = o->count_set && o->count != 1;
	if (o->filter)
		b->procs |= filter_uses(o->filter, "proc") || filter_uses(o->filter, "comm") ||
			    filter_uses(o->filter, "pid");
	b->kstat = o->mode != SW_MODE_TABLE;
	/* tcp_info costs a third of the kernel dump and most of the memory:
	 * ask for it only when something shows it (JSON and the summary do). */
	b->tcpinfo = o->mode != SW_MODE_TABLE ||
		     (needs & (SW_NEED_TCPINFO | SW_NEED_CONG | SW_NEED_MEM));

	/* Default state selection. */
	b->sel = o->sel;
	if (o->listening && !o->all)
		b->sel.states = SW_STATE_BIT(SW_ST_LISTEN) | SW_STATE_BIT(SW_ST_CLOSE);
	else if (o->all || o->want_summary ||
		 !sw_blank(o->filter))
		b->sel.states = 0;
	else
		b->sel.states = SW_STATE_ALL &
				~(SW_STATE_BIT(SW_ST_LISTEN) | SW_STATE_BIT(SW_ST_CLOSE));
	return 0;
}

static struct sw_collector *open_collector(const struct batch *b)
{
	const struct sw_options *o = b->o;
	struct sw_collect_opts co;
	uint32_t fstates = SW_STATE_ALL, fprotos = SW_PROTO_ALL;
	filter_hints(b->filter, &fstates, &fprotos);
	frame_collect_opts(&co, o);
	uint32_t protos = (b->sel.protos ? b->sel.protos : SW_PROTO_ALL) & fprotos;
	co.protos = protos ? protos : b->sel.protos;
	uint32_t states = (b->sel.states ? b->sel.states : SW_STATE_ALL) & fstates;
	co.states = states == SW_STATE_ALL ? 0 : states ? states : b->sel.states;
	/* the summary tells client ends from server ends by the listening
	 * ports: the listeners come along whatever the filter's states */
	if (co.states && o->want_summary)
		co.states |= SW_STATE_BIT(SW_ST_LISTEN) | SW_STATE_BIT(SW_ST_CLOSE);
	if (b->diag) { /* diagnoses need every TCP socket, listeners too */
		co.states = 0;
		if (co.protos)
			co.protos |= SW_PROTO_BIT(SW_PROTO_TCP);
	}
	/* bound-only TCP sockets: as ss, not for -a or -l alone; a filter
	 * expression (sockwatch -b :3306, like lsof -i :3306) may match them */
	co.bound = !sw_blank(o->filter);
	co.inet4 = o->sel.inet4;
	co.inet6 = o->sel.inet6;
	co.tcpinfo = b->tcpinfo;
	/* fwmark and cgroup look at the detail records */
	co.details = o->mode == SW_MODE_JSON ||
		     (filter_needs(b->filter) & SW_FILTER_NEEDS_DETAILS);
	co.procs = b->procs;
	co.kstat = b->kstat;
	struct sw_collector *c = frame_collector_new(&co, NULL);
	if (c && !b->diag) {
		/* Port conditions the filter implies go to the kernel as a
		 * bytecode program, so unwanted sockets never cross over. */
		uint16_t sp[2], dp[2];
		filter_port_hints(b->filter, sp, dp);
		collector_set_ports(c, sp, dp);
	}
	return c;
}

/* -N all: the namespaces that could not be entered (not root), named. */
static void netns_note(const struct sw_snapshot *s)
{
	size_t bad = 0;
	int err = 0;
	char names[256] = "";
	for (size_t i = 0; i < s->nns; i++) {
		if (!s->nss[i].err)
			continue;
		if (!err)
			err = s->nss[i].err;
		if (bad++ < 3)
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
				 bad > 1 ? ", " : "", s->nss[i].label);
	}
	if (!bad)
		return;
	fprintf(stderr, _("sockwatch: note: %zu of %zu network namespaces could not be entered "
			  "(%s%s: %s): their sockets are not shown (run with sudo)\n"),
		bad, s->nns, names, bad > 3 ? ", ..." : "", strerror(err));
}

/* Things to tell once on stderr after the first sample. */
static void first_notes(const struct batch *b, const struct sw_snapshot *s)
{
	const struct sw_options *o = b->o;
	if (o->mode != SW_MODE_JSON && (s->notes & SW_NOTE_NETNS_PARTIAL))
		netns_note(s);
	if (b->procs && o->mode != SW_MODE_JSON && (s->notes & SW_NOTE_NOT_ROOT))
		fprintf(stderr, _("sockwatch: not running as root: processes of other users "
				  "are not shown (run with sudo)\n"));
	/* sock_diag sends socket marks only to CAP_NET_ADMIN (root) */
	if ((filter_needs(b->filter) & SW_FILTER_NEEDS_MARK) && !o->replay && geteuid() != 0)
		fprintf(stderr, _("sockwatch: note: not running as root: the kernel reports no "
				  "socket marks, so 'fwmark' sees 0 for every socket\n"));
	uint32_t miss = s->protos_missing & o->sel.protos;
	for (unsigned p = 0; p < SW_PROTO_COUNT; p++)
		if (miss & SW_PROTO_BIT(p))
			fprintf(stderr, _("sockwatch: note: this kernel cannot list %s sockets "
					  "(its sock_diag module is not available)\n"),
				sw_proto_name(p));
}

/* Before each table of a repeat (-n 3 -d 1), unless -H: when it was taken,
 * "--- 2026-12-03T04:31:07Z ---" (UTC, ISO 8601, as JSON's "time"). */
static void stamp_line(const struct batch *b, const struct sw_snapshot *s, long sample,
		       FILE *fp)
{
	if (sample > 0)
		fputc('\n', fp);
	char iso[32];
	if (b->repeat && !b->o->no_header && sw_fmt_clock(s->real_sec, true, iso, sizeof iso))
		fprintf(fp, "--- %s ---\n", iso);
}

static int emit_table(const struct batch *b, const struct sw_snapshot *s,
		      const struct sw_view *v, long sample, FILE *fp)
{
	const struct sw_options *o = b->o;
	if (o->pids)
		return out_pids(fp, v);
	if (o->csv) {
		/* one header, then every sample's rows: a single CSV file */
		char iso[32];
		bool stamp = b->repeat && sw_fmt_clock(s->real_sec, true, iso, sizeof iso);
		return out_conns_csv(fp, v, b->cols, b->ncols,
				     !o->no_header && sample == 0, stamp ? iso : NULL);
	}
	stamp_line(b, s, sample, fp);
	return out_conns_table(fp, v, b->cols, b->ncols, !o->no_header);
}

static int emit(const struct batch *b, const struct sw_snapshot *s, const struct sw_view *v,
		long sample, bool aggregates)
{
	const struct sw_options *o = b->o;
	FILE *fp = stdout;
	int rc = 0;
	switch (o->mode) {
	case SW_MODE_TABLE:
		rc = emit_table(b, s, v, sample, fp);
		break;
	case SW_MODE_JSON: {
		struct out_json_opts jo = {.aggregates = aggregates, .top = o->summary_top,
					   .extra = json_extra, .extra_arg = (void *)b};
		if (b->diag)
			diag_json(b->diag, s);
		rc = out_conns_json(fp, s, v, &jo);
		break;
	}
	case SW_MODE_SUMMARY:
	{
		struct out_summary_opts so = {.top = o->summary_top};
		stamp_line(b, s, sample, fp);
		rc = out_summary_text(fp, s, v, &so);
		if (!rc && b->churn) {
			struct out_churn_opts co = churn_opts(b);
			rc = out_churn_summary_text(fp, b->churn->ch, &co, out_width());
		}
		break;
	}
	default: /* not a batch output: main.c does not call us for it */
		break;
	}
	if (fflush(fp) != 0 && !rc)
		rc = -(errno ? errno : EIO);
	return rc;
}

/* Repeated JSON and summary runs follow closed connections: the destroy events drained
 * while waiting, the churn model's window half an interval (it then
 * holds the last interval's records: they join it just before each
 * sample). */
static void churn_start(struct batch *b, struct churnsrc *cs, const struct frame_repeat *r,
			const struct sw_collector *col)
{
	if (r->count == 1 || b->o->mode == SW_MODE_TABLE) /* the table shows no churn */
		return;
	churnsrc_open(cs, col, b->o->delay / 2);
	b->churn = cs;
	/* (with -N all and with a replay the documents say it; nothing is
	 * wrong) */
	if (!cs->ok && !collector_all_netns(col) && !collector_replaying(col))
		fprintf(stderr, "sockwatch: note: %s\n", cs->err);
}

/* Sample, merge, view and print every -d SEC: 0 or the exit status. */
static int batch_loop(struct batch *b, struct sw_collector *col)
{
	const struct sw_options *o = b->o;
	/* -s --json: one JSON document with the summary's aggregates. */
	bool json_aggregates = o->want_summary && o->want_json;
	struct frame_repeat r;
	frame_repeat_init(&r, o, 1);
	frame_repeat_history(&r, o, col);
	struct sw_model *m = model_new();
	model_set_tombstone_ttl(m, 0);
	model_set_oneshot(m, r.count == 1);
	xalloc_set_oneshot(r.count == 1);
	if (r.count == 1)
		frame_signals_oneshot();
	struct churnsrc cs;
	churn_start(b, &cs, &r, col);
	struct sw_snapshot snap;
	snapshot_init(&snap);
	struct sw_view v;
	memset(&v, 0, sizeof v);
	int rc = 0;
	while (frame_repeat_next_draining(&r, b->churn)) {
		char err[256] = "";
		if (b->churn)
			churnsrc_before_sample(b->churn, r.i ? m : NULL);
		frame_debug_collect_delay();
		if (collector_sample(col, &snap, err, sizeof err) < 0) {
			if (collector_history(col) && r.i > 0)
				break; /* the end of the window */
			frame_sample_failed(err);
			rc = 1;
			break;
		}
		if (r.i == 0)
			first_notes(b, &snap);
		if (r.count == 1)
			collector_last_sample(col);
		model_update(m, &snap);
		if (b->churn)
			churnsrc_after_sample(b->churn, m);
		model_view(m, &b->sel, b->filter, b->keys, b->nkeys, &v);
		/* one listing sorts once: the memory the sort would keep for
		 * the next goes to the output instead of fresh pages */
		if (r.count == 1)
			view_sort_scratch_free();
		int w = emit(b, model_snapshot(m), &v, r.i, json_aggregates);
		if (w < 0) { /* EPIPE: the reader went away, quietly done */
			rc = frame_write_failed(w);
			break;
		}
	}
	view_done(&v);
	snapshot_done(&snap);
	model_free(m);
	if (b->churn)
		churnsrc_close(b->churn);
	b->churn = NULL;
	return rc;
}

int mode_batch_run(const struct sw_options *o)
{
	struct batch b;
	int rc = setup(&b, o);
	if (rc) {
		filter_free(b.filter);
		return rc;
	}
	struct batch_diag diag;
	if (o->mode == SW_MODE_JSON) {
		b.diag = &diag;
		if ((rc = diag_init(&diag, o))) {
			diag_done(&diag);
			filter_free(b.filter);
			return rc;
		}
	}
	frame_catch_signals();
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);

	struct sw_collector *col = open_collector(&b);
	rc = col ? batch_loop(&b, col) : 1;
	if (b.diag)
		diag_done(b.diag);
	collector_free(col);
	filter_free(b.filter);
	/* Make the final flush quiet on EPIPE too. */
	if (col && fflush(stdout) != 0 && errno != EPIPE && !rc)
		rc = 1;
	return rc;
}
