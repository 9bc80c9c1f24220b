/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prom_churn.h - closed connections (core/churn.h) as Prometheus families.
 *
 * Label sets are bounded: per protocol (tcp, udp) and role (client: by
 * destination port; server: by local listening port) at most
 * PROM_CHURN_PORTS ports have their own label, the rest add up under
 * port="other".
 *
 * A one-shot run (--format prometheus, two samples -d apart, the textfile
 * collector) has no counter that lives longer than the run: it writes
 * per-second gauges of its interval, the ports being that interval's
 * busiest.  A long-running exporter writes real _total counters kept in a
 * struct prom_churn_totals across scrapes; there a port keeps its label
 * once it has one (a counter must never go back), so the labelled ports
 * are the first PROM_CHURN_PORTS seen per protocol and role. */
#ifndef SW_PROM_CHURN_H
#define SW_PROM_CHURN_H

#include <stdbool.h>
#include <stdio.h>

#include "core/churn.h"

#define PROM_CHURN_PORTS 10

/* sockwatch_connections_{opened,closed}_per_second{proto},
 * sockwatch_port_connections_closed_per_second{proto,role,port},
 * sockwatch_close_events_lost (in the interval),
 * sockwatch_close_events_available (1/0).  The per-port rates count the
 * records the churn model holds: set its window to about half the
 * interval (churn_set_window).  Nothing before the second sample. */
void out_churn_prom_rates(FILE *fp, const struct sw_churn *c, bool events_ok);

struct prom_churn_totals;
struct prom_churn_totals *prom_churn_totals_new(void);
void prom_churn_totals_free(struct prom_churn_totals *t);
/* After each churn_sample: add the records that are new since the last
 * call to t, then write sockwatch_connections_{opened,closed}_total{proto},
 * sockwatch_port_connections_closed_total{proto,role,port},
 * sockwatch_close_events_lost_total and sockwatch_close_events_available. */
void out_churn_prom_counters(FILE *fp, struct prom_churn_totals *t, const struct sw_churn *c,
			     bool events_ok);

#endif
