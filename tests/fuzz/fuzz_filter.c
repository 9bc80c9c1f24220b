/* fuzz_filter.c - the filter language (src/core/filter.c).
 *
 * Input: an expression (up to the first NUL; seeds: doc/filter.md's
 * examples).  A rejected expression must carry a message and an offset
 * inside the text; an accepted one must give back its text, evaluate on
 * every socket of a fixed snapshot, and have sound kernel hints (every
 * socket it matches is inside the states and protocols it hints).
 */
#include "config.h"

#include "core/filter.h"
#include "fuzz_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096) /* the prompt and the command line are short */
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
	filter_hints(f, &states, &protos);
	for (size_t i = 0; i < s->nconns; i++) {
		const struct sw_conn *c = &s->conns[i];
		bool m = filter_match(f, s, c);
		FUZZ_CHECK(m == filter_match(f, s, c), "filter_match is not deterministic");
		FUZZ_CHECK(!m || ((states & SW_STATE_BIT(c->state)) &&
				  (protos & SW_PROTO_BIT(c->proto))),
			   "unsound hints for socket %zu", i);
	}
	filter_free(f);
	free(expr);
	return 0;
}
