/* SPDX-License-Identifier: GPL-2.0-or-later */
/* remotes.h - the Top remote IPs panel's grouping and order (the keys g,
 * p, o work whichever panel has the focus). */
#ifndef SW_REMOTES_H
#define SW_REMOTES_H

#include <stddef.h>
#include <stdint.h>

#include "core/aggregate.h"

struct ui;

/* The remotes panel's sort column i (wrapping): the order and states to
 * pass to agg_sort, and its header ("Count", "SYN-R"). */
const char *remotes_order(size_t i, enum sw_agg_order *by, uint32_t *states);
/* The actions: per process or back, the next grouping, the next column. */
unsigned remotes_group_proc(struct ui *ui, int arg);
unsigned remotes_group_next(struct ui *ui, int arg);
unsigned remotes_sort_next(struct ui *ui, int arg);

#endif
