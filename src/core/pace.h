/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pace.h - how often the monitor refreshes when a refresh is expensive.
 *
 * A refresh (the dump, the process map, the merge, the views) may take at
 * most half of the interval, so that the machine is not kept busy by the
 * monitor itself (at a million sockets a refresh takes seconds, more than
 * the usual 1-2 s interval).  Beyond that the interval in effect stretches
 * to twice the cost, rounded up to a readable step; it shrinks back when
 * refreshes are cheap again, never below the interval asked for.
 */
#ifndef SW_PACE_H
#define SW_PACE_H

/* The interval to use next (seconds), given the one asked for (set_s,
 * -d or the +/- keys), the one in effect until now (cur_s; anything below
 * set_s counts as set_s) and what the last refresh cost (cost_s, wall
 * time; 0 or less: unknown, nothing changes).
 *
 * Grows at once to 2 x cost rounded up (0.1 s steps below 2 s, 0.5 s
 * below 10 s, 1 s below 60 s, 5 s beyond; capped at 3600 s or set_s);
 * shrinks only when the cost is at most a third of the interval in effect
 * (a cost wobbling around the half does not make the header flicker). */
double pace_interval(double set_s, double cur_s, double cost_s);

/* The interval in effect is longer than the one asked for. */
static inline int pace_stretched(double set_s, double cur_s)
{
	return cur_s > set_s + 1e-6;
}

#endif
