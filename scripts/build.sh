#!/bin/sh
# sockwatch's two entry points (see README "Quick start"):
#   scripts/build.sh run [SOCKWATCH ARGS]   install deps, build, start sockwatch
#   scripts/build.sh test                   install deps, build with -Werror and
#                                           ASan+UBSan, run the whole test suite,
#                                           then make distcheck
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:-run}
[ $# -gt 0 ] && shift
jobs=$(nproc 2>/dev/null || echo 2)

configure_in() { # dir, configure args...
	dir=$1; shift
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ] || [ "$top/configure" -nt "$dir/Makefile" ]; then
		(cd "$dir" && "$top/configure" -q "$@")
	fi
}

bootstrap() {
	[ -x "$top/configure" ] && [ "$top/configure" -nt "$top/configure.ac" ] || (cd "$top" && ./autogen.sh >/dev/null 2>&1 || ./autogen.sh)
}

case "$cmd" in
run)
	"$top/scripts/deps.sh" build
	bootstrap
	configure_in "$top/build"
	make -s -C "$top/build" -j"$jobs" >/dev/null
	exec "$top/build/src/sockwatch" "$@"
	;;
test)
	"$top/scripts/deps.sh" test
	bootstrap
	configure_in "$top/build-test" --enable-werror --enable-sanitizers
	make -s -C "$top/build-test" -j"$jobs"
	rc=0
	make -C "$top/build-test" -j"$jobs" check || rc=1
	log="$top/build-test/test-suite.log"
	# cmocka's own result lines and the failures, for the reader of the CI log
	for f in "$top"/build-test/tests/*/*.log; do
		[ -f "$f" ] || continue
		grep -hE '^\[  (PASSED|FAILED|SKIPPED) +\]|^\[==========\] .* ran\.|^# SKIP|^SKIP:' "$f" | sed "s|^|$(basename "$f" .log): |"
	done
	[ $rc -eq 0 ] || cat "$log"
	if [ $rc -eq 0 ] && [ "${SKIP_DISTCHECK:-}" != 1 ]; then
		configure_in "$top/build-dist"
		make -s -C "$top/build-dist" -j"$jobs" distcheck >"$top/build-dist/distcheck.log" 2>&1 ||
			{ tail -50 "$top/build-dist/distcheck.log"; echo "make distcheck failed"; rc=1; }
		[ $rc -eq 0 ] && echo "make distcheck: ok"
	fi
	if [ -f "$log" ]; then
		p=$(sed -n 's/^# PASS: *//p' "$log"); f=$(sed -n 's/^# FAIL: *//p' "$log")
		e=$(sed -n 's/^# ERROR: *//p' "$log"); s=$(sed -n 's/^# SKIP: *//p' "$log")
		echo "$p passed, $((f + e)) failed, $s skipped"
	fi
	exit $rc
	;;
*)
	echo "usage: scripts/build.sh run [ARGS] | test" >&2
	exit 2
	;;
esac
