#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# doc/gen-keys.sh - the key list of sockwatch(1), generated from the key table.
#
# The monitor's key table (src/core/keymap.c) is the only source: this script
# reads it through `sockwatch --list-keys=markdown` and writes man(7) markup,
# one .SS per help group and one .TP entry per action.  The block lives in
# doc/sockwatch.1 between the lines
#     .\" BEGIN KEYS ...
#     .\" END KEYS
# and tests/integration/docs_sync.sh fails when it differs from the table.
#
# Usage: doc/gen-keys.sh [SOCKWATCH]            print the block on stdout
#        doc/gen-keys.sh --update [SOCKWATCH]   rewrite the block in doc/sockwatch.1
# SOCKWATCH defaults to $SOCKWATCH, else build/src/sockwatch of this checkout.
set -e
here=$(cd "$(dirname "$0")" && pwd)
update=
if [ "$1" = --update ]; then
	update=1
	shift
fi
bin=${1:-${SOCKWATCH:-$here/../build/src/sockwatch}}
if [ ! -x "$bin" ]; then
	echo "gen-keys.sh: no sockwatch binary at $bin (build first, or pass its path)" >&2
	exit 1
fi

gen() {
	# English, whatever the caller's locale.
	LC_ALL=C LANGUAGE= "$bin" --list-keys=markdown | awk -v q="'" '
	function esc(s) {            # roff text: backslash, then a leading dot or quote
		gsub(/\\/, "\\e", s)
		if (substr(s, 1, 1) == "." || substr(s, 1, 1) == q)
			s = "\\&" s
		return s
	}
	function key(s) {            # a key name: every "-" is a literal minus
		s = esc(s)
		gsub(/-/, "\\-", s)
		return "\\fB" s "\\fR"
	}
	function desc(s) {           # prose: only option-like dashes ("ss -K")
		s = esc(s)
		out = ""
		while ((i = index(s, "-")) > 0) {
			prev = i > 1 ? substr(s, i - 1, 1) : " "
			out = out substr(s, 1, i - 1) (prev == " " || prev == "(" ? "\\-" : "-")
			s = substr(s, i + 1)
		}
		return out s
	}
	/^## / { printf ".SS %s\n", substr($0, 4); next }
	/^\| `/ {
		line = substr($0, 3)                # after "| "
		# keys: `k` `k` ... up to the first " | " outside backquotes
		keys = ""; n = 0
		while (substr(line, 1, 1) == "`") {
			rest = substr(line, 2)
			end = index(rest, "`")
			if (end == 1 && substr(rest, 2, 1) == "`") end = 2   # the ` key itself
			k = substr(rest, 1, end - 1)
			gsub(/\\\|/, "|", k)
			keys = keys (n++ ? ", " : "") key(k)
			line = substr(rest, end + 1)
			sub(/^ /, "", line)
		}
		sub(/^\| /, "", line)
		sub(/ \|$/, "", line)
		printf ".TP\n%s\n%s\n", keys, desc(line)
	}'
}

if [ -z "$update" ]; then
	gen
	exit 0
fi

man=$here/sockwatch.1
grep -q '^\.\\" BEGIN KEYS' "$man" && grep -q '^\.\\" END KEYS' "$man" || {
	echo "gen-keys.sh: $man has no BEGIN KEYS / END KEYS markers" >&2
	exit 1
}
block=$(mktemp)
out=$(mktemp)
trap 'rm -f "$block" "$out"' EXIT
gen >"$block"
awk -v blk="$block" '
	/^\.\\" BEGIN KEYS/ { print; while ((getline l < blk) > 0) print l; skip = 1; next }
	/^\.\\" END KEYS/ { skip = 0 }
	!skip' "$man" >"$out"
if cmp -s "$out" "$man"; then
	echo "gen-keys.sh: $man is up to date"
else
	cat "$out" >"$man"
	echo "gen-keys.sh: updated the key list in $man"
fi
