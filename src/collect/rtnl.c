/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtnl.c - see rtnl.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/safefile.h"
#include "core/util.h"
#include "collect.h"
#include "rtnl.h"

/* ---- parsing ------------------------------------------------------------- */

struct attrs {
	const struct nlattr *tb[64];
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *t = data;
	uint16_t type = mnl_attr_get_type(a);
	if (type < 64)
		t->tb[type] = a;
	return MNL_CB_OK;
}

static uint32_t u32_attr(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 4 ? mnl_attr_get_u32(a) : 0;
}

static void copy_addr(uint8_t out[16], const struct nlattr *a, size_t want)
{
	size_t n = mnl_attr_get_payload_len(a);
	if (n > want)
		n = want;
	if (n > 16)
		n = 16;
	memcpy(out, mnl_attr_get_payload(a), n);
}

/* The counters struct rtnl_link_stats and rtnl_link_stats64 share (same
 * names, 32- or 64-bit wide). */
#define COPY_LINK_STATS(f, st) do { \
		(f)->rx_packets = (st).rx_packets; \
		(f)->tx_packets = (st).tx_packets; \
		(f)->rx_bytes = (st).rx_bytes; \
		(f)->tx_bytes = (st).tx_bytes; \
		(f)->rx_errors = (st).rx_errors; \
		(f)->tx_errors = (st).tx_errors; \
		(f)->rx_dropped = (st).rx_dropped; \
		(f)->tx_dropped = (st).tx_dropped; \
		(f)->multicast = (st).multicast; \
		(f)->collisions = (st).collisions; \
	} while (0)

static void parse_stats64(struct sw_iface *f, const struct nlattr *a)
{
	struct rtnl_link_stats64 st;
	memset(&st, 0, sizeof st);
	size_t n = mnl_attr_get_payload_len(a);
	memcpy(&st, mnl_attr_get_payload(a), n < sizeof st ? n : sizeof st);
	COPY_LINK_STATS(f, st);
	f->rx_over_errors = st.rx_over_errors;
	f->rx_fifo_errors = st.rx_fifo_errors;
	f->tx_fifo_errors = st.tx_fifo_errors;
	f->tx_carrier_errors = st.tx_carrier_errors;
	f->have_stats = n >= offsetof(struct rtnl_link_stats64, multicast);
}

static void parse_stats32(struct sw_iface *f, const struct nlattr *a)
{
	struct rtnl_link_stats st;
	memset(&st, 0, sizeof st);
	size_t n = mnl_attr_get_payload_len(a);
	memcpy(&st, mnl_attr_get_payload(a), n < sizeof st ? n : sizeof st);
	COPY_LINK_STATS(f, st);
	f->have_stats = n >= offsetof(struct rtnl_link_stats, multicast);
}

static int kind_cb(const struct nlattr *a, void *data)
{
	struct sw_iface *f = data;
	if (mnl_attr_get_type(a) == IFLA_INFO_KIND && mnl_attr_validate(a, MNL_TYPE_STRING) >= 0) {
		size_t n = mnl_attr_get_payload_len(a);
		if (n >= sizeof f->kind)
			n = sizeof f->kind - 1;
		memcpy(f->kind, mnl_attr_get_payload(a), n);
		f->kind[n] = '\0';
	}
	return MNL_CB_OK;
}

static int parse_link(const struct nlmsghdr *nlh, struct sw_netinfo *ni)
{
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return -EBADMSG;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct attrs t;
	memset(&t, 0, sizeof t);
	if (mnl_attr_parse(nlh, sizeof *ifi, attr_cb, &t) < 0)
		return -EBADMSG;
	struct sw_iface *f = netinfo_add_iface(ni);
	f->index = (uint32_t)ifi->ifi_index;
	f->flags = ifi->ifi_flags;
	if (t.tb[IFLA_IFNAME] && mnl_attr_validate(t.tb[IFLA_IFNAME], MNL_TYPE_STRING) >= 0) {
		size_t n = mnl_attr_get_payload_len(t.tb[IFLA_IFNAME]);
		if (n >= sizeof f->name)
			n = sizeof f->name - 1;
		memcpy(f->name, mnl_attr_get_payload(t.tb[IFLA_IFNAME]), n);
		f->name[n] = '\0';
	}
	f->mtu = u32_attr(t.tb[IFLA_MTU]);
	f->master = u32_attr(t.tb[IFLA_MASTER]);
	if (t.tb[IFLA_OPERSTATE] && mnl_attr_get_payload_len(t.tb[IFLA_OPERSTATE]) >= 1)
		f->operstate = mnl_attr_get_u8(t.tb[IFLA_OPERSTATE]);
	if (t.tb[IFLA_ADDRESS]) {
		size_t n = mnl_attr_get_payload_len(t.tb[IFLA_ADDRESS]);
		if (n > sizeof f->addr)
			n = sizeof f->addr;
		memcpy(f->addr, mnl_attr_get_payload(t.tb[IFLA_ADDRESS]), n);
		f->addr_len = (uint8_t)n;
	}
	if (t.tb[IFLA_STATS64])
		parse_stats64(f, t.tb[IFLA_STATS64]);
	else if (t.tb[IFLA_STATS])
		parse_stats32(f, t.tb[IFLA_STATS]);
	if (t.tb[IFLA_LINKINFO])
		mnl_attr_parse_nested(t.tb[IFLA_LINKINFO], kind_cb, f);
	return 0;
}

static int metrics_cb(const struct nlattr *a, void *data)
{
	struct sw_route *r = data;
	if (mnl_attr_get_type(a) == RTAX_MTU && mnl_attr_get_payload_len(a) >= 4)
		r->mtu = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int parse_route(const struct nlmsghdr *nlh, struct sw_netinfo *ni)
{
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg)))
		return -EBADMSG;
	const struct rtmsg *rm = mnl_nlmsg_get_payload(nlh);
	struct attrs t;
	memset(&t, 0, sizeof t);
	if (mnl_attr_parse(nlh, sizeof *rm, attr_cb, &t) < 0)
		return -EBADMSG;
	uint32_t table = t.tb[RTA_TABLE] ? u32_attr(t.tb[RTA_TABLE]) : rm->rtm_table;
	if (table != RT_TABLE_MAIN || (rm->rtm_flags & RTM_F_CLONED))
		return 0;
	if (rm->rtm_family != AF_INET && rm->rtm_family != AF_INET6)
		return 0;
	switch (rm->rtm_type) {
	case RTN_UNICAST:
	case RTN_UNREACHABLE:
	case RTN_PROHIBIT:
	case RTN_BLACKHOLE:
	case RTN_THROW:
		break;
	default:
		return 0; /* local, broadcast, multicast, anycast: not netstat -r */
	}
	size_t alen = rm->rtm_family == AF_INET ? 4 : 16;
	struct sw_route *r = netinfo_add_route(ni);
	r->family = rm->rtm_family;
	r->dst_len = rm->rtm_dst_len;
	r->type = rm->rtm_type;
	r->protocol = rm->rtm_protocol;
	r->scope = rm->rtm_scope;
	r->table = table;
	if (t.tb[RTA_DST])
		copy_addr(r->dst, t.tb[RTA_DST], alen);
	if (t.tb[RTA_GATEWAY]) {
		copy_addr(r->gateway, t.tb[RTA_GATEWAY], alen);
		r->has_gateway = true;
	}
	if (t.tb[RTA_PREFSRC]) {
		copy_addr(r->prefsrc, t.tb[RTA_PREFSRC], alen);
		r->has_prefsrc = true;
	}
	r->oif = u32_attr(t.tb[RTA_OIF]);
	r->metric = u32_attr(t.tb[RTA_PRIORITY]);
	if (t.tb[RTA_METRICS])
		mnl_attr_parse_nested(t.tb[RTA_METRICS], metrics_cb, r);
	if (t.tb[RTA_MULTIPATH] && !r->oif) {
		/* first next hop of a multipath route */
		const struct nlattr *mp = t.tb[RTA_MULTIPATH];
		size_t n = mnl_attr_get_payload_len(mp);
		const struct rtnexthop *nh = mnl_attr_get_payload(mp);
		if (n >= sizeof *nh && nh->rtnh_len >= sizeof *nh && nh->rtnh_len <= n) {
			r->oif = (uint32_t)nh->rtnh_ifindex;
			size_t off = RTNH_ALIGN(sizeof *nh);
			while (off + sizeof(struct nlattr) <= nh->rtnh_len) {
				const struct nlattr *a = (const struct nlattr *)((const char *)nh + off);
				if (a->nla_len < sizeof *a || off + a->nla_len > nh->rtnh_len)
					break;
				if (mnl_attr_get_type(a) == RTA_GATEWAY) {
					copy_addr(r->gateway, a, alen);
					r->has_gateway = true;
				}
				off += MNL_ALIGN(a->nla_len);
			}
		}
	}
	unsigned fl = 0;
	if (rm->rtm_type == RTN_UNICAST)
		fl |= SW_RTF_UP;
	else
		fl |= SW_RTF_UP | SW_RTF_REJECT;
	if (r->has_gateway)
		fl |= SW_RTF_GATEWAY;
	if (r->dst_len == alen * 8)
		fl |= SW_RTF_HOST;
	if (rm->rtm_protocol == RTPROT_REDIRECT)
		fl |= SW_RTF_DYNAMIC;
	if (rm->rtm_protocol == RTPROT_RA)
		fl |= SW_RTF_ADDRCONF;
	r->flags = fl;
	return 0;
}

/* Instead of mnl_nlmsg_ok(): libmnl 1.0.4 compares nlmsg_len as an int (a
 * length >= 2^31 passes and mnl_nlmsg_next() then jumps far outside the
 * buffer), and its attribute walks run to the aligned end of a message, so
 * that end must be inside the buffer too (found by tests/fuzz/fuzz_rtnl). */
static bool msg_ok(const struct nlmsghdr *nlh, int left)
{
	return left >= (int)sizeof *nlh && nlh->nlmsg_len >= sizeof *nlh &&
	       MNL_ALIGN((size_t)nlh->nlmsg_len) <= (size_t)left;
}

int rtnl_parse(const void *buf, size_t len, struct sw_netinfo *ni)
{
	const struct nlmsghdr *nlh = buf;
	int left = len > INT32_MAX ? INT32_MAX : (int)len;
	while (msg_ok(nlh, left)) {
		int rc = 0;
		switch (nlh->nlmsg_type) {
		case NLMSG_DONE:
			return 0;
		case NLMSG_ERROR: {
			if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
				return -EBADMSG;
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
			if (e->error < 0)
				return e->error;
			return 0; /* an ACK */
		}
		case RTM_NEWLINK:
			rc = parse_link(nlh, ni);
			break;
		case RTM_NEWROUTE:
			rc = parse_route(nlh, ni);
			break;
		default:
			break;
		}
		if (rc < 0)
			return rc;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	if (left != 0)
		return -EBADMSG; /* trailing garbage or a truncated message */
	return 1;
}

/* ---- kernel -------------------------------------------------------------- */

static int dump(struct mnl_socket *nl, uint16_t type, uint8_t family, struct sw_netinfo *ni,
		FILE *record)
{
	static char buf[32768] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	uint32_t seq = (uint32_t)time(NULL) ^ type ^ ((uint32_t)family << 8);
	nlh->nlmsg_seq = seq;
	if (type == RTM_GETLINK) {
		struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
		ifi->ifi_family = family;
	} else {
		struct rtmsg *rm = mnl_nlmsg_put_extra_header(nlh, sizeof *rm);
		rm->rtm_family = family;
		rm->rtm_table = RT_TABLE_MAIN;
	}
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof buf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (record) {
			uint32_t l = (uint32_t)n;
			fwrite(&l, sizeof l, 1, record);
			fwrite(buf, 1, (size_t)n, record);
		}
		int rc = rtnl_parse(buf, (size_t)n, ni);
		if (rc <= 0)
			return rc;
	}
}

static int enter_netns(const char *netns, int *saved)
{
	char path[4096];
	*saved = -1;
	if (!netns)
		return 0;
	int fd = collect_netns_open(netns, path, sizeof path);
	if (fd < 0)
		return fd;
	*saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0 || setns(fd, CLONE_NEWNET) < 0) {
		int e = errno;
		close(fd);
		if (*saved >= 0)
			close(*saved);
		*saved = -1;
		return -e;
	}
	close(fd);
	return 0;
}

int rtnl_collect(struct sw_netinfo *ni, unsigned what, const char *netns, FILE *record,
		 char *err, size_t errlen)
{
	netinfo_clear(ni);
	ni->mono_ns = sw_mono_ns();
	int saved;
	int rc = enter_netns(netns, &saved);
	if (rc) {
		snprintf(err, errlen, _("cannot enter network namespace %s: %s"), netns,
			 rc == -EINVAL ? _("not a network namespace") : sw_file_strerror(-rc));
		return rc;
	}
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	if (saved >= 0) {
		if (setns(saved, CLONE_NEWNET) < 0 && !rc)
			rc = -errno;
		close(saved);
	}
	if (!nl) {
		rc = -errno;
		snprintf(err, errlen, _("cannot open a rtnetlink socket: %s"), strerror(-rc));
		return rc;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		snprintf(err, errlen, _("cannot bind a rtnetlink socket: %s"), strerror(-rc));
		mnl_socket_close(nl);
		return rc;
	}
	/* links always: routes need their names */
	rc = dump(nl, RTM_GETLINK, AF_UNSPEC, ni, record);
	if (!rc && (what & RTNL_ROUTES))
		rc = dump(nl, RTM_GETROUTE, AF_INET, ni, record);
	if (!rc && (what & RTNL_ROUTES)) {
		rc = dump(nl, RTM_GETROUTE, AF_INET6, ni, record);
		if (rc == -EAFNOSUPPORT)
			rc = 0; /* no IPv6 in this kernel */
	}
	mnl_socket_close(nl);
	if (rc) {
		snprintf(err, errlen, _("rtnetlink dump failed: %s"), strerror(-rc));
		return rc;
	}
	netinfo_finish(ni);
	return 0;
}

int rtnl_replay(const char *path, struct sw_netinfo *ni, char *err, size_t errlen)
{
	int fd = sw_open_regular(path, O_RDONLY, 0);
	FILE *fp = fd >= 0 ? fdopen(fd, "rb") : NULL;
	if (!fp) {
		int e = fd < 0 ? -fd : errno;
		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, _("cannot read %s: %s"), path, sw_file_strerror(e));
		return -e;
	}
	netinfo_clear(ni);
	ni->mono_ns = sw_mono_ns();
	uint32_t len;
	int rc = 0;
	char *buf = NULL;
	while (fread(&len, sizeof len, 1, fp) == 1) {
		if (len > (1u << 24)) {
			rc = -EBADMSG;
			break;
		}
		buf = xrealloc(buf, len ? len : 1);
		if (fread(buf, 1, len, fp) != len) {
			rc = -EBADMSG;
			break;
		}
		int r = rtnl_parse(buf, len, ni);
		if (r < 0) {
			rc = r;
			break;
		}
	}
	free(buf);
	fclose(fp);
	if (rc) {
		snprintf(err, errlen, _("%s: not a valid rtnetlink recording (%s)"), path, strerror(-rc));
		return rc;
	}
	netinfo_finish(ni);
	return 0;
}
