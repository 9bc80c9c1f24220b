/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_events.c - sock_diag destroy events (nlparse_events() in
 * src/collect/nlparse.c).
 *
 * Input: [split byte] then event messages as recv() would return them
 * (seeds: tests/data/events-*.bin).  The bytes are cut into recv()-sized
 * buffers of (split % 8) + 1 whole messages (walking nlmsg_len), each in
 * its own exact-size buffer, and all appended to one snapshot, which is
 * then rendered by every consumer (fuzz_render.h).
 */
#include "config.h"

#include <errno.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "collect/nlparse.h"
#include "fuzz_render.h"

/* The end of the next `per` messages from off (by their length fields);
 * len if a length is off. */
static size_t next_cut(const uint8_t *msgs, size_t len, size_t off, unsigned per)
{
	size_t end = off;
	for (unsigned k = 0; k < per && len - end >= sizeof(uint32_t); k++) {
		uint32_t ml;
		memcpy(&ml, msgs + end, sizeof ml);
		size_t al = ((size_t)ml + 3) & ~(size_t)3;
		if (ml < sizeof(struct nlmsghdr) || al > len - end)
			return len;
		end += al;
	}
	return end == off ? len : end;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned per = (data[0] & 7) + 1;
	const uint8_t *msgs = data + 1;
	size_t len = size - 1, off = 0;

	struct sw_snapshot s;
	snapshot_init(&s);
	while (off < len) {
		size_t end = next_cut(msgs, len, off, per), before = s.nconns, n = 0;
		uint8_t *chunk = xmalloc(end - off);
		memcpy(chunk, msgs + off, end - off);
		int r = nlparse_events(chunk, end - off, &s, &n);
		free(chunk);
		FUZZ_CHECK(r == 0 || r == -EBADMSG, "nlparse_events returned %d", r);
		FUZZ_CHECK(s.nconns - before == n, "%zu records, %zu counted",
			   s.nconns - before, n);
		off = end;
	}
	for (size_t i = 0; i < s.nconns; i++) {
		const struct sw_conn *c = &s.conns[i];
		FUZZ_CHECK(c->family == AF_INET || c->family == AF_INET6, "family %u",
			   c->family);
		FUZZ_CHECK(c->proto < SW_PROTO_COUNT, "proto %u", c->proto);
		FUZZ_CHECK(sw_conn_tcpx(c) == SW_NONE || c->tcpx < s.ntcpx, "bad tcpx link");
	}
	struct diag_state ds;
	diag_state_init(&ds);
	fuzz_render(&s, &ds);
	diag_state_done(&ds);
	snapshot_done(&s);
	return 0;
}
