/* SPDX-License-Identifier: GPL-2.0-or-later */
/* snapns.c - a snapshot's network namespace table, and merging the
 * snapshots of several namespaces (-N all) into one.
 *
 * conn.ns is a 16-bit index into snapshot.nss[] (a 64-bit inode in every
 * record would grow the record by 8 bytes, twice over at 100k sockets);
 * the table holds each namespace's inode, label and the kstat read in it.
 * Sockets of different namespaces are never merged: the same 4-tuple in
 * two containers is two sockets, and the dedupe passes compare conn.ns.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "snapshot.h"
#include "util.h"

uint32_t snapshot_add_ns(struct sw_snapshot *s, const struct sw_nsinfo *ns)
{
	if (s->nns >= UINT16_MAX)
		return SW_NONE;
	s->nss = xgrow(s->nss, &s->capnss, s->nns + 1, sizeof *s->nss);
	struct sw_nsinfo *n = &s->nss[s->nns];
	*n = *ns;
	n->nconns = 0;
	n->have_kstat = false;
	return (uint32_t)s->nns++;
}

const struct sw_kstat *snapshot_ns_kstat(const struct sw_snapshot *s, size_t i)
{
	if (i >= s->nns || !s->nss[i].have_kstat || i >= s->capnskstat)
		return NULL;
	return &s->nskstat[i];
}

uint32_t snapshot_ns_intern(struct sw_snapshot *dst, const struct sw_snapshot *src, size_t i)
{
	if (i >= src->nns)
		return 0;
	for (size_t k = 0; k < dst->nns; k++)
		if (dst->nss[k].inode == src->nss[i].inode)
			return (uint32_t)k;
	uint32_t k = snapshot_add_ns(dst, &src->nss[i]);
	return k == SW_NONE ? 0 : k;
}

const char *snapshot_ns_label(const struct sw_snapshot *s, const struct sw_conn *c)
{
	const struct sw_nsinfo *ns = snapshot_ns(s, c);
	return ns ? ns->label : "";
}

/* The tcp_info and detail records of src's socket c, appended for dst's
 * socket di. */
static void append_extras(struct sw_snapshot *dst, const struct sw_snapshot *src,
			  const struct sw_conn *c, size_t di)
{
	const struct sw_tcpx *tx = snapshot_tcpx(src, c);
	if (tx) {
		struct sw_tcpx *t = snapshot_add_tcpx(dst, di);
		*t = *tx;
		if (t->cong_off) {
			const char *cong = snapshot_cong(src, tx);
			t->cong_off = snapshot_intern(dst, cong, strlen(cong));
		}
	}
	snapshot_copy_details(dst, di, src, c);
}

static void append_kstat(struct sw_snapshot *dst, const struct sw_snapshot *src, uint32_t ns)
{
	if (!src->have_kstat)
		return;
	dst->nskstat = xgrow(dst->nskstat, &dst->capnskstat, dst->nns, sizeof *dst->nskstat);
	/* only the counters in use: a full sw_kstat is ~40 KB */
	struct sw_kstat *k = &dst->nskstat[ns];
	memcpy(k, &src->kstat, offsetof(struct sw_kstat, counters));
	memcpy(k->counters, src->kstat.counters, src->kstat.ncounters * sizeof *k->counters);
	dst->nss[ns].have_kstat = true;
}

void snapshot_append(struct sw_snapshot *dst, const struct sw_snapshot *src, uint32_t ns)
{
	if (ns >= dst->nns)
		return;
	for (size_t i = 0; i < src->nconns; i++) {
		const struct sw_conn *c = &src->conns[i];
		struct sw_conn *nc = snapshot_add_conn(dst);
		size_t di = dst->nconns - 1;
		*nc = *c;
		snapshot_rehome(dst, nc);
		nc->ns = (uint16_t)ns;
		nc->tcpx = SW_NONE; /* (a UNIX socket's name is set below) */
		sw_conn_owners_clear(nc);
		append_extras(dst, src, c, di);
		nc = &dst->conns[di];
		if (c->name_len)
			nc->name_off = snapshot_pool_add(dst, src->pool + c->name_off, c->name_len);
	}
	dst->nss[ns].nconns += (uint32_t)src->nconns;
	snapshot_append_ifnames(dst, src, dst->nss[ns].inode);
	append_kstat(dst, src, ns);
	dst->protos_done |= src->protos_done;
	dst->protos_missing |= src->protos_missing;
	dst->notes |= src->notes;
}
