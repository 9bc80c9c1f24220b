#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tmux_selftest: proves the tmux plumbing the UI tests stand on
# (tests/ui/lib-tmux.sh): start a program in a detached session of a given
# size, TERM and locale (inside a network namespace when root), wait for
# text, send keys, capture the screen, resize, read the exit status.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib-tmux.sh"

require_cmds tmux
tmpdir_new
if [ "$(id -u)" = 0 ]; then
	netns_new tmuxself
else
	log "not root: running without a network namespace"
fi

prog='echo "TERM=$TERM CHARMAP=$(locale charmap)"; ip -o link show 2>/dev/null | wc -l | sed "s/^/LINKS=/";
echo READY; while read x; do echo "GOT:$x"; echo "SIZE:$(stty size)"; done; exit 3'

tmux_start 80 24 vt100 C sh -c "$prog"
check "program started, READY on the screen" tmux_wait_text READY
check "pane is 80x24 (got $(tmux_size))" test "$(tmux_size)" = 80x24
check "TERM and locale passed (TERM=vt100, ASCII charmap)" tmux_wait_text "TERM=vt100 CHARMAP=ANSI_X3.4-1968" 2
if [ -n "$NS" ]; then
	check "runs inside the namespace (only lo)" tmux_wait_text "LINKS=1" 2
fi

tmux_type "hello world"
tmux_send Enter
check "typed text arrives" tmux_wait_text "GOT:hello world"
check "terminal size seen by the program" tmux_wait_text "SIZE:24 80"

tmux_capture "$T/screen.txt"
check "capture-pane to a file" grep -q '^GOT:hello world$' "$T/screen.txt"

tmux_resize 40 10
check "resized to 40x10 (got $(tmux_size))" test "$(tmux_size)" = 40x10
tmux_send again Enter
check "program sees the new size" tmux_wait_text "SIZE:10 40"
tmux_resize 100 30
tmux_send x Enter
check "and back to 100x30" tmux_wait_text "SIZE:30 100"

tmux_record_start "$T/bytes.out"
tmux_send rec Enter
tmux_wait_text "GOT:rec" >/dev/null
sleep 0.3
tmux_record_stop
check "pipe-pane records the program's output" grep -q 'GOT:rec' "$T/bytes.out"

tmux_send C-d
check "program exits on EOF" tmux_wait_exit 5
check "exit status read back (3, got '$TMUX_STATUS')" test "$TMUX_STATUS" = 3

# a second program in the same server, UTF-8 locale; ended by a signal
tmux_start 60 12 xterm-256color C.UTF-8 sh -c 'echo "TERM=$TERM CHARMAP=$(locale charmap) ✓"; exec sleep 30'
check "UTF-8 locale and xterm-256color" tmux_wait_text "TERM=xterm-256color CHARMAP=UTF-8 ✓"
if tmux_wait_text NEVER_THERE 1 2>/dev/null; then fail "wait for absent text succeeded"; else pass "wait for absent text times out"; fi
pid=$(tmux_pid)
check "tmux_pid is the program (sleep, pid $pid)" test "$(ps -o comm= -p "$pid")" = sleep
kill -TERM "$pid"
tmux_wait_exit 5
check "killed by SIGTERM: status 143 (got '$TMUX_STATUS')" test "$TMUX_STATUS" = 143

# Ctrl-C reaches the program with the default action
tmux_start 40 10 screen C sleep 30
sleep 0.3
tmux_send C-c
tmux_wait_exit 5
check "Ctrl-C ends the program: status 130 (got '$TMUX_STATUS')" test "$TMUX_STATUS" = 130

tmux_start 40 10 linux C sleep 30
pid=$(tmux_pid)
tmux_stop
check "tmux_stop ends the program" wait_for 5 sh -c "! kill -0 $pid 2>/dev/null"

finish
