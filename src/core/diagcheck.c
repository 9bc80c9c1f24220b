/* diagcheck.c - the six diagnoses of diagnose.h, one function each, called
 * by diagnose_run (diagnose.c) in a fixed order with a struct diag_ctx.
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

/* ---- helpers ------------------------------------------------------------------ */

/* Count ports of ip_local_reserved_ports ("8080,9000-9010") inside lo..hi. */
static long reserved_in_range(const char *spec, long lo, long hi)
{
	long n = 0;
	const char *p = spec;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10);
		if (end == p)
			break;
		long b = a;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1)
				break;
			p = end;
		}
		long x = a > lo ? a : lo, y = b < hi ? b : hi;
		if (y >= x)
			n += y - x + 1;
		while (*p == ',' || *p == ' ' || *p == '\n')
			p++;
	}
	return n;
}

static const char *kval(int v, char *buf, size_t len)
{
	if (v < 0)
		return "?";
	diag_setf(buf, len, "%d", v);
	return buf;
}

/* Counter delta since the previous refresh; false if unknown. */
static bool ctr_delta(const struct diag_ctx *x, unsigned i, uint64_t *d)
{
	if (x->dt <= 0 || !x->ctr_ok[i] || !x->st->prev_ctr_ok[i])
		return false;
	*d = x->ctr[i] >= x->st->prev_ctr[i] ? x->ctr[i] - x->st->prev_ctr[i] : x->ctr[i];
	return true;
}

/* ---- 1. ephemeral ports ------------------------------------------------------ */

/* Count sockets per destination into kc (sorted afterwards by the
 * caller); returns the usable range size, 0 if unknown. */
static long eph_count(struct diag_state *st, const struct sw_snapshot *s, long *reserved)
{
	const struct sw_kstat *k = &s->kstat;
	if (!s->have_kstat || k->port_lo < 0 || k->port_hi < k->port_lo)
		return 0;
	long lo = k->port_lo, hi = k->port_hi;
	*reserved = reserved_in_range(k->reserved_ports, lo, hi);
	long range = hi - lo + 1 - *reserved;
	if (range < 1)
		range = 1;
	diag_kc_reset(st, s->nconns);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!diag_is_tcp(c) || c->state == SW_ST_LISTEN || c->remote.port == 0 ||
		    c->local.port < lo || c->local.port > hi || diag_is_synrecv(c))
			continue;
		uint8_t la[16], ra[16];
		uint8_t fam = diag_norm_addr(c->family, c->local.addr, la);
		diag_norm_addr(c->family, c->remote.addr, ra);
		struct diag_kc *e = diag_kc_get(st, fam, c->remote.port, 0, 0, la, ra, (uint32_t)i);
		e->count++;
		if (c->state == SW_ST_TIME_WAIT)
			e->n2++;
		if (e->owner == SW_NONE && c->owners_n)
			e->owner = (uint32_t)i;
	}
	return range;
}

size_t diag_ephemeral_top(struct diag_state *st, const struct sw_snapshot *s,
			  struct diag_eph *out, size_t max, long *range)
{
	long reserved = 0;
	*range = eph_count(st, s, &reserved);
	if (!*range)
		return 0;
	size_t n = diag_kc_sorted(st, 0);
	size_t k = 0;
	for (; k < n && k < max; k++) {
		const struct diag_kc *e = &st->kc[st->idx[k]];
		out[k].family = e->fam;
		memcpy(out[k].src, e->a, 16);
		memcpy(out[k].dst, e->b, 16);
		out[k].dport = e->port;
		out[k].used = e->count;
		out[k].timewait = e->n2;
	}
	return k;
}

static void fix_ephemeral(struct diag *d)
{
	diag_setf(d->fix, sizeof d->fix, "%s\n%s\n%s\n%s",
	     _("Reuse connections instead of opening one per request: keep-alive/persistent "
	       "connections (nginx: 'keepalive 32;' in the upstream block with "
	       "'proxy_http_version 1.1' or 'fastcgi_keep_conn on'; MySQL: persistent "
	       "connections or a pool)."),
	     _("For php-fpm on the same host, listen on a UNIX socket "
	       "(listen = /run/php/php-fpm.sock) instead of 127.0.0.1:9000: no ports, no TIME_WAIT."),
	     _("Then: sysctl -w net.ipv4.tcp_tw_reuse=1 (reuse TIME_WAIT ports for new outgoing "
	       "connections when safe) and widen net.ipv4.ip_local_port_range; make both "
	       "permanent in /etc/sysctl.d/."),
	     _("Do not use net.ipv4.tcp_tw_recycle: it broke clients behind NAT and was removed "
	       "in Linux 4.12. TIME_WAIT always lasts 60 s; tcp_fin_timeout only shortens FIN_WAIT2."));
}

void diag_check_ephemeral(struct diag_ctx *x)
{
	const struct sw_snapshot *s = x->s;
	const struct sw_kstat *k = &s->kstat;
	char b1[16], b2[16], b3[16];
	if (!s->have_kstat || k->port_lo < 0 || k->port_hi < k->port_lo) {
		struct diag *d = diag_add(x->l, DIAG_EPHEMERAL, DIAG_OK);
		diag_setf(d->title, sizeof d->title, "%s",
		     _("Ephemeral ports not checked: ip_local_port_range unknown"));
		return;
	}
	long lo = k->port_lo, hi = k->port_hi;
	long reserved = 0;
	long range = eph_count(x->st, s, &reserved);
	size_t n = diag_kc_sorted(x->st, 0);
	size_t shown = 0;
	for (size_t j = 0; j < n && shown < x->top; j++) {
		const struct diag_kc *e = &x->st->kc[x->st->idx[j]];
		double p = diag_pct(e->count, (double)range);
		enum diag_sev sev = diag_sev_of(p, x->t->ephemeral_warn, x->t->ephemeral_alarm);
		if (sev == DIAG_OK)
			break;
		shown++;
		struct diag *d = diag_add(x->l, DIAG_EPHEMERAL, sev);
		char src[64], dst[SW_EP_STRLEN], who[64], lis[64];
		diag_addr_str(e->fam, e->a, src, sizeof src);
		diag_ep_str(e->fam, e->b, e->port, dst, sizeof dst);
		diag_setf(d->subject, sizeof d->subject, "%s>%s", src, dst);
		d->value = e->count;
		d->limit = (double)range;
		d->port = e->port;
		const struct sw_conn *oc = e->owner != SW_NONE ? &s->conns[e->owner] : NULL;
		diag_proc_label(s, oc, who, sizeof who);
		diag_set_owner(d, s, oc);
		const struct sw_conn *lc = diag_find_listener(s, e->fam, e->b, e->port);
		diag_proc_label(s, lc, lis, sizeof lis);
		if (!who[0] && lc && lc->owners_n)
			diag_set_owner(d, s, lc);
		diag_setf(d->title, sizeof d->title,
		     _("Ephemeral ports toward %s from %s: %u of %ld in use (%.0f%%), %u in TIME_WAIT"),
		     dst, src, e->count, range, sw_pct_shown(e->count, (double)range, 0), e->n2);
		if (who[0])
			diag_detail(d, _("client: %s; server: %s"), who, lis[0] ? lis : _("not on this host"));
		else if (lis[0])
			diag_detail(d, _("server for %s: %s (the clients' sockets are all in TIME_WAIT: no owner)"),
			       dst, lis);
		diag_detail(d, _("ip_local_port_range %ld-%ld: %ld ports (%ld reserved)"), lo, hi,
		       range, reserved);
		diag_detail(d, "tcp_tw_reuse=%s  tcp_fin_timeout=%s  tcp_max_tw_buckets=%s",
		       kval(k->tcp_tw_reuse, b1, sizeof b1), kval(k->tcp_fin_timeout, b2, sizeof b2),
		       kval(k->tcp_max_tw_buckets, b3, sizeof b3));
		if (k->tcp_tw_reuse == 2)
			diag_detail(d, "%s", _("tcp_tw_reuse=2 reuses TIME_WAIT ports on loopback only"));
		if (k->tcp_tw_recycle > 0)
			diag_detail(d, "%s", _("tcp_tw_recycle=1 is set: it drops connections from clients "
					  "behind NAT; set it to 0"));
		diag_detail(d, _("each connection keeps its port for 60 s in TIME_WAIT: at most %.0f new "
			    "connections/s to this destination"), (double)range / 60.0);
		fix_ephemeral(d);
	}
	if (!shown) {
		struct diag *d = diag_add(x->l, DIAG_EPHEMERAL, DIAG_OK);
		d->limit = (double)range;
		if (n) {
			const struct diag_kc *e = &x->st->kc[x->st->idx[0]];
			char dst[SW_EP_STRLEN];
			diag_ep_str(e->fam, e->b, e->port, dst, sizeof dst);
			d->value = e->count;
			diag_setf(d->title, sizeof d->title,
			     _("Ephemeral ports: busiest destination %s uses %u of %ld (%.0f%%)"),
			     dst, e->count, range, sw_pct_shown(e->count, (double)range, 0));
		} else {
			diag_setf(d->title, sizeof d->title,
			     _("Ephemeral ports: none in use (range %ld-%ld, %ld ports)"), lo, hi, range);
		}
	}
}

/* ---- 2. TIME_WAIT buckets ------------------------------------------------------ */

void diag_check_timewait(struct diag_ctx *x)
{
	const struct sw_snapshot *s = x->s;
	const struct sw_kstat *k = &s->kstat;
	uint32_t tw = x->n_timewait;
	double total = tw;
	if (s->have_kstat && k->sockstat_tw > (int)tw)
		total = k->sockstat_tw;
	double max = s->have_kstat && k->tcp_max_tw_buckets > 0 ? k->tcp_max_tw_buckets : 0;
	double p = max > 0 ? diag_pct(total, max) : 0;
	enum diag_sev sev = max > 0 ? diag_sev_of(p, x->t->timewait_warn, x->t->timewait_alarm) : DIAG_OK;
	uint64_t ovf = 0;
	bool have_ovf = ctr_delta(x, DIAG_CTR_TW_OVERFLOW, &ovf);
	if (have_ovf && ovf > 0 && sev < DIAG_WARN)
		sev = DIAG_WARN;
	struct diag *d = diag_add(x->l, DIAG_TIMEWAIT, sev);
	d->value = total;
	d->limit = max;
	if (sev == DIAG_OK) {
		if (max > 0)
			diag_setf(d->title, sizeof d->title,
			     _("TIME_WAIT: %.0f sockets of tcp_max_tw_buckets %.0f (%.0f%%)"), total, max,
			     sw_pct_shown(total, max, 0));
		else
			diag_setf(d->title, sizeof d->title, _("TIME_WAIT: %.0f sockets"), total);
		return;
	}
	sw_strlcpy(d->subject, "kernel", sizeof d->subject);
	if (have_ovf && ovf > 0)
		diag_setf(d->title, sizeof d->title,
		     _("TIME_WAIT table overflowed: %llu sockets destroyed early "
		       "(TCPTimeWaitOverflow), %.0f of %.0f buckets in use"),
		     (unsigned long long)ovf, total, max);
	else
		diag_setf(d->title, sizeof d->title,
		     _("TIME_WAIT pile-up: %.0f sockets of tcp_max_tw_buckets %.0f (%.0f%%)"),
		     total, max, sw_pct_shown(total, max, 0));
	/* where they point */
	diag_kc_reset(x->st, tw);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!diag_is_tcp(c) || c->state != SW_ST_TIME_WAIT)
			continue;
		uint8_t ra[16], z[16] = {0};
		uint8_t fam = diag_norm_addr(c->family, c->remote.addr, ra);
		diag_kc_get(x->st, fam, c->remote.port, 0, 0, z, ra, (uint32_t)i)->count++;
	}
	size_t n = diag_kc_sorted(x->st, 0);
	char line[DIAG_LINE] = "";
	size_t used = 0;
	for (size_t j = 0; j < n && j < 3; j++) {
		const struct diag_kc *e = &x->st->kc[x->st->idx[j]];
		char dst[SW_EP_STRLEN];
		diag_ep_str(e->fam, e->b, e->port, dst, sizeof dst);
		int w = snprintf(line + used, sizeof line - used, "%s%s (%u)", j ? ", " : "", dst, e->count);
		if (w < 0 || (size_t)w >= sizeof line - used)
			break;
		used += (size_t)w;
		if (j == 0)
			d->port = e->port;
	}
	if (used)
		diag_detail(d, _("most TIME_WAIT toward: %s"), line);
	char b1[16], b2[16];
	diag_detail(d, "tcp_tw_reuse=%s  tcp_fin_timeout=%s",
	       kval(k->tcp_tw_reuse, b1, sizeof b1), kval(k->tcp_fin_timeout, b2, sizeof b2));
	if (have_ovf)
		diag_detail(d, _("TCPTimeWaitOverflow +%llu in %.1f s"), (unsigned long long)ovf, x->dt);
	diag_setf(d->fix, sizeof d->fix, "%s\n%s\n%s",
	     _("Many short connections closed by this host: use keep-alive/persistent connections "
	       "(nginx upstream keepalive, php-fpm over a UNIX socket, persistent MySQL connections)."),
	     _("Raise net.ipv4.tcp_max_tw_buckets if memory allows; net.ipv4.tcp_tw_reuse=1 lets "
	       "outgoing connections reuse TIME_WAIT ports safely."),
	     _("tcp_fin_timeout does not shorten TIME_WAIT (60 s); tcp_tw_recycle is gone since "
	       "Linux 4.12 (it broke clients behind NAT)."));
}

/* ---- 3. SYN flood / half-open -------------------------------------------------- */

void diag_check_synflood(struct diag_ctx *x)
{
	const struct sw_snapshot *s = x->s;
	const struct sw_kstat *k = &s->kstat;
	uint32_t total = x->n_synrecv;
	enum diag_sev sev = diag_sev_of(total, x->t->synrecv_warn, x->t->synrecv_alarm);
	uint64_t cookies = 0, drops = 0, ovf = 0, qdrop = 0;
	bool have_c = ctr_delta(x, DIAG_CTR_SYNCOOKIES_SENT, &cookies);
	bool have_d = ctr_delta(x, DIAG_CTR_LISTEN_DROPS, &drops);
	bool have_o = ctr_delta(x, DIAG_CTR_LISTEN_OVERFLOWS, &ovf);
	bool have_q = ctr_delta(x, DIAG_CTR_REQQ_FULL_DROP, &qdrop);
	if (!have_o)
		ovf = 0;
	/* SYN-side drops: cookies sent, request-queue drops, or drops that
	 * accept-queue overflows do not explain */
	if (((have_c && cookies) || (have_q && qdrop) || (have_d && drops > ovf)) &&
	    total > 0 && sev < DIAG_WARN)
		sev = DIAG_WARN;
	double rate = x->have_synrecv_new && x->dt > 0 ? x->synrecv_new / x->dt : -1;
	struct diag *d = diag_add(x->l, DIAG_SYNFLOOD, sev);
	d->value = total;
	d->limit = x->t->synrecv_warn;
	if (sev == DIAG_OK) {
		diag_setf(d->title, sizeof d->title, _("Half-open connections: %u SYN_RECV"), total);
		return;
	}
	/* per listener address:port */
	diag_kc_reset(x->st, total);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!diag_is_tcp(c) || !diag_is_synrecv(c))
			continue;
		uint8_t la[16], z[16] = {0};
		uint8_t fam = diag_norm_addr(c->family, c->local.addr, la);
		diag_kc_get(x->st, fam, c->local.port, 0, 0, la, z, (uint32_t)i)->count++;
	}
	size_t n = diag_kc_sorted(x->st, 0);
	const struct diag_kc *e0 = &x->st->kc[x->st->idx[0]];
	char lep[SW_EP_STRLEN], who[64];
	diag_ep_str(e0->fam, e0->a, e0->port, lep, sizeof lep);
	const struct sw_conn *lc = diag_find_listener(s, e0->fam, e0->a, e0->port);
	diag_proc_label(s, lc, who, sizeof who);
	diag_set_owner(d, s, lc);
	d->port = e0->port;
	diag_setf(d->subject, sizeof d->subject, "tcp %s", lep);
	char rbuf[32] = "";
	if (rate >= 0)
		diag_setf(rbuf, sizeof rbuf, _(", %.1f new/s"), rate);
	diag_setf(d->title, sizeof d->title,
	     _("SYN flood / half-open pile-up: %u SYN_RECV%s, %u on %s %s"),
	     total, rbuf, e0->count, lep, who[0] ? who : _("(process unknown)"));
	for (size_t j = 0; j < n && j < 3; j++) {
		const struct diag_kc *e = &x->st->kc[x->st->idx[j]];
		const struct sw_conn *l2 = diag_find_listener(s, e->fam, e->a, e->port);
		diag_ep_str(e->fam, e->a, e->port, lep, sizeof lep);
		if (l2)
			diag_detail(d, _("%s: %u half-open, accept queue %u of backlog %u"), lep, e->count,
			       l2->rq, l2->wq);
		else
			diag_detail(d, _("%s: %u half-open (no listener found)"), lep, e->count);
	}
	/* top sources */
	diag_kc_reset(x->st, total);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!diag_is_tcp(c) || !diag_is_synrecv(c))
			continue;
		uint8_t ra[16], z[16] = {0};
		uint8_t fam = diag_norm_addr(c->family, c->remote.addr, ra);
		diag_kc_get(x->st, fam, 0, 0, 0, z, ra, (uint32_t)i)->count++;
	}
	n = diag_kc_sorted(x->st, 0);
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
	if (x->dt > 0)
		diag_detail(d, _("in %.1f s: SyncookiesSent +%llu, ListenDrops +%llu, TCPReqQFullDrop +%llu"),
		       x->dt, (unsigned long long)cookies, (unsigned long long)drops,
		       (unsigned long long)qdrop);
	char b1[16], b2[16], b3[16];
	diag_detail(d, "tcp_syncookies=%s  tcp_max_syn_backlog=%s  somaxconn=%s",
	       kval(k->tcp_syncookies, b1, sizeof b1), kval(k->tcp_max_syn_backlog, b2, sizeof b2),
	       kval(k->somaxconn, b3, sizeof b3));
	diag_setf(d->fix, sizeof d->fix, "%s\n%s\n%s",
	     _("Many connections never complete the handshake: a SYN flood, spoofed sources, or "
	       "clients whose final ACK is lost (a firewall dropping it)."),
	     _("Keep net.ipv4.tcp_syncookies=1; raise net.ipv4.tcp_max_syn_backlog and the "
	       "listener's backlog (and net.core.somaxconn)."),
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
	bool have_o = ctr_delta(x, DIAG_CTR_LISTEN_OVERFLOWS, &ovf);
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
		diag_detail(d, "somaxconn=%s", kval(k->somaxconn, b1, sizeof b1));
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
		diag_detail(d, "somaxconn=%s", kval(k->somaxconn, b1, sizeof b1));
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
		sw_ep_str(c->family, &c->local, lep, sizeof lep);
		sw_ep_str(c->family, &c->remote, rep, sizeof rep);
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
	bool have_rs = ctr_delta(x, DIAG_CTR_RETRANS_SEGS, &rs);
	bool have_os = ctr_delta(x, DIAG_CTR_OUT_SEGS, &os);
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
		sw_ep_str(w->family, &w->local, lep, sizeof lep);
		sw_ep_str(w->family, &w->remote, rep, sizeof rep);
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
