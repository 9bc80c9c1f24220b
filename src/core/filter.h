/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filter.h - the selection options and the ss-like filter language.
 *
 * Grammar (documented in doc/sockwatch.1, FILTER EXPRESSIONS):
 *   expr    := term { ("or" | "||" | ",") term }
 *   term    := factor { ["and" | "&&"] factor }        (juxtaposition = and)
 *   factor  := ("not" | "!") factor | "(" expr ")" | cond
 *   cond    := "state" STATE | "exclude" STATE
 *            | ("src" | "dst") HOSTSPEC
 *            | ("sport" | "dport") [OP] PORTSPEC
 *            | "proto" NAME | "proc" NAME | "pid" N | "uid" (N | USER)
 *            | "inode" N | "cookie" N | "dev" [EQ] NAME|N
 *            | "fwmark" [EQ] MARK["/"MASK] | "cgroup" [EQ] PATH | "autobound"
 *            | "netns" NAME|INODE    (-N all: label, glob or inode)
 *   (src, dst and host take an optional "=" as ss; EQ: "=" or "!=")
 *   OP      := "=" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "eq" | "neq" | "lt" | "le" | "gt" | "ge"
 *   HOSTSPEC:= ADDR["/"PREFIX][":"PORT] | "[" ADDR6 "]"["/"PREFIX][":"PORT] | "*" ...
 *   PORTSPEC:= [":"]N | [":"]SERVICE
 *   STATE   := a state name (established, syn-recv, time-wait, ...) or a
 *              group: all, connected, synchronized, bucket, big, closed
 */
#ifndef SW_FILTER_H
#define SW_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "snapshot.h"

/* Option-level selection (-t -u -w -x -l -a -4 -6 and the like). */
struct sw_select {
	uint32_t protos;   /* SW_PROTO_BIT mask; 0 = all */
	uint32_t states;   /* SW_STATE_BIT mask; 0 = all */
	bool inet4, inet6; /* both false = both (UNIX unaffected) */
};
bool select_match(const struct sw_select *sel, const struct sw_conn *c);

struct sw_filter;

struct sw_filter_error {
	int pos;        /* byte offset into the expression where it went wrong */
	char msg[160];  /* translated message */
};

/* Parse; NULL (and *err filled) on error.  An empty or all-blank string
 * gives a filter that matches everything. */
struct sw_filter *filter_parse(const char *expr, struct sw_filter_error *err);
void filter_free(struct sw_filter *f);
bool filter_match(const struct sw_filter *f, const struct sw_snapshot *s,
		  const struct sw_conn *c);
/* The source text it was parsed from. */
const char *filter_text(const struct sw_filter *f);
/* Conservative hints for the kernel request: every socket the filter can
 * match has its state in *states and protocol in *protos. */
void filter_hints(const struct sw_filter *f, uint32_t *states, uint32_t *protos);
/* Port ranges for the kernel request (conservative, inet sockets only):
 * every inet socket the filter can match has its local port in
 * [sport[0], sport[1]] and its remote port in [dport[0], dport[1]].
 * 0..65535 = no constraint; lo > hi = no inet socket can match. */
void filter_port_hints(const struct sw_filter *f, uint16_t sport[2], uint16_t dport[2]);

/* What parsing needs from the system, which core does not read itself:
 * the collect layer provides it (collect/filterenv.h), the program sets it
 * once at start.  Unset: "cgroup" is refused with a message and
 * "autobound" uses the kernel's default range 32768-60999. */
struct sw_filter_env {
	/* A cgroup v2 path (as ss: relative to the cgroup2 mount, or a full
	 * path on it) -> its id; false with a message in err. */
	bool (*cgroup_id)(const char *path, uint64_t *id, char *err, size_t errlen);
	/* The ephemeral port range (net.ipv4.ip_local_port_range). */
	bool (*port_range)(uint16_t range[2]);
};
void filter_set_env(const struct sw_filter_env *env);

/* What the filter looks at that is collected only on request. */
enum {
	SW_FILTER_NEEDS_DETAILS = 1u << 0, /* fwmark, cgroup: snapshot details */
	SW_FILTER_NEEDS_MARK = 1u << 1,    /* fwmark: only root gets socket marks */
};
unsigned filter_needs(const struct sw_filter *f);

#endif
