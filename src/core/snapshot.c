/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "snapshot.h"
#include "util.h"

void snapshot_init(struct sw_snapshot *s)
{
	memset(s, 0, sizeof *s);
	s->detail = true;
	snapshot_clear(s);
}

void snapshot_done(struct sw_snapshot *s)
{
	free(s->conns);
	free(s->tcpx);
	free(s->dpack);
	free(s->dpack_at);
	free(s->procs);
	free(s->owners);
	free(s->pool);
	free(s->ifnames);
	free(s->nss);
	free(s->nskstat);
	free(s->dedupe_slots);
	sw_atab_free(s->atab);
	memset(s, 0, sizeof *s);
}

struct sw_atab *snapshot_atab(struct sw_snapshot *s)
{
	if (!s->atab)
		s->atab = sw_atab_new();
	return s->atab;
}

void snapshot_set_addr(struct sw_snapshot *s, struct sw_conn *c, bool remote,
		       const uint8_t addr[16])
{
	sw_conn_set_addr(c, snapshot_atab(s), remote, addr);
}

void snapshot_rehome(struct sw_snapshot *s, struct sw_conn *c)
{
	if (c->local.ai || c->remote.ai)
		sw_conn_rehome(c, snapshot_atab(s));
	else
		c->atab = 0; /* no address: any table reads zeros */
}

bool snapshot_oversized(const struct sw_snapshot *s, size_t now, size_t keep_bytes)
{
	return s->capconns * sizeof *s->conns > keep_bytes ||
	       s->capconns > 4 * (now > 1024 ? now : 1024);
}

void snapshot_clear(struct sw_snapshot *s)
{
	s->nconns = s->ntcpx = s->nprocs = s->nowners = s->nifnames = 0;
	if (s->atab)
		sw_atab_clear(s->atab);
	s->dpacklen = s->ndpack_at = s->nns = 0;
	s->pool = xgrow(s->pool, &s->poolcap, 1, 1);
	s->pool[0] = '\0';
	s->poollen = 1;
	s->nintern = 0;
	s->mono_ns = 0;
	s->real_sec = 0;
	s->collect_ms = 0;
	s->have_kstat = false;
	s->kstat.ncounters = 0;
	s->protos_done = s->protos_missing = s->notes = 0;
	s->procs_unreadable = 0;
	s->netns[0] = '\0';
	s->hostname[0] = '\0';
}

/* Below this many records growing as they come costs nothing worth a
 * reservation. */
#define RESERVE_MIN 16384

struct sw_conn *snapshot_add_conn(struct sw_snapshot *s)
{
	s->conns = xgrow(s->conns, &s->capconns, s->nconns + 1, sizeof *s->conns);
	struct sw_conn *c = &s->conns[s->nconns++];
	memset(c, 0, sizeof *c);
	c->tcpx = SW_NONE;
	if (s->ndpack_at >= s->nconns) /* left by records dropped since */
		s->ndpack_at = s->nconns - 1;
	return c;
}

void snapshot_reserve(struct sw_snapshot *s, size_t nconns, bool tcpx)
{
	if (nconns < RESERVE_MIN)
		return;
	s->conns = xgrow(s->conns, &s->capconns, nconns, sizeof *s->conns);
	if (tcpx)
		s->tcpx = xgrow(s->tcpx, &s->captcpx, nconns, sizeof *s->tcpx);
}

struct sw_tcpx *snapshot_add_tcpx(struct sw_snapshot *s, size_t ci)
{
	s->tcpx = xgrow(s->tcpx, &s->captcpx, s->ntcpx + 1, sizeof *s->tcpx);
	struct sw_tcpx *t = &s->tcpx[s->ntcpx];
	memset(t, 0, sizeof *t);
	/* a UNIX socket's room holds its name: it gets none (a hostile
	 * history file is the only source of one) */
	if (s->conns[ci].proto != SW_PROTO_UNIX)
		s->conns[ci].tcpx = (uint32_t)s->ntcpx;
	s->ntcpx++;
	return t;
}

/* ---- packed details ------------------------------------------------------
 * A record: one flags byte (PK_DETAIL: a sw_conn_detail follows, PK_TCPD:
 * then a sw_tcpd), each struct as a bitmap of its non-zero 32-bit words
 * followed by those words.  Most of tcp_info and skmem is zero on most
 * sockets. */
#define PK_DETAIL 1u
#define PK_TCPD 2u
_Static_assert(sizeof(struct sw_conn_detail) % 4 == 0, "detail in words");
_Static_assert(sizeof(struct sw_tcpd) % 4 == 0, "tcpd in words");
#define PK_MAX(type) ((sizeof(type) / 4 + 7) / 8 + sizeof(type))

static size_t pack_words(uint8_t *out, const void *src, size_t size)
{
	size_t nw = size / 4, nb = (nw + 7) / 8;
	uint8_t *w = out + nb;
	memset(out, 0, nb);
	for (size_t i = 0; i < nw; i++) {
		uint32_t v;
		memcpy(&v, (const uint8_t *)src + 4 * i, 4);
		if (v) {
			out[i / 8] |= (uint8_t)(1u << (i % 8));
			memcpy(w, &v, 4);
			w += 4;
		}
	}
	return (size_t)(w - out);
}

/* Unpack into dst (zeroed first) when dst is not NULL; returns the bytes
 * read, 0 when the record would run past end. */
static size_t unpack_words(const uint8_t *in, const uint8_t *end, void *dst, size_t size)
{
	size_t nw = size / 4, nb = (nw + 7) / 8;
	if ((size_t)(end - in) < nb)
		return 0;
	const uint8_t *w = in + nb;
	if (dst)
		memset(dst, 0, size);
	for (size_t i = 0; i < nw; i++) {
		if (!(in[i / 8] & (1u << (i % 8))))
			continue;
		if (end - w < 4)
			return 0;
		if (dst)
			memcpy((uint8_t *)dst + 4 * i, w, 4);
		w += 4;
	}
	return (size_t)(w - in);
}

void snapshot_set_details(struct sw_snapshot *s, size_t ci, const struct sw_conn_detail *d,
			  const struct sw_tcpd *t)
{
	if (!s->detail || (!d && !t) || s->dpacklen >= UINT32_MAX - 512)
		return;
	s->dpack = xgrow(s->dpack, &s->dpackcap,
			 s->dpacklen + 1 + PK_MAX(struct sw_conn_detail) + PK_MAX(struct sw_tcpd), 1);
	uint8_t *p = s->dpack + s->dpacklen;
	size_t n = 1;
	p[0] = (uint8_t)((d ? PK_DETAIL : 0) | (t ? PK_TCPD : 0));
	if (d)
		n += pack_words(p + n, d, sizeof *d);
	if (t)
		n += pack_words(p + n, t, sizeof *t);
	if (ci >= s->ndpack_at) {
		s->dpack_at = xgrow(s->dpack_at, &s->capdpack_at, ci + 1, sizeof *s->dpack_at);
		for (size_t k = s->ndpack_at; k < ci; k++)
			s->dpack_at[k] = SW_NONE;
		s->ndpack_at = ci + 1;
	}
	s->dpack_at[ci] = (uint32_t)s->dpacklen;
	s->dpacklen += n;
}

void snapshot_move_conn(struct sw_snapshot *s, size_t to, size_t from)
{
	s->conns[to] = s->conns[from];
	if (to < s->ndpack_at)
		s->dpack_at[to] = from < s->ndpack_at ? s->dpack_at[from] : SW_NONE;
}

/* The record of c (a record of s): its flags byte, or NULL. */
static const uint8_t *pk_record(const struct sw_snapshot *s, const struct sw_conn *c)
{
	uintptr_t a = (uintptr_t)c, b = (uintptr_t)s->conns;
	if (!s->ndpack_at || a < b)
		return NULL;
	size_t i = (a - b) / sizeof *c;
	uint32_t off = i < s->ndpack_at && i < s->nconns ? s->dpack_at[i] : SW_NONE;
	return off >= s->dpacklen ? NULL : s->dpack + off; /* SW_NONE too */
}

bool snapshot_get_detail(const struct sw_snapshot *s, const struct sw_conn *c,
			 struct sw_conn_detail *out)
{
	const uint8_t *p = pk_record(s, c);
	memset(out, 0, sizeof *out);
	return p && (p[0] & PK_DETAIL) &&
	       unpack_words(p + 1, s->dpack + s->dpacklen, out, sizeof *out) > 0;
}

bool snapshot_get_tcpd(const struct sw_snapshot *s, const struct sw_conn *c,
		       struct sw_tcpd *out)
{
	const uint8_t *p = pk_record(s, c);
	memset(out, 0, sizeof *out);
	if (!p || !(p[0] & PK_TCPD))
		return false;
	const uint8_t *end = s->dpack + s->dpacklen; /* (dpack is not NULL) */
	size_t skip = 0;
	if ((p[0] & PK_DETAIL) &&
	    !(skip = unpack_words(p + 1, end, NULL, sizeof(struct sw_conn_detail))))
		return false;
	return unpack_words(p + 1 + skip, end, out, sizeof *out) > 0;
}

uint32_t snapshot_intern(struct sw_snapshot *s, const char *p, size_t len)
{
	for (unsigned i = 0; i < s->nintern; i++) {
		const char *q = s->pool + s->intern[i];
		if (strlen(q) == len && memcmp(q, p, len) == 0)
			return s->intern[i];
	}
	uint32_t off = snapshot_pool_add(s, p, len);
	if (s->nintern < sizeof s->intern / sizeof s->intern[0])
		s->intern[s->nintern++] = off;
	return off;
}

uint32_t snapshot_pool_add(struct sw_snapshot *s, const void *p, size_t len)
{
	s->pool = xgrow(s->pool, &s->poolcap, s->poollen + len + 1, 1);
	uint32_t off = (uint32_t)s->poollen;
	if (len)
		memcpy(s->pool + off, p, len);
	s->pool[off + len] = '\0';
	s->poollen += len + 1;
	return off;
}

size_t snapshot_add_proc(struct sw_snapshot *s, const struct sw_proc *p)
{
	s->procs = xgrow(s->procs, &s->capprocs, s->nprocs + 1, sizeof *s->procs);
	s->procs[s->nprocs] = *p;
	return s->nprocs++;
}

static void owner_push(struct sw_snapshot *s, uint32_t proc, int32_t fd)
{
	s->owners = xgrow(s->owners, &s->capowners, s->nowners + 1, sizeof *s->owners);
	s->owners[s->nowners].proc = proc;
	s->owners[s->nowners].fd = fd;
	s->nowners++;
}

void snapshot_add_owner(struct sw_snapshot *s, struct sw_conn *c, uint32_t proc, int32_t fd)
{
	if (c->owners_n == SW_OWNERS_MAX)
		return;
	if (!c->owners_n) {
		if (proc < (1u << (32 - SW_OWNER1_FD_BITS)) && fd >= -1 &&
		    fd < (int32_t)(1u << SW_OWNER1_FD_BITS) - 1) {
			c->owners_off = proc << SW_OWNER1_FD_BITS | (uint32_t)(fd + 1);
			c->flags |= SW_CF_OWNER1;
		} else {
			c->owners_off = (uint32_t)s->nowners;
			c->flags &= (uint8_t)~SW_CF_OWNER1;
			owner_push(s, proc, fd);
		}
		c->owners_n = 1;
		return;
	}
	if (c->flags & SW_CF_OWNER1) { /* a second one: both go to the array */
		struct sw_owner first = {0, 0};
		snapshot_owner(s, c, 0, &first);
		c->flags &= (uint8_t)~SW_CF_OWNER1;
		c->owners_off = (uint32_t)s->nowners;
		owner_push(s, first.proc, first.fd);
	} else if (c->owners_off + c->owners_n != s->nowners) {
		/* not the last record's owners: move them to the end, so they
		 * stay contiguous */
		size_t from = c->owners_off;
		c->owners_off = (uint32_t)s->nowners;
		for (size_t k = 0; k < c->owners_n; k++)
			owner_push(s, s->owners[from + k].proc, s->owners[from + k].fd);
	}
	owner_push(s, proc, fd);
	c->owners_n++;
}

void snapshot_copy_details(struct sw_snapshot *dst, size_t di, const struct sw_snapshot *src,
			   const struct sw_conn *c)
{
	struct sw_conn_detail d;
	struct sw_tcpd t;
	bool hd = snapshot_get_detail(src, c, &d), ht = snapshot_get_tcpd(src, c, &t);
	snapshot_set_details(dst, di, hd ? &d : NULL, ht ? &t : NULL);
}

size_t snapshot_copy_conn(struct sw_snapshot *dst, const struct sw_snapshot *src, size_t ci,
			  uint32_t *pmap)
{
	const struct sw_conn *c = &src->conns[ci];
	struct sw_conn *nc = snapshot_add_conn(dst);
	size_t ni = dst->nconns - 1;
	*nc = *c;
	snapshot_rehome(dst, nc);
	nc->tcpx = SW_NONE;
	nc->ns = (uint16_t)snapshot_ns_intern(dst, src, c->ns); /* -N all */
	const struct sw_tcpx *ct = snapshot_tcpx(src, c);
	if (ct) {
		struct sw_tcpx *t = snapshot_add_tcpx(dst, ni);
		*t = *ct;
		if (t->cong_off) {
			const char *cong = snapshot_cong(src, ct);
			t->cong_off = snapshot_intern(dst, cong, strlen(cong));
		}
	}
	snapshot_copy_details(dst, ni, src, c);
	nc = &dst->conns[ni];
	nc->name_off = 0;
	if (c->name_len)
		nc->name_off = snapshot_pool_add(dst, src->pool + c->name_off, c->name_len);
	sw_conn_owners_clear(nc);
	for (uint32_t k = 0; k < c->owners_n; k++) {
		struct sw_owner ob;
		const struct sw_owner *o = &ob;
		if (!snapshot_owner(src, c, k, &ob) || o->proc >= src->nprocs)
			continue;
		if (pmap[o->proc] == SW_NONE) {
			struct sw_proc p = src->procs[o->proc];
			p.cmdline_off = 0;
			if (p.cmdline_len)
				p.cmdline_off = snapshot_pool_add(dst, src->pool + src->procs[o->proc].cmdline_off,
								  p.cmdline_len);
			pmap[o->proc] = (uint32_t)snapshot_add_proc(dst, &p);
		}
		snapshot_add_owner(dst, &dst->conns[ni], pmap[o->proc], o->fd);
	}
	return ni;
}

const struct sw_proc *snapshot_owner_proc(const struct sw_snapshot *s,
					  const struct sw_conn *c, size_t i)
{
	struct sw_owner o;
	if (!snapshot_owner(s, c, i, &o) || o.proc >= s->nprocs)
		return NULL;
	return &s->procs[o.proc];
}

/* An empty hash table of at least 2n slots (a power of 2) for the dedupe
 * passes, reused from the last call: the tuple pass runs every refresh.
 * A slot holds a record's index + 1, 0 when empty.  (The upper half of the
 * hash kept beside it, to reject other records without reading them, made
 * no measurable difference at 100k and doubled the table.) */
static uint32_t *dedupe_table(struct sw_snapshot *s, size_t n, size_t *cap)
{
	size_t c = 16;
	while (c < n * 2)
		c *= 2;
	s->dedupe_slots = xgrow(s->dedupe_slots, &s->capdedupe, c, sizeof *s->dedupe_slots);
	memset(s->dedupe_slots, 0, c * sizeof *s->dedupe_slots);
	*cap = c;
	return s->dedupe_slots;
}

/* After a pass: a table of more than 4 MB (above ~500k sockets) is not
 * kept for the next refresh, where it would sit beside two snapshots at
 * the monitor's peak (16 MB at a million sockets); its pages are faulted
 * in again in a few milliseconds of a refresh of seconds. */
static void dedupe_table_done(struct sw_snapshot *s)
{
	if (s->capdedupe * sizeof *s->dedupe_slots > (4u << 20)) {
		free(s->dedupe_slots);
		s->dedupe_slots = NULL;
		s->capdedupe = 0;
	}
}

void snapshot_dedupe(struct sw_snapshot *s)
{
	if (s->nconns < 2)
		return;
	size_t cap;
	/* slot holds index+1 of the kept record with that cookie */
	uint32_t *slot = dedupe_table(s, s->nconns, &cap);
	size_t out = 0;
	for (size_t i = 0; i < s->nconns; i++) {
		struct sw_conn *c = &s->conns[i];
		size_t h = sw_hash64(c->cookie ^ ((uint64_t)c->proto << 56)) & (cap - 1);
		bool dup = false;
		while (slot[h]) {
			struct sw_conn *o = &s->conns[slot[h] - 1];
			if (o->cookie == c->cookie && o->proto == c->proto &&
			    o->family == c->family && o->ns == c->ns) {
				/* keep the later record in the earlier place */
				snapshot_move_conn(s, slot[h] - 1, i);
				dup = true;
				break;
			}
			h = (h + 1) & (cap - 1);
		}
		if (dup)
			continue;
		if (out != i)
			snapshot_move_conn(s, out, i);
		slot[h] = (uint32_t)(out + 1);
		out++;
	}
	s->nconns = out;
	dedupe_table_done(s);
}

static bool tuple_unique(const struct sw_conn *c)
{
	return (c->proto == SW_PROTO_TCP || c->proto == SW_PROTO_MPTCP) &&
	       c->family != AF_UNIX && c->state != SW_ST_LISTEN && c->remote.port != 0;
}

static uint64_t tuple_hash(const struct sw_conn *c)
{
	/* the addresses by their indexes in the snapshot's one table */
	uint64_t h = ((uint64_t)c->local.port << 16 | c->remote.port) ^ c->proto ^
		     ((uint64_t)c->ns << 40);
	h ^= (uint64_t)c->local.ai * 0x9e3779b97f4a7c15ULL ^
	     (uint64_t)c->remote.ai * 0xc2b2ae3d27d4eb4fULL;
	return sw_hash64(h);
}

static bool tuple_eq(const struct sw_conn *a, const struct sw_conn *b)
{
	/* the same 4-tuple in two namespaces: two sockets */
	return a->proto == b->proto && a->family == b->family && a->ns == b->ns &&
	       a->local.port == b->local.port && a->remote.port == b->remote.port &&
	       a->local.ai == b->local.ai && a->remote.ai == b->remote.ai;
}

/* Of two records on one 4-tuple, is c the newer socket than o (o came
 * first in the dump)?  Not by cookie: the kernel hands cookies out in
 * per-CPU batches, so they are not in time order.  A TIME_WAIT entry is
 * older than a connection that is not (reuse replaced it); of two
 * TIME_WAIT entries the one with more time left is newer; otherwise the
 * later record of the dump. */
static bool tuple_newer(const struct sw_conn *c, const struct sw_conn *o)
{
	bool ctw = c->state == SW_ST_TIME_WAIT, otw = o->state == SW_ST_TIME_WAIT;
	if (ctw != otw)
		return otw;
	if (ctw && c->expires_ms != o->expires_ms)
		return c->expires_ms > o->expires_ms;
	return true;
}

#define TUPLE_AHEAD 8

/* The home slot of c in the tuple table (fetched), SIZE_MAX when c's
 * tuple needs no check. */
static inline size_t tuple_home(const struct sw_conn *c, const uint32_t *slot, size_t cap)
{
	if (!tuple_unique(c))
		return SIZE_MAX;
	size_t h = tuple_hash(c) & (cap - 1);
	__builtin_prefetch(&slot[h]);
	return h;
}

size_t snapshot_dedupe_tuples(struct sw_snapshot *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nconns; i++)
		n += tuple_unique(&s->conns[i]);
	if (n < 2)
		return 0;
	size_t cap;
	uint32_t *slot = dedupe_table(s, n, &cap); /* index + 1 of the holder */
	size_t out = 0, removed = 0, nc = s->nconns;
	/* The home slot of the record TUPLE_AHEAD ahead is hashed and fetched
	 * in passing (a random miss in a table of 1 MB at 100k sockets); the
	 * records ahead are not moved before they are reached. */
	size_t home[TUPLE_AHEAD];
	for (size_t k = 0; k < TUPLE_AHEAD && k < nc; k++)
		home[k] = tuple_home(&s->conns[k], slot, cap);
	for (size_t i = 0; i < nc; i++) {
		struct sw_conn *c = &s->conns[i];
		size_t h = home[i % TUPLE_AHEAD];
		if (i + TUPLE_AHEAD < nc)
			home[i % TUPLE_AHEAD] = tuple_home(&s->conns[i + TUPLE_AHEAD], slot, cap);
		/* records stay in place until the first duplicate (a 112-byte
		 * copy onto itself per socket was a tenth of this pass) */
		if (h == SIZE_MAX) {
			if (out != i)
				snapshot_move_conn(s, out, i);
			out++;
			continue;
		}
		bool dup = false;
		while (slot[h]) {
			struct sw_conn *o = &s->conns[slot[h] - 1];
			if (tuple_eq(o, c)) {
				if (tuple_newer(c, o)) /* the newer socket, in the earlier place */
					snapshot_move_conn(s, slot[h] - 1, i);
				dup = true;
				break;
			}
			h = (h + 1) & (cap - 1);
		}
		if (dup) {
			removed++;
			continue;
		}
		if (out != i)
			snapshot_move_conn(s, out, i);
		slot[h] = (uint32_t)(out + 1);
		out++;
	}
	s->nconns = out;
	dedupe_table_done(s);
	return removed;
}

static void add_ifname(struct sw_snapshot *s, uint32_t index, const char *name,
		       uint64_t ns_inode)
{
	s->ifnames = xgrow(s->ifnames, &s->capifnames, s->nifnames + 1, sizeof *s->ifnames);
	struct sw_ifname *n = &s->ifnames[s->nifnames++];
	n->index = index;
	n->ns_inode = ns_inode;
	snprintf(n->name, sizeof n->name, "%s", name);
}

void snapshot_add_ifname(struct sw_snapshot *s, uint32_t index, const char *name)
{
	add_ifname(s, index, name, 0);
}

static const char *find_ifname(const struct sw_snapshot *s, uint32_t index, uint64_t ns_inode)
{
	for (size_t i = 0; s && i < s->nifnames; i++)
		if (s->ifnames[i].index == index && s->ifnames[i].ns_inode == ns_inode)
			return s->ifnames[i].name;
	return NULL;
}

const char *snapshot_ifname(const struct sw_snapshot *s, uint32_t index)
{
	return find_ifname(s, index, 0);
}

const char *snapshot_conn_ifname(const struct sw_snapshot *s, const struct sw_conn *c)
{
	const struct sw_nsinfo *ns = snapshot_ns(s, c);
	return find_ifname(s, sw_conn_ifindex(c), ns ? ns->inode : 0);
}

void snapshot_merge_ifnames(struct sw_snapshot *dst, const struct sw_snapshot *src)
{
	for (size_t i = 0; i < src->nifnames; i++) {
		const struct sw_ifname *n = &src->ifnames[i];
		if (!find_ifname(dst, n->index, n->ns_inode))
			add_ifname(dst, n->index, n->name, n->ns_inode);
	}
}

void snapshot_append_ifnames(struct sw_snapshot *dst, const struct sw_snapshot *src,
			     uint64_t ns_inode)
{
	for (size_t i = 0; i < src->nifnames; i++)
		if (!find_ifname(dst, src->ifnames[i].index, ns_inode))
			add_ifname(dst, src->ifnames[i].index, src->ifnames[i].name, ns_inode);
}

bool kstat_counter(const struct sw_kstat *k, const char *group,
		   const char *name, uint64_t *value)
{
	for (size_t i = 0; i < k->ncounters; i++) {
		if (strcmp(k->counters[i].name, name) == 0 &&
		    strcmp(k->counters[i].group, group) == 0) {
			*value = k->counters[i].value;
			return true;
		}
	}
	return false;
}
