/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagns.c - diagnoses per network namespace (-N all).
 *
 * Port ranges, tcp_max_tw_buckets, syncookies and the /proc/net counters
 * are per namespace, and so are 4-tuples: ten containers each talking to
 * their own 127.0.0.1:3306 do not share ephemeral ports.  So with several
 * namespaces each one is diagnosed on its own sockets against its own
 * kstat (read in it), with its own memory across refreshes, and the
 * findings are listed together, each titled with its namespace.  An "OK"
 * entry is kept (once, from the first namespace) only for a diagnosis that
 * found nothing anywhere.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"
#include "diagnose_priv.h"
#include "util.h"

void diag_ns_init(struct diag_ns *d)
{
	memset(d, 0, sizeof *d);
	snapshot_init(&d->sub);
	diag_list_init(&d->tmp);
}

void diag_ns_done(struct diag_ns *d)
{
	for (size_t i = 0; i < d->n; i++)
		diag_state_done(&d->st[i]);
	free(d->st);
	free(d->ino);
	free(d->seen);
	free(d->pmap);
	snapshot_done(&d->sub);
	diag_list_done(&d->tmp);
	memset(d, 0, sizeof *d);
}

/* The memory of namespace inode, made on first sight. */
static struct diag_state *state_for(struct diag_ns *d, uint64_t inode)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->ino[i] == inode) {
			d->seen[i] = true;
			return &d->st[i];
		}
	}
	size_t c1 = d->cap, c2 = d->cap, c3 = d->cap;
	d->st = xgrow(d->st, &c1, d->n + 1, sizeof *d->st);
	d->ino = xgrow(d->ino, &c2, d->n + 1, sizeof *d->ino);
	d->seen = xgrow(d->seen, &c3, d->n + 1, sizeof *d->seen);
	d->cap = c1;
	diag_state_init(&d->st[d->n]);
	d->ino[d->n] = inode;
	d->seen[d->n] = true;
	return &d->st[d->n++];
}

/* Forget the namespaces that are gone. */
static void drop_unseen(struct diag_ns *d)
{
	size_t out = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (!d->seen[i]) {
			diag_state_done(&d->st[i]);
			continue;
		}
		d->seen[i] = false;
		d->st[out] = d->st[i];
		d->ino[out] = d->ino[i];
		out++;
	}
	d->n = out;
}

/* Namespace i's sockets of s, with their tcp_info, names and processes,
 * and its kstat, into d->sub. */
static void extract(struct diag_ns *d, const struct sw_snapshot *s, size_t i)
{
	struct sw_snapshot *o = &d->sub;
	snapshot_clear(o);
	o->detail = false;
	o->mono_ns = s->mono_ns;
	o->real_sec = s->real_sec;
	d->pmap = xgrow(d->pmap, &d->cappmap, s->nprocs ? s->nprocs : 1, sizeof *d->pmap);
	for (size_t k = 0; k < s->nprocs; k++)
		d->pmap[k] = SW_NONE;
	for (size_t k = 0; k < s->nconns; k++) {
		const struct sw_conn *c = &s->conns[k];
		if (c->ns != i)
			continue;
		struct sw_conn *nc = snapshot_add_conn(o);
		size_t ni = o->nconns - 1;
		*nc = *c;
		snapshot_rehome(o, nc);
		nc->ns = 0;
		nc->tcpx = SW_NONE; /* (a UNIX socket's name is set below) */
		const struct sw_tcpx *tx = snapshot_tcpx(s, c);
		if (tx)
			*snapshot_add_tcpx(o, ni) = *tx;
		nc = &o->conns[ni];
		if (c->name_len)
			nc->name_off = snapshot_pool_add(o, s->pool + c->name_off, c->name_len);
		sw_conn_owners_clear(nc);
		for (uint32_t w = 0; w < c->owners_n; w++) {
			struct sw_owner owb;
			const struct sw_owner *ow = &owb;
			if (!snapshot_owner(s, c, w, &owb) || ow->proc >= s->nprocs)
				continue;
			if (d->pmap[ow->proc] == SW_NONE) {
				struct sw_proc p = s->procs[ow->proc];
				p.cmdline_off = p.cmdline_len ? snapshot_pool_add(o, s->pool + p.cmdline_off,
										  p.cmdline_len) : 0;
				d->pmap[ow->proc] = (uint32_t)snapshot_add_proc(o, &p);
			}
			snapshot_add_owner(o, &o->conns[ni], d->pmap[ow->proc], ow->fd);
		}
	}
	const struct sw_kstat *k = snapshot_ns_kstat(s, i);
	if (k) {
		memcpy(&o->kstat, k, offsetof(struct sw_kstat, counters));
		memcpy(o->kstat.counters, k->counters, k->ncounters * sizeof *k->counters);
		o->have_kstat = true;
	}
}

/* dst = "LABEL" sep src, cut to cap. */
static void prefixed(char *dst, size_t cap, const char *label, const char *sep, const char *src)
{
	size_t n = sw_strlcpy(dst, label, cap);
	if (n < cap)
		n += sw_strlcpy(dst + n, sep, cap - n);
	if (n < cap)
		sw_strlcpy(dst + n, src, cap - n);
}

/* Append d's findings to l under the namespace's label. */
static void add_found(struct diag_list *l, const struct diag_list *from, const char *label)
{
	for (size_t i = 0; i < from->n; i++) {
		const struct diag *f = &from->d[i];
		if (f->sev == DIAG_OK)
			continue;
		struct diag *n = diag_add(l, f->id, f->sev);
		*n = *f;
		prefixed(n->title, sizeof n->title, label, ": ", f->title);
		prefixed(n->subject, sizeof n->subject, label, " ", f->subject);
	}
}

enum diag_sev diagnose_run_ns(struct diag_ns *d, struct diag_state *own,
			      const struct diag_thresholds *t, const struct sw_snapshot *s,
			      struct diag_list *l)
{
	if (!s->nns)
		return diagnose_run(own, t, s, l);
	l->n = 0;
	l->worst = DIAG_OK;
	bool found[DIAG_ID_COUNT] = {false};
	struct diag oks[DIAG_ID_COUNT];
	bool have_ok[DIAG_ID_COUNT] = {false};
	for (size_t i = 0; i < s->nns; i++) {
		if (s->nss[i].err)
			continue;
		extract(d, s, i);
		diagnose_run(state_for(d, s->nss[i].inode), t, &d->sub, &d->tmp);
		if (i == 0) {
			l->dt = d->tmp.dt;
			l->have_rates = d->tmp.have_rates;
		}
		add_found(l, &d->tmp, s->nss[i].label);
		for (size_t k = 0; k < d->tmp.n; k++) {
			const struct diag *f = &d->tmp.d[k];
			if (f->sev != DIAG_OK)
				found[f->id] = true;
			else if (!have_ok[f->id])
				oks[f->id] = *f, have_ok[f->id] = true;
		}
	}
	drop_unseen(d);
	for (int id = 0; id < DIAG_ID_COUNT; id++)
		if (!found[id] && have_ok[id])
			*diag_add(l, (enum diag_id)id, DIAG_OK) = oks[id];
	diag_sort_by_id(l);
	return l->worst;
}
