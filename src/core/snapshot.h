/* SPDX-License-Identifier: GPL-2.0-or-later */
/* snapshot.h - one collection pass: every socket, the processes holding
 * them, kernel settings and counters, timestamped.
 *
 * A snapshot owns all its memory (arrays grow by doubling; nothing is
 * allocated per socket).  It is filled by the collector (or by a replayed
 * recording, or by tests by hand) and then handed to the model.
 */
#ifndef SW_SNAPSHOT_H
#define SW_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conn.h"

/* A process holding at least one socket. */
struct sw_proc {
	int32_t pid;
	uint32_t uid;         /* real uid of the process */
	uint64_t starttime;   /* /proc/<pid>/stat field 22 (clock ticks since boot) */
	char comm[16];        /* NUL-terminated */
	uint32_t cmdline_off; /* string pool: argv joined with spaces */
	uint32_t cmdline_len; /* 0: unknown / kernel thread */
};

/* One (socket, process, fd) link.  Entries for one socket are contiguous:
 * conn.owners_off .. owners_off + owners_n - 1, except that a socket's
 * only owner is kept in the record itself when it fits (SW_CF_OWNER1:
 * owners_off = proc << SW_OWNER1_FD_BITS | (fd + 1)): most sockets have
 * one, and at a million sockets the array would be 8 MB a snapshot.
 * snapshot_owner() reads either; snapshot_add_owner() writes. */
struct sw_owner {
	uint32_t proc; /* index into snapshot procs[] */
	int32_t fd;
};
#define SW_OWNER1_FD_BITS 20 /* fds -1 .. 2^20 - 2 (fs.nr_open is 2^20) */

/* Kernel settings (sysctls of the collected netns) and counters. */
#define SW_KSTAT_MAX_COUNTERS 640
struct sw_counter {
	char group[16]; /* "TcpExt", "IpExt", "Tcp", "Udp", "Ip", ... */
	char name[40];
	uint64_t value;
};

struct sw_kstat {
	/* -1 where unknown (file missing or unreadable) */
	int port_lo, port_hi;     /* net.ipv4.ip_local_port_range */
	int tcp_tw_reuse;
	int tcp_fin_timeout;
	int tcp_max_tw_buckets;
	int tcp_max_syn_backlog;
	int somaxconn;            /* net.core.somaxconn */
	int tcp_syncookies;
	int tcp_tw_recycle;       /* gone since 4.12: -1 */
	int tcp_timestamps;       /* TIME_WAIT reuse needs it on */
	int tcp_tw_reuse_delay;   /* ms a TIME_WAIT entry must age before reuse (6.13+) */
	int netns_init;           /* 1: the initial netns (counters since boot),
	                             0: another one (since it was created), -1 unknown */
	char reserved_ports[128]; /* net.ipv4.ip_local_reserved_ports ("" none) */
	/* /proc/net/sockstat */
	int sockstat_tw, sockstat_orphan, sockstat_inuse, sockstat_mem_pages;
	size_t ncounters;
	struct sw_counter counters[SW_KSTAT_MAX_COUNTERS];
};

/* snapshot.notes bits: things the user should be told once. */
enum {
	SW_NOTE_NOT_ROOT = 1u << 0,       /* processes of other users hidden */
	SW_NOTE_PROCS_PARTIAL = 1u << 1,  /* some /proc/<pid>/fd unreadable */
	SW_NOTE_NO_PROCS = 1u << 2,       /* process mapping not done */
	SW_NOTE_REPLAY = 1u << 3,         /* data came from a recording */
	SW_NOTE_KSTAT_PARTIAL = 1u << 4,  /* some sysctl/counter unreadable */
	SW_NOTE_RAW_PROCFS = 1u << 5,     /* RAW sockets read from /proc/net/raw{,6}
	                                     (no raw_diag module) */
	SW_NOTE_DUMP_INTR = 1u << 6,      /* the kernel flagged a dump inconsistent
	                                     (NLM_F_DUMP_INTR) on every retry:
	                                     duplicates were removed, a socket
	                                     may be missing */
	SW_NOTE_NETNS_PARTIAL = 1u << 7,  /* -N all: some namespaces could not be
	                                     entered (sw_nsinfo.err; needs root) */
};

/* An interface name by index, as the collected namespace names it. */
struct sw_ifname {
	uint32_t index;
	char name[16];     /* IF_NAMESIZE */
	uint64_t ns_inode; /* its namespace in a snapshot of several, else 0 */
};

/* Where a namespace's label comes from (sw_nsinfo.kind). */
enum sw_ns_kind {
	SW_NSK_INODE,     /* nothing better: "net:[INODE]" */
	SW_NSK_HOST,      /* the initial namespace (pid 1's): "host" */
	SW_NSK_NAMED,     /* a bind mount: /run/netns/NAME, a runtime's dir */
	SW_NSK_CONTAINER, /* a container runtime's cgroup (cgname.h) */
	SW_NSK_UNIT,      /* a systemd unit's cgroup (PrivateNetwork=) */
};

/* One network namespace of a snapshot collected from several (-N all):
 * conn.ns indexes snapshot.nss[]. */
struct sw_nsinfo {
	uint64_t inode;     /* nsfs inode: the namespace's identity */
	int32_t pid;        /* a process in it, 0: held only by a bind mount */
	uint32_t nconns;    /* its sockets in the snapshot */
	int32_t err;        /* errno when it could not be entered (listed,
	                       no sockets), 0 when collected */
	uint8_t kind;       /* enum sw_ns_kind */
	bool have_kstat;    /* snapshot.nskstat[i] read in it */
	char label[64];     /* what the namespace column shows */
	char runtime[16];   /* "docker", "podman", ..., "netns" (named) */
	char path[96];      /* how it was entered: a bind mount or /proc/PID/ns/net */
};

struct sw_snapshot {
	uint64_t mono_ns;  /* CLOCK_MONOTONIC when collection started */
	int64_t real_sec;  /* CLOCK_REALTIME seconds, for display/JSON */
	double collect_ms; /* how long the collection took */

	struct sw_conn *conns;
	size_t nconns, capconns;
	struct sw_atab *atab; /* the records' addresses (conn.atab); made by
	                         the first snapshot_set_addr */

	struct sw_tcpx *tcpx;
	size_t ntcpx, captcpx;

	/* Details (the rest of tcp_info, cgroup, mark, all of skmem), kept
	 * only when `detail` is set, packed per socket in dpack[] (the zero
	 * 32-bit words left out: ~70 bytes a socket instead of 192, 120 MB
	 * less at a million); dpack_at[i] is the offset of conns[i]'s
	 * record, SW_NONE when it has none (so are the records from
	 * ndpack_at on: the monitor keeps no details and no room for them in
	 * each record).  Records move within a snapshot with
	 * snapshot_move_conn(), which moves that too.  snapshot_get_detail()
	 * and snapshot_get_tcpd() unpack. */
	bool detail;
	uint8_t *dpack;
	size_t dpacklen, dpackcap;
	uint32_t *dpack_at;
	size_t ndpack_at, capdpack_at;

	struct sw_proc *procs;
	size_t nprocs, capprocs;

	struct sw_owner *owners;
	size_t nowners, capowners;

	char *pool; /* string pool; offset 0 is always "" */
	size_t poollen, poolcap;
	uint32_t intern[8]; /* snapshot_intern(): pool offsets of short */
	unsigned nintern;   /* strings stored once (congestion names) */

	/* Names of the interfaces sockets are bound to (conn.ifindex), read in
	 * the namespace the sockets were collected in; filled only when some
	 * socket is bound to one. */
	struct sw_ifname *ifnames;
	size_t nifnames, capifnames;

	/* Network namespaces of a snapshot collected from several (-N all);
	 * nns == 0: one namespace (snapshot.netns).  nskstat[i]: the
	 * settings and counters read in nss[i] (the per-namespace sysctls). */
	struct sw_nsinfo *nss;
	size_t nns, capnss;
	struct sw_kstat *nskstat;
	size_t capnskstat;

	uint32_t *dedupe_slots; /* the dedupe hashes' table, kept between */
	size_t capdedupe;       /* refreshes (no allocation per refresh) */

	struct sw_kstat kstat;
	bool have_kstat;

	uint32_t protos_done;     /* SW_PROTO_BIT of protocols dumped */
	uint32_t protos_missing;  /* kernel has no diag module (ENOENT) */
	uint32_t notes;           /* SW_NOTE_* */
	unsigned procs_unreadable;/* processes whose fds could not be read */
	char netns[64];           /* name or path collected in, "" = own */
	char hostname[64];
};

/* s's address table (made on first use). */
struct sw_atab *snapshot_atab(struct sw_snapshot *s);
/* Set one address of c, a record of s (remote: the remote one). */
void snapshot_set_addr(struct sw_snapshot *s, struct sw_conn *c, bool remote,
		       const uint8_t addr[16]);
/* c, a record of s copied from another snapshot's record: its addresses
 * into s's table. */
void snapshot_rehome(struct sw_snapshot *s, struct sw_conn *c);

/* An empty snapshot that keeps details (detail = true). */
void snapshot_init(struct sw_snapshot *s);
void snapshot_done(struct sw_snapshot *s);
/* Forget contents, keep allocations (reuse across refreshes) and the
 * detail setting. */
void snapshot_clear(struct sw_snapshot *s);
/* An emptied snapshot kept for reuse that is better freed: its records'
 * room takes more than keep_bytes, or is over four times what the latest
 * sample holds (`now` records: after a spike, 100k sockets then 1k). */
bool snapshot_oversized(const struct sw_snapshot *s, size_t now, size_t keep_bytes);

/* Append a zeroed record and return it (pointer valid until next add). */
struct sw_conn *snapshot_add_conn(struct sw_snapshot *s);
/* Room for nconns records (and as many tcp_info extras when tcpx) before a
 * collection that expects about that many: the arrays are then made once,
 * at their size, and ones of megabytes are mapped with huge pages from the
 * start (xgrow) instead of doubling through mremap with small pages.  A
 * sorted listing reads its records in sort order, not in the order they
 * were made, and with 4 KB pages at 100k sockets that was a TLB miss a
 * row.  Fewer than 16384: nothing done. */
void snapshot_reserve(struct sw_snapshot *s, size_t nconns, bool tcpx);
/* Append a tcpx record for conns[ci] and link it; returns it, zeroed. */
struct sw_tcpx *snapshot_add_tcpx(struct sw_snapshot *s, size_t ci);
/* conns[to] = conns[from] with its details (to <= from: compacting). */
void snapshot_move_conn(struct sw_snapshot *s, size_t to, size_t from);
/* Store the details of conns[ci] (either may be NULL: not sent), once per
 * socket; nothing when the snapshot keeps no details. */
void snapshot_set_details(struct sw_snapshot *s, size_t ci, const struct sw_conn_detail *d,
			  const struct sw_tcpd *t);
/* Store bytes (not necessarily NUL-terminated, may contain NULs) in the
 * pool; a NUL is appended.  Returns the offset. */
uint32_t snapshot_pool_add(struct sw_snapshot *s, const void *p, size_t len);
static inline const char *snapshot_str(const struct sw_snapshot *s, uint32_t off)
{
	return s->pool + off;
}
/* Like snapshot_pool_add for short strings repeated across records (up
 * to 8 distinct ones are stored once; more are simply added). */
uint32_t snapshot_intern(struct sw_snapshot *s, const char *p, size_t len);
size_t snapshot_add_proc(struct sw_snapshot *s, const struct sw_proc *p);
/* One more owner of c, a record of s (its owners_n counts it; at most
 * SW_OWNERS_MAX).  A record's owners are added one after another, with no
 * other record's in between, after sw_conn_owners_clear(c). */
void snapshot_add_owner(struct sw_snapshot *s, struct sw_conn *c, uint32_t proc, int32_t fd);
/* c has no owner (a copy's owners belong to its source's snapshot). */
static inline void sw_conn_owners_clear(struct sw_conn *c)
{
	c->owners_off = 0;
	c->owners_n = 0;
	c->flags &= (uint8_t)~SW_CF_OWNER1;
}
/* Copy src->conns[ci] into dst with what it references: tcp_info (and its
 * details), cgroup and mark, UNIX name, owners and their processes.
 * pmap[] has one entry per src process, SW_NONE until that process is
 * copied (then its index in dst): set it to SW_NONE before the first copy
 * from a src.  A record whose tcp_info src no longer holds gets none.
 * Returns the copy's index. */
size_t snapshot_copy_conn(struct sw_snapshot *dst, const struct sw_snapshot *src, size_t ci,
			  uint32_t *pmap);
/* src's details of c, stored for dst's conns[di]. */
void snapshot_copy_details(struct sw_snapshot *dst, size_t di, const struct sw_snapshot *src,
			   const struct sw_conn *c);

static inline const struct sw_tcpx *snapshot_tcpx(const struct sw_snapshot *s,
						  const struct sw_conn *c)
{
	uint32_t x = sw_conn_tcpx(c);
	return x < s->ntcpx ? &s->tcpx[x] : NULL; /* SW_NONE too */
}
/* The details of c into *out: false (and *out zeroed) when none were kept
 * or sent. */
bool snapshot_get_detail(const struct sw_snapshot *s, const struct sw_conn *c,
			 struct sw_conn_detail *out);
bool snapshot_get_tcpd(const struct sw_snapshot *s, const struct sw_conn *c,
		       struct sw_tcpd *out);
/* Congestion control name of t ("" unknown). */
static inline const char *snapshot_cong(const struct sw_snapshot *s, const struct sw_tcpx *t)
{
	return t->cong_off < s->poollen ? s->pool + t->cong_off : "";
}
/* Owner i of c into *o; false if c has no such owner (or the snapshot
 * does not hold it). */
static inline bool snapshot_owner(const struct sw_snapshot *s, const struct sw_conn *c,
				  size_t i, struct sw_owner *o)
{
	o->proc = SW_NONE; /* (what a caller that ignores false reads) */
	o->fd = -1;
	if (i >= c->owners_n)
		return false;
	if (c->flags & SW_CF_OWNER1) {
		o->proc = c->owners_off >> SW_OWNER1_FD_BITS;
		o->fd = (int32_t)(c->owners_off & ((1u << SW_OWNER1_FD_BITS) - 1)) - 1;
		return true;
	}
	if (c->owners_off + i >= s->nowners)
		return false;
	*o = s->owners[c->owners_off + i];
	return true;
}
/* Owning process i of c, or NULL. */
const struct sw_proc *snapshot_owner_proc(const struct sw_snapshot *s,
					  const struct sw_conn *c, size_t i);

/* Remove duplicate cookies (dumps resumed under churn can repeat a socket);
 * keeps the last seen.  O(n) with a hash. */
void snapshot_dedupe(struct sw_snapshot *s);

/* A connected TCP (or MPTCP) socket is the only one on its 4-tuple in a
 * network namespace.  A dump resumed under churn can list both a TIME_WAIT
 * entry and the new connection that reused its 4-tuple (tcp_tw_reuse):
 * keep the newer (the one not in TIME_WAIT; of two TIME_WAIT entries the
 * one with more time left; else the later record).  Returns how many
 * records were dropped.  O(n) with a hash. */
size_t snapshot_dedupe_tuples(struct sw_snapshot *s);

/* Interface names (see sw_snapshot.ifnames).  snapshot_ifname: NULL when
 * the index is not known. */
void snapshot_add_ifname(struct sw_snapshot *s, uint32_t index, const char *name);
const char *snapshot_ifname(const struct sw_snapshot *s, uint32_t index);
/* Add to dst the interface names of src it does not have. */
void snapshot_merge_ifnames(struct sw_snapshot *dst, const struct sw_snapshot *src);
/* Add src's names (one namespace's) to dst as those of namespace ns_inode. */
void snapshot_append_ifnames(struct sw_snapshot *dst, const struct sw_snapshot *src,
			     uint64_t ns_inode);

/* Interface name of c's ifindex in c's namespace, or NULL. */
const char *snapshot_conn_ifname(const struct sw_snapshot *s, const struct sw_conn *c);

/* The namespace table (snapns.c).  snapshot_add_ns: append a copy of ns
 * (nconns and have_kstat reset) and return its index, SW_NONE when the
 * table is full (65,535). */
uint32_t snapshot_add_ns(struct sw_snapshot *s, const struct sw_nsinfo *ns);
/* c's namespace, NULL in a snapshot of one namespace. */
static inline const struct sw_nsinfo *snapshot_ns(const struct sw_snapshot *s,
						  const struct sw_conn *c)
{
	return s && c->ns < s->nns ? &s->nss[c->ns] : NULL;
}
/* The kstat read in namespace i, NULL when none was. */
const struct sw_kstat *snapshot_ns_kstat(const struct sw_snapshot *s, size_t i);
/* Index in dst of src's namespace i (added when dst lacks it). */
uint32_t snapshot_ns_intern(struct sw_snapshot *dst, const struct sw_snapshot *src, size_t i);
/* Append every socket of src (one namespace's collection) to dst as
 * namespace ns of dst (from snapshot_add_ns), with its tcp_info, details,
 * names and interface names; processes are not copied (the caller maps
 * the merged snapshot).  src's kstat becomes dst's nskstat[ns].  Protocols
 * done/missing and notes are combined. */
void snapshot_append(struct sw_snapshot *dst, const struct sw_snapshot *src, uint32_t ns);
/* Label of c's namespace ("" in a snapshot of one). */
const char *snapshot_ns_label(const struct sw_snapshot *s, const struct sw_conn *c);

/* Counter lookup by group and name; returns false if absent. */
bool kstat_counter(const struct sw_kstat *k, const char *group,
		   const char *name, uint64_t *value);

#endif
