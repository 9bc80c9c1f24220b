/* SPDX-License-Identifier: GPL-2.0-or-later */
/* churnsrc.h - destroy events of the collected namespace fed into a churn
 * model (core/churn.h): what the monitor, batch and streaming modes share.
 *
 * Events are drained from the kernel whenever the fd is readable (at most
 * every CHURNSRC_DRAIN_MS: each wakeup costs more than the events it
 * reads) into a pending buffer, so the kernel's queue never fills between
 * samples; they join the churn model just before each sample, attributed
 * with the model as the previous sample left it.  Replaying a history
 * recorded with close events, the events come from the recording: those
 * recorded with the sample about to be read, at its time.  When the
 * events cannot be had (an old kernel, an LSM, a raw recording, a history
 * recorded without them), err says why and every closure comes from
 * sample deltas.
 */
#ifndef SW_CHURNSRC_H
#define SW_CHURNSRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/collect.h"
#include "collect/sockevents.h"
#include "core/churn.h"
#include "core/model.h"

#define CHURNSRC_DRAIN_MS 100
/* Events held between two samples at most; beyond, they count as lost. */
#define CHURNSRC_MAX_PENDING (1u << 20)

struct churnsrc {
	struct sockevents *ev;
	struct sw_churn *ch;
	struct sw_snapshot pending;
	uint64_t last_drain_ns;
	uint64_t overflow;   /* events dropped because pending was full */
	bool ok;             /* events arrive */
	char err[256];       /* why not, or "" */
	const struct sw_collector *hist; /* replaying a history */
	uint64_t hist_dropped; /* its recorded count of dropped events */
	uint64_t hist_ns;    /* the last sample's time (a move back resets the model) */
	uint64_t hist_ev_ns; /* the time of the sample whose events were added last */
};

/* Open the events in the collector's namespace (never fails: without them
 * cs->ok is false and cs->err says why). */
void churnsrc_open(struct churnsrc *cs, const struct sw_collector *col, double window_s);
void churnsrc_close(struct churnsrc *cs);
/* The fd to poll, or -1. */
int churnsrc_fd(const struct churnsrc *cs);
/* ms until a readable fd may be drained again (0: now). */
int churnsrc_wait_ms(const struct churnsrc *cs, uint64_t now_ns);
/* Kernel queue -> pending (never blocks). */
void churnsrc_drain(struct churnsrc *cs);
/* Before collector_sample: drain, and add what is pending to the churn
 * model, attributed with m as the last sample left it (NULL: none yet). */
void churnsrc_before_sample(struct churnsrc *cs, const struct sw_model *m);
/* Replaying a history, after a move (the position on the sample before
 * the one to show, the model afresh): the churn model starts again with
 * the close events recorded in its window before that sample, so that the
 * Churn panel and the closed rows show at once what the monitor showed
 * live at that moment, not only the last interval's. */
void churnsrc_hist_moved(struct churnsrc *cs, const struct sw_model *m);
/* After model_update: close the interval and hand the records to the
 * model's views (closed rows). */
void churnsrc_after_sample(struct churnsrc *cs, struct sw_model *m);
/* Kernel drops + pending overflow, since open. */
uint64_t churnsrc_dropped(const struct churnsrc *cs);

#endif
