/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockevents.h - sock_diag destroy events: the kernel broadcasts every
 * TCP and UDP socket it destroys (IPv4 and IPv6) to NETLINK_SOCK_DIAG
 * sockets bound to the SKNLGRP_*_DESTROY groups.  Only I/O here; the
 * messages are parsed by nlparse_events() (pure).
 *
 * The socket belongs to the network namespace of the thread that opens it
 * and receives only that namespace's events (open it inside a -N namespace
 * with collect_in_netns()).  No privilege is needed to join the groups
 * (the kernel creates sock_diag with NL_CFG_F_NONROOT_RECV; measured on
 * 6.18: uid nobody without capabilities receives every event of its
 * namespace), but an LSM or an older kernel may refuse: -EPERM/-EACCES.
 * Without CAP_NET_ADMIN, SO_RCVBUFFORCE fails and the buffer is capped by
 * net.core.rmem_max.
 */
#ifndef SW_SOCKEVENTS_H
#define SW_SOCKEVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

struct sockevents;

#define SOCKEVENTS_MAX_READ 8192

struct sockevents_stats {
	uint64_t events;   /* records delivered by sockevents_read */
	uint64_t overruns; /* recv() returned ENOBUFS: the queue overflowed */
	uint64_t dropped;  /* messages the kernel dropped for this socket
	                      (SO_MEMINFO drops; exact since 4.12), or 0 */
	uint64_t bad;      /* buffers with a malformed message */
	int rcvbuf;        /* receive buffer the kernel granted (bytes) */
	int forced;        /* 1: SO_RCVBUFFORCE worked, 0: SO_RCVBUF (capped
	                      by net.core.rmem_max) */
};

/* Open in the calling thread's network namespace with a receive buffer of
 * rcvbuf bytes asked (0: the default, 32 MiB; the kernel doubles it).
 * 0 and *out, or -errno (sockevents_strerror says what it means). */
int sockevents_open(int rcvbuf, struct sockevents **out);
/* The fd to poll for POLLIN. */
int sockevents_fd(const struct sockevents *e);
/* Drain what is queued (never blocks; stops after the recv() buffer that
 * reaches SOCKEVENTS_MAX_READ events, the rest stays queued and the fd
 * readable) and append one record per destroyed socket to s: state, addresses, cookie, queues, tcp_info (bytes) for
 * TCP.  The number appended, or -errno on a socket error.  An overrun
 * (ENOBUFS) is counted, not returned: the events of that interval are
 * incomplete and the caller falls back to snapshot deltas for it. */
int sockevents_read(struct sockevents *e, struct sw_snapshot *s);
void sockevents_stats(const struct sockevents *e, struct sockevents_stats *st);
/* A translated message for an error of sockevents_open. */
const char *sockevents_strerror(int err);
void sockevents_close(struct sockevents *e);

#endif
