/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prom.h - Prometheus text exposition (format 0.0.4) of a snapshot and its
 * diagnoses, for node_exporter's textfile collector (--format prometheus
 * --output FILE, written atomically). */
#ifndef SW_PROM_H
#define SW_PROM_H

#include <stdbool.h>
#include <stdio.h>

#include "core/diagnose.h"
#include "core/snapshot.h"

struct out_prom_opts {
	int top;                  /* ephemeral destinations exported (0: 10) */
	struct diag_state *scratch; /* for the ephemeral count (NULL: own) */
	bool skip_node;           /* leave out the /proc/net/{netstat,snmp,snmp6}
	                             counters node_exporter exports (--prom-skip-node) */
	/* Optional: more families, written after the diagnoses (closed
	 * connections: prom_churn.h). */
	void (*extra)(FILE *fp, void *arg);
	void *extra_arg;
};

/* Listener label sets (proto, addr, port, process) exported at most; the
 * rest are summed into addr/port/process "_other" series. */
#define OUT_PROM_LISTENER_CAP 64
/* -N all: netns label values exported at most on sockets{} and
 * listener_*{}: the namespaces holding most sockets keep their label
 * (OUT_PROM_NETNS_CAP - 1 of them when there are more), the rest are
 * summed as netns="_other". */
#define OUT_PROM_NETNS_CAP 20

/* Metrics (all prefixed sockwatch_; the list with meanings: doc/check.md):
 * build_info, sockets{proto,state} (kernel state names for every
 * protocol), timewait_*, listener_accept_queue / listener_backlog{proto,
 * addr,port,process} (capped); both with netns under -N all (capped), ephemeral_port_range_{size,low,high},
 * ephemeral_ports_used{src,dst,dport} (top N + "_other"),
 * diagnosis_severity/findings{id}, one gauge per sysctl, kernel counters
 * as *_total (UDP with family="ipv4"/"ipv6"), series_limit/dropped{family},
 * collect_duration_seconds, snapshot_timestamp_seconds.  o and dl may be
 * NULL (defaults; no diagnosis metrics).  0 or -errno. */
int out_metrics_prom(FILE *fp, const struct sw_snapshot *s, const struct diag_list *dl,
		     const struct out_prom_opts *o);
/* Same, replacing path atomically (temporary file + rename). */
int out_metrics_prom_file(const char *path, const struct sw_snapshot *s,
			  const struct diag_list *dl, const struct out_prom_opts *o);

/* Label value escaping: backslash, double quote and newline. */
void out_prom_label_value(FILE *fp, const char *s);

#endif
