/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_procnet.c - the /proc/net/raw{,6} texts (src/collect/procnet.c),
 * the RAW fallback where the kernel has no raw_diag module.
 *
 * Input: [selector byte] then the text.  Selector bit 0: the family
 * (0 AF_INET /proc/net/raw, 1 AF_INET6 /proc/net/raw6).  The text is parsed
 * from an exact-size buffer, every record is checked against what the
 * parser promises, a second parse must give the same records, and the
 * snapshot is rendered (fuzz_render.h).
 */
#include "config.h"

#include <errno.h>
#include <sys/socket.h>

#include "collect/procnet.h"
#include "fuzz_render.h"

/* The records of two snapshots are the same: addresses by value (each
 * snapshot has its own address table), the rest byte for byte. */
static bool same_recs(const struct sw_snapshot *a, const struct sw_snapshot *b)
{
	if (a->nconns != b->nconns)
		return false;
	for (size_t i = 0; i < a->nconns; i++) {
		const struct sw_conn *x = &a->conns[i], *y = &b->conns[i];
		if (memcmp(sw_laddr(x), sw_laddr(y), 16) || memcmp(sw_raddr(x), sw_raddr(y), 16))
			return false;
		struct sw_conn p = *x, q = *y;
		p.local.ai = q.local.ai = p.remote.ai = q.remote.ai = 0;
		p.atab = q.atab = 0;
		if (memcmp(&p, &q, sizeof p))
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int family = (data[0] & 1) ? AF_INET6 : AF_INET;
	size_t len = size - 1;
	char *text = malloc(len ? len : 1);
	if (!text)
		abort();
	memcpy(text, data + 1, len);

	struct sw_snapshot s, again;
	struct procnet_stats st, st2;
	snapshot_init(&s);
	snapshot_init(&again);
	int r = procnet_parse_raw(text, len, family, &s, &st);
	FUZZ_CHECK(r == 0, "procnet_parse_raw: %d", r);
	FUZZ_CHECK(st.added == s.nconns, "%zu added, %zu records", st.added, s.nconns);
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	FUZZ_CHECK(st.added + st.skipped <= lines + 1, "%zu+%zu of %zu lines", st.added,
		   st.skipped, lines);
	for (size_t i = 0; i < s.nconns; i++) {
		const struct sw_conn *c = &s.conns[i];
		FUZZ_CHECK(c->proto == SW_PROTO_RAW && c->family == family, "record %zu kind", i);
		FUZZ_CHECK(c->state > SW_ST_UNKNOWN && c->state < SW_ST_COUNT, "state %u",
			   c->state);
		FUZZ_CHECK(c->tcpx == SW_NONE && c->owners_n == 0 && c->name_len == 0,
			   "record %zu extras", i);
		FUZZ_CHECK((c->flags & SW_CF_HAS_UID) && !(c->flags & SW_CF_HAS_SKMEM),
			   "flags %#x", c->flags);
		FUZZ_CHECK(procnet_cookie_is_synthetic(c->cookie) || c->inode == 0,
			   "cookie %llu", (unsigned long long)c->cookie);
		FUZZ_CHECK(c->inode == 0 || c->cookie == procnet_cookie(family, c->inode),
			   "cookie of inode %u", c->inode);
		FUZZ_CHECK(c->sotype == (c->local.port <= 255 ? c->local.port : 0),
			   "sotype %u port %u", c->sotype, c->local.port);
		if (family == AF_INET)
			for (int b = 4; b < 16; b++)
				FUZZ_CHECK(!sw_laddr(c)[b] && !sw_raddr(c)[b], "v4 tail");
	}
	r = procnet_parse_raw(text, len, family, &again, &st2);
	FUZZ_CHECK(r == 0 && st2.added == st.added && st2.skipped == st.skipped &&
			   again.nconns == s.nconns &&
			   (s.nconns == 0 ||
			    same_recs(&s, &again)),
		   "second parse differs");
	FUZZ_CHECK(procnet_parse_raw(text, len, AF_UNIX, &again, NULL) == -EINVAL,
		   "AF_UNIX accepted");

	struct diag_state ds;
	diag_state_init(&ds);
	fuzz_render(&s, &ds);
	diag_state_done(&ds);
	snapshot_done(&again);
	snapshot_done(&s);
	free(text);
	return 0;
}
