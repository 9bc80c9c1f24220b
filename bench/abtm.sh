#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/abtm.sh - before/after of `-b -t -a -n` for bench/run.sh --exec
# (which exports $BENCH_BIN): N (default 25) interleaved runs of the floor
# and of each build under tm, then per build the medians of user, sys and
# CPU (ms), CPU's quartiles and its ratio to the floor's median.
#   N=25 bench/run.sh --size 100k --exec 'bench/abtm.sh OLD NEW'
set -u
B=$BENCH_BIN N=${N:-25}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for _ in $(seq "$N"); do
	echo "floor $("$B/tm" -- "$B/rawdump" -1 -S 0x1fff)" >>"$out"
	for sw in "$@"; do
		echo "$sw $("$B/tm" -- "$sw" -b -t -a -n)" >>"$out"
	done
done
python3 - "$out" <<'P'
import collections, statistics as st, sys
d = collections.defaultdict(list)
for l in open(sys.argv[1]):
    f = l.split()
    d[f[0]].append((float(f[2]) * 1000, float(f[3]) * 1000))
fl = st.median(u + s for u, s in d['floor'])
for k, v in d.items():
    c = [u + s for u, s in v]
    q = st.quantiles(c, n=4)
    print("%s: n=%d user %.1f sys %.1f cpu %.1f (q1 %.1f q3 %.1f) ratio %.2f" % (
        k, len(v), st.median(u for u, s in v), st.median(s for u, s in v),
        st.median(c), q[0], q[2], st.median(c) / fl))
P
