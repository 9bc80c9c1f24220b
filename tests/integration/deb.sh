#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# deb.sh - debian/ builds a package with `dpkg-buildpackage -us -uc -b` from
# a copy of the tree, and the package is what an admin expects:
#   - lintian says no error and no warning about it
#   - it holds the program, sockwatch(1), the zh_TW catalog, the bash and
#     zsh completions where Debian's shells look, the units in
#     /lib/systemd/system, the settings example as the conffile
#     /etc/sockwatch/sockwatchrc, the documentation
#   - Depends comes from the shared libraries (libmnl, ncursesw); Recommends
#     names libmicrohttpd's package (opened with dlopen by --listen)
#   - Build-Depends names the -dev package of every library configure.ac
#     asks pkg-config for
#   - installing enables and starts nothing (postinst), and the extracted
#     program runs
# Skipped (77) where dpkg-buildpackage, debhelper or lintian are missing;
# CI installs them (scripts/deps.sh test).  About a minute: one build
# without the sanitizers and without the package's own unit tests.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_cmds dpkg-buildpackage dh dh_autoreconf lintian dpkg-deb dpkg-checkbuilddeps
tmpdir_new
version=$(dpkg-parsechangelog -l "$top_srcdir/debian/changelog" -S Version)
upstream=${version%-*}
src=$T/sockwatch-$upstream

# ---- a copy of the tree ---------------------------------------------------------
# A git checkout: the files git knows (tracked or not ignored); a release
# tree (make distcheck): all of it.
mkdir -p "$src"
if [ -e "$top_srcdir/.git" ] && command -v git >/dev/null 2>&1; then
	(cd "$top_srcdir" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$src") ||
		die "cannot copy the git tree"
else
	cp -R "$top_srcdir/." "$src/" || die "cannot copy $top_srcdir"
fi
chmod -R u+w "$src"

# ---- build -----------------------------------------------------------------------
if ! (cd "$src" && dpkg-checkbuilddeps) >"$T/bdeps.log" 2>&1; then
	show_file dpkg-checkbuilddeps "$T/bdeps.log"
	die "build dependencies missing (scripts/deps.sh test installs them)"
fi
jobs=$(nproc 2>/dev/null || echo 2)
if ! (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$jobs" dpkg-buildpackage -us -uc -b) \
	>"$T/build.log" 2>&1; then
	tail -40 "$T/build.log" | sed 's/^/    /' >&2
	die "dpkg-buildpackage -us -uc -b failed"
fi
arch=$(dpkg --print-architecture)
deb=$T/sockwatch_${version}_$arch.deb
changes=$T/sockwatch_${version}_$arch.changes
check "dpkg-buildpackage -us -uc -b made $(basename "$deb")" test -f "$deb"
[ -f "$deb" ] || finish

# ---- lintian ----------------------------------------------------------------------
lintian "$changes" >"$T/lintian.txt" 2>"$T/lintian.err"
grep -E '^[EW]: ' "$T/lintian.txt" >"$T/lintian.ew"
check "lintian: no error or warning ($(wc -l <"$T/lintian.ew") found)" test ! -s "$T/lintian.ew"
[ -s "$T/lintian.ew" ] && show_file lintian "$T/lintian.ew"
check "lintian: ran (stderr: $(grep -v 'root privileges' "$T/lintian.err" | head -1))" \
	sh -c '! grep -v "root privileges" "$1" | grep -q .' _ "$T/lintian.err"

# ---- contents ---------------------------------------------------------------------
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$T/contents"
for f in /usr/bin/sockwatch /usr/share/man/man1/sockwatch.1.gz \
	/usr/share/locale/zh_TW/LC_MESSAGES/sockwatch.mo \
	/usr/share/bash-completion/completions/sockwatch \
	/usr/share/zsh/vendor-completions/_sockwatch \
	/lib/systemd/system/sockwatch-textfile.service \
	/lib/systemd/system/sockwatch-textfile.timer \
	/lib/systemd/system/sockwatch-exporter.service \
	/etc/sockwatch/sockwatchrc /usr/share/doc/sockwatch/copyright \
	/usr/share/doc/sockwatch/README.Debian /usr/share/doc/sockwatch/sockwatchrc.example; do
	check "package holds $f" grep -qx "$f" "$T/contents"
done
for f in "$top_srcdir"/doc/*.md; do
	b=$(basename "$f")
	check "package holds the documentation $b" grep -qE "^/usr/share/doc/sockwatch/$b(\\.gz)?\$" "$T/contents"
done
dpkg-deb -e "$deb" "$T/control"
check "/etc/sockwatch/sockwatchrc is a conffile" grep -qx /etc/sockwatch/sockwatchrc "$T/control/conffiles"
dep=$(dpkg-deb -f "$deb" Depends)
check "Depends from the shared libraries names libmnl and ncursesw ($dep)" \
	sh -c 'echo "$1" | grep -q libmnl && echo "$1" | grep -q libncursesw' _ "$dep"
# --listen opens libmicrohttpd with dlopen(), so shlibs cannot see it: the
# package that holds the library file it loads is recommended by hand
mhd_dir=$(pkg-config --variable=libdir libmicrohttpd 2>/dev/null)
mhd_so=$(readelf -d "$mhd_dir/libmicrohttpd.so" 2>/dev/null | sed -n 's/.*(SONAME).*: .\(.*\).$/\1/p')
if [ -n "$mhd_so" ]; then
	mhd_pkg=$(dpkg -S "$mhd_dir/$mhd_so" 2>/dev/null | head -1 | cut -d: -f1)
	rec=$(dpkg-deb -f "$deb" Recommends)
	check "Recommends names $mhd_pkg, which holds $mhd_so ($rec)" \
		sh -c 'test -n "$1" && echo "$2" | grep -qw -- "$1"' _ "$mhd_pkg" "$rec"
fi

# ---- Build-Depends covers configure's pkg-config modules ---------------------------
bdeps=$(sed -n '/^Build-Depends:/,/^[A-Z][A-Za-z-]*:/p' "$src/debian/control" | sed '$d')
missing=
for m in $(sed -n 's/^[[:space:]]*PKG_CHECK_MODULES(\[[A-Z_]*\], *\[\([a-z0-9_.+-]*\).*/\1/p' "$top_srcdir/configure.ac"); do
	pc=$(pkg-config --path "$m" 2>/dev/null) || {
		missing="$missing $m(no .pc)"
		continue
	}
	pkg=$(dpkg -S "$(readlink -f "$pc")" 2>/dev/null | head -1 | cut -d: -f1)
	[ -n "$pkg" ] && echo "$bdeps" | grep -qw -- "$pkg" || missing="$missing $m($pkg)"
done
check "Build-Depends names the package of every PKG_CHECK_MODULES module (missing:${missing:- none})" \
	test -z "$missing"

# ---- installing enables and starts nothing ---------------------------------------
pi=$T/control/postinst
# dh_installsystemd --no-enable: the enabling is guarded by "was the unit
# installed and enabled before" (debian-installed, was-enabled), never the
# first-installation enable.
for u in sockwatch-exporter.service sockwatch-textfile.timer; do
	check "postinst does not enable $u on installation" \
		grep -q "deb-systemd-helper debian-installed '$u'" "$pi"
done
check "postinst has no first-installation enable" sh -c '! grep -q "new installations run enable" "$1"' _ "$pi"
check "postinst never starts sockwatch-textfile.service (its timer does)" \
	sh -c '! grep "deb-systemd-invoke" "$1" | grep -q "sockwatch-textfile.service"' _ "$pi"

# ---- the extracted package runs -------------------------------------------------------
dpkg-deb -x "$deb" "$T/root"
check "the packaged program runs (--version)" \
	sh -c '"$1" --version | grep -q "^sockwatch $2"' _ "$T/root/usr/bin/sockwatch" "$upstream"
check "the units run /usr/bin/sockwatch" sh -c \
	'grep -h "^ExecStart=" "$1"/lib/systemd/system/*.service | grep -v "^ExecStart=/usr/bin/sockwatch " | grep -q . && exit 1; exit 0' _ "$T/root"

finish
