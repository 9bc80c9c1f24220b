/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_output: the batch table, JSON (validity, escaping, content) and the
 * summary, written to memory streams. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"
#include "rows_fixture.h"

/* ---- a tiny strict JSON validator (RFC 8259) ------------------------------ */

struct jp {
	const char *p, *end;
	int depth;
};

static bool jv(struct jp *j);

static void ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool jstring(struct jp *j)
{
	if (j->p >= j->end || *j->p != '"')
		return false;
	j->p++;
	while (j->p < j->end) {
		unsigned char c = (unsigned char)*j->p;
		if (c == '"') {
			j->p++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			j->p++;
			if (j->p >= j->end)
				return false;
			char e = *j->p++;
			if (e == 'u') {
				for (int i = 0; i < 4; i++, j->p++)
					if (j->p >= j->end || !strchr("0123456789abcdefABCDEF", *j->p))
						return false;
			} else if (!strchr("\"\\/bfnrt", e)) {
				return false;
			}
			continue;
		}
		if (c >= 0x80) { /* validate UTF-8 */
			int k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
			if (!k || c > 0xf4 || j->end - j->p < k)
				return false;
			for (int i = 1; i < k; i++)
				if (((unsigned char)j->p[i] & 0xc0) != 0x80)
					return false;
			j->p += k;
			continue;
		}
		j->p++;
	}
	return false;
}

static bool jnumber(struct jp *j)
{
	const char *s = j->p;
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end)
		return false;
	if (*j->p == '0')
		j->p++;
	else if (*j->p >= '1' && *j->p <= '9')
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	else
		return false;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return false;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s;
}

static bool jlit(struct jp *j, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return false;
	j->p += n;
	return true;
}

static bool jv(struct jp *j)
{
	ws(j);
	if (j->p >= j->end || ++j->depth > 64)
		return false;
	bool ok;
	char c = *j->p;
	if (c == '{' || c == '[') {
		char close = c == '{' ? '}' : ']';
		j->p++;
		ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			j->depth--;
			return true;
		}
		for (;;) {
			if (c == '{') {
				ws(j);
				if (!jstring(j))
					return false;
				ws(j);
				if (j->p >= j->end || *j->p++ != ':')
					return false;
			}
			if (!jv(j))
				return false;
			ws(j);
			if (j->p >= j->end)
				return false;
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p++ != close)
				return false;
			break;
		}
		ok = true;
	} else if (c == '"') {
		ok = jstring(j);
	} else if (c == 't') {
		ok = jlit(j, "true");
	} else if (c == 'f') {
		ok = jlit(j, "false");
	} else if (c == 'n') {
		ok = jlit(j, "null");
	} else {
		ok = jnumber(j);
	}
	j->depth--;
	return ok;
}

/* One document on one line, newline-terminated. */
static bool json_valid_line(const char *s, size_t len)
{
	if (!len || s[len - 1] != '\n' || memchr(s, '\n', len - 1))
		return false;
	struct jp j = {s, s + len - 1, 0};
	if (!jv(&j))
		return false;
	ws(&j);
	return j.p == j.end;
}

static void test_validator_itself(void **state)
{
	(void)state;
	const char *good = "{\"a\":[1,-2.5,true,false,null,\"x\\u0000\"],\"b\":{}}\n";
	assert_true(json_valid_line(good, strlen(good)));
	const char *bad[] = {
		"{\"a\":1,}\n", "{\"a\" 1}\n", "[\"\x01\"]\n", "[01]\n", "{\"a\":\"\\x\"}\n",
		"[\"\xff\"]\n", "{}{}\n", "{}", "[1]\n[2]\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(json_valid_line(bad[i], strlen(bad[i])));
}

/* ---- helpers ------------------------------------------------------------- */

struct mem {
	char *buf;
	size_t len;
	FILE *fp;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->fp = open_memstream(&m->buf, &m->len);
	assert_non_null(m->fp);
}

static char *mem_close(struct mem *m)
{
	fclose(m->fp);
	return m->buf;
}

static char *jstr(const char *s, size_t len)
{
	struct mem m;
	mem_open(&m);
	out_json_str(m.fp, s, len);
	return mem_close(&m);
}

/* ---- JSON ------------------------------------------------------------------ */

static void test_json_escaping(void **state)
{
	(void)state;
	char *s;
	s = jstr("plain", 5);
	assert_string_equal(s, "\"plain\"");
	free(s);
	s = jstr("a\"b\\c\n\t\r\b\f", 10);
	assert_string_equal(s, "\"a\\\"b\\\\c\\n\\t\\r\\b\\f\"");
	free(s);
	s = jstr("\x01x\x1f\0y", 5);
	assert_string_equal(s, "\"\\u0001x\\u001f\\u0000y\"");
	free(s);
	/* valid UTF-8 passes through; 0x7f is legal JSON */
	s = jstr("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\x7f", 15);
	assert_string_equal(s, "\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\x7f\"");
	free(s);
	/* invalid: stray continuation, truncated sequence, overlong, surrogate,
	 * beyond U+10FFFF: one \ufffd per bad byte */
	s = jstr("\x80", 1);
	assert_string_equal(s, "\"\\ufffd\"");
	free(s);
	s = jstr("a\xc3", 2);
	assert_string_equal(s, "\"a\\ufffd\"");
	free(s);
	s = jstr("\xc0\xaf", 2);
	assert_string_equal(s, "\"\\ufffd\\ufffd\"");
	free(s);
	s = jstr("\xed\xa0\x80", 3);
	assert_string_equal(s, "\"\\ufffd\\ufffd\\ufffd\"");
	free(s);
	s = jstr("\xf4\x90\x80\x80z", 5);
	assert_string_equal(s, "\"\\ufffd\\ufffd\\ufffd\\ufffdz\"");
	free(s);
	/* every byte value: always valid JSON */
	char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	s = jstr(all, sizeof all);
	size_t n = strlen(s);
	char *line = malloc(n + 4);
	snprintf(line, n + 4, "[%s]\n", s);
	assert_true(json_valid_line(line, strlen(line)));
	free(line);
	free(s);
}

/* A snapshot with the awkward cases. */
static void build_nasty(struct sw_snapshot *s)
{
	snapshot_init(s);
	s->real_sec = 1700000000;
	s->collect_ms = 12.5;
	s->notes = SW_NOTE_NOT_ROOT;
	s->protos_missing = SW_PROTO_BIT(SW_PROTO_RAW) | SW_PROTO_BIT(SW_PROTO_SCTP);
	sw_strlcpy(s->hostname, "web\"1", sizeof s->hostname);
	size_t i;
	i = fx_inet(s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 80, "10.0.0.7", 40001, 1);
	s->conns[i].timer = SW_TIMER_KEEPALIVE;
	s->conns[i].expires_ms = 7200000;
	s->conns[i].cookie = 9007199254740993ull; /* > 2^53 */
	fx_owner(s, i, 4242, "ng\"inx\n", "/usr/sbin/nginx -g daemon\x01off;", 33, 6);
	struct sw_tcpx *t = snapshot_add_tcpx(s, i);
	t->have = SW_TI_BASE | SW_TI_BYTES | SW_TI_CONG;
	t->rtt_us = 1500;
	t->snd_cwnd = 10;
	t->bytes_acked = 123456;
	t->bytes_received = 654321;
	t->cong_off = snapshot_intern(s, "bbr", 3);
	i = fx_inet(s, SW_PROTO_TCP, AF_INET6, "::ffff:192.0.2.9", 80, "::ffff:198.51.100.7",
		    33333, SW_ST_SYN_RECV);
	i = fx_inet(s, SW_PROTO_UDP, AF_INET6, "::", 53, NULL, 0, SW_ST_CLOSE);
	i = fx_unix(s, SOCK_STREAM, SW_ST_ESTABLISHED, "\0abs\0tr\xff", 8, 77, 78);
	i = fx_unix(s, SOCK_DGRAM, SW_ST_CLOSE, "/run/a \"b\".sock", 16, 79, 0);
}

static char *json_of(const struct sw_snapshot *s, const struct sw_row *rows, size_t n,
		     bool aggregates)
{
	struct mem m;
	mem_open(&m);
	struct out_json_opts o = {.aggregates = aggregates, .top = 5};
	assert_int_equal(out_conns_json(m.fp, s, fx_view(rows, n), &o), 0);
	return mem_close(&m);
}

static void test_json_document(void **state)
{
	(void)state;
	struct sw_snapshot s;
	build_nasty(&s);
	struct sw_rowstat rate = {.flags = SW_ROW_RATE, .rx_bps = 1000, .tx_bps = 20};
	const struct sw_rowstat *st[5] = {&rate};
	struct sw_row rows[5];
	fx_rows(&s, rows, st);
	char *j = json_of(&s, rows, 5, false);
	assert_true(json_valid_line(j, strlen(j)));
	/* header */
	assert_non_null(strstr(j, "{\"version\":1,\"time\":1700000000,"
				  "\"time_iso\":\"2023-11-14T22:13:20Z\",\"host\":\"web\\\"1\""));
	assert_non_null(strstr(j, "\"collect_ms\":12.500"));
	assert_non_null(strstr(j, "\"notes\":[\"not_root\"]"));
	assert_non_null(strstr(j, "\"protocols_missing\":[\"raw\",\"sctp\"]"));
	assert_non_null(strstr(j, "\"count\":5"));
	/* socket 0 */
	assert_non_null(strstr(j, "{\"proto\":\"tcp\",\"family\":\"inet\",\"state\":\"ESTABLISHED\","
				  "\"local\":{\"addr\":\"10.0.0.1\",\"port\":80},"
				  "\"remote\":{\"addr\":\"10.0.0.7\",\"port\":40001},"
				  "\"v4mapped\":false,\"recv_q\":0,\"send_q\":0,"
				  "\"timer\":{\"name\":\"keepalive\",\"expires_ms\":7200000,\"retrans\":0},"
				  "\"uid\":0,\"user\":\"root\",\"inode\":1001,"
				  "\"cookie\":9007199254740993,"));
	assert_non_null(strstr(j, "\"processes\":[{\"pid\":4242,\"comm\":\"ng\\\"inx\\n\","
				  "\"cmdline\":\"/usr/sbin/nginx -g daemon\\u0001off;\","
				  "\"uid\":33,\"user\":"));
	assert_non_null(strstr(j, "\"fd\":6}]"));
	assert_non_null(strstr(j, "\"tcp\":{\"rtt_us\":1500,"));
	assert_non_null(strstr(j, "\"bytes_acked\":123456,\"bytes_received\":654321,"
				  "\"cong\":\"bbr\"}"));
	assert_null(strstr(j, "bytes_sent")); /* not provided by the "kernel" */
	assert_non_null(strstr(j, "\"rx_bps\":1000,\"tx_bps\":20"));
	/* v4-mapped */
	assert_non_null(strstr(j, "\"family\":\"inet6\",\"state\":\"SYN_RECV\","
				  "\"local\":{\"addr\":\"192.0.2.9\",\"port\":80},"
				  "\"remote\":{\"addr\":\"198.51.100.7\",\"port\":33333},"
				  "\"v4mapped\":true"));
	/* unconnected UDP */
	assert_non_null(strstr(j, "\"proto\":\"udp\",\"family\":\"inet6\",\"state\":\"UNCONN\","
				  "\"local\":{\"addr\":\"::\",\"port\":53},"
				  "\"remote\":{\"addr\":\"::\",\"port\":0}"));
	/* UNIX: abstract name with NULs and an invalid byte; a path with quotes */
	assert_non_null(strstr(j, "\"unix\":{\"type\":\"stream\","
				  "\"path\":\"@abs\\u0000tr\\ufffd\",\"abstract\":true,"
				  "\"peer_inode\":78}"));
	assert_non_null(strstr(j, "\"unix\":{\"type\":\"dgram\","
				  "\"path\":\"/run/a \\\"b\\\".sock\"}"));
	/* summary: per protocol, netstat names */
	assert_non_null(strstr(j, "\"summary\":{\"total\":5,"
				  "\"tcp\":{\"total\":2,\"ESTABLISHED\":1,\"SYN_RECV\":1},"
				  "\"udp\":{\"total\":1,\"UNCONN\":1},"
				  "\"unix\":{\"total\":2,\"ESTABLISHED\":1,\"UNCONN\":1}}"));
	assert_null(strstr(j, "\"kernel\""));      /* no kstat in this snapshot */
	assert_null(strstr(j, "\"aggregates\"")); /* not asked */
	free(j);
	snapshot_done(&s);
}

static void extra_member(FILE *fp, void *arg)
{
	fprintf(fp, ",\"diagnoses\":[%d]", *(int *)arg);
}

/* With details (batch JSON) the whole tcp_info, skmem and cgroup are
 * printed; without (what the monitor keeps) only the fields it holds. */
static void test_json_details(void **state)
{
	(void)state;
	for (int detail = 0; detail < 2; detail++) {
		struct sw_snapshot s;
		snapshot_init(&s);
		s.detail = detail;
		size_t i = fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 80, "10.0.0.7", 40001, 1);
		struct sw_tcpx *t = snapshot_add_tcpx(&s, i);
		t->have = SW_TI_BASE | SW_TI_PACING | SW_TI_BYTES | SW_TI_CONG;
		t->rtt_us = 1500;
		t->cong_off = snapshot_intern(&s, "cubic", 5);
		s.conns[i].flags |= SW_CF_HAS_SKMEM;
		s.conns[i].rmem = 11;
		s.conns[i].wmem = 44;
		struct sw_conn_detail d = {.cgroup_id = 4242};
		d.skmem[SW_SKMEM_RMEM_ALLOC] = 11;
		d.skmem[SW_SKMEM_WMEM_QUEUED] = 44;
		d.skmem[SW_SKMEM_DROPS] = 3;
		struct sw_tcpd td = {.rto_us = 204000, .pacing_rate = 777};
		snapshot_set_details(&s, i, &d, &td); /* kept only with details */
		struct sw_tcpd back;
		assert_int_equal(snapshot_get_tcpd(&s, &s.conns[i], &back), detail);
		struct sw_row r = {&s, &s.conns[0], NULL};
		char *j = json_of(&s, &r, 1, false);
		assert_true(json_valid_line(j, strlen(j)));
		assert_non_null(strstr(j, "\"tcp\":{\"rtt_us\":1500,"));
		assert_non_null(strstr(j, "\"cong\":\"cubic\"}"));
		if (detail) {
			assert_non_null(strstr(j, "\"rto_us\":204000"));
			assert_non_null(strstr(j, "\"pacing_rate\":777"));
			assert_non_null(strstr(j, "\"cgroup_id\":4242"));
			assert_non_null(strstr(j, "\"skmem\":{\"rmem_alloc\":11,\"rcvbuf\":0,"));
			assert_non_null(strstr(j, "\"drops\":3}"));
		} else {
			assert_null(strstr(j, "rto_us"));
			assert_null(strstr(j, "pacing_rate"));
			assert_null(strstr(j, "cgroup_id"));
			assert_non_null(strstr(j, "\"skmem\":{\"rmem_alloc\":11,\"wmem_queued\":44}"));
		}
		free(j);
		snapshot_done(&s);
	}
}

/* The kernel's all-ones "unset" (pacing_rate with no pacing limit) is left
 * out instead of printed as 18446744073709551615 (a double in most JSON
 * readers: 18446744073709552000); every other value, the largest real one
 * included, is printed. */
static void test_json_unset_u64(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	s.detail = true;
	size_t i = fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 80, "10.0.0.7", 40001, 1);
	struct sw_tcpx *t = snapshot_add_tcpx(&s, i);
	t->have = SW_TI_BASE | SW_TI_PACING | SW_TI_BYTES | SW_TI_DELIVERY;
	t->bytes_acked = UINT64_MAX;
	t->bytes_received = UINT64_MAX - 1;
	t->delivery_rate = 0;
	struct sw_tcpd td = {.pacing_rate = UINT64_MAX, .max_pacing_rate = 125000};
	struct sw_conn_detail d = {0};
	snapshot_set_details(&s, i, &d, &td);
	struct sw_row r = {&s, &s.conns[0], NULL};
	char *j = json_of(&s, &r, 1, false);
	assert_true(json_valid_line(j, strlen(j)));
	assert_null(strstr(j, "18446744073709551615"));
	assert_null(strstr(j, "\"pacing_rate\""));
	assert_null(strstr(j, "\"bytes_acked\""));
	assert_non_null(strstr(j, "\"max_pacing_rate\":125000"));
	assert_non_null(strstr(j, "\"bytes_received\":18446744073709551614"));
	assert_non_null(strstr(j, "\"delivery_rate\":0"));
	free(j);
	snapshot_done(&s);
}

static void test_json_kernel_aggregates(void **state)
{
	(void)state;
	struct sw_snapshot s;
	build_nasty(&s);
	s.have_kstat = true;
	memset(&s.kstat, 0xff, offsetof(struct sw_kstat, reserved_ports)); /* all -1 */
	s.kstat.port_lo = 32768;
	s.kstat.port_hi = 60999;
	s.kstat.tcp_tw_reuse = 2;
	s.kstat.reserved_ports[0] = '\0';
	s.kstat.sockstat_tw = 3;
	s.kstat.sockstat_orphan = s.kstat.sockstat_inuse = s.kstat.sockstat_mem_pages = -1;
	s.kstat.ncounters = 2;
	sw_strlcpy(s.kstat.counters[0].group, "TcpExt", 16);
	sw_strlcpy(s.kstat.counters[0].name, "ListenOverflows", 40);
	s.kstat.counters[0].value = 44;
	sw_strlcpy(s.kstat.counters[1].group, "Tcp", 16);
	sw_strlcpy(s.kstat.counters[1].name, "RetransSegs", 40);
	s.kstat.counters[1].value = 7;
	struct sw_row rows[5];
	fx_rows(&s, rows, NULL);
	struct mem m;
	mem_open(&m);
	int arg = 42;
	struct out_json_opts o = {.aggregates = true, .top = 5, .extra = extra_member,
				  .extra_arg = &arg};
	assert_int_equal(out_conns_json(m.fp, &s, fx_view(rows, 5), &o), 0);
	char *j = mem_close(&m);
	assert_true(json_valid_line(j, strlen(j)));
	assert_non_null(strstr(j, "\"kernel\":{\"ip_local_port_range\":[32768,60999],"
				  "\"ip_local_reserved_ports\":\"\",\"tcp_tw_reuse\":2,"
				  "\"tcp_fin_timeout\":null,"));
	assert_non_null(strstr(j, "\"sockstat\":{\"tw\":3,\"orphan\":null,"));
	assert_non_null(strstr(j, "\"counters\":{\"TcpExt\":{\"ListenOverflows\":44},"
				  "\"Tcp\":{\"RetransSegs\":7}}"));
	assert_non_null(strstr(j, "\"aggregates\":{\"remote_ips\":2,\"remote_ip\":["
				  "{\"addr\":\"10.0.0.7\",\"family\":\"inet\",\"total\":1,"
				  "\"states\":{\"ESTABLISHED\":1},\"rx_bps\":0,\"tx_bps\":0},"
				  "{\"addr\":\"198.51.100.7\""));
	assert_non_null(strstr(j, "\"syn_recv_by_ip\":[{\"addr\":\"198.51.100.7\","
				  "\"family\":\"inet\",\"count\":1}]"));
	assert_non_null(strstr(j, "\"local_port\":[{\"proto\":\"tcp\",\"port\":null,\"total\":2,"));
	assert_non_null(strstr(j, "\"process\":[{\"pid\":-1,\"comm\":\"-\",\"total\":2,"));
	assert_non_null(strstr(j, "\"listeners\":[{\"proto\":\"udp\",\"family\":\"inet6\","
				  "\"state\":\"UNCONN\",\"local\":{\"addr\":\"::\",\"port\":53},"
				  "\"accept_q\":0,\"backlog\":0,"));
	assert_non_null(strstr(j, ",\"diagnoses\":[42]}\n"));
	free(j);
	snapshot_done(&s);
}

static void test_json_empty(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	char *j = json_of(&s, NULL, 0, true);
	assert_true(json_valid_line(j, strlen(j)));
	assert_non_null(strstr(j, "\"sockets\":[]"));
	assert_non_null(strstr(j, "\"summary\":{\"total\":0}"));
	free(j);
	snapshot_done(&s);
}

/* ---- table ------------------------------------------------------------------ */

static void test_table(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	size_t i = fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 22, "10.0.0.9", 51000, 1);
	s.conns[i].wq = 123456;
	fx_owner(&s, i, 812, "sshd", NULL, 0, 4);
	fx_inet(&s, SW_PROTO_TCP, AF_INET6, "2001:db8::1", 443, "2001:db8::2", 40000,
		SW_ST_TIME_WAIT);
	fx_unix(&s, SOCK_STREAM, SW_ST_ESTABLISHED, "\0x", 2, 5, 6);
	struct sw_row rows[3];
	fx_rows(&s, rows, NULL);
	const enum sw_col_id cols[] = {SW_COL_PROTO, SW_COL_STATE, SW_COL_RECVQ, SW_COL_SENDQ,
				       SW_COL_LOCAL, SW_COL_REMOTE, SW_COL_PID};
	struct mem m;
	mem_open(&m);
	assert_int_equal(out_conns_table(m.fp, fx_view(rows, 3), cols, 7, true), 0);
	char *t = mem_close(&m);
	const char *want =
		"Proto  State      Recv-Q  Send-Q  Local Address:Port  Peer Address:Port    PID/Program\n"
		"tcp    ESTAB           0  123456  10.0.0.1:22         10.0.0.9:51000       812/sshd\n"
		"tcp6   TIME-WAIT       0       0  [2001:db8::1]:443   [2001:db8::2]:40000  -\n"
		"u_str  ESTAB           0       0  @x                  * 6                  -\n";
	assert_string_equal(t, want);
	free(t);

	/* -H, and no trailing blanks when the last column is empty */
	const enum sw_col_id cols2[] = {SW_COL_STATE, SW_COL_CONG};
	mem_open(&m);
	assert_int_equal(out_conns_table(m.fp, fx_view(rows, 2), cols2, 2, false), 0);
	t = mem_close(&m);
	assert_string_equal(t, "ESTAB\nTIME-WAIT\n");
	free(t);

	/* no rows: just the header */
	mem_open(&m);
	assert_int_equal(out_conns_table(m.fp, fx_view(rows, 0), cols2, 2, true), 0);
	t = mem_close(&m);
	assert_string_equal(t, "State  CC\n");
	free(t);
	snapshot_done(&s);
}

/* A cell's width is its display columns, not its bytes: a UTF-8 path
 * (9 columns in 10 bytes) pads the next column as an ASCII one of 9
 * would; one-digit and longer queues right-aligned alike. */
static void test_table_utf8(void **state)
{
	(void)state;
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		skip();
	struct sw_snapshot s;
	snapshot_init(&s);
	fx_unix(&s, SOCK_STREAM, SW_ST_LISTEN, "/run/caf\xc3\xa9", 11, 5, 0);
	fx_unix(&s, SOCK_STREAM, SW_ST_LISTEN, "/run/abcd", 10, 6, 0);
	s.conns[0].rq = 7;
	s.conns[1].rq = 4096;
	struct sw_row rows[2];
	fx_rows(&s, rows, NULL);
	const enum sw_col_id cols[] = {SW_COL_LOCAL, SW_COL_RECVQ, SW_COL_INODE};
	struct mem m;
	mem_open(&m);
	assert_int_equal(out_conns_table(m.fp, fx_view(rows, 2), cols, 3, false), 0);
	char *t = mem_close(&m);
	assert_string_equal(t, "/run/caf\xc3\xa9     7  5\n"
			       "/run/abcd  4096  6\n");
	free(t);
	setlocale(LC_CTYPE, "C");
	snapshot_done(&s);
}

/* Cells longer than 255 bytes (a long command line) and empty ones keep
 * their place: the table's text store holds each cell's length in two
 * bytes, and a length read as one byte would cut or shift the row. */
static void test_table_long_cells(void **state)
{
	(void)state;
	char cmd[700];
	memset(cmd, 'x', sizeof cmd - 1);
	cmd[sizeof cmd - 1] = '\0';
	memcpy(cmd, "php-fpm: pool www ", 18);
	struct sw_snapshot s;
	snapshot_init(&s);
	size_t i = fx_inet(&s, SW_PROTO_TCP, AF_INET, "127.0.0.1", 9000, "127.0.0.1", 41000, 1);
	fx_owner(&s, i, 812, "php-fpm8.2", cmd, 0, 4);
	fx_inet(&s, SW_PROTO_TCP, AF_INET, "127.0.0.1", 3306, "127.0.0.1", 41001, 2);
	struct sw_row rows[2];
	fx_rows(&s, rows, NULL);
	const enum sw_col_id cols[] = {SW_COL_LPORT, SW_COL_CMDLINE, SW_COL_RPORT};
	struct mem m;
	mem_open(&m);
	assert_int_equal(out_conns_table(m.fp, fx_view(rows, 2), cols, 3, false), 0);
	char *t = mem_close(&m);
	char *want = NULL;
	/* the second row has no command line: its remote port is padded to
	 * the first row's 699 columns */
	assert_true(asprintf(&want, "9000  %s  41000\n3306  %-*s  41001\n", cmd,
			     (int)strlen(cmd), "") > 0);
	assert_string_equal(t, want);
	free(want);
	free(t);
	snapshot_done(&s);
}

/* --format csv: RFC 4180 quoting, stable column names, one time column. */
static void test_csv(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	size_t i = fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 22, "10.0.0.9", 51000, 1);
	fx_owner(&s, i, 812, "a,b\"c", NULL, 0, 4);
	fx_unix(&s, SOCK_STREAM, SW_ST_ESTABLISHED, "/run/x\ny", 9, 5, 6);
	struct sw_row rows[2];
	fx_rows(&s, rows, NULL);
	const enum sw_col_id cols[] = {SW_COL_PROTO, SW_COL_STATE, SW_COL_LOCAL, SW_COL_PID};
	struct mem m;
	mem_open(&m);
	assert_int_equal(out_conns_csv(m.fp, fx_view(rows, 2), cols, 4, true, NULL), 0);
	char *t = mem_close(&m);
	/* the process name with a comma and a quote is quoted, the quote doubled */
	assert_string_equal(t, "proto,state,local,pid\n"
			       "tcp,ESTAB,10.0.0.1:22,\"812/a,b\"\"c\"\n"
			       "u_str,ESTAB,/run/x?y,-\n");
	free(t);
	mem_open(&m);
	assert_int_equal(out_conns_csv(m.fp, fx_view(rows, 1), cols, 2, false, "2026-12-03T04:31:07Z"), 0);
	t = mem_close(&m);
	assert_string_equal(t, "2026-12-03T04:31:07Z,tcp,ESTAB\n");
	free(t);
	mem_open(&m);
	assert_int_equal(out_conns_csv(m.fp, fx_view(rows, 0), cols, 2, true, "x"), 0);
	t = mem_close(&m);
	assert_string_equal(t, "time,proto,state\n");
	free(t);
	snapshot_done(&s);
}

/* --pids: every owner of the rows once, ascending; none for kernel sockets. */
static void test_pids(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	size_t a = fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 80, "10.0.0.9", 51000, 1);
	size_t b = fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 80, "10.0.0.9", 51001, 1);
	fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 80, "10.0.0.9", 51002, SW_ST_TIME_WAIT);
	fx_owner(&s, a, 900, "nginx", NULL, 0, 4);
	fx_owner(&s, a, 31, "nginx", NULL, 0, 5);
	fx_owner(&s, b, 900, "nginx", NULL, 0, 6);
	struct sw_row rows[3];
	fx_rows(&s, rows, NULL);
	struct mem m;
	mem_open(&m);
	assert_int_equal(out_pids(m.fp, fx_view(rows, 3)), 0);
	char *t = mem_close(&m);
	assert_string_equal(t, "31\n900\n");
	free(t);
	mem_open(&m);
	assert_int_equal(out_pids(m.fp, fx_view(rows + 2, 1)), 0);
	t = mem_close(&m);
	assert_string_equal(t, "");
	free(t);
	snapshot_done(&s);
}

/* 100k rows format without trouble (one arena, no per-row allocation). */
static void test_table_big(void **state)
{
	(void)state;
	enum { N = 100000 };
	struct sw_snapshot s;
	snapshot_init(&s);
	char a[32];
	for (int i = 0; i < N; i++) {
		snprintf(a, sizeof a, "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.255.0.1", 443, a, (uint16_t)(i % 60000 + 1),
			1);
	}
	struct sw_row *rows = calloc(N, sizeof *rows);
	fx_rows(&s, rows, NULL);
	const enum sw_col_id cols[] = {SW_COL_PROTO, SW_COL_STATE, SW_COL_RECVQ, SW_COL_SENDQ,
				       SW_COL_LOCAL, SW_COL_REMOTE};
	FILE *fp = fopen("/dev/null", "w");
	assert_non_null(fp);
	assert_int_equal(out_conns_table(fp, fx_view(rows, N), cols, 6, true), 0);
	fclose(fp);
	free(rows);
	snapshot_done(&s);
}

/* ---- summary ---------------------------------------------------------------- */

static void test_summary(void **state)
{
	(void)state;
	struct sw_snapshot s;
	snapshot_init(&s);
	size_t i = fx_inet(&s, SW_PROTO_TCP, AF_INET, "0.0.0.0", 9000, NULL, 0, SW_ST_LISTEN);
	s.conns[i].rq = 3;
	s.conns[i].wq = 128;
	fx_owner(&s, i, 555, "php-fpm", NULL, 33, 3);
	for (int k = 0; k < 5; k++)
		fx_inet(&s, SW_PROTO_TCP, AF_INET, "127.0.0.1", 9000, "127.0.0.1",
			(uint16_t)(40000 + k), SW_ST_TIME_WAIT);
	for (int k = 0; k < 3; k++)
		fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 9000, "203.0.113.9",
			(uint16_t)(50000 + k), SW_ST_SYN_RECV);
	i = fx_inet(&s, SW_PROTO_TCP, AF_INET, "10.0.0.1", 9000, "10.0.0.2", 1234, 1);
	fx_owner(&s, i, 555, "php-fpm", NULL, 33, 9);
	fx_inet(&s, SW_PROTO_UDP, AF_INET, "0.0.0.0", 53, NULL, 0, SW_ST_CLOSE);
	s.have_kstat = true;
	memset(&s.kstat, 0xff, offsetof(struct sw_kstat, reserved_ports));
	s.kstat.reserved_ports[0] = '\0';
	s.kstat.port_lo = 32768;
	s.kstat.port_hi = 60999;
	s.kstat.tcp_tw_reuse = 0;
	s.kstat.tcp_fin_timeout = 60;
	s.kstat.tcp_max_tw_buckets = 10;
	s.kstat.somaxconn = 4096;
	s.kstat.ncounters = 1;
	sw_strlcpy(s.kstat.counters[0].group, "TcpExt", 16);
	sw_strlcpy(s.kstat.counters[0].name, "TCPTimeWaitOverflow", 40);
	s.kstat.counters[0].value = 41;
	struct sw_row rows[11];
	fx_rows(&s, rows, NULL);
	assert_int_equal(s.nconns, 11);

	struct mem m;
	mem_open(&m);
	struct out_summary_opts o = {.top = 2};
	assert_int_equal(out_summary_text(m.fp, &s, fx_view(rows, 11), &o), 0);
	char *t = mem_close(&m);
	if (getenv("SW_TEST_DUMP"))
		fputs(t, stderr);
	assert_non_null(strstr(t, "Total: 11 sockets (tcp 10, udp 1)\n"));
	assert_non_null(strstr(t, "State               tcp      udp    total\n"
				  "ESTABLISHED           1        0        1\n"
				  "SYN_RECV              3        0        3\n"
				  "TIME_WAIT             5        0        5\n"
				  "UNCONN                0        1        1\n"
				  "LISTEN                1        0        1\n"));
	assert_non_null(strstr(t, "Connections per remote IP (top 2 of 3):\n"
				  "    Count  Remote IP    States\n"
				  "        5  127.0.0.1    TIME_WAIT 5\n"
				  "        3  203.0.113.9  SYN_RECV 3\n"));
	assert_non_null(strstr(t, "SYN_RECV per remote IP:\n"
				  "    Count  Remote IP\n"
				  "        3  203.0.113.9\n"));
	assert_null(strstr(t, " \n")); /* no trailing blanks */
	assert_non_null(strstr(t, "Connections per local port:\n"));
	assert_non_null(strstr(t, "        9  tcp/9000  ESTABLISHED 1, SYN_RECV 3, TIME_WAIT 5\n"));
	assert_non_null(strstr(t, "Sockets per process"));
	assert_non_null(strstr(t, "555/php-fpm"));
	assert_non_null(strstr(t, "Listeners:\n"));
	assert_non_null(strstr(t, "Listeners:\n"
				  "  Proto  Local Address:Port   Accept-Q    Estab   SynRecv   Other  Process\n"
				  "  tcp    0.0.0.0:9000            3/128        1         3       5  555/php-fpm\n"
				  "  udp    0.0.0.0:53                  -        0         0       0  -\n"));
	assert_non_null(strstr(t, "ephemeral port range      32768-60999 (28232 ports)\n"));
	assert_non_null(strstr(t, "tcp_tw_reuse              0 (off)\n"));
	assert_non_null(strstr(t, "TIME_WAIT                 5 of tcp_max_tw_buckets 10 (50%)\n"));
	assert_non_null(strstr(t, "TCPTimeWaitOverflow     41\n"));
	free(t);

	/* filtered to TIME_WAIT (the rows hold no listener): the snapshot
	 * still says :9000 listens, so its TIME_WAIT are server ends, not
	 * five destinations 127.0.0.1:4000x */
	mem_open(&m);
	assert_int_equal(out_summary_text(m.fp, &s, fx_view(rows + 1, 5), &o), 0);
	t = mem_close(&m);
	assert_null(strstr(t, "Connections per destination"));
	assert_non_null(strstr(t, "        5  tcp/9000  TIME_WAIT 5\n"));
	free(t);

	/* without SYN_RECV the section is left out */
	mem_open(&m);
	assert_int_equal(out_summary_text(m.fp, NULL, fx_view(rows, 6), &o), 0);
	t = mem_close(&m);
	assert_null(strstr(t, "SYN_RECV per remote IP"));
	assert_null(strstr(t, "Kernel"));
	free(t);
	snapshot_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validator_itself),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_json_document),
		cmocka_unit_test(test_json_details),
		cmocka_unit_test(test_json_unset_u64),
		cmocka_unit_test(test_json_kernel_aggregates),
		cmocka_unit_test(test_json_empty),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_utf8),
		cmocka_unit_test(test_table_long_cells),
		cmocka_unit_test(test_table_big),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_pids),
		cmocka_unit_test(test_summary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
