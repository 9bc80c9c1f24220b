/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_nlparse: the sock_diag parser, recordings and the collector's replay
 * path, on dumps recorded from real sockets (tests/data/fixtures*.swrec,
 * made by tests/data/make-recordings.sh) and on hand-built, truncated,
 * mutated and random bytes. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <libmnl/libmnl.h>

#include "collect/collect.h"
#include "collect/kstat.h"
#include "collect/nlparse.h"
#include "collect/record.h"
#include "core/conn.h"
#include "core/snapshot.h"

/* assert_non_null, and tell the compiler (-Wnull-dereference) */
#define REQ(p)                                                                \
	do {                                                                  \
		assert_non_null(p);                                           \
		if (!(p))                                                     \
			abort();                                              \
	} while (0)

#define FIX TEST_DATA_DIR "/fixtures.swrec"
#define FIX_PLAIN TEST_DATA_DIR "/fixtures-plain.swrec"

/* ------------------------------------------------------------ helpers */


/* The details of c (unpacked into a buffer of each kind), or NULL. */
static struct sw_conn_detail det_buf;
static struct sw_tcpd tcpd_buf;
static const struct sw_conn_detail *det_of(const struct sw_snapshot *s, const struct sw_conn *c)
{
	return snapshot_get_detail(s, c, &det_buf) ? &det_buf : NULL;
}
static const struct sw_tcpd *tcpd_of(const struct sw_snapshot *s, const struct sw_conn *c)
{
	return snapshot_get_tcpd(s, c, &tcpd_buf) ? &tcpd_buf : NULL;
}

static struct sw_collector *replay(const char *path, bool kstat)
{
	struct sw_collect_opts o = {.tcpinfo = true, .details = true, .kstat = kstat, .procs = true,
				    .replay_path = path};
	char err[512] = "";
	struct sw_collector *c = collector_new(&o, err, sizeof err);
	if (!c)
		fprintf(stderr, "collector_new: %s\n", err);
	REQ(c);
	return c;
}

static void sample(struct sw_collector *c, struct sw_snapshot *s)
{
	char err[512] = "";
	int r = collector_sample(c, s, err, sizeof err);
	if (r)
		fprintf(stderr, "collector_sample: %s\n", err);
	assert_int_equal(r, 0);
}

static bool is_v4(const struct sw_conn *c, const char *ip)
{
	uint8_t a[16] = {0};
	if (c->family == AF_INET) {
		inet_pton(AF_INET, ip, a);
		return memcmp(sw_laddr(c), a, 4) == 0;
	}
	return false;
}

/* Find the n-th conn matching proto/family(0=any)/state(-1=any)/lport/rport
 * (0 = any). */
static const struct sw_conn *find(const struct sw_snapshot *s, int proto, int family,
				  int state, unsigned lport, unsigned rport, int nth)
{
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (c->proto != proto || (family && c->family != family) ||
		    (state >= 0 && c->state != state) ||
		    (lport && c->local.port != lport) ||
		    (rport && c->remote.port != rport))
			continue;
		if (nth-- == 0)
			return c;
	}
	return NULL;
}

static int count(const struct sw_snapshot *s, int proto, int family, int state,
		 unsigned lport, unsigned rport)
{
	int n = 0;
	while (find(s, proto, family, state, lport, rport, n))
		n++;
	return n;
}

static const struct sw_conn *find_unix(const struct sw_snapshot *s, int type,
				       int state, const char *suffix, int nth)
{
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		if (c->proto != SW_PROTO_UNIX || c->sotype != type || c->state != state)
			continue;
		const char *n = snapshot_str(s, c->name_off);
		if (suffix) {
			size_t l = strlen(suffix);
			if (c->name_len < l || memcmp(n + c->name_len - l, suffix, l) != 0)
				continue;
		} else if (c->name_len) {
			continue;
		}
		if (nth-- == 0)
			return c;
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	REQ(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc((size_t)n);
	REQ(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* ------------------------------------------------- recorded fixtures */

static void test_fixture_inet(void **state)
{
	(void)state;
	struct sw_collector *c = replay(FIX, true);
	struct sw_snapshot s;
	snapshot_init(&s);
	sample(c, &s);

	assert_true(s.notes & SW_NOTE_REPLAY);
	assert_true(s.notes & SW_NOTE_NO_PROCS);
	assert_int_equal(s.nowners, 0); /* no process mapping on replay */
	assert_int_equal(strncmp(s.netns, "sw-rec-", 7), 0);
	assert_true(s.mono_ns > 0);
	assert_true(s.real_sec > 1700000000);
	uint32_t want = SW_PROTO_BIT(SW_PROTO_TCP) | SW_PROTO_BIT(SW_PROTO_UDP) |
			SW_PROTO_BIT(SW_PROTO_UDPLITE) | SW_PROTO_BIT(SW_PROTO_MPTCP) |
			SW_PROTO_BIT(SW_PROTO_UNIX);
	assert_int_equal(s.protos_done, want);
	/* this kernel has no RAW/SCTP diag modules: DONE carried -ENOENT */
	assert_int_equal(s.protos_missing,
			 SW_PROTO_BIT(SW_PROTO_RAW) | SW_PROTO_BIT(SW_PROTO_SCTP));

	/* LISTEN with two queued, never accepted connections: rq = accept
	 * queue, wq = backlog */
	const struct sw_conn *l = find(&s, SW_PROTO_TCP, AF_INET, SW_ST_LISTEN, 7001, 0, 0);
	REQ(l);
	assert_true(is_v4(l, "127.0.0.1"));
	assert_int_equal(l->rq, 2);
	assert_int_equal(l->wq, 4);
	assert_int_not_equal(l->inode, 0);
	assert_true(sw_addr_is_any(AF_INET, sw_raddr(l)));
	assert_int_equal(l->remote.port, 0);
	/* the queued server ends exist but have no file yet */
	assert_int_equal(count(&s, SW_PROTO_TCP, AF_INET, SW_ST_ESTABLISHED, 7001, 0), 2);
	const struct sw_conn *q0 = find(&s, SW_PROTO_TCP, AF_INET, SW_ST_ESTABLISHED, 7001, 0, 0);
	REQ(q0);
	assert_int_equal(q0->inode, 0);
	assert_int_equal(count(&s, SW_PROTO_TCP, AF_INET, SW_ST_ESTABLISHED, 0, 7001), 2);

	/* listen(0) overflow: accept queue 1 of 0, two SYN_SENT retrying */
	l = find(&s, SW_PROTO_TCP, AF_INET, SW_ST_LISTEN, 7013, 0, 0);
	REQ(l);
	assert_int_equal(l->rq, 1);
	assert_int_equal(l->wq, 0);
	assert_int_equal(count(&s, SW_PROTO_TCP, AF_INET, SW_ST_SYN_SENT, 0, 7013), 2);
	const struct sw_conn *ss = find(&s, SW_PROTO_TCP, AF_INET, SW_ST_SYN_SENT, 0, 7013, 0);
	REQ(ss);
	assert_int_equal(ss->timer, SW_TIMER_ON);
	assert_true(ss->expires_ms > 0 && ss->expires_ms <= 1000);

	/* ESTABLISHED v4 with keepalive and 500 unread bytes */
	const struct sw_conn *e = find(&s, SW_PROTO_TCP, AF_INET, SW_ST_ESTABLISHED, 0, 7002, 0);
	REQ(e);
	assert_int_equal(e->timer, SW_TIMER_KEEPALIVE);
	assert_true(e->expires_ms > 590000 && e->expires_ms <= 600000);
	assert_int_equal(e->rq, 500);
	assert_int_equal(e->uid, 0);
	assert_true(e->flags & SW_CF_HAS_UID);
	assert_true(e->flags & SW_CF_HAS_SKMEM);
	assert_true(e->flags & SW_CF_HAS_SHUTDOWN);
	assert_int_equal(e->shutdown, 0);
	const struct sw_conn_detail *ed = det_of(&s, e);
	REQ(ed);
	assert_true(ed->cgroup_id != 0);
	assert_int_not_equal(e->local.port, 0);
	const struct sw_tcpx *x = snapshot_tcpx(&s, e);
	REQ(x);
	/* 6.18's tcp_info (280 bytes) covers every group */
	assert_int_equal(x->have, SW_TI_BASE | SW_TI_PACING | SW_TI_BYTES | SW_TI_SEGS |
				  SW_TI_MINRTT | SW_TI_DELIVERY | SW_TI_BUSY |
				  SW_TI_DELIVERED | SW_TI_BYTES_SENT | SW_TI_SNDWND |
				  SW_TI_CONG);
	assert_true(snapshot_cong(&s, x)[0] != '\0');
	assert_int_equal(x->bytes_acked, 1001); /* 1000 + SYN */
	assert_int_equal(x->bytes_received, 500);
	assert_int_equal(x->bytes_sent, 1000);
	assert_true(x->snd_cwnd >= 10);
	assert_true(x->rtt_us > 0);
	const struct sw_tcpd *xd = tcpd_of(&s, e);
	REQ(xd);
	assert_true(xd->snd_mss > 0);
	/* the server end saw the 1000 bytes */
	const struct sw_conn *srv = find(&s, SW_PROTO_TCP, AF_INET, SW_ST_ESTABLISHED,
					 7002, e->local.port, 0);
	REQ(srv);
	const struct sw_tcpx *sx = snapshot_tcpx(&s, srv);
	REQ(sx);
	assert_int_equal(sx->bytes_received, 1000);
	assert_int_equal(srv->timer, SW_TIMER_OFF);

	/* IPv6 ESTABLISHED, both ends on ::1; v6only listener */
	e = find(&s, SW_PROTO_TCP, AF_INET6, SW_ST_ESTABLISHED, 0, 7003, 0);
	REQ(e);
	uint8_t lo6[16] = {0};
	lo6[15] = 1;
	assert_memory_equal(sw_laddr(e), lo6, 16);
	assert_memory_equal(sw_raddr(e), lo6, 16);
	assert_false(sw_conn_is_v4(e));
	l = find(&s, SW_PROTO_TCP, AF_INET6, SW_ST_LISTEN, 7003, 0, 0);
	REQ(l);
	assert_true(l->flags & SW_CF_HAS_V6ONLY);
	assert_true(l->flags & SW_CF_V6ONLY);

	/* v4-mapped: accepted by the [::] listener, seen only in the v6 dump */
	l = find(&s, SW_PROTO_TCP, AF_INET6, SW_ST_LISTEN, 7004, 0, 0);
	REQ(l);
	assert_true(l->flags & SW_CF_HAS_V6ONLY);
	assert_false(l->flags & SW_CF_V6ONLY);
	assert_true(sw_addr_is_any(AF_INET6, sw_laddr(l)));
	e = find(&s, SW_PROTO_TCP, AF_INET6, SW_ST_ESTABLISHED, 7004, 0, 0);
	REQ(e);
	assert_true(sw_addr_is_v4mapped(sw_laddr(e)));
	assert_true(sw_addr_is_v4mapped(sw_raddr(e)));
	assert_true(sw_conn_is_v4(e));
	static const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
	assert_memory_equal(sw_laddr(e), mapped, 16);
	char buf[SW_EP_STRLEN];
	assert_string_equal(sw_conn_ep_str(e, false, buf, sizeof buf), "127.0.0.1:7004");
	assert_null(find(&s, SW_PROTO_TCP, AF_INET, SW_ST_ESTABLISHED, 7004, 0, 0));
	/* its IPv4 client is in the v4 dump */
	const struct sw_conn *cl = find(&s, SW_PROTO_TCP, AF_INET, SW_ST_ESTABLISHED, 0, 7004, 0);
	REQ(cl);
	assert_int_equal(cl->local.port, e->remote.port);

	/* TIME_WAIT: timer 3, no file, no tcp_info */
	const struct sw_conn *tw = find(&s, SW_PROTO_TCP, AF_INET, SW_ST_TIME_WAIT, 0, 7005, 0);
	REQ(tw);
	assert_int_equal(tw->timer, SW_TIMER_TIMEWAIT);
	assert_true(tw->expires_ms > 0 && tw->expires_ms <= 60000);
	assert_int_equal(tw->inode, 0);
	assert_int_equal(tw->tcpx, SW_NONE);
	assert_int_not_equal(tw->cookie, 0);

	/* half-closed pair */
	const struct sw_conn *cw = find(&s, SW_PROTO_TCP, AF_INET, SW_ST_CLOSE_WAIT, 7006, 0, 0);
	REQ(cw);
	assert_int_equal(cw->shutdown, 1); /* got FIN: no more receives */
	const struct sw_conn *fw = find(&s, SW_PROTO_TCP, AF_INET, SW_ST_FIN_WAIT2, 0, 7006, 0);
	REQ(fw);
	assert_int_equal(fw->shutdown, 2); /* SHUT_WR */
	assert_int_equal(fw->local.port, cw->remote.port);

	/* bound, not listening: the kernel says CLOSE, the parser names it */
	const struct sw_conn *b = find(&s, SW_PROTO_TCP, AF_INET, SW_ST_BOUND_INACTIVE, 7012, 0, 0);
	REQ(b);
	assert_null(find(&s, SW_PROTO_TCP, AF_INET, SW_ST_CLOSE, 7012, 0, 0));

	/* UDP: unconnected and connected, IPv6, UDP-Lite, MPTCP */
	REQ(find(&s, SW_PROTO_UDP, AF_INET, SW_ST_CLOSE, 7007, 0, 0));
	const struct sw_conn *u = find(&s, SW_PROTO_UDP, AF_INET, SW_ST_ESTABLISHED, 7008, 7007, 0);
	REQ(u);
	assert_int_equal(u->tcpx, SW_NONE);
	REQ(find(&s, SW_PROTO_UDP, AF_INET6, SW_ST_CLOSE, 7009, 0, 0));
	REQ(find(&s, SW_PROTO_UDPLITE, AF_INET, SW_ST_CLOSE, 7011, 0, 0));
	const struct sw_conn *m = find(&s, SW_PROTO_MPTCP, AF_INET, SW_ST_LISTEN, 7010, 0, 0);
	REQ(m);
	assert_int_equal(m->tcpx, SW_NONE); /* mptcp_info is not tcp_info */

	/* every socket once: cookies are unique */
	uint64_t *ck = malloc(s.nconns * sizeof *ck);
	REQ(ck);
	for (size_t i = 0; i < s.nconns; i++) {
		ck[i] = s.conns[i].cookie;
		assert_int_not_equal(ck[i], 0);
	}
	qsort(ck, s.nconns, sizeof *ck, cmp_u64);
	for (size_t i = 1; i < s.nconns; i++)
		assert_true(ck[i] != ck[i - 1]);
	free(ck);

	/* TCP listeners: 6 v4 (incl. MPTCP's TCP side on 7010) + 2 v6 */
	assert_int_equal(count(&s, SW_PROTO_TCP, 0, SW_ST_LISTEN, 0, 0), 8);
	assert_int_equal(count(&s, SW_PROTO_TCP, 0, SW_ST_TIME_WAIT, 0, 0), 1);

	snapshot_done(&s);
	collector_free(c);
}

static void test_fixture_unix(void **state)
{
	(void)state;
	struct sw_collector *c = replay(FIX, false);
	struct sw_snapshot s;
	snapshot_init(&s);
	sample(c, &s);
	assert_false(s.have_kstat);

	const struct sw_conn *l = find_unix(&s, SOCK_STREAM, SW_ST_LISTEN, "/stream.sock", 0);
	REQ(l);
	assert_int_equal(l->wq, 5);
	assert_int_equal(l->rq, 0);
	assert_int_equal(snapshot_str(&s, l->name_off)[0], '/');
	assert_int_equal(strlen(snapshot_str(&s, l->name_off)), l->name_len);
	assert_true(l->flags & SW_CF_HAS_UID);
	/* the accepted end carries the listener's path; its peer is the client */
	const struct sw_conn *a = find_unix(&s, SOCK_STREAM, SW_ST_ESTABLISHED, "/stream.sock", 0);
	REQ(a);
	assert_true(a->flags & SW_CF_HAS_PEER);
	const struct sw_conn *cl = NULL;
	for (size_t i = 0; i < s.nconns; i++)
		if (s.conns[i].inode == a->peer_inode)
			cl = &s.conns[i];
	REQ(cl);
	assert_int_equal(cl->name_len, 0);
	assert_int_equal(cl->peer_inode, a->inode);

	/* abstract name: stored with its leading NUL, exact length */
	const struct sw_conn *ab = NULL;
	for (size_t i = 0; i < s.nconns; i++) {
		const struct sw_conn *x = &s.conns[i];
		if (x->proto == SW_PROTO_UNIX && x->name_len &&
		    snapshot_str(&s, x->name_off)[0] == '\0')
			ab = x;
	}
	REQ(ab);
	assert_int_equal(ab->name_len, 16);
	assert_memory_equal(snapshot_str(&s, ab->name_off), "\0sw-rec-abstract", 16);
	assert_int_equal(ab->state, SW_ST_LISTEN);
	assert_int_equal(ab->wq, 3);

	/* dgram bound to a path: unconnected */
	const struct sw_conn *d = find_unix(&s, SOCK_DGRAM, SW_ST_CLOSE, "/dgram.sock", 0);
	REQ(d);

	/* socketpairs: unnamed, peers point at each other */
	for (int type = SOCK_STREAM; type <= SOCK_SEQPACKET; type += SOCK_SEQPACKET - SOCK_STREAM) {
		int pairs = 0;
		for (int i = 0; find_unix(&s, type, SW_ST_ESTABLISHED, NULL, i); i++) {
			const struct sw_conn *p = find_unix(&s, type, SW_ST_ESTABLISHED, NULL, i);
			const struct sw_conn *q = NULL;
			for (size_t j = 0; j < s.nconns; j++)
				if (s.conns[j].proto == SW_PROTO_UNIX &&
				    s.conns[j].inode == p->peer_inode)
					q = &s.conns[j];
			REQ(q);
			assert_int_equal(q->peer_inode, p->inode);
			if (q->name_len == 0)
				pairs++;
		}
		/* stream: the pair plus the listener's client (whose peer is named) */
		assert_int_equal(pairs, 2);
	}
	snapshot_done(&s);
	collector_free(c);
}

static void test_fixture_samples_and_kstat(void **state)
{
	(void)state;
	struct sw_collector *c = replay(FIX, true);
	struct sw_snapshot s;
	snapshot_init(&s);
	sample(c, &s);
	size_t n0 = s.nconns;
	uint64_t t0 = s.mono_ns;
	assert_true(s.have_kstat);
	assert_int_equal(s.kstat.port_lo, 32768);
	assert_int_equal(s.kstat.port_hi, 60999);
	assert_int_equal(s.kstat.tcp_tw_recycle, -1);
	assert_true(s.kstat.somaxconn > 0);
	assert_true(s.kstat.tcp_max_tw_buckets > 0);
	assert_true(s.kstat.tcp_fin_timeout > 0);
	assert_int_equal(s.kstat.sockstat_tw, 1);
	uint64_t v = 0;
	assert_true(kstat_counter(&s.kstat, "TcpExt", "ListenOverflows", &v));
	assert_true(v >= 1); /* the listen(0) fixture */
	assert_true(kstat_counter(&s.kstat, "TcpExt", "TCPTimeWaitOverflow", &v));
	assert_true(kstat_counter(&s.kstat, "Tcp", "ActiveOpens", &v));
	assert_true(v >= 10);
	assert_false(s.notes & SW_NOTE_KSTAT_PARTIAL);

	/* second sample, then the recording starts over: time moves on */
	sample(c, &s);
	assert_int_equal(s.nconns, n0);
	assert_true(s.mono_ns > t0);
	uint64_t t1 = s.mono_ns;
	sample(c, &s);
	assert_int_equal(s.nconns, n0);
	assert_true(s.mono_ns > t1);

	/* destroy on a replay cannot reach a kernel */
	assert_int_equal(collector_destroy(c, &s.conns[0]), -EOPNOTSUPP);
	snapshot_done(&s);
	collector_free(c);
}

static void test_fixture_scope(void **state)
{
	(void)state;
	struct sw_collector *c = replay(FIX, false);
	struct sw_snapshot s;
	snapshot_init(&s);
	collector_set_scope(c, SW_PROTO_BIT(SW_PROTO_TCP), SW_STATE_BIT(SW_ST_LISTEN));
	sample(c, &s);
	assert_int_equal(s.nconns, 8); /* the TCP listeners */
	for (size_t i = 0; i < s.nconns; i++) {
		assert_int_equal(s.conns[i].proto, SW_PROTO_TCP);
		assert_int_equal(s.conns[i].state, SW_ST_LISTEN);
	}
	assert_int_equal(s.protos_done, SW_PROTO_BIT(SW_PROTO_TCP));
	collector_set_scope(c, SW_PROTO_BIT(SW_PROTO_UNIX), 0);
	sample(c, &s);
	assert_int_equal(count(&s, SW_PROTO_UNIX, AF_UNIX, -1, 0, 0), (int)s.nconns);
	assert_int_equal(s.nconns, 9);
	snapshot_done(&s);
	collector_free(c);
}

static void test_fixture_plain(void **state)
{
	(void)state;
	struct sw_collector *c = replay(FIX_PLAIN, false);
	struct sw_snapshot s;
	snapshot_init(&s);
	sample(c, &s);
	assert_int_equal(s.protos_done, SW_PROTO_BIT(SW_PROTO_TCP));
	assert_true(s.nconns >= 20);
	for (size_t i = 0; i < s.nconns; i++) {
		assert_int_equal(s.conns[i].proto, SW_PROTO_TCP);
		assert_int_equal(s.conns[i].tcpx, SW_NONE); /* no INFO asked */
		assert_false(s.conns[i].flags & SW_CF_HAS_SKMEM);
	}
	assert_int_equal(s.ntcpx, 0);
	snapshot_done(&s);
	collector_free(c);
}

/* ---------------------------------------------- hand-built messages */

#define SEQ 77
#define PORTID 1234

struct msgspec {
	int family;
	uint8_t state, timer;
	uint32_t expires;
	uint16_t flags;
	size_t tilen;       /* tcp_info length, 0 none */
	const char *cong;
	bool meminfo;
	bool skmem;
};

static size_t put_inet(uint8_t *buf, const struct msgspec *sp)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_MULTI | sp->flags;
	nlh->nlmsg_seq = SEQ;
	nlh->nlmsg_pid = PORTID;
	struct inet_diag_msg *m = mnl_nlmsg_put_extra_header(nlh, sizeof *m);
	m->idiag_family = (uint8_t)sp->family;
	m->idiag_state = sp->state;
	m->idiag_timer = sp->timer;
	m->idiag_expires = sp->expires;
	m->id.idiag_sport = htons(443);
	m->id.idiag_dport = htons(51000);
	m->id.idiag_src[0] = htonl(0x0a000001);
	m->id.idiag_dst[0] = htonl(0xc0000209);
	m->id.idiag_cookie[0] = 0x11223344;
	m->id.idiag_cookie[1] = 0x55667788;
	m->idiag_inode = 4242;
	m->idiag_uid = 1000;
	m->idiag_rqueue = 3;
	m->idiag_wqueue = 9;
	if (sp->tilen) {
		uint8_t ti[300];
		for (size_t i = 0; i < sizeof ti; i++)
			ti[i] = (uint8_t)i;
		mnl_attr_put(nlh, INET_DIAG_INFO, sp->tilen, ti);
	}
	if (sp->cong)
		mnl_attr_put_strz(nlh, INET_DIAG_CONG, sp->cong);
	if (sp->meminfo) {
		struct inet_diag_meminfo mi = {11, 22, 33, 44};
		mnl_attr_put(nlh, INET_DIAG_MEMINFO, sizeof mi, &mi);
	}
	if (sp->skmem) {
		uint32_t sk[SK_MEMINFO_VARS];
		for (unsigned i = 0; i < SK_MEMINFO_VARS; i++)
			sk[i] = 100 + i;
		mnl_attr_put(nlh, INET_DIAG_SKMEMINFO, sizeof sk, sk);
	}
	mnl_attr_put_u8(nlh, INET_DIAG_SHUTDOWN, 3);
	mnl_attr_put_u64(nlh, INET_DIAG_CGROUP_ID, 0x0102030405060708ull);
	mnl_attr_put_u32(nlh, INET_DIAG_MARK, 0xc0ffee01);
	return nlh->nlmsg_len;
}

static size_t put_done(uint8_t *buf, int err, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI | flags;
	nlh->nlmsg_seq = SEQ;
	nlh->nlmsg_pid = PORTID;
	int *e = mnl_nlmsg_put_extra_header(nlh, sizeof *e);
	*e = err;
	return nlh->nlmsg_len;
}

static size_t put_error(uint8_t *buf, int err)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = SEQ;
	nlh->nlmsg_pid = PORTID;
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof *e);
	e->error = err;
	return nlh->nlmsg_len;
}

static int parse1(struct sw_snapshot *s, const struct msgspec *sp, bool accept_intr,
		  struct nlparse *p)
{
	static uint64_t store[4096];
	uint8_t *buf = (uint8_t *)store;
	size_t n = put_inet(buf, sp);
	n += put_done(buf + n, 0, 0);
	struct nlparse_req q = {(uint8_t)sp->family, SW_PROTO_TCP, SEQ, PORTID, accept_intr};
	nlparse_begin(p, &q, s);
	return nlparse_feed(p, buf, n);
}

static void test_tcpinfo_lengths(void **state)
{
	(void)state;
	static const struct {
		size_t len;
		uint32_t have;
	} cases[] = {
		{60, 0}, /* shorter than the 2.6 struct: nothing proven */
		{104, SW_TI_BASE},
		{120, SW_TI_BASE | SW_TI_PACING},
		{136, SW_TI_BASE | SW_TI_PACING | SW_TI_BYTES},
		{168, SW_TI_BASE | SW_TI_PACING | SW_TI_BYTES | SW_TI_SEGS | SW_TI_MINRTT |
			      SW_TI_DELIVERY},
		{232, 0x3ff},
		{280, 0x3ff},
		{296, 0x3ff}, /* a future kernel's longer struct */
	};
	/* every field the monitor keeps, by its offset in the kernel's
	 * struct tcp_info (put_inet fills byte i with i) */
	static const struct {
		size_t off, size, xoff, xsize;
	} fields[] = {
#define F(kf, xf) {offsetof(struct tcp_info, kf), sizeof(((struct tcp_info *)0)->kf), \
		   offsetof(struct sw_tcpx, xf), sizeof(((struct sw_tcpx *)0)->xf)}
		F(tcpi_rtt, rtt_us), F(tcpi_rttvar, rttvar_us), F(tcpi_snd_cwnd, snd_cwnd),
		F(tcpi_snd_ssthresh, snd_ssthresh), F(tcpi_retrans, retrans),
		F(tcpi_total_retrans, total_retrans), F(tcpi_lost, lost),
		F(tcpi_segs_in, segs_in), F(tcpi_segs_out, segs_out),
		F(tcpi_last_data_sent, last_data_sent_ms), F(tcpi_last_data_recv, last_data_recv_ms),
		F(tcpi_bytes_acked, bytes_acked), F(tcpi_bytes_received, bytes_received),
		F(tcpi_bytes_sent, bytes_sent), F(tcpi_delivery_rate, delivery_rate),
		F(tcpi_busy_time, busy_time_us),
#undef F
	};
	/* with details the whole struct is copied; without, the fields are
	 * read in the message when it holds them all (the two must agree) */
	for (int detail = 1; detail >= 0; detail--) {
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			struct sw_snapshot s;
			struct nlparse p;
			snapshot_init(&s);
			s.detail = detail;
			struct msgspec sp = {.family = AF_INET, .state = 1, .tilen = cases[i].len};
			assert_int_equal(parse1(&s, &sp, false, &p), NLPARSE_DONE);
			assert_int_equal(s.nconns, 1);
			const struct sw_tcpx *x = snapshot_tcpx(&s, &s.conns[0]);
			REQ(x);
			assert_int_equal(x->have, cases[i].have);
			/* bytes_received at 128..135: bytes 128..135 */
			if (cases[i].len >= 136)
				assert_int_equal(x->bytes_received, 0x8786858483828180ull);
			else
				assert_int_equal(x->bytes_received, 0);
			if (cases[i].len >= 104)
				assert_int_equal(x->total_retrans, 0x67666564u);
			for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
				/* little-endian values; a narrower field of ours
				 * (the retransmits in flight) holds its maximum */
				uint64_t want = 0, got = 0;
				if (fields[f].off + fields[f].size <= cases[i].len)
					for (size_t b = 0; b < fields[f].size; b++)
						want |= (uint64_t)(uint8_t)(fields[f].off + b) << (8 * b);
				if (fields[f].xsize < 8 && want >> (8 * fields[f].xsize))
					want = (1ull << (8 * fields[f].xsize)) - 1;
				for (size_t b = 0; b < fields[f].xsize; b++)
					got |= (uint64_t)((const uint8_t *)x)[fields[f].xoff + b] << (8 * b);
				if (want != got)
					fail_msg("tcp_info of %zu bytes, detail %d: the field at "
						 "%zu reads wrong", cases[i].len, detail,
						 fields[f].off);
			}
			const struct sw_tcpd *d = tcpd_of(&s, &s.conns[0]);
			if (detail) {
				REQ(d);
				assert_int_equal(d->snd_wscale, 6 & 0xf);
				assert_int_equal(d->rcv_wscale, 6 >> 4);
			} else {
				assert_null(d);
			}
			snapshot_done(&s);
		}
	}
}

static void test_synthetic_fields(void **state)
{
	(void)state;
	struct sw_snapshot s;
	struct nlparse p;
	snapshot_init(&s);
	struct msgspec sp = {.family = AF_INET, .state = SW_ST_TIME_WAIT, .timer = 3,
			     .expires = 0xfffffff0u, .cong = "cubic", .meminfo = true};
	assert_int_equal(parse1(&s, &sp, false, &p), NLPARSE_DONE);
	const struct sw_conn *c = &s.conns[0];
	assert_int_equal(c->cookie, 0x5566778811223344ull);
	assert_int_equal(c->local.port, 443);
	assert_int_equal(c->remote.port, 51000);
	static const uint8_t la[4] = {10, 0, 0, 1}, ra[4] = {192, 0, 2, 9};
	assert_memory_equal(sw_laddr(c), la, 4);
	assert_memory_equal(sw_raddr(c), ra, 4);
	assert_int_equal(c->inode, 4242);
	assert_int_equal(c->uid, 1000);
	assert_int_equal(c->rq, 3);
	assert_int_equal(c->wq, 9);
	assert_int_equal(c->expires_ms, 0); /* wrapped value clamped */
	assert_int_equal(c->timer, SW_TIMER_TIMEWAIT);
	assert_int_equal(c->shutdown, 3);
	const struct sw_conn_detail *d = det_of(&s, c);
	REQ(d);
	assert_int_equal(d->cgroup_id, 0x0102030405060708ull);
	assert_int_equal(d->mark, 0xc0ffee01); /* SO_MARK, for fwmark filters */
	/* MEMINFO fallback fills skmem */
	assert_true(c->flags & SW_CF_HAS_SKMEM);
	assert_int_equal(d->skmem[SW_SKMEM_RMEM_ALLOC], 11);
	assert_int_equal(d->skmem[SW_SKMEM_WMEM_ALLOC], 22);
	assert_int_equal(d->skmem[SW_SKMEM_FWD_ALLOC], 33);
	assert_int_equal(d->skmem[SW_SKMEM_WMEM_QUEUED], 44);
	assert_int_equal(c->rmem, 11);
	assert_int_equal(c->wmem, 44);
	const struct sw_tcpx *x = snapshot_tcpx(&s, c);
	REQ(x);
	assert_string_equal(snapshot_cong(&s, x), "cubic");
	assert_int_equal(x->have, SW_TI_CONG);
	snapshot_done(&s);

	/* without details (the monitor): the same record minus the detail
	 * arrays; columns' values still there, congestion names stored once */
	snapshot_init(&s);
	s.detail = false;
	assert_int_equal(parse1(&s, &sp, false, &p), NLPARSE_DONE);
	size_t pool1 = s.poollen;
	assert_int_equal(parse1(&s, &sp, false, &p), NLPARSE_DONE);
	assert_int_equal(s.nconns, 2);
	assert_int_equal(s.poollen, pool1); /* "cubic" interned */
	for (size_t i = 0; i < 2; i++) {
		c = &s.conns[i];
		assert_null(det_of(&s, c));
		assert_null(tcpd_of(&s, c));
		assert_int_equal(c->rmem, 11);
		assert_int_equal(c->wmem, 44);
		assert_true(c->flags & SW_CF_HAS_SKMEM);
		x = snapshot_tcpx(&s, c);
		REQ(x);
		assert_string_equal(snapshot_cong(&s, x), "cubic");
	}
	assert_int_equal(s.dpacklen, 0); /* no details stored */
	snapshot_done(&s);
	/* a rollback forgets interned strings past its mark */
	snapshot_init(&s);
	s.detail = false;
	assert_int_equal(parse1(&s, &sp, false, &p), NLPARSE_DONE);
	nlparse_rollback(&p);
	assert_int_equal(s.nconns, 0);
	assert_int_equal(s.poollen, 1);
	assert_int_equal(parse1(&s, &sp, false, &p), NLPARSE_DONE);
	x = snapshot_tcpx(&s, &s.conns[0]);
	REQ(x);
	assert_string_equal(snapshot_cong(&s, x), "cubic");
	snapshot_done(&s);

	/* SKMEMINFO wins over MEMINFO */
	snapshot_init(&s);
	struct msgspec sp2 = {.family = AF_INET6, .state = 1, .meminfo = true, .skmem = true};
	assert_int_equal(parse1(&s, &sp2, false, &p), NLPARSE_DONE);
	assert_int_equal(s.conns[0].family, AF_INET6);
	d = det_of(&s, &s.conns[0]);
	REQ(d);
	for (unsigned i = 0; i < SW_SKMEM_COUNT; i++)
		assert_int_equal(d->skmem[i], 100 + i);
	snapshot_done(&s);
}

/* The attribute walk: a type's flag bits are masked off (as libmnl's
 * mnl_attr_get_type), and the walk ends, keeping what came before, at an
 * attribute shorter than its header or reaching past the message (as
 * mnl_attr_parse); the message itself still counts. */
static struct nlattr *attr_of(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *a;
	mnl_attr_for_each(a, nlh, sizeof(struct inet_diag_msg))
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

static void test_attr_walk(void **state)
{
	(void)state;
	static uint64_t store[4096];
	uint8_t *buf = (uint8_t *)store;
	struct msgspec sp = {.family = AF_INET, .state = 1, .cong = "cubic"};
	struct nlparse_req q = {AF_INET, SW_PROTO_TCP, SEQ, PORTID, false};
	struct sw_snapshot s;
	struct nlparse p;
	/* case 0: intact, with the byte-order flag on SHUTDOWN's type;
	 * 1: CGROUP_ID claims more than the message holds; 2: its length is
	 * below a header (2 bytes) */
	for (int k = 0; k < 3; k++) {
		size_t n = put_inet(buf, &sp);
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		struct nlattr *sh = attr_of(nlh, INET_DIAG_SHUTDOWN);
		struct nlattr *cg = attr_of(nlh, INET_DIAG_CGROUP_ID);
		REQ(sh);
		REQ(cg);
		sh->nla_type |= NLA_F_NET_BYTEORDER;
		if (k == 1)
			cg->nla_len = (uint16_t)(n - (size_t)((uint8_t *)cg - buf) + 4);
		if (k == 2)
			cg->nla_len = 2;
		n += put_done(buf + n, 0, 0);
		snapshot_init(&s);
		nlparse_begin(&p, &q, &s);
		assert_int_equal(nlparse_feed(&p, buf, n), NLPARSE_DONE);
		assert_int_equal(s.nconns, 1);
		const struct sw_conn *c = &s.conns[0];
		/* CONG and SHUTDOWN come before CGROUP_ID and MARK */
		const struct sw_tcpx *x = snapshot_tcpx(&s, c);
		REQ(x);
		assert_string_equal(snapshot_cong(&s, x), "cubic");
		assert_true(c->flags & SW_CF_HAS_SHUTDOWN);
		assert_int_equal(c->shutdown, 3);
		const struct sw_conn_detail *d = det_of(&s, c);
		if (k == 0) {
			REQ(d);
			assert_int_equal(d->cgroup_id, 0x0102030405060708ull);
			assert_int_equal(d->mark, 0xc0ffee01);
		} else {
			assert_true(!d || (d->cgroup_id == 0 && d->mark == 0));
		}
		snapshot_done(&s);
	}
}

/* TCP sockets reach a dump in CLOSE only from the bind-table walk (state
 * bit 13): the parser names them BOUND_INACTIVE; a UDP CLOSE socket (an
 * unconnected one) keeps CLOSE. */
static void test_bound_inactive(void **state)
{
	(void)state;
	static uint64_t store[1024];
	uint8_t *buf = (uint8_t *)store;
	struct msgspec sp = {.family = AF_INET, .state = SW_ST_CLOSE};
	size_t n = put_inet(buf, &sp);
	n += put_done(buf + n, 0, 0);
	static const struct {
		uint8_t proto, want;
	} cases[] = {
		{SW_PROTO_TCP, SW_ST_BOUND_INACTIVE},
		{SW_PROTO_MPTCP, SW_ST_BOUND_INACTIVE},
		{SW_PROTO_UDP, SW_ST_CLOSE},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct sw_snapshot s;
		struct nlparse p;
		snapshot_init(&s);
		struct nlparse_req q = {AF_INET, cases[i].proto, SEQ, PORTID, false};
		nlparse_begin(&p, &q, &s);
		assert_int_equal(nlparse_feed(&p, buf, n), NLPARSE_DONE);
		assert_int_equal(s.nconns, 1);
		assert_int_equal(s.conns[0].state, cases[i].want);
		snapshot_done(&s);
	}
}

/* One TCP dump of both families (family AF_UNSPEC: the kernel answers
 * TCPDIAG_GETSOCK messages carrying IPv4 and IPv6 records); a dump of one
 * family still refuses the other family and that message type. */
static void test_both_families(void **state)
{
	(void)state;
	static uint64_t store[4096];
	uint8_t *buf = (uint8_t *)store;
	struct msgspec v4 = {.family = AF_INET, .state = 1};
	struct msgspec v6 = {.family = AF_INET6, .state = 1};
	size_t n = put_inet(buf, &v4);
	size_t n2 = put_inet(buf + n, &v6);
	((struct nlmsghdr *)buf)->nlmsg_type = TCPDIAG_GETSOCK;
	((struct nlmsghdr *)(buf + n))->nlmsg_type = TCPDIAG_GETSOCK;
	n += n2;
	n += put_done(buf + n, 0, 0);
	struct sw_snapshot s;
	struct nlparse p;
	snapshot_init(&s);
	struct nlparse_req both = {AF_UNSPEC, SW_PROTO_TCP, SEQ, PORTID, false};
	nlparse_begin(&p, &both, &s);
	assert_int_equal(nlparse_feed(&p, buf, n), NLPARSE_DONE);
	assert_int_equal(s.nconns, 2);
	assert_int_equal(s.conns[0].family, AF_INET);
	assert_int_equal(s.conns[1].family, AF_INET6);
	assert_int_equal(s.conns[1].proto, SW_PROTO_TCP);
	snapshot_clear(&s);
	/* an AF_INET dump: TCPDIAG_GETSOCK is not its answer */
	struct nlparse_req one = {AF_INET, SW_PROTO_TCP, SEQ, PORTID, false};
	nlparse_begin(&p, &one, &s);
	assert_int_equal(nlparse_feed(&p, buf, n), -EBADMSG);
	snapshot_clear(&s);
	/* nor, with the usual type, an IPv6 record */
	((struct nlmsghdr *)buf)->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	size_t l1 = ((struct nlmsghdr *)buf)->nlmsg_len;
	((struct nlmsghdr *)(buf + NLMSG_ALIGN(l1)))->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlparse_begin(&p, &one, &s);
	assert_int_equal(nlparse_feed(&p, buf, n), -EBADMSG);
	/* and an AF_UNSPEC dump still refuses AF_UNIX records */
	snapshot_clear(&s);
	struct msgspec bad = {.family = AF_UNIX, .state = 1};
	n = put_inet(buf, &bad);
	n += put_done(buf + n, 0, 0);
	nlparse_begin(&p, &both, &s);
	assert_int_equal(nlparse_feed(&p, buf, n), -EBADMSG);
	snapshot_done(&s);
}

static void test_control_messages(void **state)
{
	(void)state;
	static uint64_t store[1024];
	uint8_t *buf = (uint8_t *)store;
	struct sw_snapshot s;
	struct nlparse p;
	struct nlparse_req q = {AF_INET, SW_PROTO_SCTP, SEQ, PORTID, false};
	snapshot_init(&s);

	/* NLMSG_DONE carrying -ENOENT: no diag module */
	size_t n = put_done(buf, -ENOENT, 0);
	nlparse_begin(&p, &q, &s);
	assert_int_equal(nlparse_feed(&p, buf, n), -ENOENT);
	assert_true(p.ended);
	/* a finished dump stays finished */
	assert_int_equal(nlparse_feed(&p, buf, n), -ENOENT);

	/* NLMSG_ERROR: EBUSY */
	n = put_error(buf, -EBUSY);
	nlparse_begin(&p, &q, &s);
	assert_int_equal(nlparse_feed(&p, buf, n), -EBUSY);

	/* several chunks: MORE until DONE */
	struct msgspec sp = {.family = AF_INET, .state = 1};
	q.proto = SW_PROTO_TCP;
	nlparse_begin(&p, &q, &s);
	n = put_inet(buf, &sp);
	n += put_inet(buf + n, &sp);
	assert_int_equal(nlparse_feed(&p, buf, n), NLPARSE_MORE);
	assert_int_equal(nlparse_feed(&p, buf, n), NLPARSE_MORE);
	n = put_done(buf, 0, 0);
	assert_int_equal(nlparse_feed(&p, buf, n), NLPARSE_DONE);
	assert_int_equal(s.nconns, 4);
	nlparse_rollback(&p);
	assert_int_equal(s.nconns, 0);

	/* wrong sequence number / port id */
	n = put_inet(buf, &sp);
	q.seq = SEQ + 1;
	nlparse_begin(&p, &q, &s);
	assert_int_equal(nlparse_feed(&p, buf, n), -EPROTO);
	q.seq = SEQ;
	q.portid = PORTID + 1;
	nlparse_begin(&p, &q, &s);
	assert_int_equal(nlparse_feed(&p, buf, n), -ESRCH);
	q.portid = 0; /* 0: not checked */
	q.seq = 0;
	nlparse_begin(&p, &q, &s);
	assert_int_equal(nlparse_feed(&p, buf, n), NLPARSE_MORE);
	q.seq = SEQ;
	q.portid = PORTID;

	/* a family the request did not ask for is malformed */
	q.family = AF_INET6;
	nlparse_begin(&p, &q, &s);
	assert_int_equal(nlparse_feed(&p, buf, n), -EBADMSG);
	q.family = AF_INET;

	/* NLM_F_DUMP_INTR: reported (after draining) ... */
	snapshot_clear(&s);
	struct msgspec si = {.family = AF_INET, .state = 1, .flags = NLM_F_DUMP_INTR};
	n = put_inet(buf, &sp);
	n += put_inet(buf + n, &si);
	n += put_inet(buf + n, &sp);
	nlparse_begin(&p, &q, &s);
	assert_int_equal(nlparse_feed(&p, buf, n), NLPARSE_MORE); /* drains on */
	assert_true(p.intr);
	size_t m = put_done(buf, 0, NLM_F_DUMP_INTR);
	assert_int_equal(nlparse_feed(&p, buf, m), -EINTR);
	assert_true(p.ended);
	/* ... or accepted (the caller dedupes) */
	snapshot_clear(&s);
	q.accept_intr = true;
	n = put_inet(buf, &sp);
	n += put_inet(buf + n, &si);
	n += put_inet(buf + n, &sp);
	n += put_done(buf + n, 0, NLM_F_DUMP_INTR);
	nlparse_begin(&p, &q, &s);
	assert_int_equal(nlparse_feed(&p, buf, n), NLPARSE_DONE);
	assert_true(p.intr);
	assert_int_equal(s.nconns, 3);
	snapshot_dedupe(&s); /* all three share a cookie */
	assert_int_equal(s.nconns, 1);

	/* acks (SOCK_DESTROY) */
	n = put_error(buf, 0);
	assert_int_equal(nlparse_ack(buf, n, SEQ, PORTID), 0);
	n = put_error(buf, -EPERM);
	assert_int_equal(nlparse_ack(buf, n, SEQ, PORTID), -EPERM);
	assert_int_equal(nlparse_ack(buf, n, SEQ + 1, PORTID), -EPROTO);
	assert_int_equal(nlparse_ack(buf, n - 4, SEQ, PORTID), -EBADMSG);
	assert_int_equal(nlparse_ack(buf, 0, SEQ, PORTID), NLPARSE_MORE);
	snapshot_done(&s);
}

/* ------------------------------------------ truncation, mutation, noise */

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static bool clean_result(int r)
{
	return r == NLPARSE_MORE || r == NLPARSE_DONE || (r < 0 && r >= -4095);
}

/* Feed every chunk of a recording's first sample through f(chunk). */
static void for_chunks(const char *path,
		       void (*f)(const struct rec_dump *, const uint8_t *, size_t))
{
	char err[256];
	struct record_reader *r = record_open(path, err, sizeof err);
	REQ(r);
	struct rec_item it;
	struct rec_dump d = {0};
	record_seek_sample(r, 0);
	while (record_next(r, &it)) {
		if (it.type == REC_DUMP)
			memcpy(&d, it.data, sizeof d);
		else if (it.type == REC_CHUNK)
			f(&d, it.data, it.len);
	}
	record_reader_free(r);
}

static void feed_one(const struct rec_dump *d, const uint8_t *buf, size_t len,
		     int *rv)
{
	struct sw_snapshot s;
	struct nlparse p;
	struct nlparse_req q = {d->family, d->sw_proto, 0, 0, true};
	snapshot_init(&s);
	nlparse_begin(&p, &q, &s);
	int r = nlparse_feed(&p, buf, len);
	assert_true(clean_result(r));
	for (size_t i = 0; i < s.nconns; i++) {
		const struct sw_conn *c = &s.conns[i];
		if (c->proto == SW_PROTO_UNIX) { /* name and tcp_info share room */
			assert_true(c->name_off + c->name_len < s.poollen);
			assert_null(snapshot_tcpx(&s, c));
		} else {
			assert_int_equal(c->name_len, 0);
			assert_true(c->tcpx == SW_NONE || c->tcpx < s.ntcpx);
		}
	}
	if (rv)
		*rv = r;
	snapshot_done(&s);
}

static void truncate_chunk(const struct rec_dump *d, const uint8_t *buf, size_t len)
{
	for (size_t cut = 0; cut < len; cut += 1 + cut / 16) {
		/* exactly cut bytes: ASan sees any read past the end */
		uint8_t *copy = malloc(cut ? cut : 1);
		REQ(copy);
		memcpy(copy, buf, cut);
		int r;
		feed_one(d, copy, cut, &r);
		/* a cut inside a message is malformed, never silently short */
		assert_true(r == NLPARSE_MORE || r == -EBADMSG || r == NLPARSE_DONE ||
			    r == -ENOENT);
		free(copy);
	}
}

static void mutate_chunk(const struct rec_dump *d, const uint8_t *buf, size_t len)
{
	uint8_t *copy = malloc(len);
	REQ(copy);
	for (int round = 0; round < 200; round++) {
		memcpy(copy, buf, len);
		uint8_t *b = copy;
		int flips = 1 + (int)(rnd() % 8);
		for (int i = 0; i < flips; i++) {
			size_t at = rnd() % len;
			switch (rnd() % 3) {
			case 0: b[at] ^= (uint8_t)(1u << (rnd() % 8)); break;
			case 1: b[at] = (uint8_t)rnd(); break;
			default: b[at] = (rnd() & 1) ? 0xff : 0; break;
			}
		}
		feed_one(d, b, len, NULL);
	}
	free(copy);
}

static void test_truncated_chunks(void **state)
{
	(void)state;
	for_chunks(FIX, truncate_chunk);
}

static void test_mutated_chunks(void **state)
{
	(void)state;
	for_chunks(FIX, mutate_chunk);
}

static void test_random_bytes(void **state)
{
	(void)state;
	static uint64_t store[4096 / 8];
	uint8_t *buf = (uint8_t *)store;
	static const struct rec_dump dumps[] = {
		{.family = AF_INET, .sw_proto = SW_PROTO_TCP},
		{.family = AF_INET6, .sw_proto = SW_PROTO_UDP},
		{.family = AF_UNIX, .sw_proto = SW_PROTO_UNIX},
	};
	for (int round = 0; round < 3000; round++) {
		size_t len = rnd() % sizeof store;
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)rnd();
		/* sometimes a plausible header, so parsing gets further */
		if (len >= 16 && (round & 1)) {
			struct nlmsghdr h = {(uint32_t)(16 + rnd() % (len - 15)),
					     (uint16_t)(round & 2 ? SOCK_DIAG_BY_FAMILY : rnd() % 24),
					     0, 0, 0};
			memcpy(buf, &h, sizeof h);
		}
		feed_one(&dumps[round % 3], buf, len, NULL);
		int a = nlparse_ack(buf, len, 0, 0);
		assert_true(clean_result(a));
	}
	/* a misaligned buffer is refused, not read */
	int r;
	feed_one(&dumps[0], buf + 1, 64, &r);
	assert_int_equal(r, -EINVAL);
}

/* ---------------------------------------------------- recording files */

static void test_record_truncated_and_corrupt(void **state)
{
	(void)state;
	size_t len;
	uint8_t *file = slurp(FIX, &len);
	char err[256];

	/* every cut either fails with a message or (cut exactly after a
	 * sample) holds fewer samples */
	for (size_t cut = 0; cut < len; cut += 1 + cut / 64) {
		err[0] = '\0';
		struct record_reader *r = record_open_mem(file, cut, err, sizeof err);
		if (r) {
			assert_true(record_nsamples(r) < 2);
			record_reader_free(r);
		} else {
			assert_true(err[0] != '\0');
		}
	}
	struct record_reader *r = record_open_mem(file, len, err, sizeof err);
	REQ(r);
	assert_int_equal(record_nsamples(r), 2);
	record_reader_free(r);

	/* bad magic, other version */
	uint8_t *bad = malloc(len);
	REQ(bad);
	memcpy(bad, file, len);
	bad[0] = 'X';
	assert_null(record_open_mem(bad, len, err, sizeof err));
	REQ(strstr(err, "magic"));
	memcpy(bad, file, len);
	bad[8] = 99;
	assert_null(record_open_mem(bad, len, err, sizeof err));
	REQ(strstr(err, "version"));

	/* random corruption: refused cleanly, or replayed without a crash */
	for (int round = 0; round < 300; round++) {
		memcpy(bad, file, len);
		for (int i = 0; i < 1 + round % 6; i++)
			bad[16 + rnd() % (len - 16)] ^= (uint8_t)(1 + rnd() % 255);
		r = record_open_mem(bad, len, err, sizeof err);
		if (!r)
			continue;
		struct sw_snapshot s;
		snapshot_init(&s);
		for (size_t smp = 0; smp < record_nsamples(r); smp++) {
			struct rec_item it;
			struct nlparse p;
			bool active = false;
			record_seek_sample(r, smp);
			while (record_next(r, &it)) {
				if (it.type == REC_DUMP) {
					struct rec_dump d;
					memcpy(&d, it.data, sizeof d);
					struct nlparse_req q = {d.family, d.sw_proto, d.seq,
								d.portid, true};
					nlparse_begin(&p, &q, &s);
					active = true;
				} else if (it.type == REC_CHUNK && active) {
					assert_true(clean_result(nlparse_feed(&p, it.data, it.len)));
				} else if (it.type == REC_KSTAT) {
					(void)kstat_apply(&s.kstat, it.name, it.text, it.textlen);
				}
			}
		}
		snapshot_done(&s);
		record_reader_free(r);
	}

	/* through the collector: a truncated file is a clear error at open */
	const char *tmp = "test_nlparse.tmp.swrec";
	FILE *f = fopen(tmp, "wb");
	REQ(f);
	assert_int_equal(fwrite(file, 1, len - 100, f), len - 100);
	fclose(f);
	struct sw_collect_opts o = {.replay_path = tmp};
	err[0] = '\0';
	assert_null(collector_new(&o, err, sizeof err));
	REQ(strstr(err, "truncated"));
	o.replay_path = "/nonexistent/x.swrec";
	assert_null(collector_new(&o, err, sizeof err));
	REQ(strstr(err, "/nonexistent/x.swrec"));
	unlink(tmp);
	free(bad);
	free(file);
}

static void test_record_roundtrip(void **state)
{
	(void)state;
	const char *tmp = "test_nlparse.rt.swrec";
	char err[256];
	static uint64_t store[512];
	uint8_t *buf = (uint8_t *)store;
	struct record_writer *w = record_create(tmp, err, sizeof err);
	REQ(w);
	struct rec_sample m = {.real_sec = 1700000001, .mono_ns = 5000};
	strcpy(m.hostname, "h");
	record_sample_begin(w, &m);
	struct rec_dump d = {.family = AF_INET, .sw_proto = SW_PROTO_TCP, .seq = SEQ,
			     .portid = PORTID};
	struct msgspec sp = {.family = AF_INET, .state = 1};
	/* an aborted (retried) dump leaves no trace */
	record_dump_begin(w, &d);
	size_t n = put_inet(buf, &sp);
	record_chunk(w, buf, n);
	record_dump_abort(w);
	record_dump_begin(w, &d);
	n = put_inet(buf, &sp);
	n += put_inet(buf + n, &sp);
	record_chunk(w, buf, n);
	n = put_done(buf, 0, 0);
	record_chunk(w, buf, n);
	record_kstat(w, "sys/net/ipv4/tcp_fin_timeout", "30\n", 3);
	assert_int_equal(record_sample_end(w, 10), 0);
	assert_int_equal(record_close(w), 0);

	struct sw_collect_opts o = {.replay_path = tmp, .kstat = true};
	struct sw_collector *c = collector_new(&o, err, sizeof err);
	REQ(c);
	struct sw_snapshot s;
	snapshot_init(&s);
	sample(c, &s);
	assert_int_equal(s.nconns, 1); /* the dump repeated one socket: listed once */
	assert_int_equal(s.mono_ns, 5000);
	assert_string_equal(s.hostname, "h");
	assert_true(s.have_kstat);
	assert_int_equal(s.kstat.tcp_fin_timeout, 30);
	assert_int_equal(s.kstat.somaxconn, -1);
	assert_int_equal(s.protos_done, SW_PROTO_BIT(SW_PROTO_TCP));
	snapshot_done(&s);
	collector_free(c);
	unlink(tmp);
}

static void test_live_errors(void **state)
{
	(void)state;
	char err[256];
	struct sw_collect_opts o = {.netns = "sw-no-such-netns-xyz"};
	assert_null(collector_new(&o, err, sizeof err));
	REQ(strstr(err, "sw-no-such-netns-xyz"));
	o.netns = "/etc/passwd"; /* a file, not a netns */
	err[0] = '\0';
	assert_null(collector_new(&o, err, sizeof err));
	assert_true(err[0] != '\0');
}


/* ------------------------------------------- live: record == replay */

#define CHECK(x)                                                              \
	do {                                                                  \
		if (!(x)) {                                                   \
			fprintf(stderr, "live check failed at line %d: %s\n",  \
				__LINE__, #x);                                \
			return __LINE__;                                      \
		}                                                             \
	} while (0)

static bool same_conn(const struct sw_snapshot *a, const struct sw_conn *x,
		      const struct sw_snapshot *b, const struct sw_conn *y)
{
	struct sw_conn p = *x, q = *y;
	sw_conn_owners_clear(&p); /* a replay has no processes */
	sw_conn_owners_clear(&q);
	p.name_off = q.name_off = 0;
	p.tcpx = q.tcpx = 0;
	/* addresses by value: each snapshot has its own address table */
	if (memcmp(sw_laddr(x), sw_laddr(y), 16) != 0 || memcmp(sw_raddr(x), sw_raddr(y), 16) != 0)
		return false;
	p.local.ai = q.local.ai = p.remote.ai = q.remote.ai = 0;
	p.atab = q.atab = 0;
	if (memcmp(&p, &q, sizeof p) != 0)
		return false;
	if (memcmp(snapshot_str(a, x->name_off), snapshot_str(b, y->name_off), x->name_len))
		return false;
	const struct sw_tcpx *t = snapshot_tcpx(a, x), *u = snapshot_tcpx(b, y);
	if (!t || !u)
		return !t && !u;
	return memcmp(t, u, sizeof *t) == 0;
}

/* In a private netns (the child of a fork): real sockets, a recorded
 * live sample, its replay, and SOCK_DESTROY.  Returns 0 or a line. */
static int live_child(void)
{
	if (unshare(CLONE_NEWNET) < 0)
		_exit(77);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	CHECK(ioctl(fd, SIOCGIFFLAGS, &ifr) == 0);
	ifr.ifr_flags |= IFF_UP;
	CHECK(ioctl(fd, SIOCSIFFLAGS, &ifr) == 0);
	close(fd);

	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(7200)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int l = socket(AF_INET, SOCK_STREAM, 0), cl = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(bind(l, (void *)&sa, sizeof sa) == 0 && listen(l, 3) == 0);
	CHECK(connect(cl, (void *)&sa, sizeof sa) == 0);
	int ac = accept(l, NULL, NULL);
	CHECK(ac >= 0);
	CHECK(write(cl, "hello", 5) == 5);
	int u = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 s6 = {.sin6_family = AF_INET6, .sin6_port = htons(7201)};
	s6.sin6_addr = in6addr_loopback;
	CHECK(bind(u, (void *)&s6, sizeof s6) == 0);
	int sp[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);

	const char *rec = "test_nlparse.live.swrec";
	char err[512];
	struct sw_collect_opts o = {.tcpinfo = true, .kstat = true, .procs = true,
				    .record_path = rec};
	struct sw_collector *c = collector_new(&o, err, sizeof err);
	CHECK(c);
	struct sw_snapshot a, b;
	snapshot_init(&a);
	snapshot_init(&b);
	CHECK(collector_sample(c, &a, err, sizeof err) == 0);
	CHECK(a.nconns == 6); /* listener, 2 tcp ends, udp, 2 unix */
	CHECK(a.have_kstat && a.kstat.port_lo > 0);
	CHECK(!(a.notes & SW_NOTE_NO_PROCS));
	/* our own process holds every socket that has a file */
	const struct sw_conn *ccl = NULL;
	for (size_t i = 0; i < a.nconns; i++) {
		const struct sw_conn *x = &a.conns[i];
		if (x->inode) {
			const struct sw_proc *p = snapshot_owner_proc(&a, x, 0);
			CHECK(p && p->pid == getpid());
		}
		if (x->proto == SW_PROTO_TCP && x->remote.port == 7200)
			ccl = x;
	}
	CHECK(ccl && ccl->state == SW_ST_ESTABLISHED);
	struct sw_conn victim = *ccl;
	sw_conn_rehome(&victim, NULL); /* a copy kept outside the snapshot */

	struct sw_collect_opts r = {.tcpinfo = true, .kstat = true, .procs = true,
				    .replay_path = rec};
	struct sw_collector *rc = collector_new(&r, err, sizeof err);
	if (!rc)
		fprintf(stderr, "%s\n", err);
	CHECK(rc);
	CHECK(collector_sample(rc, &b, err, sizeof err) == 0);
	CHECK(b.nconns == a.nconns);
	CHECK(b.protos_done == a.protos_done && b.protos_missing == a.protos_missing);
	CHECK(b.mono_ns == a.mono_ns && b.real_sec == a.real_sec);
	CHECK(strcmp(b.hostname, a.hostname) == 0);
	for (size_t i = 0; i < a.nconns; i++)
		CHECK(same_conn(&a, &a.conns[i], &b, &b.conns[i]));
	CHECK(memcmp(&a.kstat, &b.kstat, offsetof(struct sw_kstat, counters)) == 0);
	CHECK(b.kstat.ncounters == a.kstat.ncounters);
	collector_free(rc);
	unlink(rec);

	/* SOCK_DESTROY by the dumped id + cookie: the owner sees the abort */
	CHECK(collector_destroy(c, &victim) == 0);
	char buf[8];
	CHECK(read(cl, buf, sizeof buf) < 0 && errno == ECONNABORTED);
	CHECK(collector_destroy(c, &victim) == -ENOENT);
	CHECK(collector_destroy(c, &a.conns[a.nconns - 1]) == -EOPNOTSUPP); /* unix */
	snapshot_done(&a);
	snapshot_done(&b);
	collector_free(c);
	return 0;
}

static void test_live_record_replay(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "skipped: needs root for a private netns\n");
		skip();
	}
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(live_child() == 0 ? 0 : 1); /* the line is on stderr */
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77) {
		fprintf(stderr, "skipped: cannot unshare a netns here\n");
		skip();
	}
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_inet),
		cmocka_unit_test(test_fixture_unix),
		cmocka_unit_test(test_fixture_samples_and_kstat),
		cmocka_unit_test(test_fixture_scope),
		cmocka_unit_test(test_fixture_plain),
		cmocka_unit_test(test_tcpinfo_lengths),
		cmocka_unit_test(test_synthetic_fields),
		cmocka_unit_test(test_bound_inactive),
		cmocka_unit_test(test_both_families),
		cmocka_unit_test(test_control_messages),
		cmocka_unit_test(test_attr_walk),
		cmocka_unit_test(test_truncated_chunks),
		cmocka_unit_test(test_mutated_chunks),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_record_truncated_and_corrupt),
		cmocka_unit_test(test_record_roundtrip),
		cmocka_unit_test(test_live_errors),
		cmocka_unit_test(test_live_record_replay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
