/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cells.h - the visible text of a connection row's cell (resolved names
 * when name resolution is on), shared by the panels and the dialogs. */
#ifndef SW_CELLS_H
#define SW_CELLS_H

#include <stddef.h>

#include "core/columns.h"
#include "core/model.h"

struct ui;

void cell_text(struct ui *ui, const struct sw_row *r, enum sw_col_id id, char *buf, size_t len);
/* "tcp LOCAL -> REMOTE STATE": the socket in one line. */
void cell_describe(struct ui *ui, const struct sw_row *r, char *buf, size_t len);

#endif
