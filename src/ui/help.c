/* SPDX-License-Identifier: GPL-2.0-or-later */
/* help.c - the help screen, generated from the key table (never written
 * by hand): every action with all its keys, grouped. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "dialog.h"
#include "help.h"
#include "uistate.h"

struct help_ctx {
	struct dialog *d;
	int keyw;
	int width;
};

static void add(void *vctx, bool is_title, const char *keys, const char *desc)
{
	struct help_ctx *h = vctx;
	if (is_title) {
		if (h->d->n)
			dialog_add(h->d, "%s", "");
		dialog_add(h->d, "%s", desc);
		return;
	}
	char prefix[128];
	snprintf(prefix, sizeof prefix, "  %-*s ", h->keyw, *keys ? keys : "-");
	dialog_add_wrapped(h->d, prefix, desc, h->width);
}

void help_open(struct ui *ui)
{
	char title[128];
	snprintf(title, sizeof title, _("sockwatch %s - keys"), PACKAGE_VERSION);
	struct dialog *d = dialog_new(DLG_TEXT, title, NULL);
	d->full = true;
	struct help_ctx h = {d, 18, ui->cols - 4};
	if (ui->cols < 70)
		h.keyw = 12;
	keymap_help(&ui->km, add, &h);
	dialog_add(d, "%s", "");
	dialog_add_wrapped(d, "",
			   _("Filter examples: state time-wait   dport = :443   src 10.0.0.0/8   "
			     "proc nginx   sport = :3306 and not state listen"),
			   ui->cols - 4);
	dialog_add_wrapped(d, "", _("Row colours: new connections bright, closed ones dim."),
			   ui->cols - 4);
	dialog_open(ui, d);
}
