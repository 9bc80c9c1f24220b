/* SPDX-License-Identifier: GPL-2.0-or-later */
/* collect.c - the collector facade: a sample is every sock_diag dump in
 * scope (live via sockdiag.c, or replayed from a recording through the same
 * parser), then kstat and the process map.
 *
 * Network namespaces: the netns fd is entered only by short-lived helper
 * threads (setns there, never in the main thread), which create the
 * netlink sockets (a socket keeps its creation netns) and read kstat each
 * sample (/proc/sys follows the opener's netns; /proc/thread-self/net the
 * thread's).  The main thread never leaves its own netns.
 *
 * RAW without raw_diag: where the RAW dump of a family answers ENOENT,
 * /proc/net/raw (raw6) of the collected netns is read instead, in the same
 * kind of helper thread, parsed by procnet.c and recorded (REC_PROCNET) so
 * replays rebuild the same records.  RAW then counts as listed, not
 * missing, and the snapshot carries SW_NOTE_RAW_PROCFS.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <time.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/safefile.h"
#include "core/util.h"
#include "collect.h"
#include "sockdiag.h"
#include "kstat.h"
#include "netns.h"
#include "nlparse.h"
#include "procmap.h"
#include "procnet.h"
#include "record.h"
#include "histdir.h"
#include "core/histfile.h"

#define INET_PROTOS                                                          \
	(SW_PROTO_BIT(SW_PROTO_TCP) | SW_PROTO_BIT(SW_PROTO_UDP) |             \
	 SW_PROTO_BIT(SW_PROTO_UDPLITE) | SW_PROTO_BIT(SW_PROTO_MPTCP) |       \
	 SW_PROTO_BIT(SW_PROTO_RAW) | SW_PROTO_BIT(SW_PROTO_SCTP))

struct sw_collector {
	struct sw_collect_opts o;
	char *proc_root;
	uint32_t protos;     /* SW_PROTO_BIT mask in scope */
	uint32_t states;     /* SW_STATE_BIT mask in scope, SW_STATE_ALL = all */
	uint16_t ports[4];   /* sport lo, hi, dport lo, hi for inet dumps ... */
	bool has_ports;      /* ... when set */
	uint32_t missing[2]; /* per family (v4, v6): protocols answering ENOENT */
	uint32_t procfs[2];  /* per family, this sample: of those, read from /proc */
	bool unix_missing;
	bool no_tcp_both;    /* the kernel refused the two-family TCP dump */
	uint8_t ext;         /* SOCKDIAG_EXT_* asked for */
	int nsfd;            /* target netns, -1 = own */
	char label[64];      /* snapshot netns */
	struct sockdiag *sockdiag;
	struct sw_nsall *all; /* -N all: one sub-collector per namespace (netns.c) */
	struct procmap *pm;
	struct record_writer *rec;
	struct record_reader *rep;
	size_t rep_next;     /* next sample to replay */
	uint64_t rep_mono_off;
	uint64_t rep_last_mono;
	struct histr *hist;  /* a history (--record-dir) being replayed */
	bool hist_started;   /* the first sample was read */
	bool hist_hold;      /* moved: the next sample is the position itself */
};

/* ------------------------------------------------------- netns threads */

struct ns_call {
	int nsfd;
	void (*fn)(void *);
	void *arg;
	int err;
};

static void *ns_thread(void *a)
{
	struct ns_call *c = a;
	if (setns(c->nsfd, CLONE_NEWNET) < 0) {
		c->err = -errno;
		return NULL;
	}
	c->fn(c->arg);
	return NULL; /* the thread, and its netns, end here */
}

int collect_in_netns(int nsfd, void (*fn)(void *), void *arg)
{
	if (nsfd < 0) {
		fn(arg);
		return 0;
	}
	struct ns_call c = {nsfd, fn, arg, 0};
	pthread_t t;
	int e = pthread_create(&t, NULL, ns_thread, &c);
	if (e)
		return -e;
	pthread_join(t, NULL);
	return c.err;
}

struct open_ctx {
	struct sockdiag *d;
	int err;
};

static void open_fn(void *a)
{
	struct open_ctx *o = a;
	o->d = sockdiag_open(&o->err);
}

/* ------------------------------------------------------------ scope */

static uint32_t kernel_states(uint32_t states, bool bound)
{
	if (states == 0)
		states = SW_STATE_ALL;
	/* request sockets are NEW_SYN_RECV inside the kernel; bound-only TCP
	 * sockets (bit 13) only when asked for (the parser names them) */
	if (states & SW_STATE_BIT(SW_ST_SYN_RECV))
		states |= SW_STATE_BIT(SW_ST_NEW_SYN_RECV);
	if (!bound)
		states &= ~SW_STATE_BIT(SW_ST_BOUND_INACTIVE);
	if ((states & SW_STATE_ALL) == SW_STATE_ALL)
		return ~0u;
	return states;
}

void collector_set_extras(struct sw_collector *c, bool cong, bool mem, bool bound)
{
	if (c->o.tcpinfo)
		c->ext = SOCKDIAG_EXT_INFO | (cong ? SOCKDIAG_EXT_CONG : 0) | (mem ? SOCKDIAG_EXT_MEM : 0);
	c->o.bound = bound;
}

void collector_set_details(struct sw_collector *c, bool details)
{
	c->o.details = details;
}

void collector_set_scope(struct sw_collector *c, uint32_t protos, uint32_t states)
{
	c->protos = protos ? protos & SW_PROTO_ALL : SW_PROTO_ALL;
	c->states = states ? states & SW_STATE_ALL : SW_STATE_ALL;
}

void collector_copy_settings(struct sw_collector *dst, const struct sw_collector *src)
{
	dst->protos = src->protos;
	dst->states = src->states;
	memcpy(dst->ports, src->ports, sizeof dst->ports);
	dst->has_ports = src->has_ports;
	dst->ext = src->ext;
	dst->o.bound = src->o.bound;
	dst->o.details = src->o.details;
}

void collector_set_ports(struct sw_collector *c, const uint16_t sport[2],
			 const uint16_t dport[2])
{
	static const uint16_t any[2] = {0, 65535};
	if (!sport)
		sport = any;
	if (!dport)
		dport = any;
	c->ports[0] = sport[0], c->ports[1] = sport[1];
	c->ports[2] = dport[0], c->ports[3] = dport[1];
	c->has_ports = sport[0] != 0 || sport[1] != 65535 || dport[0] != 0 || dport[1] != 65535;
}

static int nfamilies(const struct sw_collector *c, uint8_t fam[2])
{
	bool both = !c->o.inet4 && !c->o.inet6;
	int n = 0;
	if (both || c->o.inet4)
		fam[n++] = AF_INET;
	if (both || c->o.inet6)
		fam[n++] = AF_INET6;
	return n;
}

/* --------------------------------------------------------- lifecycle */

int collect_netns_open(const char *netns, char *path, size_t len)
{
	if (strchr(netns, '/'))
		snprintf(path, len, "%s", netns);
	else
		snprintf(path, len, "/var/run/netns/%s", netns);
	/* O_NONBLOCK, regular files only: a FIFO there must not hang us;
	 * then it must be a namespace file (nsfs), not any regular file. */
	int fd = sw_open_regular(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	struct statfs sf;
	if (fstatfs(fd, &sf) != 0 || sf.f_type != NSFS_MAGIC) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct sw_collector *collector_new(const struct sw_collect_opts *o, char *err,
				   size_t errlen)
{
	struct sw_collector *c = xcalloc(1, sizeof *c);
	c->o = *o;
	c->ext = o->tcpinfo ? SOCKDIAG_EXT_ALL : 0;
	c->o.netns = dup_or_null(o->netns);
	c->o.label = NULL; /* copied into c->label */
	c->o.record_path = dup_or_null(o->record_path);
	c->o.replay_path = dup_or_null(o->replay_path);
	c->proc_root = xstrdup(o->proc_root ? o->proc_root : "/proc");
	c->o.proc_root = c->proc_root;
	c->nsfd = -1;
	collector_set_scope(c, o->protos, o->states);

	if (o->replay_path && collect_is_history(o->replay_path)) {
		c->hist = histr_open(o->replay_path, o->replay_warn, err, errlen);
		if (!c->hist)
			goto fail;
		return c;
	}
	if (o->replay_path) {
		c->rep = record_open(o->replay_path, err, errlen);
		if (!c->rep)
			goto fail;
		return c;
	}

	if (o->netns && strcmp(o->netns, "all") == 0) {
		c->all = nsall_new(o, c->proc_root);
		sw_strlcpy(c->label, "all", sizeof c->label);
		if (o->record_path) {
			snprintf(err, errlen, "%s", _("--record does not apply to -N all"));
			goto fail;
		}
		if (o->procs)
			c->pm = procmap_new(c->proc_root);
		return c;
	}
	if (o->netns && *o->netns) {
		char path[4096];
		sw_strlcpy(c->label, o->label ? o->label : o->netns, sizeof c->label);
		c->nsfd = collect_netns_open(o->netns, path, sizeof path);
		if (c->nsfd < 0) {
			if (c->nsfd == -ENOENT)
				snprintf(err, errlen, _("unknown network namespace %s (no %s)"),
					 o->netns, path);
			else if (c->nsfd == -EINVAL)
				snprintf(err, errlen, _("%s is not a network namespace"), path);
			else
				snprintf(err, errlen, _("cannot open network namespace %s: %s"),
					 path, sw_file_strerror(-c->nsfd));
			c->nsfd = -1;
			goto fail;
		}
	}
	struct open_ctx oc = {NULL, 0};
	int r = collect_in_netns(c->nsfd, open_fn, &oc);
	if (r < 0) {
		if (r == -EPERM)
			snprintf(err, errlen,
				 _("cannot enter network namespace %s: %s (needs root or CAP_SYS_ADMIN)"),
				 o->netns, strerror(-r));
		else if (r == -EINVAL)
			snprintf(err, errlen, _("%s is not a network namespace"), o->netns);
		else
			snprintf(err, errlen, _("cannot enter network namespace %s: %s"),
				 o->netns, strerror(-r));
		goto fail;
	}
	if (!oc.d) {
		snprintf(err, errlen, _("cannot open a sock_diag netlink socket: %s"),
			 strerror(-oc.err));
		goto fail;
	}
	c->sockdiag = oc.d;
	if (o->record_path) {
		c->rec = record_create(o->record_path, err, errlen);
		if (!c->rec)
			goto fail;
	}
	if (o->procs)
		c->pm = procmap_new(c->proc_root);
	return c;
fail:
	collector_free(c);
	return NULL;
}

void collector_last_sample(struct sw_collector *c)
{
	if (c && c->pm && !c->all) {
		procmap_free(c->pm);
		c->pm = NULL;
	}
}

void collector_free(struct sw_collector *c)
{
	if (!c)
		return;
	sockdiag_close(c->sockdiag);
	nsall_free(c->all);
	if (c->pm)
		procmap_free(c->pm);
	record_close(c->rec);
	record_reader_free(c->rep);
	histr_free(c->hist);
	if (c->nsfd >= 0)
		close(c->nsfd);
	free((char *)c->o.netns);
	free((char *)c->o.record_path);
	free((char *)c->o.replay_path);
	free(c->proc_root);
	free(c);
}

int collector_netns_fd(const struct sw_collector *c)
{
	return c->nsfd;
}

bool collector_all_netns(const struct sw_collector *c)
{
	return c->all != NULL;
}

bool collector_replaying(const struct sw_collector *c)
{
	return c->rep != NULL;
}

/* ------------------------------------------------------------ sample */

struct kstat_ctx {
	struct sw_collector *c;
	struct sw_snapshot *s;
	int missing;
};

static void rec_text(void *arg, const char *name, const char *text, size_t len)
{
	record_kstat(arg, name, text, len);
}

static void kstat_fn(void *a)
{
	struct kstat_ctx *k = a;
	k->missing = kstat_read_texts(k->c->proc_root, &k->s->kstat,
				      k->c->rec ? rec_text : NULL, k->c->rec);
}

/* The names of the interfaces sockets are bound to, as the collected
 * namespace names them (so a -N view names its own interfaces). */
static void ifnames_fn(void *a)
{
	struct sw_snapshot *s = a;
	struct if_nameindex *ni = if_nameindex();
	for (struct if_nameindex *p = ni; p && p->if_index; p++)
		snapshot_add_ifname(s, p->if_index, p->if_name);
	if (ni)
		if_freenameindex(ni);
}

static void fill_ifnames(struct sw_collector *c, struct sw_snapshot *s)
{
	for (size_t i = 0; i < s->nconns; i++) {
		if (sw_conn_ifindex(&s->conns[i])) {
			collect_in_netns(c->nsfd, ifnames_fn, s);
			return;
		}
	}
}

/* A dump resumed under churn can repeat a socket (same cookie) or list a
 * TIME_WAIT entry beside the connection that reused its 4-tuple; a dump
 * the kernel flagged inconsistent on every retry is said so. */
static void dedupe(struct sw_snapshot *s, bool intr)
{
	if (intr) {
		snapshot_dedupe(s);
		s->notes |= SW_NOTE_DUMP_INTR;
	}
	snapshot_dedupe_tuples(s);
}

static void set_missing(struct sw_collector *c, struct sw_snapshot *s)
{
	uint8_t fam[2];
	int nf = nfamilies(c, fam);
	uint32_t all = INET_PROTOS;
	for (int i = 0; i < nf; i++) {
		int fi = fam[i] == AF_INET ? 0 : 1;
		all &= c->missing[fi] & ~c->procfs[fi];
	}
	s->protos_missing = all & c->protos;
	if (c->unix_missing && (c->protos & SW_PROTO_BIT(SW_PROTO_UNIX)))
		s->protos_missing |= SW_PROTO_BIT(SW_PROTO_UNIX);
}

/* Protocols with no socket in the netns are not dumped.  The "sockets"
 * column of /proc/net/protocols is per netns and counts hashed sockets,
 * which is exactly what a dump lists (checked for UDP, UDP-Lite and MPTCP:
 * unbound sockets are in neither).  An empty MPTCP dump still walks the
 * TCP listening hash: ~7% of a monitor refresh at 10k sockets.  TCP is
 * skipped only when neither family has a socket there and sockstat's
 * per-namespace tw is 0 (TIME_WAIT ones are not counted in protocols;
 * bound-only ones neither: never skipped when those are asked for): the
 * empty namespaces of -N all then cost no walk of the whole established
 * hash.  UNIX is always dumped; RAW and SCTP too (a missing sock_diag module is
 * only learnt from a dump's ENOENT).  Result: per family (v4, v6), protocols known
 * idle; 0 when unknown (file missing: dump everything). */
#define RESERVE_MAX (4u << 20) /* sockets room is made for before a dump */

struct idle_ctx {
	const char *proc_root;
	uint32_t idle[2];
	uint32_t protos;  /* the protocols asked for ... */
	size_t expect;    /* ... and how many sockets of them the namespace
			     counts (hashed, and TCP's TIME_WAIT): the
			     records to make room for */
	size_t room;      /* records the snapshot has room for already */
};

/* TIME_WAIT sockets in this thread's namespace, -1 when unknown. */
static long tw_count(const char *proc_root)
{
	char path[4096], line[512];
	snprintf(path, sizeof path, "%s/thread-self/net/sockstat", proc_root);
	FILE *fp = fopen(path, "re");
	long inuse, orphan, tw, n = -1;
	while (fp && fgets(line, sizeof line, fp))
		if (sscanf(line, "TCP: inuse %ld orphan %ld tw %ld", &inuse, &orphan, &tw) == 3)
			n = tw;
	if (fp)
		fclose(fp);
	return n;
}

static void idle_fn(void *a)
{
	static const struct {
		const char *name;
		int fam; /* 0 v4, 1 v6 */
		unsigned proto;
	} map[] = {
		{"UDP", 0, SW_PROTO_UDP},         {"UDPv6", 1, SW_PROTO_UDP},
		{"UDP-Lite", 0, SW_PROTO_UDPLITE}, {"UDPLITEv6", 1, SW_PROTO_UDPLITE},
		{"MPTCP", 0, SW_PROTO_MPTCP},     {"MPTCPv6", 1, SW_PROTO_MPTCP},
		{"TCP", 0, SW_PROTO_TCP},         {"TCPv6", 1, SW_PROTO_TCP},
	};
	struct idle_ctx *ic = a;
	char path[4096], line[512];
	snprintf(path, sizeof path, "%s/thread-self/net/protocols", ic->proc_root);
	FILE *fp = fopen(path, "re");
	if (!fp)
		return;
	while (fgets(line, sizeof line, fp)) {
		char name[32];
		long size, socks;
		if (sscanf(line, "%31s %ld %ld", name, &size, &socks) != 3 || socks < 0)
			continue;
		for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
			if (strcmp(name, map[i].name) != 0)
				continue;
			if (socks == 0)
				ic->idle[map[i].fam] |= SW_PROTO_BIT(map[i].proto);
			else if (ic->protos & SW_PROTO_BIT(map[i].proto))
				ic->expect += (size_t)(socks < RESERVE_MAX ? socks : RESERVE_MAX);
		}
	}
	fclose(fp);
	/* TCP: no hashed socket of either family, and no TIME_WAIT one
	 * (those are not counted there; sockstat's tw is per namespace) */
	uint32_t tcp = SW_PROTO_BIT(SW_PROTO_TCP);
	bool idle = (ic->idle[0] & ic->idle[1] & tcp) != 0;
	/* sockstat only when it decides something: an idle-looking TCP, or
	 * room to make (a monitor's recycled snapshot has it already) */
	if (!(ic->protos & tcp) || (!idle && ic->expect <= ic->room))
		return;
	long tw = tw_count(ic->proc_root);
	if (tw > 0)
		ic->expect += (size_t)(tw < RESERVE_MAX ? tw : RESERVE_MAX);
	if (idle && tw != 0)
		ic->idle[0] &= ~tcp, ic->idle[1] &= ~tcp;
}

static const char *fam_name(int family)
{
	return family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "UNIX";
}

/* Keep only records of the states in scope (a replay or a /proc text
 * cannot ask the kernel to filter). */
static void filter_states(struct sw_snapshot *s, size_t from, uint32_t states)
{
	if ((states & SW_STATE_ALL) == SW_STATE_ALL)
		return;
	size_t out = from;
	for (size_t i = from; i < s->nconns; i++) {
		unsigned st = s->conns[i].state;
		if (st < SW_ST_COUNT && (states & SW_STATE_BIT(st)))
			snapshot_move_conn(s, out++, i);
	}
	s->nconns = out;
}

/* Append the RAW records of one /proc/net/raw{,6} text (live or replayed)
 * and count RAW of that family as listed. */
static void procnet_apply(struct sw_collector *c, struct sw_snapshot *s,
			  int family, const char *text, size_t len)
{
	size_t mark = s->nconns;
	if (procnet_parse_raw(text, len, family, s, NULL) < 0)
		return;
	filter_states(s, mark, c->states);
	c->procfs[family == AF_INET ? 0 : 1] |= SW_PROTO_BIT(SW_PROTO_RAW);
	s->protos_done |= SW_PROTO_BIT(SW_PROTO_RAW);
	s->notes |= SW_NOTE_RAW_PROCFS;
}

struct procnet_ctx {
	struct sw_collector *c;
	struct sw_snapshot *s;
	uint8_t fam[2];
	int nf;
};

/* In the collected netns (helper thread for -N): read and apply the texts. */
static void procnet_fn(void *a)
{
	struct procnet_ctx *p = a;
	char *buf = NULL;
	size_t cap = 0;
	for (int i = 0; i < p->nf; i++) {
		const char *name = procnet_raw_name(p->fam[i]);
		long n = procnet_read(p->c->proc_root, name, &buf, &cap);
		if (n < 0)
			continue; /* e.g. IPv6 disabled: RAW stays missing there */
		if (p->c->rec)
			record_procnet(p->c->rec, name, buf, (size_t)n);
		procnet_apply(p->c, p->s, p->fam[i], buf, (size_t)n);
	}
	free(buf);
}

/* RAW from /proc for the families whose RAW dump answered ENOENT. */
static void raw_fallback(struct sw_collector *c, struct sw_snapshot *s,
			 const uint8_t fam[2], int nf)
{
	struct procnet_ctx p = {c, s, {0, 0}, 0};
	uint32_t raw = SW_PROTO_BIT(SW_PROTO_RAW);
	if (!(c->protos & raw))
		return;
	for (int f = 0; f < nf; f++)
		if (c->missing[fam[f] == AF_INET ? 0 : 1] & raw)
			p.fam[p.nf++] = fam[f];
	if (p.nf)
		collect_in_netns(c->nsfd, procnet_fn, &p);
}

static int sample_live(struct sw_collector *c, struct sw_snapshot *s, char *err,
		       size_t errlen)
{
	uint8_t fam[2];
	int nf = nfamilies(c, fam), r = 0;
	bool dups = false;
	uint32_t kst = kernel_states(c->states, c->o.bound);
	struct idle_ctx ic = {c->proc_root, {0, 0}, c->protos, 0, s->capconns - s->nconns};
	if (!c->rec && collect_in_netns(c->nsfd, idle_fn, &ic) < 0)
		ic.idle[0] = ic.idle[1] = 0; /* a recording keeps every dump */
	if (!c->rec) { /* room for the records before the dump (see snapshot_reserve);
			  beyond 4M sockets the arrays grow as before */
		size_t want = ic.expect < RESERVE_MAX ? ic.expect : RESERVE_MAX;
		snapshot_reserve(s, s->nconns + want + want / 16, (c->ext & SOCKDIAG_EXT_INFO) != 0);
	}

	memset(c->procfs, 0, sizeof c->procfs);
	if (c->rec) {
		struct rec_sample m;
		memset(&m, 0, sizeof m);
		m.real_sec = s->real_sec;
		m.mono_ns = s->mono_ns;
		sw_strlcpy(m.hostname, s->hostname, sizeof m.hostname);
		sw_strlcpy(m.netns, s->netns, sizeof m.netns);
		record_sample_begin(c->rec, &m);
	}
	/* TCP of both families: one dump, one walk of the shared hash tables
	 * (an empty IPv6 walk costs ~1 ms warm, 2.5-4 ms at a 1 Hz refresh,
	 * whatever the population).  Recordings keep
	 * one dump per family. */
	bool tcp_both = nf == 2 && !c->rec && !c->no_tcp_both &&
			(c->protos & SW_PROTO_BIT(SW_PROTO_TCP));
	if (kst & SW_STATE_BIT(SW_ST_BOUND_INACTIVE)) /* bound-only ones are not counted */
		ic.idle[0] &= ~SW_PROTO_BIT(SW_PROTO_TCP), ic.idle[1] &= ~SW_PROTO_BIT(SW_PROTO_TCP);
	if (tcp_both && (ic.idle[0] & ic.idle[1] & SW_PROTO_BIT(SW_PROTO_TCP))) {
		s->protos_done |= SW_PROTO_BIT(SW_PROTO_TCP); /* no TCP socket: no walk */
	} else if (tcp_both) {
		struct sockdiag_req q = {AF_UNSPEC, SW_PROTO_TCP, kst, c->ext,
				     c->has_ports ? c->ports : NULL};
		r = sockdiag_dump(c->sockdiag, &q, s, NULL, &dups);
		if (r == 0) {
			s->protos_done |= SW_PROTO_BIT(SW_PROTO_TCP);
		} else if (r == -ENOENT || r == -EINVAL || r == -EOPNOTSUPP) {
			c->no_tcp_both = true; /* ask per family from now on */
			tcp_both = false;
			r = 0;
		} else {
			snprintf(err, errlen, _("netlink dump of %s %s failed: %s"),
				 "IPv4/IPv6", sw_proto_name(SW_PROTO_TCP), strerror(-r));
			goto out;
		}
	}
	for (int f = 0; f < nf; f++) {
		uint32_t *miss = &c->missing[fam[f] == AF_INET ? 0 : 1];
		for (unsigned p = 0; p < SW_PROTO_UNIX; p++) {
			uint32_t bit = SW_PROTO_BIT(p);
			if (!(c->protos & bit) || (*miss & bit))
				continue;
			if (tcp_both && p == SW_PROTO_TCP)
				continue;
			if (ic.idle[fam[f] == AF_INET ? 0 : 1] & bit) {
				s->protos_done |= bit; /* no socket: nothing to list */
				continue;
			}
			struct sockdiag_req q = {fam[f], (uint8_t)p, kst, c->ext,
					     c->has_ports ? c->ports : NULL};
			r = sockdiag_dump(c->sockdiag, &q, s, c->rec, &dups);
			if (r == -ENOENT) {
				*miss |= bit; /* cached: not asked again */
				r = 0;
				continue;
			}
			if (r < 0) {
				snprintf(err, errlen, _("netlink dump of %s %s failed: %s"),
					 fam_name(fam[f]), sw_proto_name(p), strerror(-r));
				goto out;
			}
			s->protos_done |= bit;
		}
	}
	if ((c->protos & SW_PROTO_BIT(SW_PROTO_UNIX)) && !c->unix_missing) {
		struct sockdiag_req q = {AF_UNIX, SW_PROTO_UNIX, kst, c->ext};
		r = sockdiag_dump(c->sockdiag, &q, s, c->rec, &dups);
		if (r == -ENOENT) {
			c->unix_missing = true;
			r = 0;
		} else if (r < 0) {
			snprintf(err, errlen, _("netlink dump of %s %s failed: %s"),
				 fam_name(AF_UNIX), sw_proto_name(SW_PROTO_UNIX),
				 strerror(-r));
			goto out;
		} else {
			s->protos_done |= SW_PROTO_BIT(SW_PROTO_UNIX);
		}
	}
	raw_fallback(c, s, fam, nf);
	set_missing(c, s);
	dedupe(s, dups);
	fill_ifnames(c, s);
	if (c->o.kstat) {
		struct kstat_ctx k = {c, s, 0};
		if (collect_in_netns(c->nsfd, kstat_fn, &k) < 0)
			kstat_init(&s->kstat), k.missing = 1;
		s->have_kstat = true;
		if (k.missing)
			s->notes |= SW_NOTE_KSTAT_PARTIAL;
	}
out:
	if (c->rec) {
		uint64_t us = (sw_mono_ns() - s->mono_ns) / 1000;
		int w = record_sample_end(c->rec, us);
		if (w < 0 && r == 0) {
			snprintf(err, errlen, _("cannot write recording %s: %s"),
				 c->o.record_path, strerror(-w));
			r = w;
		}
	}
	return r;
}

struct replay_dump {
	bool active, skip;
	struct nlparse p;
	uint8_t family, proto;
};

static int replay_finish(struct sw_collector *c, struct sw_snapshot *s,
			 struct replay_dump *d, bool *dups, char *err, size_t errlen)
{
	if (!d->active || d->skip) {
		d->active = false;
		return 0;
	}
	d->active = false;
	int r = d->p.done ? d->p.status : -EBADMSG;
	const char *what = d->p.done ? strerror(-r) : _("dump without its end");
	if (r == -ENOENT) {
		if (d->proto == SW_PROTO_UNIX)
			c->unix_missing = true;
		else
			c->missing[d->family == AF_INET ? 0 : 1] |= SW_PROTO_BIT(d->proto);
		return 0;
	}
	if (r < 0) {
		snprintf(err, errlen, _("recording %s: %s %s dump: %s"),
			 c->o.replay_path, fam_name(d->family),
			 sw_proto_name(d->proto), what);
		return r;
	}
	if (d->p.intr)
		*dups = true;
	filter_states(s, d->p.mark_conns, c->states);
	s->protos_done |= SW_PROTO_BIT(d->proto);
	return 0;
}

static int sample_replay(struct sw_collector *c, struct sw_snapshot *s,
			 char *err, size_t errlen)
{
	size_t n = record_nsamples(c->rep);
	const struct rec_sample *m = NULL;
	if (c->rep_next >= n) {
		/* played to the end: start again, time keeps going forward */
		const struct rec_sample *first = record_seek_sample(c->rep, 0);
		c->rep_next = 0;
		if (first)
			c->rep_mono_off = c->rep_last_mono + 1000000000ull - first->mono_ns;
	}
	m = record_seek_sample(c->rep, c->rep_next++);
	if (!m) { /* read one sample at a time: the file changed under us */
		snprintf(err, errlen, _("%s: the recording changed while it was replayed"),
			 c->o.replay_path);
		return -EIO;
	}
	s->mono_ns = m->mono_ns + c->rep_mono_off;
	c->rep_last_mono = s->mono_ns;
	s->real_sec = m->real_sec;
	memcpy(s->hostname, m->hostname, sizeof s->hostname);
	s->hostname[sizeof s->hostname - 1] = '\0';
	memcpy(s->netns, m->netns, sizeof s->netns);
	s->netns[sizeof s->netns - 1] = '\0';
	s->notes |= SW_NOTE_REPLAY | SW_NOTE_NO_PROCS;

	uint8_t fam[2];
	int nf = nfamilies(c, fam);
	struct replay_dump d;
	struct rec_item it;
	bool dups = false, kst = false;
	int r = 0;
	memset(&d, 0, sizeof d);
	memset(c->missing, 0, sizeof c->missing);
	memset(c->procfs, 0, sizeof c->procfs);
	c->unix_missing = false;
	while (record_next(c->rep, &it)) {
		switch (it.type) {
		case REC_DUMP: {
			struct rec_dump rd;
			memcpy(&rd, it.data, sizeof rd);
			if ((r = replay_finish(c, s, &d, &dups, err, errlen)) < 0)
				return r;
			bool okfam = rd.sw_proto == SW_PROTO_UNIX ? rd.family == AF_UNIX
				     : (rd.family == AF_INET || rd.family == AF_INET6);
			if (rd.sw_proto >= SW_PROTO_COUNT || !okfam) {
				snprintf(err, errlen, _("recording %s: bad dump header"),
					 c->o.replay_path);
				return -EBADMSG;
			}
			d.active = true;
			d.family = rd.family;
			d.proto = rd.sw_proto;
			d.skip = !(c->protos & SW_PROTO_BIT(rd.sw_proto));
			if (rd.family != AF_UNIX &&
			    !((nf > 0 && fam[0] == rd.family) || (nf > 1 && fam[1] == rd.family)))
				d.skip = true;
			struct nlparse_req q = {rd.family, rd.sw_proto, rd.seq, rd.portid, true};
			nlparse_begin(&d.p, &q, s);
			break;
		}
		case REC_CHUNK:
			if (d.active && !d.skip && !d.p.done)
				nlparse_feed(&d.p, it.data, it.len);
			break;
		case REC_PROCNET: {
			int pf = strcmp(it.name, procnet_raw_name(AF_INET)) == 0 ? AF_INET
				 : strcmp(it.name, procnet_raw_name(AF_INET6)) == 0 ? AF_INET6
				 : AF_UNSPEC;
			bool want = pf != AF_UNSPEC &&
				    (c->protos & SW_PROTO_BIT(SW_PROTO_RAW)) &&
				    ((nf > 0 && fam[0] == pf) || (nf > 1 && fam[1] == pf));
			if (!want)
				break;
			/* the dumps before it are complete */
			if ((r = replay_finish(c, s, &d, &dups, err, errlen)) < 0)
				return r;
			procnet_apply(c, s, pf, it.text, it.textlen);
			break;
		}
		case REC_KSTAT:
			if (!c->o.kstat)
				break;
			if (!kst) {
				kstat_init(&s->kstat);
				kst = true;
			}
			if (kstat_apply(&s->kstat, it.name, it.text, it.textlen) < 0)
				s->notes |= SW_NOTE_KSTAT_PARTIAL;
			break;
		default:
			break;
		}
	}
	if ((r = replay_finish(c, s, &d, &dups, err, errlen)) < 0)
		return r;
	s->have_kstat = kst;
	set_missing(c, s);
	dedupe(s, dups);
	return 0;
}

/* ------------------------------------------------------------ history */

bool collect_is_history(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return true;
	int fd = sw_open_regular(path, O_RDONLY, 0);
	if (fd < 0)
		return false;
	char m[HF_MAGIC_LEN];
	bool yes = read(fd, m, sizeof m) == (ssize_t)sizeof m && hf_is_history(m, sizeof m);
	close(fd);
	return yes;
}

/* Keep what the scope asks for (a history holds every socket). */
static void hist_scope(struct sw_collector *c, struct sw_snapshot *s)
{
	uint8_t fam[2];
	int nf = nfamilies(c, fam);
	size_t out = 0;
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *k = &s->conns[i];
		bool fam_ok = k->family == AF_UNIX || (nf > 0 && fam[0] == k->family) ||
			      (nf > 1 && fam[1] == k->family);
		if (fam_ok && (c->protos & SW_PROTO_BIT(k->proto)))
			snapshot_move_conn(s, out++, i);
	}
	s->nconns = out;
	filter_states(s, 0, c->states);
}

static int sample_history(struct sw_collector *c, struct sw_snapshot *s, char *err,
			  size_t errlen)
{
	int r = 0;
	bool first = !c->hist_started;
	int64_t from = c->o.replay_range ? c->o.replay_from : INT64_MIN;
	if (first) {
		r = histr_seek(c->hist, from);
		/* the seek lands at or before from: the window starts after */
		while (r == 0 && histr_current(c->hist)->real_sec < from)
			r = histr_next(c->hist);
	} else if (!c->hist_hold) {
		r = histr_next(c->hist);
	}
	c->hist_started = true;
	c->hist_hold = false;
	const struct sw_snapshot *h = histr_current(c->hist);
	if (r < 0 || !h || (c->o.replay_range && h->real_sec > c->o.replay_to)) {
		if (first)
			snprintf(err, errlen, c->o.replay_range
				 ? _("%s: no sample in the window of --from/--to")
				 : _("%s: no sample in the recording"), c->o.replay_path);
		else
			snprintf(err, errlen, _("%s: no more samples in the recording"),
				 c->o.replay_path);
		return -ENODATA;
	}
	hf_snapshot_copy(s, h);
	s->notes |= SW_NOTE_REPLAY;
	hist_scope(c, s);
	return 0;
}

struct histr *collector_history(const struct sw_collector *c)
{
	return c->hist;
}

int collector_history_events(const struct sw_collector *c, struct sw_snapshot *ev,
			     uint64_t *dropped_total)
{
	snapshot_clear(ev);
	if (!c->hist || !c->hist_started)
		return 0;
	return histr_peek_events(c->hist, !c->hist_hold, ev, dropped_total);
}

void collector_history_moved(struct sw_collector *c)
{
	c->hist_started = c->hist_hold = true;
}

int collector_sample(struct sw_collector *c, struct sw_snapshot *s, char *err,
		     size_t errlen)
{
	snapshot_clear(s);
	s->detail = c->o.details;
	uint64_t t0 = sw_mono_ns();
	int r;

	if (c->hist) {
		r = sample_history(c, s, err, errlen);
	} else if (c->rep) {
		r = sample_replay(c, s, err, errlen);
	} else {
		s->real_sec = (int64_t)time(NULL);
		if (gethostname(s->hostname, sizeof s->hostname) != 0)
			s->hostname[0] = '\0';
		s->hostname[sizeof s->hostname - 1] = '\0';
		sw_strlcpy(s->netns, c->label, sizeof s->netns);
		bool prep = c->pm && procmap_prepare(c->pm) == 0;
		(void)prep; /* on failure procmap_attach tries again and says so */
		/* the sample's time is the dump's (byte rates divide by it) */
		s->mono_ns = sw_mono_ns();
		r = c->all ? nsall_sample(c->all, c, s, err, errlen)
			   : sample_live(c, s, err, errlen);
		if (r == 0) {
			if (c->pm) {
				if (procmap_attach(c->pm, s) < 0)
					s->notes |= SW_NOTE_NO_PROCS;
			} else {
				s->notes |= SW_NOTE_NO_PROCS;
			}
		}
	}
	s->collect_ms = (double)(sw_mono_ns() - t0) / 1e6;
	return r;
}

/* collector_sample from one helper thread that entered the namespace once
 * (-N all: one thread per namespace and refresh instead of one for the
 * protocol census, one for RAW from /proc and one for kstat). */
struct inside_ctx {
	struct sw_collector *c;
	struct sw_snapshot *s;
	char *err;
	size_t errlen;
	int r;
};

static void inside_fn(void *a)
{
	struct inside_ctx *x = a;
	int nsfd = x->c->nsfd;
	x->c->nsfd = -1; /* this thread is in it already */
	x->r = collector_sample(x->c, x->s, x->err, x->errlen);
	x->c->nsfd = nsfd;
}

int collector_sample_inside(struct sw_collector *c, struct sw_snapshot *s, char *err,
			    size_t errlen)
{
	if (c->nsfd < 0 || c->rep)
		return collector_sample(c, s, err, errlen);
	struct inside_ctx x = {c, s, err, errlen, 0};
	int r = collect_in_netns(c->nsfd, inside_fn, &x);
	if (r < 0) {
		snprintf(err, errlen, _("cannot enter network namespace %s: %s"), c->label,
			 strerror(-r));
		return r;
	}
	return x.r;
}

int collector_destroy_ns(struct sw_collector *c, const struct sw_conn *conn,
			 uint64_t ns_inode)
{
	if (c->all)
		return nsall_destroy(c->all, conn, ns_inode);
	return collector_destroy(c, conn);
}

int collector_destroy(struct sw_collector *c, const struct sw_conn *conn)
{
	if (c->all)
		return -EINVAL; /* which namespace? collector_destroy_ns */
	if (!c->sockdiag)
		return -EOPNOTSUPP; /* replay */
	if (conn->proto == SW_PROTO_RAW && procnet_cookie_is_synthetic(conn->cookie))
		return -EOPNOTSUPP; /* listed from /proc: no raw_diag to destroy with */
	return sockdiag_destroy(c->sockdiag, conn);
}
