#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/scale.sh - how sockwatch's cost grows with the socket count: runs
# bench/run.sh at 10k, 100k and 1m sockets (one population each, every
# ratio measured in that population's run) and prints, side by side, CPU
# microseconds and peak RSS bytes per socket of -b, -b -p, --json and the
# monitor's refresh, with their ratios to the raw dump floors and to ss.
#
#   bench/scale.sh [--sizes "10k 100k 1m"] [--runs N] [--runs-1m N]
#                  [--cap SEC] [--sockwatch PATH] [--out DIR]
#
# --runs (default 3) timed runs at 10k and 100k, --runs-1m (default 1) at
# 1m (plus one warm-up run each); --cap SEC (default 600) stops ss -tanp
# after SEC seconds.  The monitor runs on a 200x50 pty at -d 1 (10k, 100k)
# and -d 10 (1m: a refresh takes seconds).  Root only; 1m needs ~5 GB of
# kernel memory and ~1M file descriptors (bench/popgen.c says what it
# needs and stops when the machine cannot).  Results: DIR/SIZE/ (see
# run.sh) and DIR/scale.md.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
sizes="10k 100k 1m" runs=3 runs1m=1 cap=600 sockwatch= outdir=
while [ $# -gt 0 ]; do
	case $1 in
	--sizes) sizes=$2; shift ;;
	--runs) runs=$2; shift ;;
	--runs-1m) runs1m=$2; shift ;;
	--cap) cap=$2; shift ;;
	--sockwatch) sockwatch=$2; shift ;;
	--out) outdir=$2; shift ;;
	-h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "scale.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
	shift
done
: "${outdir:=$top/build-bench/bench/scale-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$outdir" || exit 1

for sz in $sizes; do
	r=$runs delay=1 refreshes=20
	if [ "$sz" = 1m ]; then
		r=$runs1m delay=10 refreshes=4
	fi
	"$top/bench/run.sh" --size "$sz" --runs "$r" --cap "$cap" --tui-delay "$delay" \
		--tui-refreshes "$refreshes" --out "$outdir/$sz" \
		${sockwatch:+--sockwatch "$sockwatch"} || echo "scale.sh: run.sh --size $sz failed" >&2
done

# field SIZE LABEL COLUMN (2 wall ms, 3 CPU ms, 4 RSS MB) from summary.tsv
field() {
	awk -F'\t' -v l="$2" -v c="$3" '$1 == l { print $c; exit }' "$outdir/$1/summary.tsv" 2>/dev/null
}
per_socket() { # SIZE LABEL: "CPU us/socket | RSS bytes/socket"
	local n cpu rss
	n=$(field "$1" sockets 2) cpu=$(field "$1" "$2" 3) rss=$(field "$1" "$2" 4)
	awk -v n="${n:-0}" -v c="${cpu:--}" -v m="${rss:--}" 'BEGIN {
		if (n == 0 || c == "-" || c == "") { printf "- | -"; exit }
		if (c ~ /^>/) printf "%s ms (stopped)", substr(c, 2); else printf "%.2f", c * 1000 / n
		if (m == "-" || m == "") printf " | -"; else printf " | %.0f", m * 1048576 / n }'
}
ratio() { # SIZE A B: CPU of A / CPU of B
	local a b
	a=$(field "$1" "$2" 3) b=$(field "$1" "$3" 3)
	awk -v a="${a:-}" -v b="${b:-}" 'BEGIN {
		if (a == "" || b == "" || a ~ /^>/) { printf "-"; exit }
		if (b ~ /^>/) { printf "< %.3f", a / substr(b, 2); exit }
		printf "%.2f", (b > 0 ? a / b : 0) }'
}
{
	echo "## Per socket (CPU = user + sys; monitor: per refresh, schedstat)"
	echo
	printf '| command |'
	for sz in $sizes; do printf ' %s: CPU us/socket | %s: RSS B/socket |' "$sz" "$sz"; done
	echo
	printf '|---|'
	for sz in $sizes; do printf -- '---:|---:|'; done
	echo
	for l in "floor" "floor+info" "ss -tan" "ss -tanp" "sockwatch -b -a -t" \
		"sockwatch -b -a -t -p" "sockwatch -b -a --json" "monitor refresh"; do
		printf '| `%s` |' "$l"
		for sz in $sizes; do printf ' %s |' "$(per_socket "$sz" "$l")"; done
		echo
	done
	echo
	echo "## Ratios (CPU, medians of one run per size)"
	echo
	printf '| ratio |'
	for sz in $sizes; do printf ' %s |' "$sz"; done
	echo
	printf '|---|'
	for sz in $sizes; do printf -- '---:|'; done
	echo
	for pr in "sockwatch -b -a -t|floor" "monitor refresh|floor+info" \
		"sockwatch -b -a -t|ss -tan" "sockwatch -b -a -t -p|ss -tanp"; do
		a=${pr%%|*} b=${pr#*|}
		printf '| `%s` / `%s` |' "$a" "$b"
		for sz in $sizes; do printf ' %s |' "$(ratio "$sz" "$a" "$b")"; done
		echo
	done
	echo
	for sz in $sizes; do
		printf '%s: %s sockets; ' "$sz" "$(field "$sz" sockets 2)"
		printf 'peak RSS MB: -b %s, -b -p %s, --json %s, monitor %s\n' \
			"$(field "$sz" "sockwatch -b -a -t" 4)" "$(field "$sz" "sockwatch -b -a -t -p" 4)" \
			"$(field "$sz" "sockwatch -b -a --json" 4)" "$(field "$sz" "monitor refresh" 4)"
	done
} | tee "$outdir/scale.md"
echo "results in $outdir" >&2
