/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nlparse.h - sock_diag replies (bytes) -> connection records.
 *
 * Pure: no I/O.  A dump is parsed chunk by chunk (one recv() buffer or one
 * recorded chunk at a time) and appended to a snapshot.  The same code runs
 * on live replies, on recordings and on fuzzed bytes.
 */
#ifndef SW_NLPARSE_H
#define SW_NLPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

/* What was asked: decides how replies are read. */
struct nlparse_req {
	uint8_t family;   /* AF_INET, AF_INET6, AF_UNIX */
	uint8_t proto;    /* enum sw_proto */
	uint32_t seq;     /* expected nlmsg_seq, 0: do not check */
	uint32_t portid;  /* expected nlmsg_pid, 0: do not check */
	bool accept_intr; /* keep NLM_F_DUMP_INTR messages (caller dedupes) */
	bool events;      /* destroy events: either inet family, the protocol
	                     from INET_DIAG_PROTOCOL, CLOSE kept as CLOSE */
};

struct nlparse {
	struct nlparse_req req;
	struct sw_snapshot *s;
	size_t mark_conns, mark_tcpx, mark_dpack, mark_pool; /* for nlparse_rollback */
	int status;      /* first error, 0 */
	bool done;       /* NLMSG_DONE or NLMSG_ERROR seen (or fatal error) */
	bool ended;      /* NLMSG_DONE or NLMSG_ERROR seen: nothing more queued */
	bool intr;       /* an NLM_F_DUMP_INTR message was seen */
	size_t nmsgs;    /* data messages parsed */
	const uint8_t *end; /* internal: end of the last message handled */
};

/* nlparse_feed return values besides -errno */
enum { NLPARSE_DONE = 0, NLPARSE_MORE = 1 };

void nlparse_begin(struct nlparse *p, const struct nlparse_req *req,
		   struct sw_snapshot *s);
/* Feed one chunk (whole netlink messages).  Returns NLPARSE_MORE while the
 * dump goes on; at its end NLPARSE_DONE or -errno: the errno carried by
 * NLMSG_DONE/NLMSG_ERROR (-ENOENT: no diag module), -EINTR (dump
 * interrupted and !accept_intr; the rest of the dump is drained, not
 * parsed), -EBADMSG (malformed bytes: the dump cannot be resynchronised,
 * so this ends it at once), -ESRCH/-EPROTO (wrong portid/seq). */
int nlparse_feed(struct nlparse *p, const void *buf, size_t len);
/* Drop everything this dump appended (for a retry). */
void nlparse_rollback(struct nlparse *p);

/* Parse the reply to a request sent with NLM_F_ACK (SOCK_DESTROY): 0 for
 * an ACK, -errno for an error, -EBADMSG if malformed, NLPARSE_MORE if the
 * buffer holds no answer. */
int nlparse_ack(const void *buf, size_t len, uint32_t seq, uint32_t portid);

/* Parse one recv() buffer of sock_diag destroy events (multicast
 * SOCK_DIAG_BY_FAMILY messages, seq 0, portid 0, no NLMSG_DONE): one
 * sw_conn (and sw_tcpx for TCP with tcp_info) appended to s per message.
 * *n: records appended (also on error: those before the bad message stay).
 * 0, -EBADMSG (malformed), -EINVAL (buf not 4-byte aligned). */
int nlparse_events(const void *buf, size_t len, struct sw_snapshot *s, size_t *n);

#endif
