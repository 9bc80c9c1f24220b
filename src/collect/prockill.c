/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prockill.c - signal a process only if it is still the one we saw.
 *
 * A pid alone is a weak handle: between the snapshot and the key press the
 * process may exit and its pid go to a newcomer.  We open /proc/<pid> as a
 * directory: that fd refers to one struct pid, so reading "stat" through it
 * fails with ESRCH once that process is gone and never shows a successor.
 * If its starttime (stat field 22) equals the snapshot's, the same fd is
 * handed to pidfd_send_signal(), which accepts a /proc/<pid> dirfd and
 * signals exactly that process (netlink-notes section 7).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(HAVE_SYS_PIDFD_H) && defined(HAVE_PIDFD_SEND_SIGNAL)
#include <sys/pidfd.h>
#endif

#include "collect.h"
#include "procmap.h"

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

static int pk_send(int pidfd, int sig)
{
#if defined(HAVE_SYS_PIDFD_H) && defined(HAVE_PIDFD_SEND_SIGNAL)
	return pidfd_send_signal(pidfd, sig, NULL, 0);
#else
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#endif
}

/* State (field 3) and parent (field 4) from a stat text: after the last
 * ')' (the name may hold anything). */
static void pk_state(const char *buf, size_t n, char *state, int *ppid)
{
	const char *close = NULL;
	for (size_t i = n; i > 0 && !close; i--)
		if (buf[i - 1] == ')')
			close = buf + i - 1;
	*state = '?';
	*ppid = 0;
	if (close && sscanf(close + 1, " %c %d", state, ppid) < 2)
		*ppid = 0;
}

/* Open /proc/<pid> and read its starttime (and state, parent) through that
 * dirfd.  Returns the dirfd (>= 0) or -errno (-ESRCH when gone). */
static int pk_open_full(int pid, uint64_t *starttime, char *state, int *ppid, char comm[16])
{
	char path[32], buf[1024];
	if (pid <= 0)
		return -EINVAL; /* 0 and -1 mean groups/everyone to kill() */
	snprintf(path, sizeof path, "/proc/%d", pid);
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	int fd = openat(dfd, "stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		close(dfd);
		return e == ENOENT ? -ESRCH : -e;
	}
	ssize_t n;
	do
		n = read(fd, buf, sizeof buf - 1);
	while (n < 0 && errno == EINTR);
	int e = errno;
	close(fd);
	if (n < 0) {
		close(dfd);
		return e == ENOENT ? -ESRCH : -e;
	}
	if (procmap_parse_stat(buf, (size_t)n, comm, NULL, starttime) < 0) {
		close(dfd);
		return -ESRCH; /* a zero-length stat: the process is gone */
	}
	buf[n] = '\0';
	pk_state(buf, (size_t)n, state, ppid);
	return dfd;
}

static int pk_open(int pid, uint64_t *starttime)
{
	char state;
	int ppid;
	return pk_open_full(pid, starttime, &state, &ppid, NULL);
}

int proc_parent(int pid, int *ppid, char comm[16])
{
	uint64_t st;
	char state;
	int dfd = pk_open_full(pid, &st, &state, ppid, NULL);
	if (dfd < 0)
		return dfd;
	close(dfd);
	if (*ppid <= 0)
		return -ESRCH;
	char pstate;
	int pp;
	dfd = pk_open_full(*ppid, &st, &pstate, &pp, comm);
	if (dfd < 0)
		return dfd;
	close(dfd);
	return 0;
}

int proc_starttime(int pid, uint64_t *starttime)
{
	int dfd = pk_open(pid, starttime);
	if (dfd < 0)
		return dfd;
	close(dfd);
	return 0;
}

int proc_signal_verified(int pid, uint64_t starttime, int sig)
{
	uint64_t now;
	char state;
	int ppid;
	int dfd = pk_open_full(pid, &now, &state, &ppid, NULL);
	if (dfd < 0)
		return dfd;
	if (now != starttime) {
		close(dfd);
		return -ESRCH; /* the pid belongs to another process now */
	}
	if (state == 'Z' && sig != 0) {
		close(dfd);
		return -EOWNERDEAD; /* dead, unreaped: a signal would do nothing */
	}
	int r = pk_send(dfd, sig);
	int e = errno;
	if (r < 0 && e == ENOSYS) {
		/* kernel < 5.1: verified a moment ago; a small race remains */
		r = kill(pid, sig);
		e = errno;
	}
	close(dfd);
	return r < 0 ? -e : 0;
}
