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
	k->ncounters = 2;
	strcpy(k->counters[0].group, "TcpExt");
	strcpy(k->counters[0].name, "ListenOverflows");
	k->counters[0].value = 44;
	strcpy(k->counters[1].group, "Tcp");
	strcpy(k->counters[1].name, "RetransSegs");
	k->counters[1].value = 7;
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

static void test_prom_format(void **state)
{
	(void)state;
	struct sw_snapshot s;
	build(&s);
	struct diag_state st;
	struct diag_list dl;
	struct diag_thresholds t;
	diag_thresholds_default(&t);
	diag_state_init(&st);
	diag_list_init(&dl);
	diagnose_run(&st, &t, &s, &dl);
	char *out = render(&s, &dl);

	assert_non_null(strstr(out, "# HELP sockwatch_sockets "));
	assert_non_null(strstr(out, "# TYPE sockwatch_sockets gauge\n"));
	assert_non_null(strstr(out, "sockwatch_sockets{proto=\"tcp\",state=\"TIME_WAIT\"} 90\n"));
	assert_non_null(strstr(out, "sockwatch_sockets{proto=\"tcp\",state=\"SYN_RECV\"} 0\n"));
	assert_non_null(strstr(out, "sockwatch_sockets{proto=\"udp\",state=\"UNCONN\"} 1\n"));
	/* escaping: " -> \"  \ -> \\  newline -> \n */
	assert_non_null(strstr(out, "sockwatch_listener_accept_queue{proto=\"tcp\",addr=\"127.0.0.1\","
				    "port=\"8080\",process=\"we\\\"ird\\\\na\\nme\"} 5\n"));
	assert_non_null(strstr(out, "sockwatch_listener_backlog{proto=\"tcp\",addr=\"*\",port=\"80\","
				    "process=\"nginx\"} 256\n"));
	assert_non_null(strstr(out, "sockwatch_listener_accept_queue{proto=\"tcp\",addr=\"*\",port=\"80\","
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
	assert_non_null(strstr(out, "sockwatch_sysctl{name=\"net.ipv4.tcp_tw_reuse\"} 2\n"));
	assert_null(strstr(out, "tcp_max_syn_backlog"));
	assert_non_null(strstr(out, "sockwatch_collect_duration_seconds 0.012500\n"));
	assert_non_null(strstr(out, "sockwatch_snapshot_timestamp_seconds 1700000000\n"));

	/* every sample line: a valid metric name, unique series, HELP/TYPE first */
	char *save = NULL, *copy = xstrdup(out);
	char seen[200][200];
	size_t nseen = 0;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		assert_true(strncmp(line, "sockwatch_", 10) == 0);
		for (char *p = line; *p && *p != '{' && *p != ' '; p++)
			assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
		char *sp = strrchr(line, ' ');
		assert_non_null(sp);
		*sp = '\0';
		for (size_t i = 0; i < nseen; i++)
			assert_string_not_equal(seen[i], line);
		assert_true(nseen < 200);
		sw_strlcpy(seen[nseen++], line, sizeof seen[0]);
	}
	free(copy);

	/* promtool, when installed (the test package list has it) */
	if (system("command -v promtool >/dev/null 2>&1") == 0) {
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
	} else {
		print_message("promtool not installed: exposition syntax checked here only\n");
	}
	free(out);

	/* atomic file: replaced in place, no temporary left */
	char dir[] = "/tmp/sw-promdir-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/sockwatch.prom", dir);
	FILE *old = fopen(path, "w");
	fputs("old\n", old);
	fclose(old);
	assert_int_equal(out_metrics_prom_file(path, &s, &dl, NULL), 0);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > 1000);
	assert_int_equal(sb.st_mode & 0777, 0644);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) = 1 && rm -rf %s", dir, dir);
	assert_int_equal(system(cmd), 0);
	assert_true(out_metrics_prom_file("/nonexistent-dir/x.prom", &s, &dl, NULL) < 0);

	diag_list_done(&dl);
	diag_state_done(&st);
	snapshot_done(&s);
}

static void test_diag_json_text(void **state)
{
	(void)state;
	struct sw_snapshot s;
	build(&s);
	struct diag_state st;
	struct diag_list dl;
	struct diag_thresholds t;
	diag_thresholds_default(&t);
	diag_state_init(&st);
	diag_list_init(&dl);
	diagnose_run(&st, &t, &s, &dl);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	out_diagnoses_json(fp, &dl);
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
	out_diagnoses_json_member(fp, &dl);
	fclose(fp);
	assert_true(strncmp(buf, ",\"diagnoses\":[{", 15) == 0);
	free(buf);

	fp = open_memstream(&buf, &len);
	assert_int_equal(out_diagnoses_text(fp, &dl, false), 0);
	fclose(fp);
	assert_true(strncmp(buf, "sockwatch check: ALARM - 2 alarm(s), 0 warning(s)", 49) == 0);
	assert_non_null(strstr(buf, "\nALARM    ephemeral_ports   Ephemeral ports toward 127.0.0.1:9000"));
	assert_non_null(strstr(buf, "Fix: "));
	assert_non_null(strstr(buf, "\nOK       syn_flood "));
	assert_non_null(strstr(buf, "(one sample: no rates or counter deltas)"));
	free(buf);
	/* two samples: the text says over which window the deltas are */
	dl.have_rates = true;
	dl.dt = 2.0;
	fp = open_memstream(&buf, &len);
	assert_int_equal(out_diagnoses_text(fp, &dl, false), 0);
	fclose(fp);
	assert_non_null(strstr(buf, "(rates and counter deltas over the last 2.0 s)"));
	free(buf);
	diag_list_done(&dl);
	diag_state_done(&st);
	snapshot_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prom_format),
		cmocka_unit_test(test_diag_json_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
