/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockevents.c - NETLINK_SOCK_DIAG destroy-event I/O (see sockevents.h).
 *
 * Events are not flow-controlled: the kernel builds each message when the
 * socket dies (from a workqueue) and drops it when our receive queue is
 * full, setting ENOBUFS once per overflow and counting every dropped
 * message in sk_drops.  So: a large receive buffer, NETLINK_NO_ENOBUFS
 * left unset (an overflow must be seen), and the exact loss read back
 * with SO_MEMINFO.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>

#include "core/i18n.h"
#include "core/util.h"
#include "nlparse.h"
#include "sockevents.h"

#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif
#ifndef SK_MEMINFO_DROPS
#define SK_MEMINFO_DROPS 8
#endif

#define EV_BUFSIZE (64u * 1024)
#define EV_RCVBUF (32 << 20)
/* One call stops after the buffer that reaches this many events, so a
 * producer faster than the parser cannot hold the caller in the loop; what
 * is left stays queued (the fd stays readable). */
#define EV_MAX_READ SOCKEVENTS_MAX_READ

struct sockevents {
	struct mnl_socket *nl;
	uint8_t *buf; /* EV_BUFSIZE, malloc-aligned */
	struct sockevents_stats st;
};

static const unsigned ev_groups[] = {
	SKNLGRP_INET_TCP_DESTROY, SKNLGRP_INET_UDP_DESTROY,
	SKNLGRP_INET6_TCP_DESTROY, SKNLGRP_INET6_UDP_DESTROY,
};

static unsigned group_mask(void)
{
	unsigned m = 0;
	for (size_t i = 0; i < sizeof ev_groups / sizeof ev_groups[0]; i++)
		m |= 1u << (ev_groups[i] - 1);
	return m;
}

static void size_rcvbuf(struct sockevents *e, int want)
{
	int fd = mnl_socket_get_fd(e->nl);
	socklen_t l = sizeof e->st.rcvbuf;
	e->st.forced = setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof want) == 0;
	if (!e->st.forced)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof want);
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &e->st.rcvbuf, &l) < 0)
		e->st.rcvbuf = 0;
}

int sockevents_open(int rcvbuf, struct sockevents **out)
{
	struct sockevents *e = xcalloc(1, sizeof *e);
	int err = 0;
	e->nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!e->nl) {
		err = -errno;
		goto fail;
	}
	/* the size first: events may arrive as soon as the bind returns */
	size_rcvbuf(e, rcvbuf > 0 ? rcvbuf : EV_RCVBUF);
	if (mnl_socket_bind(e->nl, group_mask(), MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto fail;
	}
	e->buf = xmalloc(EV_BUFSIZE);
	*out = e;
	return 0;
fail:
	sockevents_close(e);
	*out = NULL;
	return err;
}

int sockevents_fd(const struct sockevents *e)
{
	return mnl_socket_get_fd(e->nl);
}

static void read_drops(struct sockevents *e)
{
	uint32_t mi[SK_MEMINFO_DROPS + 1];
	socklen_t l = sizeof mi;
	if (getsockopt(mnl_socket_get_fd(e->nl), SOL_SOCKET, SO_MEMINFO, mi, &l) == 0 &&
	    l >= sizeof mi)
		e->st.dropped = mi[SK_MEMINFO_DROPS];
}

int sockevents_read(struct sockevents *e, struct sw_snapshot *s)
{
	int fd = mnl_socket_get_fd(e->nl), total = 0;
	while (total < EV_MAX_READ) {
		ssize_t n = recv(fd, e->buf, EV_BUFSIZE, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				e->st.overruns++;
				continue; /* the error is cleared; more is queued */
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -errno;
		}
		size_t got = 0;
		if (nlparse_events(e->buf, (size_t)n, s, &got) < 0)
			e->st.bad++;
		total += (int)got;
	}
	e->st.events += (uint64_t)total;
	if (e->st.overruns)
		read_drops(e);
	return total;
}

void sockevents_stats(const struct sockevents *e, struct sockevents_stats *st)
{
	*st = e->st;
}

const char *sockevents_strerror(int err)
{
	if (err == -EPERM || err == -EACCES)
		return _("not allowed to receive connection close events (sock_diag destroy groups)");
	if (err == -EPROTONOSUPPORT)
		return _("the kernel has no sock_diag (NETLINK_SOCK_DIAG)");
	return strerror(-err);
}

void sockevents_close(struct sockevents *e)
{
	if (!e)
		return;
	if (e->nl)
		mnl_socket_close(e->nl);
	free(e->buf);
	free(e);
}
