/* SPDX-License-Identifier: GPL-2.0-or-later */
/* churn.c - closed connections between samples: records, owners, rates
 * (see churn.h).
 *
 * The records live in a struct sw_snapshot (so the filter, the columns and
 * the views treat a closed connection like any row), appended in the order
 * they arrive and rebuilt into the other of two buffers when the oldest
 * leave the window.  Per record a struct sw_closed and a row state.
 *
 * Interval counts: closed = destroy events of connected sockets (TCP with
 * a peer; every UDP socket) received between two samples, plus the events
 * the kernel says it dropped; opened = closed + the change in live ones
 * (conservation: a socket opened in the interval is either alive at its
 * end or closed in it).  TCP counts full sockets: a SYN_RECV request or a
 * TIME_WAIT remain is not one (the full socket's destroy event comes when
 * it enters TIME_WAIT).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "churn.h"
#include "i18n.h"
#include "util.h"

#define DEFAULT_WINDOW_NS (10ull * 1000000000ull)
#define DEFAULT_ROWS_WINDOW_NS (3ull * 1000000000ull)
#define DEST_TTL_NS (60ull * 1000000000ull)
#define DEST_RELEARN_NS (20ull * 1000000000ull)
#define DEST_SLOTS 8192              /* destinations remembered (power of 2) */
#define LIFE_SANE_MS (30u * 86400u * 1000u) /* beyond: a stamp never set */
#define MAX_RECORDS (1u << 20)       /* a window never holds more */

/* A program, as attribution names it. */
struct who {
	struct sw_proc p;
	uint32_t uid;
	bool have_uid;
};

/* A listening port (TCP LISTEN, or a bound unconnected UDP socket) and
 * the program behind it. */
struct lsn {
	uint32_t key; /* stream/dgram << 16 | port, + 1 (0 empty) */
	bool have;
	struct who w;
};

/* A destination and the one program seen connected to it. */
struct dest {
	bool used, ambiguous;
	uint8_t cls;
	uint8_t addr[16];
	uint16_t port;
	uint64_t seen_ns;
	struct who w;
};

struct sw_churn {
	struct sw_snapshot rec[2];
	struct sw_closed *meta[2];
	size_t capmeta[2];
	int ri;
	struct sw_rowstat *rs;
	size_t caprs;
	uint32_t *pmap;
	size_t cappmap;
	uint64_t window_ns;      /* records kept and counted in groups */
	uint64_t rows_window_ns; /* records listed as closed rows */
	size_t first;            /* records before it are out of the window,
	                            not yet dropped (a compaction is O(n)) */
	size_t first_row;        /* the first record listed as a row */
	struct sw_snapshot rows; /* the listed records: a view into rec[ri] */
	uint64_t seq;

	/* cookies of the records (dedupe of sample-made records) */
	uint64_t *ck;
	size_t nck, capck; /* slots: power of 2, load <= 1/2 */

	/* attribution, learned from each sample */
	struct lsn *lsn;
	size_t nlsn, caplsn;    /* slots: power of 2 */
	uint64_t lbits[2][65536 / 64]; /* listening ports: stream, dgram */
	struct dest *dst;       /* DEST_SLOTS */
	size_t ndst;
	uint64_t dst_learned_ns; /* the last pass over every socket */
	uint32_t *lidx;         /* scratch: unconnected sockets of a sample */
	size_t caplidx;

	/* interval counts */
	uint64_t cl[SW_CHURN_NPROTO];
	uint64_t live_prev[SW_CHURN_NPROTO];
	bool have_prev;
	uint64_t prev_ns;
	uint64_t dropped_seen;
	bool have_dropped;
	uint64_t first_ns;
	struct sw_churn_rates rates;
};

/* ---- small helpers ---------------------------------------------------------- */

static int cls_of(unsigned proto)
{
	if (proto == SW_PROTO_TCP || proto == SW_PROTO_MPTCP)
		return 0;
	if (proto == SW_PROTO_UDP || proto == SW_PROTO_UDPLITE)
		return 1;
	return -1;
}

static int churn_proto(unsigned proto)
{
	int k = cls_of(proto);
	return k == 0 ? SW_CHURN_TCP : k == 1 ? SW_CHURN_UDP : -1;
}

static bool is_lport(const struct sw_churn *ch, int cls, uint16_t port)
{
	return cls >= 0 && (ch->lbits[cls][port / 64] >> (port % 64)) & 1;
}

/* A connection for the counts: TCP with a peer and a full socket alive
 * (not a request, not a TIME_WAIT remain, not a listener); any UDP. */
static bool counted_live(const struct sw_conn *c)
{
	int k = cls_of(c->proto);
	if (k == 1)
		return true;
	if (k != 0 || c->remote.port == 0)
		return false;
	return c->state != SW_ST_LISTEN && c->state != SW_ST_TIME_WAIT &&
	       c->state != SW_ST_SYN_RECV && c->state != SW_ST_NEW_SYN_RECV;
}

static bool counted_closed(const struct sw_conn *c)
{
	int k = cls_of(c->proto);
	return k == 1 || (k == 0 && c->remote.port != 0);
}

/* The address as a key: v4-mapped folded into IPv4. */
static int fold_addr(int family, const uint8_t in[16], uint8_t out[16])
{
	memset(out, 0, 16);
	if (family == AF_INET6 && sw_addr_is_v4mapped(in)) {
		memcpy(out, in + 12, 4);
		return AF_INET;
	}
	memcpy(out, in, family == AF_INET ? 4 : 16);
	return family;
}

static bool who_of_row(const struct sw_snapshot *s, const struct sw_conn *c, struct who *w)
{
	const struct sw_proc *p = snapshot_owner_proc(s, c, 0);
	memset(w, 0, sizeof *w);
	if (!p)
		return false;
	w->p = *p;
	w->p.cmdline_off = 0;
	w->p.cmdline_len = 0;
	w->uid = (c->flags & SW_CF_HAS_UID) ? c->uid : p->uid;
	w->have_uid = true;
	return true;
}

/* ---- life ------------------------------------------------------------------- */

bool churn_life_ms(const struct sw_snapshot *s, const struct sw_conn *c,
		   uint64_t first_seen_ns, uint64_t now_ns, uint32_t *life_ms)
{
	uint64_t life = 0;
	bool known = false;
	const struct sw_tcpx *t = snapshot_tcpx(s, c);
	if (t && (t->have & SW_TI_BASE) && (t->segs_in > 1 || t->bytes_received || t->bytes_acked)) {
		/* both stamps are set when the connection is established; a
		 * socket that never was (a refused connect) has neither */
		uint32_t a = t->last_data_sent_ms, b = t->last_data_recv_ms;
		if (a < LIFE_SANE_MS) {
			life = a;
			known = true;
		}
		if (b < LIFE_SANE_MS && b > life) {
			life = b;
			known = true;
		}
	}
	if (first_seen_ns && now_ns >= first_seen_ns) {
		uint64_t seen = (now_ns - first_seen_ns) / 1000000u;
		if (!known || seen > life)
			life = seen;
		known = true;
	}
	*life_ms = life > UINT32_MAX ? UINT32_MAX : (uint32_t)life;
	return known;
}

/* ---- new / free ------------------------------------------------------------- */

struct sw_churn *churn_new(void)
{
	struct sw_churn *ch = xcalloc(1, sizeof *ch);
	snapshot_init(&ch->rec[0]);
	snapshot_init(&ch->rec[1]);
	ch->rec[0].detail = ch->rec[1].detail = false;
	ch->window_ns = DEFAULT_WINDOW_NS;
	ch->rows_window_ns = DEFAULT_ROWS_WINDOW_NS;
	ch->dst = xcalloc(DEST_SLOTS, sizeof *ch->dst);
	return ch;
}

void churn_free(struct sw_churn *ch)
{
	if (!ch)
		return;
	for (int i = 0; i < 2; i++) {
		snapshot_done(&ch->rec[i]);
		free(ch->meta[i]);
	}
	free(ch->rs);
	free(ch->pmap);
	free(ch->ck);
	free(ch->lsn);
	free(ch->lidx);
	free(ch->dst);
	free(ch);
}

void churn_reset(struct sw_churn *ch)
{
	struct sw_churn *n = churn_new(), t = *ch;
	n->window_ns = ch->window_ns;
	n->rows_window_ns = ch->rows_window_ns;
	n->seq = ch->seq;
	*ch = *n;
	*n = t;
	churn_free(n);
}

/* Seconds (0 to a day) as ns. */
static uint64_t window_ns(double seconds)
{
	if (!(seconds > 0))
		return 0;
	return (uint64_t)((seconds > 86400 ? 86400 : seconds) * 1e9);
}

void churn_set_window(struct sw_churn *ch, double seconds)
{
	ch->window_ns = window_ns(seconds);
}

double churn_window(const struct sw_churn *ch)
{
	return (double)ch->window_ns / 1e9;
}

double churn_rows_window(const struct sw_churn *ch)
{
	return (double)ch->rows_window_ns / 1e9;
}

void churn_set_rows_window(struct sw_churn *ch, double seconds)
{
	ch->rows_window_ns = window_ns(seconds);
	if (ch->rows_window_ns > ch->window_ns)
		ch->window_ns = ch->rows_window_ns;
}

/* ---- cookie set --------------------------------------------------------------- */

static void ck_insert(struct sw_churn *ch, uint64_t cookie);

static void ck_rebuild(struct sw_churn *ch, size_t want)
{
	size_t cap = 64;
	while (cap < want * 2)
		cap *= 2;
	if (cap != ch->capck) {
		free(ch->ck);
		ch->ck = xcalloc(cap, sizeof *ch->ck);
		ch->capck = cap;
	} else {
		memset(ch->ck, 0, cap * sizeof *ch->ck);
	}
	ch->nck = 0;
	const struct sw_snapshot *r = &ch->rec[ch->ri];
	for (size_t i = 0; i < r->nconns; i++)
		ck_insert(ch, r->conns[i].cookie);
}

static void ck_insert(struct sw_churn *ch, uint64_t cookie)
{
	if (!cookie)
		return;
	if ((ch->nck + 1) * 2 > ch->capck) {
		ck_rebuild(ch, ch->nck + 1);
		/* ck_rebuild inserted every record, maybe this one too */
	}
	size_t mask = ch->capck - 1, h = sw_hash64(cookie) & mask;
	while (ch->ck[h] && ch->ck[h] != cookie)
		h = (h + 1) & mask;
	if (!ch->ck[h]) {
		ch->ck[h] = cookie;
		ch->nck++;
	}
}

static bool ck_has(const struct sw_churn *ch, uint64_t cookie)
{
	if (!ch->capck || !cookie)
		return false;
	size_t mask = ch->capck - 1, h = sw_hash64(cookie) & mask;
	while (ch->ck[h]) {
		if (ch->ck[h] == cookie)
			return true;
		h = (h + 1) & mask;
	}
	return false;
}

/* ---- attribution tables --------------------------------------------------------- */

static size_t lsn_home(const struct sw_churn *ch, uint32_t key)
{
	return (size_t)sw_hash64(key) & (ch->caplsn - 1);
}

static const struct lsn *lsn_find(const struct sw_churn *ch, int cls, uint16_t port)
{
	if (!ch->caplsn || !is_lport(ch, cls, port))
		return NULL;
	uint32_t key = ((uint32_t)cls << 16 | port) + 1;
	for (size_t h = lsn_home(ch, key); ch->lsn[h].key; h = (h + 1) & (ch->caplsn - 1))
		if (ch->lsn[h].key == key)
			return &ch->lsn[h];
	return NULL;
}

static void lsn_put(struct sw_churn *ch, int cls, const struct sw_snapshot *s,
		    const struct sw_conn *c)
{
	uint16_t port = c->local.port;
	uint32_t key = ((uint32_t)cls << 16 | port) + 1;
	ch->lbits[cls][port / 64] |= 1ull << (port % 64);
	size_t h = lsn_home(ch, key);
	while (ch->lsn[h].key && ch->lsn[h].key != key)
		h = (h + 1) & (ch->caplsn - 1);
	struct lsn *l = &ch->lsn[h];
	if (!l->key) {
		l->key = key;
		ch->nlsn++;
	}
	if (!l->have)
		l->have = who_of_row(s, c, &l->w);
}

/* Listening ports of the sample, with their programs: lidx[0..n) are the
 * indices of its unconnected sockets (a listener is one of them). */
static void learn_listeners(struct sw_churn *ch, const struct sw_snapshot *s,
			    const uint32_t *lidx, size_t n)
{
	size_t cap = 16;
	while (cap < n * 2 + 2)
		cap *= 2;
	ch->lsn = xgrow(ch->lsn, &ch->caplsn, cap, sizeof *ch->lsn);
	ch->caplsn = cap; /* xgrow may give more; the hash uses exactly cap */
	memset(ch->lsn, 0, cap * sizeof *ch->lsn);
	memset(ch->lbits, 0, sizeof ch->lbits);
	ch->nlsn = 0;
	for (size_t j = 0; j < n; j++) {
		const struct sw_conn *c = &s->conns[lidx[j]];
		int k = cls_of(c->proto);
		if (k == 0 ? c->state == SW_ST_LISTEN : c->state == SW_ST_CLOSE)
			lsn_put(ch, k, s, c);
	}
}

static size_t dest_slot(const struct sw_churn *ch, int cls, const uint8_t a[16], uint16_t port)
{
	uint64_t h = sw_hash64(((uint64_t)cls << 32 | port) ^ 0x9e3779b97f4a7c15ull);
	for (int i = 0; i < 16; i += 8) {
		uint64_t w;
		memcpy(&w, a + i, 8);
		h = sw_hash64(h ^ w);
	}
	size_t mask = DEST_SLOTS - 1, s = (size_t)h & mask;
	while (ch->dst[s].used &&
	       !(ch->dst[s].cls == cls && ch->dst[s].port == port && !memcmp(ch->dst[s].addr, a, 16)))
		s = (s + 1) & mask;
	return s;
}

/* Forget destinations not seen for DEST_TTL_NS (rehashing the rest). */
static void dest_expire(struct sw_churn *ch, uint64_t now)
{
	if (ch->ndst < DEST_SLOTS / 4)
		return;
	struct dest *old = ch->dst;
	ch->dst = xcalloc(DEST_SLOTS, sizeof *ch->dst);
	ch->ndst = 0;
	for (size_t i = 0; i < DEST_SLOTS; i++) {
		if (!old[i].used || now - old[i].seen_ns > DEST_TTL_NS)
			continue;
		size_t s = dest_slot(ch, old[i].cls, old[i].addr, old[i].port);
		ch->dst[s] = old[i];
		ch->ndst++;
	}
	free(old);
}

/* Client ends of the sample: who connects where.  Only the sockets new
 * in this sample, and every socket every DEST_RELEARN_NS (a destination
 * is remembered for DEST_TTL_NS): an idle machine pays nothing per
 * refresh for its long-lived connections. */
static void learn_dests(struct sw_churn *ch, const struct sw_snapshot *s,
			const struct sw_rowstat *st, uint64_t now)
{
	dest_expire(ch, now);
	bool all = !ch->dst_learned_ns || now - ch->dst_learned_ns >= DEST_RELEARN_NS;
	if (all)
		ch->dst_learned_ns = now;
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!all && !(st[i].flags & SW_ROW_NEW))
			continue;
		int k = cls_of(c->proto);
		if (k < 0 || c->remote.port == 0 || !c->owners_n || is_lport(ch, k, c->local.port))
			continue;
		uint8_t a[16];
		fold_addr(c->family, sw_raddr(c), a);
		size_t sl = dest_slot(ch, k, a, c->remote.port);
		struct dest *d = &ch->dst[sl];
		struct who w;
		if (!who_of_row(s, c, &w))
			continue;
		if (!d->used) {
			if (ch->ndst >= DEST_SLOTS / 2)
				continue; /* full: the oldest go at the next expiry */
			*d = (struct dest){.used = true, .cls = (uint8_t)k, .port = c->remote.port};
			memcpy(d->addr, a, 16);
			d->w = w;
			ch->ndst++;
		} else if (now - d->seen_ns > DEST_TTL_NS) {
			d->w = w;
			d->ambiguous = false;
		} else if (strcmp(d->w.p.comm, w.p.comm) != 0) {
			d->ambiguous = true;
		} else {
			d->w = w; /* the same program, its latest process */
		}
		d->seen_ns = now;
	}
}

static const struct who *dest_find(const struct sw_churn *ch, const struct sw_conn *c,
				   uint64_t now)
{
	int k = cls_of(c->proto);
	if (k < 0 || c->remote.port == 0)
		return NULL;
	uint8_t a[16];
	fold_addr(c->family, sw_raddr(c), a);
	const struct dest *d = &ch->dst[dest_slot(ch, k, a, c->remote.port)];
	if (!d->used || d->ambiguous || now - d->seen_ns > DEST_TTL_NS)
		return NULL;
	return &d->w;
}

/* ---- records ------------------------------------------------------------------ */

static void pmap_reset(struct sw_churn *ch, size_t nprocs)
{
	ch->pmap = xgrow(ch->pmap, &ch->cappmap, nprocs + 1, sizeof *ch->pmap);
	for (size_t p = 0; p < nprocs; p++)
		ch->pmap[p] = SW_NONE;
}

static struct sw_closed *meta_add(struct sw_churn *ch, size_t i)
{
	ch->meta[ch->ri] = xgrow(ch->meta[ch->ri], &ch->capmeta[ch->ri], i + 1, sizeof(struct sw_closed));
	struct sw_closed *m = &ch->meta[ch->ri][i];
	memset(m, 0, sizeof *m);
	m->seq = ++ch->seq;
	return m;
}

static void own_add(struct sw_snapshot *r, size_t i, const struct who *w)
{
	struct sw_proc p = w->p;
	size_t pi = snapshot_add_proc(r, &p);
	sw_conn_owners_clear(&r->conns[i]);
	snapshot_add_owner(r, &r->conns[i], (uint32_t)pi, -1);
	if (w->have_uid && !(r->conns[i].flags & SW_CF_HAS_UID)) {
		r->conns[i].uid = w->uid;
		r->conns[i].flags |= SW_CF_HAS_UID;
	}
}

/* A record its own socket could not name: the listener of its local
 * port, or the one program seen going to its destination. */
static void attribute_peer(struct sw_churn *ch, size_t i, struct sw_closed *mt, uint64_t now)
{
	struct sw_snapshot *r = &ch->rec[ch->ri];
	const struct sw_conn *c = &r->conns[i];
	int k = cls_of(c->proto);
	if (mt->how != SW_HOW_NONE)
		return;
	if (mt->server) {
		const struct lsn *l = lsn_find(ch, k, c->local.port);
		if (l && l->have) {
			own_add(r, i, &l->w);
			mt->how = SW_HOW_LISTENER;
		}
		return;
	}
	const struct who *w = dest_find(ch, c, now);
	if (w) {
		own_add(r, i, w);
		mt->how = SW_HOW_DEST;
	}
}

/* Records of the interval that closed before a sample showed their
 * listener (a service started since the last sample) or their
 * destination's client: try again with what the new sample taught. */
static void reattribute(struct sw_churn *ch, uint64_t since, uint64_t now)
{
	struct sw_snapshot *r = &ch->rec[ch->ri];
	struct sw_closed *mt = ch->meta[ch->ri];
	for (size_t i = r->nconns; i-- > 0 && mt[i].closed_ns >= since;) {
		const struct sw_conn *c = &r->conns[i];
		int k = cls_of(c->proto);
		if (mt[i].how != SW_HOW_NONE || k < 0 || c->remote.port == 0)
			continue;
		if (!mt[i].server && is_lport(ch, k, c->local.port))
			mt[i].server = 1;
		attribute_peer(ch, i, &mt[i], now);
	}
}

/* Attribute record i (copied from an event) and fill its meta. */
static void attribute(struct sw_churn *ch, size_t i, struct sw_closed *mt,
		      const struct sw_model *m, uint64_t now)
{
	struct sw_snapshot *r = &ch->rec[ch->ri];
	struct sw_conn *c = &r->conns[i];
	int k = cls_of(c->proto);
	struct sw_row row;
	uint64_t first = 0;
	mt->server = k >= 0 && c->remote.port != 0 && is_lport(ch, k, c->local.port);
	if (m && model_find_live(m, c, &row)) {
		/* seen in the last sample: its own owners, uid, inode */
		first = sw_rowstat_first_seen(row.st, row.snap->mono_ns);
		mt->last_state = row.conn->state;
		c->state = row.conn->state;
		c->inode = row.conn->inode;
		if (row.conn->flags & SW_CF_HAS_UID) {
			c->uid = row.conn->uid;
			c->flags |= SW_CF_HAS_UID;
		}
		if (row.conn->owners_n) {
			/* its processes, each copied (a record has one or a few) */
			sw_conn_owners_clear(c);
			for (uint32_t o = 0; o < row.conn->owners_n; o++) {
				struct sw_owner owb;
				const struct sw_owner *ow = &owb;
				if (!snapshot_owner(row.snap, row.conn, o, &owb) ||
				    ow->proc >= row.snap->nprocs)
					continue;
				struct sw_proc p = row.snap->procs[ow->proc];
				p.cmdline_off = p.cmdline_len = 0;
				size_t pi = snapshot_add_proc(r, &p);
				snapshot_add_owner(r, &r->conns[i], (uint32_t)pi, ow->fd);
			}
			mt->how = SW_HOW_SOCKET;
		}
	}
	attribute_peer(ch, i, mt, now);
	uint32_t life;
	mt->life_known = churn_life_ms(r, &r->conns[i], first, now, &life);
	mt->life_ms = life;
}

/* The listed rows after records were appended: the same rows (the new
 * ones wait for the next sample's row states), at the arrays' new place. */
static void rows_refresh(struct sw_churn *ch)
{
	size_t n = ch->rows.nconns;
	const struct sw_snapshot *r = &ch->rec[ch->ri];
	ch->rows = *r;
	ch->rows.conns = r->conns + ch->first_row;
	ch->rows.nconns = n;
}

size_t churn_add_events(struct sw_churn *ch, const struct sw_snapshot *ev, size_t from,
			const struct sw_model *m, uint64_t now_ns, int64_t now_real_ms)
{
	struct sw_snapshot *r = &ch->rec[ch->ri];
	size_t added = 0;
	if (!ch->first_ns)
		ch->first_ns = now_ns;
	for (size_t i = from; i < ev->nconns; i++) {
		const struct sw_conn *e = &ev->conns[i];
		int cp = churn_proto(e->proto);
		if (cp < 0)
			continue;
		if (ck_has(ch, e->cookie)) {
			/* a record made from sample deltas, whose event was only
			 * late: already counted */
			continue;
		}
		if (r->nconns >= MAX_RECORDS)
			break;
		struct sw_conn ec = *e;
		sw_conn_owners_clear(&ec);
		ec.name_len = 0;
		size_t ni = r->nconns;
		struct sw_conn *c = snapshot_add_conn(r);
		*c = ec;
		snapshot_rehome(r, c);
		c->tcpx = SW_NONE;
		const struct sw_tcpx *t = snapshot_tcpx(ev, e);
		if (t) {
			struct sw_tcpx *nt = snapshot_add_tcpx(r, ni);
			*nt = *t;
			nt->cong_off = 0;
		}
		struct sw_closed *mt = meta_add(ch, ni);
		mt->closed_ns = now_ns;
		mt->closed_real_ms = now_real_ms;
		mt->src = SW_CHURN_EVENT;
		attribute(ch, ni, mt, m, now_ns);
		ck_insert(ch, e->cookie);
		if (counted_closed(e))
			ch->cl[cp]++;
		added++;
	}
	rows_refresh(ch);
	return added;
}

/* Record c of snapshot t (with row state rs) as closed now, from what a
 * sample showed. */
static void add_seen(struct sw_churn *ch, const struct sw_snapshot *t, size_t i,
		     const struct sw_rowstat *rs, uint64_t now, int64_t real_ms)
{
	struct sw_snapshot *r = &ch->rec[ch->ri];
	const struct sw_conn *c = &t->conns[i];
	size_t ni = snapshot_copy_conn(r, t, i, ch->pmap);
	struct sw_closed *mt = meta_add(ch, ni);
	mt->closed_ns = now;
	mt->closed_real_ms = real_ms;
	mt->src = SW_CHURN_SNAPSHOT;
	mt->how = r->conns[ni].owners_n ? SW_HOW_SOCKET : SW_HOW_NONE;
	mt->last_state = c->state;
	mt->server = is_lport(ch, cls_of(c->proto), c->local.port);
	uint32_t life;
	mt->life_known = churn_life_ms(r, &r->conns[ni], sw_rowstat_first_seen(rs, t->mono_ns), now,
				       &life);
	mt->life_ms = life;
	ck_insert(ch, c->cookie);
	ch->rates.from_snapshot_total++;
}

/* Closures whose event never came (the kernel dropped events, or sends
 * none): sockets gone since the last sample, and connections that entered
 * TIME_WAIT since (their remains keep the cookie), as the samples showed
 * them. */
static void add_from_samples(struct sw_churn *ch, const struct sw_model *m, uint64_t now,
			     int64_t real_ms)
{
	const struct sw_rowstat *tst;
	const struct sw_snapshot *t = model_tombstones(m, &tst);
	pmap_reset(ch, t->nprocs);
	for (size_t i = 0; i < t->nconns && ch->rec[ch->ri].nconns < MAX_RECORDS; i++) {
		const struct sw_conn *c = &t->conns[i];
		if (tst[i].gone_for != 1 || churn_proto(c->proto) < 0 || !counted_closed(c) ||
		    c->state == SW_ST_TIME_WAIT || c->state == SW_ST_SYN_RECV ||
		    c->state == SW_ST_NEW_SYN_RECV || ck_has(ch, c->cookie))
			continue;
		add_seen(ch, t, i, &tst[i], now, real_ms);
	}
	const struct sw_snapshot *s = model_snapshot(m);
	const struct sw_rowstat *st = model_rowstats(m);
	pmap_reset(ch, s->nprocs);
	for (size_t i = 0; i < s->nconns && ch->rec[ch->ri].nconns < MAX_RECORDS; i++)
		if ((st[i].flags & SW_ROW_ENDED) && !ck_has(ch, s->conns[i].cookie))
			add_seen(ch, s, i, &st[i], now, real_ms);
}

/* Forget the records older than the window.  They are a prefix (records
 * are appended in time order): the prefix is skipped at once and dropped
 * by copying the rest only when it is the larger half, so each record is
 * copied at most about once. */
static void expire(struct sw_churn *ch, uint64_t now)
{
	struct sw_snapshot *o = &ch->rec[ch->ri];
	const struct sw_closed *om = ch->meta[ch->ri];
	while (ch->first < o->nconns && now - om[ch->first].closed_ns > ch->window_ns)
		ch->first++;
	size_t first = ch->first;
	if (!first || first * 2 < o->nconns)
		return;
	int ni = !ch->ri;
	struct sw_snapshot *n = &ch->rec[ni];
	snapshot_clear(n);
	pmap_reset(ch, o->nprocs);
	size_t keep = o->nconns - first;
	ch->meta[ni] = xgrow(ch->meta[ni], &ch->capmeta[ni], keep ? keep : 1, sizeof(struct sw_closed));
	for (size_t i = first; i < o->nconns; i++) {
		size_t k = snapshot_copy_conn(n, o, i, ch->pmap);
		ch->meta[ni][k] = om[i];
	}
	snapshot_clear(o);
	ch->ri = ni;
	ch->first = 0;
	ck_rebuild(ch, n->nconns);
}

/* The records listed as rows: the last rows_window_ns of them, as a
 * snapshot that shares the store's arrays (conns from first_row on). */
static void rowstats(struct sw_churn *ch, uint64_t now)
{
	const struct sw_snapshot *r = &ch->rec[ch->ri];
	const struct sw_closed *mt = ch->meta[ch->ri];
	size_t f = ch->first;
	while (f < r->nconns && now - mt[f].closed_ns > ch->rows_window_ns)
		f++;
	ch->first_row = f;
	ch->rows = *r;
	ch->rows.conns = r->conns + f;
	ch->rows.nconns = r->nconns - f;
	size_t n = ch->rows.nconns;
	ch->rs = xgrow(ch->rs, &ch->caprs, n ? n : 1, sizeof *ch->rs);
	for (size_t i = 0; i < n; i++) {
		const struct sw_closed *m = &mt[f + i];
		struct sw_rowstat *s = &ch->rs[i];
		memset(s, 0, sizeof *s);
		s->flags = (uint16_t)(SW_ROW_CLOSED | (unsigned)m->how << SW_ROW_HOW_SHIFT);
		s->gone_for = 1;
		s->life_ms = m->life_known ? (m->life_ms ? m->life_ms : 1) : 0;
	}
}

void churn_sample(struct sw_churn *ch, const struct sw_model *m, uint64_t dropped_total,
		  bool events_ok)
{
	const struct sw_snapshot *s = model_snapshot(m);
	uint64_t now = s->mono_ns ? s->mono_ns : sw_mono_ns();
	int64_t real_ms = s->real_sec * 1000;
	struct sw_churn_rates *rt = &ch->rates;
	uint64_t since = ch->prev_ns; /* records of this interval: from then on */

	uint64_t lost = 0;
	if (ch->have_dropped && dropped_total >= ch->dropped_seen)
		lost = dropped_total - ch->dropped_seen;
	ch->dropped_seen = dropped_total;
	ch->have_dropped = true;
	if (ch->have_prev && (lost || !events_ok))
		add_from_samples(ch, m, now, real_ms);

	/* one pass: live connections, and the unconnected sockets among
	 * which the listeners are */
	uint64_t live[SW_CHURN_NPROTO] = {0};
	size_t nl = 0;
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		int cp = churn_proto(c->proto);
		if (cp < 0)
			continue;
		if (counted_live(c))
			live[cp]++;
		if (c->remote.port == 0 && c->local.port != 0) {
			if (nl == ch->caplidx)
				ch->lidx = xgrow(ch->lidx, &ch->caplidx, nl + 1, sizeof *ch->lidx);
			ch->lidx[nl++] = (uint32_t)i;
		}
	}
	if (!events_ok) {
		/* every closure comes from sample deltas: count those */
		const struct sw_snapshot *r = &ch->rec[ch->ri];
		const struct sw_closed *mt = ch->meta[ch->ri];
		memset(ch->cl, 0, sizeof ch->cl);
		for (size_t i = 0; i < r->nconns; i++)
			if (mt[i].closed_ns == now && mt[i].src == SW_CHURN_SNAPSHOT &&
			    counted_closed(&r->conns[i]))
				ch->cl[churn_proto(r->conns[i].proto)]++;
	}
	rt->valid = ch->have_prev && now > ch->prev_ns;
	rt->interval_s = rt->valid ? (double)(now - ch->prev_ns) / 1e9 : 0;
	rt->lost = lost;
	rt->lost_total += lost;
	for (int p = 0; p < SW_CHURN_NPROTO; p++) {
		uint64_t closed = ch->cl[p];
		uint64_t opened = 0;
		if (ch->have_prev) {
			int64_t d = (int64_t)live[p] - (int64_t)ch->live_prev[p];
			opened = (int64_t)closed + d > 0 ? (uint64_t)((int64_t)closed + d) : 0;
		}
		rt->closed[p] = closed;
		rt->opened[p] = opened;
		rt->closed_total[p] += closed;
		rt->opened_total[p] += opened;
		rt->closed_per_s[p] = rt->valid ? (double)closed / rt->interval_s : 0;
		rt->opened_per_s[p] = rt->valid ? (double)opened / rt->interval_s : 0;
		ch->live_prev[p] = live[p];
	}
	memset(ch->cl, 0, sizeof ch->cl);
	ch->have_prev = true;
	ch->prev_ns = now;
	if (!ch->first_ns)
		ch->first_ns = now;

	learn_listeners(ch, s, ch->lidx, nl);
	learn_dests(ch, s, model_rowstats(m), now);
	reattribute(ch, since, now);
	expire(ch, now);
	rowstats(ch, now);
}

const struct sw_churn_rates *churn_rates(const struct sw_churn *ch)
{
	return &ch->rates;
}

const struct sw_snapshot *churn_records(const struct sw_churn *ch)
{
	return &ch->rows;
}

const struct sw_closed *churn_closed(const struct sw_churn *ch)
{
	return ch->meta[ch->ri] ? ch->meta[ch->ri] + ch->first_row : NULL;
}

const struct sw_snapshot *churn_all(const struct sw_churn *ch, const struct sw_closed **meta,
			     size_t *first)
{
	*meta = ch->meta[ch->ri];
	*first = ch->first;
	return &ch->rec[ch->ri];
}

const struct sw_rowstat *churn_rowstats(const struct sw_churn *ch)
{
	return ch->rs;
}

uint32_t churn_protos(const struct sw_churn *ch)
{
	(void)ch;
	return SW_PROTO_BIT(SW_PROTO_TCP) | SW_PROTO_BIT(SW_PROTO_UDP) |
	       SW_PROTO_BIT(SW_PROTO_UDPLITE) | SW_PROTO_BIT(SW_PROTO_MPTCP);
}

const char *churn_how_name(enum sw_churn_how how)
{
	static const char *const n[SW_HOW_COUNT] = {"none", "socket", "listener", "destination"};
	return (unsigned)how < SW_HOW_COUNT ? n[how] : "none";
}

const char *churn_how_label(enum sw_churn_how how)
{
	static const char *const n[SW_HOW_COUNT] = {N_("unknown"), N_("socket"), N_("listener"),
						     N_("destination")};
	return _((unsigned)how < SW_HOW_COUNT ? n[how] : n[0]);
}

/* ---- groups --------------------------------------------------------------------- */

struct gctx {
	const struct sw_snapshot *r;
	const struct sw_closed *mt;
	enum sw_churn_kind kind;
	uint64_t now;       /* the last sample */
	double interval_s;  /* the last interval */
};

struct gkey {
	uint8_t cls, family;
	uint8_t addr[16];
	uint16_t port;
};

static void gkey_of(const struct gctx *g, uint32_t i, struct gkey *k)
{
	const struct sw_conn *c = &g->r->conns[i];
	memset(k, 0, sizeof *k);
	k->cls = (uint8_t)cls_of(c->proto);
	if (g->kind == SW_CHURN_DEST) {
		k->family = (uint8_t)fold_addr(c->family, sw_raddr(c), k->addr);
		k->port = c->remote.port;
	} else {
		k->port = c->local.port;
	}
}

/* Order by protocol (class), family, address, port. */
static int key_cmp(unsigned pa, unsigned fa, const uint8_t *aa, unsigned porta,
		   unsigned pb, unsigned fb, const uint8_t *ab, unsigned portb)
{
	if (pa != pb)
		return pa < pb ? -1 : 1;
	if (fa != fb)
		return fa < fb ? -1 : 1;
	int d = memcmp(aa, ab, 16);
	if (d)
		return d;
	return porta == portb ? 0 : porta < portb ? -1 : 1;
}

static int gkey_cmp(const struct gkey *a, const struct gkey *b)
{
	return key_cmp(a->cls, a->family, a->addr, a->port, b->cls, b->family, b->addr, b->port);
}


static bool in_kind(const struct sw_conn *c, const struct sw_closed *mt, enum sw_churn_kind k)
{
	if (cls_of(c->proto) < 0 || c->remote.port == 0)
		return false;
	return k == SW_CHURN_SERVICE ? mt->server : !mt->server;
}

struct tally {
	int32_t pid[8];
	char comm[8][16];
	uint32_t uid[8];
	uint32_t n[8];
	uint32_t how[SW_HOW_COUNT];
	unsigned used;
	bool more;
};

static void tally_add(struct tally *t, const struct sw_snapshot *r, const struct sw_conn *c,
		      const struct sw_closed *mt)
{
	t->how[mt->how < SW_HOW_COUNT ? mt->how : 0]++;
	const struct sw_proc *p = snapshot_owner_proc(r, c, 0);
	if (!p)
		return;
	for (unsigned i = 0; i < t->used; i++) {
		if (!strcmp(t->comm[i], p->comm)) {
			t->n[i]++;
			t->pid[i] = p->pid;
			return;
		}
	}
	if (t->used == 8) {
		t->more = true;
		return;
	}
	t->pid[t->used] = p->pid;
	memcpy(t->comm[t->used], p->comm, 16);
	t->uid[t->used] = (c->flags & SW_CF_HAS_UID) ? c->uid : p->uid;
	t->n[t->used++] = 1;
}

static void tally_done(const struct tally *t, struct sw_churn_group *g)
{
	unsigned best = 0;
	for (unsigned i = 1; i < t->used; i++)
		if (t->n[i] > t->n[best])
			best = i;
	g->pid = -1;
	if (t->used) {
		g->pid = t->pid[best];
		g->uid = t->uid[best];
		memcpy(g->comm, t->comm[best], 16);
	}
	g->nowners = t->used + (t->more ? 1 : 0);
	unsigned h = SW_HOW_NONE;
	for (unsigned i = 1; i < SW_HOW_COUNT; i++)
		if (t->how[i] > t->how[h])
			h = i;
	g->how = (uint8_t)h;
}

static uint32_t pick(const struct sw_closed *mt, const uint32_t *idx, uint32_t nlife, double q)
{
	if (!nlife)
		return 0;
	size_t k = (size_t)(q * (double)nlife + 0.999999);
	if (k < 1)
		k = 1;
	if (k > nlife)
		k = nlife;
	return mt[idx[k - 1]].life_ms;
}

static void group_close(struct sw_churn_groups *out, const struct gctx *g,
			const uint32_t *idx, size_t n, double span)
{
	const struct sw_conn *c0 = &g->r->conns[idx[0]];
	struct gkey k;
	gkey_of(g, idx[0], &k);
	out->g = xgrow(out->g, &out->cap, out->n + 1, sizeof *out->g);
	struct sw_churn_group *e = &out->g[out->n++];
	memset(e, 0, sizeof *e);
	e->kind = (uint8_t)g->kind;
	e->proto = c0->proto == SW_PROTO_MPTCP ? SW_PROTO_TCP
		   : c0->proto == SW_PROTO_UDPLITE ? SW_PROTO_UDP : c0->proto;
	e->family = k.family;
	memcpy(e->addr, k.addr, 16);
	e->port = k.port;
	e->closed = (uint32_t)n;
	/* a destination busy for only part of the window: its rate over the
	 * time since its oldest record (whose interval ended then) */
	uint64_t oldest = UINT64_MAX;
	for (size_t i = 0; i < n; i++)
		if (g->mt[idx[i]].closed_ns < oldest)
			oldest = g->mt[idx[i]].closed_ns;
	if (g->now >= oldest) {
		double busy = (double)(g->now - oldest) / 1e9 + g->interval_s;
		if (busy > 0 && busy < span)
			span = busy;
	}
	e->per_s = span > 0 ? (double)n / span : 0;
	struct tally t;
	memset(&t, 0, sizeof t);
	for (size_t i = 0; i < n; i++) {
		const struct sw_conn *c = &g->r->conns[idx[i]];
		const struct sw_closed *mt = &g->mt[idx[i]];
		e->nlife += mt->life_known;
		const struct sw_tcpx *tx = snapshot_tcpx(g->r, c);
		if (tx && (tx->have & SW_TI_BYTES)) {
			e->bytes += tx->bytes_acked + tx->bytes_received;
			e->nbytes++;
		}
		tally_add(&t, g->r, c, mt);
	}
	e->p50_ms = pick(g->mt, idx, e->nlife, 0.50);
	e->p95_ms = pick(g->mt, idx, e->nlife, 0.95);
	tally_done(&t, e);
}

static int g_cmp_key(const struct sw_churn_group *a, const struct sw_churn_group *b)
{
	return key_cmp(a->proto, a->family, a->addr, a->port, b->proto, b->family, b->addr, b->port);
}

static double bytes_per(const struct sw_churn_group *g)
{
	return g->nbytes ? (double)g->bytes / g->nbytes : -1;
}

static int g_cmp(const void *pa, const void *pb, void *arg)
{
	const struct sw_churn_group *a = pa, *b = pb;
	enum sw_churn_order o = *(const enum sw_churn_order *)arg;
	double x = 0, y = 0;
	switch (o) {
	case SW_CHURN_BY_RATE: x = a->closed; y = b->closed; break;
	case SW_CHURN_BY_P50: x = a->nlife ? (double)a->p50_ms : -1; y = b->nlife ? (double)b->p50_ms : -1; break;
	case SW_CHURN_BY_P95: x = a->nlife ? (double)a->p95_ms : -1; y = b->nlife ? (double)b->p95_ms : -1; break;
	case SW_CHURN_BY_BYTES: x = bytes_per(a); y = bytes_per(b); break;
	default: break;
	}
	if (x != y)
		return x > y ? -1 : 1;
	return g_cmp_key(a, b);
}

/* The span the rates of groups cover: the window, or less since the first
 * record came. */
static double groups_span(const struct sw_churn *ch)
{
	uint64_t now = ch->prev_ns;
	double span = (double)ch->window_ns / 1e9;
	/* records are stamped when a sample takes them: a window shorter
	 * than the interval still holds the whole interval's */
	if (span < ch->rates.interval_s)
		span = ch->rates.interval_s;
	if (ch->first_ns && now >= ch->first_ns && (double)(now - ch->first_ns) / 1e9 < span)
		span = (double)(now - ch->first_ns) / 1e9;
	return span;
}

/* A record as the group sort sees it. */
struct srec {
	struct gkey k;
	uint32_t life;
	uint32_t i;
	uint8_t known;
};

/* By group, then known lifetimes ascending, unknown last. */
static int srec_cmp(const void *pa, const void *pb)
{
	const struct srec *a = pa, *b = pb;
	int d = gkey_cmp(&a->k, &b->k);
	if (d)
		return d;
	if (a->known != b->known)
		return a->known ? -1 : 1;
	if (a->life != b->life)
		return a->life < b->life ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

void churn_groups_init(struct sw_churn_groups *g)
{
	memset(g, 0, sizeof *g);
}

void churn_groups_done(struct sw_churn_groups *g)
{
	free(g->g);
	free(g->idx);
	free(g->sorted);
	memset(g, 0, sizeof *g);
}

void churn_groups(const struct sw_churn *ch, enum sw_churn_kind kind,
		  const struct sw_select *sel, const struct sw_filter *f,
		  enum sw_churn_order order, struct sw_churn_groups *out)
{
	struct gctx g = {.r = &ch->rec[ch->ri], .mt = ch->meta[ch->ri], .kind = kind,
			 .now = ch->prev_ns, .interval_s = ch->rates.interval_s};
	out->kind = kind;
	out->n = 0;
	double span = groups_span(ch);
	out->window_s = span;
	size_t need = g.r->nconns ? g.r->nconns : 1;
	out->idx = xgrow(out->idx, &out->capidx, need, sizeof *out->idx);
	struct srec *sr = out->sorted = xgrow(out->sorted, &out->capsorted, need, sizeof *sr);
	size_t n = 0;
	for (size_t i = ch->first; i < g.r->nconns; i++) {
		const struct sw_conn *c = &g.r->conns[i];
		if (!in_kind(c, &g.mt[i], kind) || (sel && !select_match(sel, c)) ||
		    (f && !filter_match(f, g.r, c)))
			continue;
		gkey_of(&g, (uint32_t)i, &sr[n].k);
		sr[n].known = g.mt[i].life_known;
		sr[n].life = g.mt[i].life_ms;
		sr[n].i = (uint32_t)i;
		n++;
	}
	if (!n)
		return;
	/* keys computed once: the sort compares plain fields */
	qsort(sr, n, sizeof *sr, srec_cmp);
	for (size_t i = 0; i < n; i++)
		out->idx[i] = sr[i].i;
	size_t start = 0;
	for (size_t i = 1; i <= n; i++) {
		if (i < n && !gkey_cmp(&sr[start].k, &sr[i].k))
			continue;
		group_close(out, &g, out->idx + start, i - start, span);
		start = i;
	}
	qsort_r(out->g, out->n, sizeof *out->g, g_cmp, &order);
}

bool churn_group_of(const struct sw_churn *ch, enum sw_churn_kind kind, int family,
		    const uint8_t addr[16], uint16_t port, struct sw_churn_group *out)
{
	struct gctx g = {.r = &ch->rec[ch->ri], .mt = ch->meta[ch->ri], .kind = kind,
			 .now = ch->prev_ns, .interval_s = ch->rates.interval_s};
	struct gkey want, k;
	memset(&want, 0, sizeof want);
	want.cls = 0; /* TCP */
	want.port = port;
	if (kind == SW_CHURN_DEST)
		want.family = (uint8_t)fold_addr(family, addr, want.addr);
	struct srec *sr = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = ch->first; i < g.r->nconns; i++) {
		if (!in_kind(&g.r->conns[i], &g.mt[i], kind))
			continue;
		gkey_of(&g, (uint32_t)i, &k);
		if (gkey_cmp(&k, &want))
			continue;
		sr = xgrow(sr, &cap, n + 1, sizeof *sr);
		sr[n] = (struct srec){.k = k, .life = g.mt[i].life_ms, .i = (uint32_t)i,
				      .known = g.mt[i].life_known};
		n++;
	}
	if (!n)
		return false;
	qsort(sr, n, sizeof *sr, srec_cmp);
	uint32_t *idx = xmalloc(n * sizeof *idx);
	for (size_t i = 0; i < n; i++)
		idx[i] = sr[i].i;
	struct sw_churn_groups tmp;
	churn_groups_init(&tmp);
	group_close(&tmp, &g, idx, n, groups_span(ch));
	*out = tmp.g[0];
	churn_groups_done(&tmp);
	free(idx);
	free(sr);
	return true;
}
