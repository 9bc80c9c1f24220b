/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose.c - see diagnose.h.  One pass per diagnosis over the snapshot's
 * records with a reusable open-addressing hash for counting; nothing is
 * allocated per socket.  This file holds the names, thresholds, the list,
 * the state kept across refreshes (scratch hash, per-cookie memory), the
 * record helpers and diagnose_run; the diagnoses themselves are in
 * diagcheck.c (shared declarations: diagnose_priv.h). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diagnose.h"
#include "diagnose_priv.h"
#include "i18n.h"
#include "util.h"

/* ---- names ----------------------------------------------------------------- */

static const char *const id_names[DIAG_ID_COUNT] = {
	[DIAG_EPHEMERAL] = "ephemeral_ports",
	[DIAG_TIMEWAIT] = "timewait_buckets",
	[DIAG_SYNFLOOD] = "syn_flood",
	[DIAG_ACCEPTQ] = "accept_queue",
	[DIAG_CLOSEWAIT] = "close_wait_leak",
	[DIAG_RETRANS] = "retrans_hotspot",
};

const char *diag_id_name(enum diag_id id)
{
	return (unsigned)id < DIAG_ID_COUNT ? id_names[id] : "?";
}

int diag_id_from_name(const char *name)
{
	for (int i = 0; i < DIAG_ID_COUNT; i++)
		if (strcmp(name, id_names[i]) == 0)
			return i;
	return -1;
}

const char *diag_sev_name(enum diag_sev s)
{
	static const char *const n[] = {"ok", "warn", "alarm"};
	return (unsigned)s <= DIAG_ALARM ? n[s] : "?";
}

const char *diag_sev_label(enum diag_sev s)
{
	static const char *const n[] = {N_("OK"), N_("WARNING"), N_("ALARM")};
	return (unsigned)s <= DIAG_ALARM ? _(n[s]) : "?";
}

static const char *const ctr_names[DIAG_CTR_COUNT][2] = {
	[DIAG_CTR_LISTEN_OVERFLOWS] = {"TcpExt", "ListenOverflows"},
	[DIAG_CTR_LISTEN_DROPS] = {"TcpExt", "ListenDrops"},
	[DIAG_CTR_TW_OVERFLOW] = {"TcpExt", "TCPTimeWaitOverflow"},
	[DIAG_CTR_SYNCOOKIES_SENT] = {"TcpExt", "SyncookiesSent"},
	[DIAG_CTR_SYNCOOKIES_RECV] = {"TcpExt", "SyncookiesRecv"},
	[DIAG_CTR_SYNCOOKIES_FAILED] = {"TcpExt", "SyncookiesFailed"},
	[DIAG_CTR_REQQ_FULL_DROP] = {"TcpExt", "TCPReqQFullDrop"},
	[DIAG_CTR_REQQ_FULL_COOKIES] = {"TcpExt", "TCPReqQFullDoCookies"},
	[DIAG_CTR_RETRANS_SEGS] = {"Tcp", "RetransSegs"},
	[DIAG_CTR_OUT_SEGS] = {"Tcp", "OutSegs"},
};

/* ---- thresholds -------------------------------------------------------------- */

struct thr_def {
	const char *name;
	size_t off;
	double def, min, max;
	const char *help;
};

#define THR(f, d, lo, hi, h) {#f, offsetof(struct diag_thresholds, f), d, lo, hi, h}
static const struct thr_def thr_table[] = {
	/* xgettext:no-c-format */
	THR(ephemeral_warn, 50, 0, 100, N_("% of ip_local_port_range used toward one destination: warn")),
	/* xgettext:no-c-format */
	THR(ephemeral_alarm, 80, 0, 100, N_("% of ip_local_port_range used toward one destination: alarm")),
	/* xgettext:no-c-format */
	THR(timewait_warn, 50, 0, 100, N_("TIME_WAIT sockets as % of tcp_max_tw_buckets: warn")),
	/* xgettext:no-c-format */
	THR(timewait_alarm, 80, 0, 100, N_("TIME_WAIT sockets as % of tcp_max_tw_buckets: alarm")),
	THR(synrecv_warn, 64, 1, 1e9, N_("SYN_RECV (half-open) sockets: warn")),
	THR(synrecv_alarm, 512, 1, 1e9, N_("SYN_RECV (half-open) sockets: alarm")),
	/* xgettext:no-c-format */
	THR(synq_warn, 50, 0, 100, N_("half-open requests as % of a listener's SYN queue limit: warn")),
	/* xgettext:no-c-format */
	THR(synq_alarm, 100, 0, 100, N_("half-open requests as % of a listener's SYN queue limit: alarm")),
	/* xgettext:no-c-format */
	THR(accept_warn, 80, 0, 1000, N_("accept queue as % of the listener's backlog: warn")),
	/* xgettext:no-c-format */
	THR(accept_alarm, 100, 0, 1000, N_("accept queue as % of the listener's backlog: alarm")),
	THR(closewait_warn, 10, 1, 1e9, N_("CLOSE_WAIT sockets held by one process: warn")),
	THR(closewait_alarm, 100, 1, 1e9, N_("CLOSE_WAIT sockets held by one process: alarm")),
	THR(closewait_growth, 3, 1, 1e6, N_("refreshes in a row with a growing CLOSE_WAIT count: warn")),
	THR(retrans_warn, 5, 0, 1e12, N_("retransmitted segments per second toward one remote: warn")),
	THR(retrans_alarm, 50, 0, 1e12, N_("retransmitted segments per second toward one remote: alarm")),
	THR(top, 5, 1, 1000, N_("findings listed per diagnosis, entries in top lists")),
};
#undef THR
#define NTHR (sizeof thr_table / sizeof thr_table[0])

static double *thr_field(struct diag_thresholds *t, size_t i)
{
	return (double *)(void *)((char *)t + thr_table[i].off);
}

void diag_thresholds_default(struct diag_thresholds *t)
{
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < NTHR; i++)
		*thr_field(t, i) = thr_table[i].def;
}

size_t diag_threshold_count(void)
{
	return NTHR;
}

const char *diag_threshold_name(size_t i)
{
	return i < NTHR ? thr_table[i].name : NULL;
}

const char *diag_threshold_help(size_t i)
{
	return i < NTHR ? _(thr_table[i].help) : NULL;
}

double diag_threshold_get(const struct diag_thresholds *t, size_t i)
{
	if (i >= NTHR)
		return 0;
	return *(const double *)(const void *)((const char *)t + thr_table[i].off);
}

int diag_threshold_set(struct diag_thresholds *t, const char *name,
		       const char *value, char *err, size_t errlen)
{
	for (size_t i = 0; i < NTHR; i++) {
		if (strcmp(name, thr_table[i].name) != 0)
			continue;
		char *end;
		errno = 0;
		double v = strtod(value, &end);
		while (*end == ' ' || *end == '\t')
			end++;
		if (*end == '%')
			end++;
		if (!*value || *end || errno || !isfinite(v) ||
		    v < thr_table[i].min || v > thr_table[i].max) {
			snprintf(err, errlen,
				 _("bad value '%s' for threshold %s (a number from %g to %g)"),
				 value, name, thr_table[i].min, thr_table[i].max);
			return -EINVAL;
		}
		*thr_field(t, i) = v;
		return 0;
	}
	snprintf(err, errlen, _("unknown threshold '%s' (known: ephemeral_warn, "
				"ephemeral_alarm, timewait_warn, timewait_alarm, synrecv_warn, "
				"synrecv_alarm, synq_warn, synq_alarm, accept_warn, accept_alarm, closewait_warn, "
				"closewait_alarm, closewait_growth, retrans_warn, retrans_alarm, top)"),
		 name);
	return -ENOENT;
}

int diag_threshold_assign(struct diag_thresholds *t, const char *a, char *err,
			  size_t errlen)
{
	const char *eq = strchr(a, '=');
	if (!eq || eq == a) {
		snprintf(err, errlen, _("'%s' is not NAME=VALUE"), a);
		return -EINVAL;
	}
	char name[64];
	size_t n = (size_t)(eq - a);
	while (n > 0 && (a[n - 1] == ' ' || a[n - 1] == '\t'))
		n--;
	if (n >= sizeof name)
		n = sizeof name - 1;
	memcpy(name, a, n);
	name[n] = '\0';
	const char *v = eq + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	return diag_threshold_set(t, name, v, err, errlen);
}

/* ---- list -------------------------------------------------------------------- */

void diag_list_init(struct diag_list *l)
{
	memset(l, 0, sizeof *l);
}

void diag_list_done(struct diag_list *l)
{
	free(l->d);
	memset(l, 0, sizeof *l);
}

size_t diag_list_count(const struct diag_list *l, enum diag_sev sev)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (l->d[i].sev >= sev)
			n++;
	return n;
}

void diag_sort_by_id(struct diag_list *l)
{
	struct diag *sorted = xmalloc((l->n + 1) * sizeof *sorted);
	size_t k = 0;
	for (int id = 0; id < DIAG_ID_COUNT; id++)
		for (size_t i = 0; i < l->n; i++)
			if (l->d[i].id == (enum diag_id)id)
				sorted[k++] = l->d[i];
	memcpy(l->d, sorted, k * sizeof *sorted);
	free(sorted);
}

struct diag *diag_add(struct diag_list *l, enum diag_id id, enum diag_sev sev)
{
	l->d = xgrow(l->d, &l->cap, l->n + 1, sizeof *l->d);
	struct diag *d = &l->d[l->n++];
	memset(d, 0, sizeof *d);
	d->id = id;
	d->sev = sev;
	d->pid = -1;
	if (sev > l->worst)
		l->worst = sev;
	return d;
}

void diag_detail(struct diag *d, const char *fmt, ...)
{
	if (d->ndetail >= DIAG_MAX_DETAIL)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->detail[d->ndetail++], DIAG_LINE, fmt, ap);
	va_end(ap);
}

void diag_setf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

const char *diag_kval(int v, char *buf, size_t len)
{
	if (v < 0)
		return "?";
	diag_setf(buf, len, "%d", v);
	return buf;
}

bool diag_ctr_delta(const struct diag_ctx *x, unsigned i, uint64_t *d)
{
	if (x->dt <= 0 || !x->ctr_ok[i] || !x->st->prev_ctr_ok[i])
		return false;
	*d = x->ctr[i] >= x->st->prev_ctr[i] ? x->ctr[i] - x->st->prev_ctr[i] : x->ctr[i];
	return true;
}

const char *diag_counters_since(const struct sw_kstat *k)
{
	if (k->netns_init == 1)
		return _("since boot");
	if (k->netns_init == 0)
		return _("since the network namespace was created");
	return _("since boot or since the network namespace was created");
}

/* ---- state ------------------------------------------------------------------- */

void diag_state_init(struct diag_state *st)
{
	memset(st, 0, sizeof *st);
}

void diag_state_done(struct diag_state *st)
{
	free(st->ck);
	free(st->ck_next);
	free(st->ck_used);
	free(st->ck_next_used);
	free(st->cw);
	free(st->cw_next);
	free(st->kc);
	free(st->idx);
	free(st->ow);
	free(st->lports);
	memset(st, 0, sizeof *st);
}

static size_t pow2_at_least(size_t n)
{
	size_t c = 64;
	while (c < n)
		c *= 2;
	return c;
}

/* The scratch hash holds distinct keys (destinations, processes, remotes):
 * usually far fewer than the sockets counted.  It starts at a few hundred
 * slots and doubles at half load; a reset keeps the allocation unless it
 * is much larger than the hint, so that no refresh clears or scans a
 * table sized for every socket. */
#define KC_START_KEYS 256
#define KC_KEEP_SLOTS 65536

void diag_kc_reset(struct diag_state *st, size_t expect)
{
	size_t want = pow2_at_least((expect < KC_START_KEYS ? expect : KC_START_KEYS) * 2 + 1);
	st->kc_n = 0;
	if (st->kc_cap < want || (st->kc_cap > KC_KEEP_SLOTS && st->kc_cap > want * 16)) {
		free(st->kc);
		st->kc = xcalloc(want, sizeof *st->kc);
		st->kc_cap = want;
	} else {
		memset(st->kc, 0, st->kc_cap * sizeof *st->kc);
	}
}

static uint64_t kc_hash(uint8_t fam, uint16_t port, int32_t pid, uint64_t start,
			const uint8_t a[16], const uint8_t b[16])
{
	/* the words folded by odd multipliers, then one full mix (six
	 * chained mixes were a third of counting per destination, which
	 * runs for every connection each refresh) */
	uint64_t a0, a1, b0, b1;
	memcpy(&a0, a, 8);
	memcpy(&a1, a + 8, 8);
	memcpy(&b0, b, 8);
	memcpy(&b1, b + 8, 8);
	uint64_t h = ((uint64_t)fam << 48) ^ ((uint64_t)port << 32) ^ (uint32_t)pid;
	h ^= (a0 + a1 * 0x9e3779b97f4a7c15ULL) ^ (b0 * 0xc2b2ae3d27d4eb4fULL + b1 * 0x165667b19e3779f9ULL);
	h += start * 0xff51afd7ed558ccdULL;
	return sw_hash64(h);
}

static void kc_grow(struct diag_state *st)
{
	size_t ocap = st->kc_cap;
	struct diag_kc *old = st->kc;
	size_t cap = ocap * 2;
	st->kc = xcalloc(cap, sizeof *st->kc);
	st->kc_cap = cap;
	for (size_t j = 0; j < ocap; j++) {
		const struct diag_kc *e = &old[j];
		if (!e->used)
			continue;
		size_t i = kc_hash(e->fam, e->port, e->pid, e->start, e->a, e->b) & (cap - 1);
		while (st->kc[i].used)
			i = (i + 1) & (cap - 1);
		st->kc[i] = *e;
	}
	free(old);
}

struct diag_kc *diag_kc_get(struct diag_state *st, uint8_t fam, uint16_t port,
			    int32_t pid, uint64_t start, const uint8_t a[16],
			    const uint8_t b[16], uint32_t ci)
{
	if (!st->kc_cap)
		diag_kc_reset(st, KC_START_KEYS);
	uint64_t h = kc_hash(fam, port, pid, start, a, b);
	size_t mask = st->kc_cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct diag_kc *e = &st->kc[i];
		if (!e->used) {
			if ((st->kc_n + 1) * 2 > st->kc_cap) {
				kc_grow(st);
				return diag_kc_get(st, fam, port, pid, start, a, b, ci);
			}
			st->kc_n++;
			e->used = 1;
			e->fam = fam;
			e->port = port;
			e->pid = pid;
			e->start = start;
			memcpy(e->a, a, 16);
			memcpy(e->b, b, 16);
			e->ex = ci;
			e->owner = SW_NONE;
			e->best = -1;
			return e;
		}
		if (e->fam == fam && e->port == port && e->pid == pid && e->start == start &&
		    memcmp(e->a, a, 16) == 0 && memcmp(e->b, b, 16) == 0)
			return e;
	}
}

/* Indices of used kc entries, sorted by the key function, descending.
 * (qsort_r: the monitor diagnoses in its collection thread.) */
struct kc_sort {
	const struct diag_kc *base;
	int by_sum;
};

static double kc_key(const struct kc_sort *s, const struct diag_kc *e)
{
	return s->by_sum ? e->sum : (double)e->count;
}

static int kc_cmp(const void *x, const void *y, void *arg)
{
	const struct kc_sort *s = arg;
	const struct diag_kc *a = &s->base[*(const uint32_t *)x];
	const struct diag_kc *b = &s->base[*(const uint32_t *)y];
	double ka = kc_key(s, a), kb = kc_key(s, b);
	if (ka != kb)
		return ka > kb ? -1 : 1;
	int c = memcmp(a->b, b->b, 16);
	if (c)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	c = memcmp(a->a, b->a, 16);
	if (c)
		return c;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	/* a total order: the result does not depend on where keys sit */
	if (a->fam != b->fam)
		return a->fam < b->fam ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

size_t diag_kc_sorted(struct diag_state *st, int by_sum)
{
	return diag_kc_top(st, by_sum, -1.0);
}

size_t diag_kc_top(struct diag_state *st, int by_sum, double min_key)
{
	struct kc_sort s = {st->kc, by_sum};
	if (min_key >= 0) { /* never above the largest key: the first entry stays */
		double max = -1.0;
		for (size_t i = 0; i < st->kc_cap; i++)
			if (st->kc[i].used && kc_key(&s, &st->kc[i]) > max)
				max = kc_key(&s, &st->kc[i]);
		if (min_key > max)
			min_key = max;
	}
	size_t n = st->kc_n;
	st->idx = xgrow(st->idx, &st->idx_cap, n + 1, sizeof *st->idx);
	n = 0;
	for (size_t i = 0; i < st->kc_cap; i++)
		if (st->kc[i].used && kc_key(&s, &st->kc[i]) >= min_key)
			st->idx[n++] = (uint32_t)i;
	qsort_r(st->idx, n, sizeof *st->idx, kc_cmp, &s);
	return n;
}

/* ---- helpers on records ----------------------------------------------------- */

/* Fold v4-mapped IPv6 into AF_INET with the address in [0..3]. */
uint8_t diag_norm_addr(uint8_t family, const uint8_t in[16], uint8_t out[16])
{
	memset(out, 0, 16);
	if (family == AF_INET6 && sw_addr_is_v4mapped(in)) {
		memcpy(out, in + 12, 4);
		return AF_INET;
	}
	if (family == AF_INET) {
		memcpy(out, in, 4);
		return AF_INET;
	}
	memcpy(out, in, 16);
	return family;
}

char *diag_ep_str(uint8_t fam, const uint8_t a[16], uint16_t port, char *buf, size_t len)
{
	struct sw_endpoint ep;
	memcpy(ep.addr, a, 16);
	ep.port = port;
	return sw_ep_str(fam, &ep, buf, len);
}

char *diag_addr_str(uint8_t fam, const uint8_t a[16], char *buf, size_t len)
{
	return sw_addr_str(fam, a, true, buf, len);
}

/* "nginx (pid 42)", "nginx (pid 42, +3 more)", or "" when unknown. */
const char *diag_proc_label(const struct sw_snapshot *s, const struct sw_conn *c,
			    char *buf, size_t len)
{
	const struct sw_proc *p = c ? snapshot_owner_proc(s, c, 0) : NULL;
	if (!p) {
		buf[0] = '\0';
		return buf;
	}
	/* count distinct pids */
	uint32_t more = 0;
	for (uint32_t i = 1; i < c->owners_n; i++) {
		const struct sw_proc *q = snapshot_owner_proc(s, c, i);
		bool seen = q->pid == p->pid;
		for (uint32_t j = 1; j < i && !seen; j++)
			seen = snapshot_owner_proc(s, c, j)->pid == q->pid;
		if (!seen)
			more++;
	}
	if (more)
		diag_setf(buf, len, _("%s (pid %d, +%u more)"), p->comm, (int)p->pid, more);
	else
		diag_setf(buf, len, _("%s (pid %d)"), p->comm, (int)p->pid);
	return buf;
}

void diag_set_owner(struct diag *d, const struct sw_snapshot *s, const struct sw_conn *c)
{
	const struct sw_proc *p = c ? snapshot_owner_proc(s, c, 0) : NULL;
	if (p) {
		d->pid = p->pid;
		sw_strlcpy(d->comm, p->comm, sizeof d->comm);
	}
}

/* A TCP LISTEN socket serving port (addr matching or wildcard), or NULL. */
const struct sw_conn *diag_find_listener(const struct sw_snapshot *s, uint8_t fam,
					 const uint8_t a[16], uint16_t port)
{
	const struct sw_conn *wild = NULL;
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!diag_is_tcp(c) || c->state != SW_ST_LISTEN || c->local.port != port)
			continue;
		uint8_t la[16];
		uint8_t lf = diag_norm_addr(c->family, sw_laddr(c), la);
		if (lf == fam && memcmp(la, a, 16) == 0)
			return c;
		if (sw_addr_is_any(c->family, sw_laddr(c)) && (!wild || c->owners_n))
			wild = c;
	}
	return wild;
}

/* Listener description: "tcp 0.0.0.0:8080" / "unix /run/x.sock". */
void diag_listener_name(const struct sw_snapshot *s, const struct sw_conn *c,
			char *buf, size_t len)
{
	if (c->family == AF_UNIX) {
		char name[80];
		size_t n = c->name_len < sizeof name - 1 ? c->name_len : sizeof name - 1;
		if (n == 0) {
			sw_strlcpy(name, "*", sizeof name);
		} else {
			memcpy(name, snapshot_str(s, c->name_off), n);
			name[n] = '\0';
			if (name[0] == '\0')
				name[0] = '@';
			for (size_t i = 1; i < n; i++)
				if (name[i] == '\0')
					name[i] = '@';
		}
		diag_setf(buf, len, "unix %s", name);
		return;
	}
	char ep[SW_EP_STRLEN];
	diag_setf(buf, len, "%s %s", sw_proto_name(c->proto), sw_local_str(c, ep, sizeof ep));
}

/* ---- per-cookie memory (retransmits, new SYN_RECV) ---------------------------- */

/* Open addressing on the cookie; 16-byte slots, a bit per slot says it is
 * used (any cookie value, 0 included, is a valid key).  Only sockets whose
 * counters matter next time are remembered: those with retransmits or
 * losses (their deltas) and SYN_RECV (to count new ones).  A socket with
 * total_retrans 0 needs no entry (its next delta is its next total), so a
 * healthy server's 100k connections take no room; the price is that the
 * first interval in which a socket retransmits counts all its segments
 * sent so far in the "share of segments" figure. */
static struct diag_ck *ck_lookup(struct diag_ck *t, uint64_t *used, size_t cap,
				 uint64_t cookie, bool insert)
{
	if (!cap)
		return NULL;
	size_t mask = cap - 1;
	for (size_t i = sw_hash64(cookie) & mask;; i = (i + 1) & mask) {
		if (!(used[i / 64] & (1ull << (i % 64)))) {
			if (!insert)
				return NULL;
			used[i / 64] |= 1ull << (i % 64);
			t[i].cookie = cookie;
			t[i].retrans = t[i].segs = 0;
			return &t[i];
		}
		if (t[i].cookie == cookie)
			return &t[i];
	}
}

/* c (TCP, with tx its tcp_info or NULL) needs an entry for next time */
static bool ck_wanted(const struct sw_conn *c, const struct sw_tcpx *tx)
{
	if (diag_is_synrecv(c))
		return true;
	return tx && (tx->have & SW_TI_BASE) && c->state != SW_ST_LISTEN &&
	       (tx->total_retrans || tx->lost);
}

/* Size the next table for n keys (load at most 3/4), reusing the
 * allocation unless it is 4 times too large. */
static void ck_next_reset(struct diag_state *st, size_t n)
{
	size_t need = 64;
	while (need * 3 < n * 4)
		need *= 2;
	if (st->ck_next_cap < need || st->ck_next_cap > need * 4) {
		free(st->ck_next);
		free(st->ck_next_used);
		st->ck_next = xmalloc(need * sizeof *st->ck_next);
		st->ck_next_used = xcalloc(need / 64, sizeof *st->ck_next_used);
		st->ck_next_cap = need;
	} else {
		memset(st->ck_next_used, 0, st->ck_next_cap / 64 * sizeof *st->ck_next_used);
	}
}

/* Walk TCP sockets once: per-remote retransmit deltas into kc, new
 * SYN_RECV count, and the next per-cookie table. */
static void scan_cookies(struct diag_ctx *x)
{
	const struct sw_snapshot *s = x->s;
	struct diag_state *st = x->st;
	size_t want = x->n_ck;
	ck_next_reset(st, want);
	diag_kc_reset(st, 0);
	bool prev = x->dt > 0;
	uint32_t newsr = 0;
	static const uint8_t z[16];
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!diag_is_tcp(c))
			continue;
		const struct sw_tcpx *tx = snapshot_tcpx(s, c);
		bool base = tx && (tx->have & SW_TI_BASE);
		bool sr = diag_is_synrecv(c);
		if (!base && !sr)
			continue;
		/* the entries that matter next time are the ones whose last
		 * value matters now: SYN_RECV (new or not) and sockets with
		 * retransmits or losses (their deltas; with total_retrans 0 the
		 * delta is 0 whatever came before) */
		bool keep = ck_wanted(c, tx);
		if (keep) {
			struct diag_ck *nx = ck_lookup(st->ck_next, st->ck_next_used,
						       st->ck_next_cap, c->cookie, true);
			if (base) {
				nx->retrans = tx->total_retrans;
				nx->segs = tx->segs_out;
			}
		}
		const struct diag_ck *p = NULL;
		if (prev && keep)
			p = ck_lookup(st->ck, st->ck_used, st->ck_cap, c->cookie, false);
		if (sr && prev && !p)
			newsr++;
		if (!base || !prev || c->state == SW_ST_LISTEN)
			continue;
		uint32_t dr = p ? (tx->total_retrans >= p->retrans ? tx->total_retrans - p->retrans
								   : tx->total_retrans)
				: tx->total_retrans;
		uint32_t ds = p ? (tx->segs_out >= p->segs ? tx->segs_out - p->segs : tx->segs_out)
				: tx->segs_out;
		if (!dr && !tx->lost)
			continue;
		uint8_t ra[16];
		uint8_t fam = diag_norm_addr(c->family, sw_raddr(c), ra);
		struct diag_kc *e = diag_kc_get(st, fam, 0, 0, 0, z, ra, (uint32_t)i);
		e->count++;
		e->sum += dr;
		e->sum2 += ds;
		e->n2 += tx->lost;
		if ((double)dr > e->best) {
			e->best = dr;
			e->ex = (uint32_t)i;
		}
		if (e->owner == SW_NONE && c->owners_n)
			e->owner = (uint32_t)i;
	}
	x->synrecv_new = newsr;
	x->have_synrecv_new = prev;
	SW_SWAP(st->ck, st->ck_next);
	SW_SWAP(st->ck_used, st->ck_next_used);
	SW_SWAP(st->ck_cap, st->ck_next_cap);
	st->ck_n = want;
}

/* ---- driver -------------------------------------------------------------------- */

void diag_set_churn(struct diag_state *st, const struct sw_churn *c)
{
	st->churn = c;
}

enum diag_sev diagnose_run(struct diag_state *st, const struct diag_thresholds *t,
			   const struct sw_snapshot *s, struct diag_list *l)
{
	l->n = 0;
	l->worst = DIAG_OK;
	struct diag_ctx x = {.st = st, .t = t, .s = s, .l = l};
	x.top = t->top >= 1 ? (size_t)t->top : 1;
	if (st->runs > 0 && s->mono_ns > st->prev_mono_ns)
		x.dt = (double)(s->mono_ns - st->prev_mono_ns) / 1e9;
	for (unsigned i = 0; i < DIAG_CTR_COUNT; i++)
		x.ctr_ok[i] = s->have_kstat &&
			      kstat_counter(&s->kstat, ctr_names[i][0], ctr_names[i][1], &x.ctr[i]);
	l->dt = x.dt;
	l->have_rates = x.dt > 0;
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (c->state == SW_ST_LISTEN && (diag_is_tcp(c) || c->proto == SW_PROTO_UNIX))
			x.n_listen++;
		if (!diag_is_tcp(c))
			continue;
		x.n_timewait += c->state == SW_ST_TIME_WAIT;
		x.n_closewait += c->state == SW_ST_CLOSE_WAIT;
		x.n_synrecv += diag_is_synrecv(c);
		x.n_ck += ck_wanted(c, snapshot_tcpx(s, c));
	}

	scan_cookies(&x);  /* fills kc with retransmit deltas: diagnose those first */
	diag_check_retrans(&x);
	diag_check_ephemeral(&x);
	diag_check_timewait(&x);
	diag_check_synflood(&x);
	diag_check_acceptq(&x);
	diag_check_closewait(&x);

	/* stable order: by id, worst first within an id (each diag_* adds its
	 * own entries already worst first) */
	diag_sort_by_id(l);

	for (unsigned i = 0; i < DIAG_CTR_COUNT; i++) {
		st->prev_ctr[i] = x.ctr[i];
		st->prev_ctr_ok[i] = x.ctr_ok[i];
	}
	st->prev_mono_ns = s->mono_ns;
	st->runs++;
	return l->worst;
}
