/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diag_out.h - diagnoses as JSON (the "diagnoses" array) and as text
 * (sockwatch --check). */
#ifndef SW_DIAG_OUT_H
#define SW_DIAG_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/diagnose.h"
#include "core/snapshot.h"

/* The JSON array (just the value: "[{...},...]"), one object per
 * diagnosis: id, severity, subject, title, details[], fix[], value, limit,
 * pid, process, port (null when unknown).  Schema in doc/check.md. */
void out_diagnoses_json(FILE *fp, const struct diag_list *l);
/* For out_json_opts.extra: writes ,"diagnoses":[...] (arg is the list). */
void out_diagnoses_json_member(FILE *fp, void *list);

/* --check text: a status line ("sockwatch check: ALARM - ...", saying the
 * window the rates and counter deltas cover, or that there is none) and one
 * block per diagnosis; with verbose=false OK entries are one line each and
 * fixes are shown only for problems.  0 or -errno on a write error. */
int out_diagnoses_text(FILE *fp, const struct diag_list *l, bool verbose);

/* --check --nagios: the Nagios plugin guidelines' output.  One status line
 * "SOCKWATCH OK|WARNING|CRITICAL - summary | perfdata" (TCP sockets per
 * state: estab=N;warn;crit;min;max ..., time_wait and syn_recv with the
 * diagnosis thresholds, collect_time in s), then one line per problem.
 * '|' in a title is written '/'.  0 or -errno on a write error. */
enum { OUT_NAGIOS_OK = 0, OUT_NAGIOS_WARNING = 1, OUT_NAGIOS_CRITICAL = 2,
       OUT_NAGIOS_UNKNOWN = 3 };
int out_diagnoses_nagios(FILE *fp, const struct diag_list *l, const struct sw_snapshot *s,
			 const struct diag_thresholds *t);
/* The plugin exit status for the worst severity (0, 1 or 2). */
int out_nagios_exit(enum diag_sev worst);

#endif
