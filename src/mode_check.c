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

#include "collect/collect.h"
#include "core/diagnose.h"
#include "core/i18n.h"
#include "core/safefile.h"
#include "frame.h"
#include "modes.h"
#include "output/diag_out.h"
#include "output/prom.h"

/* Exit codes of --check (1 and 2 keep their meaning: runtime / usage error). */
enum { CHECK_EXIT_OK = 0, CHECK_EXIT_WARN = 3, CHECK_EXIT_ALARM = 4 };

static int exit_for(enum diag_sev s)
{
	return s == DIAG_ALARM ? CHECK_EXIT_ALARM : s == DIAG_WARN ? CHECK_EXIT_WARN
								   : CHECK_EXIT_OK;
}

static int emit_check(const struct sw_options *o, const struct sw_snapshot *s,
		      const struct diag_list *dl)
{
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

static int emit_prom(const struct sw_options *o, const struct sw_snapshot *s,
		     const struct diag_list *dl, struct diag_state *scratch)
{
	struct out_prom_opts po = {.top = o->summary_top, .scratch = scratch};
	if (o->output)
		return out_metrics_prom_file(o->output, s, dl, &po);
	return out_metrics_prom(stdout, s, dl, &po);
}

/* A failed Prometheus write: 0 to go on (--output, repeating for ever:
 * daemon-like, try again next time), or the exit status (*stop set). */
static int prom_failed(const struct sw_options *o, const struct frame_repeat *r, int w,
		       bool *stop)
{
	int rc = o->output ? frame_file_failed(o->output, w) : frame_write_failed(w);
	*stop = w == -EPIPE || !o->output || r->count != 0 || -w >= SW_ENOTREG_BASE;
	return *stop ? rc : 0;
}

struct check {
	struct diag_thresholds t;
	struct diag_state st, scratch;
	struct diag_ns dns; /* -N all: per namespace */
	struct diag_list dl;
	struct sw_snapshot snap;
};

/* The sample loop: 0 or an exit status; *done_one when a sample came. */
static int check_loop(const struct sw_options *o, struct sw_collector *col, struct check *k,
		      bool *done_one)
{
	struct frame_repeat r;
	frame_repeat_init(&r, o, 2); /* two samples -d apart: rates and deltas */
	if (o->check && r.count == 0) /* --check -n 0: still two */
		r.count = 2;
	char err[256] = "";
	while (frame_repeat_next(&r)) {
		if (collector_sample(col, &k->snap, err, sizeof err) < 0) {
			if (o->replay && *done_one)
				break; /* the recording has no more samples */
			frame_sample_failed(err);
			return 1;
		}
		*done_one = true;
		if (r.i == 0 && (k->snap.notes & SW_NOTE_NOT_ROOT))
			fprintf(stderr, _("sockwatch: not running as root: processes of other users "
					  "are not named in the diagnoses (run with sudo)\n"));
		diagnose_run_ns(&k->dns, &k->st, &k->t, &k->snap, &k->dl);
		if (o->prometheus && (frame_repeat_last(&r) || r.count == 0 || r.i > 0)) {
			int w = emit_prom(o, &k->snap, &k->dl, &k->scratch);
			bool stop = false;
			int rc = w < 0 ? prom_failed(o, &r, w, &stop) : 0;
			if (stop)
				return rc;
		}
	}
	return 0;
}

int mode_check_run(const struct sw_options *o)
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
	frame_catch_signals();
	snapshot_init(&k.snap);
	diag_state_init(&k.st);
	diag_ns_init(&k.dns);
	diag_state_init(&k.scratch);
	diag_list_init(&k.dl);
	bool done_one = false;
	rc = check_loop(o, col, &k, &done_one);
	if (!rc && done_one && o->check) {
		if (!o->prometheus) {
			int w = emit_check(o, &k.snap, &k.dl);
			if (w < 0)
				rc = frame_write_failed(w);
		}
		if (!rc)
			rc = exit_for(k.dl.worst);
	}
	diag_list_done(&k.dl);
	diag_state_done(&k.scratch);
	diag_state_done(&k.st);
	diag_ns_done(&k.dns);
	snapshot_done(&k.snap);
	collector_free(col);
	return rc;
}
