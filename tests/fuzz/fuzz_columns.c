/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_columns.c - column lists and sort specs (src/core/columns.c:
 * column_parse_list, column_by_name), as --columns, --sort and the config
 * give them.
 *
 * Input: the spec (up to the first NUL; seeds: lists of names).  A refused
 * spec must point inside the text; an accepted one gives valid ids, which
 * are then used: the table of a fixed snapshot with those columns, and each
 * column's comparator on every pair of its rows.  The whole input is also
 * looked up as one column name.
 */
#include "config.h"

#include "core/columns.h"
#include "output/output.h"
#include "fuzz_fixture.h"

#define MAXCOLS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *spec = fuzz_cstr(data, size);
	size_t slen = strlen(spec);
	enum sw_col_id ids[MAXCOLS];
	bool desc[MAXCOLS];
	int bad = -1;
	/* a small limit now and then, as a caller with a short array */
	int max = size % 7 == 3 ? 2 : MAXCOLS;
	int n = column_parse_list(spec, ids, desc, max, &bad);
	if (n < 0) {
		FUZZ_CHECK(n == -1 && bad >= 0 && (size_t)bad <= slen,
			   "returned %d, offset %d for %zu bytes", n, bad, slen);
	} else {
		FUZZ_CHECK(n <= max, "%d columns for at most %d", n, max);
		FUZZ_CHECK(column_parse_list(spec, ids, NULL, max, NULL) == n,
			   "different result without desc/bad");
		size_t nrows;
		const struct sw_row *rows = fuzz_fixture_rows(&nrows);
		for (int i = 0; i < n; i++) {
			FUZZ_CHECK((unsigned)ids[i] < SW_COL_COUNT, "id %d", (int)ids[i]);
			const struct sw_column *col = column_get(ids[i]);
			FUZZ_CHECK(col && col->id == ids[i], "column_get(%d)", (int)ids[i]);
			for (size_t a = 0; a < nrows; a++)
				for (size_t b = 0; b < nrows; b++) {
					int ab = col->compare(&rows[a], &rows[b]);
					int ba = col->compare(&rows[b], &rows[a]);
					FUZZ_CHECK((ab > 0) == (ba < 0) && (ab == 0) == (ba == 0),
						   "column %s: rows %zu %zu compare %d/%d",
						   col->name, a, b, ab, ba);
				}
		}
		struct sw_view v = {0};
		view_of_rows(&v, rows, nrows);
		out_conns_table(fuzz_null(), &v, ids, n, true);
		view_done(&v);
	}
	const struct sw_column *c = column_by_name(spec);
	FUZZ_CHECK(!c || (unsigned)c->id < SW_COL_COUNT, "column_by_name");
	free(spec);
	return 0;
}
