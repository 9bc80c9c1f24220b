/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_render.h - push a snapshot that came from fuzzed bytes through what
 * consumes it downstream: every column's formatter and comparator, the
 * table, JSON (with aggregates and diagnoses), the summary, the diagnoses
 * and the Prometheus exposition, all written to /dev/null.  A parser may
 * accept values (states, protocols, names) that a consumer does not
 * expect; this is where that shows. */
#ifndef SW_FUZZ_RENDER_H
#define SW_FUZZ_RENDER_H

#include "core/columns.h"
#include "core/diagnose.h"
#include "core/model.h"
#include "core/snapshot.h"
#include "core/util.h"
#include "output/diag_out.h"
#include "output/output.h"
#include "output/prom.h"
#include "fuzz.h"

/* ds: diagnosis state kept by the caller across samples of one input. */
static inline void fuzz_render(const struct sw_snapshot *s, struct diag_state *ds)
{
	static const struct sw_rowstat live = {.rx_bps = 1e3, .tx_bps = 2.5e6,
					       .retrans_delta = 3};
	static const struct sw_rowstat tomb = {.flags = SW_ROW_CLOSED, .gone_for = 2};
	FILE *null = fuzz_null();
	size_t n = s->nconns;
	struct sw_row *rows = xmalloc((n ? n : 1) * sizeof *rows);
	for (size_t i = 0; i < n; i++) {
		rows[i].snap = s;
		rows[i].conn = &s->conns[i];
		rows[i].st = i % 5 == 4 ? &tomb : &live;
	}

	enum sw_col_id cols[SW_COL_COUNT];
	for (int c = 0; c < SW_COL_COUNT; c++) {
		cols[c] = (enum sw_col_id)c;
		const struct sw_column *col = column_get((enum sw_col_id)c);
		char buf[512];
		for (size_t i = 0; i < n; i++) {
			memset(buf, 0x55, sizeof buf);
			size_t len = col->format(&rows[i], buf, sizeof buf);
			FUZZ_CHECK(memchr(buf, '\0', sizeof buf), "column %s: unterminated",
				   col->name);
			FUZZ_CHECK(len == strlen(buf), "column %s: wrong length", col->name);
			/* a tiny buffer must be truncated, not overrun */
			char small[4];
			len = col->format(&rows[i], small, sizeof small);
			FUZZ_CHECK(memchr(small, '\0', sizeof small), "column %s: overrun",
				   col->name);
			FUZZ_CHECK(len == strlen(small), "column %s: wrong length", col->name);
			if (i > 0) {
				int ab = col->compare(&rows[i - 1], &rows[i]);
				int ba = col->compare(&rows[i], &rows[i - 1]);
				FUZZ_CHECK((ab > 0) == (ba < 0) && (ab < 0) == (ba > 0),
					   "column %s: asymmetric comparison", col->name);
			}
		}
	}
	struct sw_view v = {0};
	view_of_rows(&v, rows, n);
	out_conns_table(null, &v, cols, SW_COL_COUNT, true);

	struct diag_thresholds t;
	struct diag_list dl;
	diag_thresholds_default(&t);
	diag_list_init(&dl);
	diagnose_run(ds, &t, s, &dl);
	out_diagnoses_text(null, &dl, true);

	struct out_json_opts jo = {.aggregates = true, .top = 3,
				   .extra = out_diagnoses_json_member, .extra_arg = &dl};
	out_conns_json(null, s, &v, &jo);
	struct out_summary_opts so = {.top = 3};
	out_summary_text(null, s, &v, &so);
	struct out_prom_opts po = {.top = 3, .scratch = ds};
	out_metrics_prom(null, s, &dl, &po);

	diag_list_done(&dl);
	view_done(&v);
	free(rows);
}

#endif
