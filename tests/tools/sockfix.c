/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockfix.c - sockets in known states for sockwatch's integration tests.
 *
 * Run inside a throwaway network namespace.  Each scenario on the command
 * line runs in a child process forked for it (so the owning pids are known);
 * the child creates its sockets, reports them to the parent and then holds
 * them.  When every scenario is set up, the parent prints one JSON line per
 * socket and a final {"ready":true,...} line on stdout, then waits until
 * SIGTERM/SIGINT/SIGHUP, stdin EOF (-i) or the hold timeout (-T), and kills
 * its children (which also die if the parent dies: PR_SET_PDEATHSIG).
 *
 *   sockfix [-t SETUP_SEC] [-T HOLD_SEC] [-d DIR] [-i] SCENARIO[,key=val...]...
 *
 * Scenarios (keys in brackets, defaults after '='):
 *   listen        TCP listener with n unaccepted connections   [addr port n=0 backlog=128 src]
 *   estab         n established pairs (estab4, estab6)         [addr port n=1 listen=0 src]
 *   v4mapped      IPv4 client -> dual-stack [::] listener      [addr=127.0.0.1 port n=1 listen=1]
 *   timewait      n pairs, client closes first -> TIME-WAIT    [addr port n=1 src]
 *   closewait     client shutdown(SHUT_WR): CLOSE-WAIT+FIN-WAIT-2 [addr port n=1 listen=0 src]
 *   keepalive     pair, client SO_KEEPALIVE + TCP_KEEPIDLE 600 [addr port n=1 listen=0 src]
 *   tcpbound      n TCP sockets bound, never listening or connecting (the
 *                 kernel's BOUND_INACTIVE; reported as CLOSE) [addr port n=1]
 *   udp           n bound, unconnected UDP sockets (udp4, udp6) [addr port n=1]
 *   udpconn       bound server + connected client (udpconn4/6) [addr port n=1]
 *   raw           socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) (raw6: ICMPv6) [addr n=1]
 *   unix          stream listener with a path, n accepted pairs, pending unaccepted [path n=1 pending=0 backlog]
 *   unix-abstract the same with an abstract name               [name n=1 pending=0]
 *   unix-seqpacket the same with SOCK_SEQPACKET                [path n=1 pending=0]
 *   socketpair    n unix socketpairs                           [type=stream|dgram|seqpacket n=1]
 *   unix-dgram    bound dgram socket + a client connected to it [path n=1]
 *   shared        one listener held by `workers` forked workers (pre-fork server) [addr port workers=3]
 *   many          n established pairs, spread over processes of <=4000 pairs [addr port n=100 src]
 *   synrecv       listener + n non-blocking connects; the test drops the final ACK
 *                 with nftables, so the server side stays SYN-RECV  [addr port n=1 src]
 *   overflow      listen(backlog=0) + n non-blocking connects      [addr port n=3 backlog=0 src]
 *   synsent       n non-blocking connects to addr:port (drop rule by the test) [addr=127.0.0.2 port n=1 src]
 *   connect       the same with addr=127.0.0.1 (e.g. more half-open clients for a synrecv listener)
 * Common keys: comm=NAME (process name, default sf-<scenario>).
 *
 * Record fields: scenario, proto (tcp udp raw u_str u_dgr u_seq), state (ss
 * spelling), local, remote ("a.b.c.d:port", "[v6]:port", "*" for any address
 * or port 0, v4-mapped shown as IPv4; unix: the name, "@abstract" or "*"),
 * pids (owners; [] for sockets without a file: TIME-WAIT, SYN-RECV, not yet
 * accepted), inode (0 without a file), role, and where it applies: fd,
 * peer_inode (unix), queue (listener: pending connections), backlog, timer.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SCEN 64
#define MAX_WORKERS 64
#define CHUNK_PAIRS 4000
#define WAIT_MS 3000 /* per step: a connect, an accept, a state change */

struct scen {
	const char *kind;
	int idx;
	int n, pending, port, backlog, listen_keep, workers;
	int stype; /* socketpair type */
	char addr[64];
	char src[64];
	char path[100];
	char comm[16];
};

struct outbuf {
	char *p;
	size_t len, cap;
};

static const char *prog = "sockfix";
static char g_dir[256];
static int g_setup_s = 20;
static int g_outfd = -1; /* the report pipe of this process (children) */
static pid_t g_pid_main;

/* ---- small utilities ---------------------------------------------------- */

static void die_errno(const char *what)
{
	fprintf(stderr, "%s[%d]: %s: %s\n", prog, (int)getpid(), what, strerror(errno));
	_exit(1);
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s[%d]: ", prog, (int)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	_exit(1);
}

static void ob_add(struct outbuf *ob, const char *s, size_t n)
{
	if (ob->len + n + 1 > ob->cap) {
		size_t cap = ob->cap ? ob->cap : 4096;
		char *np;

		while (ob->len + n + 1 > cap)
			cap *= 2;
		np = realloc(ob->p, cap);
		if (!np)
			die("out of memory");
		ob->p = np;
		ob->cap = cap;
	}
	memcpy(ob->p + ob->len, s, n);
	ob->len += n;
	ob->p[ob->len] = '\0';
}

static void ob_printf(struct outbuf *ob, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ob_printf(struct outbuf *ob, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		die("vsnprintf failed");
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	ob_add(ob, tmp, (size_t)n);
}

/* JSON string with escapes; bytes >= 0x80 and controls as \u00XX. */
static void ob_jstr(struct outbuf *ob, const char *s, size_t n)
{
	ob_add(ob, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };

			ob_add(ob, e, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			ob_printf(ob, "\\u%04x", c);
		} else {
			ob_add(ob, (const char *)&c, 1);
		}
	}
	ob_add(ob, "\"", 1);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* poll one fd for `ev` for at most ms; returns revents or 0 on timeout. */
static int wait_fd(int fd, short ev, int ms)
{
	struct pollfd p = { .fd = fd, .events = ev };
	long long end = now_ms() + ms;

	for (;;) {
		long long left = end - now_ms();
		int r;

		if (left < 0)
			left = 0;
		r = poll(&p, 1, (int)left);
		if (r > 0)
			return p.revents;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			die_errno("poll");
	}
}

/* ---- addresses ---------------------------------------------------------- */

static socklen_t addr_parse(const char *s, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(s, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, s, &a->sin6_addr) != 1)
			die("bad IPv6 address '%s'", s);
		return sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, s, &a->sin_addr) != 1)
			die("bad IPv4 address '%s'", s);
		return sizeof(*a);
	}
}

static int addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

/* Canonical "addr:port": any address or port 0 -> "*", v6 in brackets,
 * v4-mapped v6 as IPv4.  `portstr` overrides the port (raw: protocol). */
static void addr_fmt(const struct sockaddr_storage *ss, bool have, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN + 2] = "*";
	char p[16] = "*";
	int port = 0;

	if (!have) {
		snprintf(buf, len, "*:*");
		return;
	}
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		if (s4->sin_addr.s_addr != htonl(INADDR_ANY))
			inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		port = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		char t[INET6_ADDRSTRLEN];

		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], a, sizeof(a));
		} else if (!IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr)) {
			inet_ntop(AF_INET6, &s6->sin6_addr, t, sizeof(t));
			snprintf(a, sizeof(a), "[%s]", t);
		}
		port = ntohs(s6->sin6_port);
	}
	if (port)
		snprintf(p, sizeof(p), "%d", port);
	snprintf(buf, len, "%s:%s", a, p);
}

/* ---- records ------------------------------------------------------------ */

struct rec {
	const char *scen;
	const char *proto;
	const char *state;
	const char *local;
	const char *remote;
	size_t local_len;      /* unix names may hold NULs; 0 = strlen */
	const pid_t *pids;
	int npids;
	unsigned long inode;
	unsigned long peer_inode;
	int fd;                /* -1 none */
	const char *role;
	int queue, backlog;    /* -1: not applicable */
	const char *timer;     /* NULL: not stated */
};

static void rec_emit(struct outbuf *ob, const struct rec *r)
{
	ob_printf(ob, "{\"scenario\":\"%s\",\"proto\":\"%s\",\"state\":\"%s\",\"local\":",
		  r->scen, r->proto, r->state);
	ob_jstr(ob, r->local, r->local_len ? r->local_len : strlen(r->local));
	ob_add(ob, ",\"remote\":", 10);
	ob_jstr(ob, r->remote, strlen(r->remote));
	ob_add(ob, ",\"pids\":[", 9);
	for (int i = 0; i < r->npids; i++)
		ob_printf(ob, "%s%d", i ? "," : "", (int)r->pids[i]);
	ob_printf(ob, "],\"inode\":%lu,\"role\":\"%s\"", r->inode, r->role);
	if (r->fd >= 0)
		ob_printf(ob, ",\"fd\":%d", r->fd);
	if (strncmp(r->proto, "u_", 2) == 0)
		ob_printf(ob, ",\"peer_inode\":%lu", r->peer_inode);
	if (r->queue >= 0)
		ob_printf(ob, ",\"queue\":%d", r->queue);
	if (r->backlog >= 0)
		ob_printf(ob, ",\"backlog\":%d", r->backlog);
	if (r->timer)
		ob_printf(ob, ",\"timer\":\"%s\"", r->timer);
	ob_add(ob, "}\n", 2);
}

static unsigned long fd_inode(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		die_errno("fstat");
	return (unsigned long)st.st_ino;
}

static const char *const tcp_state_names[] = {
	[0] = "UNKNOWN", [1] = "ESTAB", [2] = "SYN-SENT", [3] = "SYN-RECV",
	[4] = "FIN-WAIT-1", [5] = "FIN-WAIT-2", [6] = "TIME-WAIT", [7] = "UNCONN",
	[8] = "CLOSE-WAIT", [9] = "LAST-ACK", [10] = "LISTEN", [11] = "CLOSING",
};

static int tcp_state(int fd, struct tcp_info *ti_out)
{
	struct tcp_info ti;
	socklen_t l = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &l) < 0)
		die_errno("getsockopt(TCP_INFO)");
	if (ti_out)
		*ti_out = ti;
	return ti.tcpi_state;
}

static const char *tcp_state_name(int st)
{
	if (st < 0 || st > 11)
		return "UNKNOWN";
	return tcp_state_names[st];
}

/* Wait (bounded) until a TCP fd reaches `want`; returns the state seen. */
static int tcp_wait_state(int fd, int want)
{
	long long end = now_ms() + WAIT_MS;
	int st;

	while ((st = tcp_state(fd, NULL)) != want && now_ms() < end)
		sleep_ms(5);
	return st;
}

/* Record an inet socket we hold by its fd.  `peer_hint`: the address a
 * connect is still going to (getpeername fails until it completes). */
static void rec_inet_fd_peer(struct outbuf *ob, const struct scen *sc, int fd, const char *role,
			     const pid_t *pids, int npids, const char *timer,
			     const struct sockaddr_storage *peer_hint)
{
	struct sockaddr_storage l, r;
	socklen_t ll = sizeof(l), rl = sizeof(r);
	char ls[96], rs[96];
	int type = 0, proto = 0;
	socklen_t ol = sizeof(int);
	bool have_peer, connected;
	pid_t me = getpid();
	struct rec rc = { .scen = sc->kind, .fd = fd, .role = role, .queue = -1,
			  .backlog = -1, .timer = timer };

	if (getsockname(fd, (struct sockaddr *)&l, &ll) < 0)
		die_errno("getsockname");
	have_peer = connected = getpeername(fd, (struct sockaddr *)&r, &rl) == 0;
	if (!have_peer && peer_hint) {
		r = *peer_hint;
		have_peer = true;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ol) < 0)
		die_errno("getsockopt(SO_TYPE)");
	ol = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &ol) < 0)
		die_errno("getsockopt(SO_PROTOCOL)");
	addr_fmt(&l, true, ls, sizeof(ls));
	addr_fmt(&r, have_peer, rs, sizeof(rs));
	rc.local = ls;
	rc.remote = rs;
	rc.inode = fd_inode(fd);
	rc.pids = pids ? pids : &me;
	rc.npids = pids ? npids : 1;
	if (type == SOCK_STREAM) {
		struct tcp_info ti;
		int st = tcp_state(fd, &ti);

		rc.proto = "tcp";
		rc.state = tcp_state_name(st);
		if (st == 10) { /* LISTEN: unacked = accept queue, sacked = backlog */
			rc.queue = (int)ti.tcpi_unacked;
			rc.backlog = (int)ti.tcpi_sacked;
		}
	} else if (type == SOCK_DGRAM) {
		rc.proto = "udp";
		rc.state = connected ? "ESTAB" : "UNCONN";
	} else {
		char ps[16];

		/* ss shows a raw socket's protocol number as its port */
		rc.proto = "raw";
		rc.state = "UNCONN";
		snprintf(ps, sizeof(ps), "%d", proto);
		snprintf(strrchr(ls, ':') + 1, sizeof(ls) - (size_t)(strrchr(ls, ':') + 1 - ls), "%s", ps);
	}
	rec_emit(ob, &rc);
}

static void rec_inet_fd(struct outbuf *ob, const struct scen *sc, int fd, const char *role,
			const pid_t *pids, int npids, const char *timer)
{
	rec_inet_fd_peer(ob, sc, fd, role, pids, npids, timer, NULL);
}

/* Record a TCP socket that has no file (TIME-WAIT, SYN-RECV, unaccepted). */
static void rec_nofd(struct outbuf *ob, const struct scen *sc, const char *state,
		     const char *local, const char *remote, const char *role, const char *timer)
{
	struct rec rc = { .scen = sc->kind, .proto = "tcp", .state = state, .local = local,
			  .remote = remote, .fd = -1, .role = role, .queue = -1,
			  .backlog = -1, .timer = timer };

	rec_emit(ob, &rc);
}

static void rec_unix_fd(struct outbuf *ob, const struct scen *sc, int fd, const char *state,
			unsigned long peer, const char *role, int queue)
{
	struct sockaddr_un a;
	socklen_t al = sizeof(a);
	int type = 0;
	socklen_t ol = sizeof(type);
	char name[sizeof(a.sun_path) + 2];
	size_t nlen;
	pid_t me = getpid();
	struct rec rc = { .scen = sc->kind, .state = state, .remote = "*", .fd = fd,
			  .role = role, .queue = queue, .backlog = -1, .pids = &me, .npids = 1,
			  .peer_inode = peer };

	memset(&a, 0, sizeof(a));
	if (getsockname(fd, (struct sockaddr *)&a, &al) < 0)
		die_errno("getsockname(unix)");
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ol) < 0)
		die_errno("getsockopt(SO_TYPE)");
	nlen = al > offsetof(struct sockaddr_un, sun_path) ? al - offsetof(struct sockaddr_un, sun_path) : 0;
	if (nlen == 0) {
		strcpy(name, "*");
		nlen = 1;
	} else if (a.sun_path[0] == '\0') {
		name[0] = '@';
		memcpy(name + 1, a.sun_path + 1, nlen - 1);
		name[nlen] = '\0';
	} else {
		memcpy(name, a.sun_path, nlen);
		name[nlen] = '\0';
		nlen = strlen(name);
	}
	rc.local = name;
	rc.local_len = nlen;
	rc.proto = type == SOCK_STREAM ? "u_str" : type == SOCK_DGRAM ? "u_dgr" : "u_seq";
	rc.inode = fd_inode(fd);
	rec_emit(ob, &rc);
}

/* ---- socket helpers ----------------------------------------------------- */

static int set_int(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val));
}

/* A TCP listener on addr:port (port 0: ephemeral).  v6only: -1 leave as is. */
static int tcp_listen(const char *addr, int port, int backlog, int v6only)
{
	struct sockaddr_storage ss;
	socklen_t sl = addr_parse(addr, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die_errno("socket(tcp)");
	if (set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0)
		die_errno("SO_REUSEADDR");
	if (v6only >= 0 && ss.ss_family == AF_INET6 && set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only) < 0)
		die_errno("IPV6_V6ONLY");
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
		die("bind tcp %s:%d: %s", addr, port, strerror(errno));
	if (listen(fd, backlog) < 0)
		die_errno("listen");
	return fd;
}

static int sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		die_errno("getsockname");
	return addr_port(&ss);
}

/* Connect to addr:port from src (NULL/"": any).  wait: block (bounded)
 * until connected; else return at once with the connect in progress. */
static int tcp_connect(const char *addr, int port, const char *src, bool wait)
{
	struct sockaddr_storage ss;
	socklen_t sl = addr_parse(addr, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int err = 0;
	socklen_t el = sizeof(err);

	if (fd < 0)
		die_errno("socket(tcp)");
	if (src && *src) {
		struct sockaddr_storage bs;
		socklen_t bl = addr_parse(src, 0, &bs);

		if (bind(fd, (struct sockaddr *)&bs, bl) < 0)
			die("bind source %s: %s", src, strerror(errno));
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS)
		die("connect %s:%d: %s", addr, port, strerror(errno));
	if (!wait)
		return fd;
	if (!(wait_fd(fd, POLLOUT, WAIT_MS) & (POLLOUT | POLLERR | POLLHUP)))
		die("connect %s:%d: timed out", addr, port);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
		die_errno("getsockopt(SO_ERROR)");
	if (err)
		die("connect %s:%d: %s", addr, port, strerror(err));
	if (fcntl(fd, F_SETFL, 0) < 0)
		die_errno("fcntl");
	return fd;
}

static int accept_wait(int lfd)
{
	int fd;

	if (!(wait_fd(lfd, POLLIN, WAIT_MS) & POLLIN))
		die("accept: timed out");
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		die_errno("accept");
	return fd;
}

/* Wait until a TCP listener's accept queue holds n connections. */
static int listen_wait_queue(int lfd, int n)
{
	long long end = now_ms() + WAIT_MS;
	struct tcp_info ti;

	for (;;) {
		tcp_state(lfd, &ti);
		if ((int)ti.tcpi_unacked >= n || now_ms() >= end)
			return (int)ti.tcpi_unacked;
		sleep_ms(5);
	}
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void fd_addrs(int fd, char *ls, size_t ll, char *rs, size_t rl)
{
	struct sockaddr_storage a;
	socklen_t al = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &al) < 0)
		die_errno("getsockname");
	addr_fmt(&a, true, ls, ll);
	al = sizeof(a);
	if (getpeername(fd, (struct sockaddr *)&a, &al) < 0)
		die_errno("getpeername");
	addr_fmt(&a, true, rs, rl);
}

/* ---- processes ---------------------------------------------------------- */

typedef void (*scen_fn)(const struct scen *sc, struct outbuf *ob);

static void child_setup(const char *comm, pid_t parent)
{
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die_errno("prctl(PR_SET_PDEATHSIG)");
	if (getppid() != parent) /* the parent died before we set it up */
		_exit(1);
	prctl(PR_SET_NAME, comm);
}

static void hold_forever(void)
{
	for (;;)
		pause();
}

/* Fork a process that runs fn, reports its records through a pipe ending
 * with "#ok", then holds its sockets.  The parent reads the report (bounded
 * by the setup timeout) into `fwd` (NULL: stdout).  Returns the pid, or -1
 * after printing why the child failed. */
static pid_t spawn(const char *comm, scen_fn fn, const struct scen *sc, struct outbuf *fwd)
{
	int p[2];
	pid_t parent = getpid(), pid;
	struct outbuf in = { 0 };
	long long end;
	bool ok = false;
	int status;

	if (pipe2(p, O_CLOEXEC) < 0)
		die_errno("pipe");
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid == 0) {
		struct outbuf ob = { 0 };

		close(p[0]);
		if (g_outfd >= 0)
			close(g_outfd);
		g_outfd = p[1];
		child_setup(comm, parent);
		alarm((unsigned)g_setup_s);
		fn(sc, &ob);
		alarm(0);
		ob_add(&ob, "#ok\n", 4);
		if (write_all(p[1], ob.p, ob.len) < 0)
			die_errno("write report");
		close(p[1]);
		g_outfd = -1;
		free(ob.p);
		hold_forever();
	}
	close(p[1]);
	end = now_ms() + (long long)g_setup_s * 1000 + 2000;
	for (;;) {
		char buf[65536];
		ssize_t r;
		long long left = end - now_ms();

		if (left <= 0 || !(wait_fd(p[0], POLLIN, (int)left) & (POLLIN | POLLHUP))) {
			fprintf(stderr, "%s: scenario %s: setup timed out\n", prog, sc->kind);
			break;
		}
		r = read(p[0], buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		ob_add(&in, buf, (size_t)r);
		if (in.len >= 4 && strcmp(in.p + in.len - 4, "#ok\n") == 0 &&
		    (in.len == 4 || in.p[in.len - 5] == '\n')) {
			ok = true;
			in.len -= 4;
			break;
		}
	}
	close(p[0]);
	if (!ok) {
		kill(pid, SIGKILL);
		if (waitpid(pid, &status, 0) == pid) {
			if (WIFSIGNALED(status))
				fprintf(stderr, "%s: scenario %s: child %d killed by signal %d%s\n", prog,
					sc->kind, (int)pid, WTERMSIG(status),
					WTERMSIG(status) == SIGALRM ? " (setup timeout)" : "");
			else if (WIFEXITED(status) && WEXITSTATUS(status))
				fprintf(stderr, "%s: scenario %s: child %d failed (exit %d)\n", prog,
					sc->kind, (int)pid, WEXITSTATUS(status));
		}
		free(in.p);
		return -1;
	}
	if (in.len) {
		if (fwd)
			ob_add(fwd, in.p, in.len);
		else if (write_all(STDOUT_FILENO, in.p, in.len) < 0)
			die_errno("write stdout");
	}
	free(in.p);
	return pid;
}

/* ---- scenarios ---------------------------------------------------------- */

static int listen_port(int lfd)
{
	return sock_port(lfd);
}

static void sc_listen(const struct scen *sc, struct outbuf *ob)
{
	int lfd = tcp_listen(sc->addr, sc->port, sc->backlog, -1);
	int port = listen_port(lfd);
	int q;
	int *cfd = calloc((size_t)sc->n + 1, sizeof(int));

	if (!cfd)
		die("out of memory");
	for (int i = 0; i < sc->n; i++)
		cfd[i] = tcp_connect(sc->addr, port, sc->src, true);
	q = listen_wait_queue(lfd, sc->n);
	if (q != sc->n)
		die("listen: accept queue holds %d, wanted %d (backlog %d too small?)", q, sc->n, sc->backlog);
	rec_inet_fd(ob, sc, lfd, "listener", NULL, 0, NULL);
	for (int i = 0; i < sc->n; i++) {
		char ls[96], rs[96];

		rec_inet_fd(ob, sc, cfd[i], "client", NULL, 0, NULL);
		fd_addrs(cfd[i], ls, sizeof(ls), rs, sizeof(rs));
		rec_nofd(ob, sc, "ESTAB", rs, ls, "pending", NULL);
	}
	free(cfd);
}

/* n connected pairs; optional keepalive on the client; optional listener. */
static void pairs(const struct scen *sc, struct outbuf *ob, const char *laddr, int v6only,
		  bool keepalive)
{
	int lfd = tcp_listen(laddr, sc->port, sc->backlog, v6only);
	int port = listen_port(lfd);

	for (int i = 0; i < sc->n; i++) {
		int c = tcp_connect(sc->addr, port, sc->src, true);
		int s = accept_wait(lfd);

		if (keepalive) {
			if (set_int(c, SOL_SOCKET, SO_KEEPALIVE, 1) < 0 ||
			    set_int(c, IPPROTO_TCP, TCP_KEEPIDLE, 600) < 0)
				die_errno("keepalive");
		}
		rec_inet_fd(ob, sc, c, "client", NULL, 0, keepalive ? "keepalive" : NULL);
		rec_inet_fd(ob, sc, s, "server", NULL, 0, NULL);
	}
	if (sc->listen_keep)
		rec_inet_fd(ob, sc, lfd, "listener", NULL, 0, NULL);
	else
		close(lfd);
}

static void sc_estab(const struct scen *sc, struct outbuf *ob)
{
	pairs(sc, ob, sc->addr, -1, false);
}

static void sc_keepalive(const struct scen *sc, struct outbuf *ob)
{
	pairs(sc, ob, sc->addr, -1, true);
}

static void sc_v4mapped(const struct scen *sc, struct outbuf *ob)
{
	if (strchr(sc->addr, ':'))
		die("v4mapped: addr must be IPv4 (the client's target)");
	pairs(sc, ob, "::", 0, false);
}

static void sc_timewait(const struct scen *sc, struct outbuf *ob)
{
	int lfd = tcp_listen(sc->addr, sc->port, sc->backlog, -1);
	int port = listen_port(lfd);

	for (int i = 0; i < sc->n; i++) {
		int c = tcp_connect(sc->addr, port, sc->src, true);
		int s = accept_wait(lfd);
		char ls[96], rs[96], b;

		fd_addrs(c, ls, sizeof(ls), rs, sizeof(rs));
		close(c);
		if (!(wait_fd(s, POLLIN, WAIT_MS) & (POLLIN | POLLHUP)))
			die("timewait: no FIN from the client");
		if (read(s, &b, 1) != 0)
			die("timewait: expected EOF");
		close(s);
		rec_nofd(ob, sc, "TIME-WAIT", ls, rs, "client-closed", "timewait");
	}
	if (sc->listen_keep)
		rec_inet_fd(ob, sc, lfd, "listener", NULL, 0, NULL);
	else
		close(lfd);
}

static void sc_closewait(const struct scen *sc, struct outbuf *ob)
{
	int lfd = tcp_listen(sc->addr, sc->port, sc->backlog, -1);
	int port = listen_port(lfd);

	for (int i = 0; i < sc->n; i++) {
		int c = tcp_connect(sc->addr, port, sc->src, true);
		int s = accept_wait(lfd);

		if (shutdown(c, SHUT_WR) < 0)
			die_errno("shutdown");
		if (tcp_wait_state(s, 8) != 8)
			die("closewait: server side did not reach CLOSE-WAIT");
		if (tcp_wait_state(c, 5) != 5)
			die("closewait: client side did not reach FIN-WAIT-2");
		rec_inet_fd(ob, sc, c, "client", NULL, 0, NULL);
		rec_inet_fd(ob, sc, s, "server", NULL, 0, NULL);
	}
	if (sc->listen_keep)
		rec_inet_fd(ob, sc, lfd, "listener", NULL, 0, NULL);
	else
		close(lfd);
}

static int udp_bound(const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t sl = addr_parse(addr, port, &ss);
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die_errno("socket(udp)");
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
		die("bind udp %s:%d: %s", addr, port, strerror(errno));
	return fd;
}

static void sc_tcpbound(const struct scen *sc, struct outbuf *ob)
{
	for (int i = 0; i < sc->n; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = addr_parse(sc->addr, sc->port ? sc->port + i : 0, &ss);
		int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			die_errno("socket(tcp)");
		if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
			die("bind tcp %s:%d: %s", sc->addr, sc->port, strerror(errno));
		rec_inet_fd(ob, sc, fd, "bound", NULL, 0, NULL);
	}
}

static void sc_udp(const struct scen *sc, struct outbuf *ob)
{
	for (int i = 0; i < sc->n; i++) {
		int fd = udp_bound(sc->addr, sc->port ? sc->port + i : 0);

		rec_inet_fd(ob, sc, fd, "bound", NULL, 0, NULL);
	}
}

static void sc_udpconn(const struct scen *sc, struct outbuf *ob)
{
	for (int i = 0; i < sc->n; i++) {
		int s = udp_bound(sc->addr, sc->port ? sc->port + i : 0);
		int c = udp_bound(sc->src[0] ? sc->src : sc->addr, 0);
		struct sockaddr_storage ss;
		socklen_t sl = addr_parse(sc->addr, sock_port(s), &ss);

		if (connect(c, (struct sockaddr *)&ss, sl) < 0)
			die_errno("connect(udp)");
		rec_inet_fd(ob, sc, s, "server", NULL, 0, NULL);
		rec_inet_fd(ob, sc, c, "client", NULL, 0, NULL);
	}
}

static void sc_raw(const struct scen *sc, struct outbuf *ob)
{
	bool v6 = strchr(sc->addr, ':') != NULL;

	for (int i = 0; i < sc->n; i++) {
		int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC,
				v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);

		if (fd < 0)
			die_errno("socket(raw)");
		rec_inet_fd(ob, sc, fd, "raw", NULL, 0, NULL);
	}
}

static socklen_t unix_addr(const struct scen *sc, struct sockaddr_un *a, bool abstract)
{
	size_t n;

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (abstract) {
		if (sc->path[0])
			snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "%s", sc->path);
		else
			snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "sockfix-%d-%d",
				 (int)g_pid_main, sc->idx);
		n = 1 + strlen(a->sun_path + 1);
	} else {
		if (sc->path[0])
			snprintf(a->sun_path, sizeof(a->sun_path), "%s", sc->path);
		else if (snprintf(a->sun_path, sizeof(a->sun_path), "%s/sf-%d-%d.sock", g_dir,
				  (int)g_pid_main, sc->idx) >= (int)sizeof(a->sun_path))
			die("unix path too long (use -d with a shorter directory)");
		unlink(a->sun_path);
		n = strlen(a->sun_path) + 1;
	}
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
}

/* stream/seqpacket listener, n accepted pairs, `pending` unaccepted clients */
static void unix_listener(const struct scen *sc, struct outbuf *ob, int type, bool abstract)
{
	struct sockaddr_un a;
	socklen_t al = unix_addr(sc, &a, abstract);
	int lfd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	int total = sc->n + sc->pending;
	int *c = calloc((size_t)total + 1, sizeof(int));
	int *s = calloc((size_t)total + 1, sizeof(int));

	if (!c || !s)
		die("out of memory");
	if (lfd < 0)
		die_errno("socket(unix)");
	if (bind(lfd, (struct sockaddr *)&a, al) < 0)
		die("bind unix %s: %s", abstract ? "(abstract)" : a.sun_path, strerror(errno));
	if (listen(lfd, sc->backlog) < 0)
		die_errno("listen(unix)");
	for (int i = 0; i < total; i++) {
		c[i] = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
		if (c[i] < 0)
			die_errno("socket(unix)");
		if (connect(c[i], (struct sockaddr *)&a, al) < 0)
			die_errno("connect(unix)");
		s[i] = i < sc->n ? accept_wait(lfd) : -1;
	}
	rec_unix_fd(ob, sc, lfd, "LISTEN", 0, "listener", sc->pending);
	for (int i = 0; i < total; i++) {
		unsigned long ci = fd_inode(c[i]);
		unsigned long si = s[i] >= 0 ? fd_inode(s[i]) : 0;

		rec_unix_fd(ob, sc, c[i], "ESTAB", si, s[i] >= 0 ? "client" : "pending-client", -1);
		if (s[i] >= 0)
			rec_unix_fd(ob, sc, s[i], "ESTAB", ci, "server", -1);
	}
	free(c);
	free(s);
}

static void sc_unix(const struct scen *sc, struct outbuf *ob)
{
	unix_listener(sc, ob, SOCK_STREAM, false);
}

static void sc_unix_abstract(const struct scen *sc, struct outbuf *ob)
{
	unix_listener(sc, ob, SOCK_STREAM, true);
}

static void sc_unix_seqpacket(const struct scen *sc, struct outbuf *ob)
{
	unix_listener(sc, ob, SOCK_SEQPACKET, false);
}

static void sc_socketpair(const struct scen *sc, struct outbuf *ob)
{
	for (int i = 0; i < sc->n; i++) {
		int sv[2];

		if (socketpair(AF_UNIX, sc->stype | SOCK_CLOEXEC, 0, sv) < 0)
			die_errno("socketpair");
		rec_unix_fd(ob, sc, sv[0], "ESTAB", fd_inode(sv[1]), "pair", -1);
		rec_unix_fd(ob, sc, sv[1], "ESTAB", fd_inode(sv[0]), "pair", -1);
	}
}

static void sc_unix_dgram(const struct scen *sc, struct outbuf *ob)
{
	struct sockaddr_un a;
	socklen_t al = unix_addr(sc, &a, false);
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		die_errno("socket(unix dgram)");
	if (bind(s, (struct sockaddr *)&a, al) < 0)
		die("bind unix %s: %s", a.sun_path, strerror(errno));
	/* since Linux 5.14 a dgram connect() marks both ends ESTABLISHED */
	rec_unix_fd(ob, sc, s, sc->n ? "ESTAB" : "UNCONN", 0, "server", -1);
	for (int i = 0; i < sc->n; i++) {
		int c = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		if (c < 0)
			die_errno("socket(unix dgram)");
		if (connect(c, (struct sockaddr *)&a, al) < 0)
			die_errno("connect(unix dgram)");
		rec_unix_fd(ob, sc, c, "ESTAB", fd_inode(s), "client", -1);
	}
}

static void sc_shared(const struct scen *sc, struct outbuf *ob)
{
	int lfd = tcp_listen(sc->addr, sc->port, sc->backlog, -1);
	pid_t w[MAX_WORKERS];
	pid_t me = getpid();

	for (int i = 0; i < sc->workers; i++) {
		fflush(NULL);
		w[i] = fork();
		if (w[i] < 0)
			die_errno("fork");
		if (w[i] == 0) {
			if (g_outfd >= 0)
				close(g_outfd);
			child_setup(sc->comm, me);
			alarm(0);
			hold_forever();
		}
	}
	rec_inet_fd(ob, sc, lfd, "listener", w, sc->workers, NULL);
	close(lfd); /* only the workers hold it now */
}

static void many_chunk(const struct scen *sc, struct outbuf *ob)
{
	raise_nofile();
	pairs(sc, ob, sc->addr, -1, false);
}

static void sc_many(const struct scen *sc, struct outbuf *ob)
{
	if (sc->n <= CHUNK_PAIRS) {
		many_chunk(sc, ob);
		return;
	}
	for (int left = sc->n; left > 0; left -= CHUNK_PAIRS) {
		struct scen part = *sc;

		part.n = left < CHUNK_PAIRS ? left : CHUNK_PAIRS;
		part.port = sc->port ? sc->port + (sc->n - left) / CHUNK_PAIRS : 0;
		if (spawn(sc->comm, many_chunk, &part, ob) < 0)
			die("many: a worker failed");
	}
}

static void sc_synrecv(const struct scen *sc, struct outbuf *ob)
{
	int lfd = tcp_listen(sc->addr, sc->port, sc->backlog, -1);
	int port = listen_port(lfd);
	int *c = calloc((size_t)sc->n + 1, sizeof(int));

	if (!c)
		die("out of memory");
	for (int i = 0; i < sc->n; i++)
		c[i] = tcp_connect(sc->addr, port, sc->src, false);
	for (int i = 0; i < sc->n; i++)
		if (tcp_wait_state(c[i], 1) != 1)
			die("synrecv: client %d did not get the SYN-ACK", i);
	rec_inet_fd(ob, sc, lfd, "listener", NULL, 0, NULL);
	for (int i = 0; i < sc->n; i++) {
		char ls[96], rs[96];

		rec_inet_fd(ob, sc, c[i], "client", NULL, 0, NULL);
		fd_addrs(c[i], ls, sizeof(ls), rs, sizeof(rs));
		rec_nofd(ob, sc, "SYN-RECV", rs, ls, "half-open", "on");
	}
	free(c);
}

static void sc_overflow(const struct scen *sc, struct outbuf *ob)
{
	struct sockaddr_storage target;
	int lfd = tcp_listen(sc->addr, sc->port, sc->backlog, -1);
	int port = listen_port(lfd);
	int *c = calloc((size_t)sc->n + 1, sizeof(int));

	if (!c)
		die("out of memory");
	for (int i = 0; i < sc->n; i++) {
		c[i] = tcp_connect(sc->addr, port, sc->src, false);
		sleep_ms(20); /* let each handshake settle in order */
	}
	sleep_ms(200);
	addr_parse(sc->addr, port, &target);
	rec_inet_fd(ob, sc, lfd, "listener", NULL, 0, NULL);
	for (int i = 0; i < sc->n; i++) {
		rec_inet_fd_peer(ob, sc, c[i], "client", NULL, 0, NULL, &target);
		if (tcp_state(c[i], NULL) == 1) {
			char ls[96], rs[96];

			fd_addrs(c[i], ls, sizeof(ls), rs, sizeof(rs));
			rec_nofd(ob, sc, "ESTAB", rs, ls, "pending", NULL);
		}
	}
	free(c);
}

static void sc_synsent(const struct scen *sc, struct outbuf *ob)
{
	struct sockaddr_storage target;

	if (!sc->port)
		die("synsent: port= is required");
	addr_parse(sc->addr, sc->port, &target);
	for (int i = 0; i < sc->n; i++) {
		int c = tcp_connect(sc->addr, sc->port, sc->src, false);

		sleep_ms(50);
		rec_inet_fd_peer(ob, sc, c, "client", NULL, 0, NULL, &target);
	}
}

/* ---- the table ---------------------------------------------------------- */

struct kind {
	const char *name;
	scen_fn fn;
	const char *addr; /* default address */
	int n, listen_keep, backlog, stype;
};

static const struct kind kinds[] = {
	{ "listen", sc_listen, "127.0.0.1", 0, 1, 128, 0 },
	{ "estab", sc_estab, "127.0.0.1", 1, 0, 128, 0 },
	{ "estab4", sc_estab, "127.0.0.1", 1, 0, 128, 0 },
	{ "estab6", sc_estab, "::1", 1, 0, 128, 0 },
	{ "v4mapped", sc_v4mapped, "127.0.0.1", 1, 1, 128, 0 },
	{ "timewait", sc_timewait, "127.0.0.1", 1, 0, 128, 0 },
	{ "closewait", sc_closewait, "127.0.0.1", 1, 0, 128, 0 },
	{ "keepalive", sc_keepalive, "127.0.0.1", 1, 0, 128, 0 },
	{ "tcpbound", sc_tcpbound, "127.0.0.1", 1, 0, 0, 0 },
	{ "udp", sc_udp, "127.0.0.1", 1, 0, 0, 0 },
	{ "udp4", sc_udp, "127.0.0.1", 1, 0, 0, 0 },
	{ "udp6", sc_udp, "::1", 1, 0, 0, 0 },
	{ "udpconn", sc_udpconn, "127.0.0.1", 1, 0, 0, 0 },
	{ "udpconn4", sc_udpconn, "127.0.0.1", 1, 0, 0, 0 },
	{ "udpconn6", sc_udpconn, "::1", 1, 0, 0, 0 },
	{ "raw", sc_raw, "127.0.0.1", 1, 0, 0, 0 },
	{ "raw6", sc_raw, "::1", 1, 0, 0, 0 },
	{ "unix", sc_unix, "", 1, 1, 16, 0 },
	{ "unix-abstract", sc_unix_abstract, "", 1, 1, 16, 0 },
	{ "unix-seqpacket", sc_unix_seqpacket, "", 1, 1, 16, 0 },
	{ "socketpair", sc_socketpair, "", 1, 0, 0, SOCK_STREAM },
	{ "unix-dgram", sc_unix_dgram, "", 1, 0, 0, 0 },
	{ "shared", sc_shared, "127.0.0.1", 0, 1, 128, 0 },
	{ "many", sc_many, "127.0.0.1", 100, 0, 4096, 0 },
	{ "synrecv", sc_synrecv, "127.0.0.1", 1, 1, 128, 0 },
	{ "overflow", sc_overflow, "127.0.0.1", 3, 1, 0, 0 },
	{ "synsent", sc_synsent, "127.0.0.2", 1, 0, 0, 0 },
	{ "connect", sc_synsent, "127.0.0.1", 1, 0, 0, 0 },
};

static int parse_int(const char *key, const char *v, int lo, int hi)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(v, &end, 10);
	if (errno || end == v || *end || x < lo || x > hi) {
		fprintf(stderr, "%s: bad value for %s: '%s' (want %d..%d)\n", prog, key, v, lo, hi);
		exit(2);
	}
	return (int)x;
}

static void copy_str(char *dst, size_t len, const char *key, const char *v)
{
	if (strlen(v) >= len) {
		fprintf(stderr, "%s: value for %s too long\n", prog, key);
		exit(2);
	}
	strcpy(dst, v);
}

static const struct kind *parse_scen(char *spec, int idx, struct scen *sc)
{
	char *save = NULL;
	char *name = strtok_r(spec, ",", &save);
	const struct kind *k = NULL;
	char *kv;

	for (size_t i = 0; name && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0)
			k = &kinds[i];
	if (!k) {
		fprintf(stderr, "%s: unknown scenario '%s' (see the top of sockfix.c)\n", prog,
			name ? name : "");
		exit(2);
	}
	memset(sc, 0, sizeof(*sc));
	sc->kind = k->name;
	sc->idx = idx;
	sc->n = k->n;
	sc->listen_keep = k->listen_keep;
	sc->backlog = k->backlog;
	sc->stype = k->stype;
	sc->workers = 3;
	snprintf(sc->addr, sizeof(sc->addr), "%s", k->addr);
	snprintf(sc->comm, sizeof(sc->comm), "sf-%s", k->name);
	while ((kv = strtok_r(NULL, ",", &save))) {
		char *v = strchr(kv, '=');

		if (!v) {
			fprintf(stderr, "%s: %s: expected key=value, got '%s'\n", prog, name, kv);
			exit(2);
		}
		*v++ = '\0';
		if (!strcmp(kv, "n"))
			sc->n = parse_int(kv, v, 0, 1000000);
		else if (!strcmp(kv, "pending"))
			sc->pending = parse_int(kv, v, 0, 4096);
		else if (!strcmp(kv, "port"))
			sc->port = parse_int(kv, v, 0, 65535);
		else if (!strcmp(kv, "backlog"))
			sc->backlog = parse_int(kv, v, 0, 65535);
		else if (!strcmp(kv, "listen"))
			sc->listen_keep = parse_int(kv, v, 0, 1);
		else if (!strcmp(kv, "workers"))
			sc->workers = parse_int(kv, v, 1, MAX_WORKERS);
		else if (!strcmp(kv, "addr"))
			copy_str(sc->addr, sizeof(sc->addr), kv, v);
		else if (!strcmp(kv, "src"))
			copy_str(sc->src, sizeof(sc->src), kv, v);
		else if (!strcmp(kv, "path") || !strcmp(kv, "name"))
			copy_str(sc->path, sizeof(sc->path), kv, v);
		else if (!strcmp(kv, "comm"))
			copy_str(sc->comm, sizeof(sc->comm), kv, v);
		else if (!strcmp(kv, "type") && !strcmp(v, "stream"))
			sc->stype = SOCK_STREAM;
		else if (!strcmp(kv, "type") && !strcmp(v, "dgram"))
			sc->stype = SOCK_DGRAM;
		else if (!strcmp(kv, "type") && !strcmp(v, "seqpacket"))
			sc->stype = SOCK_SEQPACKET;
		else {
			fprintf(stderr, "%s: %s: unknown key '%s'\n", prog, name, kv);
			exit(2);
		}
	}
	/* listen: n means pending connections; the backlog must hold them */
	if (k->fn == sc_listen && sc->backlog < sc->n)
		sc->backlog = sc->n;
	if (k->fn == sc_unix || k->fn == sc_unix_abstract || k->fn == sc_unix_seqpacket) {
		if (sc->backlog < sc->pending + 1)
			sc->backlog = sc->pending + 1;
	}
	return k;
}

/* ---- main: spawn, report, hold, clean up -------------------------------- */

static volatile sig_atomic_t g_stop, g_chld;

static void on_stop(int sig)
{
	g_stop = sig;
}

static void on_chld(int sig)
{
	(void)sig;
	g_chld = 1;
}

static pid_t g_kids[MAX_SCEN];
static const char *g_kid_scen[MAX_SCEN];
static int g_nkids;
static bool g_made_dir;

static void kill_kids(void)
{
	long long end = now_ms() + 2000;
	int left = 0;

	for (int i = 0; i < g_nkids; i++)
		if (g_kids[i] > 0 && kill(g_kids[i], SIGTERM) == 0)
			left++;
	while (left > 0 && now_ms() < end) {
		pid_t p = waitpid(-1, NULL, WNOHANG);

		if (p > 0) {
			for (int i = 0; i < g_nkids; i++)
				if (g_kids[i] == p) {
					g_kids[i] = 0;
					left--;
				}
		} else if (p < 0 && errno == ECHILD) {
			break;
		} else {
			sleep_ms(10);
		}
	}
	for (int i = 0; i < g_nkids; i++) {
		if (g_kids[i] > 0) {
			kill(g_kids[i], SIGKILL);
			waitpid(g_kids[i], NULL, 0);
			g_kids[i] = 0;
		}
	}
	if (g_made_dir) {
		char path[512];

		/* remove our unix socket files, then the directory */
		for (int i = 0; i < MAX_SCEN; i++) {
			snprintf(path, sizeof(path), "%s/sf-%d-%d.sock", g_dir, (int)g_pid_main, i);
			unlink(path);
		}
		rmdir(g_dir);
	}
}

static void usage(FILE *fp)
{
	fprintf(fp, "usage: %s [-t SETUP_SEC] [-T HOLD_SEC] [-d DIR] [-i] SCENARIO[,key=val...]...\n"
		    "  -t SEC  give up if setting up takes longer (default 20)\n"
		    "  -T SEC  stop holding after SEC seconds (default 300, 0 = forever)\n"
		    "  -d DIR  directory for unix socket files (default: a new one under $TMPDIR or /tmp)\n"
		    "  -i      also stop at EOF on stdin\n"
		    "Scenarios: see the comment at the top of tests/tools/sockfix.c.\n",
		prog);
}

int main(int argc, char **argv)
{
	int hold_s = 300, opt;
	bool watch_stdin = false;
	struct scen scs[MAX_SCEN];
	const struct kind *ks[MAX_SCEN];
	int nsc = 0, rc = 0;
	struct sigaction sa;
	sigset_t block, orig;

	g_pid_main = getpid();
	while ((opt = getopt(argc, argv, "+t:T:d:ih")) != -1) {
		switch (opt) {
		case 't': g_setup_s = parse_int("-t", optarg, 1, 3600); break;
		case 'T': hold_s = parse_int("-T", optarg, 0, 86400); break;
		case 'd': copy_str(g_dir, sizeof(g_dir), "-d", optarg); break;
		case 'i': watch_stdin = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		if (nsc == MAX_SCEN) {
			fprintf(stderr, "%s: at most %d scenarios\n", prog, MAX_SCEN);
			return 2;
		}
		char *spec = strdup(argv[i]); /* strtok_r must not rewrite our cmdline */

		if (!spec)
			die("out of memory");
		ks[nsc] = parse_scen(spec, nsc, &scs[nsc]);
		free(spec);
		nsc++;
	}
	if (!g_dir[0]) {
		const char *t = getenv("TMPDIR");

		snprintf(g_dir, sizeof(g_dir), "%s/sockfix.XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(g_dir)) {
			fprintf(stderr, "%s: mkdtemp %s: %s\n", prog, g_dir, strerror(errno));
			return 1;
		}
		g_made_dir = true;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	for (int i = 0; i < nsc && !g_stop; i++) {
		pid_t p = spawn(scs[i].comm, ks[i]->fn, &scs[i], NULL);

		if (p < 0) {
			rc = 1;
			break;
		}
		g_kids[g_nkids] = p;
		g_kid_scen[g_nkids++] = scs[i].kind;
	}
	if (g_stop && rc == 0) {
		fprintf(stderr, "%s: interrupted during setup\n", prog);
		rc = 1;
	}
	if (rc == 0) {
		printf("{\"ready\":true,\"pid\":%d,\"dir\":", (int)g_pid_main);
		fflush(stdout);
		{
			struct outbuf ob = { 0 };

			ob_jstr(&ob, g_dir, strlen(g_dir));
			ob_printf(&ob, ",\"children\":[");
			for (int i = 0; i < g_nkids; i++)
				ob_printf(&ob, "%s{\"pid\":%d,\"scenario\":\"%s\"}", i ? "," : "",
					  (int)g_kids[i], g_kid_scen[i]);
			ob_add(&ob, "]}\n", 3);
			if (write_all(STDOUT_FILENO, ob.p, ob.len) < 0)
				rc = 1;
			free(ob.p);
		}
		if (hold_s)
			alarm((unsigned)hold_s);
		sigemptyset(&block);
		sigaddset(&block, SIGTERM);
		sigaddset(&block, SIGINT);
		sigaddset(&block, SIGHUP);
		sigaddset(&block, SIGALRM);
		sigaddset(&block, SIGCHLD);
		sigprocmask(SIG_BLOCK, &block, &orig);
		while (!g_stop && rc == 0) {
			struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
			int r;

			if (g_chld) {
				int st;
				pid_t d;

				g_chld = 0;
				while ((d = waitpid(-1, &st, WNOHANG)) > 0) {
					for (int i = 0; i < g_nkids; i++) {
						if (g_kids[i] != d)
							continue;
						g_kids[i] = 0;
						fprintf(stderr, "%s: child %d (%s) died while holding its sockets\n",
							prog, (int)d, g_kid_scen[i]);
						rc = 1;
					}
				}
				continue;
			}
			r = ppoll(watch_stdin ? &p : NULL, watch_stdin ? 1 : 0, NULL, &orig);
			if (r > 0 && (p.revents & (POLLIN | POLLHUP))) {
				char b[512];
				ssize_t n = read(STDIN_FILENO, b, sizeof(b));

				if (n <= 0)
					break; /* EOF (or error): stop */
			}
		}
		sigprocmask(SIG_SETMASK, &orig, NULL);
	}
	kill_kids();
	return rc;
}
