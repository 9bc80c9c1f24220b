/* diag.h - the NETLINK_SOCK_DIAG sockets: dump requests, recording, and
 * SOCK_DESTROY.  The only place that talks netlink to the kernel; replies
 * are handed to nlparse (pure). */
#ifndef SW_DIAG_H
#define SW_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"
#include "record.h"

struct diag;

/* What to ask beyond the socket itself (diag_req.ext). */
enum {
	DIAG_EXT_INFO = 1u << 0, /* tcp_info */
	DIAG_EXT_CONG = 1u << 1, /* congestion control name */
	DIAG_EXT_MEM = 1u << 2,  /* socket memory (skmeminfo / unix meminfo) */
	DIAG_EXT_ALL = DIAG_EXT_INFO | DIAG_EXT_CONG | DIAG_EXT_MEM,
};

struct diag_req {
	uint8_t family;   /* AF_INET, AF_INET6, AF_UNIX; AF_UNSPEC: TCP of both
	                     families in one dump (replies of either family) */
	uint8_t proto;    /* enum sw_proto */
	uint32_t states;  /* kernel state mask (1 << TCP_*), ~0u = all */
	uint8_t ext;      /* DIAG_EXT_*: inet: tcp_info, cong, skmeminfo;
	                     unix: meminfo (DIAG_EXT_MEM) */
	const uint16_t *ports; /* inet: {sport lo, hi, dport lo, hi} matched by the
	                          kernel (INET_DIAG_REQ_BYTECODE); NULL: all */
};

/* Open the dump and destroy sockets in the calling thread's network
 * namespace.  NULL with *err = -errno on failure. */
struct diag *diag_open(int *err);
void diag_close(struct diag *d);

/* Dump one (family, protocol) into s.  0; -ENOENT when the kernel has no
 * diag module for it; -errno otherwise.  Retries an interrupted dump a few
 * times, then accepts it and sets *dups (the caller dedupes).  With rec,
 * the request and every raw reply buffer are recorded. */
int diag_dump(struct diag *d, const struct diag_req *req, struct sw_snapshot *s,
	      struct record_writer *rec, bool *dups);

/* SOCK_DESTROY one socket by its dumped id and cookie.  0 or -errno. */
int diag_destroy(struct diag *d, const struct sw_conn *c);

/* The INET_DIAG_REQ_BYTECODE program for port ranges {sport lo, hi, dport
 * lo, hi} (0..65535 = any; lo > hi = none) into buf; its length, 0 when
 * nothing is constrained (or buf is too small). */
size_t diag_port_bytecode(const uint16_t ports[4], uint8_t *buf, size_t len);

/* IPPROTO_* number of an inet enum sw_proto (0 for unix). */
unsigned diag_ipproto(unsigned sw_proto);
/* The request parameters as sent (for recordings): sdiag_protocol, states
 * and idiag_ext / udiag_show. */
void diag_req_params(const struct diag_req *req, uint8_t *sdiag_protocol,
		     uint32_t *states, uint32_t *ext);

#endif
