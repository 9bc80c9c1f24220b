/* mode_check.h - the insight modes wired to collector and outputs: --check,
 * --format prometheus, --routes, --interfaces; and the diagnoses for
 * `-b --json` (mode_batch.c calls insight_diag_*). */
#ifndef SW_INSIGHT_H
#define SW_INSIGHT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/diagnose.h"

#include "options.h"
#include "output/output.h"

/* Exit codes of --check (1 and 2 keep their meaning: runtime / usage error). */
enum { INSIGHT_EXIT_OK = 0, INSIGHT_EXIT_WARN = 3, INSIGHT_EXIT_ALARM = 4 };

/* Thresholds: defaults, then the config file (--config FILE, or the XDG
 * default when it exists; bad lines warn on stderr), then --threshold.
 * 0, or an exit code (2) after printing why. */
int insight_thresholds(const struct sw_options *o, struct diag_thresholds *t);
/* The same, with the config file's warnings ("path:line: message") sent to
 * warn instead of stderr (the monitor shows them once its screen is up). */
/* The monitor's settings from the configuration file. */
struct insight_monitor_cfg {
	bool panels_follow_filter; /* monitor.panels_follow_filter (default 1) */
};
/* mon (may be NULL) receives the monitor's settings. */
int insight_thresholds_to(const struct sw_options *o, struct diag_thresholds *t,
			  struct insight_monitor_cfg *mon, FILE *warn);

/* Diagnoses inside another batch mode (JSON): keep one per run. */
struct insight_diag {
	struct diag_thresholds t;
	struct diag_state st;
	struct diag_list dl;
};
int insight_diag_init(struct insight_diag *d, const struct sw_options *o);
/* Diagnose s and hook the "diagnoses" member into jo. */
void insight_diag_json(struct insight_diag *d, const struct sw_snapshot *s,
		       struct out_json_opts *jo);
void insight_diag_done(struct insight_diag *d);

#endif
