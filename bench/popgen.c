/* SPDX-License-Identifier: GPL-2.0-or-later */
/* popgen.c - socket population generator for the sockwatch benchmark.
 *
 * Run it inside a throwaway network namespace (bench/run.sh creates one and
 * brings lo up).  It builds, all on loopback:
 *   - N established TCP pairs (both ends held), clients bound to several
 *     127.0.x.y source addresses so that one ephemeral port range is no limit;
 *   - L listeners (127.0.0.1, ports BASE..BASE+L-1);
 *   - T TIME_WAIT sockets, kept steady: they expire after 60 s, so the master
 *     tops them up from /proc/net/sockstat every 100 ms;
 * spread over P processes: the master (TIME_WAIT maker, one listener) and
 * P-1 holders (the pairs and the other listeners).  Every holder raises
 * RLIMIT_NOFILE to its hard limit and dies with the master (PDEATHSIG); the
 * master kills and reaps every holder on SIGINT/SIGTERM/SIGHUP, on a holder's
 * death and on any error.  When everything is built it writes the ready file
 * (atomically) and a "READY ..." line on stdout.  SIGUSR1 to the master
 * makes the middle holder open one more listener (port BASE+LISTENERS, then
 * +1 ...), to check process attribution of a new socket in an old process.
 *
 * Before building it prints what the population needs (sockets, processes,
 * file descriptors per holder and in all, kernel memory, TIME_WAIT buckets,
 * 4-tuples) next to what the machine allows (RLIMIT_NOFILE, fs.nr_open,
 * fs.file-max, MemAvailable, net.ipv4.tcp_max_tw_buckets, the ephemeral
 * port range) and stops with a clear message when something is short.
 * A holder raises RLIMIT_NOFILE to what it needs (the hard limit too, up to
 * fs.nr_open, where it has CAP_SYS_RESOURCE), else to the hard limit: a
 * million sockets (500k pairs) go in 100 holders of 10k fds each.  -n:
 * print the needs and exit.
 *
 * Usage: popgen -e PAIRS -w TW -l LISTENERS -p PROCS [-r READYFILE]
 *               [-s SOURCES] [-b PORTBASE] [-n]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

/* Kernel memory per TCP socket (struct tcp_sock, dentry/inode, file,
 * slab: measured on 6.18 at a million sockets: ~4.8 KB). */
#define KMEM_PER_SOCKET 5120L

static long n_pairs, n_tw, n_listen = 1, n_procs = 2, n_src = 16, port_base = 20000;
static const char *ready_path;
static pid_t *holders;
static long n_holders;
static volatile sig_atomic_t stop_sig, child_died, usr1;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "popgen[%d]: ", (int)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void on_stop(int sig)
{
	stop_sig = sig;
}

static void on_usr1(int sig)
{
	(void)sig;
	usr1 = 1;
}

static void on_child(int sig)
{
	(void)sig;
	child_died = 1;
}

/* A number from a /proc file (the first field), or -1. */
static long proc_long(const char *path)
{
	FILE *fp = fopen(path, "re");
	long v = -1;

	if (fp) {
		if (fscanf(fp, "%ld", &v) != 1)
			v = -1;
		fclose(fp);
	}
	return v;
}

/* Raise RLIMIT_NOFILE to at least `want` (as root, the hard limit too, up
 * to fs.nr_open), else to the hard limit. */
static void raise_nofile(long want)
{
	struct rlimit rl;
	long nr_open = proc_long("/proc/sys/fs/nr_open");

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (want > 0 && (rlim_t)want > rl.rlim_max && nr_open > 0) {
		struct rlimit hi = { (rlim_t)(want < nr_open ? want : nr_open),
				     (rlim_t)(want < nr_open ? want : nr_open) };

		if (setrlimit(RLIMIT_NOFILE, &hi) == 0)
			return;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static long nofile_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	return rl.rlim_cur == RLIM_INFINITY ? 1L << 20 : (long)rl.rlim_cur;
}

static struct sockaddr_in sin4(uint32_t host_order_addr, int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(host_order_addr);
	return a;
}

/* 127.0.1.1, 127.0.1.2, ... 127.0.(1 + i/250).(1 + i%250) */
static uint32_t source_addr(long i)
{
	long k = i % n_src;

	return (127u << 24) | (uint32_t)((1 + k / 250) << 8) | (uint32_t)(1 + k % 250);
}

static int make_listener(int port)
{
	struct sockaddr_in a = sin4(0x7f000001, port);
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind 127.0.0.1:%d: %s", port, strerror(errno));
	if (listen(fd, 4096) < 0)
		die("listen: %s", strerror(errno));
	return fd;
}

/* One connected pair: client (from source address number srcidx) -> the
 * listener on port.  Returns the client fd, the accepted one in *srv. */
static int make_pair(int lfd, int port, long srcidx, int *srv)
{
	struct sockaddr_in src = sin4(source_addr(srcidx), 0);
	struct sockaddr_in dst = sin4(0x7f000001, port);
	int one = 1, c, s;

	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		die("socket: %s", strerror(errno));
	setsockopt(c, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
	if (bind(c, (struct sockaddr *)&src, sizeof(src)) < 0)
		die("bind source: %s", strerror(errno));
	if (connect(c, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		die("connect to :%d: %s", port, strerror(errno));
	s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (s < 0)
		die("accept: %s", strerror(errno));
	*srv = s;
	return c;
}

/* Share `total` over `parts`: part i gets this many. */
static long share(long total, long parts, long i)
{
	return total / parts + (i < total % parts ? 1 : 0);
}

static long share_start(long total, long parts, long i)
{
	return i * (total / parts) + (i < total % parts ? i : total % parts);
}

static void holder_main(long h, int ready_fd)
{
	long np = share(n_pairs, n_holders, h);
	long nl = share(n_listen - 1, n_holders, h);
	long l0 = 1 + share_start(n_listen - 1, n_holders, h);
	long p0 = share_start(n_pairs, n_holders, h);
	int *lfd;
	long i;
	char ok = 'R';

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	{
		struct sigaction ua;
		memset(&ua, 0, sizeof(ua));
		ua.sa_handler = on_usr1;
		sigaction(SIGUSR1, &ua, NULL);
	}
	raise_nofile(2 * np + nl + 16);
	if (2 * np + nl + 16 > nofile_limit())
		die("holder %ld: %ld pairs need more than %ld fds", h, np, nofile_limit());
	lfd = calloc((size_t)(nl > 0 ? nl : 1), sizeof(*lfd));
	if (!lfd)
		die("out of memory");
	for (i = 0; i < nl; i++)
		lfd[i] = make_listener((int)(port_base + l0 + i));
	for (i = 0; i < np; i++) {
		int srv;

		make_pair(lfd[i % nl], (int)(port_base + l0 + i % nl), p0 + i, &srv);
	}
	if (write(ready_fd, &ok, 1) != 1)
		_exit(1);
	close(ready_fd);
	/* SIGUSR1: open one more listener (port BASE+LISTENERS, +1, ...) in
	 * this existing process: the runner checks that sockwatch attributes
	 * it to us by the next refresh. */
	sigset_t block, wait_mask;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGUSR1);
	for (long extra = 0;;) {
		while (!usr1)
			sigsuspend(&wait_mask); /* no lost wake-up */
		usr1 = 0;
		make_listener((int)(port_base + n_listen + extra++));
	}
}

static void kill_holders(void)
{
	long i;

	for (i = 0; i < n_holders; i++)
		if (holders[i] > 0)
			kill(holders[i], SIGKILL);
	for (i = 0; i < n_holders; i++)
		if (holders[i] > 0)
			while (waitpid(holders[i], NULL, 0) < 0 && errno == EINTR)
				;
}

static void cleanup_exit(int code)
{
	kill_holders();
	if (ready_path)
		unlink(ready_path);
	exit(code);
}

/* TIME_WAIT count of this network namespace. */
static long tw_count(void)
{
	char line[256];
	long tw = -1;
	FILE *fp = fopen("/proc/net/sockstat", "re");

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		char *p = strstr(line, " tw ");

		if (strncmp(line, "TCP:", 4) == 0 && p)
			tw = strtol(p + 4, NULL, 10);
	}
	fclose(fp);
	return tw;
}

static long tw_made;

/* Client closes first, so the client end goes to TIME_WAIT. */
static void make_tw(int lfd, long count)
{
	long i;

	for (i = 0; i < count && !stop_sig; i++) {
		int srv, c = make_pair(lfd, (int)port_base, tw_made++, &srv);

		close(c);
		close(srv);
	}
}

static long parse_num(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || v < 0)
		die("bad %s '%s'", what, s);
	if (*end == 'k' || *end == 'K')
		v *= 1000, end++;
	if (*end)
		die("bad %s '%s'", what, s);
	return v;
}

/* MemAvailable in bytes, or -1. */
static long mem_available(void)
{
	char line[256];
	long kb = -1;
	FILE *fp = fopen("/proc/meminfo", "re");

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	fclose(fp);
	return kb < 0 ? -1 : kb * 1024;
}

/* Print what the population needs against what the machine allows; exit
 * when something is short (or when only_print). */
static void check_needs(int only_print)
{
	long sockets = 2 * n_pairs + n_tw + n_listen;
	long per_holder = n_holders > 0 ? 2 * share(n_pairs, n_holders, 0) +
		share(n_listen - 1, n_holders, 0) + 16 : 0;
	long total_fds = 2 * n_pairs + n_listen + 16 * n_procs;
	long kmem = sockets * KMEM_PER_SOCKET;
	long nr_open = proc_long("/proc/sys/fs/nr_open");
	long file_max = proc_long("/proc/sys/fs/file-max");
	long tw_max = proc_long("/proc/sys/net/ipv4/tcp_max_tw_buckets");
	long avail = mem_available();
	long lo = 32768, hi = 60999, tuples;
	struct rlimit rl;
	int root = geteuid() == 0, bad = 0;
	FILE *fp = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");

	if (fp) {
		if (fscanf(fp, "%ld %ld", &lo, &hi) != 2)
			lo = 32768, hi = 60999;
		fclose(fp);
	}
	/* each client picks a port per (source, listener port): the pairs of
	 * one holder use its own listeners, from every source address */
	tuples = n_src * (n_listen > 1 ? n_listen - 1 : 1) * (hi - lo + 1);
	/* what a holder will get: try it here (root without CAP_SYS_RESOURCE
	 * cannot raise the hard limit) */
	raise_nofile(per_holder);
	getrlimit(RLIMIT_NOFILE, &rl);
	fprintf(stderr, "popgen: needs %ld TCP sockets (%ld pairs, %ld TIME_WAIT, %ld listeners) "
		"in %ld processes\n", sockets, n_pairs, n_tw, n_listen, n_procs);
	fprintf(stderr, "popgen:   fds per holder %ld (RLIMIT_NOFILE %ld after raising it; "
		"fs.nr_open %ld)\n", per_holder, nofile_limit(), nr_open);
	fprintf(stderr, "popgen:   fds in all %ld (fs.file-max %ld)\n", total_fds, file_max);
	fprintf(stderr, "popgen:   kernel memory ~%ld MB (MemAvailable %ld MB)\n",
		kmem >> 20, avail >> 20);
	fprintf(stderr, "popgen:   TIME_WAIT %ld (net.ipv4.tcp_max_tw_buckets %ld)\n", n_tw, tw_max);
	fprintf(stderr, "popgen:   client 4-tuples %ld sources x %ld listener ports x %ld "
		"ephemeral ports = %ld for %ld pairs\n", n_src, n_listen > 1 ? n_listen - 1 : 1,
		hi - lo + 1, tuples, n_pairs + n_tw);
	if (per_holder > nofile_limit()) {
		fprintf(stderr, "popgen: %ld fds per holder exceed RLIMIT_NOFILE %ld (%s): "
			"raise -p to %ld or more\n", per_holder, nofile_limit(),
			root ? "the hard limit cannot be raised without CAP_SYS_RESOURCE"
			     : "not root: the hard limit",
			1 + (2 * n_pairs + n_listen) / (nofile_limit() > 64 ? nofile_limit() - 32 : 32) + 1);
		bad = 1;
	}
	if (file_max > 0 && total_fds > file_max) {
		fprintf(stderr, "popgen: %ld fds exceed fs.file-max %ld: sysctl -w fs.file-max=%ld\n",
			total_fds, file_max, total_fds + 65536);
		bad = 1;
	}
	if (avail > 0 && kmem > avail / 10 * 8) {
		fprintf(stderr, "popgen: ~%ld MB of kernel memory needed, %ld MB available\n",
			kmem >> 20, avail >> 20);
		bad = 1;
	}
	if (tw_max >= 0 && n_tw > tw_max) {
		fprintf(stderr, "popgen: %ld TIME_WAIT exceed net.ipv4.tcp_max_tw_buckets %ld\n",
			n_tw, tw_max);
		bad = 1;
	}
	if (tuples < 2 * (n_pairs + n_tw)) {
		fprintf(stderr, "popgen: too few client 4-tuples: raise -s (sources) or -l\n");
		bad = 1;
	}
	if (bad)
		die("the machine cannot hold this population");
	if (only_print)
		exit(0);
}

static void write_ready(void)
{
	char tmp[4096];
	FILE *fp;

	if (!ready_path)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", ready_path);
	fp = fopen(tmp, "we");
	if (!fp)
		die("%s: %s", tmp, strerror(errno));
	fprintf(fp, "pid=%d pairs=%ld tw=%ld listeners=%ld procs=%ld\n", (int)getpid(),
		n_pairs, n_tw, n_listen, n_procs);
	if (fclose(fp) != 0 || rename(tmp, ready_path) != 0)
		die("%s: %s", ready_path, strerror(errno));
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct timespec t0, t1;
	int c, pfd[2], lfd;
	long i, got = 0;
	int only_needs = 0;
	pid_t master = getpid();

	while ((c = getopt(argc, argv, "e:w:l:p:r:s:b:nh")) != -1) {
		switch (c) {
		case 'e': n_pairs = parse_num(optarg, "pair count"); break;
		case 'w': n_tw = parse_num(optarg, "TIME_WAIT count"); break;
		case 'l': n_listen = parse_num(optarg, "listener count"); break;
		case 'p': n_procs = parse_num(optarg, "process count"); break;
		case 'r': ready_path = optarg; break;
		case 's': n_src = parse_num(optarg, "source count"); break;
		case 'b': port_base = parse_num(optarg, "port base"); break;
		case 'n': only_needs = 1; break;
		default:
			fprintf(stderr, "usage: popgen -e PAIRS -w TW -l LISTENERS -p PROCS "
				"[-r READYFILE] [-s SOURCES] [-b PORTBASE] [-n]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	n_holders = n_procs - 1;
	if (n_listen < 1 || n_src < 1 || n_src > 250 * 250 || port_base + n_listen > 32768)
		die("need 1+ listeners below port 32768 and 1..62500 sources");
	if (n_pairs > 0 && (n_holders < 1 || n_listen - 1 < n_holders))
		die("pairs need PROCS >= 2 and LISTENERS >= PROCS (one listener per holder, "
		    "plus the master's)");
	check_needs(only_needs);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_nofile(0);
	/* Die (cleanly, via on_stop) with whoever started us. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	lfd = make_listener((int)port_base);
	if (pipe2(pfd, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	holders = calloc((size_t)(n_holders > 0 ? n_holders : 1), sizeof(*holders));
	if (!holders)
		die("out of memory");
	for (i = 0; i < n_holders && !stop_sig; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "popgen: fork: %s\n", strerror(errno));
			cleanup_exit(1);
		}
		if (pid == 0) {
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != master)
				_exit(1);
			close(pfd[0]);
			close(lfd);
			holder_main(i, pfd[1]);
			_exit(0);
		}
		holders[i] = pid;
	}
	close(pfd[1]);
	while (got < n_holders) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		char buf[256];
		ssize_t r;

		if (stop_sig)
			cleanup_exit(1);
		if (child_died) {
			fprintf(stderr, "popgen: a holder died while building\n");
			cleanup_exit(1);
		}
		if (poll(&p, 1, 200) <= 0)
			continue;
		r = read(pfd[0], buf, sizeof(buf));
		if (r <= 0) {
			fprintf(stderr, "popgen: holders failed\n");
			cleanup_exit(1);
		}
		got += r;
	}
	close(pfd[0]);
	make_tw(lfd, n_tw);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (stop_sig)
		cleanup_exit(1);
	write_ready();
	printf("READY pairs=%ld tw=%ld listeners=%ld procs=%ld sockets=%ld build_s=%.2f\n",
	       n_pairs, n_tw, n_listen, n_procs, 2 * n_pairs + n_tw + n_listen,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	fflush(stdout);

	/* Keep TIME_WAIT steady until told to stop. */
	while (!stop_sig) {
		struct timespec d = { 0, 100 * 1000 * 1000 };
		long tw;

		if (child_died) {
			fprintf(stderr, "popgen: a holder died\n");
			cleanup_exit(1);
		}
		nanosleep(&d, NULL);
		if (usr1) { /* forward to the middle holder */
			usr1 = 0;
			if (n_holders > 0)
				kill(holders[n_holders / 2], SIGUSR1);
		}
		tw = n_tw > 0 ? tw_count() : 0;
		if (tw >= 0 && tw < n_tw)
			make_tw(lfd, n_tw - tw);
	}
	cleanup_exit(0);
	return 0;
}
