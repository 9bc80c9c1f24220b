/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsview.c - the monitor's namespace views (see nsview.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "nsview.h"

void nsview_init(struct nsview *v, const char *start)
{
	memset(v, 0, sizeof *v);
	v->mode = start && strcmp(start, "all") == 0 ? 1 : 0;
}

void nsview_done(struct nsview *v)
{
	free(v->v);
	memset(v, 0, sizeof *v);
}

/* The namespaces of an all-namespaces snapshot that could be entered. */
static void remember(struct nsview *v, const struct sw_snapshot *cur)
{
	v->n = 0;
	for (size_t i = 0; cur && i < cur->nns; i++) {
		if (cur->nss[i].err)
			continue;
		v->v = xgrow(v->v, &v->cap, v->n + 1, sizeof *v->v);
		sw_strlcpy(v->v[v->n].path, cur->nss[i].path, sizeof v->v[v->n].path);
		sw_strlcpy(v->v[v->n].label, cur->nss[i].label, sizeof v->v[v->n].label);
		v->n++;
	}
}

const char *nsview_next(struct nsview *v, const char *start, const struct sw_snapshot *cur)
{
	bool start_all = start && strcmp(start, "all") == 0;
	if (v->mode == 1)
		remember(v, cur);
	if (v->mode == 0 || (v->mode == 2 && v->idx + 1 >= v->n && start_all)) {
		v->mode = 1;
		sw_strlcpy(v->label, _("all"), sizeof v->label);
		return "all";
	}
	if ((v->mode == 1 && v->n) || (v->mode == 2 && v->idx + 1 < v->n)) {
		v->idx = v->mode == 1 ? 0 : v->idx + 1;
		v->mode = 2;
		sw_strlcpy(v->label, v->v[v->idx].label, sizeof v->label);
		return v->v[v->idx].path;
	}
	v->mode = 0;
	sw_strlcpy(v->label, start ? start : _("this one"), sizeof v->label);
	return start;
}
