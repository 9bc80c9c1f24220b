/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_columns: the column table's formatters, comparators and list parser. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/columns.h"
#include "rows_fixture.h"

static const char *cell(enum sw_col_id id, const struct sw_row *r)
{
	static char buf[4][256];
	static int k;
	k = (k + 1) % 4;
	column_get(id)->format(r, buf[k], sizeof buf[k]);
	return buf[k];
}

static int cmp(enum sw_col_id id, const struct sw_row *a, const struct sw_row *b)
{
	int d = column_get(id)->compare(a, b);
	return d < 0 ? -1 : d > 0;
}

static void test_table_complete(void **state)
{
	(void)state;
	for (int i = 0; i < SW_COL_COUNT; i++) {
		const struct sw_column *c = column_get((enum sw_col_id)i);
		assert_non_null(c);
		assert_int_equal(c->id, i);
		assert_non_null(c->name);
		assert_non_null(c->header);
		assert_non_null(c->desc);
		assert_non_null(c->format);
		assert_non_null(c->compare);
		assert_ptr_equal(column_by_name(c->name), c);
		assert_ptr_equal(column_by_name(c->header), c);
	}
	assert_null(column_get(SW_COL_COUNT));
	assert_null(column_by_name("nonsense"));
	assert_int_equal(column_by_name("STATE")->id, SW_COL_STATE);
	assert_int_equal(column_by_name("Recv-Q")->id, SW_COL_RECVQ);
	assert_int_equal(column_by_name("PID/Program")->id, SW_COL_PID);
	assert_int_equal(column_by_name("rxrate")->id, SW_COL_RX_RATE);
}

static void test_inet_formats(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 22, "10.0.0.9", 51000, SW_ST_ESTABLISHED);
	fx_inet(&s, SW_PROTO_TCP, AF_INET6, "2001:db8::1", 443, "2001:db8::2", 40000,
		SW_ST_TIME_WAIT);
	fx_inet(&s, SW_PROTO_TCP, AF_INET6, "::ffff:192.0.2.9", 80, "::ffff:198.51.100.7",
		33333, SW_ST_SYN_RECV);
	fx_inet(&s, SW_PROTO_UDP, AF_INET, "0.0.0.0", 53, NULL, 0, SW_ST_CLOSE);
	fx_inet(&s, SW_PROTO_UDP, AF_INET6, "::", 5353, NULL, 0, SW_ST_CLOSE);
	fx_inet(&s, SW_PROTO_UDPLITE, AF_INET, "127.0.0.1", 9, NULL, 0, SW_ST_CLOSE);
	fx_inet(&s, SW_PROTO_TCP, AF_INET, "0.0.0.0", 80, NULL, 0, SW_ST_LISTEN);
	s.conns[0].rq = 12;
	s.conns[0].wq = 3456;
	struct sw_row rows[7];
	fx_rows(&s, rows, NULL);

	assert_string_equal(cell(SW_COL_PROTO, &rows[0]), "tcp");
	assert_string_equal(cell(SW_COL_PROTO, &rows[1]), "tcp6");
	assert_string_equal(cell(SW_COL_PROTO, &rows[2]), "tcp6");
	assert_string_equal(cell(SW_COL_PROTO, &rows[3]), "udp");
	assert_string_equal(cell(SW_COL_PROTO, &rows[4]), "udp6");
	assert_string_equal(cell(SW_COL_PROTO, &rows[5]), "udpl");

	assert_string_equal(cell(SW_COL_STATE, &rows[0]), "ESTAB");
	assert_string_equal(cell(SW_COL_STATE, &rows[1]), "TIME-WAIT");
	assert_string_equal(cell(SW_COL_STATE, &rows[2]), "SYN-RECV");
	assert_string_equal(cell(SW_COL_STATE, &rows[3]), "UNCONN");
	assert_string_equal(cell(SW_COL_STATE, &rows[6]), "LISTEN");

	assert_string_equal(cell(SW_COL_RECVQ, &rows[0]), "12");
	assert_string_equal(cell(SW_COL_SENDQ, &rows[0]), "3456");

	assert_string_equal(cell(SW_COL_LOCAL, &rows[0]), "10.0.0.1:22");
	assert_string_equal(cell(SW_COL_REMOTE, &rows[0]), "10.0.0.9:51000");
	assert_string_equal(cell(SW_COL_LOCAL, &rows[1]), "[2001:db8::1]:443");
	assert_string_equal(cell(SW_COL_REMOTE, &rows[1]), "[2001:db8::2]:40000");
	/* v4-mapped shown as IPv4 */
	assert_string_equal(cell(SW_COL_LOCAL, &rows[2]), "192.0.2.9:80");
	assert_string_equal(cell(SW_COL_REMOTE, &rows[2]), "198.51.100.7:33333");
	/* IPv4 wildcard as ss prints it: not "*", which means dual-stack */
	assert_string_equal(cell(SW_COL_LOCAL, &rows[3]), "0.0.0.0:53");
	assert_string_equal(cell(SW_COL_REMOTE, &rows[3]), "*:*");
	assert_string_equal(cell(SW_COL_LOCAL, &rows[4]), "*:5353");
	assert_string_equal(cell(SW_COL_LPORT, &rows[1]), "443");
	assert_string_equal(cell(SW_COL_RPORT, &rows[1]), "40000");

	assert_string_equal(cell(SW_COL_USER, &rows[0]), "root");
	assert_string_equal(cell(SW_COL_UID, &rows[0]), "0");
	assert_string_equal(cell(SW_COL_INODE, &rows[0]), "1001");
	assert_string_equal(cell(SW_COL_COOKIE, &rows[1]), "2");
	assert_string_equal(cell(SW_COL_IFACE, &rows[0]), "");
	s.conns[0].flags &= (uint8_t)~SW_CF_HAS_UID;
	assert_string_equal(cell(SW_COL_USER, &rows[0]), "");
	snapshot_done(&s);
}

static void test_unix_formats(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	fx_unix(&s, SOCK_STREAM, SW_ST_LISTEN, "/run/php/fpm.sock", 18, 500, 0);
	fx_unix(&s, SOCK_STREAM, SW_ST_ESTABLISHED, "\0foo\0bar", 8, 501, 12345);
	fx_unix(&s, SOCK_DGRAM, SW_ST_CLOSE, NULL, 0, 502, 0);
	fx_unix(&s, SOCK_SEQPACKET, SW_ST_ESTABLISHED, "/tmp/a\nb", 9, 503, 7);
	struct sw_row rows[4];
	fx_rows(&s, rows, NULL);

	assert_string_equal(cell(SW_COL_PROTO, &rows[0]), "u_str");
	assert_string_equal(cell(SW_COL_PROTO, &rows[2]), "u_dgr");
	assert_string_equal(cell(SW_COL_PROTO, &rows[3]), "u_seq");
	assert_string_equal(cell(SW_COL_STATE, &rows[2]), "UNCONN");
	/* the path's NUL is dropped; abstract names show '@' for every NUL */
	assert_string_equal(cell(SW_COL_LOCAL, &rows[0]), "/run/php/fpm.sock");
	assert_string_equal(cell(SW_COL_LOCAL, &rows[1]), "@foo@bar");
	assert_string_equal(cell(SW_COL_REMOTE, &rows[1]), "* 12345");
	assert_string_equal(cell(SW_COL_LOCAL, &rows[2]), "*");
	assert_string_equal(cell(SW_COL_REMOTE, &rows[2]), "*");
	/* control characters never reach the terminal */
	assert_string_equal(cell(SW_COL_LOCAL, &rows[3]), "/tmp/a?b");
	assert_string_equal(cell(SW_COL_LPORT, &rows[0]), "");
	assert_string_equal(cell(SW_COL_TIMER, &rows[0]), "");
	snapshot_done(&s);
}

static void test_timers(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	for (int i = 0; i < 5; i++)
		fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 80, "10.0.0.2", 1000, 1);
	s.conns[1].timer = SW_TIMER_KEEPALIVE;
	s.conns[1].expires_ms = 5318200;
	s.conns[2].timer = SW_TIMER_TIMEWAIT;
	s.conns[2].expires_ms = 15420;
	s.conns[3].timer = SW_TIMER_ON;
	s.conns[3].expires_ms = 204;
	s.conns[3].retrans = 3;
	s.conns[4].timer = SW_TIMER_PERSIST;
	s.conns[4].expires_ms = 1500;
	s.conns[4].retrans = 2;
	s.conns[0].expires_ms = 999; /* ignored when off */
	struct sw_row rows[5];
	fx_rows(&s, rows, NULL);
	assert_string_equal(cell(SW_COL_TIMER, &rows[0]), "off (0.00/0/0)");
	assert_string_equal(cell(SW_COL_TIMER, &rows[1]), "keepalive (5318.20/0/0)");
	assert_string_equal(cell(SW_COL_TIMER, &rows[2]), "timewait (15.42/0/0)");
	assert_string_equal(cell(SW_COL_TIMER, &rows[3]), "on (0.20/3/0)");
	assert_string_equal(cell(SW_COL_TIMER, &rows[4]), "probe (1.50/0/2)");
	assert_int_equal(cmp(SW_COL_TIMER, &rows[0], &rows[1]), -1);
	assert_int_equal(cmp(SW_COL_TIMER, &rows[3], &rows[1]), -1);
	snapshot_done(&s);
}

static void test_processes(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	size_t a = fx_inet(&s, SW_PROTO_TCP, AF_INET, "0.0.0.0", 80, NULL, 0, SW_ST_LISTEN);
	fx_owner(&s, a, 1234, "nginx", "nginx: master process", 0, 6);
	fx_owner(&s, a, 1240, "nginx", "nginx: worker process", 33, 6);
	fx_owner(&s, a, 1240, "nginx", NULL, 33, 7); /* same process, second fd */
	size_t b = fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 3306, "10.0.0.2", 5, 1);
	fx_owner(&s, b, 999, "mysqld", NULL, 0, 30);
	fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 3306, "10.0.0.2", 6, SW_ST_TIME_WAIT);
	struct sw_row rows[3];
	fx_rows(&s, rows, NULL);
	assert_string_equal(cell(SW_COL_PID, &rows[0]), "1234/nginx+1");
	assert_string_equal(cell(SW_COL_PID, &rows[1]), "999/mysqld");
	assert_string_equal(cell(SW_COL_PID, &rows[2]), "-");
	assert_string_equal(cell(SW_COL_PROCESS, &rows[1]), "mysqld");
	assert_string_equal(cell(SW_COL_CMDLINE, &rows[0]), "nginx: master process");
	assert_string_equal(cell(SW_COL_CMDLINE, &rows[1]), "mysqld"); /* no cmdline: comm */
	assert_string_equal(cell(SW_COL_PROCESS, &rows[2]), "");
	/* unknown < 999 < 1234, numerically */
	assert_int_equal(cmp(SW_COL_PID, &rows[2], &rows[1]), -1);
	assert_int_equal(cmp(SW_COL_PID, &rows[1], &rows[0]), -1);
	assert_int_equal(cmp(SW_COL_PROCESS, &rows[1], &rows[0]), -1); /* mysqld < nginx */
	assert_int_equal(cmp(SW_COL_PROCESS, &rows[2], &rows[1]), -1); /* unknown first */
	snapshot_done(&s);
}

static void test_tcpinfo(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 22, "10.0.0.2", 50000, 1);
	fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 22, "10.0.0.3", 50000, 1);
	fx_inet(&s, SW_PROTO_UDP, AF_INET, "10.0.0.1", 53, "10.0.0.3", 50000, 1);
	struct sw_tcpx *t = snapshot_add_tcpx(&s, 0);
	t->have = SW_TI_BASE | SW_TI_BYTES | SW_TI_SEGS | SW_TI_DELIVERY | SW_TI_CONG;
	t->rtt_us = 1234;
	t->rttvar_us = 50;
	t->snd_cwnd = 10;
	t->snd_ssthresh = 0x7fffffff;
	t->retrans = 0;
	t->total_retrans = 3;
	t->bytes_acked = 1536;
	t->bytes_received = 5u << 20;
	t->segs_in = 7;
	t->segs_out = 9;
	t->delivery_rate = 2048;
	t->last_data_sent_ms = 850;
	t->cong_off = snapshot_intern(&s, "cubic", 5);
	t = snapshot_add_tcpx(&s, 1);
	t->have = SW_TI_BASE;
	t->rtt_us = 250000;
	t->snd_ssthresh = 20;
	t->retrans = 1;
	t->total_retrans = 1;
	struct sw_rowstat rate = {.flags = SW_ROW_RATE, .rx_bps = 2048, .tx_bps = 10};
	const struct sw_rowstat *st[3] = {&rate, NULL, NULL};
	struct sw_row rows[3];
	fx_rows(&s, rows, st);

	assert_string_equal(cell(SW_COL_RTT, &rows[0]), "1.2ms");
	assert_string_equal(cell(SW_COL_RTTVAR, &rows[0]), "0.05ms");
	assert_string_equal(cell(SW_COL_RTT, &rows[1]), "250ms");
	assert_string_equal(cell(SW_COL_CWND, &rows[0]), "10");
	assert_string_equal(cell(SW_COL_SSTHRESH, &rows[0]), ""); /* infinite */
	assert_string_equal(cell(SW_COL_SSTHRESH, &rows[1]), "20");
	assert_string_equal(cell(SW_COL_RETRANS, &rows[0]), "0/3");
	assert_string_equal(cell(SW_COL_BYTES_ACKED, &rows[0]), "1.5K");
	assert_string_equal(cell(SW_COL_BYTES_RECV, &rows[0]), "5.0M");
	assert_string_equal(cell(SW_COL_BYTES_SENT, &rows[0]), ""); /* not provided */
	assert_string_equal(cell(SW_COL_BYTES_ACKED, &rows[1]), "");
	assert_string_equal(cell(SW_COL_SEGS, &rows[0]), "7/9");
	assert_string_equal(cell(SW_COL_DELIVERY_RATE, &rows[0]), "2.0KB/s");
	assert_string_equal(cell(SW_COL_LAST_SEND, &rows[0]), "850ms");
	assert_string_equal(cell(SW_COL_CONG, &rows[0]), "cubic");
	assert_string_equal(cell(SW_COL_CONG, &rows[1]), "");
	assert_string_equal(cell(SW_COL_RTT, &rows[2]), ""); /* UDP */
	assert_string_equal(cell(SW_COL_RX_RATE, &rows[0]), "2.0KB/s");
	assert_string_equal(cell(SW_COL_TX_RATE, &rows[0]), "10B/s");
	assert_string_equal(cell(SW_COL_RX_RATE, &rows[1]), "");

	/* numeric order, rows without data first */
	assert_int_equal(cmp(SW_COL_RTT, &rows[0], &rows[1]), -1);
	assert_int_equal(cmp(SW_COL_RTT, &rows[2], &rows[0]), -1);
	assert_int_equal(cmp(SW_COL_RETRANS, &rows[1], &rows[0]), -1);
	assert_int_equal(cmp(SW_COL_RX_RATE, &rows[1], &rows[0]), -1);
	assert_int_equal(cmp(SW_COL_BYTES_ACKED, &rows[0], &rows[0]), 0);
	snapshot_done(&s);
}

static void test_age(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	s.mono_ns = 100ull * 1000000000ull;
	fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 22, "10.0.0.2", 1, 1);
	fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 22, "10.0.0.2", 2, 1);
	struct sw_rowstat old = {.seen_ms = sw_rowstat_seen(1000000000ull, s.mono_ns),
				 .retrans_delta = 4};
	struct sw_rowstat young = {.seen_ms = sw_rowstat_seen(99500000000ull, s.mono_ns)};
	const struct sw_rowstat *st[2] = {&old, &young};
	struct sw_row rows[2];
	fx_rows(&s, rows, st);
	assert_string_equal(cell(SW_COL_AGE, &rows[0]), "1m39s");
	assert_string_equal(cell(SW_COL_AGE, &rows[1]), "500ms");
	assert_int_equal(cmp(SW_COL_AGE, &rows[1], &rows[0]), -1); /* younger first */
	assert_string_equal(cell(SW_COL_RETRANS_DELTA, &rows[0]), "4");
	assert_int_equal(cmp(SW_COL_RETRANS_DELTA, &rows[1], &rows[0]), -1);
	/* a closed connection's row keeps its lifetime where a live row keeps
	 * its retransmits: ReTx+ shows none, and sorts as none */
	struct sw_rowstat closed = {.flags = SW_ROW_CLOSED, .life_ms = 90061000};
	rows[1].st = &closed;
	assert_string_equal(cell(SW_COL_RETRANS_DELTA, &rows[1]), "0");
	assert_int_equal(cmp(SW_COL_RETRANS_DELTA, &rows[1], &rows[0]), -1);
	assert_string_equal(cell(SW_COL_AGE, &rows[1]), "1d01h");
	snapshot_done(&s);
}

static void test_compare(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	/* 0 */ fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.2", 9, "10.0.0.2", 9, SW_ST_LISTEN);
	/* 1 */ fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.10", 80, "10.0.0.1", 80, 1);
	/* 2 */ fx_inet(&s, SW_PROTO_TCP, AF_INET6, "::ffff:10.0.0.2", 9, "::1", 443,
			SW_ST_TIME_WAIT);
	/* 3 */ fx_inet(&s, SW_PROTO_TCP, AF_INET6, "2001:db8::1", 443, "::ffff:10.0.0.1", 80, 2);
	/* 4 */ fx_unix(&s, SOCK_STREAM, SW_ST_ESTABLISHED, "/a", 3, 1, 2);
	/* 5 */ fx_unix(&s, SOCK_STREAM, SW_ST_ESTABLISHED, "/b", 3, 2, 1);
	/* 6 */ fx_inet(&s, SW_PROTO_UDP, AF_INET, "10.0.0.2", 9, NULL, 0, SW_ST_CLOSE);
	s.conns[1].rq = 9;
	s.conns[2].rq = 10;
	struct sw_row r[7];
	fx_rows(&s, r, NULL);

	/* addresses: bytes, not text ("10.0.0.10" > "10.0.0.2") */
	assert_int_equal(cmp(SW_COL_LOCAL, &r[0], &r[1]), -1);
	/* v4-mapped compares as IPv4: equal address and port */
	assert_int_equal(cmp(SW_COL_LOCAL, &r[0], &r[2]), 0);
	/* IPv4 (also mapped) < IPv6 < UNIX */
	assert_int_equal(cmp(SW_COL_LOCAL, &r[2], &r[3]), -1);
	assert_int_equal(cmp(SW_COL_LOCAL, &r[3], &r[4]), -1);
	assert_int_equal(cmp(SW_COL_LOCAL, &r[4], &r[5]), -1);
	assert_int_equal(cmp(SW_COL_REMOTE, &r[3], &r[1]), 0); /* mapped 10.0.0.1:80 */
	assert_int_equal(cmp(SW_COL_REMOTE, &r[1], &r[2]), -1);
	assert_int_equal(cmp(SW_COL_REMOTE, &r[5], &r[4]), -1); /* by peer inode */
	/* ports numerically: 9 < 80 < 443 */
	assert_int_equal(cmp(SW_COL_LPORT, &r[0], &r[1]), -1);
	assert_int_equal(cmp(SW_COL_LPORT, &r[1], &r[3]), -1);
	assert_int_equal(cmp(SW_COL_RPORT, &r[1], &r[2]), -1);
	/* states in kernel order: ESTAB < SYN-SENT < TIME-WAIT < LISTEN */
	assert_int_equal(cmp(SW_COL_STATE, &r[1], &r[3]), -1);
	assert_int_equal(cmp(SW_COL_STATE, &r[3], &r[2]), -1);
	assert_int_equal(cmp(SW_COL_STATE, &r[2], &r[0]), -1);
	/* queues numerically */
	assert_int_equal(cmp(SW_COL_RECVQ, &r[1], &r[2]), -1);
	assert_int_equal(cmp(SW_COL_RECVQ, &r[0], &r[1]), -1);
	/* proto: tcp < tcp6 < udp < unix */
	assert_int_equal(cmp(SW_COL_PROTO, &r[0], &r[3]), -1);
	assert_int_equal(cmp(SW_COL_PROTO, &r[3], &r[6]), -1);
	assert_int_equal(cmp(SW_COL_PROTO, &r[6], &r[4]), -1);
	assert_int_equal(cmp(SW_COL_INODE, &r[0], &r[1]), -1);
	snapshot_done(&s);
}

static void test_parse_list(void **state)
{
	(void)state;
	enum sw_col_id ids[8];
	bool desc[8];
	int bad = -1;
	assert_int_equal(column_parse_list("state,local,-rtt", ids, desc, 8, &bad), 3);
	assert_int_equal(ids[0], SW_COL_STATE);
	assert_int_equal(ids[1], SW_COL_LOCAL);
	assert_int_equal(ids[2], SW_COL_RTT);
	assert_false(desc[0]);
	assert_false(desc[1]);
	assert_true(desc[2]);
	assert_int_equal(column_parse_list(" proto , +pid,RX/s ", ids, desc, 8, &bad), 3);
	assert_int_equal(ids[2], SW_COL_RX_RATE);
	assert_false(desc[1]);

	assert_int_equal(column_parse_list("state,bogus", ids, desc, 8, &bad), -1);
	assert_int_equal(bad, 6);
	assert_int_equal(column_parse_list("state,,local", ids, desc, 8, &bad), -1);
	assert_int_equal(bad, 6);
	assert_int_equal(column_parse_list("state,", ids, desc, 8, &bad), -1);
	assert_int_equal(bad, 6);
	assert_int_equal(column_parse_list("", ids, desc, 8, &bad), -1);
	assert_int_equal(bad, 0);
	assert_int_equal(column_parse_list("state local", ids, desc, 8, &bad), -1);
	assert_int_equal(bad, 6);
	assert_int_equal(column_parse_list("proto,state,local", ids, desc, 2, &bad), -1);
	assert_int_equal(bad, 12);
	assert_int_equal(column_parse_list("-", ids, desc, 8, &bad), -1);
	assert_int_equal(bad, 0);
	/* desc may be NULL */
	assert_int_equal(column_parse_list("-state", ids, NULL, 8, &bad), 1);
}

/* Interface names come from the snapshot (the namespace the sockets were
 * collected in), never from the namespace sockwatch runs in. */
static void test_iface_names(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	fx_inet(&s, SW_PROTO_UDP, AF_INET, "0.0.0.0", 67, NULL, 0, SW_ST_CLOSE);
	fx_inet(&s, SW_PROTO_UDP, AF_INET, "0.0.0.0", 68, NULL, 0, SW_ST_CLOSE);
	fx_inet(&s, SW_PROTO_UDP, AF_INET, "0.0.0.0", 69, NULL, 0, SW_ST_CLOSE);
	s.conns[0].ifindex = 7;
	s.conns[1].ifindex = 1; /* this host's lo, but not named in the snapshot */
	snapshot_add_ifname(&s, 7, "veth-web0");
	struct sw_row rows[3];
	fx_rows(&s, rows, NULL);
	assert_string_equal(cell(SW_COL_IFACE, &rows[0]), "veth-web0");
	assert_string_equal(cell(SW_COL_IFACE, &rows[1]), "if1");
	assert_string_equal(cell(SW_COL_IFACE, &rows[2]), "");
	struct sw_snapshot t;
	snapshot_init(&t);
	snapshot_add_ifname(&t, 1, "lo");
	snapshot_merge_ifnames(&t, &s);
	snapshot_merge_ifnames(&t, &s);
	assert_int_equal(t.nifnames, 2);
	assert_string_equal(snapshot_ifname(&t, 7), "veth-web0");
	assert_null(snapshot_ifname(&t, 3));
	snapshot_clear(&s);
	assert_null(snapshot_ifname(&s, 7));
	snapshot_done(&t);
	snapshot_done(&s);
}

/* The facts a caller needs about a column are in the table: which way a
 * first sort goes, what the collector must read, how an address shrinks. */
static void test_table_facts(void **state)
{
	(void)state;
	for (int i = 0; i < SW_COL_COUNT; i++) {
		const struct sw_column *c = column_get((enum sw_col_id)i);
		/* numbers sort biggest first, except port numbers, ids and times-since */
		if (c->desc_first)
			assert_true(c->right);
		/* an address column has a short header, nothing else does */
		assert_int_equal(c->addr, c->short_header != NULL);
		if (c->addr)
			assert_true(strlen(c->short_header) < strlen(c->header));
	}
	assert_true(column_get(SW_COL_RX_RATE)->desc_first);
	assert_true(column_get(SW_COL_AGE)->desc_first);
	assert_false(column_get(SW_COL_LPORT)->desc_first);
	assert_false(column_get(SW_COL_LAST_SEND)->desc_first);
	assert_true(column_get(SW_COL_LOCAL)->addr);

	enum sw_col_id plain[] = {SW_COL_PROTO, SW_COL_STATE, SW_COL_LOCAL, SW_COL_REMOTE,
				  SW_COL_AGE};
	assert_int_equal(columns_needs(plain, 5, NULL, 0), 0);
	enum sw_col_id owner[] = {SW_COL_STATE, SW_COL_PID};
	assert_int_equal(columns_needs(owner, 2, NULL, 0), SW_NEED_PROCS);
	/* a sort key counts like a shown column */
	struct sw_sortkey k[] = {{SW_COL_RTT, true}, {SW_COL_CMDLINE, false}};
	assert_int_equal(columns_needs(plain, 5, k, 2), SW_NEED_TCPINFO | SW_NEED_PROCS);
	enum sw_col_id extras[] = {SW_COL_CONG, SW_COL_WMEM, SW_COL_TX_RATE};
	assert_int_equal(columns_needs(extras, 3, NULL, 0),
			 SW_NEED_CONG | SW_NEED_MEM | SW_NEED_TCPINFO);
	/* ids out of range are ignored */
	enum sw_col_id bad[] = {SW_COL_COUNT};
	assert_int_equal(columns_needs(bad, 1, NULL, 0), 0);

	/* which read a row's tcp_info (the monitor lends it away when none
	 * does): not the rates and the retransmissions since the last
	 * refresh, which come from the row state */
	enum sw_col_id dflt[] = {SW_COL_PROTO, SW_COL_STATE, SW_COL_RX_RATE, SW_COL_TX_RATE,
				 SW_COL_RETRANS_DELTA, SW_COL_AGE, SW_COL_WMEM};
	assert_false(columns_read_tcpinfo(dflt, 7, NULL, 0));
	assert_false(columns_read_tcpinfo(bad, 1, NULL, 0));
	enum sw_col_id rtt[] = {SW_COL_STATE, SW_COL_RTT};
	assert_true(columns_read_tcpinfo(rtt, 2, NULL, 0));
	enum sw_col_id cong[] = {SW_COL_CONG};
	assert_true(columns_read_tcpinfo(cong, 1, NULL, 0));
	assert_true(columns_read_tcpinfo(dflt, 7, k, 2)); /* sorted on the RTT */
	struct sw_sortkey rate[] = {{SW_COL_RX_RATE, true}};
	assert_false(columns_read_tcpinfo(dflt, 7, rate, 1));
}

/* Every formatter returns the length of what it wrote (the batch table
 * takes it instead of measuring each cell): for every column, over rows
 * of every kind, with room to spare and truncated into 1..24 bytes, the
 * return is strlen(buf), and nothing is written past len. */
static void test_format_lengths(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	s.mono_ns = 400000ull * 1000000000ull;
	struct sw_nsinfo ni;
	memset(&ni, 0, sizeof ni);
	ni.inode = 4026532000u;
	snprintf(ni.label, sizeof ni.label, "%s", "docker:a-rather-long-container-name-0123456789abcdef");
	snapshot_add_ns(&s, &ni);

	/* TCP v4 with everything: tcp_info, owners, timer, memory, iface */
	size_t a = fx_inet(&s, SW_PROTO_TCP, AF_INET, "192.168.100.200", 65535, "10.0.0.9",
			   51000, SW_ST_ESTABLISHED);
	fx_owner(&s, a, 4194303, "a-long-comm-nam", "/usr/sbin/some-daemon --with\targs", 0, 3);
	fx_owner(&s, a, 77, "helper", NULL, 0, 4);
	s.conns[a].rq = 4294967295u;
	s.conns[a].wq = 123456;
	s.conns[a].timer = SW_TIMER_KEEPALIVE;
	s.conns[a].expires_ms = 4000000000u;
	s.conns[a].retrans = 255;
	s.conns[a].ifindex = 7;
	s.conns[a].ns = 3; /* past the table: no label, names of the default namespace */
	s.conns[a].flags |= SW_CF_HAS_SKMEM;
	s.conns[a].rmem = 1u << 30;
	s.conns[a].wmem = 999;
	s.conns[a].cookie = UINT64_MAX;
	s.conns[a].inode = 4294967295u;
	snapshot_add_ifname(&s, 7, "veth-web0");
	struct sw_tcpx *t = snapshot_add_tcpx(&s, a);
	t->have = SW_TI_BASE | SW_TI_BYTES | SW_TI_SEGS | SW_TI_DELIVERY | SW_TI_BUSY |
		  SW_TI_BYTES_SENT | SW_TI_CONG;
	t->rtt_us = 999;
	t->rttvar_us = 99999;
	t->snd_cwnd = 4294967295u;
	t->snd_ssthresh = 20;
	t->retrans = SW_TCPX_RETRANS_MAX;
	t->total_retrans = 4294967295u;
	t->lost = 12;
	t->bytes_acked = UINT64_MAX;
	t->bytes_received = 5u << 20;
	t->bytes_sent = 1023;
	t->segs_in = 4294967295u;
	t->segs_out = 4294967295u;
	t->delivery_rate = 1ull << 50;
	t->last_data_sent_ms = 850;
	t->last_data_recv_ms = 4000000000u;
	t->busy_time_us = 59999000;
	t->cong_off = snapshot_intern(&s, "bbr", 3);
	/* TCP v6, tcp_info without the optional parts, infinite ssthresh */
	size_t b = fx_inet(&s, SW_PROTO_TCP, AF_INET6, "2001:db8:1234:5678:9abc:def0:1234:5678",
			   443, "fe80::1", 40000, SW_ST_TIME_WAIT);
	s.conns[b].timer = SW_TIMER_TIMEWAIT;
	s.conns[b].expires_ms = 15420;
	s.conns[b].ifindex = 9; /* not named: "if9" */
	t = snapshot_add_tcpx(&s, b);
	t->have = SW_TI_BASE;
	t->rtt_us = 250000;
	t->snd_ssthresh = 0x7fffffff;
	/* v4-mapped, a SYN being retransmitted, no uid */
	size_t c = fx_inet(&s, SW_PROTO_TCP, AF_INET6, "::ffff:192.0.2.9", 80,
			   "::ffff:198.51.100.7", 33333, SW_ST_SYN_RECV);
	s.conns[c].timer = SW_TIMER_ON;
	s.conns[c].expires_ms = 204;
	s.conns[c].retrans = 3;
	s.conns[c].flags &= (uint8_t)~SW_CF_HAS_UID;
	/* wildcard listeners: IPv4, dual-stack, v6only, port 0 */
	size_t d = fx_inet(&s, SW_PROTO_TCP, AF_INET, "0.0.0.0", 80, NULL, 0, SW_ST_LISTEN);
	fx_owner(&s, d, 1234, "nginx", "nginx: master process", 0, 6);
	fx_inet(&s, SW_PROTO_TCP, AF_INET6, "::", 8080, NULL, 0, SW_ST_LISTEN);
	size_t e = fx_inet(&s, SW_PROTO_TCP, AF_INET6, "::", 8443, NULL, 0, SW_ST_LISTEN);
	s.conns[e].flags |= SW_CF_V6ONLY | SW_CF_HAS_V6ONLY;
	size_t f = fx_inet(&s, SW_PROTO_TCP, AF_INET6, "::", 0, NULL, 0, SW_ST_CLOSE);
	s.conns[f].flags |= SW_CF_V6ONLY | SW_CF_HAS_V6ONLY;
	fx_inet(&s, SW_PROTO_TCP, AF_INET, "0.0.0.0", 0, NULL, 0, SW_ST_CLOSE);
	/* UDP, UDP-Lite, others; an unknown uid (no user name: the number) */
	size_t g = fx_inet(&s, SW_PROTO_UDP, AF_INET, "127.0.0.53", 53, NULL, 0, SW_ST_CLOSE);
	s.conns[g].uid = 4294967294u;
	fx_inet(&s, SW_PROTO_UDP, AF_INET6, "::", 5353, NULL, 0, SW_ST_CLOSE);
	fx_inet(&s, SW_PROTO_UDP, AF_INET6, "2001:db8::53", 53, "2001:db8::99", 3000,
		SW_ST_ESTABLISHED);
	fx_inet(&s, SW_PROTO_UDPLITE, AF_INET6, "::1", 9, NULL, 0, SW_ST_CLOSE);
	fx_inet(&s, SW_PROTO_RAW, AF_INET, "0.0.0.0", 1, NULL, 0, SW_ST_CLOSE);
	fx_inet(&s, SW_PROTO_SCTP, AF_INET6, "::ffff:10.1.2.3", 38412, NULL, 0, SW_ST_LISTEN);
	fx_inet(&s, SW_PROTO_MPTCP, AF_INET, "10.0.0.1", 443, "10.0.0.2", 1, SW_ST_FIN_WAIT1);
	size_t h = fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 1, "10.0.0.2", 2, 99);
	s.conns[h].family = 0; /* neither inet nor UNIX */
	/* UNIX: path, abstract, unnamed, a peer, control and UTF-8 bytes */
	char longpath[108];
	memset(longpath, 'p', sizeof longpath);
	longpath[0] = '/';
	longpath[sizeof longpath - 1] = '\0';
	fx_unix(&s, SOCK_STREAM, SW_ST_LISTEN, "/run/php/fpm.sock", 18, 500, 0);
	size_t u = fx_unix(&s, SOCK_STREAM, SW_ST_ESTABLISHED, "\0foo\0bar", 8, 501, 4294967295u);
	fx_owner(&s, u, 600, "dbus-daemon", "dbus-daemon\0--system", 81, 5);
	fx_unix(&s, SOCK_DGRAM, SW_ST_CLOSE, NULL, 0, 502, 0);
	fx_unix(&s, SOCK_SEQPACKET, SW_ST_ESTABLISHED, "/tmp/a\nb\x7f\xc3\xa9", 12, 503, 7);
	fx_unix(&s, SOCK_STREAM, SW_ST_LISTEN, longpath, sizeof longpath, 504, 0);
	fx_unix(&s, SOCK_STREAM, SW_ST_ESTABLISHED, NULL, 0, 505, 12);

	enum { N = 22 };
	assert_int_equal(s.nconns, N);
	/* row states: rates, ages (live, closed with a lifetime), none at all */
	struct sw_rowstat rate = {.flags = SW_ROW_RATE, .rx_bps = 3e12f, .tx_bps = 10,
				  .seen_ms = sw_rowstat_seen(1, s.mono_ns),
				  .retrans_delta = 4294967295u};
	struct sw_rowstat young = {.flags = SW_ROW_RATE,
				   .seen_ms = sw_rowstat_seen(399999500000000ull, s.mono_ns)};
	struct sw_rowstat closed = {.flags = SW_ROW_CLOSED, .life_ms = 90061000};
	const struct sw_rowstat *st[N] = {[0] = &rate, [1] = &young, [2] = &closed,
					  [3] = &fx_tomb, [17] = &rate, [21] = &closed};
	struct sw_row rows[N];
	fx_rows(&s, rows, st);
	rows[4].st = NULL;
	rows[20].st = NULL;

	enum { BIG = 1024, SMALL = 24, GUARD = 16 };
	char *big = malloc(BIG);
	assert_non_null(big);
	for (int id = 0; id < SW_COL_COUNT; id++) {
		const struct sw_column *col = column_get((enum sw_col_id)id);
		bool shown = false; /* some row has text in this column */
		for (size_t i = 0; i < N; i++) {
			memset(big, 0x5a, BIG);
			size_t n = col->format(&rows[i], big, BIG);
			if (n != strlen(big))
				fail_msg("column %s, row %zu: returned %zu for \"%s\" (%zu)",
					 col->name, i, n, big, strlen(big));
			shown |= n > 0;
			for (size_t len = 1; len <= SMALL; len++) {
				/* exactly len bytes, then guard bytes that must stay */
				char *buf = malloc(len + GUARD);
				assert_non_null(buf);
				memset(buf, 0x5a, len + GUARD);
				size_t k = col->format(&rows[i], buf, len);
				if (!memchr(buf, '\0', len))
					fail_msg("column %s, row %zu, len %zu: unterminated",
						 col->name, i, len);
				if (k != strlen(buf))
					fail_msg("column %s, row %zu, len %zu: returned %zu for "
						 "\"%s\" (%zu)", col->name, i, len, k, buf,
						 strlen(buf));
				for (size_t j = len; j < len + GUARD; j++)
					if (buf[j] != 0x5a)
						fail_msg("column %s, row %zu, len %zu: wrote byte %zu",
							 col->name, i, len, j);
				/* what fits of the full text */
				assert_true(k <= n);
				assert_memory_equal(buf, big, k);
				free(buf);
			}
		}
		if (!shown)
			fail_msg("column %s: empty in every row", col->name);
	}
	free(big);
	snapshot_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_complete),
		cmocka_unit_test(test_table_facts),
		cmocka_unit_test(test_iface_names),
		cmocka_unit_test(test_inet_formats),
		cmocka_unit_test(test_unix_formats),
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_processes),
		cmocka_unit_test(test_tcpinfo),
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_parse_list),
		cmocka_unit_test(test_format_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
