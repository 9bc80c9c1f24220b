/* kstat.h - sysctls and kernel counters that explain what is seen:
 * ip_local_port_range, tcp_tw_reuse, tcp_fin_timeout, tcp_max_tw_buckets,
 * somaxconn, syncookies ...; /proc/net/netstat, /proc/net/snmp,
 * /proc/net/sockstat.  Parsers work on text buffers (tests feed them). */
#ifndef SW_KSTAT_H
#define SW_KSTAT_H

#include <stddef.h>

#include "core/snapshot.h"

/* Read everything for the network namespace the calling thread is in
 * (proc_root: "/proc" or a fake tree).  Unknown values stay -1; returns
 * the number of files that could not be read (0 = complete). */
int kstat_read(const char *proc_root, struct sw_kstat *k);
/* Parse the two-line "Group: names\nGroup: values" format of
 * /proc/net/netstat and /proc/net/snmp, appending counters.  Returns the
 * number of counters added or -1 on malformed input. */
int kstat_parse_counters(const char *buf, size_t len, struct sw_kstat *k);
int kstat_parse_sockstat(const char *buf, size_t len, struct sw_kstat *k);

#endif
