#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ui_replay: the monitor on a recorded history (sockwatch --replay DIR), in
# tmux.  The history: 4 samples with a listener on :3306, then (a second
# recorder run appending to the same segment) 4 more with :4406 too, then
# 2 with neither.  The header says RECORDING and the sample's date and
# time; ] and [ step one sample (:4406 appears and goes), G jumps to a
# typed time, . and , a minute (past the end or start: the status line says where the recording
# ends or starts), kill and close are refused, the filter works on the
# recording, Space plays it.  Short connections to :5507 made during the
# second run (tests/tools/churngen.py) show in the Churn panel of the
# replay as it plays, from the close events recorded with the samples, and
# right after a jump (G) to the end of the recording, two samples after
# they stopped, from the events of the samples before it.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib-tmux.sh"

require_root
require_cmds tmux jq
TZ=UTC
export TZ
netns_new uireplay
H=$T/hist
sockfix_start listen,port=3306
sw_run_ns "$T/r1.out" "$T/r1.err" --record-dir "$H" -d 1 -n 4 --keyframe 3
check "first recorder run (rc=$SW_RC)" test "$SW_RC" = 0
sockfix_stop
sockfix_start listen,port=3306 listen,port=4406
run_in_ns python3 "$top_srcdir/tests/tools/churngen.py" --port 5507 --rate 20 --seconds 6 \
	--life 5 >"$T/gen.out" 2>&1 &
GEN=$!
at_exit "kill $GEN 2>/dev/null"
sw_run_ns "$T/r2.out" "$T/r2.err" --record-dir "$H" -d 1 -n 4 --keyframe 3
check "second recorder run appends (rc=$SW_RC)" test "$SW_RC" = 0
wait "$GEN"
sockfix_stop
# two more samples once the short connections have ended: the end of the
# recording has no closure in its own intervals
sw_run_ns "$T/r3.out" "$T/r3.err" --record-dir "$H" -d 0.5 -n 2 --keyframe 3
check "third recorder run appends (rc=$SW_RC)" test "$SW_RC" = 0

"$SOCKWATCH" --replay "$H" --json -t -l | jq -r .time >"$T/times"
check "the history holds 10 samples" test "$(wc -l <"$T/times")" = 10
at() { date -u -d "@$(sed -n "${1}p" "$T/times")" '+%Y-%m-%d %H:%M:%S'; }

SOCKWATCH_NO_MOUSE=1
export SOCKWATCH_NO_MOUSE
tmux_start_sockwatch 150 40 xterm-256color C.UTF-8 --replay "$H" -a
check "monitor opens on the first sample: RECORDING $(at 1)" tmux_wait_text "RECORDING $(at 1)"
check "a replay starts paused" tmux_wait_text "PAUSED"
check "the first sample has :3306" tmux_wait_text ":3306"
check "... and not :4406" tmux_wait_gone ":4406"
for i in 2 3 4 5; do tmux_send ']'; tmux_wait_text "RECORDING $(at $i)" 5 || break; done
check "] four times: sample 5 ($(at 5))" tmux_wait_text "RECORDING $(at 5)"
check "sample 5 has :4406" tmux_wait_text ":4406"
tmux_send '['
check "[: back to sample 4 ($(at 4))" tmux_wait_text "RECORDING $(at 4)"
check "sample 4 has no :4406" tmux_wait_gone ":4406"
tmux_send G
check "G asks for a time" tmux_wait_text "Go to time:"
tmux_type "$(at 7 | cut -c12-)"
tmux_send Enter
check "G $(at 7 | cut -c12-): sample 7" tmux_wait_text "RECORDING $(at 7)"
tmux_send G
tmux_type "25:99"
tmux_send Enter
check "G with a bad time says what it takes" tmux_wait_text "HH:MM[:SS], YYYY-MM-DD HH:MM"
tmux_send Escape
tmux_send .
check ". past the end: where the recording ends" tmux_wait_text "The recording ends at"
check ". lands on the last sample ($(at 10))" tmux_wait_text "RECORDING $(at 10)"
tmux_send ,
check ", before the start: where it starts" tmux_wait_text "The recording starts at"
check ", lands on the first sample" tmux_wait_text "RECORDING $(at 1)"
tmux_send '['
check "[ at the first sample: the start" tmux_wait_text "The start of the recording"
tmux_send k
check "k: killing is disabled in a recording" tmux_wait_text "A recording: killing processes is disabled"
tmux_send K
check "K: closing is disabled in a recording" tmux_wait_text "A recording: closing sockets is disabled"
tmux_send /
tmux_type "sport = :3306"
tmux_send Enter
check "a filter on the recording" tmux_wait_text "sport = :3306"
tmux_send Escape
tmux_send ' '
check "Space plays: sample 2 comes" tmux_wait_text "RECORDING $(at 2)" 10
check "... no longer paused" tmux_wait_gone "PAUSED"
tmux_send 8
check "played on, the Churn panel shows the closures to :5507" \
	tmux_wait_regex "Churn +[1-9][0-9]* destinations" 15
check "... from the recorded close events, not sample deltas" tmux_wait_gone "from sample deltas"
# a jump lands with the Churn panel as the live monitor had it then: the
# close events of the window before the sample, not only its interval's
# (the last two samples' intervals had none)
tmux_send ' '
check "Space pauses again" tmux_wait_text "PAUSED"
tmux_send ,
check ", back to the first sample" tmux_wait_text "RECORDING $(at 1)"
tmux_send G
tmux_type "$(at 10 | cut -c12-)"
tmux_send Enter
check "G $(at 10 | cut -c12-): the last sample" tmux_wait_text "RECORDING $(at 10)"
check "after the jump the Churn panel shows the closures to :5507 of the seconds before" \
	tmux_wait_regex "^127\.0\.0\.1:5507 +[0-9]" 5
tmux_send q
check "q quits" tmux_wait_exit 5

finish
