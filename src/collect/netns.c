/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netns.c - every network namespace on the host (see netns.h).
 *
 * Discovery, each refresh (cheap: one stat per process, one read of
 * /proc/self/mountinfo):
 *  - /proc/PID/ns/net of every process: its inode identifies the
 *    namespace; the lowest pid in it is kept (a container's init);
 *  - nsfs bind mounts: /proc/self/mountinfo lines of type nsfs whose root is
 *    "net:[INODE]" (ip netns' /run/netns and /var/run/netns, docker's
 *    /run/docker/netns, any other runtime's), then the same directories
 *    listed directly (a mount made in another mount namespace can still be
 *    opened there).
 * Labels: the ip-netns name; else the container or unit from the cgroup
 * path of the namespace's lowest pid (cgname.c); else a runtime's mount
 * name ("docker:SANDBOX"); else "net:[INODE]".  Pid 1's namespace is
 * "host"; ours, when it is not pid 1's (or that cannot be read) and has no
 * name or container, "self".
 *
 * Collecting (-N all): one sub-collector per namespace, kept across
 * refreshes by inode (its sockets were created inside by a helper thread,
 * collect.c) and freed when the namespace is no longer found, so that
 * sockwatch does not keep a dead namespace alive.  Each refresh samples
 * them into a snapshot of their own, from up to NSALL_WORKERS threads at
 * once (one per CPU: each dump is the kernel walking its hash tables,
 * which runs in parallel), then appends them to the merged one in list
 * order (snapshot_append), with the namespace's kstat read in it.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cgname.h"
#include "core/i18n.h"
#include "core/safefile.h"
#include "core/util.h"
#include "collect.h"
#include "netns.h"

/* Directories where namespaces are bind-mounted: ip netns first. */
static const struct {
	const char *dir, *runtime;
	bool named; /* names chosen by the admin: the label */
} mountdirs[] = {
	{"/run/netns", "netns", true},
	{"/var/run/netns", "netns", true},
	{"/run/docker/netns", "docker", false},
	{"/var/run/docker/netns", "docker", false},
};

void netns_list_done(struct sw_nslist *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

static struct sw_nsent *find_ent(struct sw_nslist *l, uint64_t inode)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].info.inode == inode)
			return &l->v[i];
	return NULL;
}

static struct sw_nsent *get_ent(struct sw_nslist *l, uint64_t inode)
{
	struct sw_nsent *e = find_ent(l, inode);
	if (e)
		return e;
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	e = &l->v[l->n++];
	memset(e, 0, sizeof *e);
	e->info.inode = inode;
	return e;
}

/* A namespace file (nsfs) at path: fd or -errno. */
static int open_ns(const char *path)
{
	char buf[4096];
	return collect_netns_open(path, buf, sizeof buf);
}

static uint64_t ns_inode(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

/* Every process: the namespace its /proc/PID/ns/net names. */
static int scan_procs(const char *proc_root, struct sw_nslist *l)
{
	DIR *d = opendir(proc_root);
	if (!d)
		return -errno;
	struct dirent *de;
	char path[4096];
	while ((de = readdir(d))) {
		if (!sw_all_digits(de->d_name))
			continue;
		long pid = strtol(de->d_name, NULL, 10);
		if (pid <= 0 || pid > INT32_MAX)
			continue;
		snprintf(path, sizeof path, "%s/%ld/ns/net", proc_root, pid);
		uint64_t ino = ns_inode(path); /* gone, or not ours to see: skipped */
		if (!ino)
			continue;
		struct sw_nsent *e = get_ent(l, ino);
		if (!e->info.pid || pid < e->info.pid)
			e->info.pid = (int32_t)pid;
	}
	closedir(d);
	return 0;
}

/* A bind mount at path for namespace e: keep the best one. */
static void add_mount(struct sw_nsent *e, const char *path, const char *runtime, bool named)
{
	bool have_named = e->info.kind == SW_NSK_NAMED;
	if (e->info.path[0] && (have_named || !named))
		return;
	sw_strlcpy(e->info.path, path, sizeof e->info.path);
	sw_strlcpy(e->info.runtime, runtime, sizeof e->info.runtime);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (named) {
		e->info.kind = SW_NSK_NAMED;
		sw_strlcpy(e->info.label, base, sizeof e->info.label);
	} else {
		snprintf(e->info.label, sizeof e->info.label, "%s:%.20s", runtime, base);
	}
}

static const char *runtime_of(const char *mnt, bool *named)
{
	*named = false;
	for (size_t i = 0; i < sizeof mountdirs / sizeof mountdirs[0]; i++) {
		size_t n = strlen(mountdirs[i].dir);
		if (strncmp(mnt, mountdirs[i].dir, n) == 0 && mnt[n] == '/') {
			*named = mountdirs[i].named;
			return mountdirs[i].runtime;
		}
	}
	return "mount";
}

/* mountinfo escapes blanks as \040 and so on: undo in place. */
static void unescape_octal(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static void scan_mountinfo(const char *proc_root, struct sw_nslist *l)
{
	char path[4096], line[4096];
	snprintf(path, sizeof path, "%s/self/mountinfo", proc_root);
	FILE *fp = fopen(path, "re");
	if (!fp)
		return;
	while (fgets(line, sizeof line, fp)) {
		char root[64], mnt[1024];
		unsigned long long ino;
		const char *dash = strstr(line, " - nsfs ");
		if (!dash || sscanf(line, "%*u %*u %*s %63s %1023s", root, mnt) != 2 ||
		    sscanf(root, "net:[%llu]", &ino) != 1)
			continue;
		unescape_octal(mnt);
		bool named;
		const char *rt = runtime_of(mnt, &named);
		add_mount(get_ent(l, ino), mnt, rt, named);
	}
	fclose(fp);
}

static void scan_dirs(struct sw_nslist *l)
{
	char path[4096];
	for (size_t i = 0; i < sizeof mountdirs / sizeof mountdirs[0]; i++) {
		DIR *d = opendir(mountdirs[i].dir);
		if (!d)
			continue;
		struct dirent *de;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", mountdirs[i].dir, de->d_name);
			int fd = open_ns(path); /* nsfs files only */
			if (fd < 0)
				continue;
			struct stat st;
			if (fstat(fd, &st) == 0)
				add_mount(get_ent(l, st.st_ino), path, mountdirs[i].runtime,
					  mountdirs[i].named);
			close(fd);
		}
		closedir(d);
	}
}

void netns_label(struct sw_nsinfo *ns, const char *mount, const char *cg, size_t cglen)
{
	(void)mount;
	if (ns->kind == SW_NSK_NAMED || ns->kind == SW_NSK_HOST)
		return;
	struct sw_cgname c;
	if (cg && cgname_parse(cg, cglen, &c)) {
		ns->kind = c.kind == SW_CG_CONTAINER ? SW_NSK_CONTAINER : SW_NSK_UNIT;
		sw_strlcpy(ns->runtime, c.runtime, sizeof ns->runtime);
		cgname_label(&c, ns->label, sizeof ns->label);
		return;
	}
	if (!ns->label[0])
		snprintf(ns->label, sizeof ns->label, "net:[%llu]", (unsigned long long)ns->inode);
}

static void label_ent(const char *proc_root, struct sw_nslist *l, struct sw_nsent *e)
{
	e->own = e->info.inode == l->own_inode;
	if (e->info.inode == l->init_inode && e->info.kind != SW_NSK_NAMED) {
		e->info.kind = SW_NSK_HOST;
		sw_strlcpy(e->info.label, "host", sizeof e->info.label);
	}
	char path[4096], cg[2048];
	size_t n = 0;
	if (e->info.pid) {
		snprintf(path, sizeof path, "%s/%d/cgroup", proc_root, (int)e->info.pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t r = read(fd, cg, sizeof cg - 1);
			n = r > 0 ? (size_t)r : 0;
			close(fd);
		}
		if (!e->info.path[0])
			snprintf(e->info.path, sizeof e->info.path, "%s/%d/ns/net", proc_root,
				 (int)e->info.pid);
	}
	cg[n] = '\0';
	netns_label(&e->info, NULL, n ? cg : NULL, n);
	if (e->own && (e->info.kind == SW_NSK_INODE || e->info.kind == SW_NSK_UNIT)) {
		/* ours, pid 1's unreadable or another: not a unit's */
		e->info.kind = SW_NSK_INODE;
		sw_strlcpy(e->info.label, "self", sizeof e->info.label);
	}
}

static int cmp_ent(const void *a, const void *b)
{
	const struct sw_nsent *x = a, *y = b;
	if (x->own != y->own)
		return x->own ? -1 : 1;
	int c = strcmp(x->info.label, y->info.label);
	return c ? c : (x->info.inode > y->info.inode) - (x->info.inode < y->info.inode);
}

int netns_discover(const char *proc_root, struct sw_nslist *l)
{
	char path[4096];
	if (!proc_root)
		proc_root = "/proc";
	l->n = 0;
	snprintf(path, sizeof path, "%s/self/ns/net", proc_root);
	l->own_inode = ns_inode(path);
	snprintf(path, sizeof path, "%s/1/ns/net", proc_root);
	l->init_inode = ns_inode(path);
	int r = scan_procs(proc_root, l);
	if (r < 0)
		return r;
	scan_mountinfo(proc_root, l);
	scan_dirs(l);
	if (l->own_inode)
		get_ent(l, l->own_inode);
	for (size_t i = 0; i < l->n; i++)
		label_ent(proc_root, l, &l->v[i]);
	qsort(l->v, l->n, sizeof *l->v, cmp_ent);
	return 0;
}

/* ------------------------------------------------------------ each */

struct each_call {
	void (*fn)(const struct sw_nsent *, void *);
	const struct sw_nsent *e;
	void *arg;
};

static void each_fn(void *a)
{
	struct each_call *c = a;
	c->fn(c->e, c->arg);
}

/* Open e's namespace: fd, -1 for our own, or -errno. */
static int open_ent(const struct sw_nsent *e)
{
	if (e->own)
		return -1;
	int fd = open_ns(e->info.path);
	return fd == -ESRCH ? -ENOENT : fd;
}

size_t netns_each(struct sw_nslist *l, void (*fn)(const struct sw_nsent *e, void *arg),
		  void *arg)
{
	size_t ran = 0;
	for (size_t i = 0; i < l->n; i++) {
		struct sw_nsent *e = &l->v[i];
		int fd = open_ent(e);
		e->err = 0;
		if (fd < -1) {
			e->err = fd;
			continue;
		}
		struct each_call c = {fn, e, arg};
		int r = collect_in_netns(fd, each_fn, &c);
		if (fd >= 0)
			close(fd);
		if (r < 0)
			e->err = r;
		else
			ran++;
	}
	return ran;
}

/* ------------------------------------------------------------ -N all */

/* Namespaces sampled at once, at most (and at most one per CPU). */
#define NSALL_WORKERS 4
/* A namespace's own snapshot is kept for the next refresh unless it grew
 * past this many sockets (then freed after the merge: no second copy of a
 * big namespace between refreshes). */
#define NSALL_KEEP_CONNS 4096

struct nssub {
	uint64_t inode;
	struct sw_collector *c;
	bool seen;
	int r;                  /* this refresh: 0, or -errno of its sample */
	struct sw_snapshot snap; /* this refresh's sample of it */
};

struct sw_nsall {
	struct sw_collect_opts o;
	char *proc_root;
	struct sw_nslist list;
	struct nssub *subs;
	size_t nsubs, capsubs;
	size_t *work; /* this refresh: subs[] to sample, in list order */
	size_t nwork, capwork, next;
	pthread_mutex_t lock; /* next */
};

struct sw_nsall *nsall_new(const struct sw_collect_opts *o, const char *proc_root)
{
	struct sw_nsall *a = xcalloc(1, sizeof *a);
	a->o = *o;
	a->o.netns = a->o.record_path = a->o.replay_path = NULL;
	a->o.procs = false; /* the merged snapshot is mapped once */
	a->proc_root = xstrdup(proc_root ? proc_root : "/proc");
	a->o.proc_root = a->proc_root;
	pthread_mutex_init(&a->lock, NULL);
	return a;
}

static void sub_free(struct nssub *sub)
{
	collector_free(sub->c);
	snapshot_done(&sub->snap);
}

void nsall_free(struct sw_nsall *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nsubs; i++)
		sub_free(&a->subs[i]);
	free(a->subs);
	free(a->work);
	netns_list_done(&a->list);
	pthread_mutex_destroy(&a->lock);
	free(a->proc_root);
	free(a);
}

static struct nssub *find_sub(struct sw_nsall *a, uint64_t inode)
{
	for (size_t i = 0; i < a->nsubs; i++)
		if (a->subs[i].inode == inode)
			return &a->subs[i];
	return NULL;
}

static void noop(void *arg)
{
	(void)arg;
}

/* The sub-collector of e, made on first sight.  NULL with e->err set when
 * the namespace cannot be entered (-ENOENT: it vanished). */
static struct nssub *sub_for(struct sw_nsall *a, struct sw_nsent *e)
{
	struct nssub *sub = find_sub(a, e->info.inode);
	if (sub)
		return sub;
	int fd = open_ent(e);
	if (fd < -1) {
		e->err = fd;
		return NULL;
	}
	int r = fd >= 0 ? collect_in_netns(fd, noop, NULL) : 0; /* setns allowed? */
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		e->err = r;
		return NULL;
	}
	struct sw_collect_opts so = a->o;
	char msg[256];
	so.netns = e->own ? NULL : e->info.path;
	struct sw_collector *c = collector_new(&so, msg, sizeof msg);
	if (!c) {
		e->err = -ENOENT; /* gone between the two opens */
		return NULL;
	}
	a->subs = xgrow(a->subs, &a->capsubs, a->nsubs + 1, sizeof *a->subs);
	sub = &a->subs[a->nsubs++];
	memset(sub, 0, sizeof *sub);
	sub->inode = e->info.inode;
	sub->c = c;
	snapshot_init(&sub->snap);
	return sub;
}

/* Free the sub-collectors of namespaces no longer found (their sockets
 * would keep a dead namespace alive). */
static void drop_unseen(struct sw_nsall *a)
{
	size_t out = 0;
	for (size_t i = 0; i < a->nsubs; i++) {
		if (!a->subs[i].seen) {
			sub_free(&a->subs[i]);
			continue;
		}
		a->subs[i].seen = false;
		a->subs[out++] = a->subs[i];
	}
	a->nsubs = out;
}

/* A sampling thread: the next namespace of the work list, until none. */
static void *worker(void *arg)
{
	struct sw_nsall *a = arg;
	char msg[256];
	for (;;) {
		pthread_mutex_lock(&a->lock);
		size_t k = a->next < a->nwork ? a->next++ : a->nwork;
		pthread_mutex_unlock(&a->lock);
		if (k == a->nwork)
			return NULL;
		struct nssub *sub = &a->subs[a->work[k]];
		sub->r = collector_sample_inside(sub->c, &sub->snap, msg, sizeof msg);
	}
}

/* Sample every namespace of the work list, from up to NSALL_WORKERS
 * threads (this one included). */
static void sample_all(struct sw_nsall *a)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nt = cpus > 1 ? (size_t)cpus : 1;
	if (nt > NSALL_WORKERS)
		nt = NSALL_WORKERS;
	if (nt > a->nwork)
		nt = a->nwork;
	pthread_t th[NSALL_WORKERS];
	size_t started = 0;
	a->next = 0;
	for (size_t i = 1; i < nt; i++)
		if (pthread_create(&th[started], NULL, worker, a) == 0)
			started++;
	worker(a);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

/* e's sample (in sub) into s; false when it was skipped. */
static bool merge_one(struct nssub *sub, struct sw_nsent *e, struct sw_snapshot *s)
{
	if (sub->r < 0) {
		e->err = sub->r; /* e.g. it went away mid-refresh: skipped quietly */
		return false;
	}
	uint32_t i = snapshot_add_ns(s, &e->info);
	if (i == SW_NONE)
		return false;
	snapshot_append(s, &sub->snap, i);
	if (e->own && sub->snap.have_kstat) { /* the snapshot's own: ours */
		s->kstat = sub->snap.kstat;
		s->have_kstat = true;
	}
	if (sub->snap.capconns > NSALL_KEEP_CONNS) {
		snapshot_done(&sub->snap);
		snapshot_init(&sub->snap);
	}
	return true;
}

int nsall_sample(struct sw_nsall *a, const struct sw_collector *tmpl, struct sw_snapshot *s,
		 char *err, size_t errlen)
{
	int r = netns_discover(a->proc_root, &a->list);
	if (r < 0) {
		snprintf(err, errlen, _("cannot list network namespaces in %s: %s"), a->proc_root,
			 strerror(-r));
		return r;
	}
	/* the sub-collectors (made here, in list order), then the samples */
	a->nwork = 0;
	for (size_t i = 0; i < a->list.n; i++) {
		struct sw_nsent *e = &a->list.v[i];
		e->err = 0;
		struct nssub *sub = sub_for(a, e);
		if (!sub)
			continue;
		sub->seen = true;
		sub->r = 0;
		collector_copy_settings(sub->c, tmpl);
		a->work = xgrow(a->work, &a->capwork, a->nwork + 1, sizeof *a->work);
		a->work[a->nwork++] = (size_t)(sub - a->subs);
	}
	sample_all(a);
	for (size_t i = 0; i < a->list.n; i++) {
		struct sw_nsent *e = &a->list.v[i];
		struct nssub *sub = e->err ? NULL : find_sub(a, e->info.inode);
		if ((sub && merge_one(sub, e, s)) || e->err == -ENOENT)
			continue; /* a namespace that vanished is not news */
		struct sw_nsinfo ni = e->info;
		ni.err = -e->err;
		uint32_t k = snapshot_add_ns(s, &ni);
		if (k != SW_NONE)
			s->nss[k].err = -e->err;
		s->notes |= SW_NOTE_NETNS_PARTIAL;
	}
	drop_unseen(a);
	return 0;
}

int nsall_destroy(struct sw_nsall *a, const struct sw_conn *c, uint64_t ns_inode)
{
	struct nssub *sub = find_sub(a, ns_inode);
	return sub ? collector_destroy(sub->c, c) : -ENOENT;
}
