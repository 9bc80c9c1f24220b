/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsview.h - the monitor's namespace key (e): the views it offers and the
 * one chosen.  The views: the one sockwatch started with (its own, or -N
 * NAME), every namespace (-N all), and each namespace found (from the
 * last -N all sample, else discovered when the menu opens), with its
 * socket count when a -N all sample counted it. */
#ifndef SW_NSVIEW_H
#define SW_NSVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

struct nsview_ent {
	char path[96];
	char label[64];
	uint64_t inode;
	long socks; /* -1: not counted yet */
};

struct nsview {
	int mode;   /* 0: the start one, 1: all, 2: one of v[] */
	size_t idx; /* mode 2: v[idx] */
	struct nsview_ent *v;
	size_t n, cap;
	char label[64]; /* of the current view */
	long total;     /* sockets of the last -N all sample, -1 none */
};

/* start: -N as given (NULL: own).  A start of "all" begins in mode 1. */
void nsview_init(struct nsview *v, const char *start);
void nsview_done(struct nsview *v);
/* Bring the list up to date before a menu: from cur when it is a -N all
 * snapshot (with socket counts), else by discovering the namespaces
 * (counts kept from the last -N all sample, by inode). */
void nsview_refresh(struct nsview *v, const struct sw_snapshot *cur);
/* The menu's entries: 0 the start view (our own namespace when that was
 * -N all), 1 all, 2 + i each of v[]; labels
 * and socket counts (-1 unknown) into label[k] / socks[k] (n of each,
 * xmalloc'd by the caller: 2 + v->n).  Returns the current entry. */
size_t nsview_choices(const struct nsview *v, const char *start, char (*label)[64], long *socks);
/* Make entry k (of nsview_choices) the current view.  Returns the
 * collector's netns for it (NULL: own, "all", or a path); v->label names
 * it. */
const char *nsview_pick(struct nsview *v, const char *start, size_t k);

#endif
