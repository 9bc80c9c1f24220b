#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# history_churn: the closed connections of a recording.  In a quiet
# namespace `sockwatch --record-dir` and a live `sockwatch --json` run side
# by side, both sampling every 0.5 s, while tests/tools/evgen.py makes 30
# and then 20 short TCP connections (each a client end and a server end
# destroyed).  The replay `--replay DIR --json` must show the churn member
# as the live run did: close events used ("events": true after the first
# sample), and as many TCP closures in all (the sum of churn.closed.tcp
# over the samples) as the live run counted, at least both ends of every
# connection made; the busiest destination group counts the 30 of the
# first batch, as live.  A recording made without close events (the
# kernel refusing them) replays with the churn from sample deltas and
# says so.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ip python3
EVGEN=$top_srcdir/tests/tools/evgen.py
netns_new histch
H=$T/hist

lines() { [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]; }

run_in_ns "$SOCKWATCH" --record-dir "$H" -d 0.5 -n 24 >"$T/rec.out" 2>"$T/rec.err" &
RPID=$!
at_exit "kill $RPID 2>/dev/null"
run_in_ns "$SOCKWATCH" --json -d 0.5 -n 24 >"$T/live.json" 2>"$T/live.err" &
LPID=$!
at_exit "kill $LPID 2>/dev/null"
# both have taken samples (and so joined the destroy-event groups)
wait_for 30 lines "$T/live.json" 3 || die "the live run printed nothing: $(cat "$T/live.err")"
wait_for 30 sh -c "ls '$H'/sw-*.swh >/dev/null 2>&1" || die "the recorder wrote nothing: $(cat "$T/rec.err")"
sleep 1
made1=$(run_in_ns python3 "$EVGEN" tcp 30 | sed -n 's/made=\([0-9]*\).*/\1/p')
sleep 1
made2=$(run_in_ns python3 "$EVGEN" tcp 20 | sed -n 's/made=\([0-9]*\).*/\1/p')
[ "$made1" = 30 ] && [ "$made2" = 20 ] || die "evgen made $made1 and $made2 connections"
wait "$RPID" || die "the recorder failed: $(cat "$T/rec.err")"
wait "$LPID" || die "the live run failed: $(cat "$T/live.err")"
check "the recorder read close events (no note)" sh -c "! grep -q 'note:' '$T/rec.err'"

sw_run "$T/replay.json" "$T/replay.err" --replay "$H" --json
check "the replay runs (rc=$SW_RC)" test "$SW_RC" = 0
closed() { jq -s '[.[] | .churn.closed.tcp // 0] | add' "$1"; }
live=$(closed "$T/live.json")
rep=$(closed "$T/replay.json")
log "TCP closures: live $live, replay $rep (connections made: 50)"
check "the replay counts the closures the live run did ($rep = $live)" test "$rep" = "$live"
check "every end of the 50 connections is counted ($rep >= 100)" test "$rep" -ge 100
check "the replay's churn comes from close events" \
	test "$(jq -s '[.[1:][] | .churn.events] | all' "$T/replay.json")" = true
# the first batch's destination (its listener's port) as a group of 30
top() { jq -s '[.[] | .churn.destinations[]? | .closed] | max // 0' "$1"; }
check "the busiest destination counts the first batch, as live ($(top "$T/replay.json") = $(top "$T/live.json") = 30)" \
	sh -c "test $(top "$T/replay.json") = 30 && test $(top "$T/live.json") = 30"

# recorded without close events: the replay says so, counts from deltas
N=$T/noev
SOCKWATCH_DEBUG_EVENTS_ERRNO=EPERM run_in_ns "$SOCKWATCH" --record-dir "$N" -d 0.3 -n 4 \
	>"$T/n.out" 2>"$T/n.err"
check "a recorder without close events says so" grep -q 'note: no connection close events' "$T/n.err"
sw_run "$T/n.json" "$T/n.jerr" --replay "$N" --json
check "its replay's churn says why there are no events" \
	test "$(jq -s '[.[] | .churn.events_error? // empty] | .[0]' "$T/n.json")" = \
	'"the recording has no close events (recorded without them)"'

finish
