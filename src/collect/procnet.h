/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procnet.h - the /proc/net/raw and /proc/net/raw6 texts -> connection
 * records: the fallback for RAW sockets on kernels without the raw_diag
 * module (the sock_diag RAW dump answers ENOENT there; ss falls back the
 * same way).
 *
 * The parser is pure (a byte buffer in, records appended to a snapshot),
 * so recordings replay it and fuzzers feed it; procnet_read() is the only
 * function here that touches the file system.
 */
#ifndef SW_PROCNET_H
#define SW_PROCNET_H

#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

/* Synthetic socket cookies for records read from /proc (which has none):
 *
 *   PROCNET_COOKIE_FLAG | (uint64_t)family << 32 | inode
 *
 * Stable across refreshes for as long as the socket lives (the inode is
 * the socket's identity), unique per family.  Bit 52 keeps them apart from
 * kernel cookies, which count up from 1 (2^52 sockets would have to be
 * created since boot to reach it) - and the model keys rows by (cookie,
 * protocol, family) while procfs RAW records only exist where the kernel
 * sends no RAW records at all.  Below 2^53, so JSON consumers that read
 * numbers as doubles keep them exact.  A socket without an inode (0:
 * being closed) gets PROCNET_COOKIE_NOINODE | family << 32 | its line
 * number instead: unique in one text, not stable (such a socket is gone a
 * moment later anyway). */
#define PROCNET_COOKIE_FLAG (1ull << 52)
#define PROCNET_COOKIE_NOINODE (1ull << 51)

static inline uint64_t procnet_cookie(int family, uint32_t inode)
{
	return PROCNET_COOKIE_FLAG | (uint64_t)(uint8_t)family << 32 | inode;
}

static inline int procnet_cookie_is_synthetic(uint64_t cookie)
{
	return (cookie & PROCNET_COOKIE_FLAG) != 0;
}

/* The names of the texts ("net/raw", "net/raw6"; relative to the proc root
 * and used as recording names), or NULL for a family without one. */
const char *procnet_raw_name(int family);

struct procnet_stats {
	size_t added;   /* records appended */
	size_t skipped; /* malformed or truncated lines left out */
};

/* Parse the text of /proc/net/raw (family AF_INET) or /proc/net/raw6
 * (AF_INET6) and append one SW_PROTO_RAW record per socket line to s.
 *
 * Line format (kernel net/ipv4/raw.c, net/ipv6/datagram.c), all numbers
 * hex unless noted:
 *   sl: local_address:port rem_address:port st tx_queue:rx_queue
 *   tr:tm->when retrnsmt uid(dec) timeout(dec) inode(dec) ref pointer drops
 * Addresses are the kernel's in-memory words printed as numbers: IPv4 one
 * u32, IPv6 four u32, each in the byte order of the machine that produced
 * the text (this parser assumes that is the machine it runs on - which
 * holds for live reads and for recordings, whose reader refuses the other
 * byte order).  For RAW, the local "port" is the socket's IP protocol
 * number (ss prints it as the port too); it also goes into sotype.
 *
 * The first line (the column header) is skipped when it names the columns.
 * Malformed lines are skipped and counted, as is an unterminated last line
 * (a truncated read: its last field could be cut short).  Returns 0, or
 * -EINVAL for a family other than AF_INET/AF_INET6. */
int procnet_parse_raw(const char *buf, size_t len, int family,
		      struct sw_snapshot *s, struct procnet_stats *st);

/* Read the text `name` (procnet_raw_name()) for the network namespace of
 * the calling thread: <proc_root>/thread-self/<name>, else
 * <proc_root>/<name>.  *buf grows as needed (free() it).  Returns the
 * length or -errno (-ENOENT: no such file, e.g. IPv6 disabled or a fake
 * proc tree). */
long procnet_read(const char *proc_root, const char *name, char **buf,
		  size_t *cap);

#endif
