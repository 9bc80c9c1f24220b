/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diag_out.c - see diag_out.h. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "diag_out.h"
#include "output.h"

static void json_num(FILE *fp, double v)
{
	if (!isfinite(v))
		fputs("null", fp);
	else if (fabs(v) < 9e15 && sw_dbl_is_ll(v))
		fprintf(fp, "%lld", (long long)v);
	else
		fprintf(fp, "%.3f", v);
}

/* The fix text split at '\n' into a JSON array of strings. */
static void json_lines(FILE *fp, const char *s)
{
	fputc('[', fp);
	bool first = true;
	while (*s) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n) {
			if (!first)
				fputc(',', fp);
			out_json_str(fp, s, n);
			first = false;
		}
		s += n;
		if (*s == '\n')
			s++;
	}
	fputc(']', fp);
}

void out_diagnoses_json(FILE *fp, const struct diag_list *l)
{
	fputc('[', fp);
	for (size_t i = 0; i < l->n; i++) {
		const struct diag *d = &l->d[i];
		if (i)
			fputc(',', fp);
		fputs("{\"id\":", fp);
		out_json_cstr(fp, diag_id_name(d->id));
		fputs(",\"severity\":", fp);
		out_json_cstr(fp, diag_sev_name(d->sev));
		fputs(",\"subject\":", fp);
		out_json_cstr(fp, d->subject);
		fputs(",\"title\":", fp);
		out_json_cstr(fp, d->title);
		fputs(",\"details\":[", fp);
		for (size_t j = 0; j < d->ndetail; j++) {
			if (j)
				fputc(',', fp);
			out_json_cstr(fp, d->detail[j]);
		}
		fputs("],\"fix\":", fp);
		json_lines(fp, d->fix);
		fputs(",\"value\":", fp);
		json_num(fp, d->value);
		fputs(",\"limit\":", fp);
		json_num(fp, d->limit);
		fputs(",\"pid\":", fp);
		if (d->pid >= 0)
			fprintf(fp, "%d", (int)d->pid);
		else
			fputs("null", fp);
		fputs(",\"process\":", fp);
		if (d->comm[0])
			out_json_cstr(fp, d->comm);
		else
			fputs("null", fp);
		fputs(",\"port\":", fp);
		if (d->port)
			fprintf(fp, "%u", (unsigned)d->port);
		else
			fputs("null", fp);
		fputc('}', fp);
	}
	fputc(']', fp);
}

void out_diagnoses_json_member(FILE *fp, void *list)
{
	fputs(",\"diagnoses\":", fp);
	out_diagnoses_json(fp, list);
}

int out_diagnoses_text(FILE *fp, const struct diag_list *l, bool verbose)
{
	size_t alarms = 0, warns = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (l->d[i].sev == DIAG_ALARM)
			alarms++;
		else if (l->d[i].sev == DIAG_WARN)
			warns++;
	}
	fprintf(fp, _("sockwatch check: %s - %zu alarm(s), %zu warning(s)"),
		diag_sev_label(l->worst), alarms, warns);
	if (!l->have_rates)
		fputs(_(" (one sample: no rates or counter deltas)"), fp);
	else
		fprintf(fp, _(" (rates and counter deltas over the last %.1f s)"), l->dt);
	fputc('\n', fp);
	/* Columns by display width, not bytes: translated labels may be
	 * double-width (zh_TW "警告" is 6 bytes, 4 columns). */
	int sevw = 8;
	for (int s = DIAG_OK; s <= DIAG_ALARM; s++) {
		const char *lab = diag_sev_label((enum diag_sev)s);
		int w = sw_text_width(lab, strlen(lab));
		if (w > sevw)
			sevw = w;
	}
	int indent = sevw + 1 + 17 + 1;
	const char *fix = _("Fix: ");
	int fixw = sw_text_width(fix, strlen(fix));
	for (size_t i = 0; i < l->n; i++) {
		const struct diag *d = &l->d[i];
		const char *lab = diag_sev_label(d->sev);
		fprintf(fp, "%s%*s %-17s %s\n", lab, sevw - sw_text_width(lab, strlen(lab)), "",
			diag_id_name(d->id), d->title);
		if (d->sev == DIAG_OK && !verbose)
			continue;
		for (size_t j = 0; j < d->ndetail; j++)
			fprintf(fp, "%*s%s\n", indent, "", d->detail[j]);
		const char *s = d->fix;
		bool first = true;
		while (*s) {
			const char *e = strchr(s, '\n');
			int n = e ? (int)(e - s) : (int)strlen(s);
			if (first)
				fprintf(fp, "%*s%s%.*s\n", indent, "", fix, n, s);
			else
				fprintf(fp, "%*s%.*s\n", indent + fixw, "", n, s);
			first = false;
			s += n;
			if (*s == '\n')
				s++;
		}
	}
	if (fflush(fp) || ferror(fp))
		return errno ? -errno : -EIO;
	return 0;
}

/* ---- Nagios/Icinga plugin output ---------------------------------------------- */

int out_nagios_exit(enum diag_sev worst)
{
	return worst == DIAG_ALARM ? OUT_NAGIOS_CRITICAL
	       : worst == DIAG_WARN ? OUT_NAGIOS_WARNING
				    : OUT_NAGIOS_OK;
}

/* Plugin text may not contain '|' (it starts the perfdata): '/' instead. */
static void nagios_text(FILE *fp, const char *s)
{
	for (; *s; s++)
		fputc(*s == '|' ? '/' : *s == '\n' ? ' ' : *s, fp);
}

/* 'label'=value;warn;crit;min;max with empty fields where there is none. */
static void perf(FILE *fp, const char *label, double v, double warn, double crit, double max)
{
	fprintf(fp, " %s=%.0f;", label, v);
	if (warn >= 0)
		fprintf(fp, "%.0f", warn);
	fputc(';', fp);
	if (crit >= 0)
		fprintf(fp, "%.0f", crit);
	fputs(";0;", fp);
	if (max >= 0)
		fprintf(fp, "%.0f", max);
}

static void nagios_perfdata(FILE *fp, const struct sw_snapshot *s,
			    const struct diag_thresholds *t)
{
	static const struct {
		const char *label;
		unsigned state;
	} st[] = {
		{"estab", SW_ST_ESTABLISHED}, {"syn_sent", SW_ST_SYN_SENT},
		{"syn_recv", SW_ST_SYN_RECV}, {"fin_wait1", SW_ST_FIN_WAIT1},
		{"fin_wait2", SW_ST_FIN_WAIT2}, {"time_wait", SW_ST_TIME_WAIT},
		{"close_wait", SW_ST_CLOSE_WAIT}, {"last_ack", SW_ST_LAST_ACK},
		{"closing", SW_ST_CLOSING}, {"listen", SW_ST_LISTEN},
	};
	double n[SW_ST_COUNT] = {0};
	for (size_t i = 0; i < s->nconns; i++)
		if (s->conns[i].proto == SW_PROTO_TCP && s->conns[i].state < SW_ST_COUNT)
			n[s->conns[i].state]++;
	double buckets = s->have_kstat ? s->kstat.tcp_max_tw_buckets : -1;
	fputs(" |", fp);
	for (size_t i = 0; i < sizeof st / sizeof st[0]; i++) {
		double w = -1, c = -1, max = -1;
		if (st[i].state == SW_ST_TIME_WAIT && buckets > 0) {
			w = buckets * t->timewait_warn / 100;
			c = buckets * t->timewait_alarm / 100;
			max = buckets;
		} else if (st[i].state == SW_ST_SYN_RECV) {
			w = t->synrecv_warn;
			c = t->synrecv_alarm;
		}
		perf(fp, st[i].label, n[st[i].state], w, c, max);
	}
	fprintf(fp, " collect_time=%.4fs;;;0;", s->collect_ms / 1000.0);
}

int out_diagnoses_nagios(FILE *fp, const struct diag_list *l, const struct sw_snapshot *s,
			 const struct diag_thresholds *t)
{
	static const char *const word[] = {"OK", "WARNING", "CRITICAL"};
	size_t alarms = 0, warns = 0;
	const struct diag *worst = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const struct diag *d = &l->d[i];
		alarms += d->sev == DIAG_ALARM;
		warns += d->sev == DIAG_WARN;
		if (d->sev > DIAG_OK && (!worst || d->sev > worst->sev))
			worst = d;
	}
	fprintf(fp, "SOCKWATCH %s - ", word[out_nagios_exit(l->worst)]);
	if (!worst) {
		fputs(_("no problem found"), fp);
	} else {
		fprintf(fp, _("%zu alarm(s), %zu warning(s): "), alarms, warns);
		nagios_text(fp, worst->title);
	}
	nagios_perfdata(fp, s, t);
	fputc('\n', fp);
	/* long text: every problem, one line each */
	for (size_t i = 0; i < l->n; i++) {
		const struct diag *d = &l->d[i];
		if (d->sev == DIAG_OK)
			continue;
		fprintf(fp, "%s %s: ", d->sev == DIAG_ALARM ? "CRITICAL" : "WARNING",
			diag_id_name(d->id));
		nagios_text(fp, d->title);
		fputc('\n', fp);
	}
	if (fflush(fp) || ferror(fp))
		return errno ? -errno : -EIO;
	return 0;
}
