/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_rtnl.c - rtnetlink replies (src/collect/rtnl.c: rtnl_parse), as
 * --routes / --interfaces replay them.
 *
 * Input: the recording format of rtnl_replay(): [u32 length, host
 * order][that many reply bytes], repeated (seed: tests/data/rtnl_ns.rec).
 * Each reply goes to rtnl_parse() in its own exact-size buffer until one
 * fails; a length that overruns the input takes the rest.  The result is
 * finished and printed as netstat -r, netstat -i (with itself a second
 * earlier as the previous sample, for rates) and JSON.
 */
#include "config.h"

#include <errno.h>

#include "collect/rtnl.h"
#include "core/util.h"
#include "output/netinfo_out.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_netinfo ni;
	netinfo_init(&ni);
	size_t off = 0;
	while (size - off >= sizeof(uint32_t)) {
		uint32_t n;
		memcpy(&n, data + off, sizeof n);
		off += sizeof n;
		if (n > size - off)
			n = (uint32_t)(size - off);
		uint8_t *buf = xmalloc(n ? n : 1);
		memcpy(buf, data + off, n);
		off += n;
		int r = rtnl_parse(buf, n, &ni);
		free(buf);
		FUZZ_CHECK(r == 0 || r == 1 || r < 0, "rtnl_parse returned %d", r);
		if (r < 0)
			break;
	}
	netinfo_finish(&ni);
	/* itself one second earlier as the previous sample (rates of 0) */
	ni.mono_ns = 2000000000ull;
	struct sw_netinfo prev = ni;
	prev.mono_ns = 1000000000ull;
	for (size_t i = 0; i < ni.nroutes; i++) {
		const struct sw_route *rt = &ni.routes[i];
		FUZZ_CHECK(memchr(rt->ifname, '\0', sizeof rt->ifname), "route ifname");
		char fl[16];
		netinfo_route_flags(rt->flags, fl, sizeof fl);
	}
	for (size_t i = 0; i < ni.nifaces; i++) {
		const struct sw_iface *f = &ni.ifaces[i];
		FUZZ_CHECK(memchr(f->name, '\0', sizeof f->name) &&
			   memchr(f->kind, '\0', sizeof f->kind) && f->addr_len <= sizeof f->addr,
			   "interface %zu", i);
		char fl[16];
		netinfo_iface_flags(f->flags, fl, sizeof fl);
		(void)netinfo_operstate(f->operstate);
		(void)netinfo_iface(&ni, f->index);
		struct sw_iface_rate rate;
		netinfo_iface_rate(&prev, &ni, i, &rate);
	}
	FILE *null = fuzz_null();
	out_routes_text(null, &ni, true);
	out_ifaces_text(null, &ni, &prev, true);
	out_netinfo_json(null, &ni, &prev, true, true);
	netinfo_done(&ni);
	return 0;
}
