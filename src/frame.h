/* SPDX-License-Identifier: GPL-2.0-or-later */
/* frame.h - what every run mode needs (mode_*.c): the diagnosis
 * thresholds from the settings file and --threshold, the stop flag that
 * SIGINT/SIGTERM set, a collector built from the options, the paced repeat
 * loop (-n COUNT samples every -d SEC), and the messages every mode prints
 * the same way (a filter error with its caret, write failures). */
#ifndef SW_FRAME_H
#define SW_FRAME_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "churnsrc.h"
#include "collect/collect.h"
#include "core/diagnose.h"
#include "core/filter.h"
#include "options.h"

/* ---- settings ---------------------------------------------------------- */

/* The monitor's settings from the configuration files (what its setup
 * screen saves; each *_set says the file gave it). */
struct frame_monitor_cfg {
	bool panels_follow_filter; /* monitor.panels_follow_filter (default 1) */
	double closed_window;      /* monitor.closed_window: seconds closed
	                              connections stay listed in the
	                              connection table (default 3) */
	bool color, color_set;     /* monitor.color = 1|0 */
	double interval;           /* monitor.interval = SEC ... */
	bool interval_set;
	char columns[512];         /* monitor.columns = proto,state,... ("" unset) */
	char sort[128];            /* monitor.sort = state,-rxrate ("" unset) */
	char panels[256];          /* monitor.panels = connections,states,... ("" unset) */
	bool panels_set;           /* (an empty list is a valid value: none but Connections) */
};

/* Thresholds: defaults, then the system file (rcfile_system_path(); a
 * missing one is normal), then the user's file (--config FILE, or the XDG
 * default when it exists), then --threshold.  Bad lines are reported to
 * warn as "path:line: message".  mon (may be NULL) receives the monitor's
 * settings.  0, or an exit code (2) after printing why. */
int frame_thresholds(const struct sw_options *o, struct diag_thresholds *t,
		     struct frame_monitor_cfg *mon, FILE *warn);
/* The file the monitor's setup screen writes: --config FILE or the XDG
 * default; false when there is none (neither HOME nor XDG_CONFIG_HOME). */
bool frame_config_path(const struct sw_options *o, char *buf, size_t len);

/* ---- signals ----------------------------------------------------------- */

/* Set by SIGINT and SIGTERM once frame_catch_signals() ran. */
extern volatile sig_atomic_t frame_stop;
/* SIGINT/SIGTERM set frame_stop (no SA_RESTART: a sleep is cut short);
 * a second one ends the process at once, by that signal.  SIGPIPE is
 * ignored, so a write fails with EPIPE instead (`| head`). */
void frame_catch_signals(void);
/* A single listing: the first SIGINT/SIGTERM ends it at once. */
void frame_signals_oneshot(void);

/* ---- the collector ----------------------------------------------------- */

/* SOCKWATCH_DEBUG_COLLECT_DELAY_MS: each batch sample this much slower
 * (for tests: a long collection without a million sockets). */
void frame_debug_collect_delay(void);

/* co zeroed, then where the sockets come from: -N, --record, --replay,
 * --proc-root.  The mode adds what it needs. */
void frame_collect_opts(struct sw_collect_opts *co, const struct sw_options *o);
/* collector_new(), or NULL after printing before (if not NULL; text held
 * back until now, such as config warnings) and why it failed. */
struct sw_collector *frame_collector_new(const struct sw_collect_opts *co, const char *before);
/* "sockwatch: ERR" for a failed collector_sample() (err may be empty). */
void frame_sample_failed(const char *err);

/* ---- the paced repeat loop --------------------------------------------- */

struct frame_repeat {
	long count;    /* samples to take, 0 = until stopped */
	long i;        /* the current one, from 0 */
	uint64_t step; /* -d SEC in ns */
	uint64_t next; /* when the current one was due */
};
/* count: -n COUNT if given, else dflt. */
void frame_repeat_init(struct frame_repeat *r, const struct sw_options *o, long dflt);
/* Replaying a history (col has one): every sample of the window, or -n
 * COUNT of them, without waiting between them. */
void frame_repeat_history(struct frame_repeat *r, const struct sw_options *o,
			  struct sw_collector *col);
/* Start the next sample, waiting until it is due (the first at once).
 * False when count are done or frame_stop was set. */
bool frame_repeat_next(struct frame_repeat *r);
/* The same, draining cs's destroy events while it waits (the kernel's
 * queue must not fill during a long -d); cs NULL or without events: as
 * frame_repeat_next. */
bool frame_repeat_next_draining(struct frame_repeat *r, struct churnsrc *cs);
/* Wait until the monotonic time until_ns, draining cs whenever its fd is
 * readable (at most every CHURNSRC_DRAIN_MS) and calling drained(arg)
 * after each drain (may be NULL; false from it ends the wait).  False when
 * frame_stop was set or drained said stop. */
bool frame_wait_draining(uint64_t until_ns, struct churnsrc *cs, bool (*drained)(void *),
			 void *arg);
static inline bool frame_repeat_last(const struct frame_repeat *r)
{
	return r->count != 0 && r->i == r->count - 1;
}

/* ---- messages ---------------------------------------------------------- */

/* The two wordings of a filter error: batch outputs ("invalid filter")
 * and the monitor ("bad filter"). */
enum frame_filter_msg { FRAME_FILTER_INVALID, FRAME_FILTER_BAD };
/* filter_parse(), or NULL after printing the error and the expression with
 * a caret under the place (the caller exits with 2). */
struct sw_filter *frame_filter_parse(const char *text, enum frame_filter_msg msg);
/* A write to stdout failed with w (-errno): quiet on EPIPE (the reader
 * went away), else "cannot write output".  The exit status: 0 or 1. */
int frame_write_failed(int w);
/* Writing path failed with w (-errno, or SW_ENOTREG_BASE codes): 1. */
int frame_file_failed(const char *path, int w);

#endif
