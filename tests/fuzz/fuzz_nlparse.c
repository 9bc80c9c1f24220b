/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_nlparse.c - sock_diag replies (src/collect/nlparse.c).
 *
 * Input: [request byte][split byte] then netlink messages as recv() would
 * return them (seeds: the dumps of tests/data/fixtures*.swrec).
 *   request bits 0-1: family (0 AF_INET, 1 AF_INET6, 2-3 AF_UNIX)
 *            bits 2-4: protocol for inet (enum sw_proto, modulo the inet ones)
 *            bit 5: accept_intr; bit 6: check seq/portid against the first
 *            message's; bit 7: roll back at the end
 *   split: the messages are fed in chunks of (split % 8) + 1 whole messages
 *          (walking nlmsg_len), each chunk in its own exact-size buffer.
 * The resulting snapshot is rendered by every consumer (fuzz_render.h), and
 * the same bytes go through nlparse_ack().
 */
#include "config.h"

#include <errno.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "collect/nlparse.h"
#include "fuzz_render.h"

static const uint8_t inet_protos[] = {SW_PROTO_TCP, SW_PROTO_UDP, SW_PROTO_UDPLITE,
				      SW_PROTO_MPTCP, SW_PROTO_RAW, SW_PROTO_SCTP};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t rq = data[0], split = data[1];
	const uint8_t *msgs = data + 2;
	size_t len = size - 2;

	struct nlparse_req req = {0};
	switch (rq & 3) {
	case 0: req.family = AF_INET; break;
	case 1: req.family = AF_INET6; break;
	default: req.family = AF_UNIX; break;
	}
	req.proto = req.family == AF_UNIX ? SW_PROTO_UNIX
					  : inet_protos[((rq >> 2) & 7) % sizeof inet_protos];
	req.accept_intr = rq & 0x20;
	if ((rq & 0x40) && len >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		memcpy(&h, msgs, sizeof h);
		req.seq = h.nlmsg_seq;
		req.portid = h.nlmsg_pid;
	}

	struct sw_snapshot s;
	struct nlparse p;
	snapshot_init(&s);
	nlparse_begin(&p, &req, &s);

	unsigned per = (split & 7) + 1;
	size_t off = 0;
	int r = NLPARSE_MORE;
	while (off < len) {
		/* the next `per` messages by their length fields; the rest of
		 * the input if a length is off */
		size_t end = off;
		for (unsigned k = 0; k < per && len - end >= sizeof(uint32_t); k++) {
			uint32_t ml;
			memcpy(&ml, msgs + end, sizeof ml);
			size_t al = ((size_t)ml + 3) & ~(size_t)3;
			if (ml < sizeof(struct nlmsghdr) || al > len - end) {
				end = len;
				break;
			}
			end += al;
		}
		if (end == off)
			end = len;
		uint8_t *chunk = xmalloc(end - off);
		memcpy(chunk, msgs + off, end - off);
		r = nlparse_feed(&p, chunk, end - off);
		free(chunk);
		off = end;
		FUZZ_CHECK(r == NLPARSE_MORE || r <= 0, "nlparse_feed returned %d", r);
		FUZZ_CHECK(r == NLPARSE_MORE || p.done, "result %d without done", r);
		if (r != NLPARSE_MORE)
			break;
	}
	FUZZ_CHECK(s.nconns >= p.mark_conns && s.nconns - p.mark_conns == p.nmsgs,
		   "%zu records for %zu messages", s.nconns, p.nmsgs);
	for (size_t i = 0; i < s.nconns; i++) {
		const struct sw_conn *c = &s.conns[i];
		/* a UNIX socket's name and another's tcp_info share room */
		if (c->proto == SW_PROTO_UNIX) {
			FUZZ_CHECK(c->name_off + (size_t)c->name_len < s.poollen ||
					   c->name_len == 0,
				   "name outside the pool");
			FUZZ_CHECK(!snapshot_tcpx(&s, c), "tcp_info on a UNIX socket");
		} else {
			FUZZ_CHECK(c->name_len == 0, "a name on a %u socket", c->proto);
			FUZZ_CHECK(c->tcpx == SW_NONE || c->tcpx < s.ntcpx, "bad tcpx link");
		}
	}
	if ((rq & 0x80) && r != 0) {
		nlparse_rollback(&p);
		FUZZ_CHECK(s.nconns == 0 && s.ntcpx == 0, "rollback left records");
	}
	if (p.intr)
		snapshot_dedupe(&s);

	struct diag_state ds;
	diag_state_init(&ds);
	fuzz_render(&s, &ds);
	diag_state_done(&ds);
	snapshot_done(&s);

	/* the same bytes as the answer to a SOCK_DESTROY request */
	uint8_t *copy = xmalloc(len ? len : 1);
	memcpy(copy, msgs, len);
	r = nlparse_ack(copy, len, req.seq, req.portid);
	FUZZ_CHECK(r == NLPARSE_MORE || r <= 0, "nlparse_ack returned %d", r);
	free(copy);
	return 0;
}
