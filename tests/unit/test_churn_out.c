/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_churn_out: closed connections in the batch formats - the "churn"
 * member of --json, the "Closed connections" section of -s (width kept),
 * the streaming lines of --closed, and the Prometheus families (valid
 * names, at most PROM_CHURN_PORTS port labels per protocol and role plus
 * "other", counters that add up and never go back). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/churn.h"
#include "core/model.h"
#include "output/churn_out.h"
#include "output/prom_churn.h"

#define SEC 1000000000ull

struct fx {
	struct sw_model *m;
	struct sw_churn *ch;
	struct sw_snapshot s, ev;
	char *buf;
	size_t len;
	FILE *fp;
};

static struct sw_conn *conn(struct sw_snapshot *s, uint64_t cookie, int state, unsigned lport,
			    unsigned rport)
{
	struct sw_conn *c = snapshot_add_conn(s);
	c->cookie = cookie;
	c->family = AF_INET;
	c->proto = SW_PROTO_TCP;
	c->state = (uint8_t)state;
	uint8_t la[16] = {127, 0, 0, 1}, ra[16] = {127, 0, 0, 9};
	snapshot_set_addr(s, c, false, la);
	snapshot_set_addr(s, c, true, ra);
	c->local.port = (uint16_t)lport;
	c->remote.port = (uint16_t)rport;
	c->tcpx = SW_NONE;
	return c;
}

static void owned(struct sw_snapshot *s, int pid, const char *comm)
{
	struct sw_proc p;
	memset(&p, 0, sizeof p);
	p.pid = pid;
	snprintf(p.comm, sizeof p.comm, "%s", comm);
	size_t pi = snapshot_add_proc(s, &p);
	struct sw_conn *c = &s->conns[s->nconns - 1];
	snapshot_add_owner(s, c, (uint32_t)pi, 5);
}

/* A destroyed TCP socket that lived life_ms, 500 bytes each way. */
static void event(struct fx *f, uint64_t cookie, unsigned lport, unsigned rport, uint32_t life_ms)
{
	conn(&f->ev, cookie, SW_ST_CLOSE, lport, rport);
	struct sw_tcpx *t = snapshot_add_tcpx(&f->ev, f->ev.nconns - 1);
	t->have = SW_TI_BASE | SW_TI_BYTES;
	t->last_data_sent_ms = t->last_data_recv_ms = life_ms;
	t->bytes_acked = t->bytes_received = 500;
}

/* php-fpm (pid 100) listening on :9000 and holding one connection to
 * 127.0.0.9:3306, sampled at t. */
static void take_sample(struct fx *f, uint64_t t)
{
	snapshot_clear(&f->s);
	f->s.mono_ns = t;
	f->s.real_sec = 1700000000 + (int64_t)(t / SEC);
	conn(&f->s, 1, SW_ST_LISTEN, 9000, 0);
	owned(&f->s, 100, "php-fpm8.2");
	conn(&f->s, 2, SW_ST_ESTABLISHED, 50000, 3306);
	owned(&f->s, 101, "php-fpm8.2");
	model_update(f->m, &f->s);
	churn_sample(f->ch, f->m, 0, true);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->m = model_new();
	f->ch = churn_new();
	snapshot_init(&f->s);
	snapshot_init(&f->ev);
	f->fp = open_memstream(&f->buf, &f->len);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	fclose(f->fp);
	free(f->buf);
	model_free(f->m);
	churn_free(f->ch);
	snapshot_done(&f->s);
	snapshot_done(&f->ev);
	free(f);
	return 0;
}

static const char *text(struct fx *f)
{
	fflush(f->fp);
	return f->buf;
}

/* 100 client connections to MySQL (lifetimes 1..100 ms) and 10 server
 * ends on :9000 in the 2 s between two samples. */
static void fill(struct fx *f)
{
	take_sample(f, 10 * SEC);
	for (unsigned i = 0; i < 100; i++)
		event(f, 1000 + i, 50100 + i, 3306, i + 1);
	for (unsigned i = 0; i < 10; i++)
		event(f, 2000 + i, 9000, 40000 + i, 7);
	churn_add_events(f->ch, &f->ev, 0, f->m, 12 * SEC - 1, 1700000012000);
	take_sample(f, 12 * SEC);
}

static void test_json_member(void **state)
{
	struct fx *f = *state;
	struct out_churn_opts o = {.top = 5, .events_ok = true};
	take_sample(f, 10 * SEC);
	out_churn_json_member(f->fp, f->ch, &o);
	assert_string_equal(text(f), ""); /* no interval yet */
	snapshot_clear(&f->ev);
	fill(f);
	out_churn_json_member(f->fp, f->ch, &o);
	const char *j = text(f);
	assert_non_null(strstr(j, ",\"churn\":{\"interval_s\":2.000,\"events\":true,"
				  "\"events_error\":null"));
	assert_non_null(strstr(j, "\"closed\":{\"tcp\":110,\"udp\":0}"));
	assert_non_null(strstr(j, "\"destinations\":[{\"proto\":\"tcp\",\"addr\":\"127.0.0.9\","
				  "\"port\":3306,\"closed\":100,\"per_s\":50.000,\"p50_ms\":5"));
	assert_non_null(strstr(j, "\"bytes_per_conn\":1000,\"owner\":{\"pid\":101,"
				  "\"comm\":\"php-fpm8.2\",\"how\":\"destination\"}"));
	assert_non_null(strstr(j, "\"services\":[{\"proto\":\"tcp\",\"port\":9000,\"closed\":10,"
				  "\"per_s\":5.000,\"p50_ms\":7,\"p95_ms\":7"));
	assert_non_null(strstr(j, "\"owner\":{\"pid\":100,\"comm\":\"php-fpm8.2\",\"how\":\"listener\"}"));
	int depth = 0;
	for (const char *p = j; *p; p++)
		depth += (*p == '{' || *p == '[') - (*p == '}' || *p == ']');
	assert_int_equal(depth, 0);
}

static void test_json_no_events(void **state)
{
	struct fx *f = *state;
	struct out_churn_opts o = {.events_ok = false, .events_error = "no \"events\""};
	take_sample(f, 10 * SEC);
	take_sample(f, 11 * SEC);
	out_churn_json_member(f->fp, f->ch, &o);
	assert_non_null(strstr(text(f), "\"events\":false,\"events_error\":\"no \\\"events\\\"\""));
}

static void test_summary(void **state)
{
	struct fx *f = *state;
	struct out_churn_opts o = {.top = 3, .events_ok = true};
	fill(f);
	assert_int_equal(out_churn_summary_text(f->fp, f->ch, &o, 100), 0);
	const char *t = text(f);
	assert_non_null(strstr(t, "\nClosed connections:\n"));
	assert_non_null(strstr(t, "closed/s: TCP 55.0, UDP 0.0 (over 2.0 s)"));
	assert_non_null(strstr(t, "127.0.0.9:3306"));
	assert_non_null(strstr(t, "101/php-fpm8.2 (destination)"));
	assert_non_null(strstr(t, ":9000"));
	/* every line within the width */
	for (const char *p = t; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		assert_true(n <= 100);
		p += n + (e ? 1 : 0);
	}
	/* narrower: the owner is cut to fit */
	rewind(f->fp);
	assert_int_equal(out_churn_summary_text(f->fp, f->ch, &o, 85), 0);
	t = text(f);
	assert_null(strstr(t, "101/php-fpm8.2 (destination)"));
	const char *row = strstr(t, "  tcp   127.0.0.9:3306");
	assert_non_null(row);
	assert_int_equal(strcspn(row, "\n"), 85);
}

static void test_closed_lines(void **state)
{
	struct fx *f = *state;
	fill(f);
	const struct sw_snapshot *r = churn_records(f->ch);
	assert_int_equal(r->nconns, 110);
	assert_int_equal(out_closed_json(f->fp, f->ch, 0), 0);
	const char *j = text(f);
	assert_non_null(strstr(j, "{\"closed\":true,\"time\":1700000012.000,"));
	assert_non_null(strstr(j, "\"remote\":{\"addr\":\"127.0.0.9\",\"port\":3306},\"role\":\"client\""));
	assert_non_null(strstr(j, "\"life_ms\":1,\"bytes_acked\":500,\"bytes_received\":500"));
	assert_non_null(strstr(j, "\"how\":\"destination\"}"));
	assert_int_equal(j[strlen(j) - 1], '\n');
	rewind(f->fp);
	assert_int_equal(out_closed_row(f->fp, f->ch, 105), 0);
	assert_non_null(strstr(text(f), "100/php-fpm8.2 (listener)"));
}

/* Valid metric names on every sample line; returns the number of port
 * labels for (proto, role) and checks the rest. */
static int prom_ports(const char *t, const char *family, const char *proto, const char *role)
{
	int n = 0;
	char want[128];
	snprintf(want, sizeof want, "sockwatch_%s{proto=\"%s\",role=\"%s\",port=\"", family, proto,
		 role);
	for (const char *p = t; *p;) {
		const char *e = strchr(p, '\n');
		assert_non_null(e);
		if (*p != '#') {
			assert_true(isalpha((unsigned char)*p) || *p == '_');
			for (const char *q = p; q < e && *q != '{' && *q != ' '; q++)
				assert_true(isalnum((unsigned char)*q) || *q == '_' || *q == ':');
			if (!strncmp(p, want, strlen(want)))
				n++;
		}
		p = e + 1;
	}
	return n;
}

static void many_ports(struct fx *f, uint64_t at, unsigned first_cookie, unsigned nports)
{
	snapshot_clear(&f->ev);
	for (unsigned i = 0; i < nports; i++)
		for (unsigned k = 0; k <= i; k++) /* port 1000+i closes i+1 times */
			event(f, first_cookie + i * 100 + k, 50000 + k, 1000 + i, 3);
	churn_add_events(f->ch, &f->ev, 0, f->m, at - 1, 0);
	take_sample(f, at);
}

static void test_prom_rates(void **state)
{
	struct fx *f = *state;
	take_sample(f, 10 * SEC);
	many_ports(f, 11 * SEC, 10000, 15);
	out_churn_prom_rates(f->fp, f->ch, true);
	const char *t = text(f);
	assert_int_equal(prom_ports(t, "port_connections_closed_per_second", "tcp", "client"),
			 PROM_CHURN_PORTS + 1);
	/* the busiest port (1014: 15 closures) has its own label; the five
	 * quietest (1000-1004: 1+2+3+4+5) add up under "other" */
	assert_non_null(strstr(t, "role=\"client\",port=\"1014\"} 15\n"));
	assert_non_null(strstr(t, "role=\"client\",port=\"other\"} 15\n"));
	assert_null(strstr(t, "port=\"1000\""));
	assert_non_null(strstr(t, "sockwatch_close_events_available 1\n"));
	assert_non_null(strstr(t, "sockwatch_connections_closed_per_second{proto=\"tcp\"} 120\n"));
}

static void test_prom_counters(void **state)
{
	struct fx *f = *state;
	struct prom_churn_totals *tot = prom_churn_totals_new();
	take_sample(f, 10 * SEC);
	many_ports(f, 11 * SEC, 10000, 15);
	out_churn_prom_counters(f->fp, tot, f->ch, false);
	/* the first ten ports seen keep their labels, the rest are "other" */
	assert_int_equal(prom_ports(text(f), "port_connections_closed_total", "tcp", "client"),
			 PROM_CHURN_PORTS + 1);
	assert_non_null(strstr(text(f), "port=\"1000\"} 1\n"));
	assert_non_null(strstr(text(f), "port=\"other\"} 65\n")); /* 11+...+15 */
	assert_non_null(strstr(text(f), "sockwatch_close_events_available 0\n"));
	/* the same records again are not counted twice; new ones add */
	rewind(f->fp);
	many_ports(f, 12 * SEC, 20000, 2);
	out_churn_prom_counters(f->fp, tot, f->ch, true);
	assert_non_null(strstr(text(f), "port=\"1000\"} 2\n"));
	assert_non_null(strstr(text(f), "port=\"1001\"} 4\n"));
	assert_non_null(strstr(text(f), "port=\"other\"} 65\n"));
	assert_non_null(strstr(text(f), "sockwatch_connections_closed_total{proto=\"tcp\"} 123\n"));
	prom_churn_totals_free(tot);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_member, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_no_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prom_rates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prom_counters, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
