/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json.c - one compact JSON document per snapshot (schema: doc/json.md).
 *
 * Written straight to the stdio buffer with small helpers (no tree, no
 * per-row allocation).  Keys are fixed ASCII; every string value goes
 * through out_json_str().
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/util.h"
#include "output.h"

#include "unlocked.h"

/* ---- primitives ----------------------------------------------------------- */

/* Length of a valid UTF-8 sequence at p (n bytes left), 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t k;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		k = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < k || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return k;
}

/* The escaped contents of a string literal, without the quotes. */
static void json_body(FILE *fp, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0; /* run: start of plain bytes not yet written */
	while (i < len) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t k = utf8_seq(p + i, len - i);
			if (k) {
				i += k;
				continue;
			}
		}
		fwrite(p + run, 1, i - run, fp);
		switch (c) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\b': fputs("\\b", fp); break;
		case '\f': fputs("\\f", fp); break;
		default:
			if (c < 0x20) {
				char e[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
				fputs(e, fp);
			} else {
				fputs("\\ufffd", fp); /* invalid UTF-8 byte */
			}
		}
		i++;
		run = i;
	}
	fwrite(p + run, 1, i - run, fp);
}

void out_json_str(FILE *fp, const char *s, size_t len)
{
	putc('"', fp);
	json_body(fp, s, len);
	putc('"', fp);
}

static void put_u64(FILE *fp, uint64_t v)
{
	char b[24];
	int i = (int)sizeof b;
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fwrite(b + i, 1, sizeof b - (size_t)i, fp);
}

static void put_i64(FILE *fp, int64_t v)
{
	if (v < 0) {
		putc('-', fp);
		put_u64(fp, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(fp, (uint64_t)v);
	}
}

/* Object member helpers.  *first tracks the comma. */
struct jo {
	FILE *fp;
	bool first;
};

static void key(struct jo *o, const char *k)
{
	if (!o->first)
		putc(',', o->fp);
	o->first = false;
	putc('"', o->fp);
	fputs(k, o->fp);
	fputs("\":", o->fp);
}

static void ju(struct jo *o, const char *k, uint64_t v)
{
	key(o, k);
	put_u64(o->fp, v);
}

static void ji(struct jo *o, const char *k, int64_t v)
{
	key(o, k);
	put_i64(o->fp, v);
}

/* A 64-bit tcp_info value, left out when it is all ones: the kernel's
 * "unset / unlimited" (pacing_rate without a pacing limit, ~0ULL), which a
 * JSON reader would turn into 18446744073709552000 (doc/json.md). */
static void ju64(struct jo *o, const char *k, uint64_t v)
{
	if (v != UINT64_MAX)
		ju(o, k, v);
}

/* -1 (unknown sysctl) as null */
static void jint_or_null(struct jo *o, const char *k, int v)
{
	key(o, k);
	if (v < 0)
		fputs("null", o->fp);
	else
		put_i64(o->fp, v);
}

static void js(struct jo *o, const char *k, const char *v)
{
	key(o, k);
	out_json_cstr(o->fp, v);
}

static void jb(struct jo *o, const char *k, bool v)
{
	key(o, k);
	fputs(v ? "true" : "false", o->fp);
}

static void jd(struct jo *o, const char *k, double v, int prec)
{
	key(o, k);
	if (v != v || v > 1e300 || v < -1e300)
		fputs("null", o->fp);
	else
		fprintf(o->fp, "%.*f", prec, v);
}

static void open_obj(struct jo *o, struct jo *child, const char *k)
{
	if (k)
		key(o, k);
	putc('{', o->fp);
	child->fp = o->fp;
	child->first = true;
}

static void close_obj(struct jo *o)
{
	putc('}', o->fp);
}

/* ---- sockets ------------------------------------------------------------- */

static const char *family_name(int f)
{
	return f == AF_INET ? "inet" : f == AF_INET6 ? "inet6" : f == AF_UNIX ? "unix" : "other";
}

/* netstat long names; "UNCONN" for unconnected non-TCP sockets. */
static const char *state_name(unsigned state, unsigned proto)
{
	if (state == SW_ST_CLOSE && proto != SW_PROTO_TCP && proto != SW_PROTO_MPTCP)
		return "UNCONN";
	return sw_state_netstat_name(state);
}

static void endpoint(struct jo *o, const char *k, const struct sw_conn *c, bool remote)
{
	char a[64];
	struct jo e;
	const struct sw_epix *ep = remote ? &c->remote : &c->local;
	sw_addr_str(c->family, sw_conn_addr(c, ep), false, a, sizeof a);
	open_obj(o, &e, k);
	js(&e, "addr", a);
	ju(&e, "port", ep->port);
	close_obj(&e);
}

static void unix_obj(struct jo *o, const struct sw_snapshot *s, const struct sw_conn *c)
{
	struct jo u;
	open_obj(o, &u, "unix");
	js(&u, "type", c->sotype == 2 /* SOCK_DGRAM */ ? "dgram" :
		       c->sotype == 5 /* SOCK_SEQPACKET */ ? "seqpacket" : "stream");
	if (c->name_len) {
		const char *p = snapshot_str(s, c->name_off);
		size_t n = c->name_len;
		key(&u, "path");
		if (p[0] == '\0') {
			/* abstract: '@' then the bytes by length, NULs as \u0000 */
			fputs("\"@", o->fp);
			json_body(o->fp, p + 1, n - 1);
			putc('"', o->fp);
			jb(&u, "abstract", true);
		} else {
			while (n && p[n - 1] == '\0')
				n--;
			out_json_str(o->fp, p, n);
		}
	}
	if (c->flags & SW_CF_HAS_PEER)
		ju(&u, "peer_inode", sw_conn_peer(c));
	close_obj(&u);
}

static void processes(struct jo *o, const struct sw_snapshot *s, const struct sw_conn *c)
{
	key(o, "processes");
	putc('[', o->fp);
	struct sw_owner owb;
	const struct sw_owner *ow = &owb;
	bool first = true;
	for (uint32_t i = 0; snapshot_owner(s, c, i, &owb); i++) {
		if (ow->proc >= s->nprocs)
			continue;
		const struct sw_proc *p = &s->procs[ow->proc];
		struct jo po = {o->fp, true};
		if (!first)
			putc(',', o->fp);
		first = false;
		putc('{', o->fp);
		ji(&po, "pid", p->pid);
		key(&po, "comm");
		out_json_str(o->fp, p->comm, strnlen(p->comm, sizeof p->comm));
		key(&po, "cmdline");
		out_json_str(o->fp, snapshot_str(s, p->cmdline_off), p->cmdline_len);
		ju(&po, "uid", p->uid);
		js(&po, "user", sw_user_name(p->uid));
		ji(&po, "fd", ow->fd);
		close_obj(&po);
	}
	putc(']', o->fp);
}

/* tcp_info: the fields every snapshot keeps, and the rest (d) when the
 * snapshot kept details (batch JSON does; see doc/json.md). */
static void tcp_obj(struct jo *o, const struct sw_snapshot *s, const struct sw_tcpx *t,
		    const struct sw_tcpd *d)
{
	struct jo j;
	uint32_t h = t->have;
	open_obj(o, &j, "tcp");
	if (h & SW_TI_BASE) {
		ju(&j, "rtt_us", t->rtt_us);
		ju(&j, "rttvar_us", t->rttvar_us);
		ju(&j, "cwnd", t->snd_cwnd);
		ju(&j, "ssthresh", t->snd_ssthresh);
		ju(&j, "retrans", t->retrans);
		ju(&j, "total_retrans", t->total_retrans);
		ju(&j, "lost", t->lost);
		ju(&j, "last_send_ms", t->last_data_sent_ms);
		ju(&j, "last_recv_ms", t->last_data_recv_ms);
		if (d) {
			ju(&j, "rto_us", d->rto_us);
			ju(&j, "ato_us", d->ato_us);
			ju(&j, "retransmits", d->retransmits);
			ju(&j, "backoff", d->backoff);
			ju(&j, "probes", d->probes);
			ju(&j, "unacked", d->unacked);
			ju(&j, "sacked", d->sacked);
			ju(&j, "ca_state", d->ca_state);
			ju(&j, "snd_mss", d->snd_mss);
			ju(&j, "rcv_mss", d->rcv_mss);
			ju(&j, "advmss", d->advmss);
			ju(&j, "pmtu", d->pmtu);
			ju(&j, "snd_wscale", d->snd_wscale);
			ju(&j, "rcv_wscale", d->rcv_wscale);
			ju(&j, "rcv_ssthresh", d->rcv_ssthresh);
			ju(&j, "rcv_rtt_us", d->rcv_rtt_us);
			ju(&j, "rcv_space", d->rcv_space);
			ju(&j, "reordering", d->reordering);
			ju(&j, "last_ack_recv_ms", d->last_ack_recv_ms);
		}
	}
	if ((h & SW_TI_PACING) && d) {
		ju64(&j, "pacing_rate", d->pacing_rate);
		ju64(&j, "max_pacing_rate", d->max_pacing_rate);
	}
	if (h & SW_TI_BYTES) {
		ju64(&j, "bytes_acked", t->bytes_acked);
		ju64(&j, "bytes_received", t->bytes_received);
	}
	if (h & SW_TI_SEGS) {
		ju(&j, "segs_in", t->segs_in);
		ju(&j, "segs_out", t->segs_out);
	}
	if ((h & SW_TI_MINRTT) && d) {
		ju(&j, "notsent_bytes", d->notsent_bytes);
		ju(&j, "min_rtt_us", d->min_rtt_us);
		ju(&j, "data_segs_in", d->data_segs_in);
		ju(&j, "data_segs_out", d->data_segs_out);
	}
	if (h & SW_TI_DELIVERY) {
		ju64(&j, "delivery_rate", t->delivery_rate);
		if (d)
			jb(&j, "app_limited", d->app_limited);
	}
	if (h & SW_TI_BUSY) {
		ju64(&j, "busy_us", t->busy_time_us);
		if (d) {
			ju64(&j, "rwnd_limited_us", d->rwnd_limited_us);
			ju64(&j, "sndbuf_limited_us", d->sndbuf_limited_us);
		}
	}
	if ((h & SW_TI_DELIVERED) && d) {
		ju(&j, "delivered", d->delivered);
		ju(&j, "delivered_ce", d->delivered_ce);
	}
	if (h & SW_TI_BYTES_SENT) {
		ju64(&j, "bytes_sent", t->bytes_sent);
		if (d) {
			ju64(&j, "bytes_retrans", d->bytes_retrans);
			ju(&j, "dsack_dups", d->dsack_dups);
			ju(&j, "reord_seen", d->reord_seen);
		}
	}
	if ((h & SW_TI_SNDWND) && d) {
		ju(&j, "rcv_ooopack", d->rcv_ooopack);
		ju(&j, "snd_wnd", d->snd_wnd);
	}
	if (h & SW_TI_CONG) {
		key(&j, "cong");
		const char *cong = snapshot_cong(s, t);
		out_json_str(o->fp, cong, strlen(cong));
	}
	close_obj(&j);
}

static void skmem_obj(struct jo *o, const struct sw_conn *c, const struct sw_conn_detail *d)
{
	static const char *const names[SW_SKMEM_COUNT] = {
		"rmem_alloc", "rcvbuf", "wmem_alloc", "sndbuf", "fwd_alloc",
		"wmem_queued", "optmem", "backlog", "drops",
	};
	struct jo j;
	open_obj(o, &j, "skmem");
	if (d) {
		for (int i = 0; i < SW_SKMEM_COUNT; i++)
			ju(&j, names[i], d->skmem[i]);
	} else {
		ju(&j, names[SW_SKMEM_RMEM_ALLOC], c->rmem);
		ju(&j, names[SW_SKMEM_WMEM_QUEUED], c->wmem);
	}
	close_obj(&j);
}

static void socket_obj(FILE *fp, const struct sw_row *r)
{
	const struct sw_snapshot *s = r->snap;
	const struct sw_conn *c = r->conn;
	bool inet = c->family == AF_INET || c->family == AF_INET6;
	struct jo o = {fp, true};
	putc('{', fp);
	js(&o, "proto", sw_proto_name(c->proto));
	js(&o, "family", family_name(c->family));
	js(&o, "state", state_name(c->state, c->proto));
	const struct sw_nsinfo *ns = snapshot_ns(s, c);
	if (ns) { /* -N all */
		js(&o, "netns", ns->label);
		ju(&o, "netns_inode", ns->inode);
	}
	if (inet) {
		endpoint(&o, "local", c, false);
		endpoint(&o, "remote", c, true);
		jb(&o, "v4mapped", c->family == AF_INET6 &&
			   (sw_addr_is_v4mapped(sw_laddr(c)) ||
			    sw_addr_is_v4mapped(sw_raddr(c))));
		if (c->flags & SW_CF_HAS_V6ONLY)
			jb(&o, "v6only", c->flags & SW_CF_V6ONLY);
		if (c->proto == SW_PROTO_RAW)
			ju(&o, "raw_protocol", c->sotype);
	}
	ju(&o, "recv_q", c->rq);
	ju(&o, "send_q", c->wq);
	if (inet) {
		struct jo t;
		open_obj(&o, &t, "timer");
		js(&t, "name", sw_timer_name(c->timer));
		ju(&t, "expires_ms", c->timer == SW_TIMER_OFF ? 0 : c->expires_ms);
		ju(&t, "retrans", c->retrans);
		close_obj(&t);
	}
	if (c->flags & SW_CF_HAS_UID) {
		ju(&o, "uid", c->uid);
		js(&o, "user", sw_user_name(c->uid));
	}
	ju(&o, "inode", c->inode);
	ju(&o, "cookie", c->cookie);
	struct sw_conn_detail cdb;
	const struct sw_conn_detail *cd = s && snapshot_get_detail(s, c, &cdb) ? &cdb : NULL;
	if (cd && cd->cgroup_id)
		ju(&o, "cgroup_id", cd->cgroup_id);
	if (sw_conn_ifindex(c)) {
		ju(&o, "ifindex", sw_conn_ifindex(c));
		/* named in the namespace the socket was collected in */
		const char *name = snapshot_conn_ifname(s, c);
		if (name)
			js(&o, "iface", name);
	}
	if (c->flags & SW_CF_HAS_SHUTDOWN)
		ju(&o, "shutdown", c->shutdown);
	if (s)
		processes(&o, s, c);
	if (c->proto == SW_PROTO_UNIX && s)
		unix_obj(&o, s, c);
	const struct sw_tcpx *t = s ? snapshot_tcpx(s, c) : NULL;
	if (t && t->have) {
		struct sw_tcpd td;
		tcp_obj(&o, s, t, snapshot_get_tcpd(s, c, &td) ? &td : NULL);
	}
	if (c->flags & SW_CF_HAS_SKMEM)
		skmem_obj(&o, c, cd);
	if (r->st && (r->st->flags & SW_ROW_RATE)) {
		jd(&o, "rx_bps", r->st->rx_bps, 0);
		jd(&o, "tx_bps", r->st->tx_bps, 0);
	}
	if (sw_rowstat_has_age(r->st))
		ju(&o, "age_ms", sw_rowstat_age_ms(r->st));
	close_obj(&o);
}

/* ---- snapshot-wide parts --------------------------------------------------- */

const char *const out_kernel_counters[][2] = {
	{"TcpExt", "ListenOverflows"},
	{"TcpExt", "ListenDrops"},
	{"TcpExt", "TCPTimeWaitOverflow"},
	{"TcpExt", "SyncookiesSent"},
	{"TcpExt", "SyncookiesRecv"},
	{"TcpExt", "SyncookiesFailed"},
	{"TcpExt", "TCPReqQFullDoCookies"},
	{"TcpExt", "TCPReqQFullDrop"},
	{"TcpExt", "TCPBacklogDrop"},
	{"TcpExt", "TCPAbortOnMemory"},
	{"TcpExt", "TCPAbortOnTimeout"},
	{"TcpExt", "TW"},
	{"Tcp", "ActiveOpens"},
	{"Tcp", "PassiveOpens"},
	{"Tcp", "AttemptFails"},
	{"Tcp", "EstabResets"},
	{"Tcp", "CurrEstab"},
	{"Tcp", "RetransSegs"},
	{"Tcp", "InErrs"},
	{"Tcp", "OutRsts"},
	{"Udp", "InErrors"},
	{"Udp", "NoPorts"},
	{"Udp", "RcvbufErrors"},
	{"Udp", "SndbufErrors"},
	{"Udp", "MemErrors"},
	{NULL, NULL},
};

static void kernel_obj(struct jo *o, const struct sw_kstat *k)
{
	struct jo j, sub, g;
	open_obj(o, &j, "kernel");
	key(&j, "ip_local_port_range");
	if (k->port_lo >= 0 && k->port_hi >= 0) {
		putc('[', o->fp);
		put_i64(o->fp, k->port_lo);
		putc(',', o->fp);
		put_i64(o->fp, k->port_hi);
		putc(']', o->fp);
	} else {
		fputs("null", o->fp);
	}
	js(&j, "ip_local_reserved_ports", k->reserved_ports);
	jint_or_null(&j, "tcp_tw_reuse", k->tcp_tw_reuse);
	jint_or_null(&j, "tcp_fin_timeout", k->tcp_fin_timeout);
	jint_or_null(&j, "tcp_max_tw_buckets", k->tcp_max_tw_buckets);
	jint_or_null(&j, "tcp_max_syn_backlog", k->tcp_max_syn_backlog);
	jint_or_null(&j, "somaxconn", k->somaxconn);
	jint_or_null(&j, "tcp_syncookies", k->tcp_syncookies);
	open_obj(&j, &sub, "sockstat");
	jint_or_null(&sub, "tw", k->sockstat_tw);
	jint_or_null(&sub, "orphan", k->sockstat_orphan);
	jint_or_null(&sub, "inuse", k->sockstat_inuse);
	jint_or_null(&sub, "mem_pages", k->sockstat_mem_pages);
	close_obj(&sub);
	open_obj(&j, &sub, "counters");
	const char *group = NULL;
	for (int i = 0; out_kernel_counters[i][0]; i++) {
		uint64_t v;
		if (!kstat_counter(k, out_kernel_counters[i][0], out_kernel_counters[i][1], &v))
			continue;
		if (!group || strcmp(group, out_kernel_counters[i][0]) != 0) {
			if (group)
				close_obj(&g);
			group = out_kernel_counters[i][0];
			open_obj(&sub, &g, group);
		}
		ju(&g, out_kernel_counters[i][1], v);
	}
	if (group)
		close_obj(&g);
	close_obj(&sub);
	close_obj(&j);
}

static void states_obj(struct jo *o, const char *k, const uint32_t *by_state, unsigned proto)
{
	struct jo j;
	open_obj(o, &j, k);
	for (unsigned st = 0; st < SW_ST_COUNT; st++)
		if (by_state[st])
			ju(&j, state_name(st, proto), by_state[st]);
	close_obj(&j);
}

static void summary_obj(struct jo *o, const struct sw_view *v)
{
	struct sw_agg_states as;
	struct jo j, p;
	agg_states(v, &as);
	open_obj(o, &j, "summary");
	ju(&j, "total", as.all);
	for (unsigned pr = 0; pr < SW_PROTO_COUNT; pr++) {
		if (!as.total[pr])
			continue;
		open_obj(&j, &p, sw_proto_name(pr));
		ju(&p, "total", as.total[pr]);
		for (unsigned st = 0; st < SW_ST_COUNT; st++)
			if (as.count[pr][st])
				ju(&p, state_name(st, pr), as.count[pr][st]);
		close_obj(&p);
	}
	close_obj(&j);
}

/* A destination: address, port, protocol and its known owners. */
static void dest_key(struct jo *j, const struct sw_agg_entry *e)
{
	char buf[64];
	js(j, "addr", sw_addr_str(e->family, e->addr, false, buf, sizeof buf));
	ju(j, "port", e->port);
	js(j, "proto", sw_proto_name(e->proto));
	js(j, "family", family_name(e->family));
	key(j, "programs");
	putc('[', j->fp);
	for (unsigned i = 0; i < e->nowners; i++) {
		if (i)
			putc(',', j->fp);
		struct jo o = {j->fp, true};
		putc('{', j->fp);
		ji(&o, "pid", e->owner_pid[i]);
		key(&o, "comm");
		out_json_str(j->fp, e->owner_comm[i],
			     strnlen(e->owner_comm[i], sizeof e->owner_comm[i]));
		putc('}', j->fp);
	}
	putc(']', j->fp);
	jb(j, "more_programs", e->more_owners);
}

/* Group entries: a state breakdown mixing protocols uses the netstat
 * names, with CLOSE shown as UNCONN (nearly always unconnected UDP). */
static void agg_list(struct jo *o, const char *k, const struct sw_agg *a, size_t top,
		     bool syn_only)
{
	key(o, k);
	putc('[', o->fp);
	size_t shown = 0;
	for (size_t i = 0; i < a->n && shown < top; i++) {
		const struct sw_agg_entry *e = &a->e[i];
		if (syn_only && !e->by_state[SW_ST_SYN_RECV])
			continue;
		struct jo j = {o->fp, true};
		char buf[80];
		if (shown++)
			putc(',', o->fp);
		putc('{', o->fp);
		switch (a->kind) {
		case SW_AGG_REMOTE_IP:
			js(&j, "addr", agg_key_str(e, buf, sizeof buf));
			js(&j, "family", family_name(e->family));
			break;
		case SW_AGG_REMOTE_NET:
			js(&j, "net", agg_key_str(e, buf, sizeof buf));
			js(&j, "family", family_name(e->family));
			break;
		case SW_AGG_LOCAL_PORT:
			/* port null: the client ends, on ports nothing listens on */
			js(&j, "proto", sw_proto_name(e->proto));
			jint_or_null(&j, "port", e->port ? e->port : -1);
			break;
		case SW_AGG_DEST:
			dest_key(&j, e);
			break;
		default:
			ji(&j, "pid", e->pid);
			key(&j, "comm");
			out_json_str(o->fp, e->comm, strnlen(e->comm, sizeof e->comm));
			break;
		}
		if (syn_only) {
			ju(&j, "count", e->by_state[SW_ST_SYN_RECV]);
		} else {
			ju(&j, "total", e->total);
			states_obj(&j, "states", e->by_state, SW_PROTO_UDP);
			jd(&j, "rx_bps", e->rx_bps, 0);
			jd(&j, "tx_bps", e->tx_bps, 0);
		}
		close_obj(&j);
	}
	putc(']', o->fp);
}

static void listeners_list(struct jo *o, const struct sw_listeners *ls, size_t top)
{
	key(o, "listeners");
	putc('[', o->fp);
	for (size_t i = 0; i < ls->n && i < top; i++) {
		const struct sw_listener *l = &ls->l[i];
		const struct sw_conn *c = l->row.conn;
		const struct sw_snapshot *s = l->row.snap;
		struct jo j = {o->fp, true};
		if (i)
			putc(',', o->fp);
		putc('{', o->fp);
		js(&j, "proto", sw_proto_name(c->proto));
		js(&j, "family", family_name(c->family));
		js(&j, "state", state_name(c->state, c->proto));
		if (c->family == AF_INET || c->family == AF_INET6)
			endpoint(&j, "local", c, false);
		else if (s)
			unix_obj(&j, s, c);
		ju(&j, "accept_q", l->accept_q);
		ju(&j, "backlog", l->backlog);
		ju(&j, "established", l->established);
		ju(&j, "syn_recv", l->syn_recv);
		ju(&j, "other", l->other);
		ju(&j, "inode", c->inode);
		const struct sw_proc *p = s && c->owners_n ? snapshot_owner_proc(s, c, 0) : NULL;
		if (p) {
			ji(&j, "pid", p->pid);
			key(&j, "comm");
			out_json_str(o->fp, p->comm, strnlen(p->comm, sizeof p->comm));
		}
		close_obj(&j);
	}
	putc(']', o->fp);
}

static void aggregates_obj(struct jo *o, const struct sw_snapshot *s, const struct sw_view *v, size_t top)
{
	struct jo j;
	struct sw_agg a;
	struct sw_listeners ls;
	agg_init(&a);
	agg_listen_ports_snap(&a, s); /* a filter may have left the listeners out */
	open_obj(o, &j, "aggregates");
	agg_group(&a, SW_AGG_REMOTE_IP, v);
	ju(&j, "remote_ips", a.n);
	agg_list(&j, "remote_ip", &a, top, false);
	/* SYN_RECV per remote IP: the same groups ordered by SYN_RECV count */
	if (a.n > 1)
		agg_sort_by_state(&a, SW_ST_SYN_RECV);
	agg_list(&j, "syn_recv_by_ip", &a, top, true);
	agg_group(&a, SW_AGG_REMOTE_NET, v);
	agg_list(&j, "remote_net", &a, top, false);
	agg_group(&a, SW_AGG_LOCAL_PORT, v);
	agg_list(&j, "local_port", &a, top, false);
	agg_group(&a, SW_AGG_DEST, v);
	ju(&j, "destinations", a.n);
	agg_list(&j, "destination", &a, top, false);
	agg_group(&a, SW_AGG_PROCESS, v);
	agg_list(&j, "process", &a, top, false);
	agg_done(&a);
	listeners_init(&ls);
	agg_listeners(&ls, v);
	listeners_list(&j, &ls, top);
	listeners_done(&ls);
	close_obj(&j);
}

static void notes_list(struct jo *o, uint32_t notes)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} nn[] = {
		{SW_NOTE_NOT_ROOT, "not_root"},
		{SW_NOTE_PROCS_PARTIAL, "procs_partial"},
		{SW_NOTE_NO_PROCS, "no_procs"},
		{SW_NOTE_REPLAY, "replay"},
		{SW_NOTE_KSTAT_PARTIAL, "kstat_partial"},
		{SW_NOTE_RAW_PROCFS, "raw_from_procfs"},
		{SW_NOTE_DUMP_INTR, "dump_interrupted"},
		{SW_NOTE_NETNS_PARTIAL, "netns_partial"},
	};
	key(o, "notes");
	putc('[', o->fp);
	bool first = true;
	for (size_t i = 0; i < sizeof nn / sizeof nn[0]; i++) {
		if (!(notes & nn[i].bit))
			continue;
		if (!first)
			putc(',', o->fp);
		first = false;
		out_json_cstr(o->fp, nn[i].name);
	}
	putc(']', o->fp);
}

/* -N all: every namespace with its sockets per state (of the rows) and
 * the settings read in it; "error" for one that could not be entered. */
static void namespaces_arr(struct jo *o, const struct sw_snapshot *s, const struct sw_view *v)
{
	static const char *const kinds[] = {"inode", "host", "named", "container", "unit"};
	struct sw_agg_ns an = {0};
	agg_ns_states(s, v, &an);
	key(o, "namespaces");
	putc('[', o->fp);
	for (size_t i = 0; i < s->nns; i++) {
		const struct sw_nsinfo *ns = &s->nss[i];
		struct jo e = {o->fp, true};
		fputs(i ? ",{" : "{", o->fp);
		js(&e, "label", ns->label);
		ju(&e, "inode", ns->inode);
		js(&e, "kind", ns->kind < 5 ? kinds[ns->kind] : "inode");
		js(&e, "runtime", ns->runtime);
		ji(&e, "pid", ns->pid);
		js(&e, "path", ns->path);
		if (ns->err)
			js(&e, "error", strerror(ns->err));
		ju(&e, "sockets", an.count[i][SW_ST_COUNT]);
		struct jo st;
		open_obj(&e, &st, "states");
		for (unsigned k = 0; k < SW_ST_COUNT; k++)
			if (an.count[i][k])
				ju(&st, state_name(k, SW_PROTO_TCP), an.count[i][k]);
		close_obj(&st);
		const struct sw_kstat *ks = snapshot_ns_kstat(s, i);
		if (ks)
			kernel_obj(&e, ks);
		putc('}', o->fp);
	}
	putc(']', o->fp);
	agg_ns_done(&an);
}

int out_conns_json(FILE *fp, const struct sw_snapshot *s, const struct sw_view *v,
		   const struct out_json_opts *opt)
{
	struct jo o = {fp, true};
	static const struct out_json_opts defaults;
	if (!opt)
		opt = &defaults;
	putc('{', fp);
	ju(&o, "version", 1);
	ji(&o, "time", s->real_sec);
	{
		char iso[32];
		sw_fmt_clock(s->real_sec, true, iso, sizeof iso);
		js(&o, "time_iso", iso); /* "" when out of range */
	}
	key(&o, "host");
	out_json_str(fp, s->hostname, strnlen(s->hostname, sizeof s->hostname));
	key(&o, "netns");
	out_json_str(fp, s->netns, strnlen(s->netns, sizeof s->netns));
	jd(&o, "collect_ms", s->collect_ms, 3);
	notes_list(&o, s->notes);
	ju(&o, "procs_unreadable", s->procs_unreadable);
	key(&o, "protocols_missing");
	putc('[', fp);
	bool first = true;
	for (unsigned p = 0; p < SW_PROTO_COUNT; p++) {
		if (!(s->protos_missing & SW_PROTO_BIT(p)))
			continue;
		if (!first)
			putc(',', fp);
		first = false;
		out_json_cstr(fp, sw_proto_name(p));
	}
	putc(']', fp);
	ju(&o, "count", v->n);
	key(&o, "sockets");
	putc('[', fp);
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			putc(',', fp);
		struct sw_row r = view_row(v, i);
		socket_obj(fp, &r);
	}
	putc(']', fp);
	summary_obj(&o, v);
	if (s->nns)
		namespaces_arr(&o, s, v);
	if (s->have_kstat)
		kernel_obj(&o, &s->kstat);
	if (opt->aggregates)
		aggregates_obj(&o, s, v, opt->top > 0 ? (size_t)opt->top : 10);
	if (opt->extra)
		opt->extra(fp, opt->extra_arg);
	putc('}', fp);
	putc('\n', fp);
	return ferror(fp) ? -(errno ? errno : EIO) : 0;
}
