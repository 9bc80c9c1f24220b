/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model.c - consecutive snapshots merged into rows: rates, new/closed
 * marks, tombstones, filtered and sorted views.
 *
 * Per socket (keyed by cookie, protocol and family) an open-addressing hash
 * entry remembers when it was first seen, its last tcp_info byte counters
 * and their timestamp, its last total_retrans, and how many consecutive
 * snapshots have missed it.
 *
 * A socket absent from the latest complete dump is closed.  It becomes a
 * tombstone at once (SW_ROW_CLOSED, gone_for = 1, 2, ...), kept for the TTL
 * and then swept; tombstones are shown marked but never counted.  (Keeping
 * a missing socket as a live row for one more refresh, in case the dump
 * skipped it, was tried: on a php-fpm -> MySQL stack under load it listed
 * ~1,300 closed sockets among ~3,600 as live, many beside the new socket
 * that reused their 4-tuple.  A live socket the kernel's resumed dump
 * really skipped is rare; if it shows up again it is simply live again
 * with its first-seen time and rate baseline, since its entry is kept as
 * long as its tombstone.)
 *
 * Tombstones live in a second struct sw_snapshot owned by the model, with
 * their tcp_info, names, owners and processes copied, so a tombstone row is
 * as self-contained as a live one.  The store is rebuilt each update into
 * the other of two buffers (cost: O(tombstones), no per-row allocation).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "model.h"
#include "util.h"

#define DEFAULT_TTL 3
#define ROW_DUP (1u << 15) /* internal: duplicate cookie in one snapshot */

/* 48 bytes per socket: one of these per socket ever seen and not swept.
 * A socket that closed was found gone by the update after the last one
 * that saw it (seen_gen + 1): no room is kept for that. */
struct ent {
	uint64_t cookie;
	uint64_t first_seen_ns;
	uint64_t bytes_acked;   /* at update seen_gen, if have_bytes */
	uint64_t bytes_received;
	uint32_t seen_gen;      /* last update that saw it live */
	uint32_t live_idx;      /* its index in cur during that update */
	uint32_t total_retrans;
	uint8_t missed;         /* snapshots since it closed (saturates) */
	uint8_t family;
	uint8_t proto : 3;      /* enum sw_proto (< 8) */
	uint8_t have_bytes : 1;
	uint8_t have_retrans : 1;
	uint8_t initial : 1;    /* present in the very first snapshot */
	uint8_t state;          /* its state in update seen_gen */
};
_Static_assert(sizeof(struct ent) == 48, "model entry grew");
_Static_assert(SW_PROTO_COUNT <= 8, "ent.proto is 3 bits");

/* The update that found a closed socket gone. */
static inline uint32_t ent_miss_gen(const struct ent *e)
{
	return e->seen_gen + 1;
}

/* The times of the last GEN_TIMES updates, by generation: a socket's byte
 * sample is from update seen_gen, so its time needs no room per socket.
 * A socket back after a longer gap starts a new rate baseline. */
#define GEN_TIMES 8

struct sw_model {
	/* cur[ci]: the latest snapshot, st[ci] its rows' states.  The other
	 * pair holds the previous update's until model_release_prev(), so
	 * rows of a view built before an update stay valid through it (the
	 * monitor merges in its collection thread while the screen shows the
	 * last views). */
	struct sw_snapshot cur[2];
	int ci;
	struct sw_rowstat *st[2];
	size_t capst[2];

	struct sw_snapshot tomb[2]; /* tomb[ti]: current store */
	int ti;
	struct sw_rowstat *tst[2]; /* tst[ti]: per tomb[ti].conns[] */
	size_t captst[2];

	struct ent *ents; /* per-socket state, dense */
	size_t nents, capents;
	uint32_t *slots;  /* hash: ents index + 1, 0 empty */
	size_t nslots;    /* power of 2 */

	uint32_t *pmap; /* proc index map while copying tombstones */
	size_t cappmap;
	/* bit i: the previous snapshot's record i is live again in this
	 * update (live_pass), so finding the closed ones looks up the rest */
	uint64_t *again;
	size_t capagain;

	uint32_t gen;
	unsigned long updates;
	uint64_t last_t;
	uint64_t gen_t[GEN_TIMES]; /* gen_t[g % GEN_TIMES]: time of update g */
	unsigned ttl;
	bool mark_active;
	bool oneshot;
	uint64_t mark_ns;
	uint32_t mark_gen;
	/* closed-connection rows kept elsewhere (model_set_closed) */
	const struct sw_snapshot *xclosed;
	const struct sw_rowstat *xst;
	uint32_t xprotos;
};

/* ---- hash ------------------------------------------------------------------
 * Entries are dense (ents[0..nents)); the open-addressing table holds u32
 * slot values (index + 1, 0 = empty), linear probing, load <= 1/2.  At 100k
 * sockets that is ~7 MB of entries plus 1 MB of slots. */

static size_t ent_hash(uint64_t cookie, unsigned proto, unsigned family)
{
	return (size_t)sw_hash64(cookie ^ ((uint64_t)proto << 56) ^ ((uint64_t)family << 48));
}

static bool ent_is(const struct ent *e, const struct sw_conn *c)
{
	return e->cookie == c->cookie && e->proto == c->proto && e->family == c->family;
}

static size_t slot_home(const struct sw_model *m, uint32_t slotval)
{
	const struct ent *e = &m->ents[slotval - 1];
	return ent_hash(e->cookie, e->proto, e->family) & (m->nslots - 1);
}

static void ht_rehash(struct sw_model *m, size_t nslots)
{
	free(m->slots);
	m->slots = xcalloc(nslots, sizeof *m->slots);
	m->nslots = nslots;
	for (size_t i = 0; i < m->nents; i++) {
		size_t h = slot_home(m, (uint32_t)i + 1);
		while (m->slots[h])
			h = (h + 1) & (nslots - 1);
		m->slots[h] = (uint32_t)i + 1;
	}
}

/* The first slot a socket's entry may be in (the table is not empty). */
static inline size_t ht_home(const struct sw_model *m, const struct sw_conn *c)
{
	return ent_hash(c->cookie, c->proto, c->family) & (m->nslots - 1);
}

/* Slot index holding the entry for c, or the empty slot where it goes. */
static size_t ht_probe(const struct sw_model *m, const struct sw_conn *c)
{
	size_t mask = m->nslots - 1;
	size_t h = ht_home(m, c);
	while (m->slots[h] && !ent_is(&m->ents[m->slots[h] - 1], c))
		h = (h + 1) & mask;
	return h;
}

static struct ent *ht_find(const struct sw_model *m, const struct sw_conn *c)
{
	if (!m->nslots)
		return NULL;
	uint32_t v = m->slots[ht_probe(m, c)];
	return v ? &m->ents[v - 1] : NULL;
}

/* Find or insert.  Pointers from earlier calls may move. */
static struct ent *ht_get(struct sw_model *m, const struct sw_conn *c, bool *inserted)
{
	if ((m->nents + 1) * 2 > m->nslots)
		ht_rehash(m, m->nslots ? m->nslots * 2 : 1024);
	size_t h = ht_probe(m, c);
	if (m->slots[h]) {
		*inserted = false;
		return &m->ents[m->slots[h] - 1];
	}
	m->ents = xgrow(m->ents, &m->capents, m->nents + 1, sizeof *m->ents);
	struct ent *e = &m->ents[m->nents++];
	memset(e, 0, sizeof *e);
	e->cookie = c->cookie;
	e->proto = c->proto;
	e->family = c->family;
	m->slots[h] = (uint32_t)m->nents;
	*inserted = true;
	return e;
}

/* Empty slot i and shift back the entries of its probe run. */
static void slot_delete(struct sw_model *m, size_t i)
{
	size_t mask = m->nslots - 1, j = i;
	m->slots[i] = 0;
	for (;;) {
		j = (j + 1) & mask;
		if (!m->slots[j])
			return;
		size_t k = slot_home(m, m->slots[j]);
		/* j stays unless its home k lies cyclically outside (i, j] */
		bool stay = i <= j ? (i < k && k <= j) : (i < k || k <= j);
		if (stay)
			continue;
		m->slots[i] = m->slots[j];
		m->slots[j] = 0;
		i = j;
	}
}

static size_t slot_of_index(const struct sw_model *m, size_t idx)
{
	size_t h = slot_home(m, (uint32_t)idx + 1);
	while (m->slots[h] != idx + 1)
		h = (h + 1) & (m->nslots - 1);
	return h;
}

static void ht_del(struct sw_model *m, struct ent *e)
{
	size_t idx = (size_t)(e - m->ents), last = m->nents - 1;
	slot_delete(m, slot_of_index(m, idx));
	if (idx != last) { /* keep entries dense: move the last one into the hole */
		m->slots[slot_of_index(m, last)] = (uint32_t)idx + 1;
		m->ents[idx] = m->ents[last];
	}
	m->nents--;
}

/* ---- lifecycle ---------------------------------------------------------------- */

struct sw_model *model_new(void)
{
	struct sw_model *m = xcalloc(1, sizeof *m);
	snapshot_init(&m->cur[0]);
	snapshot_init(&m->cur[1]);
	snapshot_init(&m->tomb[0]);
	snapshot_init(&m->tomb[1]);
	m->ttl = DEFAULT_TTL;
	return m;
}

void model_free(struct sw_model *m)
{
	if (!m)
		return;
	for (int i = 0; i < 2; i++) {
		snapshot_done(&m->cur[i]);
		snapshot_done(&m->tomb[i]);
		free(m->st[i]);
		free(m->tst[i]);
	}
	free(m->ents);
	free(m->slots);
	free(m->pmap);
	free(m->again);
	free(m);
}

const struct sw_snapshot *model_snapshot(const struct sw_model *m)
{
	return &m->cur[m->ci];
}

void model_lend_tcpx(struct sw_model *m, struct sw_snapshot *snap)
{
	struct sw_snapshot *c = &m->cur[m->ci];
	SW_SWAP(snap->tcpx, c->tcpx);
	SW_SWAP(snap->captcpx, c->captcpx);
	snap->ntcpx = 0;
	c->ntcpx = 0; /* snapshot_tcpx() now answers NULL */
	/* what snap held (a spare from an earlier sample) is not kept: one
	 * array for both snapshots, not two */
	free(c->tcpx);
	c->tcpx = NULL;
	c->captcpx = 0;
}

void model_set_oneshot(struct sw_model *m, bool oneshot)
{
	m->oneshot = oneshot;
}

void model_set_tombstone_ttl(struct sw_model *m, unsigned refreshes)
{
	m->ttl = refreshes < 250 ? refreshes : 250; /* ent.missed is 8 bits */
}

static void clear_marked(struct sw_model *m)
{
	for (size_t i = 0; i < m->cur[m->ci].nconns && !m->oneshot; i++)
		m->st[m->ci][i].flags &= ~(uint32_t)SW_ROW_MARKED_NEW;
	for (size_t i = 0; i < m->tomb[m->ti].nconns; i++)
		m->tst[m->ti][i].flags &= ~(uint32_t)SW_ROW_MARKED_NEW;
}

void model_mark(struct sw_model *m)
{
	m->mark_active = true;
	m->mark_ns = m->last_t;
	m->mark_gen = m->gen;
	clear_marked(m); /* everything shown now predates the mark */
}

void model_clear_mark(struct sw_model *m)
{
	m->mark_active = false;
	clear_marked(m);
	/* tombstones kept only by the mark are hidden by model_view and swept
	 * at the next update */
}

/* ---- tombstone store -------------------------------------------------------------- */

static void pmap_reset(struct sw_model *m, size_t nprocs)
{
	m->pmap = xgrow(m->pmap, &m->cappmap, nprocs ? nprocs : 1, sizeof *m->pmap);
	for (size_t i = 0; i < nprocs; i++)
		m->pmap[i] = SW_NONE;
}

/* Copy src->conns[ci] with everything it references into dst.  When src
 * lent its tcp_info away (model_lend_tcpx), the byte counters the entry e
 * remembers stand in. */
static void tomb_copy(struct sw_model *m, struct sw_snapshot *dst,
		      const struct sw_snapshot *src, size_t ci, const struct ent *e)
{
	const struct sw_conn *c = &src->conns[ci];
	size_t ni = snapshot_copy_conn(dst, src, ci, m->pmap);
	if (sw_conn_tcpx(c) != SW_NONE && !snapshot_tcpx(src, c) && e && e->have_bytes) {
		struct sw_tcpx *t = snapshot_add_tcpx(dst, ni);
		t->have = SW_TI_BYTES;
		t->bytes_acked = e->bytes_acked;
		t->bytes_received = e->bytes_received;
	}
}

static bool tomb_keep(const struct sw_model *m, const struct ent *e)
{
	if ((unsigned)e->missed <= m->ttl)
		return true;
	return m->mark_active && ent_miss_gen(e) > m->mark_gen;
}

/* rs for e, in a snapshot of time t_ns. */
static void rowstat_fill(const struct sw_model *m, const struct ent *e,
			 struct sw_rowstat *rs, uint64_t t_ns)
{
	rs->seen_ms = sw_rowstat_seen(e->first_seen_ns, t_ns);
	if (m->mark_active && !e->initial && e->first_seen_ns > m->mark_ns)
		rs->flags |= SW_ROW_MARKED_NEW;
}

/* ---- update ---------------------------------------------------------------------- */

static void live_pass(struct sw_model *m, uint64_t t, bool first)
{
	struct sw_snapshot *cur = &m->cur[m->ci];
	const struct sw_snapshot *old = &m->cur[!m->ci];
	bool dups = false;
	size_t nw = (old->nconns + 63) / 64;
	m->again = xgrow(m->again, &m->capagain, nw ? nw : 1, sizeof *m->again);
	memset(m->again, 0, (nw ? nw : 1) * sizeof *m->again);

	struct sw_rowstat *st = m->st[m->ci] =
		xgrow(m->st[m->ci], &m->capst[m->ci], cur->nconns ? cur->nconns : 1, sizeof *st);
	for (size_t i = 0; i < cur->nconns; i++) {
		struct sw_conn *c = &cur->conns[i];
		struct sw_rowstat *rs = &st[i];
		/* the sockets' entries are found at random: the slot of the
		 * socket 16 ahead is fetched, and the entry of the one 8 ahead
		 * (its slot fetched 8 sockets ago; 4 was too short a time
		 * for the slot to arrive) */
		if (i + 16 < cur->nconns && m->nslots)
			__builtin_prefetch(&m->slots[ht_home(m, &cur->conns[i + 16])]);
		if (i + 8 < cur->nconns && m->nslots) {
			uint32_t v = m->slots[ht_home(m, &cur->conns[i + 8])];
			if (v)
				__builtin_prefetch(&m->ents[v - 1]);
		}
		bool ins;
		struct ent *e = ht_get(m, c, &ins);
		memset(rs, 0, sizeof *rs);
		if (!ins && e->seen_gen == m->gen) {
			/* the dump repeated a socket: keep the later record */
			snapshot_move_conn(cur, e->live_idx, i);
			rs->flags = ROW_DUP;
			dups = true;
			continue;
		}
		if (ins) {
			e->first_seen_ns = t;
			e->initial = first;
			if (!first)
				rs->flags |= SW_ROW_NEW;
		}
		uint32_t prev_gen = e->seen_gen;
		/* live in the previous update at live_idx (kept exact, below) */
		if (!ins && prev_gen == m->gen - 1 && e->live_idx < old->nconns)
			m->again[e->live_idx / 64] |= 1ull << (e->live_idx % 64);
		if (!ins && c->state == SW_ST_TIME_WAIT && e->state != SW_ST_TIME_WAIT &&
		    prev_gen == m->gen - 1)
			rs->flags |= SW_ROW_ENDED;
		e->state = c->state;
		e->seen_gen = m->gen;
		e->live_idx = (uint32_t)i;
		e->missed = 0;

		const struct sw_tcpx *tx = snapshot_tcpx(cur, c);
		if (tx && (tx->have & SW_TI_BYTES)) {
			uint64_t t0 = m->gen_t[prev_gen % GEN_TIMES];
			if (!ins && e->have_bytes && m->gen - prev_gen < GEN_TIMES && t > t0 &&
			    tx->bytes_acked >= e->bytes_acked &&
			    tx->bytes_received >= e->bytes_received) {
				double dt = (double)(t - t0) / 1e9;
				rs->tx_bps = (float)((double)(tx->bytes_acked - e->bytes_acked) / dt);
				rs->rx_bps = (float)((double)(tx->bytes_received - e->bytes_received) / dt);
				rs->flags |= SW_ROW_RATE;
			}
			e->have_bytes = 1;
			e->bytes_acked = tx->bytes_acked;
			e->bytes_received = tx->bytes_received;
		} else {
			e->have_bytes = 0;
		}
		if (tx && (tx->have & SW_TI_BASE)) {
			if (!ins && e->have_retrans && tx->total_retrans >= e->total_retrans)
				rs->retrans_delta = tx->total_retrans - e->total_retrans;
			e->have_retrans = 1;
			e->total_retrans = tx->total_retrans;
		} else {
			e->have_retrans = 0;
		}
		rowstat_fill(m, e, rs, cur->mono_ns);
	}
	if (!dups)
		return;
	size_t out = 0;
	for (size_t i = 0; i < cur->nconns; i++) {
		if (st[i].flags & ROW_DUP)
			continue;
		if (out != i) {
			snapshot_move_conn(cur, out, i);
			st[out] = st[i];
			/* its entry follows it (model_find_live, the next
			 * update's closed sockets) */
			struct ent *e = ht_find(m, &cur->conns[out]);
			if (e)
				e->live_idx = (uint32_t)out;
		}
		out++;
	}
	cur->nconns = out;
}

/* The previous update's snapshot and row states, once no view refers to
 * them: cleared for reuse, or freed (snapshot_oversized). */
void model_release_prev(struct sw_model *m, size_t keep_bytes)
{
	int pi = !m->ci;
	struct sw_snapshot *p = &m->cur[pi];
	if (snapshot_oversized(p, m->cur[m->ci].nconns, keep_bytes)) {
		snapshot_done(p);
		snapshot_init(p);
		free(m->st[pi]);
		m->st[pi] = NULL;
		m->capst[pi] = 0;
	} else {
		snapshot_clear(p);
	}
}

void model_release_prev_spare(struct sw_model *m, struct sw_snapshot *spare)
{
	struct sw_snapshot *p = &m->cur[!m->ci];
	if (snapshot_oversized(p, m->cur[m->ci].nconns, SIZE_MAX)) {
		model_release_prev(m, 0);
		return;
	}
	snapshot_clear(p);
	snapshot_done(spare);
	*spare = *p;
	snapshot_init(p);
}

void model_update(struct sw_model *m, struct sw_snapshot *snap)
{
	model_update_keep(m, snap);
	/* the caller gets the previous snapshot back, cleared */
	SW_SWAP(*snap, m->cur[!m->ci]);
	snapshot_clear(snap);
}

void model_update_keep(struct sw_model *m, struct sw_snapshot *snap)
{
	uint64_t t = snap->mono_ns ? snap->mono_ns : sw_mono_ns();
	snapshot_clear(&m->cur[!m->ci]); /* not released: nothing refers to it */
	m->ci = !m->ci;
	/* the new snapshot in; the caller gets the released one's buffers */
	SW_SWAP(m->cur[m->ci], *snap);
	const struct sw_snapshot *old = &m->cur[!m->ci];
	bool first = m->updates == 0;

	m->gen++;
	m->gen_t[m->gen % GEN_TIMES] = t;
	if (m->oneshot) { /* rows with their first-seen time, nothing to
			     remember: every row shares one (32 MB less at a
			     million sockets) */
		struct sw_rowstat *st = m->st[m->ci] =
			xgrow(m->st[m->ci], &m->capst[m->ci], 1, sizeof *st);
		memset(st, 0, sizeof *st);
		st[0].seen_ms = sw_rowstat_seen(t, m->cur[m->ci].mono_ns);
		snapshot_clear(&m->tomb[m->ti]);
		m->last_t = t;
		m->updates++;
		return;
	}
	live_pass(m, t, first);

	struct sw_snapshot *ot = &m->tomb[m->ti];
	struct sw_snapshot *nt = &m->tomb[!m->ti];
	snapshot_clear(nt);
	nt->detail = m->cur[m->ci].detail; /* tombstones keep what live records kept */
	nt->mono_ns = m->cur[m->ci].mono_ns; /* their ages are as of this update */
	snapshot_merge_ifnames(nt, ot); /* and the names of their interfaces */
	snapshot_merge_ifnames(nt, old);

	/* tombstones from before */
	pmap_reset(m, ot->nprocs);
	for (size_t i = 0; i < ot->nconns; i++) {
		struct ent *e = ht_find(m, &ot->conns[i]);
		if (!e || e->seen_gen == m->gen)
			continue; /* came back: live again */
		if (e->missed < UINT8_MAX)
			e->missed++;
		if (tomb_keep(m, e))
			tomb_copy(m, nt, ot, i, e);
		else
			ht_del(m, e);
	}
	/* sockets live last time and missing now: closed (the records live
	 * again are known from live_pass; only the others are looked up) */
	pmap_reset(m, old->nprocs);
	for (size_t i = 0; i < old->nconns; i++) {
		if (m->again[i / 64] & (1ull << (i % 64)))
			continue;
		struct ent *e = ht_find(m, &old->conns[i]);
		if (!e || e->seen_gen == m->gen || e->missed)
			continue;
		e->missed = 1; /* ent_miss_gen: m->gen, the update after seen_gen */
		if (tomb_keep(m, e))
			tomb_copy(m, nt, old, i, e);
		else
			ht_del(m, e);
	}
	m->ti = !m->ti;

	struct sw_rowstat *tst = m->tst[m->ti] =
		xgrow(m->tst[m->ti], &m->captst[m->ti], nt->nconns ? nt->nconns : 1, sizeof *tst);
	for (size_t i = 0; i < nt->nconns; i++) {
		struct sw_rowstat *rs = &tst[i];
		const struct ent *e = ht_find(m, &nt->conns[i]);
		memset(rs, 0, sizeof *rs);
		if (!e)
			continue;
		rs->flags |= SW_ROW_CLOSED;
		rs->gone_for = e->missed;
		rowstat_fill(m, e, rs, nt->mono_ns);
	}

	m->last_t = t;
	m->updates++;
}

/* ---- lookups ---------------------------------------------------------------------- */

bool model_find_live(const struct sw_model *m, const struct sw_conn *key, struct sw_row *out)
{
	const struct ent *e = ht_find(m, key);
	const struct sw_snapshot *cur = &m->cur[m->ci];
	if (!e || e->seen_gen != m->gen || e->live_idx >= cur->nconns)
		return false;
	out->snap = cur;
	out->conn = &cur->conns[e->live_idx];
	out->st = &m->st[m->ci][m->oneshot ? 0 : e->live_idx];
	return true;
}

const struct sw_rowstat *model_rowstats(const struct sw_model *m)
{
	return m->oneshot ? NULL : m->st[m->ci];
}

const struct sw_snapshot *model_tombstones(const struct sw_model *m,
					   const struct sw_rowstat **st)
{
	*st = m->tst[m->ti];
	return &m->tomb[m->ti];
}

void model_set_closed(struct sw_model *m, const struct sw_snapshot *s,
		      const struct sw_rowstat *st, uint32_t protos)
{
	m->xclosed = s && st ? s : NULL;
	m->xst = st;
	m->xprotos = m->xclosed ? protos : 0;
}

/* ---- views ---------------------------------------------------------------------- */

/* Record i of source src (below 2^30: a snapshot of a billion records
 * would not fit in memory first). */
static inline void view_add(struct sw_view *v, unsigned src, size_t i)
{
	v->ix[v->n++] = (uint32_t)src << SW_VIEW_IDX_BITS | (uint32_t)i;
}

/* The model's sources, as its views name them. */
static void view_srcs(const struct sw_model *m, struct sw_view *v)
{
	v->rowv = NULL;
	v->src[SW_VSRC_LIVE] = (struct sw_vsrc){&m->cur[m->ci], m->st[m->ci], m->oneshot ? 0 : 1};
	v->src[SW_VSRC_TOMB] = (struct sw_vsrc){&m->tomb[m->ti], m->tst[m->ti], 1};
	v->src[SW_VSRC_CLOSED] = (struct sw_vsrc){m->xclosed, m->xst, 1};
}

/* A socket that closed after the mark: its tombstone stays while the mark
 * does (model_mark), also for protocols the closed-connection records
 * cover. */
static bool mark_kept(const struct sw_model *m, const struct sw_conn *c)
{
	if (!m->mark_active)
		return false;
	const struct ent *e = ht_find(m, c);
	return e && e->missed && ent_miss_gen(e) > m->mark_gen;
}

/* The closed-connection rows kept elsewhere, while tombstones are shown. */
static void view_xclosed(const struct sw_model *m, const struct sw_select *sel,
			 const struct sw_filter *f, struct sw_view *v)
{
	const struct sw_snapshot *x = m->xclosed;
	if (!x || !m->ttl)
		return;
	for (size_t i = 0; i < x->nconns; i++) {
		const struct sw_conn *c = &x->conns[i];
		if ((sel && !select_match(sel, c)) || (f && !filter_match(f, x, c)))
			continue;
		if (m->mark_active && mark_kept(m, c))
			continue; /* listed as the model's own tombstone */
		view_add(v, SW_VSRC_CLOSED, i);
	}
}

void model_view(const struct sw_model *m, const struct sw_select *sel,
		const struct sw_filter *f, const struct sw_sortkey *keys,
		size_t nkeys, struct sw_view *v)
{
	model_view_ex(m, sel, f, keys, nkeys, true, v);
}

void model_view_ex(const struct sw_model *m, const struct sw_select *sel,
		   const struct sw_filter *f, const struct sw_sortkey *keys,
		   size_t nkeys, bool closed, struct sw_view *v)
{
	model_view_rows(m, sel, f, closed, v);
	view_sort(v, keys, nkeys);
}

void model_view_rows(const struct sw_model *m, const struct sw_select *sel,
		     const struct sw_filter *f, bool closed, struct sw_view *v)
{
	const struct sw_snapshot *cur = &m->cur[m->ci], *tomb = &m->tomb[m->ti];
	size_t need = cur->nconns + tomb->nconns + (m->xclosed ? m->xclosed->nconns : 0);
	v->ix = xgrow(v->ix, &v->cap, need ? need : 1, sizeof *v->ix);
	v->n = 0;
	view_srcs(m, v);
	for (size_t i = 0; i < cur->nconns; i++) {
		const struct sw_conn *c = &cur->conns[i];
		if ((sel && !select_match(sel, c)) || (f && !filter_match(f, cur, c)))
			continue;
		view_add(v, SW_VSRC_LIVE, i);
	}
	for (size_t i = 0; i < tomb->nconns; i++) {
		const struct sw_conn *c = &tomb->conns[i];
		const struct sw_rowstat *rs = &m->tst[m->ti][i];
		/* kept only by a mark that was cleared since: swept next update */
		if ((rs->flags & SW_ROW_CLOSED) && rs->gone_for > m->ttl && !m->mark_active)
			continue;
		/* the closed-connection records show these, unless the mark
		 * keeps them */
		if ((m->xprotos & SW_PROTO_BIT(c->proto)) && !mark_kept(m, c))
			continue;
		if ((sel && !select_match(sel, c)) || (f && !filter_match(f, tomb, c)))
			continue;
		view_add(v, SW_VSRC_TOMB, i);
	}
	if (closed)
		view_xclosed(m, sel, f, v);
}

#define MAX_KEYS 8

struct sortctx {
	int (*cmp[MAX_KEYS])(const struct sw_row *, const struct sw_row *);
	bool desc[MAX_KEYS];
	size_t n;
	const struct sw_view *v; /* whose handles are sorted */
};

static int cmp_identity(const struct sw_row *a, const struct sw_row *b)
{
	const struct sw_conn *x = a->conn, *y = b->conn;
	if (x->cookie != y->cookie)
		return x->cookie < y->cookie ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return 0;
}

static int row_cmp(const struct sw_row *a, const struct sw_row *b, const struct sortctx *ctx)
{
	for (size_t k = 0; k < ctx->n; k++) {
		int r = ctx->cmp[k](a, b);
		if (r)
			return ctx->desc[k] ? (r < 0 ? 1 : -1) : (r < 0 ? -1 : 1);
	}
	return cmp_identity(a, b);
}

/* qsort_r on handles of ctx->v */
static int handle_cmp(const void *pa, const void *pb, void *arg)
{
	const struct sortctx *ctx = arg;
	struct sw_row a = view_handle_row(ctx->v, *(const uint32_t *)pa);
	struct sw_row b = view_handle_row(ctx->v, *(const uint32_t *)pb);
	return row_cmp(&a, &b, ctx);
}

struct keyed {
	uint64_t key;
	uint32_t idx;
	uint32_t flags; /* sort_by_prefix: KF_* */
};

/* keyed.flags in sort_by_prefix: the row's key under the first / second
 * plan holds its whole value (plan_exact), noted while the records are
 * read in the order they were collected. */
enum { KF_EXACT1 = 1u, KF_EXACT2 = 2u };

/* The sort's scratch arrays: the keys, the radix buffer and its digit
 * counts, the second keys, the permutation's copy of the handles.  Sorting
 * 100k rows took ~7 MB of them, mapped afresh and faulted in every time:
 * ~1,500 page faults a refresh, nearly all of the monitor's.  Arrays up
 * to SCRATCH_KEEP are kept for the next sort: one set, taken by whichever
 * thread sorts (a second sort at the same time makes its own); larger
 * ones (above ~170k rows) are freed after the sort as before, so a
 * million-socket monitor's peak holds no more. */
enum { SC_KEYS, SC_RADIX, SC_COUNT, SC_K2, SC_ROWS, SC_N };
#define SCRATCH_KEEP (4u << 20)

struct scratch {
	void *p[SC_N];
	size_t cap[SC_N];
};

static struct scratch *scratch_cache;

static struct scratch *sc_take(void)
{
	struct scratch *s = __atomic_exchange_n(&scratch_cache, NULL, __ATOMIC_ACQ_REL);
	return s ? s : xcalloc(1, sizeof *s);
}

static void sc_free(struct scratch *s)
{
	for (int i = 0; i < SC_N; i++)
		free(s->p[i]);
	free(s);
}

static void sc_give(struct scratch *s)
{
	s = __atomic_exchange_n(&scratch_cache, s, __ATOMIC_ACQ_REL);
	if (s)
		sc_free(s);
}

void view_sort_scratch_free(void)
{
	struct scratch *s = __atomic_exchange_n(&scratch_cache, NULL, __ATOMIC_ACQ_REL);
	if (s)
		sc_free(s);
}

/* bytes of scratch for `slot`: the kept array when it is small enough */
static void *sc_get(struct scratch *s, int slot, size_t bytes)
{
	if (bytes > SCRATCH_KEEP)
		return xmalloc_big(bytes);
	if (s->cap[slot] < bytes) {
		free(s->p[slot]);
		s->p[slot] = xmalloc_big(bytes);
		s->cap[slot] = bytes;
	}
	return s->p[slot];
}

/* Done with p (from sc_get): freed unless it is a kept array. */
static void sc_put(struct scratch *s, void *p)
{
	for (int i = 0; i < SC_N; i++)
		if (p == s->p[i])
			return;
	free(p);
}

/* Cookie order without a comparator: LSD radix sort, 16-bit digits,
 * skipping digits all keys share (cookies rarely use the top 32 bits). */
/* LSD radix sort of a[0..n) by key (stable); b is scratch of the same
 * size.  Returns whichever of a and b holds the result. */
static struct keyed *radix_keyed(struct scratch *sc, struct keyed *a, struct keyed *b,
				 size_t n)
{
	uint64_t all_or = 0, all_and = UINT64_MAX;
	for (size_t i = 0; i < n; i++) {
		all_or |= a[i].key;
		all_and &= a[i].key;
	}
	uint32_t *count = sc_get(sc, SC_COUNT, 65536 * sizeof *count); /* n < 2^32: idx */
	for (unsigned shift = 0; shift < 64; shift += 16) {
		if ((((all_or ^ all_and) >> shift) & 0xffff) == 0)
			continue; /* every key has the same digit here */
		memset(count, 0, 65536 * sizeof *count);
		for (size_t i = 0; i < n; i++)
			count[(a[i].key >> shift) & 0xffff]++;
		uint32_t sum = 0;
		for (size_t d = 0; d < 65536; d++) {
			uint32_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			b[count[(a[i].key >> shift) & 0xffff]++] = a[i];
		struct keyed *t = a;
		a = b;
		b = t;
	}
	sc_put(sc, count);
	return a;
}

/* ix[i] = (old) ix[a[i].idx] for every i, through a copy (4 bytes a
 * row: 4 MB at a million). */
static void permute_rows(struct scratch *sc, uint32_t *ix, const struct keyed *a, size_t n)
{
	uint32_t sbuf[256];
	uint32_t *tmp = n <= 256 ? sbuf : sc_get(sc, SC_ROWS, n * sizeof *tmp);
	for (size_t i = 0; i < n; i++)
		tmp[i] = ix[a[i].idx];
	memcpy(ix, tmp, n * sizeof *ix);
	if (tmp != sbuf)
		sc_put(sc, tmp);
}

static void keyed_inplace(struct keyed *a, size_t n);

/* Radix-sort ka[0..n) (from sc_get) with a scratch buffer put back before
 * returning: the sorted array (ka or the scratch) is the caller's to
 * sc_put.  Not stable (no caller needs it: runs of equal keys are sorted
 * again); above SCRATCH_KEEP in place, without the buffer. */
static struct keyed *radix_sorted(struct scratch *sc, struct keyed *ka, size_t n)
{
	if (n * sizeof *ka > SCRATCH_KEEP) {
		keyed_inplace(ka, n);
		return ka;
	}
	struct keyed *kb = sc_get(sc, SC_RADIX, n * sizeof *kb);
	struct keyed *a = radix_keyed(sc, ka, kb, n);
	sc_put(sc, a == ka ? kb : ka);
	return a;
}

/* Rows in cookie order: equal cookies (other protocol or family) finish
 * by identity. */
static void finish_identity(const struct sw_view *v, uint32_t *ix, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t x = ix[i];
		struct sw_row rx = view_handle_row(v, x);
		size_t j = i;
		while (j > 0) {
			struct sw_row rp = view_handle_row(v, ix[j - 1]);
			if (rp.conn->cookie != rx.conn->cookie || cmp_identity(&rp, &rx) <= 0)
				break;
			ix[j] = ix[j - 1];
			j--;
		}
		ix[j] = x;
	}
}

/* Sort a[0..n) by key (not stable: callers break ties themselves).
 * Inline, without qsort's comparator calls and its buffer: small runs by
 * insertion, middling ones by quicksort (median of three; the smaller
 * side first, so the stack stays shallow), long ones (from
 * KEYED_RADIX_MIN, which also bounds a quicksort's worst case) by radix,
 * through the SC_ROWS scratch (free until the rows are permuted). */
#define KEYED_RADIX_MIN 4096

static void keyed_isort(struct keyed *a, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct keyed x = a[i];
		size_t j = i;
		while (j > 0 && a[j - 1].key > x.key) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = x;
	}
}

static void keyed_qsort(struct keyed *a, size_t n)
{
	while (n > 24) {
		uint64_t x = a[0].key, y = a[n / 2].key, z = a[n - 1].key;
		uint64_t p = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
		/* Hoare: a[0..j] <= p <= a[j+1..n), with 0 <= j < n - 1 since
		 * the median of three has an element >= it before a[n - 1] */
		size_t i = 0, j = n - 1;
		for (;;) {
			while (a[i].key < p)
				i++;
			while (a[j].key > p)
				j--;
			if (i >= j)
				break;
			struct keyed t = a[i];
			a[i++] = a[j];
			a[j--] = t;
		}
		size_t left = i > j ? i : j + 1;
		if (left < n - left) {
			keyed_qsort(a, left);
			a += left;
			n -= left;
		} else {
			keyed_qsort(a + left, n - left);
			n = left;
		}
	}
	keyed_isort(a, n);
}

/* In-place MSD radix sort by key, 8-bit digits from the highest bit
 * the keys differ in (American flag sort: each bucket's elements are
 * swapped into place, then each bucket sorted by the next digit; small
 * buckets by quicksort).  No second array: at a million rows the LSD
 * sort's buffer was 16 MB more at the monitor's peak (the sort of the
 * frame being built, beside both frames). */
static void msd_keyed(struct keyed *a, size_t n, int shift)
{
	while (n > 64) {
		if (shift < 0)
			return; /* every digit read: the keys are equal */
		uint32_t count[256] = {0};
		for (size_t i = 0; i < n; i++)
			count[(a[i].key >> shift) & 255]++;
		if (count[(a[0].key >> shift) & 255] == n) {
			shift -= 8; /* one digit for all: the next */
			continue;
		}
		size_t next[256], end[256], at = 0;
		for (int d = 0; d < 256; d++) {
			next[d] = at;
			at += count[d];
			end[d] = at;
		}
		for (int d = 0; d < 256; d++) {
			while (next[d] < end[d]) {
				struct keyed x = a[next[d]];
				unsigned dx = (unsigned)(x.key >> shift) & 255;
				while (dx != (unsigned)d) { /* x's place, and what was there */
					struct keyed y = a[next[dx]];
					a[next[dx]++] = x;
					x = y;
					dx = (unsigned)(x.key >> shift) & 255;
				}
				a[next[d]++] = x;
			}
		}
		size_t from = 0;
		for (int d = 0; d < 256; d++) {
			if (count[d] > 1)
				msd_keyed(a + from, count[d], shift - 8);
			from += count[d];
		}
		return;
	}
	keyed_qsort(a, n);
}

static void keyed_inplace(struct keyed *a, size_t n)
{
	uint64_t all_or = 0, all_and = UINT64_MAX;
	for (size_t i = 0; i < n; i++) {
		all_or |= a[i].key;
		all_and &= a[i].key;
	}
	uint64_t diff = all_or ^ all_and;
	if (!diff)
		return; /* all equal */
	int top = 63 - __builtin_clzll(diff);
	msd_keyed(a, n, top & ~7);
}

static void keyed_sort(struct scratch *sc, struct keyed *a, size_t n)
{
	if (n < KEYED_RADIX_MIN) {
		keyed_qsort(a, n);
		return;
	}
	if (n * sizeof *a > SCRATCH_KEEP) {
		keyed_inplace(a, n);
		return;
	}
	struct keyed *b = sc_get(sc, SC_ROWS, n * sizeof *b);
	struct keyed *r = radix_keyed(sc, a, b, n);
	if (r != a)
		memcpy(a, r, n * sizeof *a);
	sc_put(sc, b);
}

/* A run whose sort columns are all equal: identity order (cookie, then
 * protocol and family) without the comparator chain.  At 100k sockets
 * the monitor's state,remote order has runs of thousands (TIME_WAIT
 * towards one server port, the listeners). */
static void sort_identity(struct scratch *sc, const struct sw_view *v, uint32_t *run, size_t n)
{
	struct keyed stackbuf[64];
	struct keyed *kk = n <= 64 ? stackbuf : sc_get(sc, SC_KEYS, n * sizeof *kk);
	for (size_t i = 0; i < n; i++) {
		kk[i].key = view_handle_row(v, run[i]).conn->cookie;
		kk[i].idx = (uint32_t)i;
	}
	keyed_sort(sc, kk, n);
	permute_rows(sc, run, kk, n);
	if (kk != stackbuf)
		sc_put(sc, kk);
	finish_identity(v, run, n);
}

static void sort_by_cookie(struct scratch *sc, struct sw_view *v)
{
	size_t n = v->n;
	struct keyed *ka = sc_get(sc, SC_KEYS, n * sizeof *ka);
	for (size_t i = 0; i < n; i++) {
		ka[i].key = view_row(v, i).conn->cookie;
		ka[i].idx = (uint32_t)i;
	}
	struct keyed *a = radix_sorted(sc, ka, n);
	permute_rows(sc, v->ix, a, n);
	sc_put(sc, a);
	finish_identity(v, v->ix, n);
}

/* Large views: radix sort on a 64-bit prefix composed of the leading sort
 * columns' keys (column_sortkey), then the comparator only inside runs of
 * equal prefixes.  Returns false (nothing done) when the first sort column
 * has no key. */
#define PREFIX_SORT_MIN 512

/* Sort columns packed into one 64-bit key. */
struct keyplan {
	struct sw_colkey ck[MAX_KEYS];
	bool desc[MAX_KEYS];
	size_t nk;
	bool cut; /* the last column kept only its top bits */
};

/* Pack keys[from..] until 64 bits are used or a column's key is only a
 * prefix of its value; returns the index of the first column left out. */
static size_t plan_keys(const struct sw_sortkey *keys, size_t nkeys, size_t from,
			struct keyplan *p)
{
	unsigned used = 0;
	size_t k = from;
	p->nk = 0;
	p->cut = false;
	while (k < nkeys && p->nk < MAX_KEYS && used < 64) {
		struct sw_colkey c;
		if (!column_sortkey((enum sw_col_id)keys[k].col, &c))
			break;
		p->ck[p->nk] = c;
		p->desc[p->nk] = keys[k].desc;
		p->nk++;
		k++;
		if (used + c.bits > 64)
			p->cut = true;
		used += c.bits;
		if (!c.exact)
			break; /* ties in a prefix: later keys would misorder */
	}
	return k;
}

static uint64_t plan_key(const struct keyplan *p, const struct sw_row *r)
{
	uint64_t key = 0;
	unsigned room = 64;
	for (size_t k = 0; k < p->nk && room; k++) {
		unsigned b = p->ck[k].bits;
		uint64_t mask = b >= 64 ? UINT64_MAX : (1ull << b) - 1;
		uint64_t v = p->ck[k].key(r) & mask;
		if (p->desc[k])
			v = ~v & mask;
		if (b > room) { /* keep the top bits: still order-preserving */
			v >>= b - room;
			b = room;
		}
		key = b >= 64 ? v : key << b | v;
		room -= b;
	}
	return key;
}

/* Equal keys mean equal cells for r (so later columns may decide). */
static bool plan_exact(const struct keyplan *p, const struct sw_row *r)
{
	if (p->cut)
		return false;
	for (size_t k = 0; k < p->nk; k++)
		if (!p->ck[k].exact && !(p->ck[k].exact_row && p->ck[k].exact_row(r)))
			return false;
	return true;
}

/* Rows sort_by_prefix leaves tied: equal keys under every plan that
 * applied to them; `exact` when those keys hold every sort column's whole
 * value, so identity alone orders them. */
struct tie {
	size_t at, n;
	bool exact;
};

static void add_tie(struct tie **t, size_t *n, size_t *cap, size_t at, size_t len, bool exact)
{
	*t = xgrow(*t, cap, *n + 1, sizeof **t);
	(*t)[(*n)++] = (struct tie){at, len, exact};
}

static bool sort_by_prefix(struct scratch *sc, struct sw_view *v, const struct sw_sortkey *keys,
			   size_t nkeys, struct sortctx *ctx)
{
	size_t n = v->n;
	/* the columns the comparator uses, in order (view_sort skips the
	 * others too) */
	struct sw_sortkey eff[MAX_KEYS];
	size_t neff = 0;
	for (size_t k = 0; k < nkeys && neff < MAX_KEYS; k++) {
		if (keys[k].col < 0 || keys[k].col >= SW_COL_COUNT)
			continue;
		const struct sw_column *col = column_get((enum sw_col_id)keys[k].col);
		if (!col || !col->compare)
			continue;
		eff[neff++] = keys[k];
	}
	struct keyplan p1, p2;
	size_t next = plan_keys(eff, neff, 0, &p1);
	if (p1.nk == 0)
		return false;
	size_t next2 = plan_keys(eff, neff, next, &p2);
	/* Every key and exactness from the records in the order they were
	 * collected (read once, in order); the runs below are ordered from
	 * these alone, and only the rows still tied are compared. */
	bool two = p2.nk > 0;
	bool all1 = next >= neff, all2 = next2 >= neff;
	uint64_t *k2 = two ? sc_get(sc, SC_K2, n * sizeof *k2) : NULL;
	struct keyed *ka = sc_get(sc, SC_KEYS, n * sizeof *ka);
	for (size_t i = 0; i < n; i++) {
		struct sw_row row = view_row(v, i);
		const struct sw_row *r = &row;
		ka[i].key = plan_key(&p1, r);
		ka[i].idx = (uint32_t)i;
		ka[i].flags = plan_exact(&p1, r) ? KF_EXACT1 : 0;
		if (two) {
			k2[i] = plan_key(&p2, r);
			ka[i].flags |= plan_exact(&p2, r) ? KF_EXACT2 : 0;
		}
	}
	struct keyed *a = radix_sorted(sc, ka, n);
	struct tie *ties = NULL;
	size_t nties = 0, capties = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		unsigned all = a[i].flags;
		while (j < n && a[j].key == a[i].key)
			all &= a[j++].flags;
		if (j - i > 1 && two && (all & KF_EXACT1)) {
			/* equal whole first values: the run by its second key
			 * (a[i..j).key is not needed as the first any more) */
			for (size_t x = i; x < j; x++)
				a[x].key = k2[a[x].idx];
			keyed_sort(sc, a + i, j - i);
			for (size_t s2 = i; s2 < j;) {
				size_t e = s2 + 1;
				unsigned all_2 = a[s2].flags;
				while (e < j && a[e].key == a[s2].key)
					all_2 &= a[e++].flags;
				if (e - s2 > 1)
					add_tie(&ties, &nties, &capties, s2, e - s2,
						all2 && (all_2 & KF_EXACT2));
				s2 = e;
			}
		} else if (j - i > 1) {
			add_tie(&ties, &nties, &capties, i, j - i, all1 && !two && (all & KF_EXACT1));
		}
		i = j;
	}
	if (k2)
		sc_put(sc, k2);
	permute_rows(sc, v->ix, a, n);
	sc_put(sc, a);
	for (size_t t = 0; t < nties; t++) {
		if (ties[t].exact)
			sort_identity(sc, v, v->ix + ties[t].at, ties[t].n);
		else
			qsort_r(v->ix + ties[t].at, ties[t].n, sizeof *v->ix, handle_cmp, ctx);
	}
	free(ties);
	return true;
}

static void sortctx_init(struct sortctx *ctx, const struct sw_view *v, const struct sw_sortkey *keys,
			 size_t nkeys)
{
	ctx->v = v;
	ctx->n = 0;
	for (size_t k = 0; k < nkeys && ctx->n < MAX_KEYS; k++) {
		if (keys[k].col < 0 || keys[k].col >= SW_COL_COUNT)
			continue;
		const struct sw_column *col = column_get((enum sw_col_id)keys[k].col);
		if (!col || !col->compare)
			continue;
		ctx->cmp[ctx->n] = col->compare;
		ctx->desc[ctx->n] = keys[k].desc;
		ctx->n++;
	}
}

size_t model_view_add_closed(const struct sw_model *m, const struct sw_select *sel,
			     const struct sw_filter *f, const struct sw_sortkey *keys,
			     size_t nkeys, struct sw_view *v)
{
	struct sw_view x = {0};
	size_t need = m->xclosed ? m->xclosed->nconns : 0;
	if (!need || !m->ttl)
		return 0;
	x.ix = xmalloc(need * sizeof *x.ix);
	x.cap = need;
	view_srcs(m, &x);
	v->src[SW_VSRC_CLOSED] = x.src[SW_VSRC_CLOSED];
	view_xclosed(m, sel, f, &x);
	view_sort(&x, keys, nkeys);
	/* merged from the back: the order is the one view_sort gives */
	struct sortctx ctx;
	sortctx_init(&ctx, v, keys, nkeys);
	v->ix = xgrow(v->ix, &v->cap, v->n + x.n ? v->n + x.n : 1, sizeof *v->ix);
	size_t i = v->n, j = x.n, k = v->n + x.n;
	while (j > 0) {
		struct sw_row a = i > 0 ? view_row(v, i - 1) : (struct sw_row){0};
		struct sw_row b = view_row(&x, j - 1);
		if (i > 0 && row_cmp(&a, &b, &ctx) > 0)
			v->ix[--k] = v->ix[--i];
		else
			v->ix[--k] = x.ix[--j];
	}
	v->n += x.n;
	size_t added = x.n;
	view_done(&x);
	return added;
}

void view_sort(struct sw_view *v, const struct sw_sortkey *keys, size_t nkeys)
{
	struct sortctx ctx;
	sortctx_init(&ctx, v, keys, nkeys);
	if (v->n < 2)
		return;
	if (ctx.n > 0 && v->n < PREFIX_SORT_MIN) {
		qsort_r(v->ix, v->n, sizeof *v->ix, handle_cmp, &ctx);
		return;
	}
	struct scratch *sc = sc_take();
	if (ctx.n == 0)
		sort_by_cookie(sc, v);
	else if (!sort_by_prefix(sc, v, keys, nkeys, &ctx))
		qsort_r(v->ix, v->n, sizeof *v->ix, handle_cmp, &ctx);
	sc_give(sc);
}

size_t view_live(const struct sw_view *v)
{
	size_t n = 0;
	for (size_t i = 0; i < v->n; i++) {
		struct sw_row r = view_row(v, i);
		n += !(r.st && (r.st->flags & SW_ROW_CLOSED));
	}
	return n;
}

long view_find_cookie(const struct sw_view *v, uint64_t cookie)
{
	for (size_t i = 0; i < v->n; i++)
		if (view_row(v, i).conn->cookie == cookie)
			return (long)i;
	return -1;
}

void view_of_rows(struct sw_view *v, const struct sw_row *rows, size_t n)
{
	v->ix = xgrow(v->ix, &v->cap, n ? n : 1, sizeof *v->ix);
	for (size_t i = 0; i < n; i++)
		v->ix[i] = (uint32_t)i;
	v->n = n;
	memset(v->src, 0, sizeof v->src);
	v->rowv = rows;
}

void view_done(struct sw_view *v)
{
	free(v->ix);
	v->ix = NULL;
	v->n = v->cap = 0;
	v->rowv = NULL;
}
