/* SPDX-License-Identifier: GPL-2.0-or-later */
/* histcodec.c - snapshots to history samples and back (see histfile.h).
 *
 * A socket is a row of NF numbers (flatten()) plus three byte strings
 * (UNIX name, congestion name, owners as pid/fd pairs).  A keyframe writes
 * every row; a delta the rows added, the cookies removed and, for a row
 * that changed, a mask and the differences.  This file has the rows and
 * the decoder; the encoder is in histfile_enc.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "histfile.h"
#include "histfile_priv.h"
#include "util.h"

/* ---- rows ---------------------------------------------------------------- */

static uint64_t t_ms_of(const struct sw_snapshot *s)
{
	return s->mono_ns / 1000000u;
}

/* A timer's expiry as a point in time (odd), 0 when none. */
static uint64_t deadline_of(uint32_t ms, uint64_t t)
{
	return ms ? (t + ms) * 2 + 1 : 0;
}

static uint32_t expires_at(uint64_t v, uint64_t t)
{
	if (!(v & 1))
		return (uint32_t)(v >> 1);
	uint64_t d = v >> 1;
	return d > t ? (d - t > UINT32_MAX ? UINT32_MAX : (uint32_t)(d - t)) : 0;
}

/* "ms since data" as the point in time it happened (odd), or raw (even). */
static uint64_t since_of(uint32_t ms, uint64_t t)
{
	return ms && ms <= t ? (t - ms) * 2 + 1 : (uint64_t)ms * 2;
}

static uint32_t since_at(uint64_t v, uint64_t t)
{
	if (!(v & 1))
		return (uint32_t)(v >> 1);
	uint64_t d = v >> 1;
	return d < t ? (t - d > UINT32_MAX ? UINT32_MAX : (uint32_t)(t - d)) : 0;
}

uint64_t hf_carried(int field, uint64_t v, uint64_t t_ms)
{
	if (field == F_EXPIRES)
		return deadline_of(expires_at(v, t_ms), t_ms);
	return since_of(since_at(v, t_ms), t_ms);
}

static uint64_t addr64(const uint8_t *a)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | a[i];
	return v;
}

static void addr_put(uint8_t *a, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		a[i] = (uint8_t)(v >> (8 * i));
}

/* rtt and rttvar as the monitor shows them (columns.c fmt_us(): "%.2fms"
 * below 1 ms, "%.1fms" below 100 ms, "%.0fms" above): the value the shown
 * text stands for, so a replay shows the same text.  Idempotent (the
 * encoder compares rounded values with rounded ones); a value halfway
 * goes where printf takes it. */
static uint64_t round_us(uint32_t us)
{
	uint32_t q = us < 1000 ? 10 : us < 100000 ? 100 : 1000, r = us % q;
	uint64_t v = (uint64_t)us - r + (r > q / 2 ? q : 0);
	if (r == q / 2) {
		char buf[32];
		snprintf(buf, sizeof buf, "%.*f", q == 10 ? 2 : q == 100 ? 1 : 0, us / 1000.0);
		uint64_t k = 0;
		for (const char *p = buf; *p; p++)
			if (*p >= '0' && *p <= '9')
				k = k * 10 + (uint64_t)(*p - '0');
		v = k * q;
	}
	if (us < 1000 && v >= 1000) /* "1.00ms": stays in its range */
		v = 999;
	else if (us >= 1000 && us < 100000 && v >= 100000)
		v = 99999;
	return v;
}

/* The delivery rate as the monitor shows it (util.c fmt_scaled(): "%.1fK"
 * below 10 of a unit of 1024, "%.0fK" above; bytes as they are): unit u,
 * k tenths or k units (rounded as printf does, exact halves to even, and
 * kept below the next format's threshold), and the rest. */
struct rate_code {
	unsigned u;
	bool tenths;
	uint64_t k;
	int64_t rest;
};

#define RATE_MAX ((1ull << 48) - 1) /* 256 TiB/s: kept to that */

static uint64_t rate_rep(unsigned u, bool tenths, uint64_t k)
{
	unsigned sh = 10 * u;
	return u == 0 ? k : tenths ? ((k << sh) + 5) / 10 : k << sh;
}

static void rate_split(uint64_t v, struct rate_code *r)
{
	v = v < RATE_MAX ? v : RATE_MAX;
	unsigned u = 0;
	while (v >> (10 * (u + 1)))
		u++;
	unsigned sh = 10 * u;
	r->u = u;
	r->tenths = u && v < (10ull << sh);
	r->k = v;
	if (u) {
		uint64_t n = r->tenths ? v * 10 : v, k = n >> sh, rest = n & ((1ull << sh) - 1);
		uint64_t half = 1ull << (sh - 1), edge = r->tenths ? 100u : 1024u;
		k += rest > half || (rest == half && (k & 1));
		r->k = k < edge ? k : edge - 1;
	}
	r->rest = (int64_t)(v - rate_rep(r->u, r->tenths, r->k));
}

/* The shown value (the text's), or v where that would change the text. */
static uint64_t round_rate(uint64_t v)
{
	struct rate_code r;
	rate_split(v, &r);
	uint64_t rep = rate_rep(r.u, r.tenths, r.k);
	struct rate_code q;
	rate_split(rep, &q);
	return q.u == r.u && q.tenths == r.tenths && q.k == r.k && r.k + 1 < (r.tenths ? 100u : 1024u)
		       ? rep : v;
}

/* Stored as the code (u, tenths, k: 14 bits) with the rest above it: a
 * rate rounded as shown has none, so its moves take a byte or two. */
static uint64_t rate_code(uint64_t v)
{
	struct rate_code r;
	rate_split(v, &r);
	return hf_zz(r.rest) << 14 | (uint64_t)r.u << 11 | (uint64_t)r.tenths << 10 | r.k;
}

static uint64_t rate_uncode(uint64_t c)
{
	unsigned u = (unsigned)(c >> 11) & 7;
	return rate_rep(u < 5 ? u : 5, (c >> 10) & 1, c & 1023) + (uint64_t)hf_unzz(c >> 14);
}

void hf_times(const struct sw_snapshot *s, const struct sw_conn *c, uint64_t f[NF])
{
	uint64_t t = t_ms_of(s);
	const struct sw_tcpx *x = snapshot_tcpx(s, c);
	f[F_EXPIRES] = deadline_of(c->expires_ms, t);
	f[F_LAST_SENT] = x ? since_of(x->last_data_sent_ms, t) : 0;
	f[F_LAST_RECV] = x ? since_of(x->last_data_recv_ms, t) : 0;
}

static void flatten_at(const struct sw_snapshot *s, const struct sw_conn *c, bool lossy,
		       uint64_t t, uint64_t f[NF]);

void hf_flatten(const struct sw_snapshot *s, const struct sw_conn *c, bool lossy,
		uint64_t f[NF])
{
	flatten_at(s, c, lossy, t_ms_of(s), f);
}

/* The same at time t (in place, a row's old time). */
static void flatten_at(const struct sw_snapshot *s, const struct sw_conn *c, bool lossy,
		       uint64_t t, uint64_t f[NF])
{
	const struct sw_tcpx *x = snapshot_tcpx(s, c);
	static const struct sw_tcpx none;
	const struct sw_tcpx *y = x ? x : &none;
	f[F_STATE] = c->state;
	f[F_RQ] = c->rq;
	f[F_WQ] = c->wq;
	f[F_TIMER] = c->timer;
	f[F_EXPIRES] = deadline_of(c->expires_ms, t);
	f[F_RETRANS] = c->retrans;
	f[F_ACKED] = y->bytes_acked;
	f[F_RECEIVED] = y->bytes_received;
	f[F_UNACKED] = y->bytes_sent - y->bytes_acked; /* usually stays the same */
	f[F_SEGS_IN] = y->segs_in;
	f[F_SEGS_OUT] = y->segs_out;
	f[F_RTT] = lossy ? round_us(y->rtt_us) : y->rtt_us;
	f[F_RTTVAR] = lossy ? round_us(y->rttvar_us) : y->rttvar_us;
	f[F_CWND] = y->snd_cwnd;
	f[F_SSTHRESH] = y->snd_ssthresh;
	f[F_DELIVERY] = rate_code(lossy ? round_rate(y->delivery_rate) : y->delivery_rate);
	f[F_LAST_SENT] = since_of(y->last_data_sent_ms, t);
	f[F_LAST_RECV] = since_of(y->last_data_recv_ms, t);
	f[F_TRETRANS] = y->retrans;
	f[F_TOTAL_RETRANS] = y->total_retrans;
	f[F_LOST] = y->lost;
	f[F_BUSY] = y->busy_time_us / 1000; /* ms, as shown */
	f[F_RMEM] = c->rmem;
	f[F_WMEM] = c->wmem;
	f[F_SHUTDOWN] = c->shutdown;
	f[F_FLAGS] = c->flags & ~SW_CF_OWNER1; /* where owners are kept is not data */
	f[F_HAVE] = y->have;
	f[F_HAS_TCPX] = x != NULL;
	f[F_INODE] = c->inode;
	f[F_UID] = c->uid;
	f[F_FAMILY] = c->family;
	f[F_PROTO] = c->proto;
	f[F_SOTYPE] = c->sotype;
	f[F_IFINDEX] = sw_conn_ifindex(c);
	const uint8_t *la = sw_laddr(c), *ra = sw_raddr(c);
	f[F_LADDR0] = addr64(la);
	f[F_LADDR1] = addr64(la + 8);
	f[F_LPORT] = c->local.port;
	f[F_RADDR0] = addr64(ra);
	f[F_RADDR1] = addr64(ra + 8);
	f[F_RPORT] = c->remote.port;
	f[F_PEER] = sw_conn_peer(c);
}

/* Fill c (and its tcpx, added to s when the row has one) from f. */
static void unflatten(struct sw_snapshot *s, size_t ci, const uint64_t f[NF])
{
	uint64_t t = t_ms_of(s);
	struct sw_conn *c = &s->conns[ci];
	bool was_unix = c->proto == SW_PROTO_UNIX;
	c->state = f[F_STATE] < SW_ST_COUNT ? (unsigned)f[F_STATE] : SW_ST_UNKNOWN;
	c->rq = (uint32_t)f[F_RQ];
	c->wq = (uint32_t)f[F_WQ];
	c->timer = f[F_TIMER] < SW_TIMER_COUNT ? (unsigned)f[F_TIMER] : SW_TIMER_OFF;
	c->expires_ms = expires_at(f[F_EXPIRES], t);
	c->retrans = (uint8_t)f[F_RETRANS];
	c->rmem = (uint32_t)f[F_RMEM];
	c->wmem = (uint32_t)f[F_WMEM];
	c->shutdown = f[F_SHUTDOWN] & 3;
	/* (the owners' place is this record's own, not the file's) */
	c->flags = (uint8_t)((f[F_FLAGS] & ~SW_CF_OWNER1) | (c->flags & SW_CF_OWNER1));
	c->inode = (uint32_t)f[F_INODE];
	c->uid = (uint32_t)f[F_UID];
	c->family = (uint8_t)f[F_FAMILY];
	c->proto = (uint8_t)(f[F_PROTO] < SW_PROTO_COUNT ? f[F_PROTO] : SW_PROTO_TCP);
	c->sotype = (uint8_t)f[F_SOTYPE];
	/* one or the other (they share the record's room) */
	if (c->proto == SW_PROTO_UNIX)
		c->peer_inode = (uint32_t)f[F_PEER];
	else
		c->ifindex = (uint32_t)f[F_IFINDEX];
	uint8_t la[16], ra[16];
	addr_put(la, f[F_LADDR0]);
	addr_put(la + 8, f[F_LADDR1]);
	addr_put(ra, f[F_RADDR0]);
	addr_put(ra + 8, f[F_RADDR1]);
	snapshot_set_addr(s, c, false, la);
	snapshot_set_addr(s, c, true, ra);
	c->local.port = (uint16_t)f[F_LPORT];
	c->remote.port = (uint16_t)f[F_RPORT];
	/* A UNIX socket's name and another's tcp_info share the record's
	 * room (a hostile file may change a row's protocol in place). */
	if (c->proto == SW_PROTO_UNIX) {
		if (!was_unix)
			c->name_off = c->name_len = 0;
		return; /* no tcp_info, whatever the file says */
	}
	if (was_unix)
		c->tcpx = SW_NONE;
	c->name_len = 0;
	if (!f[F_HAS_TCPX]) {
		c->tcpx = SW_NONE;
		return;
	}
	/* a row changed in place keeps its tcp_info slot */
	struct sw_tcpx *x = c->tcpx < s->ntcpx ? &s->tcpx[c->tcpx] : snapshot_add_tcpx(s, ci);
	x->have = (uint16_t)f[F_HAVE];
	x->rtt_us = (uint32_t)f[F_RTT];
	x->rttvar_us = (uint32_t)f[F_RTTVAR];
	x->snd_cwnd = (uint32_t)f[F_CWND];
	x->snd_ssthresh = (uint32_t)f[F_SSTHRESH];
	x->retrans = sw_tcpx_retrans(f[F_TRETRANS]);
	x->total_retrans = (uint32_t)f[F_TOTAL_RETRANS];
	x->lost = (uint32_t)f[F_LOST];
	x->segs_in = (uint32_t)f[F_SEGS_IN];
	x->segs_out = (uint32_t)f[F_SEGS_OUT];
	x->last_data_sent_ms = since_at(f[F_LAST_SENT], t);
	x->last_data_recv_ms = since_at(f[F_LAST_RECV], t);
	x->bytes_acked = f[F_ACKED];
	x->bytes_received = f[F_RECEIVED];
	x->bytes_sent = f[F_UNACKED] + f[F_ACKED];
	x->delivery_rate = rate_uncode(f[F_DELIVERY]);
	x->busy_time_us = f[F_BUSY] * 1000;
}

void hf_strs_of(const struct sw_snapshot *s, const struct sw_conn *c, struct strs *o)
{
	bool name_ok = c->name_len && c->name_off < s->poollen &&
		       c->name_len <= s->poollen - c->name_off;
	o->name = name_ok ? (const uint8_t *)s->pool + c->name_off : NULL;
	o->name_len = name_ok ? c->name_len : 0;
	const struct sw_tcpx *x = snapshot_tcpx(s, c);
	const char *cg = x ? snapshot_cong(s, x) : "";
	o->cong = (const uint8_t *)cg;
	o->cong_len = strlen(cg);
}

void hf_put_owners(struct hf_buf *b, const struct sw_snapshot *s, const struct sw_conn *c)
{
	size_t n = 0;
	struct sw_owner ob;
	const struct sw_owner *o = &ob;
	for (uint32_t i = 0; i < c->owners_n; i++)
		if (snapshot_owner(s, c, i, &ob) && o->proc < s->nprocs)
			n++;
	hf_put_uv(b, n);
	for (uint32_t i = 0; i < c->owners_n; i++) {
		if (!snapshot_owner(s, c, i, &ob))
			break;
		if (o->proc >= s->nprocs)
			continue;
		hf_put_uv(b, hf_zz(s->procs[o->proc].pid));
		hf_put_uv(b, hf_zz(o->fd));
	}
}

/* ---- the decoder --------------------------------------------------------- */

struct pidix {
	int32_t pid;
	uint32_t idx;
};

struct hf_dec {
	struct sw_snapshot st[2];
	int cur;
	bool have;
	uint64_t seq;
	struct pidix *pids; /* the new state's processes by pid */
	size_t npids, cappids;
	uint32_t *pmap; /* the old state's processes in the new one */
	size_t cappmap;
	struct sw_conn *scratch; /* a delta applied in place: the new rows */
	size_t capscratch;
	/* the rows' time fields as recorded (F_EXPIRES, F_LAST_SENT,
	 * F_LAST_RECV), parallel to the state's rows: deltas applied in place
	 * leave the rows' own (relative) ones stale until the state is asked
	 * for (hf_dec_snapshot) */
	uint64_t (*pts)[3], (*spts)[3];
	size_t cappts, capspts;
	bool stale;
};

struct hf_dec *hf_dec_new(void)
{
	struct hf_dec *d = xcalloc(1, sizeof *d);
	snapshot_init(&d->st[0]);
	snapshot_init(&d->st[1]);
	d->st[0].detail = d->st[1].detail = false;
	return d;
}

void hf_dec_free(struct hf_dec *d)
{
	if (!d)
		return;
	snapshot_done(&d->st[0]);
	snapshot_done(&d->st[1]);
	free(d->pids);
	free(d->pmap);
	free(d->scratch);
	free(d->pts);
	free(d->spts);
	free(d);
}

void hf_dec_reset(struct hf_dec *d)
{
	d->have = false;
}

const struct sw_snapshot *hf_dec_snapshot(struct hf_dec *d)
{
	if (!d->have)
		return NULL;
	struct sw_snapshot *s = &d->st[d->cur];
	if (d->stale) { /* the time fields as of the state's time */
		uint64_t t = t_ms_of(s);
		for (size_t i = 0; i < s->nconns; i++) {
			struct sw_conn *c = &s->conns[i];
			c->expires_ms = expires_at(d->pts[i][0], t);
			if (!snapshot_tcpx(s, c))
				continue;
			s->tcpx[c->tcpx].last_data_sent_ms = since_at(d->pts[i][1], t);
			s->tcpx[c->tcpx].last_data_recv_ms = since_at(d->pts[i][2], t);
		}
		d->stale = false;
	}
	return s;
}

uint64_t hf_dec_seq(const struct hf_dec *d)
{
	return d->seq;
}

static int pid_cmp(const void *a, const void *b)
{
	const struct pidix *x = a, *y = b;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static void index_pids(struct hf_dec *d, const struct sw_snapshot *s)
{
	d->pids = xgrow(d->pids, &d->cappids, s->nprocs + 1, sizeof *d->pids);
	for (size_t i = 0; i < s->nprocs; i++)
		d->pids[i] = (struct pidix){s->procs[i].pid, (uint32_t)i};
	d->npids = s->nprocs;
	qsort(d->pids, d->npids, sizeof *d->pids, pid_cmp);
}

static uint32_t find_pid(const struct hf_dec *d, int32_t pid)
{
	struct pidix key = {pid, 0};
	if (d->npids == 0) /* bsearch() wants a base even for no elements */
		return SW_NONE;
	const struct pidix *p = bsearch(&key, d->pids, d->npids, sizeof key, pid_cmp);
	return p ? p->idx : SW_NONE;
}

static void add_owner(struct hf_dec *d, struct sw_snapshot *s, struct sw_conn *c, int32_t pid,
		      int32_t fd)
{
	uint32_t p = find_pid(d, pid);
	if (p == SW_NONE)
		return;
	snapshot_add_owner(s, c, p, fd);
}

/* Where a decoded row's strings and owners come from: the stream, or the
 * old state's row (unchanged parts of a delta). */
struct src_row {
	struct strs st;
	bool have_name, have_cong, have_owners;
	struct hf_rd owners; /* from the stream */
	const struct sw_snapshot *old;
	const struct sw_conn *oc;
};

static int emit_row(struct hf_dec *d, struct sw_snapshot *s, uint64_t cookie,
		    const uint64_t f[NF], struct src_row *r)
{
	struct sw_conn *c = snapshot_add_conn(s);
	size_t ci = s->nconns - 1;
	c->cookie = cookie;
	unflatten(s, ci, f);
	c = &s->conns[ci];
	struct strs os;
	if (r->old)
		hf_strs_of(r->old, r->oc, &os);
	const struct strs *ns = &r->st;
	const uint8_t *name = r->have_name ? ns->name : r->old ? os.name : NULL;
	size_t name_len = r->have_name ? ns->name_len : r->old ? os.name_len : 0;
	if (name_len > SW_NAME_MAX) /* a hostile file: no kernel sends one */
		name_len = SW_NAME_MAX;
	if (name_len && c->proto == SW_PROTO_UNIX) {
		c->name_off = snapshot_pool_add(s, name, name_len);
		c->name_len = (uint8_t)name_len;
	}
	const uint8_t *cg = r->have_cong ? ns->cong : r->old ? os.cong : NULL;
	size_t cg_len = r->have_cong ? ns->cong_len : r->old ? os.cong_len : 0;
	if (cg_len && snapshot_tcpx(s, c)) {
		uint32_t off = snapshot_intern(s, (const char *)cg, cg_len);
		s->tcpx[c->tcpx].cong_off = off;
	}
	if (r->have_owners) {
		uint64_t n = hf_get_uv(&r->owners);
		for (uint64_t i = 0; i < n && !r->owners.bad; i++) {
			int32_t pid = (int32_t)hf_unzz(hf_get_uv(&r->owners));
			int32_t fd = (int32_t)hf_unzz(hf_get_uv(&r->owners));
			if (!r->owners.bad)
				add_owner(d, s, &s->conns[ci], pid, fd);
		}
		return r->owners.bad ? -EBADMSG : 0;
	}
	if (r->old) {
		struct sw_owner o;
		for (uint32_t i = 0; snapshot_owner(r->old, r->oc, i, &o); i++)
			if (o.proc < r->old->nprocs)
				add_owner(d, s, &s->conns[ci], r->old->procs[o.proc].pid, o.fd);
	}
	return 0;
}

/* Full rows are written against the row before them in their list (a
 * keyframe's sockets, a delta's added ones), which is much like them:
 * a mask of what differs, the differences, and the strings that differ. */
struct ref {
	uint64_t f[NF];
	uint64_t mask; /* the row before's: a mask is written xor it */
	struct strs st;
	const uint8_t *owners; /* its owners list in the stream */
	size_t owners_len;
};

static void ref_init(struct ref *x)
{
	memset(x, 0, sizeof *x);
	static const uint8_t none[1] = {0}; /* no owners */
	x->owners = none;
	x->owners_len = 1;
}

/* The extent of an owners list at r (count, then pid/fd pairs). */
static const uint8_t *skip_owners(struct hf_rd *r, size_t *len)
{
	const uint8_t *p = r->p;
	uint64_t n = hf_get_uv(r);
	for (uint64_t i = 0; i < n && !r->bad; i++) {
		hf_get_uv(r);
		hf_get_uv(r);
	}
	*len = (size_t)(r->p - p);
	return r->bad ? NULL : p;
}

/* A full row from the stream, against x (which it then becomes). */
static int read_full(struct hf_dec *d, struct sw_snapshot *s, struct hf_rd *r, uint64_t cookie,
		     struct ref *x)
{
	uint64_t mask = hf_get_uv(r) ^ x->mask;
	x->mask = mask;
	for (int i = 0; i < NF; i++)
		if (mask & (1ull << i))
			x->f[i] += (uint64_t)hf_unzz(hf_get_uv(r));
	if (mask & (1ull << B_NAME))
		x->st.name = hf_get_str(r, &x->st.name_len);
	if (mask & (1ull << B_CONG))
		x->st.cong = hf_get_str(r, &x->st.cong_len);
	if (mask & (1ull << B_OWNERS))
		x->owners = skip_owners(r, &x->owners_len);
	if (r->bad || (mask >> (B_OWNERS + 1)))
		return -EBADMSG;
	struct src_row sr;
	memset(&sr, 0, sizeof sr);
	sr.st = x->st;
	sr.have_name = sr.have_cong = sr.have_owners = true;
	sr.owners = (struct hf_rd){x->owners, x->owners + x->owners_len, false};
	return emit_row(d, s, cookie, x->f, &sr);
}

/* A changed row's mask (against the changed row before's) and its fields'
 * moves, added to f. */
static uint64_t read_moves(struct hf_rd *r, struct hf_chctx *cx, uint64_t f[NF])
{
	uint64_t mask = hf_get_uv(r) ^ cx->mask;
	cx->mask = mask;
	for (int i = 0; i < NF; i++) {
		if (!(mask & (1ull << i)))
			continue;
		int64_t v = hf_unzz(hf_get_uv(r));
		if (i == F_EXPIRES)
			cx->expires_move = v = v + cx->expires_move;
		f[i] += (uint64_t)v;
	}
	return mask;
}

/* A changed row: mask, differences, then the strings the mask names. */
static int read_changed(struct hf_dec *d, struct sw_snapshot *s, struct hf_rd *r,
			const struct sw_snapshot *old, const struct sw_conn *oc,
			struct hf_chctx *cx)
{
	uint64_t f[NF];
	hf_flatten(old, oc, false, f);
	uint64_t mask = read_moves(r, cx, f);
	struct src_row sr;
	memset(&sr, 0, sizeof sr);
	sr.old = old;
	sr.oc = oc;
	if (mask & (1ull << B_NAME)) {
		sr.st.name = hf_get_str(r, &sr.st.name_len);
		sr.have_name = true;
	}
	if (mask & (1ull << B_CONG)) {
		sr.st.cong = hf_get_str(r, &sr.st.cong_len);
		sr.have_cong = true;
	}
	if (r->bad || (mask >> (B_OWNERS + 1)))
		return -EBADMSG;
	sr.have_owners = mask & (1ull << B_OWNERS);
	sr.owners = *r;
	int rc = emit_row(d, s, oc->cookie, f, &sr);
	if (sr.have_owners)
		*r = sr.owners;
	return rc;
}

static int read_conns(struct hf_dec *d, struct sw_snapshot *s, struct hf_rd *r)
{
	uint64_t n = hf_get_uv(r), cookie = 0;
	struct ref x;
	ref_init(&x);
	for (uint64_t i = 0; i < n && !r->bad; i++) {
		uint64_t dc = hf_get_uv(r);
		if ((i && dc == 0) || cookie + dc < cookie)
			return -EBADMSG; /* cookies strictly increase */
		cookie += dc;
		if (read_full(d, s, r, cookie, &x) < 0)
			return -EBADMSG;
	}
	return r->bad ? -EBADMSG : 0;
}

/* A list of strictly increasing cookies (delta-coded), each followed by
 * whatever its list carries. */
struct cookies {
	struct hf_rd r;
	uint64_t left, cur;
	bool first;
};

static bool cookies_next(struct cookies *c)
{
	if (!c->left)
		return false;
	uint64_t dc = hf_get_uv(&c->r);
	if (c->r.bad || (!c->first && dc == 0) || c->cur + dc < c->cur) {
		c->r.bad = true;
		return false;
	}
	c->cur += dc;
	c->first = false;
	c->left--;
	return true;
}

/* The three lists of a delta (removed cookies, changed rows, added rows,
 * each a count and a length-prefixed run) merged with the old state in
 * cookie order. */
static bool list_open(struct hf_rd *r, struct cookies *c)
{
	memset(c, 0, sizeof *c);
	c->first = true;
	c->left = hf_get_uv(r);
	size_t n;
	const uint8_t *p = hf_get_str(r, &n);
	if (!p)
		return false; /* r is bad (no NULL + 0 either) */
	c->r = (struct hf_rd){p, p + n, false};
	return true;
}

/* A row's timers counted down and idle times counted up from time to to
 * tn (what flattening it at to and unflattening it at tn would do). */
static void carry_times(struct sw_snapshot *s, struct sw_conn *c, uint64_t to, uint64_t tn)
{
	c->expires_ms = expires_at(deadline_of(c->expires_ms, to), tn);
	if (!snapshot_tcpx(s, c))
		return;
	struct sw_tcpx *x = &s->tcpx[c->tcpx];
	x->last_data_sent_ms = since_at(since_of(x->last_data_sent_ms, to), tn);
	x->last_data_recv_ms = since_at(since_of(x->last_data_recv_ms, to), tn);
}

/* An unchanged row of the old state into the new one. */
static void carry_row(struct hf_dec *d, struct sw_snapshot *s, const struct sw_snapshot *old,
		      size_t oi)
{
	size_t ni = snapshot_copy_conn(s, old, oi, d->pmap);
	carry_times(s, &s->conns[ni], t_ms_of(old), t_ms_of(s));
}

static int read_delta(struct hf_dec *d, struct sw_snapshot *s, struct hf_rd *r,
		      const struct sw_snapshot *old)
{
	struct cookies rm, ch, add;
	if (!list_open(r, &rm) || !list_open(r, &ch) || !list_open(r, &add))
		return -EBADMSG;
	bool have_rm = cookies_next(&rm), have_ch = cookies_next(&ch);
	bool have_add = cookies_next(&add);
	struct ref x;
	ref_init(&x);
	struct hf_chctx cx = {0, 0};
	size_t oi = 0;
	while (!rm.r.bad && !ch.r.bad && !add.r.bad) {
		bool have_old = oi < old->nconns;
		uint64_t oc = have_old ? old->conns[oi].cookie : UINT64_MAX;
		if (have_add && (!have_old || add.cur < oc)) {
			if (read_full(d, s, &add.r, add.cur, &x) < 0)
				return -EBADMSG;
			have_add = cookies_next(&add);
			continue;
		}
		if (!have_old)
			break;
		if ((have_add && add.cur == oc) || (have_rm && rm.cur < oc) ||
		    (have_ch && ch.cur < oc))
			return -EBADMSG; /* added twice, or naming what is not there */
		if (have_rm && rm.cur == oc) {
			have_rm = cookies_next(&rm);
		} else if (have_ch && ch.cur == oc) {
			if (read_changed(d, s, &ch.r, old, &old->conns[oi], &cx) < 0)
				return -EBADMSG;
			have_ch = cookies_next(&ch);
		} else {
			carry_row(d, s, old, oi);
		}
		oi++;
	}
	if (have_rm || have_ch || have_add || rm.r.bad || ch.r.bad || add.r.bad)
		return -EBADMSG;
	return 0;
}

static int read_procs(struct sw_snapshot *s, struct hf_rd *r)
{
	uint64_t n = hf_get_uv(r);
	for (uint64_t i = 0; i < n && !r->bad; i++) {
		struct sw_proc p;
		memset(&p, 0, sizeof p);
		p.pid = (int32_t)hf_unzz(hf_get_uv(r));
		p.uid = (uint32_t)hf_get_uv(r);
		p.starttime = hf_get_uv(r);
		size_t cl, ml;
		const uint8_t *comm = hf_get_str(r, &cl);
		const uint8_t *cmd = hf_get_str(r, &ml);
		if (r->bad)
			break;
		memcpy(p.comm, comm, cl < sizeof p.comm - 1 ? cl : sizeof p.comm - 1);
		if (ml) {
			p.cmdline_off = snapshot_pool_add(s, cmd, ml);
			p.cmdline_len = (uint32_t)ml;
		}
		snapshot_add_proc(s, &p);
	}
	return r->bad ? -EBADMSG : 0;
}

static void copy_procs(struct sw_snapshot *s, const struct sw_snapshot *old)
{
	for (size_t i = 0; i < old->nprocs; i++) {
		struct sw_proc p = old->procs[i];
		if (p.cmdline_len)
			p.cmdline_off = snapshot_pool_add(s, old->pool + p.cmdline_off, p.cmdline_len);
		snapshot_add_proc(s, &p);
	}
}

int *hf_kstat_int(struct sw_kstat *k, int i)
{
	int *v[KSTAT_NINTS] = {
		&k->port_lo, &k->port_hi, &k->tcp_tw_reuse, &k->tcp_fin_timeout,
		&k->tcp_max_tw_buckets, &k->tcp_max_syn_backlog, &k->somaxconn,
		&k->tcp_syncookies, &k->tcp_tw_recycle, &k->tcp_timestamps,
		&k->tcp_tw_reuse_delay, &k->netns_init, &k->sockstat_tw, &k->sockstat_orphan,
		&k->sockstat_inuse, &k->sockstat_mem_pages,
	};
	return v[i];
}

static void read_kstat_ints(struct sw_kstat *k, struct hf_rd *r)
{
	for (int i = 0; i < KSTAT_NINTS; i++)
		*hf_kstat_int(k, i) = (int)hf_unzz(hf_get_uv(r));
	size_t n;
	const uint8_t *rp = hf_get_str(r, &n);
	memset(k->reserved_ports, 0, sizeof k->reserved_ports);
	if (rp)
		memcpy(k->reserved_ports, rp, n < sizeof k->reserved_ports - 1 ? n
					      : sizeof k->reserved_ports - 1);
}

static void kstat_unknown(struct sw_kstat *k)
{
	for (int i = 0; i < KSTAT_NINTS; i++)
		*hf_kstat_int(k, i) = -1;
	k->reserved_ports[0] = '\0';
	k->ncounters = 0;
}

static int read_kstat(struct sw_kstat *k, struct hf_rd *r)
{
	read_kstat_ints(k, r);
	uint64_t n = hf_get_uv(r);
	if (n > SW_KSTAT_MAX_COUNTERS)
		return -EBADMSG;
	k->ncounters = 0;
	for (uint64_t i = 0; i < n && !r->bad; i++) {
		struct sw_counter *c = &k->counters[k->ncounters++];
		memset(c, 0, sizeof *c);
		size_t gl, nl;
		const uint8_t *g = hf_get_str(r, &gl);
		const uint8_t *nm = hf_get_str(r, &nl);
		c->value = hf_get_uv(r);
		if (r->bad)
			break;
		memcpy(c->group, g, gl < sizeof c->group - 1 ? gl : sizeof c->group - 1);
		memcpy(c->name, nm, nl < sizeof c->name - 1 ? nl : sizeof c->name - 1);
	}
	return r->bad ? -EBADMSG : 0;
}

static int read_kstatd(struct sw_kstat *k, struct hf_rd *r)
{
	if (hf_get_u8(r))
		read_kstat_ints(k, r);
	uint64_t n = hf_get_uv(r), idx = 0;
	for (uint64_t i = 0; i < n && !r->bad; i++) {
		idx += hf_get_uv(r);
		uint64_t dv = hf_get_uv(r);
		if (idx >= k->ncounters)
			return -EBADMSG;
		k->counters[idx].value += (uint64_t)hf_unzz(dv);
	}
	return r->bad ? -EBADMSG : 0;
}

static int read_ifnames(struct sw_snapshot *s, struct hf_rd *r)
{
	uint64_t n = hf_get_uv(r);
	for (uint64_t i = 0; i < n && !r->bad; i++) {
		uint32_t idx = (uint32_t)hf_get_uv(r);
		size_t l;
		const uint8_t *nm = hf_get_str(r, &l);
		if (r->bad)
			break;
		char name[16] = "";
		memcpy(name, nm, l < sizeof name - 1 ? l : sizeof name - 1);
		snapshot_add_ifname(s, idx, name);
	}
	return r->bad ? -EBADMSG : 0;
}

static void read_text(struct hf_rd *r, char *out, size_t cap)
{
	size_t n;
	const uint8_t *p = hf_get_str(r, &n);
	memset(out, 0, cap);
	if (p)
		memcpy(out, p, n < cap - 1 ? n : cap - 1);
}

static int read_meta(struct sw_snapshot *s, struct hf_rd *r)
{
	s->collect_ms = (double)hf_get_uv(r) / 1000.0;
	s->protos_done = (uint32_t)hf_get_uv(r);
	s->protos_missing = (uint32_t)hf_get_uv(r);
	s->notes = (uint32_t)hf_get_uv(r);
	s->procs_unreadable = (unsigned)hf_get_uv(r);
	s->have_kstat = hf_get_u8(r) != 0;
	read_text(r, s->hostname, sizeof s->hostname);
	read_text(r, s->netns, sizeof s->netns);
	return r->bad ? -EBADMSG : 0;
}

struct sections {
	struct hf_rd sec[HF_SEC_CHURN + 1];
	bool has[HF_SEC_CHURN + 1];
};

static int split(struct hf_rd *r, struct sections *x)
{
	memset(x, 0, sizeof *x);
	while (!r->bad && r->p < r->end) {
		uint64_t tag = hf_get_uv(r);
		size_t len;
		const uint8_t *p = hf_get_str(r, &len);
		if (r->bad)
			return -EBADMSG;
		if (tag > 0 && tag <= HF_SEC_CHURN) {
			x->sec[tag] = (struct hf_rd){p, p + len, false};
			x->has[tag] = true;
		}
	}
	return r->bad ? -EBADMSG : 0;
}

/* d->pmap: the old state's process i is the new state's pmap[i] (the same
 * table when the sample did not write one). */
static void map_procs(struct hf_dec *d, const struct sw_snapshot *old, bool new_table)
{
	d->pmap = xgrow(d->pmap, &d->cappmap, old->nprocs + 1, sizeof *d->pmap);
	for (size_t i = 0; i < old->nprocs; i++)
		d->pmap[i] = new_table ? find_pid(d, old->procs[i].pid) : (uint32_t)i;
}

static int decode(struct hf_dec *d, struct sw_snapshot *s, const struct sw_snapshot *old,
		  const struct hf_info *in, struct sections *x)
{
	s->real_sec = in->real_sec;
	s->mono_ns = in->mono_ns;
	if (!x->has[HF_SEC_META] || read_meta(s, &x->sec[HF_SEC_META]) < 0)
		return -EBADMSG;
	if (x->has[HF_SEC_PROCS]) {
		if (read_procs(s, &x->sec[HF_SEC_PROCS]) < 0)
			return -EBADMSG;
	} else if (old) {
		copy_procs(s, old);
	}
	index_pids(d, s);
	if (old)
		map_procs(d, old, x->has[HF_SEC_PROCS]);
	int rc;
	if (in->kind == HF_KEYFRAME)
		rc = x->has[HF_SEC_CONNS] ? read_conns(d, s, &x->sec[HF_SEC_CONNS]) : -EBADMSG;
	else
		rc = x->has[HF_SEC_DELTA] ? read_delta(d, s, &x->sec[HF_SEC_DELTA], old) : -EBADMSG;
	if (rc < 0)
		return rc;
	kstat_unknown(&s->kstat);
	if (x->has[HF_SEC_KSTAT])
		rc = read_kstat(&s->kstat, &x->sec[HF_SEC_KSTAT]);
	else if (old && old->have_kstat)
		s->kstat = old->kstat;
	if (rc == 0 && x->has[HF_SEC_KSTATD])
		rc = read_kstatd(&s->kstat, &x->sec[HF_SEC_KSTATD]);
	if (rc < 0)
		return rc;
	if (x->has[HF_SEC_IFNAMES])
		return read_ifnames(s, &x->sec[HF_SEC_IFNAMES]);
	if (old)
		snapshot_merge_ifnames(s, old);
	return 0;
}

/* ---- a delta applied in place ------------------------------------------
 * Most deltas leave the process table as it was: then the state is changed
 * where it changed (rows rewritten in their tcp_info slots, added rows
 * appended, the row array rebuilt by copying), not decoded afresh, so a
 * jump through many deltas costs what they changed.  What removed and
 * rewritten rows leave behind in the tcp_info, owner and string arrays
 * stays until the next keyframe. */

static void set_pts(uint64_t p[3], const uint64_t f[NF])
{
	p[0] = f[F_EXPIRES];
	p[1] = f[F_LAST_SENT];
	p[2] = f[F_LAST_RECV];
}

/* d->pts of a state decoded afresh (its rows' own times are current). */
static void pts_of(struct hf_dec *d, const struct sw_snapshot *s)
{
	d->pts = xgrow(d->pts, &d->cappts, s->nconns + 1, sizeof *d->pts);
	uint64_t f[NF];
	for (size_t i = 0; i < s->nconns; i++) {
		hf_times(s, &s->conns[i], f);
		set_pts(d->pts[i], f);
	}
	d->stale = false;
}

/* Changed row oi of s rewritten in place: its old values as a reader
 * flattened them at the old sample's time to. */
static int change_in_place(struct hf_dec *d, struct sw_snapshot *s, size_t oi,
			   struct hf_rd *r, struct hf_chctx *cx, uint64_t to)
{
	uint64_t f[NF];
	hf_flatten(s, &s->conns[oi], false, f);
	f[F_EXPIRES] = hf_carried(F_EXPIRES, d->pts[oi][0], to);
	f[F_LAST_SENT] = hf_carried(F_LAST_SENT, d->pts[oi][1], to);
	f[F_LAST_RECV] = hf_carried(F_LAST_RECV, d->pts[oi][2], to);
	uint64_t mask = read_moves(r, cx, f);
	struct strs st = {0};
	if (mask & (1ull << B_NAME))
		st.name = hf_get_str(r, &st.name_len);
	if (mask & (1ull << B_CONG))
		st.cong = hf_get_str(r, &st.cong_len);
	if (r->bad || (mask >> (B_OWNERS + 1)))
		return -EBADMSG;
	unflatten(s, oi, f);
	set_pts(d->pts[oi], f);
	struct sw_conn *c = &s->conns[oi];
	if ((mask & (1ull << B_NAME)) && c->proto == SW_PROTO_UNIX) {
		if (st.name_len > SW_NAME_MAX) /* a hostile file */
			st.name_len = SW_NAME_MAX;
		c->name_off = st.name_len ? snapshot_pool_add(s, st.name, st.name_len) : 0;
		c->name_len = (uint8_t)st.name_len;
	}
	if ((mask & (1ull << B_CONG)) && snapshot_tcpx(s, c)) {
		uint32_t off = st.cong_len ? snapshot_intern(s, (const char *)st.cong, st.cong_len) : 0;
		s->tcpx[s->conns[oi].tcpx].cong_off = off;
	}
	if (mask & (1ull << B_OWNERS)) {
		sw_conn_owners_clear(&s->conns[oi]);
		uint64_t n = hf_get_uv(r);
		for (uint64_t i = 0; i < n && !r->bad; i++) {
			int32_t pid = (int32_t)hf_unzz(hf_get_uv(r));
			int32_t fd = (int32_t)hf_unzz(hf_get_uv(r));
			if (!r->bad)
				add_owner(d, s, &s->conns[oi], pid, fd);
		}
	}
	return r->bad ? -EBADMSG : 0;
}

/* The first row at or after lo whose cookie is not below ck. */
static size_t lower_bound(const struct sw_snapshot *s, size_t lo, uint64_t ck)
{
	size_t hi = s->nconns;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->conns[mid].cookie < ck)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Rows [from, to) of the old array into the new one (when rebuilding). */
static void keep_rows(struct hf_dec *d, const struct sw_snapshot *s, size_t from, size_t to,
		      size_t *out)
{
	if (to <= from)
		return;
	memcpy(d->scratch + *out, s->conns + from, (to - from) * sizeof *d->scratch);
	memcpy(d->spts + *out, d->pts + from, (to - from) * sizeof *d->spts);
	*out += to - from;
}

/* The rows of a delta merged into s in place (see above), event by event:
 * rows no event names are not touched (copied in runs when rows are
 * added or removed).  to: the old sample's time (s has the new one). */
static int delta_in_place(struct hf_dec *d, struct sw_snapshot *s, struct hf_rd *r, uint64_t to)
{
	struct cookies rm, ch, add;
	if (!list_open(r, &rm) || !list_open(r, &ch) || !list_open(r, &add))
		return -EBADMSG;
	size_t n = s->nconns, oi = 0, out = 0;
	if (add.left > (size_t)(add.r.end - add.r.p))
		return -EBADMSG; /* more rows than bytes */
	bool rebuild = rm.left || add.left;
	if (rebuild) {
		d->scratch = xgrow(d->scratch, &d->capscratch, n + add.left + 1, sizeof *d->scratch);
		d->spts = xgrow(d->spts, &d->capspts, n + add.left + 1, sizeof *d->spts);
	}
	bool have_rm = cookies_next(&rm), have_ch = cookies_next(&ch);
	bool have_add = cookies_next(&add);
	struct ref x;
	ref_init(&x);
	struct hf_chctx cx = {0, 0};
	while ((have_rm || have_ch || have_add) && !rm.r.bad && !ch.r.bad && !add.r.bad) {
		uint64_t ck = have_add ? add.cur : UINT64_MAX;
		ck = have_rm && rm.cur < ck ? rm.cur : ck;
		ck = have_ch && ch.cur < ck ? ch.cur : ck;
		size_t pos = lower_bound(s, oi, ck);
		if (rebuild)
			keep_rows(d, s, oi, pos, &out);
		oi = pos;
		bool there = pos < n && s->conns[pos].cookie == ck;
		if (have_add && add.cur == ck) {
			if (there || (have_rm && rm.cur == ck) || (have_ch && ch.cur == ck) ||
			    read_full(d, s, &add.r, add.cur, &x) < 0)
				return -EBADMSG; /* added twice, or malformed */
			s->nconns--; /* appended after the rows: into the new array */
			d->scratch[out] = s->conns[n];
			set_pts(d->spts[out++], x.f);
			have_add = cookies_next(&add);
			continue;
		}
		if (!there || (have_rm && have_ch && rm.cur == ch.cur))
			return -EBADMSG; /* naming what is not there */
		if (have_rm && rm.cur == ck) {
			have_rm = cookies_next(&rm);
		} else {
			if (change_in_place(d, s, pos, &ch.r, &cx, to) < 0)
				return -EBADMSG;
			have_ch = cookies_next(&ch);
			if (rebuild)
				keep_rows(d, s, pos, pos + 1, &out);
		}
		oi = pos + 1;
	}
	if (have_rm || have_ch || have_add || rm.r.bad || ch.r.bad || add.r.bad)
		return -EBADMSG;
	if (!rebuild)
		return 0;
	keep_rows(d, s, oi, n, &out);
	struct sw_conn *t = s->conns;
	size_t cap = s->capconns;
	s->conns = d->scratch, s->capconns = d->capscratch, s->nconns = out;
	d->scratch = t, d->capscratch = cap;
	uint64_t(*p)[3] = d->pts;
	cap = d->cappts;
	d->pts = d->spts, d->cappts = d->capspts;
	d->spts = p, d->capspts = cap;
	return 0;
}

/* A delta without a process table, into d's state itself. */
static int decode_in_place(struct hf_dec *d, struct sw_snapshot *s, const struct hf_info *in,
			   struct sections *x)
{
	uint64_t to = t_ms_of(s);
	bool had_kstat = s->have_kstat;
	s->real_sec = in->real_sec;
	s->mono_ns = in->mono_ns;
	if (!x->has[HF_SEC_META] || read_meta(s, &x->sec[HF_SEC_META]) < 0 ||
	    !x->has[HF_SEC_DELTA])
		return -EBADMSG;
	index_pids(d, s);
	d->stale = true;
	if (delta_in_place(d, s, &x->sec[HF_SEC_DELTA], to) < 0)
		return -EBADMSG;
	int rc = 0;
	if (x->has[HF_SEC_KSTAT]) {
		kstat_unknown(&s->kstat);
		rc = read_kstat(&s->kstat, &x->sec[HF_SEC_KSTAT]);
	} else if (!had_kstat) {
		kstat_unknown(&s->kstat);
	}
	if (rc == 0 && x->has[HF_SEC_KSTATD])
		rc = read_kstatd(&s->kstat, &x->sec[HF_SEC_KSTATD]);
	if (rc == 0 && x->has[HF_SEC_IFNAMES]) {
		s->nifnames = 0;
		rc = read_ifnames(s, &x->sec[HF_SEC_IFNAMES]);
	}
	return rc;
}

/* The fixed start of a payload, skipped: r then points at the sections. */
static void skip_start(struct hf_rd *r, const struct hf_info *in)
{
	hf_get_u8(r);
	hf_get_uv(r);
	if (in->kind == HF_DELTA)
		hf_get_uv(r);
	hf_get_uv(r);
	hf_get_uv(r);
}

int hf_events_decode(const uint8_t *payload, size_t len, struct sw_snapshot *ev,
		     uint64_t *dropped_total)
{
	struct hf_info in;
	struct sections x;
	struct hf_rd r = {payload, payload + len, false};
	snapshot_clear(ev);
	ev->detail = false;
	if (hf_peek(payload, len, &in) < 0)
		return -EBADMSG;
	skip_start(&r, &in);
	if (split(&r, &x) < 0)
		return -EBADMSG;
	if (!x.has[HF_SEC_CHURN])
		return 0;
	ev->mono_ns = in.mono_ns;
	ev->real_sec = in.real_sec;
	struct hf_rd *c = &x.sec[HF_SEC_CHURN];
	*dropped_total = hf_get_uv(c);
	uint64_t n = hf_get_uv(c), cookie = 0;
	struct hf_dec none; /* records have no owners: no process table */
	memset(&none, 0, sizeof none);
	struct ref row;
	ref_init(&row);
	for (uint64_t i = 0; i < n && !c->bad; i++) {
		cookie += (uint64_t)hf_unzz(hf_get_uv(c));
		if (read_full(&none, ev, c, cookie, &row) < 0)
			return snapshot_clear(ev), -EBADMSG;
	}
	return c->bad ? (snapshot_clear(ev), -EBADMSG) : 1;
}

int hf_dec_apply(struct hf_dec *d, const uint8_t *payload, size_t len)
{
	struct hf_info in;
	if (hf_peek(payload, len, &in) < 0) {
		d->have = false;
		return -EBADMSG;
	}
	if (in.kind == HF_DELTA && (!d->have || in.base != d->seq))
		return -EAGAIN;
	struct hf_rd r = {payload, payload + len, false};
	skip_start(&r, &in);
	struct sections x;
	if (split(&r, &x) < 0) {
		d->have = false;
		return -EBADMSG;
	}
	if (in.kind == HF_DELTA && !x.has[HF_SEC_PROCS]) {
		if (decode_in_place(d, &d->st[d->cur], &in, &x) < 0) {
			d->have = false;
			return -EBADMSG;
		}
		d->seq = in.seq;
		return 0;
	}
	int nx = 1 - d->cur;
	struct sw_snapshot *s = &d->st[nx];
	snapshot_clear(s);
	s->detail = false;
	const struct sw_snapshot *old = in.kind == HF_DELTA ? &d->st[d->cur] : NULL;
	if (old && d->stale)
		hf_dec_snapshot(d); /* the old state's times, for carry_row */
	if (decode(d, s, old, &in, &x) < 0) {
		d->have = false;
		return -EBADMSG;
	}
	pts_of(d, s);
	d->cur = nx;
	d->have = true;
	d->seq = in.seq;
	return 0;
}

