#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# docs_sync.sh - the documentation and the translations follow the code.
#
# No root, no network: it reads the sources, the man page, the catalogs and
# the output of the built binary.
#   1. every source file with translatable strings is in po/POTFILES.in
#   2. po/zh_TW.po passes msgfmt -c, has no untranslated or fuzzy entry, and
#      translates every string the current sources have (msgcmp)
#   3. LANGUAGE=zh_TW with LANG=C.UTF-8 makes --help Chinese, its option
#      column aligned by display width
#   4. every option of --help (and of the getopt table) is in sockwatch(1)
#   5. the man page's key list is what doc/gen-keys.sh makes of the key
#      table, and doc/keys.md is what --list-keys=markdown prints
#   6. every column of the column table is described under COLUMNS
#   7. groff renders the man page without a warning
#   8. the README's Quick start has exactly the two commands, and .ci/run
#      runs the second
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${SOCKWATCH:?}"
man=$top_srcdir/doc/sockwatch.1
po=$top_srcdir/po/zh_TW.po
tmp=$(mktemp -d "$top_builddir/docs_sync.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM HUP
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
ok() {
	echo "ok: $*"
}
need() {
	command -v "$1" >/dev/null 2>&1 || {
		echo "FAIL: $1 is not installed (scripts/deps.sh test installs it)"
		exit 1
	}
}
need xgettext
need msgfmt
need msgcmp
need groff

# ---- 1. POTFILES.in ------------------------------------------------------
potfiles=$tmp/potfiles
grep -v '^#' "$top_srcdir/po/POTFILES.in" | sed '/^[[:space:]]*$/d' >"$potfiles"
n=0
for f in $(cd "$top_srcdir" && find src -name '*.[ch]' | sort); do
	# xgettext, not grep: it knows comments and strings from code.
	if xgettext --keyword=_ --keyword=N_ --keyword=P_:1,2 --from-code=UTF-8 \
		-o - "$top_srcdir/$f" 2>/dev/null | grep -q '^msgid "..*"'; then
		n=$((n + 1))
		grep -qx "$f" "$potfiles" || fail "$f has translatable strings but is not in po/POTFILES.in"
	fi
done
while read -r f; do
	[ -f "$top_srcdir/$f" ] || fail "po/POTFILES.in lists $f, which does not exist"
done <"$potfiles"
ok "POTFILES.in covers the $n source files with translatable strings"

# ---- 2. the zh_TW catalog ------------------------------------------------
if msgfmt -c -o "$tmp/zh_TW.mo" "$po" 2>"$tmp/msgfmt.err"; then
	ok "msgfmt -c po/zh_TW.po"
else
	fail "msgfmt -c po/zh_TW.po:"
	cat "$tmp/msgfmt.err"
fi
stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$po" 2>&1)
case $stats in
*untranslated* | *fuzzy*) fail "po/zh_TW.po is incomplete: $stats" ;;
*) ok "po/zh_TW.po: $stats" ;;
esac
# Against the strings of the current sources (po/sockwatch.pot may be stale):
(cd "$top_srcdir" && xgettext --keyword=_ --keyword=N_ --keyword=P_:1,2 \
	--from-code=UTF-8 --add-comments=TRANSLATORS: -o "$tmp/current.pot" \
	--files-from=po/POTFILES.in) 2>"$tmp/xgettext.err" || {
	fail "xgettext on po/POTFILES.in failed"
	cat "$tmp/xgettext.err"
}
if [ -f "$tmp/current.pot" ]; then
	if LC_ALL=C msgcmp "$po" "$tmp/current.pot" >"$tmp/msgcmp.out" 2>&1; then
		ok "every string of the sources is translated in po/zh_TW.po"
	else
		fail "strings without a zh_TW translation (run make -C BUILD/po update-po, then translate):"
		sed -n 's/^.*current\.pot:\([0-9]*\): this message is used but not defined.*/\1/p' \
			"$tmp/msgcmp.out" | head -20 | while read -r l; do
			echo "  $(sed -n "$((l - 1))p" "$tmp/current.pot")"
		done
		grep -q 'used but not defined' "$tmp/msgcmp.out" || head -20 "$tmp/msgcmp.out"
	fi
fi

# ---- 3. Chinese --help ---------------------------------------------------
mkdir -p "$tmp/locale/zh_TW/LC_MESSAGES"
cp "$tmp/zh_TW.mo" "$tmp/locale/zh_TW/LC_MESSAGES/sockwatch.mo" 2>/dev/null
# No zh_TW locale needs to be generated: LANGUAGE picks the catalog as long
# as LC_MESSAGES is not "C" and the charset is UTF-8.
env -u LC_ALL -u LC_MESSAGES SOCKWATCH_LOCALEDIR="$tmp/locale" LANGUAGE=zh_TW \
	LANG=C.UTF-8 "$SOCKWATCH" --help >"$tmp/help.zh" 2>&1
if grep -q '用法' "$tmp/help.zh" && ! grep -q '^Usage:' "$tmp/help.zh"; then
	ok "LANGUAGE=zh_TW LANG=C.UTF-8 sockwatch --help is Chinese"
else
	fail "LANGUAGE=zh_TW LANG=C.UTF-8 sockwatch --help is not Chinese:"
	head -5 "$tmp/help.zh"
fi
LC_ALL=C LANGUAGE= "$SOCKWATCH" --help >"$tmp/help.en" 2>&1
if command -v python3 >/dev/null 2>&1; then
	# Descriptions start in the same display column in both languages.
	python3 - "$tmp/help.en" "$tmp/help.zh" <<'EOF' || fail "the Chinese --help is not aligned like the English one"
import sys, unicodedata
def cols(path):
    out = []
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line.startswith('  '):
            continue
        w, i, prev = 0, 0, ''
        # the column after the first run of 2+ spaces following text
        start = None
        j = 0
        while j < len(line):
            if line[j] == ' ' and j + 1 < len(line) and line[j + 1] == ' ' and line[:j].strip():
                k = j
                while k < len(line) and line[k] == ' ':
                    k += 1
                start = k
                break
            j += 1
        if start is None:
            start = len(line) - len(line.lstrip(' '))
        out.append(sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in line[:start]))
    return out
en, zh = cols(sys.argv[1]), cols(sys.argv[2])
if en != zh:
    print('  English columns:', en)
    print('  Chinese columns:', zh)
    sys.exit(1)
EOF
fi

# ---- 4. options ----------------------------------------------------------
missing=""
for o in $(grep -o -- '--[a-z][a-z0-9-]*' "$tmp/help.en" | sort -u); do
	r=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
	grep -q -- "$r" "$man" || missing="$missing $o"
done
# The getopt table too (hidden developer options excepted).
for o in $(sed -n 's/^[[:space:]]*{"\([a-z][a-z0-9-]*\)", *[a-z_]*argument.*/\1/p' \
	"$top_srcdir/src/options.c" | sort -u); do
	case $o in list-keys | proc-root) continue ;; esac
	r=$(printf '%s' "--$o" | sed 's/-/\\\\-/g')
	grep -q -- "$r" "$man" || missing="$missing --$o"
done
for o in $(grep -o -- '^ *-[a-zA-Z0-9],\|  -[a-zA-Z0-9],' "$tmp/help.en" | tr -d ' ,' | sort -u); do
	grep -q -- "\\\\$o" "$man" || missing="$missing $o"
done
if [ -n "$missing" ]; then
	fail "options missing from doc/sockwatch.1:$missing"
else
	ok "every option of --help and of the getopt table is in sockwatch(1)"
fi

# ---- 5. keys -------------------------------------------------------------
if ! sh "$top_srcdir/doc/gen-keys.sh" "$SOCKWATCH" >"$tmp/keys.roff" 2>"$tmp/keys.err"; then
	fail "doc/gen-keys.sh failed: $(cat "$tmp/keys.err")"
fi
awk '/^\.\\" BEGIN KEYS/ { on = 1; next } /^\.\\" END KEYS/ { on = 0 } on' "$man" >"$tmp/keys.man"
if cmp -s "$tmp/keys.roff" "$tmp/keys.man"; then
	ok "the man page's key list matches the key table"
else
	fail "the man page's key list differs from the key table (run doc/gen-keys.sh --update BUILD/src/sockwatch):"
	diff "$tmp/keys.man" "$tmp/keys.roff" | head -20
fi
# Each key name, one by one, in the rendered key section.
groff -man -Tascii -P-cbou "$man" >"$tmp/man.txt" 2>/dev/null
sed -n '/^THE MONITOR/,/^OUTPUT FORMATS/p' "$tmp/man.txt" >"$tmp/monitor.txt"
LC_ALL=C LANGUAGE= "$SOCKWATCH" --list-keys >"$tmp/keys.txt"
nk=0
missing=""
while IFS= read -r line; do
	case $line in "  "*) ;; *) continue ;; esac
	keys=$(printf '%s\n' "$line" | sed 's/^  //; s/   *.*$//')
	for k in $keys; do
		nk=$((nk + 1))
		grep -qF -- "$k" "$tmp/monitor.txt" || missing="$missing $k"
	done
done <"$tmp/keys.txt"
if [ -n "$missing" ]; then
	fail "keys missing from the man page's THE MONITOR section:$missing"
else
	ok "all $nk key bindings appear in THE MONITOR"
fi
LC_ALL=C LANGUAGE= "$SOCKWATCH" --list-keys=markdown >"$tmp/keys.md"
if cmp -s "$tmp/keys.md" "$top_srcdir/doc/keys.md"; then
	ok "doc/keys.md matches --list-keys=markdown"
else
	fail "doc/keys.md differs from sockwatch --list-keys=markdown (regenerate it):"
	diff "$top_srcdir/doc/keys.md" "$tmp/keys.md" | head -10
fi

# ---- 6. columns ----------------------------------------------------------
LC_ALL=C LANGUAGE= "$SOCKWATCH" -b --replay /dev/null --columns=no-such-column \
	>/dev/null 2>"$tmp/cols.err"
cols=$(sed -n 's/^Known columns: //p' "$tmp/cols.err" | tr -d ',')
if [ -z "$cols" ]; then
	# Fall back on the table in the source.
	cols=$(sed -n 's/^[[:space:]]*COL(SW_COL_[A-Z_]*, *"\([a-z_]*\)".*/\1/p' \
		"$top_srcdir/src/core/columns.c")
fi
sed -n '/^\.SH COLUMNS/,/^\.SH THE MONITOR/p' "$man" >"$tmp/columns.man"
missing=""
nc=0
for c in $cols; do
	nc=$((nc + 1))
	grep -qx "\\.B $c" "$tmp/columns.man" || missing="$missing $c"
done
if [ "$nc" -lt 10 ]; then
	fail "could not read the column names (got $nc)"
elif [ -n "$missing" ]; then
	fail "columns not described under COLUMNS in sockwatch(1):$missing"
else
	ok "all $nc columns are described under COLUMNS"
fi

# ---- 7. groff --------------------------------------------------------------
if groff -man -Tutf8 -wall "$man" >/dev/null 2>"$tmp/groff.err" && [ ! -s "$tmp/groff.err" ]; then
	ok "groff -man -Tutf8 -wall: no warnings"
else
	fail "groff warns about doc/sockwatch.1:"
	head -20 "$tmp/groff.err"
fi

# ---- 8. README quick start -------------------------------------------------
qs=$(sed -n '/^## Quick start/,/^## /p' "$top_srcdir/README.md" |
	sed -n '/^```/,/^```/p' | grep -v '^```' | sed 's/[[:space:]]*#.*//; /^[[:space:]]*$/d')
want=$(printf '%s\n%s' "scripts/build.sh run" "scripts/build.sh test")
if [ "$qs" = "$want" ]; then
	ok "README Quick start: exactly scripts/build.sh run and scripts/build.sh test"
else
	fail "README Quick start must hold exactly the two commands; it has:"
	printf '%s\n' "$qs"
fi
grep -q '^scripts/build.sh test$' "$top_srcdir/.ci/run" ||
	fail ".ci/run does not run scripts/build.sh test"

if [ "$fails" -gt 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all documentation checks passed"
exit 0
