/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netinfo_out.h - routes and interfaces as netstat -r / -i tables and JSON. */
#ifndef SW_NETINFO_OUT_H
#define SW_NETINFO_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/netinfo.h"

/* netstat -rn: an IPv4 table (Destination Gateway Genmask Flags Metric MTU
 * Iface) then an IPv6 table (Destination/Prefix Next-Hop Flags Metric MTU
 * Iface); numeric addresses.  0 or -errno. */
int out_routes_text(FILE *fp, const struct sw_netinfo *ni, bool header);
/* netstat -i columns (Iface MTU RX-OK RX-ERR RX-DRP RX-OVR TX-OK TX-ERR
 * TX-DRP TX-OVR Flg) plus State, RX/TX bytes and, when prev is given, rates
 * (RX/s TX/s in bytes, packets/s). */
int out_ifaces_text(FILE *fp, const struct sw_netinfo *ni, const struct sw_netinfo *prev,
		    bool header);
/* One compact JSON document (newline-terminated): {"routes":[...]} and/or
 * {"interfaces":[...]} as selected; rates included when prev is given. */
int out_netinfo_json(FILE *fp, const struct sw_netinfo *ni, const struct sw_netinfo *prev,
		     bool routes, bool ifaces);

#endif
