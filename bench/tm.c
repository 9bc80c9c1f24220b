/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tm.c - time one command: wall clock (CLOCK_MONOTONIC around fork..wait),
 * user and system CPU and peak RSS (wait4's rusage of the child).
 *
 * Usage: tm [-o OUT] [-e ERR] -- COMMAND [ARG]...
 *   stdout goes to OUT (default /dev/null), stderr to ERR (default: kept).
 * Prints one line: "wall_s user_s sys_s maxrss_kb exit_status".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double ts(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

static double tv(const struct timeval *t)
{
	return (double)t->tv_sec + (double)t->tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	const char *out = "/dev/null", *err = NULL;
	struct timespec t0, t1;
	struct rusage ru;
	int c, status;
	pid_t pid;

	while ((c = getopt(argc, argv, "+o:e:")) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'e': err = optarg; break;
		default:
			fprintf(stderr, "usage: tm [-o OUT] [-e ERR] -- COMMAND [ARG]...\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "tm: no command\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("tm: fork");
		return 1;
	}
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(126);
		if (err) {
			fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || dup2(fd, 2) < 0)
				_exit(126);
		}
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("tm: wait4");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.6f %.6f %.6f %ld %d\n", ts(&t1) - ts(&t0), tv(&ru.ru_utime), tv(&ru.ru_stime),
	       ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
