/* test_prockill: proc_signal_verified() and proc_starttime() on children
 * this test starts (it never signals anything else). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
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
	/* exited but not reaped: still the same process; signalling a zombie
	 * succeeds and does nothing */
	pid_t pid = start_sleeper();
	uint64_t st;
	assert_int_equal(proc_starttime(pid, &st), 0);
	assert_int_equal(kill(pid, SIGKILL), 0);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	int r = proc_signal_verified(pid, st, SIGTERM);
	assert_true(r == 0 || r == -ESRCH);
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

static void test_eperm(void **state)
{
	(void)state;
	if (geteuid() == 0) {
		/* as root, every process may be signalled; probe pid 1 with
		 * signal 0 only to check it is found and verified */
		uint64_t st;
		if (proc_starttime(1, &st) == 0)
			assert_int_equal(proc_signal_verified(1, st, 0), 0);
		print_message("  (root may signal anyone: EPERM not testable)\n");
		skip();
	}
	/* not root: pid 1 belongs to root; signal 0 checks permission only */
	uint64_t st;
	if (proc_starttime(1, &st) != 0)
		skip(); /* hidepid or no pid 1 visible */
	assert_int_equal(proc_signal_verified(1, st, 0), -EPERM);
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
