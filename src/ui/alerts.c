/* SPDX-License-Identifier: GPL-2.0-or-later */
/* alerts.c - the diagnoses on screen: the alerts line under the header
 * (the worst finding, coloured by severity; "!!"/"!" markers and
 * bold/reverse in monochrome) and the Alerts panel, which lists every
 * finding that is not OK with what was seen, who owns it, and the fix. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "alerts.h"
#include "uistate.h"

#define ALERTS_MAX 64

static enum crt_elem sev_elem(enum diag_sev s)
{
	return s == DIAG_ALARM ? CRT_ERROR : s == DIAG_WARN ? CRT_WARN : CRT_DIM;
}

static const char *sev_mark(enum diag_sev s)
{
	return s == DIAG_ALARM ? "!! " : s == DIAG_WARN ? "! " : "";
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct aline *add_line(struct ui *ui, uint64_t key, enum crt_elem e, bool head)
{
	if (ui->nalines == ui->calines) {
		ui->calines = ui->calines ? ui->calines * 2 : 64;
		ui->alines = xrealloc(ui->alines, ui->calines * sizeof *ui->alines);
	}
	struct aline *l = &ui->alines[ui->nalines++];
	memset(l, 0, sizeof *l);
	l->key = key;
	l->elem = (unsigned char)e;
	l->head = head;
	return l;
}

/* Add text wrapped at width columns (at spaces): the first line starts
 * with first, the others with an indent of the same width. */
static void add_wrapped(struct ui *ui, uint64_t *key, enum crt_elem e, bool head,
			const char *first, const char *text, int width)
{
	char indent[64];
	int fw = crt_width(first);
	snprintf(indent, sizeof indent, "%*s", fw < 40 ? fw : 40, "");
	size_t ind = (size_t)(fw < 40 ? fw : 40);
	size_t room = width > (int)ind + 10 ? (size_t)width - ind : 40;
	const char *p = text;
	const char *pre = first;
	while (*p) {
		size_t n = strlen(p);
		if (n > room) {
			/* break at the last space that fits (UTF-8 safe: spaces are ASCII) */
			size_t cut = room;
			while (cut > room / 2 && p[cut] != ' ')
				cut--;
			if (p[cut] != ' ') {
				cut = room;
				while (cut > 0 && ((unsigned char)p[cut] & 0xc0) == 0x80)
					cut--;
			}
			n = cut;
		}
		struct aline *l = add_line(ui, (*key)++, e, head);
		snprintf(l->text, sizeof l->text, "%s%.*s", pre, (int)n, p);
		pre = indent;
		head = false;
		p += n;
		while (*p == ' ')
			p++;
	}
}

void alerts_build(struct ui *ui)
{
	struct panel *p = &ui->panels[PANEL_ALERTS];
	int width = p->w > 0 ? p->w : ui->cols;
	if (ui->alines && ui->alines_seq == ui->seen_seq && ui->alines_w == width)
		return;
	ui->alines_seq = ui->seen_seq;
	ui->alines_w = width;
	ui->nalines = 0;
	const struct diag_list *dl = ui->have_data ? ui->data.diags : NULL;
	const struct diag *sel[ALERTS_MAX];
	size_t n = alerts_select(dl, sel, ALERTS_MAX);
	if (!n) {
		struct aline *l = add_line(ui, 1, CRT_NORMAL, true);
		snprintf(l->text, sizeof l->text, "%s",
			 dl ? _("No problems found.") : _("No diagnoses yet."));
		for (size_t i = 0; dl && i < dl->n; i++) {
			const struct diag *d = &dl->d[i];
			l = add_line(ui, hash_str(2, diag_id_name(d->id)), CRT_DIM, false);
			snprintf(l->text, sizeof l->text, "  %-8s %s", _(diag_sev_label(d->sev)),
				 d->title);
		}
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct diag *d = sel[i];
		uint64_t key = hash_str(hash_str(14695981039346656037ULL, diag_id_name(d->id)),
					d->subject);
		char t[64];
		snprintf(t, sizeof t, "%s%s  ", sev_mark(d->sev), _(diag_sev_label(d->sev)));
		add_wrapped(ui, &key, sev_elem(d->sev), true, t, d->title, width);
		for (size_t k = 0; k < d->ndetail; k++)
			add_wrapped(ui, &key, CRT_NORMAL, false, "    ", d->detail[k], width);
		const char *f = d->fix;
		bool first = true;
		while (*f) {
			const char *nl = strchr(f, '\n');
			size_t len = nl ? (size_t)(nl - f) : strlen(f);
			char one[1024];
			snprintf(one, sizeof one, "%.*s", (int)len, f);
			char ind[64];
			int fixw = crt_width(_("Fix:"));
			if (first)
				snprintf(ind, sizeof ind, "    %s ", _("Fix:"));
			else
				snprintf(ind, sizeof ind, "    %*s ", fixw < 20 ? fixw : 20, "");
			if (one[0])
				add_wrapped(ui, &key, CRT_HDR_LABEL, false, ind, one, width);
			first = false;
			f += len;
			if (*f == '\n')
				f++;
		}
	}
}

/* The lines and the title. */
static size_t al_want_rows(const struct ui *ui)
{
	return (ui->nalines ? ui->nalines : 1) + 1;
}

static size_t al_nrows(const struct panel *p, const struct ui *ui)
{
	(void)p;
	return ui->nalines;
}

static uint64_t al_row_key(const struct panel *p, const struct ui *ui, size_t i)
{
	(void)p;
	return ui->alines[i].key;
}

static void al_row_text(const struct panel *p, struct ui *ui, size_t i, char *buf, size_t len)
{
	(void)p;
	sw_strlcpy(buf, ui->alines[i].text, len);
}

static void al_draw(struct panel *p, struct ui *ui)
{
	alerts_build(ui);
	WINDOW *w = p->win;
	const struct diag_list *dl = ui->have_data ? ui->data.diags : NULL;
	char extra[96] = "";
	if (dl)
		snprintf(extra, sizeof extra, _("%zu alarm(s), %zu warning(s)"),
			 diag_list_count(dl, DIAG_ALARM),
			 diag_list_count(dl, DIAG_WARN) - diag_list_count(dl, DIAG_ALARM));
	panel_draw_title(p, ui, extra);
	size_t n = al_nrows(p, ui), h = panel_list_h(p);
	listsel_scroll(&p->sel, n, h);
	for (size_t i = p->sel.top; i < n && i < p->sel.top + h; i++) {
		const struct aline *l = &ui->alines[i];
		attr_t base = panel_row_attr(p, ui, i, crt_attr((enum crt_elem)l->elem));
		wmove(w, p->head + (int)(i - p->sel.top), 0);
		panel_put_match(ui, w, l->text, p->w, false, base);
	}
	wattrset(w, A_NORMAL);
}

static void al_resize(struct panel *p, struct ui *ui)
{
	p->head = 1;
	alerts_build(ui);
}

const struct panel_ops alerts_ops = {
	.name = N_("Alerts"),
	.slot = PANEL_SLOT_BAND,
	.min_size = 3,
	.want_rows = al_want_rows,
	.names = true,
	.hint = N_("a: hide alerts   z: zoom   Tab: next panel   h: help"),
	.draw = al_draw,
	.resize = al_resize,
	.nrows = al_nrows,
	.row_text = al_row_text,
	.row_key = al_row_key,
};

void alerts_line_draw(struct ui *ui, WINDOW *w, int y)
{
	int W = ui->cols;
	wmove(w, y, 0);
	const struct diag_list *dl = ui->have_data ? ui->data.diags : NULL;
	const struct diag *d = alerts_worst(dl);
	if (!d) {
		wattrset(w, crt_attr(CRT_HDR_LABEL));
		crt_put(w, dl ? _("Alerts: none - no problems found") : _("Alerts: -"), W);
		wattrset(w, A_NORMAL);
		return;
	}
	size_t more = diag_list_count(dl, DIAG_WARN) - 1;
	char t[DIAG_LINE + 128], m[64] = "";
	/* below 60 columns no hint: the finding first */
	if (W >= 60 && more)
		snprintf(m, sizeof m, _("  (+%zu more, a: alerts)"), more);
	else if (W >= 60)
		snprintf(m, sizeof m, "%s", _("  (a: alerts)"));
	snprintf(t, sizeof t, "%s%s: %s", sev_mark(d->sev), _(diag_sev_label(d->sev)), d->title);
	int mw = crt_width(m);
	wattrset(w, crt_attr(sev_elem(d->sev)));
	int used = crt_put(w, t, W - mw > 10 ? W - mw : W);
	wattrset(w, crt_attr(CRT_HDR_LABEL));
	if (used < W)
		crt_put(w, m, W - used);
	wattrset(w, A_NORMAL);
}
