/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockdiag.h - the NETLINK_SOCK_DIAG sockets: dump requests, recording, and
 * SOCK_DESTROY.  The only place that talks netlink to the kernel; replies
 * are handed to nlparse (pure). */
#ifndef SW_SOCKDIAG_H
#define SW_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"
#include "record.h"

struct sockdiag;

/* What to ask beyond the socket itself (sockdiag_req.ext). */
enum {
	SOCKDIAG_EXT_INFO = 1u << 0, /* tcp_info */
	SOCKDIAG_EXT_CONG = 1u << 1, /* congestion control name */
	SOCKDIAG_EXT_MEM = 1u << 2,  /* socket memory (skmeminfo / unix meminfo) */
	SOCKDIAG_EXT_ALL = SOCKDIAG_EXT_INFO | SOCKDIAG_EXT_CONG | SOCKDIAG_EXT_MEM,
};

struct sockdiag_req {
	uint8_t family;   /* AF_INET, AF_INET6, AF_UNIX; AF_UNSPEC: TCP of both
	                     families in one dump (replies of either family) */
	uint8_t proto;    /* enum sw_proto */
	uint32_t states;  /* kernel state mask (1 << TCP_*), ~0u = all */
	uint8_t ext;      /* SOCKDIAG_EXT_*: inet: tcp_info, cong, skmeminfo;
	                     unix: meminfo (SOCKDIAG_EXT_MEM) */
	const uint16_t *ports; /* inet: {sport lo, hi, dport lo, hi} matched by the
	                          kernel (INET_DIAG_REQ_BYTECODE); NULL: all */
};

/* Open the dump and destroy sockets in the calling thread's network
 * namespace.  NULL with *err = -errno on failure. */
struct sockdiag *sockdiag_open(int *err);
void sockdiag_close(struct sockdiag *d);

/* Dump one (family, protocol) into s.  0; -ENOENT when the kernel has no
 * diag module for it; -errno otherwise.  Retries an interrupted dump a few
 * times, then accepts it and sets *dups (the caller dedupes).  With rec,
 * the request and every raw reply buffer are recorded. */
int sockdiag_dump(struct sockdiag *d, const struct sockdiag_req *req, struct sw_snapshot *s,
	      struct record_writer *rec, bool *dups);

/* SOCK_DESTROY one socket by its dumped id and cookie.  0 or -errno. */
int sockdiag_destroy(struct sockdiag *d, const struct sw_conn *c);

/* The INET_DIAG_REQ_BYTECODE program for port ranges {sport lo, hi, dport
 * lo, hi} (0..65535 = any; lo > hi = none) into buf; its length, 0 when
 * nothing is constrained (or buf is too small). */
size_t sockdiag_port_bytecode(const uint16_t ports[4], uint8_t *buf, size_t len);

/* IPPROTO_* number of an inet enum sw_proto (0 for unix). */
unsigned sockdiag_ipproto(unsigned sw_proto);
/* The request parameters as sent (for recordings): sdiag_protocol, states
 * and idiag_ext / udiag_show. */
void sockdiag_req_params(const struct sockdiag_req *req, uint8_t *sdiag_protocol,
		     uint32_t *states, uint32_t *ext);

#endif
