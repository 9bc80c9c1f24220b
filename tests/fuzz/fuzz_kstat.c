/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_kstat.c - the kernel setting and counter texts (src/collect/kstat.c):
 * the sysctl files, /proc/net/netstat and /proc/net/snmp
 * (kstat_parse_counters) and /proc/net/sockstat (kstat_parse_sockstat).
 *
 * Input: [selector byte] then the text.  Selector low nibble: which source
 * (0-11 kstat_apply() by name, in the order below; 12 kstat_parse_counters;
 * 13 kstat_parse_sockstat; 14-15 every named source in turn); high nibble:
 * apply it that many more times to the same struct (counters accumulate up
 * to SW_KSTAT_MAX_COUNTERS).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "collect/kstat.h"
#include "fuzz.h"

static const char *const names[] = {
	"sys/net/ipv4/ip_local_port_range", "sys/net/ipv4/ip_local_reserved_ports",
	"sys/net/ipv4/tcp_tw_reuse", "sys/net/ipv4/tcp_fin_timeout",
	"sys/net/ipv4/tcp_max_tw_buckets", "sys/net/ipv4/tcp_max_syn_backlog",
	"sys/net/core/somaxconn", "sys/net/ipv4/tcp_syncookies",
	"sys/net/ipv4/tcp_tw_recycle", "net/netstat", "net/snmp", "net/sockstat",
};
#define NNAMES (sizeof names / sizeof names[0])

static void check(const struct sw_kstat *k)
{
	FUZZ_CHECK(k->ncounters <= SW_KSTAT_MAX_COUNTERS, "%zu counters", k->ncounters);
	FUZZ_CHECK(memchr(k->reserved_ports, '\0', sizeof k->reserved_ports),
		   "reserved_ports unterminated");
	FUZZ_CHECK((k->port_lo == -1) == (k->port_hi == -1) &&
		   k->port_lo >= -1 && k->port_lo <= 65535 && k->port_hi <= 65535,
		   "port range %d %d", k->port_lo, k->port_hi);
	for (size_t i = 0; i < k->ncounters; i++) {
		const struct sw_counter *c = &k->counters[i];
		FUZZ_CHECK(memchr(c->group, '\0', sizeof c->group) && c->group[0] &&
			   memchr(c->name, '\0', sizeof c->name) && c->name[0],
			   "counter %zu", i);
		uint64_t v;
		FUZZ_CHECK(kstat_counter(k, c->group, c->name, &v), "counter %s:%s not found",
			   c->group, c->name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned sel = data[0] & 15, times = 1 + (data[0] >> 4);
	/* the text in its own exact-size buffer (it is not NUL-terminated) */
	size_t len = size - 1;
	char *text = malloc(len ? len : 1);
	if (!text)
		abort();
	memcpy(text, data + 1, len);

	static struct sw_kstat k; /* large: not on the stack */
	kstat_init(&k);
	for (unsigned t = 0; t < times; t++) {
		int r;
		size_t before = k.ncounters;
		if (sel < NNAMES) {
			r = kstat_apply(&k, names[sel], text, len);
			FUZZ_CHECK(r == 0 || r == -EINVAL, "kstat_apply %s: %d", names[sel], r);
		} else if (sel == 12) {
			r = kstat_parse_counters(text, len, &k);
			FUZZ_CHECK(r == -1 || (r >= 0 && k.ncounters - before == (size_t)r),
				   "kstat_parse_counters: %d, %zu added", r, k.ncounters - before);
			FUZZ_CHECK(r >= 0 || k.ncounters == before, "failure kept counters");
		} else if (sel == 13) {
			r = kstat_parse_sockstat(text, len, &k);
			FUZZ_CHECK(r == 0 || r == -1, "kstat_parse_sockstat: %d", r);
			FUZZ_CHECK(r < 0 || k.sockstat_inuse >= 0, "sockstat without inuse");
		} else {
			for (size_t i = 0; i < NNAMES; i++)
				kstat_apply(&k, names[i], text, len);
		}
		check(&k);
	}
	FUZZ_CHECK(kstat_apply(&k, "net/nonexistent", text, len) == -ENOENT,
		   "unknown source accepted");
	free(text);
	return 0;
}
