/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kstat.h - sysctls and kernel counters that explain what is seen:
 * ip_local_port_range, tcp_tw_reuse, tcp_fin_timeout, tcp_max_tw_buckets,
 * somaxconn, syncookies ...; /proc/net/netstat, /proc/net/snmp,
 * /proc/net/sockstat.  Parsers work on text buffers (tests feed them). */
#ifndef SW_KSTAT_H
#define SW_KSTAT_H

#include <stddef.h>
#include <sys/types.h>

#include "core/snapshot.h"

/* Read everything for the network namespace the calling thread is in
 * (proc_root: "/proc" or a fake tree).  Unknown values stay -1; returns
 * the number of files that could not be read (0 = complete). */
int kstat_read(const char *proc_root, struct sw_kstat *k);
/* Parse the two-line "Group: names\nGroup: values" format of
 * /proc/net/netstat and /proc/net/snmp, appending counters.  Returns the
 * number of counters added or -1 on malformed input. */
int kstat_parse_counters(const char *buf, size_t len, struct sw_kstat *k);
/* Parse /proc/net/snmp6 ("Name value" per line), appending its Udp6*
 * counters as group "Udp6" ("Udp6NoPorts" -> Udp6 NoPorts).  Returns the
 * number added or -1 on malformed input. */
int kstat_parse_snmp6(const char *buf, size_t len, struct sw_kstat *k);
int kstat_parse_sockstat(const char *buf, size_t len, struct sw_kstat *k);

/* Additions for recording/replay (the raw source texts are saved so a
 * replay rebuilds the same sw_kstat). */
/* Set every value to "unknown" (-1, "", no counters). */
void kstat_init(struct sw_kstat *k);
/* Called with each source's name ("sys/net/ipv4/tcp_fin_timeout",
 * "net/netstat", ...) and its text as read. */
typedef void (*kstat_text_fn)(void *arg, const char *name, const char *text,
			      size_t len);
/* kstat_read, also handing every text read to fn (may be NULL). */
int kstat_read_texts(const char *proc_root, struct sw_kstat *k,
		     kstat_text_fn fn, void *arg);
/* Apply one named source text to k.  0, -ENOENT unknown name, -EINVAL
 * malformed text. */
int kstat_apply(struct sw_kstat *k, const char *name, const char *text,
		size_t len);

/* Read a whole small file (a /proc text) into *buf, grown as needed with
 * xgrow (free() it); retries EINTR.  Returns the length or -errno.  Also
 * used by procnet.c. */
ssize_t kstat_read_file(const char *path, char **buf, size_t *cap);

#endif
