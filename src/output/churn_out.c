/* SPDX-License-Identifier: GPL-2.0-or-later */
/* churn_out.c - closed connections in JSON, -s and the streaming mode
 * (see churn_out.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include "churn_out.h"
#include "core/i18n.h"
#include "core/util.h"
#include "output.h"

static int fp_status(FILE *fp)
{
	return ferror(fp) ? -(errno ? errno : EIO) : 0;
}

static size_t top_of(const struct out_churn_opts *o)
{
	return o && o->top > 0 ? (size_t)o->top : 10;
}

/* Closed per second over the last interval (the window holds it). */
static double per_s(const struct sw_churn *c, uint32_t closed)
{
	const struct sw_churn_rates *rt = churn_rates(c);
	return rt->interval_s > 0 ? closed / rt->interval_s : 0;
}

/* Groups of one kind for o (the state selection never applies: closed
 * records are in CLOSE, or in the state a sample last saw). */
static void groups_of(const struct sw_churn *c, enum sw_churn_kind kind,
		      const struct out_churn_opts *o, struct sw_churn_groups *g)
{
	struct sw_select sel = {0};
	if (o && o->sel) {
		sel = *o->sel;
		sel.states = 0;
	}
	churn_groups(c, kind, &sel, o ? o->f : NULL, SW_CHURN_BY_RATE, g);
}

/* "127.0.0.1:3306" for a destination, ":3306" for a service. */
static char *group_key(const struct sw_churn_group *g, char *buf, size_t len)
{
	if (g->kind == SW_CHURN_SERVICE) {
		snprintf(buf, len, ":%u", g->port);
		return buf;
	}
	struct sw_endpoint ep;
	memset(&ep, 0, sizeof ep);
	memcpy(ep.addr, g->addr, sizeof ep.addr);
	ep.port = g->port;
	return sw_ep_str(g->family, &ep, buf, len);
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_pair(FILE *fp, const char *k, const uint64_t v[SW_CHURN_NPROTO])
{
	fprintf(fp, ",\"%s\":{\"tcp\":%" PRIu64 ",\"udp\":%" PRIu64 "}", k, v[SW_CHURN_TCP],
		v[SW_CHURN_UDP]);
}

static void json_pair_d(FILE *fp, const char *k, const double v[SW_CHURN_NPROTO])
{
	fprintf(fp, ",\"%s\":{\"tcp\":%.3f,\"udp\":%.3f}", k, v[SW_CHURN_TCP], v[SW_CHURN_UDP]);
}

static void json_owner(FILE *fp, int32_t pid, const char *comm, unsigned how)
{
	fputs("\"owner\":", fp);
	if (pid < 0) {
		fprintf(fp, "{\"pid\":null,\"comm\":null,\"how\":\"%s\"}",
			churn_how_name((enum sw_churn_how)how));
		return;
	}
	fprintf(fp, "{\"pid\":%" PRId32 ",\"comm\":", pid);
	out_json_str(fp, comm, strnlen(comm, 16));
	fprintf(fp, ",\"how\":\"%s\"}", churn_how_name((enum sw_churn_how)how));
}

static void json_groups(FILE *fp, const struct sw_churn *c, const char *k,
			enum sw_churn_kind kind, const struct out_churn_opts *o)
{
	struct sw_churn_groups g;
	churn_groups_init(&g);
	groups_of(c, kind, o, &g);
	fprintf(fp, ",\"%s\":[", k);
	size_t top = top_of(o);
	for (size_t i = 0; i < g.n && i < top; i++) {
		const struct sw_churn_group *e = &g.g[i];
		char a[SW_EP_STRLEN];
		fprintf(fp, "%s{\"proto\":\"%s\",", i ? "," : "", sw_proto_name(e->proto));
		if (kind == SW_CHURN_DEST)
			fprintf(fp, "\"addr\":\"%s\",",
				sw_addr_str(e->family, e->addr, false, a, sizeof a));
		fprintf(fp, "\"port\":%u,\"closed\":%" PRIu32 ",\"per_s\":%.3f,", e->port, e->closed,
			per_s(c, e->closed));
		if (e->nlife)
			fprintf(fp, "\"p50_ms\":%" PRIu32 ",\"p95_ms\":%" PRIu32 ",", e->p50_ms,
				e->p95_ms);
		else
			fputs("\"p50_ms\":null,\"p95_ms\":null,", fp);
		if (e->nbytes)
			fprintf(fp, "\"bytes_per_conn\":%.0f,", (double)e->bytes / e->nbytes);
		else
			fputs("\"bytes_per_conn\":null,", fp);
		json_owner(fp, e->pid, e->comm, e->how);
		fprintf(fp, ",\"owners\":%" PRIu32 "}", e->nowners);
	}
	fputc(']', fp);
	churn_groups_done(&g);
}

void out_churn_json_member(FILE *fp, const struct sw_churn *c, const struct out_churn_opts *o)
{
	const struct sw_churn_rates *rt = churn_rates(c);
	if (!rt->valid)
		return;
	fprintf(fp, ",\"churn\":{\"interval_s\":%.3f,\"events\":%s,\"events_error\":",
		rt->interval_s, o && o->events_ok ? "true" : "false");
	if (o && !o->events_ok && o->events_error && *o->events_error)
		out_json_cstr(fp, o->events_error);
	else
		fputs("null", fp);
	json_pair_d(fp, "opened_per_s", rt->opened_per_s);
	json_pair_d(fp, "closed_per_s", rt->closed_per_s);
	json_pair(fp, "opened", rt->opened);
	json_pair(fp, "closed", rt->closed);
	fprintf(fp, ",\"lost\":%" PRIu64 ",\"lost_total\":%" PRIu64
		",\"from_snapshot_total\":%" PRIu64,
		rt->lost, rt->lost_total, rt->from_snapshot_total);
	json_groups(fp, c, "destinations", SW_CHURN_DEST, o);
	json_groups(fp, c, "services", SW_CHURN_SERVICE, o);
	fputc('}', fp);
}

/* ---- -s -------------------------------------------------------------------- */

static void text_groups(FILE *fp, const struct sw_churn *c, const char *title, const char *keyhdr,
			enum sw_churn_kind kind, const struct out_churn_opts *o, int width)
{
	struct sw_churn_groups g;
	churn_groups_init(&g);
	groups_of(c, kind, o, &g);
	size_t top = top_of(o), shown = g.n < top ? g.n : top;
	if (!shown) {
		churn_groups_done(&g);
		return;
	}
	if (shown < g.n)
		fprintf(fp, _("%s (top %zu of %zu):\n"), title, shown, g.n);
	else
		fprintf(fp, "%s:\n", title);
	char key[SW_EP_STRLEN];
	int kw = (int)strlen(keyhdr);
	for (size_t i = 0; i < shown; i++) {
		int w = (int)strlen(group_key(&g.g[i], key, sizeof key));
		kw = w > kw ? w : kw;
	}
	/* proto, key, closed/s, p50, p95, bytes/conn: the owner gets the rest */
	int fixed = 2 + 4 + 2 + kw + 2 + 9 + 2 + 7 + 2 + 7 + 2 + 10 + 2;
	int ow = (width > 0 ? width : 80) - fixed;
	ow = ow < 12 ? 12 : ow;
	fprintf(fp, "  %-4s  %-*s  %9s  %7s  %7s  %10s  %s\n", _("Prot"), kw, keyhdr, _("Closed/s"),
		_("p50 ms"), _("p95 ms"), _("Bytes/conn"), _("Owner (how)"));
	for (size_t i = 0; i < shown; i++) {
		const struct sw_churn_group *e = &g.g[i];
		char p50[16] = "-", p95[16] = "-", by[24] = "-", who[96];
		if (e->nlife) {
			snprintf(p50, sizeof p50, "%" PRIu32, e->p50_ms);
			snprintf(p95, sizeof p95, "%" PRIu32, e->p95_ms);
		}
		if (e->nbytes)
			sw_fmt_bytes((double)e->bytes / e->nbytes, by, sizeof by);
		if (e->pid >= 0)
			snprintf(who, sizeof who, "%" PRId32 "/%s (%s)", e->pid, e->comm,
				 churn_how_label((enum sw_churn_how)e->how));
		else
			snprintf(who, sizeof who, "- (%s)", churn_how_label(SW_HOW_NONE));
		fprintf(fp, "  %-4s  %-*s  %9.1f  %7s  %7s  %10s  %.*s\n", sw_proto_name(e->proto), kw,
			group_key(e, key, sizeof key), per_s(c, e->closed), p50, p95, by, ow, who);
	}
	churn_groups_done(&g);
}

int out_churn_summary_text(FILE *fp, const struct sw_churn *c, const struct out_churn_opts *o,
			   int width)
{
	const struct sw_churn_rates *rt = churn_rates(c);
	if (!rt->valid)
		return 0;
	fprintf(fp, "\n%s:\n", _("Closed connections"));
	if (o && !o->events_ok)
		fprintf(fp, "  %s\n", o->events_error && *o->events_error
					      ? o->events_error
					      : _("no connection close events: counted from samples"));
	fprintf(fp, _("  opened/s: TCP %.1f, UDP %.1f; closed/s: TCP %.1f, UDP %.1f "
		      "(over %.1f s)\n"),
		rt->opened_per_s[SW_CHURN_TCP], rt->opened_per_s[SW_CHURN_UDP],
		rt->closed_per_s[SW_CHURN_TCP], rt->closed_per_s[SW_CHURN_UDP], rt->interval_s);
	if (rt->lost_total)
		fprintf(fp, _("  events lost: %llu in this interval, %llu in all (counted from "
			      "samples instead)\n"),
			(unsigned long long)rt->lost, (unsigned long long)rt->lost_total);
	text_groups(fp, c, _("  Per destination"), _("Destination"), SW_CHURN_DEST, o, width);
	text_groups(fp, c, _("  Per local service"), _("Port"), SW_CHURN_SERVICE, o, width);
	return fp_status(fp);
}

/* ---- streaming ---------------------------------------------------------------- */

static const char *state_word(const struct sw_closed *mt)
{
	return mt->last_state == SW_ST_UNKNOWN ? "-" : sw_state_netstat_name(mt->last_state);
}

static void clock_ms(int64_t real_ms, char *buf, size_t len)
{
	char hms[32];
	if (!sw_fmt_clock(real_ms / 1000, false, hms, sizeof hms))
		snprintf(hms, sizeof hms, "%lld", (long long)(real_ms / 1000));
	snprintf(buf, len, "%s.%03d", hms, (int)(real_ms % 1000));
}

int out_closed_header(FILE *fp)
{
	fprintf(fp, "%-12s  %-24s  %-4s  %-22s  %-22s  %-11s  %7s  %9s  %9s\n", _("Time"),
		_("PID/Program (how)"), _("Prot"), _("Local Address"), _("Remote Address"),
		_("Last state"), _("Life ms"), _("Bytes tx"), _("Bytes rx"));
	return fp_status(fp);
}

/* tcp_info's byte counters, or false (UDP, old kernels). */
static bool rec_bytes(const struct sw_snapshot *r, const struct sw_conn *cn, uint64_t *tx,
		      uint64_t *rx)
{
	const struct sw_tcpx *t = snapshot_tcpx(r, cn);
	if (!t || !(t->have & SW_TI_BYTES))
		return false;
	*tx = t->bytes_acked;
	*rx = t->bytes_received;
	return true;
}

int out_closed_row(FILE *fp, const struct sw_churn *c, size_t i)
{
	const struct sw_snapshot *r = churn_records(c);
	const struct sw_conn *cn = &r->conns[i];
	const struct sw_closed *mt = &churn_closed(c)[i];
	char t[48], who[64], l[SW_EP_STRLEN], rm[SW_EP_STRLEN], life[16] = "-";
	char tx[24] = "-", rx[24] = "-";
	clock_ms(mt->closed_real_ms, t, sizeof t);
	const struct sw_proc *p = snapshot_owner_proc(r, cn, 0);
	if (p)
		snprintf(who, sizeof who, "%" PRId32 "/%s (%s)", p->pid, p->comm,
			 churn_how_name((enum sw_churn_how)mt->how));
	else
		snprintf(who, sizeof who, "-");
	if (mt->life_known)
		snprintf(life, sizeof life, "%" PRIu32, mt->life_ms);
	uint64_t btx, brx;
	if (rec_bytes(r, cn, &btx, &brx)) {
		snprintf(tx, sizeof tx, "%" PRIu64, btx);
		snprintf(rx, sizeof rx, "%" PRIu64, brx);
	}
	fprintf(fp, "%-12s  %-24s  %-4s  %-22s  %-22s  %-11s  %7s  %9s  %9s\n", t, who,
		sw_proto_name(cn->proto), sw_conn_ep_str(cn, false, l, sizeof l),
		sw_conn_ep_str(cn, true, rm, sizeof rm), state_word(mt), life, tx, rx);
	return fp_status(fp);
}

static void json_ep(FILE *fp, const char *k, const struct sw_conn *c, bool remote)
{
	char a[SW_EP_STRLEN];
	const struct sw_epix *ep = remote ? &c->remote : &c->local;
	fprintf(fp, ",\"%s\":{\"addr\":\"%s\",\"port\":%u}", k,
		sw_addr_str(c->family, sw_conn_addr(c, ep), false, a, sizeof a), ep->port);
}

int out_closed_json(FILE *fp, const struct sw_churn *c, size_t i)
{
	const struct sw_snapshot *r = churn_records(c);
	const struct sw_conn *cn = &r->conns[i];
	const struct sw_closed *mt = &churn_closed(c)[i];
	char iso[32];
	if (!sw_fmt_clock(mt->closed_real_ms / 1000, true, iso, sizeof iso))
		iso[0] = '\0';
	fprintf(fp, "{\"closed\":true,\"time\":%.3f,\"time_iso\":\"%s\",\"proto\":\"%s\","
		"\"family\":\"%s\"",
		(double)mt->closed_real_ms / 1000.0, iso, sw_proto_name(cn->proto),
		sw_conn_is_v4(cn) ? "inet" : "inet6");
	json_ep(fp, "local", cn, false);
	json_ep(fp, "remote", cn, true);
	fprintf(fp, ",\"role\":\"%s\",\"last_state\":", mt->server ? "server" : "client");
	if (mt->last_state == SW_ST_UNKNOWN)
		fputs("null", fp);
	else
		fprintf(fp, "\"%s\"", sw_state_netstat_name(mt->last_state));
	if (mt->life_known)
		fprintf(fp, ",\"life_ms\":%" PRIu32, mt->life_ms);
	else
		fputs(",\"life_ms\":null", fp);
	uint64_t tx, rx;
	if (rec_bytes(r, cn, &tx, &rx))
		fprintf(fp, ",\"bytes_acked\":%" PRIu64 ",\"bytes_received\":%" PRIu64, tx, rx);
	fprintf(fp, ",\"cookie\":%" PRIu64 ",\"source\":\"%s\",", cn->cookie,
		mt->src == SW_CHURN_SNAPSHOT ? "snapshot" : "event");
	const struct sw_proc *p = snapshot_owner_proc(r, cn, 0);
	json_owner(fp, p ? p->pid : -1, p ? p->comm : "", mt->how);
	if (cn->flags & SW_CF_HAS_UID)
		fprintf(fp, ",\"uid\":%" PRIu32, cn->uid);
	fputs("}\n", fp);
	return fp_status(fp);
}
