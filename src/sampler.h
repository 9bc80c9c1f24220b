/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sampler.h - collect in the background: one worker thread runs
 * collector_sample() (the dumps, the parse, the process map, kstat) while
 * the monitor's main thread keeps answering keys and drawing from the last
 * complete model.
 *
 * Hand-over, not sharing: sampler_start() takes the collector and the
 * snapshot to fill; until sampler_fd() polls readable and sampler_finish()
 * gives the snapshot back, the caller must not touch either (no settings,
 * no SOCK_DESTROY on the collector's netlink socket, no replay moves).
 * A merge function, when given, runs in the worker after a successful
 * collection (the monitor merges into its model and builds the next views
 * there, under a lock of its own); the UI stays on the main thread.
 *
 * SOCKWATCH_DEBUG_COLLECT_DELAY_MS=N in the environment makes each
 * background collection N ms slower (tests see a slow refresh without a
 * million sockets); the delay is cut short by sampler_stop().  (The
 * monitor's SOCKWATCH_DEBUG_MERGE_DELAY_MS slows its merge function.)
 */
#ifndef SW_SAMPLER_H
#define SW_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>

#include "collect/collect.h"
#include "core/snapshot.h"

struct sampler;

/* Starts the worker thread (no signals are delivered to it).  NULL with
 * errno when it cannot: collect in the main thread then. */
struct sampler *sampler_new(void);
/* Readable (POLLIN) once a started collection is done. */
int sampler_fd(const struct sampler *s);
/* Runs in the worker with the collected snapshot (collector_sample
 * returned >= 0); what it leaves in *snap comes back by sampler_finish. */
typedef void (*sampler_merge_fn)(void *arg, struct sw_snapshot *snap);
/* Collect into *snap with c in the worker, then merge(arg, snap) unless
 * merge is NULL.  *snap moves to the worker (left initialised and empty
 * here) until sampler_finish. */
void sampler_start(struct sampler *s, struct sw_collector *c, struct sw_snapshot *snap,
		   sampler_merge_fn merge, void *arg);
/* After sampler_fd polled readable: false if the collection is not done
 * yet; else true, *snap receives the filled snapshot (its previous content
 * is freed), and collector_sample's result and message. */
bool sampler_finish(struct sampler *s, struct sw_snapshot *snap, int *rc, char *err,
		    size_t errlen);
/* Quit: cut a debug delay short, wait at most wait_ms (< 0: as long as it
 * takes) for a collection in flight (a merge that has begun is always
 * waited for: it works on the caller's data), end the thread.  True: done, s freed,
 * the caller frees the collector.  False: the collection is still running;
 * s and the collector c now belong to the worker, which frees both when
 * it is done (or the process exits first: nothing is written then, the
 * kernel closes its sockets). */
bool sampler_stop(struct sampler *s, int wait_ms, struct sw_collector *c);

#endif
