#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - every fuzz target (tests/fuzz/fuzz_<parser>.c, linked with the
# standalone driver.c by `make check`) on its seed corpus plus a fixed number
# of seeded random mutations.  Deterministic; a few seconds in all (each
# target's mutation phase also stops after 4 s on a slow machine).  In the
# --enable-sanitizers build this is where memory errors in the parsers show.
#
# A failing input is saved under $top_builddir/tests/fuzz/artifacts/; rerun
# the target on that file to reproduce.  FUZZ_ITERATIONS and FUZZ_SEED
# override the defaults (e.g. FUZZ_ITERATIONS=1000000 for a longer soak).
# Coverage-guided fuzzing with libFuzzer: tests/fuzz/libfuzzer.sh.
set -u
: "${top_srcdir:?run by make check}" "${top_builddir:?run by make check}"
src=$top_srcdir/tests/fuzz
bin=$top_builddir/tests/fuzz
iters=${FUZZ_ITERATIONS:-20000}
seed=${FUZZ_SEED:-1}
art=$bin/artifacts
mkdir -p "$art" || exit 99

fail=0
for t in nlparse events record kstat procnet rtnl filter rcfile columns histfile; do
	exe=$bin/fuzz_$t
	if [ ! -x "$exe" ]; then
		echo "run.sh: $exe is missing (make check builds it)" >&2
		exit 99
	fi
	set -- -n "$iters" -s "$seed" -T 4 -a "$art"
	# filters: mutations of the long seeds may grow to 1 MiB
	[ "$t" = filter ] && set -- "$@" -m 1048576
	[ -f "$src/dict/$t.dict" ] && set -- "$@" -x "$src/dict/$t.dict"
	if ! "$exe" "$@" "$src/corpus/$t"; then
		echo "FAIL: fuzz_$t (failing input in $art; reproduce: $exe FILE)" >&2
		fail=1
	fi
done
rmdir "$art" 2>/dev/null
exit $fail
