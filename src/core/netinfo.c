/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netinfo.c - see netinfo.h. */
#include "config.h"

#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "netinfo.h"
#include "util.h"

void netinfo_init(struct sw_netinfo *ni)
{
	memset(ni, 0, sizeof *ni);
}

void netinfo_done(struct sw_netinfo *ni)
{
	free(ni->routes);
	free(ni->ifaces);
	memset(ni, 0, sizeof *ni);
}

void netinfo_clear(struct sw_netinfo *ni)
{
	ni->nroutes = 0;
	ni->nifaces = 0;
	ni->mono_ns = 0;
}

struct sw_route *netinfo_add_route(struct sw_netinfo *ni)
{
	ni->routes = xgrow(ni->routes, &ni->caproutes, ni->nroutes + 1, sizeof *ni->routes);
	struct sw_route *r = &ni->routes[ni->nroutes++];
	memset(r, 0, sizeof *r);
	return r;
}

struct sw_iface *netinfo_add_iface(struct sw_netinfo *ni)
{
	ni->ifaces = xgrow(ni->ifaces, &ni->capifaces, ni->nifaces + 1, sizeof *ni->ifaces);
	struct sw_iface *f = &ni->ifaces[ni->nifaces++];
	memset(f, 0, sizeof *f);
	return f;
}

const struct sw_iface *netinfo_iface(const struct sw_netinfo *ni, uint32_t index)
{
	for (size_t i = 0; i < ni->nifaces; i++)
		if (ni->ifaces[i].index == index)
			return &ni->ifaces[i];
	return NULL;
}

static int route_cmp(const void *a, const void *b)
{
	const struct sw_route *x = a, *y = b;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->dst_len != y->dst_len)
		return x->dst_len > y->dst_len ? -1 : 1;
	if (x->metric != y->metric)
		return x->metric < y->metric ? -1 : 1;
	int c = memcmp(x->dst, y->dst, 16);
	if (c)
		return c;
	return x->oif < y->oif ? -1 : x->oif > y->oif;
}

static int iface_cmp(const void *a, const void *b)
{
	const struct sw_iface *x = a, *y = b;
	return x->index < y->index ? -1 : x->index > y->index;
}

void netinfo_finish(struct sw_netinfo *ni)
{
	/* qsort(NULL, 0, ...) is undefined (glibc declares it nonnull), and
	 * --interfaces alone never allocates routes */
	if (ni->nifaces > 1)
		qsort(ni->ifaces, ni->nifaces, sizeof *ni->ifaces, iface_cmp);
	for (size_t i = 0; i < ni->nroutes; i++) {
		struct sw_route *r = &ni->routes[i];
		const struct sw_iface *f = r->oif ? netinfo_iface(ni, r->oif) : NULL;
		if (f)
			sw_strlcpy(r->ifname, f->name, sizeof r->ifname);
	}
	if (ni->nroutes > 1)
		qsort(ni->routes, ni->nroutes, sizeof *ni->routes, route_cmp);
}

/* One letter per flag set, in table order (netstat -r / ifconfig style). */
struct flagletter {
	unsigned bit;
	char c;
};

static char *flag_letters(const struct flagletter *t, size_t nt, unsigned flags,
			  char *buf, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < nt && n + 1 < len; i++)
		if (flags & t[i].bit)
			buf[n++] = t[i].c;
	if (len)
		buf[n < len ? n : len - 1] = '\0';
	return buf;
}

char *netinfo_route_flags(unsigned flags, char *buf, size_t len)
{
	static const struct flagletter t[] = {
		{SW_RTF_UP, 'U'}, {SW_RTF_GATEWAY, 'G'}, {SW_RTF_HOST, 'H'},
		{SW_RTF_DYNAMIC, 'D'}, {SW_RTF_ADDRCONF, 'A'}, {SW_RTF_REJECT, '!'},
	};
	return flag_letters(t, sizeof t / sizeof t[0], flags, buf, len);
}

const char *netinfo_operstate(uint8_t s)
{
	static const char *const names[] = {
		"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP",
	};
	return s < sizeof names / sizeof names[0] ? names[s] : "?";
}

char *netinfo_iface_flags(unsigned flags, char *buf, size_t len)
{
	static const struct flagletter t[] = {
		{IFF_BROADCAST, 'B'}, {IFF_LOOPBACK, 'L'}, {IFF_MULTICAST, 'M'},
		{IFF_NOARP, 'O'}, {IFF_POINTOPOINT, 'P'}, {IFF_RUNNING, 'R'}, {IFF_UP, 'U'},
	};
	return flag_letters(t, sizeof t / sizeof t[0], flags, buf, len);
}

static bool delta(uint64_t a, uint64_t b, double *d)
{
	if (b < a)
		return false;
	*d = (double)(b - a);
	return true;
}

void netinfo_iface_rate(const struct sw_netinfo *prev, const struct sw_netinfo *cur,
			size_t i, struct sw_iface_rate *r)
{
	memset(r, 0, sizeof *r);
	if (!prev || i >= cur->nifaces || cur->mono_ns <= prev->mono_ns)
		return;
	const struct sw_iface *b = &cur->ifaces[i];
	const struct sw_iface *a = netinfo_iface(prev, b->index);
	if (!a || strcmp(a->name, b->name) != 0 || !a->have_stats || !b->have_stats)
		return;
	double dt = (double)(cur->mono_ns - prev->mono_ns) / 1e9;
	double rb, tb, rp, tp, re, te, rd, td;
	if (!delta(a->rx_bytes, b->rx_bytes, &rb) || !delta(a->tx_bytes, b->tx_bytes, &tb) ||
	    !delta(a->rx_packets, b->rx_packets, &rp) || !delta(a->tx_packets, b->tx_packets, &tp) ||
	    !delta(a->rx_errors, b->rx_errors, &re) || !delta(a->tx_errors, b->tx_errors, &te) ||
	    !delta(a->rx_dropped, b->rx_dropped, &rd) || !delta(a->tx_dropped, b->tx_dropped, &td))
		return;
	r->rx_bps = rb / dt;
	r->tx_bps = tb / dt;
	r->rx_pps = rp / dt;
	r->tx_pps = tp / dt;
	r->err_ps = (re + te) / dt;
	r->drop_ps = (rd + td) / dt;
	r->valid = true;
}
