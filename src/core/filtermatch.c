/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filtermatch.c - evaluation of a compiled filter (see filter.c for the
 * language and the parser) and of the option-level selection.  The hot
 * path: no allocation and no string parsing per socket.
 *
 * Nodes live in one array; AND/OR chains are left-deep and evaluated with a
 * loop down the left spine, so only parentheses and "not" recurse (their
 * nesting is limited at parse time).
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "filter.h"
#include "filter_priv.h"

/* ---- evaluation (the hot path) --------------------------------------------- */

static bool cmp_port(unsigned v, unsigned op, unsigned ref)
{
	switch (op) {
	case OP_EQ: return v == ref;
	case OP_NE: return v != ref;
	case OP_LT: return v < ref;
	case OP_LE: return v <= ref;
	case OP_GT: return v > ref;
	case OP_GE: return v >= ref;
	}
	return false;
}

static bool is_inet(const struct sw_conn *c)
{
	return c->family == AF_INET || c->family == AF_INET6;
}

static bool host_ep(const struct fhost *h, const struct sw_conn *c,
		    const struct sw_epix *e)
{
	if (h->has_port && e->port != h->port)
		return false;
	if (!h->has_addr)
		return true;
	const uint8_t *addr = sw_conn_addr(c, e);
	if (h->v4) {
		uint32_t a;
		if (c->family == AF_INET)
			memcpy(&a, addr, 4);
		else if (sw_addr_is_v4mapped(addr))
			memcpy(&a, addr + 12, 4);
		else
			return false;
		return (a & h->m4) == h->a4;
	}
	if (c->family != AF_INET6)
		return false;
	uint64_t a[2];
	memcpy(a, addr, 16);
	return (a[0] & h->m6[0]) == h->a6[0] && (a[1] & h->m6[1]) == h->a6[1];
}

static bool match_owner_str(const struct sw_filter *f, const struct fnode *n,
			    const struct sw_snapshot *s, const struct sw_conn *c)
{
	const char *pat = f->strs + n->u.str.off;
	for (size_t i = 0; i < c->owners_n; i++) {
		const struct sw_proc *p = snapshot_owner_proc(s, c, i);
		if (!p)
			break;
		if (n->glob) {
			if (fnmatch(pat, p->comm, 0) == 0)
				return true;
		} else if (strncmp(pat, p->comm, sizeof p->comm - 1) == 0) {
			return true;
		}
	}
	return false;
}

/* netns NAME|INODE: the label (exact or glob), "net:[INODE]" or INODE. */
static bool match_netns(const struct sw_filter *f, const struct fnode *n,
			const struct sw_snapshot *s, const struct sw_conn *c)
{
	const struct sw_nsinfo *ns = snapshot_ns(s, c);
	if (!ns)
		return false;
	const char *pat = f->strs + n->u.str.off;
	char ino[32];
	snprintf(ino, sizeof ino, "%llu", (unsigned long long)ns->inode);
	if (strcmp(pat, ino) == 0)
		return true;
	if (n->glob)
		return fnmatch(pat, ns->label, 0) == 0;
	return strcmp(pat, ns->label) == 0;
}

static bool match_upath(const struct sw_filter *f, const struct fnode *n,
			const struct sw_snapshot *s, const struct sw_conn *c)
{
	if (c->family != AF_UNIX || c->name_len == 0)
		return false;
	const char *name = snapshot_str(s, c->name_off);
	const char *pat = f->strs + n->u.str.off;
	if (name[0] == '\0') { /* abstract: shown and matched as "@name" */
		if (pat[0] != '@')
			return false;
		pat++;
		name++;
	}
	if (n->glob)
		return fnmatch(pat, name, 0) == 0;
	return strcmp(pat, name) == 0;
}

/* ss's autobound: a UNIX socket without a name or with the kernel's
 * autobind name (@ and 5 hex digits); an inet socket whose local port is
 * in the ephemeral range, and every TIME-WAIT and request socket (the
 * kernel keeps no bind flags for them, so the bytecode ss sends calls them
 * autobound).  ss itself asks the kernel whether the port was bound
 * explicitly, which sock_diag does not report: a bind() to a port inside
 * the range counts as autobound here. */
static bool autobound(const struct fnode *n, const struct sw_snapshot *s,
		      const struct sw_conn *c)
{
	if (c->family == AF_UNIX) {
		if (c->name_len == 0)
			return true;
		if (!s || c->name_len != 6)
			return false;
		const char *name = snapshot_str(s, c->name_off);
		if (name[0] != '\0')
			return false;
		for (int i = 1; i < 6; i++)
			if (!name[i] || !strchr("0123456789abcdef", name[i]))
				return false;
		return true;
	}
	if (c->state == SW_ST_TIME_WAIT || c->state == SW_ST_SYN_RECV ||
	    c->state == SW_ST_NEW_SYN_RECV)
		return true;
	return c->local.port >= n->u.eph.lo && c->local.port <= n->u.eph.hi;
}

/* fwmark: sockets without a mark record (TIME-WAIT, request sockets, no
 * CAP_NET_ADMIN) have mark 0, as in ss. */
static bool match_mark(const struct fnode *n, const struct sw_snapshot *s,
		       const struct sw_conn *c)
{
	struct sw_conn_detail d = {0};
	if (s)
		snapshot_get_detail(s, c, &d);
	return (d.mark & n->u.mark.mask) == n->u.mark.value;
}

static bool eval(const struct sw_filter *f, uint32_t i,
		 const struct sw_snapshot *s, const struct sw_conn *c)
{
	for (;;) {
		const struct fnode *n = &f->nodes[i];
		switch (n->kind) {
		case N_TRUE:
			return true;
		case N_AND:
			if (!eval(f, n->r, s, c))
				return false;
			i = n->l;
			continue;
		case N_OR:
			if (eval(f, n->r, s, c))
				return true;
			i = n->l;
			continue;
		case N_NOT:
			return !eval(f, n->l, s, c);
		case N_STATES:
			return n->u.mask & SW_STATE_BIT(c->state); /* 4 bits */
		case N_PROTO:
			if (!(n->u.proto.protos & SW_PROTO_BIT(c->proto)))
				return false;
			if (n->u.proto.fam == 4)
				return sw_conn_is_v4(c);
			if (n->u.proto.fam == 6)
				return c->family == AF_INET6;
			return true;
		case N_HOST:
			if (!is_inet(c))
				return false;
			if (n->side != SIDE_DST && host_ep(&n->u.host, c, &c->local))
				return true;
			return n->side != SIDE_SRC && host_ep(&n->u.host, c, &c->remote);
		case N_PORT:
			if (!is_inet(c))
				return false;
			if (n->side == SIDE_SRC)
				return cmp_port(c->local.port, n->op, n->u.port);
			if (n->side == SIDE_DST)
				return cmp_port(c->remote.port, n->op, n->u.port);
			if (n->op == OP_NE) /* "port != N": neither side is N */
				return c->local.port != n->u.port && c->remote.port != n->u.port;
			return cmp_port(c->local.port, n->op, n->u.port) ||
			       cmp_port(c->remote.port, n->op, n->u.port);
		case N_UPATH:
			return match_upath(f, n, s, c);
		case N_PROC:
			return s && match_owner_str(f, n, s, c);
		case N_PID:
			if (!s)
				return false;
			for (size_t k = 0; k < c->owners_n; k++) {
				const struct sw_proc *p = snapshot_owner_proc(s, c, k);
				if (p && (uint64_t)(int64_t)p->pid == n->u.num)
					return true;
			}
			return false;
		case N_UID:
			if (c->flags & SW_CF_HAS_UID)
				return c->uid == n->u.num;
			if (!s)
				return false;
			for (size_t k = 0; k < c->owners_n; k++) {
				const struct sw_proc *p = snapshot_owner_proc(s, c, k);
				if (p && p->uid == n->u.num)
					return true;
			}
			return false;
		case N_INODE:
			return c->inode == n->u.num;
		case N_COOKIE:
			return c->cookie == n->u.num;
		case N_DEV:
			return sw_conn_ifindex(c) == n->u.num;
		case N_MARK:
			return match_mark(n, s, c);
		case N_CGROUP: {
			struct sw_conn_detail d;
			return s && snapshot_get_detail(s, c, &d) && d.cgroup_id == n->u.num;
		}
		case N_AUTO:
			return autobound(n, s, c);
		case N_NETNS:
			return match_netns(f, n, s, c);
		}
		return false;
	}
}

bool filter_match(const struct sw_filter *f, const struct sw_snapshot *s,
		  const struct sw_conn *c)
{
	if (!f)
		return true;
	return eval(f, f->root, s, c);
}

/* ---- selection options ------------------------------------------------------ */

/* -4 matches AF_INET and v4-mapped IPv6 sockets, -6 every AF_INET6 socket
 * (like ss, whose AF_INET6 dump carries the v4-mapped ones).  With -4 or -6
 * given, UNIX sockets are shown only if UNIX was asked for explicitly in
 * protos (ss -4x), as ss does. */
bool select_match(const struct sw_select *sel, const struct sw_conn *c)
{
	if (!sel)
		return true;
	/* proto and state are 4-bit fields: their bits are in range */
	if (sel->protos && !(sel->protos & SW_PROTO_BIT(c->proto)))
		return false;
	if (sel->states && !(sel->states & SW_STATE_BIT(c->state)))
		return false;
	if (sel->inet4 || sel->inet6) {
		if (c->family == AF_UNIX || c->proto == SW_PROTO_UNIX)
			return sel->protos && (sel->protos & SW_PROTO_BIT(SW_PROTO_UNIX));
		if (sel->inet4 && sw_conn_is_v4(c))
			return true;
		if (sel->inet6 && c->family == AF_INET6)
			return true;
		return false;
	}
	return true;
}
