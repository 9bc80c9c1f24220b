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

/* Write one cell; blanks are kept pending and only written before more
 * text, so lines never end in blanks. */
struct cellref {
	uint32_t off;   /* in the arena (a table of 4 GB of text is refused) */
	uint16_t len;   /* < CELL_MAX */
	uint16_t width; /* display columns */
};

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

/* One row into line (room checked by the caller), as put_cell would
 * write it: one fwrite a row instead of one a cell.  Returns its length
 * with the newline. */
static size_t put_line(char *line, const char *arena, const struct cellref *r,
		       const int *width, const struct sw_column *const *col, int ncols)
{
	size_t len = 0;
	int pending = 0;
	for (int j = 0; j < ncols; j++) {
		int gap = width[j] - r[j].width;
		if (j)
			pending += 2;
		if (col[j]->right)
			pending += gap;
		if (r[j].len) {
			if (pending > 0) {
				memset(line + len, ' ', (size_t)pending);
				len += (size_t)pending;
			}
			pending = 0;
			memcpy(line + len, arena + r[j].off, r[j].len);
			len += r[j].len;
		}
		if (!col[j]->right)
			pending += gap;
	}
	line[len++] = '\n';
	return len;
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

	/* Format every cell once: arena of NUL-terminated texts; per cell
	 * its offset, length and display width (row-major). */
	size_t ncells = n * (size_t)ncols;
	struct cellref *ref = xmalloc((ncells + 1) * sizeof *ref);
	size_t acap = 0, alen = 0;
	size_t rowmax = (size_t)ncols * (CELL_MAX + 1); /* room a row may take */
	char *arena = xgrow(NULL, &acap, n * (size_t)ncols * 12 + rowmax, 1);
	for (size_t i = 0; i < n; i++) {
		/* rows come in sort order, records in collection order: fetch
		 * a few rows ahead (at 100k sockets most of the time here was
		 * waiting for the first field of each record) */
		if (i + PREFETCH < n)
			__builtin_prefetch(rows[i + PREFETCH].conn);
		/* room for the whole row at once (one check a row, not a cell) */
		if (alen + rowmax > UINT32_MAX) {
			free(ref);
			free(arena);
			return -EFBIG;
		}
		arena = xgrow(arena, &acap, alen + rowmax, 1);
		struct cellref *r = &ref[i * (size_t)ncols];
		for (int j = 0; j < ncols; j++) {
			char *cell = arena + alen;
			cell[0] = '\0';
			col[j]->format(&rows[i], cell, CELL_MAX);
			int w;
			size_t len = cell_len(cell, &w);
			if (w > width[j])
				width[j] = w;
			r[j].off = (uint32_t)alen;
			r[j].len = (uint16_t)len;
			r[j].width = (uint16_t)w;
			alen += len + 1;
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
	size_t linecap = 0;
	char *line = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct cellref *r = &ref[i * (size_t)ncols];
		size_t need = 1;
		for (int j = 0; j < ncols; j++)
			need += r[j].len + (size_t)(width[j] > r[j].width ? width[j] - r[j].width : 0) + 2;
		line = xgrow(line, &linecap, need, 1);
		fwrite(line, 1, put_line(line, arena, r, width, col, ncols), fp);
	}
	free(line);
	free(ref);
	free(arena);
	return ferror(fp) ? -(errno ? errno : EIO) : 0;
}
