#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# batch_cli: the batch command line without touching the kernel: help and
# version, usage errors (exit 2, a caret under a bad filter or column
# list), runtime errors (exit 1), and the three formats replayed from the
# committed recording tests/data/fixtures.swrec (no root needed).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

tmpdir_new
REC="$top_srcdir/tests/data/fixtures.swrec"

# expect_rc WANT ARGS...: sockwatch exits WANT (output in $T/out, $T/err)
expect_rc() {
	_want=$1
	shift
	sw_run "$T/out" "$T/err" "$@"
	if [ "$SW_RC" != "$_want" ]; then
		log "sockwatch $* exited $SW_RC, not $_want"
		show_file stderr "$T/err"
		return 1
	fi
	return 0
}

has() { grep -q -- "$1" "$2"; }
jqe() { jq -e "$1" "$2" >/dev/null; }

check "--help exits 0" expect_rc 0 --help
check "--help shows the usage" has "Usage: sockwatch" "$T/out"
check "--version exits 0" expect_rc 0 --version
check "--version names sockwatch" has "^sockwatch " "$T/out"

check "unknown option exits 2" expect_rc 2 -b --no-such-option
check "unknown option: hint on stderr" has "sockwatch --help" "$T/err"
check "bad delay exits 2" expect_rc 2 -b -d 0
check "bad count exits 2" expect_rc 2 -b --count=-1
check "-n -1 exits 2" expect_rc 2 -b -n -1
check "-n -1: says the count is wrong" has "invalid count '-1'" "$T/err"
check "bad --top exits 2" expect_rc 2 -b -s --top 0
check "bad --format exits 2" expect_rc 2 -b --format yaml

# A bad filter: the expression, then a caret under the bad word, exit 2.
check "bad filter exits 2" expect_rc 2 -b --replay "$REC" 'state established and dport = :nosuchservice'
check "bad filter: message" has "invalid filter" "$T/err"
check "bad filter: the expression is shown" has "  state established and dport = :nosuchservice" "$T/err"
caret_col=$(awk '/\^$/ { print index($0, "^") }' "$T/err")
word_col=$(awk '/dport = :nosuchservice/ { print index($0, "nosuchservice") }' "$T/err")
check "bad filter: caret at column $caret_col under the service ($word_col or its colon)" \
	test -n "$caret_col" -a \( "$caret_col" = "$word_col" -o "$caret_col" = "$((word_col - 1))" \)
check "unknown state exits 2" expect_rc 2 -b --replay "$REC" state nonsense
check "unbalanced parenthesis exits 2" expect_rc 2 -b --replay "$REC" '( sport = :22'

check "bad --columns exits 2" expect_rc 2 -b --replay "$REC" --columns proto,bogus
check "bad --columns: caret under the bad name" has "^        ^$" "$T/err"
check "bad --columns: lists the known columns" has "Known columns:" "$T/err"
check "descending in --columns exits 2" expect_rc 2 -b --replay "$REC" --columns=-state
check "bad --sort exits 2" expect_rc 2 -b --replay "$REC" --sort state,,rtt

check "missing recording exits 1" expect_rc 1 -b --replay "$T/does-not-exist"
check "missing recording: says which file" has "does-not-exist" "$T/err"
check "unknown netns exits 1" expect_rc 1 -b -N "sw-no-such-netns-$$"

if [ ! -f "$REC" ]; then
	log "no recording $REC: replay checks skipped"
	finish
fi

# Table from the recording: the header, TIME-WAIT shown without -a,
# listeners only with -a or -l.
check "replay table exits 0" expect_rc 0 -b --replay "$REC" -t
check "table header" has "^Proto  *State  *Recv-Q  *Send-Q  *Local Address:Port  *Peer Address:Port" "$T/out"
check "table shows TIME-WAIT by default" has "TIME-WAIT" "$T/out"
check "table hides LISTEN by default" sh -c "! grep -q LISTEN '$T/out'"
check "-l exits 0" expect_rc 0 -b --replay "$REC" -t -l -H
check "-l shows only listeners" sh -c "awk '{print \$2}' '$T/out' | sort -u | grep -qx LISTEN && ! awk '{print \$2}' '$T/out' | grep -vqx -e LISTEN -e CLOSE"
check "a state filter shows listeners without -a" expect_rc 0 -b --replay "$REC" -H state listening
check "... and only them" sh -c "test -s '$T/out' && ! awk '{print \$2}' '$T/out' | grep -vqx LISTEN"
check "--columns and --sort" expect_rc 0 -b --replay "$REC" -a -t -H --columns lport,state --sort=-lport
check "... sorted by port, descending" sh -c "awk '{print \$1}' '$T/out' | sort -c -n -r"
check "-H drops the header" sh -c "! grep -q '^LPort' '$T/out'"

# Long filters (sockwatch -b $(yes tcp | head -n 100000) overflowed the
# stack): a flat chain of 100,000 conditions works and selects what one
# does; nesting 100,000 deep is refused with the limit and a short caret.
check "one tcp condition exits 0" expect_rc 0 -b --replay "$REC" -H tcp
cp "$T/out" "$T/one-tcp"
# shellcheck disable=SC2046 # one argument per condition, as the shell gives them
check "100,000 juxtaposed tcp conditions exit 0" expect_rc 0 -b --replay "$REC" -H $(yes tcp | head -n 100000)
check "... and select the same sockets as one" cmp -s "$T/out" "$T/one-tcp"
check "... that is not nothing" test -s "$T/out"
# shellcheck disable=SC2046
check "100,000 conditions joined by ',' (or) exit 0" expect_rc 0 -b --replay "$REC" -H $(yes udp, | head -n 100000) tcp
deep=$(yes '(' | head -n 100000 | tr -d '\n')
check "100,000 nested '(' exit 2" expect_rc 2 -b --replay "$REC" "${deep}tcp"
check "... saying how deep is too deep" has "filter too deeply nested (more than 64 levels)" "$T/err"
check "... with the expression cut to a window around the caret" \
	sh -c "test \$(wc -L <'$T/err') -lt 200 && grep -q '^ *\\^\$' '$T/err'"
# shellcheck disable=SC2046
check "100,000 nested 'not' exit 2" expect_rc 2 -b --replay "$REC" $(yes not | head -n 100000) tcp
check "... saying how deep is too deep" has "too deeply nested" "$T/err"

# JSON: one valid document per sample, JSON lines with -n.
if command -v jq >/dev/null 2>&1; then
	check "replay --json exits 0" expect_rc 0 -b --replay "$REC" -a --json
	check "JSON document is valid" json_ok "$T/out"
	check "JSON is a single line" test "$(wc -l <"$T/out")" = 1
	check "JSON notes the replay" jqe '.notes | index("replay")' "$T/out"
	check "JSON count = sockets" jqe '.count == (.sockets | length) and .count > 0' "$T/out"
	check "JSON summary total = count" jqe '.summary.total == .count' "$T/out"
	check "JSON netstat state names" jqe '[.sockets[].state] | all(test("^[A-Z][A-Z0-9_]*$"))' "$T/out"
	check "JSON v4-mapped sockets written as IPv4" \
		jqe '[.sockets[] | select(.v4mapped) | .local.addr] | all(test("^[0-9.]+$"))' "$T/out"
	check "-n 3 gives JSON lines" expect_rc 0 -b --replay "$REC" -a --json -n 3 -d 0.05
	check "... three valid documents" sh -c "test \$(jq -c .version '$T/out' | wc -l) = 3"
	check "-s --json has aggregates" expect_rc 0 -b --replay "$REC" -s --json
	check "... remote_ip and listeners" jqe '.aggregates.remote_ip and .aggregates.listeners' "$T/out"
fi

# The default order is the one the man page documents (--sort).
if [ -f "$REC" ]; then
	check "default order: exits 0" expect_rc 0 -b --replay "$REC" -a
	cp "$T/out" "$T/default.txt"
	check "--sort proto,local,remote: exits 0" expect_rc 0 -b --replay "$REC" -a --sort proto,local,remote
	check "default order is proto, local, remote (sockwatch.1)" cmp -s "$T/default.txt" "$T/out"
	check "sockwatch.1 documents that order" grep -q "default order of batch output is protocol, local" \
		"$top_srcdir/doc/sockwatch.1"
fi

# Summary.
check "replay -s exits 0" expect_rc 0 -b --replay "$REC" -s
check "summary: totals" has "^Total: [0-9]* sockets" "$T/out"
check "summary: per remote IP" has "^Connections per remote IP" "$T/out"
check "summary: listeners" has "^Listeners" "$T/out"

# A closed pipe ends quietly with status 0.
(
	"$SOCKWATCH" -b --replay "$REC" -a -n 200 -d 0.05 2>"$T/pipe.err"
	echo $? >"$T/pipe.rc"
) | head -n 1 >/dev/null
check "closed pipe: exit 0" test "$(cat "$T/pipe.rc")" = 0
check "closed pipe: nothing on stderr" test ! -s "$T/pipe.err"

# A closed stdout is an error (exit 1, a message), not output written into
# whatever descriptor sockwatch opens first (the sock_diag socket).
closed_stdout() {
	"$SOCKWATCH" "$@" >&- 2>"$T/closed.err"
	_rc=$?
	if [ "$_rc" != 1 ] || ! grep -q "cannot write output" "$T/closed.err"; then
		log "sockwatch $* >&- exited $_rc"
		show_file stderr "$T/closed.err"
		return 1
	fi
}
check "closed stdout: -b -a fails" closed_stdout -b -a
check "closed stdout: --json fails" closed_stdout -b --json
check "closed stdout: -s fails" closed_stdout -s
check "closed stdout: --check fails" closed_stdout --check -n 1
check "closed stdout: --help fails" closed_stdout --help
check "full disk: --version fails" sh -c "! '$SOCKWATCH' --version >/dev/full 2>/dev/null"


# ---- SIGINT and SIGTERM ------------------------------------------------------
# A single listing ends at once on the first one (a collection of a million
# sockets takes seconds); repeated samples end after the one in progress,
# with status 0, and a second signal ends them at once.  The samples are
# made 20 s long (SOCKWATCH_DEBUG_COLLECT_DELAY_MS), so "at once" is any
# end within 10 s.
# sig_run DELAY_MS ARGS...: start sockwatch in the background, pid in SIGPID
sig_run() {
	_d=$1
	shift
	SOCKWATCH_DEBUG_COLLECT_DELAY_MS=$_d "$SOCKWATCH" "$@" >"$T/sig.out" 2>"$T/sig.err" &
	SIGPID=$!
	sleep 1
}
# sig_ends WANT_RC: SIGPID ends within 10 s with WANT_RC
sig_ends() {
	_n=0
	while kill -0 "$SIGPID" 2>/dev/null && [ $_n -lt 100 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	if kill -0 "$SIGPID" 2>/dev/null; then
		log "still running 10 s after the signal"
		kill -9 "$SIGPID"
		wait "$SIGPID" 2>/dev/null
		return 1
	fi
	wait "$SIGPID"
	_rc=$?
	[ "$_rc" = "$1" ] || { log "exit status $_rc, not $1"; show_file stderr "$T/sig.err"; return 1; }
}
one_int() {
	sig_run 20000 -b --replay "$REC" --count 1
	kill -INT "$SIGPID"
	sig_ends 130
}
check "single listing: SIGINT ends it at once (status 130)" one_int
repeat_twice() {
	sig_run 20000 -b --replay "$REC" --count 2
	kill -TERM "$SIGPID"
	sleep 1
	kill -0 "$SIGPID" || { log "ended on the first SIGTERM, inside a sample"; return 1; }
	kill -TERM "$SIGPID"
	sig_ends 143
}
check "repeated samples: a second SIGTERM ends them at once (143)" repeat_twice
repeat_once() {
	sig_run 3000 -b --replay "$REC" --count 3 -d 1
	kill -TERM "$SIGPID"
	sig_ends 0 && has "Local Address" "$T/sig.out"
}
check "repeated samples: one SIGTERM ends them after the sample, status 0" repeat_once

finish
