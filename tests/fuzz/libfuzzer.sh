#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# libfuzzer.sh - coverage-guided fuzzing of the parsers with clang's libFuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer.  A developer tool, not
# part of `make check` (which runs the same targets through driver.c, see
# run.sh).  Independent of configure: it compiles the sources itself into
# its work directory.
#
#   tests/fuzz/libfuzzer.sh [-t SECONDS] [-w WORKDIR] [-k] [TARGET...]
#       build, then run each target (default: all) for SECONDS (default 60),
#       one after the other, one process each; print libFuzzer's final
#       coverage figures per target.  New inputs go to WORKDIR/corpus/TARGET
#       (default WORKDIR: build-libfuzzer in the source tree), failures to
#       WORKDIR/artifacts/.  -k: keep going after a target fails.
#   tests/fuzz/libfuzzer.sh -m TARGET FILE
#       minimise a failing input (libFuzzer -minimize_crash) into
#       WORKDIR/artifacts/; add the result to tests/fuzz/corpus/TARGET/ as
#       crash-<what> once the bug is fixed.
#   tests/fuzz/libfuzzer.sh -b
#       build only.
#
# Targets: nlparse events record kstat procnet rtnl filter rcfile columns histfile.  Needs clang
# with its libFuzzer runtime (Debian: clang-14 brings it) and libmnl-dev.
# Exit status: 0 all ran clean, 1 a target found a failure, 2 usage/build.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
all="nlparse events record kstat procnet rtnl filter rcfile columns histfile"
secs=60
work=$top/build-libfuzzer
mode=run
keep=false
CC=${CC_FUZZ:-clang}

usage() {
	sed -n '8,23p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while getopts t:w:kmbh opt; do
	case $opt in
	t) secs=$OPTARG ;;
	w) work=$OPTARG ;;
	k) keep=true ;;
	m) mode=minimize ;;
	b) mode=build ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
case $secs in '' | *[!0-9]*) usage ;; esac

command -v "$CC" >/dev/null 2>&1 || { echo "libfuzzer.sh: no $CC (apt-get install clang)" >&2; exit 2; }
mkdir -p "$work/obj" "$work/artifacts"
work=$(cd "$work" && pwd)

# ---- build --------------------------------------------------------------
# A config.h of our own: only what the sources test.
cat >"$work/config.h" <<'EOF'
#define _GNU_SOURCE 1
#define PACKAGE "sockwatch"
#define PACKAGE_VERSION "fuzz"
#define PACKAGE_STRING "sockwatch fuzz"
#define ENABLE_NLS 0
EOF
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cflags="-std=gnu11 -g -O1 -DHAVE_CONFIG_H -I$work -I$top/src -I$top/src/core $san"
mnl_cflags=$(pkg-config --cflags libmnl 2>/dev/null || true)
mnl_libs=$(pkg-config --libs libmnl 2>/dev/null || echo -lmnl)

# probe the runtime once
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
	>"$work/probe.c"
if ! "$CC" -fsanitize=fuzzer "$work/probe.c" -o "$work/probe" 2>"$work/probe.err"; then
	echo "libfuzzer.sh: $CC cannot link -fsanitize=fuzzer:" >&2
	cat "$work/probe.err" >&2
	echo "(Debian: apt-get install clang; older releases: libclang-rt-<version>-dev)" >&2
	exit 2
fi

objs=""
for f in "$top"/src/core/*.c "$top"/src/output/*.c "$top"/src/collect/*.c; do
	o=$work/obj/$(basename "$(dirname "$f")")_$(basename "$f" .c).o
	if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ -n "$(find "$top/src" -name '*.h' -newer "$o" | head -n 1)" ]; then
		echo "  CC      ${f#"$top"/}"
		# shellcheck disable=SC2086
		"$CC" $cflags $mnl_cflags -fsanitize=fuzzer-no-link -c "$f" -o "$o" || exit 2
	fi
	objs="$objs $o"
done
for t in $all; do
	echo "  CCLD    fuzz_$t"
	# shellcheck disable=SC2086
	"$CC" $cflags $mnl_cflags -fsanitize=fuzzer "$here/fuzz_$t.c" $objs $mnl_libs \
		-o "$work/fuzz_$t" || exit 2
done
[ "$mode" = build ] && exit 0

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

dict_of() {
	if [ -f "$here/dict/$1.dict" ]; then echo "-dict=$here/dict/$1.dict"; fi
}

if [ "$mode" = minimize ]; then
	[ $# -eq 2 ] || usage
	t=$1 in=$2
	# shellcheck disable=SC2046
	"$work/fuzz_$t" $(dict_of "$t") -minimize_crash=1 -runs=20000 \
		-exact_artifact_path="$work/artifacts/min-$t-$(basename "$in")" "$in" || true
	echo "minimised: $work/artifacts/min-$t-$(basename "$in")"
	exit 0
fi

# ---- run --------------------------------------------------------------
[ $# -gt 0 ] || set -- $all
status=0
summary=""
for t in "$@"; do
	[ -x "$work/fuzz_$t" ] || { echo "libfuzzer.sh: unknown target $t (one of: $all)" >&2; exit 2; }
	mkdir -p "$work/corpus/$t"
	log=$work/fuzz_$t.log
	echo "== fuzz_$t: $secs s (log: $log)"
	rc=0
	maxlen=16384
	[ "$t" = filter ] && maxlen=1048576 # chains of 100,000 conditions
	# shellcheck disable=SC2046
	"$work/fuzz_$t" $(dict_of "$t") -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len="$maxlen" -print_final_stats=1 -artifact_prefix="$work/artifacts/$t-" \
		"$work/corpus/$t" "$here/corpus/$t" >"$log" 2>&1 || rc=$?
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	line=$(printf '%-8s %s execs; %s' "$t" "${execs:-?}" "${last:-no status line}")
	if [ $rc -ne 0 ]; then
		line="$line  FAILED (exit $rc, see $log; input in $work/artifacts/)"
		grep -E 'ERROR|runtime error|invariant failed|SUMMARY' "$log" | head -n 5 >&2 || true
		status=1
	fi
	echo "$line"
	summary="$summary$line
"
	if [ $rc -ne 0 ] && ! $keep; then
		break
	fi
done
printf '\n%s' "$summary"
exit $status
