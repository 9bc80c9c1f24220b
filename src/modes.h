/* SPDX-License-Identifier: GPL-2.0-or-later */
/* modes.h - the run modes' entry points.  options_parse() decides the mode
 * (struct sw_options.mode); main.c calls the one entry point for it.  Each
 * returns the process's exit status (0 ok, 1 runtime error, 2 usage error;
 * --check adds 3 warning and 4 alarm). */
#ifndef SW_MODES_H
#define SW_MODES_H

#include "options.h"

/* SW_MODE_MONITOR: the full-screen monitor (mode_monitor.c). */
int mode_monitor_run(const struct sw_options *o);
/* SW_MODE_TABLE, SW_MODE_JSON, SW_MODE_SUMMARY: -b (mode_batch.c). */
int mode_batch_run(const struct sw_options *o);
/* SW_MODE_CHECK, SW_MODE_PROMETHEUS: diagnoses (mode_check.c). */
int mode_check_run(const struct sw_options *o);
/* SW_MODE_NETINFO: --routes, --interfaces (mode_netinfo.c). */
int mode_netinfo_run(const struct sw_options *o);
/* SW_MODE_RECORD: --record-dir, the time machine's recorder (mode_record.c). */
int mode_record_run(const struct sw_options *o);
/* SW_MODE_CLOSED: --closed, each closed connection as it happens
 * (mode_closed.c). */
int mode_closed_run(const struct sw_options *o);

#endif
