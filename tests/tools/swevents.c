/* SPDX-License-Identifier: GPL-2.0-or-later */
/* swevents - test tool: read sock_diag destroy events (src/collect/
 * sockevents.c) and print what arrived, as key=value lines.
 *
 *   swevents [-N NETNS] [-R RCVBUF] [-n EXPECT] [-w IDLE_MS] [-d DELAY_MS] [-l]
 *
 * Prints "ready" once the socket is bound, then reads until EXPECT events
 * (received + dropped) have been seen and no more came for IDLE_MS
 * (default 1500), or, without -n, until IDLE_MS pass without an event.
 * -d sleeps DELAY_MS before each drain (a reader that falls behind).
 * -l prints one line per event.  The summary: events, tcp, udp, v4, v6,
 * close (in state CLOSE), other_state, uid_set, inode_set, cookie_zero,
 * tcpinfo (TCP events with tcp_info), bytes_acked/bytes_received (sums),
 * overruns, dropped, bad, rcvbuf, forced, cpu_us (user+sys of this
 * process), span_us (first to last event), max_batch (most events one
 * sockevents_read call returned).  Exit 2 when open fails (the
 * message on stderr).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collect/collect.h"
#include "collect/sockevents.h"
#include "core/conn.h"
#include "core/snapshot.h"
#include "core/util.h"

struct tally {
	uint64_t events, tcp, udp, v4, v6, close, other, uid, inode, nocookie, tcpinfo;
	uint64_t acked, received;
	uint64_t first_ns, last_ns;
	int max_batch; /* most events one sockevents_read returned */
};

struct open_arg {
	int rcvbuf;
	struct sockevents *e;
	int err;
};

static void open_fn(void *a)
{
	struct open_arg *o = a;
	o->err = sockevents_open(o->rcvbuf, &o->e);
}

static void count(struct tally *t, const struct sw_snapshot *s, bool list)
{
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		t->events++;
		t->tcp += c->proto == SW_PROTO_TCP;
		t->udp += c->proto == SW_PROTO_UDP;
		t->v4 += c->family == AF_INET;
		t->v6 += c->family == AF_INET6;
		t->close += c->state == SW_ST_CLOSE;
		t->other += c->state != SW_ST_CLOSE;
		t->uid += c->uid != 0;
		t->inode += c->inode != 0;
		t->nocookie += c->cookie == 0;
		const struct sw_tcpx *x = snapshot_tcpx(s, c);
		if (x) {
			t->tcpinfo++;
			t->acked += x->bytes_acked;
			t->received += x->bytes_received;
		}
		if (list) {
			char l[SW_EP_STRLEN], r[SW_EP_STRLEN];
			printf("event %s %s %s %s state=%u cookie=%llu uid=%u inode=%u acked=%llu\n",
			       sw_proto_name(c->proto), c->family == AF_INET ? "v4" : "v6",
			       sw_conn_ep_str(c, false, l, sizeof l),
			       sw_conn_ep_str(c, true, r, sizeof r), c->state,
			       (unsigned long long)c->cookie, c->uid, c->inode,
			       (unsigned long long)(x ? x->bytes_acked : 0));
		}
	}
}

static uint64_t cpu_us(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static void summary(const struct tally *t, const struct sockevents_stats *st, uint64_t cpu)
{
	printf("events=%llu\ntcp=%llu\nudp=%llu\nv4=%llu\nv6=%llu\nclose=%llu\n"
	       "other_state=%llu\nuid_set=%llu\ninode_set=%llu\ncookie_zero=%llu\n"
	       "tcpinfo=%llu\nbytes_acked=%llu\nbytes_received=%llu\n",
	       (unsigned long long)t->events, (unsigned long long)t->tcp,
	       (unsigned long long)t->udp, (unsigned long long)t->v4,
	       (unsigned long long)t->v6, (unsigned long long)t->close,
	       (unsigned long long)t->other, (unsigned long long)t->uid,
	       (unsigned long long)t->inode, (unsigned long long)t->nocookie,
	       (unsigned long long)t->tcpinfo, (unsigned long long)t->acked,
	       (unsigned long long)t->received);
	printf("overruns=%llu\ndropped=%llu\nbad=%llu\nrcvbuf=%d\nforced=%d\n"
	       "cpu_us=%llu\nspan_us=%llu\n",
	       (unsigned long long)st->overruns, (unsigned long long)st->dropped,
	       (unsigned long long)st->bad, st->rcvbuf, st->forced,
	       (unsigned long long)cpu,
	       (unsigned long long)((t->last_ns - t->first_ns) / 1000));
	printf("max_batch=%d\n", t->max_batch);
}

static int open_events(const char *netns, int rcvbuf, struct sockevents **e)
{
	int nsfd = -1;
	if (netns) {
		char path[4096];
		nsfd = collect_netns_open(netns, path, sizeof path);
		if (nsfd < 0) {
			fprintf(stderr, "swevents: %s: %s\n", netns, strerror(-nsfd));
			return -1;
		}
	}
	struct open_arg o = {rcvbuf, NULL, 0};
	int r = collect_in_netns(nsfd, open_fn, &o);
	if (nsfd >= 0)
		close(nsfd);
	if (r < 0 || o.err < 0) {
		fprintf(stderr, "swevents: %s\n", sockevents_strerror(r < 0 ? r : o.err));
		return -1;
	}
	*e = o.e;
	return 0;
}

int main(int argc, char **argv)
{
	const char *netns = NULL;
	int rcvbuf = 0, idle_ms = 1500, delay_ms = 0, opt;
	unsigned long long expect = 0;
	bool list = false;
	while ((opt = getopt(argc, argv, "N:R:n:w:d:l")) != -1) {
		switch (opt) {
		case 'N': netns = optarg; break;
		case 'R': rcvbuf = atoi(optarg); break;
		case 'n': expect = strtoull(optarg, NULL, 10); break;
		case 'w': idle_ms = atoi(optarg); break;
		case 'd': delay_ms = atoi(optarg); break;
		case 'l': list = true; break;
		default:
			fprintf(stderr, "usage: swevents [-N NETNS] [-R RCVBUF] [-n EXPECT] [-w IDLE_MS] [-d DELAY_MS] [-l]\n");
			return 2;
		}
	}
	struct sockevents *e;
	if (open_events(netns, rcvbuf, &e) < 0)
		return 2;
	printf("ready\n");
	fflush(stdout);

	struct tally t = {0};
	struct sockevents_stats st;
	struct sw_snapshot s;
	snapshot_init(&s);
	uint64_t cpu0 = cpu_us();
	for (;;) {
		sockevents_stats(e, &st);
		bool all = expect && t.events + st.dropped >= expect;
		struct pollfd p = {sockevents_fd(e), POLLIN, 0};
		int r = poll(&p, 1, all || !expect || t.events ? idle_ms : 600000);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (delay_ms) /* a reader that falls behind (a busy UI) */
			poll(NULL, 0, delay_ms);
		snapshot_clear(&s);
		int n = sockevents_read(e, &s);
		if (n < 0) {
			fprintf(stderr, "swevents: read: %s\n", strerror(-n));
			break;
		}
		if (n > t.max_batch)
			t.max_batch = n;
		if (n > 0) {
			t.last_ns = sw_mono_ns();
			if (!t.first_ns)
				t.first_ns = t.last_ns;
		}
		count(&t, &s, list);
	}
	sockevents_stats(e, &st);
	summary(&t, &st, cpu_us() - cpu0);
	snapshot_done(&s);
	sockevents_close(e);
	return 0;
}
