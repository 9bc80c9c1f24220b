/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_procmap: socket inode -> processes (procmap.c) on fake /proc trees
 * built at test time, and on the real /proc with sockets this test opens.
 *
 * SW_PROCMAP_BENCH=N (e.g. 20000) additionally measures full versus
 * incremental cost with N real sockets spread over 4 child processes. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/collect.h"
#include "collect/procmap.h"
#include "core/snapshot.h"
#include "core/util.h"

/* ---- fake /proc trees ------------------------------------------------ */

static char *tree_new(void)
{
	const char *tmp = getenv("TMPDIR");
	char *path = xmalloc(4096);
	snprintf(path, 4096, "%s/sw-procmap-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(path));
	return path;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static void rm_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void tree_free(char *path)
{
	rm_tree(path);
	free(path);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	if (len)
		assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void fake_stat(const char *root, int pid, const char *comm,
		      unsigned flags, uint64_t start)
{
	char path[4200], buf[512];
	snprintf(path, sizeof path, "%s/%d/stat", root, pid);
	int n = snprintf(buf, sizeof buf,
			 "%d (%s) S 1 %d %d 0 -1 %u 10 0 0 0 5 3 0 0 20 0 1 0 %llu "
			 "1000000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1\n",
			 pid, comm, pid, pid, flags, (unsigned long long)start);
	write_file(path, buf, (size_t)n);
}

/* A process: <root>/<pid>/{stat,status,cmdline,fd/}. */
static void fake_proc(const char *root, int pid, const char *comm, uint64_t start,
		      unsigned uid, const char *cmdline, size_t cmdlen)
{
	char path[4200], buf[256];
	snprintf(path, sizeof path, "%s/%d", root, pid);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/%d/fd", root, pid);
	assert_int_equal(mkdir(path, 0755), 0);
	fake_stat(root, pid, comm, 0x400100, start);
	snprintf(path, sizeof path, "%s/%d/status", root, pid);
	int n = snprintf(buf, sizeof buf,
			 "Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%d\n"
			 "Pid:\t%d\nPPid:\t1\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\n"
			 "Gid:\t0\t0\t0\t0\n",
			 comm, pid, pid, uid, uid, uid, uid);
	write_file(path, buf, (size_t)n);
	snprintf(path, sizeof path, "%s/%d/cmdline", root, pid);
	write_file(path, cmdline, cmdlen);
}

static void fake_link(const char *root, int pid, int fd, const char *target)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%d/fd/%d", root, pid, fd);
	assert_int_equal(symlink(target, path), 0);
}

static void fake_sock(const char *root, int pid, int fd, uint32_t inode)
{
	char t[32];
	snprintf(t, sizeof t, "socket:[%u]", inode);
	fake_link(root, pid, fd, t);
}

static void fake_close(const char *root, int pid, int fd)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%d/fd/%d", root, pid, fd);
	assert_int_equal(unlink(path), 0);
}

static void fake_rm_proc(const char *root, int pid)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%d", root, pid);
	rm_tree(path);
}

static void snap_conns(struct sw_snapshot *s, const uint32_t *inodes, size_t n)
{
	snapshot_clear(s);
	for (size_t i = 0; i < n; i++) {
		struct sw_conn *c = snapshot_add_conn(s);
		c->cookie = i + 1;
		c->inode = inodes[i];
		c->proto = SW_PROTO_TCP;
	}
}

static const struct sw_conn *find_conn(const struct sw_snapshot *s, uint32_t inode)
{
	for (size_t i = 0; i < s->nconns; i++)
		if (s->conns[i].inode == inode)
			return &s->conns[i];
	fail_msg("inode %u not in snapshot", inode);
	abort();
}

static int owner_pid(const struct sw_snapshot *s, uint32_t inode, size_t k)
{
	const struct sw_conn *c = find_conn(s, inode);
	const struct sw_proc *p = snapshot_owner_proc(s, c, k);
	return p ? p->pid : -1;
}

/* The fd by which owner k of the socket with this inode holds it. */
static int owner_fd(const struct sw_snapshot *s, uint32_t inode, size_t k)
{
	struct sw_owner o;
	assert_true(snapshot_owner(s, find_conn(s, inode), k, &o));
	return o.fd;
}

/* A single owner is kept in its record, more in the owners array: one
 * run per record, in record order, with nothing else in it. */
static void check_owners_contiguous(const struct sw_snapshot *s)
{
	size_t next = 0;
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		struct sw_owner o;
		for (size_t k = 0; k < c->owners_n; k++) {
			assert_true(snapshot_owner(s, c, k, &o));
			assert_true(o.proc < s->nprocs);
		}
		assert_false(snapshot_owner(s, c, c->owners_n, &o));
		if (!c->owners_n)
			continue;
		if (c->flags & SW_CF_OWNER1) {
			assert_int_equal(c->owners_n, 1);
			continue;
		}
		assert_int_equal(c->owners_off, next);
		next += c->owners_n;
	}
	assert_int_equal(next, s->nowners);
}

/* ---- tests ------------------------------------------------------------ */

static void test_parse_stat(void **state)
{
	(void)state;
	char comm[16];
	uint32_t flags;
	uint64_t st;
	const char *a = "4242 (a) x (b) S 1 2 3 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 98765 1 2\n";
	assert_int_equal(procmap_parse_stat(a, strlen(a), comm, &flags, &st), 0);
	assert_string_equal(comm, "a) x (b");
	assert_int_equal(flags, 4194560);
	assert_int_equal(st, 98765);
	const char *b = "7 (0123456789abcdefgh) R 1 2 3 0 -1 2097152 1 0 0 0 0 0 0 0 20 0 1 0 5\n";
	assert_int_equal(procmap_parse_stat(b, strlen(b), comm, &flags, &st), 0);
	assert_string_equal(comm, "0123456789abcde");
	assert_int_equal(flags, 0x200000);
	assert_int_equal(st, 5);
	/* a process may name itself with newlines and escape sequences */
	const char *c = "9 (a\nb\033[2J\x7f\tz) S 1 2 3 0 -1 0 1 0 0 0 0 0 0 0 20 0 1 0 7\n";
	assert_int_equal(procmap_parse_stat(c, strlen(c), comm, &flags, &st), 0);
	assert_string_equal(comm, "a?b?[2J??z");
	assert_int_equal(st, 7);
	const char *bad[] = {"", "12 noparen S 1", "12 (x) S 1 2 3",
			     "12 (x) S 1 2 3 0 -1 0 1 0 0 0 0 0 0 0 20 0 1 0 zz 1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(procmap_parse_stat(bad[i], strlen(bad[i]), comm,
						    NULL, &st), -EINVAL);
}

static void test_shared_and_names(void **state)
{
	(void)state;
	char *root = tree_new();
	static const char nginx[] = "nginx: worker process\0\0";
	static const char srv[] = "/usr/bin/srv\0-p\0" "80\0";
	fake_proc(root, 100, "nginx", 1000, 33, nginx, sizeof nginx - 1);
	fake_proc(root, 200, "nginx", 1001, 33, nginx, sizeof nginx - 1);
	fake_proc(root, 300, "a) x (b", 1002, 0, srv, sizeof srv - 1);
	fake_proc(root, 400, "idle", 1003, 0, "", 0);       /* no sockets in s */
	fake_proc(root, 2, "kthreadd", 5, 0, "", 0);         /* kernel thread */
	fake_stat(root, 2, "kthreadd", 0x00208040, 5);
	fake_sock(root, 100, 3, 555);
	fake_sock(root, 200, 4, 555);
	fake_sock(root, 300, 5, 555);
	fake_sock(root, 300, 7, 556);
	fake_sock(root, 300, 8, 556);     /* dup: one owner, lowest fd */
	fake_link(root, 300, 0, "/dev/null");
	fake_link(root, 300, 1, "pipe:[77]");
	fake_link(root, 300, 9, "socket:[0]"); /* inode 0 never maps */
	fake_sock(root, 400, 3, 4000);

	struct procmap *pm = procmap_new(root);
	struct sw_snapshot s;
	snapshot_init(&s);
	const uint32_t in[] = {555, 0, 556, 999};
	snap_conns(&s, in, 4);
	assert_int_equal(procmap_attach(pm, &s), 0);
	check_owners_contiguous(&s);

	assert_int_equal(find_conn(&s, 555)->owners_n, 3);
	assert_int_equal(owner_pid(&s, 555, 0), 100);
	assert_int_equal(owner_pid(&s, 555, 1), 200);
	assert_int_equal(owner_pid(&s, 555, 2), 300);
	assert_int_equal(find_conn(&s, 556)->owners_n, 1);
	assert_int_equal(owner_fd(&s, 556, 0), 7);
	assert_int_equal(find_conn(&s, 0)->owners_n, 0);
	assert_int_equal(find_conn(&s, 999)->owners_n, 0);
	assert_int_equal(s.nprocs, 3); /* 400 owns nothing of s */

	const struct sw_proc *p = snapshot_owner_proc(&s, find_conn(&s, 556), 0);
	assert_string_equal(p->comm, "a) x (b");
	assert_int_equal(p->starttime, 1002);
	assert_int_equal(p->uid, 0);
	assert_string_equal(snapshot_str(&s, p->cmdline_off), "/usr/bin/srv -p 80");
	assert_int_equal(p->cmdline_len, strlen("/usr/bin/srv -p 80"));
	p = snapshot_owner_proc(&s, find_conn(&s, 555), 0);
	assert_string_equal(p->comm, "nginx");
	assert_int_equal(p->uid, 33);
	assert_string_equal(snapshot_str(&s, p->cmdline_off), "nginx: worker process");
	assert_int_equal(s.procs_unreadable, 0);
	assert_false(s.notes & SW_NOTE_PROCS_PARTIAL);
	assert_int_equal(!!(s.notes & SW_NOTE_NOT_ROOT), geteuid() != 0);

	struct procmap_stats st;
	procmap_get_stats(pm, &st);
	assert_int_equal(st.procs, 5);
	assert_false(st.fdcount_stsize); /* a fake tree never uses st_size */
	assert_int_equal(st.unowned, 1); /* 999, after a complete search */

	procmap_free(pm);
	snapshot_done(&s);
	tree_free(root);
}

/* A process that vanished between readdir and its scan (dir without stat,
 * without fd/), a dangling fd entry, a non-symlink fd entry: skipped, no
 * error, not "unreadable". */
static void test_vanishing(void **state)
{
	(void)state;
	char *root = tree_new();
	char path[4200];
	fake_proc(root, 10, "live", 1, 0, "", 0);
	fake_sock(root, 10, 3, 31);
	fake_link(root, 10, 4, "socket:[");          /* garbage: skipped */
	snprintf(path, sizeof path, "%s/10/fd/5", root);
	write_file(path, "x", 1);                     /* readlink: EINVAL */
	snprintf(path, sizeof path, "%s/11", root);   /* no stat, no fd */
	assert_int_equal(mkdir(path, 0755), 0);
	fake_proc(root, 12, "exiting", 2, 0, "", 0);  /* fd/ already gone */
	fake_sock(root, 12, 3, 32);
	snprintf(path, sizeof path, "%s/12/fd", root);
	rm_tree(path);
	snprintf(path, sizeof path, "%s/self", root); /* non-numeric: ignored */
	assert_int_equal(symlink("10", path), 0);
	snprintf(path, sizeof path, "%s/13", root);   /* a non-directory pid */
	write_file(path, "", 0);

	struct procmap *pm = procmap_new(root);
	struct sw_snapshot s;
	snapshot_init(&s);
	const uint32_t in[] = {31, 32};
	snap_conns(&s, in, 2);
	assert_int_equal(procmap_attach(pm, &s), 0);
	assert_int_equal(owner_pid(&s, 31, 0), 10);
	assert_int_equal(find_conn(&s, 31)->owners_n, 1);
	assert_int_equal(find_conn(&s, 32)->owners_n, 0);
	assert_int_equal(s.procs_unreadable, 0);
	struct procmap_stats st;
	procmap_get_stats(pm, &st);
	assert_int_equal(st.procs, 1);

	/* the live one exits too */
	fake_rm_proc(root, 10);
	snap_conns(&s, in, 2);
	assert_int_equal(procmap_attach(pm, &s), 0);
	assert_int_equal(find_conn(&s, 31)->owners_n, 0);
	assert_int_equal(s.nprocs, 0);
	procmap_get_stats(pm, &st);
	assert_int_equal(st.procs, 0);

	procmap_free(pm);

	/* a missing root is an error, not a crash */
	snprintf(path, sizeof path, "%s/nonexistent", root);
	pm = procmap_new(path);
	assert_int_equal(procmap_attach(pm, &s), -ENOENT);
	procmap_free(pm);

	snapshot_done(&s);
	tree_free(root);
}

/* Unreadable fd directories.  Root reads a chmod 000 directory anyway, so
 * the tree marks one with a regular file named "fd" (ENOTDIR), which the
 * map treats like EACCES; without root a real chmod 000 is tried too. */
static void test_unreadable(void **state)
{
	(void)state;
	char *root = tree_new();
	char path[4200];
	fake_proc(root, 20, "mine", 1, 0, "", 0);
	fake_sock(root, 20, 3, 41);
	fake_proc(root, 21, "theirs", 2, 0, "", 0);
	snprintf(path, sizeof path, "%s/21/fd", root);
	rm_tree(path);
	write_file(path, "", 0);
	bool real_eacces = geteuid() != 0;
	if (real_eacces) {
		fake_proc(root, 22, "theirs2", 3, 0, "", 0);
		fake_sock(root, 22, 3, 43);
		snprintf(path, sizeof path, "%s/22/fd", root);
		assert_int_equal(chmod(path, 0), 0);
	} else {
		print_message("  (running as root: chmod 000 does not hide a "
			      "directory from root, only the ENOTDIR case runs)\n");
	}

	struct procmap *pm = procmap_new(root);
	struct sw_snapshot s;
	snapshot_init(&s);
	const uint32_t in[] = {41, 43};
	for (int round = 0; round < 2; round++) {
		snap_conns(&s, in, 2);
		assert_int_equal(procmap_attach(pm, &s), 0);
		assert_int_equal(owner_pid(&s, 41, 0), 20);
		assert_int_equal(find_conn(&s, 43)->owners_n, 0);
		assert_int_equal(s.procs_unreadable, real_eacces ? 2 : 1);
		assert_true(s.notes & SW_NOTE_PROCS_PARTIAL);
		assert_int_equal(!!(s.notes & SW_NOTE_NOT_ROOT), geteuid() != 0);
	}
	/* it becomes readable (e.g. we gained rights): mapped next refresh */
	snprintf(path, sizeof path, "%s/21/fd", root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	fake_sock(root, 21, 6, 43);
	if (real_eacces) {
		snprintf(path, sizeof path, "%s/22/fd", root);
		chmod(path, 0755);
	}
	snap_conns(&s, in, 2);
	assert_int_equal(procmap_attach(pm, &s), 0);
	assert_int_equal(owner_pid(&s, 43, 0), 21);
	assert_int_equal(s.procs_unreadable, 0);
	assert_false(s.notes & SW_NOTE_PROCS_PARTIAL);

	procmap_free(pm);
	snapshot_done(&s);
	tree_free(root);
}

static void test_incremental(void **state)
{
	(void)state;
	char *root = tree_new();
	struct procmap_stats st;
	fake_proc(root, 100, "srv", 1000, 0, "srv\0", 4);
	fake_proc(root, 300, "old", 3000, 0, "old\0", 4);
	fake_sock(root, 100, 3, 10);
	fake_sock(root, 300, 3, 30);
	for (int pid = 500; pid < 520; pid++) { /* bystanders, 20 fds each */
		fake_proc(root, pid, "by", 5000 + (unsigned)pid, 0, "", 0);
		for (int fd = 0; fd < 20; fd++)
			fake_sock(root, pid, fd, (uint32_t)(pid * 100 + fd));
	}
	struct procmap *pm = procmap_new(root);
	procmap_set_search_cooldown(pm, 0);
	struct sw_snapshot s;
	snapshot_init(&s);

	uint32_t in1[] = {10, 30, 50003};
	snap_conns(&s, in1, 3);
	assert_int_equal(procmap_attach(pm, &s), 0);
	assert_int_equal(owner_pid(&s, 10, 0), 100);
	assert_int_equal(owner_pid(&s, 30, 0), 300);
	assert_int_equal(owner_pid(&s, 50003, 0), 500);
	procmap_get_stats(pm, &st);
	assert_int_equal(st.scanned, 22);
	assert_int_equal(st.links_read, 2 + 20 * 20);

	/* nothing changed: no fd table is read */
	snap_conns(&s, in1, 3);
	assert_int_equal(procmap_attach(pm, &s), 0);
	procmap_get_stats(pm, &st);
	assert_int_equal(st.scanned, 0);
	assert_int_equal(st.links_read, 0);
	assert_int_equal(owner_pid(&s, 30, 0), 300);

	/* a new socket (fd count changes): only that process is read */
	fake_sock(root, 100, 4, 11);
	uint32_t in2[] = {10, 11, 30};
	snap_conns(&s, in2, 3);
	assert_int_equal(procmap_attach(pm, &s), 0);
	assert_int_equal(owner_pid(&s, 11, 0), 100);
	procmap_get_stats(pm, &st);
	assert_int_equal(st.scanned, 1);
	assert_int_equal(st.searched, 0);
	assert_int_equal(st.links_read, 2);

	/* close + open in one refresh: same fd count, same fd number.  The
	 * unknown inode starts a search and is attributed at once. */
	fake_close(root, 100, 4);
	fake_sock(root, 100, 4, 12);
	uint32_t in3[] = {10, 12, 30};
	snap_conns(&s, in3, 3);
	assert_int_equal(procmap_attach(pm, &s), 0);
	assert_int_equal(owner_pid(&s, 12, 0), 100);
	assert_int_equal(owner_fd(&s, 12, 0), 4);
	procmap_get_stats(pm, &st);
	assert_int_equal(st.fresh_misses, 1);
	assert_true(st.searched >= 1);
	assert_false(st.search_complete); /* found before visiting everyone */

	/* an inode nobody owns: one complete search, then remembered */
	uint32_t in4[] = {10, 12, 30, 777};
	snap_conns(&s, in4, 4);
	assert_int_equal(procmap_attach(pm, &s), 0);
	procmap_get_stats(pm, &st);
	assert_int_equal(st.fresh_misses, 1);
	assert_true(st.search_complete);
	assert_int_equal(st.unowned, 1);
	snap_conns(&s, in4, 4);
	assert_int_equal(procmap_attach(pm, &s), 0);
	procmap_get_stats(pm, &st);
	assert_int_equal(st.fresh_misses, 0);
	assert_int_equal(st.scanned, 0);
	assert_int_equal(find_conn(&s, 777)->owners_n, 0);
	/* ... until some process gets it (e.g. via SCM_RIGHTS) */
	fake_sock(root, 300, 9, 777);
	snap_conns(&s, in4, 4);
	assert_int_equal(procmap_attach(pm, &s), 0);
	assert_int_equal(owner_pid(&s, 777, 0), 300);
	procmap_get_stats(pm, &st);
	assert_int_equal(st.unowned, 0);
	fake_close(root, 300, 9);

	/* pid reuse: 300 exits, a new 300 starts (other starttime, same fd
	 * count, same fd number) */
	char path[4200], old[4200];
	snprintf(old, sizeof old, "%s/300", root);
	snprintf(path, sizeof path, "%s/old300", root);
	assert_int_equal(rename(old, path), 0); /* keep its inode busy */
	fake_proc(root, 300, "new", 3500, 7, "new\0-x\0", 7);
	fake_sock(root, 300, 3, 31);
	rm_tree(path);
	uint32_t in5[] = {10, 30, 31};
	snap_conns(&s, in5, 3);
	assert_int_equal(procmap_attach(pm, &s), 0);
	assert_int_equal(find_conn(&s, 30)->owners_n, 0);
	assert_int_equal(owner_pid(&s, 31, 0), 300);
	const struct sw_proc *p = snapshot_owner_proc(&s, find_conn(&s, 31), 0);
	assert_int_equal(p->starttime, 3500);
	assert_string_equal(p->comm, "new");
	assert_int_equal(p->uid, 7);
	assert_string_equal(snapshot_str(&s, p->cmdline_off), "new -x");

	/* an exited process drops; its socket is unowned (still shown) */
	fake_rm_proc(root, 100);
	snap_conns(&s, in5, 3);
	assert_int_equal(procmap_attach(pm, &s), 0);
	assert_int_equal(find_conn(&s, 10)->owners_n, 0);
	assert_int_equal(owner_pid(&s, 31, 0), 300);
	procmap_get_stats(pm, &st);
	assert_int_equal(st.procs, 21);
	for (size_t i = 0; i < s.nprocs; i++)
		assert_int_not_equal(s.procs[i].pid, 100);

	procmap_free(pm);
	snapshot_done(&s);
	tree_free(root);
}

/* The cooldown after a search that left an inode unowned: meanwhile only
 * processes whose uid matches the socket's uid are searched. */
static void test_search_cooldown(void **state)
{
	(void)state;
	char *root = tree_new();
	struct procmap_stats st;
	/* without root, sockets of other uids are not searched for: use ours */
	unsigned app_uid = geteuid() ? (unsigned)geteuid() : 1000;
	fake_proc(root, 40, "app", 1, app_uid, "", 0);
	fake_proc(root, 41, "rootd", 2, 0, "", 0);
	fake_sock(root, 40, 3, 60);
	fake_sock(root, 41, 3, 70);
	struct procmap *pm = procmap_new(root);
	procmap_set_search_cooldown(pm, 3600 * 1000);
	struct sw_snapshot s;
	snapshot_init(&s);

	uint32_t in[] = {60, 70, 888};
	snap_conns(&s, in, 3);
	assert_int_equal(procmap_attach(pm, &s), 0);
	procmap_get_stats(pm, &st);
	assert_true(st.search_complete); /* 888: no owner, cooldown starts */

	/* close+open in both; both sockets carry app's uid (rootd's was,
	 * say, created by app and passed to rootd) */
	fake_close(root, 40, 3);
	fake_sock(root, 40, 3, 61);
	fake_close(root, 41, 3);
	fake_sock(root, 41, 3, 71);
	uint32_t in2[] = {61, 71, 888};
	snap_conns(&s, in2, 3);
	for (size_t i = 0; i < s.nconns; i++)
		s.conns[i].flags |= SW_CF_HAS_UID;
	s.conns[0].uid = app_uid;
	s.conns[1].uid = app_uid; /* rootd holds it, uid 0: not searched now */
	assert_int_equal(procmap_attach(pm, &s), 0);
	assert_int_equal(owner_pid(&s, 61, 0), 40);
	assert_int_equal(find_conn(&s, 71)->owners_n, 0);
	procmap_get_stats(pm, &st);
	assert_int_equal(st.fresh_misses, 2);
	assert_false(st.search_complete);
	assert_int_equal(st.unowned, 1); /* 71 is not declared unowned */

	/* cooldown over: the full search finds it */
	procmap_set_search_cooldown(pm, 0);
	snap_conns(&s, in2, 3);
	assert_int_equal(procmap_attach(pm, &s), 0);
	assert_int_equal(owner_pid(&s, 71, 0), 41);

	procmap_free(pm);
	snapshot_done(&s);
	tree_free(root);
}

/* Many processes and sockets in a fake tree: steady state reads nothing. */
static void test_fake_scale(void **state)
{
	(void)state;
	char *root = tree_new();
	enum { NP = 40, NF = 50 };
	static uint32_t in[NP * NF];
	size_t n = 0;
	for (int pid = 1000; pid < 1000 + NP; pid++)
		fake_proc(root, pid, "w", (uint64_t)pid, 0, "", 0);
	for (int pid = 1000; pid < 1000 + NP; pid++) {
		for (int fd = 0; fd < NF; fd++) {
			/* every second socket is shared with the next process */
			uint32_t inode = (uint32_t)(pid * 1000 + fd);
			fake_sock(root, pid, fd, inode);
			if (fd % 2 == 0 && pid + 1 < 1000 + NP)
				fake_sock(root, pid + 1, NF + fd, inode);
			in[n++] = inode;
		}
	}
	struct procmap *pm = procmap_new(root);
	struct sw_snapshot s;
	snapshot_init(&s);
	snap_conns(&s, in, n);
	assert_int_equal(procmap_attach(pm, &s), 0);
	check_owners_contiguous(&s);
	for (size_t i = 0; i < n; i++) {
		int pid = (int)(in[i] / 1000), fd = (int)(in[i] % 1000);
		bool shared = fd % 2 == 0 && pid + 1 < 1000 + NP;
		assert_int_equal(s.conns[i].owners_n, shared ? 2 : 1);
		assert_int_equal(owner_pid(&s, in[i], 0), pid);
		if (shared)
			assert_int_equal(owner_pid(&s, in[i], 1), pid + 1);
	}
	assert_int_equal(s.nprocs, NP);
	for (int r = 0; r < 3; r++) {
		snap_conns(&s, in, n);
		assert_int_equal(procmap_attach(pm, &s), 0);
		struct procmap_stats st;
		procmap_get_stats(pm, &st);
		assert_int_equal(st.links_read, 0);
		assert_int_equal(st.scanned, 0);
		/* the shared ones' two owners each; the others' in their record */
		assert_int_equal(s.nowners, 2 * (NF / 2) * (NP - 1));
	}
	procmap_free(pm);
	snapshot_done(&s);
	tree_free(root);
}

/* The inode index freed after every attach (as above ~130k sockets) and
 * rebuilt by the next: the owners come out the same, through a process
 * that opens a socket, one that starts and one that exits. */
static void test_index_released(void **state)
{
	(void)state;
	char *root = tree_new();
	enum { NP = 20, NF = 30 };
	static uint32_t in[NP * NF + 2];
	size_t n = 0;
	for (int pid = 1000; pid < 1000 + NP; pid++) {
		fake_proc(root, pid, "w", (uint64_t)pid, 0, "", 0);
		for (int fd = 0; fd < NF; fd++) {
			uint32_t inode = (uint32_t)(pid * 1000 + fd);
			fake_sock(root, pid, fd, inode);
			in[n++] = inode;
		}
	}
	struct procmap *pm = procmap_new(root);
	procmap_set_search_cooldown(pm, 0);
	struct sw_snapshot s;
	snapshot_init(&s);
	struct procmap_stats st;

	/* kept by default */
	snap_conns(&s, in, n);
	assert_int_equal(procmap_attach(pm, &s), 0);
	procmap_get_stats(pm, &st);
	assert_true(st.index_bytes > 0);

	procmap_set_index_keep(pm, 0);
	/* each change, then a refresh with none: the index the change
	 * rebuilt is freed too, and built again from what was read */
	for (int step = 0; step < 8; step++) {
		int r = step / 2;
		bool steady = step % 2;
		if (!steady && r == 1) { /* a new socket in a known process */
			fake_sock(root, 1003, NF, 77777);
			in[n++] = 77777;
		} else if (!steady && r == 2) { /* a new process */
			fake_proc(root, 2000, "new", 2000, 0, "", 0);
			fake_sock(root, 2000, 3, 88888);
			in[n++] = 88888;
		} else if (!steady && r == 3) { /* a process exits: its sockets lose their owner */
			fake_rm_proc(root, 1005);
		}
		snap_conns(&s, in, n);
		assert_int_equal(procmap_attach(pm, &s), 0);
		procmap_get_stats(pm, &st);
		assert_int_equal(st.index_bytes, 0);
		/* found through the rebuilt index, not by a search through
		 * every process (the exit's orphans are searched for once);
		 * only the changed fd tables are read */
		if (steady || r < 3) {
			assert_int_equal(st.fresh_misses, 0);
			assert_int_equal(st.searched, 0);
			assert_int_equal(st.links_read, steady || r == 0 ? 0 : r == 1 ? NF + 1 : 1);
		}
		for (size_t i = 0; i < n; i++) {
			int want = in[i] == 77777 ? 1003 : in[i] == 88888 ? 2000 : (int)(in[i] / 1000);
			if (r == 3 && want == 1005)
				assert_int_equal(s.conns[i].owners_n, 0);
			else
				assert_int_equal(owner_pid(&s, in[i], 0), want);
		}
	}
	procmap_free(pm);
	snapshot_done(&s);
	tree_free(root);
}

/* ---- the real /proc --------------------------------------------------- */

static uint32_t sock_inode(int fd)
{
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	return (uint32_t)st.st_ino;
}

static void test_real_proc(void **state)
{
	(void)state;
	int a = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(a >= 0);
	int sp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	uint32_t ia = sock_inode(a), ib = sock_inode(sp[0]);

	/* a child that shares sp[0] (fork) and waits for us */
	int go[2], ready[2];
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(ready), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char c;
		close(go[1]);
		close(ready[0]);
		close(a);
		close(sp[1]);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);

	struct procmap *pm = procmap_new(NULL);
	procmap_set_search_cooldown(pm, 0);
	struct sw_snapshot s;
	snapshot_init(&s);
	uint32_t in[] = {ia, ib};
	snap_conns(&s, in, 2);
	assert_int_equal(procmap_attach(pm, &s), 0);
	check_owners_contiguous(&s);
	assert_int_equal(find_conn(&s, ia)->owners_n, 1);
	assert_int_equal(owner_pid(&s, ia, 0), getpid());
	assert_int_equal(owner_fd(&s, ia, 0), a);
	const struct sw_conn *cb = find_conn(&s, ib);
	assert_int_equal(cb->owners_n, 2);
	int p0 = owner_pid(&s, ib, 0), p1 = owner_pid(&s, ib, 1);
	assert_true((p0 == getpid() && p1 == child) || (p0 == child && p1 == getpid()));
	const struct sw_proc *me = snapshot_owner_proc(&s, find_conn(&s, ia), 0);
	uint64_t start;
	assert_int_equal(proc_starttime(getpid(), &start), 0);
	assert_int_equal(me->starttime, start);
	char comm[32] = "";
	FILE *f = fopen("/proc/self/comm", "r");
	assert_non_null(f);
	assert_non_null(fgets(comm, sizeof comm, f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	assert_string_equal(me->comm, comm);
	assert_int_equal(me->uid, getuid());
	assert_true(me->cmdline_len > 0);
	assert_non_null(strstr(snapshot_str(&s, me->cmdline_off), "test_procmap"));
	struct procmap_stats st;
	procmap_get_stats(pm, &st);
	print_message("  real /proc: %u processes, %u fd tables, %u readlinks, "
		      "%.2f ms, fd count from st_size: %s\n", st.procs, st.scanned,
		      st.links_read, st.ms, st.fdcount_stsize ? "yes" : "no");

	/* close + open with the same fd number: attributed next refresh */
	int fdnum = a;
	close(a);
	a = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(a, fdnum);
	uint32_t ia2 = sock_inode(a);
	assert_int_not_equal(ia2, ia);
	uint32_t in2[] = {ia2, ib};
	snap_conns(&s, in2, 2);
	assert_int_equal(procmap_attach(pm, &s), 0);
	assert_int_equal(owner_pid(&s, ia2, 0), getpid());

	/* the child exits: only we hold sp[0] */
	assert_int_equal(write(go[1], "x", 1), 1);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	snap_conns(&s, in2, 2);
	assert_int_equal(procmap_attach(pm, &s), 0);
	assert_int_equal(find_conn(&s, ib)->owners_n, 1);
	assert_int_equal(owner_pid(&s, ib, 0), getpid());

	procmap_free(pm);
	snapshot_done(&s);
	close(go[1]);
	close(a);
	close(sp[0]);
	close(sp[1]);
}

/* ---- real sockets in children: correctness and (optionally) cost ----- */

struct holder {
	pid_t pid;
	int cmd, rep; /* our ends: commands to it, replies from it */
	uint32_t *inodes;
	size_t n;
};

/* Child: open n UDP sockets, report their inodes, then obey commands:
 * 'n' open one more, 'r' close+reopen its first socket (same fd), 'q'. */
static void holder_main(size_t n, int cmd, int rep)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < n + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	int first = -1;
	for (size_t i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0)
			_exit(2);
		if (first < 0)
			first = fd;
		struct stat st;
		fstat(fd, &st);
		uint32_t ino = (uint32_t)st.st_ino;
		if (write(rep, &ino, sizeof ino) != sizeof ino)
			_exit(3);
	}
	char c;
	while (read(cmd, &c, 1) == 1) {
		int fd;
		if (c == 'q')
			break;
		if (c == 'r') {
			close(first);
			fd = socket(AF_INET, SOCK_DGRAM, 0);
			if (fd != first)
				_exit(4);
		} else {
			fd = socket(AF_INET, SOCK_DGRAM, 0);
		}
		struct stat st;
		fstat(fd, &st);
		uint32_t ino = (uint32_t)st.st_ino;
		if (write(rep, &ino, sizeof ino) != sizeof ino)
			_exit(3);
	}
	_exit(0);
}

static void read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len) {
		ssize_t r = read(fd, p, len);
		assert_true(r > 0);
		p += r;
		len -= (size_t)r;
	}
}

static void holder_start(struct holder *h, size_t n)
{
	int c[2], r[2];
	assert_int_equal(pipe(c), 0);
	assert_int_equal(pipe(r), 0);
	h->pid = fork();
	assert_true(h->pid >= 0);
	if (h->pid == 0) {
		close(c[1]);
		close(r[0]);
		holder_main(n, c[0], r[1]);
	}
	close(c[0]);
	close(r[1]);
	h->cmd = c[1];
	h->rep = r[0];
	h->n = n;
	h->inodes = xmalloc((n + 16) * sizeof *h->inodes);
	read_full(h->rep, h->inodes, n * sizeof *h->inodes);
}

static uint32_t holder_cmd(struct holder *h, char c)
{
	uint32_t ino;
	assert_int_equal(write(h->cmd, &c, 1), 1);
	read_full(h->rep, &ino, sizeof ino);
	return ino;
}

static void holder_stop(struct holder *h)
{
	int st;
	assert_int_equal(write(h->cmd, "q", 1), 1);
	assert_int_equal(waitpid(h->pid, &st, 0), h->pid);
	close(h->cmd);
	close(h->rep);
	free(h->inodes);
}

static double attach_ms(struct procmap *pm, struct sw_snapshot *s,
			const uint32_t *in, size_t n)
{
	snap_conns(s, in, n);
	uint64_t t0 = sw_mono_ns();
	assert_int_equal(procmap_attach(pm, s), 0);
	return (double)(sw_mono_ns() - t0) / 1e6;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, dbl_cmp);
	return v[n / 2];
}

static void test_holders(void **state)
{
	(void)state;
	const char *e = getenv("SW_PROCMAP_BENCH");
	size_t total = e ? (size_t)strtoul(e, NULL, 10) : 800;
	bool bench = e != NULL;
	enum { NH = 4 };
	struct holder h[NH];
	size_t per = total / NH;
	uint32_t *in = xmalloc((per * NH + 16) * sizeof *in);
	size_t n = 0;
	for (int k = 0; k < NH; k++) {
		holder_start(&h[k], per);
		memcpy(in + n, h[k].inodes, per * sizeof *in);
		n += per;
	}
	struct procmap *pm = procmap_new(NULL);
	procmap_set_search_cooldown(pm, 0);
	struct sw_snapshot s;
	snapshot_init(&s);
	struct procmap_stats st;

	double cold = attach_ms(pm, &s, in, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(s.conns[i].owners_n, 1);
		assert_int_equal(owner_pid(&s, in[i], 0), h[i / per].pid);
	}
	enum { R = 9 };
	double full[R], steady[R], onenew[R], reopen[R], reopen2[R];
	unsigned steady_links = 0, new_links = 0, reopen_links = 0, reopen2_links = 0;
	for (int r = 0; r < R; r++) {
		/* a fresh map each time = a full rescan */
		struct procmap *fresh = procmap_new(NULL);
		full[r] = attach_ms(fresh, &s, in, n);
		procmap_free(fresh);
		steady[r] = attach_ms(pm, &s, in, n);
		procmap_get_stats(pm, &st);
		steady_links += st.links_read;
		/* one more socket in one holder (fd count changes) */
		in[n] = holder_cmd(&h[r % NH], 'n');
		onenew[r] = attach_ms(pm, &s, in, n + 1);
		procmap_get_stats(pm, &st);
		new_links += st.links_read;
		assert_int_equal(owner_pid(&s, in[n], 0), h[r % NH].pid);
		/* close+reopen a first socket: same count, same fd; first in
		 * the process that just changed, then in another one */
		for (int w = 0; w < 2; w++) {
			struct holder *hh = &h[(r + 2 * w) % NH];
			uint32_t ni = holder_cmd(hh, 'r');
			for (size_t i = 0; i < n; i++)
				if (in[i] == hh->inodes[0])
					in[i] = ni;
			hh->inodes[0] = ni;
			double t = attach_ms(pm, &s, in, n);
			procmap_get_stats(pm, &st);
			assert_int_equal(owner_pid(&s, ni, 0), hh->pid);
			if (w == 0) {
				reopen[r] = t;
				reopen_links += st.links_read;
			} else {
				reopen2[r] = t;
				reopen2_links += st.links_read;
			}
		}
		/* the extra socket stays (unlisted in s: no owners needed) */
	}
	procmap_get_stats(pm, &st);
	if (bench || total >= 2000) {
		print_message("  %zu sockets in %d processes (host: %u processes), "
			      "fd count via st_size: %s\n", n, NH, st.procs,
			      st.fdcount_stsize ? "yes" : "no");
		print_message("  cold first attach        %8.2f ms\n", cold);
		print_message("  full rescan (new map)    %8.2f ms (median of %d)\n",
			      median(full, R), R);
		print_message("  steady, nothing changed  %8.3f ms, %.1f readlinks\n",
			      median(steady, R), (double)steady_links / R);
		print_message("  one new socket           %8.3f ms, %.1f readlinks\n",
			      median(onenew, R), (double)new_links / R);
		print_message("  close+reopen, same proc  %8.3f ms, %.1f readlinks\n",
			      median(reopen, R), (double)reopen_links / R);
		print_message("  close+reopen, other proc %8.3f ms, %.1f readlinks\n",
			      median(reopen2, R), (double)reopen2_links / R);
	}
	for (int k = 0; k < NH; k++)
		holder_stop(&h[k]);
	free(in);
	procmap_free(pm);
	snapshot_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_shared_and_names),
		cmocka_unit_test(test_vanishing),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_search_cooldown),
		cmocka_unit_test(test_index_released),
		cmocka_unit_test(test_fake_scale),
		cmocka_unit_test(test_real_proc),
		cmocka_unit_test(test_holders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
