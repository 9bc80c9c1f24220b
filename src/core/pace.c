/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pace.c - see pace.h. */
#include "config.h"

#include "pace.h"

#define PACE_MAX_S 3600.0 /* the longest interval -d accepts */

/* v rounded up to the step of its size. */
static double round_up(double v)
{
	double step = v < 2 ? 0.1 : v < 10 ? 0.5 : v < 60 ? 1 : 5;
	/* 2 x 0.35 is 0.7000000000000001: not worth another step */
	double q = v / step - 1e-9;
	double n = (double)(long long)q; /* v > 0: truncation is floor */
	return (n < q ? n + 1 : n) * step;
}

double pace_interval(double set_s, double cur_s, double cost_s)
{
	if (!(cur_s > set_s))
		cur_s = set_s;
	if (!(cost_s > 0))
		return cur_s;
	double want = 2 * cost_s;
	if (want <= set_s)
		want = set_s;
	else
		want = round_up(want);
	double cap = set_s > PACE_MAX_S ? set_s : PACE_MAX_S;
	if (want > cap)
		want = cap;
	if (want >= cur_s)
		return want;
	return cost_s * 3 <= cur_s + 1e-9 ? want : cur_s;
}
