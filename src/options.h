/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options.h - command-line options, parsed once in main. */
#ifndef SW_OPTIONS_H
#define SW_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/columns.h"
#include "core/filter.h"

/* What sockwatch runs, decided once after every option is read (main.c
 * dispatches on it; entry points in modes.h). */
enum sw_mode {
	SW_MODE_MONITOR,    /* the full-screen monitor (no -b) */
	SW_MODE_TABLE,      /* -b: the connection table */
	SW_MODE_JSON,       /* --json (with -s: plus the summary's aggregates) */
	SW_MODE_SUMMARY,    /* -s: ss -s like totals and top lists */
	SW_MODE_CHECK,      /* --check: diagnose, exit 0 ok / 3 warn / 4 alarm */
	SW_MODE_PROMETHEUS, /* --format prometheus (with --check: its exit code too) */
	SW_MODE_NETINFO,    /* --routes, --interfaces */
	SW_MODE_RECORD,     /* --record-dir DIR: the time machine's recorder */
	SW_MODE_CLOSED,     /* --closed: each closed connection as it happens */
	SW_MODE_COUNT
};

struct sw_options {
	enum sw_mode mode;
	double delay;          /* -d SEC */
	bool delay_set;        /* -d given (over the settings file's interval;
	                          --listen's default differs) */
	long count;            /* -n COUNT (0 = forever in batch repeat) */
	bool count_set;
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
	bool csv;              /* --format csv: the table as RFC 4180 CSV */
	bool pids;             /* --pids: the PIDs holding the matching sockets, as lsof -t */
	const char *filter;    /* the expression */
	const char *netns;     /* -N */
	const char *record;    /* --record FILE: raw kernel replies (bug reports, tests) */
	const char *replay;    /* --replay FILE|DIR: a raw recording or a history */
	/* the time machine: --record-dir and replaying a history */
	const char *record_dir;  /* --record-dir DIR */
	unsigned keyframe;       /* --keyframe N (0: default) */
	uint64_t max_size;       /* --max-size SIZE in bytes, 0: none */
	int64_t max_age;         /* --max-age AGE in seconds, 0: none */
	uint32_t segment_s;      /* --segment SEC (0: an hour) */
	bool from_set, to_set;   /* --from TIME, --to TIME (Unix seconds) */
	int64_t from, to;
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
	bool nagios;            /* --check --nagios: plugin output, exit 0/1/2/3 */
	bool prom_skip_node;    /* --prom-skip-node: no node_exporter counters */
	const char *listen;     /* --listen ADDR:PORT: serve /metrics over HTTP */
	struct sockaddr_storage listen_addr; /* ... parsed */
	unsigned listen_len;
	bool closed;            /* --closed: stream closed connections (tcplife) */
	const char *config;     /* --config FILE (default: XDG sockwatchrc) */
	const char **thresholds;/* --threshold NAME=VALUE, in the order given */
	int nthresholds;
};

/* Parse argv.  Returns 0 to go on, or an exit code (0 after --help or
 * --version, 2 on a usage error, with the message printed). */
int options_parse(struct sw_options *o, int argc, char **argv, bool *exit_now);
void options_usage(FILE *fp);

#endif
