/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filter_priv.h - the compiled filter tree, shared by the parser (filter.c)
 * and the evaluator (filtermatch.c).  Private to those two files. */
#ifndef SW_FILTER_PRIV_H
#define SW_FILTER_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"

/* ---- compiled tree -------------------------------------------------------- */

/* Every node's children come before it in nodes[] (the parser creates a
 * node after its operands), so one loop in index order visits children
 * before parents: the hint planners (filterhint.c) walk the tree that way,
 * with no recursion however long an and/or chain is. */

#define INET_PROTOS (SW_PROTO_ALL & ~SW_PROTO_BIT(SW_PROTO_UNIX))

enum nkind {
	N_TRUE,
	N_AND,
	N_OR,
	N_NOT,
	N_STATES, /* u.mask: SW_STATE_BIT set */
	N_PROTO,  /* u.proto */
	N_HOST,   /* u.host, side */
	N_PORT,   /* u.port, side, op */
	N_UPATH,  /* u.str: UNIX name glob */
	N_PROC,   /* u.str: comm, exact or glob */
	N_PID,    /* u.num */
	N_UID,
	N_INODE,
	N_COOKIE,
	N_DEV,
	N_MARK,   /* u.mark: (socket mark & mask) == value */
	N_CGROUP, /* u.num: cgroup v2 id */
	N_AUTO,   /* u.eph: the ephemeral port range (autobound) */
	N_NETNS,  /* u.str: namespace label (glob) or inode (-N all) */
};

enum side { SIDE_SRC, SIDE_DST, SIDE_ANY };
enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

struct fhost {
	uint64_t a6[2], m6[2]; /* IPv6: masked address and mask (memory order) */
	uint32_t a4, m4;       /* IPv4 (memory order) */
	bool v4;               /* an IPv4 prefix: matches AF_INET and v4-mapped */
	bool has_addr;
	bool has_port;
	uint16_t port;
};

struct fnode {
	uint8_t kind;
	uint8_t side;
	uint8_t op;
	uint8_t glob;
	uint32_t l, r;
	union {
		uint32_t mask;
		struct {
			uint32_t protos;
			uint8_t fam; /* 0 any, 4, 6 */
		} proto;
		struct fhost host;
		uint16_t port;
		uint64_t num;
		struct {
			uint32_t off, len;
		} str;
		struct {
			uint32_t value, mask;
		} mark;
		struct {
			uint16_t lo, hi;
		} eph;
	} u;
};

struct sw_filter {
	struct fnode *nodes;
	size_t nnodes, capnodes;
	uint32_t root;
	char *strs; /* NUL-separated pattern strings */
	size_t strslen, strscap;
	char *text;
};

#endif
