#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sockwatch's two entry points (see README "Quick start"):
#   scripts/build.sh run [SOCKWATCH ARGS]   install deps, build, start sockwatch
#   scripts/build.sh test                   install deps, build with -Werror and
#                                           ASan+UBSan, run the whole test suite,
#                                           the resolver and the --listen server
#                                           under ThreadSanitizer,
#                                           every fuzz target under libFuzzer
#                                           (FUZZ_SECONDS each, default 20;
#                                           SKIP_FUZZ=1 skips), then make
#                                           distcheck
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
	# The name resolver's threads under ThreadSanitizer (its own build
	# directory: TSan excludes ASan); about 20 s.
	configure_in "$top/build-tsan" --enable-werror --enable-tsan
	# and --listen's HTTP server thread against its publisher (test_exporter,
	# built when libmicrohttpd is)
	for t in test_resolver test_exporter; do
		if [ $t = test_exporter ] && ! grep -q '^#define HAVE_MICROHTTPD 1' "$top/build-tsan/config.h"; then
			continue
		fi
		if make -s -C "$top/build-tsan" -j"$jobs" tests/unit/$t >/dev/null &&
			"$top/build-tsan/tests/unit/$t" >"$top/build-tsan/$t.log" 2>&1; then
			echo "ThreadSanitizer: $t ok"
		else
			tail -40 "$top/build-tsan/$t.log"
			echo "ThreadSanitizer: $t FAILED"
			rc=1
		fi
	done
	# The monitor's collection thread (collect, merge, build the next
	# frame, diagnose) against the screen's keys and the close events:
	# ui_responsive.sh and ui_churn.sh on the TSan binary; a race report
	# (written to build-tsan/tsan-TEST.PID) ends the monitor and fails the
	# step.  About a minute.
	for t in ui_responsive ui_churn; do
		rm -f "$top"/build-tsan/tsan-"$t".*
		if make -s -C "$top/build-tsan" -j"$jobs" src/sockwatch tests/tools/sockfix >/dev/null &&
			TSAN_OPTIONS="halt_on_error=1:exitcode=66:log_path=$top/build-tsan/tsan-$t" \
			make -s -C "$top/build-tsan" check TESTS=tests/ui/$t.sh >/dev/null 2>&1 &&
			! ls "$top"/build-tsan/tsan-"$t".* >/dev/null 2>&1; then
			echo "ThreadSanitizer: $t ok"
		else
			tail -40 "$top/build-tsan/tests/ui/$t.log"
			cat "$top"/build-tsan/tsan-"$t"* 2>/dev/null | head -60
			echo "ThreadSanitizer: $t FAILED"
			rc=1
		fi
	done
	# Every fuzz target under libFuzzer for a bounded time (FUZZ_SECONDS,
	# default 20 s each), so they stay buildable and find what they can;
	# a crash fails the run.  One line per target.
	if [ "${SKIP_FUZZ:-}" != 1 ]; then
		fz="$top/tests/fuzz/libfuzzer.sh"
		cc_fuzz=clang
		command -v clang >/dev/null 2>&1 || cc_fuzz=clang-14
		if ! CC_FUZZ=$cc_fuzz "$fz" -b >"$top/build-test/libfuzzer-build.log" 2>&1; then
			tail -20 "$top/build-test/libfuzzer-build.log"
			echo "libFuzzer: the fuzz targets do not build"
			rc=1
		elif ! CC_FUZZ=$cc_fuzz "$fz" -k -t "${FUZZ_SECONDS:-20}" >"$top/build-test/libfuzzer.log" 2>&1; then
			sed -n '/^$/,$p' "$top/build-test/libfuzzer.log" | sed '/^$/d; s/^/libFuzzer: /'
			echo "libFuzzer: a target failed (inputs in build-libfuzzer/artifacts/)"
			rc=1
		else
			sed -n '/^$/,$p' "$top/build-test/libfuzzer.log" | sed '/^$/d; s/^/libFuzzer: /'
		fi
	fi
	if [ $rc -eq 0 ] && [ "${SKIP_DISTCHECK:-}" != 1 ]; then
		configure_in "$top/build-dist"
		# the catalogs first, one job: two parallel dist steps would both
		# rebuild po/zh_TW.gmo through the same temporary file
		make -s -C "$top/build-dist/po" -j1 >/dev/null 2>&1
		# The tarball builds, installs, uninstalls and passes the unit tests
		# and the static checks; the namespace, UI and real-server tests
		# already ran above on the sanitizer build (twice they race with each
		# other on a 2-core machine, for no information).
		make -s -C "$top/build-dist" -j"$jobs" distcheck \
			TESTS='$(UNIT_TESTS) tests/integration/docs_sync.sh tests/integration/layers.sh tests/integration/spdx.sh tests/integration/install.sh' \
			>"$top/build-dist/distcheck.log" 2>&1 ||
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
