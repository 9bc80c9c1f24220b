#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# panel_table.sh - a panel is its own .c file plus one line in the panel
# table, and every action of the key table has something that runs it.
#
#   1. every `const struct panel_ops NAME = {` in src/ui/*.c is a line of
#      PANELS(X) in src/ui/panel.h, and every line there has one;
#   2. a panel's ops and its PANEL_ id are named only in its own file,
#      panel.h and (for the few panel-specific actions) the files that
#      act on that panel - never in screen.c, statusbar.c, ui.c, focus.c
#      or panel.c, which must work from the table alone;
#   3. every SW_ACT_ id of core/keymap.h has a handler: a row of the
#      table in commands.c, a show/hide key in PANELS, or a case in a
#      panel's key hook;
#   4. no file in src/ui/ grows past 1,200 lines.
#
# The checker first runs on a throwaway tree with one planted violation of
# each rule and must catch every one, then on the real tree.  No root.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib-rules.sh"

# check TREE: one line per violation, returns their number
check() {
	ui=$1/src/ui
	n=0
	table=$(sed -n '/^#define PANELS(X)/,/^$/p' "$ui/panel.h")
	for f in "$ui"/*.c; do
		for ops in $(sed -n 's/^const struct panel_ops \([a-z_0-9]*\) = {.*/\1/p' "$f"); do
			if ! echo "$table" | grep -q "X([A-Z_0-9]*, $ops,"; then
				echo "  ${f#"$1"/}: $ops is not in PANELS (panel.h)"
				n=$((n + 1))
			fi
		done
	done
	for ops in $(echo "$table" | sed -n 's/.*X([A-Z_0-9]*, \([a-z_0-9]*\),.*/\1/p'); do
		if ! grep -q "^const struct panel_ops $ops = {" "$ui"/*.c; then
			echo "  src/ui/panel.h: $ops has no definition"
			n=$((n + 1))
		fi
	done
	for f in screen.c statusbar.c ui.c focus.c panel.c; do
		[ -f "$ui/$f" ] || continue
		if hits=$(grep -nE '\b[a-z]+_ops\b|PANEL_[A-Z]+\b' "$ui/$f" |
			grep -vE 'PANEL_(COUNT|SLOT_[A-Z]+|CONNS)\b|panel_ops|PANEL_##'); then
			echo "$hits" | while read -r h; do echo "  src/ui/$f:$h  (names a panel)"; done
			n=$((n + $(echo "$hits" | wc -l)))
		fi
	done
	acts=$(sed -n 's/^[[:space:]]*X(\([A-Z_0-9]*\), "[a-z-]*".*/\1/p' "$1/src/core/keymap.h")
	for a in $acts; do
		grep -qE "\[SW_ACT_$a\] = \{" "$ui/commands.c" && continue
		echo "$table" | grep -q "SW_ACT_$a\b" && continue
		grep -qE "(case SW_ACT_$a:|a != SW_ACT_$a\))" "$ui"/*.c && continue
		echo "  SW_ACT_$a: nothing runs it (commands.c, PANELS or a panel's key hook)"
		n=$((n + 1))
	done
	for f in "$ui"/*.[ch]; do
		l=$(wc -l <"$f")
		if [ "$l" -gt 1200 ]; then
			echo "  ${f#"$1"/}: $l lines (over 1,200)"
			n=$((n + 1))
		fi
	done
	return $((n > 255 ? 255 : n))
}

# ---- 1. the checker catches each planted violation ------------------------
mkdir -p "$tmp/src/ui" "$tmp/src/core"
cp "$top/src/ui/panel.h" "$top/src/ui/commands.c" "$top/src/ui/conntable.c" "$tmp/src/ui/"
cp "$top/src/core/keymap.h" "$tmp/src/core/"
for f in "$top"/src/ui/*.c; do
	# the other panels' ops, so that only the planted ones are missing
	grep -h '^const struct panel_ops [a-z_0-9]* = {' "$f" >>"$tmp/src/ui/others.c"
done
printf 'const struct panel_ops sockets_ops = {\n};\n' >"$tmp/src/ui/sockets.c"
sed -i '/X(IFACES, ifaces_ops/a\	X(GHOST, ghost_ops, SW_ACT_HELP, false)' "$tmp/src/ui/panel.h"
printf 'static int f(void) { return PANEL_ROUTES; }\n' >"$tmp/src/ui/screen.c"
printf 'const void *g = &states_ops;\n' >"$tmp/src/ui/statusbar.c"
sed -i '/\[SW_ACT_KILL\] = {/d' "$tmp/src/ui/commands.c"
seq 1 1201 >"$tmp/src/ui/big.h"
rules_selftest 6 # sockets_ops, ghost_ops, PANEL_ROUTES, states_ops, SW_ACT_KILL, big.h

# ---- 2. the real tree -----------------------------------------------------
rules_real "src/ui: panels come from one table, every action has a handler"
