#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/abscale.sh - before/after of two sockwatch builds in one population,
# for bench/run.sh --exec (which exports $BENCH_BIN):
#   bench/run.sh --size 100k --exec 'bench/abscale.sh cpu OLD NEW'
#   bench/run.sh --size 1m --exec 'bench/abscale.sh rss OLD NEW'
# cpu: 3 rounds alternating (floor, floor+info, -b -a -t, -b -a -t -p,
# --json), then the monitor twice each (10 s, -d 1); rss: each batch
# command once per build, the monitor 40 s at -d 10, and the JSON socket
# count against ss.  Lines: "BUILD WHAT wall_s user_s sys_s maxrss_kb status"
# (tm's), monitor lines as ptyrun prints them.
set -u
mode=$1 old=$2 new=$3
B=$BENCH_BIN
batch() { # NAME SW
	echo "$1 b $("$B/tm" -- "$2" -b -a -t)"
	echo "$1 bp $("$B/tm" -- "$2" -b -a -t -p)"
	echo "$1 json $("$B/tm" -- "$2" -b -a --json)"
}
case $mode in
cpu)
	for _ in 1 2 3; do
		for sw in "$old" "$new"; do
			n=$([ "$sw" = "$old" ] && echo old || echo new)
			echo "$n floor $("$B/tm" -- "$B/rawdump" -1 -S 0x1fff)"
			echo "$n floor+info $("$B/tm" -- "$B/rawdump" -1 -S 0x1fff -E 2)"
			batch "$n" "$sw"
		done
	done
	for _ in 1 2; do
		echo "old monitor $("$B/ptyrun" -c 200 -r 50 -w 3 -t 10 -- "$old" -d 1 2>/dev/null | tail -1)"
		echo "new monitor $("$B/ptyrun" -c 200 -r 50 -w 3 -t 10 -- "$new" -d 1 2>/dev/null | tail -1)"
	done ;;
rss)
	batch old "$old"
	batch new "$new"
	echo "old monitor $("$B/ptyrun" -c 200 -r 50 -w 3 -t 40 -- "$old" -d 10 2>/dev/null | tail -1)"
	echo "new monitor $("$B/ptyrun" -c 200 -r 50 -w 3 -t 40 -- "$new" -d 10 2>/dev/null | tail -1)"
	echo "json sockets $("$new" -b -a --json | jq '.sockets | length'), ss $(ss -tanH | wc -l)" ;;
*)
	echo "abscale.sh: cpu|rss OLD NEW" >&2
	exit 2 ;;
esac
