/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nlparse.c - sock_diag replies (bytes) -> connection records.
 *
 * No I/O here: every function works on a byte buffer handed in by sockdiag.c
 * (live), collect.c (replay) or a test (recordings, mutations, random
 * bytes).  Messages are walked by libmnl's mnl_cb_run2() with our own
 * DONE/ERROR callbacks (NLMSG_DONE carries an errno: -ENOENT when the
 * kernel has no diag module for the protocol) and seq/portid checks.
 * Every length is checked before use; a malformed buffer gives -EBADMSG.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <libmnl/libmnl.h>

#include "nlparse.h"

/* The kernel's struct tcp_info as of 6.18 (uapi/linux/tcp.h), copied so that
 * fields newer than the build host's headers are still read.  Bit fields are
 * replaced by whole bytes (we decode them ourselves).  The running kernel
 * sends its own length: we copy min(len, sizeof) into a zeroed struct and a
 * field is valid iff len >= offsetof(field) + sizeof(field). */
struct ktcp_info {
	uint8_t state;
	uint8_t ca_state;
	uint8_t retransmits;
	uint8_t probes;
	uint8_t backoff;
	uint8_t options;
	uint8_t wscale;      /* snd_wscale:4 (low), rcv_wscale:4 (high) */
	uint8_t app_limited; /* delivery_rate_app_limited:1, fastopen_client_fail:2 */
	uint32_t rto;
	uint32_t ato;
	uint32_t snd_mss;
	uint32_t rcv_mss;
	uint32_t unacked;
	uint32_t sacked;
	uint32_t lost;
	uint32_t retrans;
	uint32_t fackets;
	uint32_t last_data_sent;
	uint32_t last_ack_sent;
	uint32_t last_data_recv;
	uint32_t last_ack_recv;
	uint32_t pmtu;
	uint32_t rcv_ssthresh;
	uint32_t rtt;
	uint32_t rttvar;
	uint32_t snd_ssthresh;
	uint32_t snd_cwnd;
	uint32_t advmss;
	uint32_t reordering;
	uint32_t rcv_rtt;
	uint32_t rcv_space;
	uint32_t total_retrans;
	uint64_t pacing_rate;
	uint64_t max_pacing_rate;
	uint64_t bytes_acked;
	uint64_t bytes_received;
	uint32_t segs_out;
	uint32_t segs_in;
	uint32_t notsent_bytes;
	uint32_t min_rtt;
	uint32_t data_segs_in;
	uint32_t data_segs_out;
	uint64_t delivery_rate;
	uint64_t busy_time;
	uint64_t rwnd_limited;
	uint64_t sndbuf_limited;
	uint32_t delivered;
	uint32_t delivered_ce;
	uint64_t bytes_sent;
	uint64_t bytes_retrans;
	uint32_t dsack_dups;
	uint32_t reord_seen;
	uint32_t rcv_ooopack;
	uint32_t snd_wnd;
	uint32_t rcv_wnd;
	uint32_t rehash;
	uint16_t total_rto;
	uint16_t total_rto_recoveries;
	uint32_t total_rto_time;
	uint32_t received_ce;
	uint32_t delivered_e1_bytes;
	uint32_t delivered_e0_bytes;
	uint32_t delivered_ce_bytes;
	uint32_t received_e1_bytes;
	uint32_t received_e0_bytes;
	uint32_t received_ce_bytes;
	uint16_t accecn_fail_mode;
	uint16_t accecn_opt_seen;
};

#define TI_END(f) (offsetof(struct ktcp_info, f) + sizeof(((struct ktcp_info *)0)->f))
_Static_assert(TI_END(total_retrans) == 104, "tcp_info 2.6 layout");
_Static_assert(TI_END(bytes_received) == 136, "tcp_info 4.1 layout");
_Static_assert(TI_END(delivery_rate) == 168, "tcp_info 4.9 layout");
_Static_assert(TI_END(bytes_sent) == 208, "tcp_info 4.19 layout");
_Static_assert(TI_END(snd_wnd) == 232, "tcp_info 5.4 layout");
_Static_assert(sizeof(struct ktcp_info) == 280, "tcp_info 6.18 layout");

/* have-bit -> length that proves it (declarative) */
static const struct {
	uint32_t bit;
	size_t need;
} ti_groups[] = {
	{SW_TI_BASE, TI_END(total_retrans)},
	{SW_TI_PACING, TI_END(max_pacing_rate)},
	{SW_TI_BYTES, TI_END(bytes_received)},
	{SW_TI_SEGS, TI_END(segs_in)},
	{SW_TI_MINRTT, TI_END(data_segs_out)},
	{SW_TI_DELIVERY, TI_END(delivery_rate)},
	{SW_TI_BUSY, TI_END(sndbuf_limited)},
	{SW_TI_DELIVERED, TI_END(delivered_ce)},
	{SW_TI_BYTES_SENT, TI_END(reord_seen)},
	{SW_TI_SNDWND, TI_END(snd_wnd)},
};

/* The end of the last tcp_info field fill_tcpx() reads without details. */
#define TI_READ_END TI_END(bytes_sent)
_Static_assert(TI_END(busy_time) <= TI_READ_END && TI_END(delivery_rate) <= TI_READ_END &&
		       TI_END(bytes_received) <= TI_READ_END && TI_END(segs_in) <= TI_READ_END,
	       "fill_tcpx reads past TI_READ_END");

/* The SW_TI_* groups a tcp_info of len bytes holds. */
static uint32_t ti_have(size_t len)
{
	uint32_t have = 0;
	for (size_t i = 0; i < sizeof ti_groups / sizeof ti_groups[0]; i++)
		if (len >= ti_groups[i].need)
			have |= ti_groups[i].bit;
	return have;
}

#define MAX_ATTR 32

/* a[type] is valid only where bit `type` of seen is set: a message
 * carries a handful of attributes, and zeroing 32 pointers per socket was
 * a fifth of its parse. */
struct attrs {
	uint32_t seen;
	const struct nlattr *a[MAX_ATTR];
};

static inline const struct nlattr *attr(const struct attrs *t, unsigned type)
{
	return (t->seen >> type) & 1 ? t->a[type] : NULL;
}

/* The attributes after a message's fixed header (offset bytes), by type:
 * mnl_attr_parse() with its checks done inline.  Through libmnl every
 * attribute cost five calls across the shared library (parse, the
 * callback, ok, type, next): 6% of a 100k-socket listing's own time.
 * Like mnl_attr_parse(), the walk ends at the first attribute that does
 * not fit (its length below a header or past the message). */
static void attrs_parse(const struct nlmsghdr *nlh, size_t offset, struct attrs *t)
{
	t->seen = 0;
	const uint8_t *p = (const uint8_t *)nlh + MNL_NLMSG_HDRLEN + MNL_ALIGN(offset);
	const uint8_t *end = (const uint8_t *)nlh + nlh->nlmsg_len;
	while (p < end && (size_t)(end - p) >= sizeof(struct nlattr)) {
		const struct nlattr *a = (const struct nlattr *)(const void *)p;
		if (a->nla_len < sizeof(struct nlattr) || a->nla_len > (size_t)(end - p))
			break;
		uint16_t type = a->nla_type & NLA_TYPE_MASK;
		if (type < MAX_ATTR) {
			t->a[type] = a;
			t->seen |= 1u << type;
		}
		p += MNL_ALIGN(a->nla_len);
	}
}

static inline const void *apayload(const struct nlattr *a)
{
	return (const uint8_t *)a + MNL_ATTR_HDRLEN;
}

static inline size_t alen(const struct nlattr *a)
{
	return a && a->nla_len >= MNL_ATTR_HDRLEN ? a->nla_len - MNL_ATTR_HDRLEN : 0;
}

/* Copy an attribute's payload if it is at least `need` bytes. */
static bool aget(const struct nlattr *a, void *dst, size_t need)
{
	if (!a || alen(a) < need)
		return false;
	memcpy(dst, apayload(a), need);
	return true;
}

/* The details of the socket being parsed, stored (packed) at its end when
 * the snapshot keeps details. */
struct det {
	struct sw_conn_detail d;
	struct sw_tcpd t;
	bool hd, ht;
};

static void det_store(struct sw_snapshot *s, size_t ci, const struct det *x)
{
	if (s->detail && (x->hd || x->ht))
		snapshot_set_details(s, ci, x->hd ? &x->d : NULL, x->ht ? &x->t : NULL);
}

/* Socket memory: the two values the columns show go into the record, all
 * of them into the details. */
static void put_skmem(struct sw_snapshot *s, size_t ci, const uint32_t *v, size_t n,
		      struct det *x)
{
	struct sw_conn *c = &s->conns[ci];
	c->rmem = v[SW_SKMEM_RMEM_ALLOC];
	c->wmem = v[SW_SKMEM_WMEM_QUEUED];
	c->flags |= SW_CF_HAS_SKMEM;
	memcpy(x->d.skmem, v, n * sizeof *v);
	x->hd = true;
}

static void fill_skmem(struct sw_snapshot *s, size_t ci, const struct nlattr *a,
		       struct det *x)
{
	uint32_t v[SW_SKMEM_COUNT] = {0};
	size_t n = alen(a) / sizeof(uint32_t);
	if (n == 0)
		return;
	if (n > SW_SKMEM_COUNT)
		n = SW_SKMEM_COUNT;
	memcpy(v, apayload(a), n * sizeof(uint32_t));
	put_skmem(s, ci, v, SW_SKMEM_COUNT, x);
}

static void fill_tcpd(struct sw_tcpd *d, const struct ktcp_info *ti)
{
	d->ca_state = ti->ca_state;
	d->retransmits = ti->retransmits;
	d->probes = ti->probes;
	d->backoff = ti->backoff;
	d->options = ti->options;
	d->snd_wscale = ti->wscale & 0x0f;
	d->rcv_wscale = ti->wscale >> 4;
	d->app_limited = ti->app_limited & 1;
	d->rto_us = ti->rto;
	d->ato_us = ti->ato;
	d->snd_mss = ti->snd_mss;
	d->rcv_mss = ti->rcv_mss;
	d->unacked = ti->unacked;
	d->sacked = ti->sacked;
	d->last_ack_recv_ms = ti->last_ack_recv;
	d->pmtu = ti->pmtu;
	d->rcv_ssthresh = ti->rcv_ssthresh;
	d->advmss = ti->advmss;
	d->reordering = ti->reordering;
	d->rcv_rtt_us = ti->rcv_rtt;
	d->rcv_space = ti->rcv_space;
	d->notsent_bytes = ti->notsent_bytes;
	d->min_rtt_us = ti->min_rtt;
	d->data_segs_in = ti->data_segs_in;
	d->data_segs_out = ti->data_segs_out;
	d->delivered = ti->delivered;
	d->delivered_ce = ti->delivered_ce;
	d->dsack_dups = ti->dsack_dups;
	d->reord_seen = ti->reord_seen;
	d->rcv_ooopack = ti->rcv_ooopack;
	d->snd_wnd = ti->snd_wnd;
	d->pacing_rate = ti->pacing_rate;
	d->max_pacing_rate = ti->max_pacing_rate;
	d->rwnd_limited_us = ti->rwnd_limited;
	d->sndbuf_limited_us = ti->sndbuf_limited;
	d->bytes_retrans = ti->bytes_retrans;
}

static void fill_tcpx(struct sw_snapshot *s, size_t ci, const struct nlattr *info,
		      const struct nlattr *cong, struct det *dx)
{
	struct sw_tcpx *x = snapshot_add_tcpx(s, ci);
	dx->ht = true; /* (zero without tcp_info) */
	if (info) {
		/* The fields are read where they lie in the message when it
		 * holds all of them (through memcpy: the payload is only 4-byte
		 * aligned); a copy of the 200-odd bytes per socket cost more
		 * than the rest of the reading.  A tcp_info too short for them
		 * (before 4.19), and a snapshot keeping details, take the
		 * copy. */
		struct ktcp_info ti;
		size_t len = alen(info);
		const uint8_t *src = apayload(info);
		if (len < TI_READ_END || s->detail) {
			size_t n = len < sizeof ti ? len : sizeof ti;
			memcpy(&ti, src, n);
			if (n < sizeof ti) /* an older kernel's: the rest is zero */
				memset((uint8_t *)&ti + n, 0, sizeof ti - n);
			src = (const uint8_t *)&ti;
		}
		x->have |= ti_have(len);
#define TIF(f) __extension__({ \
		__typeof__(ti.f) v_; \
		memcpy(&v_, src + offsetof(struct ktcp_info, f), sizeof v_); \
		v_; })
		x->rtt_us = TIF(rtt);
		x->rttvar_us = TIF(rttvar);
		x->snd_cwnd = TIF(snd_cwnd);
		x->snd_ssthresh = TIF(snd_ssthresh);
		x->retrans = sw_tcpx_retrans(TIF(retrans));
		x->total_retrans = TIF(total_retrans);
		x->lost = TIF(lost);
		x->segs_in = TIF(segs_in);
		x->segs_out = TIF(segs_out);
		x->last_data_sent_ms = TIF(last_data_sent);
		x->last_data_recv_ms = TIF(last_data_recv);
		x->bytes_acked = TIF(bytes_acked);
		x->bytes_received = TIF(bytes_received);
		x->bytes_sent = TIF(bytes_sent);
		x->delivery_rate = TIF(delivery_rate);
		x->busy_time_us = TIF(busy_time);
#undef TIF
		if (s->detail) /* the rest of tcp_info is kept only with details */
			fill_tcpd(&dx->t, &ti);
	}
	if (cong && alen(cong) > 0) {
		const char *name = apayload(cong);
		size_t n = strnlen(name, alen(cong));
		if (n > SW_CONG_MAX)
			n = SW_CONG_MAX;
		if (n) {
			x->cong_off = snapshot_intern(s, name, n);
			x->have |= SW_TI_CONG;
		}
	}
}

/* A destroy event names its protocol in INET_DIAG_PROTOCOL (IPPROTO_*). */
static uint8_t event_proto(const struct nlattr *a)
{
	uint8_t ipp = 0;
	(void)aget(a, &ipp, 1);
	switch (ipp) {
	case IPPROTO_TCP: return SW_PROTO_TCP;
	case IPPROTO_UDP: return SW_PROTO_UDP;
	case IPPROTO_UDPLITE: return SW_PROTO_UDPLITE;
	case IPPROTO_SCTP: return SW_PROTO_SCTP;
	case IPPROTO_RAW: return SW_PROTO_RAW;
	default: return SW_PROTO_TCP; /* the groups are TCP and UDP; MPTCP
	                                 subflows are TCP sockets */
	}
}

static int parse_inet(struct nlparse *p, const struct nlmsghdr *nlh)
{
	const struct inet_diag_msg *m;
	struct attrs t;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof *m)
		return -EBADMSG;
	m = mnl_nlmsg_get_payload(nlh);
	if (m->idiag_family != p->req.family &&
	    !((p->req.family == AF_UNSPEC || p->req.events) &&
	      (m->idiag_family == AF_INET || m->idiag_family == AF_INET6)))
		return -EBADMSG;
	attrs_parse(nlh, sizeof *m, &t);

	struct sw_snapshot *s = p->s;
	size_t ci = s->nconns;
	struct sw_conn *c = snapshot_add_conn(s);
	c->family = m->idiag_family;
	c->proto = p->req.events ? event_proto(attr(&t, INET_DIAG_PROTOCOL)) : p->req.proto;
	c->state = sw_state_of(m->idiag_state);
	/* A TCP socket reaches a dump in CLOSE only from the kernel's walk of
	 * its bind table (state bit 13): a socket that is only bound.  Name it
	 * so here, once, for filters, panels and output alike. */
	if (c->state == SW_ST_CLOSE && !p->req.events &&
	    (c->proto == SW_PROTO_TCP || c->proto == SW_PROTO_MPTCP))
		c->state = SW_ST_BOUND_INACTIVE;
	c->timer = sw_timer_of(m->idiag_timer);
	c->retrans = m->idiag_retrans;
	/* old kernels leaked wrapped (negative) jiffies differences */
	c->expires_ms = (int32_t)m->idiag_expires < 0 ? 0 : m->idiag_expires;
	c->rq = m->idiag_rqueue;
	c->wq = m->idiag_wqueue;
	c->uid = m->idiag_uid;
	c->flags |= SW_CF_HAS_UID;
	c->inode = m->idiag_inode;
	c->local.port = ntohs(m->id.idiag_sport);
	c->remote.port = ntohs(m->id.idiag_dport);
	size_t alen_ = c->family == AF_INET ? 4 : 16;
	uint8_t la[16] = {0}, ra[16] = {0};
	memcpy(la, m->id.idiag_src, alen_);
	memcpy(ra, m->id.idiag_dst, alen_);
	struct sw_atab *at = snapshot_atab(s);
	c->atab = at->id;
	c->local.ai = sw_atab_intern_side(at, la, 0);
	c->remote.ai = sw_atab_intern_side(at, ra, 1);
	c->ifindex = m->id.idiag_if;
	c->cookie = (uint64_t)m->id.idiag_cookie[0] |
		    (uint64_t)m->id.idiag_cookie[1] << 32;

	uint8_t u8;
	if (aget(attr(&t, INET_DIAG_SHUTDOWN), &u8, 1)) {
		c->shutdown = u8 & 3;
		c->flags |= SW_CF_HAS_SHUTDOWN;
	}
	if (aget(attr(&t, INET_DIAG_SKV6ONLY), &u8, 1)) {
		c->flags |= SW_CF_HAS_V6ONLY;
		if (u8)
			c->flags |= SW_CF_V6ONLY;
	}
	if (aget(attr(&t, INET_DIAG_PROTOCOL), &u8, 1) && c->proto == SW_PROTO_RAW)
		c->sotype = u8;
	/* cgroup and mark: full sockets only; the mark only when we have
	 * CAP_NET_ADMIN (the kernel sends it to root unasked).  Missing: 0,
	 * as ss (so "fwmark 0" matches TIME-WAIT sockets there too). */
	uint64_t cgroup_id = 0;
	uint32_t mark = 0;
	bool has_cg = aget(attr(&t, INET_DIAG_CGROUP_ID), &cgroup_id, sizeof cgroup_id);
	bool has_mark = aget(attr(&t, INET_DIAG_MARK), &mark, sizeof mark);
	/* the details are read only by a snapshot that keeps them */
	struct det x;
	if (s->detail)
		memset(&x, 0, sizeof x);
	else
		x.hd = x.ht = false;
	if (has_cg || has_mark) {
		x.d.cgroup_id = cgroup_id;
		x.d.mark = mark;
		x.hd = true;
	}
	if (attr(&t, INET_DIAG_SKMEMINFO)) {
		fill_skmem(s, ci, attr(&t, INET_DIAG_SKMEMINFO), &x);
	} else {
		struct inet_diag_meminfo mi;
		if (aget(attr(&t, INET_DIAG_MEMINFO), &mi, sizeof mi)) {
			uint32_t v[SW_SKMEM_COUNT] = {0};
			v[SW_SKMEM_RMEM_ALLOC] = mi.idiag_rmem;
			v[SW_SKMEM_WMEM_ALLOC] = mi.idiag_wmem;
			v[SW_SKMEM_FWD_ALLOC] = mi.idiag_fmem;
			v[SW_SKMEM_WMEM_QUEUED] = mi.idiag_tmem;
			put_skmem(s, ci, v, SW_SKMEM_COUNT, &x);
		}
	}
	/* INFO is struct tcp_info only for TCP (MPTCP sends mptcp_info) */
	if (c->proto == SW_PROTO_TCP &&
	    (attr(&t, INET_DIAG_INFO) || attr(&t, INET_DIAG_CONG)))
		fill_tcpx(s, ci, attr(&t, INET_DIAG_INFO), attr(&t, INET_DIAG_CONG), &x);
	det_store(s, ci, &x);
	return 0;
}

static int parse_unix(struct nlparse *p, const struct nlmsghdr *nlh)
{
	const struct unix_diag_msg *m;
	struct attrs t;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof *m)
		return -EBADMSG;
	m = mnl_nlmsg_get_payload(nlh);
	if (m->udiag_family != AF_UNIX)
		return -EBADMSG;
	attrs_parse(nlh, sizeof *m, &t);

	struct sw_snapshot *s = p->s;
	const struct nlattr *name = attr(&t, UNIX_DIAG_NAME);
	uint32_t name_off = 0;
	uint8_t name_len = 0;
	if (name && alen(name) > 0) {
		const char *n = apayload(name);
		size_t len = alen(name);
		if (n[0] != '\0') /* path: the kernel includes the NUL */
			len = strnlen(n, len);
		if (len > SW_NAME_MAX)
			len = SW_NAME_MAX; /* never from a kernel (sun_path is 108) */
		if (len > 0) {
			name_off = snapshot_pool_add(s, n, len);
			name_len = (uint8_t)len;
		}
	}
	struct sw_conn *c = snapshot_add_conn(s);
	c->family = AF_UNIX;
	c->proto = SW_PROTO_UNIX;
	c->sotype = m->udiag_type;
	c->state = sw_state_of(m->udiag_state);
	c->inode = m->udiag_ino;
	c->cookie = (uint64_t)m->udiag_cookie[0] |
		    (uint64_t)m->udiag_cookie[1] << 32;
	c->name_off = name_off;
	c->name_len = name_len;

	uint32_t u32;
	uint8_t u8;
	if (aget(attr(&t, UNIX_DIAG_PEER), &u32, sizeof u32)) {
		c->peer_inode = u32;
		c->flags |= SW_CF_HAS_PEER;
	}
	struct unix_diag_rqlen rql;
	if (aget(attr(&t, UNIX_DIAG_RQLEN), &rql, sizeof rql)) {
		c->rq = rql.udiag_rqueue;
		c->wq = rql.udiag_wqueue;
	}
	if (aget(attr(&t, UNIX_DIAG_UID), &u32, sizeof u32)) {
		c->uid = u32;
		c->flags |= SW_CF_HAS_UID;
	}
	if (aget(attr(&t, UNIX_DIAG_SHUTDOWN), &u8, 1)) {
		c->shutdown = u8 & 3;
		c->flags |= SW_CF_HAS_SHUTDOWN;
	}
	if (attr(&t, UNIX_DIAG_MEMINFO)) {
		struct det x;
		memset(&x, 0, sizeof x);
		fill_skmem(s, s->nconns - 1, attr(&t, UNIX_DIAG_MEMINFO), &x);
		det_store(s, s->nconns - 1, &x);
	}
	return 0;
}

static void note_end(struct nlparse *p, const struct nlmsghdr *nlh)
{
	p->end = (const uint8_t *)nlh + MNL_ALIGN(nlh->nlmsg_len);
}

static int fail(struct nlparse *p, int err)
{
	if (!p->status)
		p->status = err;
	p->done = true;
	return MNL_CB_ERROR;
}

static int handle_data(struct nlparse *p, const struct nlmsghdr *nlh)
{
	note_end(p, nlh);
	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY &&
	    !(p->req.family == AF_UNSPEC && nlh->nlmsg_type == TCPDIAG_GETSOCK))
		return fail(p, -EBADMSG);
	if (p->status) /* draining an interrupted dump */
		return MNL_CB_OK;
	int r = p->req.family == AF_UNIX ? parse_unix(p, nlh) : parse_inet(p, nlh);
	if (r < 0)
		return fail(p, r);
	p->nmsgs++;
	return MNL_CB_OK;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	return handle_data(data, nlh);
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlparse *p = data;
	int err;
	note_end(p, nlh);
	/* NLMSG_DONE carries an int: 0 or -errno (older kernels: nothing) */
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof err) {
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof err);
		if (err < -4095)
			return fail(p, -EBADMSG);
		if (err < 0 && !p->status)
			p->status = err;
	}
	p->done = p->ended = true;
	return MNL_CB_STOP;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlparse *p = data;
	struct nlmsgerr e;
	note_end(p, nlh);
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof e)
		return fail(p, -EBADMSG);
	memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof e);
	if (e.error > 0 || e.error < -4095)
		return fail(p, -EBADMSG);
	if (e.error < 0 && !p->status)
		p->status = e.error;
	p->done = p->ended = true;
	return MNL_CB_STOP;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	note_end(data, nlh);
	return MNL_CB_OK;
}

static const mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[0] = noop_cb,
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
	[NLMSG_OVERRUN] = noop_cb,
	[5] = noop_cb, [6] = noop_cb, [7] = noop_cb, [8] = noop_cb,
	[9] = noop_cb, [10] = noop_cb, [11] = noop_cb, [12] = noop_cb,
	[13] = noop_cb, [14] = noop_cb, [15] = noop_cb,
};

void nlparse_begin(struct nlparse *p, const struct nlparse_req *req,
		   struct sw_snapshot *s)
{
	memset(p, 0, sizeof *p);
	p->req = *req;
	p->s = s;
	p->mark_conns = s->nconns;
	p->mark_tcpx = s->ntcpx;
	p->mark_dpack = s->dpacklen;
	p->mark_pool = s->poollen;
}

void nlparse_rollback(struct nlparse *p)
{
	p->s->nconns = p->mark_conns;
	p->s->ntcpx = p->mark_tcpx;
	p->s->dpacklen = p->mark_dpack;
	p->s->poollen = p->mark_pool;
	while (p->s->nintern && p->s->intern[p->s->nintern - 1] >= p->mark_pool)
		p->s->nintern--; /* interned strings past the mark are gone */
	p->nmsgs = 0;
}

static int finish(struct nlparse *p)
{
	return p->done ? p->status : NLPARSE_MORE;
}

/* Length of the prefix of buf made of whole, sane messages.  libmnl 1.0.4
 * compares nlmsg_len as an int (a length >= 2^31 passes its check and its
 * aligned size wraps to 0) and lets attribute walks run to the aligned end
 * of a message, so every header is checked here before libmnl sees it. */
static size_t sane_prefix(const uint8_t *buf, size_t len)
{
	size_t off = 0;
	while (len - off >= sizeof(struct nlmsghdr)) {
		uint32_t ml;
		memcpy(&ml, buf + off, sizeof ml);
		if (ml < sizeof(struct nlmsghdr) || ml > len - off ||
		    MNL_ALIGN((size_t)ml) > len - off)
			break;
		off += MNL_ALIGN((size_t)ml);
	}
	return off;
}

int nlparse_feed(struct nlparse *p, const void *buf, size_t len)
{
	const uint8_t *pos = buf, *end;

	if (p->done)
		return p->status;
	/* netlink messages are 4-byte aligned; so must the buffer be */
	if (((uintptr_t)buf & 3) != 0) {
		fail(p, -EINVAL);
		return finish(p);
	}
	size_t good = sane_prefix(buf, len);
	end = pos + good;
	while (pos < end && !p->done) {
		p->end = pos;
		errno = 0;
		int r = mnl_cb_run2(pos, (size_t)(end - pos), p->req.seq,
				    p->req.portid, data_cb, p, (mnl_cb_t *)ctl_cbs,
				    NLMSG_MIN_TYPE);
		if (r >= 0) {
			/* OK: the whole chunk was walked; STOP: DONE/ERROR */
			if (r == MNL_CB_OK && p->end < end)
				fail(p, -EBADMSG); /* trailing partial message */
			break;
		}
		if (p->done) /* a callback failed and said why */
			break;
		if (errno == EINTR) {
			/* NLM_F_DUMP_INTR on the message at p->end: the kernel
			 * resumed the dump under churn (duplicates/skips). */
			const struct nlmsghdr *nlh = (const void *)p->end;
			p->intr = true;
			if (!p->req.accept_intr && !p->status)
				p->status = -EINTR; /* drain the rest, then report */
			if (nlh->nlmsg_type >= NLMSG_MIN_TYPE)
				r = handle_data(p, nlh);
			else
				r = ctl_cbs[nlh->nlmsg_type](nlh, p);
			if (r <= MNL_CB_STOP)
				break;
			pos = p->end;
			continue;
		}
		fail(p, errno == ESRCH || errno == EPROTO ? -errno : -EBADMSG);
		break;
	}
	if (!p->done && good < len)
		fail(p, -EBADMSG); /* a broken or partial message */
	return finish(p);
}

struct ackstate {
	int status;
	bool done;
	const uint8_t *end;
};

static int ack_data_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int ack_err_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ackstate *a = data;
	struct nlmsgerr e;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof e) {
		a->status = -EBADMSG;
	} else {
		memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof e);
		a->status = (e.error > 0 || e.error < -4095) ? -EBADMSG : e.error;
	}
	a->done = true;
	return MNL_CB_STOP;
}

int nlparse_ack(const void *buf, size_t len, uint32_t seq, uint32_t portid)
{
	struct ackstate a = {0, false, NULL};
	mnl_cb_t cbs[NLMSG_MIN_TYPE] = {0};
	cbs[NLMSG_ERROR] = ack_err_cb;
	cbs[NLMSG_DONE] = ack_err_cb;
	if (((uintptr_t)buf & 3) != 0)
		return -EINVAL;
	size_t good = sane_prefix(buf, len);
	int r = mnl_cb_run2(buf, good, seq, portid, ack_data_cb, &a, cbs,
			    NLMSG_MIN_TYPE);
	if (a.done)
		return a.status;
	if (r < 0)
		return errno == ESRCH || errno == EPROTO ? -errno : -EBADMSG;
	return good < len ? -EBADMSG : NLPARSE_MORE;
}

int nlparse_events(const void *buf, size_t len, struct sw_snapshot *s, size_t *n)
{
	struct nlparse_req req = {.family = AF_INET, .accept_intr = true, .events = true};
	struct nlparse p;
	*n = 0;
	if (((uintptr_t)buf & 3) != 0)
		return -EINVAL;
	nlparse_begin(&p, &req, s);
	int r = nlparse_feed(&p, buf, len);
	*n = p.nmsgs;
	/* events are never answers: an error or DONE message among them
	 * (whatever errno it carries) is a malformed stream */
	return r == NLPARSE_MORE || r == NLPARSE_DONE ? 0 : -EBADMSG;
}
