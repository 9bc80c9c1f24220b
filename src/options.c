/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/diagnose.h"
#include "core/histfile.h"
#include "core/i18n.h"
#include "core/util.h"
#include "core/keymap.h"
#include "options.h"

/* The last of -s, --json, --format=table|json|summary wins. */
enum sw_format { SW_FMT_TABLE, SW_FMT_JSON, SW_FMT_SUMMARY, SW_FMT_CSV };

enum {
	OPT_JSON = 256,
	OPT_FORMAT,
	OPT_RECORD,
	OPT_REPLAY,
	OPT_PROC_ROOT,
	OPT_COLUMNS,
	OPT_SORT,
	OPT_TOP,
	OPT_COUNT,
	OPT_NUMERIC,
	OPT_UDPLITE,
	OPT_MPTCP,
	OPT_SCTP,
	OPT_LIST_KEYS,
	OPT_CHECK,
	OPT_THRESHOLD,
	OPT_CONFIG,
	OPT_OUTPUT,
	OPT_ROUTES,
	OPT_INTERFACES,
	OPT_PIDS,
	OPT_NAGIOS,
	OPT_PROM_SKIP_NODE,
	OPT_LISTEN,
	OPT_RECORD_DIR,
	OPT_KEYFRAME,
	OPT_MAX_SIZE,
	OPT_MAX_AGE,
	OPT_SEGMENT,
	OPT_FROM,
	OPT_TO,
	OPT_CLOSED,
};

static const struct option longopts[] = {
	{"batch", no_argument, NULL, 'b'},
	{"delay", required_argument, NULL, 'd'},
	{"count", required_argument, NULL, OPT_COUNT},
	{"numeric", no_argument, NULL, OPT_NUMERIC},
	{"tcp", no_argument, NULL, 't'},
	{"udp", no_argument, NULL, 'u'},
	{"raw", no_argument, NULL, 'w'},
	{"unix", no_argument, NULL, 'x'},
	{"udplite", no_argument, NULL, OPT_UDPLITE},
	{"mptcp", no_argument, NULL, OPT_MPTCP},
	{"sctp", no_argument, NULL, OPT_SCTP},
	{"list-keys", optional_argument, NULL, OPT_LIST_KEYS}, /* hidden: doc/keys.md, man page */
	{"listening", no_argument, NULL, 'l'},
	{"all", no_argument, NULL, 'a'},
	{"processes", no_argument, NULL, 'p'},
	{"ipv4", no_argument, NULL, '4'},
	{"ipv6", no_argument, NULL, '6'},
	{"timers", no_argument, NULL, 'o'},
	{"extended", no_argument, NULL, 'e'},
	{"info", no_argument, NULL, 'i'},
	{"summary", no_argument, NULL, 's'},
	{"json", no_argument, NULL, OPT_JSON},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"no-header", no_argument, NULL, 'H'},
	{"netns", required_argument, NULL, 'N'},
	{"readonly", no_argument, NULL, 'r'},
	{"no-color", no_argument, NULL, 'C'},
	{"no-colour", no_argument, NULL, 'C'},
	{"record", required_argument, NULL, OPT_RECORD},
	{"replay", required_argument, NULL, OPT_REPLAY},
	{"record-dir", required_argument, NULL, OPT_RECORD_DIR},
	{"keyframe", required_argument, NULL, OPT_KEYFRAME},
	{"max-size", required_argument, NULL, OPT_MAX_SIZE},
	{"max-age", required_argument, NULL, OPT_MAX_AGE},
	{"segment", required_argument, NULL, OPT_SEGMENT},
	{"from", required_argument, NULL, OPT_FROM},
	{"to", required_argument, NULL, OPT_TO},
	{"proc-root", required_argument, NULL, OPT_PROC_ROOT},
	{"columns", required_argument, NULL, OPT_COLUMNS},
	{"sort", required_argument, NULL, OPT_SORT},
	{"top", required_argument, NULL, OPT_TOP},
	{"check", no_argument, NULL, OPT_CHECK},
	{"threshold", required_argument, NULL, OPT_THRESHOLD},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"routes", no_argument, NULL, OPT_ROUTES},
	{"interfaces", no_argument, NULL, OPT_INTERFACES},
	{"pids", no_argument, NULL, OPT_PIDS},
	{"nagios", no_argument, NULL, OPT_NAGIOS},
	{"prom-skip-node", no_argument, NULL, OPT_PROM_SKIP_NODE},
	{"listen", required_argument, NULL, OPT_LISTEN},
	{"closed", no_argument, NULL, OPT_CLOSED},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

static void usage_history(FILE *fp)
{
	fputs(_("Time machine (see RECORDING HISTORY in sockwatch(1)):\n"
		"      --record-dir=DIR   keep recording every -d SEC into DIR (hourly segments)\n"
		"      --keyframe=N       a full snapshot every N samples (default 1800)\n"
		"      --max-size=SIZE    remove the oldest segments above SIZE (e.g. 2G, 500M)\n"
		"      --max-age=AGE      remove segments older than AGE (e.g. 7d, 12h)\n"
		"      --segment=SEC      segment length in seconds (default 3600)\n"
		"      --from=TIME --to=TIME  replay only this window of a history: HH:MM,\n"
		"                         'YYYY-MM-DD HH:MM[:SS]', @UNIXTIME or -2h, -30m\n\n"), fp);
}

void options_usage(FILE *fp)
{
	fprintf(fp, _("Usage: sockwatch [OPTION]... [FILTER]\n"
		      "A live, top-style monitor of network connections (TCP, UDP, RAW, UNIX).\n"
		      "Without -b, opens the full-screen monitor.\n\n"));
	fputs(_("Modes and output:\n"
		"  -b, --batch            print a snapshot and exit (no full screen)\n"
		"  -d, --delay=SEC        refresh interval (default 1; batch: between repeats)\n"
		"  -n COUNT, --count=COUNT  batch: print COUNT snapshots (-n alone: numeric, the default)\n"
		"  -s, --summary          totals per protocol and state, top remote IPs,\n"
		"                         local ports and processes\n"
		"      --json             one JSON document per snapshot (JSON lines with -n)\n"
		"      --format=FMT       table (default), json, summary or csv\n"
		"  -H, --no-header        no table header line\n"
		"      --columns=LIST     table columns, e.g. proto,state,local,remote,pid\n"
		"      --sort=LIST        sort keys, e.g. state,-rxrate (- = descending)\n"
		"      --top=N            rows per group in the summary (default 10)\n"
		"      --pids             only the PIDs holding the matching sockets, one per\n"
		"                         line (as lsof -t): kill $(sockwatch --pids :9000)\n\n"), fp);
	usage_history(fp);
	fputs(_("Selection (netstat/ss habits):\n"
		"  -t, --tcp  -u, --udp  -w, --raw  -x, --unix\n"
		"      --udplite  --mptcp  --sctp\n"
		"  -l, --listening        only listening (and bound, unconnected) sockets\n"
		"  -a, --all              listening and non-listening sockets\n"
		"  -4, --ipv4  -6, --ipv6 only this address family\n"
		"  -p, --processes        show the processes holding each socket\n"
		"  -o, --timers           show timers (as netstat -o)\n"
		"  -e, --extended         show uid, inode and socket cookie\n"
		"  -i, --info             show TCP internals (rtt, cwnd, retransmits, bytes)\n"
		"  FILTER                 an expression, e.g. 'state established and dport = :443'\n"
		"                         (see FILTER EXPRESSIONS in sockwatch(1))\n\n"), fp);
	fputs(_("Other:\n"
		"  -N, --netns=NAME|PATH  collect inside another network namespace\n"
		"  -N all                 every network namespace of the host, in one view\n"
		"  -r, --readonly         monitor: disable kill and close-socket actions\n"
		"  -C, --no-color         monochrome (also when NO_COLOR is set)\n"
		"      --check            diagnose (TIME_WAIT/ephemeral ports, SYN flood, accept\n"
		"                         queues, CLOSE_WAIT leaks, retransmits) and exit\n"
		"                         0 ok, 3 warning, 4 alarm\n"
		"      --nagios           with --check: Nagios/Icinga plugin output, exit\n"
		"                         0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\n"
		"      --threshold=NAME=VALUE  change a diagnosis threshold (see sockwatch(1))\n"
		"      --config=FILE      settings file (default ~/.config/sockwatch/sockwatchrc)\n"
		"      --format=prometheus  Prometheus text format; --output=FILE writes it\n"
		"                         atomically (node_exporter textfile collector)\n"
		"      --listen=ADDR:PORT serve the Prometheus metrics over HTTP at /metrics,\n"
		"                         sampling every -d SEC (default 10), e.g.\n"
		"                         127.0.0.1:9910 or [::1]:9910\n"
		"      --prom-skip-node   leave out the kernel counters node_exporter exports\n"
		"      --routes           routing table (netstat -r)\n"
		"      --interfaces       interface counters and rates (netstat -i)\n"
		"      --closed           print each connection as it closes, however short\n"
		"                         (like tcplife; --json: JSON lines; -n COUNT: stop\n"
		"                         after COUNT)\n"
		"      --record=FILE      save the raw kernel replies to FILE (bug reports, tests)\n"
		"      --replay=FILE|DIR  read a recording instead of the kernel: a --record\n"
		"                         file or a --record-dir history (the monitor, -b,\n"
		"                         --json, -s, --check)\n"
		"  -h, --help             show this help and exit\n"
		"  -V, --version          show the version and exit\n\n"
		"Exit status: 0 ok, 1 runtime error, 2 usage error; --check: 3 warning, 4 alarm.\n"), fp);
}

static bool all_digits(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "sockwatch: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fprintf(stderr, _("Try 'sockwatch --help' for more information.\n"));
	return 2;
}

static int parse_count(struct sw_options *o, const char *arg)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (!*arg || *end || v < 0)
		return usage_error(_("invalid count '%s' (a whole number >= 0)"), arg);
	if (errno == ERANGE)
		return usage_error(_("count '%s' is too large (at most %ld)"), arg, LONG_MAX);
	o->count = v;
	o->count_set = true;
	return 0;
}

static int parse_listen(struct sw_options *o, const char *arg)
{
#ifdef HAVE_MICROHTTPD
	if (!sw_parse_hostport(arg, &o->listen_addr, &o->listen_len))
		return usage_error(_("invalid --listen address '%s' (a numeric ADDR:PORT, e.g. "
				     "127.0.0.1:9910, 0.0.0.0:9910 or [::1]:9910)"), arg);
	o->listen = arg;
	o->prometheus = true;
	return 0;
#else
	(void)o;
	(void)arg;
	return usage_error("%s", _("--listen is not available: this sockwatch was built "
				   "without libmicrohttpd (configure found no libmicrohttpd-dev)"));
#endif
}

/* "2G", "500M", "64K", "1000" (bytes). */
static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || errno || s[0] == '-')
		return false;
	unsigned shift = !*end ? 0 : !strcmp(end, "K") || !strcmp(end, "k") ? 10
		       : !strcmp(end, "M") ? 20 : !strcmp(end, "G") ? 30 : !strcmp(end, "T") ? 40 : 99;
	if (shift == 99 || v > (UINT64_MAX >> shift))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

/* "7d", "12h", "30m", "90s", "3600" (seconds). */
static bool parse_age(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end == s || errno || v <= 0)
		return false;
	long long mul = !*end || !strcmp(end, "s") ? 1 : !strcmp(end, "m") ? 60
		      : !strcmp(end, "h") ? 3600 : !strcmp(end, "d") ? 86400 : 0;
	if (!mul || v > INT64_MAX / mul)
		return false;
	*out = v * mul;
	return true;
}

static int parse_history_opt(struct sw_options *o, int c, const char *arg)
{
	char *end;
	long v;
	switch (c) {
	case OPT_RECORD_DIR: o->record_dir = arg; return 0;
	case OPT_KEYFRAME:
		v = strtol(arg, &end, 10);
		if (!*arg || *end || v < 1 || v > 1000000)
			return usage_error(_("invalid --keyframe '%s' (1 to 1000000 samples)"), arg);
		o->keyframe = (unsigned)v;
		return 0;
	case OPT_SEGMENT:
		v = strtol(arg, &end, 10);
		if (!*arg || *end || v < 10 || v > 86400)
			return usage_error(_("invalid --segment '%s' (10 to 86400 seconds)"), arg);
		o->segment_s = (uint32_t)v;
		return 0;
	case OPT_MAX_SIZE:
		if (!parse_size(arg, &o->max_size) || o->max_size == 0)
			return usage_error(_("invalid --max-size '%s' (e.g. 2G, 500M)"), arg);
		return 0;
	case OPT_MAX_AGE:
		if (!parse_age(arg, &o->max_age))
			return usage_error(_("invalid --max-age '%s' (e.g. 7d, 12h, 30m)"), arg);
		return 0;
	default: {
		int64_t t;
		if (hf_parse_time(arg, (int64_t)time(NULL), &t) < 0)
			return usage_error(_("invalid time '%s' (HH:MM, 'YYYY-MM-DD HH:MM[:SS]', "
					     "@UNIXTIME or -2h)"), arg);
		if (c == OPT_FROM)
			o->from = t, o->from_set = true;
		else
			o->to = t, o->to_set = true;
		return 0;
	}
	}
}

/* The option getopt complained about, for the message.  Inside a group of
 * short options ("-Zt") optind has not moved past the word yet, so
 * argv[optind - 1] would be the previous word (or the program). */
static const char *bad_option(char **argv, int optind_now, int before, char sh[3])
{
	const char *word = optind_now == before ? argv[optind_now] : argv[optind_now - 1];
	if (strncmp(word, "--", 2) == 0 || optopt <= 0 || optopt > 127)
		return word;
	sh[0] = '-';
	sh[1] = (char)optopt;
	sh[2] = '\0';
	return sh;
}

/* --nagios, --listen, --prom-skip-node: only where they mean something. */
static int check_insight(const struct sw_options *o)
{
	if (o->nagios && (!o->check || o->prometheus || o->want_json))
		return usage_error("%s", _("--nagios goes with --check only (not with "
					   "--json or --format prometheus)"));
	if (o->prom_skip_node && !o->prometheus)
		return usage_error("%s", _("--prom-skip-node is for --format prometheus "
					   "and --listen"));
	if (o->listen && (o->check || o->output))
		return usage_error("%s", _("--listen serves the metrics itself: it cannot be "
					   "combined with --check or --output"));
	return 0;
}

/* The time machine's options, each only where it means something. */
static int check_history(const struct sw_options *o)
{
	if (o->record_dir && (o->replay || o->record))
		return usage_error("%s", _("--record-dir cannot be used with --record or --replay"));
	if (o->record_dir && (o->want_json || o->want_summary || o->check || o->prometheus ||
			      o->routes || o->interfaces || !sw_blank(o->filter)))
		return usage_error("%s", _("--record-dir records everything: it takes no output "
					   "format and no filter (filter when replaying)"));
	if (!o->record_dir && (o->keyframe || o->max_size || o->max_age || o->segment_s))
		return usage_error("%s", _("--keyframe, --max-size, --max-age and --segment are "
					   "for --record-dir"));
	if ((o->from_set || o->to_set) && !o->replay)
		return usage_error("%s", _("--from and --to choose a window of --replay"));
	if (o->from_set && o->to_set && o->to < o->from)
		return usage_error("%s", _("--to is before --from"));
	return 0;
}

/* Options that the chosen mode would silently ignore are refused. */
static int check_ignored(const struct sw_options *o)
{
	bool insight = o->mode == SW_MODE_CHECK || o->mode == SW_MODE_PROMETHEUS ||
		       o->mode == SW_MODE_NETINFO;
	if (insight && !sw_blank(o->filter))
		return usage_error(_("a filter expression does not apply to --check, "
				     "--format=prometheus, --routes or --interfaces "
				     "(they look at every socket)"));
	/* The settings file holds diagnosis thresholds: read by the monitor,
	 * --check, --format=prometheus and JSON (its "diagnoses"). */
	bool config_used = o->mode == SW_MODE_MONITOR || o->mode == SW_MODE_CHECK ||
			   o->mode == SW_MODE_PROMETHEUS ||
			   (o->want_json && o->mode != SW_MODE_NETINFO && o->mode != SW_MODE_CLOSED);
	if (o->config && !config_used)
		return usage_error(_("--config is not used by this batch output (only by the "
				     "monitor, --check, --format=prometheus and --json)"));
	if (o->closed && (o->mode != SW_MODE_CLOSED || o->want_summary))
		return usage_error("%s", _("--closed does not go with -s, --check, "
					   "--format=prometheus, --routes or --interfaces"));
	if (o->closed && o->replay)
		return usage_error("%s", _("--closed needs the kernel's events: it cannot "
					   "read a --replay recording"));
	if (o->replay && o->netns)
		return usage_error("%s", _("-N/--netns does not apply to --replay (the "
					   "recording says where it was made)"));
	if (o->replay && o->record)
		return usage_error("%s", _("--record and --replay cannot be used together"));
	int rc = check_insight(o);
	return rc ? rc : check_history(o);
}

/* The one place that says which mode runs.  Every non-table format is a
 * batch format: `sockwatch -s` prints the summary as `ss -s` does,
 * `--json` a document; -n COUNT repeats a batch output. */
static enum sw_mode decide_mode(const struct sw_options *o, bool batch, enum sw_format fmt)
{
	if (o->record_dir)
		return SW_MODE_RECORD;
	if (o->prometheus)
		return SW_MODE_PROMETHEUS;
	if (o->check)
		return SW_MODE_CHECK;
	if (o->routes || o->interfaces)
		return SW_MODE_NETINFO;
	if (o->closed)
		return SW_MODE_CLOSED;
	if (o->want_summary && o->want_json)
		return SW_MODE_JSON; /* -s --json: JSON with the summary's aggregates */
	if (fmt == SW_FMT_JSON)
		return SW_MODE_JSON;
	if (fmt == SW_FMT_SUMMARY)
		return SW_MODE_SUMMARY;
	if (fmt == SW_FMT_CSV || o->pids)
		return SW_MODE_TABLE;
	if (batch || o->count_set || o->want_summary || o->want_json)
		return SW_MODE_TABLE;
	return SW_MODE_MONITOR;
}

int options_parse(struct sw_options *o, int argc, char **argv, bool *exit_now)
{
	memset(o, 0, sizeof *o);
	o->delay = 1.0;
	o->summary_top = 10;
	enum sw_format fmt = SW_FMT_TABLE;
	bool batch = false;
	*exit_now = false;
	int c, rc;
	opterr = 0;
	int before = optind;
	while ((c = getopt_long(argc, argv, ":bd:ntuwxlap46oeisHN:rChV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': batch = true; break;
		case 'd':
			if (!sw_parse_seconds(optarg, &o->delay) || o->delay < 0.05)
				return usage_error(_("invalid delay '%s' (seconds, at least 0.05)"), optarg);
			o->delay_set = true;
			break;
		case 'n':
			/* "-n 5": a count (top habit); "-n" or "-tan": numeric (netstat habit,
			 * and the default anyway).  Filters never start with a digit. */
			if (argv[optind - 1][0] == '-' && strcmp(argv[optind - 1], "-n") == 0 &&
			    optind < argc && all_digits(argv[optind])) {
				if ((rc = parse_count(o, argv[optind++])))
					return rc;
			} else if (strcmp(argv[optind - 1], "-n") == 0 && optind < argc &&
				   argv[optind][0] == '-' && all_digits(argv[optind] + 1) &&
				   strspn(argv[optind] + 1, "46") != strlen(argv[optind] + 1)) {
				/* "-n -1": a negative count, not the options -1 (-n -4 is
				 * numeric IPv4) */
				return parse_count(o, argv[optind]);
			}
			o->numeric = true;
			break;
		case OPT_COUNT:
			if ((rc = parse_count(o, optarg)))
				return rc;
			break;
		case OPT_NUMERIC: o->numeric = true; break;
		case 't': o->sel.protos |= SW_PROTO_BIT(SW_PROTO_TCP); break;
		case 'u': o->sel.protos |= SW_PROTO_BIT(SW_PROTO_UDP); break;
		case 'w': o->sel.protos |= SW_PROTO_BIT(SW_PROTO_RAW); break;
		case 'x': o->sel.protos |= SW_PROTO_BIT(SW_PROTO_UNIX); break;
		case OPT_UDPLITE: o->sel.protos |= SW_PROTO_BIT(SW_PROTO_UDPLITE); break;
		case OPT_MPTCP: o->sel.protos |= SW_PROTO_BIT(SW_PROTO_MPTCP); break;
		case OPT_SCTP: o->sel.protos |= SW_PROTO_BIT(SW_PROTO_SCTP); break;
		case OPT_LIST_KEYS: {
			/* The monitor's key table: plain, or "markdown" (doc/keys.md). */
			struct sw_keymap km;
			keymap_init(&km);
			keymap_print(&km, stdout, optarg && strcmp(optarg, "markdown") == 0);
			*exit_now = true;
			return 0;
		}
		case 'l': o->listening = true; break;
		case 'a': o->all = true; break;
		case 'p': o->procs = true; break;
		case '4': o->sel.inet4 = true; break;
		case '6': o->sel.inet6 = true; break;
		case 'o': o->timers = true; break;
		case 'e': o->extended = true; break;
		case 'i': o->info = true; break;
		case 's': fmt = SW_FMT_SUMMARY; o->want_summary = true; break;
		case OPT_JSON: fmt = SW_FMT_JSON; o->want_json = true; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "table") == 0 || strcmp(optarg, "text") == 0)
				fmt = SW_FMT_TABLE;
			else if (strcmp(optarg, "json") == 0)
				fmt = SW_FMT_JSON, o->want_json = true;
			else if (strcmp(optarg, "summary") == 0)
				fmt = SW_FMT_SUMMARY, o->want_summary = true;
			else if (strcmp(optarg, "csv") == 0)
				fmt = SW_FMT_CSV, o->want_json = o->want_summary = false;
			else if (strcmp(optarg, "prometheus") == 0 || strcmp(optarg, "prom") == 0)
				o->prometheus = true;
			else
				return usage_error(_("unknown format '%s' (table, json, summary, csv, "
						     "prometheus)"), optarg);
			break;
		case 'H': o->no_header = true; break;
		case 'N': o->netns = optarg; break;
		case 'r': o->readonly = true; break;
		case 'C': o->no_color = true; break;
		case OPT_CHECK: o->check = true; break;
		case OPT_THRESHOLD: {
			struct diag_thresholds scratch;
			char terr[256];
			diag_thresholds_default(&scratch);
			if (diag_threshold_assign(&scratch, optarg, terr, sizeof terr))
				return usage_error("--threshold: %s", terr);
			/* Kept in a static so it lives (and is reachable) until exit. */
			static const char **thr_store;
			thr_store = xrealloc(thr_store,
					     (size_t)(o->nthresholds + 1) * sizeof *thr_store);
			thr_store[o->nthresholds++] = optarg;
			o->thresholds = thr_store;
			break;
		}
		case OPT_CONFIG: o->config = optarg; break;
		case OPT_OUTPUT: o->output = optarg; break;
		case OPT_ROUTES: o->routes = true; break;
		case OPT_INTERFACES: o->interfaces = true; break;
		case OPT_PIDS: o->pids = true; break;
		case OPT_NAGIOS: o->nagios = true; break;
		case OPT_PROM_SKIP_NODE: o->prom_skip_node = true; break;
		case OPT_LISTEN:
			if ((rc = parse_listen(o, optarg)))
				return rc;
			break;
		case OPT_CLOSED: o->closed = true; break;
		case OPT_RECORD: o->record = optarg; break;
		case OPT_RECORD_DIR: case OPT_KEYFRAME: case OPT_MAX_SIZE: case OPT_MAX_AGE:
		case OPT_SEGMENT: case OPT_FROM: case OPT_TO:
			if ((rc = parse_history_opt(o, c, optarg)))
				return rc;
			break;
		case OPT_REPLAY: o->replay = optarg; break;
		case OPT_PROC_ROOT: o->proc_root = optarg; break;
		case OPT_COLUMNS: o->columns = optarg; break;
		case OPT_SORT: o->sort = optarg; break;
		case OPT_TOP: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (!*optarg || *end || v < 1 || v > 100000)
				return usage_error(_("invalid --top value '%s'"), optarg);
			o->summary_top = (int)v;
			break;
		}
		case 'h':
			options_usage(stdout);
			*exit_now = true;
			return 0;
		case 'V':
			printf("sockwatch %s\n", PACKAGE_VERSION);
			*exit_now = true;
			return 0;
		case ':': {
			char sh[3];
			return usage_error(_("option '%s' needs an argument"),
					   bad_option(argv, optind, before, sh));
		}
		default: {
			char sh[3];
			return usage_error(_("unknown option '%s'"),
					   bad_option(argv, optind, before, sh));
		}
		}
		before = optind;
	}
	if (optind < argc) {
		/* The rest is the filter, joined with spaces (ss habit). */
		size_t n = 0;
		for (int i = optind; i < argc; i++)
			n += strlen(argv[i]) + 1;
		/* Kept for the life of the process (and reachable, for LSan). */
		static char *joined;
		free(joined);
		char *f = joined = xmalloc(n + 1), *end = f;
		for (int i = optind; i < argc; i++) { /* no strcat: linear in n */
			size_t len = strlen(argv[i]);
			if (i > optind)
				*end++ = ' ';
			memcpy(end, argv[i], len);
			end += len;
		}
		*end = '\0';
		o->filter = f;
	}
	o->csv = fmt == SW_FMT_CSV;
	o->mode = decide_mode(o, batch, fmt);
	if (o->pids && (o->mode != SW_MODE_TABLE || o->csv))
		return usage_error("%s", _("--pids is an output of its own: it does not go with "
					   "--json, -s, --format or --check"));
	if (o->output && !o->prometheus)
		return usage_error("%s", _("--output FILE is for --format prometheus "
					   "(-o is --timers, as in netstat)"));
	return check_ignored(o);
}
