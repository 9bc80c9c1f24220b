/* SPDX-License-Identifier: GPL-2.0-or-later */
/* keylat.c - how fast the monitor answers a key, and in which phase of its
 * refresh the key came: while a collection ran in the background, while
 * the new sample was merged (main thread), or in between.
 *
 * Runs COMMAND (sockwatch) on a pseudo-terminal with SOCKWATCH_DEBUG_PACE
 * set to a file of its own; after WARMUP seconds from the first output it
 * sends 'h' (help) at random moments (GAP ms apart, +/- half) N times and
 * times each from the write to the moment the help's "Show this help" has
 * come out, then closes the help with 'q' and waits for the screen to be
 * quiet.  Then 'q' quits (timed too: the exit).  The monitor's pace log
 * says for each refresh when the collection started, when it was done and
 * when the sample was merged; each key is put in the phase it met.
 *
 * Usage: keylat [-c COLS] [-r ROWS] [-w WARMUP] [-n KEYS] [-g GAP_MS]
 *               [-o FILE] -- COMMAND [ARG]...
 *   -o FILE  one line per key: send time (ns), latency (ms), phase
 * Prints key=value pairs: per phase n, p50, p90, max (ms), keys over
 * 100 ms; refreshes, median collection and merge time (ms) and sockets;
 * quit_ms; maxrss_kb (the program's peak RSS); status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MARK "Show this help"
#define MAXKEYS 10000
#define MAXREF 100000

static int mfd = -1, logfd = -1;
static pid_t child;

static unsigned long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (unsigned long long)t.tv_sec * 1000000000ull + (unsigned long long)t.tv_nsec;
}

/* Read output for up to ms; stop early when mark (if any) has been seen
 * (across reads: a tail of the previous read is kept) or, with quiet, when
 * nothing came for quiet ms.  1 mark seen / quiet reached, 0 timeout,
 * -1 the program is gone. */
static int pump(const char *mark, int ms, int quiet)
{
	static char tail[64];
	char buf[65536 + sizeof tail];
	unsigned long long end = now_ns() + (unsigned long long)ms * 1000000ull;
	unsigned long long last = now_ns();
	size_t keep = strlen(tail);
	for (;;) {
		unsigned long long t = now_ns();
		if (t >= end)
			return 0;
		int wait = (int)((end - t) / 1000000ull) + 1;
		if (quiet && wait > quiet)
			wait = quiet;
		struct pollfd p = {.fd = mfd, .events = POLLIN};
		int r = poll(&p, 1, wait);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r <= 0) {
			if (quiet && now_ns() - last >= (unsigned long long)quiet * 1000000ull)
				return 1;
			continue;
		}
		memcpy(buf, tail, keep);
		ssize_t n = read(mfd, buf + keep, sizeof buf - keep - 1);
		if (n <= 0)
			return -1;
		last = now_ns();
		if (logfd >= 0 && write(logfd, buf + keep, (size_t)n) != n)
			logfd = -1;
		size_t len = keep + (size_t)n;
		buf[len] = '\0';
		int found = mark && memmem(buf, len, mark, strlen(mark)) != NULL;
		keep = len < sizeof tail - 1 ? len : sizeof tail - 1;
		memcpy(tail, buf + len - keep, keep);
		tail[keep] = '\0';
		if (found) {
			tail[0] = '\0';
			return 1;
		}
	}
}

struct ref { unsigned long long kick, landed, merged; unsigned long n; };

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
	if (n == 0)
		return 0;
	qsort(v, (size_t)n, sizeof *v, cmp_d);
	int i = (int)(p * (n - 1) + 0.5);
	return v[i];
}

static const char *phase_name[] = {"collecting", "merging", "idle"};

int main(int argc, char **argv)
{
	struct winsize ws = {.ws_row = 50, .ws_col = 200};
	double warmup = 5;
	int nkeys = 30, gap = 1000, c, status = 0;
	const char *out = NULL;
	while ((c = getopt(argc, argv, "+c:r:w:n:g:o:l:")) != -1) {
		switch (c) {
		case 'c': ws.ws_col = (unsigned short)atoi(optarg); break;
		case 'r': ws.ws_row = (unsigned short)atoi(optarg); break;
		case 'w': warmup = atof(optarg); break;
		case 'n': nkeys = atoi(optarg); break;
		case 'g': gap = atoi(optarg); break;
		case 'o': out = optarg; break;
		case 'l': logfd = open(optarg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644); break;
		default:
			fprintf(stderr, "usage: keylat [-c COLS] [-r ROWS] [-w WARMUP] [-n KEYS] "
				"[-g GAP_MS] [-o FILE] [-l LOG] -- COMMAND [ARG]...\n");
			return 2;
		}
	}
	if (optind >= argc || nkeys < 1 || nkeys > MAXKEYS || gap < 1)
		return 2;
	char pacepath[] = "/tmp/keylat-pace.XXXXXX";
	int pfd = mkstemp(pacepath);
	if (pfd < 0) {
		perror("keylat: mkstemp");
		return 1;
	}
	close(pfd);
	signal(SIGPIPE, SIG_IGN);
	child = forkpty(&mfd, NULL, NULL, &ws);
	if (child < 0) {
		perror("keylat: forkpty");
		return 1;
	}
	if (child == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("SOCKWATCH_DEBUG_PACE", pacepath, 1);
		setenv("SOCKWATCH_NO_MOUSE", "1", 1);
		unsetenv("COLUMNS");
		unsetenv("LINES");
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	static unsigned long long sent[MAXKEYS];
	static double lat[MAXKEYS];
	int done = 0, ok = 1;
	srand((unsigned)now_ns());
	/* the first screen comes after the first sample */
	if (pump("Connections", 600000, 0) != 1 || pump(NULL, (int)(warmup * 1000), 0) < 0)
		ok = 0;
	for (int k = 0; ok && k < nkeys; k++) {
		int wait = gap / 2 + rand() % (gap + 1);
		if (pump(NULL, wait, 0) < 0)
			break;
		sent[k] = now_ns();
		if (write(mfd, "h", 1) != 1)
			break;
		int r = pump(MARK, 120000, 0);
		if (r != 1) {
			fprintf(stderr, "keylat: no help after key %d (%d)\n", k, r);
			ok = 0;
			break;
		}
		lat[k] = (double)(now_ns() - sent[k]) / 1e6;
		done = k + 1;
		if (write(mfd, "q", 1) != 1 || pump(NULL, 120000, 150) != 1)
			break;
	}
	unsigned long long tq = now_ns();
	if (write(mfd, "q", 1) != 1)
		ok = 0;
	while (pump(NULL, 100, 0) >= 0 && waitpid(child, &status, WNOHANG) == 0)
		;
	double quit_ms = (double)(now_ns() - tq) / 1e6;
	if (waitpid(child, &status, WNOHANG) == 0) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
	}
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);

	/* the refreshes: kick, landed, merged */
	static struct ref refs[MAXREF];
	int nref = 0;
	FILE *pf = fopen(pacepath, "re");
	while (pf && nref < MAXREF && fscanf(pf, "%llu %llu %llu %lu", &refs[nref].kick,
					      &refs[nref].landed, &refs[nref].merged,
					      &refs[nref].n) == 4)
		nref++;
	if (pf)
		fclose(pf);
	unlink(pacepath);
	FILE *of = out ? fopen(out, "we") : NULL;
	static double by[3][MAXKEYS];
	int nby[3] = {0, 0, 0}, over[3] = {0, 0, 0};
	for (int k = 0; k < done; k++) {
		int ph = 2;
		for (int i = 0; i < nref; i++) {
			if (sent[k] >= refs[i].kick && sent[k] < refs[i].landed)
				ph = 0;
			else if (sent[k] >= refs[i].landed && sent[k] < refs[i].merged)
				ph = 1;
		}
		by[ph][nby[ph]++] = lat[k];
		over[ph] += lat[k] > 100;
		if (of)
			fprintf(of, "%llu %.1f %s\n", sent[k], lat[k], phase_name[ph]);
	}
	if (of)
		fclose(of);
	static double col[MAXREF], mer[MAXREF];
	unsigned long nmax = 0;
	for (int i = 1; i < nref; i++) { /* the first is the one before the screen */
		col[i - 1] = (double)(refs[i].landed - refs[i].kick) / 1e6;
		mer[i - 1] = (double)(refs[i].merged - refs[i].landed) / 1e6;
		if (refs[i].n > nmax)
			nmax = refs[i].n;
	}
	for (int p = 0; p < 3; p++) {
		int n = nby[p];
		printf("%s_n=%d %s_p50=%.1f %s_p90=%.1f %s_max=%.1f %s_over100=%d ", phase_name[p],
		       n, phase_name[p], pct(by[p], n, 0.5), phase_name[p], pct(by[p], n, 0.9),
		       phase_name[p], n ? pct(by[p], n, 1) : 0, phase_name[p], over[p]);
	}
	printf("refreshes=%d collect_ms_p50=%.0f merge_ms_p50=%.0f merge_ms_max=%.0f sockets=%lu "
	       "quit_ms=%.0f maxrss_kb=%ld status=%d\n",
	       nref > 0 ? nref - 1 : 0, pct(col, nref > 0 ? nref - 1 : 0, 0.5),
	       pct(mer, nref > 0 ? nref - 1 : 0, 0.5), pct(mer, nref > 0 ? nref - 1 : 0, 1), nmax,
	       quit_ms, ru.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return ok && done == nkeys ? 0 : 1;
}
