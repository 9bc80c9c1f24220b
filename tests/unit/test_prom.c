/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_prom: Prometheus exposition (names, label escaping, duplicates,
 * promtool), the diagnoses JSON array and the --check text. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "core/diagnose.h"
#include "core/snapshot.h"
#include "core/util.h"
#include "output/diag_out.h"
#include "output/prom.h"
#include "rows_fixture.h"

static struct sw_conn *add(struct sw_snapshot *s, int state, const char *la, uint16_t lp,
			   const char *ra, uint16_t rp)
{
	size_t ci = fx_inet(s, SW_PROTO_TCP, AF_INET, la, lp, ra, rp, state);
	return &s->conns[ci]; /* after the call: it may move the array */
}

static void own(struct sw_snapshot *s, size_t ci, int pid, const char *comm)
{
	fx_owner(s, ci, pid, comm, NULL, 0, 3);
}

static void build(struct sw_snapshot *s)
{
	snapshot_init(s);
	s->have_kstat = true;
	s->protos_done = SW_PROTO_BIT(SW_PROTO_TCP) | SW_PROTO_BIT(SW_PROTO_UDP);
	s->collect_ms = 12.5;
	s->real_sec = 1700000000;
	struct sw_kstat *k = &s->kstat;
	k->port_lo = 40000;
	k->port_hi = 40099;
	k->tcp_tw_reuse = 2;
	k->tcp_fin_timeout = 60;
	k->tcp_max_tw_buckets = 131072;
	k->tcp_max_syn_backlog = -1; /* unknown: not exported */
	k->somaxconn = 4096;
	k->tcp_syncookies = 1;
	k->tcp_tw_recycle = -1;
	k->sockstat_tw = -1;
	k->ncounters = 4;
	strcpy(k->counters[0].group, "TcpExt");
	strcpy(k->counters[0].name, "ListenOverflows");
	k->counters[0].value = 44;
	strcpy(k->counters[1].group, "Tcp");
	strcpy(k->counters[1].name, "RetransSegs");
	k->counters[1].value = 7;
	strcpy(k->counters[2].group, "Udp");
	strcpy(k->counters[2].name, "NoPorts");
	k->counters[2].value = 5;
	strcpy(k->counters[3].group, "Udp6");
	strcpy(k->counters[3].name, "NoPorts");
	k->counters[3].value = 9;
	struct sw_conn *l = add(s, SW_ST_LISTEN, "127.0.0.1", 8080, "0.0.0.0", 0);
	l->rq = 5;
	l->wq = 5;
	own(s, 0, 10, "we\"ird\\na\nme");
	/* two SO_REUSEPORT listeners of one process: one series, summed */
	l = add(s, SW_ST_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0);
	l->wq = 128;
	own(s, 1, 11, "nginx");
	l = add(s, SW_ST_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0);
	l->rq = 2;
	l->wq = 128;
	own(s, 2, 12, "nginx");
	for (int i = 0; i < 90; i++)
		add(s, SW_ST_TIME_WAIT, "127.0.0.1", (uint16_t)(40000 + i), "127.0.0.1", 9000);
	for (int i = 0; i < 3; i++)
		add(s, SW_ST_ESTABLISHED, "127.0.0.1", (uint16_t)(40000 + i), "127.0.0.1", 3306);
	struct sw_conn *u = add(s, SW_ST_CLOSE, "0.0.0.0", 53, "0.0.0.0", 0);
	u->proto = SW_PROTO_UDP;
}

/* A snapshot (build()'s, or an empty one) diagnosed with the default
 * thresholds. */
struct diagfx {
	struct sw_snapshot s;
	struct diag_state st;
	struct diag_list dl;
	struct diag_thresholds t;
};

static void diagfx_up(struct diagfx *f, bool populated)
{
	if (populated)
		build(&f->s);
	else
		snapshot_init(&f->s);
	diag_thresholds_default(&f->t);
	diag_state_init(&f->st);
	diag_list_init(&f->dl);
	diagnose_run(&f->st, &f->t, &f->s, &f->dl);
}

static void diagfx_down(struct diagfx *f)
{
	diag_list_done(&f->dl);
	diag_state_done(&f->st);
	snapshot_done(&f->s);
}

static char *render(const struct sw_snapshot *s, const struct diag_list *dl)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct out_prom_opts o = {.top = 1};
	assert_int_equal(out_metrics_prom(fp, s, dl, &o), 0);
	fclose(fp);
	return buf;
}

static bool name_ok(const char *b, const char *e, bool label)
{
	if (b == e || (*b >= '0' && *b <= '9'))
		return false;
	if (label && e - b >= 2 && b[0] == '_' && b[1] == '_')
		return false; /* reserved */
	for (const char *p = b; p < e; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || (!label && *p == ':')))
			return false;
	return true;
}

/* A label set {a="x",b="y\"z"}: valid names, only \\ \" \n escapes,
 * no raw newline (lines are split already).  Returns the end ('}'). */
static const char *labels_ok(const char *p)
{
	assert_true(*p == '{');
	p++;
	while (*p != '}') {
		const char *n = p;
		while (*p && *p != '=')
			p++;
		assert_true(name_ok(n, p, true));
		assert_true(p[0] == '=' && p[1] == '"');
		for (p += 2; *p != '"'; p++) {
			assert_true(*p != '\0');
			if (*p == '\\') {
				p++;
				assert_true(*p == '\\' || *p == '"' || *p == 'n');
			}
		}
		p++;
		if (*p == ',')
			p++;
		else
			assert_true(*p == '}');
	}
	return p;
}

/* The rules promtool and the exposition format 0.0.4 set: HELP then TYPE
 * once per family, before its samples, samples of one family together
 * (named as the family), valid metric and label names, escaped label
 * values, unique series, a number after each. */
static void check_exposition(const char *out)
{
	char *copy = xstrdup(out), *save = NULL;
	char fams[128][80], cur[80] = "";
	size_t nfams = 0, nseries = 0;
	char (*seen)[256] = calloc(4096, sizeof *seen);
	assert_non_null(seen);
	bool help_pending = false;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[80];
		if (strncmp(line, "# HELP ", 7) == 0) {
			assert_int_equal(sscanf(line + 7, "%79s", name), 1);
			assert_true(name_ok(name, name + strlen(name), false));
			for (size_t i = 0; i < nfams; i++)
				assert_string_not_equal(fams[i], name); /* once per family */
			assert_true(nfams < 128);
			strcpy(fams[nfams++], name);
			strcpy(cur, name);
			help_pending = true;
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			char type[16];
			assert_int_equal(sscanf(line + 7, "%79s %15s", name, type), 2);
			assert_true(help_pending); /* right after its HELP */
			assert_string_equal(name, cur);
			assert_true(strcmp(type, "gauge") == 0 || strcmp(type, "counter") == 0);
			help_pending = false;
			continue;
		}
		assert_true(line[0] != '#');
		assert_false(help_pending);
		const char *p = line;
		while (*p && *p != '{' && *p != ' ')
			p++;
		assert_true(name_ok(line, p, false));
		assert_int_equal((size_t)(p - line), strlen(cur)); /* its family's name */
		assert_memory_equal(line, cur, strlen(cur));
		if (*p == '{')
			p = labels_ok(p) + 1;
		assert_true(*p == ' ');
		char *endv;
		strtod(p + 1, &endv);
		assert_true(endv != p + 1 && *endv == '\0');
		size_t klen = (size_t)(p - line);
		assert_true(klen < sizeof seen[0] && nseries < 4096);
		for (size_t i = 0; i < nseries; i++)
			assert_false(strncmp(seen[i], line, klen) == 0 && seen[i][klen] == '\0');
		memcpy(seen[nseries], line, klen);
		seen[nseries++][klen] = '\0';
	}
	free(seen);
	free(copy);
}

static void promtool_check(const char *out)
{
	if (system("command -v promtool >/dev/null 2>&1") != 0) {
		print_message("promtool not installed: exposition syntax checked here only\n");
		return;
	}
	char path[] = "/tmp/sw-prom-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, out, strlen(out)), (ssize_t)strlen(out));
	close(fd);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "promtool check metrics < %s", path);
	int rc = system(cmd);
	unlink(path);
	assert_int_equal(rc, 0);
}

static void test_prom_format(void **state)
{
	(void)state;
	struct diagfx f;
	diagfx_up(&f, true);
	char *out = render(&f.s, &f.dl);

	assert_non_null(strstr(out, "# HELP sockwatch_sockets "));
	assert_non_null(strstr(out, "# TYPE sockwatch_sockets gauge\n"));
	assert_non_null(strstr(out, "sockwatch_sockets{proto=\"tcp\",state=\"TIME_WAIT\"} 90\n"));
	assert_non_null(strstr(out, "sockwatch_sockets{proto=\"tcp\",state=\"SYN_RECV\"} 0\n"));
	assert_non_null(strstr(out, "sockwatch_sockets{proto=\"udp\",state=\"CLOSE\"} 1\n"));
	/* escaping: " -> \"  \ -> \\  newline -> \n */
	assert_non_null(strstr(out, "sockwatch_listener_accept_queue{proto=\"tcp\",addr=\"127.0.0.1\","
				    "port=\"8080\",process=\"we\\\"ird\\\\na\\nme\"} 5\n"));
	assert_non_null(strstr(out, "sockwatch_listener_backlog{proto=\"tcp\",addr=\"0.0.0.0\",port=\"80\","
				    "process=\"nginx\"} 256\n"));
	assert_non_null(strstr(out, "sockwatch_listener_accept_queue{proto=\"tcp\",addr=\"0.0.0.0\",port=\"80\","
				    "process=\"nginx\"} 2\n"));
	assert_non_null(strstr(out, "sockwatch_timewait_sockets 90\n"));
	assert_non_null(strstr(out, "sockwatch_timewait_max_buckets 131072\n"));
	assert_non_null(strstr(out, "sockwatch_ephemeral_port_range_size 100\n"));
	/* top 1 only */
	assert_non_null(strstr(out, "sockwatch_ephemeral_ports_used{src=\"127.0.0.1\",dst=\"127.0.0.1\","
				    "dport=\"9000\"} 90\n"));
	assert_null(strstr(out, "dport=\"3306\""));
	assert_non_null(strstr(out, "sockwatch_diagnosis_severity{id=\"ephemeral_ports\"} 2\n"));
	assert_non_null(strstr(out, "sockwatch_diagnosis_severity{id=\"accept_queue\"} 2\n"));
	assert_non_null(strstr(out, "sockwatch_diagnosis_severity{id=\"syn_flood\"} 0\n"));
	assert_non_null(strstr(out, "sockwatch_diagnosis_findings{id=\"ephemeral_ports\"} 1\n"));
	assert_non_null(strstr(out, "# TYPE sockwatch_tcp_listen_overflows_total counter\n"
				    "sockwatch_tcp_listen_overflows_total 44\n"));
	assert_non_null(strstr(out, "sockwatch_tcp_retrans_segs_total 7\n"));
	assert_null(strstr(out, "syncookies_sent")); /* absent counters are not invented */
	/* one gauge per sysctl, no catch-all */
	assert_non_null(strstr(out, "\nsockwatch_tcp_tw_reuse 2\n"));
	assert_non_null(strstr(out, "\nsockwatch_ephemeral_port_range_low 40000\n"));
	assert_non_null(strstr(out, "\nsockwatch_ephemeral_port_range_high 40099\n"));
	assert_non_null(strstr(out, "\nsockwatch_somaxconn 4096\n"));
	assert_non_null(strstr(out, "\nsockwatch_tcp_fin_timeout_seconds 60\n"));
	assert_null(strstr(out, "sockwatch_sysctl"));
	assert_null(strstr(out, "tcp_max_syn_backlog"));
	/* one state vocabulary (the kernel's), no ss spellings, no "*" */
	assert_null(strstr(out, "ESTAB\""));
	assert_null(strstr(out, "UNCONN"));
	assert_null(strstr(out, "\"*\""));
	assert_non_null(strstr(out, "sockwatch_sockets{proto=\"tcp\",state=\"ESTABLISHED\"} 3\n"));
	assert_non_null(strstr(out, "sockwatch_build_info{version=\"" PACKAGE_VERSION "\",listen=\""));
	/* UDP counters say their family; TCP ones cover both and say so */
	assert_non_null(strstr(out, "sockwatch_udp_no_ports_total{family=\"ipv4\"} 5\n"));
	assert_non_null(strstr(out, "sockwatch_udp_no_ports_total{family=\"ipv6\"} 9\n"));
	assert_non_null(strstr(out, "IPv4 and IPv6 together"));
	assert_non_null(strstr(out, "sockwatch_series_limit{family=\"ephemeral_ports_used\"} 1\n"));
	assert_non_null(strstr(out, "sockwatch_series_dropped{family=\"ephemeral_ports_used\"} 1\n"));
	assert_non_null(strstr(out, "sockwatch_ephemeral_ports_used{src=\"_other\",dst=\"_other\","
				    "dport=\"_other\"} 3\n"));
	assert_non_null(strstr(out, "sockwatch_series_dropped{family=\"listener\"} 0\n"));
	assert_non_null(strstr(out, "sockwatch_collect_duration_seconds 0.012500\n"));
	assert_non_null(strstr(out, "sockwatch_snapshot_timestamp_seconds 1700000000\n"));

	check_exposition(out);

	promtool_check(out);
	free(out);

	/* atomic file: replaced in place, no temporary left */
	char dir[] = "/tmp/sw-promdir-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/sockwatch.prom", dir);
	FILE *old = fopen(path, "w");
	fputs("old\n", old);
	fclose(old);
	assert_int_equal(out_metrics_prom_file(path, &f.s, &f.dl, NULL), 0);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > 1000);
	assert_int_equal(sb.st_mode & 0777, 0644);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) = 1 && rm -rf %s", dir, dir);
	assert_int_equal(system(cmd), 0);
	assert_true(out_metrics_prom_file("/nonexistent-dir/x.prom", &f.s, &f.dl, NULL) < 0);

	diagfx_down(&f);
}

/* s's exposition with --top 1 --prom-skip-node and no diagnoses, checked
 * against the format's rules and by promtool. */
static char *render_checked(const struct sw_snapshot *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct out_prom_opts o = {.top = 1, .skip_node = true};
	assert_int_equal(out_metrics_prom(fp, s, NULL, &o), 0);
	fclose(fp);
	check_exposition(buf);
	promtool_check(buf);
	return buf;
}

/* Label sets are capped: 69 TCP listener label sets -> the 63 busiest keep theirs,
 * the other 6 are summed into an "_other" series (and counted); the
 * ephemeral destinations past --top likewise.  --prom-skip-node drops the
 * kernel counters and nothing else. */
static void test_prom_caps(void **state)
{
	(void)state;
	struct sw_snapshot s;
	build(&s);
	for (int i = 0; i < 67; i++) {
		struct sw_conn *l = add(&s, SW_ST_LISTEN, "127.0.0.1", (uint16_t)(10000 + i),
					"0.0.0.0", 0);
		l->rq = i < 60 ? 100 : 1; /* the last 7 are the quietest */
		l->wq = 128;
	}
	char *buf = render_checked(&s);
	size_t series = 0;
	for (const char *p = buf; (p = strstr(p, "\nsockwatch_listener_accept_queue{")); p++)
		series++;
	assert_int_equal(series, OUT_PROM_LISTENER_CAP);
	/* 69 label sets (the two nginx :80 listeners are one): 63 kept, the 6
	 * quietest (1 queued each) summed */
	assert_non_null(strstr(buf, "sockwatch_listener_accept_queue{proto=\"tcp\",addr=\"_other\","
				    "port=\"_other\",process=\"_other\"} 6\n"));
	assert_non_null(strstr(buf, "sockwatch_series_dropped{family=\"listener\"} 6\n"));
	assert_non_null(strstr(buf, "sockwatch_series_limit{family=\"listener\"} 64\n"));
	assert_non_null(strstr(buf, "port=\"10059\""));  /* busiest kept */
	assert_null(strstr(buf, "port=\"10066\""));      /* quietest folded */
	/* --prom-skip-node: no counters, the rest stays */
	assert_null(strstr(buf, "_total"));
	assert_non_null(strstr(buf, "sockwatch_somaxconn 4096\n"));
	assert_null(strstr(buf, "diagnosis_")); /* no list: no diagnosis metrics */
	free(buf);
	snapshot_done(&s);
}

/* -N all: sockets{} and listener_*{} carry a netns label; the 19
 * namespaces holding most sockets keep theirs, the other 6 are summed
 * into netns="_other" (20 values in all), and the cap is reported. */
static void test_prom_netns(void **state)
{
	(void)state;
	struct sw_snapshot s;
	build(&s); /* 97 sockets, in namespace 0 ("host") */
	struct sw_nsinfo ni;
	memset(&ni, 0, sizeof ni);
	strcpy(ni.label, "host");
	assert_int_equal(snapshot_add_ns(&s, &ni), 0);
	for (int k = 1; k <= 24; k++) { /* namespace k: k TIME_WAIT sockets */
		snprintf(ni.label, sizeof ni.label, "ns%d", k);
		ni.inode = (uint64_t)k;
		uint32_t i = snapshot_add_ns(&s, &ni);
		for (int j = 0; j < k; j++)
			add(&s, SW_ST_TIME_WAIT, "127.0.0.1", (uint16_t)(50000 + j), "127.0.0.1",
			    9000)->ns = i;
	}
	add(&s, SW_ST_LISTEN, "127.0.0.1", 7001, "0.0.0.0", 0)->ns = 1; /* ns1: folded */
	add(&s, SW_ST_LISTEN, "127.0.0.1", 7024, "0.0.0.0", 0)->ns = 24;
	char *buf = render_checked(&s);
	assert_non_null(strstr(buf, "\nsockwatch_sockets{proto=\"tcp\",state=\"TIME_WAIT\","
				    "netns=\"host\"} 90\n"));
	assert_non_null(strstr(buf, "\nsockwatch_sockets{proto=\"tcp\",state=\"TIME_WAIT\","
				    "netns=\"ns24\"} 24\n"));
	assert_non_null(strstr(buf, "netns=\"ns7\"} 7\n"));
	/* ns1..ns6: 1+2+...+6 = 21 TIME_WAIT, plus ns1's listener */
	assert_non_null(strstr(buf, "\nsockwatch_sockets{proto=\"tcp\",state=\"TIME_WAIT\","
				    "netns=\"_other\"} 21\n"));
	assert_null(strstr(buf, "netns=\"ns6\""));
	assert_non_null(strstr(buf, "\nsockwatch_sockets{proto=\"tcp\",state=\"LISTEN\","
				    "netns=\"_other\"} 1\n"));
	assert_non_null(strstr(buf, "port=\"7001\",process=\"\",netns=\"_other\"}"));
	assert_non_null(strstr(buf, "port=\"7024\",process=\"\",netns=\"ns24\"}"));
	assert_non_null(strstr(buf, "sockwatch_series_limit{family=\"netns\"} 20\n"));
	assert_non_null(strstr(buf, "sockwatch_series_dropped{family=\"netns\"} 6\n"));
	/* 20 netns values on the TCP TIME_WAIT gauge */
	size_t series = 0;
	for (const char *p = buf; (p = strstr(p, "\nsockwatch_sockets{proto=\"tcp\",state=\"TIME_WAIT\""));
	     p++)
		series++;
	assert_int_equal(series, OUT_PROM_NETNS_CAP);
	free(buf);
	snapshot_done(&s);
}

static char *nagios_of(struct diagfx *f, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);
	assert_int_equal(out_diagnoses_nagios(fp, &f->dl, &f->s, &f->t), 0);
	fclose(fp);
	return buf;
}

/* --check --nagios: status line with perfdata, then one line per problem. */
static void test_nagios(void **state)
{
	(void)state;
	struct diagfx f;
	diagfx_up(&f, true);
	size_t len;
	char *buf = nagios_of(&f, &len);
	assert_true(strncmp(buf, "SOCKWATCH CRITICAL - 2 alarm(s), 0 warning(s): ", 47) == 0);
	char *nl = strchr(buf, '\n');
	assert_non_null(nl);
	*nl = '\0';
	char *bar = strchr(buf, '|');
	assert_non_null(bar);
	assert_null(strchr(bar + 1, '|')); /* one perfdata part */
	assert_non_null(strstr(bar, " estab=3;;;0; "));
	assert_non_null(strstr(bar, " time_wait=90;65536;104858;0;131072 "));
	assert_non_null(strstr(bar, " syn_recv=0;64;512;0; "));
	assert_non_null(strstr(bar, " listen=3;;;0;"));
	assert_non_null(strstr(bar, " collect_time=0.0125s;;;0;"));
	/* every perfdata item: label=value;warn;crit;min;max */
	char *save = NULL;
	for (char *w = strtok_r(bar + 1, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		int semis = 0;
		for (char *q = w; *q; q++)
			semis += *q == ';';
		assert_int_equal(semis, 4);
		assert_non_null(strchr(w, '='));
	}
	assert_non_null(strstr(nl + 1, "CRITICAL ephemeral_ports: "));
	assert_non_null(strstr(nl + 1, "CRITICAL accept_queue: "));
	free(buf);
	assert_int_equal(out_nagios_exit(DIAG_OK), 0);
	assert_int_equal(out_nagios_exit(DIAG_WARN), 1);
	assert_int_equal(out_nagios_exit(DIAG_ALARM), 2);
	/* nothing wrong: OK and a plain summary */
	diagfx_down(&f);
	diagfx_up(&f, false);
	buf = nagios_of(&f, &len);
	assert_true(strncmp(buf, "SOCKWATCH OK - no problem found | estab=0;;;0; ", 47) == 0);
	assert_int_equal(strchr(buf, '\n') - buf, (long)len - 1); /* one line */
	free(buf);
	diagfx_down(&f);
}

static void test_diag_json_text(void **state)
{
	(void)state;
	struct diagfx f;
	diagfx_up(&f, true);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	out_diagnoses_json(fp, &f.dl);
	fclose(fp);
	assert_true(buf[0] == '[' && buf[len - 1] == ']');
	assert_non_null(strstr(buf, "{\"id\":\"ephemeral_ports\",\"severity\":\"alarm\","
				    "\"subject\":\"127.0.0.1>127.0.0.1:9000\""));
	assert_non_null(strstr(buf, "\"port\":9000"));
	assert_non_null(strstr(buf, "\"value\":90,\"limit\":100"));
	/* the accept queue names the weird process, escaped as JSON */
	assert_non_null(strstr(buf, "\"process\":\"we\\\"ird\\\\na\\nme\""));
	assert_non_null(strstr(buf, "\"pid\":10"));
	assert_non_null(strstr(buf, "\"fix\":[\""));
	/* jq agrees it is JSON (when installed) */
	if (system("command -v jq >/dev/null 2>&1") == 0) {
		FILE *p = popen("jq -e 'length >= 6 and (map(.id) | index(\"close_wait_leak\")) != null' >/dev/null", "w");
		assert_non_null(p);
		fwrite(buf, 1, len, p);
		assert_int_equal(pclose(p), 0);
	}
	free(buf);

	fp = open_memstream(&buf, &len);
	out_diagnoses_json_member(fp, &f.dl);
	fclose(fp);
	assert_true(strncmp(buf, ",\"diagnoses\":[{", 15) == 0);
	free(buf);

	fp = open_memstream(&buf, &len);
	assert_int_equal(out_diagnoses_text(fp, &f.dl, false), 0);
	fclose(fp);
	assert_true(strncmp(buf, "sockwatch check: ALARM - 2 alarm(s), 0 warning(s)", 49) == 0);
	assert_non_null(strstr(buf, "\nALARM    ephemeral_ports   Ephemeral ports toward 127.0.0.1:9000"));
	assert_non_null(strstr(buf, "Fix: "));
	assert_non_null(strstr(buf, "\nOK       syn_flood "));
	assert_non_null(strstr(buf, "(one sample: no rates or counter deltas)"));
	free(buf);
	/* two samples: the text says over which window the deltas are */
	f.dl.have_rates = true;
	f.dl.dt = 2.0;
	fp = open_memstream(&buf, &len);
	assert_int_equal(out_diagnoses_text(fp, &f.dl, false), 0);
	fclose(fp);
	assert_non_null(strstr(buf, "(rates and counter deltas over the last 2.0 s)"));
	free(buf);
	diagfx_down(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prom_format),
		cmocka_unit_test(test_prom_caps),
		cmocka_unit_test(test_prom_netns),
		cmocka_unit_test(test_nagios),
		cmocka_unit_test(test_diag_json_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
