/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conn.h - the connection record: one socket as the kernel reported it.
 *
 * Pure data, no libc beyond <stdint.h>.  Records live in arrays inside a
 * snapshot (snapshot.h); variable-length data (UNIX path names, command
 * lines) lives in the snapshot's string pool and is referenced by offset.
 */
#ifndef SW_CONN_H
#define SW_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_NONE UINT32_MAX /* "no index" for u32 index fields */
#define SW_NAME_MAX 255    /* longest UNIX name a record keeps (conn.name_len;
                              a kernel sends at most 108 bytes) */

enum sw_proto {
	SW_PROTO_TCP,
	SW_PROTO_UDP,
	SW_PROTO_UDPLITE,
	SW_PROTO_MPTCP,
	SW_PROTO_RAW,
	SW_PROTO_SCTP,
	SW_PROTO_UNIX,
	SW_PROTO_COUNT
};
#define SW_PROTO_BIT(p) (1u << (p))
#define SW_PROTO_ALL ((1u << SW_PROTO_COUNT) - 1)

/* Socket states, numbered as the kernel numbers them (net/tcp_states.h).
 * UDP/RAW/UNIX use ESTABLISHED (connected), CLOSE (unconnected, shown as
 * UNCONN) and LISTEN (unix stream/seqpacket). */
enum sw_state {
	SW_ST_UNKNOWN = 0,
	SW_ST_ESTABLISHED = 1,
	SW_ST_SYN_SENT = 2,
	SW_ST_SYN_RECV = 3,
	SW_ST_FIN_WAIT1 = 4,
	SW_ST_FIN_WAIT2 = 5,
	SW_ST_TIME_WAIT = 6,
	SW_ST_CLOSE = 7,
	SW_ST_CLOSE_WAIT = 8,
	SW_ST_LAST_ACK = 9,
	SW_ST_LISTEN = 10,
	SW_ST_CLOSING = 11,
	SW_ST_NEW_SYN_RECV = 12,
	SW_ST_BOUND_INACTIVE = 13,
	SW_ST_COUNT = 14
};
#define SW_STATE_BIT(s) (1u << (s))
#define SW_STATE_ALL ((1u << SW_ST_COUNT) - 1)

/* Timer kinds (inet_diag idiag_timer), as netstat -o / ss -o show them. */
enum sw_timer {
	SW_TIMER_OFF = 0,
	SW_TIMER_ON = 1,        /* retransmit / probe0 of SYN etc. */
	SW_TIMER_KEEPALIVE = 2,
	SW_TIMER_TIMEWAIT = 3,
	SW_TIMER_PERSIST = 4,   /* zero window probe */
	SW_TIMER_DELACK = 5,
	SW_TIMER_COUNT = 6
};

/* conn.flags */
enum {
	SW_CF_V6ONLY = 1u << 0,     /* IPV6_V6ONLY set (SKV6ONLY attribute) */
	SW_CF_HAS_V6ONLY = 1u << 1, /* kernel sent SKV6ONLY */
	SW_CF_HAS_SKMEM = 1u << 2,  /* skmem[] valid */
	SW_CF_HAS_UID = 1u << 3,    /* uid valid */
	SW_CF_HAS_SHUTDOWN = 1u << 4,
	SW_CF_HAS_PEER = 1u << 5,   /* unix peer_inode valid */
	SW_CF_OWNER1 = 1u << 6,     /* the one owner is in owners_off itself
	                               (snapshot_owner()): never stored */
};

/* Indices into conn.skmem (SK_MEMINFO_* order subset). */
enum {
	SW_SKMEM_RMEM_ALLOC,
	SW_SKMEM_RCVBUF,
	SW_SKMEM_WMEM_ALLOC,
	SW_SKMEM_SNDBUF,
	SW_SKMEM_FWD_ALLOC,
	SW_SKMEM_WMEM_QUEUED,
	SW_SKMEM_OPTMEM,
	SW_SKMEM_BACKLOG,
	SW_SKMEM_DROPS,
	SW_SKMEM_COUNT
};

/* An address and port.  IPv4 uses addr[0..3]; IPv6 all 16 bytes (network
 * order).  A v4-mapped IPv6 address (::ffff:a.b.c.d) keeps family AF_INET6
 * here; sw_ep_v4() and the formatters treat it as IPv4. */
struct sw_endpoint {
	uint8_t addr[16];
	uint16_t port; /* host byte order */
};

/* An endpoint as a record keeps it: its address as an index into the
 * record's address table (conn.atab, below), and the port.  6 bytes
 * instead of 18: at a million sockets the two 16-byte addresses of a
 * record were 32 MB a snapshot, and a monitor holds two.  Index 0 of
 * every table is the all-zero address (unset, the wildcard, UNIX). */
struct sw_epix {
	uint32_t ai;
	uint16_t port; /* host byte order */
} __attribute__((packed, aligned(2)));

struct sw_conn {
	uint64_t cookie;     /* kernel socket cookie: never reused, the key */
	uint32_t inode;      /* 0: no file (TIME_WAIT, SYN_RECV, orphans) */
	uint32_t uid;        /* valid if SW_CF_HAS_UID */
	uint8_t family;      /* AF_INET, AF_INET6, AF_UNIX */
	uint8_t proto : 4;   /* enum sw_proto */
	uint8_t state : 4;   /* enum sw_state (sw_state_of(): a state the
	                        kernel may add later is SW_ST_UNKNOWN) */
	uint8_t sotype;      /* UNIX: SOCK_STREAM/SOCK_DGRAM/SOCK_SEQPACKET;
	                        RAW: IP protocol number; else 0 */
	uint8_t timer : 4;   /* enum sw_timer */
	uint8_t shutdown : 2;/* bit0: no more receives, bit1: no more sends */
	uint8_t retrans;     /* timer retransmits / probes */
	uint8_t flags;       /* SW_CF_* */
	uint16_t owners_n;   /* number of processes holding this socket (at
	                        most SW_OWNERS_MAX are listed) */
	uint32_t expires_ms; /* timer: ms left */
	uint32_t rq;         /* Recv-Q; LISTEN: accept queue length */
	uint32_t wq;         /* Send-Q; LISTEN: backlog */
	struct sw_epix local; /* sw_laddr(c), local.port */
	struct sw_epix remote;/* sw_raddr(c), remote.port */
	union {              /* one or the other: sw_conn_peer(), sw_conn_ifindex() */
		uint32_t peer_inode; /* UNIX: the peer's inode */
		uint32_t ifindex;    /* inet: bound interface, 0 none */
	};
	union {              /* one or the other: UNIX sockets have no tcp_info */
		uint32_t tcpx;     /* not UNIX: index into snapshot tcpx[],
		                      SW_NONE if none (read with sw_conn_tcpx()) */
		uint32_t name_off; /* UNIX: path in snapshot string pool ... */
	};
	uint8_t name_len;    /* ... its length (a sun_path: < 109 bytes); 0:
	                        unnamed, and always 0 for other protocols.
	                        Abstract names start with '\0' (shown as '@'). */
	uint8_t atab;        /* the address table local.ai and remote.ai
	                        index (sw_atabs[]): the snapshot's; 0 the
	                        process's own (a record made outside one) */
	uint16_t ns;         /* network namespace: index into the snapshot's
	                        namespace table (snapshot_ns()); 0 when it
	                        has none (one namespace collected) */
	uint32_t owners_off; /* first entry in snapshot owners[]; with
	                        SW_CF_OWNER1 the one owner itself (read them
	                        with snapshot_owner()) */
	uint32_t rmem;       /* skmem rmem_alloc (valid if SW_CF_HAS_SKMEM) */
	uint32_t wmem;       /* skmem wmem_queued (valid if SW_CF_HAS_SKMEM) */
};
#define SW_OWNERS_MAX UINT16_MAX
_Static_assert(SW_ST_COUNT <= 16 && SW_PROTO_COUNT <= 16 && SW_TIMER_COUNT <= 16,
	       "conn.state, proto and timer are 4 bits");

/* A state as a record keeps it: one the kernel may add later (beyond
 * SW_ST_COUNT) is SW_ST_UNKNOWN. */
static inline unsigned sw_state_of(unsigned kernel_state)
{
	return kernel_state < SW_ST_COUNT ? kernel_state : SW_ST_UNKNOWN;
}
/* The same for a timer kind. */
static inline unsigned sw_timer_of(unsigned kernel_timer)
{
	return kernel_timer < SW_TIMER_COUNT ? kernel_timer : SW_TIMER_OFF;
}
/* The peer inode of a UNIX socket, 0 for others. */
static inline uint32_t sw_conn_peer(const struct sw_conn *c)
{
	return c->proto == SW_PROTO_UNIX ? c->peer_inode : 0;
}
/* The interface an inet socket is bound to, 0 none (and for UNIX). */
static inline uint32_t sw_conn_ifindex(const struct sw_conn *c)
{
	return c->proto == SW_PROTO_UNIX ? 0 : c->ifindex;
}
/* The index of c's tcp_info in its snapshot's tcpx[], SW_NONE if none. */
static inline uint32_t sw_conn_tcpx(const struct sw_conn *c)
{
	return c->proto == SW_PROTO_UNIX ? SW_NONE : c->tcpx;
}

/* 72 bytes: at a million sockets every byte is 2 MB (two snapshots).
 * The details a JSON listing keeps are found through the snapshot
 * (dpack_at), not the record. */
_Static_assert(sizeof(struct sw_conn) == 72, "sw_conn grew");

/* ---- address tables ------------------------------------------------------
 * Each address a snapshot's records name is stored once in the
 * snapshot's table (a busy server's sockets share few local addresses,
 * and the connections of one client share its address).  A record names
 * its table by a one-byte id; sw_atabs[id] is the table (atab.c).  Table
 * 0 belongs to the process and is never cleared: records made outside a
 * snapshot (a copy kept across refreshes, tests) put their addresses
 * there.  A table is written by one thread at a time (the one filling
 * its snapshot); table 0 under its own lock. */
#define SW_ATAB_MAX 256
struct sw_atab {
	uint8_t (*a)[16];   /* a[0] is all zeros */
	uint32_t n, cap;
	uint32_t *slot;     /* hash: index + 1, 0 empty; power-of-2 size */
	uint32_t nslot;
	uint32_t last[2];   /* the index interned last as a local and as a
	                       remote address (consecutive records often
	                       share them: a server's, a client's) */
	uint8_t id;
};
extern struct sw_atab *sw_atabs[SW_ATAB_MAX];

static inline const uint8_t *sw_conn_addr(const struct sw_conn *c, const struct sw_epix *e)
{
	return sw_atabs[c->atab]->a[e->ai];
}
#define sw_laddr(c) sw_conn_addr((c), &(c)->local)
#define sw_raddr(c) sw_conn_addr((c), &(c)->remote)

/* A new empty table (registered: it has an id); NULL never (out of ids
 * is a fatal error: a program holds a few dozen snapshots at most). */
struct sw_atab *sw_atab_new(void);
void sw_atab_free(struct sw_atab *t);
/* Forget all addresses but a[0], keep the room. */
void sw_atab_clear(struct sw_atab *t);
/* The index of addr in t, added if new. */
uint32_t sw_atab_intern(struct sw_atab *t, const uint8_t addr[16]);
uint32_t sw_atab_intern_slow(struct sw_atab *t, const uint8_t addr[16], int side);
/* The same for a record's local (side 0) or remote (1) address of a
 * table that is not table 0: what was interned last on that side is
 * checked first, inline (a parser's two calls a socket). */
static inline uint32_t sw_atab_intern_side(struct sw_atab *t, const uint8_t addr[16], int side)
{
	const uint8_t *l = t->a[t->last[side]];
	uint64_t a0, a1, b0, b1;
	__builtin_memcpy(&a0, addr, 8);
	__builtin_memcpy(&a1, addr + 8, 8);
	__builtin_memcpy(&b0, l, 8);
	__builtin_memcpy(&b1, l + 8, 8);
	if (((a0 ^ b0) | (a1 ^ b1)) == 0)
		return t->last[side];
	return sw_atab_intern_slow(t, addr, side);
}
/* Set one address of c (remote: the remote one) to addr, kept in t (NULL:
 * table 0).  If c's other address is in another table it moves to t. */
void sw_conn_set_addr(struct sw_conn *c, struct sw_atab *t, bool remote, const uint8_t addr[16]);
/* Both addresses of c (a copy of a record of any table) into t (NULL:
 * table 0): what a record copied into another snapshot, or kept past
 * its snapshot's next refresh, needs. */
void sw_conn_rehome(struct sw_conn *c, struct sw_atab *t);
/* The endpoint with its address (a copy, for the formatters). */
static inline struct sw_endpoint sw_conn_ep(const struct sw_conn *c, bool remote)
{
	struct sw_endpoint ep;
	const struct sw_epix *e = remote ? &c->remote : &c->local;
	const uint8_t *a = sw_conn_addr(c, e);
	for (int i = 0; i < 16; i++)
		ep.addr[i] = a[i];
	ep.port = e->port;
	return ep;
}

/* The rest of a socket's record, kept only when the snapshot was asked for
 * details (snapshot.detail: JSON output); the monitor does without, since
 * at 100k sockets every byte per record counts twice (two snapshots). */
struct sw_conn_detail {
	uint64_t cgroup_id;  /* cgroup v2 id (INET_DIAG_CGROUP_ID), 0 unknown */
	uint32_t mark;       /* SO_MARK (INET_DIAG_MARK, root only), 0 unknown */
	uint32_t skmem[SW_SKMEM_COUNT];
};

/* tcp_info "have" bits: which groups of fields the running kernel sent. */
enum {
	SW_TI_BASE = 1u << 0,          /* rtt, cwnd, retrans, lost ... (2.6) */
	SW_TI_PACING = 1u << 1,        /* pacing_rate (3.15) */
	SW_TI_BYTES = 1u << 2,         /* bytes_acked, bytes_received (4.1) */
	SW_TI_SEGS = 1u << 3,          /* segs_in/out (4.2) */
	SW_TI_MINRTT = 1u << 4,        /* notsent_bytes, min_rtt, data_segs (4.6) */
	SW_TI_DELIVERY = 1u << 5,      /* delivery_rate (4.9) */
	SW_TI_BUSY = 1u << 6,          /* busy/rwnd/sndbuf limited (4.10) */
	SW_TI_DELIVERED = 1u << 7,     /* delivered, delivered_ce (4.18) */
	SW_TI_BYTES_SENT = 1u << 8,    /* bytes_sent, bytes_retrans, dsack, reord (4.19) */
	SW_TI_SNDWND = 1u << 9,        /* rcv_ooopack, snd_wnd (5.4) */
	SW_TI_CONG = 1u << 10,         /* cong[] valid (INET_DIAG_CONG) */
};

#define SW_TCPX_RETRANS_MAX UINT16_MAX
/* tcpi_retrans as sw_tcpx keeps it: saturated at SW_TCPX_RETRANS_MAX */
static inline uint16_t sw_tcpx_retrans(uint64_t v)
{
	return (uint16_t)(v < SW_TCPX_RETRANS_MAX ? v : SW_TCPX_RETRANS_MAX);
}

#define SW_CONG_MAX 15 /* longest congestion control name (TCP_CA_NAME_MAX - 1) */

/* The TCP extras a monitor needs: the tcp_info fields behind the columns,
 * the rates and the diagnoses, plus congestion control.  Kept for every
 * TCP socket, so it is small (88 bytes).
 * Units: *_us microseconds, *_ms milliseconds, rates bytes/second. */
struct sw_tcpx {
	uint16_t have;       /* SW_TI_* */
	uint16_t retrans;    /* segments being retransmitted now (at most
	                        SW_TCPX_RETRANS_MAX: the count saturates) */
	uint32_t rtt_us;
	uint32_t rttvar_us;
	uint32_t snd_cwnd;
	uint32_t snd_ssthresh;
	uint32_t total_retrans;
	uint32_t lost;
	uint32_t segs_in;
	uint32_t segs_out;
	uint32_t last_data_sent_ms;
	uint32_t last_data_recv_ms;
	uint32_t cong_off;   /* congestion control name in the snapshot string
	                        pool (snapshot_cong()), 0: unknown */
	uint64_t bytes_acked;
	uint64_t bytes_received;
	uint64_t bytes_sent;
	uint64_t delivery_rate;
	uint64_t busy_time_us;
};

_Static_assert(SW_TI_CONG <= UINT16_MAX, "sw_tcpx.have holds every SW_TI_* bit");

/* The rest of tcp_info, kept only in snapshots with details (JSON):
 * snapshot tcpd[i] belongs to tcpx[i]. */
struct sw_tcpd {
	uint8_t ca_state;
	uint8_t retransmits; /* current RTO backoff count */
	uint8_t probes;
	uint8_t backoff;
	uint8_t options;
	uint8_t snd_wscale;
	uint8_t rcv_wscale;
	uint8_t app_limited;
	uint32_t rto_us;
	uint32_t ato_us;
	uint32_t snd_mss;
	uint32_t rcv_mss;
	uint32_t unacked;
	uint32_t sacked;
	uint32_t last_ack_recv_ms;
	uint32_t pmtu;
	uint32_t rcv_ssthresh;
	uint32_t advmss;
	uint32_t reordering;
	uint32_t rcv_rtt_us;
	uint32_t rcv_space;
	uint32_t notsent_bytes;
	uint32_t min_rtt_us;
	uint32_t data_segs_in;
	uint32_t data_segs_out;
	uint32_t delivered;
	uint32_t delivered_ce;
	uint32_t dsack_dups;
	uint32_t reord_seen;
	uint32_t rcv_ooopack;
	uint32_t snd_wnd;
	uint64_t pacing_rate;
	uint64_t max_pacing_rate;
	uint64_t rwnd_limited_us;
	uint64_t sndbuf_limited_us;
	uint64_t bytes_retrans;
};

/* Names and small helpers (conn.c). */
const char *sw_proto_name(unsigned proto);           /* "tcp", "udp", ... */
int sw_proto_from_name(const char *name);            /* -1 unknown */
/* State name as shown: "ESTAB", "SYN-SENT", ... like ss; UDP/RAW CLOSE is
 * "UNCONN".  `proto` picks the flavour. */
const char *sw_state_name(unsigned state, unsigned proto);
/* Long netstat-style name: "ESTABLISHED", "SYN_RECV", "TIME_WAIT", ... */
const char *sw_state_netstat_name(unsigned state);
/* Parse a state name in any of the accepted spellings (case-insensitive,
 * '-' and '_' alike): established/estab, syn-sent, syn-recv/syn_rcvd,
 * fin-wait-1/fin_wait1, ..., time-wait, closed/close/unconn, close-wait,
 * last-ack, listen/listening, closing.  Returns -1 if unknown. */
int sw_state_from_name(const char *name);
const char *sw_timer_name(unsigned timer);           /* netstat -o words */

bool sw_conn_is_v4(const struct sw_conn *c);         /* AF_INET or v4-mapped */
bool sw_addr_is_v4mapped(const uint8_t addr[16]);
bool sw_addr_is_any(int family, const uint8_t addr[16]);
/* Format an address (no port) into buf; v4-mapped as IPv4; "*" for any
 * when star_any is set.  Returns buf. */
char *sw_addr_str(int family, const uint8_t addr[16], bool star_any,
		  char *buf, size_t len);
/* "addr:port" ("[v6]:port"), "*:port", "*:*".  Returns buf. */
char *sw_ep_str(int family, const struct sw_endpoint *ep, char *buf, size_t len);
/* The same text; returns its length (strlen(buf) after it, len >= 1). */
size_t sw_ep_fmt(int family, const struct sw_endpoint *ep, char *buf, size_t len);
#define SW_EP_STRLEN 64
/* sw_ep_fmt / sw_ep_str of a record's local or remote end. */
size_t sw_conn_ep_fmt(const struct sw_conn *c, bool remote, char *buf, size_t len);
char *sw_conn_ep_str(const struct sw_conn *c, bool remote, char *buf, size_t len);
/* The local end of an inet socket as ss prints it: a wildcard address is
 * "0.0.0.0:80" for IPv4, "*:80" for dual-stack IPv6 and "[::]:80" for
 * IPV6_V6ONLY, so an IPv4-only listener does not look dual-stack. */
char *sw_local_str(const struct sw_conn *c, char *buf, size_t len);
/* The same text; returns its length (strlen(buf) after it, len >= 1). */
size_t sw_local_fmt(const struct sw_conn *c, char *buf, size_t len);

#endif
