/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsview.h - the monitor's namespace key (e): which namespace view comes
 * next.  The views cycle: the one sockwatch started with (its own, or -N
 * NAME), every namespace (-N all), then each namespace the last -N all
 * sample listed, one at a time, and back. */
#ifndef SW_NSVIEW_H
#define SW_NSVIEW_H

#include <stddef.h>

#include "core/snapshot.h"

struct nsview_ent {
	char path[96];
	char label[64];
};

struct nsview {
	int mode;   /* 0: the start one, 1: all, 2: one of v[] */
	size_t idx; /* mode 2: v[idx] */
	struct nsview_ent *v;
	size_t n, cap;
	char label[64]; /* of the current view */
};

/* start: -N as given (NULL: own).  A start of "all" begins in mode 1. */
void nsview_init(struct nsview *v, const char *start);
void nsview_done(struct nsview *v);
/* Step to the next view; cur is the snapshot shown now (its namespace
 * table is remembered when it is an all-namespaces one).  Returns the
 * collector's netns for it (NULL: own, "all", or a path); v->label names
 * it. */
const char *nsview_next(struct nsview *v, const char *start, const struct sw_snapshot *cur);

#endif
