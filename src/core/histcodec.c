/* SPDX-License-Identifier: GPL-2.0-or-later */
/* histcodec.c - snapshots to history samples and back (see histfile.h).
 *
 * A socket is a row of NF numbers (flatten()) plus three byte strings
 * (UNIX name, congestion name, owners as pid/fd pairs).  A keyframe writes
 * every row; a delta the rows added, the cookies removed and, for a row
 * that changed, a mask and the differences.  The encoder keeps what the
 * decoder will hold by decoding its own output (a mirror), so the two can
 * never drift apart, slack or not.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "histfile.h"
#include "histfile_priv.h"
#include "util.h"

/* Row fields, the ones that change most often first (a small mask). */
enum {
	F_STATE, F_RQ, F_WQ, F_TIMER, F_EXPIRES, F_RETRANS, F_ACKED, F_RECEIVED, F_SENT,
	F_SEGS_IN, F_SEGS_OUT, F_RTT, F_RTTVAR, F_CWND, F_SSTHRESH, F_DELIVERY, F_LAST_SENT,
	F_LAST_RECV, F_TRETRANS, F_TOTAL_RETRANS, F_LOST, F_BUSY, F_RMEM, F_WMEM, F_SHUTDOWN,
	F_FLAGS, F_HAVE, F_HAS_TCPX, F_INODE, F_UID, F_FAMILY, F_PROTO, F_SOTYPE, F_IFINDEX,
	F_LADDR0, F_LADDR1, F_LPORT, F_RADDR0, F_RADDR1, F_RPORT, F_PEER,
	NF
};
#define B_NAME NF       /* mask bits of the byte strings */
#define B_CONG (NF + 1)
#define B_OWNERS (NF + 2)

static bool slack_field(int f)
{
	return f == F_EXPIRES || f == F_LAST_SENT || f == F_LAST_RECV;
}

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

static void flatten(const struct sw_snapshot *s, const struct sw_conn *c, uint64_t f[NF])
{
	uint64_t t = t_ms_of(s);
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
	f[F_SENT] = y->bytes_sent;
	f[F_SEGS_IN] = y->segs_in;
	f[F_SEGS_OUT] = y->segs_out;
	f[F_RTT] = y->rtt_us;
	f[F_RTTVAR] = y->rttvar_us;
	f[F_CWND] = y->snd_cwnd;
	f[F_SSTHRESH] = y->snd_ssthresh;
	f[F_DELIVERY] = y->delivery_rate;
	f[F_LAST_SENT] = since_of(y->last_data_sent_ms, t);
	f[F_LAST_RECV] = since_of(y->last_data_recv_ms, t);
	f[F_TRETRANS] = y->retrans;
	f[F_TOTAL_RETRANS] = y->total_retrans;
	f[F_LOST] = y->lost;
	f[F_BUSY] = y->busy_time_us;
	f[F_RMEM] = c->rmem;
	f[F_WMEM] = c->wmem;
	f[F_SHUTDOWN] = c->shutdown;
	f[F_FLAGS] = c->flags;
	f[F_HAVE] = y->have;
	f[F_HAS_TCPX] = x != NULL;
	f[F_INODE] = c->inode;
	f[F_UID] = c->uid;
	f[F_FAMILY] = c->family;
	f[F_PROTO] = c->proto;
	f[F_SOTYPE] = c->sotype;
	f[F_IFINDEX] = c->ifindex;
	f[F_LADDR0] = addr64(c->local.addr);
	f[F_LADDR1] = addr64(c->local.addr + 8);
	f[F_LPORT] = c->local.port;
	f[F_RADDR0] = addr64(c->remote.addr);
	f[F_RADDR1] = addr64(c->remote.addr + 8);
	f[F_RPORT] = c->remote.port;
	f[F_PEER] = c->peer_inode;
}

/* Fill c (and its tcpx, added to s when the row has one) from f. */
static void unflatten(struct sw_snapshot *s, size_t ci, const uint64_t f[NF])
{
	uint64_t t = t_ms_of(s);
	struct sw_conn *c = &s->conns[ci];
	c->state = (uint8_t)f[F_STATE];
	c->rq = (uint32_t)f[F_RQ];
	c->wq = (uint32_t)f[F_WQ];
	c->timer = (uint8_t)f[F_TIMER];
	c->expires_ms = expires_at(f[F_EXPIRES], t);
	c->retrans = (uint8_t)f[F_RETRANS];
	c->rmem = (uint32_t)f[F_RMEM];
	c->wmem = (uint32_t)f[F_WMEM];
	c->shutdown = (uint8_t)f[F_SHUTDOWN];
	c->flags = (uint8_t)f[F_FLAGS];
	c->inode = (uint32_t)f[F_INODE];
	c->uid = (uint32_t)f[F_UID];
	c->family = (uint8_t)f[F_FAMILY];
	c->proto = (uint8_t)(f[F_PROTO] < SW_PROTO_COUNT ? f[F_PROTO] : SW_PROTO_TCP);
	c->sotype = (uint8_t)f[F_SOTYPE];
	c->ifindex = (uint32_t)f[F_IFINDEX];
	addr_put(c->local.addr, f[F_LADDR0]);
	addr_put(c->local.addr + 8, f[F_LADDR1]);
	c->local.port = (uint16_t)f[F_LPORT];
	addr_put(c->remote.addr, f[F_RADDR0]);
	addr_put(c->remote.addr + 8, f[F_RADDR1]);
	c->remote.port = (uint16_t)f[F_RPORT];
	c->peer_inode = (uint32_t)f[F_PEER];
	if (!f[F_HAS_TCPX])
		return;
	struct sw_tcpx *x = snapshot_add_tcpx(s, ci);
	x->have = (uint32_t)f[F_HAVE];
	x->rtt_us = (uint32_t)f[F_RTT];
	x->rttvar_us = (uint32_t)f[F_RTTVAR];
	x->snd_cwnd = (uint32_t)f[F_CWND];
	x->snd_ssthresh = (uint32_t)f[F_SSTHRESH];
	x->retrans = (uint32_t)f[F_TRETRANS];
	x->total_retrans = (uint32_t)f[F_TOTAL_RETRANS];
	x->lost = (uint32_t)f[F_LOST];
	x->segs_in = (uint32_t)f[F_SEGS_IN];
	x->segs_out = (uint32_t)f[F_SEGS_OUT];
	x->last_data_sent_ms = since_at(f[F_LAST_SENT], t);
	x->last_data_recv_ms = since_at(f[F_LAST_RECV], t);
	x->bytes_acked = f[F_ACKED];
	x->bytes_received = f[F_RECEIVED];
	x->bytes_sent = f[F_SENT];
	x->delivery_rate = f[F_DELIVERY];
	x->busy_time_us = f[F_BUSY];
}

/* The row's byte strings. */
struct strs {
	const uint8_t *name;
	size_t name_len;
	const uint8_t *cong;
	size_t cong_len;
};

static void strs_of(const struct sw_snapshot *s, const struct sw_conn *c, struct strs *o)
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

static void put_owners(struct hf_buf *b, const struct sw_snapshot *s, const struct sw_conn *c)
{
	size_t n = 0;
	for (uint32_t i = 0; i < c->owners_n; i++)
		if (c->owners_off + i < s->nowners && s->owners[c->owners_off + i].proc < s->nprocs)
			n++;
	hf_put_uv(b, n);
	for (uint32_t i = 0; i < c->owners_n; i++) {
		if (c->owners_off + i >= s->nowners)
			break;
		const struct sw_owner *o = &s->owners[c->owners_off + i];
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
	free(d);
}

void hf_dec_reset(struct hf_dec *d)
{
	d->have = false;
}

const struct sw_snapshot *hf_dec_snapshot(const struct hf_dec *d)
{
	return d->have ? &d->st[d->cur] : NULL;
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
	const struct pidix *p = bsearch(&key, d->pids, d->npids, sizeof key, pid_cmp);
	return p ? p->idx : SW_NONE;
}

static void add_owner(struct hf_dec *d, struct sw_snapshot *s, struct sw_conn *c, int32_t pid,
		      int32_t fd)
{
	uint32_t p = find_pid(d, pid);
	if (p == SW_NONE)
		return;
	if (c->owners_n == 0)
		c->owners_off = (uint32_t)s->nowners;
	snapshot_add_owner(s, p, fd);
	c->owners_n++;
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
		strs_of(r->old, r->oc, &os);
	const struct strs *ns = &r->st;
	const uint8_t *name = r->have_name ? ns->name : r->old ? os.name : NULL;
	size_t name_len = r->have_name ? ns->name_len : r->old ? os.name_len : 0;
	if (name_len) {
		c->name_off = snapshot_pool_add(s, name, name_len);
		c->name_len = (uint32_t)name_len;
	}
	const uint8_t *cg = r->have_cong ? ns->cong : r->old ? os.cong : NULL;
	size_t cg_len = r->have_cong ? ns->cong_len : r->old ? os.cong_len : 0;
	if (cg_len && c->tcpx != SW_NONE) {
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
		for (uint32_t i = 0; i < r->oc->owners_n; i++) {
			const struct sw_owner *o = &r->old->owners[r->oc->owners_off + i];
			add_owner(d, s, &s->conns[ci], r->old->procs[o->proc].pid, o->fd);
		}
	}
	return 0;
}

/* Full rows are written against the row before them in their list (a
 * keyframe's sockets, a delta's added ones), which is much like them:
 * a mask of what differs, the differences, and the strings that differ. */
struct ref {
	uint64_t f[NF];
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
	uint64_t mask = hf_get_uv(r);
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

/* A changed row: mask, differences, then the strings the mask names. */
static int read_changed(struct hf_dec *d, struct sw_snapshot *s, struct hf_rd *r,
			const struct sw_snapshot *old, const struct sw_conn *oc)
{
	uint64_t f[NF];
	flatten(old, oc, f);
	uint64_t mask = hf_get_uv(r);
	for (int i = 0; i < NF; i++)
		if (mask & (1ull << i))
			f[i] += (uint64_t)hf_unzz(hf_get_uv(r));
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
			if (read_changed(d, s, &ch.r, old, &old->conns[oi]) < 0)
				return -EBADMSG;
			have_ch = cookies_next(&ch);
		} else {
			struct src_row sr;
			memset(&sr, 0, sizeof sr);
			sr.old = old;
			sr.oc = &old->conns[oi];
			uint64_t f[NF];
			flatten(old, sr.oc, f);
			emit_row(d, s, oc, f, &sr);
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

#define KSTAT_NINTS 16
static int *kstat_int(struct sw_kstat *k, int i)
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
		*kstat_int(k, i) = (int)hf_unzz(hf_get_uv(r));
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
		*kstat_int(k, i) = -1;
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
	/* skip the fixed start again */
	hf_get_u8(&r);
	hf_get_uv(&r);
	if (in.kind == HF_DELTA)
		hf_get_uv(&r);
	hf_get_uv(&r);
	hf_get_uv(&r);
	struct sections x;
	int nx = 1 - d->cur;
	struct sw_snapshot *s = &d->st[nx];
	snapshot_clear(s);
	s->detail = false;
	const struct sw_snapshot *old = in.kind == HF_DELTA ? &d->st[d->cur] : NULL;
	if (split(&r, &x) < 0 || decode(d, s, old, &in, &x) < 0) {
		d->have = false;
		return -EBADMSG;
	}
	d->cur = nx;
	d->have = true;
	d->seq = in.seq;
	return 0;
}

/* ---- the encoder --------------------------------------------------------- */

/* The encoder's side of struct ref: the row before, its strings in the
 * snapshot, its owners list as written. */
struct wref {
	uint64_t f[NF];
	struct strs st;
	struct hf_buf owners;
};

struct hf_enc {
	struct hf_dec *mirror;
	unsigned keyframe, since_key;
	size_t key_bytes, since_key_bytes; /* the last keyframe's size, the deltas' since */
	uint32_t slack_ms;
	bool restart;
	uint64_t seq;
	uint32_t *order;
	size_t caporder;
	struct hf_buf pay, sec, rm, add, ch, tmp, tmp2;
	struct hf_buf procs_last, ifn_last;
	struct wref ref; /* the full row written before */
};

struct hf_enc *hf_enc_new(unsigned keyframe, uint32_t slack_ms)
{
	struct hf_enc *e = xcalloc(1, sizeof *e);
	e->mirror = hf_dec_new();
	e->keyframe = keyframe ? keyframe : 1;
	e->slack_ms = slack_ms;
	e->restart = true;
	return e;
}

void hf_enc_free(struct hf_enc *e)
{
	if (!e)
		return;
	hf_dec_free(e->mirror);
	free(e->order);
	struct hf_buf *b[] = {&e->pay, &e->sec, &e->rm, &e->add, &e->ch, &e->tmp, &e->tmp2,
			      &e->procs_last, &e->ifn_last, &e->ref.owners};
	for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
		hf_buf_done(b[i]);
	free(e);
}

void hf_enc_set_seq(struct hf_enc *e, uint64_t seq)
{
	e->seq = seq;
}

void hf_enc_restart(struct hf_enc *e)
{
	e->restart = true;
}

static const struct sw_snapshot *sort_snap; /* qsort has no context argument */

static int cookie_cmp(const void *a, const void *b)
{
	uint64_t x = sort_snap->conns[*(const uint32_t *)a].cookie;
	uint64_t y = sort_snap->conns[*(const uint32_t *)b].cookie;
	return x < y ? -1 : x > y;
}

/* The rows of s in cookie order, duplicates dropped: *n of them. */
static const uint32_t *cookie_order(struct hf_enc *e, const struct sw_snapshot *s, size_t *n)
{
	e->order = xgrow(e->order, &e->caporder, s->nconns + 1, sizeof *e->order);
	for (size_t i = 0; i < s->nconns; i++)
		e->order[i] = (uint32_t)i;
	sort_snap = s;
	qsort(e->order, s->nconns, sizeof *e->order, cookie_cmp);
	size_t out = 0;
	for (size_t i = 0; i < s->nconns; i++)
		if (!out || s->conns[e->order[i]].cookie != s->conns[e->order[out - 1]].cookie)
			e->order[out++] = e->order[i];
	*n = out;
	return e->order;
}

static void section(struct hf_buf *pay, unsigned tag, const struct hf_buf *b)
{
	hf_put_uv(pay, tag);
	hf_put_str(pay, b->p, b->len);
}

static void wref_reset(struct wref *x)
{
	memset(x->f, 0, sizeof x->f);
	memset(&x->st, 0, sizeof x->st);
	x->owners.len = 0;
	hf_put_uv(&x->owners, 0);
}

static bool same_bytes(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	return an == bn && (!an || memcmp(a, b, an) == 0);
}

static void put_full(struct hf_enc *e, struct hf_buf *b, const struct sw_snapshot *s,
		     const struct sw_conn *c, struct wref *x)
{
	uint64_t f[NF], mask = 0;
	flatten(s, c, f);
	for (int i = 0; i < NF; i++)
		if (f[i] != x->f[i])
			mask |= 1ull << i;
	struct strs st;
	strs_of(s, c, &st);
	if (!same_bytes(st.name, st.name_len, x->st.name, x->st.name_len))
		mask |= 1ull << B_NAME;
	if (!same_bytes(st.cong, st.cong_len, x->st.cong, x->st.cong_len))
		mask |= 1ull << B_CONG;
	e->tmp.len = 0;
	put_owners(&e->tmp, s, c);
	if (!same_bytes(e->tmp.p, e->tmp.len, x->owners.p, x->owners.len))
		mask |= 1ull << B_OWNERS;
	hf_put_uv(b, mask);
	for (int i = 0; i < NF; i++)
		if (mask & (1ull << i))
			hf_put_uv(b, hf_zz((int64_t)(f[i] - x->f[i])));
	if (mask & (1ull << B_NAME))
		hf_put_str(b, st.name, st.name_len);
	if (mask & (1ull << B_CONG))
		hf_put_str(b, st.cong, st.cong_len);
	if (mask & (1ull << B_OWNERS)) {
		hf_put(b, e->tmp.p, e->tmp.len);
		x->owners.len = 0;
		hf_put(&x->owners, e->tmp.p, e->tmp.len);
	}
	memcpy(x->f, f, sizeof f);
	x->st = st;
}

/* The same processes and descriptors (what put_owners would write). */
static bool same_owners(const struct sw_snapshot *s, const struct sw_conn *c,
			const struct sw_snapshot *o, const struct sw_conn *oc)
{
	if (c->owners_n != oc->owners_n)
		return false;
	for (uint32_t i = 0; i < c->owners_n; i++) {
		if (c->owners_off + i >= s->nowners || oc->owners_off + i >= o->nowners)
			return false;
		const struct sw_owner *a = &s->owners[c->owners_off + i];
		const struct sw_owner *b = &o->owners[oc->owners_off + i];
		if (a->fd != b->fd || a->proc >= s->nprocs || b->proc >= o->nprocs ||
		    s->procs[a->proc].pid != o->procs[b->proc].pid)
			return false;
	}
	return true;
}

/* A changed row's mask and differences; false when nothing changed. */
static bool put_changed(struct hf_enc *e, struct hf_buf *b, const struct sw_snapshot *s,
			const struct sw_conn *c, const struct sw_snapshot *o,
			const struct sw_conn *oc)
{
	uint64_t f[NF], g[NF], mask = 0;
	flatten(s, c, f);
	flatten(o, oc, g);
	for (int i = 0; i < NF; i++) {
		if (slack_field(i) && (f[i] & 1) && (g[i] & 1)) {
			uint64_t a = f[i] >> 1, z = g[i] >> 1;
			if ((a > z ? a - z : z - a) <= e->slack_ms)
				f[i] = g[i];
		}
		if (f[i] != g[i])
			mask |= 1ull << i;
	}
	struct strs x, y;
	strs_of(s, c, &x);
	strs_of(o, oc, &y);
	if (x.name_len != y.name_len || (x.name_len && memcmp(x.name, y.name, x.name_len)))
		mask |= 1ull << B_NAME;
	if (x.cong_len != y.cong_len || memcmp(x.cong, y.cong, x.cong_len))
		mask |= 1ull << B_CONG;
	if (!same_owners(s, c, o, oc))
		mask |= 1ull << B_OWNERS;
	if (!mask)
		return false;
	hf_put_uv(b, mask);
	for (int i = 0; i < NF; i++)
		if (mask & (1ull << i))
			hf_put_uv(b, hf_zz((int64_t)(f[i] - g[i])));
	if (mask & (1ull << B_NAME))
		hf_put_str(b, x.name, x.name_len);
	if (mask & (1ull << B_CONG))
		hf_put_str(b, x.cong, x.cong_len);
	if (mask & (1ull << B_OWNERS))
		put_owners(b, s, c);
	return true;
}

static void enc_conns(struct hf_enc *e, const struct sw_snapshot *s, const uint32_t *ord,
		      size_t n)
{
	e->sec.len = 0;
	hf_put_uv(&e->sec, n);
	uint64_t prev = 0;
	wref_reset(&e->ref);
	for (size_t i = 0; i < n; i++) {
		const struct sw_conn *c = &s->conns[ord[i]];
		hf_put_uv(&e->sec, c->cookie - prev);
		prev = c->cookie;
		put_full(e, &e->sec, s, c, &e->ref);
	}
	section(&e->pay, HF_SEC_CONNS, &e->sec);
}

static void enc_delta(struct hf_enc *e, const struct sw_snapshot *s, const uint32_t *ord,
		      size_t n, const struct sw_snapshot *o)
{
	e->rm.len = e->add.len = e->ch.len = 0;
	uint64_t nrm = 0, nadd = 0, nch = 0, prm = 0, padd = 0, pch = 0;
	size_t i = 0, j = 0;
	wref_reset(&e->ref);
	while (i < n || j < o->nconns) {
		const struct sw_conn *c = i < n ? &s->conns[ord[i]] : NULL;
		const struct sw_conn *oc = j < o->nconns ? &o->conns[j] : NULL;
		if (c && (!oc || c->cookie < oc->cookie)) {
			hf_put_uv(&e->add, c->cookie - padd);
			padd = c->cookie;
			put_full(e, &e->add, s, c, &e->ref);
			nadd++, i++;
		} else if (!oc) {
			break; /* unreachable: one of the two is there */
		} else if (!c || oc->cookie < c->cookie) {
			hf_put_uv(&e->rm, oc->cookie - prm);
			prm = oc->cookie;
			nrm++, j++;
		} else {
			size_t mark = e->ch.len;
			hf_put_uv(&e->ch, c->cookie - pch);
			if (put_changed(e, &e->ch, s, c, o, oc)) {
				pch = c->cookie;
				nch++;
			} else {
				e->ch.len = mark;
			}
			i++, j++;
		}
	}
	e->sec.len = 0;
	hf_put_uv(&e->sec, nrm);
	hf_put_str(&e->sec, e->rm.p, e->rm.len);
	hf_put_uv(&e->sec, nch);
	hf_put_str(&e->sec, e->ch.p, e->ch.len);
	hf_put_uv(&e->sec, nadd);
	hf_put_str(&e->sec, e->add.p, e->add.len);
	section(&e->pay, HF_SEC_DELTA, &e->sec);
}

static void put_kstat_ints(struct hf_buf *b, const struct sw_kstat *k)
{
	for (int i = 0; i < KSTAT_NINTS; i++)
		hf_put_uv(b, hf_zz(*kstat_int((struct sw_kstat *)k, i)));
	hf_put_str(b, k->reserved_ports, strnlen(k->reserved_ports, sizeof k->reserved_ports));
}

static bool same_names(const struct sw_kstat *a, const struct sw_kstat *b)
{
	if (a->ncounters != b->ncounters)
		return false;
	for (size_t i = 0; i < a->ncounters; i++)
		if (strcmp(a->counters[i].name, b->counters[i].name) ||
		    strcmp(a->counters[i].group, b->counters[i].group))
			return false;
	return true;
}

static void enc_kstat(struct hf_enc *e, const struct sw_kstat *k, const struct sw_kstat *o)
{
	e->sec.len = 0;
	size_t nc = k->ncounters < SW_KSTAT_MAX_COUNTERS ? k->ncounters : SW_KSTAT_MAX_COUNTERS;
	if (o && same_names(k, o)) {
		e->tmp.len = e->tmp2.len = 0;
		put_kstat_ints(&e->tmp, k);
		put_kstat_ints(&e->tmp2, o);
		bool ints = e->tmp.len != e->tmp2.len || memcmp(e->tmp.p, e->tmp2.p, e->tmp.len);
		hf_put_u8(&e->sec, ints);
		if (ints)
			hf_put(&e->sec, e->tmp.p, e->tmp.len);
		size_t n = 0, last = 0;
		for (size_t i = 0; i < nc; i++)
			n += k->counters[i].value != o->counters[i].value;
		hf_put_uv(&e->sec, n);
		for (size_t i = 0; i < nc; i++) {
			if (k->counters[i].value == o->counters[i].value)
				continue;
			hf_put_uv(&e->sec, i - last);
			last = i;
			hf_put_uv(&e->sec, hf_zz((int64_t)(k->counters[i].value - o->counters[i].value)));
		}
		if (ints || n)
			section(&e->pay, HF_SEC_KSTATD, &e->sec);
		return;
	}
	put_kstat_ints(&e->sec, k);
	hf_put_uv(&e->sec, nc);
	for (size_t i = 0; i < nc; i++) {
		const struct sw_counter *c = &k->counters[i];
		hf_put_str(&e->sec, c->group, strnlen(c->group, sizeof c->group));
		hf_put_str(&e->sec, c->name, strnlen(c->name, sizeof c->name));
		hf_put_uv(&e->sec, c->value);
	}
	section(&e->pay, HF_SEC_KSTAT, &e->sec);
}

/* A table section (processes, interface names): written in a keyframe,
 * and in a delta when it differs from the last one written. */
static void enc_table(struct hf_enc *e, unsigned tag, struct hf_buf *last, bool key)
{
	if (!key && e->sec.len == last->len && !memcmp(e->sec.p, last->p, last->len))
		return;
	section(&e->pay, tag, &e->sec);
	last->len = 0;
	hf_put(last, e->sec.p, e->sec.len);
}

static void enc_procs(struct hf_enc *e, const struct sw_snapshot *s, bool key)
{
	e->sec.len = 0;
	hf_put_uv(&e->sec, s->nprocs);
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct sw_proc *p = &s->procs[i];
		hf_put_uv(&e->sec, hf_zz(p->pid));
		hf_put_uv(&e->sec, p->uid);
		hf_put_uv(&e->sec, p->starttime);
		hf_put_str(&e->sec, p->comm, strnlen(p->comm, sizeof p->comm));
		bool ok = p->cmdline_len && p->cmdline_off < s->poollen &&
			  p->cmdline_len <= s->poollen - p->cmdline_off;
		hf_put_str(&e->sec, ok ? s->pool + p->cmdline_off : "", ok ? p->cmdline_len : 0);
	}
	enc_table(e, HF_SEC_PROCS, &e->procs_last, key);
}

static void enc_ifnames(struct hf_enc *e, const struct sw_snapshot *s, bool key)
{
	e->sec.len = 0;
	hf_put_uv(&e->sec, s->nifnames);
	for (size_t i = 0; i < s->nifnames; i++) {
		hf_put_uv(&e->sec, s->ifnames[i].index);
		hf_put_str(&e->sec, s->ifnames[i].name,
			   strnlen(s->ifnames[i].name, sizeof s->ifnames[i].name));
	}
	enc_table(e, HF_SEC_IFNAMES, &e->ifn_last, key);
}

static void enc_meta(struct hf_enc *e, const struct sw_snapshot *s)
{
	e->sec.len = 0;
	hf_put_uv(&e->sec, s->collect_ms > 0 ? (uint64_t)(s->collect_ms * 1000.0) : 0);
	hf_put_uv(&e->sec, s->protos_done);
	hf_put_uv(&e->sec, s->protos_missing);
	hf_put_uv(&e->sec, s->notes);
	hf_put_uv(&e->sec, s->procs_unreadable);
	hf_put_u8(&e->sec, s->have_kstat);
	hf_put_str(&e->sec, s->hostname, strnlen(s->hostname, sizeof s->hostname));
	hf_put_str(&e->sec, s->netns, strnlen(s->netns, sizeof s->netns));
	section(&e->pay, HF_SEC_META, &e->sec);
}

void hf_enc_sample(struct hf_enc *e, const struct sw_snapshot *s, struct hf_buf *out, bool *key)
{
	const struct sw_snapshot *o = hf_dec_snapshot(e->mirror);
	/* a keyframe every so many samples, or sooner when the deltas since
	 * the last one add up to more than four keyframes: then jumping to a
	 * time never decodes more than that after the keyframe before it */
	bool k = e->restart || !o || e->since_key + 1 >= e->keyframe ||
		 e->since_key_bytes > 4 * e->key_bytes;
	e->since_key = k ? 0 : e->since_key + 1;
	e->restart = false;
	size_t n;
	const uint32_t *ord = cookie_order(e, s, &n);
	struct hf_buf *p = &e->pay;
	p->len = 0;
	hf_put_u8(p, k ? HF_KEYFRAME : HF_DELTA);
	hf_put_uv(p, ++e->seq);
	if (!k)
		hf_put_uv(p, hf_dec_seq(e->mirror));
	hf_put_uv(p, hf_zz(s->real_sec));
	hf_put_uv(p, s->mono_ns);
	enc_meta(e, s);
	enc_procs(e, s, k);
	if (k)
		enc_conns(e, s, ord, n);
	else
		enc_delta(e, s, ord, n, o);
	if (s->have_kstat)
		enc_kstat(e, &s->kstat, !k && o->have_kstat ? &o->kstat : NULL);
	enc_ifnames(e, s, k);
	hf_put(out, "SWSF", 4);
	hf_put_le32(out, (uint32_t)p->len);
	hf_put_le32(out, hf_crc32(0, p->p, p->len));
	hf_put(out, p->p, p->len);
	if (hf_dec_apply(e->mirror, p->p, p->len) != 0)
		abort(); /* the encoder and decoder disagree: a bug */
	if (k)
		e->key_bytes = p->len, e->since_key_bytes = 0;
	else
		e->since_key_bytes += p->len;
	*key = k;
}
