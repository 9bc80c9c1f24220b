/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_netns: -N all's pure parts - container names from cgroup paths
 * (cgname.c), the snapshot's namespace table and merge (snapns.c), the
 * per-namespace dedupe, interface names and tombstones, the netns filter
 * and column, the per-namespace state counts. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/aggregate.h"
#include "core/cgname.h"
#include "core/columns.h"
#include "core/diagnose.h"
#include "core/filter.h"
#include "core/model.h"
#include "core/snapshot.h"

#define ID64 "3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70"

/* Path shapes as the runtimes make them (cgroup v2, systemd and cgroupfs
 * drivers, rootful and rootless). */
static const struct {
	const char *path;
	bool ok;
	const char *runtime, *name, *pod, *label;
} shapes[] = {
	{"/system.slice/docker-" ID64 ".scope", true, "docker", "3f2a1b4c5d6e", "",
	 "docker:3f2a1b4c5d6e"},
	{"/docker/" ID64, true, "docker", "3f2a1b4c5d6e", "", "docker:3f2a1b4c5d6e"},
	{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8f1e2d3c_4b5a_6978_8a9b_0c1d2e3f4a5b.slice/cri-containerd-" ID64 ".scope",
	 true, "containerd", "3f2a1b4c5d6e", "8f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
	 "k8s:pod8f1e2d3c/3f2a1b4c5d6e"},
	{"/kubepods.slice/kubepods-pod8f1e2d3c_4b5a_6978_8a9b_0c1d2e3f4a5b.slice/crio-" ID64 ".scope",
	 true, "cri-o", "3f2a1b4c5d6e", "8f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
	 "k8s:pod8f1e2d3c/3f2a1b4c5d6e"},
	{"/kubepods/besteffort/pod8f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/" ID64, true, "kubernetes",
	 "3f2a1b4c5d6e", "8f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", "k8s:pod8f1e2d3c/3f2a1b4c5d6e"},
	{"/machine.slice/libpod-" ID64 ".scope", true, "podman", "3f2a1b4c5d6e", "",
	 "podman:3f2a1b4c5d6e"},
	{"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID64 ".scope/container",
	 true, "podman", "3f2a1b4c5d6e", "", "podman:3f2a1b4c5d6e"},
	{"/machine.slice/systemd-nspawn@web.service/payload", true, "nspawn", "web", "",
	 "nspawn:web"},
	{"/machine.slice/machine-db\\x2dprimary.scope", true, "nspawn", "db-primary", "",
	 "nspawn:db-primary"},
	{"/lxc.payload.build01/system.slice/nginx.service", true, "lxc", "build01", "",
	 "lxc:build01"},
	{"/lxc/legacy", true, "lxc", "legacy", "", "lxc:legacy"},
	{"/system.slice/nginx.service", true, "systemd", "nginx.service", "", "nginx.service"},
	{"/test-1234/system.slice/docker-" ID64 ".scope", true, "docker", "3f2a1b4c5d6e", "",
	 "docker:3f2a1b4c5d6e"},
	{"/", false, "", "", "", ""},
	{"/init.scope", false, "", "", "", ""},
	{"/user.slice/user-1000.slice/session-3.scope", false, "", "", "", ""},
	{"/user.slice/user-1000.slice/user@1000.service", false, "", "", "", ""},
	{"/system.slice/docker-nothex.scope", false, "", "", "", ""},
	{"/docker/short", false, "", "", "", ""},
	{"", false, "", "", "", ""},
};

static void test_cgname_shapes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		struct sw_cgname cg;
		memset(&cg, 0, sizeof cg);
		bool ok = cgname_parse_path(shapes[i].path, &cg);
		if (ok != shapes[i].ok)
			fail_msg("%s: parsed %d, want %d", shapes[i].path, ok, shapes[i].ok);
		if (!ok)
			continue;
		char label[96];
		cgname_label(&cg, label, sizeof label);
		assert_string_equal(cg.runtime, shapes[i].runtime);
		assert_string_equal(cg.name, shapes[i].name);
		assert_string_equal(cg.pod, shapes[i].pod);
		assert_string_equal(label, shapes[i].label);
	}
}

static void test_cgname_file(void **state)
{
	(void)state;
	struct sw_cgname cg;
	/* cgroup v2 only */
	const char *v2 = "0::/system.slice/docker-" ID64 ".scope\n";
	assert_true(cgname_parse(v2, strlen(v2), &cg));
	assert_string_equal(cg.runtime, "docker");
	/* hybrid: the v2 line wins over the v1 ones */
	const char *hy = "9:name=systemd:/system.slice/cron.service\n8:pids:/\n"
			 "0::/machine.slice/libpod-" ID64 ".scope\n";
	assert_true(cgname_parse(hy, strlen(hy), &cg));
	assert_string_equal(cg.runtime, "podman");
	/* v1 only: name=systemd */
	const char *v1 = "4:memory:/\n1:name=systemd:/system.slice/nginx.service\n";
	assert_true(cgname_parse(v1, strlen(v1), &cg));
	assert_string_equal(cg.name, "nginx.service");
	assert_int_equal(cg.kind, SW_CG_UNIT);
	const char *none = "0::/\n";
	assert_false(cgname_parse(none, strlen(none), &cg));
	assert_false(cgname_parse("garbage", 7, &cg));
	assert_false(cgname_parse("", 0, &cg));
}

/* Every setting unknown (-1), as kstat_init leaves them, no counters. */
static void kstat_defaults_for_test(struct sw_kstat *k)
{
	memset(k, 0, sizeof *k);
	k->port_lo = k->port_hi = k->tcp_tw_reuse = k->tcp_fin_timeout = -1;
	k->tcp_max_tw_buckets = k->tcp_max_syn_backlog = k->somaxconn = -1;
	k->tcp_syncookies = k->tcp_tw_recycle = k->tcp_timestamps = -1;
	k->tcp_tw_reuse_delay = k->netns_init = -1;
	k->sockstat_tw = k->sockstat_orphan = k->sockstat_inuse = k->sockstat_mem_pages = -1;
}

/* One namespace's collection: a TCP connection 127.0.0.1:5000 ->
 * 127.0.0.1:40000 (the same in each namespace), bound to ifindex 2. */
static void one_ns(struct sw_snapshot *s, uint64_t cookie, const char *ifname)
{
	snapshot_clear(s);
	struct sw_conn *c = snapshot_add_conn(s);
	c->cookie = cookie;
	c->family = AF_INET;
	c->proto = SW_PROTO_TCP;
	c->state = SW_ST_ESTABLISHED;
	uint8_t lo[16] = {127, 0, 0, 1};
	snapshot_set_addr(s, c, false, lo);
	c->local.port = 5000;
	snapshot_set_addr(s, c, true, lo);
	c->remote.port = 40000;
	c->ifindex = 2;
	struct sw_tcpx *t = snapshot_add_tcpx(s, 0);
	t->have = SW_TI_BYTES;
	t->bytes_acked = cookie * 10;
	snapshot_add_ifname(s, 2, ifname);
	s->have_kstat = true;
	s->kstat.port_lo = (int)cookie;
	s->kstat.port_hi = 60999;
	s->kstat.ncounters = 0;
}

static void merged(struct sw_snapshot *all, struct sw_snapshot *tmp)
{
	static const char *const labels[] = {"web", "db"};
	snapshot_clear(all);
	for (unsigned i = 0; i < 2; i++) {
		struct sw_nsinfo ni;
		memset(&ni, 0, sizeof ni);
		ni.inode = 4026532000u + i;
		snprintf(ni.label, sizeof ni.label, "%s", labels[i]);
		uint32_t k = snapshot_add_ns(all, &ni);
		assert_int_equal(k, i);
		one_ns(tmp, 100 + i, i ? "eth-db" : "eth-web");
		snapshot_append(all, tmp, k);
	}
}

static void test_merge(void **state)
{
	(void)state;
	struct sw_snapshot all, tmp;
	snapshot_init(&all);
	snapshot_init(&tmp);
	merged(&all, &tmp);
	assert_int_equal(all.nconns, 2);
	assert_int_equal(all.conns[0].ns, 0);
	assert_int_equal(all.conns[1].ns, 1);
	assert_int_equal(all.nss[1].nconns, 1);
	/* the same 4-tuple in two namespaces: two sockets */
	assert_int_equal(snapshot_dedupe_tuples(&all), 0);
	snapshot_dedupe(&all);
	assert_int_equal(all.nconns, 2);
	/* tcp_info follows its socket */
	const struct sw_tcpx *tx = snapshot_tcpx(&all, &all.conns[1]);
	assert_non_null(tx);
	if (tx)
		assert_int_equal(tx->bytes_acked, 1010);
	/* interface names per namespace: the same index, two names */
	assert_string_equal(snapshot_conn_ifname(&all, &all.conns[0]), "eth-web");
	assert_string_equal(snapshot_conn_ifname(&all, &all.conns[1]), "eth-db");
	/* each namespace's own settings */
	assert_int_equal(snapshot_ns_kstat(&all, 0)->port_lo, 100);
	assert_int_equal(snapshot_ns_kstat(&all, 1)->port_lo, 101);
	assert_string_equal(snapshot_ns_label(&all, &all.conns[1]), "db");
	/* one namespace: no table, no label */
	assert_null(snapshot_ns(&tmp, &tmp.conns[0]));
	assert_string_equal(snapshot_ns_label(&tmp, &tmp.conns[0]), "");
	/* a repeated socket within one namespace is still one */
	all.conns[1] = all.conns[0];
	assert_int_equal(snapshot_dedupe_tuples(&all), 1);
	snapshot_done(&all);
	snapshot_done(&tmp);
}

static struct sw_filter *parse(const char *text)
{
	struct sw_filter_error err;
	struct sw_filter *f = filter_parse(text, &err);
	if (!f)
		fail_msg("'%s': %s", text, err.msg);
	return f;
}

static void test_filter_column(void **state)
{
	(void)state;
	struct sw_snapshot all, tmp;
	snapshot_init(&all);
	snapshot_init(&tmp);
	merged(&all, &tmp);
	struct sw_filter *f = parse("netns db");
	assert_false(filter_match(f, &all, &all.conns[0]));
	assert_true(filter_match(f, &all, &all.conns[1]));
	filter_free(f);
	f = parse("netns 4026532000");
	assert_true(filter_match(f, &all, &all.conns[0]));
	assert_false(filter_match(f, &all, &all.conns[1]));
	filter_free(f);
	f = parse("netns 'w*' and dport = :40000");
	assert_true(filter_match(f, &all, &all.conns[0]));
	assert_false(filter_match(f, &all, &all.conns[1]));
	filter_free(f);
	f = parse("not netns web");
	assert_true(filter_match(f, &all, &all.conns[1]));
	assert_true(filter_match(f, &tmp, &tmp.conns[0])); /* no table: not web */
	filter_free(f);
	struct sw_filter_error err;
	assert_null(filter_parse("netns", &err));
	assert_non_null(strstr(err.msg, "namespace"));

	struct sw_rowstat st[2];
	memset(st, 0, sizeof st);
	struct sw_row rows[2] = {{&all, &all.conns[0], &st[0]}, {&all, &all.conns[1], &st[1]}};
	char buf[64];
	const struct sw_column *col = column_by_name("netns");
	assert_non_null(col);
	col->format(&rows[1], buf, sizeof buf);
	assert_string_equal(buf, "db");
	assert_true(col->compare(&rows[1], &rows[0]) < 0);

	struct sw_agg_ns an = {0};
	all.conns[1].state = SW_ST_TIME_WAIT;
	struct sw_view rv = {0};
	view_of_rows(&rv, rows, 2);
	agg_ns_states(&all, &rv, &an);
	view_done(&rv);
	assert_int_equal(an.n, 2);
	assert_int_equal(an.count[0][SW_ST_ESTABLISHED], 1);
	assert_int_equal(an.count[1][SW_ST_TIME_WAIT], 1);
	assert_int_equal(an.count[1][SW_ST_COUNT], 1);
	agg_ns_done(&an);
	snapshot_done(&all);
	snapshot_done(&tmp);
}

/* A closed socket's tombstone keeps its namespace's label, though the
 * namespace's index changes (or it is gone) in the next snapshot. */
static void test_tombstone_ns(void **state)
{
	(void)state;
	struct sw_model *m = model_new();
	struct sw_snapshot s, tmp;
	snapshot_init(&s);
	snapshot_init(&tmp);
	merged(&s, &tmp);
	s.mono_ns = 1000000000;
	model_update(m, &s);
	/* next: only "db", alone, at index 0 */
	struct sw_nsinfo ni;
	memset(&ni, 0, sizeof ni);
	ni.inode = 4026532001u;
	snprintf(ni.label, sizeof ni.label, "db");
	snapshot_add_ns(&s, &ni);
	one_ns(&tmp, 101, "eth-db");
	snapshot_append(&s, &tmp, 0);
	s.mono_ns = 2000000000;
	model_update(m, &s);
	struct sw_view v = {0};
	model_view(m, NULL, NULL, NULL, 0, &v);
	assert_int_equal(v.n, 2);
	bool tomb_web = false;
	for (size_t i = 0; i < v.n; i++) {
		const char *l = snapshot_ns_label(view_row(&v, i).snap, view_row(&v, i).conn);
		if (view_row(&v, i).st->flags & SW_ROW_CLOSED)
			tomb_web = strcmp(l, "web") == 0 &&
				   strcmp(snapshot_conn_ifname(view_row(&v, i).snap, view_row(&v, i).conn),
					  "eth-web") == 0;
		else
			assert_string_equal(l, "db");
	}
	assert_true(tomb_web);
	view_done(&v);
	model_free(m);
	snapshot_done(&s);
	snapshot_done(&tmp);
}

/* Each namespace is diagnosed on its own sockets against its own port
 * range: 9 connections toward 127.0.0.1:3306 fill a 10-port range in
 * "web" (alarm), and the very same 9 in "db", whose range is the
 * default, are nothing; merged, they would be 18 against one range. */
static void test_diag_per_ns(void **state)
{
	(void)state;
	static const char *const labels[] = {"web", "db"};
	struct sw_snapshot all, tmp;
	snapshot_init(&all);
	snapshot_init(&tmp);
	all.mono_ns = 1000000000;
	for (unsigned n = 0; n < 2; n++) {
		struct sw_nsinfo ni;
		memset(&ni, 0, sizeof ni);
		ni.inode = 4026532100u + n;
		snprintf(ni.label, sizeof ni.label, "%s", labels[n]);
		uint32_t k = snapshot_add_ns(&all, &ni);
		snapshot_clear(&tmp);
		for (unsigned i = 0; i < 9; i++) {
			struct sw_conn *c = snapshot_add_conn(&tmp);
			c->cookie = 1000 * (n + 1) + i;
			c->family = AF_INET;
			c->proto = SW_PROTO_TCP;
			c->state = SW_ST_ESTABLISHED;
			uint8_t lo[16] = {127, 0, 0, 1};
			snapshot_set_addr(&tmp, c, false, lo);
			c->local.port = (uint16_t)(40000 + i);
			snapshot_set_addr(&tmp, c, true, lo);
			c->remote.port = 3306;
		}
		kstat_defaults_for_test(&tmp.kstat);
		tmp.kstat.port_lo = n ? 32768 : 40000;
		tmp.kstat.port_hi = n ? 60999 : 40009;
		tmp.have_kstat = true;
		snapshot_append(&all, &tmp, k);
	}
	struct diag_thresholds t;
	diag_thresholds_default(&t);
	struct diag_state own;
	struct diag_ns dns;
	struct diag_list l;
	diag_state_init(&own);
	diag_ns_init(&dns);
	diag_list_init(&l);
	assert_int_equal(diagnose_run_ns(&dns, &own, &t, &all, &l), DIAG_ALARM);
	size_t eph = 0;
	for (size_t i = 0; i < l.n; i++) {
		if (l.d[i].id != DIAG_EPHEMERAL || l.d[i].sev == DIAG_OK)
			continue;
		eph++;
		assert_true(strncmp(l.d[i].title, "web: ", 5) == 0);
		assert_true(strncmp(l.d[i].subject, "web ", 4) == 0);
	}
	assert_int_equal(eph, 1);
	assert_int_equal(dns.n, 2); /* one memory per namespace */
	diag_list_done(&l);
	diag_ns_done(&dns);
	diag_state_done(&own);
	snapshot_done(&all);
	snapshot_done(&tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgname_shapes),
		cmocka_unit_test(test_cgname_file),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_filter_column),
		cmocka_unit_test(test_tombstone_ns),
		cmocka_unit_test(test_diag_per_ns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
