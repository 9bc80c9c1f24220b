/* SPDX-License-Identifier: GPL-2.0-or-later */
/* details.c - the connection details dialog: every column of the row,
 * then each process holding the socket with its command line. */
#include "config.h"

#include <stdio.h>

#include "cells.h"
#include "core/churn.h"
#include "core/i18n.h"
#include "core/util.h"
#include "details.h"
#include "dialog.h"
#include "uistate.h"

unsigned details_open(struct ui *ui, const struct sw_row *r)
{
	struct dialog *d = dialog_new(DLG_TEXT, _("Connection details"), NULL);
	int width = ui->cols - 8;
	for (int i = 0; i < SW_COL_COUNT; i++) {
		const struct sw_column *c = column_get((enum sw_col_id)i);
		char cell[1024];
		cell_text(ui, r, c->id, cell, sizeof cell);
		if (!cell[0])
			continue;
		char prefix[64];
		snprintf(prefix, sizeof prefix, "%-20s ", _(c->header));
		dialog_add_wrapped(d, prefix, cell, width);
	}
	if (sw_conn_tcpx(r->conn) != SW_NONE && !snapshot_tcpx(r->snap, r->conn) &&
	    !(r->st && (r->st->flags & SW_ROW_CLOSED))) {
		/* lent to the collection in progress (a very large table) */
		char prefix[64];
		snprintf(prefix, sizeof prefix, "%-20s ", _("TCP info"));
		dialog_add_wrapped(d, prefix,
				   _("being collected again; shown when the refresh in progress lands"),
				   width);
	}
	if (r->st && (r->st->flags & SW_ROW_CLOSED)) {
		char prefix[64], line[256], life[32];
		snprintf(prefix, sizeof prefix, "%-20s ", _("Closed"));
		if (r->st->life_ms)
			snprintf(line, sizeof line, _("lived at least %s; owner named by: %s"),
				 sw_fmt_ms(r->st->life_ms, life, sizeof life),
				 churn_how_label((enum sw_churn_how)SW_ROW_HOW(r->st->flags)));
		else
			snprintf(line, sizeof line, _("lifetime unknown; owner named by: %s"),
				 churn_how_label((enum sw_churn_how)SW_ROW_HOW(r->st->flags)));
		dialog_add_wrapped(d, prefix, line, width);
	}
	const struct sw_conn *c = r->conn;
	for (uint32_t i = 0; i < c->owners_n; i++) {
		const struct sw_proc *p = snapshot_owner_proc(r->snap, c, i);
		if (!p)
			continue;
		char prefix[64];
		snprintf(prefix, sizeof prefix, _("%-20s "), i ? "" : _("Processes"));
		char line[2048];
		snprintf(line, sizeof line, "%d %s %s: %s", p->pid, p->comm, sw_user_name(p->uid),
			 p->cmdline_len ? snapshot_str(r->snap, p->cmdline_off) : "");
		dialog_add_wrapped(d, prefix, line, width);
	}
	dialog_open(ui, d);
	return UI_R_REDRAW;
}
