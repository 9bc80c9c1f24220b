/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prom.h - Prometheus text exposition (format 0.0.4) of a snapshot and its
 * diagnoses, for node_exporter's textfile collector (--format prometheus
 * --output FILE, written atomically). */
#ifndef SW_PROM_H
#define SW_PROM_H

#include <stdio.h>

#include "core/diagnose.h"
#include "core/snapshot.h"

struct out_prom_opts {
	int top;                  /* ephemeral destinations exported (0: 10) */
	struct diag_state *scratch; /* for the ephemeral count (NULL: own) */
	/* Optional: more families, written after the diagnoses (closed
	 * connections: prom_churn.h). */
	void (*extra)(FILE *fp, void *arg);
	void *extra_arg;
};

/* Metrics (all prefixed sockwatch_): sockets{proto,state},
 * listener_accept_queue / listener_backlog{proto,addr,port,process},
 * timewait_sockets, timewait_max_buckets, ephemeral_port_range_size,
 * ephemeral_ports_used{src,dst,dport} (top N), diagnosis_severity{id}
 * (0 ok, 1 warn, 2 alarm; worst per id), sysctl{name}, kernel counters as
 * *_total counters, collect_duration_seconds, snapshot_timestamp_seconds.
 * dl may be NULL (no diagnosis metrics).  0 or -errno. */
int out_metrics_prom(FILE *fp, const struct sw_snapshot *s, const struct diag_list *dl,
		     const struct out_prom_opts *o);
/* Same, replacing path atomically (temporary file + rename). */
int out_metrics_prom_file(const char *path, const struct sw_snapshot *s,
			  const struct diag_list *dl, const struct out_prom_opts *o);

/* Label value escaping: backslash, double quote and newline. */
void out_prom_label_value(FILE *fp, const char *s);

#endif
