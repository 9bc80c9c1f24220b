/* SPDX-License-Identifier: GPL-2.0-or-later */
/* histfile_enc.c - snapshots to history samples (see histfile.h; the rows
 * and the decoder are in histcodec.c).
 *
 * The encoder keeps what a reader will hold after each sample without
 * decoding its own output: a copy of the snapshot it encoded (the
 * previous sample's sockets in cookie order) plus, per socket, the three
 * time fields as recorded (a move within the slack leaves the recorded
 * one in place, so the reader's differs from the snapshot's), carried to
 * each new sample's time as the reader carries them (hf_carried()).
 * tests/unit/test_histfile.c checks the two agree over timers that expire
 * and idle times that grow, slack or not.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "histfile.h"
#include "histfile_priv.h"
#include "util.h"

/* The encoder's side of struct ref: the row before, its strings in the
 * snapshot, its owners list as written. */
struct wref {
	uint64_t f[NF];
	uint64_t mask; /* written xor the row before's */
	struct strs st;
	struct hf_buf owners;
};

/* A socket of a sample in cookie order: the cookie, its index in the
 * snapshot, its time fields as the reader holds them. */
struct ent {
	uint64_t cookie;
	uint32_t idx;
	uint64_t tf[3]; /* F_EXPIRES, F_LAST_SENT, F_LAST_RECV */
};
struct key {
	uint64_t cookie;
	uint64_t idx;
};
static const int time_field[3] = {F_EXPIRES, F_LAST_SENT, F_LAST_RECV};

struct hf_enc {
	unsigned keyframe, since_key;
	size_t key_bytes, since_key_bytes; /* the last keyframe's size, the deltas' since */
	uint32_t slack_ms;
	bool restart;
	uint64_t seq;
	struct sw_snapshot prev; /* a copy of the sample written last... */
	const struct sw_snapshot *o; /* ...or the caller's (hf_enc_sample_kept()) */
	struct ent *ord, *pord; /* this sample's, the last one's */
	size_t n, pn, capord, cappord;
	struct key *keys, *tmpkeys; /* radix sort */
	size_t capkeys, captmp;
	struct hf_buf pay, sec, rm, add, ch, tmp, tmp2;
	struct hf_buf procs_last, ifn_last;
	struct wref ref; /* the full row written before */
	const struct sw_snapshot *ev; /* close events for the next sample */
	uint64_t ev_dropped;
};

struct hf_enc *hf_enc_new(unsigned keyframe, uint32_t slack_ms)
{
	struct hf_enc *e = xcalloc(1, sizeof *e);
	snapshot_init(&e->prev);
	e->prev.detail = false;
	e->keyframe = keyframe ? keyframe : 1;
	e->slack_ms = slack_ms;
	e->restart = true;
	return e;
}

void hf_enc_free(struct hf_enc *e)
{
	if (!e)
		return;
	snapshot_done(&e->prev);
	free(e->ord);
	free(e->pord);
	free(e->keys);
	free(e->tmpkeys);
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

/* LSD radix sort on the cookie, a byte at a time, skipping the bytes all
 * cookies share (cookies count up: most of the high bytes). */
static struct key *radix(struct key *a, struct key *tmp, size_t n)
{
	uint64_t diff = 0;
	bool sorted = true;
	for (size_t i = 1; i < n; i++) {
		diff |= a[i].cookie ^ a[0].cookie;
		sorted &= a[i - 1].cookie <= a[i].cookie;
	}
	for (unsigned sh = 0; sh < 64 && !sorted; sh += 8) {
		if (!((diff >> sh) & 0xff))
			continue;
		size_t cnt[257] = {0};
		for (size_t i = 0; i < n; i++)
			cnt[((a[i].cookie >> sh) & 0xff) + 1]++;
		for (int k = 0; k < 256; k++)
			cnt[k + 1] += cnt[k];
		for (size_t i = 0; i < n; i++)
			tmp[cnt[(a[i].cookie >> sh) & 0xff]++] = a[i];
		struct key *t = a;
		a = tmp;
		tmp = t;
	}
	return a;
}

/* e->ord: the rows of s in cookie order, duplicates dropped (e->n). */
static void cookie_order(struct hf_enc *e, const struct sw_snapshot *s)
{
	e->keys = xgrow(e->keys, &e->capkeys, s->nconns + 1, sizeof *e->keys);
	e->tmpkeys = xgrow(e->tmpkeys, &e->captmp, s->nconns + 1, sizeof *e->tmpkeys);
	e->ord = xgrow(e->ord, &e->capord, s->nconns + 1, sizeof *e->ord);
	for (size_t i = 0; i < s->nconns; i++)
		e->keys[i] = (struct key){s->conns[i].cookie, i};
	const struct key *k = radix(e->keys, e->tmpkeys, s->nconns);
	size_t out = 0;
	for (size_t i = 0; i < s->nconns; i++)
		if (!out || k[i].cookie != e->ord[out - 1].cookie)
			e->ord[out++] = (struct ent){.cookie = k[i].cookie, .idx = (uint32_t)k[i].idx};
	e->n = out;
}

static void section(struct hf_buf *pay, unsigned tag, const struct hf_buf *b)
{
	hf_put_uv(pay, tag);
	hf_put_str(pay, b->p, b->len);
}

static void wref_reset(struct wref *x)
{
	memset(x->f, 0, sizeof x->f);
	x->mask = 0;
	memset(&x->st, 0, sizeof x->st);
	x->owners.len = 0;
	hf_put_uv(&x->owners, 0);
}

static bool same_bytes(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	return an == bn && (!an || memcmp(a, b, an) == 0);
}

static uint64_t t_ms(const struct sw_snapshot *s)
{
	return s->mono_ns / 1000000u;
}

/* What the reader will hold of a row written at time t. */
static void held_times(struct ent *x, const uint64_t f[NF], uint64_t t)
{
	for (int k = 0; k < 3; k++)
		x->tf[k] = hf_carried(time_field[k], f[time_field[k]], t);
}

static void put_full(struct hf_enc *e, struct hf_buf *b, const struct sw_snapshot *s,
		     struct ent *x, struct wref *r, bool lossy)
{
	const struct sw_conn *c = &s->conns[x->idx];
	uint64_t f[NF], mask = 0;
	hf_flatten(s, c, lossy, f);
	for (int i = 0; i < NF; i++)
		if (f[i] != r->f[i])
			mask |= 1ull << i;
	struct strs st;
	hf_strs_of(s, c, &st);
	if (!same_bytes(st.name, st.name_len, r->st.name, r->st.name_len))
		mask |= 1ull << B_NAME;
	if (!same_bytes(st.cong, st.cong_len, r->st.cong, r->st.cong_len))
		mask |= 1ull << B_CONG;
	e->tmp.len = 0;
	hf_put_owners(&e->tmp, s, c);
	if (!same_bytes(e->tmp.p, e->tmp.len, r->owners.p, r->owners.len))
		mask |= 1ull << B_OWNERS;
	hf_put_uv(b, mask ^ r->mask);
	r->mask = mask;
	for (int i = 0; i < NF; i++)
		if (mask & (1ull << i))
			hf_put_uv(b, hf_zz((int64_t)(f[i] - r->f[i])));
	if (mask & (1ull << B_NAME))
		hf_put_str(b, st.name, st.name_len);
	if (mask & (1ull << B_CONG))
		hf_put_str(b, st.cong, st.cong_len);
	if (mask & (1ull << B_OWNERS)) {
		hf_put(b, e->tmp.p, e->tmp.len);
		r->owners.len = 0;
		hf_put(&r->owners, e->tmp.p, e->tmp.len);
	}
	memcpy(r->f, f, sizeof f);
	r->st = st;
	held_times(x, f, t_ms(s));
}

/* The same processes and descriptors (what hf_put_owners would write). */
static bool same_owners(const struct sw_snapshot *s, const struct sw_conn *c,
			const struct sw_snapshot *o, const struct sw_conn *oc)
{
	if (c->owners_n != oc->owners_n)
		return false;
	for (uint32_t i = 0; i < c->owners_n; i++) {
		struct sw_owner ab, bb;
		if (!snapshot_owner(s, c, i, &ab) || !snapshot_owner(o, oc, i, &bb))
			return false;
		const struct sw_owner *a = &ab, *b = &bb;
		if (a->fd != b->fd || a->proc >= s->nprocs || b->proc >= o->nprocs ||
		    s->procs[a->proc].pid != o->procs[b->proc].pid)
			return false;
	}
	return true;
}

/* The mask of what changed in row x since the reader's row px (the old
 * row's time fields as the reader holds them; moves within the slack are
 * not changes).  f: the new row (the slack's fields as recorded). */
static uint64_t changed_mask(const struct hf_enc *e, const struct sw_snapshot *s,
			     const struct ent *x, const struct ent *px, uint64_t f[NF],
			     uint64_t g[NF])
{
	const struct sw_snapshot *o = e->o;
	const struct sw_conn *c = &s->conns[x->idx], *oc = &o->conns[px->idx];
	uint64_t mask = 0;
	hf_flatten(s, c, e->slack_ms > 0, f);
	hf_flatten(o, oc, e->slack_ms > 0, g);
	for (int k = 0; k < 3; k++) {
		int i = time_field[k];
		g[i] = px->tf[k];
		if ((f[i] & 1) && (g[i] & 1)) {
			uint64_t a = f[i] >> 1, z = g[i] >> 1;
			if ((a > z ? a - z : z - a) <= e->slack_ms)
				f[i] = g[i];
		}
	}
	for (int i = 0; i < NF; i++)
		if (f[i] != g[i])
			mask |= 1ull << i;
	struct strs a, b;
	hf_strs_of(s, c, &a);
	hf_strs_of(o, oc, &b);
	if (!same_bytes(a.name, a.name_len, b.name, b.name_len))
		mask |= 1ull << B_NAME;
	if (!same_bytes(a.cong, a.cong_len, b.cong, b.cong_len))
		mask |= 1ull << B_CONG;
	if (!same_owners(s, c, o, oc))
		mask |= 1ull << B_OWNERS;
	return mask;
}

#define SPAN(T, a, b) (offsetof(T, b) - offsetof(T, a))

/* The recorded fields of two rows that are stored as they are (not the
 * cookie, the times, the indexes into other tables) are the same. */
static bool same_plain(const struct sw_conn *c, const struct sw_conn *d)
{
	return !memcmp(&c->inode, &d->inode, SPAN(struct sw_conn, inode, expires_ms)) &&
	       !memcmp(&c->rq, &d->rq, SPAN(struct sw_conn, rq, name_off)) &&
	       c->name_len == d->name_len && c->owners_n == d->owners_n && c->rmem == d->rmem &&
	       c->wmem == d->wmem;
}

static bool same_tcpx(const struct sw_tcpx *x, const struct sw_tcpx *y)
{
	return !memcmp(x, y, offsetof(struct sw_tcpx, last_data_sent_ms)) &&
	       !memcmp(&x->bytes_acked, &y->bytes_acked,
		       sizeof *x - offsetof(struct sw_tcpx, bytes_acked));
}

/* Row x the same as the reader's px, its times within the slack: most
 * rows in most samples, told apart without flattening them. */
static bool row_same(const struct hf_enc *e, const struct sw_snapshot *s, const struct ent *x,
		     const struct ent *px)
{
	const struct sw_snapshot *o = e->o;
	const struct sw_conn *c = &s->conns[x->idx], *oc = &o->conns[px->idx];
	if (!same_plain(c, oc))
		return false;
	const struct sw_tcpx *xa = snapshot_tcpx(s, c), *xb = snapshot_tcpx(o, oc);
	if (!xa != !xb || (xa && (!same_tcpx(xa, xb) ||
				  strcmp(snapshot_cong(s, xa), snapshot_cong(o, xb)))))
		return false;
	uint64_t f[NF];
	hf_times(s, c, f);
	for (int k = 0; k < 3; k++) {
		uint64_t v = f[time_field[k]], g = px->tf[k];
		if (v != g && (!(v & 1) || !(g & 1) ||
			       ((v >> 1) > (g >> 1) ? (v >> 1) - (g >> 1) : (g >> 1) - (v >> 1)) >
				       e->slack_ms))
			return false;
	}
	struct strs sa, sb;
	hf_strs_of(s, c, &sa);
	hf_strs_of(o, oc, &sb);
	return same_bytes(sa.name, sa.name_len, sb.name, sb.name_len) && same_owners(s, c, o, oc);
}

/* A row in both samples: its mask and differences when it changed (true),
 * and in x what the reader holds of it either way. */
static bool put_changed(struct hf_enc *e, struct hf_buf *b, const struct sw_snapshot *s,
			struct ent *x, const struct ent *px, struct hf_chctx *cx)
{
	if (row_same(e, s, x, px)) {
		for (int k = 0; k < 3; k++)
			x->tf[k] = hf_carried(time_field[k], px->tf[k], t_ms(s));
		return false;
	}
	uint64_t f[NF], g[NF];
	uint64_t mask = changed_mask(e, s, x, px, f, g);
	held_times(x, f, t_ms(s));
	if (!mask)
		return false;
	hf_put_uv(b, mask ^ cx->mask);
	cx->mask = mask;
	for (int i = 0; i < NF; i++) {
		if (!(mask & (1ull << i)))
			continue;
		int64_t v = (int64_t)(f[i] - g[i]);
		if (i == F_EXPIRES) {
			int64_t p = cx->expires_move;
			cx->expires_move = v;
			v -= p;
		}
		hf_put_uv(b, hf_zz(v));
	}
	const struct sw_conn *c = &s->conns[x->idx];
	struct strs st;
	hf_strs_of(s, c, &st);
	if (mask & (1ull << B_NAME))
		hf_put_str(b, st.name, st.name_len);
	if (mask & (1ull << B_CONG))
		hf_put_str(b, st.cong, st.cong_len);
	if (mask & (1ull << B_OWNERS))
		hf_put_owners(b, s, c);
	return true;
}

static void enc_conns(struct hf_enc *e, const struct sw_snapshot *s)
{
	e->sec.len = 0;
	hf_put_uv(&e->sec, e->n);
	uint64_t prev = 0;
	wref_reset(&e->ref);
	for (size_t i = 0; i < e->n; i++) {
		hf_put_uv(&e->sec, e->ord[i].cookie - prev);
		prev = e->ord[i].cookie;
		put_full(e, &e->sec, s, &e->ord[i], &e->ref, e->slack_ms > 0);
	}
	section(&e->pay, HF_SEC_CONNS, &e->sec);
}

struct dlist {
	uint64_t n, prev;
};

static void dlist_add(struct hf_buf *b, struct dlist *l, uint64_t cookie)
{
	hf_put_uv(b, cookie - l->prev);
	l->prev = cookie;
	l->n++;
}

static void enc_delta(struct hf_enc *e, const struct sw_snapshot *s)
{
	e->rm.len = e->add.len = e->ch.len = 0;
	struct dlist rm = {0, 0}, add = {0, 0}, ch = {0, 0};
	struct hf_chctx cx = {0, 0};
	size_t i = 0, j = 0;
	wref_reset(&e->ref);
	while (i < e->n || j < e->pn) {
		struct ent *x = i < e->n ? &e->ord[i] : NULL;
		const struct ent *px = j < e->pn ? &e->pord[j] : NULL;
		if (x && (!px || x->cookie < px->cookie)) {
			dlist_add(&e->add, &add, x->cookie);
			put_full(e, &e->add, s, x, &e->ref, e->slack_ms > 0);
			i++;
		} else if (!px) {
			break; /* unreachable: one of the two is there */
		} else if (!x || px->cookie < x->cookie) {
			dlist_add(&e->rm, &rm, px->cookie);
			j++;
		} else {
			size_t mark = e->ch.len;
			hf_put_uv(&e->ch, x->cookie - ch.prev);
			if (put_changed(e, &e->ch, s, x, px, &cx)) {
				ch.prev = x->cookie;
				ch.n++;
			} else {
				e->ch.len = mark;
			}
			i++, j++;
		}
	}
	e->sec.len = 0;
	hf_put_uv(&e->sec, rm.n);
	hf_put_str(&e->sec, e->rm.p, e->rm.len);
	hf_put_uv(&e->sec, ch.n);
	hf_put_str(&e->sec, e->ch.p, e->ch.len);
	hf_put_uv(&e->sec, add.n);
	hf_put_str(&e->sec, e->add.p, e->add.len);
	section(&e->pay, HF_SEC_DELTA, &e->sec);
}

static void put_kstat_ints(struct hf_buf *b, const struct sw_kstat *k)
{
	for (int i = 0; i < KSTAT_NINTS; i++)
		hf_put_uv(b, hf_zz(*hf_kstat_int((struct sw_kstat *)k, i)));
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

void hf_enc_set_events(struct hf_enc *e, const struct sw_snapshot *ev, uint64_t dropped_total)
{
	e->ev = ev;
	e->ev_dropped = dropped_total;
}

/* The close events, in the order received (read by hf_events_decode),
 * their times as of the sample's. */
static void enc_churn(struct hf_enc *e, const struct sw_snapshot *s)
{
	if (!e->ev)
		return;
	struct sw_snapshot at = *e->ev; /* shares the arrays: read only */
	const struct sw_snapshot *ev = &at;
	at.mono_ns = s->mono_ns;
	e->ev = NULL;
	e->sec.len = 0;
	hf_put_uv(&e->sec, e->ev_dropped);
	hf_put_uv(&e->sec, ev->nconns);
	uint64_t prev = 0;
	wref_reset(&e->ref);
	for (size_t i = 0; i < ev->nconns; i++) {
		struct ent x = {.cookie = ev->conns[i].cookie, .idx = (uint32_t)i};
		hf_put_uv(&e->sec, hf_zz((int64_t)(x.cookie - prev)));
		prev = x.cookie;
		put_full(e, &e->sec, ev, &x, &e->ref, false);
	}
	section(&e->pay, HF_SEC_CHURN, &e->sec);
}

/* This sample becomes the reference of the next one. */
static void keep(struct hf_enc *e, const struct sw_snapshot *s, bool kept)
{
	if (!kept)
		hf_snapshot_copy(&e->prev, s);
	e->o = kept ? s : &e->prev;
	struct ent *t = e->pord;
	e->pord = e->ord;
	e->ord = t;
	size_t c = e->cappord;
	e->cappord = e->capord;
	e->capord = c;
	e->pn = e->n;
}

static void enc_sample(struct hf_enc *e, const struct sw_snapshot *s, struct hf_buf *out,
		       bool *key, bool kept)
{
	const struct sw_snapshot *o = e->o;
	/* a keyframe every so many samples, or sooner when the deltas since
	 * the last one add up to more than 12 keyframes: then jumping to a
	 * time never decodes more than that after the keyframe before it */
	bool k = e->restart || !o || e->since_key + 1 >= e->keyframe ||
		 e->since_key_bytes > 12 * e->key_bytes;
	e->since_key = k ? 0 : e->since_key + 1;
	e->restart = false;
	cookie_order(e, s);
	struct hf_buf *p = &e->pay;
	p->len = 0;
	hf_put_u8(p, k ? HF_KEYFRAME : HF_DELTA);
	uint64_t base = e->seq;
	hf_put_uv(p, ++e->seq);
	if (!k)
		hf_put_uv(p, base);
	hf_put_uv(p, hf_zz(s->real_sec));
	hf_put_uv(p, s->mono_ns);
	enc_meta(e, s);
	enc_procs(e, s, k);
	if (k)
		enc_conns(e, s);
	else
		enc_delta(e, s);
	if (s->have_kstat)
		enc_kstat(e, &s->kstat, !k && o->have_kstat ? &o->kstat : NULL);
	enc_ifnames(e, s, k);
	enc_churn(e, s);
	hf_put(out, "SWSF", 4);
	hf_put_le32(out, (uint32_t)p->len);
	hf_put_le32(out, hf_crc32(0, p->p, p->len));
	hf_put(out, p->p, p->len);
	keep(e, s, kept);
	if (k)
		e->key_bytes = p->len, e->since_key_bytes = 0;
	else
		e->since_key_bytes += p->len;
	*key = k;
}

void hf_enc_sample(struct hf_enc *e, const struct sw_snapshot *s, struct hf_buf *out, bool *key)
{
	enc_sample(e, s, out, key, false);
}

void hf_enc_sample_kept(struct hf_enc *e, const struct sw_snapshot *s, struct hf_buf *out,
			bool *key)
{
	enc_sample(e, s, out, key, true);
}
