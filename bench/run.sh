#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/run.sh - sockwatch benchmark against ss and netstat.  Not part of the test suite.
#
#   bench/run.sh [--size 10k|100k|1m] [--runs N] [--no-tui] [--tui-delay SEC]
#                [--tui-refreshes N] [--sockwatch PATH] [--build DIR] [--out DIR]
#                [--pairs N --tw N --listen N --procs N] [--cap SEC] [--exec CMD]
#
# Builds what it needs (the bench helpers and, unless --sockwatch is given,
# src/sockwatch in DIR, default <top>/build-bench), creates a network
# namespace sw-bench-PID with a socket population (bench/popgen.c), and in
# that same namespace times, interleaved, RUNS times each (after one
# warm-up/sanity run): a raw netlink dump with no parsing (the floor), ss,
# netstat and sockwatch's batch modes; then the full-screen monitor on a
# 200x50 pty (CPU per refresh, bytes per refresh, idle CPU, peak RSS).
# Prints a table of medians and ratios and writes it with the raw numbers
# to the output directory.  The namespace and every process started are
# removed on every exit path.  Root only.
# --exec CMD runs CMD (bash) in the namespace once the population is up,
# with $SOCKWATCH and $BENCH_BIN exported, instead of the timings
# (to profile: --exec 'perf record -g -o /tmp/p.data $SOCKWATCH -b -p').
# --cap SEC: ss -tanp and netstat -tanp are stopped after SEC seconds
# (default 600) and reported as "> SEC s"; --size 1m leaves netstat out.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
size=10k runs=5 tui=1 tui_delay=1 tui_refreshes=20
sockwatch= build= outdir= pairs= tw= listen= procs= exec_cmd=
inner=0 cap=600

while [ $# -gt 0 ]; do
	case $1 in
	--size) size=$2; shift ;;
	--runs) runs=$2; shift ;;
	--no-tui) tui=0 ;;
	--tui-delay) tui_delay=$2; shift ;;
	--tui-refreshes) tui_refreshes=$2; shift ;;
	--sockwatch) sockwatch=$2; shift ;;
	--build) build=$2; shift ;;
	--out) outdir=$2; shift ;;
	--pairs) pairs=$2; shift ;;
	--tw) tw=$2; shift ;;
	--listen) listen=$2; shift ;;
	--procs) procs=$2; shift ;;
	--exec) exec_cmd=$2; shift ;;
	--cap) cap=$2; shift ;;
	--inner) inner=1 ;;
	-h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
	shift
done

case $size in
10k) : "${pairs:=4700}" "${tw:=500}" "${listen:=100}" "${procs:=20}" ;;
100k) : "${pairs:=47000}" "${tw:=5000}" "${listen:=1000}" "${procs:=200}" ;;
# 1,006,000: 500k established pairs in 100 holders of 10k fds each
1m) : "${pairs:=500000}" "${tw:=5000}" "${listen:=1000}" "${procs:=101}" ;;
*) [ -n "$pairs" ] && [ -n "$tw" ] && [ -n "$listen" ] && [ -n "$procs" ] || {
	echo "run.sh: --size is 10k, 100k or 1m (or give --pairs --tw --listen --procs)" >&2
	exit 2; } ;;
esac

log() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------- inner part
# Runs inside the namespace (ip netns exec), started by the outer part.
if [ $inner = 1 ]; then
	B=$BENCH_BIN R=$BENCH_OUT SW=$BENCH_SOCKWATCH
	pg=
	stop_pg() {
		if [ -n "$pg" ] && kill -0 "$pg" 2>/dev/null; then
			kill -TERM "$pg" 2>/dev/null
			wait "$pg" 2>/dev/null
		fi
		pg=
	}
	trap 'stop_pg' EXIT
	trap 'stop_pg; exit 130' INT TERM HUP

	ip link set lo up
	# A new connection must not recycle a TIME_WAIT 4-tuple (loopback
	# default 2), or the TIME_WAIT count would drift.
	sysctl -qw net.ipv4.tcp_tw_reuse=0

	rm -f "$R/ready"
	"$B/popgen" -e "$pairs" -w "$tw" -l "$listen" -p "$procs" -r "$R/ready" \
		>"$R/popgen.out" 2>"$R/popgen.err" &
	pg=$!
	for _ in $(seq 6000); do
		[ -f "$R/ready" ] && break
		kill -0 $pg 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -f "$R/ready" ]; then
		log "run.sh: the population did not come up:"; cat "$R/popgen.err" >&2
		exit 1
	fi
	log "population: $(cat "$R/popgen.out")"
	grep '^popgen:' "$R/popgen.err" >&2
	total=$((2 * pairs + tw + listen))
	if [ -n "$exec_cmd" ]; then
		SOCKWATCH=$SW BENCH_BIN=$B bash -c "$exec_cmd"
		rc=$?
		stop_pg
		exit $rc
	fi

	tw_now() { awk '/^TCP:/ { for (i = 1; i < NF; i++) if ($i == "tw") print $(i+1) }' \
		/proc/net/sockstat; }
	# TIME_WAIT sockets expire in waves every 60 s; popgen refills within
	# ~0.2 s.  Start each timed command with the full count.
	wait_full() {
		local i
		for i in $(seq 100); do
			[ "$(tw_now)" -ge $((tw * 98 / 100)) ] && return 0
			sleep 0.05
		done
		log "run.sh: warning: TIME_WAIT count $(tw_now) < $tw"
	}

	# label|command   (labels are keys in the table; commands go through eval)
	# floor: one dump of TCP over both families (one walk of the hash
	# tables, as sockwatch does), states 0-12 (ss asks 0-11; 12 = request
	# sockets, in the same hash): what `sockwatch -b -a -t` asks for;
	# floor 4+6: an IPv4 then an IPv6 dump (two walks; the floor before
	# sockwatch asked for both families at once); floor+bound: every state
	# bit: bit 13 (TCP_BOUND_INACTIVE, 6.8+) makes the kernel also walk the
	# bind hash (the monitor with a filter, batch with a filter);
	# floor+ext: with tcp_info, congestion and skmeminfo (JSON);
	# floor+info: with tcp_info only (what the monitor asks while no column
	# shows congestion or socket memory): the monitor refresh's floor.
	cmds=(
		"floor|$B/rawdump -1 -S 0x1fff"
		"floor 4+6|$B/rawdump -S 0x1fff"
		"floor+bound|$B/rawdump -1"
		"floor+ext|$B/rawdump -1 -S 0x1fff -x"
		"floor+info|$B/rawdump -1 -S 0x1fff -E 2"
		"ss -tan|ss -tan"
		"ss -tanp|timeout $cap ss -tanp"
	)
	# netstat reads /proc/net/tcp: minutes at a million sockets
	if [ "$size" != 1m ]; then
		cmds+=("netstat -tan|netstat -tan" "netstat -tanp|timeout $cap netstat -tanp")
	fi
	if [ -n "$SW" ]; then
		cmds+=(
			"sockwatch -b -a -t|$SW -b -a -t"
			"sockwatch -b -a -t -p|$SW -b -a -t -p"
			"sockwatch -b -a --json|$SW -b -a --json"
		)
	fi
	# Kernel-side filtering: same question to ss and to sockwatch.
	fcmds=(
		"ss -tln|ss -tln"
		"ss -tan state time-wait|ss -tan state time-wait"
		"ss -tan sport = :20000|ss -tan sport = :20000"
	)
	if [ -n "$SW" ]; then
		fcmds+=(
			"sockwatch -b -t state listening|$SW -b -t 'state listening'"
			"sockwatch -b -a -t state time-wait|$SW -b -a -t 'state time-wait'"
			"sockwatch -b -a -t sport = :20000|$SW -b -a -t 'sport = :20000'"
		)
	fi

	mkdir -p "$R/raw" "$R/sample"
	key() { printf '%s' "$1" | tr -c 'A-Za-z0-9=+-' '_'; }

	# Sanity/warm-up pass: every command once, output kept and counted.
	declare -A ok lines capped
	for c in "${cmds[@]}" "${fcmds[@]}"; do
		label=${c%%|*} cmd=${c#*|} k=$(key "$label")
		wait_full
		res=$(eval "\"\$B/tm\" -o \"\$R/sample/\$k.out\" -e \"\$R/sample/\$k.err\" -- $cmd")
		st=${res##* }
		if [ "$st" = 0 ]; then
			ok[$label]=1
		elif [ "$st" = 124 ]; then # timeout $cap
			ok[$label]=0 capped[$label]=1
			log "run.sh: '$cmd' stopped after $cap s"
		else
			ok[$label]=0
			log "run.sh: '$cmd' failed (exit $st): $(head -c 300 "$R/sample/$k.err")"
		fi
		lines[$label]=$(wc -l <"$R/sample/$k.out")
	done
	"$B/rawdump" -c 2>"$R/sample/count" && log "sockets dumped: $(cat "$R/sample/count") (expected $total)"

	# Timed runs, interleaved so that drift hits every command alike, and
	# rotated (round r starts r-1 commands later) so that no command always
	# follows the same one.  On a VM with free page reporting (virtio
	# balloon), the memory a command frees goes back to the host, and the
	# next command that touches fresh memory pays the host's faults: right
	# after netstat -tanp, `sockwatch -b -a -t` took 110-165 ms of CPU
	# instead of 90-100 (the raw dump, which allocates nothing, no more).
	all=("${cmds[@]}" "${fcmds[@]}")
	nall=${#all[@]}
	for r in $(seq "$runs"); do
		for i in $(seq 0 $((nall - 1))); do
			c=${all[$(((i + r - 1) % nall))]}
			label=${c%%|*} cmd=${c#*|} k=$(key "$label")
			[ "${ok[$label]}" = 1 ] || continue
			wait_full
			eval "\"\$B/tm\" -e /dev/null -- $cmd" >>"$R/raw/$k"
		done
		log "run $r/$runs done"
	done

	median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan";
		else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
	declare -A wall user sys cpu rss
	for c in "${cmds[@]}" "${fcmds[@]}"; do
		label=${c%%|*} k=$(key "$label")
		[ "${ok[$label]}" = 1 ] || continue
		f=$R/raw/$k
		wall[$label]=$(awk '{print $1 * 1000}' "$f" | median)
		user[$label]=$(awk '{print $2 * 1000}' "$f" | median)
		sys[$label]=$(awk '{print $3 * 1000}' "$f" | median)
		cpu[$label]=$(awk '{print ($2 + $3) * 1000}' "$f" | median)
		rss[$label]=$(awk '{print $4 / 1024}' "$f" | median)
	done
	ratio() { # ratio A B: "wall ratio / CPU ratio" of the medians
		if [ -n "${wall[$1]:-}" ] && [ -n "${wall[$2]:-}" ]; then
			awk -v a="${wall[$1]}" -v b="${wall[$2]}" -v c="${cpu[$1]}" -v d="${cpu[$2]}" \
				'BEGIN { printf "%.2f / %.2f", a / b, (d > 0 ? c / d : 0) }'
		else
			printf -- '-'
		fi
	}
	{
		printf '### %s sockets (%s pairs, %s TIME_WAIT, %s listeners, %s processes); median of %s runs\n\n' \
			"$total" "$pairs" "$tw" "$listen" "$procs" "$runs"
		printf 'Ratios are "wall / CPU" (CPU = user + sys); CPU ratios are steadier on a busy machine.\n\n'
		printf '| command | lines | wall ms | user ms | sys ms | CPU ms | peak RSS MB | vs floor | vs ss -tan | vs ss -tanp |\n'
		printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
		for c in "${cmds[@]}" "${fcmds[@]}"; do
			label=${c%%|*}
			if [ "${capped[$label]:-}" = 1 ]; then
				printf '| `%s` | stopped after %s s | > %s | | | | | | | |\n' "$label" "$cap" "$((cap * 1000))"
				continue
			fi
			if [ "${ok[$label]}" != 1 ]; then
				printf '| `%s` | failed | | | | | | | | |\n' "$label"
				continue
			fi
			printf '| `%s` | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %s | %s |\n' \
				"$label" "${lines[$label]}" "${wall[$label]}" "${user[$label]}" \
				"${sys[$label]}" "${cpu[$label]}" "${rss[$label]}" \
				"$(ratio "$label" floor)" "$(ratio "$label" "ss -tan")" \
				"$(ratio "$label" "ss -tanp")"
		done
		echo
	} >"$R/table.md"
	cat "$R/table.md"
	# For bench/scale.sh: label, wall ms, CPU ms, peak RSS MB (medians).
	{
		printf 'sockets\t%s\n' "$total"
		for c in "${cmds[@]}" "${fcmds[@]}"; do
			label=${c%%|*}
			if [ "${capped[$label]:-}" = 1 ]; then
				printf '%s\t>%s\t>%s\t-\n' "$label" "$((cap * 1000))" "$((cap * 1000))"
			elif [ "${ok[$label]}" = 1 ]; then
				printf '%s\t%s\t%s\t%s\n' "$label" "${wall[$label]}" "${cpu[$label]}" "${rss[$label]}"
			fi
		done
	} >"$R/summary.tsv"

	# ----------------------------------------- attribution of a new socket
	# The process map is incremental (it does not rescan unchanged
	# processes); a socket opened by an existing process must still be
	# attributed by the next refresh.  Batch repeats (-n) keep the same
	# collector as the monitor does: sample 1 (no such socket), then popgen
	# opens a listener in one holder, then samples 2 and 3 must name it.
	if [ -n "$SW" ]; then
		nport=$((20000 + listen))
		"$SW" -b -l -t -p -n 3 -d 2 --json "sport = :$nport" >"$R/attrib.jsonl" \
			2>"$R/attrib.err" &
		swp=$!
		for _ in $(seq 300); do
			[ -s "$R/attrib.jsonl" ] && break
			sleep 0.1
		done
		kill -USR1 "$pg"
		wait "$swp"
		want=$(ss -Htlnp "sport = :$nport" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
		verdict="FAILED"
		n1=$(sed -n 1p "$R/attrib.jsonl" | jq '.sockets | length' 2>/dev/null)
		p2=$(sed -n 2p "$R/attrib.jsonl" | jq -r '[.sockets[].processes[]?.pid] | map(tostring) | join(",")' 2>/dev/null)
		p3=$(sed -n 3p "$R/attrib.jsonl" | jq -r '[.sockets[].processes[]?.pid] | map(tostring) | join(",")' 2>/dev/null)
		if [ "$n1" = 0 ] && [ -n "$want" ] && [ "$p2" = "$want" ] && [ "$p3" = "$want" ]; then
			verdict="ok"
		fi
		printf '\nNew socket in an existing process (holder pid %s, port %s), `sockwatch -b -l -t -p -n 3 -d 2`:\nsample 1: %s sockets; sample 2 owners: [%s]; sample 3 owners: [%s] -> attributed within one refresh: **%s**\n\n' \
			"${want:-?}" "$nport" "${n1:-?}" "$p2" "$p3" "$verdict" | tee -a "$R/table.md"
	fi

	# ------------------------------------------------------------ TUI
	if [ "$tui" = 1 ] && [ -n "$SW" ]; then
		win=$(awk -v d="$tui_delay" -v n="$tui_refreshes" 'BEGIN { print d * n }')
		log "TUI: sockwatch -d $tui_delay on a 200x50 pty, ${win}s window"
		rm -f "$R/tui.pace"
		tres=$(SOCKWATCH_DEBUG_PACE="$R/tui.pace" "$B/ptyrun" -c 200 -r 50 -w 3 -t "$win" \
			-l "$R/tui.log" -- "$SW" -d "$tui_delay" 2>"$R/tui.err")
		echo "$tres" >"$R/tui.raw"
		if [ -z "$tres" ]; then
			log "run.sh: the TUI run failed: $(head -c 300 "$R/tui.err")"
			printf 'TUI: failed (%s)\n' "$(head -c 200 "$R/tui.err")" >>"$R/table.md"
		else
			eval "$tres" # window_s bytes bytes_total bursts cpu_ticks hz cpu_s sched_s maxrss_kb status from_ns to_ns
			# refreshes shown in the window, from the monitor's own log
			# (the interval stretches when a refresh costs more than half
			# of it; window / delay is only what was asked for)
			shown=$(awk -v a="${from_ns:-0}" -v z="${to_ns:-0}" '$3 >= a && $3 <= z { n++ } END { print n + 0 }' \
				"$R/tui.pace" 2>/dev/null)
			awk -v w="$window_s" -v d="$tui_delay" -v b="$bytes" -v bu="$bursts" -v sh="${shown:-0}" \
				-v c="$cpu_s" -v s="$sched_s" -v m="$maxrss_kb" \
				-v tanp="${wall[ss -tanp]:-0}" -v ctanp="${cpu[ss -tanp]:-0}" \
				-v finfo="${cpu[floor+info]:-0}" '
			BEGIN {
				n = sh > 0 ? sh : w / d
				printf "| TUI (sockwatch -d %s, 200x50, %.0f s) | value |\n|---|---:|\n", d, w
				printf "| refreshes asked for (window / delay) | %.0f |\n", w / d
				printf "| refreshes shown (its pace log; the per-refresh figures) | %.0f |\n", n
				printf "| output bursts seen | %d |\n", bu
				printf "| CPU per refresh, ms (/proc stat ticks) | %.1f |\n", c * 1000 / n
				printf "| CPU per refresh, ms (schedstat) | %.1f |\n", s * 1000 / n
				if (finfo > 0)
					printf "| CPU per refresh / floor+info CPU | %.2f |\n", s * 1000 / n / finfo
				printf "| CPU, %% of one core | %.2f |\n", s * 100 / w
				printf "| bytes to the terminal per refresh | %.0f |\n", b / n
				printf "| peak RSS, MB | %.1f |\n", m / 1024
				if (tanp > 0)
					printf "| CPU per refresh / ss -tanp wall | %.3f |\n", s * 1000 / n / tanp
				if (ctanp > 0)
					printf "| CPU per refresh / ss -tanp CPU | %.3f |\n", s * 1000 / n / ctanp
				print ""
			}' | tee -a "$R/table.md"
			awk -v w="$window_s" -v d="$tui_delay" -v s="$sched_s" -v m="$maxrss_kb" -v sh="${shown:-0}" \
				'BEGIN { n = sh > 0 ? sh : w / d; printf "monitor refresh\t-\t%.1f\t%.1f\n", s * 1000 / n, m / 1024 }' \
				>>"$R/summary.tsv"
		fi
	fi
	stop_pg
	exit 0
fi

# ---------------------------------------------------------------- outer part
if [ "$(id -u)" != 0 ]; then
	echo "run.sh: needs root (network namespaces)" >&2
	exit 1
fi

need_pkgs=()
command -v cc >/dev/null || need_pkgs+=(gcc libc6-dev)
command -v pkg-config >/dev/null || need_pkgs+=(pkg-config)
pkg-config --exists libmnl 2>/dev/null || need_pkgs+=(libmnl-dev)
command -v ss >/dev/null || need_pkgs+=(iproute2)
command -v netstat >/dev/null || need_pkgs+=(net-tools)
command -v jq >/dev/null || need_pkgs+=(jq)
if [ ${#need_pkgs[@]} -gt 0 ]; then
	log "installing ${need_pkgs[*]}"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

: "${build:=$top/build-bench}"
bin=$build/bench
mkdir -p "$bin"
cflags="-O2 -g -std=gnu11 -Wall -Wextra -Wshadow"
buildone() { # name extra-flags...
	local n=$1; shift
	if [ ! -x "$bin/$n" ] || [ "$top/bench/$n.c" -nt "$bin/$n" ]; then
		# shellcheck disable=SC2086
		cc $cflags -o "$bin/$n" "$top/bench/$n.c" "$@" || exit 1
	fi
}
buildone popgen
buildone rawdump $(pkg-config --cflags --libs libmnl)
buildone tm
buildone ptyrun -lutil
buildone keylat -lutil

if [ -z "$sockwatch" ]; then
	if [ ! -x "$top/configure" ]; then
		(cd "$top" && ./autogen.sh) >/dev/null 2>&1 || log "run.sh: autogen.sh failed"
	fi
	if [ ! -f "$build/Makefile" ]; then
		(cd "$build" && "$top/configure" -q) >/dev/null 2>"$bin/configure.err" ||
			log "run.sh: configure failed (see $bin/configure.err)"
	fi
	if make -C "$build" -s src/sockwatch >"$bin/make.log" 2>&1; then
		sockwatch=$build/src/sockwatch
	else
		log "run.sh: building sockwatch failed (see $bin/make.log); timing the others only"
	fi
fi
[ -n "$sockwatch" ] && sockwatch=$(readlink -f "$sockwatch")

: "${outdir:=$bin/results-$size-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$outdir"
outdir=$(readlink -f "$outdir")

ns=sw-bench-$$
child=
cleanup() {
	trap - EXIT INT TERM HUP
	if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
		kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	# Anything still inside our namespace was started by this run.
	if ip netns list | grep -qw "$ns"; then
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$ns"
	fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP

ip netns add "$ns" || exit 1

{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(nproc) CPU ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(free -g | awk '/Mem:/ { print $2 }') GiB, kernel $(uname -r)"
	echo "tools: $(ss -V 2>&1 | head -1), $(netstat -V 2>&1 | head -1)"
	echo "sockwatch: ${sockwatch:-none} ($(git -C "$top" log -1 --format='%h %cd' --date=short 2>/dev/null))"
	echo "command: bench/run.sh --size $size --runs $runs$([ $tui = 1 ] || echo ' --no-tui')"
	echo
} >"$outdir/header.txt"
cat "$outdir/header.txt"

BENCH_BIN=$bin BENCH_OUT=$outdir BENCH_SOCKWATCH=$sockwatch \
	ip netns exec "$ns" bash "$top/bench/run.sh" --inner --size "$size" --runs "$runs" \
	--pairs "$pairs" --tw "$tw" --listen "$listen" --procs "$procs" \
	--tui-delay "$tui_delay" --tui-refreshes "$tui_refreshes" --exec "$exec_cmd" --cap "$cap" \
	$([ $tui = 1 ] || echo --no-tui) &
child=$!
wait $child
rc=$?
child=
cat "$outdir/header.txt" "$outdir/table.md" >"$outdir/report.md" 2>/dev/null
log "results in $outdir"
exit $rc
