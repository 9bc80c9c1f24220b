/* SPDX-License-Identifier: GPL-2.0-or-later */
/* churn_out.h - connections that closed between two samples (core/churn.h)
 * in the batch formats: the "churn" member of --json documents, the
 * "Closed connections" section of -s, and the lines of the streaming mode
 * (sockwatch --closed: one table row or one JSON line per closed
 * connection).  The Prometheus families are in prom_churn.h.  0 or -errno,
 * as output.h. */
#ifndef SW_CHURN_OUT_H
#define SW_CHURN_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/churn.h"
#include "core/filter.h"

struct out_churn_opts {
	int top;                     /* groups per list (0: 10) */
	const struct sw_select *sel; /* -t -u -4 -6 (states ignored); may be NULL */
	const struct sw_filter *f;   /* the filter expression; may be NULL */
	bool events_ok;              /* destroy events arrive */
	const char *events_error;    /* why not ("" or NULL: no reason known) */
};

/* The groups' rates are the records the churn model holds (its window)
 * divided by the last interval: set the window to about half the interval
 * (churn_set_window) so that it holds that interval's records only. */

/* ',"churn":{...}' for the interval churn_sample last closed; nothing
 * before the second sample (no interval yet). */
void out_churn_json_member(FILE *fp, const struct sw_churn *c, const struct out_churn_opts *o);
/* "Closed connections" section of -s (nothing before the second sample);
 * width: the terminal's columns (0: 80), long owners are cut to fit. */
int out_churn_summary_text(FILE *fp, const struct sw_churn *c, const struct out_churn_opts *o,
			   int width);

/* ---- streaming (sockwatch --closed) ------------------------------------- */

/* The header line of the table. */
int out_closed_header(FILE *fp);
/* Record i of churn_records(c) as one table row or one JSON line. */
int out_closed_row(FILE *fp, const struct sw_churn *c, size_t i);
int out_closed_json(FILE *fp, const struct sw_churn *c, size_t i);

#endif
