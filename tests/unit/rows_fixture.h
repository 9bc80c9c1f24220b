/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rows_fixture.h - build snapshots and rows by hand for the column,
 * aggregate and output tests (no model, no kernel). */
#ifndef SW_ROWS_FIXTURE_H
#define SW_ROWS_FIXTURE_H

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "core/model.h"
#include "core/snapshot.h"
#include "core/util.h"

/* A view of rows[0..n) for the functions that take views (the last 8
 * made stay valid; their handle arrays are reused). */
static inline const struct sw_view *fx_view(const struct sw_row *rows, size_t n)
{
	static struct sw_view v[8];
	static unsigned next;
	struct sw_view *x = &v[next++ % 8];
	view_of_rows(x, rows, n);
	return x;
}

static const struct sw_rowstat fx_live;                              /* plain row */
static const struct sw_rowstat fx_tomb = {.flags = SW_ROW_CLOSED};   /* tombstone */

/* Parse "1.2.3.4" (AF_INET) or anything else as IPv6 into the local or
 * (remote) the remote end of c, a record of s. */
static inline void fx_ep(struct sw_snapshot *s, struct sw_conn *c, bool remote, int family,
			 const char *addr, uint16_t port)
{
	uint8_t a[16] = {0};
	if (addr)
		inet_pton(family, addr, a);
	snapshot_set_addr(s, c, remote, a);
	(remote ? &c->remote : &c->local)->port = port;
}

static inline size_t fx_inet(struct sw_snapshot *s, int proto, int family, const char *la,
			     uint16_t lp, const char *ra, uint16_t rp, int state)
{
	struct sw_conn *c = snapshot_add_conn(s);
	c->proto = (uint8_t)proto;
	c->family = (uint8_t)family;
	c->state = (uint8_t)state;
	fx_ep(s, c, false, family, la, lp);
	fx_ep(s, c, true, family, ra, rp);
	c->cookie = s->nconns;
	c->inode = (uint32_t)(1000 + s->nconns);
	c->uid = 0;
	c->flags |= SW_CF_HAS_UID;
	return s->nconns - 1;
}

static inline size_t fx_unix(struct sw_snapshot *s, int sotype, int state, const char *name,
			     size_t namelen, uint32_t inode, uint32_t peer)
{
	struct sw_conn *c = snapshot_add_conn(s);
	size_t ci = s->nconns - 1;
	c->proto = SW_PROTO_UNIX;
	c->family = AF_UNIX;
	c->sotype = (uint8_t)sotype;
	c->state = (uint8_t)state;
	c->inode = inode;
	c->cookie = s->nconns;
	c->peer_inode = peer;
	if (peer)
		c->flags |= SW_CF_HAS_PEER;
	if (name) {
		uint32_t off = snapshot_pool_add(s, name, namelen);
		s->conns[ci].name_off = off;
		s->conns[ci].name_len = (uint8_t)namelen;
	}
	return ci;
}

/* Give conns[ci] an owner (call right after creating it, owners of one
 * socket must be contiguous).  Returns the proc index. */
static inline uint32_t fx_owner(struct sw_snapshot *s, size_t ci, int pid, const char *comm,
				const char *cmdline, uint32_t uid, int fd)
{
	uint32_t pi = SW_NONE;
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == pid)
			pi = (uint32_t)i;
	if (pi == SW_NONE) {
		struct sw_proc p;
		memset(&p, 0, sizeof p);
		p.pid = pid;
		p.uid = uid;
		sw_strlcpy(p.comm, comm, sizeof p.comm);
		if (cmdline) {
			p.cmdline_off = snapshot_pool_add(s, cmdline, strlen(cmdline));
			p.cmdline_len = (uint32_t)strlen(cmdline);
		}
		pi = (uint32_t)snapshot_add_proc(s, &p);
	}
	struct sw_conn *c = &s->conns[ci];
	snapshot_add_owner(s, c, pi, fd);
	return pi;
}

/* Rows for every conn of s (all live unless st[] says otherwise). */
static inline void fx_rows(const struct sw_snapshot *s, struct sw_row *rows,
			   const struct sw_rowstat *const *st)
{
	for (size_t i = 0; i < s->nconns; i++) {
		rows[i].snap = s;
		rows[i].conn = &s->conns[i];
		rows[i].st = st && st[i] ? st[i] : &fx_live;
	}
}

#endif
