/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagcheck.c - four of the six diagnoses of diagnose.h (SYN flood, accept
 * queue, CLOSE_WAIT, retransmits; ephemeral ports and TIME_WAIT are in
 * diagports.c), one function each, called by diagnose_run (diagnose.c) in
 * a fixed order with a struct diag_ctx.
 * The scratch hash, per-cookie memory, record helpers and the list live in
 * diagnose.c (see diagnose_priv.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diagnose.h"
#include "diagnose_priv.h"
#include "i18n.h"
#include "util.h"

/* ---- 3. SYN flood / half-open -------------------------------------------------- */

/* Group SYN_RECV per local address:port into kc, each entry with its
 * listener (owner: conn index, SW_NONE if none), n2 = the half-open count
 * of that listener (all its addresses), best = its SYN queue limit (-1
 * unknown), sum = the share of it in use; sorted fullest first. */
static size_t synq_by_listener(struct diag_ctx *x)
{
	const struct sw_snapshot *s = x->s;
	const struct sw_kstat *k = &s->kstat;
	diag_kc_reset(x->st, x->n_synrecv);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!diag_is_tcp(c) || !diag_is_synrecv(c))
			continue;
		uint8_t la[16], z[16] = {0};
		uint8_t fam = diag_norm_addr(c->family, sw_laddr(c), la);
		diag_kc_get(x->st, fam, c->local.port, 0, 0, la, z, (uint32_t)i)->count++;
	}
	size_t n = diag_kc_sorted(x->st, 0);
	for (size_t j = 0; j < n; j++) {
		struct diag_kc *e = &x->st->kc[x->st->idx[j]];
		const struct sw_conn *lc = diag_find_listener(s, e->fam, e->a, e->port);
		e->owner = lc ? (uint32_t)(lc - s->conns) : SW_NONE;
		e->best = lc ? (double)diag_synq_limit(lc->wq, s->have_kstat ? k->tcp_syncookies : -1,
						       s->have_kstat ? k->tcp_max_syn_backlog : -1)
			     : -1;
	}
	for (size_t j = 0; j < n; j++) {
		struct diag_kc *e = &x->st->kc[x->st->idx[j]];
		e->n2 = e->count;
		for (size_t m = 0; m < n && m < 256 && e->owner != SW_NONE; m++) {
			const struct diag_kc *f = &x->st->kc[x->st->idx[m]];
			if (m != j && f->owner == e->owner)
				e->n2 += f->count;
		}
		e->sum = e->best > 0 ? diag_pct(e->n2, e->best) : 0;
	}
	return diag_kc_sorted(x->st, 1);
}

static void synq_details(struct diag_ctx *x, struct diag *d, size_t n)
{
	for (size_t j = 0; j < n && j < 3; j++) {
		const struct diag_kc *e = &x->st->kc[x->st->idx[j]];
		char lep[SW_EP_STRLEN];
		diag_ep_str(e->fam, e->a, e->port, lep, sizeof lep);
		if (e->owner == SW_NONE) {
			diag_detail(d, _("%s: %u half-open (no listener found)"), lep, e->count);
			continue;
		}
		const struct sw_conn *l2 = &x->s->conns[e->owner];
		diag_detail(d, _("%s: %u half-open of its SYN queue limit %.0f (%.0f%%; backlog %u, "
				 "accept queue %u)"), lep, e->n2, e->best, e->sum, l2->wq, l2->rq);
	}
}

static void synflood_sources(struct diag_ctx *x, struct diag *d)
{
	const struct sw_snapshot *s = x->s;
	diag_kc_reset(x->st, x->n_synrecv);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!diag_is_tcp(c) || !diag_is_synrecv(c))
			continue;
		uint8_t ra[16], z[16] = {0};
		uint8_t fam = diag_norm_addr(c->family, sw_raddr(c), ra);
		diag_kc_get(x->st, fam, 0, 0, 0, z, ra, (uint32_t)i)->count++;
	}
	size_t n = diag_kc_sorted(x->st, 0);
	char line[DIAG_LINE] = "";
	size_t used = 0;
	for (size_t j = 0; j < n && j < x->top; j++) {
		const struct diag_kc *e = &x->st->kc[x->st->idx[j]];
		char ip[64];
		diag_addr_str(e->fam, e->b, ip, sizeof ip);
		int w = snprintf(line + used, sizeof line - used, "%s%s (%u)", j ? ", " : "", ip, e->count);
		if (w < 0 || (size_t)w >= sizeof line - used)
			break;
		used += (size_t)w;
	}
	diag_detail(d, _("top sources (%zu addresses): %s"), n, line);
}

/* Deltas over the window, and the totals (a burst that ended before the
 * first sample shows there). */
static void synflood_counters(struct diag_ctx *x, struct diag *d, const uint64_t dl[3])
{
	if (x->dt > 0)
		diag_detail(d, _("in %.1f s: SyncookiesSent +%llu, ListenDrops +%llu, TCPReqQFullDrop +%llu"),
		       x->dt, (unsigned long long)dl[0], (unsigned long long)dl[1],
		       (unsigned long long)dl[2]);
	if (x->ctr_ok[DIAG_CTR_SYNCOOKIES_SENT])
		diag_detail(d, _("in all (%s): SyncookiesSent %llu, ListenDrops %llu, TCPReqQFullDrop %llu"),
			    diag_counters_since(&x->s->kstat),
			    (unsigned long long)x->ctr[DIAG_CTR_SYNCOOKIES_SENT],
			    (unsigned long long)x->ctr[DIAG_CTR_LISTEN_DROPS],
			    (unsigned long long)x->ctr[DIAG_CTR_REQQ_FULL_DROP]);
}

void diag_check_synflood(struct diag_ctx *x)
{
	const struct sw_snapshot *s = x->s;
	const struct sw_kstat *k = &s->kstat;
	uint32_t total = x->n_synrecv;
	enum diag_sev sev = diag_sev_of(total, x->t->synrecv_warn, x->t->synrecv_alarm);
	uint64_t dl[3] = {0, 0, 0}, ovf = 0; /* cookies, drops, request-queue drops */
	bool have_c = diag_ctr_delta(x, DIAG_CTR_SYNCOOKIES_SENT, &dl[0]);
	bool have_d = diag_ctr_delta(x, DIAG_CTR_LISTEN_DROPS, &dl[1]);
	bool have_o = diag_ctr_delta(x, DIAG_CTR_LISTEN_OVERFLOWS, &ovf);
	bool have_q = diag_ctr_delta(x, DIAG_CTR_REQQ_FULL_DROP, &dl[2]);
	if (!have_o)
		ovf = 0;
	/* SYN-side drops: cookies sent, request-queue drops, or drops that
	 * accept-queue overflows do not explain */
	if (((have_c && dl[0]) || (have_q && dl[2]) || (have_d && dl[1] > ovf)) &&
	    total > 0 && sev < DIAG_WARN)
		sev = DIAG_WARN;
	size_t n = total ? synq_by_listener(x) : 0;
	const struct diag_kc *e0 = n ? &x->st->kc[x->st->idx[0]] : NULL;
	/* each listener against its own request queue limit */
	enum diag_sev lsev = e0 && e0->best > 0 ? diag_sev_of(e0->sum, x->t->synq_warn,
							       x->t->synq_alarm) : DIAG_OK;
	if (lsev > sev)
		sev = lsev;
	double rate = x->have_synrecv_new && x->dt > 0 ? x->synrecv_new / x->dt : -1;
	struct diag *d = diag_add(x->l, DIAG_SYNFLOOD, sev);
	d->value = total;
	d->limit = x->t->synrecv_warn;
	if (sev == DIAG_OK) {
		diag_setf(d->title, sizeof d->title, _("Half-open connections: %u SYN_RECV"), total);
		return;
	}
	char lep[SW_EP_STRLEN], who[64];
	diag_ep_str(e0->fam, e0->a, e0->port, lep, sizeof lep);
	const struct sw_conn *lc = e0->owner != SW_NONE ? &s->conns[e0->owner] : NULL;
	diag_proc_label(s, lc, who, sizeof who);
	diag_set_owner(d, s, lc);
	d->port = e0->port;
	if (e0->best > 0) {
		d->value = e0->n2;
		d->limit = e0->best;
	}
	diag_setf(d->subject, sizeof d->subject, "tcp %s", lep);
	char rbuf[32] = "";
	if (rate >= 0)
		diag_setf(rbuf, sizeof rbuf, _(", %.1f new/s"), rate);
	if (e0->best > 0 && e0->n2 >= e0->best)
		diag_setf(d->title, sizeof d->title,
		     k->tcp_syncookies == 0
			     ? _("SYN queue of %s %s is full: %u half-open of its limit %.0f, new SYNs "
				 "are dropped (%u SYN_RECV in all%s)")
			     : _("SYN queue of %s %s is full: %u half-open of its limit %.0f, new SYNs "
				 "get syncookies (%u SYN_RECV in all%s)"),
		     lep, who[0] ? who : _("(process unknown)"), e0->n2, e0->best, total, rbuf);
	else
		diag_setf(d->title, sizeof d->title,
		     _("SYN flood / half-open pile-up: %u SYN_RECV%s, %u on %s %s"),
		     total, rbuf, e0->n2, lep, who[0] ? who : _("(process unknown)"));
	synq_details(x, d, n);
	synflood_sources(x, d);
	synflood_counters(x, d, dl);
	char b1[16], b2[16], b3[16];
	diag_detail(d, "tcp_syncookies=%s  tcp_max_syn_backlog=%s  somaxconn=%s",
	       diag_kval(k->tcp_syncookies, b1, sizeof b1), diag_kval(k->tcp_max_syn_backlog, b2, sizeof b2),
	       diag_kval(k->somaxconn, b3, sizeof b3));
	diag_setf(d->fix, sizeof d->fix, "%s\n%s\n%s",
	     _("Many connections never complete the handshake: a SYN flood, spoofed sources, or "
	       "clients whose final ACK is lost (a firewall dropping it)."),
	     _("Keep net.ipv4.tcp_syncookies=1; raise the listener's backlog (its SYN queue holds "
	       "backlog+1 half-open requests) together with net.core.somaxconn, which caps it; "
	       "tcp_max_syn_backlog only matters with tcp_syncookies=0."),
	     _("Rate-limit or block the top sources (nftables 'limit rate' / 'ct count'), or ask "
	       "upstream for filtering."));
}

/* ---- 4. accept queue ----------------------------------------------------------- */

struct lq {
	uint32_t ci;
	double p;
};

static int lq_cmp(const void *a, const void *b)
{
	const struct lq *x = a, *y = b;
	if (x->p != y->p)
		return x->p > y->p ? -1 : 1;
	return x->ci < y->ci ? -1 : x->ci > y->ci;
}

void diag_check_acceptq(struct diag_ctx *x)
{
	const struct sw_snapshot *s = x->s;
	const struct sw_kstat *k = &s->kstat;
	uint64_t ovf = 0;
	bool have_o = diag_ctr_delta(x, DIAG_CTR_LISTEN_OVERFLOWS, &ovf);
	/* collect listeners (few) with their fill */
	size_t nl = 0;
	struct lq *q = xcalloc(x->n_listen + 1, sizeof *q);
	for (size_t i = 0; i < s->nconns && nl < x->n_listen; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (c->state != SW_ST_LISTEN || !(diag_is_tcp(c) || c->proto == SW_PROTO_UNIX))
			continue;
		q[nl].ci = (uint32_t)i;
		q[nl].p = c->rq == 0 ? 0 : diag_pct(c->rq, c->wq);
		nl++;
	}
	qsort(q, nl, sizeof *q, lq_cmp);
	size_t shown = 0;
	char b1[16];
	for (size_t j = 0; j < nl && shown < x->top; j++) {
		const struct sw_conn *c = &s->conns[q[j].ci];
		enum diag_sev sev = diag_sev_of(q[j].p, x->t->accept_warn, x->t->accept_alarm);
		if (sev == DIAG_OK)
			break;
		shown++;
		struct diag *d = diag_add(x->l, DIAG_ACCEPTQ, sev);
		char name[96], who[64];
		diag_listener_name(s, c, name, sizeof name);
		diag_proc_label(s, c, who, sizeof who);
		diag_set_owner(d, s, c);
		sw_strlcpy(d->subject, name, sizeof d->subject);
		d->value = c->rq;
		d->limit = c->wq;
		d->port = c->family == AF_UNIX ? 0 : c->local.port;
		diag_setf(d->title, sizeof d->title,
		     c->rq > c->wq ? _("Accept queue of %s %s is full: %u waiting, backlog %u")
				   : _("Accept queue of %s %s is filling: %u waiting, backlog %u"),
		     name, who[0] ? who : _("(process unknown)"), c->rq, c->wq);
		diag_detail(d, _("%.0f%% of the backlog; connections beyond it are dropped or reset"),
			    sw_pct_shown(c->rq, c->wq, 0));
		if (have_o)
			diag_detail(d, _("ListenOverflows +%llu in %.1f s (namespace-wide)"),
			       (unsigned long long)ovf, x->dt);
		diag_detail(d, "somaxconn=%s", diag_kval(k->somaxconn, b1, sizeof b1));
		diag_setf(d->fix, sizeof d->fix, "%s\n%s",
		     _("The application accepts connections more slowly than they arrive, or has "
		       "stopped calling accept(): check that it is not stuck, and add workers."),
		     _("Raise the listen() backlog (nginx: 'listen ... backlog=4096'; php-fpm: "
		       "listen.backlog) together with net.core.somaxconn, which caps every backlog."));
	}
	if (!shown && have_o && ovf > 0) {
		struct diag *d = diag_add(x->l, DIAG_ACCEPTQ, DIAG_WARN);
		sw_strlcpy(d->subject, "kernel", sizeof d->subject);
		d->value = (double)ovf;
		diag_setf(d->title, sizeof d->title,
		     _("Accept queue overflowed between samples: ListenOverflows +%llu in %.1f s"),
		     (unsigned long long)ovf, x->dt);
		for (size_t j = 0; j < nl && j < 3; j++) {
			const struct sw_conn *c = &s->conns[q[j].ci];
			char name[96], who[64];
			diag_listener_name(s, c, name, sizeof name);
			diag_proc_label(s, c, who, sizeof who);
			diag_detail(d, _("%s %s: %u waiting, backlog %u"), name, who, c->rq, c->wq);
		}
		diag_detail(d, "somaxconn=%s", diag_kval(k->somaxconn, b1, sizeof b1));
		diag_setf(d->fix, sizeof d->fix, "%s",
		     _("A listener's accept queue was full for a moment: raise its backlog and "
		       "net.core.somaxconn, and make the application accept faster."));
	}
	if (!shown && !(have_o && ovf > 0)) {
		struct diag *d = diag_add(x->l, DIAG_ACCEPTQ, DIAG_OK);
		if (nl) {
			const struct sw_conn *c = &s->conns[q[0].ci];
			char name[96];
			diag_listener_name(s, c, name, sizeof name);
			d->value = c->rq;
			d->limit = c->wq;
			diag_setf(d->title, sizeof d->title,
			     _("Accept queues: fullest is %s with %u of %u"), name, c->rq, c->wq);
		} else {
			diag_setf(d->title, sizeof d->title, "%s", _("Accept queues: no listeners"));
		}
	}
	free(q);
}

/* ---- 5. CLOSE_WAIT leak -------------------------------------------------------- */

static int cw_cmp(const void *a, const void *b)
{
	const struct diag_cw *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static struct diag_cw *cw_find(struct diag_state *st, int32_t pid, uint64_t start)
{
	struct diag_cw key = {.pid = pid, .start = start};
	if (!st->cw_n)
		return NULL;
	return bsearch(&key, st->cw, st->cw_n, sizeof key, cw_cmp);
}

void diag_check_closewait(struct diag_ctx *x)
{
	const struct sw_snapshot *s = x->s;
	struct diag_state *st = x->st;
	uint32_t total = x->n_closewait;
	diag_kc_reset(st, total);
	for (size_t i = 0; i < s->nconns && total; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!diag_is_tcp(c) || c->state != SW_ST_CLOSE_WAIT)
			continue;
		const struct sw_proc *p = snapshot_owner_proc(s, c, 0);
		static const uint8_t z[16];
		struct diag_kc *e = p ? diag_kc_get(st, 0, 0, p->pid, p->starttime, z, z, (uint32_t)i)
				      : diag_kc_get(st, 0, 0, -1, c->local.port, z, z, (uint32_t)i);
		e->count++;
	}
	size_t n = diag_kc_sorted(st, 0);
	/* growth against the previous refresh, and the next memory */
	st->cw_next = xgrow(st->cw_next, &st->cw_next_cap, n + 1, sizeof *st->cw_next);
	for (size_t j = 0; j < n; j++) {
		struct diag_kc *e = &st->kc[st->idx[j]];
		const struct diag_cw *prev = cw_find(st, e->pid, e->start);
		uint32_t before = prev ? prev->count : 0;
		uint32_t streak = 0;
		if (st->runs > 0 && e->count > before)
			streak = (prev ? prev->streak : 0) + 1;
		e->n2 = streak;
		e->sum = (double)e->count - before; /* growth */
		e->best = st->runs > 0 ? 1 : 0;      /* growth known */
		st->cw_next[j] = (struct diag_cw){e->pid, e->start, e->count, streak};
	}
	size_t shown = 0;
	for (size_t j = 0; j < n && shown < x->top; j++) {
		const struct diag_kc *e = &st->kc[st->idx[j]];
		enum diag_sev sev = diag_sev_of(e->count, x->t->closewait_warn, x->t->closewait_alarm);
		if (sev == DIAG_OK && e->n2 >= x->t->closewait_growth && e->count >= 2)
			sev = DIAG_WARN;
		if (sev == DIAG_OK)
			continue;
		shown++;
		const struct sw_conn *c = &s->conns[e->ex];
		struct diag *d = diag_add(x->l, DIAG_CLOSEWAIT, sev);
		char who[64], lep[SW_EP_STRLEN], rep[SW_EP_STRLEN];
		diag_proc_label(s, c, who, sizeof who);
		diag_set_owner(d, s, c);
		d->value = e->count;
		d->limit = x->t->closewait_warn;
		d->port = c->local.port;
		sw_conn_ep_str(c, false, lep, sizeof lep);
		sw_conn_ep_str(c, true, rep, sizeof rep);
		char grow[48] = "";
		if (e->best > 0)
			diag_setf(grow, sizeof grow, _(" (%+.0f since last refresh)"), e->sum);
		if (e->pid >= 0) {
			diag_setf(d->subject, sizeof d->subject, "pid %d", (int)e->pid);
			diag_setf(d->title, sizeof d->title,
			     _("%s holds %u CLOSE_WAIT sockets%s: it does not close() connections "
			       "its peers closed"), who, e->count, grow);
		} else {
			diag_setf(d->subject, sizeof d->subject, "port %u", (unsigned)c->local.port);
			diag_setf(d->title, sizeof d->title,
			     _("%u CLOSE_WAIT sockets on local port %u%s, process unknown (run as "
			       "root to see it): the application does not close() them"),
			     e->count, (unsigned)c->local.port, grow);
		}
		diag_detail(d, _("for example %s -> %s"), lep, rep);
		if (e->n2 > 0)
			diag_detail(d, _("growing for %u refreshes in a row"), e->n2);
		diag_detail(d, _("%u CLOSE_WAIT sockets in the namespace"), total);
		diag_setf(d->fix, sizeof d->fix, "%s\n%s",
		     _("The peer closed these connections but the process never called close() on its "
		       "sockets: a descriptor leak (a missing close() on an error path, a pool that "
		       "never drops dead connections)."),
		     _("No kernel setting times CLOSE_WAIT out: fix the code path; restarting the "
		       "process frees them for now."));
	}
	if (!shown) {
		struct diag *d = diag_add(x->l, DIAG_CLOSEWAIT, DIAG_OK);
		d->value = total;
		diag_setf(d->title, sizeof d->title, _("CLOSE_WAIT: %u sockets, no process accumulating them"),
		     total);
	}
	/* swap memory (cw_next is sorted by pid for bsearch) */
	qsort(st->cw_next, n, sizeof *st->cw_next, cw_cmp);
	SW_SWAP(st->cw, st->cw_next);
	SW_SWAP(st->cw_cap, st->cw_next_cap);
	st->cw_n = n;
}

/* ---- 6. retransmission hot spots (uses kc filled by scan_cookies) ------------- */

void diag_check_retrans(struct diag_ctx *x)
{
	const struct sw_snapshot *s = x->s;
	if (x->dt <= 0) {
		struct diag *d = diag_add(x->l, DIAG_RETRANS, DIAG_OK);
		diag_setf(d->title, sizeof d->title, "%s",
		     _("Retransmissions: not checked yet (needs two samples)"));
		return;
	}
	size_t n = diag_kc_sorted(x->st, 1);
	uint64_t rs = 0, os = 0;
	bool have_rs = diag_ctr_delta(x, DIAG_CTR_RETRANS_SEGS, &rs);
	bool have_os = diag_ctr_delta(x, DIAG_CTR_OUT_SEGS, &os);
	size_t shown = 0;
	for (size_t j = 0; j < n && shown < x->top; j++) {
		const struct diag_kc *e = &x->st->kc[x->st->idx[j]];
		double rate = e->sum / x->dt;
		enum diag_sev sev = diag_sev_of(rate, x->t->retrans_warn, x->t->retrans_alarm);
		if (sev == DIAG_OK || e->sum <= 0)
			break;
		shown++;
		struct diag *d = diag_add(x->l, DIAG_RETRANS, sev);
		char ip[64], who[64];
		diag_addr_str(e->fam, e->b, ip, sizeof ip);
		sw_strlcpy(d->subject, ip, sizeof d->subject);
		const struct sw_conn *oc = e->owner != SW_NONE ? &s->conns[e->owner] : NULL;
		diag_proc_label(s, oc, who, sizeof who);
		diag_set_owner(d, s, oc);
		d->value = rate;
		d->limit = x->t->retrans_warn;
		const struct sw_conn *w = &s->conns[e->ex];
		d->port = w->remote.port;
		double share = e->sum2 > 0 ? sw_pct_shown(e->sum, e->sum2, 1) : 0;
		diag_setf(d->title, sizeof d->title,
		     _("Retransmissions toward %s: %.1f/s (%.1f%% of segments sent) on %u connections%s%s"),
		     ip, rate, share, e->count, who[0] ? ", " : "", who);
		const struct sw_tcpx *tx = snapshot_tcpx(s, w);
		char lep[SW_EP_STRLEN], rep[SW_EP_STRLEN];
		sw_conn_ep_str(w, false, lep, sizeof lep);
		sw_conn_ep_str(w, true, rep, sizeof rep);
		diag_detail(d, _("worst: %s -> %s +%.0f retransmits, lost %u, rtt %.1f ms, cwnd %u"),
		       lep, rep, e->best, tx ? tx->lost : 0, tx ? tx->rtt_us / 1000.0 : 0.0,
		       tx ? tx->snd_cwnd : 0);
		diag_detail(d, _("%.0f retransmitted segments in %.1f s; %u segments currently lost"),
		       e->sum, x->dt, e->n2);
		if (have_rs && have_os)
			diag_detail(d, _("namespace: RetransSegs +%llu of OutSegs +%llu"),
			       (unsigned long long)rs, (unsigned long long)os);
		diag_setf(d->fix, sizeof d->fix, "%s\n%s",
		     _("Packets to this remote are lost or delayed: check the path (interface errors "
		       "and drops in 'sockwatch --interfaces', MTU mismatches, a congested link, a "
		       "firewall or shaper) and the remote host's load."),
		     _("The -i columns (rtt, cwnd, retrans) show what it costs each connection."));
	}
	if (!shown) {
		struct diag *d = diag_add(x->l, DIAG_RETRANS, DIAG_OK);
		if (n) {
			const struct diag_kc *e = &x->st->kc[x->st->idx[0]];
			char ip[64];
			diag_addr_str(e->fam, e->b, ip, sizeof ip);
			d->value = e->sum / x->dt;
			diag_setf(d->title, sizeof d->title,
			     _("Retransmissions: highest toward %s, %.1f/s"), ip, d->value);
		} else {
			diag_setf(d->title, sizeof d->title, "%s", _("Retransmissions: none since last refresh"));
		}
	}
}
