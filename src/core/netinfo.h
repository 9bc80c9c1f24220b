/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netinfo.h - routes and interfaces (netstat -r / -i), as pure data.
 *
 * Filled by src/collect/rtnl.c from rtnetlink (or from recorded replies in
 * tests); formatted by src/output/netinfo_out.c; shown by UI panels.
 * Arrays grow by doubling and are reused across refreshes.
 */
#ifndef SW_NETINFO_H
#define SW_NETINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* sw_route.flags, as netstat -r shows them */
enum {
	SW_RTF_UP = 1u << 0,      /* U */
	SW_RTF_GATEWAY = 1u << 1, /* G: via a gateway */
	SW_RTF_HOST = 1u << 2,    /* H: /32 or /128 */
	SW_RTF_REJECT = 1u << 3,  /* !: unreachable, prohibit, blackhole */
	SW_RTF_DYNAMIC = 1u << 4, /* D: from a redirect */
	SW_RTF_ADDRCONF = 1u << 5,/* A: from router advertisements */
};

struct sw_route {
	uint8_t family;      /* AF_INET, AF_INET6 */
	uint8_t dst_len;     /* prefix length; 0 = default route */
	uint8_t type;        /* RTN_* */
	uint8_t protocol;    /* RTPROT_* (kernel, boot, static, dhcp, ra ...) */
	uint8_t scope;
	uint32_t table;
	uint8_t dst[16];
	uint8_t gateway[16];
	uint8_t prefsrc[16];
	bool has_gateway, has_prefsrc;
	uint32_t oif;        /* interface index, 0 none */
	char ifname[16];     /* filled from the interface list, "" unknown */
	uint32_t metric;     /* RTA_PRIORITY */
	uint32_t mtu;        /* RTAX_MTU, 0 unset */
	unsigned flags;      /* SW_RTF_* */
};

struct sw_iface {
	uint32_t index;
	char name[16];
	unsigned flags;      /* IFF_* (up, running, loopback, ...) */
	uint8_t operstate;   /* IF_OPER_* */
	uint32_t mtu;
	uint32_t master;     /* bond/bridge master index, 0 none */
	char kind[16];       /* IFLA_INFO_KIND ("veth", "bridge" ...), "" none */
	uint8_t addr[32];    /* link-layer address */
	uint8_t addr_len;
	bool have_stats;
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;
	uint64_t multicast, collisions;
	uint64_t rx_over_errors, rx_fifo_errors, tx_fifo_errors, tx_carrier_errors;
};

struct sw_netinfo {
	uint64_t mono_ns;    /* when collected */
	struct sw_route *routes;
	size_t nroutes, caproutes;
	struct sw_iface *ifaces;
	size_t nifaces, capifaces;
};

void netinfo_init(struct sw_netinfo *ni);
void netinfo_done(struct sw_netinfo *ni);
void netinfo_clear(struct sw_netinfo *ni); /* keep allocations */
struct sw_route *netinfo_add_route(struct sw_netinfo *ni); /* zeroed */
struct sw_iface *netinfo_add_iface(struct sw_netinfo *ni); /* zeroed */
const struct sw_iface *netinfo_iface(const struct sw_netinfo *ni, uint32_t index);
/* Fill routes' ifname from the interfaces; sort routes (family, then
 * longest prefix first, metric, destination) and interfaces by index. */
void netinfo_finish(struct sw_netinfo *ni);

/* "UG", "UH", "U!" ... into buf (>= 8 bytes). */
char *netinfo_route_flags(unsigned flags, char *buf, size_t len);
/* "UP", "DOWN", "UNKNOWN", "LOWERLAYERDOWN", "DORMANT" ... */
const char *netinfo_operstate(uint8_t operstate);
/* netstat -i style flags: B(roadcast) L(oopback) M(ulticast) O(noarp)
 * P(ointopoint) R(unning) U(p) into buf (>= 10 bytes). */
char *netinfo_iface_flags(unsigned flags, char *buf, size_t len);

struct sw_iface_rate {
	double rx_bps, tx_bps;     /* bytes/s */
	double rx_pps, tx_pps;     /* packets/s */
	double err_ps, drop_ps;    /* rx+tx errors, drops per second */
	bool valid;                /* false: no previous sample of it */
};
/* Rates of cur's interface i against prev (same index and name);
 * counter wraps or a re-created interface give !valid. */
void netinfo_iface_rate(const struct sw_netinfo *prev, const struct sw_netinfo *cur,
			size_t i, struct sw_iface_rate *r);

#endif
