/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_sockevents: the destroy-event parser (nlparse_events) on events
 * recorded from real sockets (tests/data/events-*.bin, made by
 * tests/data/make-events.sh) and on cut, misaligned and foreign bytes. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "collect/nlparse.h"
#include "core/conn.h"
#include "core/snapshot.h"

static uint8_t *slurp(const char *name, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", TEST_DATA_DIR, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	assert_true(n > 0);
	uint8_t *b = malloc((size_t)n);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static const uint8_t lo4[4] = {127, 0, 0, 1};
static const uint8_t lo6[16] = {[15] = 1};

/* 3 connections (client closes first) and their listener */
static void test_recorded_tcp4(void **state)
{
	(void)state;
	size_t len, n = 99;
	uint8_t *b = slurp("events-tcp4.bin", &len);
	struct sw_snapshot s;
	snapshot_init(&s);
	assert_int_equal(nlparse_events(b, len, &s, &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(s.nconns, 7);
	unsigned listeners = 0, paired = 0;
	for (size_t i = 0; i < s.nconns; i++) {
		const struct sw_conn *c = &s.conns[i];
		assert_int_equal(c->proto, SW_PROTO_TCP);
		assert_int_equal(c->family, AF_INET);
		assert_int_equal(c->state, SW_ST_CLOSE); /* not renamed "bound" */
		assert_memory_equal(sw_laddr(c), lo4, 4);
		assert_true(c->cookie != 0);
		/* the kernel zeroes uid and inode in destroy events */
		assert_int_equal(c->uid, 0);
		assert_int_equal(c->inode, 0);
		const struct sw_tcpx *x = snapshot_tcpx(&s, c);
		assert_non_null(x);
		if (c->remote.port == 0) {
			listeners++;
			continue;
		}
		/* 100 bytes each way: final byte counts survive */
		assert_true(x->bytes_acked >= 100);
		assert_int_equal(x->bytes_received, 100 + 1);
		for (size_t j = 0; j < s.nconns; j++)
			if (j != i && s.conns[j].local.port == c->remote.port &&
			    s.conns[j].remote.port == c->local.port)
				paired++;
		for (size_t j = 0; j < i; j++)
			assert_true(s.conns[j].cookie != c->cookie);
	}
	assert_int_equal(listeners, 1);
	assert_int_equal(paired, 6); /* both ends of every connection */
	snapshot_done(&s);
	free(b);
}

/* IPv6 TCP, IPv4 and IPv6 UDP in one stream */
static void test_recorded_mixed(void **state)
{
	(void)state;
	size_t len, n;
	uint8_t *b = slurp("events-mixed.bin", &len);
	struct sw_snapshot s;
	snapshot_init(&s);
	assert_int_equal(nlparse_events(b, len, &s, &n), 0);
	assert_int_equal(n, 10);
	unsigned tcp6 = 0, udp4 = 0, udp6 = 0;
	for (size_t i = 0; i < s.nconns; i++) {
		const struct sw_conn *c = &s.conns[i];
		assert_int_equal(c->state, SW_ST_CLOSE);
		if (c->proto == SW_PROTO_TCP) {
			assert_int_equal(c->family, AF_INET6);
			assert_memory_equal(sw_laddr(c), lo6, 16);
			assert_non_null(snapshot_tcpx(&s, c));
			tcp6++;
		} else {
			assert_int_equal(c->proto, SW_PROTO_UDP);
			assert_null(snapshot_tcpx(&s, c));
			assert_true(c->local.port != 0);
			udp4 += c->family == AF_INET;
			udp6 += c->family == AF_INET6;
		}
	}
	assert_int_equal(tcp6, 5);
	assert_int_equal(udp4, 3);
	assert_int_equal(udp6, 2);
	snapshot_done(&s);
	free(b);
}

/* one message at a time (as separate recv() buffers) gives the same */
static void test_message_by_message(void **state)
{
	(void)state;
	size_t len, off = 0, total = 0;
	uint8_t *b = slurp("events-mixed.bin", &len);
	struct sw_snapshot s;
	snapshot_init(&s);
	while (off < len) {
		struct nlmsghdr h;
		memcpy(&h, b + off, sizeof h);
		size_t ml = NLMSG_ALIGN(h.nlmsg_len), n;
		uint8_t *one = malloc(ml);
		assert_non_null(one);
		memcpy(one, b + off, ml);
		assert_int_equal(nlparse_events(one, ml, &s, &n), 0);
		assert_int_equal(n, 1);
		free(one);
		total += n;
		off += ml;
	}
	assert_int_equal(total, 10);
	assert_int_equal(s.nconns, 10);
	snapshot_done(&s);
	free(b);
}

/* cut anywhere: the whole messages before the cut are kept, the rest is
 * -EBADMSG, never a crash */
static void test_cut(void **state)
{
	(void)state;
	size_t len;
	uint8_t *b = slurp("events-tcp4.bin", &len);
	size_t first;
	{
		struct nlmsghdr h;
		memcpy(&h, b, sizeof h);
		first = NLMSG_ALIGN(h.nlmsg_len);
	}
	for (size_t cut = 1; cut < len; cut++) {
		struct sw_snapshot s;
		size_t n = 99;
		uint8_t *p = malloc(cut);
		assert_non_null(p);
		memcpy(p, b, cut);
		snapshot_init(&s);
		int r = nlparse_events(p, cut, &s, &n);
		if (cut % first == 0) {
			assert_int_equal(r, 0);
			assert_int_equal(n, cut / first);
		} else {
			assert_int_equal(r, -EBADMSG);
			assert_int_equal(n, s.nconns);
			assert_true(n <= cut / first);
		}
		snapshot_done(&s);
		free(p);
	}
	free(b);
}

static void test_bad_input(void **state)
{
	(void)state;
	size_t len, n;
	uint8_t *b = slurp("events-tcp4.bin", &len);
	struct sw_snapshot s;
	snapshot_init(&s);
	/* netlink messages are 4-byte aligned */
	uint8_t *odd = malloc(len + 1);
	assert_non_null(odd);
	memcpy(odd + 1, b, len);
	assert_int_equal(nlparse_events(odd + 1, len, &s, &n), -EINVAL);
	assert_int_equal(n, 0);
	/* not a sock_diag message */
	struct nlmsghdr h;
	memcpy(&h, b, sizeof h);
	h.nlmsg_type = NLMSG_MIN_TYPE + 100;
	memcpy(b, &h, sizeof h);
	assert_int_equal(nlparse_events(b, len, &s, &n), -EBADMSG);
	assert_int_equal(n, 0);
	/* a family that is not inet */
	h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	memcpy(b, &h, sizeof h);
	b[sizeof h] = AF_UNIX;
	assert_int_equal(nlparse_events(b, len, &s, &n), -EBADMSG);
	/* empty: nothing, no error */
	assert_int_equal(nlparse_events(b, 0, &s, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(s.nconns, 0);
	snapshot_done(&s);
	free(odd);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_tcp4),
		cmocka_unit_test(test_recorded_mixed),
		cmocka_unit_test(test_message_by_message),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
