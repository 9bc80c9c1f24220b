/* SPDX-License-Identifier: GPL-2.0-or-later */
/* frame.c - see frame.h. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/rcfile.h"
#include "core/safefile.h"
#include "core/util.h"
#include "frame.h"

/* ---- settings ---------------------------------------------------------- */

/* The monitor's keys in the configuration file (accepted, and ignored,
 * by the batch modes): ctx is a struct frame_monitor_cfg or NULL. */
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
	struct frame_monitor_cfg *m = ctx;
	if (m)
		m->panels_follow_filter = on;
	return 0;
}

int frame_thresholds(const struct sw_options *o, struct diag_thresholds *t,
		     struct frame_monitor_cfg *mon, FILE *warn)
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

/* ---- signals ----------------------------------------------------------- */

volatile sig_atomic_t frame_stop;

static void on_signal(int sig)
{
	(void)sig;
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

void frame_collect_opts(struct sw_collect_opts *co, const struct sw_options *o)
{
	memset(co, 0, sizeof *co);
	co->netns = o->netns;
	co->record_path = o->record;
	co->replay_path = o->replay;
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
