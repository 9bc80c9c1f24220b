#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ui_keysdoc: doc/keys.md is what `sockwatch --list-keys=markdown` prints
# from the key table (regenerate it with that command after changing a
# binding), and the plain list names every action once.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

tmpdir_new
LC_ALL=C "$SOCKWATCH" --list-keys=markdown >"$T/keys.md" || fail "--list-keys=markdown failed"
if cmp -s "$top_srcdir/doc/keys.md" "$T/keys.md"; then
	pass "doc/keys.md matches the key table"
else
	diff "$top_srcdir/doc/keys.md" "$T/keys.md" >&2
	fail "doc/keys.md is stale: LC_ALL=C sockwatch --list-keys=markdown > doc/keys.md"
fi
LC_ALL=C "$SOCKWATCH" --list-keys >"$T/keys.txt"
check "plain list: quit is q and F10" grep -qE '^  q F10 +Quit sockwatch$' "$T/keys.txt"
check "plain list: kill is k and F9" grep -qE '^  k F9 +Send a signal' "$T/keys.txt"
check "plain list: every line has keys" sh -c "! grep -qE '^  -  ' '$T/keys.txt'"
finish
