/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsbench - time collector refreshes as the monitor makes them (inet
 * sockets with tcp_info, kstat, process mapping), for bench/netns.sh.
 *
 *   nsbench [-N NETNS|all] [-n SAMPLES]
 *
 * Prints "median_wall_ms median_cpu_ms sockets namespaces" over SAMPLES
 * refreshes after one warm-up refresh (CPU: user + system of every
 * thread, the fairer figure on a machine shared with other loads).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "collect/collect.h"
#include "core/snapshot.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const char *ns = NULL;
	int n = 11, opt;
	while ((opt = getopt(argc, argv, "N:n:")) != -1) {
		if (opt == 'N')
			ns = optarg;
		else if (opt == 'n')
			n = atoi(optarg);
		else
			return 2;
	}
	if (n < 1 || n > 1000)
		return 2;
	struct sw_collect_opts o;
	memset(&o, 0, sizeof o);
	o.netns = ns;
	o.protos = SW_PROTO_ALL & ~SW_PROTO_BIT(SW_PROTO_UNIX);
	o.tcpinfo = o.procs = o.kstat = true;
	char err[256];
	struct sw_collector *c = collector_new(&o, err, sizeof err);
	if (!c) {
		fprintf(stderr, "nsbench: %s\n", err);
		return 1;
	}
	struct sw_snapshot s;
	snapshot_init(&s);
	s.detail = false;
	double *t = calloc((size_t)n, sizeof *t), *u = calloc((size_t)n, sizeof *u);
	for (int i = -1; i < n; i++) {
		double t0 = now_ms(), u0 = cpu_ms();
		if (collector_sample(c, &s, err, sizeof err) < 0) {
			fprintf(stderr, "nsbench: %s\n", err);
			return 1;
		}
		if (i >= 0)
			t[i] = now_ms() - t0, u[i] = cpu_ms() - u0;
	}
	qsort(t, (size_t)n, sizeof *t, cmp_d);
	qsort(u, (size_t)n, sizeof *u, cmp_d);
	printf("%.2f %.2f %zu %zu\n", t[n / 2], u[n / 2], s.nconns, s.nns ? s.nns : 1);
	free(t);
	free(u);
	snapshot_done(&s);
	collector_free(c);
	return 0;
}
