/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prom.c - see prom.h.  Every family is written as one block (HELP, TYPE,
 * samples) with unique label sets, as promtool check metrics wants. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/rcfile.h"
#include "core/util.h"
#include "prom.h"

void out_prom_label_value(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", fp);
		else if (*s == '"')
			fputs("\\\"", fp);
		else if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
}

static void family(FILE *fp, const char *name, const char *type, const char *help)
{
	fprintf(fp, "# HELP sockwatch_%s %s\n# TYPE sockwatch_%s %s\n", name, help, name, type);
}

static void value(FILE *fp, double v)
{
	if (v == (double)(long long)v)
		fprintf(fp, " %lld\n", (long long)v);
	else
		fprintf(fp, " %.6g\n", v);
}

/* key counters: {group, name, metric, help} */
static const char *const counters[][4] = {
	{"TcpExt", "ListenOverflows", "tcp_listen_overflows_total",
	 "Connections dropped because a listener's accept queue was full (TcpExt ListenOverflows)."},
	{"TcpExt", "ListenDrops", "tcp_listen_drops_total",
	 "Connection requests dropped by listeners (TcpExt ListenDrops)."},
	{"TcpExt", "TCPTimeWaitOverflow", "tcp_timewait_overflow_total",
	 "TIME_WAIT sockets not created because tcp_max_tw_buckets was reached (TcpExt TCPTimeWaitOverflow)."},
	{"TcpExt", "SyncookiesSent", "tcp_syncookies_sent_total", "SYN cookies sent (TcpExt SyncookiesSent)."},
	{"TcpExt", "SyncookiesRecv", "tcp_syncookies_recv_total", "Valid SYN cookies received (TcpExt SyncookiesRecv)."},
	{"TcpExt", "SyncookiesFailed", "tcp_syncookies_failed_total", "Invalid SYN cookies received (TcpExt SyncookiesFailed)."},
	{"TcpExt", "TCPReqQFullDrop", "tcp_reqq_full_drop_total", "SYNs dropped because the request queue was full (TcpExt TCPReqQFullDrop)."},
	{"TcpExt", "TCPReqQFullDoCookies", "tcp_reqq_full_cookies_total", "SYN cookies sent because the request queue was full (TcpExt TCPReqQFullDoCookies)."},
	{"TcpExt", "TCPBacklogDrop", "tcp_backlog_drop_total", "Packets dropped because the socket backlog was full (TcpExt TCPBacklogDrop)."},
	{"TcpExt", "TCPAbortOnMemory", "tcp_abort_on_memory_total", "Connections aborted for lack of memory (TcpExt TCPAbortOnMemory)."},
	{"Tcp", "ActiveOpens", "tcp_active_opens_total", "Outgoing TCP connections opened (Tcp ActiveOpens)."},
	{"Tcp", "PassiveOpens", "tcp_passive_opens_total", "Incoming TCP connections accepted (Tcp PassiveOpens)."},
	{"Tcp", "AttemptFails", "tcp_attempt_fails_total", "Failed TCP connection attempts (Tcp AttemptFails)."},
	{"Tcp", "EstabResets", "tcp_estab_resets_total", "Established connections reset (Tcp EstabResets)."},
	{"Tcp", "OutSegs", "tcp_out_segs_total", "TCP segments sent (Tcp OutSegs)."},
	{"Tcp", "RetransSegs", "tcp_retrans_segs_total", "TCP segments retransmitted (Tcp RetransSegs)."},
	{"Tcp", "InErrs", "tcp_in_errs_total", "TCP segments received with errors (Tcp InErrs)."},
	{"Tcp", "OutRsts", "tcp_out_rsts_total", "TCP resets sent (Tcp OutRsts)."},
	{"Udp", "NoPorts", "udp_no_ports_total", "UDP datagrams to a port nobody listens on (Udp NoPorts)."},
	{"Udp", "RcvbufErrors", "udp_rcvbuf_errors_total", "UDP datagrams dropped: receive buffer full (Udp RcvbufErrors)."},
	{"Udp", "SndbufErrors", "udp_sndbuf_errors_total", "UDP datagrams dropped: send buffer full (Udp SndbufErrors)."},
	{"Udp", "InErrors", "udp_in_errors_total", "UDP datagrams received with errors (Udp InErrors)."},
};

struct lis {
	const char *proto;
	char addr[64];
	uint16_t port;
	char process[16];
	uint64_t rq, wq;
};

static int lis_cmp(const void *a, const void *b)
{
	const struct lis *x = a, *y = b;
	int c = strcmp(x->proto, y->proto);
	if (c)
		return c;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	c = strcmp(x->addr, y->addr);
	return c ? c : strcmp(x->process, y->process);
}

static void listeners(FILE *fp, const struct sw_snapshot *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (c->state == SW_ST_LISTEN && (c->proto == SW_PROTO_TCP || c->proto == SW_PROTO_MPTCP))
			n++;
	}
	struct lis *l = xcalloc(n + 1, sizeof *l);
	n = 0;
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (c->state != SW_ST_LISTEN || !(c->proto == SW_PROTO_TCP || c->proto == SW_PROTO_MPTCP))
			continue;
		struct lis *e = &l[n++];
		e->proto = sw_proto_name(c->proto);
		sw_addr_str(c->family, c->local.addr, true, e->addr, sizeof e->addr);
		e->port = c->local.port;
		const struct sw_proc *p = snapshot_owner_proc(s, c, 0);
		if (p)
			sw_strlcpy(e->process, p->comm, sizeof e->process);
		e->rq = c->rq;
		e->wq = c->wq;
	}
	qsort(l, n, sizeof *l, lis_cmp);
	/* SO_REUSEPORT groups share a label set: sum them */
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && lis_cmp(&l[m - 1], &l[i]) == 0) {
			l[m - 1].rq += l[i].rq;
			l[m - 1].wq += l[i].wq;
		} else {
			l[m++] = l[i];
		}
	}
	static const char *const fam[2][2] = {
		{"listener_accept_queue", "Connections waiting in the listener's accept queue (LISTEN Recv-Q)."},
		{"listener_backlog", "The listener's accept queue limit (LISTEN Send-Q: listen() backlog capped by somaxconn)."},
	};
	for (int f = 0; f < 2; f++) {
		family(fp, fam[f][0], "gauge", fam[f][1]);
		for (size_t i = 0; i < m; i++) {
			fprintf(fp, "sockwatch_%s{proto=\"%s\",addr=\"", fam[f][0], l[i].proto);
			out_prom_label_value(fp, l[i].addr);
			fprintf(fp, "\",port=\"%u\",process=\"", (unsigned)l[i].port);
			out_prom_label_value(fp, l[i].process);
			fputs("\"}", fp);
			value(fp, (double)(f ? l[i].wq : l[i].rq));
		}
	}
	free(l);
}

static void sockets(FILE *fp, const struct sw_snapshot *s)
{
	uint32_t count[SW_PROTO_COUNT][SW_ST_COUNT];
	memset(count, 0, sizeof count);
	uint32_t tw = 0;
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (c->proto < SW_PROTO_COUNT && c->state < SW_ST_COUNT)
			count[c->proto][c->state]++;
		if (c->proto == SW_PROTO_TCP && c->state == SW_ST_TIME_WAIT)
			tw++;
	}
	family(fp, "sockets", "gauge", "Sockets by protocol and state.");
	for (unsigned p = 0; p < SW_PROTO_COUNT; p++) {
		bool all_states = p == SW_PROTO_TCP && (s->protos_done & SW_PROTO_BIT(p));
		for (unsigned st = 1; st < SW_ST_COUNT; st++) {
			if (!count[p][st] && !(all_states && st <= SW_ST_CLOSING))
				continue;
			/* TCP: the netstat names (TIME_WAIT, SYN_RECV ...) */
			const char *name = p == SW_PROTO_TCP || p == SW_PROTO_MPTCP
						   ? sw_state_netstat_name(st)
						   : sw_state_name(st, p);
			fprintf(fp, "sockwatch_sockets{proto=\"%s\",state=\"", sw_proto_name(p));
			out_prom_label_value(fp, name);
			fputs("\"}", fp);
			value(fp, count[p][st]);
		}
	}
	double total = tw;
	if (s->have_kstat && s->kstat.sockstat_tw > (int)tw)
		total = s->kstat.sockstat_tw;
	family(fp, "timewait_sockets", "gauge", "TCP sockets in TIME_WAIT.");
	fputs("sockwatch_timewait_sockets", fp);
	value(fp, total);
	if (s->have_kstat && s->kstat.tcp_max_tw_buckets >= 0) {
		family(fp, "timewait_max_buckets", "gauge",
		       "net.ipv4.tcp_max_tw_buckets: the TIME_WAIT limit.");
		fputs("sockwatch_timewait_max_buckets", fp);
		value(fp, s->kstat.tcp_max_tw_buckets);
	}
}

static void ephemeral(FILE *fp, const struct sw_snapshot *s, const struct out_prom_opts *o)
{
	size_t top = o && o->top > 0 ? (size_t)o->top : 10;
	struct diag_state own;
	struct diag_state *st = o && o->scratch ? o->scratch : &own;
	if (st == &own)
		diag_state_init(&own);
	struct diag_eph *e = xcalloc(top, sizeof *e);
	long range = 0;
	size_t n = diag_ephemeral_top(st, s, e, top, &range);
	if (range > 0) {
		family(fp, "ephemeral_port_range_size", "gauge",
		       "Usable ports in net.ipv4.ip_local_port_range (reserved ports excluded).");
		fputs("sockwatch_ephemeral_port_range_size", fp);
		value(fp, (double)range);
		family(fp, "ephemeral_ports_used", "gauge",
		       "Sockets on ephemeral ports per destination (TIME_WAIT included), busiest first.");
		for (size_t i = 0; i < n; i++) {
			char src[64], dst[64];
			sw_addr_str(e[i].family, e[i].src, true, src, sizeof src);
			sw_addr_str(e[i].family, e[i].dst, true, dst, sizeof dst);
			fputs("sockwatch_ephemeral_ports_used{src=\"", fp);
			out_prom_label_value(fp, src);
			fputs("\",dst=\"", fp);
			out_prom_label_value(fp, dst);
			fprintf(fp, "\",dport=\"%u\"}", (unsigned)e[i].dport);
			value(fp, e[i].used);
		}
	}
	free(e);
	if (st == &own)
		diag_state_done(&own);
}

static void diagnoses(FILE *fp, const struct diag_list *dl)
{
	enum diag_sev worst[DIAG_ID_COUNT] = {DIAG_OK};
	for (size_t i = 0; i < dl->n; i++)
		if (dl->d[i].sev > worst[dl->d[i].id])
			worst[dl->d[i].id] = dl->d[i].sev;
	family(fp, "diagnosis_severity", "gauge",
	       "Worst severity per diagnosis: 0 ok, 1 warn, 2 alarm (see sockwatch --check).");
	for (int id = 0; id < DIAG_ID_COUNT; id++)
		fprintf(fp, "sockwatch_diagnosis_severity{id=\"%s\"} %d\n",
			diag_id_name((enum diag_id)id), (int)worst[id]);
	family(fp, "diagnosis_findings", "gauge", "Findings (warn or alarm) per diagnosis.");
	for (int id = 0; id < DIAG_ID_COUNT; id++) {
		unsigned n = 0;
		for (size_t i = 0; i < dl->n; i++)
			n += dl->d[i].id == (enum diag_id)id && dl->d[i].sev > DIAG_OK;
		fprintf(fp, "sockwatch_diagnosis_findings{id=\"%s\"} %u\n",
			diag_id_name((enum diag_id)id), n);
	}
}

static void kernel(FILE *fp, const struct sw_snapshot *s)
{
	if (!s->have_kstat)
		return;
	const struct sw_kstat *k = &s->kstat;
	const struct {
		const char *name;
		int v;
	} sysctls[] = {
		{"net.ipv4.ip_local_port_range_min", k->port_lo},
		{"net.ipv4.ip_local_port_range_max", k->port_hi},
		{"net.ipv4.tcp_tw_reuse", k->tcp_tw_reuse},
		{"net.ipv4.tcp_fin_timeout", k->tcp_fin_timeout},
		{"net.ipv4.tcp_max_tw_buckets", k->tcp_max_tw_buckets},
		{"net.ipv4.tcp_max_syn_backlog", k->tcp_max_syn_backlog},
		{"net.core.somaxconn", k->somaxconn},
		{"net.ipv4.tcp_syncookies", k->tcp_syncookies},
	};
	family(fp, "sysctl", "gauge", "Kernel settings that explain the diagnoses.");
	for (size_t i = 0; i < sizeof sysctls / sizeof sysctls[0]; i++)
		if (sysctls[i].v >= 0)
			fprintf(fp, "sockwatch_sysctl{name=\"%s\"} %d\n", sysctls[i].name, sysctls[i].v);
	for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
		uint64_t v;
		if (!kstat_counter(k, counters[i][0], counters[i][1], &v))
			continue;
		family(fp, counters[i][2], "counter", counters[i][3]);
		fprintf(fp, "sockwatch_%s %llu\n", counters[i][2], (unsigned long long)v);
	}
}

int out_metrics_prom(FILE *fp, const struct sw_snapshot *s, const struct diag_list *dl,
		     const struct out_prom_opts *o)
{
	sockets(fp, s);
	listeners(fp, s);
	ephemeral(fp, s, o);
	if (dl)
		diagnoses(fp, dl);
	kernel(fp, s);
	if (o && o->extra)
		o->extra(fp, o->extra_arg);
	family(fp, "collect_duration_seconds", "gauge", "How long collecting the snapshot took.");
	fprintf(fp, "sockwatch_collect_duration_seconds %.6f\n", s->collect_ms / 1000.0);
	if (s->real_sec > 0) {
		family(fp, "snapshot_timestamp_seconds", "gauge",
		       "When the snapshot was taken (Unix time).");
		fprintf(fp, "sockwatch_snapshot_timestamp_seconds %lld\n", (long long)s->real_sec);
	}
	if (fflush(fp) || ferror(fp))
		return errno ? -errno : -EIO;
	return 0;
}

struct file_ctx {
	const struct sw_snapshot *s;
	const struct diag_list *dl;
	const struct out_prom_opts *o;
};

static int file_write(void *p, FILE *fp)
{
	const struct file_ctx *c = p;
	return out_metrics_prom(fp, c->s, c->dl, c->o);
}

int out_metrics_prom_file(const char *path, const struct sw_snapshot *s,
			  const struct diag_list *dl, const struct out_prom_opts *o)
{
	struct file_ctx c = {s, dl, o};
	return rcfile_atomic_write(path, file_write, &c);
}
