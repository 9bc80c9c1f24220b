/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ptyrun.c - run a full-screen program on a pseudo-terminal of a given size
 * and measure its steady-state cost: CPU (utime+stime from /proc/PID/stat,
 * and the ns-precise run time of all its threads from
 * /proc/PID/task/TID/schedstat) and the bytes it
 * writes to the terminal, over a window that starts WARMUP seconds after its
 * first output.  Then it sends 'q', and SIGTERM/SIGKILL if that is ignored.
 *
 * Usage: ptyrun [-c COLS] [-r ROWS] [-w WARMUP] [-t SECONDS] [-l LOG] [-k KEYS]
 *               -- COMMAND [ARG]...
 *   -l LOG   also copy everything the program writes to LOG
 *   -k KEYS  type KEYS once the warm-up is over (before the window starts)
 * Prints key=value pairs on one line: window_s, bytes (in the window),
 * bytes_total, bursts (output bursts in the window, separated by >100 ms
 * gaps), cpu_ticks, hz, cpu_s (ticks/hz), sched_s, maxrss_kb, status,
 * from_ns and to_ns (the window in CLOCK_MONOTONIC nanoseconds: the
 * monitor's SOCKWATCH_DEBUG_PACE log has the same clock).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* utime+stime in clock ticks, -1 if gone. */
static long long cpu_ticks(pid_t pid)
{
	char path[64], buf[4096], *p;
	unsigned long long ut, st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	/* after ") ": state(3) ppid pgrp session tty tpgid flags minflt cminflt
	 * majflt cmajflt utime(14) stime(15) */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

/* Run time of all the process's threads: the monitor collects and merges
 * in a second thread (sw-collect), and /proc/PID/schedstat is the main
 * thread's alone.  (A thread that has ended is no longer listed: its time
 * is only in utime+stime.) */
static long long sched_ns(pid_t pid)
{
	char path[64];
	unsigned long long sum = 0;
	int found = 0;
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char p2[300];
		unsigned long long ns = 0;
		FILE *fp;
		if (e->d_name[0] == '.')
			continue;
		snprintf(p2, sizeof(p2), "/proc/%d/task/%s/schedstat", (int)pid, e->d_name);
		fp = fopen(p2, "re");
		if (!fp)
			continue;
		if (fscanf(fp, "%llu", &ns) == 1) {
			sum += ns;
			found = 1;
		}
		fclose(fp);
	}
	closedir(d);
	return found ? (long long)sum : -1;
}

int main(int argc, char **argv)
{
	struct winsize ws = { .ws_row = 50, .ws_col = 200 };
	double warmup = 3, window = 20, t_first = 0, t_start = 0, t_last_out = 0;
	double w_from = 0, w_to = 0; /* the window, CLOCK_MONOTONIC seconds */
	const char *logpath = NULL, *keys = NULL;
	long long bytes = 0, bytes_total = 0, bursts = 0, tk0 = 0, tk1 = 0, ns0 = 0, ns1 = 0;
	int c, mfd, status = 0, phase = 0, logfd = -1;
	struct rusage ru;
	pid_t pid;

	while ((c = getopt(argc, argv, "+c:r:w:t:l:k:")) != -1) {
		switch (c) {
		case 'c': ws.ws_col = (unsigned short)atoi(optarg); break;
		case 'r': ws.ws_row = (unsigned short)atoi(optarg); break;
		case 'w': warmup = atof(optarg); break;
		case 't': window = atof(optarg); break;
		case 'l': logpath = optarg; break;
		case 'k': keys = optarg; break;
		default:
			fprintf(stderr, "usage: ptyrun [-c COLS] [-r ROWS] [-w WARMUP] [-t SECONDS] "
				"[-l LOG] [-k KEYS] -- COMMAND [ARG]...\n");
			return 2;
		}
	}
	if (optind >= argc)
		return 2;
	if (logpath) {
		logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (logfd < 0) {
			perror(logpath);
			return 1;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	pid = forkpty(&mfd, NULL, NULL, &ws);
	if (pid < 0) {
		perror("ptyrun: forkpty");
		return 1;
	}
	if (pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		unsetenv("COLUMNS");
		unsetenv("LINES");
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	/* phase 0: waiting for first output; 1: warm-up; 2: window; 3: quitting */
	for (;;) {
		struct pollfd p = { .fd = mfd, .events = POLLIN };
		char buf[65536];
		double t;
		int r = poll(&p, 1, 50);

		t = now();
		if (r > 0) {
			ssize_t n = read(mfd, buf, sizeof(buf));

			if (n <= 0)
				break; /* EIO: the program is gone */
			bytes_total += n;
			if (logfd >= 0 && write(logfd, buf, (size_t)n) != n)
				logfd = -1;
			if (phase == 0) {
				phase = 1;
				t_first = t;
			} else if (phase == 2) {
				bytes += n;
				if (t - t_last_out > 0.1)
					bursts++;
			}
			t_last_out = t;
		}
		if (phase == 1 && t - t_first >= warmup) {
			if (keys) {
				if (write(mfd, keys, strlen(keys)) < 0)
					break;
				keys = NULL;
				t_first = t - warmup + 1; /* one more second to settle */
				continue;
			}
			phase = 2;
			t_start = w_from = t;
			tk0 = cpu_ticks(pid);
			ns0 = sched_ns(pid);
		} else if (phase == 2 && t - t_start >= window) {
			tk1 = cpu_ticks(pid);
			ns1 = sched_ns(pid);
			window = t - t_start;
			w_to = t;
			phase = 3;
			if (write(mfd, "q", 1) < 0)
				break;
			t_start = t;
		} else if (phase == 3 && t - t_start > 3) {
			kill(pid, t - t_start > 5 ? SIGKILL : SIGTERM);
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			pid = -pid;
			break;
		}
	}
	if (pid > 0) {
		kill(pid, SIGTERM);
		sleep(1);
		kill(pid, SIGKILL);
		pid = -pid;
		waitpid(-pid, &status, 0);
	}
	getrusage(RUSAGE_CHILDREN, &ru);
	if (phase < 3) {
		fprintf(stderr, "ptyrun: the program ended early (phase %d, status %d)\n", phase,
			status);
		return 1;
	}
	printf("window_s=%.3f bytes=%lld bytes_total=%lld bursts=%lld cpu_ticks=%lld hz=%ld "
	       "cpu_s=%.3f sched_s=%.4f maxrss_kb=%ld status=%d from_ns=%.0f to_ns=%.0f\n",
	       window, bytes, bytes_total, bursts, tk1 - tk0, sysconf(_SC_CLK_TCK),
	       (double)(tk1 - tk0) / (double)sysconf(_SC_CLK_TCK), (double)(ns1 - ns0) / 1e9,
	       ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       w_from * 1e9, w_to * 1e9);
	return 0;
}
