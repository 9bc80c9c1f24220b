/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output.h - batch formats: aligned table, JSON (doc/json.md), summary.
 *
 * Every function writes to a caller-supplied FILE * (stdout in batch mode,
 * open_memstream() in tests) and returns 0, or -errno when writing failed
 * (e.g. -EPIPE when the reader went away: `sockwatch -b | head`).  Rows
 * come from a model view (or are built by hand in tests); nothing here
 * allocates per row.
 *
 * Names say what is written and how: out_<thing>_<format> (out_conns_table,
 * out_conns_json, out_summary_text; diag_out.h: out_diagnoses_json/_text;
 * netinfo_out.h: out_routes_text, out_ifaces_text, out_netinfo_json;
 * prom.h: out_metrics_prom).
 */
#ifndef SW_OUTPUT_H
#define SW_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/aggregate.h"
#include "core/columns.h"
#include "core/model.h"

/* ---- table ---------------------------------------------------------------- */

/* Aligned columns like ss/netstat: widths computed from the data (and the
 * header), numbers right-aligned, two spaces between columns, no trailing
 * blanks.  header=false for -H. */
int out_conns_table(FILE *fp, const struct sw_view *v,
		    const enum sw_col_id *cols, int ncols, bool header);

/* The same cells as RFC 4180 CSV (csv.c): a header line of column names
 * (the --columns names) unless header=false; stamp (or NULL) adds a first
 * column "time" with that text in every row (repeated samples). */
int out_conns_csv(FILE *fp, const struct sw_view *v,
		  const enum sw_col_id *cols, int ncols, bool header, const char *stamp);
/* The PIDs holding the rows' sockets, unique, ascending, one per line
 * (as lsof -t); nothing for sockets no visible process holds. */
int out_pids(FILE *fp, const struct sw_view *v);

/* ---- JSON ----------------------------------------------------------------- */

struct out_json_opts {
	bool aggregates; /* -s --json: add "aggregates" (top lists, listeners) */
	int top;         /* entries per aggregate list (0: 10) */
	/* Optional: append more top-level members.  Called just before the
	 * closing brace; must write ',"name":value' pairs (e.g. "diagnoses"). */
	void (*extra)(FILE *fp, void *arg);
	void *extra_arg;
};

/* One compact single-line JSON document (newline-terminated) describing
 * the snapshot s and the selected rows. */
int out_conns_json(FILE *fp, const struct sw_snapshot *s, const struct sw_view *v, const struct out_json_opts *o);

/* JSON string literal (with quotes) for len bytes of p: '"', '\\' and
 * control characters escaped (\n, \t, \u0001, NUL as \u0000), valid UTF-8
 * copied, every byte of an invalid UTF-8 sequence written as \uFFFD. */
void out_json_str(FILE *fp, const char *p, size_t len);
static inline void out_json_cstr(FILE *fp, const char *s)
{
	out_json_str(fp, s, strlen(s));
}

/* ---- summary ------------------------------------------------------------- */

struct out_summary_opts {
	int top; /* rows per group (0: 10) */
};

/* `ss -s`-like totals per protocol and state, then the netstat | awk | uniq -c
 * pipelines:
 * connections per remote IP with per-state counts, SYN_RECV per remote IP
 * (when any), per /24 and /64 network, per local port, per process, the
 * listeners with their queues, and the kernel context (port range,
 * tcp_tw_reuse, tcp_fin_timeout, tcp_max_tw_buckets vs TIME_WAIT,
 * somaxconn, syncookies, listen/TIME_WAIT overflow counters). */
int out_summary_text(FILE *fp, const struct sw_snapshot *s, const struct sw_view *v, const struct out_summary_opts *o);

/* Shared by summary and JSON: the kernel counters worth showing, in order
 * ({group, name} pairs, NULL-terminated). */
extern const char *const out_kernel_counters[][2];

#endif
