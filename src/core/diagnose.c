/* diagnose.c - see diagnose.h.  One pass per diagnosis over the snapshot's
 * records with a reusable open-addressing hash for counting; nothing is
 * allocated per socket. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diagnose.h"
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

void diag_counter_name(unsigned ctr, const char **group, const char **name)
{
	if (ctr >= DIAG_CTR_COUNT) {
		*group = *name = "?";
		return;
	}
	*group = ctr_names[ctr][0];
	*name = ctr_names[ctr][1];
}

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
				"synrecv_alarm, accept_warn, accept_alarm, closewait_warn, "
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

static struct diag *diag_add(struct diag_list *l, enum diag_id id, enum diag_sev sev)
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

__attribute__((format(printf, 2, 3)))
static void detail(struct diag *d, const char *fmt, ...)
{
	if (d->ndetail >= DIAG_MAX_DETAIL)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->detail[d->ndetail++], DIAG_LINE, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 3, 4)))
static void setf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* ---- state ------------------------------------------------------------------- */

struct diag_ck {
	uint64_t cookie;
	uint32_t retrans;
	uint32_t segs;
	uint8_t used;
};

struct diag_cw {
	int32_t pid;
	uint64_t start; /* starttime, or the local port for unknown owners */
	uint32_t count;
	uint32_t streak;
};

struct diag_kc {
	uint8_t used;
	uint8_t fam;
	uint16_t port;
	int32_t pid;
	uint64_t start;
	uint8_t a[16];
	uint8_t b[16];
	uint32_t count;
	uint32_t n2;      /* a second count (TIME_WAIT share ...) */
	uint32_t ex;      /* example conn index */
	uint32_t owner;   /* index of a conn with an owner, SW_NONE */
	double sum, sum2; /* deltas */
	double best;      /* largest single delta (for ex) */
};

void diag_state_init(struct diag_state *st)
{
	memset(st, 0, sizeof *st);
}

void diag_state_done(struct diag_state *st)
{
	free(st->ck);
	free(st->ck_next);
	free(st->cw);
	free(st->cw_next);
	free(st->kc);
	free(st->idx);
	memset(st, 0, sizeof *st);
}

static size_t pow2_at_least(size_t n)
{
	size_t c = 64;
	while (c < n)
		c *= 2;
	return c;
}

static void kc_reset(struct diag_state *st, size_t expect)
{
	size_t need = pow2_at_least(expect * 2 + 1);
	if (st->kc_cap < need) {
		free(st->kc);
		st->kc = xcalloc(need, sizeof *st->kc);
		st->kc_cap = need;
	} else {
		memset(st->kc, 0, st->kc_cap * sizeof *st->kc);
	}
}

static struct diag_kc *kc_get(struct diag_state *st, uint8_t fam, uint16_t port,
			      int32_t pid, uint64_t start, const uint8_t a[16],
			      const uint8_t b[16], uint32_t ci)
{
	uint64_t h = sw_hash64(((uint64_t)fam << 48) ^ ((uint64_t)port << 32) ^ (uint32_t)pid);
	h = sw_hash64(h ^ start);
	uint64_t w;
	for (int i = 0; i < 16; i += 8) {
		memcpy(&w, a + i, 8);
		h = sw_hash64(h ^ w);
		memcpy(&w, b + i, 8);
		h = sw_hash64(h ^ w);
	}
	size_t mask = st->kc_cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct diag_kc *e = &st->kc[i];
		if (!e->used) {
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

/* Indices of used kc entries, sorted by the key function, descending. */
static const struct diag_kc *sort_kc_base;
static int sort_kc_by;

static double kc_key(const struct diag_kc *e)
{
	return sort_kc_by ? e->sum : (double)e->count;
}

static int kc_cmp(const void *x, const void *y)
{
	const struct diag_kc *a = &sort_kc_base[*(const uint32_t *)x];
	const struct diag_kc *b = &sort_kc_base[*(const uint32_t *)y];
	double ka = kc_key(a), kb = kc_key(b);
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
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

static size_t kc_sorted(struct diag_state *st, int by_sum)
{
	size_t n = 0;
	for (size_t i = 0; i < st->kc_cap; i++)
		if (st->kc[i].used)
			n++;
	st->idx = xgrow(st->idx, &st->idx_cap, n + 1, sizeof *st->idx);
	n = 0;
	for (size_t i = 0; i < st->kc_cap; i++)
		if (st->kc[i].used)
			st->idx[n++] = (uint32_t)i;
	sort_kc_base = st->kc;
	sort_kc_by = by_sum;
	qsort(st->idx, n, sizeof *st->idx, kc_cmp);
	return n;
}

/* ---- helpers on records ----------------------------------------------------- */

/* Fold v4-mapped IPv6 into AF_INET with the address in [0..3]. */
static uint8_t norm_addr(uint8_t family, const uint8_t in[16], uint8_t out[16])
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

static bool is_tcp(const struct sw_conn *c)
{
	return c->proto == SW_PROTO_TCP && (c->family == AF_INET || c->family == AF_INET6);
}

static bool is_synrecv(const struct sw_conn *c)
{
	return c->state == SW_ST_SYN_RECV || c->state == SW_ST_NEW_SYN_RECV;
}

static char *ep_str(uint8_t fam, const uint8_t a[16], uint16_t port, char *buf, size_t len)
{
	struct sw_endpoint ep;
	memcpy(ep.addr, a, 16);
	ep.port = port;
	return sw_ep_str(fam, &ep, buf, len);
}

static char *addr_str(uint8_t fam, const uint8_t a[16], char *buf, size_t len)
{
	return sw_addr_str(fam, a, true, buf, len);
}

/* "nginx (pid 42)", "nginx (pid 42, +3 more)", or "" when unknown. */
static const char *proc_label(const struct sw_snapshot *s, const struct sw_conn *c,
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
		setf(buf, len, _("%s (pid %d, +%u more)"), p->comm, (int)p->pid, more);
	else
		setf(buf, len, _("%s (pid %d)"), p->comm, (int)p->pid);
	return buf;
}

static void set_owner(struct diag *d, const struct sw_snapshot *s, const struct sw_conn *c)
{
	const struct sw_proc *p = c ? snapshot_owner_proc(s, c, 0) : NULL;
	if (p) {
		d->pid = p->pid;
		sw_strlcpy(d->comm, p->comm, sizeof d->comm);
	}
}

/* A TCP LISTEN socket serving port (addr matching or wildcard), or NULL. */
static const struct sw_conn *find_listener(const struct sw_snapshot *s, uint8_t fam,
					   const uint8_t a[16], uint16_t port)
{
	const struct sw_conn *wild = NULL;
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!is_tcp(c) || c->state != SW_ST_LISTEN || c->local.port != port)
			continue;
		uint8_t la[16];
		uint8_t lf = norm_addr(c->family, c->local.addr, la);
		if (lf == fam && memcmp(la, a, 16) == 0)
			return c;
		if (sw_addr_is_any(c->family, c->local.addr) && (!wild || c->owners_n))
			wild = c;
	}
	return wild;
}

/* Listener description: "tcp 0.0.0.0:8080" / "unix /run/x.sock". */
static void listener_name(const struct sw_snapshot *s, const struct sw_conn *c,
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
		setf(buf, len, "unix %s", name);
		return;
	}
	char ep[SW_EP_STRLEN];
	setf(buf, len, "%s %s", sw_proto_name(c->proto), sw_ep_str(c->family, &c->local, ep, sizeof ep));
}

static double pct(double a, double b)
{
	return b > 0 ? a * 100.0 / b : (a > 0 ? 100.0 : 0.0);
}

static enum diag_sev sev_of(double v, double warn, double alarm)
{
	if (v >= alarm)
		return DIAG_ALARM;
	if (v >= warn)
		return DIAG_WARN;
	return DIAG_OK;
}

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
	setf(buf, len, "%d", v);
	return buf;
}

struct ctx {
	struct diag_state *st;
	const struct diag_thresholds *t;
	const struct sw_snapshot *s;
	struct diag_list *l;
	double dt;                     /* 0: no previous sample */
	uint64_t ctr[DIAG_CTR_COUNT];
	bool ctr_ok[DIAG_CTR_COUNT];
	size_t top;
	uint32_t synrecv_new;          /* SYN_RECV cookies not seen last time */
	bool have_synrecv_new;
};

/* Counter delta since the previous refresh; false if unknown. */
static bool ctr_delta(const struct ctx *x, unsigned i, uint64_t *d)
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
	kc_reset(st, s->nconns);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!is_tcp(c) || c->state == SW_ST_LISTEN || c->remote.port == 0 ||
		    c->local.port < lo || c->local.port > hi || is_synrecv(c))
			continue;
		uint8_t la[16], ra[16];
		uint8_t fam = norm_addr(c->family, c->local.addr, la);
		norm_addr(c->family, c->remote.addr, ra);
		struct diag_kc *e = kc_get(st, fam, c->remote.port, 0, 0, la, ra, (uint32_t)i);
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
	size_t n = kc_sorted(st, 0);
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
	setf(d->fix, sizeof d->fix, "%s\n%s\n%s\n%s",
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

static void diag_ephemeral(struct ctx *x)
{
	const struct sw_snapshot *s = x->s;
	const struct sw_kstat *k = &s->kstat;
	char b1[16], b2[16], b3[16];
	if (!s->have_kstat || k->port_lo < 0 || k->port_hi < k->port_lo) {
		struct diag *d = diag_add(x->l, DIAG_EPHEMERAL, DIAG_OK);
		setf(d->title, sizeof d->title, "%s",
		     _("Ephemeral ports not checked: ip_local_port_range unknown"));
		return;
	}
	long lo = k->port_lo, hi = k->port_hi;
	long reserved = 0;
	long range = eph_count(x->st, s, &reserved);
	size_t n = kc_sorted(x->st, 0);
	size_t shown = 0;
	for (size_t j = 0; j < n && shown < x->top; j++) {
		const struct diag_kc *e = &x->st->kc[x->st->idx[j]];
		double p = pct(e->count, (double)range);
		enum diag_sev sev = sev_of(p, x->t->ephemeral_warn, x->t->ephemeral_alarm);
		if (sev == DIAG_OK)
			break;
		shown++;
		struct diag *d = diag_add(x->l, DIAG_EPHEMERAL, sev);
		char src[64], dst[SW_EP_STRLEN], who[64], lis[64];
		addr_str(e->fam, e->a, src, sizeof src);
		ep_str(e->fam, e->b, e->port, dst, sizeof dst);
		setf(d->subject, sizeof d->subject, "%s>%s", src, dst);
		d->value = e->count;
		d->limit = (double)range;
		d->port = e->port;
		const struct sw_conn *oc = e->owner != SW_NONE ? &s->conns[e->owner] : NULL;
		proc_label(s, oc, who, sizeof who);
		set_owner(d, s, oc);
		const struct sw_conn *lc = find_listener(s, e->fam, e->b, e->port);
		proc_label(s, lc, lis, sizeof lis);
		if (!who[0] && lc && lc->owners_n)
			set_owner(d, s, lc);
		setf(d->title, sizeof d->title,
		     _("Ephemeral ports toward %s from %s: %u of %ld in use (%.0f%%), %u in TIME_WAIT"),
		     dst, src, e->count, range, p, e->n2);
		if (who[0])
			detail(d, _("client: %s; server: %s"), who, lis[0] ? lis : _("not on this host"));
		else if (lis[0])
			detail(d, _("server for %s: %s (the clients' sockets are all in TIME_WAIT: no owner)"),
			       dst, lis);
		detail(d, _("ip_local_port_range %ld-%ld: %ld ports (%ld reserved)"), lo, hi,
		       range, reserved);
		detail(d, "tcp_tw_reuse=%s  tcp_fin_timeout=%s  tcp_max_tw_buckets=%s",
		       kval(k->tcp_tw_reuse, b1, sizeof b1), kval(k->tcp_fin_timeout, b2, sizeof b2),
		       kval(k->tcp_max_tw_buckets, b3, sizeof b3));
		if (k->tcp_tw_reuse == 2)
			detail(d, "%s", _("tcp_tw_reuse=2 reuses TIME_WAIT ports on loopback only"));
		if (k->tcp_tw_recycle > 0)
			detail(d, "%s", _("tcp_tw_recycle=1 is set: it drops connections from clients "
					  "behind NAT; set it to 0"));
		detail(d, _("each connection keeps its port for 60 s in TIME_WAIT: at most %.0f new "
			    "connections/s to this destination"), (double)range / 60.0);
		fix_ephemeral(d);
	}
	if (!shown) {
		struct diag *d = diag_add(x->l, DIAG_EPHEMERAL, DIAG_OK);
		d->limit = (double)range;
		if (n) {
			const struct diag_kc *e = &x->st->kc[x->st->idx[0]];
			char dst[SW_EP_STRLEN];
			ep_str(e->fam, e->b, e->port, dst, sizeof dst);
			d->value = e->count;
			setf(d->title, sizeof d->title,
			     _("Ephemeral ports: busiest destination %s uses %u of %ld (%.0f%%)"),
			     dst, e->count, range, pct(e->count, (double)range));
		} else {
			setf(d->title, sizeof d->title,
			     _("Ephemeral ports: none in use (range %ld-%ld, %ld ports)"), lo, hi, range);
		}
	}
}

/* ---- 2. TIME_WAIT buckets ------------------------------------------------------ */

static void diag_timewait(struct ctx *x)
{
	const struct sw_snapshot *s = x->s;
	const struct sw_kstat *k = &s->kstat;
	uint32_t tw = 0;
	kc_reset(x->st, 64);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!is_tcp(c) || c->state != SW_ST_TIME_WAIT)
			continue;
		tw++;
	}
	double total = tw;
	if (s->have_kstat && k->sockstat_tw > (int)tw)
		total = k->sockstat_tw;
	double max = s->have_kstat && k->tcp_max_tw_buckets > 0 ? k->tcp_max_tw_buckets : 0;
	double p = max > 0 ? pct(total, max) : 0;
	enum diag_sev sev = max > 0 ? sev_of(p, x->t->timewait_warn, x->t->timewait_alarm) : DIAG_OK;
	uint64_t ovf = 0;
	bool have_ovf = ctr_delta(x, DIAG_CTR_TW_OVERFLOW, &ovf);
	if (have_ovf && ovf > 0 && sev < DIAG_WARN)
		sev = DIAG_WARN;
	struct diag *d = diag_add(x->l, DIAG_TIMEWAIT, sev);
	d->value = total;
	d->limit = max;
	if (sev == DIAG_OK) {
		if (max > 0)
			setf(d->title, sizeof d->title,
			     _("TIME_WAIT: %.0f sockets of tcp_max_tw_buckets %.0f (%.0f%%)"), total, max, p);
		else
			setf(d->title, sizeof d->title, _("TIME_WAIT: %.0f sockets"), total);
		return;
	}
	sw_strlcpy(d->subject, "kernel", sizeof d->subject);
	if (have_ovf && ovf > 0)
		setf(d->title, sizeof d->title,
		     _("TIME_WAIT table overflowed: %llu sockets destroyed early "
		       "(TCPTimeWaitOverflow), %.0f of %.0f buckets in use"),
		     (unsigned long long)ovf, total, max);
	else
		setf(d->title, sizeof d->title,
		     _("TIME_WAIT pile-up: %.0f sockets of tcp_max_tw_buckets %.0f (%.0f%%)"),
		     total, max, p);
	/* where they point */
	kc_reset(x->st, tw);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!is_tcp(c) || c->state != SW_ST_TIME_WAIT)
			continue;
		uint8_t ra[16], z[16] = {0};
		uint8_t fam = norm_addr(c->family, c->remote.addr, ra);
		kc_get(x->st, fam, c->remote.port, 0, 0, z, ra, (uint32_t)i)->count++;
	}
	size_t n = kc_sorted(x->st, 0);
	char line[DIAG_LINE] = "";
	size_t used = 0;
	for (size_t j = 0; j < n && j < 3; j++) {
		const struct diag_kc *e = &x->st->kc[x->st->idx[j]];
		char dst[SW_EP_STRLEN];
		ep_str(e->fam, e->b, e->port, dst, sizeof dst);
		int w = snprintf(line + used, sizeof line - used, "%s%s (%u)", j ? ", " : "", dst, e->count);
		if (w < 0 || (size_t)w >= sizeof line - used)
			break;
		used += (size_t)w;
		if (j == 0)
			d->port = e->port;
	}
	if (used)
		detail(d, _("most TIME_WAIT toward: %s"), line);
	char b1[16], b2[16];
	detail(d, "tcp_tw_reuse=%s  tcp_fin_timeout=%s",
	       kval(k->tcp_tw_reuse, b1, sizeof b1), kval(k->tcp_fin_timeout, b2, sizeof b2));
	if (have_ovf)
		detail(d, _("TCPTimeWaitOverflow +%llu in %.1f s"), (unsigned long long)ovf, x->dt);
	setf(d->fix, sizeof d->fix, "%s\n%s\n%s",
	     _("Many short connections closed by this host: use keep-alive/persistent connections "
	       "(nginx upstream keepalive, php-fpm over a UNIX socket, persistent MySQL connections)."),
	     _("Raise net.ipv4.tcp_max_tw_buckets if memory allows; net.ipv4.tcp_tw_reuse=1 lets "
	       "outgoing connections reuse TIME_WAIT ports safely."),
	     _("tcp_fin_timeout does not shorten TIME_WAIT (60 s); tcp_tw_recycle is gone since "
	       "Linux 4.12 (it broke clients behind NAT)."));
}

/* ---- 3. SYN flood / half-open -------------------------------------------------- */

static void diag_synflood(struct ctx *x)
{
	const struct sw_snapshot *s = x->s;
	const struct sw_kstat *k = &s->kstat;
	uint32_t total = 0;
	for (size_t i = 0; i < s->nconns; i++)
		if (is_tcp(&s->conns[i]) && is_synrecv(&s->conns[i]))
			total++;
	enum diag_sev sev = sev_of(total, x->t->synrecv_warn, x->t->synrecv_alarm);
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
		setf(d->title, sizeof d->title, _("Half-open connections: %u SYN_RECV"), total);
		return;
	}
	/* per listener address:port */
	kc_reset(x->st, total);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!is_tcp(c) || !is_synrecv(c))
			continue;
		uint8_t la[16], z[16] = {0};
		uint8_t fam = norm_addr(c->family, c->local.addr, la);
		kc_get(x->st, fam, c->local.port, 0, 0, la, z, (uint32_t)i)->count++;
	}
	size_t n = kc_sorted(x->st, 0);
	const struct diag_kc *e0 = &x->st->kc[x->st->idx[0]];
	char lep[SW_EP_STRLEN], who[64];
	ep_str(e0->fam, e0->a, e0->port, lep, sizeof lep);
	const struct sw_conn *lc = find_listener(s, e0->fam, e0->a, e0->port);
	proc_label(s, lc, who, sizeof who);
	set_owner(d, s, lc);
	d->port = e0->port;
	setf(d->subject, sizeof d->subject, "tcp %s", lep);
	char rbuf[32] = "";
	if (rate >= 0)
		setf(rbuf, sizeof rbuf, _(", %.1f new/s"), rate);
	setf(d->title, sizeof d->title,
	     _("SYN flood / half-open pile-up: %u SYN_RECV%s, %u on %s %s"),
	     total, rbuf, e0->count, lep, who[0] ? who : _("(process unknown)"));
	for (size_t j = 0; j < n && j < 3; j++) {
		const struct diag_kc *e = &x->st->kc[x->st->idx[j]];
		const struct sw_conn *l2 = find_listener(s, e->fam, e->a, e->port);
		ep_str(e->fam, e->a, e->port, lep, sizeof lep);
		if (l2)
			detail(d, _("%s: %u half-open, accept queue %u of backlog %u"), lep, e->count,
			       l2->rq, l2->wq);
		else
			detail(d, _("%s: %u half-open (no listener found)"), lep, e->count);
	}
	/* top sources */
	kc_reset(x->st, total);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!is_tcp(c) || !is_synrecv(c))
			continue;
		uint8_t ra[16], z[16] = {0};
		uint8_t fam = norm_addr(c->family, c->remote.addr, ra);
		kc_get(x->st, fam, 0, 0, 0, z, ra, (uint32_t)i)->count++;
	}
	n = kc_sorted(x->st, 0);
	char line[DIAG_LINE] = "";
	size_t used = 0;
	for (size_t j = 0; j < n && j < x->top; j++) {
		const struct diag_kc *e = &x->st->kc[x->st->idx[j]];
		char ip[64];
		addr_str(e->fam, e->b, ip, sizeof ip);
		int w = snprintf(line + used, sizeof line - used, "%s%s (%u)", j ? ", " : "", ip, e->count);
		if (w < 0 || (size_t)w >= sizeof line - used)
			break;
		used += (size_t)w;
	}
	detail(d, _("top sources (%zu addresses): %s"), n, line);
	if (x->dt > 0)
		detail(d, _("in %.1f s: SyncookiesSent +%llu, ListenDrops +%llu, TCPReqQFullDrop +%llu"),
		       x->dt, (unsigned long long)cookies, (unsigned long long)drops,
		       (unsigned long long)qdrop);
	char b1[16], b2[16], b3[16];
	detail(d, "tcp_syncookies=%s  tcp_max_syn_backlog=%s  somaxconn=%s",
	       kval(k->tcp_syncookies, b1, sizeof b1), kval(k->tcp_max_syn_backlog, b2, sizeof b2),
	       kval(k->somaxconn, b3, sizeof b3));
	setf(d->fix, sizeof d->fix, "%s\n%s\n%s",
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

static void diag_acceptq(struct ctx *x)
{
	const struct sw_snapshot *s = x->s;
	const struct sw_kstat *k = &s->kstat;
	uint64_t ovf = 0;
	bool have_o = ctr_delta(x, DIAG_CTR_LISTEN_OVERFLOWS, &ovf);
	/* collect listeners (few) with their fill */
	size_t nl = 0;
	for (size_t i = 0; i < s->nconns; i++)
		if (s->conns[i].state == SW_ST_LISTEN &&
		    (is_tcp(&s->conns[i]) || s->conns[i].proto == SW_PROTO_UNIX))
			nl++;
	struct lq *q = xcalloc(nl + 1, sizeof *q);
	nl = 0;
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (c->state != SW_ST_LISTEN || !(is_tcp(c) || c->proto == SW_PROTO_UNIX))
			continue;
		q[nl].ci = (uint32_t)i;
		q[nl].p = c->rq == 0 ? 0 : pct(c->rq, c->wq);
		nl++;
	}
	qsort(q, nl, sizeof *q, lq_cmp);
	size_t shown = 0;
	char b1[16];
	for (size_t j = 0; j < nl && shown < x->top; j++) {
		const struct sw_conn *c = &s->conns[q[j].ci];
		enum diag_sev sev = sev_of(q[j].p, x->t->accept_warn, x->t->accept_alarm);
		if (sev == DIAG_OK)
			break;
		shown++;
		struct diag *d = diag_add(x->l, DIAG_ACCEPTQ, sev);
		char name[96], who[64];
		listener_name(s, c, name, sizeof name);
		proc_label(s, c, who, sizeof who);
		set_owner(d, s, c);
		sw_strlcpy(d->subject, name, sizeof d->subject);
		d->value = c->rq;
		d->limit = c->wq;
		d->port = c->family == AF_UNIX ? 0 : c->local.port;
		setf(d->title, sizeof d->title,
		     c->rq > c->wq ? _("Accept queue of %s %s is full: %u waiting, backlog %u")
				   : _("Accept queue of %s %s is filling: %u waiting, backlog %u"),
		     name, who[0] ? who : _("(process unknown)"), c->rq, c->wq);
		detail(d, _("%.0f%% of the backlog; connections beyond it are dropped or reset"), q[j].p);
		if (have_o)
			detail(d, _("ListenOverflows +%llu in %.1f s (namespace-wide)"),
			       (unsigned long long)ovf, x->dt);
		detail(d, "somaxconn=%s", kval(k->somaxconn, b1, sizeof b1));
		setf(d->fix, sizeof d->fix, "%s\n%s",
		     _("The application accepts connections more slowly than they arrive, or has "
		       "stopped calling accept(): check that it is not stuck, and add workers."),
		     _("Raise the listen() backlog (nginx: 'listen ... backlog=4096'; php-fpm: "
		       "listen.backlog) together with net.core.somaxconn, which caps every backlog."));
	}
	if (!shown && have_o && ovf > 0) {
		struct diag *d = diag_add(x->l, DIAG_ACCEPTQ, DIAG_WARN);
		sw_strlcpy(d->subject, "kernel", sizeof d->subject);
		d->value = (double)ovf;
		setf(d->title, sizeof d->title,
		     _("Accept queue overflowed between samples: ListenOverflows +%llu in %.1f s"),
		     (unsigned long long)ovf, x->dt);
		for (size_t j = 0; j < nl && j < 3; j++) {
			const struct sw_conn *c = &s->conns[q[j].ci];
			char name[96], who[64];
			listener_name(s, c, name, sizeof name);
			proc_label(s, c, who, sizeof who);
			detail(d, _("%s %s: %u waiting, backlog %u"), name, who, c->rq, c->wq);
		}
		detail(d, "somaxconn=%s", kval(k->somaxconn, b1, sizeof b1));
		setf(d->fix, sizeof d->fix, "%s",
		     _("A listener's accept queue was full for a moment: raise its backlog and "
		       "net.core.somaxconn, and make the application accept faster."));
	}
	if (!shown && !(have_o && ovf > 0)) {
		struct diag *d = diag_add(x->l, DIAG_ACCEPTQ, DIAG_OK);
		if (nl) {
			const struct sw_conn *c = &s->conns[q[0].ci];
			char name[96];
			listener_name(s, c, name, sizeof name);
			d->value = c->rq;
			d->limit = c->wq;
			setf(d->title, sizeof d->title,
			     _("Accept queues: fullest is %s with %u of %u"), name, c->rq, c->wq);
		} else {
			setf(d->title, sizeof d->title, "%s", _("Accept queues: no listeners"));
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

static void diag_closewait(struct ctx *x)
{
	const struct sw_snapshot *s = x->s;
	struct diag_state *st = x->st;
	uint32_t total = 0;
	for (size_t i = 0; i < s->nconns; i++)
		if (is_tcp(&s->conns[i]) && s->conns[i].state == SW_ST_CLOSE_WAIT)
			total++;
	kc_reset(st, total);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!is_tcp(c) || c->state != SW_ST_CLOSE_WAIT)
			continue;
		const struct sw_proc *p = snapshot_owner_proc(s, c, 0);
		static const uint8_t z[16];
		struct diag_kc *e = p ? kc_get(st, 0, 0, p->pid, p->starttime, z, z, (uint32_t)i)
				      : kc_get(st, 0, 0, -1, c->local.port, z, z, (uint32_t)i);
		e->count++;
	}
	size_t n = kc_sorted(st, 0);
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
		enum diag_sev sev = sev_of(e->count, x->t->closewait_warn, x->t->closewait_alarm);
		if (sev == DIAG_OK && e->n2 >= x->t->closewait_growth && e->count >= 2)
			sev = DIAG_WARN;
		if (sev == DIAG_OK)
			continue;
		shown++;
		const struct sw_conn *c = &s->conns[e->ex];
		struct diag *d = diag_add(x->l, DIAG_CLOSEWAIT, sev);
		char who[64], lep[SW_EP_STRLEN], rep[SW_EP_STRLEN];
		proc_label(s, c, who, sizeof who);
		set_owner(d, s, c);
		d->value = e->count;
		d->limit = x->t->closewait_warn;
		d->port = c->local.port;
		sw_ep_str(c->family, &c->local, lep, sizeof lep);
		sw_ep_str(c->family, &c->remote, rep, sizeof rep);
		char grow[48] = "";
		if (e->best > 0)
			setf(grow, sizeof grow, _(" (%+.0f since last refresh)"), e->sum);
		if (e->pid >= 0) {
			setf(d->subject, sizeof d->subject, "pid %d", (int)e->pid);
			setf(d->title, sizeof d->title,
			     _("%s holds %u CLOSE_WAIT sockets%s: it does not close() connections "
			       "its peers closed"), who, e->count, grow);
		} else {
			setf(d->subject, sizeof d->subject, "port %u", (unsigned)c->local.port);
			setf(d->title, sizeof d->title,
			     _("%u CLOSE_WAIT sockets on local port %u%s, process unknown (run as "
			       "root to see it): the application does not close() them"),
			     e->count, (unsigned)c->local.port, grow);
		}
		detail(d, _("for example %s -> %s"), lep, rep);
		if (e->n2 > 0)
			detail(d, _("growing for %u refreshes in a row"), e->n2);
		detail(d, _("%u CLOSE_WAIT sockets in the namespace"), total);
		setf(d->fix, sizeof d->fix, "%s\n%s",
		     _("The peer closed these connections but the process never called close() on its "
		       "sockets: a descriptor leak (a missing close() on an error path, a pool that "
		       "never drops dead connections)."),
		     _("No kernel setting times CLOSE_WAIT out: fix the code path; restarting the "
		       "process frees them for now."));
	}
	if (!shown) {
		struct diag *d = diag_add(x->l, DIAG_CLOSEWAIT, DIAG_OK);
		d->value = total;
		setf(d->title, sizeof d->title, _("CLOSE_WAIT: %u sockets, no process accumulating them"),
		     total);
	}
	/* swap memory (cw_next is sorted by pid for bsearch) */
	qsort(st->cw_next, n, sizeof *st->cw_next, cw_cmp);
	struct diag_cw *tmp = st->cw;
	size_t tcap = st->cw_cap;
	st->cw = st->cw_next;
	st->cw_cap = st->cw_next_cap;
	st->cw_n = n;
	st->cw_next = tmp;
	st->cw_next_cap = tcap;
}

/* ---- per-cookie memory (retransmits, new SYN_RECV) ---------------------------- */

static struct diag_ck *ck_lookup(struct diag_ck *t, size_t cap, uint64_t cookie, bool insert)
{
	if (!cap)
		return NULL;
	size_t mask = cap - 1;
	for (size_t i = sw_hash64(cookie) & mask;; i = (i + 1) & mask) {
		if (!t[i].used) {
			if (!insert)
				return NULL;
			t[i].used = 1;
			t[i].cookie = cookie;
			return &t[i];
		}
		if (t[i].cookie == cookie)
			return &t[i];
	}
}

/* Walk TCP sockets once: per-remote retransmit deltas into kc, new
 * SYN_RECV count, and the next per-cookie table. */
static void scan_cookies(struct ctx *x)
{
	const struct sw_snapshot *s = x->s;
	struct diag_state *st = x->st;
	size_t need = pow2_at_least(s->nconns * 2 + 1);
	if (st->ck_next_cap < need) {
		free(st->ck_next);
		st->ck_next = xcalloc(need, sizeof *st->ck_next);
		st->ck_next_cap = need;
	} else {
		memset(st->ck_next, 0, st->ck_next_cap * sizeof *st->ck_next);
	}
	kc_reset(st, s->nconns);
	bool prev = x->dt > 0;
	uint32_t newsr = 0;
	static const uint8_t z[16];
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (!is_tcp(c))
			continue;
		const struct diag_ck *p = prev ? ck_lookup(st->ck, st->ck_cap, c->cookie, false) : NULL;
		if (is_synrecv(c) && prev && !p)
			newsr++;
		const struct sw_tcpx *tx = snapshot_tcpx(s, c);
		struct diag_ck *nx = ck_lookup(st->ck_next, st->ck_next_cap, c->cookie, true);
		if (!tx || !(tx->have & SW_TI_BASE))
			continue;
		nx->retrans = tx->total_retrans;
		nx->segs = tx->segs_out;
		if (!prev || c->state == SW_ST_LISTEN)
			continue;
		uint32_t dr = p ? (tx->total_retrans >= p->retrans ? tx->total_retrans - p->retrans
								   : tx->total_retrans)
				: tx->total_retrans;
		uint32_t ds = p ? (tx->segs_out >= p->segs ? tx->segs_out - p->segs : tx->segs_out)
				: tx->segs_out;
		if (!dr && !tx->lost)
			continue;
		uint8_t ra[16];
		uint8_t fam = norm_addr(c->family, c->remote.addr, ra);
		struct diag_kc *e = kc_get(st, fam, 0, 0, 0, z, ra, (uint32_t)i);
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
	struct diag_ck *tmp = st->ck;
	size_t tcap = st->ck_cap;
	st->ck = st->ck_next;
	st->ck_cap = st->ck_next_cap;
	st->ck_next = tmp;
	st->ck_next_cap = tcap;
}

/* ---- 6. retransmission hot spots (uses kc filled by scan_cookies) ------------- */

static void diag_retrans(struct ctx *x)
{
	const struct sw_snapshot *s = x->s;
	if (x->dt <= 0) {
		struct diag *d = diag_add(x->l, DIAG_RETRANS, DIAG_OK);
		setf(d->title, sizeof d->title, "%s",
		     _("Retransmissions: not checked yet (needs two samples)"));
		return;
	}
	size_t n = kc_sorted(x->st, 1);
	uint64_t rs = 0, os = 0;
	bool have_rs = ctr_delta(x, DIAG_CTR_RETRANS_SEGS, &rs);
	bool have_os = ctr_delta(x, DIAG_CTR_OUT_SEGS, &os);
	size_t shown = 0;
	for (size_t j = 0; j < n && shown < x->top; j++) {
		const struct diag_kc *e = &x->st->kc[x->st->idx[j]];
		double rate = e->sum / x->dt;
		enum diag_sev sev = sev_of(rate, x->t->retrans_warn, x->t->retrans_alarm);
		if (sev == DIAG_OK || e->sum <= 0)
			break;
		shown++;
		struct diag *d = diag_add(x->l, DIAG_RETRANS, sev);
		char ip[64], who[64];
		addr_str(e->fam, e->b, ip, sizeof ip);
		sw_strlcpy(d->subject, ip, sizeof d->subject);
		const struct sw_conn *oc = e->owner != SW_NONE ? &s->conns[e->owner] : NULL;
		proc_label(s, oc, who, sizeof who);
		set_owner(d, s, oc);
		d->value = rate;
		d->limit = x->t->retrans_warn;
		const struct sw_conn *w = &s->conns[e->ex];
		d->port = w->remote.port;
		double share = e->sum2 > 0 ? e->sum * 100.0 / e->sum2 : 0;
		setf(d->title, sizeof d->title,
		     _("Retransmissions toward %s: %.1f/s (%.1f%% of segments sent) on %u connections%s%s"),
		     ip, rate, share, e->count, who[0] ? ", " : "", who);
		const struct sw_tcpx *tx = snapshot_tcpx(s, w);
		char lep[SW_EP_STRLEN], rep[SW_EP_STRLEN];
		sw_ep_str(w->family, &w->local, lep, sizeof lep);
		sw_ep_str(w->family, &w->remote, rep, sizeof rep);
		detail(d, _("worst: %s -> %s +%.0f retransmits, lost %u, rtt %.1f ms, cwnd %u"),
		       lep, rep, e->best, tx ? tx->lost : 0, tx ? tx->rtt_us / 1000.0 : 0.0,
		       tx ? tx->snd_cwnd : 0);
		detail(d, _("%.0f retransmitted segments in %.1f s; %u segments currently lost"),
		       e->sum, x->dt, e->n2);
		if (have_rs && have_os)
			detail(d, _("namespace: RetransSegs +%llu of OutSegs +%llu"),
			       (unsigned long long)rs, (unsigned long long)os);
		setf(d->fix, sizeof d->fix, "%s\n%s",
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
			addr_str(e->fam, e->b, ip, sizeof ip);
			d->value = e->sum / x->dt;
			setf(d->title, sizeof d->title,
			     _("Retransmissions: highest toward %s, %.1f/s"), ip, d->value);
		} else {
			setf(d->title, sizeof d->title, "%s", _("Retransmissions: none since last refresh"));
		}
	}
}

/* ---- driver -------------------------------------------------------------------- */

enum diag_sev diagnose_run(struct diag_state *st, const struct diag_thresholds *t,
			   const struct sw_snapshot *s, struct diag_list *l)
{
	l->n = 0;
	l->worst = DIAG_OK;
	struct ctx x = {.st = st, .t = t, .s = s, .l = l};
	x.top = t->top >= 1 ? (size_t)t->top : 1;
	if (st->runs > 0 && s->mono_ns > st->prev_mono_ns)
		x.dt = (double)(s->mono_ns - st->prev_mono_ns) / 1e9;
	for (unsigned i = 0; i < DIAG_CTR_COUNT; i++)
		x.ctr_ok[i] = s->have_kstat &&
			      kstat_counter(&s->kstat, ctr_names[i][0], ctr_names[i][1], &x.ctr[i]);
	l->dt = x.dt;
	l->have_rates = x.dt > 0;

	scan_cookies(&x);  /* fills kc with retransmit deltas: diagnose those first */
	diag_retrans(&x);
	diag_ephemeral(&x);
	diag_timewait(&x);
	diag_synflood(&x);
	diag_acceptq(&x);
	diag_closewait(&x);

	/* stable order: by id, worst first within an id (each diag_* adds its
	 * own entries already worst first) */
	struct diag *sorted = xmalloc((l->n + 1) * sizeof *sorted);
	size_t k = 0;
	for (int id = 0; id < DIAG_ID_COUNT; id++)
		for (size_t i = 0; i < l->n; i++)
			if (l->d[i].id == (enum diag_id)id)
				sorted[k++] = l->d[i];
	memcpy(l->d, sorted, k * sizeof *sorted);
	free(sorted);

	for (unsigned i = 0; i < DIAG_CTR_COUNT; i++) {
		st->prev_ctr[i] = x.ctr[i];
		st->prev_ctr_ok[i] = x.ctr_ok[i];
	}
	st->prev_mono_ns = s->mono_ns;
	st->runs++;
	return l->worst;
}
