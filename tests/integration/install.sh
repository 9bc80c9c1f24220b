#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install.sh - `make install DESTDIR=...` installs everything a user needs,
# where configure said, and `make uninstall` takes it away again:
#   the program, sockwatch(1) (rendered by man -l without a warning), the
#   translations (the installed zh_TW catalog makes --help Chinese), the bash
#   and zsh completions (they parse), the documentation, the settings
#   example in the doc directory and, all comments, as
#   $(sysconfdir)/sockwatch/sockwatchrc (it names every threshold, changes
#   nothing, and a second install keeps an edited copy), the systemd units
#   (naming the installed program).
# No root, no network: it only writes under its temporary directory.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_cmds make man groff
tmpdir_new
D=$T/root

if ! build_make install DESTDIR="$D" >"$T/install.log" 2>&1; then
	show_file "make install" "$T/install.log" 40
	die "make install DESTDIR=$D failed"
fi
pass "make install DESTDIR=... exits 0"

bindir=$(build_var bindir)
mandir=$(build_var mandir)
localedir=$(build_var localedir)
docdir=$(build_var docdir)
sysconfdir=$(build_var sysconfdir)
unitdir=$(build_var systemdsystemunitdir)
bashdir=$(build_var bashcompletiondir)
zshdir=$(build_var zshcompletiondir)
[ -n "$bindir" ] && [ -n "$unitdir" ] && [ -n "$bashdir" ] || die "cannot read the install directories from $top_builddir/Makefile"

has_file() { [ -f "$D$1" ] && [ -s "$D$1" ]; }

# ---- the program --------------------------------------------------------
check "program: $bindir/sockwatch, executable" test -x "$D$bindir/sockwatch"
check "program: --version runs" sh -c '"$1" --version | grep -q "^sockwatch "' _ "$D$bindir/sockwatch"

# ---- the man page ---------------------------------------------------------
man1=$D$mandir/man1/sockwatch.1
check "man page: $mandir/man1/sockwatch.1" has_file "$mandir/man1/sockwatch.1"
MANWIDTH=80 LC_ALL=C.UTF-8 MANROFFSEQ='' man -l "$man1" >"$T/man.txt" 2>"$T/man.err"
check "man page: man -l renders NAME, SYNOPSIS, OPTIONS" \
	sh -c 'grep -q "^NAME" "$1" && grep -q "^SYNOPSIS" "$1" && grep -q "^OPTIONS" "$1"' _ "$T/man.txt"
# lintian's own check of a manual page
LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$man1" \
	>/dev/null 2>>"$T/man.err"
check "man page: man -l and man --warnings -l say nothing on stderr" test ! -s "$T/man.err"
[ -s "$T/man.err" ] && show_file "man -l stderr" "$T/man.err" 10

# ---- translations ---------------------------------------------------------
for lang in $(grep -v '^#' "$top_srcdir/po/LINGUAS"); do
	mo=$localedir/$lang/LC_MESSAGES/sockwatch.mo
	check "translation: $mo" has_file "$mo"
done
env -u LC_ALL -u LC_MESSAGES SOCKWATCH_LOCALEDIR="$D$localedir" LANGUAGE=zh_TW LANG=C.UTF-8 \
	"$D$bindir/sockwatch" --help >"$T/help.zh" 2>&1
check "translation: the installed zh_TW catalog makes --help Chinese" grep -q '用法' "$T/help.zh"

# ---- completions ----------------------------------------------------------
check "bash completion: $bashdir/sockwatch" has_file "$bashdir/sockwatch"
check "bash completion: bash -n" bash -n "$D$bashdir/sockwatch"
check "bash completion: defines the completion of sockwatch" \
	bash -c '. "$1" && complete -p sockwatch | grep -q -- "-F _sockwatch"' _ "$D$bashdir/sockwatch"
check "zsh completion: $zshdir/_sockwatch" has_file "$zshdir/_sockwatch"
check "zsh completion: starts with #compdef sockwatch" \
	sh -c 'head -1 "$1" | grep -qx "#compdef sockwatch"' _ "$D$zshdir/_sockwatch"
if command -v zsh >/dev/null 2>&1; then
	check "zsh completion: zsh -n" zsh -n "$D$zshdir/_sockwatch"
else
	fail "zsh is not installed (scripts/deps.sh test installs it)"
fi

# ---- documentation ----------------------------------------------------------
for f in "$top_srcdir"/doc/*.md README.md; do
	check "docs: $docdir/$(basename "$f")" has_file "$docdir/$(basename "$f")"
done
check "docs: $docdir/sockwatchrc.example" has_file "$docdir/sockwatchrc.example"

# ---- the system-wide settings file ----------------------------------------------
rc=$sysconfdir/sockwatch/sockwatchrc
check "settings: $rc" has_file "$rc"
check "settings: every line of $rc is a comment or blank" \
	sh -c '! grep -v "^#" "$1" | grep -q .' _ "$D$rc"
# Uncommented, each example line is a valid setting (no warning) ...
sed -n 's/^# \([a-z][a-z_.]* = .*\)$/\1/p' "$D$rc" >"$T/rc.on"
"$D$bindir/sockwatch" --check -n 1 --replay "$top_srcdir/tests/data/fixtures.swrec" \
	--config "$T/rc.on" >/dev/null 2>"$T/rc.err"
check "settings: uncommented, the example's $(wc -l <"$T/rc.on") settings load without a warning" \
	test ! -s "$T/rc.err"
[ -s "$T/rc.err" ] && show_file stderr "$T/rc.err" 10
# ... and every threshold of the program is there.
missing=
for t in $(sed -n 's/^[[:space:]]*THR(\([a-z_]*\),.*/\1/p' "$top_srcdir/src/core/diagnose.c"); do
	grep -q "^threshold\.$t = " "$T/rc.on" || missing="$missing $t"
done
check "settings: the example names every threshold (missing:${missing:- none})" test -z "$missing"
# A second install keeps an edited file.
echo 'threshold.top = 7' >>"$D$rc"
build_make install DESTDIR="$D" >"$T/install2.log" 2>&1
check "settings: a second make install keeps an edited $rc" grep -qx 'threshold.top = 7' "$D$rc"

# ---- systemd units ------------------------------------------------------------
for u in sockwatch-textfile.service sockwatch-textfile.timer sockwatch-exporter.service; do
	check "systemd: $unitdir/$u" has_file "$unitdir/$u"
done
for u in sockwatch-textfile.service sockwatch-exporter.service; do
	check "systemd: $u runs $bindir/sockwatch" grep -q "^ExecStart=$bindir/sockwatch " "$D$unitdir/$u"
done

# ---- uninstall ------------------------------------------------------------------
build_make uninstall DESTDIR="$D" >"$T/uninstall.log" 2>&1
left=$(cd "$D" && find . -type f | sort)
check "uninstall: only the edited settings file is left (left: $(echo $left))" \
	test "$left" = ".$rc"
rm -f "$D$rc"
build_make install DESTDIR="$D" >/dev/null 2>&1 && build_make uninstall DESTDIR="$D" >/dev/null 2>&1
left=$(cd "$D" && find . -type f | sort)
check "uninstall: an unedited install leaves no file (left: $(echo $left))" test -z "$left"

finish
