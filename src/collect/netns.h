/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netns.h - every network namespace on the host (-N all): discovery,
 * labels, running code inside each, and collecting all of them into one
 * snapshot.
 *
 * A namespace is found by the distinct inodes of /proc/PID/ns/net and by
 * its bind mounts (/run/netns, /var/run/netns, /run/docker/netns and any
 * nsfs mount in /proc/self/mountinfo).  It is entered only by helper
 * threads (setns in a thread, never in the caller's), like -N.
 */
#ifndef SW_NETNS_H
#define SW_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

struct sw_collect_opts;
struct sw_collector;

/* One namespace found: info.inode, label, kind, runtime, pid; path is how
 * to enter it (a bind mount, else /proc/PID/ns/net; "" for our own). */
struct sw_nsent {
	struct sw_nsinfo info;
	bool own;     /* the namespace sockwatch runs in */
	int err;      /* -errno from a failed netns_each entry, else 0 */
};

struct sw_nslist {
	struct sw_nsent *v;
	size_t n, cap;
	uint64_t own_inode;  /* our namespace */
	uint64_t init_inode; /* pid 1's ("host"), 0 unknown */
};

/* Find every namespace (list cleared first), labelled, sorted by label
 * (our own first).  proc_root: NULL for /proc.  0 or -errno when
 * proc_root cannot be listed. */
int netns_discover(const char *proc_root, struct sw_nslist *l);
void netns_list_done(struct sw_nslist *l);

/* Run fn(e, arg) inside each namespace of l, one helper thread each (our
 * own: right in the calling thread, which never leaves it).  A namespace that vanished since
 * discovery is skipped quietly (e->err = -ENOENT); one that cannot be
 * entered (no root: -EPERM, -EACCES) gets e->err and is skipped.  Returns
 * how many ran fn. */
size_t netns_each(struct sw_nslist *l, void (*fn)(const struct sw_nsent *e, void *arg),
		  void *arg);

/* Label helpers (also used by tests): the label for a namespace whose
 * bind mount is path (NULL none) and whose process has cgroup text cg
 * (NULL none). */
void netns_label(struct sw_nsinfo *ns, const char *mount, const char *cg, size_t cglen);

/* ---- collecting every namespace (the collector's -N all) ---- */
struct sw_nsall;
struct sw_nsall *nsall_new(const struct sw_collect_opts *o, const char *proc_root);
void nsall_free(struct sw_nsall *a);
/* Discover, collect each namespace with the settings of tmpl (scope,
 * extras, ports, details), merge into s (s->nss: one entry per namespace,
 * including those that could not be entered).  Processes are not mapped
 * (the caller maps the merged snapshot).  0 or -errno with err. */
int nsall_sample(struct sw_nsall *a, const struct sw_collector *tmpl, struct sw_snapshot *s,
		 char *err, size_t errlen);
/* SOCK_DESTROY c in the namespace ns_inode: -ENOENT when it is gone. */
int nsall_destroy(struct sw_nsall *a, const struct sw_conn *c, uint64_t ns_inode);

#endif
