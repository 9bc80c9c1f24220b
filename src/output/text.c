/* SPDX-License-Identifier: GPL-2.0-or-later */
/* text.c - the aligned table of batch mode (`sockwatch -b`).
 *
 * Two passes over the rows: the first finds each column's width (the
 * widest cell or header; computed without formatting where that is plain
 * arithmetic: queues, IPv4 endpoints), the second formats each row's
 * cells into one line buffer with their padding and writes it.  No text
 * is kept between the passes (a cell arena was 12 bytes a cell and a
 * page fault every 340 cells).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "output.h"

#include "unlocked.h"

#define CELL_MAX 1024

static void pad(FILE *fp, int n)
{
	static const char spaces[] = "                                                                ";
	while (n > 0) {
		int k = n < (int)sizeof spaces - 1 ? n : (int)sizeof spaces - 1;
		fwrite(spaces, 1, (size_t)k, fp);
		n -= k;
	}
}

/* Write one cell; blanks are kept pending and only written before more
 * text, so lines never end in blanks. */
static void put_cell(FILE *fp, const char *s, size_t len, int width, int colw,
		     bool right, int *pending)
{
	if (right)
		*pending += colw - width;
	if (len) {
		pad(fp, *pending);
		*pending = 0;
		fwrite(s, 1, len, fp);
	}
	if (!right)
		*pending += colw - width;
}

#define PREFETCH 8 /* rows ahead */

/* Length and display width of a formatted cell in one scan: plain ASCII
 * (every cell of a numeric listing) needs no multibyte decoding. */
static inline size_t cell_len(const char *s, int *width)
{
	size_t i = 0;
	unsigned char hi = 0;
	while (s[i]) {
		hi |= (unsigned char)s[i];
		i++;
	}
	*width = hi & 0x80 ? sw_text_width(s, i) : (int)i;
	return i;
}

/* One row into line (room for every cell at CELL_MAX and its padding),
 * as put_cell would write it: one fwrite a row.  Returns its length with
 * the newline. */
static size_t put_line(char *line, const struct sw_row *row, const int *width,
		       const struct sw_column *const *col, int ncols)
{
	char cell[CELL_MAX];
	size_t len = 0;
	int pending = 0;
	for (int j = 0; j < ncols; j++) {
		cell[0] = '\0';
		col[j]->format(row, cell, sizeof cell);
		int w;
		size_t n = cell_len(cell, &w);
		int gap = width[j] > w ? width[j] - w : 0;
		if (j)
			pending += 2;
		if (col[j]->right)
			pending += gap;
		if (n) {
			if (pending > 0) {
				memset(line + len, ' ', (size_t)pending);
				len += (size_t)pending;
			}
			pending = 0;
			memcpy(line + len, cell, n);
			len += n;
		}
		if (!col[j]->right)
			pending += gap;
	}
	line[len++] = '\n';
	return len;
}

static void put_header(FILE *fp, const struct sw_column *const *col, const int *width,
		       int ncols)
{
	int pending = 0;
	for (int j = 0; j < ncols; j++) {
		const char *h = _(col[j]->header);
		if (j)
			pending += 2;
		put_cell(fp, h, strlen(h), sw_text_width(h, strlen(h)), width[j], col[j]->right,
			 &pending);
	}
	putc('\n', fp);
}

int out_conns_table(FILE *fp, const struct sw_row *rows, size_t n, const enum sw_col_id *cols,
		    int ncols, bool header)
{
	if (ncols <= 0)
		return 0;
	const struct sw_column *col[SW_COL_COUNT];
	int width[SW_COL_COUNT];
	if (ncols > SW_COL_COUNT)
		ncols = SW_COL_COUNT;
	for (int j = 0; j < ncols; j++) {
		col[j] = column_get(cols[j]);
		if (!col[j])
			return -EINVAL;
		const char *h = _(col[j]->header);
		width[j] = header ? sw_text_width(h, strlen(h)) : 0;
	}

	/* the widths */
	char scratch[CELL_MAX];
	for (size_t i = 0; i < n; i++) {
		/* rows come in sort order, records in collection order: fetch
		 * a few rows ahead (at 100k sockets most of the time here was
		 * waiting for the first field of each record) */
		if (i + PREFETCH < n)
			__builtin_prefetch(rows[i + PREFETCH].conn);
		for (int j = 0; j < ncols; j++) {
			int w = column_cell_width(col[j], &rows[i], scratch, sizeof scratch);
			if (w > width[j])
				width[j] = w;
		}
	}

	if (header)
		put_header(fp, col, width, ncols);
	/* a line's room: every cell at its most, its padding, the gaps */
	size_t linecap = 1;
	for (int j = 0; j < ncols; j++)
		linecap += CELL_MAX + (size_t)width[j] + 2;
	char *line = xmalloc(linecap);
	for (size_t i = 0; i < n; i++) {
		if (i + PREFETCH < n)
			__builtin_prefetch(rows[i + PREFETCH].conn);
		fwrite(line, 1, put_line(line, &rows[i], width, col, ncols), fp);
	}
	free(line);
	return ferror(fp) ? -(errno ? errno : EIO) : 0;
}
