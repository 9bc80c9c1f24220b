#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# batch_habits: the batch habits of ss, netstat, vmstat and lsof users.
#  - stdout not a terminal and no -b: the table is printed (as ss and
#    netstat do in a pipe); stdin redirected alone does not do that.
#  - -n COUNT repeats: a "--- TIME ---" line before each table (not with -H).
#  - --format csv: RFC 4180, one header, a time column when repeating.
#  - --pids: the PIDs holding the matching sockets, as lsof -t, so that
#    `kill $(sockwatch --pids sport = :PORT)` works (in a netns, on a
#    server this test started).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

tmpdir_new
REC="$top_srcdir/tests/data/fixtures.swrec"
has() { grep -q -- "$1" "$2"; }
not_has() { ! grep -q -- "$1" "$2"; }
# the listener on PORT is gone (a killed server may linger as a zombie)
no_listener() { [ -z "$(ip netns exec "$NS" ss -tlnH "sport = :$1")" ]; }
has_listener() { ! no_listener "$1"; }

# ---- a pipe instead of a terminal -------------------------------------------
"$SOCKWATCH" --replay "$REC" -a >"$T/pipe.out" 2>"$T/pipe.err"
check "no -b, stdout a file: exit 0" test $? -eq 0
"$SOCKWATCH" -b --replay "$REC" -a >"$T/batch.out" 2>&1
check "no -b, stdout a file: the same table as -b" cmp -s "$T/pipe.out" "$T/batch.out"
check "no -b, stdout a file: a table header" has "^Proto  State" "$T/pipe.out"
"$SOCKWATCH" --replay "$REC" -a 2>&1 | cat >"$T/pipe2.out"
check "no -b, stdout a pipe: the table" cmp -s "$T/pipe2.out" "$T/batch.out"
if command -v script >/dev/null 2>&1; then
	# stdout a terminal (script's pty), stdin redirected: still the monitor's
	# error, never a table on the terminal
	script -qec "\"$SOCKWATCH\" --replay \"$REC\" </dev/null" /dev/null >"$T/tty.out" 2>&1
	rc=$?
	check "stdin redirected, stdout a terminal: exit 1 (was $rc)" test "$rc" -eq 1
	check "stdin redirected, stdout a terminal: says it needs a terminal" \
		has "needs a terminal" "$T/tty.out"
	check "stdin redirected, stdout a terminal: no table" not_has "^Proto" "$T/tty.out"
fi

# ---- timestamps between repeated tables ---------------------------------------
"$SOCKWATCH" -b --replay "$REC" -a -n 3 -d 0.05 >"$T/rep.out" 2>&1
n=$(grep -c '^--- [0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z ---$' "$T/rep.out")
check "-n 3: three timestamp lines (got $n)" test "$n" -eq 3
check "-n 3: each timestamp line right before a header" \
	test "$(grep -A1 '^--- ' "$T/rep.out" | grep -c '^Proto')" -eq 3
check "-n 3: a blank line between the tables" test "$(grep -c '^$' "$T/rep.out")" -eq 2
check "one table: no timestamp line" not_has "^--- " "$T/batch.out"
"$SOCKWATCH" -b --replay "$REC" -a -n 2 -d 0.05 -H >"$T/repH.out" 2>&1
check "-n 2 -H: no timestamp line" not_has "^--- " "$T/repH.out"
"$SOCKWATCH" -b -s --replay "$REC" -n 2 -d 0.05 >"$T/reps.out" 2>&1
check "-s -n 2: two timestamp lines" test "$(grep -c '^--- .*Z ---$' "$T/reps.out")" -eq 2
"$SOCKWATCH" --json --replay "$REC" -n 2 -d 0.05 >"$T/repj.out" 2>&1
check "--json -n 2: no timestamp line (JSON has \"time\")" not_has "^--- " "$T/repj.out"

# ---- CSV ----------------------------------------------------------------------
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
csv_rows() { # FILE: "NROWS NCOLS-SET" as parsed by Python's csv module
	$PY -c 'import csv,sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
print(len(rows), ",".join(sorted({str(len(r)) for r in rows})), rows[0][0] if rows else "")' "$1"
}
"$SOCKWATCH" --replay "$REC" -a --format csv >"$T/c.csv" 2>"$T/c.err"
nrows=$(grep -c . "$T/batch.out")
check "csv: header + one line per table row, 6 fields each ($(csv_rows "$T/c.csv"))" \
	test "$(csv_rows "$T/c.csv")" = "$nrows 6 proto"
check "csv: the header names the columns" has "^proto,state,recvq,sendq,local,remote$" "$T/c.csv"
"$SOCKWATCH" --replay "$REC" -a --format csv -H --columns state,local >"$T/cH.csv" 2>&1
check "csv -H: no header, --columns kept" test "$(csv_rows "$T/cH.csv")" = "$((nrows - 1)) 2 LISTEN"
"$SOCKWATCH" --replay "$REC" -a --format csv -n 3 -d 0.05 >"$T/c3.csv" 2>&1
check "csv -n 3: one header, a time column, three samples" \
	test "$(csv_rows "$T/c3.csv")" = "$((3 * (nrows - 1) + 1)) 7 time"

# ---- --pids (lsof -t) -------------------------------------------------------------
if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null 2>&1; then
	netns_new pids
	leaky_start 9000 0.1
	P1=$LPID
	rm -f "$T/leaky.pid" # leaky_start waits for this file to fill
	leaky_start 9001 0.1
	P2=$LPID
	wait_for 5 sh -c "ip netns exec $NS ss -tanH state close-wait | grep -q :9000" ||
		log "no CLOSE_WAIT on :9000 yet"
	sw_run_ns "$T/p.out" "$T/p.err" --pids sport = :9000
	check "--pids sport = :9000: exit 0" test "$SW_RC" -eq 0
	check "--pids sport = :9000: exactly the server's pid $P1 ($(tr '\n' ' ' <"$T/p.out"))" \
		test "$(cat "$T/p.out")" = "$P1"
	sw_run_ns "$T/p2.out" "$T/p2.err" --pids -l -t
	check "--pids -l -t: both servers, ascending, once each ($(tr "\n" " " <"$T/p2.out"))" \
		test "$(tr '\n' ' ' <"$T/p2.out")" = "$(printf '%s\n' "$P1" "$P2" | sort -n | tr '\n' ' ')"
	sw_run_ns "$T/p3.out" "$T/p3.err" --pids sport = :9999
	check "--pids for no socket: nothing, exit 0" test "$SW_RC" -eq 0 -a ! -s "$T/p3.out"
	kill $(ip netns exec "$NS" "$SOCKWATCH" --pids sport = :9000) 2>/dev/null
	check "kill \$(sockwatch --pids sport = :9000) stops that server" wait_for 5 no_listener 9000
	check "... and not the other one" has_listener 9001
fi

finish
