/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netinfo_out.c - see netinfo_out.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include "core/i18n.h"
#include "core/util.h"
#include "netinfo_out.h"
#include "output.h"

static char *addr(uint8_t family, const uint8_t a[16], char *buf, size_t len)
{
	if (!inet_ntop(family, a, buf, (socklen_t)len))
		sw_strlcpy(buf, "?", len);
	return buf;
}

static char *mask4(uint8_t plen, char *buf, size_t len)
{
	uint32_t m = plen ? htonl(~0u << (32 - (plen > 32 ? 32 : plen))) : 0;
	uint8_t a[16] = {0};
	memcpy(a, &m, 4);
	return addr(AF_INET, a, buf, len);
}

static int finish(FILE *fp)
{
	if (fflush(fp) || ferror(fp))
		return errno ? -errno : -EIO;
	return 0;
}

int out_routes_text(FILE *fp, const struct sw_netinfo *ni, bool header)
{
	char d[64], g[64], m[64], f[8], mtu[16];
	for (int fam = 0; fam < 2; fam++) {
		uint8_t family = fam ? AF_INET6 : AF_INET;
		bool any = false;
		for (size_t i = 0; i < ni->nroutes; i++)
			any |= ni->routes[i].family == family;
		if (!any && fam)
			continue; /* like netstat -r: the IPv4 table always has its header */
		if (header) {
			if (fam)
				fprintf(fp, "%s%s\n%-42s %-39s %-5s %6s %5s %s\n", fam && ni->nroutes ? "\n" : "",
					_("Kernel IPv6 routing table"), _("Destination"), _("Next Hop"),
					_("Flags"), _("Metric"), _("MTU"), _("Iface"));
			else
				fprintf(fp, "%s\n%-15s %-15s %-15s %-5s %6s %5s %s\n",
					_("Kernel IP routing table"), _("Destination"), _("Gateway"),
					_("Genmask"), _("Flags"), _("Metric"), _("MTU"), _("Iface"));
		}
		for (size_t i = 0; i < ni->nroutes; i++) {
			const struct sw_route *r = &ni->routes[i];
			if (r->family != family)
				continue;
			netinfo_route_flags(r->flags, f, sizeof f);
			if (r->mtu)
				snprintf(mtu, sizeof mtu, "%u", r->mtu);
			else
				sw_strlcpy(mtu, "0", sizeof mtu);
			const char *ifn = r->ifname[0] ? r->ifname : (r->flags & SW_RTF_REJECT ? "-" : "?");
			if (family == AF_INET) {
				fprintf(fp, "%-15s %-15s %-15s %-5s %6u %5s %s\n", addr(AF_INET, r->dst, d, sizeof d),
					r->has_gateway ? addr(AF_INET, r->gateway, g, sizeof g) : "0.0.0.0",
					mask4(r->dst_len, m, sizeof m), f, r->metric, mtu, ifn);
			} else {
				char dp[80];
				snprintf(dp, sizeof dp, "%s/%u", addr(AF_INET6, r->dst, d, sizeof d), r->dst_len);
				fprintf(fp, "%-42s %-39s %-5s %6u %5s %s\n", dp,
					r->has_gateway ? addr(AF_INET6, r->gateway, g, sizeof g) : "::",
					f, r->metric, mtu, ifn);
			}
		}
	}
	return finish(fp);
}

int out_ifaces_text(FILE *fp, const struct sw_netinfo *ni, const struct sw_netinfo *prev,
		    bool header)
{
	if (header) {
		fprintf(fp, "%-15s %6s %12s %6s %6s %6s %12s %6s %6s %6s %-4s %-8s %10s %10s",
			_("Iface"), _("MTU"), _("RX-OK"), _("RX-ERR"), _("RX-DRP"), _("RX-OVR"),
			_("TX-OK"), _("TX-ERR"), _("TX-DRP"), _("TX-OVR"), _("Flg"), _("State"),
			_("RX-Bytes"), _("TX-Bytes"));
		if (prev)
			fprintf(fp, " %10s %10s %8s %8s", _("RX/s"), _("TX/s"), _("RX-pps"), _("TX-pps"));
		fputc('\n', fp);
	}
	for (size_t i = 0; i < ni->nifaces; i++) {
		const struct sw_iface *f = &ni->ifaces[i];
		char fl[12], rb[16], tb[16];
		fprintf(fp, "%-15s %6u %12" PRIu64 " %6" PRIu64 " %6" PRIu64 " %6" PRIu64
			" %12" PRIu64 " %6" PRIu64 " %6" PRIu64 " %6" PRIu64 " %-4s %-8s %10s %10s",
			f->name, f->mtu, f->rx_packets, f->rx_errors, f->rx_dropped, f->rx_over_errors,
			f->tx_packets, f->tx_errors, f->tx_dropped, f->tx_carrier_errors,
			netinfo_iface_flags(f->flags, fl, sizeof fl), netinfo_operstate(f->operstate),
			sw_fmt_bytes((double)f->rx_bytes, rb, sizeof rb),
			sw_fmt_bytes((double)f->tx_bytes, tb, sizeof tb));
		if (prev) {
			struct sw_iface_rate r;
			netinfo_iface_rate(prev, ni, i, &r);
			char rr[24], tr[24];
			if (r.valid)
				fprintf(fp, " %10s %10s %8.0f %8.0f", sw_fmt_rate(r.rx_bps, rr, sizeof rr),
					sw_fmt_rate(r.tx_bps, tr, sizeof tr), r.rx_pps, r.tx_pps);
			else
				fprintf(fp, " %10s %10s %8s %8s", "-", "-", "-", "-");
		}
		fputc('\n', fp);
	}
	return finish(fp);
}

int out_netinfo_json(FILE *fp, const struct sw_netinfo *ni, const struct sw_netinfo *prev,
		     bool routes, bool ifaces)
{
	char b[64];
	fputc('{', fp);
	if (routes) {
		fputs("\"routes\":[", fp);
		for (size_t i = 0; i < ni->nroutes; i++) {
			const struct sw_route *r = &ni->routes[i];
			char fl[8];
			fprintf(fp, "%s{\"family\":\"%s\",\"dst\":\"%s\",\"prefix\":%u", i ? "," : "",
				r->family == AF_INET ? "inet" : "inet6", addr(r->family, r->dst, b, sizeof b),
				r->dst_len);
			fputs(",\"gateway\":", fp);
			if (r->has_gateway)
				fprintf(fp, "\"%s\"", addr(r->family, r->gateway, b, sizeof b));
			else
				fputs("null", fp);
			fputs(",\"prefsrc\":", fp);
			if (r->has_prefsrc)
				fprintf(fp, "\"%s\"", addr(r->family, r->prefsrc, b, sizeof b));
			else
				fputs("null", fp);
			fprintf(fp, ",\"flags\":\"%s\",\"metric\":%u,\"mtu\":%u,\"ifindex\":%u,\"iface\":",
				netinfo_route_flags(r->flags, fl, sizeof fl), r->metric, r->mtu, r->oif);
			if (r->ifname[0])
				out_json_cstr(fp, r->ifname);
			else
				fputs("null", fp);
			fprintf(fp, ",\"type\":%u,\"protocol\":%u,\"table\":%u}", r->type, r->protocol, r->table);
		}
		fputc(']', fp);
	}
	if (ifaces) {
		fprintf(fp, "%s\"interfaces\":[", routes ? "," : "");
		for (size_t i = 0; i < ni->nifaces; i++) {
			const struct sw_iface *f = &ni->ifaces[i];
			char fl[12];
			fprintf(fp, "%s{\"index\":%u,\"name\":", i ? "," : "", f->index);
			out_json_cstr(fp, f->name);
			fprintf(fp, ",\"state\":\"%s\",\"up\":%s,\"flags\":\"%s\",\"mtu\":%u,\"kind\":",
				netinfo_operstate(f->operstate), (f->flags & 1u) ? "true" : "false",
				netinfo_iface_flags(f->flags, fl, sizeof fl), f->mtu);
			out_json_cstr(fp, f->kind);
			fprintf(fp, ",\"rx_bytes\":%" PRIu64 ",\"rx_packets\":%" PRIu64 ",\"rx_errors\":%" PRIu64
				",\"rx_dropped\":%" PRIu64 ",\"tx_bytes\":%" PRIu64 ",\"tx_packets\":%" PRIu64
				",\"tx_errors\":%" PRIu64 ",\"tx_dropped\":%" PRIu64,
				f->rx_bytes, f->rx_packets, f->rx_errors, f->rx_dropped, f->tx_bytes,
				f->tx_packets, f->tx_errors, f->tx_dropped);
			if (prev) {
				struct sw_iface_rate r;
				netinfo_iface_rate(prev, ni, i, &r);
				if (r.valid)
					fprintf(fp, ",\"rx_bps\":%.1f,\"tx_bps\":%.1f,\"rx_pps\":%.1f,\"tx_pps\":%.1f",
						r.rx_bps, r.tx_bps, r.rx_pps, r.tx_pps);
			}
			fputc('}', fp);
		}
		fputc(']', fp);
	}
	fputs("}\n", fp);
	return finish(fp);
}
