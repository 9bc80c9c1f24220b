/* SPDX-License-Identifier: GPL-2.0-or-later */
/* summary.c - `sockwatch -s`: totals per protocol and state (like ss -s
 * and the classic `netstat -an | awk '{print $6}' | sort | uniq -c`), then
 * the other netstat | awk | uniq -c pipelines answered directly:
 * connections per remote IP (and SYN_RECV per remote IP), per network,
 * per destination address:port (the client ends, with their programs),
 * per local port (listening ports one by one, client ends in one group),
 * per process, the listeners with their queues, and the kernel settings and
 * counters that explain what is seen.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/i18n.h"
#include "core/util.h"
#include "output.h"

/* Name of a state: CLOSE is an unconnected datagram socket, "UNCONN" (TCP
 * sockets in CLOSE are BOUND_INACTIVE, see nlparse). */
static const char *mixed_state(unsigned st)
{
	return st == SW_ST_CLOSE ? "UNCONN" : sw_state_netstat_name(st);
}

static void breakdown(FILE *fp, const uint32_t *by_state)
{
	bool first = true;
	for (unsigned st = 0; st < SW_ST_COUNT; st++) {
		if (!by_state[st])
			continue;
		fprintf(fp, "%s%s %u", first ? "" : ", ", mixed_state(st), by_state[st]);
		first = false;
	}
}

static void states_table(FILE *fp, const struct sw_agg_states *as)
{
	unsigned protos[SW_PROTO_COUNT], np = 0;
	for (unsigned p = 0; p < SW_PROTO_COUNT; p++)
		if (as->total[p])
			protos[np++] = p;
	fprintf(fp, _("Total: %u sockets"), as->all);
	if (np) {
		fputs(" (", fp);
		for (unsigned i = 0; i < np; i++)
			fprintf(fp, "%s%s %u", i ? ", " : "", sw_proto_name(protos[i]),
				as->total[protos[i]]);
		fputs(")", fp);
	}
	fputs("\n", fp);
	if (!np)
		return;
	fprintf(fp, "\n%-14s", _("State"));
	for (unsigned i = 0; i < np; i++)
		fprintf(fp, " %8s", sw_proto_name(protos[i]));
	fprintf(fp, " %8s\n", _("total"));
	for (unsigned st = 0; st < SW_ST_COUNT; st++) {
		uint32_t sum = 0;
		for (unsigned i = 0; i < np; i++)
			sum += as->count[protos[i]][st];
		if (!sum)
			continue;
		/* CLOSE is only unconnected datagram sockets: a TCP socket in
		 * CLOSE is named BOUND_INACTIVE by the parser */
		fprintf(fp, "%-14s", mixed_state(st));
		for (unsigned i = 0; i < np; i++)
			fprintf(fp, " %8u", as->count[protos[i]][st]);
		fprintf(fp, " %8u\n", sum);
	}
}

/* One "top N" section of a group aggregate. */
static void group_section(FILE *fp, const char *title, const char *keyhdr,
			  const struct sw_agg *a, size_t top, bool syn_only)
{
	size_t total = 0;
	for (size_t i = 0; i < a->n; i++)
		if (!syn_only || a->e[i].by_state[SW_ST_SYN_RECV])
			total++;
	if (!total)
		return;
	size_t shown = total < top ? total : top;
	fputs("\n", fp);
	if (shown < total)
		fprintf(fp, _("%s (top %zu of %zu):\n"), title, shown, total);
	else
		fprintf(fp, "%s:\n", title);
	/* key column width from the entries shown */
	char buf[80];
	int kw = (int)strlen(keyhdr);
	size_t k = 0;
	for (size_t i = 0; i < a->n && k < shown; i++) {
		if (syn_only && !a->e[i].by_state[SW_ST_SYN_RECV])
			continue;
		int w = (int)strlen(agg_key_str(&a->e[i], buf, sizeof buf));
		if (w > kw)
			kw = w;
		k++;
	}
	if (syn_only)
		fprintf(fp, "  %7s  %s\n", _("Count"), keyhdr);
	else
		fprintf(fp, "  %7s  %-*s  %s\n", _("Count"), kw, keyhdr, _("States"));
	k = 0;
	for (size_t i = 0; i < a->n && k < shown; i++) {
		const struct sw_agg_entry *e = &a->e[i];
		if (syn_only && !e->by_state[SW_ST_SYN_RECV])
			continue;
		k++;
		agg_key_str(e, buf, sizeof buf);
		if (syn_only) {
			fprintf(fp, "  %7u  %s\n", e->by_state[SW_ST_SYN_RECV], buf);
			continue;
		}
		fprintf(fp, "  %7u  %-*s  ", e->total, kw, buf);
		breakdown(fp, e->by_state);
		if (e->rx_bps > 0 || e->tx_bps > 0) {
			char rx[24], tx[24];
			fprintf(fp, "  (rx %s, tx %s)", sw_fmt_rate(e->rx_bps, rx, sizeof rx),
				sw_fmt_rate(e->tx_bps, tx, sizeof tx));
		}
		if (e->nowners) {
			char who[80];
			fprintf(fp, _("  programs: %s"), agg_owners_str(e, who, sizeof who));
		}
		fputs("\n", fp);
	}
}

static void listener_local(const struct sw_listener *l, char *buf, size_t len)
{
	const struct sw_conn *c = l->row.conn;
	if (c->family == AF_INET || c->family == AF_INET6) {
		sw_local_str(c, buf, len);
		return;
	}
	column_get(SW_COL_LOCAL)->format(&l->row, buf, len);
}

static void listeners_section(FILE *fp, const struct sw_listeners *ls, size_t top)
{
	if (!ls->n)
		return;
	size_t shown = ls->n < top ? ls->n : top;
	fputs("\n", fp);
	if (shown < ls->n)
		fprintf(fp, _("%s (top %zu of %zu):\n"), _("Listeners"), shown, ls->n);
	else
		fprintf(fp, "%s:\n", _("Listeners"));
	char buf[256];
	int lw = (int)strlen(_("Local Address:Port"));
	for (size_t i = 0; i < shown; i++) {
		listener_local(&ls->l[i], buf, sizeof buf);
		int w = (int)strlen(buf);
		if (w > lw)
			lw = w;
	}
	if (lw > 60)
		lw = 60;
	fprintf(fp, "  %-5s  %-*s  %9s  %7s  %8s  %6s  %s\n", _("Proto"), lw,
		_("Local Address:Port"), _("Accept-Q"), _("Estab"), _("SynRecv"), _("Other"),
		_("Process"));
	for (size_t i = 0; i < shown; i++) {
		const struct sw_listener *l = &ls->l[i];
		char proto[16], q[32], pid[64];
		column_get(SW_COL_PROTO)->format(&l->row, proto, sizeof proto);
		listener_local(l, buf, sizeof buf);
		if (l->row.conn->state == SW_ST_LISTEN)
			snprintf(q, sizeof q, "%u/%u", l->accept_q, l->backlog);
		else
			snprintf(q, sizeof q, "-");
		column_get(SW_COL_PID)->format(&l->row, pid, sizeof pid);
		fprintf(fp, "  %-5s  %-*s  %9s  %7u  %8u  %6u  %s\n", proto, lw, buf, q,
			l->established, l->syn_recv, l->other, pid);
	}
}

/* /proc/net counters are per network namespace: they run since boot only
 * in the initial one. */
static const char *counters_heading(const struct sw_kstat *k)
{
	if (k->netns_init == 1)
		return _("counters since boot:");
	if (k->netns_init == 0)
		return _("counters since this network namespace was created:");
	return _("counters since boot, or since this network namespace was created:");
}

static void kernel_section(FILE *fp, const struct sw_kstat *k, const struct sw_agg_states *as)
{
	fprintf(fp, "\n%s:\n", _("Kernel"));
	if (k->port_lo >= 0 && k->port_hi >= k->port_lo)
		fprintf(fp, _("  ephemeral port range      %d-%d (%d ports)%s%s\n"), k->port_lo,
			k->port_hi, k->port_hi - k->port_lo + 1,
			k->reserved_ports[0] ? _(", reserved: ") : "", k->reserved_ports);
	if (k->tcp_tw_reuse >= 0)
		fprintf(fp, "  %-25s %d (%s)\n", "tcp_tw_reuse", k->tcp_tw_reuse,
			k->tcp_tw_reuse == 0 ? _("off") :
			k->tcp_tw_reuse == 2 ? _("loopback only") : _("on"));
	if (k->tcp_fin_timeout >= 0)
		fprintf(fp, "  %-25s %d s\n", "tcp_fin_timeout", k->tcp_fin_timeout);
	uint32_t tw = as->count[SW_PROTO_TCP][SW_ST_TIME_WAIT] +
		      as->count[SW_PROTO_MPTCP][SW_ST_TIME_WAIT];
	if (k->tcp_max_tw_buckets > 0)
		fprintf(fp, _("  %-25s %u of tcp_max_tw_buckets %d (%.0f%%)\n"), "TIME_WAIT", tw,
			k->tcp_max_tw_buckets, sw_pct_shown(tw, k->tcp_max_tw_buckets, 0));
	if (k->somaxconn >= 0)
		fprintf(fp, "  %-25s %d\n", "somaxconn", k->somaxconn);
	if (k->tcp_max_syn_backlog >= 0)
		fprintf(fp, "  %-25s %d\n", "tcp_max_syn_backlog", k->tcp_max_syn_backlog);
	if (k->tcp_syncookies >= 0)
		fprintf(fp, "  %-25s %d\n", "tcp_syncookies", k->tcp_syncookies);
	static const char *const shown[] = {
		"ListenOverflows", "ListenDrops", "TCPTimeWaitOverflow", "SyncookiesSent",
		"TCPReqQFullDrop",
	};
	bool any = false;
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
		uint64_t v;
		if (!kstat_counter(k, "TcpExt", shown[i], &v))
			continue;
		if (!any)
			fprintf(fp, "  %s\n", counters_heading(k));
		any = true;
		fprintf(fp, "    %-23s %llu\n", shown[i], (unsigned long long)v);
	}
}

/* -N all: one row per namespace, biggest first (the top; the rest summed
 * on one row), with its states and the port range and TIME_WAIT limit
 * read in it (they are per namespace). */
static void ns_row(FILE *fp, const struct sw_snapshot *s, size_t i, const uint32_t *cnt,
		   const unsigned *sts, unsigned nst)
{
	const struct sw_nsinfo *ns = &s->nss[i];
	fprintf(fp, "%-22.22s %8u", ns->label, cnt[SW_ST_COUNT]);
	for (unsigned k = 0; k < nst; k++)
		fprintf(fp, " %11u", cnt[sts[k]]);
	const struct sw_kstat *k = snapshot_ns_kstat(s, i);
	if (ns->err)
		fprintf(fp, "  %s: %s", _("not entered"), strerror(ns->err));
	else if (k && k->port_lo >= 0)
		fprintf(fp, "  %d-%d", k->port_lo, k->port_hi);
	if (k && k->tcp_max_tw_buckets > 0 && cnt[SW_ST_TIME_WAIT])
		fprintf(fp, _(" (TIME_WAIT %.0f%% of tcp_max_tw_buckets)"),
			sw_pct_shown(cnt[SW_ST_TIME_WAIT], k->tcp_max_tw_buckets, 0));
	fputc('\n', fp);
}

/* The namespaces past the top, summed; those not entered are named. */
static void ns_rest(FILE *fp, const struct sw_snapshot *s, const size_t *ord, size_t keep,
		    size_t nrest, const uint32_t *rest, const unsigned *sts, unsigned nst)
{
	char lab[64];
	snprintf(lab, sizeof lab, _("(%zu more)"), nrest);
	fprintf(fp, "%-22.22s %8u", lab, rest[SW_ST_COUNT]);
	for (unsigned k = 0; k < nst; k++)
		fprintf(fp, " %11u", rest[sts[k]]);
	size_t nerr = 0;
	for (size_t r = keep; r < keep + nrest; r++)
		nerr += s->nss[ord[r]].err != 0;
	if (nerr)
		fprintf(fp, "  %s: %zu", _("not entered"), nerr);
	fputc('\n', fp);
}

static void ns_section(FILE *fp, const struct sw_snapshot *s, const struct sw_view *v,
		       size_t top)
{
	struct sw_agg_ns an = {0};
	agg_ns_states(s, v, &an);
	unsigned sts[SW_ST_COUNT], nst = 0;
	for (unsigned st = 0; st < SW_ST_COUNT; st++) {
		bool any = false;
		for (size_t i = 0; i < an.n; i++)
			any |= an.count[i][st] != 0;
		if (any)
			sts[nst++] = st;
	}
	size_t *ord = xcalloc(an.n ? an.n : 1, sizeof *ord), nrest;
	uint32_t rest[SW_ST_COUNT + 1];
	size_t keep = agg_ns_rank(&an, SW_ST_COUNT, top, ord, rest, &nrest);
	fprintf(fp, "\n%s:\n%-22s %8s", _("Per network namespace"), _("Namespace"), _("total"));
	for (unsigned k = 0; k < nst; k++)
		fprintf(fp, " %11s", mixed_state(sts[k]));
	fprintf(fp, "  %s\n", _("ports"));
	for (size_t i = 0; i < keep; i++)
		ns_row(fp, s, ord[i], an.count[ord[i]], sts, nst);
	if (nrest)
		ns_rest(fp, s, ord, keep, nrest, rest, sts, nst);
	free(ord);
	agg_ns_done(&an);
}

int out_summary_text(FILE *fp, const struct sw_snapshot *s, const struct sw_view *v,
		     const struct out_summary_opts *o)
{
	size_t top = o && o->top > 0 ? (size_t)o->top : 10;
	struct sw_agg_states as;
	struct sw_agg a;
	struct sw_listeners ls;

	agg_states(v, &as);
	states_table(fp, &as);
	if (s && s->nns)
		ns_section(fp, s, v, top);
	/* where the RAW counts come from, when they are there */
	if (s && (s->notes & SW_NOTE_RAW_PROCFS) && as.total[SW_PROTO_RAW])
		fprintf(fp, "\n%s\n", _("(RAW sockets read from /proc/net/raw: "
					 "this kernel has no raw_diag module)"));

	agg_init(&a);
	if (s) /* a filter may have left the listeners out of the rows */
		agg_listen_ports_snap(&a, s);
	agg_group(&a, SW_AGG_REMOTE_IP, v);
	group_section(fp, _("Connections per remote IP"), _("Remote IP"), &a, top, false);
	if (a.n > 1)
		agg_sort_by_state(&a, SW_ST_SYN_RECV);
	group_section(fp, _("SYN_RECV per remote IP"), _("Remote IP"), &a, top, true);
	agg_group(&a, SW_AGG_REMOTE_NET, v);
	group_section(fp, _("Connections per remote network"), _("Network"), &a, top, false);
	agg_group(&a, SW_AGG_DEST, v);
	group_section(fp, _("Connections per destination"), _("Destination"), &a, top, false);
	agg_group(&a, SW_AGG_LOCAL_PORT, v);
	group_section(fp, _("Connections per local port"), _("Port"), &a, top, false);
	agg_group(&a, SW_AGG_PROCESS, v);
	group_section(fp, _("Sockets per process"), _("PID/Program"), &a, top, false);
	agg_done(&a);

	listeners_init(&ls);
	agg_listeners(&ls, v);
	listeners_section(fp, &ls, top);
	listeners_done(&ls);

	if (s && s->have_kstat)
		kernel_section(fp, &s->kstat, &as);
	return ferror(fp) ? -(errno ? errno : EIO) : 0;
}
