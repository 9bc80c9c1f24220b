#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# spdx.sh - every source, build and script file says its license in its
# first lines (SPDX-License-Identifier: GPL-2.0-or-later, see LICENSE).
# No root, no network.
set -u
top=${top_srcdir:-$(dirname "$0")/../..}
tag='SPDX-License-Identifier: GPL-2.0-or-later'
fails=0
n=0
[ -f "$top/LICENSE" ] && grep -q 'GNU GENERAL PUBLIC LICENSE' "$top/LICENSE" &&
	grep -q 'Version 2, June 1991' "$top/LICENSE" || {
	echo "FAIL: LICENSE is not the GPL version 2 text"
	fails=1
}
for f in $(cd "$top" && { find src tests bench scripts doc .ci configure.ac Makefile.am autogen.sh \
	\( -path tests/fuzz/corpus -o -path tests/fuzz/dict \) -prune -o -type f \
	\( -name '*.[ch]' -o -name '*.sh' -o -name '*.py' -o -name '*.1' -o -name run \
	-o -name configure.ac -o -name Makefile.am \) -print
	find data/systemd data/completion -type f; echo debian/rules; } | sort); do
	n=$((n + 1))
	head -n 3 "$top/$f" | grep -qF "$tag" || {
		echo "FAIL: $f has no '$tag' in its first 3 lines"
		fails=$((fails + 1))
	}
done
[ "$n" -gt 100 ] || { echo "FAIL: only $n files looked at"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ] && echo "ok: $n files carry $tag; LICENSE is GPL-2"
exit $((fails > 0))
