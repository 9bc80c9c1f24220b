/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mode_check.c - `sockwatch --check` and `--format prometheus`: sample
 * every socket (two samples -d apart by default, for rates and counter
 * deltas), diagnose, then print the diagnoses and exit 0 ok / 3 warning /
 * 4 alarm (--check), or write the Prometheus text each sample (to stdout,
 * or atomically to --output FILE for node_exporter's textfile collector).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <stdlib.h>

#include "churnsrc.h"
#include "collect/collect.h"
#include "core/diagnose.h"
#include "core/model.h"
#include "core/i18n.h"
#include "core/safefile.h"
#ifdef HAVE_MICROHTTPD
#include "exporter.h"
#endif
#include "core/util.h"
#include "frame.h"
#include "modes.h"
#include "output/diag_out.h"
#include "output/output.h"
#include "output/prom.h"
#include "output/prom_churn.h"

/* Exit codes of --check (1 and 2 keep their meaning: runtime / usage error). */
enum { CHECK_EXIT_OK = 0, CHECK_EXIT_WARN = 3, CHECK_EXIT_ALARM = 4 };

static int exit_for(enum diag_sev s)
{
	return s == DIAG_ALARM ? CHECK_EXIT_ALARM : s == DIAG_WARN ? CHECK_EXIT_WARN
								   : CHECK_EXIT_OK;
}

static int emit_check(const struct sw_options *o, const struct sw_snapshot *s,
		      const struct diag_list *dl, const struct diag_thresholds *t)
{
	if (o->nagios)
		return out_diagnoses_nagios(stdout, dl, s, t);
	if (o->want_json) {
		fprintf(stdout, "{\"status\":\"%s\",\"exit\":%d,\"time\":%lld,\"interval\":%.3f,"
			"\"diagnoses\":",
			diag_sev_name(dl->worst), exit_for(dl->worst), (long long)s->real_sec, dl->dt);
		out_diagnoses_json(stdout, dl);
		fputs("}\n", stdout);
		return fflush(stdout) ? -errno : 0;
	}
	return out_diagnoses_text(stdout, dl, false);
}

struct check {
	struct diag_thresholds t;
	struct diag_state st, scratch;
	struct diag_ns dns; /* -N all: per namespace */
	struct diag_list dl;
	struct sw_snapshot snap;
	struct exporter *http; /* --listen */
	/* closed connections (destroy events + a model): --format prometheus,
	 * --listen and --check (measured rates in the diagnoses) */
	struct sw_model *m;
	struct churnsrc cs;
	struct prom_churn_totals *totals; /* --listen: counters across scrapes */
	const struct sw_snapshot *cur;    /* the latest sample: snap, or the
	                                     model's once it took snap */
};

/* The closed-connection families: per-second gauges of the interval in a
 * one-shot run, _total counters in the long-running exporter. */
static void prom_churn(FILE *fp, void *arg)
{
	struct check *k = arg;
	if (k->totals)
		out_churn_prom_counters(fp, k->totals, k->cs.ch, k->cs.ok);
	else
		out_churn_prom_rates(fp, k->cs.ch, k->cs.ok);
}

#ifdef HAVE_MICROHTTPD
/* --listen: render into memory and hand the buffer to the server thread. */
static int publish(struct check *k, const struct out_prom_opts *po)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	if (!fp)
		return -errno;
	int w = out_metrics_prom(fp, k->cur, &k->dl, po);
	if (fclose(fp) && !w)
		w = -ENOMEM;
	if (w < 0) {
		free(buf);
		return w;
	}
	exporter_publish(k->http, buf, len);
	return 0;
}
#endif

static int emit_prom(const struct sw_options *o, struct check *k)
{
	struct out_prom_opts po = {.top = o->summary_top, .scratch = &k->scratch,
				   .skip_node = o->prom_skip_node,
				   .extra = k->m ? prom_churn : NULL, .extra_arg = k};
	const struct sw_snapshot *s = k->cur;
	const struct diag_list *dl = &k->dl;
#ifdef HAVE_MICROHTTPD
	if (k->http)
		return publish(k, &po);
#endif
	if (o->output)
		return out_metrics_prom_file(o->output, s, dl, &po);
	return out_metrics_prom(stdout, s, dl, &po);
}

/* A failed Prometheus write: 0 to go on (--output, repeating for ever:
 * daemon-like, try again next time), or the exit status (*stop set). */
static int prom_failed(const struct sw_options *o, const struct frame_repeat *r, int w,
		       bool *stop)
{
	if (o->listen) { /* out of memory: say so, keep serving the last one */
		fprintf(stderr, _("sockwatch: cannot render the metrics: %s\n"), strerror(-w));
		*stop = false;
		return 0;
	}
	int rc = o->output ? frame_file_failed(o->output, w) : frame_write_failed(w);
	*stop = w == -EPIPE || !o->output || r->count != 0 || -w >= SW_ENOTREG_BASE;
	return *stop ? rc : 0;
}

/* Before a sample: the events that came since the last one. */
static void churn_before(struct check *k, const struct frame_repeat *r)
{
	if (k->m)
		churnsrc_before_sample(&k->cs, r->i ? k->m : NULL);
}

/* After a sample: the model takes it (its buffers are swapped, so the
 * sample is then model_snapshot()), the churn interval closes.  Returns
 * the sample (also k->cur). */
static const struct sw_snapshot *churn_after(struct check *k)
{
	k->cur = &k->snap;
	if (!k->m)
		return k->cur;
	model_update(k->m, &k->snap);
	churnsrc_after_sample(&k->cs, k->m);
	k->cur = model_snapshot(k->m);
	return k->cur;
}

/* The sample loop: 0 or an exit status; *done_one when a sample came. */
static int check_loop(const struct sw_options *o, struct sw_collector *col, struct check *k,
		      bool *done_one)
{
	struct frame_repeat r;
	/* two samples -d apart: rates and deltas; --listen: until stopped */
	frame_repeat_init(&r, o, o->listen ? 0 : 2);
	if (o->check && r.count == 0) /* --check -n 0: still two */
		r.count = 2;
	frame_repeat_history(&r, o, col);
	char err[256] = "";
	while (frame_repeat_next_draining(&r, k->m ? &k->cs : NULL)) {
		churn_before(k, &r);
		if (collector_sample(col, &k->snap, err, sizeof err) < 0) {
			if (o->replay && *done_one)
				break; /* the recording has no more samples */
			frame_sample_failed(err);
			return 1;
		}
		*done_one = true;
		const struct sw_snapshot *cur = churn_after(k);
		if (r.i == 0 && (cur->notes & SW_NOTE_NOT_ROOT))
			fprintf(stderr, _("sockwatch: not running as root: processes of other users "
					  "are not named in the diagnoses (run with sudo)\n"));
		diagnose_run_ns(&k->dns, &k->st, &k->t, cur, &k->dl);
		if (o->prometheus && (frame_repeat_last(&r) || r.count == 0 || r.i > 0)) {
			int w = emit_prom(o, k);
			bool stop = false;
			int rc = w < 0 ? prom_failed(o, &r, w, &stop) : 0;
			if (stop)
				return rc;
		}
	}
	return 0;
}

/* --listen: start serving before the first sample (503 until it is in). */
static int start_http(const struct sw_options *o, struct check *k)
{
	k->http = NULL;
	if (!o->listen)
		return 0;
#ifdef HAVE_MICROHTTPD
	char err[256];
	k->http = exporter_start((const struct sockaddr *)&o->listen_addr, o->listen_len, err,
				 sizeof err);
	if (!k->http) {
		fprintf(stderr, _("sockwatch: cannot listen on %s: %s\n"), o->listen, err);
		return 1;
	}
#endif
	return 0;
}

/* --nagios: 0/3/4 become the plugin's 0 OK, 1 WARNING, 2 CRITICAL; any
 * failure (1, 2) is UNKNOWN (3) with a status line. */
static int nagios_exit(const struct sw_options *o, int rc)
{
	if (!o->nagios || rc == CHECK_EXIT_OK)
		return rc;
	if (rc == CHECK_EXIT_WARN)
		return OUT_NAGIOS_WARNING;
	if (rc == CHECK_EXIT_ALARM)
		return OUT_NAGIOS_CRITICAL;
	printf("SOCKWATCH UNKNOWN - %s\n", _("the sockets could not be sampled (the reason is "
					     "on stderr)"));
	return OUT_NAGIOS_UNKNOWN;
}

static int check_run(const struct sw_options *o);

/* One line per change of a diagnosis over a history: when it started,
 * changed severity or ended. */
static void history_line(const struct sw_options *o, int64_t t, enum diag_id id,
			 enum diag_sev sev, const char *title)
{
	char when[32];
	sw_fmt_clock(t, o->want_json, when, sizeof when);
	if (o->want_json) {
		fprintf(stdout, "{\"time\":%lld,\"iso\":\"%s\",\"id\":\"%s\",\"severity\":\"%s\","
			"\"title\":", (long long)t, when, diag_id_name(id), diag_sev_name(sev));
		out_json_cstr(stdout, title);
		fputs("}\n", stdout);
		return;
	}
	char day[32];
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(day, sizeof day, "%Y-%m-%d %H:%M:%S", &tm);
	printf("%s  %-8s %-17s %s\n", day, sev == DIAG_OK ? _("cleared") : diag_sev_label(sev),
	       diag_id_name(id), title);
}

/* --check over a history (--replay DIR [--from --to]): every sample of the
 * window diagnosed in turn; a line whenever a diagnosis fires, changes
 * severity or clears; the exit status is the worst seen. */
static int check_history(const struct sw_options *o, struct sw_collector *col, struct check *k)
{
	enum diag_sev last[DIAG_ID_COUNT] = {DIAG_OK}, worst = DIAG_OK;
	unsigned long n = 0;
	int64_t first = 0, end = 0;
	char err[256] = "";
	while (!frame_stop && collector_sample(col, &k->snap, err, sizeof err) == 0) {
		if (!n++)
			first = k->snap.real_sec;
		end = k->snap.real_sec;
		diagnose_run(&k->st, &k->t, &k->snap, &k->dl);
		enum diag_sev now[DIAG_ID_COUNT] = {DIAG_OK};
		const char *title[DIAG_ID_COUNT] = {NULL};
		for (size_t i = 0; i < k->dl.n; i++) {
			const struct diag *d = &k->dl.d[i];
			if ((unsigned)d->id < DIAG_ID_COUNT && (d->sev > now[d->id] || !title[d->id])) {
				now[d->id] = d->sev > now[d->id] ? d->sev : now[d->id];
				title[d->id] = d->title;
			}
		}
		for (int id = 0; id < DIAG_ID_COUNT; id++) {
			if (now[id] != last[id])
				history_line(o, k->snap.real_sec, (enum diag_id)id, now[id],
					     title[id] ? title[id] : "");
			last[id] = now[id];
			worst = now[id] > worst ? now[id] : worst;
		}
	}
	if (!n) {
		frame_sample_failed(err);
		return 1;
	}
	char a[32], b[32];
	sw_fmt_clock(first, false, a, sizeof a);
	sw_fmt_clock(end, false, b, sizeof b);
	if (!o->want_json)
		printf(_("sockwatch check: worst %s over %lu samples from %s to %s\n"),
		       diag_sev_label(worst), n, a, b);
	return fflush(stdout) ? frame_write_failed(-errno) : exit_for(worst);
}

int mode_check_run(const struct sw_options *o)
{
	/* --listen samples every 10 s unless -d says otherwise */
	struct sw_options lo = *o;
	if (o->listen && !o->delay_set)
		lo.delay = 10.0;
	return nagios_exit(o, check_run(&lo));
}

static int check_run(const struct sw_options *o)
{
	struct check k;
	int rc = frame_thresholds(o, &k.t, NULL, stderr);
	if (rc)
		return rc;
	if (o->output && (rc = sw_check_replaceable(o->output)) != 0)
		return frame_file_failed(o->output, rc);
	struct sw_collect_opts co;
	frame_collect_opts(&co, o);
	co.tcpinfo = true;
	co.procs = true;
	co.kstat = true;
	struct sw_collector *col = frame_collector_new(&co, NULL);
	if (!col)
		return 1;
	if ((rc = start_http(o, &k))) {
		collector_free(col);
		return rc;
	}
	frame_catch_signals();
	snapshot_init(&k.snap);
	diag_state_init(&k.st);
	diag_ns_init(&k.dns);
	diag_state_init(&k.scratch);
	diag_list_init(&k.dl);
	k.m = NULL;
	k.totals = NULL;
	k.cur = &k.snap;
	if ((o->prometheus || o->check) && !collector_history(col)) {
		k.m = model_new();
		model_set_tombstone_ttl(k.m, 0);
		churnsrc_open(&k.cs, col, o->delay / 2);
		diag_set_churn(&k.st, k.cs.ch);
		if (o->listen)
			k.totals = prom_churn_totals_new();
	}
	bool done_one = false;
	if (collector_history(col) && o->check && !o->prometheus) {
		rc = check_history(o, col, &k);
		goto out;
	}
	rc = check_loop(o, col, &k, &done_one);
	if (!rc && done_one && o->check) {
		if (!o->prometheus) {
			int w = emit_check(o, k.cur, &k.dl, &k.t);
			if (w < 0)
				rc = frame_write_failed(w);
		}
		if (!rc)
			rc = exit_for(k.dl.worst);
	}
	if (k.m) {
		churnsrc_close(&k.cs);
		model_free(k.m);
	}
	prom_churn_totals_free(k.totals);
#ifdef HAVE_MICROHTTPD
	exporter_stop(k.http);
#endif
out:
	diag_list_done(&k.dl);
	diag_state_done(&k.scratch);
	diag_state_done(&k.st);
	diag_ns_done(&k.dns);
	snapshot_done(&k.snap);
	collector_free(col);
	return rc;
}
