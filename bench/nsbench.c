/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsbench - time collector refreshes as the monitor makes them (inet
 * sockets with tcp_info, kstat, process mapping), for bench/netns.sh.
 *
 *   nsbench [-R] [-N NETNS|all] [-n SAMPLES]
 *
 * Prints "median_wall_ms median_cpu_ms sockets namespaces" over SAMPLES
 * refreshes after one warm-up refresh (CPU: user + system of every
 * thread, the fairer figure on a machine shared with other loads).
 *
 * -R: the kernel's floor instead of sockwatch: one NETLINK_SOCK_DIAG
 * socket per namespace, opened inside it once, and a refresh is one TCP
 * dump of both families (TCPDIAG_GETSOCK, every state, tcp_info) per
 * namespace, one after the other, the replies counted and thrown away:
 * what no collector can go below, since every dump walks the kernel's
 * whole established hash (shared by every namespace by default).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <errno.h>
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>

#include "collect/collect.h"
#include "collect/netns.h"
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

/* ---- -R: the raw floor ---- */

static void open_fn(void *arg)
{
	struct mnl_socket **nl = arg;
	*nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (*nl && mnl_socket_bind(*nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(*nl);
		*nl = NULL;
	}
}

/* One TCP dump of both families on nl: sockets seen, or -errno. */
static long raw_dump(struct mnl_socket *nl, unsigned seq)
{
	static char buf[64 * 1024];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = TCPDIAG_GETSOCK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	struct inet_diag_req *r = mnl_nlmsg_put_extra_header(nlh, sizeof *r);
	r->idiag_family = AF_INET; /* ignored: both families */
	r->idiag_states = ~0u;
	r->idiag_ext = 1 << (INET_DIAG_INFO - 1);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	long count = 0;
	ssize_t n;
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof buf)) > 0) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
		int len = (int)n;
		for (; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return count;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((const struct nlmsgerr *)mnl_nlmsg_get_payload(h))->error;
			count++;
		}
	}
	return n < 0 ? -errno : count;
}

/* One socket inside each namespace of ns ("all": every one found). */
static size_t raw_open(const char *ns, struct mnl_socket **nl, size_t max)
{
	char path[4096];
	size_t n = 0;
	if (ns && strcmp(ns, "all") == 0) {
		struct sw_nslist l = {0};
		if (netns_discover(NULL, &l) < 0)
			return 0;
		for (size_t i = 0; i < l.n && n < max; i++) {
			int fd = l.v[i].own ? -1 : collect_netns_open(l.v[i].info.path, path, sizeof path);
			if (fd < -1)
				continue;
			if (collect_in_netns(fd, open_fn, &nl[n]) == 0 && nl[n])
				n++;
			if (fd >= 0)
				close(fd);
		}
		netns_list_done(&l);
		return n;
	}
	int fd = ns ? collect_netns_open(ns, path, sizeof path) : -1;
	if (fd < -1 || collect_in_netns(fd, open_fn, &nl[0]) < 0 || !nl[0])
		return 0;
	if (fd >= 0)
		close(fd);
	return 1;
}

static int raw_main(const char *ns, int n)
{
	static struct mnl_socket *nl[4096];
	size_t nns = raw_open(ns, nl, sizeof nl / sizeof nl[0]);
	if (!nns) {
		fprintf(stderr, "nsbench: cannot open sock_diag sockets in %s\n", ns ? ns : "ours");
		return 1;
	}
	double *t = calloc((size_t)n, sizeof *t), *u = calloc((size_t)n, sizeof *u);
	long socks = 0;
	for (int i = -1; i < n; i++) {
		double t0 = now_ms(), u0 = cpu_ms();
		socks = 0;
		for (size_t k = 0; k < nns; k++) {
			long c = raw_dump(nl[k], (unsigned)(i + 2));
			if (c < 0) {
				fprintf(stderr, "nsbench: dump: %s\n", strerror((int)-c));
				return 1;
			}
			socks += c;
		}
		if (i >= 0)
			t[i] = now_ms() - t0, u[i] = cpu_ms() - u0;
	}
	qsort(t, (size_t)n, sizeof *t, cmp_d);
	qsort(u, (size_t)n, sizeof *u, cmp_d);
	printf("%.2f %.2f %ld %zu\n", t[n / 2], u[n / 2], socks, nns);
	for (size_t k = 0; k < nns; k++)
		mnl_socket_close(nl[k]);
	free(t);
	free(u);
	return 0;
}

int main(int argc, char **argv)
{
	const char *ns = NULL;
	int n = 11, opt;
	bool raw = false;
	while ((opt = getopt(argc, argv, "RN:n:")) != -1) {
		if (opt == 'R')
			raw = true;
		else if (opt == 'N')
			ns = optarg;
		else if (opt == 'n')
			n = atoi(optarg);
		else
			return 2;
	}
	if (n < 1 || n > 1000)
		return 2;
	if (raw)
		return raw_main(ns, n);
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
