/* SPDX-License-Identifier: GPL-2.0-or-later */
/* text.c - the aligned table of batch mode (`sockwatch -b`).
 *
 * Each cell is formatted once into one growing text arena (no per-row
 * allocation); the column widths come from the widest cell (or header);
 * then the rows are written through the stdio buffer with padding.
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

#define PREFETCH 8 /* rows ahead */

/* A cell in the arena: its length in two bytes (little-endian; the top
 * bit set when it has bytes above ASCII, whose display width is measured
 * when it is written), then its text. */
#define CELL_HDR 2
#define CELL_WIDE 0x8000u

/* Whether a formatted cell of n bytes is all ASCII (every cell of a
 * numeric listing: its width is its length): eight bytes a step, instead
 * of a byte loop that was a third of the table writer's own time.  n is
 * the length the formatter returned (a strlen per cell was 7-10% of a
 * 100k-socket listing). */
static inline bool cell_ascii(const char *s, size_t n)
{
	size_t i = 0;
	uint64_t hi = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		hi |= w;
	}
	for (; i < n; i++)
		hi |= (unsigned char)s[i];
	return (hi & 0x8080808080808080ULL) == 0;
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

/* One row into line, as put_cell would write it: one fwrite a row instead
 * of one a cell.  *cells is the row's first cell in the arena; it is left
 * at the next row's.  line has room for the widest row (the widths, the
 * gaps and the newline).  Returns the line's length with the newline. */
static size_t put_line(char *line, const char **cells, const int *width,
		       const struct sw_column *const *col, int ncols)
{
	size_t len = 0;
	int pending = 0;
	const unsigned char *s = (const unsigned char *)*cells;
	for (int j = 0; j < ncols; j++) {
		unsigned h = (unsigned)s[0] | (unsigned)s[1] << 8;
		size_t n = h & ~CELL_WIDE;
		s += CELL_HDR;
		int w = h & CELL_WIDE ? sw_text_width((const char *)s, n) : (int)n;
		int gap = width[j] - w;
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
			memcpy(line + len, s, n);
			len += n;
		}
		if (!col[j]->right)
			pending += gap;
		s += n;
	}
	*cells = (const char *)s;
	line[len++] = '\n';
	return len;
}

int out_conns_table(FILE *fp, const struct sw_view *v, const enum sw_col_id *cols,
		    int ncols, bool header)
{
	if (ncols <= 0)
		return 0;
	size_t n = v->n;
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

	/* Format every cell once into an arena of texts with their lengths
	 * (CELL_HDR), row after row, without a table of cells beside it: 8
	 * bytes a cell, 4.8 MB at 100k sockets, were a quarter of the pages a
	 * listing touched. */
	size_t acap = 0, alen = 0;
	size_t rowmax = (size_t)ncols * (CELL_HDR + CELL_MAX + 1); /* room a row may take */
	char *arena = xgrow(NULL, &acap, n * (size_t)ncols * 12 + rowmax, 1);
	for (size_t i = 0; i < n; i++) {
		/* rows come in sort order, records in collection order: fetch
		 * a few rows ahead (at 100k sockets most of the time here was
		 * waiting for the first field of each record) */
		if (i + PREFETCH < n)
			__builtin_prefetch(view_row(v, i + PREFETCH).conn);
		struct sw_row r = view_row(v, i);
		/* room for the whole row at once (one check a row, not a cell) */
		arena = xgrow(arena, &acap, alen + rowmax, 1);
		for (int j = 0; j < ncols; j++) {
			char *cell = arena + alen + CELL_HDR;
			size_t len = col[j]->format(&r, cell, CELL_MAX);
			bool ascii = cell_ascii(cell, len);
			int w = ascii ? (int)len : sw_text_width(cell, len);
			if (w > width[j])
				width[j] = w;
			unsigned h = (unsigned)len | (ascii ? 0 : CELL_WIDE);
			arena[alen] = (char)(h & 0xff);
			arena[alen + 1] = (char)(h >> 8);
			alen += CELL_HDR + len; /* the next cell's header over the NUL */
		}
	}

	if (header) {
		int pending = 0;
		for (int j = 0; j < ncols; j++) {
			const char *h = _(col[j]->header);
			if (j)
				pending += 2;
			put_cell(fp, h, strlen(h), sw_text_width(h, strlen(h)), width[j],
				 col[j]->right, &pending);
		}
		putc('\n', fp);
	}
	size_t linemax = 1;
	for (int j = 0; j < ncols; j++)
		linemax += (size_t)width[j] + 2;
	char *line = xmalloc(linemax);
	const char *cells = arena;
	for (size_t i = 0; i < n; i++)
		fwrite(line, 1, put_line(line, &cells, width, col, ncols), fp);
	free(line);
	free(arena);
	return ferror(fp) ? -(errno ? errno : EIO) : 0;
}
