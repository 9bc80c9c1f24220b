#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# check_width: `sockwatch --check` pads its columns by display width, so
# that the Traditional Chinese labels (double-width: "警報" is 6 bytes, 4
# columns) line up with "OK" and the ids, details and fixes below them.
# Replayed from tests/data/fixtures.swrec (one ALARM with details and a
# two-line fix); LANGUAGE=zh_TW with LANG=C.UTF-8 (no zh_TW locale needed).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_cmds msgfmt
tmpdir_new
REC="$top_srcdir/tests/data/fixtures.swrec"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

mkdir -p "$T/locale/zh_TW/LC_MESSAGES"
msgfmt -o "$T/locale/zh_TW/LC_MESSAGES/sockwatch.mo" "$top_srcdir/po/zh_TW.po" ||
	die "msgfmt failed"

# align FILE: "ok", or what is out of line.  Diagnosis lines are
# "SEVERITY ID TITLE": every ID starts at the same display column, every
# detail line starts at the TITLE column, every fix continuation under the
# fix text.
align() {
	$PY - "$1" <<'EOF'
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()[1:]
ids, title, bad = set(), None, []
fixcol = None
for l in lines:
    if not l.startswith(" "):
        sev, rest = l.split(" ", 1)
        idtext = rest.lstrip(" ")
        col = width(l) - width(idtext)
        ids.add(col)
        title = col + 18
        continue
    ind = len(l) - len(l.lstrip(" "))
    if ind == title:
        fixcol = None
        text = l[ind:]
        for fix in ("Fix: ", "修正:", "修正："):
            if text.startswith(fix):
                fixcol = title + width(fix)
    elif not (fixcol and ind == fixcol):
        bad.append("indent %d (title at %s): %s" % (ind, title, l.strip()[:30]))
if len(ids) != 1:
    bad.append("ids start at columns %s" % sorted(ids))
print("ok" if not bad else "; ".join(bad))
EOF
}

for lang in C zh_TW; do
	env -u LC_ALL -u LC_MESSAGES SOCKWATCH_LOCALEDIR="$T/locale" LANGUAGE=$lang \
		LANG=C.UTF-8 "$SOCKWATCH" --check --replay "$REC" >"$T/check.$lang" 2>&1
	rc=$?
	check "LANGUAGE=$lang --check: the fixture's alarm (exit $rc)" test "$rc" -eq 4
	r=$(align "$T/check.$lang")
	check "LANGUAGE=$lang --check: columns line up by display width ($r)" test "$r" = ok
done
check "zh_TW: the output is Chinese" grep -q '警報' "$T/check.zh_TW"
check "C: unchanged layout (9 columns for the severity)" \
	grep -q '^ALARM    accept_queue      ' "$T/check.C"

finish
