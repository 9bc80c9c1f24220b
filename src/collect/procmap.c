/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procmap.c - socket inode -> processes, from /proc/<pid>/fd, cached across
 * refreshes.
 *
 * The cache holds one entry per process (thread-group leader), identified
 * by (pid, starttime), with the list of its socket fds as readlink() told
 * them.  Each refresh (procmap_attach):
 *
 *  1. readdir(proc_root) gives the live pids.  Cached processes that are no
 *     longer listed are dropped.  On procfs, the d_ino of /proc/<pid> names
 *     one instantiation of that directory (proc_pid_make_inode takes a new
 *     get_next_ino() number and the dentry is invalidated when the process
 *     exits), so an unchanged d_ino means the same process and costs no
 *     syscall; a changed one (pid reused, or the dentry was merely evicted)
 *     makes us re-read starttime.  Outside procfs (test trees) starttime is
 *     re-read every refresh.
 *  2. A known process's fd table is listed again only when its open-fd
 *     count changed: st_size of /proc/<pid>/fd on procfs >= 6.2 (checked
 *     once on /proc/self/fd), otherwise the number of entries in the fd
 *     directory (older kernels and fake trees, where st_size is not a
 *     count).  New and reused pids are scanned in full.
 *  3. The count is blind to close+open (and dup2) between two refreshes, so
 *     every non-zero inode of the snapshot that nobody is known to own (a
 *     "fresh miss") starts a search: the fd tables not yet listed in this
 *     refresh are read again - processes whose uid matches the socket's
 *     uid first, within that the ones whose socket list changed most
 *     recently - stopping as soon as every fresh miss is attributed.  Hence a
 *     new socket in an existing process is attributed within one refresh.
 *     Inodes still unowned after a search that covered every process are
 *     remembered as unowned (kernel sockets, io_uring fixed files, sockets
 *     in flight, other pid namespaces) and never start a search again
 *     while they exist.  So that a stream of such sockets cannot turn every
 *     refresh into a full rescan, for a cooldown (default 2 s) after such a
 *     search further searches only visit uid-matching processes.
 *     Without root, sockets of other uids are not searched for (their
 *     owners are unreadable anyway).
 *
 * A process or fd vanishing mid-scan (ENOENT/ESRCH) is normal and skipped.
 * An fd directory that cannot be listed (EACCES/EPERM, or not a directory
 * in a test tree) makes the process "unreadable": counted in
 * s->procs_unreadable with SW_NOTE_PROCS_PARTIAL.
 *
 * The inode index (inode -> (process, fd) links, grouped by hash bucket) is rebuilt
 * only when some fd table changed, from arrays that are reused: nothing is
 * allocated per socket in steady state.  Each socket's inode is looked up
 * in it once per refresh (twice when a search changed the index), and the
 * result serves the search, the unowned set and the attaching.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "procmap.h"
#include "core/util.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif
#define PM_PF_KTHREAD 0x00200000u /* stat flags: kernel thread */
#define PM_CMDLINE_MAX 4096       /* bytes of argv kept */
#define PM_MAX_MISS_UIDS 8        /* distinct socket uids searched first */
#define PM_NOSLOT UINT32_MAX

struct pm_sock {
	uint32_t inode;
	int32_t fd;
};

struct pm_proc {
	int32_t pid;           /* 0: free slot */
	uint32_t ruid, euid;
	uint32_t flags;        /* stat field 9 */
	uint64_t starttime;
	uint64_t dir_ino;      /* d_ino of <root>/<pid> when identity was checked */
	uint64_t obs_ino;      /* d_ino seen by this refresh's readdir */
	char comm[16];
	char *cmdline;         /* argv joined with spaces, read lazily */
	uint32_t cmdline_len;
	bool cmdline_read;
	bool unreadable;       /* fd dir could not be listed */
	long fdcount;          /* at the last listing, -1 unknown */
	struct pm_sock *socks;
	size_t nsocks, capsocks;
	unsigned seen_gen;     /* refresh that last saw it in readdir */
	unsigned scan_gen;     /* refresh that last listed its fds */
	unsigned change_gen;   /* refresh in which its socket list last changed */
	unsigned snap_gen;     /* refresh that put it into the snapshot ... */
	uint32_t snap_idx;     /* ... at this index of s->procs */
};

struct pm_newpid {
	int32_t pid;
	uint64_t ino;
};

/* The index holds the links of one hash bucket side by side: bucket h
 * is links[heads[h + 1] .. heads[h + 2]) (pm_index_rebuild). */
struct pm_link {
	uint32_t inode;
	uint32_t proc; /* slot */
	int32_t fd;
};

/* A set of non-zero inodes (open addressing, 0 = empty). */
struct pm_iset {
	uint32_t *tab;
	size_t cap, n;
};

struct procmap {
	char *root;
	DIR *rootdir;          /* kept open, rewound each refresh */
	int rootfd;            /* dirfd(rootdir) or -1 */
	bool procfs;
	bool stsize;           /* st_size of fd dirs is the fd count */
	bool not_root;
	uint32_t euid;
	int32_t self_pid;      /* our own process as the proc root names it
	                          (see pm_list_fds), 0 unknown */

	struct pm_proc *procs; /* slots; never moved while a refresh runs */
	size_t nslots, capslots;
	uint32_t *freeslots;
	size_t nfree, capfree;
	uint32_t *pidtab;      /* pid -> slot+1, open addressing */
	size_t pidcap;
	struct pm_newpid *newp;
	size_t nnew, capnew;

	struct pm_link *links;
	size_t nlinks, caplinks;
	uint32_t *heads;        /* nbuckets + 2 offsets into links */
	size_t headcap;         /* nbuckets: a power of 2, 0 no index */
	bool index_dirty;

	struct pm_iset unowned, unowned_next;
	struct pm_iset missing; /* fresh misses being searched for */
	uint8_t *found;         /* parallel to missing.tab */
	size_t capfound;
	uint64_t cooldown_ns;
	uint64_t cooldown_until;

	struct pm_cand *cand;   /* search order */
	size_t ncand, capcand;
	struct pm_link *tmp;    /* owners of one inode while sorting */
	size_t captmp;
	/* first index link of each snapshot conn (PM_NOSLOT: none), looked
	 * up once per index version instead of once per pass */
	uint32_t *clink;
	size_t capclink;
	bool clink_valid;
	size_t index_keep; /* PM_INDEX_KEEP, or a test's */
	bool prepared;     /* procmap_prepare ran for the next attach */
	uint64_t prep_t0;  /* when it started */

	unsigned gen;
	unsigned unreadable;
	struct procmap_stats st;
};

/* ---- small helpers -------------------------------------------------- */

static bool pm_gone(int err)
{
	return err == ENOENT || err == ESRCH;
}

/* Read up to len-1 bytes of dirfd/name into buf, NUL-terminate.  Returns
 * the length or -errno. */
static ssize_t pm_read_at(int dirfd, const char *name, char *buf, size_t len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	size_t got = 0;
	while (got + 1 < len) {
		ssize_t r = read(fd, buf + got, len - 1 - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return -e;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	return (ssize_t)got;
}

static bool pm_parse_pid(const char *name, int32_t *pid)
{
	long v = 0;
	if (!*name)
		return false;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9' || p - name > 9)
			return false;
		v = v * 10 + (*p - '0');
	}
	if (v <= 0 || v > INT32_MAX)
		return false;
	*pid = (int32_t)v;
	return true;
}

int procmap_parse_stat(const char *buf, size_t len, char comm[16],
		       uint32_t *flags, uint64_t *starttime)
{
	const char *open = memchr(buf, '(', len);
	const char *close = NULL;
	for (size_t i = len; i > 0; i--) {
		if (buf[i - 1] == ')') {
			close = buf + i - 1;
			break;
		}
	}
	if (!open || !close || close < open)
		return -EINVAL;
	if (comm) {
		size_t n = (size_t)(close - open - 1);
		if (n > 15)
			n = 15;
		/* A process names itself (prctl PR_SET_NAME): control bytes
		 * would break table rows or reach the admin's terminal as
		 * escape sequences.  Show them as '?', as ps does. */
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)open[1 + i];
			comm[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
		}
		comm[n] = '\0';
	}
	/* after ')': field 3 (state) is token 0; flags = field 9, starttime
	 * = field 22 */
	const char *p = close + 1, *end = buf + len;
	uint64_t f9 = 0, f22 = 0;
	int tok = -1;
	bool have22 = false;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\n'))
			p++;
		if (p >= end)
			break;
		tok++;
		uint64_t v = 0;
		bool num = true;
		const char *q = p;
		while (q < end && *q != ' ' && *q != '\n') {
			if (*q >= '0' && *q <= '9')
				v = v * 10 + (uint64_t)(*q - '0');
			else
				num = false;
			q++;
		}
		if (tok == 6 && num)
			f9 = v;
		if (tok == 19) {
			if (!num)
				return -EINVAL;
			f22 = v;
			have22 = true;
			break;
		}
		p = q;
	}
	if (!have22)
		return -EINVAL;
	if (flags)
		*flags = (uint32_t)f9;
	if (starttime)
		*starttime = f22;
	return 0;
}

/* ---- inode sets ----------------------------------------------------- */

static void iset_reset(struct pm_iset *s, size_t want)
{
	size_t cap = 16;
	while (cap < want * 2)
		cap *= 2;
	if (cap > s->cap) {
		free(s->tab);
		s->tab = xmalloc(cap * sizeof *s->tab);
		s->cap = cap;
	}
	/* keep a large table only while it is needed */
	if (s->cap > 4 * cap && s->cap > 1024) {
		free(s->tab);
		s->tab = xmalloc(cap * sizeof *s->tab);
		s->cap = cap;
	}
	memset(s->tab, 0, s->cap * sizeof *s->tab);
	s->n = 0;
}

static size_t iset_slot(const struct pm_iset *s, uint32_t inode)
{
	size_t h = sw_hash64(inode) & (s->cap - 1);
	while (s->tab[h] && s->tab[h] != inode)
		h = (h + 1) & (s->cap - 1);
	return h;
}

static bool iset_has(const struct pm_iset *s, uint32_t inode)
{
	return s->cap && inode && s->tab[iset_slot(s, inode)] == inode;
}

/* Caller sized the set (iset_reset) for every add. */
static bool iset_add(struct pm_iset *s, uint32_t inode)
{
	size_t h = iset_slot(s, inode);
	if (s->tab[h])
		return false;
	s->tab[h] = inode;
	s->n++;
	return true;
}

/* ---- process slots -------------------------------------------------- */

static void pm_slot_clear(struct procmap *pm, struct pm_proc *p)
{
	if (p->nsocks)
		pm->index_dirty = true;
	free(p->cmdline);
	free(p->socks);
	memset(p, 0, sizeof *p);
}

static uint32_t pm_slot_new(struct procmap *pm, int32_t pid)
{
	uint32_t i;
	if (pm->nfree) {
		i = pm->freeslots[--pm->nfree];
	} else {
		pm->procs = xgrow(pm->procs, &pm->capslots, pm->nslots + 1,
				  sizeof *pm->procs);
		i = (uint32_t)pm->nslots++;
	}
	struct pm_proc *p = &pm->procs[i];
	memset(p, 0, sizeof *p);
	p->pid = pid;
	p->fdcount = -1;
	p->snap_idx = PM_NOSLOT;
	return i;
}

static void pm_slot_free(struct procmap *pm, uint32_t i)
{
	pm_slot_clear(pm, &pm->procs[i]);
	pm->freeslots = xgrow(pm->freeslots, &pm->capfree, pm->nfree + 1,
			      sizeof *pm->freeslots);
	pm->freeslots[pm->nfree++] = i;
}

static void pm_pidtab_rebuild(struct procmap *pm)
{
	size_t cap = 64;
	while (cap < pm->nslots * 2)
		cap *= 2;
	if (cap != pm->pidcap) {
		free(pm->pidtab);
		pm->pidtab = xmalloc(cap * sizeof *pm->pidtab);
		pm->pidcap = cap;
	}
	memset(pm->pidtab, 0, cap * sizeof *pm->pidtab);
	for (size_t i = 0; i < pm->nslots; i++) {
		if (!pm->procs[i].pid)
			continue;
		size_t h = sw_hash64((uint64_t)pm->procs[i].pid) & (cap - 1);
		while (pm->pidtab[h])
			h = (h + 1) & (cap - 1);
		pm->pidtab[h] = (uint32_t)i + 1;
	}
}

static uint32_t pm_pid_lookup(const struct procmap *pm, int32_t pid)
{
	if (!pm->pidcap)
		return PM_NOSLOT;
	size_t h = sw_hash64((uint64_t)pid) & (pm->pidcap - 1);
	while (pm->pidtab[h]) {
		uint32_t i = pm->pidtab[h] - 1;
		if (pm->procs[i].pid == pid)
			return i;
		h = (h + 1) & (pm->pidcap - 1);
	}
	return PM_NOSLOT;
}

/* ---- reading one process -------------------------------------------- */

/* Read the identity (comm, flags, starttime) through an open dirfd. */
static int pm_read_stat(int dfd, const char *name, char comm[16],
			uint32_t *flags, uint64_t *starttime)
{
	char buf[1024];
	ssize_t n = pm_read_at(dfd, name, buf, sizeof buf);
	if (n < 0)
		return (int)n;
	return procmap_parse_stat(buf, (size_t)n, comm, flags, starttime);
}

static void pm_read_status(int pdfd, struct pm_proc *p)
{
	char buf[2048];
	if (pm_read_at(pdfd, "status", buf, sizeof buf) < 0)
		return;
	const char *u = strstr(buf, "\nUid:");
	unsigned r, e;
	if (u && sscanf(u + 5, "%u %u", &r, &e) == 2) {
		p->ruid = r;
		p->euid = e;
	}
}

/* Count the numeric entries of an fd directory. */
static long pm_count_dir(int fd)
{
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return -e;
	}
	long n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
			n++;
	}
	closedir(d);
	return n;
}

/* The open-fd count of a process (see the header comment), or -errno. */
static long pm_fdcount(struct procmap *pm, const struct pm_proc *p)
{
	char path[32];
	snprintf(path, sizeof path, "%d/fd", (int)p->pid);
	if (pm->stsize) {
		struct stat st;
		if (fstatat(pm->rootfd, path, &st, 0) < 0)
			return -errno;
		return (long)st.st_size;
	}
	int fd = openat(pm->rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return pm_count_dir(fd);
}

static bool pm_parse_socket_link(const char *l, size_t n, uint32_t *inode)
{
	if (n < 10 || memcmp(l, "socket:[", 8) != 0 || l[n - 1] != ']')
		return false;
	uint64_t v = 0;
	for (size_t i = 8; i < n - 1; i++) {
		if (l[i] < '0' || l[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(l[i] - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*inode = (uint32_t)v;
	return v != 0;
}

static bool pm_parse_fd(const char *name, int32_t *fd)
{
	if (name[0] == '0' && name[1] == '\0') {
		*fd = 0;
		return true;
	}
	return pm_parse_pid(name, fd);
}

/* Order-independent digest of a socket list, to tell whether a listing
 * changed anything (and the index must be rebuilt). */
static uint64_t pm_socks_digest(const struct pm_sock *v, size_t n)
{
	uint64_t d = n;
	for (size_t i = 0; i < n; i++)
		d += sw_hash64(((uint64_t)v[i].inode << 32) | (uint32_t)v[i].fd);
	return d;
}

/* List the socket fds of p into p->socks.  0, or -errno: ESRCH (gone),
 * EACCES/EPERM/ENOTDIR (unreadable). */
static int pm_list_fds(struct procmap *pm, int pdfd, struct pm_proc *p)
{
	int fd = openat(pdfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pm_gone(errno) ? -ESRCH : -errno;
	long count = -1;
	if (pm->stsize) {
		/* take the count before listing: an fd opened meanwhile then
		 * shows up as a changed count next time */
		struct stat st;
		if (fstat(fd, &st) == 0)
			count = (long)st.st_size;
		/* Listing ourselves, we hold two fds that the next refresh's
		 * count will not see (the <pid> directory of pm_scan and this
		 * fd directory): without this our own table, which changed
		 * nothing, would be read again every refresh. */
		if (pm->self_pid && p->pid == pm->self_pid && count >= 2)
			count -= 2;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return -e;
	}
	uint64_t before = pm_socks_digest(p->socks, p->nsocks);
	p->nsocks = 0;
	long entries = 0;
	int dfd = dirfd(d);
	struct dirent *de;
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		int32_t fdn;
		if (!pm_parse_fd(de->d_name, &fdn))
			continue;
		entries++;
		char l[64];
		ssize_t n = readlinkat(dfd, de->d_name, l, sizeof l);
		pm->st.links_read++;
		uint32_t inode;
		if (n <= 0 || !pm_parse_socket_link(l, (size_t)n, &inode))
			continue; /* closed meanwhile, or not a socket */
		p->socks = xgrow(p->socks, &p->capsocks, p->nsocks + 1,
				 sizeof *p->socks);
		p->socks[p->nsocks].inode = inode;
		p->socks[p->nsocks].fd = fdn;
		p->nsocks++;
	}
	int rerr = errno;
	closedir(d);
	if (before != pm_socks_digest(p->socks, p->nsocks)) {
		pm->index_dirty = true;
		p->change_gen = pm->gen;
	}
	if (rerr && pm_gone(rerr))
		return -ESRCH; /* exited while we listed it */
	p->fdcount = pm->stsize ? count : entries;
	p->scan_gen = pm->gen;
	pm->st.scanned++;
	return 0;
}

static void pm_forget_identity(struct procmap *pm, struct pm_proc *p)
{
	if (p->nsocks)
		pm->index_dirty = true;
	p->nsocks = 0;
	free(p->cmdline);
	p->cmdline = NULL;
	p->cmdline_len = 0;
	p->cmdline_read = false;
	p->ruid = p->euid = 0;
	p->unreadable = false;
	p->fdcount = -1;
}

/* Scan process slot i in full: identity, uid, fd table.  `known` says the
 * entry already has an identity; if starttime differs the pid was reused
 * and the entry starts over.  Returns 0, or -ESRCH when the process is
 * gone (the caller frees the slot). */
static int pm_scan(struct procmap *pm, uint32_t i, bool known)
{
	struct pm_proc *p = &pm->procs[i];
	char name[16];
	snprintf(name, sizeof name, "%d", (int)p->pid);
	int pdfd = openat(pm->rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pdfd < 0)
		return -ESRCH;
	char comm[16];
	uint32_t flags;
	uint64_t start;
	int r = pm_read_stat(pdfd, "stat", comm, &flags, &start);
	if (r < 0) {
		close(pdfd);
		return -ESRCH;
	}
	if (known && start != p->starttime)
		pm_forget_identity(pm, p);
	p->starttime = start;
	p->flags = flags;
	memcpy(p->comm, comm, sizeof p->comm);
	p->dir_ino = p->obs_ino;
	pm_read_status(pdfd, p);
	if (flags & PM_PF_KTHREAD) {
		/* kernel threads hold no fds */
		close(pdfd);
		p->unreadable = false;
		p->fdcount = 0;
		p->scan_gen = pm->gen;
		return 0;
	}
	r = pm_list_fds(pm, pdfd, p);
	close(pdfd);
	if (r < 0 && pm_gone(-r))
		return -ESRCH;
	if (r < 0) {
		/* EACCES/EPERM: another user's process without privileges;
		 * ENOTDIR: a test tree marks it so */
		p->unreadable = true;
		if (p->nsocks)
			pm->index_dirty = true;
		p->nsocks = 0;
		p->fdcount = -1;
		p->scan_gen = pm->gen;
		return 0;
	}
	p->unreadable = false;
	return 0;
}

/* Per-refresh check of a known process: identity, then fd count. */
static int pm_check(struct procmap *pm, uint32_t i)
{
	struct pm_proc *p = &pm->procs[i];
	if (!pm->procfs || p->obs_ino != p->dir_ino) {
		char path[32];
		uint64_t start;
		snprintf(path, sizeof path, "%d/stat", (int)p->pid);
		if (pm_read_stat(pm->rootfd, path, NULL, NULL, &start) < 0)
			return -ESRCH;
		if (start != p->starttime)
			return pm_scan(pm, i, true); /* pid reused */
		p->dir_ino = p->obs_ino;
	}
	if (p->flags & PM_PF_KTHREAD)
		return 0;
	if (p->unreadable) {
		/* one failing openat per refresh; rescan once it works */
		char path[32];
		snprintf(path, sizeof path, "%d/fd", (int)p->pid);
		int fd = openat(pm->rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return pm_gone(errno) ? -ESRCH : 0;
		close(fd);
		return pm_scan(pm, i, true);
	}
	long n = pm_fdcount(pm, p);
	if (n < 0 && pm_gone((int)-n))
		return -ESRCH;
	if (n < 0 || n != p->fdcount)
		return pm_scan(pm, i, true);
	return 0;
}

/* ---- the inode index ------------------------------------------------ */

static inline size_t pm_bucket(const struct procmap *pm, uint32_t inode)
{
	return (size_t)sw_hash64(inode) & (pm->headcap - 1);
}

/* The links of every listed socket, grouped by bucket with a counting
 * sort (a bucket per 2-4 links: a lookup reads one run of them, 24-48
 * bytes), 12 bytes a link and 1-2 a socket for the buckets, no chain
 * pointers.  At a million sockets 13 MB instead of the chained table's
 * 25. */
static void pm_index_rebuild(struct procmap *pm)
{
	size_t total = 0;
	for (size_t i = 0; i < pm->nslots; i++)
		if (pm->procs[i].pid)
			total += pm->procs[i].nsocks;
	if (total + 1 > pm->caplinks) { /* exact: no room to grow into */
		free(pm->links);
		pm->caplinks = total + total / 16 + 16;
		pm->links = xmalloc(pm->caplinks * sizeof *pm->links);
	}
	size_t nb = 64;
	while (nb < total / 4)
		nb *= 2;
	if (nb > pm->headcap || pm->headcap > 8 * nb) {
		free(pm->heads);
		pm->heads = xmalloc((nb + 2) * sizeof *pm->heads);
		pm->headcap = nb;
	}
	nb = pm->headcap;
	uint32_t *heads = pm->heads;
	memset(heads, 0, (nb + 2) * sizeof *heads);
	/* heads[h + 1]: the count of bucket h, then (prefix sums) its end;
	 * placing each link at --heads[h + 1] leaves there its start, and
	 * heads[h + 2] (the next bucket's start) its end */
	for (size_t i = 0; i < pm->nslots; i++) {
		const struct pm_proc *p = &pm->procs[i];
		if (p->pid)
			for (size_t k = 0; k < p->nsocks; k++)
				heads[pm_bucket(pm, p->socks[k].inode) + 1]++;
	}
	for (size_t h = 1; h <= nb; h++)
		heads[h] += heads[h - 1];
	heads[nb + 1] = (uint32_t)total;
	for (size_t i = 0; i < pm->nslots; i++) {
		const struct pm_proc *p = &pm->procs[i];
		if (!p->pid)
			continue;
		for (size_t k = 0; k < p->nsocks; k++) {
			uint32_t at = --heads[pm_bucket(pm, p->socks[k].inode) + 1];
			pm->links[at] = (struct pm_link){
				.inode = p->socks[k].inode, .proc = (uint32_t)i, .fd = p->socks[k].fd};
		}
	}
	pm->nlinks = total;
	pm->index_dirty = false;
	pm->clink_valid = false;
}

/* The first link of inode in the index, PM_NOSLOT if none. */
static uint32_t pm_first_link(const struct procmap *pm, uint32_t inode, size_t h)
{
	for (uint32_t l = pm->heads[h + 1], end = pm->heads[h + 2]; l < end; l++)
		if (pm->links[l].inode == inode)
			return l;
	return PM_NOSLOT;
}

/* An index (links, bucket offsets and the conns' first links) of more
 * than this, above ~130k sockets, is freed after each attach and rebuilt
 * by the next one.  Kept, a million sockets' 17 MB (29 when it was a
 * chained table) sat beside the monitor's two snapshots through the merge
 * and the sort, its peak; the rebuild is ~2% of such a refresh's CPU
 * (perf, 1M sockets). */
#define PM_INDEX_KEEP (4u << 20)

static size_t pm_index_bytes(const struct procmap *pm)
{
	return pm->caplinks * sizeof *pm->links +
	       (pm->headcap ? pm->headcap + 2 : 0) * sizeof *pm->heads +
	       pm->capclink * sizeof *pm->clink;
}

static void pm_index_release(struct procmap *pm)
{
	if (pm_index_bytes(pm) <= pm->index_keep)
		return;
	free(pm->links);
	free(pm->heads);
	free(pm->clink);
	pm->links = NULL;
	pm->heads = NULL;
	pm->clink = NULL;
	pm->nlinks = pm->caplinks = pm->headcap = pm->capclink = 0;
	pm->index_dirty = true;
	pm->clink_valid = false;
}

/* How far ahead of the conn being looked up its bucket's offsets
 * (PM_AHEAD2) and first link (PM_AHEAD) are fetched.  Each lookup is two
 * dependent cache misses (offsets, then links) at random in ~3 MB at 100k sockets, and
 * conns come in dump order, which has nothing to do with the index. */
#define PM_AHEAD 8
#define PM_AHEAD2 16

/* Look up the first index link of every conn of s into pm->clink. */
static void pm_lookup_conns(struct procmap *pm, const struct sw_snapshot *s)
{
	size_t n = s->nconns;
	if (n > pm->capclink) {
		free(pm->clink);
		pm->capclink = n + n / 4 + 16;
		pm->clink = xmalloc(pm->capclink * sizeof *pm->clink);
	}
	if (!pm->headcap) {
		for (size_t c = 0; c < n; c++)
			pm->clink[c] = PM_NOSLOT;
		pm->clink_valid = true;
		return;
	}
	/* clink[] holds, ahead of c, the bucket (from c+PM_AHEAD2, its
	 * offsets fetched then; its first link fetched from c+PM_AHEAD) */
	size_t pre = n < PM_AHEAD2 ? n : PM_AHEAD2;
	for (size_t c = 0; c < pre; c++) {
		uint32_t inode = s->conns[c].inode;
		pm->clink[c] = inode ? (uint32_t)pm_bucket(pm, inode) : PM_NOSLOT;
	}
	for (size_t c = 0; c < n; c++) {
		if (c + PM_AHEAD2 < n) {
			uint32_t inode = s->conns[c + PM_AHEAD2].inode;
			uint32_t h = PM_NOSLOT;
			if (inode) {
				h = (uint32_t)pm_bucket(pm, inode);
				__builtin_prefetch(&pm->heads[h + 1]);
			}
			pm->clink[c + PM_AHEAD2] = h;
		}
		if (c + PM_AHEAD < n && pm->clink[c + PM_AHEAD] != PM_NOSLOT)
			__builtin_prefetch(&pm->links[pm->heads[pm->clink[c + PM_AHEAD] + 1]]);
		uint32_t h = pm->clink[c];
		pm->clink[c] = h == PM_NOSLOT ? PM_NOSLOT
					      : pm_first_link(pm, s->conns[c].inode, h);
	}
	pm->clink_valid = true;
}

/* ---- searching for unknown inodes ----------------------------------- */

static bool pm_missing_slot(const struct procmap *pm, uint32_t inode, size_t *slot)
{
	if (!pm->missing.cap)
		return false;
	size_t h = iset_slot(&pm->missing, inode);
	if (pm->missing.tab[h] != inode)
		return false;
	*slot = h;
	return true;
}

/* Rescan slot i as part of a search; returns how many sought inodes it
 * turned out to hold. */
static size_t pm_search_one(struct procmap *pm, uint32_t i)
{
	if (pm_scan(pm, i, true) < 0) {
		pm_slot_free(pm, i);
		return 0;
	}
	pm->st.searched++;
	size_t hits = 0;
	const struct pm_proc *p = &pm->procs[i];
	for (size_t k = 0; k < p->nsocks; k++) {
		size_t h;
		if (pm_missing_slot(pm, p->socks[k].inode, &h) && !pm->found[h]) {
			pm->found[h] = 1;
			hits++;
		}
	}
	return hits;
}

struct pm_cand {
	uint32_t slot;
	uint32_t age;    /* refreshes since its socket list last changed */
	uint32_t nsocks;
	bool uid_match;
};

static int pm_cand_cmp(const void *a, const void *b)
{
	const struct pm_cand *x = a, *y = b;
	if (x->age != y->age)
		return x->age < y->age ? -1 : 1;
	if (x->nsocks != y->nsocks)
		return x->nsocks > y->nsocks ? -1 : 1;
	return (x->slot > y->slot) - (x->slot < y->slot);
}

static bool pm_uid_in(uint32_t uid, const uint32_t *uids, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (uids[k] == uid)
			return true;
	return false;
}

/* A socket with a file that no listed process was seen holding, and that
 * no search has given up on: a search looks for its owner.  Without root,
 * sockets of other users are skipped (their processes are unreadable). */
static bool pm_is_miss(const struct procmap *pm, size_t c, const struct sw_conn *cn)
{
	if (!cn->inode || pm->clink[c] != PM_NOSLOT || iset_has(&pm->unowned, cn->inode))
		return false;
	return !(pm->not_root && (cn->flags & SW_CF_HAS_UID) && cn->uid != pm->euid);
}

/* Returns true when the search visited every readable process. */
static bool pm_search(struct procmap *pm, const struct sw_snapshot *s,
		      uint64_t now)
{
	/* collect the fresh misses */
	size_t nmiss = 0;
	uint32_t uids[PM_MAX_MISS_UIDS];
	size_t nuids = 0;
	bool any_uid = false;
	pm_lookup_conns(pm, s);
	for (size_t c = 0; c < s->nconns; c++)
		nmiss += pm_is_miss(pm, c, &s->conns[c]);
	pm->st.fresh_misses = (unsigned)nmiss;
	if (!nmiss)
		return false;
	iset_reset(&pm->missing, nmiss);
	if (pm->capfound < pm->missing.cap) {
		free(pm->found);
		pm->found = xmalloc(pm->missing.cap);
		pm->capfound = pm->missing.cap;
	}
	memset(pm->found, 0, pm->missing.cap);
	for (size_t c = 0; c < s->nconns; c++) {
		const struct sw_conn *cn = &s->conns[c];
		if (!pm_is_miss(pm, c, cn))
			continue;
		iset_add(&pm->missing, cn->inode);
		if (!(cn->flags & SW_CF_HAS_UID))
			any_uid = true;
		else if (!pm_uid_in(cn->uid, uids, nuids)) {
			if (nuids < PM_MAX_MISS_UIDS)
				uids[nuids++] = cn->uid;
			else
				any_uid = true;
		}
	}
	size_t remaining = pm->missing.n;

	/* candidates: every readable process not listed in this refresh,
	 * most recently changed first (a process that just opened or closed
	 * sockets is the likeliest to have done close+open), then the ones
	 * holding more sockets */
	pm->ncand = 0;
	for (size_t i = 0; i < pm->nslots; i++) {
		const struct pm_proc *p = &pm->procs[i];
		if (!p->pid || p->scan_gen == pm->gen || p->unreadable ||
		    (p->flags & PM_PF_KTHREAD))
			continue;
		pm->cand = xgrow(pm->cand, &pm->capcand, pm->ncand + 1, sizeof *pm->cand);
		struct pm_cand *c = &pm->cand[pm->ncand++];
		c->slot = (uint32_t)i;
		c->age = pm->gen - p->change_gen;
		c->nsocks = (uint32_t)p->nsocks;
		c->uid_match = any_uid || pm_uid_in(p->ruid, uids, nuids) ||
			       pm_uid_in(p->euid, uids, nuids);
	}
	if (pm->ncand > 1)
		qsort(pm->cand, pm->ncand, sizeof *pm->cand, pm_cand_cmp);
	/* pass 1: processes whose uid matches a sought socket's uid */
	for (size_t k = 0; k < pm->ncand && remaining; k++)
		if (pm->cand[k].uid_match)
			remaining -= pm_search_one(pm, pm->cand[k].slot);
	/* pass 2: everyone else, unless cooling down */
	if (remaining && pm->cooldown_ns && now < pm->cooldown_until)
		return false;
	size_t k = 0;
	for (; k < pm->ncand && remaining; k++)
		if (!pm->cand[k].uid_match)
			remaining -= pm_search_one(pm, pm->cand[k].slot);
	if (!remaining)
		return false; /* everything found; nothing to mark unowned */
	bool all_visited = true;
	for (; k < pm->ncand; k++)
		if (!pm->cand[k].uid_match)
			all_visited = false;
	if (all_visited)
		pm->cooldown_until = now + pm->cooldown_ns;
	return all_visited;
}

/* ---- attaching owners to the snapshot ------------------------------- */

static void pm_read_cmdline(struct procmap *pm, struct pm_proc *p)
{
	char path[32];
	char *buf = xmalloc(PM_CMDLINE_MAX + 1);
	snprintf(path, sizeof path, "%d/cmdline", (int)p->pid);
	ssize_t n = pm_read_at(pm->rootfd, path, buf, PM_CMDLINE_MAX + 1);
	p->cmdline_read = true;
	if (n <= 0) {
		free(buf);
		return;
	}
	size_t len = (size_t)n;
	while (len && (buf[len - 1] == '\0' || buf[len - 1] == ' '))
		len--;
	for (size_t k = 0; k < len; k++)
		if (buf[k] == '\0' || buf[k] == '\n' || buf[k] == '\t')
			buf[k] = ' ';
	if (!len) {
		free(buf);
		return;
	}
	buf[len] = '\0';
	p->cmdline = xrealloc(buf, len + 1);
	p->cmdline_len = (uint32_t)len;
}

static uint32_t pm_snap_proc(struct procmap *pm, struct sw_snapshot *s,
			     uint32_t slot)
{
	struct pm_proc *p = &pm->procs[slot];
	if (p->snap_gen == pm->gen)
		return p->snap_idx;
	if (!p->cmdline_read)
		pm_read_cmdline(pm, p);
	struct sw_proc sp;
	memset(&sp, 0, sizeof sp);
	sp.pid = p->pid;
	sp.uid = p->ruid;
	sp.starttime = p->starttime;
	memcpy(sp.comm, p->comm, sizeof sp.comm);
	if (p->cmdline_len) {
		sp.cmdline_off = snapshot_pool_add(s, p->cmdline, p->cmdline_len);
		sp.cmdline_len = p->cmdline_len;
	}
	p->snap_gen = pm->gen;
	p->snap_idx = (uint32_t)snapshot_add_proc(s, &sp);
	return p->snap_idx;
}

static int pm_link_cmp(const struct pm_link *a, const struct pm_link *b,
		       const struct procmap *pm)
{
	int32_t pa = pm->procs[a->proc].pid, pb = pm->procs[b->proc].pid;
	if (pa != pb)
		return pa < pb ? -1 : 1;
	return a->fd < b->fd ? -1 : a->fd > b->fd;
}

static void pm_attach_conn(struct procmap *pm, struct sw_snapshot *s, size_t c)
{
	uint32_t inode = s->conns[c].inode;
	uint32_t l = pm->clink[c];
	sw_conn_owners_clear(&s->conns[c]);
	if (l == PM_NOSLOT)
		return;
	/* gather, sort by (pid, fd) with insertion sort (few owners) */
	size_t n = 0;
	uint32_t end = pm->heads[pm_bucket(pm, inode) + 2]; /* l's bucket */
	for (; l < end; l++) {
		if (pm->links[l].inode != inode)
			continue;
		pm->tmp = xgrow(pm->tmp, &pm->captmp, n + 1, sizeof *pm->tmp);
		struct pm_link cur = pm->links[l];
		size_t k = n++;
		while (k > 0 && pm_link_cmp(&pm->tmp[k - 1], &cur, pm) > 0) {
			pm->tmp[k] = pm->tmp[k - 1];
			k--;
		}
		pm->tmp[k] = cur;
	}
	for (size_t k = 0; k < n; k++) {
		if (k && pm->tmp[k].proc == pm->tmp[k - 1].proc)
			continue; /* the same process holds it twice (dup) */
		if (s->conns[c].owners_n == SW_OWNERS_MAX)
			break; /* a record lists that many */
		uint32_t pi = pm_snap_proc(pm, s, pm->tmp[k].proc);
		snapshot_add_owner(s, &s->conns[c], pi, pm->tmp[k].fd);
	}
}

/* ---- the refresh ---------------------------------------------------- */

static int pm_open_root(struct procmap *pm)
{
	if (pm->rootdir)
		return 0;
	int fd = open(pm->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return -e;
	}
	pm->rootdir = d;
	pm->rootfd = fd;
	struct statfs sfs;
	pm->procfs = fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
	pm->stsize = false;
	if (pm->procfs) {
		/* >= 6.2: st_size of an fd dir is the open-fd count; we hold
		 * at least rootfd, so a supporting kernel says >= 1 */
		struct stat st;
		if (fstatat(fd, "self/fd", &st, 0) == 0 && st.st_size > 0)
			pm->stsize = true;
		/* our pid in the proc root's pid namespace (getpid() is in
		 * ours, which may differ) */
		char l[16];
		ssize_t n = readlinkat(fd, "self", l, sizeof l - 1);
		int32_t pid;
		pm->self_pid = 0;
		if (n > 0) {
			l[n] = '\0';
			if (pm_parse_pid(l, &pid))
				pm->self_pid = pid;
		}
	}
	return 0;
}

struct procmap *procmap_new(const char *proc_root)
{
	struct procmap *pm = xcalloc(1, sizeof *pm);
	pm->root = xstrdup(proc_root ? proc_root : "/proc");
	pm->rootfd = -1;
	pm->cooldown_ns = 2000ull * 1000000ull;
	pm->index_keep = PM_INDEX_KEEP;
	pm->euid = (uint32_t)geteuid();
	pm->not_root = pm->euid != 0;
	(void)pm_open_root(pm); /* retried by procmap_attach */
	return pm;
}

void procmap_free(struct procmap *pm)
{
	if (!pm)
		return;
	for (size_t i = 0; i < pm->nslots; i++) {
		free(pm->procs[i].cmdline);
		free(pm->procs[i].socks);
	}
	if (pm->rootdir)
		closedir(pm->rootdir);
	free(pm->procs);
	free(pm->freeslots);
	free(pm->pidtab);
	free(pm->newp);
	free(pm->links);
	free(pm->heads);
	free(pm->unowned.tab);
	free(pm->unowned_next.tab);
	free(pm->missing.tab);
	free(pm->found);
	free(pm->cand);
	free(pm->tmp);
	free(pm->clink);
	free(pm->root);
	free(pm);
}

void procmap_get_stats(const struct procmap *pm, struct procmap_stats *st)
{
	*st = pm->st;
}

void procmap_set_search_cooldown(struct procmap *pm, unsigned ms)
{
	pm->cooldown_ns = (uint64_t)ms * 1000000ull;
	pm->cooldown_until = 0;
}

void procmap_set_index_keep(struct procmap *pm, size_t bytes)
{
	pm->index_keep = bytes;
}

static int pm_newpid_cmp(const void *a, const void *b)
{
	int32_t x = ((const struct pm_newpid *)a)->pid;
	int32_t y = ((const struct pm_newpid *)b)->pid;
	return (x > y) - (x < y);
}

/* Steps 1 and 2 of the header comment. */
static int pm_refresh(struct procmap *pm)
{
	rewinddir(pm->rootdir);
	pm->nnew = 0;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(pm->rootdir)) != NULL) {
		int32_t pid;
		if (!pm_parse_pid(de->d_name, &pid))
			continue;
		uint32_t i = pm_pid_lookup(pm, pid);
		if (i != PM_NOSLOT) {
			pm->procs[i].seen_gen = pm->gen;
			pm->procs[i].obs_ino = de->d_ino;
			continue;
		}
		pm->newp = xgrow(pm->newp, &pm->capnew, pm->nnew + 1, sizeof *pm->newp);
		pm->newp[pm->nnew].pid = pid;
		pm->newp[pm->nnew].ino = de->d_ino;
		pm->nnew++;
	}
	if (errno && !pm->nslots && !pm->nnew)
		return -errno;
	/* drop exited processes, check the known ones */
	size_t known = pm->nslots;
	for (size_t i = 0; i < known; i++) {
		struct pm_proc *p = &pm->procs[i];
		if (!p->pid)
			continue;
		if (p->seen_gen != pm->gen || pm_check(pm, (uint32_t)i) < 0)
			pm_slot_free(pm, (uint32_t)i);
	}
	/* scan new pids (deduplicated: a readdir under churn may repeat) */
	if (pm->nnew > 1)
		qsort(pm->newp, pm->nnew, sizeof *pm->newp, pm_newpid_cmp);
	for (size_t k = 0; k < pm->nnew; k++) {
		if (k && pm->newp[k].pid == pm->newp[k - 1].pid)
			continue;
		uint32_t i = pm_slot_new(pm, pm->newp[k].pid);
		pm->procs[i].obs_ino = pm->newp[k].ino;
		pm->procs[i].seen_gen = pm->gen;
		if (pm_scan(pm, i, false) < 0)
			pm_slot_free(pm, i);
	}
	pm_pidtab_rebuild(pm);
	return 0;
}

int procmap_prepare(struct procmap *pm)
{
	pm->prep_t0 = sw_mono_ns();
	pm->prepared = false;
	int r = pm_open_root(pm);
	if (r < 0)
		return r;
	pm->gen++;
	if (pm->gen == 0)
		pm->gen = 1;
	pm->clink_valid = false;
	unsigned unowned_before = (unsigned)pm->unowned.n;
	memset(&pm->st, 0, sizeof pm->st);
	pm->st.unowned = unowned_before;
	r = pm_refresh(pm);
	if (r < 0)
		return r;
	/* the index waits for procmap_attach: built here, a million
	 * sockets' 13 MB would sit beside the dump's own working memory */
	pm->prepared = true;
	return 0;
}

int procmap_attach(struct procmap *pm, struct sw_snapshot *s)
{
	if (!pm->prepared) {
		int r = procmap_prepare(pm);
		if (r < 0)
			return r;
	}
	pm->prepared = false;
	uint64_t t0 = pm->prep_t0;
	pm->clink_valid = false;
	if (pm->index_dirty)
		pm_index_rebuild(pm);

	bool complete = pm_search(pm, s, t0);
	if (pm->index_dirty)
		pm_index_rebuild(pm);
	if (!pm->clink_valid)
		pm_lookup_conns(pm, s); /* the search rescanned and changed the index */

	/* attach; rebuild the set of inodes known to be unowned */
	size_t nun = 0;
	for (size_t c = 0; c < s->nconns; c++) {
		uint32_t inode = s->conns[c].inode;
		if (inode && pm->clink[c] == PM_NOSLOT &&
		    (complete || iset_has(&pm->unowned, inode)))
			nun++;
	}
	iset_reset(&pm->unowned_next, nun);
	for (size_t c = 0; c < s->nconns; c++) {
		struct sw_conn *cn = &s->conns[c];
		if (c + PM_AHEAD < s->nconns && pm->clink[c + PM_AHEAD] != PM_NOSLOT)
			__builtin_prefetch(&pm->links[pm->clink[c + PM_AHEAD]]);
		sw_conn_owners_clear(cn);
		if (!cn->inode)
			continue;
		pm_attach_conn(pm, s, c);
		if (!cn->owners_n &&
		    (complete || iset_has(&pm->unowned, cn->inode)))
			iset_add(&pm->unowned_next, cn->inode);
	}
	struct pm_iset t = pm->unowned;
	pm->unowned = pm->unowned_next;
	pm->unowned_next = t;

	unsigned unreadable = 0, alive = 0;
	for (size_t i = 0; i < pm->nslots; i++) {
		if (!pm->procs[i].pid)
			continue;
		alive++;
		if (pm->procs[i].unreadable)
			unreadable++;
	}
	s->procs_unreadable = unreadable;
	if (unreadable)
		s->notes |= SW_NOTE_PROCS_PARTIAL;
	if (pm->not_root)
		s->notes |= SW_NOTE_NOT_ROOT;
	pm->st.procs = alive;
	pm->st.unowned = (unsigned)pm->unowned.n;
	pm->st.search_complete = complete;
	pm->st.fdcount_stsize = pm->stsize;
	pm->st.ms = (double)(sw_mono_ns() - t0) / 1e6;
	pm_index_release(pm);
	pm->st.index_bytes = pm_index_bytes(pm);
	return 0;
}
