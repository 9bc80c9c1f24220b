/* SPDX-License-Identifier: GPL-2.0-or-later */
/* aggregate.h - counting rows: per protocol and state, per remote address
 * (optionally grouped by /24 or /64), per local port, per process, and the
 * listeners with their accept queues and connection counts.
 *
 * The netstat | awk | uniq -c pipelines, answered directly:
 *   netstat -an | awk '/tcp/ {print $6}' | sort | uniq -c      -> agg_states
 *   netstat -ntu | awk '{print $5}' | cut -d: -f1 | sort | uniq -c | sort -n
 *                                                              -> agg_group(SW_AGG_REMOTE_IP)
 *   ... | grep SYN_REC ...                                     -> by_state[SYN_RECV]
 * All functions are O(n) over the rows with hash tables; results are
 * sorted by count (descending), ties by key.
 */
#ifndef SW_AGGREGATE_H
#define SW_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct sw_agg_states {
	uint32_t count[SW_PROTO_COUNT][SW_ST_COUNT];
	uint32_t total[SW_PROTO_COUNT];
	uint32_t all;
};
/* Tombstone rows (SW_ROW_CLOSED) are not counted. */
void agg_states(const struct sw_view *v, struct sw_agg_states *out);

/* -N all: live rows per namespace of s and state (which container holds
 * the TIME_WAIT storm).  count[ns][SW_ST_COUNT] is the namespace's total.
 * Rows of another snapshot (tombstones) are left out. */
struct sw_agg_ns {
	uint32_t (*count)[SW_ST_COUNT + 1];
	size_t n, cap;
};
void agg_ns_states(const struct sw_snapshot *s, const struct sw_view *v,
		   struct sw_agg_ns *out);
/* Rank a's namespaces by count[.][key] (key: a state, or SW_ST_COUNT for
 * the total), most first (ties: the bigger total, then the lower index):
 * order[] (room for a->n) gets them all; the first top are kept
 * (returned: how many), the others are summed per state into rest[]
 * (*nrest: how many were). */
size_t agg_ns_rank(const struct sw_agg_ns *a, unsigned key, size_t top, size_t *order,
		   uint32_t rest[SW_ST_COUNT + 1], size_t *nrest);
void agg_ns_done(struct sw_agg_ns *a);

enum sw_agg_kind {
	SW_AGG_REMOTE_IP,   /* remote address (inet only, not listeners/unconnected) */
	SW_AGG_REMOTE_NET,  /* remote IPv4 /24, IPv6 /64 */
	SW_AGG_LOCAL_PORT,  /* local port of connected inet sockets, per proto */
	SW_AGG_PROCESS,     /* first owner pid ("-" bucket for unknown) */
	SW_AGG_DEST,        /* remote address:port of client ends, per proto */
	SW_AGG_KIND_COUNT
};

/* DEST entries name up to this many owning processes. */
#define SW_AGG_OWNERS 3

struct sw_agg_entry {
	/* key (these fields come first: a row's key is built in them alone) */
	uint8_t family;    /* AF_INET / AF_INET6 for address kinds */
	uint8_t addr[16];  /* address kinds (v4-mapped folded into AF_INET) */
	uint8_t prefix;    /* REMOTE_NET: 24 or 64; else full */
	uint8_t proto;     /* LOCAL_PORT, DEST */
	uint16_t port;     /* LOCAL_PORT (0: every port nothing listens on), DEST */
	int32_t pid;       /* PROCESS: -1 unknown */
	char comm[16];     /* PROCESS */
	/* DEST: the programs owning its connections, where known */
	uint8_t nowners;
	bool more_owners;  /* more than SW_AGG_OWNERS of them */
	int32_t owner_pid[SW_AGG_OWNERS];
	char owner_comm[SW_AGG_OWNERS][16];
	/* values */
	uint32_t total;
	uint32_t by_state[SW_ST_COUNT];
	double rx_bps, tx_bps; /* sum of row rates */
};

struct sw_agg {
	enum sw_agg_kind kind;
	struct sw_agg_entry *e;
	size_t n, cap;
	uint64_t *lports;  /* listening ports: bits per port, stream then datagram */
	bool lports_given; /* set by agg_listen_ports */
	bool by_count;     /* e[] is in agg_group's order (SW_AGG_BY_COUNT) */
};

void agg_init(struct sw_agg *a);
void agg_done(struct sw_agg *a);
/* Recompute a for kind over rows (tombstones skipped).
 *
 * LOCAL_PORT and DEST tell the server end of a connection from the client
 * end by the listening ports (LISTEN sockets, bound unconnected UDP): a
 * connected socket whose local port nothing listens on is a client end.
 * LOCAL_PORT counts client ends in one group per protocol (port 0,
 * "tcp/ephemeral") instead of one line per ephemeral port; DEST counts
 * only client ends, per destination address:port: the php-fpm -> MySQL
 * TIME_WAIT story is one line "127.0.0.1:3306  TIME_WAIT 998". */
void agg_group(struct sw_agg *a, enum sw_agg_kind kind,
	       const struct sw_view *v);
/* Take the listening ports from these rows for the following agg_group
 * calls (by default each call takes them from the rows it counts): a
 * filtered view may leave the listeners out. */
void agg_listen_ports(struct sw_agg *a, const struct sw_view *v);
/* The same from every socket of a snapshot (a batch summary's rows are
 * only those its filter kept). */
void agg_listen_ports_snap(struct sw_agg *a, const struct sw_snapshot *s);
/* Key as text: "10.0.0.7", "10.0.0.0/24", "tcp/3306", "tcp/ephemeral",
 * "1234/nginx", "127.0.0.1:3306", "[2001:db8::1]:53/udp". */
char *agg_key_str(const struct sw_agg_entry *e, char *buf, size_t len);
/* DEST: the owning programs as "php-fpm,nginx" ("" when unknown). */
char *agg_owners_str(const struct sw_agg_entry *e, char *buf, size_t len);

/* Orders for agg_sort. */
enum sw_agg_order {
	SW_AGG_BY_COUNT,  /* total, largest first (agg_group's order) */
	SW_AGG_BY_KEY,    /* the key (IPv4 before IPv6, then address) */
	SW_AGG_BY_STATES, /* the sum of the states in a mask, largest first */
	SW_AGG_BY_RX,     /* receive rate, largest first */
	SW_AGG_BY_TX,     /* send rate, largest first */
};
/* Re-sort a; ties by key.  states: SW_STATE_BIT() mask for BY_STATES. */
void agg_sort(struct sw_agg *a, enum sw_agg_order by, uint32_t states);
/* Re-sort an address grouping by the count in one state (descending),
 * IPv4 before IPv6, then by address: "SYN_RECV per remote IP". */
void agg_sort_by_state(struct sw_agg *a, unsigned state);

/* A LISTEN socket (or a bound, unconnected UDP socket) with what is
 * connected to it. */
struct sw_listener {
	struct sw_row row;       /* the listening socket */
	uint32_t established;    /* connected sockets on its local port/address */
	uint32_t syn_recv;       /* half-open (SYN_RECV) for it */
	uint32_t other;          /* other non-listen states on that port */
	uint32_t accept_q;       /* rq */
	uint32_t backlog;        /* wq */
	double rx_bps, tx_bps;   /* sum of the rates of the connections to it */
};

struct sw_listeners {
	struct sw_listener *l;
	size_t n, cap;
};
void listeners_init(struct sw_listeners *ls);
void listeners_done(struct sw_listeners *ls);
/* Sorted by protocol, then port, then address. */
void agg_listeners(struct sw_listeners *ls, const struct sw_view *v);

#endif
