/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uimodel.c - pure panel state: selection, columns, sort keys, drill-down.
 * No curses here: tests/unit/test_uimodel.c links this file alone. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/util.h"
#include "uimodel.h"

/* ---- selection ----------------------------------------------------------- */

void listsel_scroll(struct listsel *s, size_t n, size_t h)
{
	if (n == 0) {
		s->cur = s->top = 0;
		return;
	}
	if (s->cur >= n)
		s->cur = n - 1;
	if (h == 0)
		h = 1;
	if (s->cur < s->top)
		s->top = s->cur;
	if (s->cur >= s->top + h)
		s->top = s->cur - h + 1;
	if (n > h && s->top > n - h)
		s->top = n - h;
	if (n <= h)
		s->top = 0;
}

void listsel_sync(struct listsel *s, size_t n, long idx, size_t h)
{
	if (idx >= 0 && (size_t)idx < n)
		s->cur = (size_t)idx;
	/* else: the item is gone; stay on the same row number (clamped) */
	listsel_scroll(s, n, h);
}

void listsel_set(struct listsel *s, size_t n, size_t idx, size_t h)
{
	s->cur = idx;
	listsel_scroll(s, n, h);
}

bool listsel_move(struct listsel *s, size_t n, long delta, size_t h)
{
	if (n == 0)
		return false;
	size_t old = s->cur;
	long c = (long)s->cur + delta;
	if (c < 0)
		c = 0;
	if ((size_t)c >= n)
		c = (long)n - 1;
	s->cur = (size_t)c;
	listsel_scroll(s, n, h);
	return s->cur != old;
}

void listsel_sync_view(struct listsel *s, const struct sw_view *v, size_t h)
{
	long idx = s->has_key ? view_find_cookie(v, s->key) : -1;
	listsel_sync(s, v->n, idx, h);
	listsel_remember_view(s, v);
}

void listsel_remember_view(struct listsel *s, const struct sw_view *v)
{
	if (v->n && s->cur < v->n) {
		s->key = view_row(v, s->cur).conn->cookie;
		s->has_key = true;
	} else {
		s->has_key = false;
	}
}

/* ---- columns ------------------------------------------------------------- */

void colset_init(struct colset *cs)
{
	for (int i = 0; i < SW_COL_COUNT; i++) {
		cs->order[i] = (enum sw_col_id)i;
		const struct sw_column *c = column_get((enum sw_col_id)i);
		cs->on[i] = c && c->default_on;
	}
	cs->cur = 0;
}

int colset_parse(struct colset *cs, const char *spec)
{
	enum sw_col_id ids[SW_COL_COUNT];
	int bad;
	colset_init(cs);
	int n = column_parse_list(spec, ids, NULL, SW_COL_COUNT, &bad);
	if (n <= 0)
		return -1;
	bool seen[SW_COL_COUNT] = {false};
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		if (seen[ids[i]])
			continue;
		seen[ids[i]] = true;
		cs->order[k++] = ids[i];
	}
	for (int i = 0; i < SW_COL_COUNT; i++) {
		cs->on[i] = seen[i];
		if (!seen[i])
			cs->order[k++] = (enum sw_col_id)i;
	}
	return 0;
}

void colset_toggle(struct colset *cs, size_t idx)
{
	if (idx < SW_COL_COUNT)
		cs->on[cs->order[idx]] = !cs->on[cs->order[idx]];
}

void colset_show_first(struct colset *cs, enum sw_col_id id)
{
	for (size_t i = 0; i < SW_COL_COUNT; i++) {
		if (cs->order[i] == id) {
			cs->on[id] = true;
			colset_move(cs, i, -(int)i);
			return;
		}
	}
}

size_t colset_move(struct colset *cs, size_t idx, int delta)
{
	if (idx >= SW_COL_COUNT)
		return idx;
	long to = (long)idx + delta;
	if (to < 0)
		to = 0;
	if (to >= SW_COL_COUNT)
		to = SW_COL_COUNT - 1;
	enum sw_col_id id = cs->order[idx];
	if ((size_t)to > idx)
		memmove(&cs->order[idx], &cs->order[idx + 1], ((size_t)to - idx) * sizeof id);
	else if ((size_t)to < idx)
		memmove(&cs->order[to + 1], &cs->order[to], (idx - (size_t)to) * sizeof id);
	cs->order[to] = id;
	return (size_t)to;
}

size_t colset_visible(const struct colset *cs, enum sw_col_id *ids, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < SW_COL_COUNT; i++)
		if (cs->on[cs->order[i]] && n < max)
			ids[n++] = cs->order[i];
	return n;
}

char *colset_str(const struct colset *cs, char *buf, size_t len)
{
	size_t used = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < SW_COL_COUNT; i++) {
		if (!cs->on[cs->order[i]])
			continue;
		int w = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
				 column_get(cs->order[i])->name);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	return buf;
}

/* ---- sorting ------------------------------------------------------------- */

void sortstate_init(struct sortstate *ss)
{
	ss->k[0] = (struct sw_sortkey){SW_COL_STATE, false};
	ss->k[1] = (struct sw_sortkey){SW_COL_REMOTE, false};
	ss->n = 2;
}

int sortstate_parse(struct sortstate *ss, const char *spec)
{
	enum sw_col_id ids[SORTSTATE_MAX];
	bool desc[SORTSTATE_MAX];
	int bad;
	int n = column_parse_list(spec, ids, desc, SORTSTATE_MAX, &bad);
	if (n <= 0)
		return -1;
	for (int i = 0; i < n; i++)
		ss->k[i] = (struct sw_sortkey){ids[i], desc[i]};
	ss->n = (size_t)n;
	return 0;
}

bool sortstate_desc_first(enum sw_col_id col)
{
	const struct sw_column *c = column_get(col);
	return c && c->desc_first;
}

void sortstate_set(struct sortstate *ss, enum sw_col_id col, bool desc_first)
{
	if (ss->n && ss->k[0].col == (int)col)
		return;
	/* The new primary key; the old primary becomes the tie-breaker. */
	struct sw_sortkey old = ss->n ? ss->k[0] : (struct sw_sortkey){SW_COL_STATE, false};
	ss->k[0] = (struct sw_sortkey){col, desc_first};
	ss->n = 1;
	if (old.col != (int)col)
		ss->k[ss->n++] = old;
}

void sortstate_invert(struct sortstate *ss)
{
	if (!ss->n)
		sortstate_init(ss);
	ss->k[0].desc = !ss->k[0].desc;
}

/* ---- drill-down ------------------------------------------------------------ */

void drill_init(struct drill *d)
{
	d->n = 0;
}

void drill_done(struct drill *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->text[i]);
	d->n = 0;
}

void drill_push(struct drill *d, const char *filter_text)
{
	if (d->n == DRILL_MAX) {
		free(d->text[0]);
		memmove(&d->text[0], &d->text[1], (DRILL_MAX - 1) * sizeof d->text[0]);
		d->n--;
	}
	d->text[d->n++] = xstrdup(filter_text ? filter_text : "");
}

bool drill_pop(struct drill *d, char *buf, size_t len)
{
	if (!d->n)
		return false;
	d->n--;
	sw_strlcpy(buf, d->text[d->n], len);
	free(d->text[d->n]);
	return true;
}

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

char *drill_combine(const char *old, const char *cond, char *buf, size_t len)
{
	if (blank(old))
		snprintf(buf, len, "%s", cond);
	else
		snprintf(buf, len, "(%s) and %s", old, cond);
	return buf;
}

char *drill_cond_state(unsigned state, char *buf, size_t len)
{
	char name[32];
	sw_strlcpy(name, sw_state_netstat_name(state), sizeof name);
	for (char *p = name; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (*p == '_')
			*p = '-';
	}
	snprintf(buf, len, "proto tcp and state %s", name);
	return buf;
}

char *drill_cond_remote(const struct sw_agg_entry *e, char *buf, size_t len)
{
	char a[64];
	sw_addr_str(e->family, e->addr, false, a, sizeof a);
	bool v6 = e->family == AF_INET6;
	bool net = e->prefix && e->prefix < (v6 ? 128 : 32);
	if (e->port) /* a destination: its client ends */
		snprintf(buf, len, v6 ? "proto %s and dst [%s]:%u" : "proto %s and dst %s:%u",
			 sw_proto_name(e->proto), a, e->port);
	else if (net)
		snprintf(buf, len, v6 ? "dst [%s]/%u" : "dst %s/%u", a, e->prefix);
	else
		snprintf(buf, len, v6 ? "dst [%s]" : "dst %s", a);
	return buf;
}

char *drill_cond_listener(const struct sw_conn *c, char *buf, size_t len)
{
	snprintf(buf, len, "proto %s and sport = :%u", sw_proto_name(c->proto), c->local.port);
	return buf;
}

/* ---- misc ------------------------------------------------------------------ */

void uimodel_fit_endpoint(char *cell, size_t len, int width, const char *ell)
{
	size_t n = strlen(cell), el = strlen(ell);
	if (width < 4 || n <= (size_t)width)
		return;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)cell[i] >= 0x80)
			return;
	size_t w = (size_t)width;
	/* the port: digits or '*' after the last ':' of an inet address */
	size_t port = 0;
	const char *colon = strrchr(cell, ':');
	if (colon && cell[0] != '/' && cell[0] != '@' && colon[1]) {
		port = strlen(colon);
		for (const char *q = colon + 1; *q; q++)
			if (!isdigit((unsigned char)*q) && *q != '*')
				port = 0;
	}
	char out[512];
	if (port && w >= port + 2) {
		size_t head = w - port - 1; /* host bytes kept, marker, :port */
		snprintf(out, sizeof out, "%.*s%s%s", (int)head, cell, ell, colon);
	} else {
		size_t tail = w - 1;
		snprintf(out, sizeof out, "%s%s", ell, cell + n - tail);
	}
	if (strlen(out) < len && el < sizeof out)
		memcpy(cell, out, strlen(out) + 1);
}

long uimodel_find(const char *hay, const char *needle)
{
	size_t nl = strlen(needle);
	if (!nl)
		return 0;
	for (size_t i = 0; hay[i]; i++) {
		size_t j = 0;
		while (j < nl && hay[i + j] &&
		       tolower((unsigned char)hay[i + j]) == tolower((unsigned char)needle[j]))
			j++;
		if (j == nl)
			return (long)i;
	}
	return -1;
}

uint64_t uimodel_agg_key(const struct sw_agg_entry *e)
{
	uint64_t h = sw_hash64(((uint64_t)e->family << 8) | e->prefix);
	for (int i = 0; i < 16; i += 8) {
		uint64_t w;
		memcpy(&w, e->addr + i, 8);
		h = sw_hash64(h ^ w);
	}
	h = sw_hash64(h ^ ((uint64_t)e->port << 8 | e->proto) ^ ((uint64_t)(uint32_t)e->pid << 24));
	return h;
}

/* ---- per-state history ---------------------------------------------------- */

void statehist_init(struct statehist *h)
{
	memset(h, 0, sizeof *h);
}

void statehist_push(struct statehist *h, uint64_t t_ns, const uint32_t *counts, size_t nst)
{
	uint32_t *row = h->v[h->head];
	memset(row, 0, sizeof h->v[0]);
	for (size_t i = 0; i < nst && i < STATEHIST_NST; i++)
		row[i] = counts[i];
	h->t_ns[h->head] = t_ns;
	h->head = (h->head + 1) % STATEHIST_N;
	if (h->n < STATEHIST_N)
		h->n++;
}

/* Slot of the sample `back` samples before the newest (0: newest). */
static size_t hist_slot(const struct statehist *h, size_t back)
{
	return (h->head + STATEHIST_N - 1 - back) % STATEHIST_N;
}

uint32_t statehist_get(const struct statehist *h, unsigned st, size_t back)
{
	if (back >= h->n || st >= STATEHIST_NST)
		return 0;
	return h->v[hist_slot(h, back)][st];
}

bool statehist_rate(const struct statehist *h, unsigned st, size_t span, double *per_sec)
{
	if (span > h->n)
		span = h->n;
	if (span < 2 || st >= STATEHIST_NST)
		return false;
	size_t a = hist_slot(h, span - 1), b = hist_slot(h, 0);
	uint64_t dt = h->t_ns[b] - h->t_ns[a];
	if (h->t_ns[b] <= h->t_ns[a] || dt == 0)
		return false;
	*per_sec = ((double)h->v[b][st] - (double)h->v[a][st]) / ((double)dt / 1e9);
	return true;
}

static const char *const spark_utf8[] = {"\u2581", "\u2582", "\u2583", "\u2584",
					 "\u2585", "\u2586", "\u2587", "\u2588"};
static const char spark_ascii[] = "_.-=#";

size_t sparkline_render(const uint32_t *vals, size_t n, bool utf8, char *buf, size_t len)
{
	if (!len)
		return 0;
	buf[0] = '\0';
	uint32_t lo = UINT32_MAX, hi = 0;
	for (size_t i = 0; i < n; i++) {
		if (vals[i] < lo)
			lo = vals[i];
		if (vals[i] > hi)
			hi = vals[i];
	}
	size_t levels = utf8 ? 8 : sizeof spark_ascii - 1;
	size_t o = 0, cols = 0;
	for (size_t i = 0; i < n; i++) {
		const char *g;
		char one[2] = {0, 0};
		if (hi == 0) {
			g = " ";
		} else {
			size_t lv = hi > lo ? (size_t)((uint64_t)(vals[i] - lo) * (levels - 1) /
						       (hi - lo)) : 0;
			if (utf8) {
				g = spark_utf8[lv];
			} else {
				one[0] = spark_ascii[lv];
				g = one;
			}
		}
		size_t gl = strlen(g);
		if (o + gl + 1 > len)
			break;
		memcpy(buf + o, g, gl);
		o += gl;
		cols++;
	}
	buf[o] = '\0';
	return cols;
}

size_t statehist_spark(const struct statehist *h, unsigned st, size_t width, bool utf8,
		       char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	if (!h->n || !width || st >= STATEHIST_NST)
		return 0;
	if (width > STATEHIST_N)
		width = STATEHIST_N;
	uint32_t vals[STATEHIST_N];
	size_t have = h->n < width ? h->n : width;
	uint32_t oldest = statehist_get(h, st, have - 1);
	for (size_t i = 0; i < width; i++) {
		size_t back = width - 1 - i; /* samples before the newest */
		vals[i] = back < have ? statehist_get(h, st, back) : oldest;
	}
	return sparkline_render(vals, width, utf8, buf, len);
}

/* ---- alerts ------------------------------------------------------------------ */

size_t alerts_select(const struct diag_list *l, const struct diag **out, size_t max)
{
	size_t k = 0;
	/* Stable: alarms in list order, then warnings in list order. */
	for (int sev = DIAG_ALARM; sev > DIAG_OK; sev--)
		for (size_t i = 0; l && i < l->n && k < max; i++)
			if ((int)l->d[i].sev == sev)
				out[k++] = &l->d[i];
	return k;
}

const struct diag *alerts_worst(const struct diag_list *l)
{
	const struct diag *d = NULL;
	return alerts_select(l, &d, 1) ? d : NULL;
}
