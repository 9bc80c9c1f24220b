/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagports.c - the two diagnoses about closed connections and their
 * ports: ephemeral_ports (client side: ports inside ip_local_port_range
 * toward one destination, TIME_WAIT included, judged with the kernel's
 * TIME_WAIT reuse rule) and timewait_buckets (TIME_WAIT against
 * tcp_max_tw_buckets, split into the server side - entries on a local
 * listening port, left by a server that closes first, like php-fpm on
 * :9000 - and the client side).  Also the memory of each destination's
 * last known client, so that a destination whose client sockets are all in
 * TIME_WAIT (no owner) is still attributed to the program that opened them.
 * Shared declarations: diagnose_priv.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "churn.h"
#include "diagnose.h"
#include "diagnose_priv.h"
#include "i18n.h"
#include "util.h"

/* ---- kernel rules ---------------------------------------------------------------- */

void diag_tw_rule(int tw_reuse, int timestamps, bool loopback, long range,
		  int reuse_delay_ms, struct diag_twrule *r)
{
	int reuse = tw_reuse < 0 ? 2 : tw_reuse;
	bool ts = timestamps != 0;
	bool allowed = reuse == 1 || (reuse == 2 && loopback);
	memset(r, 0, sizeof *r);
	r->reuse = allowed && ts;
	r->want_reuse = allowed ? -1 : (loopback ? 2 : 1);
	r->want_ts = !ts;
	if (r->reuse)
		r->hold_s = reuse_delay_ms < 0 ? 1.0 : (reuse_delay_ms < 1 ? 1 : reuse_delay_ms) / 1000.0;
	else
		r->hold_s = 60.0;
	r->rate = range > 0 ? (double)range / r->hold_s : 0;
}

long diag_synq_limit(long wq, int syncookies, int max_syn_backlog)
{
	if (wq < 0)
		return -1;
	long lim = wq + 1;
	if (syncookies == 0 && max_syn_backlog > 0) {
		long m = max_syn_backlog - (max_syn_backlog >> 2) + 1;
		if (m < lim)
			lim = m;
	}
	return lim;
}

static bool is_loopback(uint8_t fam, const uint8_t a[16])
{
	static const uint8_t one[16] = {[15] = 1};
	return fam == AF_INET ? a[0] == 127 : memcmp(a, one, 16) == 0;
}

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


/* ---- last known client per destination ------------------------------------------ */

static size_t ow_home(uint8_t fam, const uint8_t dst[16], uint16_t port)
{
	uint64_t w[2];
	memcpy(w, dst, 16);
	uint64_t h = sw_hash64(((uint64_t)fam << 16 | port) ^ sw_hash64(w[0] ^ sw_hash64(w[1])));
	return (size_t)(h & (DIAG_OW_SLOTS - 1));
}

static struct diag_ow *ow_find(struct diag_state *st, uint8_t fam, const uint8_t dst[16],
			       uint16_t port, bool insert)
{
	if (!st->ow) {
		if (!insert)
			return NULL;
		st->ow = xcalloc(DIAG_OW_SLOTS, sizeof *st->ow);
	}
	for (size_t i = ow_home(fam, dst, port);; i = (i + 1) & (DIAG_OW_SLOTS - 1)) {
		struct diag_ow *o = &st->ow[i];
		if (!o->used) {
			if (!insert || (st->ow_n + 1) * 4 > DIAG_OW_SLOTS * 3)
				return NULL;
			st->ow_n++;
			o->used = 1;
			o->fam = fam;
			o->port = port;
			memcpy(o->dst, dst, 16);
			return o;
		}
		if (o->fam == fam && o->port == port && memcmp(o->dst, dst, 16) == 0)
			return o;
	}
}

/* Forget entries older than the TIME_WAIT length (all of them but this
 * refresh's when the table is still too full): rebuilt, as open addressing
 * has no cheap delete.  Bounded: DIAG_OW_SLOTS entries whatever happens. */
static void ow_expire(struct diag_state *st, uint64_t now)
{
	if (!st->ow)
		return;
	struct diag_ow *old = st->ow;
	size_t live = 0;
	for (size_t i = 0; i < DIAG_OW_SLOTS; i++)
		live += old[i].used && now - old[i].seen_ns <= DIAG_OW_TTL_NS;
	uint64_t ttl = live * 2 > DIAG_OW_SLOTS ? 0 : DIAG_OW_TTL_NS;
	st->ow = xcalloc(DIAG_OW_SLOTS, sizeof *st->ow);
	st->ow_n = 0;
	for (size_t i = 0; i < DIAG_OW_SLOTS; i++) {
		if (!old[i].used || now - old[i].seen_ns > ttl)
			continue;
		struct diag_ow *o = ow_find(st, old[i].fam, old[i].dst, old[i].port, true);
		if (o)
			*o = old[i];
	}
	free(old);
}

#define OW_AHEAD 8

/* Remember the owner of each counted destination that has one now (kc as
 * filled by eph_count). */
static void ow_remember(struct diag_state *st, const struct sw_snapshot *s)
{
	bool swept = false;
	/* Each entry's owner is two random misses (its record, then its
	 * owners[] entry), for thousands of destinations a refresh: the record
	 * of the entry 2*OW_AHEAD slots on and the owner of the one OW_AHEAD
	 * on are fetched in passing. */
	for (size_t i = 0; i < st->kc_cap; i++) {
		if (i + 2 * OW_AHEAD < st->kc_cap) {
			const struct diag_kc *f = &st->kc[i + 2 * OW_AHEAD];
			if (f->used && f->owner != SW_NONE)
				__builtin_prefetch(&s->conns[f->owner].owners_off);
		}
		if (i + OW_AHEAD < st->kc_cap) {
			const struct diag_kc *f = &st->kc[i + OW_AHEAD];
			if (f->used && f->owner != SW_NONE &&
			    !(s->conns[f->owner].flags & SW_CF_OWNER1))
				__builtin_prefetch(&s->owners[s->conns[f->owner].owners_off]);
		}
		const struct diag_kc *e = &st->kc[i];
		if (!e->used || e->owner == SW_NONE)
			continue;
		const struct sw_proc *p = snapshot_owner_proc(s, &s->conns[e->owner], 0);
		struct diag_ow *o = p ? ow_find(st, e->fam, e->b, e->port, true) : NULL;
		if (!o && p && !swept) { /* full: sweep once per refresh */
			ow_expire(st, s->mono_ns);
			swept = true;
			o = ow_find(st, e->fam, e->b, e->port, true);
		}
		if (!o)
			continue;
		o->pid = p->pid;
		sw_strlcpy(o->comm, p->comm, sizeof o->comm);
		o->seen_ns = s->mono_ns;
	}
}

/* The remembered client of a destination, if seen within the TIME_WAIT
 * length before now. */
static const struct diag_ow *ow_recent(struct diag_state *st, uint8_t fam,
				       const uint8_t dst[16], uint16_t port, uint64_t now)
{
	const struct diag_ow *o = ow_find(st, fam, dst, port, false);
	return o && now >= o->seen_ns && now - o->seen_ns <= DIAG_OW_TTL_NS ? o : NULL;
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
		uint8_t fam = diag_norm_addr(c->family, sw_laddr(c), la);
		diag_norm_addr(c->family, sw_raddr(c), ra);
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
	st->eph_rest_n = 0;
	st->eph_rest_used = 0;
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
	st->eph_rest_n = n - k;
	st->eph_rest_used = 0;
	for (size_t i = k; i < n; i++)
		st->eph_rest_used += st->kc[st->idx[i]].count;
	return k;
}


/* The fix: connection reuse first; then only the sysctls that would change
 * something for this destination (r). */
static void fix_ephemeral(struct diag *d, const struct diag_twrule *r, int tw_reuse)
{
	const char *reuse;
	if (r->reuse)
		reuse = _("tcp_tw_reuse already applies to this destination (ports are taken over "
			  "once their TIME_WAIT entry is 1 s old), so no sysctl changes the limit but "
			  "the range: widen net.ipv4.ip_local_port_range, or use fewer connections "
			  "(a connection pool, persistent connections).");
	else if (r->want_reuse == 2)
		reuse = _("Then: sysctl -w net.ipv4.tcp_tw_reuse=2 (the default since Linux 4.19: "
			  "reuse TIME_WAIT ports for loopback traffic; tcp_tw_reuse=1 also covers other "
			  "destinations) and widen net.ipv4.ip_local_port_range; make both permanent "
			  "in /etc/sysctl.d/.");
	else if (r->want_reuse == 1 && tw_reuse == 2)
		reuse = _("Then: sysctl -w net.ipv4.tcp_tw_reuse=1 (the current value 2 reuses "
			  "TIME_WAIT ports for loopback traffic only, and this destination is not "
			  "loopback) and widen net.ipv4.ip_local_port_range; make both permanent in "
			  "/etc/sysctl.d/.");
	else if (r->want_reuse == 1)
		reuse = _("Then: sysctl -w net.ipv4.tcp_tw_reuse=1 (reuse TIME_WAIT ports for new "
			  "outgoing connections when safe) and widen net.ipv4.ip_local_port_range; "
			  "make both permanent in /etc/sysctl.d/.");
	else
		reuse = _("Then: widen net.ipv4.ip_local_port_range (permanently in /etc/sysctl.d/).");
	diag_setf(d->fix, sizeof d->fix, "%s\n%s\n%s%s%s\n%s",
	     _("Reuse connections instead of opening one per request: keep-alive/persistent "
	       "connections (nginx: 'keepalive 32;' in the upstream block with "
	       "'proxy_http_version 1.1' or 'fastcgi_keep_conn on'; MySQL: persistent "
	       "connections or a pool)."),
	     _("For php-fpm on the same host, listen on a UNIX socket "
	       "(listen = /run/php/php-fpm.sock) instead of 127.0.0.1:9000: no ports, no TIME_WAIT."),
	     r->want_ts ? _("Turn TCP timestamps back on (sysctl -w net.ipv4.tcp_timestamps=1): "
			    "TIME_WAIT reuse needs them.") : "",
	     r->want_ts ? "\n" : "", reuse,
	     _("Do not use net.ipv4.tcp_tw_recycle: it broke clients behind NAT and was removed "
	       "in Linux 4.12. TIME_WAIT always lasts 60 s; tcp_fin_timeout only shortens FIN_WAIT2."));
}

/* The detail line saying how fast this destination can take new
 * connections, and why. */
static void detail_rate(struct diag *d, const struct diag_twrule *r, const struct sw_kstat *k,
			bool loopback)
{
	if (r->reuse) {
		diag_detail(d, _("TIME_WAIT reuse applies (tcp_tw_reuse=%d%s): a port is taken over "
				 "%.1f s after its connection closed: about %.0f new connections/s to "
				 "this destination"),
			    k->tcp_tw_reuse < 0 ? 2 : k->tcp_tw_reuse,
			    loopback ? _(", loopback") : "", r->hold_s, r->rate);
		return;
	}
	const char *why = r->want_ts ? _("tcp_timestamps=0: reuse needs timestamps")
			: k->tcp_tw_reuse == 0 ? _("tcp_tw_reuse=0")
			: _("tcp_tw_reuse=2 covers loopback traffic only");
	diag_detail(d, _("no TIME_WAIT reuse toward it (%s): each closed connection keeps its port "
			 "for 60 s: at most %.0f new connections/s to this destination"), why, r->rate);
}

/* The median lifetime of a churn group, "?" when none is known. */
static void churn_p50(const struct sw_churn_group *g, char *buf, size_t len)
{
	if (g->nlife)
		sw_fmt_ms(g->p50_ms, buf, len);
	else
		sw_strlcpy(buf, "?", len);
}

/* The measured rate toward a destination (destroy events): how many
 * connections open and close per second, how long they live, and how that
 * compares with what the port range sustains. */
static void churn_dest(struct diag *d, const struct sw_churn_group *gp,
		       const struct diag_twrule *r)
{
	if (!gp)
		return;
	const struct sw_churn_group g = *gp;
	char who[64], p50[16];
	if (g.pid >= 0)
		diag_setf(who, sizeof who, "%s (pid %d)", g.comm, (int)g.pid);
	else
		sw_strlcpy(who, _("an unknown program"), sizeof who);
	churn_p50(&g, p50, sizeof p50);
	diag_detail(d, _("measured: %s opens about %.0f connections/s here (%u closed in the last "
			 "%.0f s), median lifetime %s"),
		    who, g.per_s, g.closed, g.per_s > 0 ? (double)g.closed / g.per_s : 0.0, p50);
	if (r->rate > 0 && g.per_s > 0)
		diag_detail(d, _("that is %.0f%% of the %.0f connections/s this port range sustains "
				 "toward it"),
			    g.per_s * 100.0 / r->rate, r->rate);
	if (d->pid <= 0 && g.pid >= 0) {
		d->pid = g.pid;
		sw_strlcpy(d->comm, g.comm, sizeof d->comm);
	}
}

/* Who opens the connections (now, or remembered) and who serves them. */
static void ephemeral_who(struct diag_ctx *x, struct diag *d, const struct diag_kc *e,
			  const char *dst, const struct sw_churn_group *g)
{
	const struct sw_snapshot *s = x->s;
	char who[80], lis[64];
	const struct sw_conn *oc = e->owner != SW_NONE ? &s->conns[e->owner] : NULL;
	diag_proc_label(s, oc, who, sizeof who);
	diag_set_owner(d, s, oc);
	const struct diag_ow *o = NULL;
	if (!who[0] && (o = ow_recent(x->st, e->fam, e->b, e->port, s->mono_ns))) {
		diag_setf(who, sizeof who, _("%s (pid %d, seen %.0f s ago)"), o->comm, (int)o->pid,
			  (double)(s->mono_ns - o->seen_ns) / 1e9);
		d->pid = o->pid;
		sw_strlcpy(d->comm, o->comm, sizeof d->comm);
	}
	if (!who[0] && g && g->pid >= 0) {
		diag_setf(who, sizeof who, _("%s (pid %d, named by the close events: %s)"), g->comm,
			  (int)g->pid, churn_how_label((enum sw_churn_how)g->how));
		d->pid = g->pid;
		sw_strlcpy(d->comm, g->comm, sizeof d->comm);
	}
	const struct sw_conn *lc = diag_find_listener(s, e->fam, e->b, e->port);
	diag_proc_label(s, lc, lis, sizeof lis);
	if (!lis[0])
		sw_strlcpy(lis, lc ? _("a local listener, process unknown") : _("not on this host"),
			   sizeof lis);
	if (who[0])
		diag_detail(d, _("client: %s; server: %s"), who, lis);
	else
		diag_detail(d, _("client: unknown (its sockets toward %s are all in TIME_WAIT, which "
				 "has no owner, and none was seen alive in the last 60 s); server: %s"),
			    dst, lis);
}

void diag_check_ephemeral(struct diag_ctx *x)
{
	const struct sw_snapshot *s = x->s;
	const struct sw_kstat *k = &s->kstat;
	char b1[16], b2[16], b3[16], b4[16];
	if (!s->have_kstat || k->port_lo < 0 || k->port_hi < k->port_lo) {
		struct diag *d = diag_add(x->l, DIAG_EPHEMERAL, DIAG_OK);
		diag_setf(d->title, sizeof d->title, "%s",
		     _("Ephemeral ports not checked: ip_local_port_range unknown"));
		return;
	}
	long lo = k->port_lo, hi = k->port_hi;
	long reserved = 0;
	long range = eph_count(x->st, s, &reserved);
	ow_remember(x->st, s);
	/* only destinations at a threshold are reported (and the busiest
	 * when none is): the others need no order; one count of margin for
	 * the rounding of the percentage */
	double lim = x->t->ephemeral_warn < x->t->ephemeral_alarm ? x->t->ephemeral_warn
								   : x->t->ephemeral_alarm;
	double min_count = lim > 0 ? (double)(long)(lim * (double)range / 100.0) - 1 : -1;
	size_t n = diag_kc_top(x->st, 0, min_count);
	size_t shown = 0;
	for (size_t j = 0; j < n && shown < x->top; j++) {
		const struct diag_kc *e = &x->st->kc[x->st->idx[j]];
		double p = diag_pct(e->count, (double)range);
		enum diag_sev sev = diag_sev_of(p, x->t->ephemeral_warn, x->t->ephemeral_alarm);
		if (sev == DIAG_OK)
			break;
		shown++;
		struct diag *d = diag_add(x->l, DIAG_EPHEMERAL, sev);
		char src[64], dst[SW_EP_STRLEN];
		diag_addr_str(e->fam, e->a, src, sizeof src);
		diag_ep_str(e->fam, e->b, e->port, dst, sizeof dst);
		diag_setf(d->subject, sizeof d->subject, "%s>%s", src, dst);
		d->value = e->count;
		d->limit = (double)range;
		d->port = e->port;
		diag_setf(d->title, sizeof d->title,
		     _("Ephemeral ports toward %s from %s: %u of %ld in use (%.0f%%), %u in TIME_WAIT"),
		     dst, src, e->count, range, sw_pct_shown(e->count, (double)range, 0), e->n2);
		struct sw_churn_group cg;
		const struct sw_churn_group *g =
			x->st->churn && churn_group_of(x->st->churn, SW_CHURN_DEST, e->fam, e->b, e->port, &cg)
				? &cg : NULL;
		ephemeral_who(x, d, e, dst, g);
		diag_detail(d, _("ip_local_port_range %ld-%ld: %ld ports (%ld reserved)"), lo, hi,
		       range, reserved);
		diag_detail(d, "tcp_tw_reuse=%s  tcp_timestamps=%s  tcp_fin_timeout=%s  "
			    "tcp_max_tw_buckets=%s",
		       diag_kval(k->tcp_tw_reuse, b1, sizeof b1),
		       diag_kval(k->tcp_timestamps, b3, sizeof b3),
		       diag_kval(k->tcp_fin_timeout, b2, sizeof b2),
		       diag_kval(k->tcp_max_tw_buckets, b4, sizeof b4));
		if (k->tcp_tw_recycle > 0)
			diag_detail(d, "%s", _("tcp_tw_recycle=1 is set: it drops connections from clients "
					  "behind NAT; set it to 0"));
		bool lb = is_loopback(e->fam, e->a) || is_loopback(e->fam, e->b);
		struct diag_twrule r;
		diag_tw_rule(k->tcp_tw_reuse, k->tcp_timestamps, lb, range, k->tcp_tw_reuse_delay, &r);
		detail_rate(d, &r, k, lb);
		churn_dest(d, g, &r);
		fix_ephemeral(d, &r, k->tcp_tw_reuse);
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

#define TW_ENTRY_BYTES 256.0 /* a tw_sock_TCP slab object on 6.x kernels */

/* Mark the local ports of TCP listeners in st->lports. */
static void mark_listen_ports(struct diag_state *st, const struct sw_snapshot *s)
{
	if (!st->lports)
		st->lports = xmalloc(65536 / 8);
	memset(st->lports, 0, 65536 / 8);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (diag_is_tcp(c) && c->state == SW_ST_LISTEN)
			st->lports[c->local.port / 64] |= 1ull << (c->local.port % 64);
	}
}

/* A TIME_WAIT entry on this host's server side: its local port has a
 * listener, or (listener gone) it is outside the ephemeral range while the
 * remote port is inside it. */
static bool tw_server_side(const struct diag_state *st, const struct sw_kstat *k,
			   const struct sw_conn *c)
{
	if (st->lports[c->local.port / 64] & (1ull << (c->local.port % 64)))
		return true;
	if (k->port_lo < 0)
		return false;
	bool lin = c->local.port >= k->port_lo && c->local.port <= k->port_hi;
	bool rin = c->remote.port >= k->port_lo && c->remote.port <= k->port_hi;
	return !lin && rin;
}

/* "a (n), b (n), c (n)" of the first three kc entries (sorted), into line. */
static void top3_line(struct diag_state *st, size_t n, bool local, char *line, size_t len)
{
	size_t used = 0;
	line[0] = '\0';
	for (size_t j = 0; j < n && j < 3; j++) {
		const struct diag_kc *e = &st->kc[st->idx[j]];
		char ep[SW_EP_STRLEN];
		diag_ep_str(e->fam, local ? e->a : e->b, e->port, ep, sizeof ep);
		int w = snprintf(line + used, len - used, "%s%s (%u)", j ? ", " : "", ep, e->count);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
}

/* Count TIME_WAIT by side: server side per local address:port, client
 * side per destination; returns the server-side total. */
static uint32_t tw_count_side(struct diag_ctx *x, bool server)
{
	const struct sw_snapshot *s = x->s;
	uint32_t n = 0;
	static const uint8_t z[16];
	diag_kc_reset(x->st, x->n_timewait);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!diag_is_tcp(c) || c->state != SW_ST_TIME_WAIT ||
		    tw_server_side(x->st, &s->kstat, c) != server)
			continue;
		uint8_t a[16];
		const struct sw_epix *ep = server ? &c->local : &c->remote;
		uint8_t fam = diag_norm_addr(c->family, sw_conn_addr(c, ep), a);
		diag_kc_get(x->st, fam, ep->port, 0, 0, server ? a : z, server ? z : a,
			    (uint32_t)i)->count++;
		n++;
	}
	return n;
}

/* The server side's details; names its busiest port as the subject when
 * it holds most of the entries.  Returns true then. */
static bool tw_server_details(struct diag_ctx *x, struct diag *d, double total)
{
	uint32_t ns = tw_count_side(x, true);
	if (!ns)
		return false;
	size_t n = diag_kc_sorted(x->st, 0);
	const struct diag_kc *e = &x->st->kc[x->st->idx[0]];
	char line[DIAG_LINE], lep[SW_EP_STRLEN], who[64];
	top3_line(x->st, n, true, line, sizeof line);
	diag_detail(d, _("server side, on local listening ports (this host closed first; no "
			 "ephemeral ports held): %u: %s"), ns, line);
	if (ns * 2 < total)
		return false;
	diag_ep_str(e->fam, e->a, e->port, lep, sizeof lep);
	const struct sw_conn *lc = diag_find_listener(x->s, e->fam, e->a, e->port);
	diag_proc_label(x->s, lc, who, sizeof who);
	diag_set_owner(d, x->s, lc);
	d->port = e->port;
	diag_setf(d->subject, sizeof d->subject, "tcp %s", lep);
	diag_detail(d, _("server on %s: %s"), lep, who[0] ? who : _("(process unknown)"));
	struct sw_churn_group g;
	if (x->st->churn && churn_group_of(x->st->churn, SW_CHURN_SERVICE, e->fam, e->a, e->port, &g)) {
		char p50[16];
		churn_p50(&g, p50, sizeof p50);
		diag_detail(d, _("measured: about %.0f connections/s to :%u close (%u in the last "
				 "%.0f s), median lifetime %s"),
			    g.per_s, (unsigned)e->port, g.closed,
			    g.per_s > 0 ? (double)g.closed / g.per_s : 0.0, p50);
	}
	char list[96];
	diag_setf(list, sizeof list, _("List them: sockwatch -b 'state time-wait and sport = :%u'"),
		  (unsigned)e->port);
	diag_setf(d->fix, sizeof d->fix, "%s\n%s\n%s\n%s",
	     _("This host closes these connections first (php-fpm closes every FastCGI connection "
	       "after its response), so their TIME_WAIT sits on the server's side: it takes no "
	       "ephemeral ports, only TIME_WAIT buckets and kernel memory."),
	     _("Keep the connections open (nginx: 'fastcgi_keep_conn on;' with 'keepalive' in the "
	       "upstream block) or use a UNIX socket (php-fpm: listen = /run/php/php-fpm.sock)."),
	     _("If the table overflows (TCPTimeWaitOverflow), raise net.ipv4.tcp_max_tw_buckets "
	       "if memory allows; tcp_tw_reuse does not apply (it only affects new outgoing "
	       "connections)."),
	     list);
	return true;
}

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
	bool have_ovf = diag_ctr_delta(x, DIAG_CTR_TW_OVERFLOW, &ovf);
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
	diag_setf(d->fix, sizeof d->fix, "%s\n%s\n%s",
	     _("Many short connections closed by this host: use keep-alive/persistent connections "
	       "(nginx upstream keepalive, php-fpm over a UNIX socket, persistent MySQL connections)."),
	     _("Raise net.ipv4.tcp_max_tw_buckets if memory allows. Ports toward one destination: "
	       "see ephemeral_ports for what tcp_tw_reuse would change there."),
	     _("tcp_fin_timeout does not shorten TIME_WAIT (60 s); tcp_tw_recycle is gone since "
	       "Linux 4.12 (it broke clients behind NAT)."));
	mark_listen_ports(x->st, s);
	bool server = tw_server_details(x, d, total);
	if (tw_count_side(x, false)) {
		size_t n = diag_kc_sorted(x->st, 0);
		char line[DIAG_LINE];
		top3_line(x->st, n, false, line, sizeof line);
		diag_detail(d, _("client side (ephemeral ports), most TIME_WAIT toward: %s"), line);
		if (!server)
			d->port = x->st->kc[x->st->idx[0]].port;
	}
	diag_detail(d, _("about %.1f MiB of kernel memory (some 256 bytes per entry)"),
		    total * TW_ENTRY_BYTES / (1024.0 * 1024.0));
	char b1[16], b2[16];
	diag_detail(d, "tcp_tw_reuse=%s  tcp_fin_timeout=%s",
	       diag_kval(k->tcp_tw_reuse, b1, sizeof b1), diag_kval(k->tcp_fin_timeout, b2, sizeof b2));
	if (have_ovf)
		diag_detail(d, _("TCPTimeWaitOverflow +%llu in %.1f s"), (unsigned long long)ovf, x->dt);
}
