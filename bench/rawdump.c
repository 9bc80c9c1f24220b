/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rawdump.c - the benchmark floor: dump every TCP socket (IPv4 then IPv6)
 * over NETLINK_SOCK_DIAG and throw the replies away.  Only netlink headers
 * are walked (to find NLMSG_DONE/ERROR); no attribute is parsed.
 *
 * Usage: rawdump [-1] [-x] [-c] [-S STATEMASK] [-E EXTMASK] [-s PORT] [-d PORT] [-B BUFSIZE]
 *   -1  one dump of both families (TCPDIAG_GETSOCK, family AF_UNSPEC: one
 *       walk of the kernel's hash tables, as ss and sockwatch do) instead
 *       of an IPv4 dump then an IPv6 dump
 *   -x  ask for the extensions sockwatch asks for by default
 *       (tcp_info, congestion, skmeminfo), to price them in the kernel
 *   -c  print the number of sockets seen on stderr
 *   -S  kernel state mask (default ~0: all states)
 *   -E  idiag_ext bit mask as a number (e.g. 0x2 = tcp_info only)
 *   -s  PORT / -d PORT: exact source / destination port (request id fields,
 *       filtered by the kernel)
 *   -B  receive buffer size (default 65536; the kernel's chunks follow it)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>

#define BUFMAX (1024 * 1024)

static size_t bufsz = 64 * 1024;
static uint16_t f_sport, f_dport;

static int dump(struct mnl_socket *nl, int family, uint8_t ext, uint32_t states, long *count)
{
	static char buf[BUFMAX];
	struct nlmsghdr *nlh;
	struct inet_diag_req_v2 *req;
	unsigned int seq = (unsigned int)time(NULL) + (unsigned int)family;
	ssize_t n;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (family == AF_UNSPEC) {
		struct inet_diag_req *r = mnl_nlmsg_put_extra_header(nlh, sizeof(*r));

		nlh->nlmsg_type = TCPDIAG_GETSOCK;
		r->idiag_family = AF_INET; /* ignored: both families */
		r->idiag_states = states;
		r->idiag_ext = ext;
		r->id.idiag_sport = htons(f_sport);
		r->id.idiag_dport = htons(f_dport);
		goto send;
	}
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = states;
	req->idiag_ext = ext;
	req->id.idiag_sport = htons(f_sport);
	req->id.idiag_dport = htons(f_dport);
send:
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	while ((n = mnl_socket_recvfrom(nl, buf, bufsz)) > 0) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
		int len = (int)n;

		for (; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
				return e->error;
			}
			(*count)++;
		}
	}
	return n < 0 ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct mnl_socket *nl;
	uint8_t ext = 0;
	uint32_t states = ~0u;
	int c, rc, verbose = 0, rcvbuf = 1 << 20, one = 0;
	long count = 0;

	while ((c = getopt(argc, argv, "1xcS:B:E:s:d:")) != -1) {
		switch (c) {
		case '1': one = 1; break;
		case 'x':
			ext = (1 << (INET_DIAG_INFO - 1)) | (1 << (INET_DIAG_CONG - 1)) |
			      (1 << (INET_DIAG_SKMEMINFO - 1));
			break;
		case 'c': verbose = 1; break;
		case 's': f_sport = (uint16_t)strtoul(optarg, NULL, 0); break;
		case 'd': f_dport = (uint16_t)strtoul(optarg, NULL, 0); break;
		case 'E': ext = (uint8_t)strtoul(optarg, NULL, 0); break;
		case 'S': states = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'B':
			bufsz = strtoul(optarg, NULL, 0);
			if (bufsz < 4096 || bufsz > BUFMAX)
				bufsz = 64 * 1024;
			break;
		default:
			fprintf(stderr, "usage: rawdump [-1] [-x] [-c] [-S STATEMASK] [-E EXTMASK] [-s PORT] [-d PORT] [-B BUFSIZE]\n");
			return 2;
		}
	}
	nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("rawdump: netlink");
		return 1;
	}
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (one) {
		rc = dump(nl, AF_UNSPEC, ext, states, &count);
	} else {
		rc = dump(nl, AF_INET, ext, states, &count);
		if (rc == 0)
			rc = dump(nl, AF_INET6, ext, states, &count);
	}
	mnl_socket_close(nl);
	if (rc < 0) {
		fprintf(stderr, "rawdump: %s\n", strerror(-rc));
		return 1;
	}
	if (verbose)
		fprintf(stderr, "%ld\n", count);
	return 0;
}
