/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "conn.h"
#include "util.h"

static const char *const proto_names[SW_PROTO_COUNT] = {
	[SW_PROTO_TCP] = "tcp",     [SW_PROTO_UDP] = "udp",
	[SW_PROTO_UDPLITE] = "udplite", [SW_PROTO_MPTCP] = "mptcp",
	[SW_PROTO_RAW] = "raw",     [SW_PROTO_SCTP] = "sctp",
	[SW_PROTO_UNIX] = "unix",
};

const char *sw_proto_name(unsigned proto)
{
	return proto < SW_PROTO_COUNT ? proto_names[proto] : "?";
}

int sw_proto_from_name(const char *name)
{
	for (int i = 0; i < SW_PROTO_COUNT; i++)
		if (strcasecmp(name, proto_names[i]) == 0)
			return i;
	if (strcasecmp(name, "udp-lite") == 0)
		return SW_PROTO_UDPLITE;
	return -1;
}

static const char *const ss_names[SW_ST_COUNT] = {
	"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2",
	"TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING",
	"NEW-SYN-RECV", "BOUND-INACTIVE",
};

static const char *const netstat_names[SW_ST_COUNT] = {
	"UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
	"NEW_SYN_RECV", "BOUND_INACTIVE",
};

const char *sw_state_name(unsigned state, unsigned proto)
{
	if (state >= SW_ST_COUNT)
		return "UNKNOWN";
	if (state == SW_ST_CLOSE && (proto == SW_PROTO_TCP || proto == SW_PROTO_MPTCP))
		return "CLOSE";
	return ss_names[state];
}

const char *sw_state_netstat_name(unsigned state)
{
	return state < SW_ST_COUNT ? netstat_names[state] : "UNKNOWN";
}

/* Compare ignoring case and treating '-' and '_' alike, and ignoring them
 * entirely before a trailing digit ("fin-wait-1" == "fin_wait1"). */
static void canon(const char *in, char *out, size_t len)
{
	size_t j = 0;
	for (size_t i = 0; in[i] && j + 1 < len; i++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch == '-' || ch == '_')
			continue;
		out[j++] = (char)tolower(ch);
	}
	out[j] = '\0';
}

int sw_state_from_name(const char *name)
{
	static const struct {
		const char *n;
		int st;
	} alias[] = {
		{"established", SW_ST_ESTABLISHED}, {"estab", SW_ST_ESTABLISHED},
		{"synsent", SW_ST_SYN_SENT},       {"synrecv", SW_ST_SYN_RECV},
		{"synrcvd", SW_ST_SYN_RECV},       {"synrec", SW_ST_SYN_RECV},
		{"finwait1", SW_ST_FIN_WAIT1},     {"finwait2", SW_ST_FIN_WAIT2},
		{"timewait", SW_ST_TIME_WAIT},     {"closed", SW_ST_CLOSE},
		{"close", SW_ST_CLOSE},            {"unconn", SW_ST_CLOSE},
		{"closewait", SW_ST_CLOSE_WAIT},   {"lastack", SW_ST_LAST_ACK},
		{"listen", SW_ST_LISTEN},          {"listening", SW_ST_LISTEN},
		{"closing", SW_ST_CLOSING},        {"newsynrecv", SW_ST_NEW_SYN_RECV},
		{"boundinactive", SW_ST_BOUND_INACTIVE},
	};
	char c[32];
	canon(name, c, sizeof c);
	for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
		if (strcmp(c, alias[i].n) == 0)
			return alias[i].st;
	return -1;
}

const char *sw_timer_name(unsigned timer)
{
	static const char *const n[SW_TIMER_COUNT] = {
		"off", "on", "keepalive", "timewait", "probe", "delack",
	};
	return timer < SW_TIMER_COUNT ? n[timer] : "unknown";
}

bool sw_addr_is_v4mapped(const uint8_t a[16])
{
	static const uint8_t pfx[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	return memcmp(a, pfx, 12) == 0;
}

bool sw_conn_is_v4(const struct sw_conn *c)
{
	if (c->family == AF_INET)
		return true;
	if (c->family != AF_INET6)
		return false;
	/* A v4-mapped socket has a mapped local address, or a mapped remote. */
	return sw_addr_is_v4mapped(sw_laddr(c)) ||
	       (sw_addr_is_v4mapped(sw_raddr(c)) && sw_addr_is_any(AF_INET6, sw_laddr(c)));
}

bool sw_addr_is_any(int family, const uint8_t a[16])
{
	size_t n = family == AF_INET ? 4 : 16;
	for (size_t i = 0; i < n; i++)
		if (a[i])
			return false;
	return true;
}

/* Dotted quad without the printf machinery (glibc's inet_ntop4 uses
 * sprintf): this runs for every row of a 100k-socket table. */
static size_t fmt_v4(const uint8_t a[4], char *buf)
{
	char *p = buf;
	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];
		if (i)
			*p++ = '.';
		if (v >= 100) {
			*p++ = (char)('0' + v / 100);
			v %= 100;
			*p++ = (char)('0' + v / 10);
		} else if (v >= 10) {
			*p++ = (char)('0' + v / 10);
		}
		*p++ = (char)('0' + v % 10);
	}
	*p = '\0';
	return (size_t)(p - buf);
}

char *sw_addr_str(int family, const uint8_t a[16], bool star_any, char *buf,
		  size_t len)
{
	if (star_any && sw_addr_is_any(family, a)) {
		snprintf(buf, len, "*");
		return buf;
	}
	const uint8_t *v4 = family == AF_INET ? a
			    : family == AF_INET6 && sw_addr_is_v4mapped(a) ? a + 12 : NULL;
	if (v4 && len >= 16) {
		fmt_v4(v4, buf);
	} else if (v4) {
		if (!inet_ntop(AF_INET, v4, buf, (socklen_t)len))
			snprintf(buf, len, "?");
	} else if (family == AF_INET6) {
		if (!inet_ntop(family, a, buf, (socklen_t)len))
			snprintf(buf, len, "?");
	} else {
		snprintf(buf, len, "?");
	}
	return buf;
}

/* ":port" (":*" for port 0) at p; returns the end (NUL written). */
static char *put_port(char *p, uint16_t port)
{
	*p++ = ':';
	if (port) {
		char d[8];
		int k = 0;
		unsigned v = port;
		do
			d[k++] = (char)('0' + v % 10);
		while (v /= 10);
		while (k)
			*p++ = d[--k];
	} else {
		*p++ = '*';
	}
	*p = '\0';
	return p;
}

/* The IPv4 address of ep when sw_ep_str writes it as "a.b.c.d:port"
 * (IPv4 or v4-mapped, not the wildcard), else NULL. */
static const uint8_t *ep_dotted(int family, const struct sw_endpoint *ep)
{
	const uint8_t *v4 = family == AF_INET ? ep->addr
			    : family == AF_INET6 && sw_addr_is_v4mapped(ep->addr) ? ep->addr + 12
			    : NULL;
	return v4 && !sw_addr_is_any(family, ep->addr) ? v4 : NULL;
}

size_t sw_ep_fmt(int family, const struct sw_endpoint *ep, char *buf, size_t len)
{
	const uint8_t *v4 = ep_dotted(family, ep);
	if (v4 && len >= 22) {
		/* the common case straight into buf: "a.b.c.d:port" */
		return (size_t)(put_port(buf + fmt_v4(v4, buf), ep->port) - buf);
	}
	char a[INET6_ADDRSTRLEN];
	sw_addr_str(family, ep->addr, true, a, sizeof a);
	bool v6 = family == AF_INET6 && !sw_addr_is_v4mapped(ep->addr) && strcmp(a, "*") != 0;
	size_t n = strlen(a);
	if (!v6 && len >= n + 7) {
		/* "addr:port" by hand (the common case; snprintf is slow) */
		memcpy(buf, a, n);
		return (size_t)(put_port(buf + n, ep->port) - buf);
	}
	if (ep->port)
		return sw_snprintf(buf, len, v6 ? "[%s]:%u" : "%s:%u", a, ep->port);
	return sw_snprintf(buf, len, v6 ? "[%s]:*" : "%s:*", a);
}

char *sw_ep_str(int family, const struct sw_endpoint *ep, char *buf, size_t len)
{
	sw_ep_fmt(family, ep, buf, len);
	return buf;
}

size_t sw_conn_ep_fmt(const struct sw_conn *c, bool remote, char *buf, size_t len)
{
	struct sw_endpoint ep = sw_conn_ep(c, remote);
	return sw_ep_fmt(c->family, &ep, buf, len);
}

char *sw_conn_ep_str(const struct sw_conn *c, bool remote, char *buf, size_t len)
{
	sw_conn_ep_fmt(c, remote, buf, len);
	return buf;
}

size_t sw_local_fmt(const struct sw_conn *c, char *buf, size_t len)
{
	if (!sw_addr_is_any(c->family, sw_laddr(c)) ||
	    (c->family == AF_INET6 && !(c->flags & SW_CF_V6ONLY)))
		return sw_conn_ep_fmt(c, false, buf, len);
	const char *any = c->family == AF_INET ? "0.0.0.0" : "[::]";
	if (c->local.port)
		return sw_snprintf(buf, len, "%s:%u", any, c->local.port);
	return sw_snprintf(buf, len, "%s:*", any);
}

char *sw_local_str(const struct sw_conn *c, char *buf, size_t len)
{
	sw_local_fmt(c, buf, len);
	return buf;
}
