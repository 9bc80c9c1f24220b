/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockdiag.c - NETLINK_SOCK_DIAG I/O: dump requests, recording, SOCK_DESTROY.
 *
 * Two sockets per network namespace: one for dumps, one for destroy
 * requests (so a destroy may be sent while a dump runs).  Replies go to
 * nlparse.c, which is pure.  Dumps are flow-controlled by the kernel (the
 * next chunk is built when we read), so one big receive buffer (64 KiB;
 * the kernel caps chunks near 32 KiB) means few syscalls and no ENOBUFS.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <libmnl/libmnl.h>

#include "core/util.h"
#include "sockdiag.h"
#include "nlparse.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SOCK_DESTROY
#define SOCK_DESTROY 21
#endif

#define DIAG_BUFSIZE (64u * 1024)
#define DIAG_RCVBUF (1 << 20)
#define SOCKDIAG_ATTEMPTS 4 /* interrupted dumps: retries, then accept */

struct sockdiag {
	struct mnl_socket *dump;
	struct mnl_socket *ctl;
	uint32_t seq;
	uint8_t *buf; /* DIAG_BUFSIZE, 8-aligned */
};

static struct mnl_socket *open_sock(int *err)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	if (!nl) {
		*err = -errno;
		return NULL;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		*err = -errno;
		mnl_socket_close(nl);
		return NULL;
	}
	int fd = mnl_socket_get_fd(nl), sz = DIAG_RCVBUF;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	return nl;
}

struct sockdiag *sockdiag_open(int *err)
{
	struct sockdiag *d = xcalloc(1, sizeof *d);
	d->dump = open_sock(err);
	if (d->dump)
		d->ctl = open_sock(err);
	if (!d->ctl) {
		sockdiag_close(d);
		return NULL;
	}
	d->buf = xmalloc(DIAG_BUFSIZE);
	d->seq = (uint32_t)sw_mono_ns() | 1;
	return d;
}

void sockdiag_close(struct sockdiag *d)
{
	if (!d)
		return;
	if (d->dump)
		mnl_socket_close(d->dump);
	if (d->ctl)
		mnl_socket_close(d->ctl);
	free(d->buf);
	free(d);
}

unsigned sockdiag_ipproto(unsigned sw_proto)
{
	static const unsigned map[SW_PROTO_COUNT] = {
		[SW_PROTO_TCP] = IPPROTO_TCP,
		[SW_PROTO_UDP] = IPPROTO_UDP,
		[SW_PROTO_UDPLITE] = IPPROTO_UDPLITE,
		[SW_PROTO_MPTCP] = IPPROTO_MPTCP,
		[SW_PROTO_RAW] = IPPROTO_RAW,
		[SW_PROTO_SCTP] = IPPROTO_SCTP,
		[SW_PROTO_UNIX] = 0,
	};
	return sw_proto < SW_PROTO_COUNT ? map[sw_proto] : 0;
}

void sockdiag_req_params(const struct sockdiag_req *req, uint8_t *sdiag_protocol,
		     uint32_t *states, uint32_t *ext)
{
	unsigned ipp = sockdiag_ipproto(req->proto);
	/* MPTCP (262) does not fit: it goes in INET_DIAG_REQ_PROTOCOL, and 0
	 * here makes kernels without that attribute answer ENOENT instead of
	 * dumping something else. */
	*sdiag_protocol = ipp > 255 ? 0 : (uint8_t)ipp;
	*states = req->states;
	if (req->family == AF_UNIX) {
		*ext = UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER |
		       UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID;
		if (req->ext & SOCKDIAG_EXT_MEM)
			*ext |= UDIAG_SHOW_MEMINFO;
	} else {
		/* No INET_DIAG_MEMINFO: SKMEMINFO (3.6+) carries the same
		 * values and more, and nlparse prefers it; asking for both
		 * only made the kernel build a second attribute per socket. */
		*ext = 0;
		if (req->ext & SOCKDIAG_EXT_INFO)
			*ext |= 1u << (INET_DIAG_INFO - 1);
		if (req->ext & SOCKDIAG_EXT_CONG)
			*ext |= 1u << (INET_DIAG_CONG - 1);
		if (req->ext & SOCKDIAG_EXT_MEM)
			*ext |= 1u << (INET_DIAG_SKMEMINFO - 1);
	}
}

size_t sockdiag_port_bytecode(const uint16_t ports[4], uint8_t *buf, size_t len)
{
	/* one condition per bound that is not the full range; each is two ops:
	 * {code, yes: next, no: past the end (reject)}, {0, 0, port} */
	struct {
		uint8_t code;
		uint16_t port;
	} cond[4];
	size_t n = 0;
	if (ports[0] > 0)
		cond[n++] = (typeof(cond[0])){INET_DIAG_BC_S_GE, ports[0]};
	if (ports[1] < 65535)
		cond[n++] = (typeof(cond[0])){INET_DIAG_BC_S_LE, ports[1]};
	if (ports[2] > 0)
		cond[n++] = (typeof(cond[0])){INET_DIAG_BC_D_GE, ports[2]};
	if (ports[3] < 65535)
		cond[n++] = (typeof(cond[0])){INET_DIAG_BC_D_LE, ports[3]};
	size_t total = n * 2 * sizeof(struct inet_diag_bc_op);
	if (n == 0 || total > len)
		return 0;
	struct inet_diag_bc_op op[8];
	for (size_t i = 0; i < n; i++) {
		size_t off = i * 2 * sizeof op[0];
		op[2 * i] = (struct inet_diag_bc_op){
			.code = cond[i].code,
			.yes = 2 * sizeof op[0],
			.no = (unsigned short)(total - off + 4),
		};
		op[2 * i + 1] = (struct inet_diag_bc_op){.no = cond[i].port};
	}
	memcpy(buf, op, total);
	return total;
}

static size_t build_dump(struct sockdiag *d, const struct sockdiag_req *req,
			 uint8_t *out, uint32_t seq)
{
	uint8_t sp;
	uint32_t states, ext;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(out);

	sockdiag_req_params(req, &sp, &states, &ext);
	(void)d;
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (req->family == AF_UNSPEC) {
		/* TCP of both families in one walk of the kernel's hash
		 * tables: the original TCPDIAG_GETSOCK request, which
		 * inet_diag serves with sdiag_family AF_UNSPEC (ss does the
		 * same).  Replies carry TCPDIAG_GETSOCK as their type and
		 * either family; the parser must be told (req.family
		 * AF_UNSPEC).  TCP only: the kernel maps the type to it. */
		nlh->nlmsg_type = TCPDIAG_GETSOCK;
		struct inet_diag_req *r = mnl_nlmsg_put_extra_header(nlh, sizeof *r);
		r->idiag_family = AF_INET; /* ignored by the kernel */
		r->idiag_states = states;
		r->idiag_ext = (uint8_t)ext;
		uint8_t bc[64];
		size_t bclen = req->ports ? sockdiag_port_bytecode(req->ports, bc, sizeof bc) : 0;
		if (bclen)
			mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, bclen, bc);
	} else if (req->family == AF_UNIX) {
		struct unix_diag_req *u = mnl_nlmsg_put_extra_header(nlh, sizeof *u);
		u->sdiag_family = AF_UNIX;
		u->udiag_states = states;
		u->udiag_show = ext;
	} else {
		struct inet_diag_req_v2 *r = mnl_nlmsg_put_extra_header(nlh, sizeof *r);
		r->sdiag_family = req->family;
		r->sdiag_protocol = sp;
		r->idiag_states = states;
		r->idiag_ext = (uint8_t)ext;
		if (req->proto == SW_PROTO_RAW)
			r->pad = IPPROTO_RAW; /* sdiag_raw_protocol: all raw sockets */
		if (req->proto == SW_PROTO_MPTCP)
			mnl_attr_put_u32(nlh, INET_DIAG_REQ_PROTOCOL, IPPROTO_MPTCP);
		uint8_t bc[64];
		size_t bclen = req->ports ? sockdiag_port_bytecode(req->ports, bc, sizeof bc) : 0;
		if (bclen)
			mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, bclen, bc);
	}
	return nlh->nlmsg_len;
}

/* Throw away whatever is queued (after a broken or aborted dump). */
static void drain(struct sockdiag *d, struct mnl_socket *nl)
{
	int fd = mnl_socket_get_fd(nl);
	for (int i = 0; i < 100000; i++) {
		ssize_t n = recv(fd, d->buf, DIAG_BUFSIZE, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
	}
}

static ssize_t recv_chunk(struct sockdiag *d, struct mnl_socket *nl)
{
	struct iovec iov = {d->buf, DIAG_BUFSIZE};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	for (;;) {
		ssize_t n = recvmsg(mnl_socket_get_fd(nl), &msg, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (msg.msg_flags & MSG_TRUNC)
			return -ENOSPC;
		return n;
	}
}

static bool retryable(int r)
{
	return r == -EINTR || r == -EBUSY || r == -ENOBUFS || r == -EPROTO ||
	       r == -ESRCH || r == -EAGAIN;
}

int sockdiag_dump(struct sockdiag *d, const struct sockdiag_req *req, struct sw_snapshot *s,
	      struct record_writer *rec, bool *dups)
{
	uint8_t reqbuf[256] __attribute__((aligned(8)));
	uint32_t portid = mnl_socket_get_portid(d->dump);
	int r = -EIO;

	for (int attempt = 0; attempt < SOCKDIAG_ATTEMPTS; attempt++) {
		uint32_t seq = ++d->seq;
		memset(reqbuf, 0, sizeof reqbuf);
		size_t len = build_dump(d, req, reqbuf, seq);
		if (mnl_socket_sendto(d->dump, reqbuf, len) < 0)
			return -errno;
		if (rec) {
			struct rec_dump rd = {0};
			rd.family = req->family;
			rd.sw_proto = req->proto;
			rd.protocol = sockdiag_ipproto(req->proto);
			sockdiag_req_params(req, &rd.sdiag_protocol, &rd.states, &rd.ext);
			rd.seq = seq;
			rd.portid = portid;
			record_dump_begin(rec, &rd);
		}
		struct nlparse p;
		struct nlparse_req pr = {
			.family = req->family,
			.proto = req->proto,
			.seq = seq,
			.portid = portid,
			.accept_intr = attempt == SOCKDIAG_ATTEMPTS - 1,
		};
		nlparse_begin(&p, &pr, s);
		do {
			ssize_t n = recv_chunk(d, d->dump);
			if (n < 0) {
				r = (int)n;
				break;
			}
			if (rec)
				record_chunk(rec, d->buf, (size_t)n);
			r = nlparse_feed(&p, d->buf, (size_t)n);
		} while (r == NLPARSE_MORE);
		if (r == 0) {
			if (p.intr)
				*dups = true;
			return 0;
		}
		/* unless the dump reached its DONE/ERROR, replies may be queued */
		if (!p.ended)
			drain(d, d->dump);
		nlparse_rollback(&p);
		if (!retryable(r))
			return r; /* the recording keeps what the kernel said */
		if (rec)
			record_dump_abort(rec);
	}
	return r;
}

int sockdiag_destroy(struct sockdiag *d, const struct sw_conn *c)
{
	uint8_t reqbuf[256] __attribute__((aligned(8)));

	if (c->family != AF_INET && c->family != AF_INET6)
		return -EOPNOTSUPP;
	if (c->proto >= SW_PROTO_UNIX)
		return -EOPNOTSUPP;
	memset(reqbuf, 0, sizeof reqbuf);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(reqbuf);
	uint32_t seq = ++d->seq;
	nlh->nlmsg_type = SOCK_DESTROY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	/* inet_diag_req_raw has the same layout; sdiag_raw_protocol is pad */
	struct inet_diag_req_v2 *r = mnl_nlmsg_put_extra_header(nlh, sizeof *r);
	unsigned ipp = sockdiag_ipproto(c->proto);
	r->sdiag_family = c->family;
	r->sdiag_protocol = ipp > 255 ? 0 : (uint8_t)ipp;
	if (c->proto == SW_PROTO_RAW)
		r->pad = c->sotype;
	r->idiag_states = ~0u;
	r->id.idiag_sport = htons(c->local.port);
	r->id.idiag_dport = htons(c->remote.port);
	size_t alen = c->family == AF_INET ? 4 : 16;
	memcpy(r->id.idiag_src, sw_laddr(c), alen);
	memcpy(r->id.idiag_dst, sw_raddr(c), alen);
	r->id.idiag_if = sw_conn_ifindex(c);
	r->id.idiag_cookie[0] = (uint32_t)c->cookie;
	r->id.idiag_cookie[1] = (uint32_t)(c->cookie >> 32);
	if (c->proto == SW_PROTO_MPTCP)
		mnl_attr_put_u32(nlh, INET_DIAG_REQ_PROTOCOL, ipp);

	if (mnl_socket_sendto(d->ctl, reqbuf, nlh->nlmsg_len) < 0)
		return -errno;
	uint32_t portid = mnl_socket_get_portid(d->ctl);
	for (int i = 0; i < 16; i++) {
		ssize_t n = recv_chunk(d, d->ctl);
		if (n < 0)
			return (int)n;
		int a = nlparse_ack(d->buf, (size_t)n, seq, portid);
		if (a == -ESRCH || a == -EPROTO)
			continue; /* a stale reply: keep reading */
		if (a != NLPARSE_MORE)
			return a;
	}
	return -EIO;
}
