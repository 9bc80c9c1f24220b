#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# churn: sockwatch under short-connection churn with port reuse, as in the
# php-fpm/MySQL TIME_WAIT story (one new database connection per request,
# the client closing first).  In the test's namespace ip_local_port_range is
# narrowed to 1000 ports and tcp_tw_reuse is 2 (the default: loopback only);
# tests/tools/churn.py makes thousands of connections a second to four
# ports, so every client port is in TIME_WAIT and reused about once a
# second, and holds 400 established connections that it resets at once.
#
# 1. batch: `sockwatch -b --json -t -a --count 14 -d 0.2` with `ss -tanHe`
#    dumps taken between its samples (churn.py explains how they are placed
#    between sockwatch's dumps, and why the cookie rule below is sound).
#    In every sample: no cookie twice, no connected TCP 4-tuple twice, and
#    every socket is in an ss dump just before or just after the sample, or
#    new since sockwatch's previous sample (it started after that dump and
#    ended before the ss dump after; a socket in the previous sample and in
#    neither ss dump was gone before this sample's dump).  The sample
#    after the reset lists none of the 800 reset sockets; the two samples
#    after the load stops count TIME_WAIT as ss does (within 1%).
# 2. monitor (tmux): under the same load, paused, the load stopped, resumed:
#    the header's time-wait equals `ss -tan state time-wait` (within 1%) on
#    the first and the second refresh after the load stopped.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib-tmux.sh"

require_root
require_cmds ip ss sysctl jq python3 tmux
netns_new churn
run_in_ns sysctl -qw net.ipv4.ip_local_port_range="40000 40999" || die "cannot narrow the port range"
run_in_ns sysctl -qw net.ipv4.tcp_tw_reuse=2 || die "cannot set tcp_tw_reuse"
CHURN=$top_srcdir/tests/tools/churn.py

# ---- 1. batch samples against ss ------------------------------------------
R=$T/churn.json
run_in_ns python3 "$CHURN" sample --sockwatch "$SOCKWATCH" --samples 14 --reset-at 7 \
	--stop-at 10 --tmp "$T" --out "$R" 2>"$T/churn.err" || {
	cat "$T/churn.err" >&2
	die "churn.py sample failed"
}
rj() { jq -r "$1" "$R"; }
log "load: $(rj .connections) connections in $(rj .load_seconds) s ($(rj .rate)/s)"
rj '.samples[] | "sample \(.k): \(.listed) listed, \(.dup_tuples) duplicate 4-tuples, \(.dup_cookies) duplicate cookies, \(.stale) stale; TIME_WAIT \(.tw) (ss after: \(.ss_tw_after)), ESTABLISHED \(.estab) (ss after: \(.ss_estab_after))\(if .event then ", then " + .event else "" end)"' |
	while read -r l; do log "$l"; done

check "sockwatch --count 14 exits 0 (rc=$(rj .sockwatch_rc))" test "$(rj .sockwatch_rc)" = 0
check "14 samples read" test "$(rj '.samples | length')" = 14
# the fixture: the 4 x 1000 client 4-tuples were all used, then reused
check "fixture: ports reused (>= 8000 connections: $(rj .connections))" \
	test "$(rj .connections)" -ge 8000
check "fixture: 800 held sockets to reset ($(rj .storm.sockets))" test "$(rj .storm.sockets)" = 800
# the method: every sample held sockwatch while ss ran (so the dumps are ordered)
check "every sample long enough to hold sockwatch between dumps" \
	test "$(rj '[.samples[] | select(.ordered | not)] | length')" = 0

n=$(rj '[.samples[].dup_tuples] | add')
check "no connected TCP 4-tuple twice in a sample ($n duplicates; first: $(rj '[.samples[].dup_tuple_examples[]][0] // "none"'))" test "$n" = 0
n=$(rj '[.samples[].dup_cookies] | add')
check "no cookie twice in a sample ($n duplicates)" test "$n" = 0
n=$(rj '[.samples[] | select(.valid) | .stale] | add')
check "every listed socket is in ss before/after or new since the previous sample ($n stale rows; first: $(rj '[.samples[].stale_examples[]][0] // "none"'))" test "$n" = 0
n=$(rj '.storm.still_listed')
check "the sample after the reset storm lists none of the 800 reset sockets ($n listed)" test "$n" = 0

# after the load stops no TIME_WAIT is made: sockwatch's count is the ss
# dumps' around it (tests/lib.sh tw_between)
for k in 11 12; do
	sw=$(rj ".samples[] | select(.k == $k) | .tw")
	ss=$(rj ".samples[] | select(.k == $k) | .ss_tw_after")
	sb=$(rj ".samples[] | select(.k == $((k - 1))) | .ss_tw_after")
	check "sample $k ($((k - 10)) after the load stopped): TIME_WAIT $sw, ss $ss (before: $sb)" \
		tw_between "$sw" "$sb" "$ss"
done

# ---- 2. the monitor's header ----------------------------------------------
ip netns exec "$NS" python3 "$CHURN" load --seconds 60 --tmp "$T" >"$T/load.out" 2>"$T/load.err" &
LOAD_PID=$!
at_exit "kill $LOAD_PID 2>/dev/null"
ss_tw() { ip netns exec "$NS" ss -tanH state time-wait | wc -l; }
load_ready() { grep -qs '^ready' "$T/load.out"; }
wait_for 40 load_ready
check "fixture: load running (every client port reused), $(ss_tw) TIME-WAIT" load_ready

SOCKWATCH_NO_MOUSE=1
export SOCKWATCH_NO_MOUSE
tmux_start_sockwatch 160 30 xterm-256color C.UTF-8 -d 1
check "monitor starts" tmux_wait_text "time-wait"
# a new sample: the header's time (HH:MM:SS) is no longer $1; the screen
# it was read from is in $T/scr, its time-wait count in $HDR_TW
new_sample() {
	tmux_capture "$T/scr"
	HDR_TIME=$(sed -n '1s/.*\([0-9][0-9]:[0-9][0-9]:[0-9][0-9]\).*/\1/p' "$T/scr")
	HDR_TW=$(sed -n 's/.*time-wait \([0-9][0-9]*\).*/\1/p' "$T/scr" | head -n 1)
	[ -n "$HDR_TIME" ] && [ "$HDR_TIME" != "$1" ]
}
wait_for 10 new_sample ""
wait_for 10 new_sample "$HDR_TIME" # a refresh under load
tmux_send Space
check "monitor paused" tmux_wait_text "PAUSED"
new_sample ""
T0=$HDR_TIME
log "paused: header time $T0, time-wait $HDR_TW, ss $(ss_tw)"
kill "$LOAD_PID"
wait "$LOAD_PID"
log "monitor phase load: $(tail -n 1 "$T/load.out")"
SS_TW=$(ss_tw)
clock_not() { [ "$(date +%H:%M:%S)" != "$1" ]; }
wait_for 3 clock_not "$T0" # so the next sample's time differs from T0
tmux_send Space
wait_for 10 new_sample "$T0"
T1=$HDR_TIME TW1=$HDR_TW
wait_for 10 new_sample "$T1"
TW2=$HDR_TW
log "refreshes after the stop: $T1 time-wait $TW1, $HDR_TIME time-wait $TW2"
check "monitor, 1st refresh after the load stopped: time-wait ${TW1:-?}, ss $SS_TW (within 1%)" \
	tw_close "${TW1:-0}" "$SS_TW"
check "monitor, 2nd refresh after the load stopped: time-wait ${TW2:-?}, ss $SS_TW (within 1%)" \
	tw_close "${TW2:-0}" "$SS_TW"
tmux_send q
tmux_wait_exit 10

finish
