/* SPDX-License-Identifier: GPL-2.0-or-later */
/* collect.h - the collector facade: one call fills a snapshot from the
 * kernel (or from a recording).  No libmnl or curses types leak out, so
 * main.c and the UI loop include this without pulling in netlink headers.
 */
#ifndef SW_COLLECT_H
#define SW_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/snapshot.h"

struct sw_collect_opts {
	uint32_t protos;         /* SW_PROTO_BIT mask; 0 = all */
	uint32_t states;         /* SW_STATE_BIT mask asked of the kernel; 0 = all */
	bool inet4, inet6;       /* both false = both families */
	bool tcpinfo;            /* tcp_info, congestion, skmem (cheap; default on) */
	bool details;            /* keep all of tcp_info, skmem and the cgroup
	                            (snapshot.detail, for JSON); without, only
	                            what columns, rates and diagnoses use */
	bool bound;              /* ask for bound-only TCP sockets when the state
	                            mask has SW_ST_BOUND_INACTIVE (bind() without
	                            listen/connect; the kernel then walks its whole
	                            bind table: +6-25% dump time); ss -a leaves
	                            them out */
	bool procs;              /* map sockets to processes */
	bool kstat;              /* sysctls and /proc/net counters */
	const char *netns;       /* NULL: own; a name in /var/run/netns or a path;
	                            "all": every namespace (netns.h), merged */
	const char *record_path; /* save raw replies here */
	const char *replay_path; /* read a recording instead of the kernel: the raw
	                            kernel replies of --record FILE, or a history
	                            (--record-dir: a directory or a segment) */
	bool replay_range;       /* a history: only samples from replay_from ... */
	int64_t replay_from, replay_to; /* ... to replay_to (Unix seconds) */
	FILE *replay_warn;       /* damaged history parts are reported here (NULL: not) */
	const char *proc_root;   /* NULL: "/proc" */
	const char *label;       /* snapshot.netns; NULL: netns as given */
};

struct sw_collector;
struct histr;

/* NULL with a translated message in err on failure (e.g. unknown netns,
 * unreadable recording, netlink unavailable). */
struct sw_collector *collector_new(const struct sw_collect_opts *o, char *err,
				   size_t errlen);
void collector_free(struct sw_collector *c);
/* No sample will follow (a single batch listing): free what is kept only
 * to make the next one cheaper (the process map's inode index and fd
 * lists: ~38 MB at a million sockets). */
void collector_last_sample(struct sw_collector *c);
/* Clear s and fill it.  0 or -errno (message in err).  Missing protocols
 * (ENOENT) are not errors: they are recorded in s->protos_missing. */
int collector_sample(struct sw_collector *c, struct sw_snapshot *s, char *err,
		     size_t errlen);
/* With tcpinfo: whether to ask for congestion names and socket memory too
 * (the monitor asks only while a column shows them; tcp_info itself stays),
 * and the bound option (see sw_collect_opts). */
void collector_set_extras(struct sw_collector *c, bool cong, bool mem, bool bound);
/* Change what is asked of the kernel (e.g. when the UI filter changes). */
/* Keep detail records (sw_collect_opts.details) from the next sample on:
 * the monitor turns them on while its filter uses fwmark or cgroup. */
void collector_set_details(struct sw_collector *c, bool details);
void collector_set_scope(struct sw_collector *c, uint32_t protos, uint32_t states);

/* Let the kernel drop inet sockets whose local port is outside
 * [sport[0], sport[1]] or remote port outside [dport[0], dport[1]]
 * (filter_port_hints gives these for a filter); NULL, NULL: no port
 * constraint.  UNIX sockets are not affected. */
void collector_set_ports(struct sw_collector *c, const uint16_t sport[2],
			 const uint16_t dport[2]);

/* Whether path is a history (a directory, or a file starting with the
 * history magic) rather than a raw --record file. */
bool collect_is_history(const char *path);
/* The history being replayed, or NULL (live, or a raw recording).  After
 * moving it (histr_seek/next/prev), call collector_history_moved: the
 * next collector_sample then gives that sample instead of the one after. */
struct histr *collector_history(const struct sw_collector *c);
void collector_history_moved(struct sw_collector *c);
/* Replaying a history: the close events recorded with the sample the next
 * collector_sample gives (histr_peek_events: the next one, or the position
 * after a move); 0 (none) before the first sample. */
int collector_history_events(const struct sw_collector *c, struct sw_snapshot *ev,
			     uint64_t *dropped_total);

/* Close a socket via SOCK_DESTROY (as ss -K), using the dumped id and
 * cookie.  0, or -errno: -EPERM (needs CAP_NET_ADMIN), -EOPNOTSUPP (kernel
 * or protocol cannot), -ENOENT (already gone). */
int collector_destroy(struct sw_collector *c, const struct sw_conn *conn);
/* The namespace collected (an fd for collect_in_netns), -1: our own. */
int collector_netns_fd(const struct sw_collector *c);
/* Samples span every network namespace (-N all). */
bool collector_all_netns(const struct sw_collector *c);
/* Samples come from a recording (--replay), not the kernel. */
bool collector_replaying(const struct sw_collector *c);

/* collector_sample, all of it from one helper thread inside the
 * collector's namespace (-N all samples each namespace so). */
int collector_sample_inside(struct sw_collector *c, struct sw_snapshot *s, char *err,
			    size_t errlen);
/* -N all: close conn in its namespace (sw_nsinfo.inode; ignored with one
 * namespace).  -ENOENT when that namespace is gone. */
int collector_destroy_ns(struct sw_collector *c, const struct sw_conn *conn,
			 uint64_t ns_inode);
/* Give dst src's scope, ports, extras and details (-N all: each
 * namespace's collector follows the main one's settings). */
void collector_copy_settings(struct sw_collector *dst, const struct sw_collector *src);

/* Open a -N namespace (a name in /var/run/netns or a path; the path used
 * goes to path): fd, -errno, -SW_ENOTREG(mode) (a FIFO never blocks) or
 * -EINVAL when it is a regular file but no namespace. */
int collect_netns_open(const char *netns, char *path, size_t len);

/* Run fn(arg) in a thread inside the netns nsfd (from collect_netns_open;
 * -1: right here): sockets fn creates belong to that namespace.  0 or
 * -errno of setns/pthread_create. */
int collect_in_netns(int nsfd, void (*fn)(void *), void *arg);

/* Send sig to pid only if it is still the process with this starttime
 * (pidfd-verified; no pid-reuse race).  0 or -errno: -ESRCH gone (or pid
 * reused), -EPERM not allowed, -EOWNERDEAD a zombie (exited, not reaped by
 * its parent: nothing is sent, a signal would do nothing). */
int proc_signal_verified(int pid, uint64_t starttime, int sig);
/* The parent of pid (/proc/<pid>/stat field 4) and its name: 0 or -errno. */
int proc_parent(int pid, int *ppid, char comm[16]);
/* The starttime (/proc/<pid>/stat field 22, clock ticks since boot) of pid,
 * as proc_signal_verified() compares it.  0 or -errno (-ESRCH gone). */
int proc_starttime(int pid, uint64_t *starttime);

#endif
