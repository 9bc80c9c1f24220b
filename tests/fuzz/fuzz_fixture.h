/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_fixture.h - a fixed, varied snapshot (TCP v4/v6/v4-mapped in several
 * states, UDP, UNIX path/abstract/unnamed, owners with and without a
 * command line, tcp_info) for the targets whose input is an expression
 * evaluated against sockets (filter, columns).  Built once. */
#ifndef SW_FUZZ_FIXTURE_H
#define SW_FUZZ_FIXTURE_H

#include <sys/socket.h>

#include "../unit/rows_fixture.h"
#include "fuzz.h"

static inline const struct sw_snapshot *fuzz_fixture(void)
{
	static struct sw_snapshot s;
	static bool built;
	if (built)
		return &s;
	built = true;
	snapshot_init(&s);
	size_t ci;
	ci = fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 45000, "192.168.1.10", 80,
		     SW_ST_ESTABLISHED);
	fx_owner(&s, ci, 100, "nginx", "nginx: worker process", 33, 7);
	struct sw_tcpx *x = snapshot_add_tcpx(&s, ci);
	x->have = SW_TI_BASE | SW_TI_BYTES | SW_TI_SEGS | SW_TI_DELIVERY | SW_TI_BUSY |
		  SW_TI_BYTES_SENT | SW_TI_CONG;
	x->rtt_us = 1234;
	x->rttvar_us = 56;
	x->snd_cwnd = 10;
	x->snd_ssthresh = 0x7fffffff;
	x->total_retrans = 3;
	x->bytes_acked = 1ull << 40;
	x->bytes_received = 12345;
	x->bytes_sent = UINT64_MAX;
	x->delivery_rate = 1000000;
	x->busy_time_us = 99;
	x->cong_off = snapshot_intern(&s, "cubic", 5);
	ci = fx_inet(&s, SW_PROTO_TCP, AF_INET, "0.0.0.0", 80, "0.0.0.0", 0, SW_ST_LISTEN);
	fx_owner(&s, ci, 100, "nginx", NULL, 33, 6);
	fx_owner(&s, ci, 101, "nginx", NULL, 33, 6);
	s.conns[ci].rq = 5;
	s.conns[ci].wq = 511;
	ci = fx_inet(&s, SW_PROTO_TCP, AF_INET6, "2001:db8::1", 443, "2001:db8:1::5", 51000,
		     SW_ST_ESTABLISHED);
	fx_owner(&s, ci, 200, "envoy", "/usr/bin/envoy -c /etc/envoy.yaml", 1000, 9);
	ci = fx_inet(&s, SW_PROTO_TCP, AF_INET6, "::ffff:10.0.0.1", 3306, "::ffff:10.0.0.9",
		     40000, SW_ST_ESTABLISHED);
	s.conns[ci].uid = 27;
	fx_owner(&s, ci, 300, "mysqld", "", 27, 30);
	ci = fx_inet(&s, SW_PROTO_TCP, AF_INET, "127.0.0.1", 50000, "127.0.0.1", 9000,
		     SW_ST_TIME_WAIT);
	s.conns[ci].inode = 0;
	s.conns[ci].timer = 3;
	s.conns[ci].expires_ms = 59000;
	ci = fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 80, "203.0.113.7", 33333,
		     SW_ST_SYN_RECV);
	s.conns[ci].inode = 0;
	ci = fx_inet(&s, SW_PROTO_UDP, AF_INET, "0.0.0.0", 53, "0.0.0.0", 0, SW_ST_CLOSE);
	fx_owner(&s, ci, 400, "dnsmasq", NULL, 65534, 4);
	ci = fx_inet(&s, SW_PROTO_UDP, AF_INET6, "::", 5353, "::", 0, SW_ST_CLOSE);
	s.conns[ci].ifindex = 1;
	ci = fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 46000, "10.0.0.2", 3306,
		     SW_ST_SYN_SENT);
	s.conns[ci].ifindex = 2;
	fx_owner(&s, ci, 500, "php-fpm8.2", "php-fpm: pool www", 33, 11);
	ci = fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 8080, "10.0.0.3", 41000,
		     SW_ST_CLOSE_WAIT);
	fx_owner(&s, ci, 600, "a-very-long-nam", NULL, 1000, 3);
	ci = fx_unix(&s, SOCK_STREAM, SW_ST_ESTABLISHED, "/run/mysqld/mysqld.sock", 23,
		     7001, 7002);
	fx_owner(&s, ci, 300, "mysqld", "", 27, 31);
	fx_unix(&s, SOCK_SEQPACKET, SW_ST_LISTEN, "\0foo\n\"bar", 9, 7003, 0);
	fx_unix(&s, SOCK_DGRAM, SW_ST_CLOSE, NULL, 0, 7004, 0);
	ci = fx_inet(&s, SW_PROTO_MPTCP, AF_INET, "10.0.0.1", 443, "10.9.9.9", 1, SW_ST_FIN_WAIT1);
	s.conns[ci].flags &= (uint8_t)~SW_CF_HAS_UID;
	return &s;
}

/* Rows for the fixture (the last two are tombstones). */
static inline const struct sw_row *fuzz_fixture_rows(size_t *n)
{
	static struct sw_row rows[32];
	static const struct sw_rowstat tomb = {.flags = SW_ROW_CLOSED, .gone_for = 1};
	const struct sw_snapshot *s = fuzz_fixture();
	static bool built;
	if (!built) {
		built = true;
		fx_rows(s, rows, NULL);
		rows[s->nconns - 1].st = &tomb;
		rows[s->nconns - 2].st = &tomb;
	}
	*n = s->nconns;
	return rows;
}

#endif
