#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# layers.sh - the layers include only what they may.
#
#   core/     pure C: libc only, no curses, no libmnl or netlink headers,
#             nothing from ui/, collect/ or output/
#   collect/  talks to the kernel: nothing from ui/ or output/, no curses
#   output/   batch formats: nothing from ui/ or collect/, no curses or libmnl
#   ui/       curses: nothing from collect/ or output/, no libmnl or netlink
#   curses only in ui/, libmnl only in collect/ (src/*.c wire the layers)
#
# The checker first runs on a throwaway tree with one planted violation of
# each rule and must catch every one (so a broken pattern cannot pass
# quietly), then on the real tree.  No root, no network.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib-rules.sh"

curses='<(n?curses|ncursesw?/[a-z]+|term|panel|menu|form)\.h>'
mnl='<libmnl/'
netlink='<linux/(netlink|rtnetlink|inet_diag|sock_diag|unix_diag|if_link)\.h>'

# rule: dir, forbidden regex, what it means
rules() {
	cat <<-EOF
		core	"(ui|collect|output)/|$curses|$mnl|$netlink	core/ must stay pure C (libc only)
		collect	"(ui|output)/|$curses	collect/ must not reach the UI or the output formats
		output	"(ui|collect)/|$curses|$mnl|$netlink	output/ reads the model, never the UI or the kernel
		ui	"(collect|output)/|$mnl|$netlink	ui/ never talks to the kernel nor formats batch output
	EOF
}

# check TREE: prints one line per violation, returns their number
check() {
	n=0
	tab=$(printf '\t')
	while IFS=$tab read -r dir re why; do
		for f in "$1"/src/"$dir"/*.[ch]; do
			[ -f "$f" ] || continue
			hits=$(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*($re)" "$f") || continue
			echo "$hits" | while read -r h; do echo "  ${f#"$1"/}:$h  ($why)"; done
			n=$((n + $(echo "$hits" | wc -l)))
		done
	done <<-EOF
		$(rules)
	EOF
	# curses outside ui/, libmnl outside collect/ (the wiring files included)
	for f in "$1"/src/*.[ch] "$1"/src/*/*.[ch]; do
		[ -f "$f" ] || continue
		case $f in */src/ui/*) ;; *)
			if hits=$(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*$curses" "$f"); then
				echo "  ${f#"$1"/}:$hits  (curses only in ui/)"; n=$((n + 1))
			fi ;;
		esac
		case $f in */src/collect/*) ;; *)
			if hits=$(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*$mnl" "$f"); then
				echo "  ${f#"$1"/}:$hits  (libmnl only in collect/)"; n=$((n + 1))
			fi ;;
		esac
	done
	return $((n > 255 ? 255 : n))
}

# ---- 1. the checker catches each planted violation ------------------------
for d in core collect output ui; do mkdir -p "$tmp/src/$d"; done
printf '#include "ui/ui.h"\n' >"$tmp/src/core/a.c"
printf '#include <libmnl/libmnl.h>\n' >"$tmp/src/core/b.c"
printf '  #  include <linux/inet_diag.h>\n' >"$tmp/src/core/c.h"
printf '#include <curses.h>\n' >"$tmp/src/collect/d.c"
printf '#include "output/output.h"\n' >"$tmp/src/collect/e.c"
printf '#include "ui/ui.h"\n' >"$tmp/src/output/f.c"
printf '#include "collect/collect.h"\n' >"$tmp/src/ui/g.c"
printf '#include <libmnl/libmnl.h>\n' >"$tmp/src/main.c"
printf '#include <ncursesw/curses.h>\n' >"$tmp/src/mode_monitor.c"
printf '#include "core/util.h"\n#include <stdio.h>\n' >"$tmp/src/ui/fine.c"
rules_selftest 11 # b.c and d.c break two rules each
grep -q fine.c "$tmp/out" && fail "the checker flagged the clean file fine.c"

# ---- 2. the real tree -----------------------------------------------------
rules_real "src/: every layer includes only what it may"
