/* mode_check.c - see mode_check.h. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collect/collect.h"
#include "collect/rtnl.h"
#include "core/i18n.h"
#include "core/netinfo.h"
#include "core/rcfile.h"
#include "core/safefile.h"
#include "core/util.h"
#include "mode_check.h"
#include "modes.h"
#include "output/diag_out.h"
#include "output/netinfo_out.h"
#include "output/prom.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int insight_thresholds(const struct sw_options *o, struct diag_thresholds *t)
{
	return insight_thresholds_to(o, t, NULL, stderr);
}

/* The monitor's keys in the configuration file (accepted, and ignored,
 * by the batch modes): ctx is a struct insight_monitor_cfg or NULL. */
static int monitor_key(void *ctx, const char *key, const char *value, char *err, size_t errlen)
{
	if (strcmp(key, "monitor.panels_follow_filter") != 0)
		return -ENOENT;
	bool on;
	if (!strcmp(value, "1") || !strcmp(value, "yes") || !strcmp(value, "on") ||
	    !strcmp(value, "true"))
		on = true;
	else if (!strcmp(value, "0") || !strcmp(value, "no") || !strcmp(value, "off") ||
		 !strcmp(value, "false"))
		on = false;
	else {
		snprintf(err, errlen, _("expected 1 or 0, not '%s'"), value);
		return -EINVAL;
	}
	struct insight_monitor_cfg *m = ctx;
	if (m)
		m->panels_follow_filter = on;
	return 0;
}

int insight_thresholds_to(const struct sw_options *o, struct diag_thresholds *t,
			  struct insight_monitor_cfg *mon, FILE *warn)
{
	diag_thresholds_default(t);
	char path[4096];
	const char *p = o->config;
	if (!p && rcfile_default_path(path, sizeof path) == 0)
		p = path;
	if (p) {
		int rc = rcfile_load(p, t, monitor_key, mon, warn);
		/* The default path may simply not be ours to read (sudo -u, setpriv
		 * keeping HOME): only an explicit --config must be readable. */
		if (rc < 0 && (o->config || (rc != -ENOENT && rc != -EACCES))) {
			fprintf(stderr, _("sockwatch: cannot read %s: %s\n"), p, sw_file_strerror(-rc));
			if (o->config)
				return 2;
		}
	}
	char err[256];
	for (int i = 0; i < o->nthresholds; i++) {
		if (diag_threshold_assign(t, o->thresholds[i], err, sizeof err)) {
			fprintf(stderr, "sockwatch: --threshold: %s\n", err);
			return 2;
		}
	}
	return 0;
}

int insight_diag_init(struct insight_diag *d, const struct sw_options *o)
{
	diag_state_init(&d->st);
	diag_list_init(&d->dl);
	return insight_thresholds(o, &d->t);
}

void insight_diag_json(struct insight_diag *d, const struct sw_snapshot *s,
		       struct out_json_opts *jo)
{
	diagnose_run(&d->st, &d->t, s, &d->dl);
	jo->extra = diagnose_json_member;
	jo->extra_arg = &d->dl;
}

void insight_diag_done(struct insight_diag *d)
{
	diag_list_done(&d->dl);
	diag_state_done(&d->st);
}

static int exit_for(enum diag_sev s)
{
	return s == DIAG_ALARM ? INSIGHT_EXIT_ALARM : s == DIAG_WARN ? INSIGHT_EXIT_WARN
								     : INSIGHT_EXIT_OK;
}

static int write_failed(int w)
{
	if (w == -EPIPE)
		return 0;
	fprintf(stderr, _("sockwatch: cannot write output: %s\n"), strerror(-w));
	return 1;
}

/* --output FILE: refuse at once (before any sample) what cannot be
 * replaced; later failures name the file too. */
static int output_failed(const char *path, int w)
{
	fprintf(stderr, _("sockwatch: cannot write %s: %s\n"), path, sw_file_strerror(-w));
	return 1;
}

/* ---- --check and --format prometheus ------------------------------------ */

static int emit_check(const struct sw_options *o, const struct sw_snapshot *s,
		      const struct diag_list *dl)
{
	if (o->want_json) {
		fprintf(stdout, "{\"status\":\"%s\",\"exit\":%d,\"time\":%lld,\"interval\":%.3f,"
			"\"diagnoses\":",
			diag_sev_name(dl->worst), exit_for(dl->worst), (long long)s->real_sec, dl->dt);
		diagnose_json(stdout, dl);
		fputs("}\n", stdout);
		return fflush(stdout) ? -errno : 0;
	}
	return diagnose_text(stdout, dl, false);
}

static int emit_prom(const struct sw_options *o, const struct sw_snapshot *s,
		     const struct diag_list *dl, struct diag_state *scratch)
{
	struct prom_opts po = {.top = o->summary_top, .scratch = scratch};
	if (o->output)
		return prom_write_file(o->output, s, dl, &po);
	return prom_write(stdout, s, dl, &po);
}

int mode_check_run(const struct sw_options *o)
{
	struct diag_thresholds t;
	int rc = insight_thresholds(o, &t);
	if (rc)
		return rc;
	if (o->output && (rc = sw_check_replaceable(o->output)) != 0)
		return output_failed(o->output, rc);
	struct sw_collect_opts co;
	memset(&co, 0, sizeof co);
	co.tcpinfo = true;
	co.procs = true;
	co.kstat = true;
	co.netns = o->netns;
	co.record_path = o->record;
	co.replay_path = o->replay;
	co.proc_root = o->proc_root;
	char err[256] = "";
	struct sw_collector *col = collector_new(&co, err, sizeof err);
	if (!col) {
		fprintf(stderr, "sockwatch: %s\n", err[0] ? err : _("cannot start collecting"));
		return 1;
	}
	catch_signals();
	struct sw_snapshot snap;
	snapshot_init(&snap);
	struct diag_state st, scratch;
	diag_state_init(&st);
	diag_state_init(&scratch);
	struct diag_list dl;
	diag_list_init(&dl);
	/* two samples -d apart by default: rates and counter deltas */
	long count = o->count_set ? o->count : 2;
	if (o->check && count == 0)
		count = 2;
	uint64_t step = (uint64_t)(o->delay * 1e9), next = sw_mono_ns();
	bool done_one = false;
	rc = 0;
	for (long i = 0; (count == 0 || i < count) && !stop; i++) {
		if (i > 0 && !sw_pace(&next, step, &stop))
			break;
		int e = collector_sample(col, &snap, err, sizeof err);
		if (e < 0) {
			if (o->replay && done_one)
				break; /* the recording has no more samples */
			fprintf(stderr, "sockwatch: %s\n", err[0] ? err : _("collecting sockets failed"));
			rc = 1;
			break;
		}
		done_one = true;
		if (i == 0 && (snap.notes & SW_NOTE_NOT_ROOT))
			fprintf(stderr, _("sockwatch: not running as root: processes of other users "
					  "are not named in the diagnoses (run with sudo)\n"));
		diagnose_run(&st, &t, &snap, &dl);
		bool last = count != 0 && i == count - 1;
		if (o->prometheus && (last || count == 0 || i > 0)) {
			int w = emit_prom(o, &snap, &dl, &scratch);
			if (w < 0) {
				rc = o->output ? output_failed(o->output, w) : write_failed(w);
				if (w == -EPIPE || !o->output)
					break;
				if (count != 0 || -w >= SW_ENOTREG_BASE)
					break;
				rc = 0; /* daemon-like: keep trying next time */
			}
		}
	}
	if (!rc && done_one && o->check) {
		if (!o->prometheus) {
			int w = emit_check(o, &snap, &dl);
			if (w < 0)
				rc = write_failed(w);
		}
		if (!rc)
			rc = exit_for(dl.worst);
	}
	diag_list_done(&dl);
	diag_state_done(&scratch);
	diag_state_done(&st);
	snapshot_done(&snap);
	collector_free(col);
	return rc;
}

/* ---- --routes / --interfaces ---------------------------------------------- */

int mode_netinfo_run(const struct sw_options *o)
{
	struct sw_netinfo cur, prev;
	netinfo_init(&cur);
	netinfo_init(&prev);
	FILE *rec = NULL;
	if (o->record) {
		int fd = sw_create_regular(o->record);
		if (fd >= 0 && !(rec = fdopen(fd, "wb"))) {
			int e = errno;
			close(fd);
			fd = -e;
		}
		if (fd < 0)
			return output_failed(o->record, fd);
	}
	catch_signals();
	unsigned what = (o->routes ? RTNL_ROUTES : 0) | (o->interfaces ? RTNL_LINKS : 0);
	long count = o->count_set ? o->count : 1;
	uint64_t step = (uint64_t)(o->delay * 1e9), next = sw_mono_ns();
	int rc = 0;
	char err[256];
	for (long i = 0; (count == 0 || i < count) && !stop; i++) {
		if (i > 0 && !sw_pace(&next, step, &stop))
			break;
		struct sw_netinfo tmp = prev;
		prev = cur;
		cur = tmp;
		err[0] = '\0';
		int e = o->replay ? rtnl_replay(o->replay, &cur, err, sizeof err)
				  : rtnl_collect(&cur, what, o->netns, rec, err, sizeof err);
		if (e < 0) {
			fprintf(stderr, "sockwatch: %s\n", err);
			rc = 1;
			break;
		}
		const struct sw_netinfo *pv = i > 0 ? &prev : NULL;
		int w;
		if (o->want_json) {
			w = netinfo_json(stdout, &cur, pv, o->routes, o->interfaces);
		} else {
			if (i > 0)
				fputc('\n', stdout);
			w = 0;
			if (o->routes)
				w = netinfo_routes_text(stdout, &cur, !o->no_header);
			if (!w && o->routes && o->interfaces)
				fputc('\n', stdout);
			if (!w && o->interfaces)
				w = netinfo_ifaces_text(stdout, &cur, count != 1 ? pv : NULL,
							!o->no_header);
		}
		if (w < 0) {
			rc = write_failed(w);
			break;
		}
	}
	if (rec)
		fclose(rec);
	netinfo_done(&cur);
	netinfo_done(&prev);
	return rc;
}

