/* SPDX-License-Identifier: GPL-2.0-or-later */
/* columns.h - the column table shared by the batch table output and the
 * connection panel: id, config name, header, width, alignment, a formatter
 * and a comparator.  Headers and descriptions are N_() and translated at
 * draw time.
 */
#ifndef SW_COLUMNS_H
#define SW_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum sw_col_id {
	SW_COL_PROTO,      /* tcp, udp6, u_str ... */
	SW_COL_STATE,
	SW_COL_RECVQ,
	SW_COL_SENDQ,
	SW_COL_LOCAL,      /* local addr:port (UNIX: path) */
	SW_COL_REMOTE,     /* remote addr:port (UNIX: peer) */
	SW_COL_LPORT,      /* local port alone */
	SW_COL_RPORT,      /* remote port alone */
	SW_COL_TIMER,      /* netstat -o style: keepalive (12.34/0/0) */
	SW_COL_PID,        /* pid/comm of the first owner ("+N" if more) */
	SW_COL_PROCESS,    /* comm */
	SW_COL_CMDLINE,
	SW_COL_USER,       /* user name of the socket uid */
	SW_COL_UID,
	SW_COL_INODE,
	SW_COL_COOKIE,
	SW_COL_IFACE,
	SW_COL_RTT,
	SW_COL_RTTVAR,
	SW_COL_CWND,
	SW_COL_SSTHRESH,
	SW_COL_RETRANS,       /* retrans now / total_retrans */
	SW_COL_LOST,
	SW_COL_BYTES_ACKED,
	SW_COL_BYTES_RECV,
	SW_COL_BYTES_SENT,
	SW_COL_SEGS,          /* segs_in/segs_out */
	SW_COL_DELIVERY_RATE,
	SW_COL_LAST_SEND,
	SW_COL_LAST_RECV,
	SW_COL_BUSY,
	SW_COL_CONG,
	SW_COL_RMEM,
	SW_COL_WMEM,
	SW_COL_RX_RATE,       /* from the model */
	SW_COL_TX_RATE,
	SW_COL_AGE,           /* since first seen */
	SW_COL_RETRANS_DELTA, /* retransmissions since last refresh */
	SW_COL_NETNS,         /* network namespace label (-N all) */
	SW_COL_COUNT
};

/* What a column needs from the collector (sw_column.needs). */
enum {
	SW_NEED_PROCS = 1u << 0,   /* the process map (owners) */
	SW_NEED_TCPINFO = 1u << 1, /* tcp_info (rates and deltas come from it too) */
	SW_NEED_CONG = 1u << 2,    /* the congestion control name */
	SW_NEED_MEM = 1u << 3,     /* socket memory (skmeminfo) */
};

struct sw_column {
	enum sw_col_id id;
	const char *name;    /* config / --columns / --sort name: "state" */
	const char *header;  /* N_("State") */
	const char *desc;    /* N_("TCP state ...") for the column picker */
	int width;           /* preferred width; 0 = flexible */
	int minwidth;
	bool right;          /* right-aligned (numbers) */
	bool default_on;     /* shown by default in the UI */
	bool desc_first;     /* a first sort on it is descending (biggest first) */
	bool addr;           /* an address:port: may shrink below its header (a
	                        short header is drawn) and shares the width left */
	unsigned needs;      /* SW_NEED_*: what the collector must read for it */
	const char *short_header; /* addr: N_() header when the long one does not fit */
	/* Text for one cell (plain ASCII/UTF-8, no padding); "" for n/a.
	 * Writes it NUL-terminated into buf, truncated to fit len (len >= 1),
	 * and returns its length: always exactly strlen(buf) afterwards, so
	 * a caller that needs the length does not measure it again. */
	size_t (*format)(const struct sw_row *r, char *buf, size_t len);
	/* <0, 0, >0 like strcmp; ascending natural order for the column. */
	int (*compare)(const struct sw_row *a, const struct sw_row *b);
};

const struct sw_column *column_get(enum sw_col_id id);

/* Whether a column shown or sorted on reads a row's tcp_info (or its
 * congestion control name) from its snapshot; the rates and the
 * retransmissions since the last refresh come from the row state. */
bool columns_read_tcpinfo(const enum sw_col_id *ids, size_t n, const struct sw_sortkey *keys,
			  size_t nkeys);

/* SW_NEED_* of the columns shown and of the sort keys. */
unsigned columns_needs(const enum sw_col_id *ids, size_t n,
		       const struct sw_sortkey *keys, size_t nkeys);

/* An order-preserving integer prefix of a column's compare, for radix
 * sorting large views: key(a) < key(b) implies compare(a, b) < 0, and
 * compare(a, b) == 0 implies key(a) == key(b).  Keys use the low `bits`
 * bits.  `exact`: equal keys also mean compare() == 0, so a following
 * sort column's key may be appended after this one. */
struct sw_colkey {
	uint64_t (*key)(const struct sw_row *r);
	unsigned bits;
	bool exact;
	/* When !exact: true if this row's key holds its whole value (equal
	 * keys then mean equal cells), e.g. IPv4 endpoints; NULL: never. */
	bool (*exact_row)(const struct sw_row *r);
};
/* false if the column has no such key (sort it with compare only). */
bool column_sortkey(enum sw_col_id id, struct sw_colkey *out);
/* By name (case-insensitive, also accepts the untranslated header). */
const struct sw_column *column_by_name(const char *name);
/* Parse "state,local,remote,-rtt" into ids (a leading '-' means descending
 * when used as a sort spec).  Returns count or -1 (with *bad set to the
 * offending token's offset). */
int column_parse_list(const char *spec, enum sw_col_id *ids, bool *desc,
		      int max, int *bad);

#endif
