/* SPDX-License-Identifier: GPL-2.0-or-later */
/* churn.h - connections that closed between two samples, however short.
 *
 * A snapshot every second sees php-fpm's 4 ms MySQL connections only as
 * their TIME_WAIT remains.  The kernel's destroy events (collect/
 * sockevents.c) name every TCP and UDP socket it destroys, with its final
 * tcp_info; this module keeps those records for a window (the "closed
 * connection" rows of the connection table), names their owners, and
 * counts them: connections opened and closed per second, and per
 * destination and per local service the closures per second, median and
 * p95 lifetime, bytes per connection and the owning program.
 *
 * Pure: records come in as a struct sw_snapshot (what nlparse_events
 * fills); attribution reads the model.  Nothing here blocks or does I/O.
 *
 * Owners.  Destroy events carry no uid, inode or cgroup (the kernel sends
 * only the inet_diag header, the protocol and tcp_info), so the owner of
 * a socket that lived between two samples is inferred, and each record
 * says how:
 *   SOCKET      the socket itself was in the last sample: its processes
 *               (inode -> /proc/PID/fd), uid and cgroup;
 *   LISTENER    its local port is a listening socket's: the program that
 *               accepts on it (an accepted socket belongs to the listener's
 *               program, or a child of it);
 *   DESTINATION a client socket to an address:port that this program held
 *               connections to in the last minute (the only program seen
 *               doing so);
 *   NONE        none of these.
 *
 * Lifetime.  tcp_info has no birth time.  A closed TCP socket's lifetime is
 * at least the time since its older "last data" stamp (last_data_sent,
 * last_data_recv: both are set when the connection is established and
 * moved by data), and, when a sample saw it, at least the time since that
 * sample first did.  That bound is exact for a connection that is quiet
 * before it closes (connect, query, wait, close) and short for one that
 * sends until it closes; the kernel keeps these stamps in jiffies (4 ms at
 * HZ=250), which is the resolution.  UDP sockets have a lifetime only if a
 * sample saw them.
 */
#ifndef SW_CHURN_H
#define SW_CHURN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "filter.h"
#include "model.h"
#include "snapshot.h"

enum sw_churn_how {
	SW_HOW_NONE,
	SW_HOW_SOCKET,
	SW_HOW_LISTENER,
	SW_HOW_DEST,
	SW_HOW_COUNT
};

/* Where a closed record came from. */
enum sw_churn_src {
	SW_CHURN_EVENT,    /* a destroy event */
	SW_CHURN_SNAPSHOT, /* gone from a sample in an interval whose events
	                      were partly lost (the kernel dropped some) */
};

/* What the churn module knows of one closed record (parallel to the
 * record store's conns[]). */
struct sw_closed {
	uint64_t closed_ns;    /* monotonic, when it was received */
	int64_t closed_real_ms;/* wall clock, ms since the epoch */
	uint32_t life_ms;      /* lifetime, a lower bound (see above) */
	uint8_t life_known;
	uint8_t how;           /* enum sw_churn_how */
	uint8_t src;           /* enum sw_churn_src */
	uint8_t server;        /* its local port is a listener's */
	uint8_t last_state;    /* state in the last sample that saw it, or
	                          SW_ST_UNKNOWN */
	uint64_t seq;          /* grows by one per record ever added */
};

/* Counters of the last interval between two samples. */
enum { SW_CHURN_TCP, SW_CHURN_UDP, SW_CHURN_NPROTO };

struct sw_churn_rates {
	bool valid;            /* two samples taken (opened needs the change in
	                          live sockets between them) */
	double interval_s;
	uint64_t closed[SW_CHURN_NPROTO];  /* in the interval */
	uint64_t opened[SW_CHURN_NPROTO];
	double closed_per_s[SW_CHURN_NPROTO];
	double opened_per_s[SW_CHURN_NPROTO];
	uint64_t lost;         /* events the kernel dropped in the interval */
	/* since churn_new: */
	uint64_t closed_total[SW_CHURN_NPROTO];
	uint64_t opened_total[SW_CHURN_NPROTO];
	uint64_t lost_total;
	uint64_t from_snapshot_total; /* records made from sample deltas */
};

enum sw_churn_kind {
	SW_CHURN_DEST,    /* client ends, by remote address:port */
	SW_CHURN_SERVICE, /* server ends, by local port */
	SW_CHURN_KIND_COUNT
};

enum sw_churn_order {
	SW_CHURN_BY_RATE,  /* closed per second, the default */
	SW_CHURN_BY_P50,
	SW_CHURN_BY_P95,
	SW_CHURN_BY_BYTES, /* bytes per connection */
	SW_CHURN_BY_KEY,   /* address, port */
	SW_CHURN_ORDER_COUNT
};

struct sw_churn_group {
	uint8_t kind;          /* enum sw_churn_kind */
	uint8_t proto;         /* enum sw_proto */
	uint8_t family;        /* DEST: AF_INET (v4-mapped folded) or AF_INET6 */
	uint8_t how;           /* how most of its records were attributed */
	uint8_t addr[16];      /* DEST: remote address */
	uint16_t port;         /* DEST: remote port; SERVICE: local port */
	uint32_t closed;       /* records in the window */
	double per_s;          /* closed / window covered */
	uint32_t nlife;        /* records with a known lifetime */
	uint32_t p50_ms, p95_ms;
	uint64_t bytes;        /* bytes sent + received, all records */
	uint32_t nbytes;       /* records with byte counters (TCP) */
	int32_t pid;           /* the most frequent owner, -1 unknown */
	uint32_t uid;          /* its uid (valid with pid >= 0) */
	char comm[16];
	uint32_t nowners;      /* distinct owners seen */
};

struct sw_churn_groups {
	enum sw_churn_kind kind;
	struct sw_churn_group *g;
	size_t n, cap;
	double window_s;       /* the span the rates cover */
	/* scratch */
	uint32_t *idx;
	size_t capidx;
	void *sorted;
	size_t capsorted;
};

struct sw_churn;

struct sw_churn *churn_new(void);
void churn_free(struct sw_churn *c);
/* Forget every record and count (a replay moved in time); the windows
 * stay. */
void churn_reset(struct sw_churn *c);
/* How long closed records are kept and counted in groups and in the
 * diagnoses (seconds; default 10). */
void churn_set_window(struct sw_churn *c, double seconds);
double churn_window(const struct sw_churn *c);
/* How long they are listed as closed rows (churn_records; default 3; the
 * window grows to it if shorter). */
void churn_set_rows_window(struct sw_churn *c, double seconds);
double churn_rows_window(const struct sw_churn *c);

/* Add the records of ev (destroy events, parsed by nlparse_events) from
 * index `from` on, received at now_ns/now_real_ms.  m is the model as of
 * the last sample (owners, first-seen times); NULL attributes nothing.
 * Returns how many were added. */
size_t churn_add_events(struct sw_churn *c, const struct sw_snapshot *ev, size_t from,
			const struct sw_model *m, uint64_t now_ns, int64_t now_real_ms);

/* After model_update: close the interval.  dropped_total is the kernel's
 * cumulative count of dropped events (sockevents_stats), events_ok false
 * when no event socket works (then every closure comes from sample
 * deltas).  Counts the interval, makes records for closures the events
 * missed, learns listeners and destinations for attribution, forgets
 * records older than the window. */
void churn_sample(struct sw_churn *c, const struct sw_model *m, uint64_t dropped_total,
		  bool events_ok);

const struct sw_churn_rates *churn_rates(const struct sw_churn *c);

/* The closed records listed as rows (those of the rows window): a
 * snapshot (conns, tcpx, procs, owners) with one struct sw_closed and one
 * struct sw_rowstat (SW_ROW_CLOSED) per conn.  The pointer stays valid; the
 * contents change with churn_sample (records added by churn_add_events
 * are listed from the next churn_sample on). */
const struct sw_snapshot *churn_records(const struct sw_churn *c);
const struct sw_closed *churn_closed(const struct sw_churn *c);
const struct sw_rowstat *churn_rowstats(const struct sw_churn *c);
/* Every record kept, listed or not yet (a streaming reader prints those
 * added since its last call: struct sw_closed.seq grows by one per
 * record): conns[*first ..) are in the window, meta[] is parallel to
 * conns[].  Valid until the next churn_add_events or churn_sample. */
const struct sw_snapshot *churn_all(const struct sw_churn *c, const struct sw_closed **meta,
				    size_t *first);
/* Protocols the records cover (SW_PROTO_BIT): the model hides its own
 * tombstones of these. */
uint32_t churn_protos(const struct sw_churn *c);

/* Group the records of the window that pass sel and f (either may be
 * NULL) by destination or service, sorted by order (descending for
 * rates, lifetimes and bytes). */
void churn_groups(const struct sw_churn *c, enum sw_churn_kind kind,
		  const struct sw_select *sel, const struct sw_filter *f,
		  enum sw_churn_order order, struct sw_churn_groups *out);
/* The TCP group of one destination (family, addr, port) or one local
 * service (port): false when no record is in the window. */
bool churn_group_of(const struct sw_churn *c, enum sw_churn_kind kind, int family,
		    const uint8_t addr[16], uint16_t port, struct sw_churn_group *out);
void churn_groups_init(struct sw_churn_groups *g);
void churn_groups_done(struct sw_churn_groups *g);

/* "socket", "listener", "destination", "none": for JSON and the docs. */
const char *churn_how_name(enum sw_churn_how how);
/* The same, translated, for the screen. */
const char *churn_how_label(enum sw_churn_how how);

/* Exposed for tests: the lifetime lower bound of record ci of s (ns since
 * first_seen_ns, 0 unknown), as churn_add_events computes it. */
bool churn_life_ms(const struct sw_snapshot *s, const struct sw_conn *c,
		   uint64_t first_seen_ns, uint64_t now_ns, uint32_t *life_ms);

#endif
