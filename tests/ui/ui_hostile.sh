#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ui_hostile: the monitor when the terminal goes away, a stray signal
# arrives or a recording carries nonsense.  (1) Under `trap "" HUP` no SIGHUP reaches sockwatch when its
# tmux session is killed: the hung-up terminal must still end it (it used
# to spin at 100% CPU for ever).  (2) Every signal whose default action
# ends the process (SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU,
# SIGTRAP, SIGSYS) leaves the terminal with echo on, and the process still
# dies of that signal.  (3) A replayed timestamp out of range shows as
# "(invalid time)", not a garbage clock.  Only processes this test started
# are signalled.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib-tmux.sh"

require_cmds tmux stty jq python3
REC="$top_srcdir/tests/data/fixtures.swrec"
[ -f "$REC" ] || skip "no recording $REC"
SOCKWATCH_NO_MOUSE=1
export SOCKWATCH_NO_MOUSE

# A session that keeps the private tmux server alive between the others.
tmux_start 80 24 xterm-256color C.UTF-8 sleep 3600

# ---- (1) the terminal goes away, no SIGHUP ----------------------------------
# bash execs the last command of -c, which would make sockwatch the session
# leader (the kernel sends it SIGHUP on hang-up, and it quits): the trailing
# "status=$?" keeps bash (ignoring HUP) in between, as in a wrapper script.
gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
tmux_cmd new-session -d -s hup -x 100 -y 30 \
	"bash -c 'trap \"\" HUP; SOCKWATCH_NO_MOUSE=1 \"$SOCKWATCH\" --replay \"$REC\"; status=\$?'" ||
	die "tmux new-session failed"
bash_pid=$(tmux_cmd display-message -p -t hup '#{pane_pid}')
wait_for 10 sh -c "pgrep -P $bash_pid >/dev/null" || die "sockwatch did not start"
sw_pid=$(pgrep -n -P "$bash_pid")
wait_for 10 sh -c "tmux -S '$TMUX_SOCK' capture-pane -p -t hup | grep -q Connections" ||
	log "the monitor's screen did not show up (going on)"
tmux_cmd kill-session -t hup
if wait_for 10 gone "$sw_pid"; then
	pass "terminal gone without SIGHUP: sockwatch exited"
else
	fail "terminal gone without SIGHUP: sockwatch ($sw_pid) still running: $(ps -o stat=,pcpu= -p "$sw_pid")"
	kill -KILL "$sw_pid" 2>/dev/null # ours: started above
fi

# ---- (2) deadly signals restore the terminal ---------------------------------
# The pane runs sockwatch, then prints the terminal settings it was left
# with (stty -a, in that pane, on that terminal) and the exit status.
for sn in USR1:10 USR2:12 ALRM:14 VTALRM:26 PROF:27 XCPU:24 TRAP:5 SYS:31; do
	sig=${sn%:*} num=${sn#*:} # Linux numbers (dash's kill -l takes no names)
	out="$T/stty.$sig"
	tmux_start 100 30 xterm-256color C.UTF-8 sh -c \
		'"$1" --replay "$2"; rc=$?; stty -a >"$3.tmp"; mv "$3.tmp" "$3"; echo "status $rc" >>"$3"; sleep 3600' \
		sh "$SOCKWATCH" "$REC" "$out"
	if ! tmux_wait_text "Connections" 10 >/dev/null; then
		fail "SIG$sig: the monitor did not start"
		continue
	fi
	inner=$(tmux_pid)
	sw=$(pgrep -n -P "$inner")
	[ -n "$sw" ] || { fail "SIG$sig: no sockwatch process found"; continue; }
	kill -"$sig" "$sw"
	if ! wait_for 10 test -s "$out"; then
		fail "SIG$sig: sockwatch did not end"
		continue
	fi
	# "echo" as a word, not "-echo"
	check "SIG$sig: terminal left with echo on" grep -Eq '(^| )echo( |$)' "$out"
	check "SIG$sig: terminal left in canonical mode" grep -Eq '(^| )icanon( |$)' "$out"
	check "SIG$sig: still killed by SIG$sig ($(tail -1 "$out"))" \
		grep -q "^status $((128 + num))\$" "$out"
done

# ---- (3) a recording with an impossible time ------------------------------------
# Every sample's real_sec (the first field of each SAMPLE_BEGIN payload, see
# record.c) set to INT64_MAX.
python3 - "$REC" "$T/badtime.swrec" <<'PY' || die "cannot craft the recording"
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
off = 16
while off + 8 <= len(b):
    typ, ln = struct.unpack_from("=II", b, off)
    if typ == 1:
        struct.pack_into("=q", b, off + 8, 2**63 - 1)
    off += 8 + ((ln + 7) & ~7)
open(sys.argv[2], "wb").write(b)
PY
tmux_start_sockwatch 100 30 xterm-256color C.UTF-8 --replay "$T/badtime.swrec"
check "impossible replayed time: header says (invalid time)" tmux_wait_text "(invalid time)"
tmux_send q
tmux_wait_exit 5 >/dev/null
check "JSON: time_iso empty for it" sh -c "'$SOCKWATCH' -b --json --replay '$T/badtime.swrec' | jq -e '.time_iso == \"\"' >/dev/null"

finish
