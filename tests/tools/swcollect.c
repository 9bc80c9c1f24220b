/* SPDX-License-Identifier: GPL-2.0-or-later */
/* swcollect - developer tool: one collector sample printed raw, one line
 * per socket (every field the collector fills), plus kstat on request.
 * Used by tests/data/make-recordings.sh to make the .swrec recordings.
 *
 *   swcollect [-N NETNS] [--record FILE | --replay FILE] [-p] [-k] [-T]
 *             [-P protomask] [-S statemask] [-c COUNT] [-K COOKIE]
 *
 * -K destroys (SOCK_DESTROY) the socket with that cookie after the sample.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "collect/collect.h"
#include "core/conn.h"
#include "core/snapshot.h"

static void print_conn(const struct sw_snapshot *s, const struct sw_conn *c)
{
	char l[SW_EP_STRLEN], r[SW_EP_STRLEN];
	struct sw_conn_detail db;
	const struct sw_conn_detail *d = snapshot_get_detail(s, c, &db) ? &db : NULL;
	printf("%s %s %s", sw_proto_name(c->proto),
	       c->family == AF_INET ? "v4" : c->family == AF_INET6 ? "v6" : "unix",
	       sw_state_name(c->state, c->proto));
	if (c->family == AF_UNIX) {
		const char *n = snapshot_str(s, c->name_off);
		printf(" type=%u name=", c->sotype);
		if (c->name_len && n[0] == '\0')
			printf("@%.*s", (int)c->name_len - 1, n + 1);
		else
			printf("%s", c->name_len ? n : "-");
		printf(" peer=%u", c->peer_inode);
	} else {
		printf(" %s %s", sw_conn_ep_str(c, false, l, sizeof l),
		       sw_conn_ep_str(c, true, r, sizeof r));
		if (c->proto == SW_PROTO_RAW)
			printf(" rawproto=%u", c->sotype);
	}
	printf(" rq=%u wq=%u timer=%u/%u/%u inode=%u uid=%u cookie=%llu if=%u"
	       " shut=%u flags=%#x cg=%llu",
	       c->rq, c->wq, c->timer, c->expires_ms, c->retrans, c->inode, c->uid,
	       (unsigned long long)c->cookie, c->ifindex, c->shutdown, c->flags,
	       (unsigned long long)(d ? d->cgroup_id : 0));
	if ((c->flags & SW_CF_HAS_SKMEM) && d)
		printf(" skmem=r%u,rb%u,t%u,tb%u", d->skmem[SW_SKMEM_RMEM_ALLOC],
		       d->skmem[SW_SKMEM_RCVBUF], d->skmem[SW_SKMEM_WMEM_ALLOC],
		       d->skmem[SW_SKMEM_SNDBUF]);
	const struct sw_tcpx *x = snapshot_tcpx(s, c);
	if (x)
		printf(" have=%#x cong=%s rtt=%u/%u cwnd=%u acked=%llu rcvd=%llu sent=%llu",
		       x->have, snapshot_cong(s, x), x->rtt_us, x->rttvar_us, x->snd_cwnd,
		       (unsigned long long)x->bytes_acked,
		       (unsigned long long)x->bytes_received,
		       (unsigned long long)x->bytes_sent);
	for (uint32_t i = 0; i < c->owners_n; i++) {
		const struct sw_proc *p = snapshot_owner_proc(s, c, i);
		printf(" proc=%s/%d", p->comm, p->pid);
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	struct sw_collect_opts o = {.tcpinfo = true, .details = true};
	int count = 1, opt;
	bool show_kstat = false;
	unsigned long long kill_cookie = 0;
	static const struct option lo[] = {
		{"netns", required_argument, NULL, 'N'},
		{"record", required_argument, NULL, 'r'},
		{"replay", required_argument, NULL, 'R'},
		{NULL, 0, NULL, 0},
	};
	while ((opt = getopt_long(argc, argv, "N:pkTP:S:c:K:", lo, NULL)) != -1) {
		switch (opt) {
		case 'N': o.netns = optarg; break;
		case 'r': o.record_path = optarg; break;
		case 'R': o.replay_path = optarg; break;
		case 'p': o.procs = true; break;
		case 'k': o.kstat = true; show_kstat = true; break;
		case 'T': o.tcpinfo = false; break;
		case 'P': o.protos = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'S': o.states = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'c': count = atoi(optarg); break;
		case 'K': kill_cookie = strtoull(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: swcollect [-N NETNS] [--record F|--replay F]"
					" [-p] [-k] [-T] [-P mask] [-S mask] [-c N]\n");
			return 2;
		}
	}
	char err[512];
	struct sw_collector *c = collector_new(&o, err, sizeof err);
	if (!c) {
		fprintf(stderr, "swcollect: %s\n", err);
		return 1;
	}
	struct sw_snapshot s;
	snapshot_init(&s);
	int rc = 0;
	for (int n = 0; n < count; n++) {
		if (collector_sample(c, &s, err, sizeof err) < 0) {
			fprintf(stderr, "swcollect: %s\n", err);
			rc = 1;
			break;
		}
		printf("# sample %d: %zu sockets in %.2f ms, done=%#x missing=%#x"
		       " notes=%#x netns=%s\n",
		       n, s.nconns, s.collect_ms, s.protos_done, s.protos_missing,
		       s.notes, s.netns);
		for (size_t i = 0; i < s.nconns; i++)
			print_conn(&s, &s.conns[i]);
		if (show_kstat && s.have_kstat) {
			const struct sw_kstat *k = &s.kstat;
			printf("# kstat ports=%d-%d reserved='%s' tw_reuse=%d fin=%d "
			       "tw_buckets=%d syn_backlog=%d somaxconn=%d syncookies=%d "
			       "tw_recycle=%d sockstat tw=%d orphan=%d inuse=%d mem=%d "
			       "counters=%zu\n",
			       k->port_lo, k->port_hi, k->reserved_ports, k->tcp_tw_reuse,
			       k->tcp_fin_timeout, k->tcp_max_tw_buckets,
			       k->tcp_max_syn_backlog, k->somaxconn, k->tcp_syncookies,
			       k->tcp_tw_recycle, k->sockstat_tw, k->sockstat_orphan,
			       k->sockstat_inuse, k->sockstat_mem_pages, k->ncounters);
		}
	}
	if (kill_cookie && rc == 0) {
		int r = -ENOENT;
		for (size_t i = 0; i < s.nconns; i++)
			if (s.conns[i].cookie == kill_cookie)
				r = collector_destroy(c, &s.conns[i]);
		printf("# destroy %llu: %d (%s)\n", kill_cookie, r, strerror(-r));
		rc = r ? 1 : 0;
	}
	snapshot_done(&s);
	collector_free(c);
	return rc;
}
