/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsview.c - the monitor's namespace views (see nsview.h). */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/netns.h"
#include "core/i18n.h"
#include "core/util.h"
#include "nsview.h"

void nsview_init(struct nsview *v, const char *start)
{
	memset(v, 0, sizeof *v);
	v->mode = start && strcmp(start, "all") == 0 ? 1 : 0;
	v->total = -1;
}

void nsview_done(struct nsview *v)
{
	free(v->v);
	memset(v, 0, sizeof *v);
}

static struct nsview_ent *add(struct nsview *v, const char *path, const char *label,
			      uint64_t inode, long socks)
{
	v->v = xgrow(v->v, &v->cap, v->n + 1, sizeof *v->v);
	struct nsview_ent *e = &v->v[v->n++];
	sw_strlcpy(e->path, path, sizeof e->path);
	sw_strlcpy(e->label, label, sizeof e->label);
	e->inode = inode;
	e->socks = socks;
	return e;
}

/* The namespaces of an all-namespaces snapshot that could be entered. */
static void remember(struct nsview *v, const struct sw_snapshot *cur)
{
	v->n = 0;
	v->total = (long)cur->nconns;
	for (size_t i = 0; i < cur->nns; i++)
		if (!cur->nss[i].err)
			add(v, cur->nss[i].path, cur->nss[i].label, cur->nss[i].inode,
			    (long)cur->nss[i].nconns);
}

static long count_of(const struct nsview_ent *old, size_t n, uint64_t inode)
{
	for (size_t i = 0; i < n; i++)
		if (old[i].inode == inode)
			return old[i].socks;
	return -1;
}

void nsview_refresh(struct nsview *v, const struct sw_snapshot *cur)
{
	if (cur && cur->nns) {
		remember(v, cur);
		return;
	}
	struct sw_nslist l = {0};
	if (netns_discover(NULL, &l) < 0) {
		netns_list_done(&l);
		return; /* keep what we had */
	}
	struct nsview_ent *old = v->v;
	size_t nold = v->n;
	uint64_t shown = v->mode == 2 && v->idx < v->n ? v->v[v->idx].inode : 0;
	v->v = NULL;
	v->n = v->cap = 0;
	for (size_t i = 0; i < l.n; i++) {
		const struct sw_nsinfo *ni = &l.v[i].info;
		struct nsview_ent *e = add(v, ni->path, ni->label, ni->inode,
					   count_of(old, nold, ni->inode));
		if (ni->inode == shown) {
			v->idx = v->n - 1; /* the one shown now: counted now */
			if (cur)
				e->socks = (long)cur->nconns;
		}
	}
	free(old);
	netns_list_done(&l);
}

size_t nsview_choices(const struct nsview *v, const char *start, char (*label)[64], long *socks)
{
	bool named = start && strcmp(start, "all") != 0;
	snprintf(label[0], sizeof label[0], "%s", named ? start : _("this namespace"));
	socks[0] = -1;
	snprintf(label[1], sizeof label[1], "%s", _("all namespaces"));
	socks[1] = v->total;
	for (size_t i = 0; i < v->n; i++) {
		sw_strlcpy(label[2 + i], v->v[i].label, sizeof label[2 + i]);
		socks[2 + i] = v->v[i].socks;
	}
	return v->mode == 2 && v->idx < v->n ? 2 + v->idx : (size_t)v->mode;
}

const char *nsview_pick(struct nsview *v, const char *start, size_t k)
{
	bool start_all = start && strcmp(start, "all") == 0;
	if (k == 1) {
		v->mode = 1;
		sw_strlcpy(v->label, _("all"), sizeof v->label);
		return "all";
	}
	if (k >= 2 && k - 2 < v->n) {
		v->mode = 2;
		v->idx = k - 2;
		sw_strlcpy(v->label, v->v[v->idx].label, sizeof v->label);
		return v->v[v->idx].path[0] ? v->v[v->idx].path : NULL;
	}
	v->mode = 0; /* the start one; under -N all: our own */
	sw_strlcpy(v->label, start && !start_all ? start : _("this one"), sizeof v->label);
	return start_all ? NULL : start;
}
