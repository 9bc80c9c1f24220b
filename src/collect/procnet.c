/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procnet.c - /proc/net/raw{,6} texts -> RAW connection records (the
 * fallback where the kernel has no raw_diag module).  See procnet.h for
 * the format and the synthetic cookies.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "kstat.h"
#include "procnet.h"

const char *procnet_raw_name(int family)
{
	return family == AF_INET ? "net/raw" : family == AF_INET6 ? "net/raw6" : NULL;
}

/* ------------------------------------------------------------- parsing */

struct cur {
	const char *p, *end;
};

static bool at_blank(const struct cur *c)
{
	return c->p < c->end && (*c->p == ' ' || *c->p == '\t');
}

/* At least one blank (a field separator). */
static bool blanks(struct cur *c)
{
	if (!at_blank(c))
		return false;
	while (at_blank(c))
		c->p++;
	return true;
}

static void opt_blanks(struct cur *c)
{
	while (at_blank(c))
		c->p++;
}

static bool lit(struct cur *c, char ch)
{
	if (c->p >= c->end || *c->p != ch)
		return false;
	c->p++;
	return true;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* mind..maxd hex digits (maxd <= 16). */
static bool hexnum(struct cur *c, unsigned mind, unsigned maxd, uint64_t *v)
{
	uint64_t x = 0;
	unsigned n = 0;
	int d;
	while (c->p < c->end && (d = hexval(*c->p)) >= 0) {
		if (++n > maxd)
			return false;
		x = x << 4 | (unsigned)d;
		c->p++;
	}
	if (n < mind)
		return false;
	*v = x;
	return true;
}

/* A decimal number <= max. */
static bool decnum(struct cur *c, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	unsigned n = 0;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		unsigned d = (unsigned)(*c->p - '0');
		if (x > (max - d) / 10)
			return false;
		x = x * 10 + d;
		c->p++;
		n++;
	}
	if (n == 0)
		return false;
	*v = x;
	return true;
}

/* "ADDR:PORT": ADDR is 8 (IPv4) or 32 (IPv6) hex digits, each group of 8
 * one 32-bit word in host order; PORT hex. */
static bool endpoint(struct cur *c, int family, struct sw_endpoint *ep)
{
	unsigned words = family == AF_INET ? 1 : 4;
	memset(ep->addr, 0, sizeof ep->addr);
	for (unsigned i = 0; i < words; i++) {
		uint64_t w;
		/* exactly 8 digits: the next word follows without a separator */
		const char *start = c->p;
		struct cur sub = {c->p, c->end - c->p > 8 ? c->p + 8 : c->end};
		if (!hexnum(&sub, 8, 8, &w))
			return false;
		c->p = start + 8;
		uint32_t w32 = (uint32_t)w;
		memcpy(ep->addr + 4 * i, &w32, 4);
	}
	uint64_t port;
	if (!lit(c, ':') || !hexnum(c, 1, 4, &port))
		return false;
	ep->port = (uint16_t)port;
	return true;
}

/* One socket line [p, end) (no newline).  false: malformed. */
static bool parse_line(const char *p, const char *end, int family, size_t lineno,
		       struct sw_snapshot *s)
{
	struct cur c = {p, end};
	struct sw_endpoint local, remote;
	uint64_t sl, st, tx, rx, tr, when, retr, uid, timeout, inode;

	opt_blanks(&c);
	if (!decnum(&c, UINT32_MAX, &sl) || !lit(&c, ':') || !blanks(&c))
		return false;
	if (!endpoint(&c, family, &local) || !blanks(&c))
		return false;
	if (!endpoint(&c, family, &remote) || !blanks(&c))
		return false;
	if (!hexnum(&c, 1, 2, &st) || !blanks(&c))
		return false;
	if (!hexnum(&c, 1, 8, &tx) || !lit(&c, ':') || !hexnum(&c, 1, 8, &rx) ||
	    !blanks(&c))
		return false;
	if (!hexnum(&c, 1, 2, &tr) || !lit(&c, ':') || !hexnum(&c, 1, 16, &when) ||
	    !blanks(&c))
		return false;
	if (!hexnum(&c, 1, 8, &retr) || !blanks(&c))
		return false;
	if (!decnum(&c, UINT32_MAX, &uid) || !blanks(&c))
		return false;
	if (!decnum(&c, UINT64_MAX, &timeout) || !blanks(&c))
		return false;
	if (!decnum(&c, UINT32_MAX, &inode))
		return false;
	/* ref, pointer, drops follow; nothing here needs them */
	if (c.p < c.end && !at_blank(&c) && *c.p != '\r')
		return false;
	if (st == SW_ST_UNKNOWN || st >= SW_ST_COUNT)
		return false;

	struct sw_conn *cn = snapshot_add_conn(s);
	cn->family = (uint8_t)family;
	cn->proto = SW_PROTO_RAW;
	cn->state = (uint8_t)st;
	cn->local.port = local.port;
	cn->remote.port = remote.port;
	snapshot_set_addr(s, cn, false, local.addr);
	snapshot_set_addr(s, cn, true, remote.addr);
	/* a raw socket's "port" is its protocol (inet_num) */
	cn->sotype = local.port <= 255 ? (uint8_t)local.port : 0;
	cn->rq = (uint32_t)rx;
	cn->wq = (uint32_t)tx;
	cn->uid = (uint32_t)uid;
	cn->flags |= SW_CF_HAS_UID;
	cn->inode = (uint32_t)inode;
	cn->cookie = inode ? procnet_cookie(family, (uint32_t)inode)
			   : PROCNET_COOKIE_NOINODE | (uint64_t)(uint8_t)family << 32 |
				     (uint32_t)lineno;
	return true;
}

static bool is_header(const char *p, const char *end)
{
	static const char want[] = "local_address";
	size_t n = sizeof want - 1;
	for (; (size_t)(end - p) >= n; p++)
		if (memcmp(p, want, n) == 0)
			return true;
	return false;
}

static bool only_space(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return false;
	return true;
}

int procnet_parse_raw(const char *buf, size_t len, int family,
		      struct sw_snapshot *s, struct procnet_stats *st)
{
	struct procnet_stats dummy;
	if (!st)
		st = &dummy;
	st->added = st->skipped = 0;
	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	const char *p = buf, *end = buf + len;
	for (size_t lineno = 0; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (!nl) {
			/* unterminated: a truncated read, its last field may be cut */
			if (!only_space(p, le))
				st->skipped++;
			break;
		}
		if (only_space(p, le) || (lineno == 0 && is_header(p, le))) {
			/* blank or the column header */
		} else if (parse_line(p, le, family, lineno, s)) {
			st->added++;
		} else {
			st->skipped++;
		}
		p = nl + 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- I/O */

long procnet_read(const char *proc_root, const char *name, char **buf, size_t *cap)
{
	char path[PATH_MAX];
	if (!proc_root)
		proc_root = "/proc";
	/* /proc/net follows the main thread; thread-self the caller's netns */
	snprintf(path, sizeof path, "%s/thread-self/%s", proc_root, name);
	long n = kstat_read_file(path, buf, cap);
	if (n < 0) {
		snprintf(path, sizeof path, "%s/%s", proc_root, name);
		n = kstat_read_file(path, buf, cap);
	}
	return n;
}
