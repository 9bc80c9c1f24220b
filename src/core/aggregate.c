/* SPDX-License-Identifier: GPL-2.0-or-later */
/* aggregate.c - counting rows per state, remote address, local port,
 * process, and per listener.  Every function is one pass over the rows
 * with an open-addressing hash table (allocated once per call, not per
 * row), then a sort of the (few) groups.
 *
 * What is counted where:
 *  - Tombstone rows (SW_ROW_CLOSED) are never counted.
 *  - REMOTE_IP / REMOTE_NET: inet sockets that have a peer: not LISTEN,
 *    not unconnected (CLOSE/UNCONN), remote address not the wildcard.
 *    v4-mapped IPv6 addresses are folded into IPv4, so a client counts
 *    once whether it reached an IPv4 or a dual-stack listener.
 *  - LOCAL_PORT: the same connected inet sockets, keyed by protocol and
 *    local port (family ignored: tcp/80 covers IPv4 and IPv6); client
 *    ends (no socket of that protocol class listens on the local port)
 *    share one group per protocol, port 0.
 *  - DEST: the client ends only, keyed by protocol and remote address and
 *    port (v4-mapped folded into IPv4), with their first few owners.
 *  - PROCESS: every inet socket (listeners included) by its first owning
 *    process; sockets without a known owner go to the "-" bucket (pid
 *    -1).  UNIX sockets are not counted: this answers "which process holds
 *    network connections".
 *  - Listeners: LISTEN sockets (inet and UNIX stream/seqpacket) and bound,
 *    unconnected UDP/UDP-Lite sockets.  A connection belongs to the
 *    listener of the same protocol and socket family on its local port
 *    whose address equals its local address, else to the wildcard
 *    listener (0.0.0.0 or ::) of that family; v4-mapped connections are
 *    AF_INET6 sockets and so belong to [::] (dual-stack) listeners.  UNIX
 *    connections belong to the listener with the same type and path.
 *    With several listeners on one address:port (SO_REUSEPORT), the
 *    connections are counted on the first of them.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "aggregate.h"
#include "util.h"

/* Rows come in a view's order, their records in the order they were
 * collected: every row is a cache miss on its record (two lines) and its
 * row state, five passes a refresh at 100k sockets.  Fetch a few rows
 * ahead. */
#define AHEAD 8

static inline void fetch_ahead(const struct sw_view *v, size_t i, size_t n)
{
	if (i + AHEAD < n) {
		struct sw_row r = view_row(v, i + AHEAD);
		__builtin_prefetch(r.conn);
		__builtin_prefetch((const char *)r.conn + 64);
		if (r.st)
			__builtin_prefetch(r.st);
	}
}

static bool is_tomb(const struct sw_row *r)
{
	return r->st && (r->st->flags & SW_ROW_CLOSED);
}

static bool is_inet(const struct sw_conn *c)
{
	return c->family == AF_INET || c->family == AF_INET6;
}

/* A LISTEN socket, or a bound unconnected UDP socket (a UDP server). */
static bool is_listener(const struct sw_conn *c)
{
	if (c->state == SW_ST_LISTEN)
		return true;
	return c->state == SW_ST_CLOSE && is_inet(c) && c->local.port &&
	       (c->proto == SW_PROTO_UDP || c->proto == SW_PROTO_UDPLITE);
}

static size_t table_size(size_t n)
{
	size_t cap = 16;
	while (cap < n * 2)
		cap *= 2;
	return cap;
}

/* Normalise an address: v4-mapped IPv6 becomes AF_INET in addr[0..3]. */
static uint8_t norm_addr(int family, const uint8_t *a, uint8_t out[16])
{
	memset(out, 0, 16);
	if (family == AF_INET6 && sw_addr_is_v4mapped(a)) {
		memcpy(out, a + 12, 4);
		return AF_INET;
	}
	memcpy(out, a, family == AF_INET ? 4 : 16);
	return (uint8_t)family;
}

static bool zero16(const uint8_t a[16])
{
	for (int i = 0; i < 16; i++)
		if (a[i])
			return false;
	return true;
}

/* ---- per state ----------------------------------------------------------- */

void agg_states(const struct sw_view *v, struct sw_agg_states *out)
{
	size_t n = v->n;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		fetch_ahead(v, i, n);
		struct sw_row r = view_row(v, i);
		const struct sw_conn *c = r.conn;
		if (is_tomb(&r) || c->proto >= SW_PROTO_COUNT)
			continue;
		unsigned st = c->state < SW_ST_COUNT ? c->state : SW_ST_UNKNOWN;
		out->count[c->proto][st]++;
		out->total[c->proto]++;
		out->all++;
	}
}

void agg_ns_states(const struct sw_snapshot *s, const struct sw_view *v, struct sw_agg_ns *out)
{
	size_t n = v->n;
	out->n = s ? s->nns : 0;
	out->count = xgrow(out->count, &out->cap, out->n ? out->n : 1, sizeof *out->count);
	memset(out->count, 0, (out->n ? out->n : 1) * sizeof *out->count);
	for (size_t i = 0; i < n && out->n; i++) {
		struct sw_row r = view_row(v, i);
		const struct sw_conn *c = r.conn;
		if (is_tomb(&r) || r.snap != s || c->ns >= out->n)
			continue;
		unsigned st = c->state < SW_ST_COUNT ? c->state : SW_ST_UNKNOWN;
		out->count[c->ns][st]++;
		out->count[c->ns][SW_ST_COUNT]++;
	}
}

struct ns_rank_key {
	const struct sw_agg_ns *a;
	unsigned key;
};

static int cmp_ns_rank(const void *x, const void *y, void *arg)
{
	const struct ns_rank_key *k = arg;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	const uint32_t *ci = k->a->count[i], *cj = k->a->count[j];
	if (ci[k->key] != cj[k->key])
		return ci[k->key] > cj[k->key] ? -1 : 1;
	if (ci[SW_ST_COUNT] != cj[SW_ST_COUNT])
		return ci[SW_ST_COUNT] > cj[SW_ST_COUNT] ? -1 : 1;
	return (i > j) - (i < j);
}

size_t agg_ns_rank(const struct sw_agg_ns *a, unsigned key, size_t top, size_t *order,
		   uint32_t rest[SW_ST_COUNT + 1], size_t *nrest)
{
	struct ns_rank_key k = {a, key <= SW_ST_COUNT ? key : SW_ST_COUNT};
	for (size_t i = 0; i < a->n; i++)
		order[i] = i;
	qsort_r(order, a->n, sizeof *order, cmp_ns_rank, &k);
	memset(rest, 0, (SW_ST_COUNT + 1) * sizeof *rest);
	size_t keep = a->n < top ? a->n : top;
	for (size_t r = keep; r < a->n; r++)
		for (unsigned st = 0; st <= SW_ST_COUNT; st++)
			rest[st] += a->count[order[r]][st];
	*nrest = a->n - keep;
	return keep;
}

void agg_ns_done(struct sw_agg_ns *a)
{
	free(a->count);
	memset(a, 0, sizeof *a);
}

/* ---- groups -------------------------------------------------------------- */

void agg_init(struct sw_agg *a)
{
	memset(a, 0, sizeof *a);
}

void agg_done(struct sw_agg *a)
{
	free(a->e);
	free(a->lports);
	memset(a, 0, sizeof *a);
}

/* Listening ports: one bit per port for the stream protocols, then one
 * for the datagram ones (a UDP server on 53 says nothing about TCP 53). */
#define LPORT_WORDS (65536 / 64)

static size_t lport_class(unsigned proto)
{
	return proto == SW_PROTO_UDP || proto == SW_PROTO_UDPLITE ? LPORT_WORDS : 0;
}


static void lports_clear(struct sw_agg *a)
{
	if (!a->lports)
		a->lports = xcalloc(2 * LPORT_WORDS, sizeof *a->lports);
	else
		memset(a->lports, 0, 2 * LPORT_WORDS * sizeof *a->lports);
}

static void lports_add(struct sw_agg *a, const struct sw_conn *c)
{
	if (is_inet(c) && is_listener(c))
		a->lports[lport_class(c->proto) + c->local.port / 64] |= 1ull << (c->local.port % 64);
}

static void fill_lports(struct sw_agg *a, const struct sw_view *v)
{
	size_t n = v->n;
	lports_clear(a);
	for (size_t i = 0; i < n; i++) {
		fetch_ahead(v, i, n);
		struct sw_row r = view_row(v, i);
		if (!is_tomb(&r))
			lports_add(a, r.conn);
	}
}

void agg_listen_ports(struct sw_agg *a, const struct sw_view *v)
{
	fill_lports(a, v);
	a->lports_given = true;
}

void agg_listen_ports_snap(struct sw_agg *a, const struct sw_snapshot *s)
{
	lports_clear(a);
	for (size_t i = 0; i < s->nconns; i++)
		lports_add(a, &s->conns[i]);
	a->lports_given = true;
}

static bool listening_port(const struct sw_agg *a, const struct sw_conn *c)
{
	return a->lports[lport_class(c->proto) + c->local.port / 64] &
	       (1ull << (c->local.port % 64));
}

static uint64_t entry_hash(const struct sw_agg_entry *e)
{
	uint64_t x, y;
	memcpy(&x, e->addr, 8);
	memcpy(&y, e->addr + 8, 8);
	uint64_t k = ((uint64_t)e->family << 56) ^ ((uint64_t)e->proto << 48) ^
		     ((uint64_t)e->port << 32) ^ (uint32_t)e->pid ^ ((uint64_t)e->prefix << 40);
	return sw_hash64(x ^ sw_hash64(y ^ sw_hash64(k)));
}

static bool entry_eq(const struct sw_agg_entry *a, const struct sw_agg_entry *b)
{
	return a->family == b->family && a->proto == b->proto && a->port == b->port &&
	       a->pid == b->pid && a->prefix == b->prefix &&
	       memcmp(a->addr, b->addr, 16) == 0;
}

static int entry_keycmp(const struct sw_agg_entry *a, const struct sw_agg_entry *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : b->family == AF_INET ? 1 : a->family - b->family;
	int d = memcmp(a->addr, b->addr, 16);
	if (d)
		return d;
	if (a->prefix != b->prefix)
		return a->prefix - b->prefix;
	if (a->proto != b->proto)
		return a->proto - b->proto;
	if (a->port != b->port)
		return a->port - b->port;
	return (a->pid > b->pid) - (a->pid < b->pid);
}

static int entry_sortcmp(const void *pa, const void *pb)
{
	const struct sw_agg_entry *a = pa, *b = pb;
	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	return entry_keycmp(a, b);
}

/* The key fields of an entry come first, up to nowners: a row's key is
 * only those (zeroing the whole 200-byte entry for every row was a fifth
 * of a grouping). */
#define KEY_END offsetof(struct sw_agg_entry, nowners)
_Static_assert(offsetof(struct sw_agg_entry, comm) + 16 <= KEY_END &&
		       offsetof(struct sw_agg_entry, pid) < KEY_END,
	       "the key fields of sw_agg_entry come before nowners");

/* Fill the key of e (the fields before KEY_END) for row r; false if the
 * row does not count. */
static bool make_key(const struct sw_agg *a, enum sw_agg_kind kind, const struct sw_row *r,
		     struct sw_agg_entry *e)
{
	const struct sw_conn *c = r->conn;
	memset(e, 0, KEY_END);
	if (!is_inet(c))
		return false;
	if (kind == SW_AGG_PROCESS) {
		const struct sw_proc *p = r->snap && c->owners_n ?
			snapshot_owner_proc(r->snap, c, 0) : NULL;
		if (p) {
			e->pid = p->pid;
			sw_strlcpy(e->comm, p->comm, sizeof e->comm);
		} else {
			e->pid = -1;
			sw_strlcpy(e->comm, "-", sizeof e->comm);
		}
		return true;
	}
	if (c->state == SW_ST_LISTEN || c->state == SW_ST_CLOSE)
		return false;
	uint8_t ra[16];
	uint8_t fam = norm_addr(c->family, sw_raddr(c), ra);
	if (zero16(ra))
		return false;
	switch (kind) {
	case SW_AGG_REMOTE_IP:
		e->family = fam;
		memcpy(e->addr, ra, 16);
		e->prefix = fam == AF_INET ? 32 : 128;
		return true;
	case SW_AGG_REMOTE_NET:
		e->family = fam;
		if (fam == AF_INET) {
			memcpy(e->addr, ra, 3);
			e->prefix = 24;
		} else {
			memcpy(e->addr, ra, 8);
			e->prefix = 64;
		}
		return true;
	case SW_AGG_LOCAL_PORT:
		e->proto = c->proto;
		e->port = listening_port(a, c) ? c->local.port : 0;
		return true;
	case SW_AGG_DEST:
		if (listening_port(a, c))
			return false; /* a server end: its remote port is the client's */
		e->family = fam;
		memcpy(e->addr, ra, 16);
		e->prefix = fam == AF_INET ? 32 : 128;
		e->proto = c->proto;
		e->port = c->remote.port;
		return true;
	default:
		return false;
	}
}

/* DEST: remember the row's first owner among the entry's few. */
static void add_owner(struct sw_agg_entry *e, const struct sw_row *r)
{
	const struct sw_conn *c = r->conn;
	const struct sw_proc *p = r->snap && c->owners_n ? snapshot_owner_proc(r->snap, c, 0) : NULL;
	if (!p)
		return;
	for (unsigned i = 0; i < e->nowners; i++)
		if (e->owner_pid[i] == p->pid)
			return;
	if (e->nowners == SW_AGG_OWNERS) {
		e->more_owners = true;
		return;
	}
	e->owner_pid[e->nowners] = p->pid;
	sw_strlcpy(e->owner_comm[e->nowners], p->comm, sizeof e->owner_comm[0]);
	e->nowners++;
}

void agg_group(struct sw_agg *a, enum sw_agg_kind kind, const struct sw_view *v)
{
	size_t n = v->n;
	a->kind = kind;
	a->n = 0;
	if ((kind == SW_AGG_LOCAL_PORT || kind == SW_AGG_DEST) && !a->lports_given)
		fill_lports(a, v);
	size_t cap = table_size(n < 1024 ? n : 1024);
	uint32_t *tab = xcalloc(cap, sizeof *tab); /* entry index + 1 */
	size_t last = SIZE_MAX; /* entry of the previous counted row */
	for (size_t i = 0; i < n; i++) {
		fetch_ahead(v, i, n);
		struct sw_row row = view_row(v, i);
		const struct sw_row *r = &row;
		struct sw_agg_entry key;
		if (is_tomb(r) || !make_key(a, kind, r, &key))
			continue;
		/* Views are mostly sorted by state and remote, so a row often
		 * has the key of the one before it: no hashing then. */
		struct sw_agg_entry *e = NULL;
		if (last != SIZE_MAX && entry_eq(&a->e[last], &key)) {
			e = &a->e[last];
			goto count;
		}
		size_t h = entry_hash(&key) & (cap - 1);
		while (tab[h]) {
			if (entry_eq(&a->e[tab[h] - 1], &key)) {
				e = &a->e[tab[h] - 1];
				break;
			}
			h = (h + 1) & (cap - 1);
		}
		if (!e) {
			a->e = xgrow(a->e, &a->cap, a->n + 1, sizeof *a->e);
			e = &a->e[a->n++];
			memcpy(e, &key, KEY_END);
			memset((char *)e + KEY_END, 0, sizeof *e - KEY_END);
			tab[h] = (uint32_t)a->n;
			if (a->n * 2 > cap) { /* rehash */
				free(tab);
				cap *= 2;
				tab = xcalloc(cap, sizeof *tab);
				for (size_t j = 0; j < a->n; j++) {
					size_t k = entry_hash(&a->e[j]) & (cap - 1);
					while (tab[k])
						k = (k + 1) & (cap - 1);
					tab[k] = (uint32_t)(j + 1);
				}
			}
		}
count:
		last = (size_t)(e - a->e);
		e->total++;
		e->by_state[r->conn->state < SW_ST_COUNT ? r->conn->state : 0]++;
		if (r->st && (r->st->flags & SW_ROW_RATE)) {
			e->rx_bps += r->st->rx_bps;
			e->tx_bps += r->st->tx_bps;
		}
		if (kind == SW_AGG_DEST)
			add_owner(e, r);
	}
	free(tab);
	if (a->n > 1)
		qsort(a->e, a->n, sizeof *a->e, entry_sortcmp);
	a->by_count = true;
}

char *agg_key_str(const struct sw_agg_entry *e, char *buf, size_t len)
{
	if ((e->family == AF_INET || e->family == AF_INET6) && e->port) {
		char s[64];
		sw_addr_str(e->family, e->addr, false, s, sizeof s);
		bool v6 = e->family == AF_INET6, tcp = e->proto == SW_PROTO_TCP;
		snprintf(buf, len, "%s%s%s:%u%s%s", v6 ? "[" : "", s, v6 ? "]" : "", e->port,
			 tcp ? "" : "/", tcp ? "" : sw_proto_name(e->proto));
	} else if (e->family == AF_INET || e->family == AF_INET6) {
		char s[64];
		sw_addr_str(e->family, e->addr, false, s, sizeof s);
		bool full = e->prefix == 0 || e->prefix == (e->family == AF_INET ? 32 : 128);
		if (full)
			snprintf(buf, len, "%s", s);
		else
			snprintf(buf, len, "%s/%u", s, e->prefix);
	} else if (e->pid != 0 || e->comm[0]) {
		if (e->pid < 0)
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%d/%s", (int)e->pid, e->comm);
	} else if (e->port) {
		snprintf(buf, len, "%s/%u", sw_proto_name(e->proto), e->port);
	} else {
		snprintf(buf, len, "%s/ephemeral", sw_proto_name(e->proto));
	}
	return buf;
}

char *agg_owners_str(const struct sw_agg_entry *e, char *buf, size_t len)
{
	size_t used = 0;
	if (len)
		buf[0] = '\0';
	for (unsigned i = 0; i < e->nowners && used < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%s", i ? "," : "", e->owner_comm[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (e->more_owners && used < len)
		snprintf(buf + used, len - used, ",...");
	return buf;
}

/* ---- listeners ----------------------------------------------------------- */

void listeners_init(struct sw_listeners *ls)
{
	memset(ls, 0, sizeof *ls);
}

void listeners_done(struct sw_listeners *ls)
{
	free(ls->l);
	memset(ls, 0, sizeof *ls);
}


static const char *unix_name(const struct sw_row *r, size_t *len)
{
	*len = r->snap ? r->conn->name_len : 0;
	return *len ? snapshot_str(r->snap, r->conn->name_off) : "";
}

/* Listener key: proto, family, port, address (inet); proto, sotype, name
 * (UNIX). */
static uint64_t lkey_hash(const struct sw_row *r, const uint8_t *addr)
{
	const struct sw_conn *c = r->conn;
	uint64_t k = ((uint64_t)c->proto << 40) ^ ((uint64_t)c->family << 32);
	if (c->proto == SW_PROTO_UNIX) {
		size_t n;
		const char *p = unix_name(r, &n);
		uint64_t h = sw_hash64(k ^ c->sotype);
		for (size_t i = 0; i < n; i++)
			h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
		return sw_hash64(h);
	}
	uint64_t x, y;
	memcpy(&x, addr, 8);
	memcpy(&y, addr + 8, 8);
	return sw_hash64(x ^ sw_hash64(y ^ sw_hash64(k ^ c->local.port)));
}

static bool lkey_match(const struct sw_row *l, const struct sw_row *r, const uint8_t *addr)
{
	const struct sw_conn *a = l->conn, *b = r->conn;
	if (a->proto != b->proto || a->family != b->family)
		return false;
	if (a->proto == SW_PROTO_UNIX) {
		size_t na, nb;
		const char *pa = unix_name(l, &na), *pb = unix_name(r, &nb);
		return a->sotype == b->sotype && na == nb && memcmp(pa, pb, na) == 0;
	}
	return a->local.port == b->local.port && memcmp(sw_laddr(a), addr, 16) == 0;
}

static long lookup(const struct sw_listeners *ls, const uint32_t *tab, size_t cap,
		   const struct sw_row *r, const uint8_t *addr)
{
	size_t h = lkey_hash(r, addr) & (cap - 1);
	while (tab[h]) {
		const struct sw_listener *l = &ls->l[tab[h] - 1];
		if (lkey_match(&l->row, r, addr))
			return (long)tab[h] - 1;
		h = (h + 1) & (cap - 1);
	}
	return -1;
}

static int listener_cmp(const void *pa, const void *pb)
{
	const struct sw_conn *a = ((const struct sw_listener *)pa)->row.conn;
	const struct sw_conn *b = ((const struct sw_listener *)pb)->row.conn;
	if (a->proto != b->proto)
		return a->proto - b->proto;
	if (a->local.port != b->local.port)
		return a->local.port - b->local.port;
	if (a->proto == SW_PROTO_UNIX) {
		size_t na, nb;
		const char *x = unix_name(&((const struct sw_listener *)pa)->row, &na);
		const char *y = unix_name(&((const struct sw_listener *)pb)->row, &nb);
		int d = memcmp(x, y, na < nb ? na : nb);
		if (d)
			return d;
		if (na != nb)
			return na < nb ? -1 : 1;
		return a->sotype - b->sotype;
	}
	uint8_t ka[16], kb[16];
	uint8_t fa = norm_addr(a->family, sw_laddr(a), ka);
	uint8_t fb = norm_addr(b->family, sw_laddr(b), kb);
	if (fa != fb)
		return fa == AF_INET ? -1 : 1;
	int d = memcmp(ka, kb, 16);
	if (d)
		return d;
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	return (a->cookie > b->cookie) - (a->cookie < b->cookie);
}

void agg_listeners(struct sw_listeners *ls, const struct sw_view *v)
{
	size_t n = v->n;
	ls->n = 0;
	for (size_t i = 0; i < n; i++) {
		fetch_ahead(v, i, n);
		struct sw_row row = view_row(v, i);
		if (is_tomb(&row) || !is_listener(row.conn))
			continue;
		const struct sw_conn *c = row.conn;
		ls->l = xgrow(ls->l, &ls->cap, ls->n + 1, sizeof *ls->l);
		struct sw_listener *l = &ls->l[ls->n++];
		memset(l, 0, sizeof *l);
		l->row = row;
		if (c->state == SW_ST_LISTEN) {
			l->accept_q = c->rq;
			l->backlog = c->wq;
		}
	}
	if (!ls->n)
		return;
	/* Sort first so "the first listener" of a duplicated key is stable. */
	qsort(ls->l, ls->n, sizeof *ls->l, listener_cmp);
	size_t cap = table_size(ls->n);
	uint32_t *tab = xcalloc(cap, sizeof *tab);
	for (size_t i = 0; i < ls->n; i++) {
		const struct sw_row *r = &ls->l[i].row;
		if (lookup(ls, tab, cap, r, sw_laddr(r->conn)) >= 0)
			continue; /* SO_REUSEPORT sibling: the first one counts */
		size_t h = lkey_hash(r, sw_laddr(r->conn)) & (cap - 1);
		while (tab[h])
			h = (h + 1) & (cap - 1);
		tab[h] = (uint32_t)(i + 1);
	}
	/* An inet connection can only belong to a listener on its local
	 * port: one bit per port spares the lookups of all the others
	 * (client ends, connections to remote servers). */
	uint64_t ports[65536 / 64];
	memset(ports, 0, sizeof ports);
	for (size_t i = 0; i < ls->n; i++) {
		const struct sw_conn *c = ls->l[i].row.conn;
		if (is_inet(c))
			ports[c->local.port / 64] |= 1ull << (c->local.port % 64);
	}
	static const uint8_t any[16];
	const struct sw_conn *prev = NULL; /* last inet row looked up ... */
	long prev_k = -1;                  /* ... and its listener */
	for (size_t i = 0; i < n; i++) {
		fetch_ahead(v, i, n);
		struct sw_row row = view_row(v, i);
		const struct sw_row *r = &row;
		const struct sw_conn *c = r->conn;
		if (is_tomb(r) || is_listener(c) || c->state == SW_ST_CLOSE ||
		    c->state == SW_ST_BOUND_INACTIVE)
			continue;
		if (!is_inet(c) && c->proto != SW_PROTO_UNIX)
			continue;
		if (c->proto == SW_PROTO_UNIX && !c->name_len)
			continue;
		long k;
		if (c->proto != SW_PROTO_UNIX &&
		    !(ports[c->local.port / 64] & (1ull << (c->local.port % 64)))) {
			continue;
		} else if (c->proto != SW_PROTO_UNIX && prev && prev->proto == c->proto &&
			   prev->family == c->family && prev->local.port == c->local.port &&
			   memcmp(sw_laddr(prev), sw_laddr(c), 16) == 0) {
			k = prev_k; /* same local end as the row before */
		} else {
			k = lookup(ls, tab, cap, r, sw_laddr(c));
			if (k < 0 && c->proto != SW_PROTO_UNIX)
				k = lookup(ls, tab, cap, r, any);
			if (c->proto != SW_PROTO_UNIX) {
				prev = c;
				prev_k = k;
			}
		}
		if (k < 0)
			continue;
		struct sw_listener *l = &ls->l[k];
		if (c->state == SW_ST_ESTABLISHED)
			l->established++;
		else if (c->state == SW_ST_SYN_RECV || c->state == SW_ST_NEW_SYN_RECV)
			l->syn_recv++;
		else
			l->other++;
		if (r->st && (r->st->flags & SW_ROW_RATE)) {
			l->rx_bps += r->st->rx_bps;
			l->tx_bps += r->st->tx_bps;
		}
	}
	free(tab);
}

struct order {
	enum sw_agg_order by;
	uint32_t states;
};

static uint32_t states_sum(const struct sw_agg_entry *e, uint32_t mask)
{
	uint32_t sum = 0;
	for (unsigned st = 0; st < SW_ST_COUNT; st++)
		if (mask & SW_STATE_BIT(st))
			sum += e->by_state[st];
	return sum;
}

static int cmp_order(const void *pa, const void *pb, void *arg)
{
	const struct sw_agg_entry *a = pa, *b = pb;
	const struct order *o = arg;
	double x = 0, y = 0;
	switch (o->by) {
	case SW_AGG_BY_COUNT:
		x = a->total, y = b->total;
		break;
	case SW_AGG_BY_STATES:
		x = states_sum(a, o->states), y = states_sum(b, o->states);
		break;
	case SW_AGG_BY_RX:
		x = a->rx_bps, y = b->rx_bps;
		break;
	case SW_AGG_BY_TX:
		x = a->tx_bps, y = b->tx_bps;
		break;
	case SW_AGG_BY_KEY:
		break;
	}
	if (x != y)
		return x > y ? -1 : 1;
	return entry_keycmp(a, b);
}

void agg_sort(struct sw_agg *a, enum sw_agg_order by, uint32_t states)
{
	struct order o = {by, states};
	/* agg_group left them by count already (the same comparison) */
	if (by == SW_AGG_BY_COUNT && a->by_count)
		return;
	if (a->n > 1)
		qsort_r(a->e, a->n, sizeof *a->e, cmp_order, &o);
	a->by_count = by == SW_AGG_BY_COUNT;
}

void agg_sort_by_state(struct sw_agg *a, unsigned state)
{
	if (state < SW_ST_COUNT)
		agg_sort(a, SW_AGG_BY_STATES, SW_STATE_BIT(state));
}
