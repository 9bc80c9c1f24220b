/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prom_churn.c - closed connections as Prometheus families (see
 * prom_churn.h). */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "prom_churn.h"

/* (protocol class, role): tcp/udp x client/server */
enum { NCLS = SW_CHURN_NPROTO * 2 };

static const char *const cls_proto[SW_CHURN_NPROTO] = {"tcp", "udp"};
static const char *const cls_role[2] = {"client", "server"};

/* The class and port a record counts under, or false (not TCP/UDP, an
 * unconnected datagram socket, a listener). */
static bool rec_key(const struct sw_conn *c, const struct sw_closed *mt, int *cls,
		    uint16_t *port)
{
	int p = c->proto == SW_PROTO_TCP ? SW_CHURN_TCP : c->proto == SW_PROTO_UDP ? SW_CHURN_UDP : -1;
	if (p < 0 || c->remote.port == 0 || mt->last_state == SW_ST_LISTEN)
		return false;
	*cls = p * 2 + (mt->server ? 1 : 0);
	*port = mt->server ? c->local.port : c->remote.port;
	return true;
}

static void head(FILE *fp, const char *name, const char *type, const char *help)
{
	fprintf(fp, "# HELP sockwatch_%s %s\n# TYPE sockwatch_%s %s\n", name, help, name, type);
}

/* integers exactly (counters), fractions with 6 digits */
static void val(FILE *fp, double v)
{
	if (sw_dbl_is_ll(v))
		fprintf(fp, " %lld\n", (long long)v);
	else
		fprintf(fp, " %.6g\n", v);
}

static void per_proto(FILE *fp, const char *name, const char *type, const char *help,
		      const double v[SW_CHURN_NPROTO])
{
	head(fp, name, type, help);
	for (int p = 0; p < SW_CHURN_NPROTO; p++) {
		fprintf(fp, "sockwatch_%s{proto=\"%s\"}", name, cls_proto[p]);
		val(fp, v[p]);
	}
}

static void port_sample(FILE *fp, const char *name, int cls, int port, double v)
{
	fprintf(fp, "sockwatch_%s{proto=\"%s\",role=\"%s\",port=\"", name, cls_proto[cls / 2],
		cls_role[cls % 2]);
	if (port < 0)
		fputs("other", fp);
	else
		fprintf(fp, "%d", port);
	fputs("\"}", fp);
	val(fp, v);
}

static void events_available(FILE *fp, bool events_ok)
{
	head(fp, "close_events_available", "gauge",
	     "1 when the kernel's socket destroy events arrive, 0 when closed connections "
	     "are counted from samples only.");
	fprintf(fp, "sockwatch_close_events_available %d\n", events_ok ? 1 : 0);
}

/* ---- one-shot: gauges of the interval ---------------------------------- */

struct pc {
	uint32_t key; /* cls << 16 | port */
	uint32_t n;
};

static int pc_key_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct pc *)a)->key, y = ((const struct pc *)b)->key;
	return x < y ? -1 : x > y;
}

/* by class, then count descending, then port */
static int pc_rank_cmp(const void *a, const void *b)
{
	const struct pc *x = a, *y = b;
	if ((x->key >> 16) != (y->key >> 16))
		return (x->key >> 16) < (y->key >> 16) ? -1 : 1;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* The records' (class, port) counts, ranked; returns how many. */
static size_t count_ports(const struct sw_churn *c, struct pc **out)
{
	const struct sw_snapshot *r = churn_records(c);
	const struct sw_closed *mt = churn_closed(c);
	struct pc *v = xmalloc((r->nconns ? r->nconns : 1) * sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < r->nconns; i++) {
		int cls;
		uint16_t port;
		if (rec_key(&r->conns[i], &mt[i], &cls, &port))
			v[n++] = (struct pc){(uint32_t)cls << 16 | port, 1};
	}
	qsort(v, n, sizeof *v, pc_key_cmp);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && v[m - 1].key == v[i].key)
			v[m - 1].n++;
		else
			v[m++] = v[i];
	}
	qsort(v, m, sizeof *v, pc_rank_cmp);
	*out = v;
	return m;
}

void out_churn_prom_rates(FILE *fp, const struct sw_churn *c, bool events_ok)
{
	const struct sw_churn_rates *rt = churn_rates(c);
	events_available(fp, events_ok);
	if (!rt->valid)
		return;
	per_proto(fp, "connections_opened_per_second", "gauge",
		  "Connections opened per second over the last interval.", rt->opened_per_s);
	per_proto(fp, "connections_closed_per_second", "gauge",
		  "Connections closed per second over the last interval.", rt->closed_per_s);
	struct pc *v;
	size_t n = count_ports(c, &v);
	head(fp, "port_connections_closed_per_second", "gauge",
	     "Connections closed per second over the last interval, by destination port "
	     "(role client) or local listening port (role server); the busiest ports, the "
	     "rest as port=\"other\".");
	for (size_t i = 0; i < n;) {
		uint32_t cls = v[i].key >> 16;
		uint64_t other = 0;
		size_t k = 0;
		for (; i < n && (v[i].key >> 16) == cls; i++, k++) {
			if (k < PROM_CHURN_PORTS)
				port_sample(fp, "port_connections_closed_per_second", (int)cls,
					    (int)(v[i].key & 0xffff), v[i].n / rt->interval_s);
			else
				other += v[i].n;
		}
		if (other)
			port_sample(fp, "port_connections_closed_per_second", (int)cls, -1,
				    (double)other / rt->interval_s);
	}
	free(v);
	head(fp, "close_events_lost", "gauge",
	     "Connection close events the kernel dropped in the last interval (those "
	     "closures were counted from samples).");
	fprintf(fp, "sockwatch_close_events_lost %" PRIu64 "\n", rt->lost);
}

/* ---- exporter: counters kept across scrapes ----------------------------- */

struct prom_churn_totals {
	uint64_t seen_seq;
	uint16_t port[NCLS][PROM_CHURN_PORTS];
	unsigned nports[NCLS];
	uint64_t n[NCLS][PROM_CHURN_PORTS];
	uint64_t other[NCLS];
};

struct prom_churn_totals *prom_churn_totals_new(void)
{
	return xcalloc(1, sizeof(struct prom_churn_totals));
}

void prom_churn_totals_free(struct prom_churn_totals *t)
{
	free(t);
}

static void totals_add(struct prom_churn_totals *t, int cls, uint16_t port)
{
	for (unsigned k = 0; k < t->nports[cls]; k++)
		if (t->port[cls][k] == port) {
			t->n[cls][k]++;
			return;
		}
	if (t->nports[cls] < PROM_CHURN_PORTS) {
		unsigned k = t->nports[cls]++;
		t->port[cls][k] = port;
		t->n[cls][k] = 1;
		return;
	}
	t->other[cls]++;
}

void out_churn_prom_counters(FILE *fp, struct prom_churn_totals *t, const struct sw_churn *c,
			     bool events_ok)
{
	const struct sw_snapshot *r = churn_records(c);
	const struct sw_closed *mt = churn_closed(c);
	uint64_t top = t->seen_seq;
	for (size_t i = 0; i < r->nconns; i++) {
		int cls;
		uint16_t port;
		if (mt[i].seq <= t->seen_seq)
			continue;
		top = mt[i].seq > top ? mt[i].seq : top;
		if (rec_key(&r->conns[i], &mt[i], &cls, &port))
			totals_add(t, cls, port);
	}
	t->seen_seq = top;
	const struct sw_churn_rates *rt = churn_rates(c);
	double opened[SW_CHURN_NPROTO], closed[SW_CHURN_NPROTO];
	for (int p = 0; p < SW_CHURN_NPROTO; p++) {
		opened[p] = (double)rt->opened_total[p];
		closed[p] = (double)rt->closed_total[p];
	}
	events_available(fp, events_ok);
	per_proto(fp, "connections_opened_total", "counter",
		  "Connections opened since the exporter started.", opened);
	per_proto(fp, "connections_closed_total", "counter",
		  "Connections closed since the exporter started.", closed);
	head(fp, "port_connections_closed_total", "counter",
	     "Connections closed since the exporter started, by destination port (role client) "
	     "or local listening port (role server); the first ports seen, the rest as "
	     "port=\"other\".");
	for (int cls = 0; cls < NCLS; cls++) {
		for (unsigned k = 0; k < t->nports[cls]; k++)
			port_sample(fp, "port_connections_closed_total", cls, t->port[cls][k],
				    (double)t->n[cls][k]);
		if (t->other[cls])
			port_sample(fp, "port_connections_closed_total", cls, -1,
				    (double)t->other[cls]);
	}
	head(fp, "close_events_lost_total", "counter",
	     "Connection close events the kernel dropped since the exporter started.");
	fprintf(fp, "sockwatch_close_events_lost_total %" PRIu64 "\n", rt->lost_total);
}
