/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_filter.c - the filter language (src/core/filter.c).
 *
 * Input: an expression of up to 1 MiB (up to the first NUL; seeds:
 * doc/filter.md's examples and chains of thousands of conditions, since
 * `sockwatch -b $(yes tcp | head -n 100000)` once overflowed the stack).
 * A rejected expression must carry a message and an offset inside the
 * text; an accepted one must give back its text, evaluate on every socket
 * of a fixed snapshot, and have sound kernel hints (every socket it
 * matches is inside the states, protocols and port ranges it hints).
 * Every pass is linear in the expression, so a 1 MiB input stays fast.
 */
#include "config.h"

#include "core/filter.h"
#include "fuzz_fixture.h"

#define FUZZ_FILTER_MAX (1u << 20)

/* Is the socket inside the port ranges the filter hints? */
static bool in_ports(const struct sw_conn *c, const uint16_t sp[2], const uint16_t dp[2])
{
	if (c->family != AF_INET && c->family != AF_INET6)
		return true;
	return c->local.port >= sp[0] && c->local.port <= sp[1] &&
	       c->remote.port >= dp[0] && c->remote.port <= dp[1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_FILTER_MAX)
		return 0;
	char *expr = fuzz_cstr(data, size);
	const struct sw_snapshot *s = fuzz_fixture();
	struct sw_filter_error err = {.pos = -1};
	struct sw_filter *f = filter_parse(expr, &err);
	if (!f) {
		FUZZ_CHECK(err.pos >= 0 && (size_t)err.pos <= strlen(expr),
			   "error offset %d for a %zu-byte expression", err.pos, strlen(expr));
		FUZZ_CHECK(err.msg[0] && memchr(err.msg, '\0', sizeof err.msg),
			   "error without a message");
		FUZZ_CHECK(filter_parse(expr, NULL) == NULL, "accepted without err");
		free(expr);
		return 0;
	}
	FUZZ_CHECK(strcmp(filter_text(f), expr) == 0, "filter_text differs");
	uint32_t states = 0, protos = 0;
	uint16_t sp[2], dp[2];
	filter_hints(f, &states, &protos);
	filter_port_hints(f, sp, dp);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		bool m = filter_match(f, s, c);
		FUZZ_CHECK(m == filter_match(f, s, c), "filter_match is not deterministic");
		FUZZ_CHECK(!m || ((states & SW_STATE_BIT(c->state)) &&
				  (protos & SW_PROTO_BIT(c->proto))),
			   "unsound hints for socket %zu", i);
		FUZZ_CHECK(!m || in_ports(c, sp, dp), "unsound port hints for socket %zu", i);
	}
	filter_free(f);
	free(expr);
	return 0;
}
