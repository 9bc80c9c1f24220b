#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/run-history.sh - what the time machine costs (doc/performance.md,
# "Time machine").  Not part of the test suite.
#
#   bench/run-history.sh [--build DIR] [--work DIR] [--mb MB] [--real SIZE]
#
# DIR: a configured build tree (default <top>/build-bench, configured and
# built here without sanitizers when missing).  It builds bench/histbench.c
# against that tree's libraries and runs, on synthetic populations:
#   1. an hour at 1 s of 10,000 mostly stable sockets (1% changing state per
#      minute, 300 with traffic each moving data in 10% of the seconds,
#      keepalive timers), then worse cases: MB per hour and bytes per
#      socket change (targets: <= 5 MB/h, <= 50 bytes);
#   2. the CPU to encode one sample of 100,000 and of 10,000 sockets;
#   3. MB (default 1024) of history (10,000 sockets all moving bytes every
#      second, so that a gigabyte is hours, not weeks) written into WORK (default a temporary
#      directory, removed after), then open + jump to random times and to
#      the ends of hours (the farthest from a keyframe) with the directory's
#      pages dropped from the page cache (target <= 1 s); then the same for
#      a mostly stable population.
# With --real 10k|100k it also runs the recorder on a real population
# (bench/run.sh --exec, root): the CPU of encoding+writing from the
# recorder's own summary against the CPU of a batch refresh in the same
# namespace (target: recording <= 10% of the refresh).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build-bench work= mb=1024 real=
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift ;;
	--work) work=$2; shift ;;
	--mb) mb=$2; shift ;;
	--real) real=$2; shift ;;
	-h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run-history.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
if [ ! -f "$build/src/libswcore.a" ]; then
	mkdir -p "$build"
	(cd "$top" && [ -x configure ] || ./autogen.sh)
	(cd "$build" && "$top/configure" -q CFLAGS="-O2 -g" && make -j2 src/sockwatch >/dev/null)
fi
make -C "$build" -j2 src/libswcore.a src/libswcollect.a src/sockwatch >/dev/null
hb=$build/bench/histbench
mkdir -p "$build/bench"
cc -std=gnu11 -O2 -g -DHAVE_CONFIG_H -I"$build" -I"$top/src" -I"$top/src/core" \
	"$top/bench/histbench.c" "$build/src/libswcollect.a" "$build/src/libswcore.a" -o "$hb"

echo "== 1. an hour at 1 s, 10,000 mostly stable sockets: 1% change state per minute,"
echo "   300 with traffic, each moving data in 10% of the seconds; then worse cases"
"$hb" rate -n 10000 -s 3600 -k 1800 -t 300 -a 10 -c 1
"$hb" rate -n 10000 -s 3600 -k 1800 -t 300 -a 20 -c 1
"$hb" rate -n 10000 -s 3600 -k 1800 -t 300 -a 100 -c 1
"$hb" rate -n 10000 -s 3600 -k 1800 -a 1 -c 20
echo "== 2. encoding cost per sample, 100,000 sockets"
"$hb" encode -n 100000 -s 10
"$hb" encode -n 10000 -s 30
echo "== 3. $mb MB of history: open and jump"
tmp=
if [ -z "$work" ]; then
	tmp=$(mktemp -d)
	work=$tmp/hist
	trap 'rm -rf "$tmp"' EXIT
fi
"$hb" seek -d "$work" -m "$mb" -n 10000 -k 1800 -a 100 -q 20
du -sh "$work"
echo "== 3b. the same with a mostly stable population (a gigabyte is days)"
rm -rf "$work"
"$hb" seek -d "$work" -m "$mb" -n 10000 -k 1800 -t 300 -a 10 -c 1 -q 20
du -sh "$work"
if [ -n "$real" ]; then
	echo "== 4. the recorder on a real population ($real), 20 samples at 1 s, and in the"
	echo "   same namespace the CPU of a refresh (sockwatch -b -p -d 1 -n 20: collect, merge, print)"
	"$top/bench/run.sh" --size "$real" --sockwatch "$build/src/sockwatch" --exec '
		d=$(mktemp -d)
		$SOCKWATCH --record-dir "$d/h" -d 1 -n 20 2>"$d/rec"; cat "$d/rec"; du -sh "$d/h"
		/usr/bin/time -f "%U %S" -o "$d/cpu" $SOCKWATCH -b -p -d 1 -n 20 >/dev/null
		enc=$(sed -n "s/.*(\([0-9.]*\) ms CPU).*/\1/p" "$d/rec")
		read -r u s <"$d/cpu"
		awk -v e="$enc" -v u="$u" -v s="$s" "BEGIN { r = (u + s) * 1000 / 20; \
			printf \"refresh %.1f ms CPU, recording %.1f ms per sample: %.1f%%\\n\", r, e / 20, e / 20 / r * 100 }"
		rm -rf "$d"'
fi
