/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsmenu.c - the namespace chooser (e): a menu of the views the loop
 * offers (this namespace, all, each one with its socket count), chosen
 * with the arrows and Enter or by typing part of a name. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "dialog.h"
#include "uistate.h"

struct nsmenu {
	char typed[32];
	size_t n;
	char (*label)[64];
};

static void nsmenu_free(void *p)
{
	struct nsmenu *m = p;
	free(m->label);
	free(m);
}

static unsigned nsmenu_done(struct ui *ui, struct dialog *d, int choice)
{
	(void)d;
	if (choice < 0)
		return UI_R_REDRAW;
	ui->wants.netns_pick = (size_t)choice;
	ui->wants.netns_pick_gen++;
	return UI_R_RECOLLECT | UI_R_REDRAW;
}

static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return n == 0;
}

/* The title with what was typed so far. */
static void set_title(struct dialog *d, const struct nsmenu *m)
{
	if (m->typed[0])
		snprintf(d->title, sizeof d->title, "%s: %s", _("Network namespace view"), m->typed);
	else
		sw_strlcpy(d->title, _("Network namespace view"), sizeof d->title);
}

/* Typing selects the first entry whose name contains the text (q still
 * closes while nothing is typed; Backspace takes back a character). */
static int nsmenu_key(struct ui *ui, struct dialog *d, int key)
{
	(void)ui;
	struct nsmenu *m = d->ctx;
	size_t len = strlen(m->typed);
	if (key == SW_KEY_BACKSPACE && len) {
		m->typed[len - 1] = '\0';
	} else if (key > ' ' && key < 127 && (len || key != 'q') && len + 1 < sizeof m->typed) {
		m->typed[len] = (char)key;
		m->typed[len + 1] = '\0';
		size_t i = 0;
		while (i < m->n && !contains_ci(m->label[i], m->typed))
			i++;
		if (i == m->n)
			beep();
		else
			d->sel.cur = i;
	} else {
		return -1;
	}
	set_title(d, m);
	return 0;
}

void ui_netns_menu(struct ui *ui, char (*label)[64], const long *socks, size_t n, size_t cur)
{
	struct dialog *d = dialog_new(DLG_MENU, _("Network namespace view"), nsmenu_done);
	struct nsmenu *m = xcalloc(1, sizeof *m);
	m->n = n;
	m->label = xcalloc(n ? n : 1, sizeof *m->label);
	memcpy(m->label, label, n * sizeof *label);
	d->ctx = m;
	d->ctx_free = nsmenu_free;
	d->key = nsmenu_key;
	d->hint = N_("Enter: show   type: find   Esc: cancel");
	for (size_t i = 0; i < n; i++) {
		char cnt[32] = "";
		if (socks[i] >= 0)
			snprintf(cnt, sizeof cnt, _("sockets: %ld"), socks[i]);
		dialog_add(d, "%c %-40.40s %14s", i == cur ? '*' : ' ', label[i], cnt);
	}
	d->sel.cur = cur < n ? cur : 0;
	dialog_open(ui, d);
}
