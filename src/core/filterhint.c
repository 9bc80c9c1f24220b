/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filterhint.c - what a compiled filter (filter_priv.h) tells the kernel
 * request: the states and protocols it can match (filter_hints) and the
 * port ranges (filter_port_hints), and what it needs collected
 * (filter_needs).
 *
 * Both planners fill a per-node table in one loop over nodes[] in index
 * order, children before parents (see filter_priv.h), so a chain of
 * 100,000 juxtaposed conditions costs no stack.
 */
#include "config.h"

#include <stdlib.h>

#include "filter.h"
#include "filter_priv.h"
#include "util.h"

unsigned filter_needs(const struct sw_filter *f)
{
	unsigned need = 0;
	for (size_t i = 0; f && i < f->nnodes; i++) {
		if (f->nodes[i].kind == N_MARK)
			need |= SW_FILTER_NEEDS_DETAILS | SW_FILTER_NEEDS_MARK;
		else if (f->nodes[i].kind == N_CGROUP)
			need |= SW_FILTER_NEEDS_DETAILS;
	}
	return need;
}

/* A node's operands, or false when the tree breaks the children-first
 * order (it never does; then the node proves nothing). */
static bool kids(const struct sw_filter *f, uint32_t i, uint32_t *l, uint32_t *r)
{
	const struct fnode *n = &f->nodes[i];
	*l = n->l;
	*r = n->kind == N_NOT ? n->l : n->r;
	return *l < i && *r < i;
}

struct sp {
	uint32_t st, pr;
};

static struct sp leaf_hint(const struct fnode *n)
{
	switch (n->kind) {
	case N_STATES: return (struct sp){n->u.mask, SW_PROTO_ALL};
	case N_PROTO: return (struct sp){SW_STATE_ALL, n->u.proto.protos};
	case N_HOST:
	case N_PORT: return (struct sp){SW_STATE_ALL, INET_PROTOS};
	case N_UPATH: return (struct sp){SW_STATE_ALL, SW_PROTO_BIT(SW_PROTO_UNIX)};
	case N_CGROUP: return (struct sp){SW_STATE_ALL, INET_PROTOS}; /* inet_diag only */
	default: return (struct sp){SW_STATE_ALL, SW_PROTO_ALL};
	}
}

void filter_hints(const struct sw_filter *f, uint32_t *states, uint32_t *protos)
{
	struct sp res = {SW_STATE_ALL, SW_PROTO_ALL};
	if (f && f->root < f->nnodes) {
		struct sp *h = xmalloc(f->nnodes * sizeof *h);
		for (uint32_t i = 0; i <= f->root; i++) {
			const struct fnode *n = &f->nodes[i];
			uint32_t l, r;
			bool bin = (n->kind == N_AND || n->kind == N_OR) && kids(f, i, &l, &r);
			if (bin && n->kind == N_AND)
				h[i] = (struct sp){h[l].st & h[r].st, h[l].pr & h[r].pr};
			else if (bin)
				h[i] = (struct sp){h[l].st | h[r].st, h[l].pr | h[r].pr};
			else if (n->kind == N_AND || n->kind == N_OR) /* N_NOT: nothing proven */
				h[i] = (struct sp){SW_STATE_ALL, SW_PROTO_ALL};
			else
				h[i] = leaf_hint(n);
		}
		res = h[f->root];
		free(h);
	}
	if (states)
		*states = res.st;
	if (protos)
		*protos = res.pr;
}

/* Per side (0 local, 1 remote) an interval of ports; lo > hi is empty. */
struct prange {
	uint32_t lo[2], hi[2];
};

static void pr_full(struct prange *r)
{
	r->lo[0] = r->lo[1] = 0;
	r->hi[0] = r->hi[1] = 65535;
}

static void pr_cmp(struct prange *r, int side, int op, uint32_t v)
{
	switch (op) {
	case OP_EQ: r->lo[side] = v, r->hi[side] = v; break;
	case OP_LT: r->hi[side] = v ? v - 1 : 0, r->lo[side] = v ? 0 : 1; break;
	case OP_LE: r->hi[side] = v; break;
	case OP_GT: r->lo[side] = v + 1; break; /* 65536 > 65535: empty */
	case OP_GE: r->lo[side] = v; break;
	default: break; /* != : a hole, not an interval */
	}
}

static void pr_and(struct prange *r, const struct prange *a, const struct prange *b)
{
	for (int k = 0; k < 2; k++) {
		r->lo[k] = a->lo[k] > b->lo[k] ? a->lo[k] : b->lo[k];
		r->hi[k] = a->hi[k] < b->hi[k] ? a->hi[k] : b->hi[k];
	}
}

static void pr_or(struct prange *r, const struct prange *a, const struct prange *b)
{
	for (int k = 0; k < 2; k++) {
		bool ea = a->lo[k] > a->hi[k], eb = b->lo[k] > b->hi[k];
		if (ea && eb) {
			r->lo[k] = 1, r->hi[k] = 0;
		} else if (ea || eb) {
			const struct prange *x = ea ? b : a;
			r->lo[k] = x->lo[k], r->hi[k] = x->hi[k];
		} else { /* hull of the two */
			r->lo[k] = a->lo[k] < b->lo[k] ? a->lo[k] : b->lo[k];
			r->hi[k] = a->hi[k] > b->hi[k] ? a->hi[k] : b->hi[k];
		}
	}
}

static void port_leaf(const struct fnode *n, struct prange *r)
{
	pr_full(r);
	if (n->side != SIDE_SRC && n->side != SIDE_DST)
		return;
	if (n->kind == N_PORT)
		pr_cmp(r, n->side == SIDE_DST, n->op, n->u.port);
	else if (n->kind == N_HOST && n->u.host.has_port)
		pr_cmp(r, n->side == SIDE_DST, OP_EQ, n->u.host.port);
}

void filter_port_hints(const struct sw_filter *f, uint16_t sport[2], uint16_t dport[2])
{
	struct prange res;
	pr_full(&res);
	if (f && f->root < f->nnodes) {
		struct prange *h = xmalloc(f->nnodes * sizeof *h);
		for (uint32_t i = 0; i <= f->root; i++) {
			const struct fnode *n = &f->nodes[i];
			uint32_t l, r;
			if ((n->kind == N_AND || n->kind == N_OR) && kids(f, i, &l, &r))
				(n->kind == N_AND ? pr_and : pr_or)(&h[i], &h[l], &h[r]);
			else /* N_NOT and the rest: no port constraint we can prove */
				port_leaf(n, &h[i]);
		}
		res = h[f->root];
		free(h);
	}
	for (int k = 0; k < 2; k++) {
		uint16_t *out = k ? dport : sport;
		if (res.lo[k] > res.hi[k] || res.lo[k] > 65535) {
			out[0] = 1, out[1] = 0; /* empty */
		} else {
			out[0] = (uint16_t)res.lo[k];
			out[1] = (uint16_t)(res.hi[k] > 65535 ? 65535 : res.hi[k]);
		}
	}
}
