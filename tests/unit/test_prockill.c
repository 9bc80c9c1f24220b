/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_prockill: proc_signal_verified() and proc_starttime() on children
 * this test starts (it never signals anything else). */
#include "config.h"

#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect/collect.h"

/* A child that sleeps until signalled; returns once it is running (its
 * /proc entry exists and it has passed fork). */
static pid_t start_sleeper(void)
{
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		signal(SIGTERM, SIG_DFL);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

/* true if pid is still running (not yet exited); does not reap */
static bool alive(pid_t pid)
{
	siginfo_t si;
	memset(&si, 0, sizeof si);
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT), 0);
	return si.si_pid == 0;
}

static void test_signal_right_starttime(void **state)
{
	(void)state;
	pid_t pid = start_sleeper();
	uint64_t st;
	assert_int_equal(proc_starttime(pid, &st), 0);
	assert_true(st > 0);
	assert_int_equal(proc_signal_verified(pid, st, 0), 0); /* probe */
	assert_true(alive(pid));
	assert_int_equal(proc_signal_verified(pid, st, SIGTERM), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
	/* reaped: gone, whatever starttime we offer */
	assert_int_equal(proc_signal_verified(pid, st, SIGTERM), -ESRCH);
	assert_int_equal(proc_starttime(pid, &st), -ESRCH);
}

static void test_wrong_starttime(void **state)
{
	(void)state;
	pid_t pid = start_sleeper();
	uint64_t st;
	assert_int_equal(proc_starttime(pid, &st), 0);
	assert_int_equal(proc_signal_verified(pid, st + 1, SIGTERM), -ESRCH);
	assert_int_equal(proc_signal_verified(pid, st - 1, SIGKILL), -ESRCH);
	struct timespec ts = {0, 50 * 1000 * 1000};
	nanosleep(&ts, NULL);
	assert_true(alive(pid));
	/* clean up our own child ourselves */
	assert_int_equal(kill(pid, SIGKILL), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
}

static void test_zombie(void **state)
{
	(void)state;
	/* exited but not reaped: still the same process, but a signal would
	 * do nothing: refused with -EOWNERDEAD, and the parent is named */
	pid_t pid = start_sleeper();
	uint64_t st;
	assert_int_equal(proc_starttime(pid, &st), 0);
	assert_int_equal(kill(pid, SIGKILL), 0);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(proc_signal_verified(pid, st, SIGTERM), -EOWNERDEAD);
	assert_int_equal(proc_signal_verified(pid, st, 0), 0); /* the probe: it exists */
	int ppid = 0;
	char pcomm[16] = "";
	assert_int_equal(proc_parent(pid, &ppid, pcomm), 0);
	assert_int_equal(ppid, getpid());
	char self[17] = "";
	assert_int_equal(prctl(PR_GET_NAME, self), 0); /* our own name */
	assert_string_equal(pcomm, self);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(proc_signal_verified(pid, st, SIGTERM), -ESRCH);
}

static void test_bad_pids(void **state)
{
	(void)state;
	uint64_t st;
	/* 0 and -1 would mean "my group" / "everyone" to kill(): refused */
	assert_int_equal(proc_signal_verified(0, 0, 0), -EINVAL);
	assert_int_equal(proc_signal_verified(-1, 0, 0), -EINVAL);
	assert_int_equal(proc_starttime(-5, &st), -EINVAL);
	/* a pid above pid_max never exists */
	assert_int_equal(proc_signal_verified(2147483647, 1, 0), -ESRCH);
	/* our own starttime checks out with signal 0 */
	assert_int_equal(proc_starttime(getpid(), &st), 0);
	assert_int_equal(proc_signal_verified(getpid(), st, 0), 0);
}

/* A process of another user cannot be signalled: as root, a child that
 * drops to nobody tries SIGTERM on a sleeper we started; unprivileged, pid
 * 1 (root's) is probed with signal 0, which checks permission only. */
static void test_eperm(void **state)
{
	(void)state;
	uint64_t st;
	if (geteuid() != 0) {
		if (proc_starttime(1, &st) != 0)
			skip(); /* hidepid or no pid 1 visible */
		assert_int_equal(proc_signal_verified(1, st, 0), -EPERM);
		return;
	}
	pid_t sleeper = fork();
	assert_true(sleeper >= 0);
	if (sleeper == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(proc_starttime(sleeper, &st), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(77);
		_exit(proc_signal_verified(sleeper, st, SIGTERM) == -EPERM ? 0 : 1);
	}
	int ws = 0;
	assert_int_equal(waitpid(child, &ws, 0), child);
	kill(sleeper, SIGKILL);
	waitpid(sleeper, NULL, 0);
	assert_true(WIFEXITED(ws));
	if (WEXITSTATUS(ws) == 77)
		skip(); /* cannot drop privileges here */
	assert_int_equal(WEXITSTATUS(ws), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signal_right_starttime),
		cmocka_unit_test(test_wrong_starttime),
		cmocka_unit_test(test_zombie),
		cmocka_unit_test(test_bad_pids),
		cmocka_unit_test(test_eperm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
