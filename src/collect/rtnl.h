/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtnl.h - routes and interfaces over NETLINK_ROUTE (libmnl), the data
 * behind --routes / --interfaces (netstat -r / -i) and the UI's panels.
 *
 * Parsing is a pure function on byte buffers, so recorded replies replay in
 * tests: a recording is a sequence of [u32 length, host order][bytes], one
 * per recv() (RTM_NEWLINK dump, then RTM_NEWROUTE for IPv4 and IPv6).
 */
#ifndef SW_RTNL_H
#define SW_RTNL_H

#include <stddef.h>
#include <stdio.h>

#include "core/netinfo.h"

enum { RTNL_LINKS = 1u << 0, RTNL_ROUTES = 1u << 1 };

/* Parse one buffer of replies, adding RTM_NEWLINK messages as interfaces
 * and RTM_NEWROUTE messages of the main table as routes.  Returns 1 when
 * more messages are expected, 0 at NLMSG_DONE, -errno on a netlink error
 * message or malformed data (nothing is trusted: lengths are checked). */
int rtnl_parse(const void *buf, size_t len, struct sw_netinfo *ni);

/* Dump what (RTNL_*) from the kernel into ni (cleared first; finished with
 * netinfo_finish).  netns: NULL for our own, else a name under
 * /var/run/netns or a path.  record: if not NULL, every reply buffer is
 * appended to it.  0 or -errno with a translated message in err. */
int rtnl_collect(struct sw_netinfo *ni, unsigned what, const char *netns, FILE *record,
		 char *err, size_t errlen);

/* Read a recording made with record= instead of the kernel. */
int rtnl_replay(const char *path, struct sw_netinfo *ni, char *err, size_t errlen);

#endif
