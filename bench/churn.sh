#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/churn.sh - what following closed connections costs: sockwatch's CPU
# (user + sys) while tests/tools/churngen.py makes RATE connections a
# second (default 2,000, each living 20 ms) in a network namespace, against
# the same run with no churn.  Not part of the test suite.  Root only.
#
#   bench/churn.sh [--rate N] [--seconds S] [--sockwatch PATH]
#
#   bench/churn.sh --accuracy-only [--sockwatch PATH]
#
# Three sockwatch runs, each S seconds (default 20), each once idle and
# once under churn, in the namespace sw-churnbench-PID:
#   closed   sockwatch --closed --json >/dev/null (every event printed)
#   json     sockwatch --json -t -n 0 -d 1 >/dev/null (the churn member)
#   summary  sockwatch -s -n 0 -d 1 >/dev/null
# Prints, per run, the CPU seconds idle and under churn, the difference as
# a percentage of one core (the event path's cost), and the generator's
# achieved rate.  Then the accuracy of --closed (--accuracy-only: that
# alone): 500 connections a second living 20 ms each for 11 s; the client
# ends' closures per second and their median lifetime as --closed reported
# them, against churngen's own log, over the same window (first close + 2 s
# to last close - 2 s).  The namespace and every process started are
# removed on exit.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
rate=2000 seconds=20 sockwatch=$top/build-test/src/sockwatch acc_only=0
while [ $# -gt 0 ]; do
	case $1 in
	--accuracy-only) acc_only=1 ;;
	--rate) rate=$2; shift ;;
	--seconds) seconds=$2; shift ;;
	--sockwatch) sockwatch=$2; shift ;;
	*) echo "usage: $0 [--rate N] [--seconds S] [--sockwatch PATH] [--accuracy-only]" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "bench/churn.sh: root only (it creates a namespace)" >&2; exit 2; }
[ -x "$sockwatch" ] || { echo "bench/churn.sh: no $sockwatch (build it, or --sockwatch PATH)" >&2; exit 2; }
ns=sw-churnbench-$$
tmp=$(mktemp -d)
cleanup() {
	for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null; done
	sleep 0.2
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$ns" && ip -n "$ns" link set lo up || exit 1

# cpu SECONDS CMD...: run CMD for SECONDS (SIGINT then), print its user+sys
cpu() {
	_s=$1
	shift
	python3 - "$_s" "$@" <<'PY'
import resource, signal, subprocess, sys, time
s = float(sys.argv[1])
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)
time.sleep(s)
p.send_signal(signal.SIGINT)
p.wait()
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f" % (r.ru_utime + r.ru_stime))
PY
}

run() { # NAME ARGS...
	_n=$1
	shift
	idle=$(cpu "$seconds" ip netns exec "$ns" "$sockwatch" "$@")
	ip netns exec "$ns" python3 "$top/tests/tools/churngen.py" --rate "$rate" \
		--seconds $((seconds + 4)) --life 20 --hold 2 --port 3306 >"$tmp/gen.$_n" &
	gen=$!
	sleep 1
	busy=$(cpu "$seconds" ip netns exec "$ns" "$sockwatch" "$@")
	wait "$gen"
	python3 - "$_n" "$idle" "$busy" "$seconds" "$(cat "$tmp/gen.$_n")" <<'PY'
import sys
n, idle, busy, s, gen = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
print("%-8s idle %6.3f s  churn %6.3f s  event path %5.2f%% of a core   generator: %s"
      % (n, idle, busy, (busy - idle) / s * 100, gen))
PY
}
echo "sockwatch $("$sockwatch" --version | head -1), $rate connections/s asked, ${seconds} s per run, $(nproc) CPUs"
# accuracy: --closed against churngen's log of its own closes
accuracy() {
	ip netns exec "$ns" "$sockwatch" --closed --json >"$tmp/closed" 2>"$tmp/closed.err" &
	sw=$!
	sleep 1
	ip netns exec "$ns" python3 "$top/tests/tools/churngen.py" --rate 500 --seconds 11 \
		--life 20 --hold 2 --port 3306 --log "$tmp/gen.log" >"$tmp/gen.acc"
	sleep 1
	kill -TERM "$sw"
	wait "$sw"
	jq -r 'select(.remote.port == 3306 and .role == "client") | "\(.time) \(.life_ms)"' \
		"$tmp/closed" >"$tmp/closed.times"
	python3 - "$tmp/gen.log" "$tmp/closed.times" "$(cat "$tmp/gen.acc")" <<'PY'
import sys
def rd(p):
    return [tuple(float(v) for v in l.split()) for l in open(p) if "null" not in l]
g, s = rd(sys.argv[1]), rd(sys.argv[2])
a, b = min(t for t, _ in g) + 2, max(t for t, _ in g) - 2
def win(x):
    return sorted(l for t, l in x if a <= t < b)
gw, sw = win(g), win(s)
rs, rg = len(sw) / (b - a), len(gw) / (b - a)
ms, mg = (sw[len(sw) // 2] if sw else 0), (gw[len(gw) // 2] if gw else 0)
print("accuracy: closes/s --closed %.1f, churngen %.1f (%+.1f%%); median lifetime %.1f ms, "
      "churngen %.1f ms (%+.1f%%)   generator: %s"
      % (rs, rg, (rs - rg) / rg * 100 if rg else 0, ms, mg, (ms - mg) / mg * 100 if mg else 0, sys.argv[3]))
PY
}
if [ "$acc_only" = 0 ]; then
	run closed --closed --json
	run json --json -t -n 0 -d 1
	run summary -s -n 0 -d 1
fi
accuracy
