/* options.h - command-line options, parsed once in main. */
#ifndef SW_OPTIONS_H
#define SW_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/columns.h"
#include "core/filter.h"

enum sw_format { SW_FMT_TABLE, SW_FMT_JSON, SW_FMT_SUMMARY };

struct sw_options {
	bool batch;            /* -b */
	double delay;          /* -d SEC */
	long count;            /* -n COUNT (0 = forever in batch repeat) */
	bool count_set;
	enum sw_format format;
	struct sw_select sel;  /* -t -u -w -x -l -a -4 -6 */
	bool all;              /* -a: listening and non-listening */
	bool listening;        /* -l */
	bool numeric;          /* -n is taken by count: names are numeric by default; -r resolves in UI */
	bool procs;            /* -p (batch); the UI always maps processes */
	bool timers;           /* -o */
	bool extended;         /* -e: uid, inode, cookie */
	bool info;             /* -i: tcp_info columns */
	bool readonly;         /* -r / --readonly */
	bool no_color;         /* -C / NO_COLOR */
	bool no_header;        /* -H */
	const char *filter;    /* the expression */
	const char *netns;     /* -N */
	const char *record;
	const char *replay;
	const char *proc_root; /* --proc-root (tests) */
	const char *columns;   /* --columns list */
	const char *sort;      /* --sort list */
	const char *output;    /* --output FILE: Prometheus text written atomically */
	int summary_top;       /* rows per group in -s (default 10) */
	bool want_summary;     /* -s or --format=summary given */
	bool want_json;        /* --json or --format=json given (-s --json: JSON
	                          with the summary's aggregates) */
	/* insight: diagnoses, Prometheus, routes, interfaces */
	bool check;             /* --check: diagnose and exit 0 ok / 3 warn / 4 alarm */
	bool prometheus;        /* --format prometheus (--output FILE: atomic write) */
	bool routes;            /* --routes (netstat -r) */
	bool interfaces;        /* --interfaces (netstat -i) */
	const char *config;     /* --config FILE (default: XDG sockwatchrc) */
	const char **thresholds;/* --threshold NAME=VALUE, in the order given */
	int nthresholds;
};

/* Parse argv.  Returns 0 to go on, or an exit code (0 after --help or
 * --version, 2 on a usage error, with the message printed). */
int options_parse(struct sw_options *o, int argc, char **argv, bool *exit_now);
void options_usage(FILE *fp);

#endif
