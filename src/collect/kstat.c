/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kstat.c - sysctls and kernel counters of one network namespace.
 *
 * Every source is a small text file under the proc root; a declarative
 * table names it and says how its text is applied to struct sw_kstat.
 * Reading and parsing are separate so recordings can save the texts and
 * replays (and tests) apply them without touching /proc.
 *
 * The netns: /proc/sys/net/... follows the netns of the thread that opens
 * the file; /proc/net is a link to /proc/self/net, which follows the
 * process's *main* thread, so /proc/thread-self/net is preferred (a
 * collector enters another netns in a helper thread).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "kstat.h"

enum src_kind { K_INT, K_RANGE, K_STRING, K_COUNTERS, K_SNMP6, K_SOCKSTAT };

static const struct ksrc {
	const char *name;  /* path relative to the proc root */
	enum src_kind kind;
	size_t off;        /* offset of the int / string in sw_kstat */
	bool optional;     /* absence is normal (not "partial") */
} ksrcs[] = {
	{"sys/net/ipv4/ip_local_port_range", K_RANGE, 0, false},
	{"sys/net/ipv4/ip_local_reserved_ports", K_STRING,
	 offsetof(struct sw_kstat, reserved_ports), false},
	{"sys/net/ipv4/tcp_tw_reuse", K_INT, offsetof(struct sw_kstat, tcp_tw_reuse), false},
	{"sys/net/ipv4/tcp_fin_timeout", K_INT, offsetof(struct sw_kstat, tcp_fin_timeout), false},
	{"sys/net/ipv4/tcp_max_tw_buckets", K_INT,
	 offsetof(struct sw_kstat, tcp_max_tw_buckets), false},
	{"sys/net/ipv4/tcp_max_syn_backlog", K_INT,
	 offsetof(struct sw_kstat, tcp_max_syn_backlog), false},
	{"sys/net/core/somaxconn", K_INT, offsetof(struct sw_kstat, somaxconn), false},
	{"sys/net/ipv4/tcp_syncookies", K_INT, offsetof(struct sw_kstat, tcp_syncookies), false},
	{"sys/net/ipv4/tcp_tw_recycle", K_INT, offsetof(struct sw_kstat, tcp_tw_recycle), true},
	{"sys/net/ipv4/tcp_timestamps", K_INT, offsetof(struct sw_kstat, tcp_timestamps), true},
	{"sys/net/ipv4/tcp_tw_reuse_delay", K_INT,
	 offsetof(struct sw_kstat, tcp_tw_reuse_delay), true},
	/* not a file: "1" when thread-self/ns/net is /proc/1/ns/net (kstat_read_texts) */
	{"ns/net-is-init", K_INT, offsetof(struct sw_kstat, netns_init), true},
	{"net/netstat", K_COUNTERS, 0, false},
	{"net/snmp", K_COUNTERS, 0, false},
	/* IPv6's UDP counters (net/snmp's Udp line is IPv4 only); absent
	 * without IPv6 */
	{"net/snmp6", K_SNMP6, 0, true},
	{"net/sockstat", K_SOCKSTAT, 0, false},
};

void kstat_init(struct sw_kstat *k)
{
	k->port_lo = k->port_hi = -1;
	k->tcp_tw_reuse = k->tcp_fin_timeout = k->tcp_max_tw_buckets = -1;
	k->tcp_max_syn_backlog = k->somaxconn = k->tcp_syncookies = -1;
	k->tcp_tw_recycle = k->tcp_timestamps = k->tcp_tw_reuse_delay = -1;
	k->netns_init = -1;
	k->reserved_ports[0] = '\0';
	k->sockstat_tw = k->sockstat_orphan = k->sockstat_inuse = -1;
	k->sockstat_mem_pages = -1;
	k->ncounters = 0;
}

/* A number (int range) with optional leading/trailing blanks; advances *p. */
static bool parse_int(const char **p, const char *end, long long lo,
		      long long hi, long long *out)
{
	const char *s = *p;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	bool neg = false;
	if (s < end && *s == '-') {
		neg = true;
		s++;
	}
	if (s >= end || *s < '0' || *s > '9')
		return false;
	unsigned long long v = 0;
	while (s < end && *s >= '0' && *s <= '9') {
		unsigned d = (unsigned)(*s - '0');
		if (v > (ULLONG_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		s++;
	}
	long long r;
	if (neg) {
		if (v > (unsigned long long)LLONG_MAX + 1)
			return false;
		r = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
	} else {
		if (v > (unsigned long long)LLONG_MAX)
			return false;
		r = (long long)v;
	}
	if (r < lo || r > hi)
		return false;
	*out = r;
	*p = s;
	return true;
}

static bool only_blanks(const char *s, const char *end)
{
	for (; s < end; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

static int apply_int(int *dst, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	long long v;
	if (!parse_int(&p, end, INT_MIN, INT_MAX, &v) || !only_blanks(p, end))
		return -EINVAL;
	*dst = (int)v;
	return 0;
}

static int apply_range(struct sw_kstat *k, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	long long lo, hi;
	if (!parse_int(&p, end, 0, 65535, &lo) || !parse_int(&p, end, 0, 65535, &hi) ||
	    !only_blanks(p, end))
		return -EINVAL;
	k->port_lo = (int)lo;
	k->port_hi = (int)hi;
	return 0;
}

static int apply_string(char *dst, size_t size, const char *text, size_t len)
{
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' ' ||
		       text[len - 1] == '\t' || text[len - 1] == '\r'))
		len--;
	if (memchr(text, '\0', len))
		return -EINVAL;
	if (len >= size)
		len = size - 1;
	memcpy(dst, text, len);
	dst[len] = '\0';
	return 0;
}

/* One line [s, eol) of buf; returns false at the end. */
static bool next_line(const char **pos, const char *end, const char **ls,
		      const char **le)
{
	if (*pos >= end)
		return false;
	*ls = *pos;
	const char *nl = memchr(*pos, '\n', (size_t)(end - *pos));
	*le = nl ? nl : end;
	*pos = nl ? nl + 1 : end;
	return true;
}

/* "Group:" prefix of a line; returns the length of Group or 0. */
static size_t group_of(const char *ls, const char *le)
{
	const char *c = memchr(ls, ':', (size_t)(le - ls));
	if (!c || c == ls)
		return 0;
	for (const char *q = ls; q < c; q++)
		if (*q == ' ' || *q == '\t' || *q == '\0')
			return 0;
	return (size_t)(c - ls);
}

static const char *next_word(const char *p, const char *end, const char **we)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	if (p >= end)
		return NULL;
	const char *q = p;
	while (q < end && *q != ' ' && *q != '\t' && *q != '\r')
		q++;
	*we = q;
	return p;
}

int kstat_parse_counters(const char *buf, size_t len, struct sw_kstat *k)
{
	const char *pos = buf, *end = buf + len;
	const char *hs, *he, *vs, *ve;
	size_t start = k->ncounters;
	int added = 0;

	if (memchr(buf, '\0', len))
		goto bad;
	while (next_line(&pos, end, &hs, &he)) {
		if (hs == he) /* blank line */
			continue;
		if (!next_line(&pos, end, &vs, &ve))
			goto bad;
		size_t gl = group_of(hs, he);
		if (!gl || group_of(vs, ve) != gl || memcmp(hs, vs, gl) != 0)
			goto bad;
		const char *np = hs + gl + 1, *vp = vs + gl + 1, *nwe, *vwe;
		const char *nw, *vw;
		for (;;) {
			nw = next_word(np, he, &nwe);
			vw = next_word(vp, ve, &vwe);
			if (!nw && !vw)
				break;
			if (!nw || !vw)
				goto bad; /* names and values do not pair up */
			long long v;
			const char *q = vw;
			if (!parse_int(&q, vwe, LLONG_MIN, LLONG_MAX, &v) || q != vwe)
				goto bad;
			size_t nl = (size_t)(nwe - nw);
			np = nwe;
			vp = vwe;
			struct sw_counter *c;
			if (gl >= sizeof c->group || nl >= sizeof c->name)
				continue; /* cannot be stored exactly: skip */
			if (k->ncounters >= SW_KSTAT_MAX_COUNTERS)
				continue;
			c = &k->counters[k->ncounters++];
			memcpy(c->group, hs, gl);
			c->group[gl] = '\0';
			memcpy(c->name, nw, nl);
			c->name[nl] = '\0';
			c->value = (uint64_t)v; /* Tcp MaxConn -1 -> UINT64_MAX */
			added++;
		}
	}
	return added;
bad:
	k->ncounters = start;
	return -1;
}

int kstat_parse_snmp6(const char *buf, size_t len, struct sw_kstat *k)
{
	static const char prefix[] = "Udp6";
	const size_t pl = sizeof prefix - 1;
	const char *pos = buf, *end = buf + len, *ls, *le;
	size_t start = k->ncounters;
	int added = 0;

	if (memchr(buf, '\0', len))
		return -1;
	while (next_line(&pos, end, &ls, &le)) {
		const char *nwe, *vwe, *nw = next_word(ls, le, &nwe);
		if (!nw)
			continue; /* blank line */
		const char *vw = next_word(nwe, le, &vwe);
		long long v;
		const char *q = vw;
		if (!vw || !parse_int(&q, vwe, LLONG_MIN, LLONG_MAX, &v) || q != vwe ||
		    next_word(vwe, le, &q))
			goto bad;
		size_t nl = (size_t)(nwe - nw);
		struct sw_counter *c;
		if (nl <= pl || memcmp(nw, prefix, pl) != 0 || nl - pl >= sizeof c->name ||
		    k->ncounters >= SW_KSTAT_MAX_COUNTERS)
			continue; /* only Udp6*: the rest is not exported */
		c = &k->counters[k->ncounters++];
		memcpy(c->group, prefix, pl + 1);
		memcpy(c->name, nw + pl, nl - pl);
		c->name[nl - pl] = '\0';
		c->value = (uint64_t)v;
		added++;
	}
	return added;
bad:
	k->ncounters = start;
	return -1;
}

int kstat_parse_sockstat(const char *buf, size_t len, struct sw_kstat *k)
{
	const char *pos = buf, *end = buf + len, *ls, *le;
	bool tcp = false;
	int inuse = -1, orphan = -1, tw = -1, mem = -1;

	if (memchr(buf, '\0', len))
		return -1;
	while (next_line(&pos, end, &ls, &le)) {
		size_t gl = group_of(ls, le);
		if (gl != 3 || memcmp(ls, "TCP", 3) != 0)
			continue;
		const char *p = ls + 4, *we, *w;
		while ((w = next_word(p, le, &we))) {
			const char *vwe, *vw = next_word(we, le, &vwe);
			long long v;
			const char *q = vw;
			if (!vw || !parse_int(&q, vwe, 0, INT_MAX, &v) || q != vwe)
				return -1;
			size_t wl = (size_t)(we - w);
#define KEY(s) (wl == sizeof(s) - 1 && memcmp(w, s, wl) == 0)
			if (KEY("inuse"))
				inuse = (int)v;
			else if (KEY("orphan"))
				orphan = (int)v;
			else if (KEY("tw"))
				tw = (int)v;
			else if (KEY("mem"))
				mem = (int)v;
#undef KEY
			p = vwe;
		}
		tcp = true;
	}
	if (!tcp || inuse < 0)
		return -1;
	k->sockstat_inuse = inuse;
	k->sockstat_orphan = orphan;
	k->sockstat_tw = tw;
	k->sockstat_mem_pages = mem;
	return 0;
}

static const struct ksrc *find_src(const char *name)
{
	for (size_t i = 0; i < sizeof ksrcs / sizeof ksrcs[0]; i++)
		if (strcmp(ksrcs[i].name, name) == 0)
			return &ksrcs[i];
	return NULL;
}

int kstat_apply(struct sw_kstat *k, const char *name, const char *text, size_t len)
{
	const struct ksrc *s = find_src(name);
	if (!s)
		return -ENOENT;
	switch (s->kind) {
	case K_INT:
		return apply_int((int *)((char *)k + s->off), text, len);
	case K_RANGE:
		return apply_range(k, text, len);
	case K_STRING:
		return apply_string((char *)k + s->off, sizeof k->reserved_ports, text, len);
	case K_COUNTERS:
		return kstat_parse_counters(text, len, k) < 0 ? -EINVAL : 0;
	case K_SNMP6:
		return kstat_parse_snmp6(text, len, k) < 0 ? -EINVAL : 0;
	case K_SOCKSTAT:
		return kstat_parse_sockstat(text, len, k) < 0 ? -EINVAL : 0;
	}
	return -EINVAL;
}

ssize_t kstat_read_file(const char *path, char **buf, size_t *cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	for (;;) {
		if (len + 4096 > *cap)
			*buf = xgrow(*buf, cap, len + 4096, 1);
		ssize_t n = read(fd, *buf + len, *cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return (ssize_t)len;
}

/* "1" / "0" into out when the calling thread's netns is / is not the one
 * of pid 1 (the initial netns, whose counters run since boot).  When pid
 * 1's link cannot be read (not root, a container), a thread in another
 * netns than its process's (sockwatch -N) is taken as "0".  false when
 * nothing can be told (a fake proc tree). */
static bool netns_is_init(const char *proc_root, char out[2])
{
	char a[PATH_MAX], b[PATH_MAX];
	struct stat sa, sb;
	snprintf(a, sizeof a, "%s/thread-self/ns/net", proc_root);
	snprintf(b, sizeof b, "%s/1/ns/net", proc_root);
	if (stat(a, &sa) < 0)
		return false;
	bool init = stat(b, &sb) == 0;
	if (!init) {
		snprintf(b, sizeof b, "%s/self/ns/net", proc_root);
		if (stat(b, &sb) < 0 || (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino))
			return false;
	}
	out[0] = init && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino ? '1' : '0';
	out[1] = '\0';
	return true;
}

int kstat_read_texts(const char *proc_root, struct sw_kstat *k,
		     kstat_text_fn fn, void *arg)
{
	char path[PATH_MAX];
	char *buf = NULL;
	size_t cap = 0;
	int missing = 0;

	if (!proc_root)
		proc_root = "/proc";
	kstat_init(k);
	for (size_t i = 0; i < sizeof ksrcs / sizeof ksrcs[0]; i++) {
		const struct ksrc *s = &ksrcs[i];
		ssize_t n = -ENOENT;
		if (strncmp(s->name, "ns/", 3) == 0) {
			char v[2];
			if (netns_is_init(proc_root, v)) {
				if (fn)
					fn(arg, s->name, v, 1);
				kstat_apply(k, s->name, v, 1);
			}
			continue;
		}
		if (strncmp(s->name, "net/", 4) == 0) {
			/* this thread's netns first (see the top of the file) */
			snprintf(path, sizeof path, "%s/thread-self/%s", proc_root, s->name);
			n = kstat_read_file(path, &buf, &cap);
		}
		if (n < 0) {
			snprintf(path, sizeof path, "%s/%s", proc_root, s->name);
			n = kstat_read_file(path, &buf, &cap);
		}
		if (n < 0) {
			if (!s->optional)
				missing++;
			continue;
		}
		if (fn)
			fn(arg, s->name, buf, (size_t)n);
		if (kstat_apply(k, s->name, buf, (size_t)n) < 0)
			missing++;
	}
	free(buf);
	return missing;
}

int kstat_read(const char *proc_root, struct sw_kstat *k)
{
	return kstat_read_texts(proc_root, k, NULL, NULL);
}
