/* SPDX-License-Identifier: GPL-2.0-or-later */
/* frame.c - see frame.h. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/columns.h"
#include "core/i18n.h"
#include "core/keymap.h"
#include "core/rcfile.h"
#include "core/safefile.h"
#include "core/util.h"
#include "frame.h"

/* ---- settings ---------------------------------------------------------- */

/* monitor.closed_window: seconds, 0 to 3600. */
static int closed_window_key(struct frame_monitor_cfg *m, const char *value, char *err,
			     size_t errlen)
{
	char *end;
	errno = 0;
	double v = strtod(value, &end);
	if (errno || end == value || *end || !(v >= 0 && v <= 3600)) {
		snprintf(err, errlen, _("expected seconds from 0 to 3600, not '%s'"), value);
		return -EINVAL;
	}
	m->closed_window = v;
	return 0;
}

static int parse_bool(const char *value, bool *on, char *err, size_t errlen)
{
	if (!strcmp(value, "1") || !strcmp(value, "yes") || !strcmp(value, "on") ||
	    !strcmp(value, "true"))
		*on = true;
	else if (!strcmp(value, "0") || !strcmp(value, "no") || !strcmp(value, "off") ||
		 !strcmp(value, "false"))
		*on = false;
	else {
		snprintf(err, errlen, _("expected 1 or 0, not '%s'"), value);
		return -EINVAL;
	}
	return 0;
}

/* A list of column names (monitor.columns; monitor.sort with '-' allowed). */
static int parse_columns(const char *value, bool sort, char *dst, size_t dlen, char *err,
			 size_t errlen)
{
	enum sw_col_id ids[SW_COL_COUNT];
	bool desc[SW_COL_COUNT];
	int bad = 0;
	int n = column_parse_list(value, ids, desc, SW_COL_COUNT, &bad);
	for (int i = 0; i < n && !sort; i++)
		if (desc[i])
			n = -1;
	if (n <= 0 || strlen(value) >= dlen) {
		snprintf(err, errlen, _("not a list of column names: '%s'"), value);
		return -EINVAL;
	}
	sw_strlcpy(dst, value, dlen);
	return 0;
}

/* monitor.panels: names of the panels' show actions without "show-"
 * (connections, states, remotes, ...), comma-separated. */
static int parse_panels(const char *value, char *dst, size_t dlen, char *err, size_t errlen)
{
	const char *p = value;
	while (*p) {
		size_t n = strcspn(p, ",");
		bool known = false;
		for (int a = 1; a < SW_ACT_COUNT && !known; a++) {
			const char *nm = keymap_action_name((enum sw_action)a);
			known = strncmp(nm, "show-", 5) == 0 && strlen(nm + 5) == n &&
				strncmp(nm + 5, p, n) == 0;
		}
		if (!known) {
			snprintf(err, errlen, _("unknown panel '%.*s'"), (int)n, p);
			return -EINVAL;
		}
		p += n + (p[n] == ',');
	}
	if (strlen(value) >= dlen) {
		snprintf(err, errlen, "%s", _("line too long, ignored"));
		return -EINVAL;
	}
	sw_strlcpy(dst, value, dlen);
	return 0;
}

/* The monitor's keys in the configuration files (accepted, and ignored,
 * by the batch modes): ctx is a struct frame_monitor_cfg or NULL. */
static int monitor_key(void *ctx, const char *key, const char *value, char *err, size_t errlen)
{
	struct frame_monitor_cfg scratch, *m = ctx ? ctx : &scratch;
	if (strncmp(key, "monitor.", 8) != 0)
		return -ENOENT;
	key += 8;
	bool on;
	if (!strcmp(key, "closed_window"))
		return closed_window_key(m, value, err, errlen);
	if (!strcmp(key, "panels_follow_filter")) {
		if (parse_bool(value, &on, err, errlen))
			return -EINVAL;
		m->panels_follow_filter = on;
	} else if (!strcmp(key, "color") || !strcmp(key, "colour")) {
		if (parse_bool(value, &on, err, errlen))
			return -EINVAL;
		m->color = on;
		m->color_set = true;
	} else if (!strcmp(key, "interval")) {
		double d;
		if (!sw_parse_seconds(value, &d) || d < 0.05 || d > 3600) {
			snprintf(err, errlen, _("expected seconds (0.05 to 3600), not '%s'"), value);
			return -EINVAL;
		}
		m->interval = d;
		m->interval_set = true;
	} else if (!strcmp(key, "columns")) {
		return parse_columns(value, false, m->columns, sizeof m->columns, err, errlen);
	} else if (!strcmp(key, "sort")) {
		return parse_columns(value, true, m->sort, sizeof m->sort, err, errlen);
	} else if (!strcmp(key, "panels")) {
		if (parse_panels(value, m->panels, sizeof m->panels, err, errlen))
			return -EINVAL;
		m->panels_set = true;
	} else {
		return -ENOENT;
	}
	return 0;
}

bool frame_config_path(const struct sw_options *o, char *buf, size_t len)
{
	if (o->config)
		return sw_strlcpy(buf, o->config, len) < len;
	return rcfile_default_path(buf, len) == 0;
}

int frame_thresholds(const struct sw_options *o, struct diag_thresholds *t,
		     struct frame_monitor_cfg *mon, FILE *warn)
{
	diag_thresholds_default(t);
	/* The system-wide defaults first: missing or unreadable is normal. */
	const char *sys = rcfile_system_path();
	int src = rcfile_load(sys, t, monitor_key, mon, warn);
	if (src < 0 && src != -ENOENT && src != -EACCES)
		fprintf(warn ? warn : stderr, _("sockwatch: cannot read %s: %s\n"), sys,
			sw_file_strerror(-src));
	char path[4096];
	const char *p = frame_config_path(o, path, sizeof path) ? path : NULL;
	if (p) {
		int rc = rcfile_load(p, t, monitor_key, mon, warn);
		/* The default path may simply not be ours to read (sudo -u, setpriv
		 * keeping HOME): only an explicit --config must be readable, and
		 * exist, except for the monitor, whose setup screen creates it. */
		if (rc == -ENOENT && o->config && o->mode == SW_MODE_MONITOR) {
			fprintf(warn ? warn : stderr,
				_("%s does not exist yet: the setup screen (F2) saves to it\n"), p);
		} else if (rc < 0 && (o->config || (rc != -ENOENT && rc != -EACCES))) {
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

/* ---- signals ----------------------------------------------------------- */

volatile sig_atomic_t frame_stop;
static volatile sig_atomic_t g_oneshot;

void frame_signals_oneshot(void)
{
	g_oneshot = 1;
}

/* The first signal of a run that samples again and again asks it to end
 * after the sample in progress; a second one, or the first of a single
 * listing, ends it at once, by that signal (a listing of a million
 * sockets takes seconds to collect: nobody should wait for it after
 * Ctrl-C). */
static void on_signal(int sig)
{
	if (frame_stop || g_oneshot) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_DFL;
		sigemptyset(&sa.sa_mask);
		sigaction(sig, &sa, NULL);
		raise(sig);
		return;
	}
	frame_stop = 1;
}

void frame_catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: interrupt the sleep */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* EPIPE from fflush instead: `| head` */
}

/* ---- the collector ----------------------------------------------------- */

void frame_debug_collect_delay(void)
{
	static int ms = -1;
	if (ms < 0)
		ms = (int)sw_env_ms("SOCKWATCH_DEBUG_COLLECT_DELAY_MS");
	sw_sleep_ms((unsigned)ms);
}

void frame_collect_opts(struct sw_collect_opts *co, const struct sw_options *o)
{
	memset(co, 0, sizeof *co);
	co->netns = o->netns;
	co->record_path = o->record;
	co->replay_path = o->replay;
	co->replay_range = o->from_set || o->to_set;
	co->replay_from = o->from_set ? o->from : INT64_MIN;
	co->replay_to = o->to_set ? o->to : INT64_MAX;
	co->replay_warn = stderr;
	co->proc_root = o->proc_root;
}

struct sw_collector *frame_collector_new(const struct sw_collect_opts *co, const char *before)
{
	char err[256] = "";
	struct sw_collector *c = collector_new(co, err, sizeof err);
	if (!c) {
		if (before)
			fputs(before, stderr);
		fprintf(stderr, "sockwatch: %s\n", err[0] ? err : _("cannot start collecting"));
	}
	return c;
}

void frame_sample_failed(const char *err)
{
	fprintf(stderr, "sockwatch: %s\n", err[0] ? err : _("collecting sockets failed"));
}

/* ---- the paced repeat loop --------------------------------------------- */

void frame_repeat_init(struct frame_repeat *r, const struct sw_options *o, long dflt)
{
	r->count = o->count_set ? o->count : dflt;
	r->i = -1;
	r->step = (uint64_t)(o->delay * 1e9);
	r->next = 0;
}

void frame_repeat_history(struct frame_repeat *r, const struct sw_options *o,
			  struct sw_collector *col)
{
	if (!collector_history(col))
		return;
	r->count = o->count_set ? o->count : 0;
	r->step = 0;
}

bool frame_repeat_next(struct frame_repeat *r)
{
	long i = ++r->i;
	if ((r->count != 0 && i >= r->count) || frame_stop)
		return false;
	if (i == 0) {
		r->next = sw_mono_ns();
		return true;
	}
	return sw_pace(&r->next, r->step, &frame_stop);
}

bool frame_wait_draining(uint64_t until_ns, struct churnsrc *cs, bool (*drained)(void *),
			 void *arg)
{
	while (!frame_stop) {
		uint64_t now = sw_mono_ns();
		if (now >= until_ns)
			return true;
		int ms = (int)((until_ns - now + 999999u) / 1000000u);
		int fd = cs ? churnsrc_fd(cs) : -1;
		int early = fd >= 0 ? churnsrc_wait_ms(cs, now) : 0;
		if (early > 0) { /* drained a moment ago: let events gather */
			poll(NULL, 0, early < ms ? early : ms);
			continue;
		}
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, fd >= 0 ? 1 : 0, ms) > 0 && (p.revents & (POLLIN | POLLERR))) {
			churnsrc_drain(cs);
			if (drained && !drained(arg))
				return false;
		}
	}
	return false;
}

bool frame_repeat_next_draining(struct frame_repeat *r, struct churnsrc *cs)
{
	if (!cs || churnsrc_fd(cs) < 0 || r->i < 0)
		return frame_repeat_next(r);
	long i = ++r->i;
	if ((r->count != 0 && i >= r->count) || frame_stop)
		return false;
	r->next += r->step;
	uint64_t now = sw_mono_ns();
	if (r->next < now)
		r->next = now;
	return frame_wait_draining(r->next, cs, NULL, NULL);
}

/* ---- messages ---------------------------------------------------------- */

struct sw_filter *frame_filter_parse(const char *text, enum frame_filter_msg msg)
{
	struct sw_filter_error err;
	memset(&err, 0, sizeof err);
	struct sw_filter *f = filter_parse(text, &err);
	if (f)
		return f;
	if (msg == FRAME_FILTER_BAD)
		fprintf(stderr, _("sockwatch: bad filter: %s\n"), err.msg);
	else
		fprintf(stderr, _("sockwatch: invalid filter: %s\n"), err.msg);
	sw_show_caret(stderr, text, err.pos);
	return NULL;
}

int frame_write_failed(int w)
{
	if (w == -EPIPE)
		return 0;
	fprintf(stderr, _("sockwatch: cannot write output: %s\n"), strerror(-w));
	return 1;
}

int frame_file_failed(const char *path, int w)
{
	fprintf(stderr, _("sockwatch: cannot write %s: %s\n"), path, sw_file_strerror(-w));
	return 1;
}
