/* SPDX-License-Identifier: GPL-2.0-or-later */
/* columns.c - the column table: names, headers, formatters, comparators.
 *
 * Formatters write plain text (no padding) for one cell; "" means "not
 * applicable".  They return the length of what they wrote, which they
 * know anyway: the batch table then needs no strlen for each of its
 * cells.  Comparators give the natural ascending order: numbers
 * numerically, addresses by bytes (IPv4 < IPv6 < UNIX, v4-mapped IPv6 as
 * IPv4), ports numerically, states in kernel order.  Rows without the
 * data (e.g. no tcp_info) sort before rows that have it.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "columns.h"
#include "i18n.h"
#include "util.h"

/* ---- helpers ------------------------------------------------------------ */

static const struct sw_tcpx *row_tcpx(const struct sw_row *r)
{
	return r->snap ? snapshot_tcpx(r->snap, r->conn) : NULL;
}

static bool tcpx_has(const struct sw_tcpx *t, uint32_t bit)
{
	return t && (t->have & bit);
}

static bool is_inet(const struct sw_conn *c)
{
	return c->family == AF_INET || c->family == AF_INET6;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_dbl(double a, double b)
{
	return a < b ? -1 : a > b;
}

/* sw_strlcpy's return as the length left in buf (len >= 1). */
static size_t copy_len(char *buf, const char *s, size_t len)
{
	size_t n = sw_strlcpy(buf, s, len);
	return n < len ? n : len - 1;
}

/* Hot (every row of every numeric column): no printf, no strlen. */
static size_t fmt_u64(char *buf, size_t len, uint64_t v)
{
	if (v < 10 && len >= 2) { /* most queues are empty */
		buf[0] = (char)('0' + v);
		buf[1] = '\0';
		return 1;
	}
	char t[24];
	size_t i = sizeof t;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	size_t n = sizeof t - i;
	if (n > len - 1)
		n = len - 1;
	memcpy(buf, t + i, n);
	buf[n] = '\0';
	return n;
}

/* Copy UNIX name bytes for display: abstract names start with NUL and are
 * shown with '@' for every NUL (as ss does); control bytes become '?'. */
static size_t unix_name(const struct sw_row *r, char *buf, size_t len)
{
	const struct sw_conn *c = r->conn;
	if (!c->name_len || !r->snap)
		return copy_len(buf, "*", len);
	const char *p = snapshot_str(r->snap, c->name_off);
	size_t n = c->name_len, j = 0;
	/* path names carry their terminating NUL: drop trailing NULs of a
	 * non-abstract name */
	if (p[0] != '\0')
		while (n && p[n - 1] == '\0')
			n--;
	for (size_t i = 0; i < n && j + 1 < len; i++) {
		unsigned char ch = (unsigned char)p[i];
		buf[j++] = ch == 0 ? '@' : (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	buf[j] = '\0';
	return j;
}

/* ---- proto -------------------------------------------------------------- */

static size_t f_proto(const struct sw_row *r, char *buf, size_t len)
{
	const struct sw_conn *c = r->conn;
	const char *base;
	switch (c->proto) {
	case SW_PROTO_UNIX:
		return copy_len(buf, c->sotype == SOCK_DGRAM ? "u_dgr" :
				c->sotype == SOCK_SEQPACKET ? "u_seq" : "u_str", len);
	case SW_PROTO_UDPLITE: base = "udpl"; break;
	default: base = sw_proto_name(c->proto); break;
	}
	size_t n = copy_len(buf, base, len);
	if (c->family == AF_INET6 && n + 1 < len) {
		buf[n] = '6';
		buf[n + 1] = '\0';
		n++;
	}
	return n;
}

static int proto_rank(const struct sw_conn *c)
{
	return c->proto * 64 + (c->family == AF_INET6) * 16 + c->sotype % 16;
}

static int c_proto(const struct sw_row *a, const struct sw_row *b)
{
	return proto_rank(a->conn) - proto_rank(b->conn);
}

/* ---- state -------------------------------------------------------------- */

static size_t f_state(const struct sw_row *r, char *buf, size_t len)
{
	return copy_len(buf, sw_state_name(r->conn->state, r->conn->proto), len);
}

static int c_state(const struct sw_row *a, const struct sw_row *b)
{
	return (int)a->conn->state - (int)b->conn->state;
}

/* ---- queues ------------------------------------------------------------- */

static size_t f_recvq(const struct sw_row *r, char *buf, size_t len)
{
	return fmt_u64(buf, len, r->conn->rq);
}

static size_t f_sendq(const struct sw_row *r, char *buf, size_t len)
{
	return fmt_u64(buf, len, r->conn->wq);
}

static int c_recvq(const struct sw_row *a, const struct sw_row *b)
{
	return cmp_u64(a->conn->rq, b->conn->rq);
}

static int c_sendq(const struct sw_row *a, const struct sw_row *b)
{
	return cmp_u64(a->conn->wq, b->conn->wq);
}

/* ---- addresses ---------------------------------------------------------- */

static size_t f_local(const struct sw_row *r, char *buf, size_t len)
{
	const struct sw_conn *c = r->conn;
	if (c->proto == SW_PROTO_UNIX || c->family == AF_UNIX)
		return unix_name(r, buf, len);
	if (is_inet(c))
		return sw_local_fmt(c, buf, len);
	buf[0] = '\0';
	return 0;
}

static size_t f_remote(const struct sw_row *r, char *buf, size_t len)
{
	const struct sw_conn *c = r->conn;
	if (c->proto == SW_PROTO_UNIX || c->family == AF_UNIX) {
		if (sw_conn_peer(c))
			return sw_snprintf(buf, len, "* %u", sw_conn_peer(c));
		return copy_len(buf, "*", len);
	}
	if (is_inet(c))
		return sw_conn_ep_fmt(c, true, buf, len);
	buf[0] = '\0';
	return 0;
}

/* Comparable address key: class (0 IPv4, 1 IPv6, 2 other) then 16 bytes;
 * v4-mapped IPv6 addresses become IPv4. */
static int addr_class(const struct sw_conn *c, const uint8_t *a, uint8_t out[16])
{
	memset(out, 0, 16);
	if (c->family == AF_INET) {
		memcpy(out, a, 4);
		return 0;
	}
	if (c->family == AF_INET6) {
		if (sw_addr_is_v4mapped(a)) {
			memcpy(out, a + 12, 4);
			return 0;
		}
		memcpy(out, a, 16);
		return 1;
	}
	return 2;
}

static int cmp_unix_name(const struct sw_row *a, const struct sw_row *b)
{
	const struct sw_conn *x = a->conn, *y = b->conn;
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	int d = 0;
	if (n && a->snap && b->snap)
		d = memcmp(snapshot_str(a->snap, x->name_off),
			   snapshot_str(b->snap, y->name_off), n);
	if (d)
		return d;
	return cmp_u64(x->name_len, y->name_len);
}

static int cmp_ep(const struct sw_row *a, const struct sw_row *b, bool local)
{
	const struct sw_conn *x = a->conn, *y = b->conn;
	if (x->family == AF_INET && y->family == AF_INET) {
		/* fast path: the bulk of a large table */
		const struct sw_epix *ex = local ? &x->local : &x->remote;
		const struct sw_epix *ey = local ? &y->local : &y->remote;
		int d = 0;
		if (ex->ai != ey->ai || x->atab != y->atab)
			d = memcmp(sw_conn_addr(x, ex), sw_conn_addr(y, ey), 4);
		if (d)
			return d;
		return (int)ex->port - (int)ey->port;
	}
	uint8_t ka[16], kb[16];
	int ca = addr_class(x, local ? sw_laddr(x) : sw_raddr(x), ka);
	int cb = addr_class(y, local ? sw_laddr(y) : sw_raddr(y), kb);
	if (ca != cb)
		return ca - cb;
	if (ca == 2) {
		if (local)
			return cmp_unix_name(a, b);
		return cmp_u64(sw_conn_peer(x), sw_conn_peer(y));
	}
	int d = memcmp(ka, kb, 16);
	if (d)
		return d;
	return local ? (int)x->local.port - (int)y->local.port
		     : (int)x->remote.port - (int)y->remote.port;
}

static int c_local(const struct sw_row *a, const struct sw_row *b)
{
	return cmp_ep(a, b, true);
}

static int c_remote(const struct sw_row *a, const struct sw_row *b)
{
	return cmp_ep(a, b, false);
}

static size_t f_lport(const struct sw_row *r, char *buf, size_t len)
{
	if (is_inet(r->conn))
		return fmt_u64(buf, len, r->conn->local.port);
	buf[0] = '\0';
	return 0;
}

static size_t f_rport(const struct sw_row *r, char *buf, size_t len)
{
	if (is_inet(r->conn))
		return fmt_u64(buf, len, r->conn->remote.port);
	buf[0] = '\0';
	return 0;
}

static int c_lport(const struct sw_row *a, const struct sw_row *b)
{
	return (int)a->conn->local.port - (int)b->conn->local.port;
}

static int c_rport(const struct sw_row *a, const struct sw_row *b)
{
	return (int)a->conn->remote.port - (int)b->conn->remote.port;
}

/* ---- timer (netstat -o) ------------------------------------------------- */

static size_t f_timer(const struct sw_row *r, char *buf, size_t len)
{
	const struct sw_conn *c = r->conn;
	if (!is_inet(c)) {
		buf[0] = '\0';
		return 0;
	}
	unsigned retr = 0, probes = 0;
	if (c->timer == SW_TIMER_KEEPALIVE || c->timer == SW_TIMER_PERSIST)
		probes = c->retrans;
	else if (c->timer != SW_TIMER_OFF)
		retr = c->retrans;
	uint32_t ms = c->timer == SW_TIMER_OFF ? 0 : c->expires_ms;
	return sw_snprintf(buf, len, "%s (%u.%02u/%u/%u)", sw_timer_name(c->timer),
			   ms / 1000, ms % 1000 / 10, retr, probes);
}

static int c_timer(const struct sw_row *a, const struct sw_row *b)
{
	int d = (int)a->conn->timer - (int)b->conn->timer;
	if (d)
		return d;
	return cmp_u64(a->conn->expires_ms, b->conn->expires_ms);
}

/* ---- processes ---------------------------------------------------------- */

static const struct sw_proc *first_proc(const struct sw_row *r)
{
	if (!r->snap || !r->conn->owners_n)
		return NULL;
	return snapshot_owner_proc(r->snap, r->conn, 0);
}

/* Distinct processes among the owners (entries are few per socket). */
static unsigned nprocs(const struct sw_row *r)
{
	const struct sw_conn *c = r->conn;
	if (!r->snap || !c->owners_n)
		return 0;
	if (c->owners_n == 1 || (c->flags & SW_CF_OWNER1))
		return 1;
	if (c->owners_off + c->owners_n > r->snap->nowners)
		return 0;
	const struct sw_owner *o = &r->snap->owners[c->owners_off];
	unsigned n = 0;
	for (uint32_t i = 0; i < c->owners_n; i++) {
		bool dup = false;
		for (uint32_t j = 0; j < i && j < 64; j++)
			if (o[j].proc == o[i].proc) {
				dup = true;
				break;
			}
		n += !dup;
	}
	return n;
}

static size_t f_pid(const struct sw_row *r, char *buf, size_t len)
{
	const struct sw_proc *p = first_proc(r);
	if (!p)
		return copy_len(buf, "-", len);
	unsigned n = nprocs(r);
	if (n > 1)
		return sw_snprintf(buf, len, "%d/%s+%u", (int)p->pid, p->comm, n - 1);
	return sw_snprintf(buf, len, "%d/%s", (int)p->pid, p->comm);
}

static int c_pid(const struct sw_row *a, const struct sw_row *b)
{
	const struct sw_proc *x = first_proc(a), *y = first_proc(b);
	int32_t pa = x ? x->pid : -1, pb = y ? y->pid : -1;
	return (pa > pb) - (pa < pb);
}

static size_t f_process(const struct sw_row *r, char *buf, size_t len)
{
	const struct sw_proc *p = first_proc(r);
	return copy_len(buf, p ? p->comm : "", len);
}

static int c_process(const struct sw_row *a, const struct sw_row *b)
{
	const struct sw_proc *x = first_proc(a), *y = first_proc(b);
	if (!x || !y)
		return (x != NULL) - (y != NULL);
	int d = strcmp(x->comm, y->comm);
	return d ? d : (x->pid > y->pid) - (x->pid < y->pid);
}

static size_t f_cmdline(const struct sw_row *r, char *buf, size_t len)
{
	const struct sw_proc *p = first_proc(r);
	if (!p || !p->cmdline_len)
		return copy_len(buf, p ? p->comm : "", len);
	const char *s = snapshot_str(r->snap, p->cmdline_off);
	size_t j = 0;
	for (size_t i = 0; i < p->cmdline_len && j + 1 < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		buf[j++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
	}
	buf[j] = '\0';
	return j;
}

static int c_cmdline(const struct sw_row *a, const struct sw_row *b)
{
	char x[256], y[256];
	f_cmdline(a, x, sizeof x);
	f_cmdline(b, y, sizeof y);
	return strcmp(x, y);
}

/* ---- identity ----------------------------------------------------------- */

static size_t f_user(const struct sw_row *r, char *buf, size_t len)
{
	if (r->conn->flags & SW_CF_HAS_UID)
		return copy_len(buf, sw_user_name(r->conn->uid), len);
	buf[0] = '\0';
	return 0;
}

static int c_user(const struct sw_row *a, const struct sw_row *b)
{
	bool ha = a->conn->flags & SW_CF_HAS_UID, hb = b->conn->flags & SW_CF_HAS_UID;
	if (!ha || !hb)
		return ha - hb;
	if (a->conn->uid == b->conn->uid)
		return 0;
	/* sw_user_name may return a rotating buffer: copy one side */
	char x[40];
	sw_strlcpy(x, sw_user_name(a->conn->uid), sizeof x);
	return strcmp(x, sw_user_name(b->conn->uid));
}

static size_t f_uid(const struct sw_row *r, char *buf, size_t len)
{
	if (r->conn->flags & SW_CF_HAS_UID)
		return fmt_u64(buf, len, r->conn->uid);
	buf[0] = '\0';
	return 0;
}

static int c_uid(const struct sw_row *a, const struct sw_row *b)
{
	bool ha = a->conn->flags & SW_CF_HAS_UID, hb = b->conn->flags & SW_CF_HAS_UID;
	if (!ha || !hb)
		return ha - hb;
	return cmp_u64(a->conn->uid, b->conn->uid);
}

static size_t f_inode(const struct sw_row *r, char *buf, size_t len)
{
	return fmt_u64(buf, len, r->conn->inode);
}

static int c_inode(const struct sw_row *a, const struct sw_row *b)
{
	return cmp_u64(a->conn->inode, b->conn->inode);
}

static size_t f_cookie(const struct sw_row *r, char *buf, size_t len)
{
	return fmt_u64(buf, len, r->conn->cookie);
}

static int c_cookie(const struct sw_row *a, const struct sw_row *b)
{
	return cmp_u64(a->conn->cookie, b->conn->cookie);
}

static size_t f_iface(const struct sw_row *r, char *buf, size_t len)
{
	uint32_t ix = sw_conn_ifindex(r->conn);
	if (!ix) {
		buf[0] = '\0';
		return 0;
	}
	/* names come from the namespace the socket was collected in */
	const char *name = snapshot_conn_ifname(r->snap, r->conn);
	if (name)
		return copy_len(buf, name, len);
	return sw_snprintf(buf, len, "if%u", ix);
}

static int c_iface(const struct sw_row *a, const struct sw_row *b)
{
	return cmp_u64(sw_conn_ifindex(a->conn), sw_conn_ifindex(b->conn));
}

/* -N all: the namespace's label (its name, container, or net:[INODE]) */
static size_t f_netns(const struct sw_row *r, char *buf, size_t len)
{
	return copy_len(buf, snapshot_ns_label(r->snap, r->conn), len);
}

static int c_netns(const struct sw_row *a, const struct sw_row *b)
{
	return strcmp(snapshot_ns_label(a->snap, a->conn), snapshot_ns_label(b->snap, b->conn));
}

/* ---- tcp_info ----------------------------------------------------------- */

static size_t fmt_us(char *buf, size_t len, uint32_t us)
{
	if (us < 1000)
		return sw_snprintf(buf, len, "%.2fms", us / 1000.0);
	if (us < 100000)
		return sw_snprintf(buf, len, "%.1fms", us / 1000.0);
	return sw_snprintf(buf, len, "%.0fms", us / 1000.0);
}

/* One macro pair per simple tcp_info column: formatter and comparator
 * gated on the "have" bit.  FMT is the formatter's return value: the
 * length it wrote. */
#define TI_COLUMN(NAME, BIT, EXPR, FMT)                                              \
	static size_t f_##NAME(const struct sw_row *r, char *buf, size_t len)        \
	{                                                                             \
		const struct sw_tcpx *t = row_tcpx(r);                               \
		if (!tcpx_has(t, BIT)) {                                              \
			buf[0] = '\0';                                                \
			return 0;                                                     \
		}                                                                     \
		return FMT;                                                           \
	}                                                                             \
	static int c_##NAME(const struct sw_row *a, const struct sw_row *b)          \
	{                                                                             \
		const struct sw_tcpx *ta = row_tcpx(a), *tb = row_tcpx(b);            \
		bool ha = tcpx_has(ta, BIT), hb = tcpx_has(tb, BIT);                  \
		if (!ha || !hb)                                                       \
			return ha - hb;                                               \
		const struct sw_tcpx *t = ta;                                         \
		uint64_t va = (uint64_t)(EXPR);                                       \
		t = tb;                                                               \
		return cmp_u64(va, (uint64_t)(EXPR));                                 \
	}

TI_COLUMN(rtt, SW_TI_BASE, t->rtt_us, fmt_us(buf, len, t->rtt_us))
TI_COLUMN(rttvar, SW_TI_BASE, t->rttvar_us, fmt_us(buf, len, t->rttvar_us))
TI_COLUMN(cwnd, SW_TI_BASE, t->snd_cwnd, fmt_u64(buf, len, t->snd_cwnd))
/* An "infinite" ssthresh (>= 0x7fffffff, the initial value) is not shown,
 * as in ss. */
TI_COLUMN(ssthresh, SW_TI_BASE, t->snd_ssthresh,
	  t->snd_ssthresh >= 0x7fffffffu ? (buf[0] = '\0', (size_t)0)
					 : fmt_u64(buf, len, t->snd_ssthresh))
TI_COLUMN(retrans, SW_TI_BASE, ((uint64_t)t->total_retrans << 32) | t->retrans,
	  sw_snprintf(buf, len, "%u/%u", t->retrans, t->total_retrans))
TI_COLUMN(lost, SW_TI_BASE, t->lost, fmt_u64(buf, len, t->lost))
TI_COLUMN(bytes_acked, SW_TI_BYTES, t->bytes_acked,
	  strlen(sw_fmt_bytes((double)t->bytes_acked, buf, len)))
TI_COLUMN(bytes_recv, SW_TI_BYTES, t->bytes_received,
	  strlen(sw_fmt_bytes((double)t->bytes_received, buf, len)))
TI_COLUMN(bytes_sent, SW_TI_BYTES_SENT, t->bytes_sent,
	  strlen(sw_fmt_bytes((double)t->bytes_sent, buf, len)))
TI_COLUMN(segs, SW_TI_SEGS, (uint64_t)t->segs_in + t->segs_out,
	  sw_snprintf(buf, len, "%u/%u", t->segs_in, t->segs_out))
TI_COLUMN(delivery_rate, SW_TI_DELIVERY, t->delivery_rate,
	  strlen(sw_fmt_rate((double)t->delivery_rate, buf, len)))
TI_COLUMN(last_send, SW_TI_BASE, t->last_data_sent_ms,
	  strlen(sw_fmt_ms(t->last_data_sent_ms, buf, len)))
TI_COLUMN(last_recv, SW_TI_BASE, t->last_data_recv_ms,
	  strlen(sw_fmt_ms(t->last_data_recv_ms, buf, len)))
TI_COLUMN(busy, SW_TI_BUSY, t->busy_time_us,
	  strlen(sw_fmt_ms(t->busy_time_us / 1000, buf, len)))

static size_t f_cong(const struct sw_row *r, char *buf, size_t len)
{
	const struct sw_tcpx *t = row_tcpx(r);
	if (tcpx_has(t, SW_TI_CONG))
		return copy_len(buf, snapshot_cong(r->snap, t), len);
	buf[0] = '\0';
	return 0;
}

static int c_cong(const struct sw_row *a, const struct sw_row *b)
{
	char x[20], y[20];
	f_cong(a, x, sizeof x);
	f_cong(b, y, sizeof y);
	return strcmp(x, y);
}

/* ---- socket memory ------------------------------------------------------ */

static size_t f_rmem(const struct sw_row *r, char *buf, size_t len)
{
	if (r->conn->flags & SW_CF_HAS_SKMEM)
		return strlen(sw_fmt_bytes(r->conn->rmem, buf, len));
	buf[0] = '\0';
	return 0;
}

static size_t f_wmem(const struct sw_row *r, char *buf, size_t len)
{
	if (r->conn->flags & SW_CF_HAS_SKMEM)
		return strlen(sw_fmt_bytes(r->conn->wmem, buf, len));
	buf[0] = '\0';
	return 0;
}

static int cmp_skmem(const struct sw_row *a, const struct sw_row *b, bool wmem)
{
	bool ha = a->conn->flags & SW_CF_HAS_SKMEM, hb = b->conn->flags & SW_CF_HAS_SKMEM;
	if (!ha || !hb)
		return ha - hb;
	return wmem ? cmp_u64(a->conn->wmem, b->conn->wmem) : cmp_u64(a->conn->rmem, b->conn->rmem);
}

static int c_rmem(const struct sw_row *a, const struct sw_row *b)
{
	return cmp_skmem(a, b, false);
}

static int c_wmem(const struct sw_row *a, const struct sw_row *b)
{
	return cmp_skmem(a, b, true);
}

/* ---- from the model ----------------------------------------------------- */

static bool has_rate(const struct sw_row *r)
{
	return r->st && (r->st->flags & SW_ROW_RATE);
}

static size_t f_rx_rate(const struct sw_row *r, char *buf, size_t len)
{
	if (has_rate(r))
		return strlen(sw_fmt_rate(r->st->rx_bps, buf, len));
	buf[0] = '\0';
	return 0;
}

static size_t f_tx_rate(const struct sw_row *r, char *buf, size_t len)
{
	if (has_rate(r))
		return strlen(sw_fmt_rate(r->st->tx_bps, buf, len));
	buf[0] = '\0';
	return 0;
}

static int c_rx_rate(const struct sw_row *a, const struct sw_row *b)
{
	bool ha = has_rate(a), hb = has_rate(b);
	if (!ha || !hb)
		return ha - hb;
	return cmp_dbl(a->st->rx_bps, b->st->rx_bps);
}

static int c_tx_rate(const struct sw_row *a, const struct sw_row *b)
{
	bool ha = has_rate(a), hb = has_rate(b);
	if (!ha || !hb)
		return ha - hb;
	return cmp_dbl(a->st->tx_bps, b->st->tx_bps);
}

/* A closed connection's age is how long it lived (churn.h: a lower
 * bound); a live one's, the time since a sample first saw it. */
static bool has_age(const struct sw_row *r)
{
	if (r->st && (r->st->flags & SW_ROW_CLOSED) && r->st->life_ms)
		return true;
	return sw_rowstat_has_age(r->st);
}

static uint64_t age_ms(const struct sw_row *r)
{
	if ((r->st->flags & SW_ROW_CLOSED) && r->st->life_ms)
		return r->st->life_ms;
	return sw_rowstat_age_ms(r->st);
}

static size_t f_age(const struct sw_row *r, char *buf, size_t len)
{
	if (has_age(r))
		return strlen(sw_fmt_ms(age_ms(r), buf, len));
	buf[0] = '\0';
	return 0;
}

static int c_age(const struct sw_row *a, const struct sw_row *b)
{
	bool ha = has_age(a), hb = has_age(b);
	if (!ha || !hb)
		return ha - hb;
	return cmp_u64(age_ms(a), age_ms(b));
}

static size_t f_retrans_delta(const struct sw_row *r, char *buf, size_t len)
{
	if (r->st)
		return fmt_u64(buf, len, sw_rowstat_retrans_delta(r->st));
	buf[0] = '\0';
	return 0;
}

static int c_retrans_delta(const struct sw_row *a, const struct sw_row *b)
{
	return cmp_u64(sw_rowstat_retrans_delta(a->st), sw_rowstat_retrans_delta(b->st));
}

/* ---- the table ---------------------------------------------------------- */

#define COL(ID, NAME, HDR, DESC, W, MINW, RIGHT, ON, FN, ...)                          \
	[ID] = {ID, NAME, HDR, DESC, W, MINW, RIGHT, ON, __VA_ARGS__, f_##FN, c_##FN}
/* the last COL arguments: desc_first, addr, needs, short_header */
#define ASC false, false, 0, NULL
#define DESC_(NEEDS) true, false, (NEEDS), NULL
#define ADDR(SHORT) false, true, 0, SHORT
#define OWNER false, false, SW_NEED_PROCS, NULL
#define TI SW_NEED_TCPINFO

static const struct sw_column columns[SW_COL_COUNT] = {
	COL(SW_COL_PROTO, "proto", N_("Proto"),
	    N_("Protocol and family: tcp, tcp6, udp, udp6, raw, u_str ..."), 5, 5, false, true, proto, ASC),
	COL(SW_COL_STATE, "state", N_("State"),
	    N_("Socket state (ESTAB, TIME-WAIT, LISTEN, UNCONN ...)"), 10, 5, false, true, state, ASC),
	COL(SW_COL_RECVQ, "recvq", N_("Recv-Q"),
	    N_("Bytes not yet read by the program; listeners: accept queue length"), 6, 6, true, true, recvq, DESC_(0)),
	COL(SW_COL_SENDQ, "sendq", N_("Send-Q"),
	    N_("Bytes not yet acknowledged by the peer; listeners: backlog"), 6, 6, true, true, sendq, DESC_(0)),
	COL(SW_COL_LOCAL, "local", N_("Local Address:Port"),
	    N_("Local address and port (UNIX: path, @abstract)"), 0, 15, false, true, local, ADDR(N_("Local Address"))),
	COL(SW_COL_REMOTE, "remote", N_("Peer Address:Port"),
	    N_("Remote address and port (UNIX: peer inode)"), 0, 15, false, true, remote, ADDR(N_("Peer Address"))),
	COL(SW_COL_LPORT, "lport", N_("LPort"), N_("Local port number"), 5, 5, true, false, lport, ASC),
	COL(SW_COL_RPORT, "rport", N_("RPort"), N_("Remote port number"), 5, 5, true, false, rport, ASC),
	COL(SW_COL_TIMER, "timer", N_("Timer"),
	    N_("Timer as netstat -o shows it: kind (seconds/retransmits/probes)"), 22, 10, false, false, timer, ASC),
	COL(SW_COL_PID, "pid", N_("PID/Program"),
	    N_("First process holding the socket (+N: more processes)"), 0, 14, false, true, pid, OWNER),
	COL(SW_COL_PROCESS, "process", N_("Process"), N_("Command name of the first owner"),
	    15, 7, false, false, process, OWNER),
	COL(SW_COL_CMDLINE, "cmdline", N_("Command"), N_("Full command line of the first owner"),
	    0, 7, false, false, cmdline, OWNER),
	COL(SW_COL_USER, "user", N_("User"), N_("Owner of the socket"), 8, 4, false, false, user, ASC),
	COL(SW_COL_UID, "uid", N_("UID"), N_("Owner uid of the socket"), 5, 3, true, false, uid, ASC),
	COL(SW_COL_INODE, "inode", N_("Inode"), N_("Socket inode (0: no file, e.g. TIME-WAIT)"),
	    8, 5, true, false, inode, ASC),
	COL(SW_COL_COOKIE, "cookie", N_("Cookie"), N_("Kernel socket cookie (unique id)"),
	    8, 6, true, false, cookie, ASC),
	COL(SW_COL_IFACE, "iface", N_("Iface"), N_("Interface the socket is bound to"),
	    6, 5, false, false, iface, ASC),
	COL(SW_COL_RTT, "rtt", N_("RTT"), N_("Smoothed round-trip time"), 7, 3, true, false, rtt, DESC_(TI)),
	COL(SW_COL_RTTVAR, "rttvar", N_("RTTVar"), N_("Round-trip time variation"),
	    7, 6, true, false, rttvar, DESC_(TI)),
	COL(SW_COL_CWND, "cwnd", N_("Cwnd"), N_("Congestion window (segments)"), 5, 4, true, false, cwnd, DESC_(TI)),
	COL(SW_COL_SSTHRESH, "ssthresh", N_("Ssthresh"), N_("Slow-start threshold (segments)"),
	    8, 8, true, false, ssthresh, DESC_(TI)),
	COL(SW_COL_RETRANS, "retrans", N_("Retrans"),
	    N_("Segments being retransmitted now / retransmitted in total"), 7, 7, true, false, retrans, DESC_(TI)),
	COL(SW_COL_LOST, "lost", N_("Lost"), N_("Segments presumed lost"), 4, 4, true, false, lost, DESC_(TI)),
	COL(SW_COL_BYTES_ACKED, "bytes_acked", N_("Acked"), N_("Bytes sent and acknowledged"),
	    6, 5, true, false, bytes_acked, DESC_(TI)),
	COL(SW_COL_BYTES_RECV, "bytes_received", N_("Received"), N_("Bytes received"),
	    8, 8, true, false, bytes_recv, DESC_(TI)),
	COL(SW_COL_BYTES_SENT, "bytes_sent", N_("Sent"), N_("Bytes sent, retransmissions included"),
	    6, 4, true, false, bytes_sent, DESC_(TI)),
	COL(SW_COL_SEGS, "segs", N_("Segs in/out"), N_("Segments received / sent"),
	    11, 11, true, false, segs, DESC_(TI)),
	COL(SW_COL_DELIVERY_RATE, "delivery_rate", N_("Delivery"),
	    N_("Delivery rate estimated by the kernel"), 9, 8, true, false, delivery_rate, DESC_(TI)),
	COL(SW_COL_LAST_SEND, "last_send", N_("LastSend"), N_("Time since data was last sent"),
	    8, 8, true, false, last_send, false, false, TI, NULL),
	COL(SW_COL_LAST_RECV, "last_recv", N_("LastRecv"), N_("Time since data was last received"),
	    8, 8, true, false, last_recv, false, false, TI, NULL),
	COL(SW_COL_BUSY, "busy", N_("Busy"), N_("Time spent sending data"), 6, 4, true, false, busy, DESC_(TI)),
	COL(SW_COL_CONG, "cong", N_("CC"), N_("Congestion control algorithm"), 6, 2, false, false, cong, false, false, SW_NEED_CONG, NULL),
	COL(SW_COL_RMEM, "rmem", N_("RMem"), N_("Receive buffer memory in use"), 6, 4, true, false, rmem, DESC_(SW_NEED_MEM)),
	COL(SW_COL_WMEM, "wmem", N_("WMem"), N_("Send buffer memory queued"), 6, 4, true, false, wmem, DESC_(SW_NEED_MEM)),
	COL(SW_COL_RX_RATE, "rxrate", N_("RX/s"), N_("Receive rate since the last refresh"),
	    9, 4, true, true, rx_rate, DESC_(TI)),
	COL(SW_COL_TX_RATE, "txrate", N_("TX/s"), N_("Send rate since the last refresh"),
	    9, 4, true, true, tx_rate, DESC_(TI)),
	COL(SW_COL_AGE, "age", N_("Age"), N_("Time since the socket was first seen; closed connections: how long they lived"),
	    6, 3, true, false, age, DESC_(0)),
	COL(SW_COL_RETRANS_DELTA, "retrans_delta", N_("ReTx+"),
	    N_("Retransmissions since the last refresh"), 5, 5, true, false, retrans_delta, DESC_(TI)),
	COL(SW_COL_NETNS, "netns", N_("Netns"),
	    N_("Network namespace (-N all): its name, container or inode"), 14, 5, false, false,
	    netns, ASC),
};

#undef ASC
#undef DESC_
#undef ADDR
#undef OWNER
#undef TI

const struct sw_column *column_get(enum sw_col_id id)
{
	return (unsigned)id < SW_COL_COUNT ? &columns[id] : NULL;
}

static bool reads_tcpinfo(unsigned id)
{
	if (id >= SW_COL_COUNT || id == SW_COL_RX_RATE || id == SW_COL_TX_RATE ||
	    id == SW_COL_RETRANS_DELTA)
		return false;
	return columns[id].needs & (SW_NEED_TCPINFO | SW_NEED_CONG);
}

bool columns_read_tcpinfo(const enum sw_col_id *ids, size_t n, const struct sw_sortkey *keys,
			  size_t nkeys)
{
	for (size_t i = 0; i < n; i++)
		if (reads_tcpinfo((unsigned)ids[i]))
			return true;
	for (size_t i = 0; i < nkeys; i++)
		if (reads_tcpinfo((unsigned)keys[i].col))
			return true;
	return false;
}

unsigned columns_needs(const enum sw_col_id *ids, size_t n,
		       const struct sw_sortkey *keys, size_t nkeys)
{
	unsigned needs = 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned)ids[i] < SW_COL_COUNT)
			needs |= columns[ids[i]].needs;
	for (size_t i = 0; i < nkeys; i++)
		if ((unsigned)keys[i].col < SW_COL_COUNT)
			needs |= columns[keys[i].col].needs;
	return needs;
}

/* ---- sort-key prefixes (see column_sortkey) ---------------------------- */

static uint64_t k_proto(const struct sw_row *r)
{
	return (uint64_t)proto_rank(r->conn); /* < 7 * 64 */
}

static uint64_t k_state(const struct sw_row *r)
{
	return r->conn->state;
}

static uint64_t k_recvq(const struct sw_row *r)
{
	return r->conn->rq;
}

static uint64_t k_sendq(const struct sw_row *r)
{
	return r->conn->wq;
}

static uint64_t k_lport(const struct sw_row *r)
{
	return r->conn->local.port;
}

static uint64_t k_rport(const struct sw_row *r)
{
	return r->conn->remote.port;
}

/* 2 bits of addr_class, then IPv4: address and port (exact); IPv6: the
 * first 48 bits of the address (a prefix); UNIX: nothing. */
static uint64_t ep_key(const struct sw_conn *c, const struct sw_epix *e)
{
	uint8_t k[16];
	int cls = addr_class(c, sw_conn_addr(c, e), k);
	uint64_t v = 0;
	if (cls == 0) {
		v = (uint64_t)k[0] << 40 | (uint64_t)k[1] << 32 | (uint64_t)k[2] << 24 |
		    (uint64_t)k[3] << 16 | e->port;
	} else if (cls == 1) {
		for (int i = 0; i < 6; i++)
			v = v << 8 | k[i];
	}
	return (uint64_t)cls << 48 | v;
}

static bool ep_exact(const struct sw_conn *c, const struct sw_epix *e)
{
	return c->family == AF_INET ||
	       (c->family == AF_INET6 && sw_addr_is_v4mapped(sw_conn_addr(c, e)));
}

static bool x_local(const struct sw_row *r)
{
	return ep_exact(r->conn, &r->conn->local);
}

static bool x_remote(const struct sw_row *r)
{
	return ep_exact(r->conn, &r->conn->remote);
}

static uint64_t k_local(const struct sw_row *r)
{
	return ep_key(r->conn, &r->conn->local);
}

static uint64_t k_remote(const struct sw_row *r)
{
	return ep_key(r->conn, &r->conn->remote);
}

bool column_sortkey(enum sw_col_id id, struct sw_colkey *out)
{
	static const struct sw_colkey keys[SW_COL_COUNT] = {
		[SW_COL_PROTO] = {k_proto, 9, true},
		[SW_COL_STATE] = {k_state, 8, true},
		[SW_COL_RECVQ] = {k_recvq, 32, true},
		[SW_COL_SENDQ] = {k_sendq, 32, true},
		[SW_COL_LOCAL] = {k_local, 50, false, x_local},
		[SW_COL_REMOTE] = {k_remote, 50, false, x_remote},
		[SW_COL_LPORT] = {k_lport, 16, true},
		[SW_COL_RPORT] = {k_rport, 16, true},
	};
	if ((unsigned)id >= SW_COL_COUNT || !keys[id].key)
		return false;
	*out = keys[id];
	return true;
}

/* Extra spellings people type. */
static const struct {
	const char *alias;
	enum sw_col_id id;
} aliases[] = {
	{"netid", SW_COL_PROTO},      {"recv-q", SW_COL_RECVQ},
	{"send-q", SW_COL_SENDQ},     {"rq", SW_COL_RECVQ},
	{"wq", SW_COL_SENDQ},         {"src", SW_COL_LOCAL},
	{"dst", SW_COL_REMOTE},       {"peer", SW_COL_REMOTE},
	{"sport", SW_COL_LPORT},      {"dport", SW_COL_RPORT},
	{"program", SW_COL_PID},      {"comm", SW_COL_PROCESS},
	{"command", SW_COL_CMDLINE},  {"rx", SW_COL_RX_RATE},
	{"tx", SW_COL_TX_RATE},       {"rx_rate", SW_COL_RX_RATE},
	{"tx_rate", SW_COL_TX_RATE},  {"acked", SW_COL_BYTES_ACKED},
	{"received", SW_COL_BYTES_RECV}, {"sent", SW_COL_BYTES_SENT},
	{"bytes_recv", SW_COL_BYTES_RECV}, {"delivery", SW_COL_DELIVERY_RATE},
	{"cc", SW_COL_CONG},          {"retx", SW_COL_RETRANS_DELTA},
};

const struct sw_column *column_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (int i = 0; i < SW_COL_COUNT; i++)
		if (strcasecmp(name, columns[i].name) == 0 ||
		    strcasecmp(name, columns[i].header) == 0)
			return &columns[i];
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcasecmp(name, aliases[i].alias) == 0)
			return &columns[aliases[i].id];
	return NULL;
}

int column_parse_list(const char *spec, enum sw_col_id *ids, bool *desc, int max, int *bad)
{
	int n = 0;
	size_t i = 0;
	if (bad)
		*bad = 0;
	if (!spec)
		return 0;
	for (;;) {
		while (spec[i] == ' ' || spec[i] == '\t')
			i++;
		size_t start = i;
		bool d = false;
		if (spec[i] == '-' || spec[i] == '+') {
			d = spec[i] == '-';
			i++;
		}
		size_t ns = i;
		while (spec[i] && spec[i] != ',' && spec[i] != ' ' && spec[i] != '\t')
			i++;
		size_t ne = i;
		while (spec[i] == ' ' || spec[i] == '\t')
			i++;
		char name[40];
		const struct sw_column *col = NULL;
		if (ne > ns && ne - ns < sizeof name) {
			memcpy(name, spec + ns, ne - ns);
			name[ne - ns] = '\0';
			col = column_by_name(name);
		}
		if (!col || n >= max || (spec[i] && spec[i] != ',')) {
			if (bad)
				*bad = (int)(col && !(n >= max) ? i : start);
			return -1;
		}
		ids[n] = col->id;
		if (desc)
			desc[n] = d;
		n++;
		if (!spec[i])
			break;
		i++; /* ',' */
		if (!spec[i]) { /* trailing comma */
			if (bad)
				*bad = (int)i;
			return -1;
		}
	}
	return n;
}
