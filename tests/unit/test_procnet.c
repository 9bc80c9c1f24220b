/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_procnet: the /proc/net/raw{,6} parser (procnet.c) - the RAW
 * fallback on kernels without raw_diag - on texts captured from a 6.18
 * kernel (tests/data/procnet-raw.txt, procnet-raw6.txt: unconnected ICMP,
 * UDP and IPPROTO_RAW sockets, connected ones, an ICMP socket with a
 * queued echo reply, a bound global IPv6 address), on malformed lines, on
 * every truncation of a text, procnet_read on a fake proc tree, and the
 * collector replaying a recorded text (REC_PROCNET).
 *
 * The texts hold kernel words in little-endian order: address checks are
 * skipped on a big-endian machine (the parser reads the host's order).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/collect.h"
#include "collect/procnet.h"
#include "collect/record.h"
#include "core/snapshot.h"

#define LITTLE_ENDIAN_HOST (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", TEST_DATA_DIR, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *b = malloc(65536);
	assert_non_null(b);
	*len = fread(b, 1, 65536, f);
	assert_true(*len > 0 && *len < 65536);
	fclose(f);
	return b;
}

static const struct sw_conn *by_inode(const struct sw_snapshot *s, uint32_t ino)
{
	for (size_t i = 0; i < s->nconns; i++)
		if (s->conns[i].inode == ino)
			return &s->conns[i];
	static const struct sw_conn none;
	fail_msg("no record with inode %u", ino);
	return &none; /* not reached: fail_msg ends the test */
}

static void assert_addr(int family, const uint8_t *addr, const char *want)
{
	if (!LITTLE_ENDIAN_HOST)
		return;
	uint8_t w[16] = {0};
	assert_int_equal(inet_pton(family, want, w), 1);
	assert_memory_equal(addr, w, family == AF_INET ? 4 : 16);
}

static void test_raw4(void **state)
{
	(void)state;
	struct sw_snapshot s;
	struct procnet_stats st;
	size_t len;
	char *t = slurp("procnet-raw.txt", &len);
	snapshot_init(&s);
	assert_int_equal(procnet_parse_raw(t, len, AF_INET, &s, &st), 0);
	assert_int_equal(st.added, 6);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(s.nconns, 6);

	/* ss: UNCONN 1664 0 0.0.0.0:1 0.0.0.0:* (an unread echo reply) */
	const struct sw_conn *c = by_inode(&s, 6340002);
	assert_int_equal(c->family, AF_INET);
	assert_int_equal(c->proto, SW_PROTO_RAW);
	assert_int_equal(c->state, SW_ST_CLOSE);
	assert_int_equal(c->local.port, 1);
	assert_int_equal(c->sotype, 1); /* IPPROTO_ICMP */
	assert_int_equal(c->remote.port, 0);
	assert_addr(AF_INET, sw_laddr(c), "0.0.0.0");
	assert_int_equal(c->rq, 1664);
	assert_int_equal(c->wq, 0);
	assert_true(c->flags & SW_CF_HAS_UID);
	assert_int_equal(c->uid, 0);
	assert_int_equal(c->tcpx, SW_NONE);
	assert_int_equal(c->timer, SW_TIMER_OFF);
	assert_true(c->cookie == procnet_cookie(AF_INET, 6340002));
	assert_true(procnet_cookie_is_synthetic(c->cookie));

	/* ss: ESTAB 0 0 127.0.0.1:1 127.0.0.2:* (bound and connected) */
	c = by_inode(&s, 6340003);
	assert_int_equal(c->state, SW_ST_ESTABLISHED);
	assert_addr(AF_INET, sw_laddr(c), "127.0.0.1");
	assert_addr(AF_INET, sw_raddr(c), "127.0.0.2");
	assert_int_equal(c->local.port, 1);
	assert_int_equal(c->remote.port, 0);

	/* UDP and IPPROTO_RAW (255) sockets: the protocol is the "port" */
	c = by_inode(&s, 6340004);
	assert_int_equal(c->local.port, 17);
	assert_int_equal(c->sotype, 17);
	c = by_inode(&s, 6340005);
	assert_int_equal(c->local.port, 255);
	assert_int_equal(c->sotype, 255);

	/* cookies: one per socket, none equal */
	for (size_t i = 0; i < s.nconns; i++)
		for (size_t j = i + 1; j < s.nconns; j++)
			assert_true(s.conns[i].cookie != s.conns[j].cookie);
	snapshot_done(&s);
	free(t);
}

static void test_raw6(void **state)
{
	(void)state;
	struct sw_snapshot s;
	struct procnet_stats st;
	size_t len;
	char *t = slurp("procnet-raw6.txt", &len);
	snapshot_init(&s);
	assert_int_equal(procnet_parse_raw(t, len, AF_INET6, &s, &st), 0);
	assert_int_equal(st.added, 6);
	assert_int_equal(st.skipped, 0);

	/* ss: ESTAB 0 0 [::1]:255 [::1]:* */
	const struct sw_conn *c = by_inode(&s, 6340007);
	assert_int_equal(c->family, AF_INET6);
	assert_int_equal(c->proto, SW_PROTO_RAW);
	assert_int_equal(c->state, SW_ST_ESTABLISHED);
	assert_addr(AF_INET6, sw_laddr(c), "::1");
	assert_addr(AF_INET6, sw_raddr(c), "::1");
	assert_int_equal(c->local.port, 255);
	assert_int_equal(c->remote.port, 0);

	/* ss: UNCONN 0 0 *:58 *:* (ICMPv6) */
	c = by_inode(&s, 6340006);
	assert_int_equal(c->state, SW_ST_CLOSE);
	assert_addr(AF_INET6, sw_laddr(c), "::");
	assert_int_equal(c->sotype, 58);

	/* ss: UNCONN 0 0 [2001:db8::1234:5678]:17 *:* - every word's bytes */
	c = by_inode(&s, 6340009);
	assert_addr(AF_INET6, sw_laddr(c), "2001:db8::1234:5678");
	assert_int_equal(c->local.port, 17);

	/* the same inode in the other family is another cookie */
	assert_true(procnet_cookie(AF_INET6, 6340009) != procnet_cookie(AF_INET, 6340009));
	assert_true(c->cookie == procnet_cookie(AF_INET6, 6340009));

	/* a v6 text read as v4 (or the reverse) yields nothing, no crash */
	snapshot_clear(&s);
	assert_int_equal(procnet_parse_raw(t, len, AF_INET, &s, &st), 0);
	assert_int_equal(st.added, 0);
	assert_int_equal(st.skipped, 6);
	assert_int_equal(s.nconns, 0);
	snapshot_done(&s);
	free(t);
}

static void test_malformed(void **state)
{
	(void)state;
	struct sw_snapshot s;
	struct procnet_stats st;
	size_t len;
	char *t = slurp("procnet-raw-malformed.txt", &len);
	snapshot_init(&s);
	assert_int_equal(procnet_parse_raw(t, len, AF_INET, &s, &st), 0);
	/* kept: line 1, 11, 12 (CRLF, no trailing fields), 13 and 14 (inode 0);
	 * skipped: bad hex, cut after st, state 0, state 14, a v6 address,
	 * inode > 32 bits, text, a 5-digit port, "105x", uid -1, and the
	 * unterminated last line (a truncated read) */
	assert_int_equal(st.added, 5);
	assert_int_equal(st.skipped, 11);
	assert_int_equal(s.nconns, 5);

	const struct sw_conn *c = by_inode(&s, 4242);
	assert_int_equal(c->uid, 1000);
	assert_int_equal(c->rq, 0x200);
	assert_int_equal(c->wq, 0x100);
	assert_int_equal(c->state, SW_ST_ESTABLISHED);
	assert_int_equal(c->local.port, 6);
	assert_addr(AF_INET, sw_raddr(c), "10.0.0.5");
	by_inode(&s, 4243);
	by_inode(&s, 4244);
	/* two sockets without an inode: distinct synthetic cookies */
	assert_int_equal(s.conns[3].inode, 0);
	assert_int_equal(s.conns[4].inode, 0);
	assert_true(s.conns[3].cookie != s.conns[4].cookie);
	assert_true(s.conns[3].cookie != procnet_cookie(AF_INET, 0));

	/* bad family */
	assert_int_equal(procnet_parse_raw(t, len, AF_UNIX, &s, &st), -EINVAL);
	assert_int_equal(s.nconns, 5);
	/* empty and NULL-stats calls */
	assert_int_equal(procnet_parse_raw("", 0, AF_INET, &s, NULL), 0);
	assert_int_equal(procnet_parse_raw(t, len, AF_INET, &s, NULL), 0);
	assert_int_equal(s.nconns, 10);
	snapshot_done(&s);
	free(t);
}

/* Two records of two snapshots are equal: their addresses by value (each
 * snapshot has its own address table), the rest byte for byte. */
static void same_rec(const struct sw_conn *x, const struct sw_conn *y)
{
	assert_memory_equal(sw_laddr(x), sw_laddr(y), 16);
	assert_memory_equal(sw_raddr(x), sw_raddr(y), 16);
	struct sw_conn p = *x, q = *y;
	p.local.ai = q.local.ai = p.remote.ai = q.remote.ai = 0;
	p.atab = q.atab = 0;
	assert_memory_equal(&p, &q, sizeof p);
}

/* Every prefix of a text (a read cut anywhere), in an exact-size heap
 * buffer so ASan sees any read past its end: never more records than
 * complete lines, and each one equal to the full parse's record. */
static void truncations(const char *name, int family)
{
	struct sw_snapshot full, s;
	struct procnet_stats st;
	size_t len;
	char *t = slurp(name, &len);
	snapshot_init(&full);
	snapshot_init(&s);
	assert_int_equal(procnet_parse_raw(t, len, family, &full, NULL), 0);
	for (size_t n = 0; n <= len; n++) {
		char *cut = malloc(n ? n : 1);
		assert_non_null(cut);
		memcpy(cut, t, n);
		snapshot_clear(&s);
		assert_int_equal(procnet_parse_raw(cut, n, family, &s, &st), 0);
		size_t lines = 0;
		for (size_t i = 0; i < n; i++)
			lines += cut[i] == '\n';
		/* the header line is never a record */
		assert_true(s.nconns + (lines > 0) <= lines || s.nconns == 0);
		assert_true(s.nconns <= full.nconns);
		for (size_t i = 0; i < s.nconns; i++)
			same_rec(&s.conns[i], &full.conns[i]);
		/* a cut inside a data line skips it; at a line end nothing is lost */
		if (n == len)
			assert_int_equal(s.nconns, full.nconns);
		free(cut);
	}
	snapshot_done(&s);
	snapshot_done(&full);
	free(t);
}

static void test_truncated(void **state)
{
	(void)state;
	truncations("procnet-raw.txt", AF_INET);
	truncations("procnet-raw6.txt", AF_INET6);
}

/* A text cut in the middle of the inode must not yield a wrong inode. */
static void test_cut_inode(void **state)
{
	(void)state;
	static const char txt[] =
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
		"   1: 00000000:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 6340002";
	struct sw_snapshot s;
	struct procnet_stats st;
	snapshot_init(&s);
	for (size_t n = sizeof txt - 8; n < sizeof txt; n++) {
		snapshot_clear(&s);
		assert_int_equal(procnet_parse_raw(txt, n, AF_INET, &s, &st), 0);
		assert_int_equal(s.nconns, 0);
		assert_int_equal(st.skipped, 1);
	}
	snapshot_done(&s);
}

/* procnet_read: thread-self first, then <root>/net/raw; -ENOENT when absent. */
static void test_read_fake_tree(void **state)
{
	(void)state;
	char root[] = "/tmp/test_procnet.XXXXXX";
	char path[512];
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof path, "%s/net", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/net/raw", root);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	size_t len;
	char *t = slurp("procnet-raw.txt", &len);
	assert_int_equal(fwrite(t, 1, len, f), len);
	fclose(f);

	char *buf = NULL;
	size_t cap = 0;
	long n = procnet_read(root, procnet_raw_name(AF_INET), &buf, &cap);
	assert_int_equal(n, (long)len);
	assert_memory_equal(buf, t, len);
	n = procnet_read(root, procnet_raw_name(AF_INET6), &buf, &cap);
	assert_int_equal(n, -ENOENT);
	assert_null(procnet_raw_name(AF_UNIX));
	assert_string_equal(procnet_raw_name(AF_INET6), "net/raw6");

	free(buf);
	free(t);
	unlink(path);
	snprintf(path, sizeof path, "%s/net", root);
	rmdir(path);
	rmdir(root);
}

/* A recording of one sample: the IPv4 RAW dump ending in ENOENT (no
 * raw_diag), then - if with_text - /proc/net/raw as a REC_PROCNET record. */
static void write_recording(const char *path, bool with_text)
{
	char err[256];
	struct record_writer *w = record_create(path, err, sizeof err);
	assert_non_null(w);
	struct rec_sample m;
	memset(&m, 0, sizeof m);
	m.real_sec = 1700000000;
	m.mono_ns = 1000000000ull;
	snprintf(m.hostname, sizeof m.hostname, "testhost");
	record_sample_begin(w, &m);
	struct rec_dump d;
	memset(&d, 0, sizeof d);
	d.family = AF_INET;
	d.sdiag_protocol = IPPROTO_RAW;
	d.sw_proto = SW_PROTO_RAW;
	d.protocol = IPPROTO_RAW;
	d.states = ~0u;
	d.seq = 7;
	record_dump_begin(w, &d);
	struct {
		struct nlmsghdr h;
		int32_t err;
	} done = {{sizeof done, NLMSG_DONE, NLM_F_MULTI, 7, 0}, -ENOENT};
	record_chunk(w, &done, sizeof done);
	if (with_text) {
		size_t len;
		char *t = slurp("procnet-raw.txt", &len);
		record_procnet(w, procnet_raw_name(AF_INET), t, len);
		free(t);
	}
	assert_int_equal(record_sample_end(w, 10), 0);
	assert_int_equal(record_close(w), 0);
}

static struct sw_collector *replayer(const char *path)
{
	struct sw_collect_opts o;
	char err[256];
	memset(&o, 0, sizeof o);
	o.inet4 = true;
	o.replay_path = path;
	struct sw_collector *c = collector_new(&o, err, sizeof err);
	if (!c)
		fail_msg("collector_new: %s", err);
	return c;
}

/* The collector replays REC_PROCNET: RAW listed, not missing, noted; the
 * state scope applies; without the text RAW is missing as before. */
static void test_replay(void **state)
{
	(void)state;
	char path[] = "/tmp/test_procnet_rec.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char err[256];
	struct sw_snapshot s;
	snapshot_init(&s);

	write_recording(path, true);
	struct sw_collector *c = replayer(path);
	assert_int_equal(collector_sample(c, &s, err, sizeof err), 0);
	assert_int_equal(s.nconns, 6);
	assert_true(s.notes & SW_NOTE_RAW_PROCFS);
	assert_false(s.protos_missing & SW_PROTO_BIT(SW_PROTO_RAW));
	assert_true(s.protos_done & SW_PROTO_BIT(SW_PROTO_RAW));
	const struct sw_conn *cn = by_inode(&s, 6340003);
	assert_int_equal(cn->proto, SW_PROTO_RAW);
	assert_int_equal(cn->state, SW_ST_ESTABLISHED);
	/* a synthetic cookie is nothing SOCK_DESTROY could use */
	assert_int_equal(collector_destroy(c, cn), -EOPNOTSUPP);

	collector_set_scope(c, 0, SW_STATE_BIT(SW_ST_ESTABLISHED));
	assert_int_equal(collector_sample(c, &s, err, sizeof err), 0);
	assert_int_equal(s.nconns, 2);
	for (size_t i = 0; i < s.nconns; i++)
		assert_int_equal(s.conns[i].state, SW_ST_ESTABLISHED);

	/* RAW out of scope: the text is ignored */
	collector_set_scope(c, SW_PROTO_BIT(SW_PROTO_TCP), 0);
	assert_int_equal(collector_sample(c, &s, err, sizeof err), 0);
	assert_int_equal(s.nconns, 0);
	assert_false(s.notes & SW_NOTE_RAW_PROCFS);
	collector_free(c);

	write_recording(path, false);
	c = replayer(path);
	assert_int_equal(collector_sample(c, &s, err, sizeof err), 0);
	assert_int_equal(s.nconns, 0);
	assert_false(s.notes & SW_NOTE_RAW_PROCFS);
	assert_true(s.protos_missing & SW_PROTO_BIT(SW_PROTO_RAW));
	collector_free(c);

	snapshot_done(&s);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw4),
		cmocka_unit_test(test_raw6),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_cut_inode),
		cmocka_unit_test(test_read_fake_tree),
		cmocka_unit_test(test_replay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
