/* SPDX-License-Identifier: GPL-2.0-or-later */
/* histbench.c - what the time machine's history costs (doc/performance.md,
 * "Time machine"), on synthetic populations so that an hour of recording
 * takes seconds:
 *
 *   histbench rate [-n SOCKETS] [-s SAMPLES] [-k KEYFRAME] [-t TRAFFIC]
 *                  [-a ACTIVE%] [-c CHURN%]
 *       an hour (3600 samples at 1 s) of a mostly stable population:
 *       ESTABLISHED pairs with keepalive timers counting down and idle
 *       times growing, listeners, TIME_WAIT entries that appear and expire
 *       60 s later (CHURN% of the sockets changing per minute, default 20),
 *       and TRAFFIC established sockets (default: all of them) each moving
 *       data in ACTIVE% of the seconds (counters, rtt, rttvar, delivery
 *       rate, busy time, unacked bytes and queues change; the congestion
 *       window now and then).  Prints bytes per hour, keyframe size, socket
 *       changes and bytes per socket change (delta bytes / changes).
 *   histbench encode [-n SOCKETS] [-s SAMPLES]
 *       CPU time to encode one delta sample (the recorder's cost per
 *       refresh, next to the collection's).
 *   histbench seek -d DIR [-m MB] [-n SOCKETS] [-q SEEKS]
 *       write about MB megabytes of history into DIR (hourly segments of
 *       synthetic times, days ago), drop DIR's pages from the page cache,
 *       then time opening it and jumping to QUERIES random times (each in a
 *       fresh reader: the open is part of the cost).
 *
 *   histbench clone -d DIR -m MB
 *       grow DIR to MB megabytes with copies of its hourly segments moved
 *       on in time (sample times, headers, indexes and CRCs rewritten):
 *       a gigabyte of a stable population is days of samples, too slow to
 *       make one by one on a loaded machine; then `seek -m 0` jumps in it.
 *
 * Built by bench/run-history.sh against the libraries of a build tree.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "collect/histdir.h"
#include "core/histfile.h"
#include "core/snapshot.h"

static long n_sock = 10000, n_samples = 3600, keyframe = 600, seeks = 20, megabytes = 1024;
static long traffic = -1;       /* -t: sockets with traffic (-1: every ESTABLISHED one) */
static double active_pct = 1.0; /* -a: % of those moving data in a given second */
static double churn_pct = 20.0; /* -c: % of the sockets changing state per minute */
static const char *dir;

static uint64_t rnd_state = 42;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static double now_s(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The population at second t: pairs (2 sockets each), listeners, TIME_WAIT. */
struct tstate {
	uint32_t rtt, rttvar, cwnd, unacked, wmem;
	uint64_t delivery, busy;
};

struct pop {
	long pairs, listeners, tw;
	uint64_t *acked; /* per pair end */
	uint32_t *last_data;
	struct tstate *ts;
};

static void add_sock(struct sw_snapshot *s, uint64_t cookie, uint8_t state, uint32_t lport,
		     uint32_t rport, uint32_t pid_idx, uint32_t timer_ms)
{
	struct sw_conn *c = snapshot_add_conn(s);
	size_t ci = s->nconns - 1;
	c->cookie = cookie;
	c->family = AF_INET;
	c->proto = SW_PROTO_TCP;
	c->state = state;
	c->inode = state == SW_ST_TIME_WAIT ? 0 : (uint32_t)(100000 + cookie);
	c->uid = 33;
	c->flags = SW_CF_HAS_UID | SW_CF_HAS_SKMEM;
	uint8_t la[16] = {127, 0, 1, (uint8_t)(cookie % 16)};
	snapshot_set_addr(s, c, false, la);
	c->local.port = (uint16_t)lport;
	if (state != SW_ST_LISTEN) {
		uint8_t ra[16] = {127, 0, 0, 1};
		snapshot_set_addr(s, c, true, ra);
		c->remote.port = (uint16_t)rport;
	}
	c->timer = timer_ms ? (state == SW_ST_TIME_WAIT ? SW_TIMER_TIMEWAIT : SW_TIMER_KEEPALIVE) : 0;
	c->expires_ms = timer_ms;
	if (state == SW_ST_ESTABLISHED || state == SW_ST_LISTEN) {
		struct sw_tcpx *x = snapshot_add_tcpx(s, ci);
		x->have = 0x7ff;
		x->rtt_us = 50 + (uint32_t)(cookie % 30);
		x->snd_cwnd = 10;
		x->cong_off = snapshot_intern(s, "cubic", 5);
	}
	if (pid_idx != SW_NONE && state != SW_ST_TIME_WAIT) {
		s->conns[ci].owners_off = (uint32_t)s->nowners;
		s->conns[ci].owners_n = 1;
		snapshot_add_owner(s, pid_idx, (int32_t)(3 + cookie % 1000));
	}
}

/* What tcp_info shows of a connection that moved data in the last second
 * (a busy one) and of one that did not (as it was): counters up, rtt and
 * its variation wandering, delivery rate and queues changing, the
 * congestion window now and then; busy time growing. */
static void traffic_fields(struct sw_tcpx *x, struct pop *p, long i, bool busy)
{
	struct tstate *q = &p->ts[i];
	if (busy) {
		/* rtt and delivery rate wander around where they were */
		q->rtt = q->rtt ? q->rtt * (85 + (uint32_t)(rnd() % 31)) / 100 + 1
				: 40 + (uint32_t)(rnd() % 400);
		q->rttvar = q->rtt / 4 + (uint32_t)(rnd() % 20);
		q->delivery = q->delivery ? q->delivery * (80 + rnd() % 41) / 100 + 1
					  : 1000000 + rnd() % 50000000;
		q->busy += 1000 + rnd() % 300000;
		q->unacked = rnd() % 4 ? 0 : (uint32_t)(rnd() % 20000);
		if (rnd() % 10 == 0)
			q->cwnd = 10 + (uint32_t)(rnd() % 30);
		q->wmem = q->unacked ? q->unacked + 2304 : 0;
	}
	x->bytes_acked = p->acked[i];
	x->bytes_sent = p->acked[i] + q->unacked;
	x->bytes_received = p->acked[i] / 3;
	x->segs_out = (uint32_t)(p->acked[i] / 1400);
	x->segs_in = x->segs_out / 2;
	x->rtt_us = q->rtt ? q->rtt : 50 + (uint32_t)(i % 30);
	x->rttvar_us = q->rttvar;
	x->snd_cwnd = q->cwnd ? q->cwnd : 10;
	x->delivery_rate = q->delivery;
	x->busy_time_us = q->busy;
}

static void build(struct sw_snapshot *s, struct pop *p, long t, uint64_t t0)
{
	snapshot_clear(s);
	s->detail = false;
	s->real_sec = (int64_t)t0 + t;
	s->mono_ns = (uint64_t)(1000000 + t) * 1000000000ull;
	strcpy(s->hostname, "bench");
	s->protos_done = SW_PROTO_ALL;
	for (int i = 0; i < 20; i++) {
		struct sw_proc pr = {.pid = 1000 + i, .uid = 33, .starttime = 5000 + (uint64_t)i,
				     .comm = "holder"};
		snapshot_add_proc(s, &pr);
	}
	s->have_kstat = true;
	memset(&s->kstat, 0, sizeof s->kstat);
	s->kstat.port_lo = 32768, s->kstat.port_hi = 60999, s->kstat.tcp_tw_reuse = 2;
	for (int i = 0; i < 120; i++) { /* TcpExt/Tcp/Ip counters, a few moving */
		struct sw_counter *c = &s->kstat.counters[s->kstat.ncounters++];
		snprintf(c->group, sizeof c->group, "%s", i < 100 ? "TcpExt" : "Tcp");
		snprintf(c->name, sizeof c->name, "Counter%d", i);
		c->value = i % 10 == 0 ? 1000000u + (uint64_t)t * 250u * (unsigned)(i + 1) : 7;
	}
	for (long i = 0; i < p->listeners; i++)
		add_sock(s, 1 + (uint64_t)i, SW_ST_LISTEN, 20000 + (uint32_t)i, 0, (uint32_t)(i % 20), 0);
	for (long i = 0; i < p->pairs * 2; i++) {
		uint64_t ck = 100000 + (uint64_t)i;
		/* keepalive: rearmed every 75 s; idle since */
		uint32_t ka = 75000 - (uint32_t)(((uint64_t)t * 1000 + ck * 37) % 75000);
		bool busy = (traffic < 0 || i < traffic) &&
			    (double)(rnd() % 10000) < active_pct * 100.0;
		if (busy) {
			p->acked[i] += 1000 + rnd() % 100000;
			p->last_data[i] = (uint32_t)(rnd() % 1000);
		} else {
			p->last_data[i] += 1000;
		}
		add_sock(s, ck, SW_ST_ESTABLISHED, i % 2 ? 20000 : 40000 + (uint32_t)(i % 20000),
			 i % 2 ? 40000 + (uint32_t)(i % 20000) : 20000, (uint32_t)(i % 20), ka);
		struct sw_tcpx *x = &s->tcpx[s->ntcpx - 1];
		traffic_fields(x, p, i, busy);
		s->conns[s->nconns - 1].wmem = p->ts[i].wmem;
		x->last_data_sent_ms = p->last_data[i];
		x->last_data_recv_ms = p->last_data[i];
	}
	/* TIME_WAIT: tw entries alive at a time, each living 60 s: entry k of
	 * generation g is born at second 60 g + k * 60 / tw */
	for (long k = 0; k < p->tw; k++) {
		long off = k * 60 / p->tw, born = t - ((t - off) % 60 + 60) % 60;
		uint64_t gen = (uint64_t)(born + 60) / 60 * (uint64_t)p->tw + (uint64_t)k;
		uint32_t left = (uint32_t)(60000 - (t - born) * 1000);
		add_sock(s, 10000000 + gen, SW_ST_TIME_WAIT, 40000 + (uint32_t)(gen % 20000), 3306,
			 SW_NONE, left);
	}
}

static void pop_init(struct pop *p, long n)
{
	p->listeners = n / 100;
	p->tw = (long)((double)n * churn_pct / 100.0 / 2.0 + 0.5);
	p->pairs = (n - p->listeners - p->tw) / 2;
	p->acked = calloc((size_t)p->pairs * 2, sizeof *p->acked);
	p->last_data = calloc((size_t)p->pairs * 2, sizeof *p->last_data);
	p->ts = calloc((size_t)p->pairs * 2, sizeof *p->ts);
}

/* Socket changes between two snapshots (added + removed + changed: state,
 * bytes, a timer's deadline moving by more than the slack). */
static const struct sw_snapshot *sorting;
static int by_cookie(const void *x, const void *y)
{
	uint64_t a = sorting->conns[*(const uint32_t *)x].cookie;
	uint64_t b = sorting->conns[*(const uint32_t *)y].cookie;
	return a < b ? -1 : a > b;
}

static uint32_t *order(const struct sw_snapshot *s)
{
	uint32_t *o = malloc((s->nconns + 1) * sizeof *o);
	for (size_t i = 0; i < s->nconns; i++)
		o[i] = (uint32_t)i;
	sorting = s;
	qsort(o, s->nconns, sizeof *o, by_cookie);
	return o;
}

static long changes(const struct sw_snapshot *a, const struct sw_snapshot *b)
{
	long n = 0;
	size_t i = 0, j = 0;
	uint32_t *oa = order(a), *ob = order(b);
	while (i < a->nconns || j < b->nconns) {
		const struct sw_conn *ca = i < a->nconns ? &a->conns[oa[i]] : NULL;
		const struct sw_conn *cb = j < b->nconns ? &b->conns[ob[j]] : NULL;
		uint64_t x = ca ? ca->cookie : UINT64_MAX, y = cb ? cb->cookie : UINT64_MAX;
		if (x < y) {
			n++, i++;
		} else if (y < x) {
			n++, j++;
		} else {
			const struct sw_tcpx *tx = snapshot_tcpx(a, ca), *ty = snapshot_tcpx(b, cb);
			/* the timer's deadline moving (a keepalive rearmed) too */
			int64_t da = (int64_t)(a->mono_ns / 1000000) + ca->expires_ms;
			int64_t db = (int64_t)(b->mono_ns / 1000000) + cb->expires_ms;
			if (ca->state != cb->state || (tx && ty && tx->bytes_acked != ty->bytes_acked) ||
			    da - db > 250 || db - da > 250)
				n++;
			i++, j++;
		}
	}
	free(oa);
	free(ob);
	return n;
}

static int cmd_rate(void)
{
	struct pop p;
	pop_init(&p, n_sock);
	struct hf_enc *e = hf_enc_new((unsigned)keyframe, 250);
	struct sw_snapshot s[2];
	snapshot_init(&s[0]);
	snapshot_init(&s[1]);
	struct hf_buf b = {0};
	uint64_t total = 0, delta_bytes = 0, key_bytes = 0, nkeys = 0, nchanges = 0;
	for (long t = 0; t < n_samples; t++) {
		struct sw_snapshot *cur = &s[t & 1], *prev = &s[(t + 1) & 1];
		build(cur, &p, t, 1700000000);
		b.len = 0;
		bool key;
		hf_enc_sample_kept(e, cur, &b, &key);
		total += b.len;
		if (key) {
			key_bytes += b.len, nkeys++;
		} else {
			delta_bytes += b.len;
			nchanges += (uint64_t)changes(prev, cur);
		}
	}
	printf("sockets %zu, samples %ld (1 s apart), keyframe every %ld, %.1f%% active per second\n",
	       s[0].nconns, n_samples, keyframe, active_pct);
	printf("total %.2f MB = %.2f MB per hour; keyframes %llu of %.0f KB each\n",
	       (double)total / 1e6, (double)total / 1e6 * 3600.0 / (double)n_samples,
	       (unsigned long long)nkeys, (double)key_bytes / (double)(nkeys ? nkeys : 1) / 1e3);
	printf("deltas: %.0f bytes per sample, %llu socket changes, %.1f bytes per socket change\n",
	       (double)delta_bytes / (double)(n_samples - (long)nkeys),
	       (unsigned long long)nchanges,
	       (double)delta_bytes / (double)(nchanges ? nchanges : 1));
	hf_buf_done(&b);
	snapshot_done(&s[0]);
	snapshot_done(&s[1]);
	hf_enc_free(e);
	return 0;
}

/* As the recorder does: two snapshots in turn, the last one kept. */
static int cmd_encode(void)
{
	struct pop p;
	pop_init(&p, n_sock);
	struct hf_enc *e = hf_enc_new(1000000, 250);
	struct sw_snapshot s[2];
	snapshot_init(&s[0]);
	snapshot_init(&s[1]);
	struct hf_buf b = {0};
	double cpu = 0, key_cpu = 0;
	for (long t = 0; t < n_samples; t++) {
		struct sw_snapshot *cur = &s[t & 1];
		build(cur, &p, t, 1700000000);
		b.len = 0;
		bool key;
		double c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
		hf_enc_sample_kept(e, cur, &b, &key);
		double c = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (key)
			key_cpu = c;
		else
			cpu += c;
	}
	printf("sockets %zu: keyframe %.1f ms CPU, delta %.1f ms CPU per sample (mean of %ld)\n",
	       s[0].nconns, key_cpu * 1e3, cpu * 1e3 / (double)(n_samples - 1), n_samples - 1);
	hf_buf_done(&b);
	snapshot_done(&s[0]);
	snapshot_done(&s[1]);
	hf_enc_free(e);
	return 0;
}

/* ---- clone ---- */

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *p = malloc((size_t)len + 1);
	*n = fread(p, 1, (size_t)len, f);
	fclose(f);
	return p;
}

static void spit(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		fprintf(stderr, "histbench: cannot write %s\n", path), exit(1);
}

static void le_put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t le_get(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* A varint at p[*i]: its value (the index moves past it). */
static uint64_t uv_at(const uint8_t *p, size_t *i)
{
	uint64_t v = 0;
	for (unsigned sh = 0; sh < 64; sh += 7) {
		uint8_t c = p[(*i)++];
		v |= (uint64_t)(c & 0x7f) << sh;
		if (!(c & 0x80))
			break;
	}
	return v;
}

/* Move segment buffer p (n bytes) by shift seconds: false when a time
 * would change its length. */
static bool move_segment(uint8_t *p, size_t n, int64_t shift)
{
	le_put(p + 20, le_get(p + 20, 8) + (uint64_t)shift, 8);
	le_put(p + 96, hf_crc32(0, p, 96), 4);
	for (size_t off = HF_HEADER_LEN; off + HF_FRAME_HDR <= n;) {
		size_t plen = 0;
		if (hf_frame_check(p + off, n - off, &plen) != 1)
			return off == n;
		uint8_t *q = p + off + HF_FRAME_HDR;
		size_t i = 1;
		uv_at(q, &i);
		if (q[0] == HF_DELTA)
			uv_at(q, &i);
		size_t at = i;
		int64_t t = (int64_t)(uv_at(q, &i) >> 1); /* times are positive */
		uint64_t z = (uint64_t)(t + shift) << 1;
		size_t k = at;
		while (z >= 0x80) {
			q[k++] = (uint8_t)(z | 0x80);
			z >>= 7;
		}
		q[k++] = (uint8_t)z;
		if (k != i)
			return false;
		le_put(p + off + 8, hf_crc32(0, q, plen), 4);
		off += HF_FRAME_HDR + plen;
	}
	return true;
}

static int cmd_clone(void)
{
	if (!dir)
		return fprintf(stderr, "histbench clone: -d DIR\n"), 2;
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	char names[256][64];
	int nseg = 0;
	uint64_t bytes = 0;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);
		if (l == 22 && !strncmp(ents[i]->d_name, "sw-", 3) &&
		    !strcmp(ents[i]->d_name + 19, "swh") && nseg < 256)
			snprintf(names[nseg++], sizeof names[0], "%s", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	if (nseg < 2)
		return fprintf(stderr, "histbench clone: %s has fewer than 2 segments\n", dir), 1;
	nseg--; /* the last one may be cut short */
	int64_t first = 0, last = 0;
	struct seg_copy {
		uint8_t *swh, *swi;
		size_t nh, ni;
		int64_t start;
	} segs[256];
	for (int i = 0; i < nseg; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		segs[i].swh = slurp(path, &segs[i].nh);
		path[strlen(path) - 1] = 'i';
		segs[i].swi = slurp(path, &segs[i].ni);
		if (!segs[i].swh || !segs[i].swi || segs[i].nh < HF_HEADER_LEN)
			return fprintf(stderr, "histbench clone: cannot read %s\n", names[i]), 1;
		segs[i].start = (int64_t)le_get(segs[i].swh + 20, 8);
		first = i ? first : segs[i].start;
		last = segs[i].start;
		bytes += segs[i].nh + segs[i].ni;
	}
	/* copies of the whole ones after them, hour after hour (the first
	 * over the one cut short) */
	int64_t span = last - first + 3600, shift = span;
	uint64_t have = bytes;
	char path[4096];
	while (have < (uint64_t)megabytes << 20) {
		for (int i = 0; i < nseg && have < (uint64_t)megabytes << 20; i++) {
			uint8_t *h = malloc(segs[i].nh), *x = malloc(segs[i].ni + 1);
			memcpy(h, segs[i].swh, segs[i].nh);
			memcpy(x, segs[i].swi, segs[i].ni);
			int64_t start = segs[i].start + shift;
			if (!move_segment(h, segs[i].nh, shift))
				return fprintf(stderr, "histbench clone: a time changes length\n"), 1;
			for (size_t k = 0; k + 16 <= segs[i].ni; k += 16)
				le_put(x + k, le_get(x + k, 8) + (uint64_t)shift, 8);
			time_t tt = (time_t)start;
			struct tm tm;
			gmtime_r(&tt, &tm);
			char base[64];
			strftime(base, sizeof base, "sw-%Y%m%d-%H%M%S", &tm);
			snprintf(path, sizeof path, "%s/%s.swh", dir, base);
			spit(path, h, segs[i].nh);
			snprintf(path, sizeof path, "%s/%s.swi", dir, base);
			spit(path, x, segs[i].ni);
			have += segs[i].nh + segs[i].ni;
			free(h);
			free(x);
		}
		shift += span;
	}
	printf("%s: %.0f MB, copies of %d hourly segments moved on in time\n", dir,
	       (double)have / 1048576.0, nseg);
	return 0;
}

static void drop_cache(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		int fd = open(path, O_RDONLY);
		if (fd >= 0) {
			fdatasync(fd);
			posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
			close(fd);
		}
	}
	if (d)
		closedir(d);
}

/* Open the directory in a fresh reader and jump to target: *secs. */
static int jump(int64_t target, double *secs)
{
	char err[512];
	double a = now_s(CLOCK_MONOTONIC);
	struct histr *r = histr_open(dir, stderr, err, sizeof err);
	if (!r || histr_seek(r, target) < 0)
		return fprintf(stderr, "histbench: cannot seek: %s\n", err), -1;
	int64_t got = histr_current(r)->real_sec;
	*secs = now_s(CLOCK_MONOTONIC) - a;
	if (getenv("HISTBENCH_VERBOSE"))
		fprintf(stderr, "jump to %lld: %.0f ms\n", (long long)target, *secs * 1e3);
	histr_free(r);
	if (got != target)
		return fprintf(stderr, "histbench: sought %lld, got %lld\n", (long long)target,
			       (long long)got), -1;
	return 0;
}

static int cmd_seek(void)
{
	if (!dir)
		return fprintf(stderr, "histbench seek: -d DIR\n"), 2;
	struct pop p;
	pop_init(&p, n_sock);
	struct histw_opts o = {.interval_ms = 1000, .keyframe = (unsigned)keyframe,
			       .segment_s = 3600, .slack_ms = 250};
	char err[512];
	struct histw *w = histw_open(dir, &o, err, sizeof err);
	if (!w)
		return fprintf(stderr, "histbench: %s\n", err), 1;
	struct sw_snapshot s;
	snapshot_init(&s);
	uint64_t t0 = 1700000000 - 1700000000 % 3600, bytes = 0;
	long t = 0;
	double w0 = now_s(CLOCK_MONOTONIC);
	if (!megabytes) { /* -m 0: seek in what DIR holds (written by an earlier run) */
		struct histr *r = histr_open(dir, stderr, err, sizeof err);
		int64_t first, last;
		if (!r)
			return fprintf(stderr, "histbench: %s\n", err), 1;
		histr_span(r, &first, &last);
		histr_free(r);
		t0 = (uint64_t)first;
		t = (long)(last - first + 1);
	}
	while (bytes < (uint64_t)megabytes << 20) {
		build(&s, &p, t, t0);
		size_t n = 0;
		if (histw_append(w, &s, &n, err, sizeof err) < 0)
			return fprintf(stderr, "histbench: %s\n", err), 1;
		bytes += n;
		t++;
	}
	histw_close(w);
	printf("wrote %.0f MB: %ld samples of %zu sockets (%.1f hours) in %.1f s\n",
	       (double)bytes / 1048576.0, t, s.nconns, (double)t / 3600.0,
	       now_s(CLOCK_MONOTONIC) - w0);
	/* random times, then the last second of random hours: the farthest
	 * from a keyframe (one every -k samples from the hour's start) */
	for (int worst_pos = 0; worst_pos < 2; worst_pos++) {
		double worst = 0, sum = 0;
		for (long q = 0; q < seeks; q++) {
			drop_cache();
			int64_t target = (int64_t)t0 + (int64_t)(rnd() % (uint64_t)t);
			if (worst_pos && t >= 3600)
				target = (int64_t)t0 + (int64_t)(rnd() % (uint64_t)(t / 3600)) * 3600 + 3599;
			double d;
			if (jump(target, &d) < 0)
				return 1;
			sum += d;
			worst = d > worst ? d : worst;
		}
		printf("open + jump to %s, cold page cache: mean %.0f ms, worst %.0f ms (%ld jumps)\n",
		       worst_pos ? "the end of an hour" : "a random time", sum * 1e3 / (double)seeks,
		       worst * 1e3, seeks);
	}
	snapshot_done(&s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return fprintf(stderr, "usage: histbench rate|encode|seek|clone [options]\n"), 2;
	const char *cmd = argv[1];
	int c;
	optind = 2;
	while ((c = getopt(argc, argv, "n:s:k:a:c:t:d:m:q:")) != -1) {
		switch (c) {
		case 'n': n_sock = atol(optarg); break;
		case 's': n_samples = atol(optarg); break;
		case 'k': keyframe = atol(optarg); break;
		case 'a': active_pct = atof(optarg); break;
		case 'c': churn_pct = atof(optarg); break;
		case 't': traffic = atol(optarg); break;
		case 'd': dir = optarg; break;
		case 'm': megabytes = atol(optarg); break;
		case 'q': seeks = atol(optarg); break;
		default: return 2;
		}
	}
	if (!strcmp(cmd, "rate"))
		return cmd_rate();
	if (!strcmp(cmd, "encode"))
		return cmd_encode();
	if (!strcmp(cmd, "seek"))
		return cmd_seek();
	if (!strcmp(cmd, "clone"))
		return cmd_clone();
	return fprintf(stderr, "histbench: unknown command %s\n", cmd), 2;
}
