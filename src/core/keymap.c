/* SPDX-License-Identifier: GPL-2.0-or-later */
/* keymap.c - actions, default key bindings, key names, generated help. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "keymap.h"
#include "util.h"

struct action_info {
	const char *name;
	const char *label;
	const char *desc;
	enum sw_kgroup group;
};

static const struct action_info actions[SW_ACT_COUNT] = {
	[SW_ACT_NONE] = {"none", NULL, "", SW_KGRP_GENERAL},
#define X(id, nm, lb, ds, grp) [SW_ACT_##id] = {nm, lb, ds, SW_KGRP_##grp},
	SW_ACTIONS(X)
#undef X
};

static const char *const group_titles[SW_KGRP_COUNT] = {
#define X(id, title) [SW_KGRP_##id] = title,
	SW_KGROUPS(X)
#undef X
};

/* The defaults follow htop where a habit exists (F1 help, F2 and C setup, F3 search,
 * F4 filter, F6 sort, F9 kill, F10 quit, Space, I, < >). */
static const struct sw_binding default_bindings[] = {
	{'h', SW_ACT_HELP},
	{'?', SW_ACT_HELP},
	{SW_KEY_F(1), SW_ACT_HELP},
	{'q', SW_ACT_QUIT},
	{SW_KEY_F(10), SW_ACT_QUIT},
	{' ', SW_ACT_PAUSE},
	{SW_KEY_F(5), SW_ACT_PAUSE},
	{'+', SW_ACT_FASTER},
	{'=', SW_ACT_FASTER},
	{SW_KEY_F(7), SW_ACT_FASTER},
	{'-', SW_ACT_SLOWER},
	{SW_KEY_F(8), SW_ACT_SLOWER},
	{SW_KEY_CTRL('L'), SW_ACT_REDRAW},
	{SW_KEY_F(2), SW_ACT_SETUP},
	{'C', SW_ACT_SETUP},
	{'n', SW_ACT_RESOLVE},
	{'e', SW_ACT_NETNS},
	{SW_KEY_TAB, SW_ACT_FOCUS_NEXT},
	{SW_KEY_BTAB, SW_ACT_FOCUS_PREV},
	{'z', SW_ACT_ZOOM},
	{'1', SW_ACT_SHOW_CONNS},
	{'2', SW_ACT_SHOW_STATES},
	{'3', SW_ACT_SHOW_REMOTES},
	{'4', SW_ACT_SHOW_LISTENERS},
	{'5', SW_ACT_SHOW_ALERTS},
	{'a', SW_ACT_SHOW_ALERTS},
	{'6', SW_ACT_SHOW_ROUTES},
	{'7', SW_ACT_SHOW_IFACES},
	{'8', SW_ACT_SHOW_CHURN},
	{'x', SW_ACT_SHOW_CHURN},
	{'t', SW_ACT_CHANGES},
	{'m', SW_ACT_MARK},
	{'M', SW_ACT_CLEAR_MARK},
	{'g', SW_ACT_GROUP_NET},
	{'p', SW_ACT_GROUP_PROC},
	{'o', SW_ACT_REMOTE_SORT},
	{'f', SW_ACT_FOLLOW},
	{SW_KEY_UP, SW_ACT_UP},
	{SW_KEY_DOWN, SW_ACT_DOWN},
	{SW_KEY_PGUP, SW_ACT_PGUP},
	{SW_KEY_PGDN, SW_ACT_PGDN},
	{SW_KEY_HOME, SW_ACT_HOME},
	{SW_KEY_END, SW_ACT_END},
	{SW_KEY_LEFT, SW_ACT_LEFT},
	{SW_KEY_RIGHT, SW_ACT_RIGHT},
	{SW_KEY_ENTER, SW_ACT_ENTER},
	{SW_KEY_ESC, SW_ACT_BACK},
	{SW_KEY_BACKSPACE, SW_ACT_BACK},
	{SW_KEY_F(6), SW_ACT_SORT_MENU},
	{'>', SW_ACT_SORT_MENU},
	{'<', SW_ACT_SORT_MENU},
	{'S', SW_ACT_SORT_STATE},
	{'R', SW_ACT_SORT_REMOTE},
	{'L', SW_ACT_SORT_LPORT},
	{'P', SW_ACT_SORT_PROCESS},
	{'Q', SW_ACT_SORT_QUEUE},
	{'T', SW_ACT_SORT_RATE},
	{'I', SW_ACT_SORT_INVERT},
	{'c', SW_ACT_COLUMNS},
	{'/', SW_ACT_FILTER},
	{SW_KEY_F(4), SW_ACT_FILTER},
	{'\\', SW_ACT_SEARCH},
	{SW_KEY_F(3), SW_ACT_SEARCH},
	{'N', SW_ACT_SEARCH_NEXT},
	{'k', SW_ACT_KILL},
	{SW_KEY_F(9), SW_ACT_KILL},
	{'K', SW_ACT_CLOSE},
	{'[', SW_ACT_TIME_BACK},
	{']', SW_ACT_TIME_FWD},
	{',', SW_ACT_MINUTE_BACK},
	{'.', SW_ACT_MINUTE_FWD},
	{'{', SW_ACT_HOUR_BACK},
	{'}', SW_ACT_HOUR_FWD},
	{'G', SW_ACT_GOTO_TIME},
};

void keymap_init(struct sw_keymap *km)
{
	km->b = default_bindings;
	km->n = sizeof default_bindings / sizeof default_bindings[0];
}

enum sw_action keymap_lookup(const struct sw_keymap *km, int key)
{
	for (size_t i = 0; i < km->n; i++)
		if (km->b[i].key == key)
			return km->b[i].action;
	return SW_ACT_NONE;
}

size_t keymap_keys(const struct sw_keymap *km, enum sw_action a, int *keys, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < km->n; i++) {
		if (km->b[i].action != a)
			continue;
		if (n < max)
			keys[n] = km->b[i].key;
		n++;
	}
	return n;
}

const char *keymap_action_name(enum sw_action a)
{
	return (unsigned)a < SW_ACT_COUNT ? actions[a].name : "none";
}

const char *keymap_action_label(enum sw_action a)
{
	return (unsigned)a < SW_ACT_COUNT ? actions[a].label : NULL;
}

const char *keymap_action_desc(enum sw_action a)
{
	return (unsigned)a < SW_ACT_COUNT ? actions[a].desc : "";
}

enum sw_kgroup keymap_action_group(enum sw_action a)
{
	return (unsigned)a < SW_ACT_COUNT ? actions[a].group : SW_KGRP_GENERAL;
}

/* Names of the special keys and of the characters that need one. */
static const struct {
	int key;
	const char *name;
} key_names[] = {
	{SW_KEY_UP, "Up"},
	{SW_KEY_DOWN, "Down"},
	{SW_KEY_LEFT, "Left"},
	{SW_KEY_RIGHT, "Right"},
	{SW_KEY_PGUP, "PgUp"},
	{SW_KEY_PGDN, "PgDn"},
	{SW_KEY_HOME, "Home"},
	{SW_KEY_END, "End"},
	{SW_KEY_ENTER, "Enter"},
	{SW_KEY_BACKSPACE, "Backspace"},
	{SW_KEY_DELETE, "Delete"},
	{SW_KEY_INSERT, "Insert"},
	{SW_KEY_BTAB, "Shift-Tab"},
	{SW_KEY_RESIZE, "Resize"},
	{SW_KEY_MOUSE, "Mouse"},
	{SW_KEY_TAB, "Tab"},
	{SW_KEY_ESC, "Esc"},
	{' ', "Space"},
};

static void put_utf8(int c, char *buf, size_t len)
{
	char u[5] = {0};
	if (c < 0x80) {
		u[0] = (char)c;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
	} else {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
	}
	sw_strlcpy(buf, u, len);
}

char *keymap_key_name(int key, char *buf, size_t len)
{
	if (!len)
		return buf;
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		if (key_names[i].key == key) {
			sw_strlcpy(buf, key_names[i].name, len);
			return buf;
		}
	}
	if (key >= SW_KEY_F(1) && key <= SW_KEY_F(63))
		snprintf(buf, len, "F%d", key - SW_KEY_F0);
	else if (key >= 0 && key < 32)
		snprintf(buf, len, "Ctrl-%c", key + '@');
	else if (key > 32 && key < SW_KEY_SPECIAL && key != 127)
		put_utf8(key, buf, len);
	else
		snprintf(buf, len, "<%d>", key);
	return buf;
}

char *keymap_keys_str(const struct sw_keymap *km, enum sw_action a, char *buf, size_t len)
{
	size_t used = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < km->n; i++) {
		if (km->b[i].action != a)
			continue;
		char k[32];
		keymap_key_name(km->b[i].key, k, sizeof k);
		int w = snprintf(buf + used, len - used, "%s%s", used ? " " : "", k);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	return buf;
}

void keymap_help(const struct sw_keymap *km,
		 void (*fn)(void *ctx, bool is_title, const char *keys, const char *desc),
		 void *ctx)
{
	for (int g = 0; g < SW_KGRP_COUNT; g++) {
		fn(ctx, true, "", _(group_titles[g]));
		for (int a = 1; a < SW_ACT_COUNT; a++) {
			if (actions[a].group != (enum sw_kgroup)g)
				continue;
			char keys[128];
			keymap_keys_str(km, (enum sw_action)a, keys, sizeof keys);
			fn(ctx, false, keys, _(actions[a].desc));
		}
	}
}

struct print_ctx {
	FILE *fp;
	bool md;
};

static void print_line(void *vctx, bool is_title, const char *keys, const char *desc)
{
	struct print_ctx *p = vctx;
	if (p->md) {
		if (is_title) {
			fprintf(p->fp, "\n## %s\n\n| %s | %s |\n|---|---|\n", desc, _("Keys"),
				_("Action"));
			return;
		}
		fputs("| ", p->fp);
		/* Each key in backquotes; a backslash or pipe needs escaping. */
		const char *k = keys;
		while (*k) {
			size_t n = strcspn(k, " ");
			fputc('`', p->fp);
			for (size_t i = 0; i < n; i++) {
				if (k[i] == '|')
					fputs("\\|", p->fp);
				else
					fputc(k[i], p->fp);
			}
			fputc('`', p->fp);
			k += n;
			if (*k == ' ') {
				fputc(' ', p->fp);
				k++;
			}
		}
		fprintf(p->fp, " | %s |\n", desc);
	} else if (is_title) {
		fprintf(p->fp, "%s\n", desc);
	} else {
		fprintf(p->fp, "  %-22s %s\n", *keys ? keys : "-", desc);
	}
}

void keymap_print(const struct sw_keymap *km, FILE *fp, bool markdown)
{
	struct print_ctx p = {fp, markdown};
	if (markdown)
		fprintf(fp, "# %s\n\n%s\n", _("sockwatch keys"),
			_("Generated by `sockwatch --list-keys=markdown` from the key table "
			  "(src/core/keymap.c); do not edit by hand."));
	keymap_help(km, print_line, &p);
}
