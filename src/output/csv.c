/* SPDX-License-Identifier: GPL-2.0-or-later */
/* csv.c - the batch table as CSV (`--format csv`) and the bare PID list
 * (`--pids`, as lsof -t).
 *
 * CSV follows RFC 4180's quoting: a field that holds a comma, a double
 * quote, CR or LF is enclosed in double quotes, and a double quote inside
 * it is written twice.  Lines end in LF (what Unix tools expect; every CSV
 * reader takes it).  The header names the columns by their --columns
 * names (stable, never translated), so a script can rely on them.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "output.h"

#include "unlocked.h"

#define CELL_MAX 1024

static void csv_field(FILE *fp, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, fp);
		return;
	}
	putc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', fp);
		putc(*s, fp);
	}
	putc('"', fp);
}

int out_conns_csv(FILE *fp, const struct sw_view *v, const enum sw_col_id *cols,
		  int ncols, bool header, const char *stamp)
{
	if (ncols > SW_COL_COUNT)
		ncols = SW_COL_COUNT;
	const struct sw_column *col[SW_COL_COUNT];
	for (int j = 0; j < ncols; j++)
		if (!(col[j] = column_get(cols[j])))
			return -EINVAL;
	if (header && ncols > 0) {
		if (stamp)
			fputs("time,", fp);
		for (int j = 0; j < ncols; j++) {
			if (j)
				putc(',', fp);
			csv_field(fp, col[j]->name);
		}
		putc('\n', fp);
	}
	char cell[CELL_MAX];
	for (size_t i = 0; i < v->n && ncols > 0; i++) {
		struct sw_row r = view_row(v, i);
		if (stamp) {
			csv_field(fp, stamp);
			putc(',', fp);
		}
		for (int j = 0; j < ncols; j++) {
			if (j)
				putc(',', fp);
			cell[0] = '\0';
			col[j]->format(&r, cell, sizeof cell);
			csv_field(fp, cell);
		}
		putc('\n', fp);
	}
	return ferror(fp) ? -(errno ? errno : EIO) : 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

int out_pids(FILE *fp, const struct sw_view *v)
{
	size_t cap = 0, np = 0;
	int *pids = NULL;
	for (size_t i = 0; i < v->n; i++) {
		struct sw_row r = view_row(v, i);
		const struct sw_conn *c = r.conn;
		for (uint32_t k = 0; k < c->owners_n; k++) {
			const struct sw_proc *p = snapshot_owner_proc(r.snap, c, k);
			if (!p || p->pid <= 0)
				continue;
			pids = xgrow(pids, &cap, np + 1, sizeof *pids);
			pids[np++] = p->pid;
		}
	}
	if (np)
		qsort(pids, np, sizeof *pids, cmp_int);
	for (size_t i = 0; i < np; i++)
		if (i == 0 || pids[i] != pids[i - 1])
			fprintf(fp, "%d\n", pids[i]);
	free(pids);
	return ferror(fp) ? -(errno ? errno : EIO) : 0;
}
