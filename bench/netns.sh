#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/netns.sh - the cost of -N all: 50 network namespaces holding 200
# TCP sockets each against one namespace holding the same 10,000 sockets
# (100 / 5,000 loopback connections, both ends held).  Not part of the
# test suite.  Root only.
#
#   bench/netns.sh [--rounds N] [--samples N] [--build DIR] [--ns N] [--pairs N]
#                  [--child-ehash N] [--perf FILE]
#
# Runs in a private pid and mount namespace (unshare --pid --mount
# --mount-proc, with empty /run/netns and /var/run/netns), so -N all finds
# only the namespaces made here plus sockwatch's own, not those of anything
# else running on the machine.  Each round times (bench/nsbench.c: median
# of SAMPLES refreshes made as the monitor makes them: inet sockets,
# tcp_info, kstat, process mapping):
#   one      -N /proc/PID/ns/net of the single 10,000-socket namespace
#   one-all  -N all while only that namespace exists (plus our own)
#   fifty    -N all over the 50 namespaces (plus our own)
# and the kernel's floor for the same two (nsbench -R: one TCP dump per
# namespace over sockets opened once, nothing parsed), and prints the
# medians over the rounds, fifty / one, and fifty's floor / one: the best
# ratio any -N all could reach.  The TCP sockets of the whole machine
# (every namespace's, /proc/net/sockstat "alloc") are printed too: each
# dump walks a hash holding all of them.
# Every TCP dump walks the whole established hash, which all namespaces
# share unless they were created with net.ipv4.tcp_child_ehash_entries set
# (Linux 6.1+): --child-ehash N creates every namespace of the benchmark
# with a private hash of N buckets (the sysctl is set in an intermediate
# namespace, never on the host).  --perf FILE records a call-graph profile
# (perf record -g) of the last round's fifty refreshes into FILE.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=3 samples=11 build= nns=50 pairs=5000 child_ehash=0 perf=
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) rounds=$2; shift ;;
	--samples) samples=$2; shift ;;
	--build) build=$2; shift ;;
	--ns) nns=$2; shift ;;
	--pairs) pairs=$2; shift ;;
	--child-ehash) child_ehash=$2; shift ;;
	--perf) perf=$(realpath -m "$2"); shift ;;
	--inner) break ;;
	-h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "netns.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done

if [ "${1:-}" != --inner ]; then
	[ "$(id -u)" = 0 ] || { echo "netns.sh: needs root" >&2; exit 1; }
	: "${build:=$top/build-bench}"
	mkdir -p "$build"
	[ -f "$build/Makefile" ] || (cd "$build" && "$top/configure" -q CFLAGS="-O2 -g") ||
		exit 1
	make -C "$build" -s src/libswcollect.a src/libswcore.a >/dev/null || exit 1
	cc -O2 -g -std=gnu11 -Wall -Wextra -I"$build" -I"$top/src" -o "$build/nsbench" \
		"$top/bench/nsbench.c" "$build/src/libswcollect.a" "$build/src/libswcore.a" \
		$(pkg-config --libs libmnl) -pthread || exit 1
	exec unshare --pid --fork --mount --mount-proc "$0" --inner "$build/nsbench" \
		"$rounds" "$samples" "$nns" "$pairs" "$child_ehash" "$perf"
fi

# ---- inside the private pid and mount namespace
nsbench=$2 rounds=$3 samples=$4 nns=$5 pairs=$6 child_ehash=$7 perf=${8:-}
if [ "$child_ehash" != 0 ] && [ "${SW_NSB_PARENT:-}" != 1 ]; then
	# the namespaces below get private hashes: set in a parent of theirs
	SW_NSB_PARENT=1 exec unshare -n "$0" "$@"
fi
if [ "$child_ehash" != 0 ]; then
	ip link set lo up
	sysctl -qw net.ipv4.tcp_child_ehash_entries="$child_ehash" || exit 1
fi
mount --make-rprivate /
for d in /run/netns /var/run/netns /run/docker/netns; do
	[ -d "$d" ] && mount -t tmpfs none "$d"
done
ulimit -n 20000
R=$(mktemp -d /tmp/sw-nsbench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; wait; rm -rf "$R"' EXIT
cat >"$R/hold.py" <<'PY'
import socket, sys, time
n, ready = int(sys.argv[1]), sys.argv[2]
l = socket.socket(); l.bind(("127.0.0.1", 7000)); l.listen(4096)
keep = []
for i in range(n):
    c = socket.create_connection(("127.0.0.1", 7000)); a, _ = l.accept(); keep += [c, a]
l.close()
open(ready, "w").write("ok\n")
time.sleep(3600)
PY
# start N holders of P pairs each; waits until all are up; pids in $holders
start() {
	holders=
	rm -f "$R"/ready.*
	for ((k = 0; k < $1; k++)); do
		unshare -n sh -c 'ip link set lo up && exec python3 "$@"' sh "$R/hold.py" "$2" \
			"$R/ready.$k" &
		holders="$holders $!"
	done
	while [ "$(ls "$R" | grep -c '^ready\.')" -lt "$1" ]; do sleep 0.2; done
}
stop() { kill $holders 2>/dev/null; wait $holders 2>/dev/null; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for ((r = 1; r <= rounds; r++)); do
	start 1 "$pairs"
	set -- $holders
	"$nsbench" -N "/proc/$1/ns/net" -n "$samples" >>"$R/one"
	"$nsbench" -R -N "/proc/$1/ns/net" -n "$samples" >>"$R/onefloor"
	"$nsbench" -N all -n "$samples" >>"$R/oneall"
	stop
	start "$nns" $((pairs * 2 / nns / 2))
	if [ -n "$perf" ] && [ "$r" = "$rounds" ]; then
		perf record -q -g -o "$perf" -- "$nsbench" -N all -n "$samples" >>"$R/fifty"
	else
		"$nsbench" -N all -n "$samples" >>"$R/fifty"
	fi
	"$nsbench" -R -N all -n "$samples" >>"$R/fiftyfloor"
	awk '$1 == "TCP:" {print $9}' /proc/net/sockstat >>"$R/alloc"
	stop
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
for f in 1 2; do
	one[$f]=$(cut -d' ' -f$f "$R/one" | median)
	oneall[$f]=$(cut -d' ' -f$f "$R/oneall" | median)
	fifty[$f]=$(cut -d' ' -f$f "$R/fifty" | median)
	onefloor[$f]=$(cut -d' ' -f$f "$R/onefloor" | median)
	fiftyfloor[$f]=$(cut -d' ' -f$f "$R/fiftyfloor" | median)
done
[ "$child_ehash" != 0 ] && echo "namespaces created with tcp_child_ehash_entries=$child_ehash"
printf 'rounds %d, %d refreshes each (per round: median wall ms, median CPU ms, sockets, namespaces):\n' \
	"$rounds" "$samples"
printf '  one      %s\n' "$(tr '\n' ';' <"$R/one")"
printf '  one-all  %s\n' "$(tr '\n' ';' <"$R/oneall")"
printf '  fifty    %s\n' "$(tr '\n' ';' <"$R/fifty")"
printf '  floor: one %s fifty %s\n' "$(tr '\n' ';' <"$R/onefloor")" \
	"$(tr '\n' ';' <"$R/fiftyfloor")"
printf 'TCP sockets on the whole machine (all namespaces) during the fifty rounds: %s\n' \
	"$(tr '\n' ' ' <"$R/alloc")"
printf 'wall: one %s ms, one-all %s ms, fifty %s ms; fifty / one = %s\n' \
	"${one[1]}" "${oneall[1]}" "${fifty[1]}" "$(ratio "${fifty[1]}" "${one[1]}")"
printf 'CPU:  one %s ms, one-all %s ms, fifty %s ms; fifty / one = %s\n' \
	"${one[2]}" "${oneall[2]}" "${fifty[2]}" "$(ratio "${fifty[2]}" "${one[2]}")"
printf 'floor (kernel dumps only), CPU: one %s ms, fifty %s ms; fifty floor / one = %s\n' \
	"${onefloor[2]}" "${fiftyfloor[2]}" "$(ratio "${fiftyfloor[2]}" "${one[2]}")"
printf 'floor, wall: one %s ms, fifty %s ms; fifty floor / one = %s\n' \
	"${onefloor[1]}" "${fiftyfloor[1]}" "$(ratio "${fiftyfloor[1]}" "${one[1]}")"
