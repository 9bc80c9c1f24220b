/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prom.c - see prom.h.  Every family is written as one block (HELP, TYPE,
 * samples) with unique label sets, as promtool check metrics wants.  A
 * family is one small function of the writers[] table at the end: it
 * calls prom_family() once, then prom_sample() per series. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/rcfile.h"
#include "core/util.h"
#include "prom.h"

/* What every family writer sees. */
struct prom {
	FILE *fp;
	const struct sw_snapshot *s;
	const struct diag_list *dl; /* may be NULL */
	const struct out_prom_opts *o; /* never NULL here */
	/* label sets folded into an "_other" series, per capped set */
	size_t dropped_listeners, dropped_ephemeral, dropped_netns;
	size_t cap_ephemeral;
	/* -N all: the netns label of each namespace of s (nslabel[conn.ns]):
	 * its own for the OUT_PROM_NETNS_CAP holding most sockets, "_other"
	 * for the rest; NULL with one namespace (no netns label at all) */
	const char **nslabel;
};

struct prom_label {
	const char *name;
	const char *value;
};

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

static void prom_family(struct prom *p, const char *name, const char *type, const char *help)
{
	fprintf(p->fp, "# HELP sockwatch_%s %s\n# TYPE sockwatch_%s %s\n", name, help, name, type);
}

/* One sample: sockwatch_NAME{l[0].name="l[0].value",...} v */
static void prom_sample(struct prom *p, const char *name, const struct prom_label *l, size_t nl,
			double v)
{
	fprintf(p->fp, "sockwatch_%s", name);
	for (size_t i = 0; i < nl; i++) {
		fprintf(p->fp, "%c%s=\"", i ? ',' : '{', l[i].name);
		out_prom_label_value(p->fp, l[i].value);
		fputc('"', p->fp);
	}
	if (nl)
		fputc('}', p->fp);
	if (sw_dbl_is_ll(v))
		fprintf(p->fp, " %lld\n", (long long)v);
	else
		fprintf(p->fp, " %.6g\n", v);
}

/* A family with one unlabelled sample. */
static void prom_gauge1(struct prom *p, const char *name, const char *help, double v)
{
	prom_family(p, name, "gauge", help);
	prom_sample(p, name, NULL, 0, v);
}

/* ---- build_info ---------------------------------------------------------- */

static void w_build_info(struct prom *p)
{
	const struct prom_label l[] = {
		{"version", PACKAGE_VERSION},
#ifdef HAVE_MICROHTTPD
		{"listen", "yes"},
#else
		{"listen", "no"},
#endif
	};
	prom_family(p, "build_info", "gauge",
		    "Always 1; labels: the sockwatch version and whether --listen was built in.");
	prom_sample(p, "build_info", l, 2, 1);
}

/* ---- namespaces (-N all, capped) ------------------------------------------ */

struct nsrank {
	size_t i;
	uint32_t n;
	const char *label;
};

/* Most sockets first, then by label: the namespaces that keep theirs. */
static int nsrank_cmp(const void *a, const void *b)
{
	const struct nsrank *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	int c = strcmp(x->label, y->label);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* p->nslabel for a snapshot of several namespaces: the OUT_PROM_NETNS_CAP
 * holding most sockets keep their label, the rest become "_other". */
static void netns_labels(struct prom *p)
{
	const struct sw_snapshot *s = p->s;
	if (!s->nns)
		return;
	struct nsrank *r = xcalloc(s->nns, sizeof *r);
	for (size_t i = 0; i < s->nns; i++)
		r[i] = (struct nsrank){i, 0, s->nss[i].label};
	for (size_t i = 0; i < s->nconns; i++)
		if (s->conns[i].ns < s->nns)
			r[s->conns[i].ns].n++;
	qsort(r, s->nns, sizeof *r, nsrank_cmp);
	p->nslabel = xcalloc(s->nns, sizeof *p->nslabel);
	size_t keep = s->nns > OUT_PROM_NETNS_CAP ? OUT_PROM_NETNS_CAP - 1 : s->nns;
	for (size_t k = 0; k < s->nns; k++)
		p->nslabel[r[k].i] = k < keep ? r[k].label : "_other";
	p->dropped_netns = s->nns - keep;
	free(r);
}

/* The netns label of c ("" when the snapshot has one namespace). */
static const char *conn_netns(const struct prom *p, const struct sw_conn *c)
{
	return p->nslabel && c->ns < p->s->nns ? p->nslabel[c->ns] : "";
}

/* ---- sockets by state ------------------------------------------------------ */

/* One vocabulary for every protocol: the kernel's state names
 * (include/net/tcp_states.h without TCP_), as netstat and /proc/net/tcp
 * use them; UDP, raw and UNIX sockets use the same numbers (unconnected =
 * CLOSE, connected = ESTABLISHED). */
/* The sockets of one netns label (NULL: every socket) by protocol and
 * state. */
static void sockets_of(struct prom *p, const char *ns)
{
	const struct sw_snapshot *s = p->s;
	uint32_t count[SW_PROTO_COUNT][SW_ST_COUNT];
	memset(count, 0, sizeof count);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (ns && strcmp(conn_netns(p, c), ns) != 0)
			continue;
		if (c->proto < SW_PROTO_COUNT && c->state < SW_ST_COUNT)
			count[c->proto][c->state]++;
	}
	for (unsigned pr = 0; pr < SW_PROTO_COUNT; pr++) {
		bool all_states = pr == SW_PROTO_TCP && (s->protos_done & SW_PROTO_BIT(pr));
		for (unsigned st = 1; st < SW_ST_COUNT; st++) {
			if (!count[pr][st] && !(all_states && st <= SW_ST_CLOSING))
				continue;
			const struct prom_label l[] = {
				{"proto", sw_proto_name(pr)},
				{"state", sw_state_netstat_name(st)},
				{"netns", ns},
			};
			prom_sample(p, "sockets", l, ns ? 3 : 2, count[pr][st]);
		}
	}
}

/* Whether label ns is given to a namespace before index i (labels can
 * repeat: one series each). */
static bool netns_seen(const struct prom *p, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (strcmp(p->nslabel[k], p->nslabel[i]) == 0)
			return true;
	return false;
}

static void w_sockets(struct prom *p)
{
	prom_family(p, "sockets", "gauge",
		    "Sockets by protocol and state (kernel state names for every protocol: "
		    "unconnected UDP/UNIX sockets are CLOSE); -N all: and netns.");
	if (!p->nslabel) {
		sockets_of(p, NULL);
		return;
	}
	for (size_t i = 0; i < p->s->nns; i++)
		if (!netns_seen(p, i))
			sockets_of(p, p->nslabel[i]);
}

static void w_timewait(struct prom *p)
{
	const struct sw_snapshot *s = p->s;
	uint32_t tw = 0;
	for (size_t i = 0; i < s->nconns; i++)
		tw += s->conns[i].proto == SW_PROTO_TCP && s->conns[i].state == SW_ST_TIME_WAIT;
	double total = tw;
	if (s->have_kstat && s->kstat.sockstat_tw > (int)tw)
		total = s->kstat.sockstat_tw;
	prom_gauge1(p, "timewait_sockets", "TCP sockets in TIME_WAIT (IPv4 and IPv6).", total);
	if (s->have_kstat && s->kstat.tcp_max_tw_buckets >= 0)
		prom_gauge1(p, "timewait_max_buckets",
			    "net.ipv4.tcp_max_tw_buckets: the TIME_WAIT limit (IPv4 and IPv6).",
			    s->kstat.tcp_max_tw_buckets);
}

/* ---- listeners (capped) ---------------------------------------------------- */

struct lis {
	const char *proto;
	const char *netns; /* "" with one namespace */
	char addr[64];
	uint16_t port;
	char process[16];
	uint64_t rq, wq;
};

static int lis_cmp(const void *a, const void *b)
{
	const struct lis *x = a, *y = b;
	int c = strcmp(x->proto, y->proto);
	if (!c)
		c = strcmp(x->netns, y->netns);
	if (c)
		return c;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	c = strcmp(x->addr, y->addr);
	return c ? c : strcmp(x->process, y->process);
}

/* Busiest accept queue first (ties: label order), for the cap. */
static int lis_busy_cmp(const void *a, const void *b)
{
	const struct lis *x = a, *y = b;
	if (x->rq != y->rq)
		return x->rq > y->rq ? -1 : 1;
	return lis_cmp(a, b);
}

static bool is_tcp_listener(const struct sw_conn *c)
{
	return c->state == SW_ST_LISTEN && (c->proto == SW_PROTO_TCP || c->proto == SW_PROTO_MPTCP);
}

/* TCP/MPTCP listeners, one per label set (SO_REUSEPORT groups summed);
 * returns how many, *out to free(). */
static size_t listeners_collect(const struct prom *p, struct lis **out)
{
	const struct sw_snapshot *s = p->s;
	size_t n = 0;
	for (size_t i = 0; i < s->nconns; i++)
		n += is_tcp_listener(&s->conns[i]);
	struct lis *l = xcalloc(n + 1, sizeof *l);
	n = 0;
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!is_tcp_listener(c))
			continue;
		struct lis *e = &l[n++];
		e->proto = sw_proto_name(c->proto);
		e->netns = conn_netns(p, c);
		/* the address as it is ("0.0.0.0", "::"), never ss's "*" */
		sw_addr_str(c->family, sw_laddr(c), false, e->addr, sizeof e->addr);
		e->port = c->local.port;
		const struct sw_proc *pr = snapshot_owner_proc(s, c, 0);
		if (pr)
			sw_strlcpy(e->process, pr->comm, sizeof e->process);
		e->rq = c->rq;
		e->wq = c->wq;
	}
	qsort(l, n, sizeof *l, lis_cmp);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && lis_cmp(&l[m - 1], &l[i]) == 0) {
			l[m - 1].rq += l[i].rq;
			l[m - 1].wq += l[i].wq;
		} else {
			l[m++] = l[i];
		}
	}
	*out = l;
	return m;
}

/* More than cap: the busiest keep their labels, the rest is summed per
 * protocol into addr/port/process "_other" series; cap series in all. */
static size_t listeners_cap(struct lis *l, size_t m, size_t cap, size_t *dropped)
{
	*dropped = 0;
	if (m <= cap)
		return m;
	qsort(l, m, sizeof *l, lis_busy_cmp);
	bool mptcp = false, tcp = false;
	for (size_t i = 0; i < m; i++)
		*(strcmp(l[i].proto, "tcp") == 0 ? &tcp : &mptcp) = true;
	size_t keep = cap - (tcp && mptcp ? 2 : 1); /* room for the "_other" series */
	struct lis other[2] = {{.proto = "tcp", .netns = "_other"},
			       {.proto = "mptcp", .netns = "_other"}};
	size_t nother[2] = {0, 0};
	for (size_t i = keep; i < m; i++) {
		int k = strcmp(l[i].proto, "tcp") != 0;
		other[k].rq += l[i].rq;
		other[k].wq += l[i].wq;
		nother[k]++;
	}
	*dropped = m - keep;
	for (int k = 0; k < 2; k++) {
		if (!nother[k])
			continue;
		strcpy(other[k].addr, "_other");
		strcpy(other[k].process, "_other");
		l[keep++] = other[k];
	}
	qsort(l, keep, sizeof *l, lis_cmp);
	return keep;
}

static void w_listeners(struct prom *p)
{
	struct lis *l;
	size_t m = listeners_collect(p, &l);
	m = listeners_cap(l, m, OUT_PROM_LISTENER_CAP, &p->dropped_listeners);
	static const char *const fam[2][2] = {
		{"listener_accept_queue", "Connections waiting in the listener's accept queue (LISTEN Recv-Q)."},
		{"listener_backlog", "The listener's accept queue limit (LISTEN Send-Q: listen() backlog capped by somaxconn)."},
	};
	for (int f = 0; f < 2; f++) {
		prom_family(p, fam[f][0], "gauge", fam[f][1]);
		for (size_t i = 0; i < m; i++) {
			char port[8];
			snprintf(port, sizeof port, "%u", (unsigned)l[i].port);
			bool other = strcmp(l[i].addr, "_other") == 0;
			const struct prom_label lb[] = {
				{"proto", l[i].proto}, {"addr", l[i].addr},
				{"port", other ? "_other" : port}, {"process", l[i].process},
				{"netns", l[i].netns},
			};
			prom_sample(p, fam[f][0], lb, p->nslabel ? 5 : 4,
				    (double)(f ? l[i].wq : l[i].rq));
		}
	}
	free(l);
}

/* ---- ephemeral ports (capped) ---------------------------------------------- */

static void w_ephemeral(struct prom *p)
{
	const struct out_prom_opts *o = p->o;
	size_t top = o->top > 0 ? (size_t)o->top : 10;
	p->cap_ephemeral = top;
	struct diag_state own;
	struct diag_state *st = o->scratch ? o->scratch : &own;
	if (st == &own)
		diag_state_init(&own);
	struct diag_eph *e = xcalloc(top, sizeof *e);
	long range = 0;
	size_t n = diag_ephemeral_top(st, p->s, e, top, &range);
	if (range > 0) {
		prom_gauge1(p, "ephemeral_port_range_size",
			    "Usable ports in net.ipv4.ip_local_port_range (reserved ports excluded; "
			    "the range applies to IPv4 and IPv6).", (double)range);
		prom_family(p, "ephemeral_ports_used", "gauge",
			    "Sockets on ephemeral ports per destination (TIME_WAIT included), "
			    "busiest --top first; the rest summed in src/dst/dport \"_other\".");
		for (size_t i = 0; i < n; i++) {
			char src[64], dst[64], dport[8];
			sw_addr_str(e[i].family, e[i].src, false, src, sizeof src);
			sw_addr_str(e[i].family, e[i].dst, false, dst, sizeof dst);
			snprintf(dport, sizeof dport, "%u", (unsigned)e[i].dport);
			const struct prom_label l[] = {{"src", src}, {"dst", dst}, {"dport", dport}};
			prom_sample(p, "ephemeral_ports_used", l, 3, e[i].used);
		}
		p->dropped_ephemeral = st->eph_rest_n;
		if (st->eph_rest_n) {
			const struct prom_label l[] = {
				{"src", "_other"}, {"dst", "_other"}, {"dport", "_other"}};
			prom_sample(p, "ephemeral_ports_used", l, 3, (double)st->eph_rest_used);
		}
	}
	free(e);
	if (st == &own)
		diag_state_done(&own);
}

/* ---- diagnoses --------------------------------------------------------------- */

static void w_diagnoses(struct prom *p)
{
	const struct diag_list *dl = p->dl;
	if (!dl)
		return;
	enum diag_sev worst[DIAG_ID_COUNT] = {DIAG_OK};
	unsigned findings[DIAG_ID_COUNT] = {0};
	for (size_t i = 0; i < dl->n; i++) {
		if (dl->d[i].sev > worst[dl->d[i].id])
			worst[dl->d[i].id] = dl->d[i].sev;
		findings[dl->d[i].id] += dl->d[i].sev > DIAG_OK;
	}
	prom_family(p, "diagnosis_severity", "gauge",
		    "Worst severity per diagnosis: 0 ok, 1 warn, 2 alarm (see sockwatch --check).");
	for (int id = 0; id < DIAG_ID_COUNT; id++) {
		const struct prom_label l[] = {{"id", diag_id_name((enum diag_id)id)}};
		prom_sample(p, "diagnosis_severity", l, 1, (double)worst[id]);
	}
	prom_family(p, "diagnosis_findings", "gauge", "Findings (warn or alarm) per diagnosis.");
	for (int id = 0; id < DIAG_ID_COUNT; id++) {
		const struct prom_label l[] = {{"id", diag_id_name((enum diag_id)id)}};
		prom_sample(p, "diagnosis_findings", l, 1, findings[id]);
	}
}

/* ---- kernel settings: one gauge each ----------------------------------------- */

static void w_sysctls(struct prom *p)
{
	if (!p->s->have_kstat)
		return;
	const struct sw_kstat *k = &p->s->kstat;
	const struct {
		const char *metric;
		int v;
		const char *help;
	} g[] = {
		{"ephemeral_port_range_low", k->port_lo,
		 "net.ipv4.ip_local_port_range: first ephemeral port (IPv4 and IPv6)."},
		{"ephemeral_port_range_high", k->port_hi,
		 "net.ipv4.ip_local_port_range: last ephemeral port (IPv4 and IPv6)."},
		{"tcp_tw_reuse", k->tcp_tw_reuse,
		 "net.ipv4.tcp_tw_reuse: 0 never, 1 reuse TIME_WAIT ports for new outgoing "
		 "connections, 2 loopback only (IPv4 and IPv6)."},
		{"tcp_timestamps", k->tcp_timestamps,
		 "net.ipv4.tcp_timestamps: 0 off, 1 on, 2 on without random offsets "
		 "(TIME_WAIT reuse needs them)."},
		{"tcp_fin_timeout_seconds", k->tcp_fin_timeout,
		 "net.ipv4.tcp_fin_timeout: how long an orphaned FIN_WAIT2 lasts (not TIME_WAIT)."},
		{"tcp_max_syn_backlog", k->tcp_max_syn_backlog,
		 "net.ipv4.tcp_max_syn_backlog: half-open requests before SYNs of unproven peers "
		 "are dropped."},
		{"somaxconn", k->somaxconn,
		 "net.core.somaxconn: the cap on every listen() backlog."},
		{"tcp_syncookies", k->tcp_syncookies,
		 "net.ipv4.tcp_syncookies: 0 off, 1 when a SYN queue overflows, 2 always."},
	};
	for (size_t i = 0; i < sizeof g / sizeof g[0]; i++)
		if (g[i].v >= 0)
			prom_gauge1(p, g[i].metric, g[i].help, g[i].v);
}

/* ---- kernel counters ------------------------------------------------------------ */

/* The kernel keeps one TCP MIB (Tcp, TcpExt) per namespace for IPv4 and
 * IPv6 together: those carry no family label.  UDP has two: net/snmp's
 * Udp (IPv4) and net/snmp6's Udp6 (IPv6): family="ipv4"/"ipv6". */
static const struct kcounter {
	const char *group, *group6; /* group6 NULL: group covers both families */
	const char *name, *metric, *help;
} counters[] = {
#define TCP_BOTH " IPv4 and IPv6 together."
	{"TcpExt", NULL, "ListenOverflows", "tcp_listen_overflows_total",
	 "Connections dropped because a listener's accept queue was full (TcpExt ListenOverflows)," TCP_BOTH},
	{"TcpExt", NULL, "ListenDrops", "tcp_listen_drops_total",
	 "Connection requests dropped by listeners (TcpExt ListenDrops)," TCP_BOTH},
	{"TcpExt", NULL, "TCPTimeWaitOverflow", "tcp_timewait_overflow_total",
	 "TIME_WAIT sockets not created because tcp_max_tw_buckets was reached (TcpExt TCPTimeWaitOverflow)," TCP_BOTH},
	{"TcpExt", NULL, "SyncookiesSent", "tcp_syncookies_sent_total", "SYN cookies sent (TcpExt SyncookiesSent)," TCP_BOTH},
	{"TcpExt", NULL, "SyncookiesRecv", "tcp_syncookies_recv_total", "Valid SYN cookies received (TcpExt SyncookiesRecv)," TCP_BOTH},
	{"TcpExt", NULL, "SyncookiesFailed", "tcp_syncookies_failed_total", "Invalid SYN cookies received (TcpExt SyncookiesFailed)," TCP_BOTH},
	{"TcpExt", NULL, "TCPReqQFullDrop", "tcp_reqq_full_drop_total", "SYNs dropped because the request queue was full (TcpExt TCPReqQFullDrop)," TCP_BOTH},
	{"TcpExt", NULL, "TCPReqQFullDoCookies", "tcp_reqq_full_cookies_total", "SYN cookies sent because the request queue was full (TcpExt TCPReqQFullDoCookies)," TCP_BOTH},
	{"TcpExt", NULL, "TCPBacklogDrop", "tcp_backlog_drop_total", "Packets dropped because the socket backlog was full (TcpExt TCPBacklogDrop)," TCP_BOTH},
	{"TcpExt", NULL, "TCPAbortOnMemory", "tcp_abort_on_memory_total", "Connections aborted for lack of memory (TcpExt TCPAbortOnMemory)," TCP_BOTH},
	{"Tcp", NULL, "ActiveOpens", "tcp_active_opens_total", "Outgoing TCP connections opened (Tcp ActiveOpens)," TCP_BOTH},
	{"Tcp", NULL, "PassiveOpens", "tcp_passive_opens_total", "Incoming TCP connections accepted (Tcp PassiveOpens)," TCP_BOTH},
	{"Tcp", NULL, "AttemptFails", "tcp_attempt_fails_total", "Failed TCP connection attempts (Tcp AttemptFails)," TCP_BOTH},
	{"Tcp", NULL, "EstabResets", "tcp_estab_resets_total", "Established connections reset (Tcp EstabResets)," TCP_BOTH},
	{"Tcp", NULL, "OutSegs", "tcp_out_segs_total", "TCP segments sent (Tcp OutSegs)," TCP_BOTH},
	{"Tcp", NULL, "RetransSegs", "tcp_retrans_segs_total", "TCP segments retransmitted (Tcp RetransSegs)," TCP_BOTH},
	{"Tcp", NULL, "InErrs", "tcp_in_errs_total", "TCP segments received with errors (Tcp InErrs)," TCP_BOTH},
	{"Tcp", NULL, "OutRsts", "tcp_out_rsts_total", "TCP resets sent (Tcp OutRsts)," TCP_BOTH},
#undef TCP_BOTH
#define UDP_FAM " family: ipv4 from /proc/net/snmp Udp, ipv6 from /proc/net/snmp6 Udp6."
	{"Udp", "Udp6", "NoPorts", "udp_no_ports_total", "UDP datagrams to a port nobody listens on (NoPorts);" UDP_FAM},
	{"Udp", "Udp6", "RcvbufErrors", "udp_rcvbuf_errors_total", "UDP datagrams dropped: receive buffer full (RcvbufErrors);" UDP_FAM},
	{"Udp", "Udp6", "SndbufErrors", "udp_sndbuf_errors_total", "UDP datagrams dropped: send buffer full (SndbufErrors);" UDP_FAM},
	{"Udp", "Udp6", "InErrors", "udp_in_errors_total", "UDP datagrams received with errors (InErrors);" UDP_FAM},
#undef UDP_FAM
};

static void w_counters(struct prom *p)
{
	if (!p->s->have_kstat || p->o->skip_node)
		return;
	const struct sw_kstat *k = &p->s->kstat;
	for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
		const struct kcounter *c = &counters[i];
		uint64_t v4, v6;
		bool h4 = kstat_counter(k, c->group, c->name, &v4);
		bool h6 = c->group6 && kstat_counter(k, c->group6, c->name, &v6);
		if (!h4 && !h6)
			continue; /* absent counters are not invented */
		prom_family(p, c->metric, "counter", c->help);
		if (!c->group6) {
			prom_sample(p, c->metric, NULL, 0, (double)v4);
			continue;
		}
		const struct prom_label l4[] = {{"family", "ipv4"}}, l6[] = {{"family", "ipv6"}};
		if (h4)
			prom_sample(p, c->metric, l4, 1, (double)v4);
		if (h6)
			prom_sample(p, c->metric, l6, 1, (double)v6);
	}
}

/* ---- about the exposition itself ------------------------------------------------- */

/* One gauge family with a sample per capped family. */
static void caps_family(struct prom *p, const char *name, const char *help, const double v[3])
{
	static const char *const set[3] = {"listener", "ephemeral_ports_used", "netns"};
	prom_family(p, name, "gauge", help);
	for (int i = 0; i < (p->nslabel ? 3 : 2); i++) {
		const struct prom_label l[] = {{"family", set[i]}};
		prom_sample(p, name, l, 1, v[i]);
	}
}

static void w_caps(struct prom *p)
{
	const double cap[3] = {OUT_PROM_LISTENER_CAP, (double)p->cap_ephemeral,
			       OUT_PROM_NETNS_CAP};
	const double dropped[3] = {(double)p->dropped_listeners, (double)p->dropped_ephemeral,
				   (double)p->dropped_netns};
	caps_family(p, "series_limit",
		    "Most label sets a capped family exports (listener_*: fixed, "
		    "ephemeral_ports_used: --top, netns: namespace labels under -N all); "
		    "beyond it they are summed into one \"_other\" series.",
		    cap);
	caps_family(p, "series_dropped",
		    "Label sets summed into the \"_other\" series of a capped family in this snapshot.",
		    dropped);
}

static void w_collect(struct prom *p)
{
	prom_family(p, "collect_duration_seconds", "gauge", "How long collecting the snapshot took.");
	fprintf(p->fp, "sockwatch_collect_duration_seconds %.6f\n", p->s->collect_ms / 1000.0);
	if (p->s->real_sec > 0)
		prom_gauge1(p, "snapshot_timestamp_seconds", "When the snapshot was taken (Unix time).",
			    (double)p->s->real_sec);
}

/* The families in output order: a new one is a function and a line here. */
/* More families from the caller (closed connections: prom_churn.h). */
static void w_extra(struct prom *p)
{
	if (p->o->extra)
		p->o->extra(p->fp, p->o->extra_arg);
}

static void (*const writers[])(struct prom *) = {
	w_build_info, w_sockets, w_timewait, w_listeners, w_ephemeral, w_diagnoses,
	w_sysctls, w_counters, w_extra, w_caps, w_collect,
};

int out_metrics_prom(FILE *fp, const struct sw_snapshot *s, const struct diag_list *dl,
		     const struct out_prom_opts *o)
{
	static const struct out_prom_opts dflt;
	struct prom p = {.fp = fp, .s = s, .dl = dl, .o = o ? o : &dflt};
	netns_labels(&p);
	for (size_t i = 0; i < sizeof writers / sizeof writers[0]; i++)
		writers[i](&p);
	free(p.nslabel);
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
