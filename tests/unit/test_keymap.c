/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_keymap: the key table, key names, and the help generated from it. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/keymap.h"

static void test_defaults(void **state)
{
	(void)state;
	struct sw_keymap km;
	keymap_init(&km);
	assert_int_equal(keymap_lookup(&km, 'q'), SW_ACT_QUIT);
	assert_int_equal(keymap_lookup(&km, SW_KEY_F(10)), SW_ACT_QUIT);
	assert_int_equal(keymap_lookup(&km, 'h'), SW_ACT_HELP);
	assert_int_equal(keymap_lookup(&km, '?'), SW_ACT_HELP);
	assert_int_equal(keymap_lookup(&km, SW_KEY_F(1)), SW_ACT_HELP);
	assert_int_equal(keymap_lookup(&km, ' '), SW_ACT_PAUSE);
	assert_int_equal(keymap_lookup(&km, SW_KEY_CTRL('L')), SW_ACT_REDRAW);
	assert_int_equal(keymap_lookup(&km, '/'), SW_ACT_FILTER);
	assert_int_equal(keymap_lookup(&km, SW_KEY_F(4)), SW_ACT_FILTER);
	assert_int_equal(keymap_lookup(&km, '\\'), SW_ACT_SEARCH);
	assert_int_equal(keymap_lookup(&km, SW_KEY_F(6)), SW_ACT_SORT_MENU);
	assert_int_equal(keymap_lookup(&km, '>'), SW_ACT_SORT_MENU);
	assert_int_equal(keymap_lookup(&km, 'I'), SW_ACT_SORT_INVERT);
	assert_int_equal(keymap_lookup(&km, 'k'), SW_ACT_KILL);
	assert_int_equal(keymap_lookup(&km, SW_KEY_F(9)), SW_ACT_KILL);
	assert_int_equal(keymap_lookup(&km, 'K'), SW_ACT_CLOSE);
	assert_int_equal(keymap_lookup(&km, 'n'), SW_ACT_RESOLVE);
	assert_int_equal(keymap_lookup(&km, SW_KEY_TAB), SW_ACT_FOCUS_NEXT);
	assert_int_equal(keymap_lookup(&km, SW_KEY_ESC), SW_ACT_BACK);
	assert_int_equal(keymap_lookup(&km, SW_KEY_BACKSPACE), SW_ACT_BACK);
	assert_int_equal(keymap_lookup(&km, 'y'), SW_ACT_NONE);
	assert_int_equal(keymap_lookup(&km, 'x'), SW_ACT_SHOW_CHURN);
	assert_int_equal(keymap_lookup(&km, '8'), SW_ACT_SHOW_CHURN);
	/* insight: alerts, routes, interfaces, changes, mark */
	assert_int_equal(keymap_lookup(&km, 'a'), SW_ACT_SHOW_ALERTS);
	assert_int_equal(keymap_lookup(&km, '5'), SW_ACT_SHOW_ALERTS);
	assert_int_equal(keymap_lookup(&km, '6'), SW_ACT_SHOW_ROUTES);
	assert_int_equal(keymap_lookup(&km, '7'), SW_ACT_SHOW_IFACES);
	assert_int_equal(keymap_lookup(&km, 't'), SW_ACT_CHANGES);
	assert_int_equal(keymap_lookup(&km, 'm'), SW_ACT_MARK);
	assert_int_equal(keymap_lookup(&km, 'M'), SW_ACT_CLEAR_MARK);
	assert_int_equal(keymap_lookup(&km, 'p'), SW_ACT_GROUP_PROC);
}

/* Every action has a key, a name and a description; no key is bound twice;
 * names are unique. */
static void test_table_consistent(void **state)
{
	(void)state;
	struct sw_keymap km;
	keymap_init(&km);
	for (int a = 1; a < SW_ACT_COUNT; a++) {
		int keys[8];
		assert_true(keymap_keys(&km, (enum sw_action)a, keys, 8) >= 1);
		const char *name = keymap_action_name((enum sw_action)a);
		assert_non_null(name);
		for (int b = 1; b < a; b++)
			assert_string_not_equal(keymap_action_name((enum sw_action)b), name);
		assert_true(strlen(keymap_action_desc((enum sw_action)a)) > 5);
		assert_true(keymap_action_group((enum sw_action)a) < SW_KGRP_COUNT);
	}
	for (size_t i = 0; i < km.n; i++)
		for (size_t j = i + 1; j < km.n; j++)
			assert_int_not_equal(km.b[i].key, km.b[j].key);
	/* The function-key bar needs a label on every F-key binding. */
	for (size_t i = 0; i < km.n; i++)
		if (km.b[i].key >= SW_KEY_F(1) && km.b[i].key <= SW_KEY_F(10))
			assert_non_null(keymap_action_label(km.b[i].action));
}

static void test_key_names(void **state)
{
	(void)state;
	char buf[32];
	assert_string_equal(keymap_key_name('q', buf, sizeof buf), "q");
	assert_string_equal(keymap_key_name(SW_KEY_F(10), buf, sizeof buf), "F10");
	assert_string_equal(keymap_key_name(SW_KEY_CTRL('L'), buf, sizeof buf), "Ctrl-L");
	assert_string_equal(keymap_key_name(' ', buf, sizeof buf), "Space");
	assert_string_equal(keymap_key_name(SW_KEY_TAB, buf, sizeof buf), "Tab");
	assert_string_equal(keymap_key_name(SW_KEY_ESC, buf, sizeof buf), "Esc");
	assert_string_equal(keymap_key_name(SW_KEY_PGDN, buf, sizeof buf), "PgDn");
	assert_string_equal(keymap_key_name(0x00e9, buf, sizeof buf), "\xc3\xa9");
}

struct collect {
	int titles, lines;
	char all[16384];
};

static void collect_line(void *vctx, bool is_title, const char *keys, const char *desc)
{
	struct collect *c = vctx;
	if (is_title)
		c->titles++;
	else
		c->lines++;
	size_t l = strlen(c->all);
	snprintf(c->all + l, sizeof c->all - l, "%s|%s\n", keys, desc);
}

/* The help lists every binding of the table and every action once. */
static void test_help_lists_every_binding(void **state)
{
	(void)state;
	struct sw_keymap km;
	keymap_init(&km);
	struct collect c;
	memset(&c, 0, sizeof c);
	keymap_help(&km, collect_line, &c);
	assert_int_equal(c.titles, SW_KGRP_COUNT);
	assert_int_equal(c.lines, SW_ACT_COUNT - 1);
	for (int a = 1; a < SW_ACT_COUNT; a++) {
		char keys[128], line[512];
		keymap_keys_str(&km, (enum sw_action)a, keys, sizeof keys);
		snprintf(line, sizeof line, "%s|%s\n", keys, keymap_action_desc((enum sw_action)a));
		assert_non_null(strstr(c.all, line));
	}
	/* The printed (man page / doc) form too. */
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	keymap_print(&km, fp, true);
	fclose(fp);
	assert_non_null(strstr(buf, "| `q` `F10` | Quit sockwatch |"));
	assert_non_null(strstr(buf, "`\\`"));
	for (size_t i = 0; i < km.n; i++) {
		char name[32], tick[40];
		keymap_key_name(km.b[i].key, name, sizeof name);
		snprintf(tick, sizeof tick, "`%s`", name);
		assert_non_null(strstr(buf, tick));
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_table_consistent),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_help_lists_every_binding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
